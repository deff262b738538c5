//! nginx in front of test instances: the shipped `deploy/nginx.conf` with its placeholders filled
//! (a temporary folder of its own, 127.0.0.1 at a free port, the instances as upstreams), run in
//! the foreground (`daemon off;`) as a child, stopped on drop (SIGTERM: the master stops its
//! workers; SIGKILL if it lingers).
//!
//! Uses the Debian package `nginx` (`cargo xtask test` installs it in setup), found on `PATH` or
//! in `/usr/sbin`; `FAIRLINE_NGINX` names another binary. Missing nginx is an error, never a
//! silent skip.

use std::{
    fs,
    net::TcpStream,
    os::unix::fs::PermissionsExt,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

/// The shipped configuration template.
pub const TEMPLATE: &str = include_str!("../../../../deploy/nginx.conf");
/// How long nginx may take to accept connections.
const STARTUP_LIMIT: Duration = Duration::from_secs(15);

/// The template filled for `listen` (`127.0.0.1:PORT`), the `upstreams` (`127.0.0.1:PORT` each)
/// and the folder `temp`.
pub fn config(temp: &Path, listen: &str, upstreams: &[String]) -> String {
    let servers: Vec<String> = upstreams
        .iter()
        .map(|address| format!("        server {address} max_fails=1 fail_timeout=2s;"))
        .collect();
    TEMPLATE
        .replace("{{temp}}", &temp.display().to_string())
        .replace("{{listen}}", listen)
        .replace("{{upstreams}}", &servers.join("\n"))
}

/// A running nginx, stopped on drop.
pub struct TestNginx {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    folder: tempfile::TempDir,
}

impl TestNginx {
    /// Starts nginx in front of `upstreams` (each `127.0.0.1:PORT` or `http://127.0.0.1:PORT`).
    pub fn start(upstreams: &[String]) -> Result<Self, String> {
        let binary = nginx_binary()?;
        let folder = tempfile::Builder::new()
            .prefix("fairline-nginx-")
            .tempdir()
            .map_err(|e| format!("cannot make a temporary folder: {e}"))?;
        // nginx's workers (another user when it starts as root) reach their caches through it.
        fs::set_permissions(folder.path(), fs::Permissions::from_mode(0o755))
            .map_err(|e| format!("cannot open the folder to nginx's workers: {e}"))?;
        let port = free_port()?;
        let listen = format!("127.0.0.1:{port}");
        let upstreams: Vec<String> = upstreams
            .iter()
            .map(|base| base.trim_start_matches("http://").to_owned())
            .collect();
        let config_path = folder.path().join("nginx.conf");
        fs::write(&config_path, config(folder.path(), &listen, &upstreams))
            .map_err(|e| format!("cannot write nginx.conf: {e}"))?;
        let child = Command::new(&binary)
            .arg("-p")
            .arg(folder.path())
            .arg("-e")
            .arg(folder.path().join("error.log"))
            .arg("-c")
            .arg(&config_path)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let mut nginx = Self {
            child,
            base: format!("http://{listen}"),
            folder,
        };
        let deadline = Instant::now() + STARTUP_LIMIT;
        loop {
            if let Ok(Some(status)) = nginx.child.try_wait() {
                return Err(format!(
                    "nginx exited ({status}) before accepting connections: {}",
                    nginx.error_log()
                ));
            }
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok(nginx);
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "nginx did not listen within {STARTUP_LIMIT:?}: {}",
                    nginx.error_log()
                ));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Starts nginx or fails the test with the reason (never a silent skip).
    pub fn start_or_fail(upstreams: &[String]) -> Self {
        Self::start(upstreams).unwrap_or_else(|reason| panic!("nginx for the tests: {reason}"))
    }

    /// `{base}{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// nginx's error log so far.
    pub fn error_log(&self) -> String {
        fs::read_to_string(self.folder.path().join("error.log")).unwrap_or_default()
    }
}

impl Drop for TestNginx {
    fn drop(&mut self) {
        super::stop_child(&mut self.child, "-TERM", Duration::from_secs(5));
    }
}

/// `FAIRLINE_NGINX`, else `nginx` on `PATH`, else Debian's `/usr/sbin/nginx`.
fn nginx_binary() -> Result<PathBuf, String> {
    if let Some(binary) = std::env::var_os("FAIRLINE_NGINX") {
        return Ok(PathBuf::from(binary));
    }
    let on_path = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .unwrap_or_default();
    on_path
        .into_iter()
        .chain([PathBuf::from("/usr/sbin")])
        .map(|dir| dir.join("nginx"))
        .find(|binary| binary.is_file())
        .ok_or_else(|| {
            "nginx is not installed; install the Debian package `nginx` (`cargo xtask test` does \
             so as root) or name the binary in FAIRLINE_NGINX"
                .to_owned()
        })
}

fn free_port() -> Result<u16, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")
        .map_err(|e| format!("cannot find a free port: {e}"))?;
    listener
        .local_addr()
        .map(|addr| addr.port())
        .map_err(|e| format!("cannot find a free port: {e}"))
}
