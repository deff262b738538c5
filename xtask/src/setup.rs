//! Installs what the project needs, checking name and version first so a second run installs
//! nothing. Everything comes from the crates, npm and Debian registries; nothing else is fetched.

use crate::run::{self, command, output, repo_root};

/// Trunk's version: 0.22 needs a newer rustc than the stable toolchain here.
pub const TRUNK_VERSION: &str = "0.21.14";
/// Debian packages for the browser tests, `brotli` for the first-load size budget,
/// `postgresql` for the server's store conformance suite and `nginx` for its tests of several
/// instances behind the shipped `deploy/nginx.conf` (both run as throwaway servers on loopback,
/// and by `cargo xtask cluster`).
const DEBIAN_PACKAGES: [&str; 6] = [
    "chromium",
    "chromium-driver",
    "fonts-noto-cjk",
    "brotli",
    "postgresql",
    "nginx",
];

/// Checks every tool and installs the missing ones.
pub fn ensure_all() -> Result<(), String> {
    println!("== setup: checking tools");
    ensure_debian_packages(&DEBIAN_PACKAGES)?;
    ensure_wasm_target()?;
    ensure_cargo_tool("trunk", "trunk", TRUNK_VERSION, &["--locked"])?;
    let wasm_bindgen = locked_version("wasm-bindgen")?;
    // Without --locked: the CLI's own lockfile names a crate version the registry lacks.
    ensure_cargo_tool("wasm-bindgen", "wasm-bindgen-cli", &wasm_bindgen, &[])?;
    ensure_node()?;
    ensure_npm_packages()?;
    run::status(command("cargo").args(["fetch", "--quiet"]))?;
    println!("present: crates for offline builds (cargo fetch)");
    Ok(())
}

/// Ensures every Debian package in `packages` is installed (`apt-get` as root), saying the
/// version of each one present.
pub fn ensure_debian_packages(packages: &[&str]) -> Result<(), String> {
    let missing: Vec<&str> = packages
        .iter()
        .copied()
        .filter(|package| match debian_version(package) {
            Some(version) => {
                println!("present: {package} {version}");
                false
            }
            None => true,
        })
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let is_root = output(command("id").arg("-u")).as_deref() == Some("0");
    let has_apt = output(command("apt-get").arg("--version")).is_some();
    if !is_root || !has_apt {
        return Err(format!(
            "missing {}: install the Debian packages `{}` (as root: apt-get install {}) and run again",
            missing.join(", "),
            missing.join(" "),
            missing.join(" ")
        ));
    }
    println!("installing: {} (apt-get)", missing.join(", "));
    run::status(command("apt-get").arg("update"))?;
    run::status(
        command("apt-get")
            .args(["install", "-y", "--no-install-recommends"])
            .args(&missing)
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )?;
    for package in missing {
        let version = debian_version(package)
            .ok_or_else(|| format!("{package} is still missing after apt-get install"))?;
        println!("installed: {package} {version}");
    }
    Ok(())
}

/// The installed version of the Debian package `package`, or None when it is not installed.
pub fn debian_version(package: &str) -> Option<String> {
    let status = output(command("dpkg-query").args(["-W", "-f=${Status} ${Version}", package]))?;
    status
        .strip_prefix("install ok installed ")
        .map(str::to_owned)
}

