//! Citizen input, parsed once into types that can only hold valid values (parse, don't validate).
//!
//! A [`PersonInput`] is what a form or a JSON body carries: raw strings. [`PersonInput::parse`]
//! turns it into a [`Person`] or into *every* [`FieldError`] at once, each with a stable
//! snake_case code, the field at fault and a message key. Nothing here panics on any input, and
//! no error echoes the rejected value (it may be a resident registration number).

use serde::{Deserialize, Serialize};
use time::{Date, Month};

/// Longest raw value (in bytes) any field accepts before it is even looked at.
pub const MAX_RAW_FIELD_BYTES: usize = 256;
/// Longest name, in characters, after spaces are collapsed.
pub const MAX_NAME_CHARS: usize = 64;
/// Earliest accepted birth year (the resident-number century digits 9 and 0 mean the 1800s).
pub const MIN_BIRTH_YEAR: i32 = 1800;
/// Latest accepted birth year; births after the evaluation day are rejected by `evaluate`.
pub const MAX_BIRTH_YEAR: i32 = 2199;

/// The input fields a person declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Field {
    /// The person's name.
    Name,
    /// Date of birth.
    BirthDate,
    /// Mobile telephone number.
    Mobile,
    /// The first seven digits of a Korean resident registration number, `YYMMDD-G`.
    ResidentNumberFront,
}

impl Field {
    /// Every field, in form order (the readers in [`crate::read`] look wire names up here).
    pub const ALL: [Field; 4] = [
        Field::Name,
        Field::BirthDate,
        Field::Mobile,
        Field::ResidentNumberFront,
    ];

    /// The field's wire name, e.g. `birth_date`.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::BirthDate => "birth_date",
            Field::Mobile => "mobile",
            Field::ResidentNumberFront => "resident_number_front",
        }
    }
}

/// Stable codes for every way an input field can be rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum FieldErrorCode {
    /// The field is empty (or only spaces).
    Required,
    /// The raw value is longer than any real value could be.
    TooLong,
    /// A name holds digits, control characters or symbols.
    NameInvalidCharacters,
    /// A name holds no letter at all.
    NameNoLetters,
    /// A date is not written as `YYYY-MM-DD` (or `YYYY.MM.DD`, `YYYY/MM/DD`, `YYYYMMDD`).
    DateFormat,
    /// The date does not exist (e.g. 30 February, month 13).
    DateNotACalendarDate,
    /// The year is before 1800 or after 2199.
    DateOutOfRange,
    /// The date of birth is after the day of evaluation.
    BirthDateInFuture,
    /// Not a mobile number in a Korean (`010-1234-5678`) or E.164 (`+821012345678`) form.
    MobileFormat,
    /// A Korean number that is not a mobile number (e.g. a Seoul landline).
    MobileNotMobile,
    /// Not `YYMMDD-G` (six digits, an optional hyphen, one digit).
    ResidentNumberFormat,
    /// More than the first seven digits were given; only `YYMMDD-G` is asked for.
    ResidentNumberTooManyDigits,
    /// `YYMMDD` with its century digit is not a calendar date.
    ResidentNumberNotACalendarDate,
    /// The resident number does not agree with the declared date of birth.
    ResidentNumberMismatch,
}

impl FieldErrorCode {
    /// Every code (the readers in [`crate::read`] look wire names up here).
    pub const ALL: [FieldErrorCode; 14] = [
        FieldErrorCode::Required,
        FieldErrorCode::TooLong,
        FieldErrorCode::NameInvalidCharacters,
        FieldErrorCode::NameNoLetters,
        FieldErrorCode::DateFormat,
        FieldErrorCode::DateNotACalendarDate,
        FieldErrorCode::DateOutOfRange,
        FieldErrorCode::BirthDateInFuture,
        FieldErrorCode::MobileFormat,
        FieldErrorCode::MobileNotMobile,
        FieldErrorCode::ResidentNumberFormat,
        FieldErrorCode::ResidentNumberTooManyDigits,
        FieldErrorCode::ResidentNumberNotACalendarDate,
        FieldErrorCode::ResidentNumberMismatch,
    ];

