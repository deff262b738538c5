//! The widget's first load in brotli, and the budget the test command holds it to.
//!
//! A first load is what a browser fetches to show the widget: `index.html`, the `.js` glue, the
//! `.wasm` and the `.css` Trunk wrote, each compressed with `brotli -q 11` as a server sends it.
//! The budget is one number in `size-budget.txt` at the repository root; the e2e stage fails
//! when a release build's first load exceeds it. Raising it needs a reason in BENCHMARKS.md.

use std::{fs, path::Path};

use crate::run::{command, repo_root};

/// The file holding the budget (a line `first_load_brotli_bytes = N`; `#` starts a comment).
pub const BUDGET_FILE: &str = "size-budget.txt";

/// The files of a first load: raw and brotli sizes.
pub struct FirstLoad {
    /// `(file name, raw bytes, brotli bytes)`.
    pub files: Vec<(String, u64, u64)>,
}

impl FirstLoad {
    /// Raw bytes of every file.
    pub fn raw_bytes(&self) -> u64 {
        self.files.iter().map(|(_, raw, _)| raw).sum()
    }

    /// Brotli bytes of every file.
    pub fn brotli_bytes(&self) -> u64 {
        self.files.iter().map(|(_, _, brotli)| brotli).sum()
    }
}

/// The `.wasm`, `.js`, `.css` and `index.html` Trunk wrote to `dist`, each compressed with
/// `brotli -q 11` as a server would send it.
pub fn first_load_size(dist: &Path) -> Result<FirstLoad, String> {
    let listing = fs::read_dir(dist).map_err(|e| format!("cannot list {}: {e}", dist.display()))?;
    let mut files = Vec::new();
    for entry in listing.map_while(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        // `embed.js` is what a partner's page loads instead of `index.html` (see
        // [`embed_load_size`]); the widget's own page never fetches it.
        let loaded_first = name == "index.html"
            || (!EMBED_FILES.contains(&name.as_str())
                && [".wasm", ".js", ".css"]
                    .iter()
                    .any(|extension| name.ends_with(extension)));
        if !loaded_first || !entry.path().is_file() {
            continue;
        }
        let raw = entry.metadata().map_err(|e| e.to_string())?.len();
        let compressed = command("brotli")
            .args(["-q", "11", "-c"])
            .arg(entry.path())
            .output()
            .map_err(|e| format!("brotli could not start: {e}"))?;
        if !compressed.status.success() {
            return Err(format!("brotli failed on {name}"));
        }
        files.push((name, raw, compressed.stdout.len() as u64));
    }
    files.sort();
    if !files.iter().any(|(name, _, _)| name.ends_with(".wasm")) {
        return Err(format!("no .wasm in {}", dist.display()));
    }
    for (name, raw, brotli) in &files {
        println!("{name}: {raw} bytes, {brotli} bytes in brotli");
    }
    Ok(FirstLoad { files })
}

/// The loader partner pages include (written into the build by `embed/write-embed.mjs`).
pub const EMBED_FILE: &str = "embed.js";
/// What partner pages load and the widget's own page does not: the loader and the iframe helper.
const EMBED_FILES: [&str; 2] = [EMBED_FILE, "embed-frame.js"];

/// What a partner's page fetches to show the widget through `<fairline-booking>`: `embed.js`,
/// then the same glue, wasm and stylesheet as the `page` (not `index.html` or Trunk's
/// initializer).
pub fn embed_load_size(dist: &Path, page: &FirstLoad) -> Result<FirstLoad, String> {
    let mut files: Vec<_> = page
        .files
        .iter()
        .filter(|(name, _, _)| name != "index.html" && !name.ends_with("-loader.js"))
        .cloned()
        .collect();
    let embed = dist.join(EMBED_FILE);
    let raw = fs::metadata(&embed)
        .map_err(|e| format!("no {EMBED_FILE} in {}: {e}", dist.display()))?
        .len();
    let compressed = command("brotli")
        .args(["-q", "11", "-c"])
        .arg(&embed)
        .output()
        .map_err(|e| format!("brotli could not start: {e}"))?;
    files.push((EMBED_FILE.to_owned(), raw, compressed.stdout.len() as u64));
    files.sort();
    Ok(FirstLoad { files })
}

