# Lời của ki-ốt và lệnh ansinh, tiếng Việt: ngôn ngữ nguồn.
# The kiosk's and the ansinh command's wording in Vietnamese, the source language. Every other
# catalogue has the same ids and the same { $arguments }. Vietnamese has no plural forms: a
# count is written once.

## The language itself

language-name = Tiếng Việt
decimal-separator = ,
# An amount taken off (support) and one added (the stepper): the sign before the amount.
money-minus = −{ $amount }
money-plus = +{ $amount }

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
# The policy table names its sources in English only: said so where the screen is not English.
source-in-english = [tiếng Anh] { $source }
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
# A payment whose months reach past a change of the rules (or past what the table confirms).
payment-day-rules-change = Số tiền tính theo quy định của ngày nộp ({ $paid_on }) cho mọi tháng đóng, đến hết tháng { $until }. Quy định mới từ ngày { $change_day } ({ $what }) không áp dụng cho lần nộp này: sau này không phải nộp thêm, cũng không được trả lại phần chênh lệch.
payment-day-rules-unconfirmed = Số tiền tính theo quy định của ngày nộp ({ $paid_on }) cho mọi tháng đóng, đến hết tháng { $until }. Quy định mới chỉ được xác nhận đến ngày { $confirmed }; nếu từ ngày { $change_day } quy định khác đi thì cũng không áp dụng cho lần nộp này: sau này không phải nộp thêm, cũng không được trả lại phần chênh lệch.

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
enroll-preselected = Chọn sẵn (dân tộc thường gặp ở điểm thu này): hỏi lại người dân
enroll-reminders-need-phone = Muốn được nhắc hạn đóng qua điện thoại thì cần số điện thoại: nhập số ở bước { $step }, rồi chọn nhắc lại. Những gì đã nhập vẫn giữ nguyên.
enroll-reminders = Nhắc hạn đóng
enroll-reminders-by-phone = Có, gọi số { $phone }
enroll-reminders-none = Không
enroll-income-floor = { $amount } (thấp nhất)

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
printing-citizen-no-printer = Máy này không in biên lai giấy. Hồ sơ của bạn đã được lưu: hãy ghi lại số biên nhận { $receipt } và xin nhân viên biên lai giấy.
printing-citizen-not-printed = Chưa in được biên lai. Hồ sơ của bạn đã được lưu: hãy ghi lại số biên nhận { $receipt } và xin nhân viên in biên lai giấy cho bạn.

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
staff-setting-usual-ethnicity = Dân tộc thường gặp ở điểm thu (chọn sẵn khi đăng ký; để trống: không chọn sẵn)
staff-setting-unknown-ethnicity = Chưa lưu: "{ $name }" không có trong 54 dân tộc. Nhập tên dân tộc, ví dụ Kinh, Tày, Thái, Mường.
staff-settings-saved = Đã lưu cài đặt.
staff-pin-six-digits = Mã PIN phải gồm đúng 6 chữ số.
staff-pin-changed = Đã đổi mã PIN.
staff-sending-now = Đang gửi hồ sơ lên máy chủ.
staff-no-server = Máy này không có kết nối máy chủ: hãy xuất hồ sơ ra USB.
staff-sync-not-registered = Chưa gửi được: máy này chưa đăng ký với máy chủ thu. Cách đăng ký: ghi server_url và provisioning_token (mã đăng ký một lần, lấy ở máy chủ thu) vào ansinh.toml rồi khởi động lại máy, hoặc chạy lệnh ansinh register --data-dir THƯ_MỤC --server ĐỊA_CHỈ --token MÃ. Trong lúc chờ, hãy xuất hồ sơ ra USB.
staff-registration-failed = Lần đăng ký gần nhất không được: { $reason }.
staff-new-shift = Đã bắt đầu ca mới.
staff-queue = Hàng chờ
staff-quarantine = Cần xử lý
staff-shift = Cuối ca
staff-renewals = Đến hạn
staff-settings = Cài đặt
staff-development-pin = Máy đang dùng mã PIN mặc định của bản thử nghiệm: hãy đổi trong Cài đặt.
staff-development-key = Hồ sơ đang được mã hóa bằng khóa thử nghiệm: chưa gửi được đến máy chủ thật.
kiosk-demo-band = CHẾ ĐỘ TRÌNH DIỄN — hồ sơ không được gửi đi
kiosk-battery-low = Pin yếu ({ $percent } %) — cắm sạc
kiosk-battery-critical = PIN SẮP HẾT ({ $percent } %) — cắm sạc ngay, máy sắp tắt
kiosk-enroll-needs-server-key = Chưa nhận hồ sơ: máy chưa có khóa của máy chủ thu. Nhân viên cần đăng ký máy (địa chỉ máy chủ và mã đăng ký trong tệp cấu hình).
staff-never = chưa có
staff-queued = Chờ gửi
staff-sending = Đang gửi
staff-acknowledged = Đã gửi xong
staff-quarantined = Cần xử lý
staff-voided = Đã hủy
staff-oldest-unsent = Hồ sơ chưa gửi lâu nhất
staff-last-acknowledgement = Lần cuối máy chủ nhận
staff-last-sync = Lần đồng bộ cuối
staff-last-sync-outcome = Lần đồng bộ vừa rồi
staff-sent-and-unsent = đã gửi { $sent }, còn { $unsent } chưa gửi
staff-next-try = Lần tự động gửi tiếp theo
staff-next-try-now = ngay bây giờ
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
staff-update-needed = Máy chủ không nhận phiên bản này: cần cập nhật phần mềm ansinh trên máy (hồ sơ vẫn được giữ, chưa gửi).
staff-renewals-fetched = Danh sách người sắp hết hạn đóng, tải từ máy chủ lúc { $at } ({ $ago }).
staff-accounts = Nhân viên
staff-account-code = Mã nhân viên (ví dụ DL-0001)
staff-account-name = Họ và tên
staff-account-pin = Mã PIN (6 số)
staff-account-pin-again = Nhập lại mã PIN
staff-account-no-pin = Tài khoản này chưa có mã PIN: nhờ nhân viên quản lý đặt mã PIN đầu tiên.
staff-account-must-change = Mã PIN này do người khác đặt: hãy chọn mã PIN mới của bạn.
staff-account-incomplete = Cần nhập mã nhân viên và họ tên.
staff-account-pins-differ = Hai lần nhập mã PIN không giống nhau.
staff-account-pin-set = Đã đặt mã PIN cho { $code }: người đó phải đổi mã ở lần đăng nhập đầu.
staff-account-added = Đã thêm tài khoản { $code }.
staff-clerk-only = Chỉ nhân viên quản lý mới làm được việc này.
staff-role-agent = nhân viên thu
staff-role-clerk = nhân viên quản lý
staff-account-needs-pin = chưa có mã PIN
staff-account-locked = đang bị khóa
staff-logged-in-as = Đang làm việc: { $name } ({ $code })

