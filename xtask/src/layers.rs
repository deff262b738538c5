//! Core's shape, checked in the lint stage: `fairline-core` imports no web, server or database
//! crate, and none of its modules imports one that imports it back.
//!
//! `crates/core/src/lib.rs` declares its modules in layers, lowest first, one blank-line-separated
//! run of `pub mod` lines a layer. A module may only name (`crate::…`) modules of its own layer or
//! a lower one, and the imports must not form a circle; each finding names the import to remove.

use std::path::Path;

use crate::run::{self, command};

/// Crates `fairline-core` must never depend on (directly or through others): web, browser,
/// server, async runtime and database crates.
const FORBIDDEN_IN_CORE: &[&str] = &[
    "axum",
    "hyper",
    "tower",
    "tower-http",
    "tokio",
    "reqwest",
    "sqlx",
    "rusqlite",
    "libsqlite3-sys",
    "postgres",
    "tokio-postgres",
    "redis",
    "leptos",
    "wasm-bindgen",
    "js-sys",
    "web-sys",
    "gloo",
    "gloo-net",
    "gloo-timers",
    "gloo-storage",
    "gloo-events",
];

/// Both checks on the real tree; one message listing everything wrong.
pub fn check(root: &Path) -> Result<(), String> {
    let mut problems = module_order_problems(root)?;
    problems.extend(dependency_problems()?);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

/// The layers `lib_rs` declares: each run of `mod NAME;` lines without a blank line between is
/// one layer, lowest first (rustfmt sorts names inside a run, never across a blank line).
pub fn declared_layers(lib_rs: &str) -> Vec<Vec<String>> {
    let mut layers: Vec<Vec<String>> = vec![Vec::new()];
    for line in lib_rs.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            if layers.last().is_some_and(|layer| !layer.is_empty()) {
                layers.push(Vec::new());
            }
            continue;
        }
        let code = trimmed.split("//").next().unwrap_or("").trim();
        let declared = code
            .strip_prefix("pub mod ")
            .or_else(|| code.strip_prefix("mod "))
            .and_then(|rest| rest.strip_suffix(';'));
        if let (Some(name), Some(layer)) = (declared, layers.last_mut()) {
            layer.push(name.trim().to_owned());
        }
    }
    layers.retain(|layer| !layer.is_empty());
    layers
}

/// The first path segment of every `crate::…` the source names outside comments, including
/// grouped imports (`use crate::{a::X, b::{Y, Z}}` names `a` and `b`).
pub fn crate_references(source: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in code_lines(source) {
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            let preceded_by_ident = rest[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_');
            rest = &rest[at + "crate::".len()..];
            if preceded_by_ident {
                continue; // e.g. `fairline_crate::` (not ours)
            }
            if let Some(group) = rest.strip_prefix('{') {
                found.extend(group_heads(group));
            } else {
                found.push(ident_prefix(rest).to_owned());
            }
        }
    }
    found.retain(|name| !name.is_empty() && name != "self");
    found
}

/// Every upward, unknown or circular import among `layers`, given each module's source.
pub fn order_problems(
    layers: &[Vec<String>],
    source_of: impl Fn(&str) -> Option<String>,
) -> Vec<String> {
    let layer_of = |name: &str| {
        layers
            .iter()
            .position(|layer| layer.iter().any(|m| m == name))
    };
    let mut problems = Vec::new();
    let mut edges: Vec<(String, String)> = Vec::new();
    for (layer, modules) in layers.iter().enumerate() {
        for module in modules {
            let Some(source) = source_of(module) else {
                problems.push(format!("core module `{module}` has no source file"));
                continue;
            };
            let mut named = crate_references(&source);
            named.sort();
            named.dedup();
            for target in named.into_iter().filter(|t| t != module) {
                match layer_of(&target) {
                    Some(at) if at <= layer => edges.push((module.clone(), target)),
                    Some(_) => problems.push(format!(
                        "core module `{module}` imports `{target}`, which lib.rs declares in a \
                         higher layer: move the shared item down a layer"
                    )),
                    None => problems.push(format!(
                        "core module `{module}` names `crate::{target}`, which lib.rs does not \
                         declare"
                    )),
                }
            }
        }
    }
    problems.extend(circles(&edges));
    problems
}

/// One message per import circle found by a depth-first walk of `edges` (importer, imported).
fn circles(edges: &[(String, String)]) -> Vec<String> {
    fn walk(
        node: &str,
        edges: &[(String, String)],
        path: &mut Vec<String>,
        done: &mut Vec<String>,
        found: &mut Vec<String>,
    ) {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut circle = path[at..].to_vec();
            circle.push(node.to_owned());
            found.push(format!("core has an import circle: {}", circle.join(" → ")));
            return;
        }
        if done.iter().any(|n| n == node) {
            return;
        }
        path.push(node.to_owned());
        for (_, next) in edges.iter().filter(|(from, _)| from == node) {
            walk(next, edges, path, done, found);
        }
        path.pop();
        done.push(node.to_owned());
    }
    let mut found = Vec::new();
    let mut done = Vec::new();
    for (from, _) in edges {
        walk(from, edges, &mut Vec::new(), &mut done, &mut found);
    }
    found
}

