//! `cargo xtask demo`: set up, build the widget in release, and serve the demo campaign with the
//! widget on http://127.0.0.1:8080 (SQLite data and generated secrets under `data/`), in a
//! rehearsal of the July 2021 opening that starts a minute before it.

use crate::{
    run::{self, command},
    setup, stages,
};

/// The campaign the demo serves.
const DEMO_CAMPAIGN: &str = "campaigns/kr-covid19-2021-07.toml";
/// The demo rehearses that campaign's opening (2021-07-12 20:00 +09:00): its clock starts a
/// minute before, so a visitor sees the pre-queue, the fair draw and the opening.
const DEMO_REHEARSE_AT: &str = "2021-07-12T19:59:00+09:00";

/// Builds and serves until Ctrl-C.
pub fn run() -> Result<(), String> {
    setup::ensure_all()?;
    stages::build_widget_release()?;
    run::status(command("cargo").args(["build", "--profile", "server", "-p", "fairline-server"]))?;
    println!("\nFairline demo: open http://127.0.0.1:8080 (Ctrl-C stops it)\n");
    run::status(command("target/server/fairline-server").args([
        "serve",
        "--campaign",
        DEMO_CAMPAIGN,
        "--listen",
        "127.0.0.1:8080",
        "--static",
        "dist",
        "--data",
        "data",
        "--rehearse-at",
        DEMO_REHEARSE_AT,
    ]))
}
