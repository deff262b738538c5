//! The widget's only door to the server: typed calls with core's DTOs over a [`Transport`].
//!
//! [`FetchTransport`] is the browser's `fetch` (aborted when the caller drops the future, e.g.
//! when the component that started it is cleaned up); tests pass a scripted [`Transport`]
//! instead. Failures carry core's [`ErrorCode`], never a code string.

use core::future::Future;
use core::pin::Pin;
use core::time::Duration;
use std::sync::Arc;

use fairline_core::read::{from_json, FromJson};
use fairline_core::write::{to_json, ToJson};
use fairline_core::{
    booking::{
        Booking, BookingReceipt, BookingRequest, DayAvailability, EligibilityResponse, SiteSummary,
    },
    campaign::Campaign,
    eligibility::Verdict,
    error::{ApiError, ErrorCode},
    person::PersonInput,
    wire::{
        AdmitRequest, AdmitResponse, CampaignSummary, Health, JoinResponse, QueueState, Signed,
        TicketClaims,
    },
};
use time::Date;

use crate::i18n::Msg;

/// A future that lives on the browser's single thread.
pub type LocalFuture<T> = Pin<Box<dyn Future<Output = T>>>;

/// An HTTP method the API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `GET`.
    Get,
    /// `POST`.
    Post,
}

impl Method {
    /// The method's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// One request, relative to the API base.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// Method.
    pub method: Method,
    /// Path and query, starting with `/v1/`.
    pub path: String,
    /// Extra headers (`Content-Type: application/json` is added for a body).
    pub headers: Vec<(String, String)>,
    /// JSON body.
    pub body: Option<String>,
}

/// What came back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// Status code.
    pub status: u16,
    /// `Retry-After` in whole seconds, when present in that form.
    pub retry_after_s: Option<u32>,
    /// Body text.
    pub body: String,
}

impl HttpResponse {
    /// A response with `status` and a JSON body.
    pub fn json(status: u16, body: impl Into<String>) -> Self {
        Self {
            status,
            retry_after_s: None,
            body: body.into(),
        }
    }

    /// The same response with a `Retry-After`.
    pub fn with_retry_after(mut self, seconds: u32) -> Self {
        self.retry_after_s = Some(seconds);
        self
    }
}

/// Sends requests. No answer at all (offline, aborted) is `Err(())`.
pub trait Transport: Send + Sync {
    /// Sends `request`.
    fn send(&self, request: HttpRequest) -> LocalFuture<Result<HttpResponse, ()>>;
}

/// Why a request gave no usable answer.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiFailure {
    /// No answer at all (offline, DNS, CORS, aborted).
    Network,
    /// The server answered with its error shape.
    Server {
        /// HTTP status.
        status: u16,
        /// The error.
        error: Box<ApiError>,
        /// `Retry-After`, if sent.
        retry_after_s: Option<u32>,
    },
    /// The server answered something we could not read.
    Unreadable {
        /// HTTP status.
        status: u16,
        /// `Retry-After`, if sent.
        retry_after_s: Option<u32>,
    },
}

/// What to tell the citizen about an error `code` (every code has its words; the server sends
/// codes, never sentences).
pub fn error_message(code: ErrorCode) -> Msg {
    use ErrorCode as E;
    match code {
        E::CampaignNotFound => Msg::ErrorCampaignNotFound,
        E::SiteNotFound | E::SlotNotFound => Msg::ErrorPlaceNotFound,
        E::BookingNotFound | E::BookingSecretMissing => Msg::ErrorBookingNotFound,
        E::Required
        | E::TooLong
        | E::NameInvalidCharacters
        | E::NameNoLetters
        | E::DateFormat
        | E::DateNotACalendarDate
        | E::DateOutOfRange
        | E::BirthDateInFuture
        | E::MobileFormat
        | E::MobileNotMobile
        | E::ResidentNumberFormat
        | E::ResidentNumberTooManyDigits
        | E::ResidentNumberNotACalendarDate
        | E::ResidentNumberMismatch
        | E::InvalidInput => Msg::VerdictInvalid,
        E::NotYet | E::Closed | E::NotEligible => Msg::CannotJoin,
        E::TokenMalformed
        | E::TokenUnknownKey
        | E::TokenBadSignature
        | E::TokenWrongCampaign
        | E::TokenWrongPerson
        | E::AdmissionMissing
        | E::TicketCampaignMismatch
        | E::TicketIndexOutsideDraw => Msg::TicketLost,
        E::TokenReplayed | E::TokenExpired | E::AdmissionLapsed | E::AdmissionWindowMissed => {
            Msg::AdmissionExpired
        }
        E::NotYourTurn => Msg::ErrorNotYourTurn,
        E::DrawSeedMalformed | E::DrawCommitmentMismatch | E::DrawSizeMissing => {
            Msg::DrawUnverified
        }
        E::NoExtensionsLeft => Msg::NoExtensions,
        E::SlotFull => Msg::SlotFull,
        E::SlotInPast => Msg::ErrorSlotInPast,
        E::BookingNotConfirmed => Msg::Cancelled,
        E::Overloaded | E::TooManyJoins => Msg::ErrorBusy,
        E::OriginNotAllowed => Msg::ErrorOriginNotAllowed,
        E::MalformedJson
        | E::JsonRequired
        | E::InvalidBody
        | E::BodyTooLarge
        | E::InvalidDay
        | E::RateOutOfRange
        | E::IdempotencyKeyMissing
        | E::IdempotencyKeyReused
        | E::AdminTokenInvalid
        | E::Internal
        | E::Unknown => Msg::ErrorGeneric,
    }
}

