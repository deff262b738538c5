//! `fairline-server`: the command line. `serve` runs the waiting room and booking API (and the
//! built widget); `check` prints what citizens will see for a campaign file and its findings.
//!
//! Run the demo with `cargo xtask demo`, or by hand:
//! `fairline-server serve --campaign campaigns/kr-covid19-2021-07.toml --static dist`.

use std::{
    net::{IpAddr, SocketAddr},
    path::PathBuf,
    process::ExitCode,
};

use clap::{Parser, Subcommand};

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
    Serve {
        /// The campaign file (TOML).
        #[arg(long)]
        campaign: PathBuf,
        /// Address to listen on; port 0 picks a free port (the bound address is printed).
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Folder of the built widget to serve at `/`.
        #[arg(long = "static")]
        static_dir: Option<PathBuf>,
        /// Folder for the database and generated secrets (created if missing).
        #[arg(long, default_value = "data")]
        data: PathBuf,
        /// Rehearse: run the server clock as if it were this RFC 3339 instant, ticking on.
        #[arg(long)]
        rehearse_at: Option<String>,
        /// Admissions per second.
        #[arg(long, default_value_t = 5.0)]
        admit_rate: f64,
        /// At most this many admitted, unfinished sessions.
        #[arg(long, default_value_t = 500)]
        max_active: u32,
        /// A partner origin allowed to call the API from a browser (repeatable).
        #[arg(long = "allow-origin")]
        allowed_origins: Vec<String>,
        /// Trust `X-Forwarded-For` from this proxy address only.
        #[arg(long)]
        trusted_proxy: Option<IpAddr>,
        /// Joins one client may burst before 429.
        #[arg(long, default_value_t = 10)]
        join_burst: u32,
        /// Concurrent joins before 503.
        #[arg(long, default_value_t = 128)]
        join_concurrency: usize,
    },
    /// Check a campaign file: print the cohort × day table and every finding.
    Check {
        /// The campaign file (TOML).
        file: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { file } => fairline_server::cli::check(&file),
        Command::Serve {
            campaign,
            listen,
            static_dir,
            data,
            rehearse_at,
            admit_rate,
            max_active,
            allowed_origins,
            trusted_proxy,
            join_burst,
            join_concurrency,
        } => {
            fairline_server::telemetry::init();
            let runtime = match tokio::runtime::Runtime::new() {
                Ok(runtime) => runtime,
                Err(e) => {
                    eprintln!("error: cannot start the async runtime: {e}");
                    return ExitCode::FAILURE;
                }
            };
            let options = fairline_server::cli::ServeOptions {
                campaign,
                listen,
                static_dir,
                data_dir: data,
                rehearse_at,
                admit_rate,
                max_active,
                allowed_origins,
                trusted_proxy,
                join_burst,
                join_concurrency,
            };
            match runtime.block_on(fairline_server::cli::serve(options)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e:#}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}
