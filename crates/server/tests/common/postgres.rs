//! A throwaway PostgreSQL server for tests: `initdb` into a temporary folder, `postgres` on
//! 127.0.0.1 at a free port (its socket file in that folder too), stopped and deleted on drop.
//!
//! Uses the server binaries of the Debian package `postgresql` (`cargo xtask test` installs it
//! in setup), found on `PATH` or in Debian's versioned folder; `FAIRLINE_PG_BIN` names another
//! folder. PostgreSQL refuses to run as root, so as root both run as the `postgres` user (the
//! child *is* the server, so stopping it needs no pid file).
//! Missing binaries are an error, never a silent skip.

use std::{
    fs::File,
    io::{Read, Write},
    net::TcpStream,
    os::unix::{fs::MetadataExt, process::CommandExt},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

/// How long the server may take to accept connections.
pub const STARTUP_LIMIT: Duration = Duration::from_secs(30);
/// Where Debian installs each major version's server binaries (`<version>/bin`).
const DEBIAN_PG_ROOT: &str = "/usr/lib/postgresql";
/// The user PostgreSQL runs as when the tests run as root (created by the Debian package).
const SERVICE_USER: &str = "postgres";

/// A running PostgreSQL, stopped (and its data deleted) on drop.
pub struct TestPostgres {
    child: Child,
    bin: PathBuf,
    runs_as: Option<(u32, u32)>,
    port: u16,
    /// How long `initdb` plus startup took.
    pub startup: Duration,
    // Dropped last: the data folder outlives the server.
    folder: tempfile::TempDir,
}

impl TestPostgres {
    /// Initialises and starts a server, waiting at most [`STARTUP_LIMIT`] for it.
    pub fn start() -> Result<Self, String> {
        let began = Instant::now();
        let bin = server_binaries()?;
        let runs_as = if running_as_root() {
            Some(service_ids()?)
        } else {
            None
        };
        let folder = tempfile::Builder::new()
            .prefix("fairline-pg-")
            .tempdir()
            .map_err(|e| format!("cannot make a temporary folder: {e}"))?;
        let data = folder.path().join("data");
        if let Some((uid, gid)) = runs_as {
            std::os::unix::fs::chown(folder.path(), Some(uid), Some(gid))
                .map_err(|e| format!("cannot give the temporary folder to {SERVICE_USER}: {e}"))?;
        }
        let initdb = command(runs_as, &bin.join("initdb"))
            .arg("--pgdata")
            .arg(&data)
            .args(["--username=fairline", "--auth=trust", "--encoding=UTF8"])
            .args(["--no-sync", "--no-instructions"])
            .output()
            .map_err(|e| format!("cannot run initdb: {e}"))?;
        if !initdb.status.success() {
            return Err(format!(
                "initdb failed: {}{}",
                String::from_utf8_lossy(&initdb.stdout),
                String::from_utf8_lossy(&initdb.stderr)
            ));
        }
        let port = free_port()?;
        let log_path = folder.path().join("postgres.log");
        let log = File::create(&log_path).map_err(|e| format!("cannot create the log: {e}"))?;
        let log_err = log
            .try_clone()
            .map_err(|e| format!("cannot share the log: {e}"))?;
        let child = command(runs_as, &bin.join("postgres"))
            .arg("-D")
            .arg(&data)
            .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-k"])
            .arg(folder.path())
            // A test database: durability is not what these tests measure.
            .args(["-c", "fsync=off", "-c", "synchronous_commit=off"])
            .args(["-c", "full_page_writes=off", "-c", "max_connections=200"])
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err)
            .spawn()
            .map_err(|e| format!("cannot start postgres: {e}"))?;
        let mut server = Self {
            child,
            bin,
            runs_as,
            port,
            startup: Duration::ZERO,
            folder,
        };
        server.wait_until_ready(&log_path)?;
        server.startup = began.elapsed();
        Ok(server)
    }

    /// Starts a server or fails the test with the reason (never a silent skip).
    pub fn start_or_fail() -> Self {
        Self::start().unwrap_or_else(|reason| panic!("PostgreSQL for the tests: {reason}"))
    }

    /// The URL of database `name` on this server.
    pub fn url(&self, name: &str) -> String {
        format!("postgres://fairline@127.0.0.1:{}/{name}", self.port)
    }

    /// Creates database `name` (via the `postgres` maintenance database) and returns its URL.
    pub async fn create_database(&self, name: &str) -> String {
        use sqlx::Connection;
        let mut admin = sqlx::PgConnection::connect(&self.url("postgres"))
            .await
            .expect("connect to the maintenance database");
        sqlx::query(&format!("CREATE DATABASE \"{name}\""))
            .execute(&mut admin)
            .await
            .expect("create a test database");
        self.url(name)
    }

    fn wait_until_ready(&mut self, log_path: &Path) -> Result<(), String> {
        let deadline = Instant::now() + STARTUP_LIMIT;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "postgres exited ({status}) before accepting connections:\n{}",
                    read_log(log_path)
                ));
            }
            let ready = command(self.runs_as, &self.bin.join("pg_isready"))
                .args(["-q", "-h", "127.0.0.1", "-p", &self.port.to_string()])
                .status()
                .is_ok_and(|status| status.success());
            if ready && TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "postgres did not accept connections within {STARTUP_LIMIT:?}:\n{}",
                    read_log(log_path)
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for TestPostgres {
    fn drop(&mut self) {
        // SIGQUIT: immediate shutdown, the postmaster takes its backends down with it.
        super::stop_child(&mut self.child, "-QUIT", Duration::from_secs(10));
        let _ = std::io::stderr().flush();
    }
}

