//! Readers of the wire types from JSON text without serde's deserialisers: the widget reads
//! every server reply and its own stored record through [`from_json`], which costs a fraction of
//! the code of derived `Deserialize` impls, `serde_json` and `time`'s parser in the wasm.
//!
//! The server (and everything else native) keeps serde. Both read the same JSON the same way:
//! the tests in [`types`] and [`campaign`] write every type with serde and read it back here,
//! for every campaign file in `campaigns/` too. The rules match serde's derived ones: unknown
//! members are ignored, a missing or `null` optional member is `None`, a member with a default
//! reads as its default when missing, and anything of the wrong kind is an error naming the
//! member.
//!
//! # Usage
//!
//! ```
//! use fairline_core::{read::from_json, wire::QueueState};
//!
//! let text = r#"{"campaign_id":"c","server_time":"2021-07-12T20:00:05Z",
//!     "opens_at":"2021-07-12T20:00:00+09:00","seed_commitment":"00","admitted_through":10,
//!     "paused":false,"poll":{"min_s":2,"max_s":60}}"#;
//! let state: QueueState = from_json(text).unwrap();
//! assert_eq!(state.admitted_through, 10);
//! ```

pub mod campaign;
pub mod decimal;
pub mod json;
#[cfg(test)]
pub(crate) mod samples;
pub mod time_text;
pub mod types;

use time::{Date, OffsetDateTime, Time, UtcOffset};

pub use json::Json;

/// A JSON value that does not read as the expected type: `at` names the member (or the kind of
/// value) that did not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadError {
    /// The member name, or what was expected (`"json"` when the text is not JSON at all).
    pub at: &'static str,
}

/// A type read from a [`Json`] value.
pub trait FromJson: Sized {
    /// Reads `value`; `at` names the member it came from, for the error.
    fn read(value: &Json, at: &'static str) -> Result<Self, ReadError>;
}

/// Reads a `T` from JSON text.
pub fn from_json<T: FromJson>(text: &str) -> Result<T, ReadError> {
    let value = json::parse(text).ok_or(ReadError { at: "json" })?;
    T::read(&value, "value")
}

/// The members of a JSON object, looked up by name.
#[derive(Debug, Clone, Copy)]
pub struct Members<'a>(&'a [(String, Json)]);

impl<'a> Members<'a> {
    /// The object in `value`, or an error naming `at`.
    pub fn of(value: &'a Json, at: &'static str) -> Result<Self, ReadError> {
        match value {
            Json::Object(members) => Ok(Self(members)),
            _ => Err(ReadError { at }),
        }
    }

    /// The member called `name`, if present (first one wins).
    pub fn get(&self, name: &str) -> Option<&'a Json> {
        self.0.iter().find(|(key, _)| key == name).map(|(_, v)| v)
    }

    /// A member that must be there.
    pub fn req<T: FromJson>(&self, name: &'static str) -> Result<T, ReadError> {
        T::read(self.get(name).ok_or(ReadError { at: name })?, name)
    }

    /// A member that may be missing or `null`.
    pub fn opt<T: FromJson>(&self, name: &'static str) -> Result<Option<T>, ReadError> {
        match self.get(name) {
            None | Some(Json::Null) => Ok(None),
            Some(value) => T::read(value, name).map(Some),
        }
    }

    /// A member that reads as its default when missing (serde's `#[serde(default)]`).
    pub fn or_default<T: FromJson + Default>(&self, name: &'static str) -> Result<T, ReadError> {
        match self.get(name) {
            None => Ok(T::default()),
            Some(value) => T::read(value, name),
        }
    }

    /// The string in member `kind` (an enum's tag).
    pub fn tag(&self, kind: &'static str) -> Result<&'a str, ReadError> {
        match self.get(kind) {
            Some(Json::Str(tag)) => Ok(tag),
            _ => Err(ReadError { at: kind }),
        }
    }
}

/// The string in `value`.
pub fn text<'a>(value: &'a Json, at: &'static str) -> Result<&'a str, ReadError> {
    match value {
        Json::Str(text) => Ok(text),
        _ => Err(ReadError { at }),
    }
}

