//! A deployment as `cargo xtask cluster` runs it, for tests: a throwaway PostgreSQL
//! ([`super::postgres`]), N real `fairline-server serve --database postgres://… --trusted-proxy
//! 127.0.0.1` processes sharing one data folder (the first generates the secrets, the others read
//! them) and nginx ([`super::nginx`], the shipped `deploy/nginx.conf`) in front. Everything is
//! stopped on drop; an instance may be killed with SIGKILL on the way.

use std::{
    sync::Mutex,
    time::{Duration, Instant},
};

use time::format_description::well_known::Rfc3339;

use tokio::process::Child;

use super::{
    nginx::TestNginx, postgres::TestPostgres, start_server_with, DURING_OPENING, KR_CAMPAIGN,
};

/// The shipped Korean campaign's id.
pub const CAMPAIGN: &str = "kr-covid19-2021-07";

/// One `fairline-server` process.
pub struct Instance {
    /// The process (killed on drop); None once killed.
    pub child: Mutex<Option<Child>>,
    /// `http://127.0.0.1:PORT`, its own address (not through nginx).
    pub base: String,
}

/// PostgreSQL, the instances and nginx.
pub struct TestCluster {
    // Dropped in this order: nginx, then the instances, then PostgreSQL and the folders.
    /// nginx in front of every instance.
    pub nginx: TestNginx,
    /// The instances, in start order.
    pub instances: Vec<Instance>,
    /// The database the instances share.
    pub database: String,
    /// The database server.
    pub postgres: TestPostgres,
    folder: tempfile::TempDir,
}

impl TestCluster {
    /// `count` instances of the shipped campaign with the Gangnam 26 July 09:00 slot holding
    /// `places`, started with `more` arguments (an admission rate, say), behind nginx.
    pub async fn start(count: usize, places: u32, more: &[&str]) -> Self {
        let postgres = TestPostgres::start_or_fail();
        let database = postgres.create_database("cluster").await;
        let folder = tempfile::tempdir().unwrap();
        let campaign = folder.path().join("campaign.toml");
        let text = KR_CAMPAIGN.replacen(
            "{ starts = \"09:00\", minutes = 30, capacity = 40 }",
            &format!("{{ starts = \"09:00\", minutes = 30, capacity = {places} }}"),
            1,
        );
        std::fs::write(&campaign, text).unwrap();
        let data = folder.path().join("data");
        std::fs::create_dir(&data).unwrap();
        let mut instances = Vec::new();
        let first_started = Instant::now();
        // One after another: the first generates the shared secrets, the others read them.
        for _ in 0..count {
            // Rehearsal clocks that agree, as machines' real clocks do: each starts as far past
            // the opening as the first one is by now (the admission lease is timed by them).
            let rehearse_at = (DURING_OPENING + first_started.elapsed())
                .format(&Rfc3339)
                .unwrap();
            let mut args = vec!["--database", &database, "--trusted-proxy", "127.0.0.1"];
            args.extend_from_slice(&["--rehearse-at", &rehearse_at]);
            args.extend_from_slice(more);
            let (child, base) = start_server_with(&campaign, &data, &args).await;
            instances.push(Instance {
                child: Mutex::new(Some(child)),
                base,
            });
        }
        let upstreams: Vec<String> = instances.iter().map(|i| i.base.clone()).collect();
        let nginx = TestNginx::start_or_fail(&upstreams);
        Self {
            nginx,
            instances,
            database,
            postgres,
            folder,
        }
    }

    /// `{nginx}/v1/campaigns/CAMPAIGN{rest}`.
    pub fn campaign_url(&self, rest: &str) -> String {
        self.nginx.url(&format!("/v1/campaigns/{CAMPAIGN}{rest}"))
    }

    /// Kills instance `at` with SIGKILL and waits for it to be gone.
    pub async fn kill(&self, at: usize) {
        let child = self.instances[at]
            .child
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some(mut child) = child {
            child.start_kill().unwrap();
            let _ = tokio::time::timeout(Duration::from_secs(10), child.wait()).await;
        }
    }

    /// The data folder the instances share (secrets).
    pub fn data(&self) -> std::path::PathBuf {
        self.folder.path().join("data")
    }
}

/// The value of the unlabelled counter `name` in an instance's `/metrics`, None when the instance
/// does not answer.
pub async fn counter(client: &reqwest::Client, base: &str, name: &str) -> Option<u64> {
    let text = client
        .get(format!("{base}/metrics"))
        .send()
        .await
        .ok()?
        .text()
        .await
        .ok()?;
    metric(&text, name)
}

/// `name VALUE` (or `name{labels} VALUE` for `name{labels}`) in exposition text.
pub fn metric(text: &str, name: &str) -> Option<u64> {
    text.lines().find_map(|line| {
        let value = line.strip_prefix(name)?.strip_prefix(' ')?;
        value.trim().parse::<f64>().ok().map(|v| v as u64)
    })
}

/// Whether the instance at `base` holds the campaign's admission lease now.
pub async fn leads(client: &reqwest::Client, base: &str) -> bool {
    let name = format!("fairline_admission_leader{{campaign=\"{CAMPAIGN}\"}}");
    counter(client, base, &name).await == Some(1)
}

/// `admitted_through` as the instance at `base` serves it (None when it does not answer).
pub async fn admitted_through(client: &reqwest::Client, base: &str) -> Option<u64> {
    let name = format!("fairline_admitted_through{{campaign=\"{CAMPAIGN}\"}}");
    counter(client, base, &name).await
}
