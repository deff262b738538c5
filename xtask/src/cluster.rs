//! `cargo xtask cluster [--no-build] [--port PORT]`: Fairline as a deployment of several machines
//! would run it, on loopback: a throwaway PostgreSQL (the Debian package's `initdb` and
//! `postgres`, its data in a temporary folder), three `fairline-server serve --database
//! postgres://…` instances sharing it and one set of secrets, and nginx in front with the shipped
//! `deploy/nginx.conf` on <http://127.0.0.1:8080> (or `--port`). Ctrl-C stops everything it
//! started and deletes the folder.
//!
//! Like the demo it builds the widget and the server first (`--no-build` takes `dist/` and the
//! server as already built) and rehearses the July 2021 opening from a minute before it; the
//! instances' rehearsal clocks are started to agree, as machines' clocks do.
//!
//! Stopping is bounded and leaves no orphan even if this process is killed: a guard (this same
//! program, `cargo xtask cluster-guard`, in a process group of its own so Ctrl-C does not reach
//! it) is told every process started; when this process ends, however it ends, its pipe to the
//! guard closes and the guard stops what is left (SIGTERM, SIGKILL after a few seconds) and
//! removes the folder. Ctrl-C also reaches the children directly, which stop on SIGINT.
//!
//! The process spawning is a small copy of the server tests' harness
//! (`crates/server/tests/common/{postgres,nginx,cluster}.rs`): the xtask depends on nothing, and
//! shares the nginx configuration with the tests, not their code.

use std::{
    fs,
    io::{BufRead, BufReader, Write},
    net::{TcpListener, TcpStream},
    os::unix::{fs::PermissionsExt, process::CommandExt},
    path::{Path, PathBuf},
    process::{Child, ChildStdin, Command, Stdio},
    sync::mpsc,
    time::{Duration, Instant, SystemTime},
};

use crate::{
    demo,
    run::{self, output, repo_root},
    setup,
};

/// How many instances run behind nginx.
const INSTANCES: usize = 3;
/// The campaign they serve.
const CAMPAIGN: &str = "campaigns/kr-covid19-2021-07.toml";
/// The demo's rehearsal: a minute before the 20:00 opening of 12 July 2021 (KST), in seconds
/// since the epoch (2021-07-12T10:59:00Z).
const REHEARSE_FROM_UNIX_S: i64 = 1_626_087_540;
/// How long PostgreSQL, an instance or nginx may take to start.
const START_PATIENCE: Duration = Duration::from_secs(30);
/// How long the guard waits for a process to stop on SIGTERM before SIGKILL.
const STOP_PATIENCE: Duration = Duration::from_secs(5);
/// Where Debian installs each major version's server binaries (`<version>/bin`).
const DEBIAN_PG_ROOT: &str = "/usr/lib/postgresql";

