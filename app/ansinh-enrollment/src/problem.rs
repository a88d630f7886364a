//! Validation problems: every one has the field, a stable machine code and a message in
//! Vietnamese and English.

use core::fmt::{self, Write};

use ansinh_core::money::{Amount, Lang};
use heapless::{String, Vec};
use serde::{Serialize, Serializer};

/// Most problems reported for one enrollment (more are counted, not listed).
pub const MAX_PROBLEMS: usize = 64;
/// Longest field path, e.g. `household.members[19].guardian.personal_id`.
pub const FIELD_BYTES: usize = 64;

/// What is wrong, with the numbers a message needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Code {
    /// A required value is empty.
    Required,
    /// Longer than its capacity (bytes).
    TooLong {
        /// Capacity in bytes.
        max: usize,
    },
    /// A name with characters other than Vietnamese letters, spaces and an apostrophe.
    NameCharacters,
    /// Not a date `YYYY-MM-DD`, month `YYYY-MM` or year `YYYY`.
    BadDate,
    /// Not `male` / `female`.
    BadSex,
    /// The personal ID is not 12 digits.
    IdNotTwelveDigits,
    /// The ID's 4th digit does not match sex and century of birth.
    IdSexCentury,
    /// The ID's 5th–6th digits do not match the year of birth.
    IdBirthYear,
    /// The legacy SI code is not 10 digits.
    LegacyNotTenDigits,
    /// Not a Vietnamese mobile or landline number.
    BadPhone,
    /// Not an e-mail address.
    BadEmail,
    /// Unknown province code.
    UnknownProvince,
    /// The commune does not exist or is not in the province.
    CommuneNotInProvince,
    /// Not one of the 54 official ethnic groups.
    UnknownEthnicity,
    /// Voluntary SI is for Vietnamese citizens.
    NotVietnamese,
    /// Younger than the joining age on the start month.
    TooYoung {
        /// Joining age.
        min_age: u8,
    },
    /// A child under 6 needs a parent or guardian.
    GuardianRequired,
    /// Children under 6 are insured by the state, not in the household group.
    UnderSixStateInsured,
    /// Income outside the floor and ceiling on the start month.
    IncomeOutOfRange {
        /// Floor.
        floor: u64,
        /// Ceiling.
        ceiling: u64,
    },
    /// Not a payment mode of the scheme.
    ModeNotAllowed,
    /// Health insurance is paid for 3, 6 or 12 months only.
    BhytMonths,
    /// Start month earlier than the rules allow.
    StartTooEarly,
    /// Start month too far ahead.
    StartTooLate,
    /// Not a support group.
    BadGroup,
    /// A support group that needs an evidence reference.
    EvidenceRequired,
    /// Ethnic-minority support for a Kinh participant.
    NotEthnicMinority,
    /// The same person twice in a household.
    DuplicateMember,
    /// The head block's ID is not that of the member marked as head.
    HeadIdMismatch,
    /// A second member marked as head of household.
    MoreThanOneHead,
    /// The member with the head's ID is not marked as head.
    HeadNotMarked,
    /// Consent dated after the day the record is taken.
    ConsentInFuture,
    /// No members.
    NoMembers,
    /// More members than an appendix holds.
    TooManyMembers {
        /// Most members.
        max: usize,
    },
    /// Not a relationship of the appendix.
    BadRelationship,
    /// Not a 5-digit health-care facility code.
    BadKcbCode,
    /// Consent to the enrollment purpose is missing: silence is not consent.
    ConsentMissing,
    /// A consent purpose that is not offered.
    BadPurpose,
    /// Consent by a guardian without a guardian, or a minor without a guardian's consent.
    ConsentWho,
    /// Another rule of the payment (back-pay and such), with the core's code.
    Payment(&'static str),
    /// The JSON form does not parse.
    Json,
}

