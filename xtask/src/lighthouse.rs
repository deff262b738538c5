//! `cargo xtask lighthouse [--runs N] [--no-build]`: Lighthouse 12's mobile preset (simulated throttling)
//! against the demo, at the check step and at the wait step (reloaded with a held ticket), the
//! median of three runs each (issue 11).
//!
//! Builds as `cargo xtask demo` does, starts the demo server on a free loopback port with a
//! throwaway data folder under `target/lighthouse/`, waits for `GET /v1/health`, runs
//! `xtask/lighthouse/run.mjs` (Debian Chromium, headless) against it and always stops the server.
//! The table is printed; `target/lighthouse/` gets `summary.json` and each situation's last report.
//! `--no-build` skips the widget and server builds and measures what is already built.

use std::{
    io::{Read, Write},
    net::{TcpListener, TcpStream},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use crate::{
    demo,
    run::{self, command, repo_root},
    setup,
};

/// Where the reports, the summary and the server's throwaway data go.
const OUT_DIR: &str = "target/lighthouse";
/// The rehearsal starts half an hour before the 20:00 opening, so the wait step (the fair
/// pre-queue) lasts through every run: after the opening a lone ticket is admitted at once.
const REHEARSE_AT: &str = "2021-07-12T19:30:00+09:00";
/// How long the server may take to answer its health check.
const START_PATIENCE: Duration = Duration::from_secs(30);

/// Builds, serves on loopback, measures, stops the server. `--no-build` measures `dist/` and the
/// server binary as they are (after setup); other arguments (`--runs N`) go to the node script.
pub fn run(args: &[String]) -> Result<(), String> {
    let no_build = args.iter().any(|arg| arg == "--no-build");
    let args: Vec<&String> = args.iter().filter(|arg| *arg != "--no-build").collect();
    if no_build {
        setup::ensure_all()?;
        for built in [repo_root().join("dist/index.html"), demo::server_binary()] {
            if !built.is_file() {
                return Err(format!("--no-build: {} is missing", built.display()));
            }
        }
    } else {
        demo::build()?;
    }
    let out = repo_root().join(OUT_DIR);
    let data = out.join("server-data");
    if data.exists() {
        std::fs::remove_dir_all(&data)
            .map_err(|e| format!("cannot clear {}: {e}", data.display()))?;
    }
    std::fs::create_dir_all(&data).map_err(|e| format!("cannot create {}: {e}", data.display()))?;
    let port = free_loopback_port()?;
    let listen = format!("127.0.0.1:{port}");
    let mut server = demo::server_command(&listen, &data, REHEARSE_AT);
    server.env("RUST_LOG", "warn").stdout(Stdio::null());
    println!("$ {}", run::describe(&server));
    let child = server
        .spawn()
        .map_err(|e| format!("fairline-server could not start: {e}"))?;
    let mut guard = Server { child };
    let base = format!("http://{listen}");
    let measured = wait_for_health(&listen, &mut guard).and_then(|()| {
        println!("started: fairline-server on {base} (rehearsing from {REHEARSE_AT})");
        run::status(
            command("node")
                .arg("xtask/lighthouse/run.mjs")
                .arg(format!("{base}/"))
                .args(args),
        )
    });
    drop(guard);
    let _ = std::fs::remove_dir_all(&data);
    measured
}

/// The running server, stopped on drop: SIGTERM, then SIGKILL after five seconds.
struct Server {
    child: Child,
}

impl Drop for Server {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(Some(_))) {
            return;
        }
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                println!("stopped: fairline-server");
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        println!("killed: fairline-server (did not stop on SIGTERM)");
    }
}

/// A free port on 127.0.0.1 (bound, then released for the server to take).
fn free_loopback_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .map_err(|e| format!("no free loopback port: {e}"))
}

/// Polls `GET /v1/health` on `authority` until it answers 200 or [`START_PATIENCE`] passes.
fn wait_for_health(authority: &str, server: &mut Server) -> Result<(), String> {
    let deadline = Instant::now() + START_PATIENCE;
    loop {
        if health_answers(authority) {
            return Ok(());
        }
        if let Ok(Some(status)) = server.child.try_wait() {
            return Err(format!("fairline-server exited ({status})"));
        }
        if Instant::now() > deadline {
            return Err(format!(
                "fairline-server did not answer http://{authority}/v1/health"
            ));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Whether `GET /v1/health` on `authority` answers 200.
fn health_answers(authority: &str) -> bool {
    let Ok(mut stream) = TcpStream::connect(authority) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let request = format!(
        "GET /v1/health HTTP/1.1\r\nHost: {authority}\r\nAccept: application/json\r\n\
         Connection: close\r\n\r\n"
    );
    let mut answer = Vec::new();
    stream.write_all(request.as_bytes()).is_ok()
        && stream.read_to_end(&mut answer).is_ok()
        && answer.starts_with(b"HTTP/1.1 200")
}