    /// The stable snake_case code, e.g. `date_not_a_calendar_date`.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldErrorCode::Required => "required",
            FieldErrorCode::TooLong => "too_long",
            FieldErrorCode::NameInvalidCharacters => "name_invalid_characters",
            FieldErrorCode::NameNoLetters => "name_no_letters",
            FieldErrorCode::DateFormat => "date_format",
            FieldErrorCode::DateNotACalendarDate => "date_not_a_calendar_date",
            FieldErrorCode::DateOutOfRange => "date_out_of_range",
            FieldErrorCode::BirthDateInFuture => "birth_date_in_future",
            FieldErrorCode::MobileFormat => "mobile_format",
            FieldErrorCode::MobileNotMobile => "mobile_not_mobile",
            FieldErrorCode::ResidentNumberFormat => "resident_number_format",
            FieldErrorCode::ResidentNumberTooManyDigits => "resident_number_too_many_digits",
            FieldErrorCode::ResidentNumberNotACalendarDate => "resident_number_not_a_calendar_date",
            FieldErrorCode::ResidentNumberMismatch => "resident_number_mismatch",
        }
    }
}

/// One rejected field: a stable code and the field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// Stable machine code.
    pub code: FieldErrorCode,
    /// The field at fault.
    pub field: Field,
}

impl FieldError {
    /// The error `code` on `field`.
    pub fn new(field: Field, code: FieldErrorCode) -> Self {
        Self { code, field }
    }
}

/// A person's name: trimmed, inner runs of spaces collapsed to one, letters present, no digits,
/// controls or symbols.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Name(String);

impl Name {
    /// Parses a name as typed.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let error = |code| FieldError::new(Field::Name, code);
        if raw.len() > MAX_RAW_FIELD_BYTES {
            return Err(error(FieldErrorCode::TooLong));
        }
        let collapsed = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if collapsed.is_empty() {
            return Err(error(FieldErrorCode::Required));
        }
        if collapsed.chars().count() > MAX_NAME_CHARS {
            return Err(error(FieldErrorCode::TooLong));
        }
        if !collapsed.chars().all(is_name_char) {
            return Err(error(FieldErrorCode::NameInvalidCharacters));
        }
        if !collapsed.chars().any(char::is_alphabetic) {
            return Err(error(FieldErrorCode::NameNoLetters));
        }
        Ok(Self(collapsed))
    }

    /// The name as it will be shown.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name folded for matching one person across visits: lower case, no spaces.
    pub fn folded(&self) -> String {
        self.0
            .chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect()
    }
}

fn is_name_char(c: char) -> bool {
    c.is_alphabetic()
        || c == ' '
        || matches!(c, '-' | '\'' | '.' | '·' | '’')
        // Combining diacritical marks, so decomposed "José" is a name too.
        || ('\u{0300}'..='\u{036F}').contains(&c)
}

impl TryFrom<String> for Name {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Name::parse(&value).map_err(|e| e.code.as_str().to_owned())
    }
}

impl From<Name> for String {
    fn from(name: Name) -> Self {
        name.0
    }
}

/// A date of birth: a real calendar date between 1800 and 2199.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct BirthDate(Date);