impl Code {
    /// Stable machine code.
    pub const fn as_str(&self) -> &'static str {
        match self {
            Code::Required => "required",
            Code::TooLong { .. } => "too_long",
            Code::NameCharacters => "name_characters",
            Code::BadDate => "bad_date",
            Code::BadSex => "bad_sex",
            Code::IdNotTwelveDigits => "id_not_12_digits",
            Code::IdSexCentury => "id_sex_century_mismatch",
            Code::IdBirthYear => "id_birth_year_mismatch",
            Code::LegacyNotTenDigits => "legacy_code_not_10_digits",
            Code::BadPhone => "bad_phone",
            Code::BadEmail => "bad_email",
            Code::UnknownProvince => "unknown_province",
            Code::CommuneNotInProvince => "commune_not_in_province",
            Code::UnknownEthnicity => "unknown_ethnicity",
            Code::NotVietnamese => "not_vietnamese_citizen",
            Code::TooYoung { .. } => "under_joining_age",
            Code::GuardianRequired => "guardian_required",
            Code::UnderSixStateInsured => "under_6_state_insured",
            Code::IncomeOutOfRange { .. } => "income_out_of_range",
            Code::ModeNotAllowed => "mode_not_allowed",
            Code::BhytMonths => "bhyt_months_not_allowed",
            Code::StartTooEarly => "start_too_early",
            Code::StartTooLate => "start_too_late",
            Code::BadGroup => "bad_group",
            Code::EvidenceRequired => "evidence_required",
            Code::NotEthnicMinority => "not_ethnic_minority",
            Code::DuplicateMember => "duplicate_member",
            Code::HeadIdMismatch => "head_id_mismatch",
            Code::MoreThanOneHead => "more_than_one_head",
            Code::HeadNotMarked => "head_not_marked",
            Code::ConsentInFuture => "consent_in_future",
            Code::NoMembers => "no_members",
            Code::TooManyMembers { .. } => "too_many_members",
            Code::BadRelationship => "bad_relationship",
            Code::BadKcbCode => "bad_kcb_code",
            Code::ConsentMissing => "consent_missing",
            Code::BadPurpose => "bad_consent_purpose",
            Code::ConsentWho => "consent_confirmed_by",
            Code::Payment(code) => code,
            Code::Json => "invalid_json",
        }
    }
}

/// One problem with one field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Path of the field, e.g. `person.personal_id`, `household.members[2].birth_date`.
    pub field: String<FIELD_BYTES>,
    /// What is wrong.
    pub code: Code,
}

impl Problem {
    /// The message for the person at the counter.
    pub fn message(&self, lang: Lang) -> Message<'_> {
        Message(self, lang)
    }
}

/// Every problem found, in field order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Problems {
    items: Vec<Problem, MAX_PROBLEMS>,
    unlisted: usize,
}

impl Problems {
    /// No problems yet.
    pub const fn new() -> Self {
        Self { items: Vec::new(), unlisted: 0 }
    }

    /// Adds a problem for `field` (a path that does not fit is cut at a character boundary:
    /// it is a label, not data).
    pub fn push(&mut self, field: &str, code: Code) {
        let mut f = String::new();
        for c in field.chars() {
            if f.push(c).is_err() {
                break;
            }
        }
        if self.items.push(Problem { field: f, code }).is_err() {
            self.unlisted += 1;
        }
    }

    /// True when nothing is wrong.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty() && self.unlisted == 0
    }

    /// The problems listed.
    pub fn iter(&self) -> impl Iterator<Item = &Problem> {
        self.items.iter()
    }

    /// Problems beyond [`MAX_PROBLEMS`] that are counted but not listed.
    pub const fn unlisted(&self) -> usize {
        self.unlisted
    }

    /// Whether a field has a problem (the UI marks it).
    pub fn has(&self, field: &str) -> bool {
        self.items.iter().any(|p| p.field == field)
    }
}

/// A localised problem message.
pub struct Message<'p>(&'p Problem, Lang);