## The ansinh command

cli-date = { $day }/{ $month }/{ $year }
cli-sources = Căn cứ:
cli-estimate = ƯỚC TÍNH: kết quả dùng thông số chưa được xác minh (xem Căn cứ).
cli-group-poor = hộ nghèo
cli-group-near-poor = hộ cận nghèo
cli-group-ethnic-minority = người dân tộc thiểu số
cli-group-island = xã đảo, đặc khu
cli-group-other = đối tượng khác
cli-quote-heading = BHXH tự nguyện — số tiền đóng ngày { $day } (bảng chính sách { $version })
cli-quote-income = Thu nhập tháng chọn đóng
cli-quote-income-range = { $income } (từ { $floor } đến { $ceiling })
cli-quote-mode = Phương thức
cli-quote-mode-months = { $mode } ({ $months } tháng)
cli-quote-group = Nhóm hỗ trợ
cli-quote-each-month = Mỗi tháng:
cli-quote-contribution = Phải đóng
cli-quote-national-support = Nhà nước hỗ trợ
cli-quote-provincial-support = Địa phương hỗ trợ
cli-quote-person-pays = Người tham gia đóng
cli-quote-support-ends = Hết thời gian hỗ trợ sau { $months } tháng; mỗi tháng còn lại đóng { $amount } (không hỗ trợ)
cli-quote-whole-payment = Cả lần nộp ({ $months } tháng):
cli-quote-total-contribution = Tổng phải đóng
cli-quote-amount-to-pay = SỐ TIỀN NỘP
cli-quote-in-words = Bằng chữ
cli-quote-discounted = (đã chiết khấu theo lãi suất quỹ { $rate }%/tháng)
cli-quote-compounded = (đã cộng lãi theo lãi suất quỹ { $rate }%/tháng)
cli-quote-supported = Được hỗ trợ { $months } tháng; còn { $left } tháng được hỗ trợ (tối đa 120 tháng).
cli-pension-heading = Ước tính lương hưu (ngày { $day }, bảng chính sách { $version })
cli-pension-age = { $years } tuổi { $months } tháng
cli-pension-transitional = (quy định chuyển tiếp: đóng từ trước 2021 và đủ 20 năm)
cli-pension-retirement-age = Tuổi nghỉ hưu
cli-pension-age-reached = Đủ tuổi vào tháng
cli-pension-months-at-retirement = Số tháng đóng khi đủ tuổi
cli-pension-months-detail = { $total } ({ $paid } đã đóng + { $planned } dự kiến)
cli-pension-average-income = Thu nhập bình quân (đã điều chỉnh)
cli-accrual-rate = Tỷ lệ hưởng
cli-pension-monthly-pension = LƯƠNG HƯU HẰNG THÁNG
cli-pension-paid-from = Hưởng từ tháng
cli-pension-already-eligible = Đã đủ điều kiện hưởng lương hưu từ tháng { $from }. Làm hồ sơ hưởng lương hưu tại cơ quan BHXH; việc trả các tháng trước khi nộp hồ sơ do cơ quan BHXH giải quyết.
cli-pension-short = Chưa đủ điều kiện hưởng lương hưu: còn thiếu { $short } tháng (cần { $needed } tháng).
cli-pension-options = Các cách lựa chọn:
cli-pension-option-backpay = Đóng một lần { $months } tháng còn thiếu vào tháng { $paid_in }, số tiền { $cost } → lương hưu { $pension } mỗi tháng từ tháng { $from }.
cli-pension-option-no-backpay = Không được đóng bù một lần: chỉ khi thiếu không quá 5 năm (60 tháng).
cli-pension-option-pay-on = Tiếp tục đóng { $months } tháng đến tháng { $complete } (tổng { $total }), rồi hưởng lương hưu { $pension } mỗi tháng từ tháng { $from }.
cli-pension-option-allowance = Nhận trợ cấp hằng tháng { $amount } trong { $months } tháng (tổng { $pot }).
cli-pension-option-allowance-top-up = Nhận trợ cấp hằng tháng { $amount } trong { $months } tháng (tổng { $pot }); đóng thêm để nhận đến tuổi hưởng trợ cấp hưu trí xã hội { $top_up }.
cli-pension-one-time = Nếu rút BHXH một lần
cli-social-pension = Trợ cấp hưu trí xã hội
cli-pension-social-pension = { $amount } mỗi tháng, từ { $age } tuổi (tháng { $from })
cli-bhyt-heading = BHYT hộ gia đình — { $members } người, { $months } tháng (bảng chính sách { $version })
cli-bhyt-first-member = Người thứ nhất: { $reference } × { $rate }
cli-bhyt-member = Người
cli-bhyt-share = Mức
cli-bhyt-monthly = Mỗi tháng
cli-bhyt-period = Cả kỳ
cli-bhyt-total = TỔNG
cli-bhyt-in-words = Bằng chữ: { $words }
cli-benefits-none = chưa có chế độ này vào ngày đó
cli-benefits-heading = Các chế độ khác, ngày { $day } (bảng chính sách { $version })
cli-benefits-maternity = { $per_child } mỗi con (tổng { $total }), cần đóng { $paid } tháng trong { $window } tháng trước khi sinh
cli-benefits-funeral = { $amount } (đã đóng đủ { $months } tháng hoặc đang hưởng lương hưu)
cli-benefits-social-pension = { $amount } mỗi tháng từ { $age } tuổi (hộ nghèo, cận nghèo từ { $age_poor } tuổi)
cli-benefits-maternity-allowance = Trợ cấp thai sản
cli-benefits-funeral-allowance = Trợ cấp mai táng
cli-policy-heading = Bảng chính sách { $version }
cli-policy-valid-from = Áp dụng từ { $day }
cli-policy-not-in-force = (không áp dụng)
cli-policy-province = Tỉnh { $name } ({ $code })
cli-compare-heading = So sánh các cách đóng — hỏi ngày { $day } (bảng chính sách { $version })
cli-compare-option = Cách { $option }
cli-compare-months-paid = Số tháng đóng
cli-compare-to-retirement = { $months } (đến tuổi hưu)
cli-compare-first-month = Tháng đầu bạn đóng
cli-compare-total = Tổng bạn đóng
cli-compare-months-raised = Tháng nâng lên mức sàn
cli-compare-retirement-reached = Đủ tuổi nghỉ hưu
cli-compare-monthly-pension = Lương hưu mỗi tháng
cli-compare-short = thiếu { $months } tháng
cli-compare-pension-from = Nhận lương hưu từ
cli-compare-paid-back-after = Nhận lại đủ số đã đóng sau
cli-compare-note = Mỗi tháng tính theo mức sàn, mức trần và hỗ trợ của tháng đó (từ 01/01/2027 mức thu nhập thấp nhất là chuẩn nghèo nông thôn mới).
cli-print-width = Khổ giấy "{ $width }" ở --width không dùng được: chọn 58 hoặc 80.
cli-print-no-receipt = Không có biên lai số { $receipt } trên máy này.
cli-print-voided = Biên lai { $receipt } đã bị hủy: không in lại biên lai.
cli-print-purged = Biên lai { $receipt } đã xóa thông tin cá nhân sau thời hạn lưu: không in lại được.
cli-print-receipt = Biên lai { $receipt } ({ $copy ->
    [yes] bản sao
   *[no] bản chính
}, { $amount }){ $printed ->
    [yes] , đã in
   *[no] {""}
}: { $width } × { $height } điểm.
cli-shift-matches = khớp với hàng chờ
cli-shift-mismatch = KHÔNG KHỚP: { $mismatches }
cli-shift-summary = Ca từ { $from } đến { $until }: { $receipts } biên lai, đã thu { $collected }, hủy { $voids } ({ $voided }), tiền mặt phải nộp { $cash }; { $unsent } hồ sơ chưa gửi; { $agreement }.
cli-input-invalid-date = Ngày "{ $value }" ở --{ $field } không hợp lệ: nhập theo dạng NNNN-TT-NN, ví dụ 2026-11-22.
cli-input-invalid-month = Tháng "{ $value }" ở --{ $field } không hợp lệ: nhập theo dạng NNNN-TT, ví dụ 1979-03.
cli-input-invalid-amount = Số tiền "{ $value }" ở --{ $field } không hợp lệ: nhập số đồng, chỉ gồm chữ số, ví dụ 1500000.
cli-input-invalid-number = "{ $value }" ở --{ $field } không hợp lệ: nhập một số nguyên không âm, ví dụ 12.
cli-input-invalid-group = Nhóm "{ $value }" không có: chọn poor (hộ nghèo), near-poor (hộ cận nghèo), ethnic-minority (dân tộc thiểu số), island (xã đảo, đặc khu) hoặc other (khác).
cli-input-invalid-sex = Giới tính "{ $value }" không hợp lệ: nhập male (nam) hoặc female (nữ).
cli-input-invalid-mode = Phương thức "{ $value }" không có: chọn 1, 3, 6, 12, advance-NĂM (đóng trước, ví dụ advance-5) hoặc backpay-THÁNG (đóng bù, ví dụ backpay-12).
cli-input-unknown-province = Mã tỉnh "{ $value }" không có trong 34 tỉnh, thành phố (ví dụ 01 là Hà Nội, 79 là TP. Hồ Chí Minh).
cli-input-missing-person = Thiếu --{ $field }: cần cả tháng sinh (--born) và giới tính (--sex).
cli-input-required = Thiếu thông tin bắt buộc: --{ $field }.
cli-input-conflicting-arguments = Chỉ dùng một trong hai: --{ $field } hoặc --{ $other } và --paid-avg.
cli-input-invalid-way = --{ $field }: nhập THU_NHẬP:SỐ_NĂM, ví dụ 1500000:15 (thu nhập tháng, 1–50 năm đóng).
cli-input-invalid-history = Tệp quá trình đóng, dòng { $line }: { $what } (mỗi dòng: năm,số tháng,thu nhập).
cli-input-missing = Thiếu thông tin bắt buộc: { $argument }.
cli-input-unknown-option = Không hiểu tham số { $argument }.
cli-input-choose-command = Chọn một lệnh: quote, pension, bhyt, benefits hoặc policy.
cli-error = Lỗi
cli-and = và
cli-record-invalid-json = Hồ sơ không đúng định dạng JSON: { $reason }
cli-enqueue-collection-point = tên điểm thu
cli-enqueue-agent-code = mã nhân viên thu
cli-enqueue-no-collection-point = Máy này chưa có { $what }: biên lai phải ghi nơi thu và người thu tiền. Thêm vào lệnh một lần, máy sẽ nhớ cho các lần sau, ví dụ: { $command }
cli-enqueue-invalid-record-id = Mã hồ sơ cần điều chỉnh gồm 32 chữ số hệ 16.
cli-enqueue-correction-before-upload = Hồ sơ này chưa gửi: hãy hủy (void) rồi nhập lại, không lập hồ sơ điều chỉnh.
cli-enqueue-record-not-found = Không có hồ sơ cần điều chỉnh trên máy này.
cli-enqueue-not-provisioned = Máy này chưa có khóa của máy chủ thu nên chưa được nhận hồ sơ thật: đăng ký máy trước (ansinh register), hoặc thêm --demo để chạy thử (hồ sơ chỉ dùng khóa thử nghiệm, không bao giờ được gửi đi).
cli-enqueue-demo-registered = Máy này đã có khóa của máy chủ thu: hồ sơ là hồ sơ thật, bỏ --demo.
cli-duplicate-member = thành viên { $name }
cli-duplicate-this-person = người này
cli-duplicate-household = BHYT hộ gia đình
cli-duplicate-voluntary = BHXH tự nguyện
cli-duplicate-earlier = Có thể đóng trùng: { $who } đã có biên nhận số { $receipt } cho kỳ { $period } ({ $scheme }) trên máy này.
cli-duplicate-what-to-do = Chưa lưu hồ sơ, chưa thu tiền. Nếu người này thật sự đóng thêm, nhân viên chạy lại lệnh với --confirm-duplicate.
cli-provision-invalid-key = Khóa mã hóa của máy chủ phải gồm đúng 64 chữ số hệ 16.
cli-provisioned = Đã cài khóa mã hóa của máy chủ thu cho { $dir }.
cli-state-queued = chờ gửi
cli-state-sending = đang gửi
cli-state-acknowledged = đã gửi
cli-state-quarantined = cần xử lý
cli-state-voided = đã hủy
cli-age = { $days } ngày { $hours } giờ { $minutes } phút
cli-staff-wrong-state = Biên lai { $receipt } đang ở trạng thái "{ $state }": không làm được việc này (hồ sơ đã gửi thì lập hồ sơ điều chỉnh).
cli-staff-reason-required = Cần ghi lý do.
cli-staff-agent-required = Máy này có tài khoản nhân viên: thêm --agent MÃ_NHÂN_VIÊN (mã PIN đọc từ biến ANSINH_PIN hoặc một dòng nhập vào).
cli-staff-unknown-agent = Máy này không có tài khoản { $code }.
cli-queue-purged = Đã xóa dữ liệu cá nhân của { $records } hồ sơ đã gửi quá { $days } ngày.
cli-queue-heading = Hàng chờ gửi: { $dir }
cli-queue-development-key = CHÚ Ý: khóa mã hóa thử nghiệm trên máy này; chưa đăng ký với máy chủ thu.
cli-queue-counts = chờ gửi { $queued }  đang gửi { $sending }  đã gửi { $acknowledged }  cần xử lý { $quarantined }  đã hủy { $voided }
cli-queue-oldest = Hồ sơ chưa gửi lâu nhất: { $age }
cli-voided = Đã hủy biên lai { $receipt } ({ $reason }).
cli-verify-checked = Kiểm tra { $dir }: { $records } hồ sơ, { $opened } đã mở và đọc được
cli-verify-ok = Tốt: cơ sở dữ liệu nguyên vẹn, mọi hồ sơ còn nguyên.
cli-verify-problems = CÓ LỖI: xem danh sách trên.
cli-not-registered = Máy này chưa đăng ký với máy chủ thu. Lấy mã đăng ký dùng một lần từ máy chủ thu (lệnh ansinh-hub token) rồi chạy: { $command } --label "TÊN ĐIỂM THU"
cli-sender-busy = một tiến trình khác (máy kiosk) đang gửi hồ sơ của máy này; hãy thử lại sau
cli-register-development-unsent = Có { $records } hồ sơ mã hóa bằng khóa thử nghiệm chưa gửi: hủy chúng trước khi đăng ký với máy chủ thu.
cli-registered = Đã đăng ký với máy chủ thu { $server }: mã thiết bị { $device }.
cli-sync-sent = Đã gửi { $batches } lô, { $acknowledged } hồ sơ được máy chủ xác nhận ({ $duplicates } đã có từ trước).
cli-sync-quarantined = Cần xử lý biên lai { $receipt }: { $reason }
cli-sync-not-all-sent-retry = Chưa gửi hết: { $reason } (sẽ thử lại)
cli-sync-not-all-sent-person = Chưa gửi hết: { $reason } (cần người xử lý)
cli-sync-unsent = Còn chưa gửi: { $unsent }
cli-sync-unsent-alarm = Còn chưa gửi: { $unsent }  — CẢNH BÁO: lâu ngày chưa gửi được
cli-sync-oldest = Hồ sơ chờ lâu nhất: { $hours } giờ
cli-sync-last-ack = Lần cuối máy chủ xác nhận: { $minutes } phút trước
cli-sync-next-try = Lần tự động gửi lại tiếp theo: { $at } (giờ Việt Nam)
cli-sync-no-automatic-try = Hồ sơ cần xử lý không được tự động gửi lại: nhân viên xem rồi gửi lại (ansinh queue release)
cli-export-nothing = Không có hồ sơ chưa gửi: chỉ ghi báo cáo tình trạng thiết bị ({ $health }).
cli-export-health = Báo cáo tình trạng thiết bị: { $health }.
cli-export-written = Đã ghi { $records } hồ sơ chưa gửi (đã mã hóa) vào { $files }.
cli-import-ack-none = Không có tệp xác nhận (.ack) nào của máy này trong { $folder }: máy chủ thu đã nhập các gói trên USB chưa (ansinh-hub import THƯ_MỤC)?
cli-import-ack-held = Máy chủ đã nhận { $acknowledged } hồ sơ ({ $already } đã đánh dấu từ trước); { $quarantined } cần xử lý.
cli-import-ack-read = Tệp xác nhận đã đọc: { $files }
cli-import-ack-read-others = Tệp xác nhận đã đọc: { $files } (bỏ qua { $others } tệp của máy khác)
cli-import-ack-unreadable = Không đọc được: { $file }
cli-renewals-none = Chưa tải danh sách đến hạn đóng tiếp.
cli-renewals-due = { $people } người đến hạn đóng tiếp.

