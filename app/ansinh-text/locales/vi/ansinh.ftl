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
count-months = { $months } tháng

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

## Kiosk: quote screen

quote-poor-household = Hộ nghèo
quote-near-poor-household = Hộ cận nghèo
quote-ethnic-minority = Dân tộc thiểu số
quote-island-commune = Xã đảo, đặc khu
quote-everyone-else = Người dân khác
quote-no-province = Chưa chọn (không tính hỗ trợ của tỉnh)
quote-contribution = Phải đóng
quote-national-support = Nhà nước hỗ trợ
quote-provincial-support = Tỉnh hỗ trợ thêm
quote-you-pay-monthly = Bạn đóng mỗi tháng
quote-payment-contribution = Tổng phải đóng ({ $months } tháng)
quote-support-note = Được Nhà nước hỗ trợ { $months } tháng trong lần nộp này; còn { $left } tháng được hỗ trợ (tối đa 120 tháng).
quote-advance-discounted = Đóng trước nhiều năm được giảm theo lãi suất đầu tư của quỹ.

## Kiosk: pension screen

pension-stop-paying = Không đóng thêm
pension-choose-sex = Chọn Nam hoặc Nữ để xem kết quả.
pension-retirement-age-reached = Tháng đủ tuổi nghỉ hưu
pension-years-paid-at-retirement = Số năm đóng khi nghỉ hưu
pension-accrual-rate = Tỷ lệ hưởng
pension-average-income = Thu nhập bình quân
pension-from = Nhận lương hưu từ
pension-monthly-pension = Lương hưu mỗi tháng
pension-short-by = Còn thiếu để có lương hưu
pension-no-backpay = Thiếu hơn 5 năm nên không được đóng một lần cho số năm còn thiếu; hãy đóng tiếp hằng tháng.
pension-already-eligible = Đã đủ điều kiện hưởng lương hưu từ tháng { $from }: mang giấy tờ đến cơ quan BHXH để làm hồ sơ hưởng.
pension-social-pension = Trợ cấp hưu trí xã hội: { $amount } mỗi tháng từ tháng { $from } (đủ { $age } tuổi), nếu không có lương hưu.
pension-one-time = Nếu rút BHXH một lần khi nghỉ hưu: khoảng { $amount } (mất quyền lương hưu và thẻ BHYT).
pension-backpay = Đóng một lần cho { $missing } còn thiếu (vào tháng { $paid_in }): khoảng { $cost }; sau đó nhận lương hưu { $pension } mỗi tháng từ tháng { $from }.
pension-pay-on = Hoặc tiếp tục đóng { $duration } sau tuổi nghỉ hưu (đủ vào tháng { $complete }): lương hưu { $pension } mỗi tháng từ tháng { $from }.
pension-monthly-allowance = Hoặc nhận trợ cấp hằng tháng { $amount } trong { $months } tháng, cho đến khi hưởng trợ cấp hưu trí xã hội.
pension-chart-even = Tổng tiền đóng (22% thu nhập, kể cả phần Nhà nước hỗ trợ) khoảng { $paid }. Sau khoảng { $even } nhận lương hưu, số tiền nhận được bằng số đã đóng.
pension-chart-not-eligible = Tổng tiền đóng (22% thu nhập) khoảng { $paid }; chưa đủ điều kiện nhận lương hưu.

## Kiosk: comparison screen

scenarios-two-incomes = Hai mức thu nhập
scenarios-15-or-20-years = Đóng 15 năm và 20 năm
scenarios-option = Cách
scenarios-paid-to-retirement = Đóng được đến tuổi nghỉ hưu
scenarios-first-month = Bạn đóng tháng đầu
scenarios-total = Tổng bạn đóng
scenarios-months-raised = Tháng nâng lên mức thấp nhất
scenarios-retire = Nghỉ hưu
scenarios-paid-back-after = Nhận lại đủ số đã đóng sau
scenarios-pension = Lương hưu
scenarios-under-15-years = Chưa đủ 15 năm
scenarios-better-per-dong = Tính trên mỗi đồng đã đóng, cách { $option } cho lương hưu cao hơn.
scenarios-same-per-dong = Hai cách cho lương hưu tương xứng với số tiền đóng như nhau.

