//! Running child commands from the repository root with the project's tool folders on PATH.

use std::{
    path::{Path, PathBuf},
    process::{Command, Stdio},
};

/// The repository root (the folder that holds the workspace Cargo.toml).
pub fn repo_root() -> PathBuf {
    let xtask_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    xtask_dir.parent().unwrap_or(xtask_dir).to_path_buf()
}

/// PATH with the npm tools (`node_modules/.bin`, for wasm-opt) and cargo's bin folder first.
pub fn tool_path() -> String {
    let mut parts = vec![repo_root().join("node_modules").join(".bin")];
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        parts.push(PathBuf::from(home).join("bin"));
    } else if let Some(home) = std::env::var_os("HOME") {
        parts.push(PathBuf::from(home).join(".cargo").join("bin"));
    }
    let mut path: Vec<String> = parts.iter().map(|p| p.display().to_string()).collect();
    if let Ok(existing) = std::env::var("PATH") {
        path.push(existing);
    }
    path.join(":")
}

/// A command for `program` run at the repository root with [`tool_path`].
pub fn command(program: &str) -> Command {
    let mut command = Command::new(program);
    command.current_dir(repo_root()).env("PATH", tool_path());
    command
}

/// Runs `command`, streaming its output; Err names the command when it fails or cannot start.
pub fn status(command: &mut Command) -> Result<(), String> {
    let shown = describe(command);
    println!("$ {shown}");
    match command.status() {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!("`{shown}` failed ({status})")),
        Err(e) => Err(format!("`{shown}` could not start: {e}")),
    }
}

/// Runs `command` (stderr shown), echoes its stdout and returns it; Err names `what` failed.
pub fn echoed_stdout(command: &mut Command, what: &str) -> Result<String, String> {
    println!("$ {}", describe(command));
    let finished = command
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("{what} could not start: {e}"))?;
    let printed = String::from_utf8_lossy(&finished.stdout).into_owned();
    print!("{printed}");
    if !finished.status.success() {
        return Err(format!("{what} failed ({})", finished.status));
    }
    Ok(printed)
}

/// Runs `command` quietly and returns its trimmed stdout, or None if it fails or is missing.
pub fn output(command: &mut Command) -> Option<String> {
    let output = command.stderr(Stdio::null()).output().ok()?;
    if !output.status.success() {
        return None;
    }
    Some(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// The command line of `command`, as `status` echoes it.
pub fn describe(command: &Command) -> String {
    let mut shown = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        shown.push(' ');
        shown.push_str(&arg.to_string_lossy());
    }
    shown
}