fn module_order_problems(root: &Path) -> Result<Vec<String>, String> {
    let src = root.join("crates/core/src");
    let lib = std::fs::read_to_string(src.join("lib.rs"))
        .map_err(|e| format!("cannot read core's lib.rs: {e}"))?;
    let layers = declared_layers(&lib);
    if layers.is_empty() {
        return Err("core's lib.rs declares no modules".to_owned());
    }
    Ok(order_problems(&layers, |module| {
        std::fs::read_to_string(src.join(format!("{module}.rs")))
            .or_else(|_| std::fs::read_to_string(src.join(module).join("mod.rs")))
            .ok()
    }))
}

/// `cargo tree` of core's normal and build dependencies on every target, against the deny list.
fn dependency_problems() -> Result<Vec<String>, String> {
    let tree = run::output(command("cargo").args([
        "tree",
        "-p",
        "fairline-core",
        "--edges",
        "normal,build",
        "--target",
        "all",
        "--prefix",
        "none",
    ]))
    .ok_or("`cargo tree -p fairline-core` failed")?;
    Ok(forbidden_in_tree(&tree)
        .into_iter()
        .map(|name| format!("fairline-core depends on `{name}` (a web, server or database crate)"))
        .collect())
}

/// The forbidden crate names in a `cargo tree --prefix none` listing.
pub fn forbidden_in_tree(tree: &str) -> Vec<String> {
    let mut found: Vec<String> = tree
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| FORBIDDEN_IN_CORE.contains(name))
        .map(str::to_owned)
        .collect();
    found.sort();
    found.dedup();
    found
}

/// Lines with `//` comments (doc comments included) cut off; string contents are not parsed,
/// which is fine for `use` paths.
fn code_lines(source: &str) -> impl Iterator<Item = &str> {
    source.lines().map(|line| match line.find("//") {
        Some(at) => &line[..at],
        None => line,
    })
}

fn ident_prefix(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// The first segment of each top-level item of a `{…}` group (the text after `{`).
fn group_heads(group: &str) -> Vec<String> {
    let mut heads = Vec::new();
    let mut depth = 0usize;
    let mut at_item_start = true;
    for (index, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => at_item_start = true,
            c if at_item_start && depth == 0 && (c.is_alphanumeric() || c == '_') => {
                heads.push(ident_prefix(&group[index..]).to_owned());
                at_item_start = false;
            }
            _ => {}
        }
    }
    heads
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layers(names: &[&[&str]]) -> Vec<Vec<String>> {
        names
            .iter()
            .map(|layer| layer.iter().map(|n| (*n).to_owned()).collect())
            .collect()
    }

    #[test]
    fn layers_are_runs_of_declarations_between_blank_lines() {
        let lib =
            "//! doc\n\n// 1.\npub mod campaign;\npub mod person;\n// mod old;\n\n\nmod error;\n";
        assert_eq!(
            declared_layers(lib),
            [vec!["campaign", "person"], vec!["error"]]
        );
    }

    #[test]
    fn references_include_grouped_imports_and_skip_comments() {
        let source = "//! See [`crate::estimate::x`].\n\
                      use crate::{campaign::Names, eligibility::{Verdict, VerdictKind}, person::PersonInput};\n\
                      use crate::wire::Signed; // crate::error in a comment\n\
                      fn f() { crate::draw::commitment(&[0; 32]); }\n";
        assert_eq!(
            crate_references(source),
            ["campaign", "eligibility", "person", "wire", "draw"]
        );
    }

    #[test]
    fn a_circle_is_reported_and_a_downward_import_is_not() {
        // person → error → eligibility → person: the circle issue 10 found.
        let order = layers(&[&["person"], &["eligibility"], &["error"]]);
        let sources = |module: &str| {
            Some(
                match module {
                    "person" => "use crate::error::ApiError;",
                    "eligibility" => "use crate::person::Person;",
                    _ => "use crate::eligibility::Verdict;",
                }
                .to_owned(),
            )
        };
        let problems = order_problems(&order, sources);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].contains("`person` imports `error`"),
            "{problems:?}"
        );
        let fixed = |module: &str| {
            Some(
                match module {
                    "person" => "use serde::Serialize;",
                    "eligibility" => "use crate::person::Person;",
                    _ => "use crate::{eligibility::Verdict, person::FieldError};",
                }
                .to_owned(),
            )
        };
        assert!(order_problems(&order, fixed).is_empty());
    }

    #[test]
    fn forbidden_crates_are_found_in_a_tree_listing() {
        let tree = "fairline-core v0.1.0 (crates/core)\nserde v1.0.219\ntokio v1.44.2\nserde v1.0.219\nweb-sys v0.3.77\n";
        assert_eq!(forbidden_in_tree(tree), ["tokio", "web-sys"]);
        assert!(forbidden_in_tree("fairline-core v0.1.0\ntime v0.3.41\n").is_empty());
    }

    #[test]
    fn the_real_core_has_no_upward_import() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let problems = module_order_problems(&root).unwrap();
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn the_real_core_depends_on_no_web_server_or_database_crate() {
        let problems = dependency_problems().unwrap();
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}
