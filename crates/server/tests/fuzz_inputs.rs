//! Property test: whatever a client sends to the endpoints that take input — random JSON of the
//! right shape with hostile strings, random JSON of any shape, random bytes, random tokens — the
//! answer is a coded 4xx (or a success), never a 5xx or a hang.

mod common;

use common::spawn_app;
use fairline_core::error::{ApiError, ErrorCode};
use proptest::{prelude::*, test_runner::TestRunner};
use serde_json::{json, Value};

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|n| json!(n)),
        ".{0,40}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::hash_map("[a-z_]{1,12}", inner, 0..6)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

fn person_like() -> impl Strategy<Value = Value> {
    let text = prop_oneof![
        ".{0,64}",
        "[0-9]{4}-[0-9]{2}-[0-9]{2}",
        "010-[0-9]{4}-[0-9]{4}",
        "\\+82[0-9]{9,11}",
        "[0-9]{6}-[0-9]",
    ];
    (text.clone(), text.clone(), text.clone(), proptest::option::of(text))
        .prop_map(|(name, birth_date, mobile, front)| json!({"name": name, "birth_date": birth_date, "mobile": mobile, "resident_number_front": front}))
}

#[test]
fn no_input_yields_a_server_error() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let app = runtime.block_on(spawn_app());
    let mut runner = TestRunner::new(proptest::test_runner::Config {
        cases: 200,
        ..Default::default()
    });
    let endpoints = [
        "/eligibility",
        "/queue",
        "/queue/admit",
        "/bookings",
        "/queue/extend",
    ];
    let strategy = (
        0..endpoints.len(),
        prop_oneof![person_like(), person_like().prop_map(|p| json!({"person": p, "site_id": "seoul-gangnam", "starts_at": "2021-07-26T09:00:00+09:00"})), any_json()],
        "[ -~]{0,80}",
        prop::collection::vec(any::<u8>(), 0..64),
        any::<bool>(),
    );
    runner
        .run(&strategy, |(endpoint, body, token, raw, send_raw)| {
            runtime.block_on(async {
                let mut request = app
                    .client
                    .post(app.campaign_url(endpoints[endpoint]))
                    .header("Idempotency-Key", "fuzz")
                    .header("Authorization", format!("Bearer {token}"));
                request = if send_raw {
                    request.header("content-type", "application/json").body(raw)
                } else {
                    request.json(&body)
                };
                let response = request.send().await.unwrap();
                let status = response.status().as_u16();
                prop_assert!(status < 500, "status {status} for {body}");
                if status >= 400 {
                    let error: ApiError = response.json().await.unwrap();
                    prop_assert!(ErrorCode::ALL.contains(&error.code), "{:?}", error.code);
                }
                Ok(())
            })
        })
        .unwrap();
}
