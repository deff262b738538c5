//! `cargo xtask bench`: the server and size benchmarks, written into the "Server benchmarks"
//! section of BENCHMARKS.md. Not part of the test command.
//!
//! On loopback only, against a `fairline-server` built with the `server` profile (opt-level 3) (a fresh SQLite store in a temp folder)
//! rehearsing half an hour into the first cohort's window of the July 2021 campaign:
//!
//! - queue-state requests/s beside nginx serving the same JSON as a static file (wrk, same load);
//! - join requests/s (wrk posting distinct eligible people; every join writes a durable row);
//! - durable bookings/s (the server's `booking_load` example) beside `GET /v1/health`;
//! - the widget's first load in brotli beside a bare Leptos counter built by the same toolchain
//!   (`xtask/bench-counter/`).
//!
//! Every number comes with its baseline from the same run; nothing here asserts a time. Every
//! process it starts is stopped when it ends, failed or not.
//!
//! `cargo xtask bench` also runs [`crate::bench_scale`] (group-committed joins beside one
//! transaction per join, and one instance on SQLite, one on PostgreSQL and three on PostgreSQL
//! behind nginx), which writes a section of its own; `cargo xtask bench scale` runs that part
//! alone (it builds no widget).

use std::{
    fmt::Write as _,
    fs,
    io::{BufRead, BufReader, Read, Write},
    net::{TcpListener, TcpStream},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::mpsc,
    time::{Duration, Instant},
};

use crate::{
    run::{self, command, output, repo_root},
    setup,
    size::{first_load_size, FirstLoad},
};

/// Debian packages the benchmarks use.
const BENCH_PACKAGES: [&str; 3] = ["wrk", "nginx", "brotli"];
/// The campaign the server runs.
pub(crate) const CAMPAIGN_FILE: &str = "campaigns/kr-covid19-2021-07.toml";
/// Its id.
pub(crate) const CAMPAIGN_ID: &str = "kr-covid19-2021-07";
/// Half an hour into the first cohort's window (ages 55–59): eligible people join and book.
pub(crate) const REHEARSE_AT: &str = "2021-07-12T20:30:00+09:00";
/// Admission as fast as the server allows and no per-client join limit: the load comes from one
/// address, and what is measured is the work of a request, not the waiting room's pacing.
pub(crate) const SERVER_TUNING: [&str; 8] = [
    "--admit-rate",
    "100000",
    "--max-active",
    "100000",
    "--join-burst",
    "100000000",
    "--join-concurrency",
    "4096",
];
/// The same wrk load for every run: threads, connections, duration.
pub(crate) const WRK_LOAD: [&str; 3] = ["-t2", "-c64", "-d10s"];
/// Bookings made by the booking load (and health requests in its baseline).
pub(crate) const BOOKINGS: u32 = 4000;
/// The wrk script of the join load.
pub(crate) const JOIN_SCRIPT: &str = include_str!("bench_join.lua");
/// The bare Leptos counter, relative to the repository root.
const COUNTER_DIR: &str = "xtask/bench-counter";
/// Where the bench builds into, relative to the repository root (inside `target/`).
const BENCH_TARGET: &str = "target/bench";
/// How long a started server or nginx may take to answer.
pub(crate) const START_PATIENCE: Duration = Duration::from_secs(30);

/// `cargo xtask bench [scale]`: every benchmark, or (`scale`) only [`crate::bench_scale`].
pub fn run(args: &[String]) -> Result<(), String> {
    match args {
        [] => {
            run_server_and_size()?;
            crate::bench_scale::run()
        }
        [part] if part == "scale" => crate::bench_scale::run(),
        _ => Err("usage: cargo xtask bench [scale]".to_owned()),
    }
}

/// Builds fairline-server and its `booking_load` example with the `server` profile.
pub(crate) fn build_server_and_load() -> Result<(), String> {
    run::status(command("cargo").args(["build", "--profile", "server", "-p", "fairline-server"]))?;
    run::status(command("cargo").args([
        "build",
        "--profile",
        "server",
        "-p",
        "fairline-server",
        "--example",
        "booking_load",
    ]))
}

