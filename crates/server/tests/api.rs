//! The API over real HTTP: `spawn_app()` serves the router on 127.0.0.1:0 and tests talk to it.

use fairline_core::{campaign::Campaign, error::ApiError};
use fairline_server::{app, AppState};

const KR_CAMPAIGN: &str = include_str!("../../../campaigns/kr-covid19-2021-07.toml");

/// A running server and the base URL to reach it.
struct TestApp {
    base: String,
    client: reqwest::Client,
}

async fn spawn_app() -> TestApp {
    let campaign = Campaign::from_toml_str(KR_CAMPAIGN).expect("shipped campaign parses");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app(AppState::new(campaign))).await });
    TestApp {
        base: format!("http://{addr}"),
        client: reqwest::Client::new(),
    }
}

#[tokio::test]
async fn health_answers_ok() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(format!("{}/v1/health", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
}

#[tokio::test]
async fn campaign_document_is_core_campaign_and_cacheable() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(format!("{}/v1/campaigns/kr-covid19-2021-07", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let cache = response.headers()["cache-control"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cache.starts_with("public"), "{cache}");
    let campaign: Campaign = response.json().await.unwrap();
    assert_eq!(campaign.id, "kr-covid19-2021-07");
}

#[tokio::test]
async fn unknown_campaign_is_a_coded_404() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(format!("{}/v1/campaigns/nope", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let error: ApiError = response.json().await.unwrap();
    assert_eq!(error.code, "campaign_not_found");
}