/// The one item of `table` whose name is the string in `value` (a unit enum's wire name).
pub fn one_of<T: Copy>(
    value: &Json,
    at: &'static str,
    table: &[(&str, T)],
) -> Result<T, ReadError> {
    let name = text(value, at)?;
    table
        .iter()
        .find(|(wire, _)| *wire == name)
        .map(|(_, item)| *item)
        .ok_or(ReadError { at })
}

impl FromJson for String {
    fn read(value: &Json, at: &'static str) -> Result<Self, ReadError> {
        text(value, at).map(str::to_owned)
    }
}

impl FromJson for bool {
    fn read(value: &Json, at: &'static str) -> Result<Self, ReadError> {
        match value {
            Json::Bool(b) => Ok(*b),
            _ => Err(ReadError { at }),
        }
    }
}

/// Unsigned integers: written without fraction or exponent, and in range.
macro_rules! read_unsigned {
    ($($t:ty),*) => {$(
        impl FromJson for $t {
            fn read(value: &Json, at: &'static str) -> Result<Self, ReadError> {
                match value {
                    Json::Number(n) => n.parse().map_err(|_| ReadError { at }),
                    _ => Err(ReadError { at }),
                }
            }
        }
    )*};
}
read_unsigned!(u8, u16, u32, u64);

impl FromJson for f64 {
    fn read(value: &Json, at: &'static str) -> Result<Self, ReadError> {
        match value {
            Json::Number(n) => decimal::to_f64(n).ok_or(ReadError { at }),
            _ => Err(ReadError { at }),
        }
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn read(value: &Json, at: &'static str) -> Result<Self, ReadError> {
        match value {
            Json::Array(items) => items.iter().map(|item| T::read(item, at)).collect(),
            _ => Err(ReadError { at }),
        }
    }
}

impl FromJson for OffsetDateTime {
    fn read(value: &Json, at: &'static str) -> Result<Self, ReadError> {
        time_text::rfc3339(text(value, at)?).ok_or(ReadError { at })
    }
}

impl FromJson for Date {
    fn read(value: &Json, at: &'static str) -> Result<Self, ReadError> {
        time_text::iso_date(text(value, at)?).ok_or(ReadError { at })
    }
}

impl FromJson for Time {
    fn read(value: &Json, at: &'static str) -> Result<Self, ReadError> {
        time_text::clock_time(text(value, at)?).ok_or(ReadError { at })
    }
}

impl FromJson for UtcOffset {
    fn read(value: &Json, at: &'static str) -> Result<Self, ReadError> {
        time_text::utc_offset(text(value, at)?).ok_or(ReadError { at })
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn numbers_read_exactly_and_refuse_what_does_not_fit() {
        assert_eq!(from_json::<u64>("18446744073709551615"), Ok(u64::MAX));
        assert_eq!(
            from_json::<u64>("9007199254740993"),
            Ok(9_007_199_254_740_993)
        );
        assert_eq!(from_json::<u8>("256"), Err(ReadError { at: "value" }));
        assert_eq!(from_json::<u32>("-1"), Err(ReadError { at: "value" }));
        assert_eq!(from_json::<u32>("1.5"), Err(ReadError { at: "value" }));
        assert_eq!(from_json::<u32>("\"1\""), Err(ReadError { at: "value" }));
        assert_eq!(from_json::<f64>("12.5"), Ok(12.5));
        assert_eq!(from_json::<f64>("-3e2"), Ok(-300.0));
        assert_eq!(from_json::<String>("nope"), Err(ReadError { at: "json" }));
    }

    #[test]
    fn members_follow_serde_rules_for_missing_null_and_default() {
        let value = json::parse(r#"{"a":1,"b":null,"c":"x","a":2}"#).unwrap();
        let members = Members::of(&value, "value").unwrap();
        assert_eq!(members.req::<u32>("a"), Ok(1));
        assert_eq!(members.req::<u32>("z"), Err(ReadError { at: "z" }));
        assert_eq!(members.opt::<u32>("b"), Ok(None));
        assert_eq!(members.opt::<u32>("z"), Ok(None));
        assert_eq!(members.opt::<u32>("c"), Err(ReadError { at: "c" }));
        assert_eq!(members.or_default::<String>("z"), Ok(String::new()));
        assert_eq!(
            members.or_default::<String>("b"),
            Err(ReadError { at: "b" })
        );
        assert_eq!(members.tag("c"), Ok("x"));
        assert!(Members::of(&Json::Null, "value").is_err());
    }
}
