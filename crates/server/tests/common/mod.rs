//! The test harness: `spawn_app()` starts the real router with a real SQLite file (or, with
//! [`AppOptions::database`], a PostgreSQL database from [`postgres::TestPostgres`]) on
//! 127.0.0.1:0 and gives a client that talks to it over HTTP, as the widget does. The server
//! runs on a manual clock: time passes only when a test calls [`TestApp::advance`].
#![allow(dead_code)]

pub mod cluster;
pub mod nginx;
pub mod postgres;

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use fairline_core::{
    booking::{BookingReceipt, BookingRequest, DayAvailability},
    campaign::Campaign,
    person::PersonInput,
    token,
    wire::{AdmitRequest, AdmitResponse, JoinResponse, QueueState},
};
use fairline_server::{clock::ManualClock, config::Tuning, store::Database, AppState};
use time::{macros::datetime, OffsetDateTime};

/// The shipped Korean campaign.
pub const KR_CAMPAIGN: &str = include_str!("../../../../campaigns/kr-covid19-2021-07.toml");
/// Half an hour into the 55–59 cohort's window: eligible people may join and book.
pub const DURING_OPENING: OffsetDateTime = datetime!(2021-07-12 20:30 +09:00);
/// A slot in that campaign (Gangnam, 26 July 09:00, capacity 40 in the shipped file).
pub const SLOT: OffsetDateTime = datetime!(2021-07-26 09:00 +09:00);

/// How far [`TestApp::admitted`] moves the clock while a person waits for their turn.
pub const ADMISSION_STEP: Duration = Duration::from_millis(100);

/// A running server.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// HTTP client.
    pub client: reqwest::Client,
    /// The state the server runs with.
    pub state: AppState,
    /// The data folder (kept alive with the app).
    pub data: tempfile::TempDir,
}

/// Options for [`spawn_app_with`].
pub struct AppOptions {
    /// Campaign TOML (the default campaign).
    pub campaign: String,
    /// More campaigns served beside it (TOML).
    pub more_campaigns: Vec<String>,
    /// Where the server's manual clock starts (it moves only when the test advances it).
    pub at: OffsetDateTime,
    /// Tuning.
    pub tuning: Tuning,
    /// A built widget folder to serve beside the API (`serve --static DIR`).
    pub static_dir: Option<PathBuf>,
    /// Where the state lives (`serve --database URL`); an SQLite file in the data folder if None.
    pub database: Option<Database>,
    /// A folder of secrets shared with other instances; the app's own data folder if None.
    pub secrets_dir: Option<PathBuf>,
    /// A clock shared with other instances (as machines share real time); a clock of its own
    /// starting at `at` if None.
    pub clock: Option<ManualClock>,
}

impl Default for AppOptions {
    fn default() -> Self {
        Self {
            campaign: KR_CAMPAIGN.to_owned(),
            more_campaigns: Vec::new(),
            at: DURING_OPENING,
            tuning: test_tuning(),
            static_dir: None,
            database: None,
            secrets_dir: None,
            clock: None,
        }
    }
}

/// Fast admission and no per-client join limit (every test client is 127.0.0.1).
pub fn test_tuning() -> Tuning {
    Tuning {
        admit_rate_per_s: 10_000.0,
        join_burst: 1_000_000,
        join_refill_per_s: 1_000.0,
        join_concurrency: 4096,
        booking_concurrency: 4096,
        ..Tuning::default()
    }
}

/// The Korean campaign during its first opening.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(AppOptions::default()).await
}

/// A server with `options`.
pub async fn spawn_app_with(options: AppOptions) -> TestApp {
    let campaigns = std::iter::once(&options.campaign)
        .chain(&options.more_campaigns)
        .map(|toml| Campaign::from_toml_str(toml).expect("test campaign parses"))
        .collect();
    let data = tempfile::tempdir().unwrap();
    let database = options
        .database
        .unwrap_or_else(|| Database::Sqlite(data.path().join("fairline.sqlite3")));
    let state = AppState::start_campaigns(
        campaigns,
        options.secrets_dir.as_deref().unwrap_or(data.path()),
        &database,
        options
            .clock
            .unwrap_or_else(|| ManualClock::new(options.at))
            .into(),
        options.tuning,
    )
    .await
    .expect("server state starts");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let router = match &options.static_dir {
        Some(dir) => fairline_server::app_with_static(state.clone(), dir).expect("static folder"),
        None => fairline_server::app(state.clone()),
    };
    tokio::spawn(fairline_server::serve(
        listener,
        router,
        std::future::pending(),
    ));
    TestApp {
        base: format!("http://{addr}"),
        client: reqwest::Client::new(),
        state,
        data,
    }
}