impl BirthDate {
    /// Parses `YYYY-MM-DD`, `YYYY.MM.DD`, `YYYY/MM/DD` or `YYYYMMDD` (surrounding spaces allowed).
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        Self::parse_for(Field::BirthDate, raw)
    }

    pub(crate) fn parse_for(field: Field, raw: &str) -> Result<Self, FieldError> {
        let error = |code| FieldError::new(field, code);
        if raw.len() > MAX_RAW_FIELD_BYTES {
            return Err(error(FieldErrorCode::TooLong));
        }
        let text = raw.trim();
        if text.is_empty() {
            return Err(error(FieldErrorCode::Required));
        }
        let bytes = text.as_bytes();
        let (year, month, day) = match bytes.len() {
            10 if matches!(bytes[4], b'-' | b'.' | b'/') && bytes[7] == bytes[4] => (
                ascii_number(&bytes[0..4]),
                ascii_number(&bytes[5..7]),
                ascii_number(&bytes[8..10]),
            ),
            8 => (
                ascii_number(&bytes[0..4]),
                ascii_number(&bytes[4..6]),
                ascii_number(&bytes[6..8]),
            ),
            _ => return Err(error(FieldErrorCode::DateFormat)),
        };
        let (Some(year), Some(month), Some(day)) = (year, month, day) else {
            return Err(error(FieldErrorCode::DateFormat));
        };
        let year = year as i32;
        if !(MIN_BIRTH_YEAR..=MAX_BIRTH_YEAR).contains(&year) {
            return Err(error(FieldErrorCode::DateOutOfRange));
        }
        calendar_date(year, month, day)
            .map(Self)
            .ok_or_else(|| error(FieldErrorCode::DateNotACalendarDate))
    }

    /// Wraps a date already known to be valid (e.g. from a campaign file).
    pub fn from_date(date: Date) -> Option<Self> {
        (MIN_BIRTH_YEAR..=MAX_BIRTH_YEAR)
            .contains(&date.year())
            .then_some(Self(date))
    }

    /// The calendar date.
    pub fn date(self) -> Date {
        self.0
    }

    /// The last digit of the day of the month — the digit a birth-date rota books by.
    pub fn last_digit(self) -> u8 {
        self.0.day() % 10
    }

    /// The international ("만") age on `on`: whole years completed. Someone born on 29 February
    /// becomes a year older on 1 March in common years.
    pub fn age_on(self, on: Date) -> i32 {
        international_age(self.0, on)
    }
}

impl std::fmt::Display for BirthDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}",
            self.0.year(),
            u8::from(self.0.month()),
            self.0.day()
        )
    }
}

impl TryFrom<String> for BirthDate {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        BirthDate::parse(&value).map_err(|e| e.code.as_str().to_owned())
    }
}

impl From<BirthDate> for String {
    fn from(date: BirthDate) -> Self {
        date.to_string()
    }
}

/// International age: whole years from `born` to `on` (negative if `on` is before `born`).
pub fn international_age(born: Date, on: Date) -> i32 {
    let years = on.year() - born.year();
    let before_birthday = (u8::from(on.month()), on.day()) < (u8::from(born.month()), born.day());
    years - i32::from(before_birthday)
}

fn ascii_number(digits: &[u8]) -> Option<u32> {
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    digits.iter().try_fold(0u32, |n, d| {
        n.checked_mul(10)?.checked_add(u32::from(d - b'0'))
    })
}

fn calendar_date(year: i32, month: u32, day: u32) -> Option<Date> {
    let month = Month::try_from(u8::try_from(month).ok()?).ok()?;
    Date::from_calendar_date(year, month, u8::try_from(day).ok()?).ok()
}

/// A mobile number, held in E.164 form (`+821012345678`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MobileNumber(String);

impl MobileNumber {
    /// Parses Korean forms (`010-1234-5678`, `01012345678`, `010 1234 5678`, legacy
    /// `011`/`016`–`019` numbers) and E.164 (`+821012345678`, `+82 10-1234-5678`, or any other
    /// country's `+` number of 8–15 digits). Spaces, hyphens, dots and brackets are ignored.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let error = |code| FieldError::new(Field::Mobile, code);
        if raw.len() > MAX_RAW_FIELD_BYTES {
            return Err(error(FieldErrorCode::TooLong));
        }
        let text = raw.trim();
        if text.is_empty() {
            return Err(error(FieldErrorCode::Required));
        }
        let mut compact = String::with_capacity(text.len());
        for (i, c) in text.chars().enumerate() {
            match c {
                '0'..='9' => compact.push(c),
                '+' if i == 0 => compact.push(c),
                ' ' | '-' | '.' | '(' | ')' => {}
                _ => return Err(error(FieldErrorCode::MobileFormat)),
            }
        }
        let national = if let Some(international) = compact.strip_prefix('+') {
            match international.strip_prefix("82") {
                // "+82 010…" is a common way of writing it; the trunk 0 is dropped.
                Some(korean) => korean.strip_prefix('0').unwrap_or(korean).to_owned(),
                None => {
                    let valid =
                        (8..=15).contains(&international.len()) && !international.starts_with('0');
                    return if valid {
                        Ok(Self(compact))
                    } else {
                        Err(error(FieldErrorCode::MobileFormat))
                    };
                }
            }
        } else {
            match compact.strip_prefix('0') {
                Some(rest) if !rest.starts_with('0') => rest.to_owned(),
                _ => return Err(error(FieldErrorCode::MobileFormat)),
            }
        };
        // `national` is the Korean number without its trunk 0: "1012345678".
        if !(8..=10).contains(&national.len()) {
            return Err(error(FieldErrorCode::MobileFormat));
        }
        let valid_mobile = match &national[..2] {
            "10" => national.len() == 10,
            "11" | "16" | "17" | "18" | "19" => (9..=10).contains(&national.len()),
            _ => return Err(error(FieldErrorCode::MobileNotMobile)),
        };
        if !valid_mobile {
            return Err(error(FieldErrorCode::MobileFormat));
        }
        Ok(Self(format!("+82{national}")))
    }

    /// The number in E.164 form, e.g. `+821012345678`.
    pub fn e164(&self) -> &str {
        &self.0
    }

    /// The number as a Korean reader writes it (`010-1234-5678`); other countries stay E.164.
    pub fn display_national(&self) -> String {
        match self.0.strip_prefix("+82") {
            Some(national) => {
                let digits = format!("0{national}");
                let (head, tail) = digits.split_at(3);
                let (middle, last) = tail.split_at(tail.len() - 4);
                format!("{head}-{middle}-{last}")
            }
            None => self.0.clone(),
        }
    }
}