/// Runs the server and size benchmarks, prints the table and, when all of them ran, writes
/// BENCHMARKS.md.
fn run_server_and_size() -> Result<(), String> {
    setup::ensure_all()?;
    setup::ensure_debian_packages(&BENCH_PACKAGES)?;

    println!("\n== bench: building (server, booking load, widget, counter)");
    build_server_and_load()?;
    let widget_dist = repo_root().join(BENCH_TARGET).join("widget-dist");
    let counter_dist = repo_root().join(BENCH_TARGET).join("counter-dist");
    build_widget(&widget_dist)?;
    build_counter(&counter_dist)?;

    let scratch = Scratch::create()?;
    let results = {
        let server = start_server(&scratch.path)?;
        println!("\n== bench: queue state, fairline-server beside nginx");
        let queue_state = bench_queue_state(&scratch.path, &server.base);
        println!("\n== bench: joins");
        let joins = bench_joins(&scratch.path, &server.base);
        println!("\n== bench: durable bookings");
        let bookings = bench_bookings(&server.base);
        println!("\n== bench: widget first-load size");
        let sizes = first_load_size(&widget_dist)
            .and_then(|widget| Ok((widget, first_load_size(&counter_dist)?)));
        Results {
            queue_state,
            joins,
            bookings,
            sizes,
        }
    };
    drop(scratch);

    let machine = Machine::describe();
    let section = render_section(&results, &machine);
    println!("\n== bench: results\n\n{}", summary_table(&results));
    let failures = results.failures();
    if !failures.is_empty() {
        return Err(format!(
            "{} benchmark(s) failed, BENCHMARKS.md left unchanged: {}",
            failures.len(),
            failures.join("; ")
        ));
    }
    write_section(&section)?;
    println!("written: BENCHMARKS.md (section \"Server benchmarks\")");
    if let Ok(bench) = &results.queue_state {
        crate::capacities::write(&crate::capacities::Measured {
            state_requests_per_s: Some(crate::capacities::Figure {
                value: bench.server.requests_per_s,
                note: format!(
                    "bench {}: queue-state requests of fairline-server itself",
                    machine.date
                ),
            }),
            ..crate::capacities::Measured::default()
        })?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Builds

/// `trunk build --release` of the widget into `dist` (not `dist/`, which the demo and the e2e
/// tests use); wasm-opt comes from npm's binaryen through [`run::tool_path`].
fn build_widget(dist: &Path) -> Result<(), String> {
    run::status(
        command("trunk")
            .args(["build", "--release", "--dist"])
            .arg(dist),
    )
}

/// The bare counter: `cargo fetch` (its Cargo.lock is committed), then the same offline Trunk
/// build as the widget's, into its own target folder.
fn build_counter(dist: &Path) -> Result<(), String> {
    let counter = repo_root().join(COUNTER_DIR);
    run::status(
        command("cargo")
            .current_dir(&counter)
            .args(["fetch", "--quiet"]),
    )?;
    run::status(
        command("trunk")
            .current_dir(&counter)
            .args(["build", "--release", "--dist"])
            .arg(dist)
            .env("CARGO_TARGET_DIR", repo_root().join("target/bench-counter")),
    )
}

// ---------------------------------------------------------------------------------------------
// Processes and the scratch folder

/// A temp folder for the server's data, nginx's files and the wrk script; removed on drop.
pub(crate) struct Scratch {
    pub(crate) path: PathBuf,
}

impl Scratch {
    pub(crate) fn create() -> Result<Self, String> {
        let path = std::env::temp_dir().join(format!("fairline-bench-{}", std::process::id()));
        if path.exists() {
            fs::remove_dir_all(&path)
                .map_err(|e| format!("cannot clear {}: {e}", path.display()))?;
        }
        fs::create_dir_all(&path).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        Ok(Self { path })
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}

/// A started child process, stopped on drop: SIGTERM (nginx's master then stops its workers),
/// then SIGKILL if it is still there after a few seconds.
pub(crate) struct Background {
    pub(crate) name: &'static str,
    pub(crate) child: Child,
}

impl Drop for Background {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(Some(_))) {
            return;
        }
        let pid = self.child.id().to_string();
        let _ = Command::new("kill")
            .args(["-TERM", &pid])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                println!("stopped: {}", self.name);
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        println!("killed: {} (did not stop on SIGTERM)", self.name);
    }
}

/// The server under test, running.
struct RunningServer {
    /// `http://127.0.0.1:PORT`.
    base: String,
    _process: Background,
}

/// Starts `target/server/fairline-server` on a free loopback port with its data in `scratch`.
fn start_server(scratch: &Path) -> Result<RunningServer, String> {
    let data = scratch.join("server-data");
    fs::create_dir_all(&data).map_err(|e| format!("cannot create {}: {e}", data.display()))?;
    let mut server = Command::new(server_binary());
    server.current_dir(repo_root());
    server
        .args([
            "serve",
            "--campaign",
            CAMPAIGN_FILE,
            "--listen",
            "127.0.0.1:0",
        ])
        .arg("--data")
        .arg(&data)
        .args(["--rehearse-at", REHEARSE_AT])
        .args(SERVER_TUNING)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped());
    println!("$ {}", run::describe(&server));
    let mut child = server
        .spawn()
        .map_err(|e| format!("fairline-server could not start: {e}"))?;
    let stdout = child.stdout.take();
    let process = Background {
        name: "fairline-server",
        child,
    };
    let (address_sender, address) = mpsc::channel();
    if let Some(stdout) = stdout {
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                match line.strip_prefix("listening on ") {
                    Some(base) => {
                        let _ = address_sender.send(base.trim().to_owned());
                    }
                    None => println!("server: {line}"),
                }
            }
        });
    }
    let base = address.recv_timeout(START_PATIENCE).map_err(|_| {
        "fairline-server did not print `listening on …` (see its output above)".to_owned()
    })?;
    println!("started: fairline-server on {base}");
    Ok(RunningServer {
        base,
        _process: process,
    })
}

