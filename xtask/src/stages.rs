//! The test command's stages: lint, native, wasm (in headless Chromium) and e2e (Playwright
//! against a real `fairline-server`). Each prints one summary line; any failure fails the run.

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
};

use crate::{
    run::{self, command},
    setup,
};

/// Stages in the order they run.
const ALL_STAGES: [&str; 4] = ["lint", "native", "wasm", "e2e"];

/// Chromium flags for a root user on a closed network (no sandbox, no background traffic).
const CHROMIUM_ARGS: &str = "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
     --disable-background-networking --disable-component-update --disable-sync \
     --disable-dev-shm-usage";

/// Counts read from a test runner's closing lines.
#[derive(Default, Clone, Copy)]
struct Counts {
    passed: u64,
    failed: u64,
}

/// Runs the named stages (all when none are named).
pub fn run(requested: &[String]) -> Result<(), String> {
    let stages: Vec<&str> = if requested.is_empty() {
        ALL_STAGES.to_vec()
    } else {
        for stage in requested {
            if !ALL_STAGES.contains(&stage.as_str()) {
                return Err(format!(
                    "unknown stage `{stage}`; stages: {}",
                    ALL_STAGES.join(", ")
                ));
            }
        }
        requested.iter().map(String::as_str).collect()
    };
    setup::ensure_all()?;
    let mut summary = Vec::new();
    let mut total = Counts::default();
    let mut any_failed = false;
    for stage in stages {
        println!("\n== stage {stage}");
        let mut details = Vec::new();
        let result = match stage {
            "lint" => lint(),
            "native" => native(),
            "wasm" => wasm(&mut details),
            _ => e2e(),
        };
        let line = match result {
            Ok(counts) => {
                total.passed += counts.passed;
                total.failed += counts.failed;
                any_failed |= counts.failed > 0;
                let verdict = if counts.failed == 0 { "ok" } else { "FAILED" };
                format!(
                    "stage {stage}: {verdict} ({} passed, {} failed)",
                    counts.passed, counts.failed
                )
            }
            Err(message) => {
                any_failed = true;
                format!("stage {stage}: FAILED: {message}")
            }
        };
        println!("{line}");
        summary.push(line);
        summary.extend(details);
    }
    println!("\n== summary");
    for line in &summary {
        println!("{line}");
    }
    println!("total: {} passed, {} failed", total.passed, total.failed);
    if any_failed {
        Err("some stages failed (see the summary above)".to_owned())
    } else {
        Ok(())
    }
}