impl TryFrom<String> for MobileNumber {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        MobileNumber::parse(&value).map_err(|e| e.code.as_str().to_owned())
    }
}

impl From<MobileNumber> for String {
    fn from(number: MobileNumber) -> Self {
        number.0
    }
}

/// The first seven digits of a Korean resident registration number: `YYMMDD` and the digit that
/// gives the century (1, 2, 5, 6 → 1900s; 3, 4, 7, 8 → 2000s; 9, 0 → 1800s).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ResidentNumberFront {
    birth_date: Date,
    century_digit: u8,
}

impl ResidentNumberFront {
    /// Parses `YYMMDD-G` or `YYMMDDG`. More digits than seven are refused (and never echoed).
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let error = |code| FieldError::new(Field::ResidentNumberFront, code);
        if raw.len() > MAX_RAW_FIELD_BYTES {
            return Err(error(FieldErrorCode::TooLong));
        }
        let text = raw.trim();
        if text.is_empty() {
            return Err(error(FieldErrorCode::Required));
        }
        let digits: Vec<u8> = text.bytes().filter(u8::is_ascii_digit).collect();
        let only_digits_and_separators = text
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'-' || b == b' ');
        if digits.len() > 7 && only_digits_and_separators {
            return Err(error(FieldErrorCode::ResidentNumberTooManyDigits));
        }
        let bytes = text.as_bytes();
        let shape_ok = match bytes.len() {
            7 => bytes.iter().all(u8::is_ascii_digit),
            8 => bytes[6] == b'-' && digits.len() == 7,
            _ => false,
        };
        if !shape_ok {
            return Err(error(FieldErrorCode::ResidentNumberFormat));
        }
        let number = |range: std::ops::Range<usize>| {
            digits[range]
                .iter()
                .fold(0u32, |n, d| n * 10 + u32::from(d - b'0'))
        };
        let century_digit = digits[6] - b'0';
        let century = match century_digit {
            1 | 2 | 5 | 6 => 1900,
            3 | 4 | 7 | 8 => 2000,
            _ => 1800,
        };
        let year = century + number(0..2) as i32;
        calendar_date(year, number(2..4), number(4..6))
            .map(|birth_date| Self {
                birth_date,
                century_digit,
            })
            .ok_or_else(|| error(FieldErrorCode::ResidentNumberNotACalendarDate))
    }

    /// The date of birth the number encodes.
    pub fn birth_date(self) -> Date {
        self.birth_date
    }

    /// The seventh digit.
    pub fn century_digit(self) -> u8 {
        self.century_digit
    }
}

impl std::fmt::Display for ResidentNumberFront {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:02}{:02}{:02}-{}",
            self.birth_date.year().rem_euclid(100),
            u8::from(self.birth_date.month()),
            self.birth_date.day(),
            self.century_digit
        )
    }
}