impl ApiFailure {
    /// What to tell the citizen.
    pub fn citizen_message(&self) -> Msg {
        match self {
            ApiFailure::Network => Msg::ErrorNetwork,
            ApiFailure::Server { status, .. } | ApiFailure::Unreadable { status, .. }
                if *status == 429 || *status == 503 =>
            {
                Msg::ErrorBusy
            }
            ApiFailure::Server { error, .. } => error_message(error.code),
            ApiFailure::Unreadable { .. } => Msg::ErrorGeneric,
        }
    }

    /// The server's `Retry-After` (header, or the error body's `retry_after_s`).
    pub fn retry_after(&self) -> Option<Duration> {
        let seconds = match self {
            ApiFailure::Network => None,
            ApiFailure::Server {
                error,
                retry_after_s,
                ..
            } => retry_after_s.or(error.retry_after_s),
            ApiFailure::Unreadable { retry_after_s, .. } => *retry_after_s,
        };
        seconds.map(|s| Duration::from_secs(u64::from(s)))
    }

    /// The error code, when the server sent one.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ApiFailure::Server { error, .. } => Some(error.code),
            _ => None,
        }
    }

    /// The server's eligibility verdict behind a refusal, when it sent one.
    pub fn verdict(&self) -> Option<&Verdict> {
        match self {
            ApiFailure::Server { error, .. } => error.verdict.as_ref(),
            _ => None,
        }
    }
}

/// A successful answer and the `Retry-After` it carried (the queue state may carry one).
#[derive(Debug, Clone, PartialEq)]
pub struct Reply<T> {
    /// The answer.
    pub value: T,
    /// `Retry-After`, if sent.
    pub retry_after: Option<Duration>,
}

/// Talks to one Fairline server through a transport.
#[derive(Clone)]
pub struct ApiClient {
    transport: Arc<dyn Transport>,
}

impl core::fmt::Debug for ApiClient {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("ApiClient")
    }
}

impl ApiClient {
    /// A client for the API at `base` (empty: this page's origin), over `fetch`.
    pub fn new(base: String) -> Self {
        Self::with_transport(Arc::new(FetchTransport::new(base)))
    }

    /// A client over any transport (tests pass a fake).
    pub fn with_transport(transport: Arc<dyn Transport>) -> Self {
        Self { transport }
    }

    /// `GET /v1/health`.
    pub async fn health(&self) -> Result<Health, ApiFailure> {
        self.get("/v1/health".into()).await
    }

    /// The campaign document; with an empty id, the first campaign the server lists.
    pub async fn campaign(&self, campaign_id: &str) -> Result<Campaign, ApiFailure> {
        let campaign_id = if campaign_id.is_empty() {
            let listed: Vec<CampaignSummary> = self.get("/v1/campaigns".into()).await?;
            match listed.into_iter().next() {
                Some(first) => first.id,
                None => {
                    return Err(ApiFailure::Unreadable {
                        status: 200,
                        retry_after_s: None,
                    })
                }
            }
        } else {
            campaign_id.to_owned()
        };
        self.get(format!("/v1/campaigns/{}", segment(&campaign_id)))
            .await
    }

    /// `POST …/eligibility`: the server's verdict.
    pub async fn eligibility(
        &self,
        campaign_id: &str,
        person: &PersonInput,
    ) -> Result<EligibilityResponse, ApiFailure> {
        let path = format!("/v1/campaigns/{}/eligibility", segment(campaign_id));
        self.post(path, &[], person).await
    }

    /// `POST …/queue`: join (or rejoin) the queue.
    pub async fn join(
        &self,
        campaign_id: &str,
        person: &PersonInput,
    ) -> Result<JoinResponse, ApiFailure> {
        let path = format!("/v1/campaigns/{}/queue", segment(campaign_id));
        self.post(path, &[], person).await
    }