/// An eligible person (born 1965) with a distinct mobile number.
pub fn person(n: u32) -> PersonInput {
    PersonInput {
        name: "Kim Minjun".into(),
        birth_date: "1965-03-04".into(),
        mobile: format!("010-{:04}-{:04}", 1000 + n / 10_000, n % 10_000),
        resident_number_front: None,
    }
}

impl TestApp {
    /// `{base}{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `GET url` read as JSON.
    pub async fn get_json<T: serde::de::DeserializeOwned>(&self, url: &str) -> T {
        let response = self.client.get(url).send().await.unwrap();
        assert!(
            response.status().is_success(),
            "GET {url}: {}",
            response.status()
        );
        response.json().await.unwrap()
    }

    /// `GET url` read as text (whatever the status).
    pub async fn get_text(&self, url: &str) -> String {
        let response = self.client.get(url).send().await.unwrap();
        response.text().await.unwrap()
    }

    /// The campaign path prefix.
    pub fn campaign_url(&self, rest: &str) -> String {
        self.url(&format!("/v1/campaigns/kr-covid19-2021-07{rest}"))
    }

    /// Joins and returns the response.
    pub async fn join(&self, person: &PersonInput) -> reqwest::Response {
        self.client
            .post(self.campaign_url("/queue"))
            .json(person)
            .send()
            .await
            .unwrap()
    }

    /// Joins and expects a ticket.
    pub async fn joined(&self, person: &PersonInput) -> JoinResponse {
        let response = self.join(person).await;
        assert_eq!(
            response.status(),
            200,
            "join: {}",
            response.text().await.unwrap()
        );
        response.json().await.unwrap()
    }

    /// The queue state.
    pub async fn queue_state(&self) -> QueueState {
        self.get_json(&self.campaign_url("/queue/state")).await
    }

    /// Asks for admission with a ticket.
    pub async fn admit(&self, joined: &JoinResponse) -> reqwest::Response {
        self.client
            .post(self.campaign_url("/queue/admit"))
            .json(&AdmitRequest {
                ticket: joined.ticket.clone(),
            })
            .send()
            .await
            .unwrap()
    }

    /// Moves the server's clock forward by `by` and lets admission step for it.
    pub async fn advance(&self, by: Duration) {
        self.state.advance_clock(by).await.expect("admission steps");
    }

    /// Joins, advances the clock until the turn comes, and returns the admission token.
    pub async fn admitted(&self, person: &PersonInput) -> (JoinResponse, String) {
        let joined = self.joined(person).await;
        for _ in 0..200 {
            let response = self.admit(&joined).await;
            if response.status() == 200 {
                let admitted: AdmitResponse = response.json().await.unwrap();
                return (joined, token::encode(&admitted.admission));
            }
            self.advance(ADMISSION_STEP).await;
        }
        panic!("never admitted");
    }

    /// Books `SLOT` at Gangnam with `token` and `key`.
    pub async fn book(&self, person: &PersonInput, token: &str, key: &str) -> reqwest::Response {
        self.book_request(
            &BookingRequest {
                person: person.clone(),
                site_id: "seoul-gangnam".into(),
                starts_at: SLOT,
            },
            token,
            key,
        )
        .await
    }

    /// Sends a booking request.
    pub async fn book_request(
        &self,
        request: &BookingRequest,
        token: &str,
        key: &str,
    ) -> reqwest::Response {
        self.client
            .post(self.campaign_url("/bookings"))
            .bearer_auth(token)
            .header("Idempotency-Key", key)
            .json(request)
            .send()
            .await
            .unwrap()
    }

