//! The `serve` and `check` commands behind `main.rs`, kept here so tests can call them.

use std::{
    net::{IpAddr, SocketAddr},
    path::{Path, PathBuf},
    process::ExitCode,
    time::Duration,
};

use anyhow::{bail, Context};
use fairline_core::{campaign::Campaign, check::check_campaign};
use time::{format_description::well_known::Rfc3339, OffsetDateTime};

use crate::{clock::ServerClock, config::Tuning};

/// What `fairline-server serve` was asked to do.
pub struct ServeOptions {
    /// The campaign file.
    pub campaign: PathBuf,
    /// Where to listen.
    pub listen: SocketAddr,
    /// The built widget, if it is to be served.
    pub static_dir: Option<PathBuf>,
    /// Folder for the database and generated secrets.
    pub data_dir: PathBuf,
    /// Run the clock as if it were this instant (RFC 3339), ticking on.
    pub rehearse_at: Option<String>,
    /// Admissions per second.
    pub admit_rate: f64,
    /// Cap of claimed, unfinished admissions.
    pub max_active: u32,
    /// Partner origins allowed to call the API from browsers.
    pub allowed_origins: Vec<String>,
    /// A proxy whose `X-Forwarded-For` is trusted.
    pub trusted_proxy: Option<IpAddr>,
    /// Joins a client may burst.
    pub join_burst: u32,
    /// Concurrency bound of joins.
    pub join_concurrency: usize,
}

/// Reads and parses a campaign file, naming the file in any error.
pub fn load_campaign(path: &Path) -> anyhow::Result<Campaign> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read campaign file {}", path.display()))?;
    Campaign::from_toml_str(&text)
        .with_context(|| format!("campaign file {} is not valid", path.display()))
}

/// `fairline-server check FILE`: prints the cohort × day table and every finding; exit 0 when
/// the file is sound, 1 on findings, 2 when it cannot be read.
pub fn check(path: &Path) -> ExitCode {
    let campaign = match load_campaign(path) {
        Ok(campaign) => campaign,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::from(2);
        }
    };
    let report = check_campaign(&campaign);
    print!("{}", report.render());
    if report.passes() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// `fairline-server serve`: checks the campaign (refusing one that fails), opens the store,
/// binds, prints `listening on http://ADDR`, serves until Ctrl-C or SIGTERM.
pub async fn serve(options: ServeOptions) -> anyhow::Result<()> {
    let campaign = load_campaign(&options.campaign)?;
    let report = check_campaign(&campaign);
    if !report.passes() {
        eprint!("{}", report.render());
        bail!(
            "campaign {} fails its check; run `fairline-server check {}`",
            campaign.id,
            options.campaign.display()
        );
    }
    let clock = match &options.rehearse_at {
        Some(instant) => {
            let instant = OffsetDateTime::parse(instant, &Rfc3339)
                .with_context(|| format!("--rehearse-at {instant} is not an RFC 3339 instant"))?;
            println!("rehearsal: the server clock starts at {instant}");
            ServerClock::rehearsing_from(instant)
        }
        None => ServerClock::real(),
    };
    if !(options.admit_rate > 0.0 && options.admit_rate <= 100_000.0) {
        bail!("--admit-rate must be above 0 and at most 100000");
    }
    let tuning = Tuning {
        admit_rate_per_s: options.admit_rate,
        max_active_admissions: options.max_active,
        allowed_origins: options.allowed_origins.clone(),
        trusted_proxy: options.trusted_proxy,
        join_burst: options.join_burst,
        join_concurrency: options.join_concurrency,
        ..Tuning::default()
    };
    let state = crate::AppState::start(campaign, &options.data_dir, clock, tuning).await?;
    let router = match &options.static_dir {
        Some(dir) => crate::app_with_static(state, dir),
        None => crate::app(state),
    };
    let listener = tokio::net::TcpListener::bind(options.listen)
        .await
        .with_context(|| format!("cannot listen on {}", options.listen))?;
    let addr = listener.local_addr()?;
    println!("listening on http://{addr}");
    crate::serve(listener, router, shutdown_signal()).await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    // Give in-flight requests a moment; axum's graceful shutdown waits for them.
    tokio::time::sleep(Duration::from_millis(10)).await;
}