    /// `GET …/queue/state`, with the response's `Retry-After`.
    pub async fn queue_state(&self, campaign_id: &str) -> Result<Reply<QueueState>, ApiFailure> {
        let path = format!("/v1/campaigns/{}/queue/state", segment(campaign_id));
        read_response(self.exchange(Method::Get, path, &[], None).await?)
    }

    /// `POST …/queue/admit`.
    pub async fn admit(
        &self,
        campaign_id: &str,
        ticket: &Signed<TicketClaims>,
    ) -> Result<AdmitResponse, ApiFailure> {
        let path = format!("/v1/campaigns/{}/queue/admit", segment(campaign_id));
        let body = AdmitRequest {
            ticket: ticket.clone(),
        };
        self.post(path, &[], &body).await
    }

    /// `POST …/queue/extend` with the admission token.
    pub async fn extend(
        &self,
        campaign_id: &str,
        admission_token: &str,
    ) -> Result<AdmitResponse, ApiFailure> {
        let path = format!("/v1/campaigns/{}/queue/extend", segment(campaign_id));
        self.post_text(path, &[bearer(admission_token)], "{}".into())
            .await
    }

    /// `GET …/sites`.
    pub async fn sites(&self, campaign_id: &str) -> Result<Vec<SiteSummary>, ApiFailure> {
        self.get(format!("/v1/campaigns/{}/sites", segment(campaign_id)))
            .await
    }

    /// `GET …/sites/{site}/days/{day}`.
    pub async fn day(
        &self,
        campaign_id: &str,
        site_id: &str,
        day: Date,
    ) -> Result<DayAvailability, ApiFailure> {
        self.get(format!(
            "/v1/campaigns/{}/sites/{}/days/{}",
            segment(campaign_id),
            segment(site_id),
            crate::format::iso_day(day)
        ))
        .await
    }

    /// `POST …/bookings` with the admission token and an idempotency key.
    pub async fn book(
        &self,
        campaign_id: &str,
        admission_token: &str,
        idempotency_key: &str,
        request: &BookingRequest,
    ) -> Result<BookingReceipt, ApiFailure> {
        let path = format!("/v1/campaigns/{}/bookings", segment(campaign_id));
        let headers = [
            bearer(admission_token),
            ("Idempotency-Key".to_owned(), idempotency_key.to_owned()),
        ];
        self.post(path, &headers, request).await
    }

    /// `POST /v1/bookings/{reference}/cancel`.
    pub async fn cancel(&self, reference: &str, secret: &str) -> Result<Booking, ApiFailure> {
        let path = format!("/v1/bookings/{}/cancel", segment(reference));
        let headers = [("Fairline-Booking-Secret".to_owned(), secret.to_owned())];
        self.post_text(path, &headers, "{}".into()).await
    }

    async fn get<T: FromJson>(&self, path: String) -> Result<T, ApiFailure> {
        value_of(self.exchange(Method::Get, path, &[], None).await?)
    }

    async fn post<T: FromJson, B: ToJson>(
        &self,
        path: String,
        headers: &[(String, String)],
        body: &B,
    ) -> Result<T, ApiFailure> {
        let body = to_json(body);
        self.post_text(path, headers, body).await
    }

    async fn post_text<T: FromJson>(
        &self,
        path: String,
        headers: &[(String, String)],
        body: String,
    ) -> Result<T, ApiFailure> {
        value_of(
            self.exchange(Method::Post, path, headers, Some(body))
                .await?,
        )
    }

    /// Sends one request and waits for the raw response. Not generic: the one copy of the
    /// request future in the wasm (reading the typed answer is a plain function after it).
    async fn exchange(
        &self,
        method: Method,
        path: String,
        headers: &[(String, String)],
        body: Option<String>,
    ) -> Result<HttpResponse, ApiFailure> {
        let request = HttpRequest {
            method,
            path,
            headers: headers.to_vec(),
            body,
        };
        self.transport
            .send(request)
            .await
            .map_err(|()| ApiFailure::Network)
    }
}

/// The typed answer in a raw response, without its `Retry-After`.
fn value_of<T: FromJson>(response: HttpResponse) -> Result<T, ApiFailure> {
    read_response(response).map(|reply| reply.value)
}