# The device's clock (enrollment stops while it is not trusted)
clock-behind = Đồng hồ của máy đang chỉ { $device }, sớm hơn thời điểm tin cậy gần nhất ({ $trusted }): có thể đồng hồ đã bị đặt lại, ví dụ sau khi mất điện.
clock-drifted = Đồng hồ của máy đang chỉ { $device }, lệch hơn một ngày so với giờ máy chủ ({ $trusted }, tính từ lần đồng bộ gần nhất).
clock-stopped = Tạm dừng nhận hồ sơ để biên lai không ghi sai ngày. Hãy chỉnh đồng hồ của máy cho đúng, hoặc cán bộ quản lý xác nhận ngày giờ đang hiển thị là đúng: { $how }.
clock-confirm-kiosk = bấm "Xác nhận ngày giờ" ở màn hình nhân viên
clock-confirm-cli = ansinh clock --confirm --data-dir { $dir } --agent MÃ_CÁN_BỘ
clock-confirmed = Đã xác nhận ngày giờ của máy: { $device }.
clock-trusted = Đồng hồ của máy: { $device }; không có dấu hiệu sai.
clock-confirm-clerk-only = Chỉ cán bộ quản lý mới được xác nhận ngày giờ của máy.
quote-date = Tính theo ngày { $date }
enroll-from-card = Từ thẻ — kiểm tra lại
scan-filled = Đã điền từ mã QR của căn cước. Mã này không có chữ ký: hãy so từng ô “Từ thẻ” với thẻ trên tay.
scan-filled-commune-search = Đã điền từ mã QR của căn cước. Mã này không có chữ ký: hãy so từng ô “Từ thẻ” với thẻ trên tay. Địa chỉ trên thẻ ghi theo đơn vị hành chính cũ: chọn xã, phường hiện nay (danh sách đã tìm sẵn “{ $commune }”).
scan-not-a-card = Mã vừa quét không phải mã QR của căn cước gắn chip{ $field ->
    [layout] {""}
    [personal_id] {" "}(số định danh không đúng)
    [old_id] {" "}(số chứng minh nhân dân cũ không đúng)
    [full_name] {" "}(họ tên không đúng)
    [birth_date] {" "}(ngày sinh không đúng)
    [sex] {" "}(giới tính không đúng)
    [address] {" "}(địa chỉ không đúng)
   *[issue_date] {" "}(ngày cấp không đúng)
}. Chưa điền gì: hãy quét mã QR trên thẻ, hoặc nhập tay.
scan-lost-accents-keyboard = Máy quét đang ở chế độ bàn phím, chữ có dấu bị mất: chuyển máy quét sang chế độ cổng COM (USB CDC). Chưa điền gì từ lần quét này.
scan-lost-accents = Chữ có dấu trong mã bị mất trên đường từ máy quét: đặt máy quét gửi chữ theo UTF-8. Chưa điền gì từ lần quét này.
scan-not-utf8 = Máy quét gửi chữ không theo UTF-8: đặt máy quét gửi chữ theo UTF-8. Chưa điền gì từ lần quét này.