impl TryFrom<String> for ResidentNumberFront {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        ResidentNumberFront::parse(&value).map_err(|e| e.code.as_str().to_owned())
    }
}

impl From<ResidentNumberFront> for String {
    fn from(front: ResidentNumberFront) -> Self {
        front.to_string()
    }
}

/// What a citizen typed, as raw strings (a form, or the JSON body of a join request).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonInput {
    /// Name as typed.
    #[serde(default)]
    pub name: String,
    /// Date of birth as typed.
    #[serde(default)]
    pub birth_date: String,
    /// Mobile number as typed.
    #[serde(default)]
    pub mobile: String,
    /// Optional `YYMMDD-G`; absent or blank means not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resident_number_front: Option<String>,
}

impl PersonInput {
    /// Parses every field, returning the person or every field error (in field order).
    pub fn parse(&self) -> Result<Person, Vec<FieldError>> {
        let name = Name::parse(&self.name);
        let birth_date = BirthDate::parse(&self.birth_date);
        let mobile = MobileNumber::parse(&self.mobile);
        let resident = match self.resident_number_front.as_deref() {
            Some(raw) if !raw.trim().is_empty() => Some(ResidentNumberFront::parse(raw)),
            _ => None,
        };
        let mut errors = Vec::new();
        if let Err(e) = &name {
            errors.push(e.clone());
        }
        if let Err(e) = &birth_date {
            errors.push(e.clone());
        }
        if let Err(e) = &mobile {
            errors.push(e.clone());
        }
        match (&resident, &birth_date) {
            (Some(Err(e)), _) => errors.push(e.clone()),
            (Some(Ok(front)), Ok(born)) if front.birth_date() != born.date() => {
                errors.push(FieldError::new(
                    Field::ResidentNumberFront,
                    FieldErrorCode::ResidentNumberMismatch,
                ))
            }
            _ => {}
        }
        match (name, birth_date, mobile) {
            (Ok(name), Ok(birth_date), Ok(mobile)) if errors.is_empty() => Ok(Person {
                name,
                birth_date,
                mobile,
                resident_number_front: resident.and_then(Result::ok),
            }),
            _ => Err(errors),
        }
    }
}

