//! The `serve` and `check` commands behind `main.rs`, kept here so tests can call them.

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
    process::ExitCode,
    time::Duration,
};

use anyhow::{bail, Context};
use fairline_check::check_campaign;
use fairline_core::campaign::Campaign;
use time::{format_description::well_known::Rfc3339, OffsetDateTime};

use crate::{clock::ServerClock, config::Tuning, store::Database};

/// What `fairline-server serve` was asked to do: its command-line options.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeOptions {
    /// A campaign file (TOML), or a folder whose `*.toml` files are campaigns; repeatable. Each
    /// campaign keeps its own queue, admission and secrets; the first is the default (the
    /// static pages name it).
    #[arg(long, value_name = "FILE|DIR", required = true)]
    pub campaign: Vec<PathBuf>,
    /// Address to listen on; port 0 picks a free port (the bound address is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Folder of the built widget to serve at `/`.
    #[arg(long = "static", value_name = "DIR")]
    pub static_dir: Option<PathBuf>,
    /// Folder for the database and generated secrets (created if missing).
    #[arg(long = "data", value_name = "DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// Keep the state in this PostgreSQL database (`postgres://USER@HOST:PORT/DB`) instead of
    /// the SQLite file in `--data`; several instances may share it.
    #[arg(long = "database", value_name = "URL", value_parser = Database::postgres_url)]
    pub database: Option<Database>,
    /// Rehearse: run the server clock as if it were this RFC 3339 instant, ticking on.
    #[arg(long = "rehearse-at", value_name = "INSTANT", value_parser = rfc3339_instant)]
    pub rehearse_at: Option<OffsetDateTime>,
    /// Admission, overload and embedding settings.
    #[command(flatten)]
    pub tuning: Tuning,
}

fn rfc3339_instant(text: &str) -> Result<OffsetDateTime, String> {
    OffsetDateTime::parse(text, &Rfc3339).map_err(|_| format!("{text} is not an RFC 3339 instant"))
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

/// The campaign files `--campaign` names: each file as given, each folder's `*.toml` files in
/// name order.
pub fn campaign_files(given: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in given {
        if !path.is_dir() {
            files.push(path.clone());
            continue;
        }
        let mut in_folder: Vec<PathBuf> = std::fs::read_dir(path)
            .with_context(|| format!("cannot read campaign folder {}", path.display()))?
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .filter(|file| file.extension().is_some_and(|ext| ext == "toml"))
            .collect();
        if in_folder.is_empty() {
            bail!("campaign folder {} holds no .toml file", path.display());
        }
        in_folder.sort();
        files.extend(in_folder);
    }
    Ok(files)
}

/// Loads and checks every campaign `--campaign` names, refusing any that fails its check.
pub fn load_checked_campaigns(given: &[PathBuf]) -> anyhow::Result<Vec<Campaign>> {
    let mut campaigns = Vec::new();
    for file in campaign_files(given)? {
        let campaign = load_campaign(&file)?;
        let report = check_campaign(&campaign);
        if !report.passes() {
            eprint!("{}", report.render());
            bail!(
                "campaign {} fails its check; run `fairline-server check {}`",
                campaign.id,
                file.display()
            );
        }
        campaigns.push(campaign);
    }
    Ok(campaigns)
}

/// `fairline-server serve`: checks the campaigns (refusing any that fails), opens the store,
/// binds, prints `listening on http://ADDR`, serves until Ctrl-C or SIGTERM.
pub async fn serve(options: ServeOptions) -> anyhow::Result<()> {
    let campaigns = load_checked_campaigns(&options.campaign)?;
    let clock = match options.rehearse_at {
        Some(instant) => {
            println!("rehearsal: the server clock starts at {instant}");
            ServerClock::rehearsing_from(instant)
        }
        None => ServerClock::real(),
    };
    let database = options
        .database
        .clone()
        .unwrap_or_else(|| Database::Sqlite(options.data_dir.join("fairline.sqlite3")));
    let state = crate::AppState::start_campaigns(
        campaigns,
        &options.data_dir,
        &database,
        clock,
        options.tuning,
    )
    .await?;
    let router = match &options.static_dir {
        Some(dir) => crate::app_with_static(state, dir)?,
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

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::ServeOptions;
    use crate::store::{Database, JoinCommit};

    #[derive(Parser)]
    struct Serve {
        #[command(flatten)]
        options: ServeOptions,
    }

    #[test]
    fn every_documented_serve_option_parses() {
        let Serve { options } = Serve::try_parse_from([
            "serve",
            "--campaign",
            "campaigns/example.toml",
            "--campaign",
            "more-campaigns",
            "--listen",
            "127.0.0.1:0",
            "--data",
            "scratch",
            "--static",
            "dist",
            "--rehearse-at",
            "2021-07-12T19:59:00+09:00",
            "--database",
            "postgres://fairline@127.0.0.1:5432/fairline",
            "--admit-rate",
            "12.5",
            "--max-active",
            "40",
            "--allow-origin",
            "http://a.localhost",
            "--allow-origin",
            "http://b.localhost",
            "--trusted-proxy",
            "10.0.0.1",
            "--join-burst",
            "3",
            "--join-concurrency",
            "7",
            "--join-batch",
            "off",
        ])
        .unwrap();
        assert_eq!(options.campaign.len(), 2);
        assert_eq!(options.data_dir.to_str(), Some("scratch"));
        assert!(options.static_dir.is_some() && options.rehearse_at.is_some());
        assert!(matches!(options.database, Some(Database::Postgres(_))));
        let tuning = options.tuning;
        assert_eq!(tuning.admit_rate_per_s, 12.5);
        assert_eq!(tuning.max_active_admissions, 40);
        assert_eq!(tuning.allowed_origins.len(), 2);
        assert!(tuning.trusted_proxy.is_some());
        assert_eq!((tuning.join_burst, tuning.join_concurrency), (3, 7));
        assert_eq!(tuning.join_commit, JoinCommit::OnePerJoin);
        let defaults = Serve::try_parse_from(["serve", "--campaign", "c"]).unwrap();
        assert_eq!(defaults.options.tuning.join_commit, JoinCommit::Grouped);
        assert!(
            Serve::try_parse_from(["serve", "--campaign", "c", "--rehearse-at", "soon"]).is_err()
        );
        let not_postgres = [
            "serve",
            "--campaign",
            "c",
            "--database",
            "mysql://db/fairline",
        ];
        assert!(Serve::try_parse_from(not_postgres).is_err());
    }
}