## Kiosk: household health insurance screen

household-member = Người thứ { $order }
household-note = Người thứ nhất đóng { $rate } mức tham chiếu ({ $reference }) mỗi tháng; từ người thứ hai được giảm dần.

## Kiosk: other benefits screen

benefits-maternity-allowance = Trợ cấp thai sản
benefits-per-child = Mỗi con
benefits-funeral-allowance = Trợ cấp mai táng
benefits-once = Một lần
benefits-social-pension = Trợ cấp hưu trí xã hội
benefits-a-month = Mỗi tháng
benefits-children = Sinh { $children } con
benefits-maternity-note = Cho người mẹ (hoặc người cha) đã đóng BHXH tự nguyện đủ { $paid } tháng trong { $window } tháng trước khi sinh.
benefits-funeral-note = Cho người lo mai táng khi người tham gia đã đóng đủ { $months } tháng, hoặc đang hưởng lương hưu, qua đời.
benefits-social-pension-note = Cho người từ { $age } tuổi không có lương hưu (từ { $age_poor } tuổi nếu thuộc hộ nghèo, cận nghèo).

## Kiosk: enrollment wizard

enroll-duplicate-what-to-do = Thu tiền lần nữa cho cùng tháng có thể là đóng trùng. Nhân viên chỉ xác nhận khi người tham gia thật sự muốn đóng thêm.
enroll-duplicate-title = Có thể đóng trùng
enroll-duplicate-confirm = Nhân viên xác nhận: vẫn lưu
enroll-duplicate-cancel = Không lưu, quay lại
enroll-tap-to-choose = Chạm để chọn
enroll-date-placeholder = ví dụ 15/03/1979
enroll-may-be-left-empty = Có thể để trống
enroll-tap-to-type = Chạm để nhập
enroll-title = Đăng ký tham gia
enroll-title-voluntary = Đăng ký BHXH tự nguyện (tờ khai TK1-TS)
enroll-title-household = Đăng ký BHYT hộ gia đình
enroll-submit = Nộp hồ sơ
enroll-next = Tiếp
enroll-member-done = Xong người này
enroll-members-help = Mỗi người trong hộ cùng tham gia một dòng. Người thứ hai trở đi được giảm tiền đóng.
enroll-consent-help = Đọc kỹ, hoặc nhờ nhân viên đọc cho bạn nghe.
enroll-consent-guardian-help = Người dưới 16 tuổi cần cha, mẹ hoặc người giám hộ đồng ý.
enroll-review-help = Kiểm tra lại. Bấm Sửa để thay đổi.
enroll-consent = Đồng ý
enroll-yes = Có
enroll-not-yet = Chưa
enroll-not-saved-banner = Chưa lưu hồ sơ. Chưa thu tiền.
enroll-help-name = Nhập họ tên đầy đủ có dấu, như trên căn cước.
enroll-help-papers = Số định danh cá nhân là 12 số in trên căn cước.
enroll-help-address = Nơi nhận sổ BHXH và giấy tờ.
enroll-help-birth-registration = Như ghi trong giấy khai sinh (được ghi tên cũ).
enroll-help-payment = Mức thu nhập càng cao thì lương hưu càng cao.
enroll-help-head = Người đứng tên chủ hộ.
enroll-help-household-address = Nơi hộ gia đình đang sống.
enroll-help-start = Thẻ BHYT có giá trị từ tháng này.
enroll-male = Nam
enroll-female = Nữ
enroll-step-name = Họ tên
enroll-step-papers = Giấy tờ
enroll-step-address = Địa chỉ
enroll-step-birth-registration = Nơi khai sinh
enroll-step-payment = Mức đóng
enroll-step-consent = Đồng ý
enroll-step-review = Xem lại
enroll-step-head = Chủ hộ
enroll-step-members = Thành viên
enroll-step-start = Tháng bắt đầu
enroll-member-no-name = { $number }. (chưa nhập tên)
enroll-member-to-fix = { $count } chỗ cần sửa
enroll-duplicate-this-person = Người này
enroll-duplicate-earlier = { $who } đã có biên nhận số { $receipt } cho kỳ { $period } ({ $scheme }; thu lúc { $paid }, { $amount }).
enroll-member-help = Người thứ { $number }: nhập như trên căn cước hoặc giấy khai sinh.
enroll-banner-to-fix = Còn { $count } chỗ cần sửa (ghi màu đỏ).
enroll-not-saved-busy = Chưa lưu được hồ sơ (máy đang bận). Chưa thu tiền. Bấm Nộp hồ sơ để thử lại.
enroll-not-saved = Không lưu được hồ sơ: { $reason }. Chưa thu tiền. Hãy gọi nhân viên.