# Policy tables (a published table on the device: where from, until when, why estimates, what changed)
policy-valid-until = Bảng chính sách { $version }, xác nhận đến ngày { $day }
policy-built-in = Bảng có sẵn trong phần mềm
policy-installed = Nhận ngày { $when } qua { $source } (công bố { $published })
policy-source-sync = máy chủ thu
policy-source-usb = USB
policy-source-configuration = phân vùng cấu hình của máy
policy-problem = Lưu ý: { $why }
policy-estimate-past = Số tiền là ước tính: bảng chính sách chỉ được xác nhận đến ngày { $day }.
policy-estimate-newer = Số tiền là ước tính: máy chủ đã có bảng { $version }, máy này chưa cài được ({ $why }).
policy-estimate-newer-pending = chưa tải về
policy-changes = Thay đổi so với bảng { $version }:
policy-no-changes = Không có thông số nào khác bảng { $version }.
policy-change-added = mới
policy-change-changed = thay đổi
policy-change-removed = bỏ
policy-change-line = { $param } ({ $kind }) { $from } – { $until }{ $amounts }: { $source } [{ $status }]
policy-installed-now = Đã cài bảng chính sách { $version }, áp dụng từ bây giờ.
policy-refused = Không nhận bảng chính sách: { $why }
policy-refused-no-key = máy đăng ký khi máy chủ chưa có khóa ký bảng chính sách, nên không kiểm tra được bảng nào; hãy đăng ký lại bằng mã mới
policy-refused-signature = chữ ký không hợp lệ (bảng bị sửa hoặc không phải của máy chủ này)
policy-refused-invalid = bảng không hợp lệ: { $why }
policy-refused-not-newer = bảng { $offered } không mới hơn bảng { $current } máy đang có
staff-policy = Bảng chính sách
staff-policy-from = Nguồn bảng