/// Starts the cluster and waits until Ctrl-C (or until a process of it stops by itself).
pub fn run(args: &[String]) -> Result<(), String> {
    let mut port = 8080u16;
    let mut build = true;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--no-build" => build = false,
            "--port" => {
                port = rest
                    .next()
                    .and_then(|value| value.parse().ok())
                    .ok_or("--port wants a port number")?;
            }
            other => return Err(format!("cluster: unknown argument {other}")),
        }
    }
    if build {
        demo::build()?;
    } else {
        setup::ensure_debian_packages(&["postgresql", "nginx"])?;
    }
    let server = demo::server_binary();
    if !server.is_file() {
        return Err(format!(
            "{} is missing: run without --no-build",
            server.display()
        ));
    }
    let nginx = find_binary("nginx", &[PathBuf::from("/usr/sbin")])
        .ok_or("nginx is missing: install the Debian package `nginx` (cargo xtask setup)")?;
    let postgres_bin = postgres_binaries()?;

    let folder = std::env::temp_dir().join(format!("fairline-cluster-{}", std::process::id()));
    fs::create_dir_all(&folder).map_err(|e| format!("cannot create {}: {e}", folder.display()))?;
    // nginx's workers and PostgreSQL run as other users when this runs as root.
    fs::set_permissions(&folder, fs::Permissions::from_mode(0o755))
        .map_err(|e| format!("cannot open {} to its servers: {e}", folder.display()))?;
    let mut guard = Guard::start(&folder)?;

    let database = start_postgres(&postgres_bin, &folder, &mut guard)?;
    let data = folder.join("data");
    fs::create_dir_all(&data).map_err(|e| format!("cannot create {}: {e}", data.display()))?;
    let static_dir = repo_root().join("dist");
    let with_widget = static_dir.join("index.html").is_file();
    let mut upstreams = Vec::new();
    let first_started = Instant::now();
    for n in 0..INSTANCES {
        let mut command = Command::new(&server);
        command
            .current_dir(repo_root())
            .args(["serve", "--campaign", CAMPAIGN, "--listen", "127.0.0.1:0"])
            .arg("--data")
            .arg(&data)
            .args(["--database", &database, "--trusted-proxy", "127.0.0.1"])
            .args(["--rehearse-at", &rehearsal_instant(first_started.elapsed())]);
        if with_widget {
            command.arg("--static").arg(&static_dir);
        }
        let base = start_instance(command, n, &mut guard)?;
        upstreams.push(base.trim_start_matches("http://").to_owned());
    }
    let listen = format!("127.0.0.1:{port}");
    start_nginx(&nginx, &folder, &listen, &upstreams, &mut guard)?;

    println!("\nFairline cluster: open http://{listen} (Ctrl-C stops it)");
    println!(
        "  nginx          http://{listen} -> {}",
        upstreams.join(", ")
    );
    for (n, upstream) in upstreams.iter().enumerate() {
        println!("  instance {n}     http://{upstream} (its /metrics)");
    }
    println!("  PostgreSQL     {database}");
    println!("  folder         {} (deleted on stop)", folder.display());
    if !with_widget {
        println!("  (no dist/: the API only; run without --no-build for the widget)");
    }
    println!();
    guard.watch()
}

/// The rehearsal instant for an instance started `after` the first one (RFC 3339, UTC).
fn rehearsal_instant(after: Duration) -> String {
    instant_after(REHEARSE_FROM_UNIX_S, after)
}

/// `after` past `unix_s` (seconds since the epoch), as RFC 3339 in UTC with milliseconds.
pub(crate) fn instant_after(unix_s: i64, after: Duration) -> String {
    let millis = i64::try_from(after.as_millis()).unwrap_or(0);
    let total_ms = unix_s * 1000 + millis;
    let (seconds, ms) = (total_ms.div_euclid(1000), total_ms.rem_euclid(1000));
    let (days, of_day) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{ms:03}Z",
        of_day / 3600,
        of_day % 3600 / 60,
        of_day % 60
    )
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

/// The newest Debian PostgreSQL server folder (`initdb`, `postgres`, `pg_isready`, `createdb`).
pub(crate) fn postgres_binaries() -> Result<PathBuf, String> {
    let mut versions: Vec<(u32, PathBuf)> = fs::read_dir(DEBIAN_PG_ROOT)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            Some((version, entry.path().join("bin")))
        })
        .filter(|(_, bin)| bin.join("initdb").is_file() && bin.join("postgres").is_file())
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin).ok_or_else(|| {
        "PostgreSQL is missing: install the Debian package `postgresql` (cargo xtask setup)"
            .to_owned()
    })
}

/// (uid, gid) of the `postgres` user when this runs as root (PostgreSQL refuses root).
fn postgres_user() -> Result<Option<(u32, u32)>, String> {
    if output(Command::new("id").arg("-u")).as_deref() != Some("0") {
        return Ok(None);
    }
    let id = |flag: &str| {
        output(Command::new("id").args([flag, "postgres"]))
            .and_then(|text| text.parse::<u32>().ok())
            .ok_or("no user `postgres` to run PostgreSQL as (the Debian package creates it)")
    };
    Ok(Some((id("-u")?, id("-g")?)))
}

fn as_user(mut command: Command, ids: Option<(u32, u32)>) -> Command {
    if let Some((uid, gid)) = ids {
        command.uid(uid).gid(gid);
    }
    command
}

