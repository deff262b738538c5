//! `fairline-server check FILE`: prints the cohort × day table and every finding, exits 0 only
//! for a campaign that passes, 1 for one with findings and 2 for a file that does not parse.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SERVER: &str = env!("CARGO_BIN_EXE_fairline-server");

fn campaign_path(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../campaigns")
        .join(file)
}

fn run_check(path: &Path) -> (Option<i32>, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = Command::new(SERVER)
        .arg("check")
        .arg(path)
        .output()
        .expect("the server binary runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&stdout),
        String::from_utf8_lossy(&stderr)
    );
    (status.code(), text)
}

/// A scratch copy of a campaign file, removed when dropped.
struct ScratchFile(PathBuf);

impl ScratchFile {
    fn new(name: &str, text: &str) -> Self {
        let path = std::env::temp_dir().join(format!(
            "fairline-check-cli-{}-{name}.toml",
            std::process::id()
        ));
        std::fs::write(&path, text).expect("the temporary directory is writable");
        Self(path)
    }
}

impl Drop for ScratchFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[test]
fn the_korean_campaign_passes_and_prints_its_table() {
    let (code, output) = run_check(&campaign_path("kr-covid19-2021-07.toml"));
    assert_eq!(code, Some(0), "{output}");
    assert!(output.contains("Who can book when"), "{output}");
    assert!(output.contains("2021-07-19 Mon"), "{output}");
    assert!(output.contains("[9] from 20:00"), "{output}");
    assert!(output.contains("Findings: none"), "{output}");
}

#[test]
fn the_example_campaign_passes() {
    let (code, output) = run_check(&campaign_path("example.toml"));
    assert_eq!(code, Some(0), "{output}");
}

#[test]
fn swapping_the_53_54_and_50_52_windows_fails_naming_the_cohort_and_the_example() {
    let korean = std::fs::read_to_string(campaign_path("kr-covid19-2021-07.toml")).unwrap();
    let window_53_54 =
        r#"window = { opens = "2021-07-19T20:00:00+09:00", closes = "2021-07-20T18:00:00+09:00" }"#;
    let window_50_52 =
        r#"window = { opens = "2021-07-20T20:00:00+09:00", closes = "2021-07-24T18:00:00+09:00" }"#;
    assert!(korean.contains(window_53_54) && korean.contains(window_50_52));
    let swapped = korean
        .replace(window_53_54, "@@53@@")
        .replace(window_50_52, window_53_54)
        .replace("@@53@@", window_50_52);
    let file = ScratchFile::new("swapped", &swapped);
    let (code, output) = run_check(&file.0);
    assert_eq!(code, Some(1), "{output}");
    assert!(
        output.contains("example_failed [cohort age-53-54, example \"the July 2021 error"),
        "{output}"
    );
    assert!(output.contains("FAILS"), "{output}");
}

#[test]
fn a_file_that_does_not_parse_exits_2() {
    let file = ScratchFile::new(
        "broken",
        "id = \"broken\"\nopens_at = \"2021-07-32T20:00:00+09:00\"\n",
    );
    let (code, output) = run_check(&file.0);
    assert_eq!(code, Some(2), "{output}");
}

#[test]
fn serve_refuses_to_start_a_campaign_that_fails_its_check() {
    let korean = std::fs::read_to_string(campaign_path("kr-covid19-2021-07.toml")).unwrap();
    let broken = korean.replacen(
        r#"opens = "2021-07-19T20:00:00+09:00""#,
        r#"opens = "2021-07-21T20:00:00+09:00""#,
        1,
    );
    assert_ne!(broken, korean);
    let file = ScratchFile::new("serve-refused", &broken);
    let data = std::env::temp_dir().join(format!("fairline-serve-refused-{}", std::process::id()));
    let output = Command::new(SERVER)
        .args(["serve", "--listen", "127.0.0.1:0", "--campaign"])
        .arg(&file.0)
        .arg("--data")
        .arg(&data)
        .output()
        .expect("the server binary runs");
    let _ = std::fs::remove_dir_all(&data);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("fails its check"), "{stderr}");
    assert!(!String::from_utf8_lossy(&output.stdout).contains("listening on"));
}