## Read aloud (the speaker button, ansinh-speech): what each screen says beside its own text,
## always in Vietnamese (the voice is Vietnamese), and what staff read about the voice.
speech-home = Xin chào! Bạn muốn biết điều gì?
speech-home-choices = Chạm vào một ô trên màn hình: Tôi phải đóng bao nhiêu; Khi nào tôi có lương hưu; So sánh các cách đóng; BHYT hộ gia đình; Quyền lợi khác; hoặc Đăng ký tham gia.
speech-home-privacy = Màn hình này không lưu thông tin của bạn.
speech-quote-title = Bạn phải đóng bao nhiêu cho BHXH tự nguyện?
speech-income = Mức thu nhập bạn chọn để đóng mỗi tháng
speech-group = Nhóm của bạn
speech-mode = Đóng
speech-province = Tỉnh nơi thường trú
speech-net = Số tiền bạn nộp mỗi lần
speech-per-month = Tính cho một tháng
speech-quote-next = Muốn đăng ký với mức này, chạm nút Đăng ký với mức này.
speech-pension-title = Khi nào bạn có lương hưu, và bao nhiêu?
speech-pension-person = Bạn sinh tháng { $born }, đã đóng { $paid }, thu nhập sẽ đóng mỗi tháng { $planned }.
speech-pension-next = Chạm nút cộng hoặc trừ để đổi năm sinh, số năm đã đóng hay thu nhập; số tiền được tính lại ngay.
speech-scenarios-title = So sánh hai cách đóng cho cùng một người.
speech-scenarios-column = { $title }: thu nhập { $income } mỗi tháng, đóng { $years }.
speech-household-title = BHYT hộ gia đình: cả nhà đóng bao nhiêu?
speech-household-members = Số người trong hộ cùng tham gia: { $members }, đóng { $period }.
speech-household-row = { $order }: mỗi tháng { $monthly }, cả kỳ { $amount }.
speech-household-total = Cả hộ nộp
speech-household-next = Muốn đăng ký, chạm nút Đăng ký cho hộ gia đình.
speech-benefits-title = Các quyền lợi khác của người tham gia.
speech-enroll-choose = Bạn muốn đăng ký gì? Chạm BHXH tự nguyện, có lương hưu; hoặc BHYT hộ gia đình, thẻ khám chữa bệnh. Bạn cần có căn cước của mình.
speech-enroll-step = Bước { $step } trên { $steps }: { $name }.
speech-enroll-fill = Hãy điền: { $fields }.
speech-enroll-next = Điền xong, chạm nút { $button }.
speech-enroll-review = Hãy nghe và kiểm tra lại thông tin của bạn.
speech-enroll-amount = Số tiền nộp
speech-enroll-submit = Nếu đúng, chạm nút { $button }. Nếu sai, chạm nút Sửa bên cạnh dòng cần sửa.
speech-enroll-consent = Chạm Tôi đồng ý nếu bạn đồng ý, rồi chạm nút { $button }.
speech-enroll-members = Hộ có { $members } người trong danh sách. Chạm Thêm người để thêm.
speech-done = Đã nhận hồ sơ { $scheme } của bạn. Số biên nhận: { $receipt }.
speech-done-amount = Số tiền nộp
speech-done-next = Hồ sơ đã được lưu an toàn. Hãy giữ số biên nhận. Xong, chạm nút Xong, khách tiếp theo.
speech-picker = { $title }. Gõ vài chữ đầu để tìm, rồi chạm vào tên cần chọn.
speech-keyboard = Đang nhập { $field }. Gõ trên bàn phím của màn hình.
staff-speech = Đọc to
speech-ready = Dùng được (espeak-ng, giọng tiếng Việt)
speech-disabled = Đã tắt trong tệp cấu hình ([speech] enabled = false)
speech-no-voice-configured = Chưa có giọng đọc
speech-unavailable = Không dùng được, nút loa đã ẩn: { $why }
speech-missing = chưa cài { $program } (apt-get install espeak-ng alsa-utils)
speech-no-voice = espeak-ng không có giọng { $voice }
speech-no-sound = không mở được loa (thiết bị ALSA { $device }): { $detail }
speech-failed = { $detail }