/// Cargo's target folder: `CARGO_TARGET_DIR` (relative to the repository root) or `target/`.
pub(crate) fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| repo_root().join("target"), |dir| repo_root().join(dir))
}

/// The server as `cargo build --profile server` builds it.
pub(crate) fn server_binary() -> PathBuf {
    target_dir().join("server").join("fairline-server")
}

/// A free port on 127.0.0.1 (bound, then released for nginx to take).
pub(crate) fn free_loopback_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .map_err(|e| format!("no free loopback port: {e}"))
}

/// A plain HTTP/1.1 GET of `base` + `path`; the body of a 200 answer.
pub(crate) fn http_get(base: &str, path: &str) -> Result<Vec<u8>, String> {
    let authority = base
        .strip_prefix("http://")
        .ok_or_else(|| format!("{base} is not an http:// address"))?;
    let mut stream = TcpStream::connect(authority).map_err(|e| format!("GET {base}{path}: {e}"))?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .map_err(|e| e.to_string())?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {authority}\r\nAccept: application/json\r\n\
         Connection: close\r\n\r\n"
    )
    .map_err(|e| format!("GET {base}{path}: {e}"))?;
    let mut answer = Vec::new();
    stream
        .read_to_end(&mut answer)
        .map_err(|e| format!("GET {base}{path}: {e}"))?;
    let split = answer
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .ok_or_else(|| format!("GET {base}{path}: no end of headers"))?;
    let head = String::from_utf8_lossy(&answer[..split]).to_ascii_lowercase();
    if !head.starts_with("http/1.1 200") {
        let status = head.lines().next().unwrap_or_default().to_owned();
        return Err(format!("GET {base}{path}: {status}"));
    }
    if head.contains("transfer-encoding: chunked") {
        return Err(format!("GET {base}{path}: a chunked answer (not expected)"));
    }
    Ok(answer[split + 4..].to_vec())
}