## Kiosk: enrollment form fields

field-parent-or-guardians-name = Họ tên cha, mẹ hoặc người giám hộ
field-full-name-as-on = Họ và tên (như trên căn cước)
field-sex = Giới tính
field-date-of-birth-day = Ngày sinh (ngày/tháng/năm, hoặc chỉ năm)
field-guardians-id-number = Số định danh của người giám hộ
field-personal-id-12-digits = Số định danh cá nhân (12 số trên căn cước)
field-old-social-insurance-code = Mã số BHXH cũ (nếu có)
field-ethnic-group = Dân tộc
field-province = Tỉnh, thành phố
field-commune-or-ward = Xã, phường
field-house-street-hamlet = Số nhà, đường, thôn, xóm
field-phone-if-any = Số điện thoại (nếu có)
field-province-of-birth-registration = Tỉnh nơi đăng ký khai sinh
field-district-old-name-if = Huyện (tên cũ, nếu có)
field-commune-of-birth-registration = Xã, phường nơi đăng ký khai sinh
field-chosen-monthly-income = Mức thu nhập chọn đóng mỗi tháng
field-how-often = Cách đóng
field-support-group = Nhóm được Nhà nước hỗ trợ
field-poor-near-poor-certificate = Số giấy chứng nhận hộ nghèo, cận nghèo
field-first-month = Đóng từ tháng
field-relationship = Quan hệ với người tham gia
field-relationship-to-the-head = Quan hệ với chủ hộ
field-months = Số tháng đóng
field-health-care-facility-code = Mã nơi khám chữa bệnh ban đầu (5 số)
field-field = Thông tin

## Kiosk: relationships

relationship-head = Chủ hộ
relationship-spouse = Vợ/chồng
relationship-child = Con
relationship-parent = Bố/mẹ
relationship-grandparent = Ông/bà
relationship-grandchild = Cháu
relationship-sibling = Anh/chị/em
relationship-parent-in-law = Bố/mẹ vợ (chồng)
relationship-child-in-law = Con dâu/rể
relationship-guardian = Người giám hộ
relationship-other = Khác

## Kiosk: consent (the version is kept in the record with the text shown)

consent-version = DY-VI-2026-1
consent-text = Thông tin bạn vừa khai (họ tên, ngày sinh, số định danh, địa chỉ, số điện thoại) chỉ dùng để đăng ký tham gia bảo hiểm và được gửi đến cơ quan Bảo hiểm xã hội. Máy này cất giữ thông tin đã được mã hóa cho đến khi gửi xong. Không ai khác được xem. Bạn có thể hỏi nhân viên để xem lại hoặc sửa thông tin.

## Kiosk: done screen

done-scheme-voluntary = BHXH tự nguyện
done-scheme-household = BHYT hộ gia đình

## Kiosk: receipt printing