/// Core's layers ([`crate::layers`]), `cargo fmt --check`, and clippy with `-D warnings` on
/// native and on wasm32.
fn lint() -> Result<Counts, String> {
    let checks: [&[&str]; 3] = [
        &["fmt", "--all", "--check"],
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
        &[
            "clippy",
            "-p",
            "fairline-core",
            "-p",
            "fairline-check",
            "-p",
            "fairline-widget",
            "--target",
            "wasm32-unknown-unknown",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    ];
    let mut counts = Counts::default();
    println!("$ core layers: no upward module import, no web/server/database crate in its tree");
    match crate::layers::check(&run::repo_root()) {
        Ok(()) => counts.passed += 1,
        Err(message) => {
            println!("lint check failed: core layers:\n{message}");
            counts.failed += 1;
        }
    }
    for args in checks {
        match run::status(command("cargo").args(args)) {
            Ok(()) => counts.passed += 1,
            Err(message) => {
                println!("lint check failed: {message}");
                counts.failed += 1;
            }
        }
    }
    Ok(counts)
}

/// Every crate's native tests.
fn native() -> Result<Counts, String> {
    counted(command("cargo").args(["test", "--workspace"]))
}

/// Packages whose tests also run compiled to wasm32 (never the server: tokio does not build there).
const WASM_PACKAGES: [&str; 3] = ["fairline-core", "fairline-check", "fairline-widget"];

/// Core's suite and the widget's component tests compiled to wasm32, run in headless Chromium
/// through wasm-bindgen-test-runner and chromedriver; one line per package.
fn wasm(details: &mut Vec<String>) -> Result<Counts, String> {
    let mut total = Counts::default();
    for package in WASM_PACKAGES {
        let counts = counted(
            command("cargo")
                .args(["test", "-p", package, "--target", "wasm32-unknown-unknown"])
                .env("WASM_BINDGEN_USE_BROWSER", "1")
                .env("CHROMEDRIVER", "/usr/bin/chromedriver")
                .env("WASM_BINDGEN_TEST_TIMEOUT", "120"),
        )?;
        details.push(format!(
            "  wasm32 {package} in headless Chromium: {} passed, {} failed",
            counts.passed, counts.failed
        ));
        total.passed += counts.passed;
        total.failed += counts.failed;
    }
    for line in details.iter() {
        println!("{line}");
    }
    Ok(total)
}

/// The release widget and its first-load size against the budget, a debug server, and the
/// Playwright suite in `e2e/`.
fn e2e() -> Result<Counts, String> {
    build_widget_release()?;
    let mut budget = Counts::default();
    match crate::size::check_budget(&run::repo_root().join("dist")) {
        Ok(line) => {
            println!("size budget: {line}");
            budget.passed += 1;
        }
        Err(message) => {
            println!("size budget FAILED: {message}");
            budget.failed += 1;
        }
    }
    run::status(command("cargo").args(["build", "-p", "fairline-server"]))?;
    let server = run::repo_root().join("target/debug/fairline-server");
    let browser = counted(
        command("node")
            .args(["--test", "--test-concurrency=1", "e2e/"])
            .env("FAIRLINE_SERVER_BIN", server)
            .env("FAIRLINE_DIST", run::repo_root().join("dist"))
            .env("CHROMIUM_ARGS", CHROMIUM_ARGS),
    )?;
    Ok(Counts {
        passed: browser.passed + budget.passed,
        failed: browser.failed + budget.failed,
    })
}

/// `trunk build --release` into `dist/` (offline, pinned tools; wasm-opt from npm's binaryen),
/// then the `.br` and `.gz` copies the server sends.
pub fn build_widget_release() -> Result<(), String> {
    run::status(command("trunk").args(["build", "--release"]))?;
    crate::size::precompress(&run::repo_root().join("dist"))
}

/// Runs a test command, echoing its output, and adds up the counts its runner reports.
fn counted(command: &mut Command) -> Result<Counts, String> {
    println!("$ {:?}", command.get_args().collect::<Vec<_>>());
    let mut child = command
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start {:?}: {e}", command.get_program()))?;
    let mut counts = Counts::default();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            println!("{line}");
            add_counts(&line, &mut counts);
        }
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    if !status.success() && counts.failed == 0 {
        return Err(format!("exited with {status}"));
    }
    if counts.passed + counts.failed == 0 {
        return Err("no test ran".to_owned());
    }
    Ok(counts)
}

/// Reads `test result: ok. 3 passed; 0 failed` (cargo, wasm-bindgen) and `# pass 3` /
/// `# fail 0` (node's test runner).
fn add_counts(line: &str, counts: &mut Counts) {
    let line = line.trim();
    if let Some(rest) = line.strip_prefix("test result: ") {
        for part in rest.split([';', '.']) {
            let mut words = part.split_whitespace();
            if let (Some(number), Some(label)) = (words.next(), words.next()) {
                if let Ok(number) = number.parse::<u64>() {
                    match label {
                        "passed" => counts.passed += number,
                        "failed" => counts.failed += number,
                        _ => {}
                    }
                }
            }
        }
    } else if let Some(number) = line.strip_prefix("# pass ") {
        counts.passed += number.parse::<u64>().unwrap_or(0);
    } else if let Some(number) = line.strip_prefix("# fail ") {
        counts.failed += number.parse::<u64>().unwrap_or(0);
    }
}

#[cfg(test)]
mod tests {
    use super::{add_counts, Counts};

    #[test]
    fn reads_cargo_and_node_closing_lines() {
        let mut counts = Counts::default();
        add_counts(
            "test result: ok. 12 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.1s",
            &mut counts,
        );
        add_counts("# pass 4", &mut counts);
        add_counts("# fail 2", &mut counts);
        add_counts("running 3 tests", &mut counts);
        assert_eq!((counts.passed, counts.failed), (16, 3));
    }
}