/// `initdb` into `folder/pg`, `postgres` on a free loopback port, a database `fairline`: its URL.
fn start_postgres(bin: &Path, folder: &Path, guard: &mut Guard) -> Result<String, String> {
    start_postgres_with(bin, folder, &[], guard)
}

/// [`start_postgres`] with more server settings (`NAME=VALUE`, each passed as `-c`).
pub(crate) fn start_postgres_with(
    bin: &Path,
    folder: &Path,
    settings: &[&str],
    guard: &mut Guard,
) -> Result<String, String> {
    let ids = postgres_user()?;
    let root = folder.join("pg");
    fs::create_dir_all(&root).map_err(|e| format!("cannot create {}: {e}", root.display()))?;
    if let Some((uid, gid)) = ids {
        std::os::unix::fs::chown(&root, Some(uid), Some(gid))
            .map_err(|e| format!("cannot give {} to postgres: {e}", root.display()))?;
    }
    let data = root.join("data");
    let mut initdb = as_user(Command::new(bin.join("initdb")), ids);
    initdb
        .arg("--pgdata")
        .arg(&data)
        .args(["--username=fairline", "--auth=trust", "--encoding=UTF8"])
        .args(["--no-instructions"])
        .stdout(Stdio::null());
    run::status(&mut initdb)?;
    let port = free_port()?.to_string();
    let log = fs::File::create(root.join("postgres.log"))
        .map_err(|e| format!("cannot create the PostgreSQL log: {e}"))?;
    let mut postgres = as_user(Command::new(bin.join("postgres")), ids);
    postgres
        .arg("-D")
        .arg(&data)
        .args(["-h", "127.0.0.1", "-p", &port, "-k"])
        .arg(&root)
        .args(["-c", "max_connections=200"])
        .args(settings.iter().flat_map(|setting| ["-c", setting]))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log);
    println!("$ {}", run::describe(&postgres));
    let child = postgres
        .spawn()
        .map_err(|e| format!("postgres could not start: {e}"))?;
    guard.adopt("postgres", child)?;
    let deadline = Instant::now() + START_PATIENCE;
    loop {
        let ready = Command::new(bin.join("pg_isready"))
            .args(["-q", "-h", "127.0.0.1", "-p", &port])
            .status()
            .is_ok_and(|status| status.success());
        if ready {
            break;
        }
        guard.check_running()?;
        if Instant::now() > deadline {
            return Err(format!(
                "PostgreSQL did not accept connections within {START_PATIENCE:?} (see {})",
                root.join("postgres.log").display()
            ));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    run::status(Command::new(bin.join("createdb")).args([
        "-h",
        "127.0.0.1",
        "-p",
        &port,
        "-U",
        "fairline",
        "fairline",
    ]))?;
    println!("started: PostgreSQL on 127.0.0.1:{port}");
    Ok(format!("postgres://fairline@127.0.0.1:{port}/fairline"))
}

// ---------------------------------------------------------------------------------------------
// Instances and nginx

/// Starts one instance and waits for its `listening on` line; its other output is echoed.
pub(crate) fn start_instance(
    mut command: Command,
    n: usize,
    guard: &mut Guard,
) -> Result<String, String> {
    command.env("RUST_LOG", "warn").stdout(Stdio::piped());
    println!("$ {}", run::describe(&command));
    let mut child = command
        .spawn()
        .map_err(|e| format!("fairline-server could not start: {e}"))?;
    let stdout = child.stdout.take();
    guard.adopt("fairline-server", child)?;
    let (sender, address) = mpsc::channel();
    if let Some(stdout) = stdout {
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                match line.strip_prefix("listening on ") {
                    Some(base) => {
                        let _ = sender.send(base.trim().to_owned());
                    }
                    None => println!("instance {n}: {line}"),
                }
            }
        });
    }
    let base = address
        .recv_timeout(START_PATIENCE)
        .map_err(|_| format!("instance {n} did not print `listening on …`"))?;
    println!("started: instance {n} on {base}");
    Ok(base)
}