/// The field's name for people, from the last segment of its path.
fn field_label(path: &str, vi: bool) -> &'static str {
    let last = path.rsplit('.').next().unwrap_or(path);
    let last = last.split('[').next().unwrap_or(last);
    let (v, e) = match last {
        "full_name" => ("Họ và tên", "Full name"),
        "sex" => ("Giới tính", "Sex"),
        "birth_date" => ("Ngày sinh", "Date of birth"),
        "nationality" => ("Quốc tịch", "Nationality"),
        "ethnicity" => ("Dân tộc", "Ethnicity"),
        "personal_id" => ("Số định danh cá nhân", "Personal ID"),
        "legacy_si_code" => ("Mã số BHXH cũ", "Legacy SI code"),
        "phone" => ("Số điện thoại", "Phone"),
        "email" => ("Thư điện tử", "E-mail"),
        "commune" => ("Xã/phường nơi đăng ký khai sinh", "Commune of birth registration"),
        "district" => ("Huyện nơi đăng ký khai sinh", "District of birth registration"),
        "province" => ("Tỉnh nơi đăng ký khai sinh", "Province of birth registration"),
        "line" => ("Số nhà, đường, thôn/xóm", "House, street, hamlet"),
        "commune_code" => ("Xã/phường", "Commune"),
        "province_code" => ("Tỉnh/thành phố", "Province"),
        "guardian" => ("Cha, mẹ hoặc người giám hộ", "Parent or guardian"),
        "relationship" => ("Quan hệ", "Relationship"),
        "income" => ("Mức thu nhập tháng chọn đóng", "Chosen monthly income"),
        "mode" => ("Phương thức đóng", "Payment mode"),
        "start_month" => ("Tháng bắt đầu", "First month"),
        "group" => ("Nhóm được hỗ trợ", "Support group"),
        "paid_months_before" => ("Số tháng đã đóng", "Months already paid"),
        "evidence_ref" => ("Số giấy chứng nhận hộ nghèo/cận nghèo", "Evidence reference"),
        "members" => ("Thành viên hộ gia đình", "Household members"),
        "months" => ("Số tháng đóng", "Months"),
        "kcb_code" => ("Nơi đăng ký khám chữa bệnh ban đầu", "Initial health-care facility"),
        "purposes" => ("Sự đồng ý", "Consent"),
        "at" => ("Thời điểm đồng ý", "Time of consent"),
        "confirmed_by" => ("Người xác nhận đồng ý", "Consent confirmed by"),
        "text_version" => ("Phiên bản nội dung đồng ý", "Consent text version"),
        _ => ("Thông tin", "Field"),
    };
    if vi { v } else { e }
}