/// File endings worth compressing ahead of time (the hashed widget files and the HTML).
const PRECOMPRESSED: [&str; 5] = [".wasm", ".js", ".css", ".html", ".svg"];

/// Writes `NAME.br` (`brotli -q 11`) and `NAME.gz` (`gzip -9 -n`) beside every file in `dist`
/// worth compressing, so the server sends them precompressed instead of compressing per request.
pub fn precompress(dist: &Path) -> Result<(), String> {
    let listing = fs::read_dir(dist).map_err(|e| format!("cannot list {}: {e}", dist.display()))?;
    let mut written = 0;
    for entry in listing.map_while(Result::ok) {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if !path.is_file() || !PRECOMPRESSED.iter().any(|end| name.ends_with(end)) {
            continue;
        }
        for (program, args, suffix) in [
            ("brotli", &["-q", "11", "-c"][..], "br"),
            ("gzip", &["-9", "-n", "-c"][..], "gz"),
        ] {
            let compressed = command(program)
                .args(args)
                .arg(&path)
                .output()
                .map_err(|e| format!("{program} could not start: {e}"))?;
            if !compressed.status.success() {
                return Err(format!("{program} failed on {name}"));
            }
            fs::write(dist.join(format!("{name}.{suffix}")), &compressed.stdout)
                .map_err(|e| format!("cannot write {name}.{suffix}: {e}"))?;
            written += 1;
        }
    }
    println!(
        "precompressed: {written} files (.br and .gz) in {}",
        dist.display()
    );
    Ok(())
}

/// The budget in `text` (the contents of [`BUDGET_FILE`]).
pub fn parse_budget(text: &str) -> Result<u64, String> {
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        if let Some((key, value)) = line.split_once('=') {
            if key.trim() == "first_load_brotli_bytes" {
                return value.trim().replace('_', "").parse().map_err(|e| {
                    format!("{BUDGET_FILE}: `{}` is not a byte count: {e}", value.trim())
                });
            }
        }
    }
    Err(format!(
        "{BUDGET_FILE} has no `first_load_brotli_bytes = N` line"
    ))
}

/// Measures `dist` and compares it with the budget: Ok with a summary line, or Err saying by how
/// much it is over.
pub fn check_budget(dist: &Path) -> Result<String, String> {
    let text = fs::read_to_string(repo_root().join(BUDGET_FILE))
        .map_err(|e| format!("cannot read {BUDGET_FILE}: {e}"))?;
    let budget = parse_budget(&text)?;
    let load = first_load_size(dist)?;
    let embedded = embed_load_size(dist, &load)?;
    println!(
        "through embed.js (a partner's page): {} bytes in brotli",
        embedded.brotli_bytes()
    );
    judge(load.brotli_bytes(), budget)
}

/// The verdict for a first load of `bytes` against `budget`.
pub fn judge(bytes: u64, budget: u64) -> Result<String, String> {
    if bytes <= budget {
        Ok(format!(
            "first load {bytes} bytes in brotli, within the budget of {budget} ({} to spare)",
            budget - bytes
        ))
    } else {
        Err(format!(
            "first load {bytes} bytes in brotli exceeds the budget of {budget} by {} bytes \
             ({BUDGET_FILE}; raise it only with a reason in BENCHMARKS.md)",
            bytes - budget
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_line_is_read_with_comments_and_separators() {
        let text = "# why: see BENCHMARKS.md\nfirst_load_brotli_bytes = 225_000  # bytes\n";
        assert_eq!(parse_budget(text), Ok(225_000));
        assert!(parse_budget("nothing = 1\n").is_err());
        assert!(parse_budget("first_load_brotli_bytes = lots\n").is_err());
    }

    #[test]
    fn one_byte_over_fails_and_the_limit_itself_passes() {
        assert!(judge(225_000, 225_000).is_ok());
        let over = judge(225_001, 225_000).unwrap_err();
        assert!(over.contains("by 1 bytes"), "{over}");
    }

    #[test]
    fn the_checked_in_budget_parses() {
        let text = fs::read_to_string(repo_root().join(BUDGET_FILE)).unwrap();
        assert!(parse_budget(&text).unwrap() > 0);
    }
}
