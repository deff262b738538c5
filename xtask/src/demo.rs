//! `cargo xtask demo`: set up, build the widget in release, and serve the demo campaign with the
//! widget on http://127.0.0.1:8080 (SQLite data and generated secrets under `data/`), in a
//! rehearsal of the July 2021 opening that starts a minute before it; and a partner's page on a
//! second origin, http://127.0.0.1:8081 (`xtask/partner-demo/`, served by Python's `http.server`),
//! embedding the widget as `<fairline-booking>` and as an iframe.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use crate::{
    run::{self, command, repo_root},
    setup, stages,
};

/// The campaign the demo serves.
const DEMO_CAMPAIGN: &str = "campaigns/kr-covid19-2021-07.toml";
/// The demo rehearses that campaign's opening (2021-07-12 20:00 +09:00): its clock starts a
/// minute before, so a visitor sees the pre-queue, the fair draw and the opening.
const DEMO_REHEARSE_AT: &str = "2021-07-12T19:59:00+09:00";

/// Builds and serves until Ctrl-C.
pub fn run() -> Result<(), String> {
    build()?;
    let mut partner = command("python3")
        .args([
            "-m",
            "http.server",
            PARTNER_PORT,
            "--bind",
            "127.0.0.1",
            "--directory",
        ])
        .arg(repo_root().join("xtask/partner-demo"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| {
            format!("the partner page's server (python3 -m http.server) could not start: {e}")
        })?;
    println!(
        "\nFairline demo: open http://127.0.0.1:8080, and a partner's page embedding it on \
         http://127.0.0.1:{PARTNER_PORT} (Ctrl-C stops both)\n"
    );
    let served = run::status(
        server_command("127.0.0.1:8080", Path::new("data"), DEMO_REHEARSE_AT).args([
            "--allow-origin",
            &format!("http://127.0.0.1:{PARTNER_PORT}"),
        ]),
    );
    let _ = partner.kill();
    let _ = partner.wait();
    served
}

/// The partner page's port (another origin than the widget's 8080).
const PARTNER_PORT: &str = "8081";

/// Installs what is missing, then builds what the demo serves: the widget in release (`dist/`)
/// and the server with the `server` profile.
pub fn build() -> Result<(), String> {
    setup::ensure_all()?;
    stages::build_widget_release()?;
    run::status(command("cargo").args(["build", "--profile", "server", "-p", "fairline-server"]))
}

/// The `server` profile's fairline-server (under `CARGO_TARGET_DIR` when that is set).
pub fn server_binary() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target"));
    repo_root()
        .join(target)
        .join("server")
        .join("fairline-server")
}

/// `fairline-server serve` for the demo campaign and the widget in `dist/`, listening on `listen`,
/// with its SQLite store and secrets in `data`, its clock rehearsing from `rehearse_at`.
pub fn server_command(listen: &str, data: &Path, rehearse_at: &str) -> Command {
    let mut server = command(&server_binary().to_string_lossy());
    server
        .args(["serve", "--campaign", DEMO_CAMPAIGN, "--listen", listen])
        .args(["--static", "dist", "--data"])
        .arg(data)
        .args(["--rehearse-at", rehearse_at]);
    server
}