impl fmt::Display for Message<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let vi = self.1 == Lang::Vi;
        let label = field_label(&self.0.field, vi);
        let a = |d: u64| Amount(d, self.1);
        f.write_str(label)?;
        f.write_str(": ")?;
        match (self.0.code, vi) {
            (Code::Required, true) => f.write_str("chưa nhập."),
            (Code::Required, false) => f.write_str("is required."),
            (Code::TooLong { max }, true) => write!(f, "quá dài (tối đa {max} byte)."),
            (Code::TooLong { max }, false) => write!(f, "too long (at most {max} bytes)."),
            (Code::NameCharacters, true) => f.write_str("chỉ gồm chữ cái tiếng Việt và dấu cách."),
            (Code::NameCharacters, false) => f.write_str("Vietnamese letters and spaces only."),
            (Code::BadDate, true) => f.write_str("nhập ngày/tháng/năm, tháng/năm hoặc năm (ví dụ 1979-03-15, 1979-03 hoặc 1979)."),
            (Code::BadDate, false) => f.write_str("enter a date, month or year (e.g. 1979-03-15, 1979-03 or 1979)."),
            (Code::BadSex, true) => f.write_str("chọn Nam hoặc Nữ."),
            (Code::BadSex, false) => f.write_str("choose male or female."),
            (Code::IdNotTwelveDigits, true) => f.write_str("phải gồm đúng 12 chữ số."),
            (Code::IdNotTwelveDigits, false) => f.write_str("must be exactly 12 digits."),
            (Code::IdSexCentury, true) => f.write_str("chữ số thứ 4 không khớp với giới tính và thế kỷ sinh; kiểm tra lại số hoặc giới tính, ngày sinh."),
            (Code::IdSexCentury, false) => f.write_str("the 4th digit does not match sex and century of birth; check the number, sex and birth date."),
            (Code::IdBirthYear, true) => f.write_str("chữ số thứ 5 và 6 không khớp với năm sinh."),
            (Code::IdBirthYear, false) => f.write_str("digits 5–6 do not match the year of birth."),
            (Code::LegacyNotTenDigits, true) => f.write_str("mã số BHXH cũ gồm đúng 10 chữ số."),
            (Code::LegacyNotTenDigits, false) => f.write_str("must be exactly 10 digits."),
            (Code::BadPhone, true) => f.write_str("không phải số di động (10 số, bắt đầu 03, 05, 07, 08, 09) hoặc số cố định (11 số, bắt đầu 02)."),
            (Code::BadPhone, false) => f.write_str("not a Vietnamese mobile (10 digits from 03, 05, 07, 08, 09) or landline (11 digits from 02)."),
            (Code::BadEmail, true) => f.write_str("không đúng dạng thư điện tử (ví dụ ten@vidu.vn)."),
            (Code::BadEmail, false) => f.write_str("not an e-mail address (e.g. name@example.vn)."),
            (Code::UnknownProvince, true) => f.write_str("mã tỉnh không có trong 34 tỉnh, thành phố."),
            (Code::UnknownProvince, false) => f.write_str("not one of the 34 province codes."),
            (Code::CommuneNotInProvince, true) => f.write_str("xã/phường không có hoặc không thuộc tỉnh đã chọn."),
            (Code::CommuneNotInProvince, false) => f.write_str("no such commune in the chosen province."),
            (Code::UnknownEthnicity, true) => f.write_str("không có trong 54 dân tộc."),
            (Code::UnknownEthnicity, false) => f.write_str("not one of the 54 ethnic groups."),
            (Code::NotVietnamese, true) => f.write_str("BHXH tự nguyện dành cho công dân Việt Nam."),
            (Code::NotVietnamese, false) => f.write_str("voluntary SI is for Vietnamese citizens."),
            (Code::TooYoung { min_age }, true) => write!(f, "phải đủ {min_age} tuổi vào tháng bắt đầu đóng."),
            (Code::TooYoung { min_age }, false) => write!(f, "must be at least {min_age} in the first month paid."),
            (Code::GuardianRequired, true) => f.write_str("trẻ dưới 6 tuổi cần thông tin cha, mẹ hoặc người giám hộ."),
            (Code::GuardianRequired, false) => f.write_str("a child under 6 needs a parent or guardian."),
            (Code::UnderSixStateInsured, true) => f.write_str("trẻ dưới 6 tuổi được Nhà nước cấp thẻ BHYT, không tham gia theo hộ gia đình."),
            (Code::UnderSixStateInsured, false) => f.write_str("children under 6 are insured by the state, not in the household group."),
            (Code::IncomeOutOfRange { floor, ceiling }, true) => write!(f, "phải từ {} đến {}.", a(floor), a(ceiling)),
            (Code::IncomeOutOfRange { floor, ceiling }, false) => write!(f, "must be between {} and {}.", a(floor), a(ceiling)),
            (Code::ModeNotAllowed, true) => f.write_str("không có phương thức này (1, 3, 6, 12 tháng, đóng trước 2–5 năm, đóng bù khi đủ tuổi nghỉ hưu)."),
            (Code::ModeNotAllowed, false) => f.write_str("not a payment mode (1, 3, 6, 12 months, 2–5 years ahead, back-pay at retirement age)."),
            (Code::BhytMonths, true) => f.write_str("BHYT hộ gia đình đóng 3, 6 hoặc 12 tháng."),
            (Code::BhytMonths, false) => f.write_str("household health insurance is paid for 3, 6 or 12 months."),
            (Code::StartTooEarly, true) => f.write_str("không được bắt đầu trước tháng hiện tại."),
            (Code::StartTooEarly, false) => f.write_str("cannot start before the current month."),
            (Code::StartTooLate, true) => f.write_str("chỉ đăng ký trước tối đa 12 tháng."),
            (Code::StartTooLate, false) => f.write_str("at most 12 months ahead."),
            (Code::BadGroup, true) => f.write_str("chọn hộ nghèo, hộ cận nghèo, dân tộc thiểu số, xã đảo/đặc khu hoặc đối tượng khác."),
            (Code::BadGroup, false) => f.write_str("choose poor, near-poor, ethnic minority, island or other."),
            (Code::EvidenceRequired, true) => f.write_str("cần số giấy chứng nhận để được hỗ trợ theo nhóm này."),
            (Code::EvidenceRequired, false) => f.write_str("this support group needs its certificate number."),
            (Code::NotEthnicMinority, true) => f.write_str("người dân tộc Kinh không thuộc nhóm hỗ trợ dân tộc thiểu số."),
            (Code::NotEthnicMinority, false) => f.write_str("Kinh participants are not in the ethnic-minority group."),
            (Code::DuplicateMember, true) => f.write_str("người này đã có trong danh sách hộ."),
            (Code::DuplicateMember, false) => f.write_str("this person is already in the household list."),
            (Code::HeadIdMismatch, true) => f.write_str("không trùng với số định danh của thành viên được ghi là chủ hộ."),
            (Code::HeadIdMismatch, false) => f.write_str("differs from the ID of the member marked as head of household."),
            (Code::MoreThanOneHead, true) => f.write_str("hộ chỉ có một chủ hộ; chọn quan hệ khác cho người này."),
            (Code::MoreThanOneHead, false) => f.write_str("a household has one head; choose another relationship for this person."),
            (Code::HeadNotMarked, true) => f.write_str("người này có số định danh của chủ hộ: chọn quan hệ \"Chủ hộ\"."),
            (Code::HeadNotMarked, false) => f.write_str("this person has the head's ID: choose \"head of household\"."),
            (Code::ConsentInFuture, true) => f.write_str("thời điểm đồng ý sau ngày hôm nay; kiểm tra ngày giờ của máy."),
            (Code::ConsentInFuture, false) => f.write_str("consent is dated after today; check the device's date and time."),
            (Code::NoMembers, true) => f.write_str("cần ít nhất một người tham gia."),
            (Code::NoMembers, false) => f.write_str("at least one member is needed."),
            (Code::TooManyMembers { max }, true) => write!(f, "một phụ lục ghi tối đa {max} người; lập thêm phụ lục."),
            (Code::TooManyMembers { max }, false) => write!(f, "one appendix holds at most {max} members; file another."),
            (Code::BadRelationship, true) => f.write_str("chọn quan hệ với chủ hộ."),
            (Code::BadRelationship, false) => f.write_str("choose the relationship to the head of household."),
            (Code::BadKcbCode, true) => f.write_str("mã cơ sở khám chữa bệnh gồm 5 chữ số."),
            (Code::BadKcbCode, false) => f.write_str("a health-care facility code is 5 digits."),
            (Code::ConsentMissing, true) => f.write_str("người tham gia chưa đồng ý; phải hỏi và được đồng ý rõ ràng."),
            (Code::ConsentMissing, false) => f.write_str("no explicit consent yet; ask and record a clear yes."),
            (Code::BadPurpose, true) => f.write_str("mục đích đồng ý không có (chỉ có: enrollment, reminders)."),
            (Code::BadPurpose, false) => f.write_str("not an offered purpose (enrollment, reminders)."),
            (Code::ConsentWho, true) => f.write_str("người dưới 16 tuổi cần cha, mẹ hoặc người giám hộ đồng ý, và phải có thông tin người đó."),
            (Code::ConsentWho, false) => f.write_str("under 16, a parent or guardian consents, and their details are needed."),
            (Code::Payment(code), _) => {
                let mut buf: String<64> = String::new();
                let _ = write!(buf, "{code}");
                if vi {
                    write!(f, "không hợp lệ theo quy định đóng ({buf}).")
                } else {
                    write!(f, "not allowed by the payment rules ({buf}).")
                }
            }
            (Code::Json, true) => f.write_str("tệp hồ sơ không đúng định dạng JSON."),
            (Code::Json, false) => f.write_str("the record is not valid JSON."),
        }
    }
}

impl Serialize for Problem {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Problem", 2)?;
        st.serialize_field("field", self.field.as_str())?;
        st.serialize_field("code", self.code.as_str())?;
        st.end()
    }
}