    /// Remaining places in `SLOT`.
    pub async fn remaining_in_slot(&self) -> u32 {
        let day: DayAvailability = self
            .get_json(&self.campaign_url("/sites/seoul-gangnam/days/2021-07-26"))
            .await;
        day.slots
            .iter()
            .find(|slot| slot.starts_at == SLOT)
            .unwrap()
            .remaining
    }
}

/// Reads a receipt.
pub async fn receipt(response: reqwest::Response) -> BookingReceipt {
    response.json().await.unwrap()
}

/// The shipped Korean campaign's file.
pub const KR_CAMPAIGN_FILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../campaigns/kr-covid19-2021-07.toml"
);

/// Starts the built server as `serve --campaign KR_CAMPAIGN_FILE --listen 127.0.0.1:0 --data
/// DATA --rehearse-at <during the opening> --join-burst 100000 --join-concurrency 4096` (the
/// last two unless `more` names them) plus `more` arguments, and waits for its `listening on`
/// line: the process (killed when dropped) and its base URL.
pub async fn start_server(
    data: &std::path::Path,
    more: &[&str],
) -> (tokio::process::Child, String) {
    start_server_with(std::path::Path::new(KR_CAMPAIGN_FILE), data, more).await
}

/// [`start_server`] with another campaign file.
pub async fn start_server_with(
    campaign: &std::path::Path,
    data: &std::path::Path,
    more: &[&str],
) -> (tokio::process::Child, String) {
    use tokio::io::AsyncBufReadExt;
    let mut child = tokio::process::Command::new(server_binary())
        .arg("serve")
        .arg("--campaign")
        .arg(campaign)
        .args(["--listen", "127.0.0.1:0", "--data"])
        .arg(data)
        .args(
            ["--rehearse-at", "2021-07-12T20:30:00+09:00"]
                .into_iter()
                .filter(|_| !more.contains(&"--rehearse-at")),
        )
        .args(
            ["--join-burst", "100000"]
                .into_iter()
                .filter(|_| !more.contains(&"--join-burst")),
        )
        .args(
            ["--join-concurrency", "4096"]
                .into_iter()
                .filter(|_| !more.contains(&"--join-concurrency")),
        )
        .args(more)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("server starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    while let Some(line) = lines.next_line().await.unwrap() {
        if let Some(address) = line.strip_prefix("listening on ") {
            let base = address.trim().to_owned();
            tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
            return (child, base);
        }
    }
    panic!("server exited before listening");
}

/// Path of the built server binary.
pub fn server_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_fairline-server"))
}

/// Checks a rush's answers, each `(admission id, (status, body))`: every acknowledged booking is
/// on its own admission, given once and stored in `store`; every other answer is `slot_full`; and
/// exactly `places` were booked.
pub async fn check_rush(
    outcomes: &[(String, (u16, String))],
    store: &fairline_server::store::Store,
    places: u32,
) {
    let mut references = std::collections::HashSet::new();
    let mut full = 0;
    for (admission_id, (status, body)) in outcomes {
        match status {
            200 | 201 => {
                let booked: BookingReceipt = serde_json::from_str(body).unwrap();
                assert_eq!(&booked.booking.admission_id, admission_id, "traceable");
                assert!(
                    references.insert(booked.booking.reference.clone()),
                    "one each"
                );
                let stored = store.booking(&booked.booking.reference).await.unwrap();
                assert_eq!(stored, Some(booked.booking), "acknowledged is stored");
            }
            409 if body.contains("slot_full") => full += 1,
            _ => panic!("unexpected {status}: {body}"),
        }
    }
    let places = usize::try_from(places).unwrap();
    assert_eq!(references.len(), places);
    assert_eq!(full, outcomes.len() - places);
}

/// Stops `child` as its program asks (`signal`, e.g. `-TERM`), waiting up to `grace` before
/// killing it.
pub fn stop_child(child: &mut std::process::Child, signal: &str, grace: Duration) {
    let _ = std::process::Command::new("kill")
        .args([signal, &child.id().to_string()])
        .stderr(std::process::Stdio::null())
        .status();
    let deadline = std::time::Instant::now() + grace;
    while !matches!(child.try_wait(), Ok(Some(_))) && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
}
