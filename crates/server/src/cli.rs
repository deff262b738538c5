//! The `serve` and `check` commands behind `main.rs`, kept here so tests can call them.

use std::{net::SocketAddr, path::Path, path::PathBuf, process::ExitCode};

use anyhow::Context;
use fairline_core::campaign::Campaign;

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
}

/// Reads and parses a campaign file, naming the file in any error.
pub fn load_campaign(path: &Path) -> anyhow::Result<Campaign> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read campaign file {}", path.display()))?;
    Campaign::from_toml_str(&text)
        .with_context(|| format!("campaign file {} is not valid", path.display()))
}

/// `fairline-server check FILE`: exit 0 when the file is sound, 1 on findings, 2 when unreadable.
pub fn check(path: &Path) -> ExitCode {
    match load_campaign(path) {
        Ok(campaign) => {
            println!(
                "{}: {} ({})",
                campaign.id, campaign.names.en, campaign.names.ko
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// `fairline-server serve`: binds, prints `listening on http://ADDR`, serves until Ctrl-C.
pub async fn serve(options: ServeOptions) -> anyhow::Result<()> {
    let campaign = load_campaign(&options.campaign)?;
    std::fs::create_dir_all(&options.data_dir)
        .with_context(|| format!("cannot create data folder {}", options.data_dir.display()))?;
    let state = crate::AppState::new(campaign);
    let router = match &options.static_dir {
        Some(dir) => crate::app_with_static(state, dir),
        None => crate::app(state),
    };
    let listener = tokio::net::TcpListener::bind(options.listen)
        .await
        .with_context(|| format!("cannot listen on {}", options.listen))?;
    let addr = listener.local_addr()?;
    println!("listening on http://{addr}");
    axum::serve(listener, router)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