printing-printed = Đã in biên lai.
printing-printed-paper-low = Đã in biên lai. Giấy in sắp hết: chuẩn bị cuộn mới.
printing-no-printer = Biên lai { $receipt }: máy này chưa nối máy in (khai báo printer trong tệp cấu hình).
printing-original = Đang in biên lai { $receipt }.
printing-copy = Đang in biên lai { $receipt } (bản sao).
printing-failed = { $reason } Hồ sơ vẫn được lưu an toàn.
printing-not-started = Không in được ({ $reason }): thử lại từ màn hình nhân viên. Hồ sơ vẫn được lưu an toàn.
printing-interrupted = In bị gián đoạn: in lại từ màn hình nhân viên. Hồ sơ vẫn được lưu an toàn.

## Kiosk: picker

picker-choose-the-commune = Chọn xã, phường
picker-choose-the-ethnic-group = Chọn dân tộc
picker-no-province = Không chọn tỉnh
picker-choose-the-province = Chọn tỉnh, thành phố
picker-more = Còn { $count } kết quả nữa: gõ thêm để tìm.

## Kiosk: on-screen keyboard

keyboard-monthly-income = Thu nhập mỗi tháng (đồng)
keyboard-search = Tìm
keyboard-pin = Mã PIN
keyboard-new-pin = Mã PIN mới (6 số)

## Kiosk: staff mode

staff-setting-collection-point = Điểm thu (in trên biên nhận)
staff-setting-agent-code = Mã nhân viên thu
staff-setting-server = Địa chỉ máy chủ thu
staff-settings-saved = Đã lưu cài đặt.
staff-pin-six-digits = Mã PIN phải gồm đúng 6 chữ số.
staff-pin-changed = Đã đổi mã PIN.
staff-sending-now = Đang gửi hồ sơ lên máy chủ.
staff-no-server = Máy này không có kết nối máy chủ: hãy xuất hồ sơ ra USB.
staff-new-shift = Đã bắt đầu ca mới.
staff-queue = Hàng chờ
staff-quarantine = Cần xử lý
staff-shift = Cuối ca
staff-renewals = Đến hạn
staff-settings = Cài đặt
staff-development-pin = Máy đang dùng mã PIN mặc định của bản thử nghiệm: hãy đổi trong Cài đặt.
staff-development-key = Hồ sơ đang được mã hóa bằng khóa thử nghiệm: chưa gửi được đến máy chủ thật.
staff-never = chưa có
staff-queued = Chờ gửi
staff-sending = Đang gửi
staff-acknowledged = Đã gửi xong
staff-quarantined = Cần xử lý
staff-voided = Đã hủy
staff-oldest-unsent = Hồ sơ chưa gửi lâu nhất
staff-last-acknowledgement = Lần cuối máy chủ nhận
staff-last-sync = Lần đồng bộ cuối
staff-server = Máy chủ
staff-not-registered = chưa đăng ký
staff-last-failure = Lỗi lần gửi trước
staff-quarantined-receipt = Biên nhận
staff-shift-receipts = Số biên nhận
staff-shift-voided = Hủy
staff-cash-to-hand-in = Tiền mặt phải có
staff-shift-receipt = Biên lai
staff-paid-until = đã đóng đến tháng
staff-policy-table = Bảng chính sách
staff-pin-wrong = Sai mã PIN. Còn { $left } lần thử.
staff-pin-locked = Nhập sai quá nhiều lần. Thử lại sau { $minutes } phút.
staff-released = Biên nhận { $receipt }: đưa lại vào hàng chờ gửi.
staff-alarm = CẢNH BÁO: { $records } hồ sơ đã chờ { $days } ngày mà chưa gửi được (quá { $limit } ngày). Hãy đến nơi có mạng và bấm "Đồng bộ ngay", hoặc xuất ra USB để nộp.
staff-blocked = Máy chủ từ chối máy này ({ $reason }): liên hệ cơ quan thu.
staff-renewals-fetched = Danh sách người sắp hết hạn đóng, tải từ máy chủ lúc { $at } ({ $ago }).