## Software updates (the staff screen's line, `ansinh update`).
staff-update = Cập nhật phần mềm
update-up-to-date = Phần mềm { $running } là bản mới nhất
update-downloading = Đang tải bản cập nhật { $version }: { $percent } %
update-ready = Đã tải xong bản cập nhật { $version }; sẽ cài khi máy rảnh
update-installing = Đang cài bản cập nhật { $version }
update-waiting-reboot = Đã cài bản { $version }; máy sẽ khởi động lại khi rảnh
update-fell-back = Bản { $version } không khởi động được, máy đã quay về bản { $running }
update-refused = Không nhận bản cập nhật { $version }: { $why }
update-why-signature = chữ ký không hợp lệ
update-why-incompatible = không dành cho loại máy này
update-why-not-newer = không mới hơn bản đang chạy
update-why-place = tệp không nằm trong thư mục cập nhật hay trên USB
update-why-missing = không tìm thấy tệp
update-why-version = không đọc được số phiên bản
update-why-failed = RAUC không cài được
update-why-download = tệp tải về không khớp với thông tin của máy chủ
update-installed-now = Đã cài bản cập nhật { $version } vào phân vùng còn lại; máy chạy bản này sau khi khởi động lại.
update-no-request = Không có yêu cầu cài đặt nào.
update-rebooting = Khởi động lại để chạy bản { $version }.
update-reboot-nothing = Không có bản cập nhật nào chờ khởi động lại.
update-reboot-failed = Không khởi động lại được: { $why }
