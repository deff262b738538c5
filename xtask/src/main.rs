//! `cargo xtask …`: Fairline's task runner.
//!
//! - `cargo xtask setup` installs what is missing (and says what is present, with versions).
//! - `cargo xtask demo` sets up, builds the widget in release and serves the demo on
//!   `http://127.0.0.1:8080`.
//! - `cargo xtask test [lint|native|wasm|e2e]…` sets up, then runs every stage (or the named ones),
//!   printing one summary line per stage; it exits non-zero if any stage fails.
//! - `cargo xtask bench [scale]` runs the server and size benchmarks (wrk, nginx, brotli on
//!   loopback), then group commit and several instances on PostgreSQL behind nginx, and writes
//!   them into BENCHMARKS.md (`scale`: only the latter), and the per-instance capacities it
//!   measured into `crates/sim/capacities.toml` for the simulator; it is not part of the test
//!   command.
//! - `cargo xtask cluster [--no-build] [--port PORT]` builds as the demo does, then runs a throwaway
//!   PostgreSQL, three `fairline-server` instances on it and nginx in front (`deploy/nginx.conf`)
//!   on `http://127.0.0.1:8080`; Ctrl-C stops everything it started.
//! - `cargo xtask lighthouse [--runs N] [--no-build]` builds as the demo does and measures it on loopback with
//!   Lighthouse 12 (mobile preset) at the check and wait steps; not part of the test command.

mod bench;
mod bench_scale;
mod capacities;
mod cluster;
mod demo;
mod layers;
mod lighthouse;
mod run;
mod setup;
mod size;
mod stages;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (task, rest) = match args.split_first() {
        Some((task, rest)) => (task.as_str(), rest),
        None => ("help", &[][..]),
    };
    let outcome = match task {
        "setup" => setup::ensure_all(),
        "demo" => demo::run(),
        "test" => stages::run(rest),
        "bench" => bench::run(rest),
        "cluster" => cluster::run(rest),
        "cluster-guard" => cluster::guard(rest),
        "lighthouse" => lighthouse::run(rest),
        _ => {
            eprintln!(
                "usage: cargo xtask <setup | demo | test [lint|native|wasm|e2e]… | bench [scale] | \
                 cluster [--no-build] [--port PORT] | lighthouse [--runs N]>\n\
                 see README.md"
            );
            return ExitCode::from(2);
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}