fn ensure_wasm_target() -> Result<(), String> {
    let installed = output(command("rustup").args(["target", "list", "--installed"]))
        .ok_or("rustup is missing: install Rust with rustup and run again")?;
    if installed
        .lines()
        .any(|line| line == "wasm32-unknown-unknown")
    {
        println!("present: rust target wasm32-unknown-unknown");
        return Ok(());
    }
    println!("installing: rust target wasm32-unknown-unknown");
    run::status(command("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

/// Ensures `binary --version` reports `version`, else `cargo install crate_name --version`.
fn ensure_cargo_tool(
    binary: &str,
    crate_name: &str,
    version: &str,
    extra: &[&str],
) -> Result<(), String> {
    let reported = output(command(binary).arg("--version")).unwrap_or_default();
    if reported.split_whitespace().any(|word| word == version) {
        println!("present: {binary} {version}");
        return Ok(());
    }
    if reported.is_empty() {
        println!("installing: {crate_name} {version} (cargo install; takes minutes once)");
    } else {
        println!("installing: {crate_name} {version} (found `{reported}`)");
    }
    run::status(
        command("cargo")
            .args(["install", crate_name, "--version", version, "--force"])
            .args(extra),
    )
}

/// The version of `package` recorded in Cargo.lock.
pub fn locked_version(package: &str) -> Result<String, String> {
    let lock = std::fs::read_to_string(repo_root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let wanted = format!("name = \"{package}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == wanted {
            if let Some(version) = lines
                .next()
                .and_then(|next| next.strip_prefix("version = \""))
            {
                return Ok(version.trim_end_matches('"').to_owned());
            }
        }
    }
    Err(format!("{package} is not in Cargo.lock"))
}

fn ensure_node() -> Result<(), String> {
    let version = output(command("node").arg("--version"))
        .ok_or("node is missing: install Node.js 20 or newer with npm, then run again")?;
    let major: u32 = version
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|major| major.parse().ok())
        .unwrap_or(0);
    if major < 20 {
        return Err(format!(
            "node {version} is too old: install Node.js 20 or newer"
        ));
    }
    println!("present: node {version}");
    Ok(())
}

/// Runs `npm ci` unless every package pinned in package-lock.json is installed at its version.
fn ensure_npm_packages() -> Result<(), String> {
    let pinned = pinned_npm_packages()?;
    let mut missing = Vec::new();
    for (name, version) in &pinned {
        if installed_npm_version(name).as_deref() == Some(version.as_str()) {
            println!("present: npm {name} {version}");
        } else {
            missing.push(format!("{name}@{version}"));
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    println!("installing: npm {} (npm ci)", missing.join(", "));
    run::status(
        command("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"),
    )
}

/// Direct dependencies and their locked versions, read from package-lock.json.
fn pinned_npm_packages() -> Result<Vec<(String, String)>, String> {
    let lock = std::fs::read_to_string(repo_root().join("package-lock.json"))
        .map_err(|e| format!("cannot read package-lock.json: {e}"))?;
    let manifest = std::fs::read_to_string(repo_root().join("package.json"))
        .map_err(|e| format!("cannot read package.json: {e}"))?;
    let mut pinned = Vec::new();
    for name in json_object_keys(&manifest, "\"devDependencies\"") {
        let key = format!("\"node_modules/{name}\"");
        let version = lock
            .find(&key)
            .and_then(|at| json_string_after(&lock[at..], "\"version\""))
            .ok_or_else(|| format!("{name} is not in package-lock.json: run `npm install`"))?;
        pinned.push((name, version));
    }
    Ok(pinned)
}

fn installed_npm_version(name: &str) -> Option<String> {
    let manifest = repo_root()
        .join("node_modules")
        .join(name)
        .join("package.json");
    let text = std::fs::read_to_string(manifest).ok()?;
    json_string_after(&text, "\"version\"")
}

/// The keys of the flat JSON object that follows `key` (enough for package.json's deps).
fn json_object_keys(text: &str, key: &str) -> Vec<String> {
    let Some(start) = text.find(key) else {
        return Vec::new();
    };
    let rest = &text[start + key.len()..];
    let (Some(open), Some(close)) = (rest.find('{'), rest.find('}')) else {
        return Vec::new();
    };
    rest[open + 1..close]
        .split(',')
        .filter_map(|entry| entry.split(':').next())
        .map(|name| name.trim().trim_matches('"').to_owned())
        .filter(|name| !name.is_empty())
        .collect()
}

/// The first string value of `key` in `text`.
fn json_string_after(text: &str, key: &str) -> Option<String> {
    let at = text.find(key)?;
    let rest = &text[at + key.len()..];
    let rest = rest[rest.find(':')? + 1..].trim_start();
    let rest = rest.strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_owned())
}
