//! Request tracing names the route a request matched, never its raw URI (which carries booking
//! references and other ids).

mod common;

use std::{
    io::Write,
    sync::{Arc, Mutex},
};

use axum::{body::Body, http::Request};
use common::spawn_app;
use tower::ServiceExt;

/// A log sink the test can read back.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn request_spans_carry_the_matched_route_not_the_uri() {
    let app = spawn_app().await;
    let router = fairline_server::app(app.state.clone());
    let captured = Captured::default();
    let sink = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || sink.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let request = Request::get("/v1/bookings/FL-SECR-ET42")
        .header("fairline-booking-secret", "0".repeat(32))
        .body(Body::empty())
        .unwrap();
    let response = router.oneshot(request).await.unwrap();
    assert_eq!(response.status(), 404);

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains(r#"route="/v1/bookings/{reference}""#), "{log}");
    assert!(log.contains("method=GET"), "{log}");
    assert!(!log.contains("FL-SECR-ET42"), "the raw URI leaked: {log}");
}
