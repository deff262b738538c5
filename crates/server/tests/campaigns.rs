//! Several campaigns served by one server (`serve --campaign A --campaign B`, or a folder):
//! each keeps its own queue, admission and secrets scope, over real HTTP.

mod common;

use common::{person, spawn_app_with, AppOptions, TestApp, KR_CAMPAIGN};
use fairline_core::{
    error::ApiError,
    token,
    wire::{AdmitRequest, AdmitResponse, QueuePlace, QueueState},
};
use fairline_server::cli::campaign_files;

const FIRST: &str = "kr-covid19-2021-07";
const SECOND: &str = "kr-second-opening";

/// The Korean campaign and a copy of it under another id.
async fn two_campaigns() -> TestApp {
    let second = KR_CAMPAIGN.replacen(
        &format!("id = \"{FIRST}\""),
        &format!("id = \"{SECOND}\""),
        1,
    );
    assert!(second.contains(SECOND));
    spawn_app_with(AppOptions {
        more_campaigns: vec![second],
        ..AppOptions::default()
    })
    .await
}

fn url(app: &TestApp, campaign: &str, rest: &str) -> String {
    app.url(&format!("/v1/campaigns/{campaign}{rest}"))
}

async fn join(app: &TestApp, campaign: &str, n: u32) -> fairline_core::wire::JoinResponse {
    let response = app
        .client
        .post(url(app, campaign, "/queue"))
        .json(&person(n))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn admit(app: &TestApp, campaign: &str, ticket: &AdmitRequest) -> reqwest::Response {
    app.client
        .post(url(app, campaign, "/queue/admit"))
        .json(ticket)
        .send()
        .await
        .unwrap()
}

async fn error_code(response: reqwest::Response) -> String {
    let error: ApiError = response.json().await.unwrap();
    error.code.as_str().to_owned()
}

#[tokio::test]
async fn both_campaigns_are_listed_and_each_has_its_own_queue() {
    let app = two_campaigns().await;
    let listed: Vec<serde_json::Value> = app.get_json(&app.url("/v1/campaigns")).await;
    let ids: Vec<&str> = listed.iter().filter_map(|c| c["id"].as_str()).collect();
    assert_eq!(ids, [FIRST, SECOND]);
    // The same person in both: a place in each queue, numbered by that queue alone, under a
    // person key hash that differs between the campaigns.
    let in_first = join(&app, FIRST, 1).await.ticket.claims;
    let other = join(&app, FIRST, 2).await.ticket.claims;
    let in_second = join(&app, SECOND, 1).await.ticket.claims;
    assert_eq!(in_first.place, QueuePlace::Ranked { rank: 0 });
    assert_eq!(other.place, QueuePlace::Ranked { rank: 1 });
    assert_eq!(in_second.place, QueuePlace::Ranked { rank: 0 });
    assert_eq!(in_second.campaign_id, SECOND);
    assert_ne!(in_first.person_key_hash, in_second.person_key_hash);
    for (campaign, tickets) in [(FIRST, 2), (SECOND, 1)] {
        let count = app.state.store().ticket_count(campaign).await.unwrap();
        assert_eq!(count, tickets);
    }
    let unknown = app.client.get(url(&app, "nowhere", "")).send().await;
    assert_eq!(unknown.unwrap().status(), 404);
}

#[tokio::test]
async fn a_ticket_or_admission_of_one_campaign_is_refused_by_the_other() {
    let app = two_campaigns().await;
    let ticket = AdmitRequest {
        ticket: join(&app, SECOND, 7).await.ticket,
    };
    let wrong = admit(&app, FIRST, &ticket).await;
    assert_eq!(wrong.status(), 403);
    assert_eq!(error_code(wrong).await, "token_wrong_campaign");
    // Re-labelled for the first campaign, the signature (the second's key) no longer holds.
    let mut relabelled = ticket.clone();
    relabelled.ticket.claims.campaign_id = FIRST.into();
    let forged = admit(&app, FIRST, &relabelled).await;
    assert_eq!(error_code(forged).await, "token_bad_signature");
    let admitted = loop {
        let response = admit(&app, SECOND, &ticket).await;
        if response.status() == 200 {
            break response.json::<AdmitResponse>().await.unwrap();
        }
        app.advance(common::ADMISSION_STEP).await;
    };
    let extend = app
        .client
        .post(url(&app, FIRST, "/queue/extend"))
        .bearer_auth(token::encode(&admitted.admission))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(extend).await, "token_wrong_campaign");
}

#[tokio::test]
async fn pausing_one_campaign_leaves_the_other_admitting() {
    let app = two_campaigns().await;
    let admin = app.state.secrets().admin_token.clone();
    let paused = app
        .client
        .post(app.url(&format!("/v1/admin/campaigns/{FIRST}/pause")))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(paused.status(), 200);
    for n in 0..3 {
        join(&app, FIRST, n).await;
        join(&app, SECOND, n).await;
    }
    app.advance(std::time::Duration::from_secs(1)).await;
    let first: QueueState = app.get_json(&url(&app, FIRST, "/queue/state")).await;
    let second: QueueState = app.get_json(&url(&app, SECOND, "/queue/state")).await;
    assert!(first.paused && !second.paused);
    assert_eq!((first.admitted_through, second.admitted_through), (0, 3));
    let metrics = app.get_text(&app.url("/metrics")).await;
    for line in [
        format!("fairline_paused{{campaign=\"{FIRST}\"}} 1"),
        format!("fairline_paused{{campaign=\"{SECOND}\"}} 0"),
        format!("fairline_admitted_through{{campaign=\"{SECOND}\"}} 3"),
    ] {
        assert!(metrics.lines().any(|l| l == line), "{line} in {metrics}");
    }
}

#[test]
fn a_campaign_folder_gives_its_toml_files_in_name_order() {
    let folder = tempfile::tempdir().unwrap();
    for name in ["b.toml", "a.toml", "notes.txt"] {
        std::fs::write(folder.path().join(name), "").unwrap();
    }
    let single = folder.path().join("c.toml");
    let files = campaign_files(&[folder.path().to_owned(), single.clone()]).unwrap();
    let expected = [
        folder.path().join("a.toml"),
        folder.path().join("b.toml"),
        single,
    ];
    assert_eq!(files, expected);
    let empty = tempfile::tempdir().unwrap();
    assert!(campaign_files(&[empty.path().to_owned()]).is_err());
}

#[tokio::test]
async fn the_same_campaign_twice_is_refused() {
    let campaign = fairline_core::campaign::Campaign::from_toml_str(KR_CAMPAIGN).unwrap();
    let data = tempfile::tempdir().unwrap();
    let started = fairline_server::AppState::start_campaigns(
        vec![campaign.clone(), campaign],
        data.path(),
        &fairline_server::store::Database::Sqlite(data.path().join("db.sqlite3")),
        fairline_server::clock::ServerClock::real(),
        common::test_tuning(),
    )
    .await;
    let error = started.err().expect("refused").to_string();
    assert!(error.contains("given twice"), "{error}");
}
