# Lời của ki-ốt và lệnh ansinh, tiếng Việt: ngôn ngữ nguồn.
# The kiosk's and the ansinh command's wording in Vietnamese, the source language. Every other
# catalogue has the same ids and the same { $arguments }. Vietnamese has no plural forms: a
# count is written once.

## The language itself

language-name = Tiếng Việt
decimal-separator = ,

## Counts, durations and ages

duration-months = { $months } tháng
duration-years = { $years } năm
duration-years-months = { $years } năm { $months } tháng
ago-days = { $days } ngày trước
ago-hours-minutes = { $hours } giờ { $minutes } phút trước
## Sources of a result

status-verified = đã xác minh
status-secondary = nguồn thứ cấp
status-unverified = CHƯA XÁC MINH
source-line = { $label } — { $source } ({ $status })
scheme-other = Loại khác

## Payment modes: one wording for the screens, the command and the printed shift report

mode-monthly = Hằng tháng
mode-every-months = { $months } tháng một lần
mode-advance-years = Đóng trước { $years } năm
mode-backpay-months = Đóng bù { $months } tháng
mode-household-months = BHYT { $months } tháng
