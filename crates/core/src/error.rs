//! The one error shape every Fairline endpoint returns, and the field-level errors inside it.

use serde::{Deserialize, Serialize};

use crate::eligibility::Verdict;

/// The JSON body of every error response: a stable machine code, a message key the widget
/// translates, the field at fault (when one is), and how long to wait before retrying (when the
/// server asks for that).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    /// Stable machine-readable code, e.g. `campaign_not_found`.
    pub code: String,
    /// Key of the human message in the widget's text catalogue, e.g. `error.campaign_not_found`.
    pub message_key: String,
    /// The input field at fault, if the error is about one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Seconds the client must wait before trying again (mirrors `Retry-After`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_s: Option<u32>,
    /// The server's eligibility verdict, when the request was refused because of it (join,
    /// book), so the widget can show it if it differs from its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Verdict>,
}

impl ApiError {
    /// An error with `code` and the message key `error.{code}`.
    pub fn new(code: &str) -> Self {
        Self {
            code: code.to_owned(),
            message_key: format!("error.{code}"),
            field: None,
            retry_after_s: None,
            verdict: None,
        }
    }

    /// The same error, naming the field at fault.
    pub fn with_field(mut self, field: &str) -> Self {
        self.field = Some(field.to_owned());
        self
    }

    /// The same error, carrying the verdict that caused it.
    pub fn with_verdict(mut self, verdict: Verdict) -> Self {
        self.verdict = Some(verdict);
        self
    }

    /// The same error, asking the client to wait `seconds` before retrying.
    pub fn with_retry_after(mut self, seconds: u32) -> Self {
        self.retry_after_s = Some(seconds);
        self
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::ApiError;

    #[test]
    fn message_key_follows_code_and_optional_parts_are_omitted() {
        let json = serde_json::to_string(&ApiError::new("campaign_not_found")).unwrap();
        assert_eq!(
            json,
            r#"{"code":"campaign_not_found","message_key":"error.campaign_not_found"}"#
        );
        let with_field = ApiError::new("invalid_date")
            .with_field("birth_date")
            .with_retry_after(3);
        assert_eq!(with_field.field.as_deref(), Some("birth_date"));
        assert_eq!(with_field.retry_after_s, Some(3));
    }
}
