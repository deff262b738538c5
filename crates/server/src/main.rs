//! `fairline-server`: the command line. `serve` runs the waiting room and booking API (and the
//! built widget); `check` prints what citizens will see for a campaign file and its findings.
//!
//! Run the demo with `cargo xtask demo`, or by hand:
//! `fairline-server serve --campaign campaigns/kr-covid19-2021-07.toml --static dist`.

use std::{path::PathBuf, process::ExitCode};

use clap::{Parser, Subcommand};
use fairline_server::cli::ServeOptions;

#[derive(Parser)]
#[command(
    name = "fairline-server",
    version,
    about = "Fairline waiting room and booking server"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (and the built widget, with --static) for one campaign.
    Serve(Box<ServeOptions>),
    /// Check a campaign file: print the cohort × day table and every finding.
    Check {
        /// The campaign file (TOML).
        file: PathBuf,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Check { file } => fairline_server::cli::check(&file),
        Command::Serve(options) => {
            fairline_server::telemetry::init();
            let runtime = match tokio::runtime::Runtime::new() {
                Ok(runtime) => runtime,
                Err(e) => {
                    eprintln!("error: cannot start the async runtime: {e}");
                    return ExitCode::FAILURE;
                }
            };
            match runtime.block_on(fairline_server::cli::serve(*options)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e:#}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}