/// Turns a raw response into the typed answer or the failure.
pub fn read_response<T: FromJson>(response: HttpResponse) -> Result<Reply<T>, ApiFailure> {
    let status = response.status;
    let retry_after_s = response.retry_after_s;
    if (200..300).contains(&status) {
        from_json(&response.body)
            .map(|value| Reply {
                value,
                retry_after: retry_after_s.map(|s| Duration::from_secs(u64::from(s))),
            })
            .map_err(|_| ApiFailure::Unreadable {
                status,
                retry_after_s,
            })
    } else {
        match from_json::<ApiError>(&response.body) {
            Ok(error) => Err(ApiFailure::Server {
                status,
                error: Box::new(error),
                retry_after_s,
            }),
            Err(_) => Err(ApiFailure::Unreadable {
                status,
                retry_after_s,
            }),
        }
    }
}

fn bearer(token: &str) -> (String, String) {
    ("Authorization".to_owned(), format!("Bearer {token}"))
}

/// A path segment with everything but unreserved characters percent-encoded.
pub fn segment(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for byte in raw.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `Retry-After` as whole seconds (the HTTP-date form needs a clock, so it is ignored).
pub fn parse_retry_after(value: &str) -> Option<u32> {
    value.trim().parse().ok()
}

/// The browser's `fetch`, against `base`.
#[derive(Debug, Clone)]
pub struct FetchTransport {
    base: String,
}

impl FetchTransport {
    /// Fetches relative to `base` (empty: this page's origin).
    pub fn new(base: String) -> Self {
        Self {
            base: base.trim_end_matches('/').to_owned(),
        }
    }
}

impl Transport for FetchTransport {
    fn send(&self, request: HttpRequest) -> LocalFuture<Result<HttpResponse, ()>> {
        let url = format!("{}{}", self.base, request.path);
        Box::pin(fetch(url, request))
    }
}

/// Aborts the fetch it guards when dropped before the answer is read.
struct AbortOnDrop(Option<web_sys::AbortController>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(controller) = self.0.take() {
            controller.abort();
        }
    }
}

async fn fetch(url: String, request: HttpRequest) -> Result<HttpResponse, ()> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;

    let window = web_sys::window().ok_or(())?;
    let controller = web_sys::AbortController::new().map_err(|_| ())?;
    let mut guard = AbortOnDrop(Some(controller.clone()));
    let init = web_sys::RequestInit::new();
    init.set_method(request.method.as_str());
    init.set_signal(Some(&controller.signal()));
    let headers = web_sys::Headers::new().map_err(|_| ())?;
    for (name, value) in &request.headers {
        headers.set(name, value).map_err(|_| ())?;
    }
    if let Some(body) = &request.body {
        headers
            .set("Content-Type", "application/json")
            .map_err(|_| ())?;
        init.set_body(&wasm_bindgen::JsValue::from_str(body));
    }
    init.set_headers(&headers);
    let response = JsFuture::from(window.fetch_with_str_and_init(&url, &init))
        .await
        .map_err(|_| ())?;
    let response: web_sys::Response = response.dyn_into().map_err(|_| ())?;
    let retry_after_s = response
        .headers()
        .get("Retry-After")
        .ok()
        .flatten()
        .and_then(|value| parse_retry_after(&value));
    let body = JsFuture::from(response.text().map_err(|_| ())?)
        .await
        .map_err(|_| ())?
        .as_string()
        .unwrap_or_default();
    guard.0 = None;
    Ok(HttpResponse {
        status: response.status(),
        retry_after_s,
        body,
    })
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn responses_become_answers_or_failures_with_retry_after() {
        let ok: Reply<Vec<u32>> = read_response(HttpResponse::json(200, "[1,2]")).unwrap();
        assert_eq!(ok.value, vec![1, 2]);
        let shed =
            read_response::<Vec<u32>>(HttpResponse::json(503, "").with_retry_after(7)).unwrap_err();
        assert_eq!(shed.retry_after(), Some(Duration::from_secs(7)));
        assert_eq!(shed.citizen_message(), Msg::ErrorBusy);
        let body = serde_json::to_string(&ApiError::new(ErrorCode::SlotFull)).unwrap();
        let refused = read_response::<Vec<u32>>(HttpResponse::json(409, body)).unwrap_err();
        assert_eq!(refused.code(), Some(ErrorCode::SlotFull));
        assert_eq!(refused.verdict(), None);
        let newer = read_response::<Vec<u32>>(HttpResponse::json(
            409,
            r#"{"code":"code-from-a-newer-server"}"#,
        ))
        .unwrap_err();
        assert_eq!(newer.code(), Some(ErrorCode::Unknown));
        assert_eq!(newer.citizen_message(), Msg::ErrorGeneric);
        assert_eq!(parse_retry_after(" 12 "), Some(12));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert_eq!(segment("a b/c"), "a%20b%2Fc");
    }
}