/// A person whose every declared field is valid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// Name.
    pub name: Name,
    /// Date of birth.
    pub birth_date: BirthDate,
    /// Mobile number.
    pub mobile: MobileNumber,
    /// The resident-number front, when given; it agrees with `birth_date`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resident_number_front: Option<ResidentNumberFront>,
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use time::macros::date;

    fn code_of<T: std::fmt::Debug>(result: Result<T, FieldError>) -> &'static str {
        result.unwrap_err().code.as_str()
    }

    #[test]
    fn all_lists_every_field_and_code_in_order() {
        // Exhaustive matches: a new variant does not compile here until it is placed in `ALL`.
        let field_at = |field: Field| match field {
            Field::Name => 0,
            Field::BirthDate => 1,
            Field::Mobile => 2,
            Field::ResidentNumberFront => 3,
        };
        for (at, field) in Field::ALL.iter().enumerate() {
            assert_eq!(field_at(*field), at);
        }
        let code_at = |code: FieldErrorCode| match code {
            FieldErrorCode::Required => 0,
            FieldErrorCode::TooLong => 1,
            FieldErrorCode::NameInvalidCharacters => 2,
            FieldErrorCode::NameNoLetters => 3,
            FieldErrorCode::DateFormat => 4,
            FieldErrorCode::DateNotACalendarDate => 5,
            FieldErrorCode::DateOutOfRange => 6,
            FieldErrorCode::BirthDateInFuture => 7,
            FieldErrorCode::MobileFormat => 8,
            FieldErrorCode::MobileNotMobile => 9,
            FieldErrorCode::ResidentNumberFormat => 10,
            FieldErrorCode::ResidentNumberTooManyDigits => 11,
            FieldErrorCode::ResidentNumberNotACalendarDate => 12,
            FieldErrorCode::ResidentNumberMismatch => 13,
        };
        for (at, code) in FieldErrorCode::ALL.iter().enumerate() {
            assert_eq!(code_at(*code), at);
        }
    }
    #[test]
    fn names_are_trimmed_collapsed_and_folded() {
        let name = Name::parse("  Kim   Min-jun ").unwrap();
        assert_eq!(name.as_str(), "Kim Min-jun");
        assert_eq!(name.folded(), "kimmin-jun");
        assert_eq!(Name::parse("김민준").unwrap().as_str(), "김민준");
        assert_eq!(Name::parse("Jose\u{301}").unwrap().as_str(), "Jose\u{301}");
        assert_eq!(code_of(Name::parse("   ")), "required");
        assert_eq!(code_of(Name::parse("R2D2")), "name_invalid_characters");
        assert_eq!(code_of(Name::parse("a\u{0}b")), "name_invalid_characters");
        assert_eq!(code_of(Name::parse("--")), "name_no_letters");
        assert_eq!(code_of(Name::parse(&"가".repeat(65))), "too_long");
        assert_eq!(code_of(Name::parse(&"a".repeat(10_000))), "too_long");
    }

    #[test]
    fn birth_dates_accept_common_forms_and_refuse_impossible_days() {
        for raw in [
            "1967-05-01",
            "1967.05.01",
            "1967/05/01",
            "19670501",
            " 1967-05-01 ",
        ] {
            assert_eq!(
                BirthDate::parse(raw).unwrap().date(),
                date!(1967 - 05 - 01),
                "{raw}"
            );
        }
        assert_eq!(code_of(BirthDate::parse("")), "required");
        assert_eq!(code_of(BirthDate::parse("1967-5-1")), "date_format");
        assert_eq!(code_of(BirthDate::parse("1967-05/01")), "date_format");
        assert_eq!(code_of(BirthDate::parse("１９６７-05-01")), "date_format");
        assert_eq!(
            code_of(BirthDate::parse("2021-02-30")),
            "date_not_a_calendar_date"
        );
        assert_eq!(
            code_of(BirthDate::parse("2021-13-01")),
            "date_not_a_calendar_date"
        );
        assert_eq!(
            code_of(BirthDate::parse("2021-00-10")),
            "date_not_a_calendar_date"
        );
        assert_eq!(code_of(BirthDate::parse("0000-01-01")), "date_out_of_range");
        assert_eq!(code_of(BirthDate::parse("9999-12-31")), "date_out_of_range");
        assert!(BirthDate::parse("2000-02-29").is_ok());
        assert_eq!(
            code_of(BirthDate::parse("1900-02-29")),
            "date_not_a_calendar_date"
        );
    }

    #[test]
    fn international_age_counts_completed_years_and_leap_day_birthdays_wait_for_march() {
        let born = BirthDate::parse("1967-07-20").unwrap();
        assert_eq!(born.age_on(date!(2021 - 07 - 19)), 53);
        assert_eq!(born.age_on(date!(2021 - 07 - 20)), 54);
        let leap = BirthDate::parse("2004-02-29").unwrap();
        assert_eq!(leap.age_on(date!(2021 - 02 - 28)), 16);
        assert_eq!(leap.age_on(date!(2021 - 03 - 01)), 17);
        assert_eq!(leap.age_on(date!(2024 - 02 - 29)), 20);
        assert_eq!(BirthDate::parse("1985-03-19").unwrap().last_digit(), 9);
        assert_eq!(BirthDate::parse("1985-03-20").unwrap().last_digit(), 0);
    }

    #[test]
    fn mobile_numbers_normalise_to_e164() {
        for raw in [
            "010-1234-5678",
            "01012345678",
            "010 1234 5678",
            "+821012345678",
            "+82 10-1234-5678",
            "+82 010 1234 5678",
            "(010) 1234.5678",
        ] {
            let number = MobileNumber::parse(raw).unwrap();
            assert_eq!(number.e164(), "+821012345678", "{raw}");
            assert_eq!(number.display_national(), "010-1234-5678");
        }
        assert_eq!(
            MobileNumber::parse("011-234-5678").unwrap().e164(),
            "+82112345678"
        );
        assert_eq!(
            MobileNumber::parse("+447700900123").unwrap().e164(),
            "+447700900123"
        );
        assert_eq!(code_of(MobileNumber::parse("")), "required");
        assert_eq!(
            code_of(MobileNumber::parse("02-123-4567")),
            "mobile_not_mobile"
        );
        assert_eq!(
            code_of(MobileNumber::parse("010-1234-567")),
            "mobile_format"
        );
        assert_eq!(
            code_of(MobileNumber::parse("010-1234-56789")),
            "mobile_format"
        );
        assert_eq!(
            code_of(MobileNumber::parse("010-abcd-5678")),
            "mobile_format"
        );
        assert_eq!(
            code_of(MobileNumber::parse("++821012345678")),
            "mobile_format"
        );
        assert_eq!(code_of(MobileNumber::parse("+0123456789")), "mobile_format");
        assert_eq!(
            code_of(MobileNumber::parse("０１０-1234-5678")),
            "mobile_format"
        );
    }

    #[test]
    fn resident_number_front_reads_the_century_digit() {
        let cases = [
            ("670501-1", date!(1967 - 05 - 01)),
            ("6705012", date!(1967 - 05 - 01)),
            ("670501-5", date!(1967 - 05 - 01)),
            ("030501-3", date!(2003 - 05 - 01)),
            ("030501-8", date!(2003 - 05 - 01)),
            ("990501-9", date!(1899 - 05 - 01)),
            ("990501-0", date!(1899 - 05 - 01)),
        ];
        for (raw, born) in cases {
            assert_eq!(
                ResidentNumberFront::parse(raw).unwrap().birth_date(),
                born,
                "{raw}"
            );
        }
        assert_eq!(
            ResidentNumberFront::parse("670501-1").unwrap().to_string(),
            "670501-1"
        );
        assert_eq!(
            code_of(ResidentNumberFront::parse("670501")),
            "resident_number_format"
        );
        assert_eq!(
            code_of(ResidentNumberFront::parse("6705-01-1")),
            "resident_number_format"
        );
        assert_eq!(
            code_of(ResidentNumberFront::parse("67O501-1")),
            "resident_number_format"
        );
        assert_eq!(
            code_of(ResidentNumberFront::parse("670501-1234567")),
            "resident_number_too_many_digits"
        );
        assert_eq!(
            code_of(ResidentNumberFront::parse("670230-1")),
            "resident_number_not_a_calendar_date"
        );
        // 29 February exists in 2000 but not in 1900: the century digit decides.
        assert!(ResidentNumberFront::parse("000229-3").is_ok());
        assert_eq!(
            code_of(ResidentNumberFront::parse("000229-1")),
            "resident_number_not_a_calendar_date"
        );
    }

    #[test]
    fn person_parse_reports_every_field_at_once() {
        let input = PersonInput {
            name: "1234".into(),
            birth_date: "1970-02-30".into(),
            mobile: "hello".into(),
            resident_number_front: Some("700230-1".into()),
        };
        let errors = input.parse().unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["name", "birth_date", "mobile", "resident_number_front"]
        );
        assert_eq!(errors[1].code, FieldErrorCode::DateNotACalendarDate);
    }

    #[test]
    fn resident_number_must_agree_with_the_birth_date() {
        let mut input = PersonInput {
            name: "김민준".into(),
            birth_date: "1967-05-01".into(),
            mobile: "010-1234-5678".into(),
            resident_number_front: Some("670501-1".into()),
        };
        let person = input.parse().unwrap();
        assert_eq!(person.resident_number_front.unwrap().century_digit(), 1);
        input.resident_number_front = Some("670501-3".into());
        let errors = input.parse().unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].code, FieldErrorCode::ResidentNumberMismatch);
        input.resident_number_front = Some("  ".into());
        assert!(input.parse().unwrap().resident_number_front.is_none());
    }

    #[test]
    fn person_round_trips_through_json() {
        let person = PersonInput {
            name: "Kim Min-jun".into(),
            birth_date: "1967-05-01".into(),
            mobile: "010-1234-5678".into(),
            resident_number_front: None,
        }
        .parse()
        .unwrap();
        let json = serde_json::to_string(&person).unwrap();
        assert_eq!(
            json,
            r#"{"name":"Kim Min-jun","birth_date":"1967-05-01","mobile":"+821012345678"}"#
        );
        assert_eq!(serde_json::from_str::<Person>(&json).unwrap(), person);
        assert!(serde_json::from_str::<Person>(&json.replace("05-01", "02-30")).is_err());
    }
}
