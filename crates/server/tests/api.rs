//! The API's reads and its refusals of bad input, over real HTTP.

mod common;

use common::{spawn_app, spawn_app_with, AppOptions};
use fairline_core::{
    campaign::Campaign,
    error::ApiError,
    wire::{AdmissionControls, Health, HealthStatus, RateChange},
};

#[tokio::test]
async fn health_answers_ok_with_server_time() {
    let app = spawn_app().await;
    let response = app.client.get(app.url("/v1/health")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    let health: Health = serde_json::from_value(body).unwrap();
    assert_eq!(health.status, HealthStatus::Ok);
    assert_eq!(health.server_time, common::DURING_OPENING);
    assert!(health.rehearsal);
    // The manual clock stands in for the machine's real time too.
    assert_eq!(health.real_time, Some(common::DURING_OPENING));
}

#[test]
fn health_from_a_server_without_real_time_still_parses() {
    let older = r#"{"status":"ok","server_time":"2021-07-12T11:00:00Z","rehearsal":true}"#;
    let health: Health = serde_json::from_str(older).unwrap();
    assert_eq!(health.real_time, None);
    let newer = r#"{"status":"ok","server_time":"2021-07-12T11:00:00Z","real_time":"2026-11-22T16:00:00Z"}"#;
    let health: Health = serde_json::from_str(newer).unwrap();
    assert_eq!(
        health.real_time,
        Some(time::macros::datetime!(2026-11-22 16:00 UTC))
    );
}

#[tokio::test]
async fn campaign_document_is_core_campaign_cacheable_and_versioned() {
    let app = spawn_app().await;
    let response = app.client.get(app.campaign_url("")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let cache = response.headers()["cache-control"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cache.starts_with("public"), "{cache}");
    let version = response.headers()["fairline-rules-version"]
        .to_str()
        .unwrap()
        .to_owned();
    let campaign: Campaign = response.json().await.unwrap();
    assert_eq!(campaign.id, "kr-covid19-2021-07");
    assert_eq!(campaign.rules_version, version);
}

#[tokio::test]
async fn unknown_campaign_is_a_coded_404() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/v1/campaigns/nope"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let error: ApiError = response.json().await.unwrap();
    assert_eq!(error.code.as_str(), "campaign_not_found");
}

#[tokio::test]
async fn bad_input_is_a_coded_4xx_never_a_5xx() {
    let app = spawn_app().await;
    let join = app.campaign_url("/queue");
    let booking = serde_json::json!({
        "person": common::person(1),
        "site_id": "seoul-gangnam",
        "starts_at": "2021-07-26T09:00:00+09:00"
    });
    let cases: Vec<(reqwest::RequestBuilder, u16, &str)> = vec![
        (app.client.post(&join).header("content-type", "application/json").body("{not json"), 400, "malformed_json"),
        (app.client.post(&join).body("{}"), 415, "json_required"),
        (app.client.post(&join).json(&serde_json::json!({"name": 3})), 422, "invalid_body"),
        (
            app.client.post(&join).header("content-type", "application/json").body(format!("{{\"name\":\"{}\"}}", "a".repeat(40_000))),
            413,
            "body_too_large",
        ),
        (
            app.client.post(&join).json(&serde_json::json!({"name": "Kim", "birth_date": "1965-02-30", "mobile": "010-1234-5678"})),
            422,
            "",
        ),
        (app.client.get(app.campaign_url("/sites/seoul-gangnam/days/2021-13-01")), 422, "invalid_day"),
        (app.client.get(app.campaign_url("/sites/nowhere/days/2021-07-26")), 404, "site_not_found"),
        (
            app.client.post(app.campaign_url("/queue/admit")).json(&serde_json::json!({"ticket": {"claims": {}, "signature": ""}})),
            422,
            "invalid_body",
        ),
        (app.client.post(app.campaign_url("/bookings")).json(&serde_json::json!({})), 422, "invalid_body"),
        (app.client.post(app.campaign_url("/bookings")).json(&booking), 401, "admission_missing"),
        (app.client.post(app.campaign_url("/bookings")).bearer_auth("%%%").json(&booking), 401, "token_malformed"),
        (app.client.get(app.url("/v1/bookings/FL-XXXX-XXXX")), 401, "booking_secret_missing"),
        (app.client.post(app.url("/v1/admin/campaigns/kr-covid19-2021-07/pause")), 401, "admin_token_invalid"),
    ];
    for (request, status, code) in cases {
        let response = request.send().await.unwrap();
        let got = response.status().as_u16();
        let error: ApiError = response.json().await.unwrap();
        assert_eq!(got, status, "{error:?}");
        if code.is_empty() {
            assert!(error.field.is_some(), "{error:?}");
        } else {
            assert_eq!(error.code.as_str(), code);
        }
    }
}

#[tokio::test]
async fn the_state_document_is_shared_cacheable_and_revalidates() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.campaign_url("/queue/state"))
        .send()
        .await
        .unwrap();
    let cache = response.headers()["cache-control"]
        .to_str()
        .unwrap()
        .to_owned();
    let max_age: u32 = cache
        .trim_start_matches("public, max-age=")
        .parse()
        .unwrap();
    assert!((1..=5).contains(&max_age), "{cache}");
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    let again = app
        .client
        .get(app.campaign_url("/queue/state"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    // Within the reuse window the same document (and ETag) is served.
    assert!(again.status() == 304 || again.headers()["etag"] != etag.as_str());
}

#[tokio::test]
async fn foreign_origins_are_refused_and_partners_get_cors() {
    let mut tuning = common::test_tuning();
    tuning.allowed_origins = vec!["http://partner.localhost:9000".into()];
    let app = spawn_app_with(AppOptions {
        tuning,
        ..AppOptions::default()
    })
    .await;
    let foreign = app
        .client
        .get(app.campaign_url(""))
        .header("origin", "http://evil.localhost:9000")
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), 403);
    let error: ApiError = foreign.json().await.unwrap();
    assert_eq!(error.code.as_str(), "origin_not_allowed");
    let partner = app
        .client
        .get(app.campaign_url(""))
        .header("origin", "http://partner.localhost:9000")
        .send()
        .await
        .unwrap();
    assert_eq!(partner.status(), 200);
    assert_eq!(
        partner.headers()["access-control-allow-origin"],
        "http://partner.localhost:9000"
    );
    assert!(partner
        .headers()
        .get("access-control-allow-credentials")
        .is_none());
    let preflight = app
        .client
        .request(reqwest::Method::OPTIONS, app.campaign_url("/bookings"))
        .header("origin", "http://partner.localhost:9000")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.status(), 204);
    assert!(preflight.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .contains("Idempotency-Key"));
}