/// `program`, run as (uid, gid) when given.
fn command(ids: Option<(u32, u32)>, program: &Path) -> Command {
    let mut command = Command::new(program);
    if let Some((uid, gid)) = ids {
        command.uid(uid).gid(gid);
    }
    command
}

/// The uid and gid of [`SERVICE_USER`].
fn service_ids() -> Result<(u32, u32), String> {
    let id = |flag: &str| -> Result<u32, String> {
        let output = Command::new("id")
            .args([flag, SERVICE_USER])
            .output()
            .map_err(|e| format!("cannot run id: {e}"))?;
        String::from_utf8_lossy(&output.stdout)
            .trim()
            .parse()
            .map_err(|_| {
                format!(
                    "no user `{SERVICE_USER}` to run PostgreSQL as (running as root); \
                     install the Debian package `postgresql`, which creates it"
                )
            })
    };
    Ok((id("-u")?, id("-g")?))
}

/// The folder holding `initdb`, `postgres` and `pg_isready`.
fn server_binaries() -> Result<PathBuf, String> {
    let has_all = |dir: &Path| {
        ["initdb", "postgres", "pg_isready"]
            .iter()
            .all(|name| dir.join(name).is_file())
    };
    if let Some(dir) = std::env::var_os("FAIRLINE_PG_BIN") {
        let dir = PathBuf::from(dir);
        return if has_all(&dir) {
            Ok(dir)
        } else {
            Err(format!(
                "FAIRLINE_PG_BIN={} lacks initdb, postgres or pg_isready",
                dir.display()
            ))
        };
    }
    let on_path = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .unwrap_or_default();
    let mut debian: Vec<(u32, PathBuf)> = std::fs::read_dir(DEBIAN_PG_ROOT)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            Some((version, entry.path().join("bin")))
        })
        .collect();
    debian.sort();
    on_path
        .into_iter()
        .chain(debian.into_iter().rev().map(|(_, dir)| dir))
        .find(|dir| has_all(dir))
        .ok_or_else(|| {
            "the PostgreSQL server binaries (initdb, postgres, pg_isready) are not installed; \
             install the Debian package `postgresql` (`cargo xtask test` does so as root) or \
             name their folder in FAIRLINE_PG_BIN"
                .to_owned()
        })
}

fn running_as_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|meta| meta.uid() == 0)
}

fn free_port() -> Result<u16, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")
        .map_err(|e| format!("cannot find a free port: {e}"))?;
    listener
        .local_addr()
        .map(|addr| addr.port())
        .map_err(|e| format!("cannot find a free port: {e}"))
}

fn read_log(path: &Path) -> String {
    let mut text = String::new();
    let _ = File::open(path).and_then(|mut file| file.read_to_string(&mut text));
    text
}