/// Polls `base` + `path` until it answers 200 or [`START_PATIENCE`] passes.
pub(crate) fn wait_until_answering(
    base: &str,
    path: &str,
    process: &mut Background,
) -> Result<(), String> {
    let deadline = Instant::now() + START_PATIENCE;
    loop {
        if http_get(base, path).is_ok() {
            return Ok(());
        }
        if let Ok(Some(status)) = process.child.try_wait() {
            return Err(format!("{} exited ({status})", process.name));
        }
        if Instant::now() > deadline {
            return Err(format!("{} did not answer {base}{path}", process.name));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

// ---------------------------------------------------------------------------------------------
// wrk

/// What one wrk run reported.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct WrkReport {
    pub(crate) requests_per_s: f64,
    pub(crate) requests: u64,
    pub(crate) non_success: u64,
    pub(crate) socket_errors: Option<String>,
    pub(crate) latency_p50: String,
    pub(crate) latency_p99: String,
    /// `(status, count)` from the join script's `done`.
    pub(crate) statuses: Vec<(u16, u64)>,
}

/// Runs wrk with [`WRK_LOAD`] against `url` (with a Lua script when given) and reads its report.
pub(crate) fn wrk(url: &str, script: Option<&Path>) -> Result<WrkReport, String> {
    let mut wrk = command("wrk");
    wrk.args(WRK_LOAD).arg("--latency");
    if let Some(script) = script {
        wrk.arg("-s").arg(script);
    }
    wrk.arg(url);
    let report = run::echoed_stdout(&mut wrk, "wrk")?;
    parse_wrk(&report).ok_or_else(|| "wrk printed no Requests/sec".to_owned())
}

/// Reads wrk's report (and the join script's `status N: COUNT` lines).
pub(crate) fn parse_wrk(report: &str) -> Option<WrkReport> {
    let mut parsed = WrkReport::default();
    let mut saw_rate = false;
    for line in report.lines().map(str::trim) {
        if let Some(rate) = line.strip_prefix("Requests/sec:") {
            parsed.requests_per_s = rate.trim().parse().ok()?;
            saw_rate = true;
        } else if let Some(count) = line.strip_prefix("Non-2xx or 3xx responses:") {
            parsed.non_success = count.trim().parse().ok()?;
        } else if let Some(errors) = line.strip_prefix("Socket errors:") {
            parsed.socket_errors = Some(errors.trim().to_owned());
        } else if let Some(latency) = line.strip_prefix("50%") {
            parsed.latency_p50 = latency.trim().to_owned();
        } else if let Some(latency) = line.strip_prefix("99%") {
            parsed.latency_p99 = latency.trim().to_owned();
        } else if let Some((count, _)) = line.split_once(" requests in ") {
            parsed.requests = count.trim().parse().unwrap_or(0);
        } else if let Some(rest) = line.strip_prefix("status ") {
            if let Some((status, count)) = rest.split_once(':') {
                if let (Ok(status), Ok(count)) = (status.parse(), count.trim().parse()) {
                    parsed.statuses.push((status, count));
                }
            }
        }
    }
    parsed.statuses.sort_unstable();
    saw_rate.then_some(parsed)
}

// ---------------------------------------------------------------------------------------------
// The benchmarks

/// Everything measured (a failed benchmark holds its reason).
struct Results {
    queue_state: Result<QueueStateBench, String>,
    joins: Result<WrkReport, String>,
    bookings: Result<BookingBench, String>,
    sizes: Result<(FirstLoad, FirstLoad), String>,
}

impl Results {
    fn failures(&self) -> Vec<String> {
        [
            self.queue_state.as_ref().err(),
            self.joins.as_ref().err(),
            self.bookings.as_ref().err(),
            self.sizes.as_ref().err(),
        ]
        .into_iter()
        .flatten()
        .cloned()
        .collect()
    }
}

/// The queue-state document from the server and from nginx, under the same wrk load.
struct QueueStateBench {
    server: WrkReport,
    nginx: WrkReport,
    document_bytes: usize,
    nginx_version: String,
}

/// The path of the queue-state document (the same on the server and on nginx).
pub(crate) fn queue_state_path() -> String {
    format!("/v1/campaigns/{CAMPAIGN_ID}/queue/state")
}

/// nginx (Debian's, under `root`: its configuration, logs and `www/`) serving `document` as the
/// static file at `path` on a free loopback port; the process (stopped when dropped) and its base
/// URL, once it answers.
pub(crate) fn serve_static_with_nginx(
    root: &Path,
    path: &str,
    document: &[u8],
    name: &'static str,
) -> Result<(Background, String), String> {
    let file = root.join("www").join(path.trim_start_matches('/'));
    if let Some(folder) = file.parent() {
        fs::create_dir_all(folder)
            .map_err(|e| format!("cannot create {}: {e}", folder.display()))?;
    }
    fs::write(&file, document).map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    let port = free_loopback_port()?;
    let config = root.join("nginx.conf");
    fs::write(&config, nginx_config(root, port))
        .map_err(|e| format!("cannot write {}: {e}", config.display()))?;
    let mut nginx = command("nginx");
    nginx
        .arg("-p")
        .arg(root)
        .arg("-e")
        .arg(root.join("error.log"))
        .arg("-c")
        .arg(&config);
    println!("$ {}", run::describe(&nginx));
    let mut process = Background {
        name,
        child: nginx
            .spawn()
            .map_err(|e| format!("nginx could not start: {e}"))?,
    };
    let base = format!("http://127.0.0.1:{port}");
    wait_until_answering(&base, path, &mut process)?;
    Ok((process, base))
}

fn bench_queue_state(scratch: &Path, server_base: &str) -> Result<QueueStateBench, String> {
    let path = queue_state_path();
    let document = http_get(server_base, &path)?;
    let server = wrk(&format!("{server_base}{path}"), None)?;

    let (process, nginx_base) =
        serve_static_with_nginx(&scratch.join("nginx"), &path, &document, "nginx")?;
    if http_get(&nginx_base, &path)? != document {
        return Err("nginx does not serve the server's queue-state document".to_owned());
    }
    println!("started: nginx on {nginx_base}");
    let nginx_report = wrk(&format!("{nginx_base}{path}"), None)?;
    drop(process);
    Ok(QueueStateBench {
        server,
        nginx: nginx_report,
        document_bytes: document.len(),
        nginx_version: setup::debian_version("nginx").unwrap_or_default(),
    })
}

/// A minimal nginx: in the foreground, every file under `root`, no access log, the JSON as a
/// static file with the server's Cache-Control.
pub(crate) fn nginx_config(root: &Path, port: u16) -> String {
    let root = root.display();
    format!(
        "# Written by `cargo xtask bench`: the queue-state JSON as a static file.\n\
         daemon off;\n\
         worker_processes auto;\n\
         pid {root}/nginx.pid;\n\
         error_log {root}/error.log warn;\n\
         events {{ worker_connections 1024; }}\n\
         http {{\n\
         \x20   access_log off;\n\
         \x20   default_type application/json;\n\
         \x20   client_body_temp_path {root}/client-body;\n\
         \x20   proxy_temp_path {root}/proxy;\n\
         \x20   fastcgi_temp_path {root}/fastcgi;\n\
         \x20   uwsgi_temp_path {root}/uwsgi;\n\
         \x20   scgi_temp_path {root}/scgi;\n\
         \x20   server {{\n\
         \x20       listen 127.0.0.1:{port};\n\
         \x20       root {root}/www;\n\
         \x20       add_header Cache-Control \"public, max-age=2\";\n\
         \x20   }}\n\
         }}\n"
    )
}

pub(crate) fn bench_joins(scratch: &Path, server_base: &str) -> Result<WrkReport, String> {
    let script = scratch.join("join.lua");
    fs::write(&script, JOIN_SCRIPT)
        .map_err(|e| format!("cannot write {}: {e}", script.display()))?;
    let report = wrk(
        &format!("{server_base}/v1/campaigns/{CAMPAIGN_ID}/queue"),
        Some(&script),
    )?;
    if report.statuses.is_empty() {
        return Err("the join script reported no statuses".to_owned());
    }
    Ok(report)
}

/// What the booking load printed (`measure NAME VALUE` lines).
#[derive(Debug, Default, PartialEq)]
pub(crate) struct BookingBench {
    pub(crate) bookings: u64,
    pub(crate) booked: u64,
    pub(crate) in_flight: u64,
    pub(crate) slots: u64,
    pub(crate) bookings_per_s: f64,
    pub(crate) health_per_s: f64,
}

fn bench_bookings(server_base: &str) -> Result<BookingBench, String> {
    let mut load = command("cargo");
    load.args([
        "run",
        "--quiet",
        "--profile",
        "server",
        "-p",
        "fairline-server",
        "--example",
        "booking_load",
        "--",
        server_base,
        &BOOKINGS.to_string(),
    ]);
    let printed = run::echoed_stdout(&mut load, "the booking load")?;
    parse_booking_load(&printed).ok_or_else(|| "the booking load printed no results".to_owned())
}

pub(crate) fn parse_booking_load(printed: &str) -> Option<BookingBench> {
    let mut parsed = BookingBench::default();
    let mut seen = 0;
    for line in printed.lines() {
        let Some((name, value)) = line
            .strip_prefix("measure ")
            .and_then(|rest| rest.split_once(' '))
        else {
            continue;
        };
        let value = value.trim();
        match name {
            "bookings" => parsed.bookings = value.parse().ok()?,
            "booked" => parsed.booked = value.parse().ok()?,
            "in_flight" => parsed.in_flight = value.parse().ok()?,
            "slots" => parsed.slots = value.parse().ok()?,
            "bookings_per_s" => parsed.bookings_per_s = value.parse().ok()?,
            "health_per_s" => parsed.health_per_s = value.parse().ok()?,
            _ => continue,
        }
        seen += 1;
    }
    (seen == 6 && parsed.health_per_s > 0.0).then_some(parsed)
}

// ---------------------------------------------------------------------------------------------
// The machine and the report

/// Where and when the benchmarks ran.
struct Machine {
    date: String,
    cores: String,
    memory: String,
    cpu: String,
    rustc: String,
    tools: String,
}

impl Machine {
    fn describe() -> Self {
        let meminfo = fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let memory = meminfo
            .lines()
            .find_map(|line| line.strip_prefix("MemTotal:"))
            .and_then(|kib| kib.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or("unknown".to_owned(), |kib| {
                format!("{:.1} GiB", kib / 1024.0 / 1024.0)
            });
        let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu = cpuinfo
            .lines()
            .find_map(|line| line.strip_prefix("model name"))
            .and_then(|rest| rest.split_once(':'))
            .map_or("unknown".to_owned(), |(_, model)| model.trim().to_owned());
        let tools = BENCH_PACKAGES
            .iter()
            .map(|package| {
                let version = setup::debian_version(package).unwrap_or_default();
                format!("{package} {version}")
            })
            .collect::<Vec<_>>()
            .join(", ");
        Self {
            date: output(command("date").args(["-u", "+%Y-%m-%d"])).unwrap_or_default(),
            cores: output(&mut command("nproc")).unwrap_or_default(),
            memory,
            cpu,
            rustc: output(command("rustc").arg("--version")).unwrap_or_default(),
            tools: format!("{tools}, Trunk {}", setup::TRUNK_VERSION),
        }
    }
}

/// `1234567.8` → `1,234,568`.
pub(crate) fn grouped(value: f64) -> String {
    let digits = format!("{:.0}", value.max(0.0));
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// Bytes as KiB with one decimal.
fn kib(bytes: u64) -> String {
    format!("{:.1} KiB", bytes as f64 / 1024.0)
}

pub(crate) fn statuses(report: &WrkReport) -> String {
    report
        .statuses
        .iter()
        .map(|(status, count)| format!("{status} × {}", grouped(*count as f64)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The four-row table (also printed).
fn summary_table(results: &Results) -> String {
    let failed = |reason: &String| format!("failed: {reason}");
    let queue_state = results.queue_state.as_ref().map_or_else(failed, |bench| {
        format!(
            "{} req/s beside nginx {} req/s: **{:.2}×**",
            grouped(bench.server.requests_per_s),
            grouped(bench.nginx.requests_per_s),
            bench.server.requests_per_s / bench.nginx.requests_per_s
        )
    });
    let joins = results.joins.as_ref().map_or_else(failed, |report| {
        format!(
            "**{} joins/s** ({})",
            grouped(report.requests_per_s),
            statuses(report)
        )
    });
    let bookings = results.bookings.as_ref().map_or_else(failed, |bench| {
        format!(
            "**{} bookings/s** beside {} `GET /v1/health`/s at the same concurrency: {:.3}×",
            grouped(bench.bookings_per_s),
            grouped(bench.health_per_s),
            bench.bookings_per_s / bench.health_per_s
        )
    });
    let sizes = results
        .sizes
        .as_ref()
        .map_or_else(failed, |(widget, counter)| {
            format!(
                "{} beside {}: **{:.2}×**",
                kib(widget.brotli_bytes()),
                kib(counter.brotli_bytes()),
                widget.brotli_bytes() as f64 / counter.brotli_bytes() as f64
            )
        });
    format!(
        "| measure | result |\n\
         | --- | --- |\n\
         | queue-state requests/s, `fairline-server` beside nginx serving the same JSON (ratio) | {queue_state} |\n\
         | join requests/s (each a durable SQLite row) | {joins} |\n\
         | durable bookings/s on SQLite (ratio to the baseline) | {bookings} |\n\
         | widget first-load size (brotli) beside a bare Leptos counter (ratio) | {sizes} |\n"
    )
}

/// The whole "Server benchmarks" section of BENCHMARKS.md.
fn render_section(results: &Results, machine: &Machine) -> String {
    let mut section = String::new();
    let wrk_load = WRK_LOAD.join(" ");
    let tuning = SERVER_TUNING.join(" ");
    let _ = write!(
        section,
        "## Server benchmarks\n\n\
         One run of `cargo xtask bench`, on loopback: a `fairline-server` built with the `server` profile (opt-level 3) with a fresh \
         SQLite store, rehearsing {REHEARSE_AT} (half an hour into the first cohort's window of \
         `{CAMPAIGN_FILE}`), and each number beside a baseline measured in the same run. The load \
         generators share the machine's cores with what they measure, so the absolute numbers \
         belong to this machine; the ratios are what carries over.\n\n{}\n",
        summary_table(results)
    );
    if let Ok(bench) = &results.queue_state {
        let _ = write!(
            section,
            "**Queue state.** The one document every waiter polls ({} bytes), from the server \
             (an axum handler over the cached document, with its ETag) and from nginx {} serving \
             the same bytes as a static file, each under `wrk {wrk_load}`:\n\n\
             | | requests/s | latency p50 | latency p99 | non-2xx | socket errors |\n\
             | --- | ---: | ---: | ---: | ---: | --- |\n\
             | `fairline-server` | {} | {} | {} | {} | {} |\n\
             | nginx, static file | {} | {} | {} | {} | {} |\n\n",
            bench.document_bytes,
            bench.nginx_version,
            grouped(bench.server.requests_per_s),
            bench.server.latency_p50,
            bench.server.latency_p99,
            bench.server.non_success,
            bench.server.socket_errors.as_deref().unwrap_or("none"),
            grouped(bench.nginx.requests_per_s),
            bench.nginx.latency_p50,
            bench.nginx.latency_p99,
            bench.nginx.non_success,
            bench.nginx.socket_errors.as_deref().unwrap_or("none"),
        );
    }
    if let Ok(report) = &results.joins {
        let _ = write!(
            section,
            "**Joins.** `wrk {wrk_load}` posting a distinct eligible person each time (born \
             1962–1966, a name of letters only, a mobile number from a counter): the server \
             checks eligibility with core, hashes the identity, signs a ticket and inserts it in \
             SQLite. {} joins in the run, {} requests/s, latency p50 {} and p99 {}; statuses: \
             {}{}.\n\n",
            grouped(report.requests as f64),
            grouped(report.requests_per_s),
            report.latency_p50,
            report.latency_p99,
            statuses(report),
            report
                .socket_errors
                .as_ref()
                .map(|errors| format!("; socket errors: {errors}"))
                .unwrap_or_default()
        );
    }
    if let Ok(bench) = &results.bookings {
        let _ = write!(
            section,
            "**Bookings.** `booking_load` (`crates/server/examples/booking_load.rs`) joins and \
             admits {} people first (not timed), then sends their {} bookings with {} in flight, \
             spread round-robin over the campaign's {} slots; each one checks the admission's \
             signature and eligibility, then takes the place, marks the admission used and \
             stores the booking in one SQLite transaction. {} of {} were booked (201), {} \
             bookings/s. Baseline: the same number of `GET /v1/health` at the same concurrency, \
             {} requests/s.\n\n",
            grouped(bench.bookings as f64),
            grouped(bench.bookings as f64),
            bench.in_flight,
            bench.slots,
            grouped(bench.booked as f64),
            grouped(bench.bookings as f64),
            grouped(bench.bookings_per_s),
            grouped(bench.health_per_s),
        );
    }
    if let Ok((widget, counter)) = &results.sizes {
        let _ = write!(
            section,
            "**First load.** What a browser fetches to show the widget (`index.html`, the \
             `.js` glue, the `.wasm` and the `.css`) after `trunk build --release` (wasm-opt \
             `-Oz` from npm's binaryen), each file compressed with `brotli -q 11`, beside a bare \
             Leptos 0.8 counter (`{COUNTER_DIR}/`: one button, one signal) built by the same \
             Trunk, wasm-bindgen, wasm-opt and release profile:\n\n\
             | file | raw | brotli |\n\
             | --- | ---: | ---: |\n"
        );
        for (label, load) in [("widget", widget), ("counter", counter)] {
            for (name, raw, brotli) in &load.files {
                let _ = writeln!(
                    section,
                    "| {label}: `{name}` | {} | {} |",
                    grouped(*raw as f64),
                    grouped(*brotli as f64)
                );
            }
            let _ = writeln!(
                section,
                "| **{label}, first load** | **{}** | **{}** |",
                kib(load.raw_bytes()),
                kib(load.brotli_bytes())
            );
        }
        section.push('\n');
    }
    let _ = write!(
        section,
        "### Commands\n\n\
         ```sh\n\
         cargo xtask bench\n\
         ```\n\n\
         which builds, then runs (the ports are free loopback ports picked at run time, the data \
         folder a fresh temp folder):\n\n\
         ```sh\n\
         cargo build --profile server -p fairline-server\n\
         cargo build --profile server -p fairline-server --example booking_load\n\
         trunk build --release --dist target/bench/widget-dist     # PATH=node_modules/.bin:$PATH\n\
         (cd {COUNTER_DIR} && cargo fetch && CARGO_TARGET_DIR=../../target/bench-counter \\\n\
         \x20   trunk build --release --dist ../../target/bench/counter-dist)\n\
         RUST_LOG=warn target/server/fairline-server serve --campaign {CAMPAIGN_FILE} \\\n\
         \x20   --listen 127.0.0.1:0 --data TEMP/server-data --rehearse-at {REHEARSE_AT} \\\n\
         \x20   {tuning}\n\
         wrk {wrk_load} --latency http://127.0.0.1:PORT/v1/campaigns/{CAMPAIGN_ID}/queue/state\n\
         nginx -p TEMP/nginx -e TEMP/nginx/error.log -c TEMP/nginx/nginx.conf   # daemon off, access_log off\n\
         wrk {wrk_load} --latency http://127.0.0.1:NGINX_PORT/v1/campaigns/{CAMPAIGN_ID}/queue/state\n\
         wrk {wrk_load} --latency -s join.lua http://127.0.0.1:PORT/v1/campaigns/{CAMPAIGN_ID}/queue\n\
         cargo run --quiet --profile server -p fairline-server --example booking_load -- http://127.0.0.1:PORT {BOOKINGS}\n\
         brotli -q 11 -c FILE | wc -c                               # each first-load file\n\
         ```\n\n\
         `join.lua` is `xtask/src/bench_join.lua`; the nginx configuration is written by \
         `nginx_config` in `xtask/src/bench.rs`. The server is built with the workspace's `server` \
         profile (`opt-level = 3`, thin LTO, unwinding panics, for it and all its dependencies); \
         the `release` profile is tuned for the widget's size.\n\n\
         ### Machine and date\n\n\
         - Date: {} (UTC)\n\
         - `nproc`: {}\n\
         - memory (`/proc/meminfo` MemTotal): {}\n\
         - CPU (`/proc/cpuinfo` model name): {}\n\
         - {}; {}\n\
         - wrk, nginx and the server shared the same cores; other engineers may have been \
         compiling on the machine during the run.\n",
        machine.date, machine.cores, machine.memory, machine.cpu, machine.rustc, machine.tools
    );
    wrap_prose(&section, PROSE_WIDTH)
}

/// Width BENCHMARKS.md's prose is wrapped at.
pub(crate) const PROSE_WIDTH: usize = 100;

/// Wraps long prose lines of `markdown` at `width` (list items with a hanging indent), leaving
/// headings, tables and code blocks as they are.
pub(crate) fn wrap_prose(markdown: &str, width: usize) -> String {
    let mut wrapped = String::with_capacity(markdown.len());
    let mut in_code = false;
    for line in markdown.lines() {
        if line.starts_with("```") {
            in_code = !in_code;
        }
        let keep = in_code
            || line.starts_with("```")
            || line.starts_with('|')
            || line.starts_with('#')
            || line.chars().count() <= width;
        if keep {
            wrapped.push_str(line);
            wrapped.push('\n');
            continue;
        }
        let indent = if line.starts_with("- ") { "  " } else { "" };
        let mut current = String::new();
        for word in line.split(' ').filter(|word| !word.is_empty()) {
            if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > width {
                wrapped.push_str(&current);
                wrapped.push('\n');
                current = indent.to_owned();
            } else if !current.is_empty() && current != indent {
                current.push(' ');
            }
            current.push_str(word);
        }
        wrapped.push_str(&current);
        wrapped.push('\n');
    }
    wrapped
}

/// Replaces BENCHMARKS.md's "Server benchmarks" section (up to the next `## ` heading) with
/// `section`, keeping everything else.
fn write_section(section: &str) -> Result<(), String> {
    let path = repo_root().join("BENCHMARKS.md");
    let text =
        fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    fs::write(&path, replace_section(&text, section))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn replace_section(text: &str, section: &str) -> String {
    const HEADING: &str = "## Server benchmarks";
    let start = text
        .match_indices(HEADING)
        .find(|(at, _)| *at == 0 || text[..*at].ends_with('\n'))
        .map(|(at, _)| at);
    let Some(start) = start else {
        let separator = if text.ends_with('\n') { "\n" } else { "\n\n" };
        return format!("{text}{separator}{section}");
    };
    let after_heading = start + HEADING.len();
    let end = text[after_heading..]
        .find("\n## ")
        .map_or(text.len(), |at| after_heading + at + 1);
    let rest = &text[end..];
    let joiner = if rest.is_empty() { "" } else { "\n" };
    format!("{}{section}{joiner}{rest}", &text[..start])
}

#[cfg(test)]
mod tests {
    use super::{grouped, parse_booking_load, parse_wrk, replace_section, wrap_prose};

    #[test]
    fn reads_a_wrk_report_with_statuses() {
        let report = "Running 10s test @ http://127.0.0.1:1/v1/x\n  2 threads and 64 connections\n\
             \x20 Latency Distribution\n     50%  681.00us\n     75%    1.27ms\n     99%    5.52ms\n\
             \x20 205898 requests in 3.09s, 138.46MB read\n  Non-2xx or 3xx responses: 3\n\
             Requests/sec:  66535.36\nTransfer/sec:     44.74MB\nstatus 503: 3\nstatus 200: 205895\n";
        let parsed = parse_wrk(report).unwrap();
        assert_eq!(parsed.requests_per_s, 66535.36);
        assert_eq!(parsed.requests, 205_898);
        assert_eq!(parsed.non_success, 3);
        assert_eq!(parsed.latency_p50, "681.00us");
        assert_eq!(parsed.latency_p99, "5.52ms");
        assert_eq!(parsed.statuses, vec![(200, 205_895), (503, 3)]);
        assert!(parse_wrk("no numbers").is_none());
    }

    #[test]
    fn reads_the_booking_load_measures() {
        let printed = "set-up: done\nmeasure bookings 10\nmeasure booked 10\nmeasure in_flight 2\n\
             measure slots 4\nmeasure bookings_per_s 150.5\nmeasure health_per_s 3010.0\n\
             measure ratio 0.05\n";
        let parsed = parse_booking_load(printed).unwrap();
        assert_eq!((parsed.bookings, parsed.booked, parsed.slots), (10, 10, 4));
        assert_eq!(parsed.bookings_per_s, 150.5);
        assert!(parse_booking_load("measure bookings 10\n").is_none());
    }

    #[test]
    fn replaces_only_the_server_section() {
        let text = "# B\n\n## Sim\n\nkept\n\n## Server benchmarks\n\n| pending |\n\n## Later\n\nkept too\n";
        let replaced = replace_section(text, "## Server benchmarks\n\nnew\n");
        assert_eq!(
            replaced,
            "# B\n\n## Sim\n\nkept\n\n## Server benchmarks\n\nnew\n\n## Later\n\nkept too\n"
        );
        let at_end = replace_section(
            "# B\n\n## Server benchmarks\n\nold\n",
            "## Server benchmarks\n\nnew\n",
        );
        assert_eq!(at_end, "# B\n\n## Server benchmarks\n\nnew\n");
    }

    #[test]
    fn wraps_prose_but_not_tables_or_code() {
        let markdown = "one two three four\n- five six seven eight\n| a b c d e f g |\n```\nh i j k l m n\n```\n";
        assert_eq!(
            wrap_prose(markdown, 9),
            "one two\nthree\nfour\n- five\n  six\n  seven\n  eight\n| a b c d e f g |\n```\nh i j k l m n\n```\n"
        );
    }

    #[test]
    fn groups_thousands() {
        assert_eq!(grouped(1_234_567.8), "1,234,568");
        assert_eq!(grouped(999.0), "999");
        assert_eq!(grouped(0.4), "0");
    }
}