/// Fills `deploy/nginx.conf` into `folder/nginx` and starts nginx in the foreground on `listen`.
pub(crate) fn start_nginx(
    nginx: &Path,
    folder: &Path,
    listen: &str,
    upstreams: &[String],
    guard: &mut Guard,
) -> Result<(), String> {
    let template_path = repo_root().join("deploy").join("nginx.conf");
    let template = fs::read_to_string(&template_path)
        .map_err(|e| format!("cannot read {}: {e}", template_path.display()))?;
    let root = folder.join("nginx");
    fs::create_dir_all(&root).map_err(|e| format!("cannot create {}: {e}", root.display()))?;
    fs::set_permissions(&root, fs::Permissions::from_mode(0o755))
        .map_err(|e| format!("cannot open {} to nginx: {e}", root.display()))?;
    let servers: Vec<String> = upstreams
        .iter()
        .map(|address| format!("        server {address} max_fails=1 fail_timeout=2s;"))
        .collect();
    let config = template
        .replace("{{temp}}", &root.display().to_string())
        .replace("{{listen}}", listen)
        .replace("{{upstreams}}", &servers.join("\n"));
    let config_path = root.join("nginx.conf");
    fs::write(&config_path, config)
        .map_err(|e| format!("cannot write {}: {e}", config_path.display()))?;
    let mut command = Command::new(nginx);
    command
        .arg("-p")
        .arg(&root)
        .arg("-e")
        .arg(root.join("error.log"))
        .arg("-c")
        .arg(&config_path)
        .stdin(Stdio::null());
    println!("$ {}", run::describe(&command));
    let child = command
        .spawn()
        .map_err(|e| format!("nginx could not start: {e}"))?;
    guard.adopt("nginx", child)?;
    let deadline = Instant::now() + START_PATIENCE;
    while TcpStream::connect(listen).is_err() {
        guard.check_running()?;
        if Instant::now() > deadline {
            return Err(format!("nginx did not listen on {listen}"));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    println!("started: nginx on http://{listen}");
    Ok(())
}

fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .map_err(|e| format!("no free loopback port: {e}"))
}

/// `name` on `PATH` or in one of `more` folders.
pub(crate) fn find_binary(name: &str, more: &[PathBuf]) -> Option<PathBuf> {
    std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .chain(more.iter().cloned())
        .map(|dir| dir.join(name))
        .find(|binary| binary.is_file())
}

// ---------------------------------------------------------------------------------------------
// The guard

/// This side of the guard: the processes started (in start order) and the pipe that tells the
/// guard about them; when this process ends, the pipe closes and the guard stops them.
pub(crate) struct Guard {
    pipe: ChildStdin,
    _guard: Child,
    children: Vec<(&'static str, Child)>,
}

impl Guard {
    /// Starts `cargo xtask cluster-guard` (this program) for `folder`.
    pub(crate) fn start(folder: &Path) -> Result<Self, String> {
        let program = std::env::current_exe()
            .map_err(|e| format!("cannot find this program to guard the cluster: {e}"))?;
        let mut guard = Command::new(program)
            .arg("cluster-guard")
            .arg(folder)
            .stdin(Stdio::piped())
            .process_group(0)
            .spawn()
            .map_err(|e| format!("cannot start the cluster's guard: {e}"))?;
        let pipe = guard.stdin.take().ok_or("the guard has no input pipe")?;
        Ok(Self {
            pipe,
            _guard: guard,
            children: Vec::new(),
        })
    }

    /// Tells the guard about `child` and keeps it.
    fn adopt(&mut self, name: &'static str, child: Child) -> Result<(), String> {
        writeln!(self.pipe, "{} {name}", child.id())
            .and_then(|()| self.pipe.flush())
            .map_err(|e| format!("the cluster's guard is gone: {e}"))?;
        self.children.push((name, child));
        Ok(())
    }

    /// How many processes were started so far (a mark for [`Guard::stop_since`]).
    pub(crate) fn started(&self) -> usize {
        self.children.len()
    }

    /// Stops (and forgets) the processes started since `mark`, newest first, and waits for them.
    pub(crate) fn stop_since(&mut self, mark: usize) {
        while self.children.len() > mark {
            if let Some((name, mut child)) = self.children.pop() {
                stop(child.id(), name);
                let _ = child.wait();
            }
        }
    }

    /// Stops every process started, newest first, and waits for them.
    pub(crate) fn stop_all(mut self) {
        self.stop_since(0);
    }

    /// Err naming the first process that stopped by itself.
    fn check_running(&mut self) -> Result<(), String> {
        for (name, child) in &mut self.children {
            if let Ok(Some(status)) = child.try_wait() {
                return Err(format!("{name} stopped ({status})"));
            }
        }
        Ok(())
    }

    /// Waits until a process stops: Ok when it was asked to (Ctrl-C reaches every process of
    /// the terminal's group), Err when it failed. The guard stops the rest once this returns.
    fn watch(mut self) -> Result<(), String> {
        use std::os::unix::process::ExitStatusExt;
        loop {
            for (name, child) in &mut self.children {
                if let Ok(Some(status)) = child.try_wait() {
                    // 2: SIGINT, 15: SIGTERM.
                    if status.success() || matches!(status.signal(), Some(2 | 15)) {
                        println!("\ncluster: {name} stopped ({status}); stopping the rest");
                        return Ok(());
                    }
                    return Err(format!("{name} stopped ({status}); stopping the rest"));
                }
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

/// `cargo xtask cluster-guard FOLDER` (started by `cluster`, not by hand): reads `PID NAME` lines
/// until its input closes, then stops those processes, newest first (SIGTERM, SIGKILL after
/// [`STOP_PATIENCE`]), and deletes `FOLDER`.
pub fn guard(args: &[String]) -> Result<(), String> {
    let [folder] = args else {
        return Err(
            "usage: cargo xtask cluster-guard FOLDER (started by cargo xtask cluster)".into(),
        );
    };
    let folder = PathBuf::from(folder);
    let mut started: Vec<(u32, String)> = Vec::new();
    for line in std::io::stdin().lock().lines().map_while(Result::ok) {
        if let Some((pid, name)) = line.split_once(' ') {
            if let Ok(pid) = pid.parse() {
                started.push((pid, name.to_owned()));
            }
        }
    }
    for (pid, name) in started.iter().rev() {
        stop(*pid, name);
    }
    let _ = fs::remove_dir_all(&folder);
    println!("cluster: stopped, {} deleted", folder.display());
    Ok(())
}

/// Whether process `pid` still runs (and is not a zombie waiting for its parent).
fn alive(pid: u32) -> bool {
    match fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat
            .rsplit_once(") ")
            .and_then(|(_, rest)| rest.chars().next())
            .is_some_and(|state| state != 'Z' && state != 'X'),
        Err(_) => false,
    }
}

fn signal(pid: u32, name: &str) {
    let _ = Command::new("kill")
        .args([name, &pid.to_string()])
        .stderr(Stdio::null())
        .status();
}

/// SIGTERM (SIGINT for PostgreSQL), then SIGKILL if `pid` is still there after [`STOP_PATIENCE`].
fn stop(pid: u32, name: &str) {
    if !alive(pid) {
        println!("cluster: {name} stopped");
        return;
    }
    // PostgreSQL's fast shutdown is SIGINT (SIGTERM waits for its clients to leave).
    signal(pid, if name == "postgres" { "-INT" } else { "-TERM" });
    let began = SystemTime::now();
    while alive(pid) {
        if began.elapsed().unwrap_or_default() > STOP_PATIENCE {
            signal(pid, "-KILL");
            println!("cluster: {name} killed (it did not stop on SIGTERM)");
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    println!("cluster: {name} stopped");
}

#[cfg(test)]
mod tests {
    use super::{civil_from_days, rehearsal_instant};
    use std::time::Duration;

    #[test]
    fn the_rehearsal_starts_a_minute_before_the_opening_and_moves_with_the_start() {
        assert_eq!(
            rehearsal_instant(Duration::ZERO),
            "2021-07-12T10:59:00.000Z"
        );
        assert_eq!(
            rehearsal_instant(Duration::from_millis(61_250)),
            "2021-07-12T11:00:01.250Z"
        );
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_417), (2023, 3, 1));
    }
}