#[tokio::test]
async fn operators_pause_resume_and_set_the_rate_with_the_admin_token() {
    let app = spawn_app().await;
    let token = app.state.secrets().admin_token.clone();
    let admin = |action: &str| app.url(&format!("/v1/admin/campaigns/kr-covid19-2021-07/{action}"));
    let paused: AdmissionControls = app
        .client
        .post(admin("pause"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(paused.paused);
    assert!(app.queue_state().await.paused);
    let resumed: AdmissionControls = app
        .client
        .post(admin("resume"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(!resumed.paused);
    let rate = app
        .client
        .post(admin("rate"))
        .bearer_auth(&token)
        .json(&RateChange { per_second: 12.5 })
        .send()
        .await
        .unwrap();
    assert_eq!(rate.status(), 200);
    let rate: AdmissionControls = rate.json().await.unwrap();
    assert_eq!(rate.rate_per_second, 12.5);
    let too_fast = app
        .client
        .post(admin("rate"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"per_second": -1}))
        .send()
        .await
        .unwrap();
    assert_eq!(too_fast.status(), 422);
    let error: ApiError = too_fast.json().await.unwrap();
    assert_eq!(
        (error.code.as_str(), error.field.as_deref()),
        ("rate_out_of_range", Some("per_second"))
    );
    let wrong = app
        .client
        .post(admin("pause"))
        .bearer_auth("not-the-token-at-all")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
}
