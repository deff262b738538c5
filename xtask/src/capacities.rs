//! The per-instance capacities `cargo xtask bench` measured, written for the simulator:
//! `crates/sim/capacities.toml`, which `fairline-sim --capacities` reads so the opening-rush
//! scenario runs against what the real server did on this machine (times the scenario's server
//! count).
//!
//! Each part of the bench writes the figures it measured and keeps the others: `bench` the
//! queue-state requests/s of `fairline-server` itself, `bench scale` the durable joins/s (group
//! commit) and bookings/s of one instance on SQLite. Admits are not measured on their own: the
//! file gives them the join figure (an admit, like a join, checks a signed ticket and writes one
//! row), and says so.

use std::fs;

use crate::run::repo_root;

/// The file, relative to the repository root.
pub(crate) const FILE: &str = "crates/sim/capacities.toml";

/// One figure of the file: its key, value (per second, one instance) and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Figure {
    pub(crate) value: f64,
    pub(crate) note: String,
}

/// The figures a bench part measured (`None`: not measured by this part, keep the file's).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Measured {
    pub(crate) joins_per_s: Option<Figure>,
    pub(crate) state_requests_per_s: Option<Figure>,
    pub(crate) bookings_per_s: Option<Figure>,
}

/// The keys, in the file's order (admits are written from the join figure).
const JOINS: &str = "joins_per_s";
const STATE: &str = "state_requests_per_s";
const ADMITS: &str = "admits_per_s";
const BOOKINGS: &str = "bookings_per_s";

/// A figure of an existing file: `key = value  # note`.
fn read_figure(text: &str, key: &str) -> Option<Figure> {
    text.lines().find_map(|line| {
        let (assignment, note) = line.split_once('#').unwrap_or((line, ""));
        let (name, value) = assignment.split_once('=')?;
        if name.trim() != key {
            return None;
        }
        let value: f64 = value.trim().parse().ok()?;
        (value.is_finite() && value > 0.0).then(|| Figure {
            value,
            note: note.trim().to_owned(),
        })
    })
}

/// The file's new text: `measured` over the figures of `existing` (the file as it was, if any).
/// A figure neither measured nor in the file is left out (the simulator then uses the scenario's
/// capacity for that kind).
pub(crate) fn updated(existing: Option<&str>, measured: &Measured) -> String {
    let keep = |figure: &Option<Figure>, key: &str| {
        figure
            .clone()
            .or_else(|| existing.and_then(|text| read_figure(text, key)))
    };
    let joins = keep(&measured.joins_per_s, JOINS);
    let admits = joins.as_ref().map(|figure| Figure {
        value: figure.value,
        note: "the join figure: the bench does not measure admits on their own".to_owned(),
    });
    let figures = [
        (JOINS, joins),
        (STATE, keep(&measured.state_requests_per_s, STATE)),
        (ADMITS, admits),
        (BOOKINGS, keep(&measured.bookings_per_s, BOOKINGS)),
    ];
    let mut text = String::from(
        "# Requests per second ONE fairline-server instance answered on this machine, written by\n\
         # `cargo xtask bench` (each figure says which run); the simulator multiplies them by the\n\
         # scenario's server count: fairline-sim --capacities crates/sim/capacities.toml\n",
    );
    for (key, figure) in figures {
        if let Some(figure) = figure {
            text.push_str(&format!("{key} = {:.1}", figure.value));
            if !figure.note.is_empty() {
                text.push_str(&format!("  # {}", figure.note));
            }
            text.push('\n');
        }
    }
    text
}

/// Writes [`FILE`] with `measured` over its present figures.
pub(crate) fn write(measured: &Measured) -> Result<(), String> {
    let path = repo_root().join(FILE);
    let existing = fs::read_to_string(&path).ok();
    fs::write(&path, updated(existing.as_deref(), measured))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!("written: {FILE} (the simulator's per-instance capacities)");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figure(value: f64, note: &str) -> Option<Figure> {
        Some(Figure {
            value,
            note: note.to_owned(),
        })
    }

    #[test]
    fn measured_figures_replace_the_files_and_the_rest_are_kept() {
        let first = updated(
            None,
            &Measured {
                state_requests_per_s: figure(106_272.0, "bench 2026-11-22"),
                ..Measured::default()
            },
        );
        assert!(first.contains("state_requests_per_s = 106272.0  # bench 2026-11-22\n"));
        assert!(
            !first.contains("joins_per_s"),
            "nothing measured, nothing written"
        );
        let second = updated(
            Some(&first),
            &Measured {
                joins_per_s: figure(5_023.0, "bench scale 2026-11-23"),
                bookings_per_s: figure(807.0, "bench scale 2026-11-23"),
                ..Measured::default()
            },
        );
        assert_eq!(
            read_figure(&second, STATE),
            figure(106_272.0, "bench 2026-11-22")
        );
        assert_eq!(read_figure(&second, JOINS).map(|f| f.value), Some(5_023.0));
        assert_eq!(read_figure(&second, ADMITS).map(|f| f.value), Some(5_023.0));
        assert_eq!(read_figure(&second, BOOKINGS).map(|f| f.value), Some(807.0));
        // Every line is a comment or `key = number  # note`, the form the simulator reads.
        for line in second.lines().filter(|line| !line.starts_with('#')) {
            let (name, rest) = line.split_once(" = ").expect(line);
            assert!([JOINS, STATE, ADMITS, BOOKINGS].contains(&name), "{line}");
            let value = rest.split("  #").next().unwrap_or(rest);
            assert!(value.parse::<f64>().is_ok_and(|v| v > 0.0), "{line}");
        }
        // Written again with nothing new, the file stays as it is.
        assert_eq!(updated(Some(&second), &Measured::default()), second);
    }

    #[test]
    fn the_committed_file_holds_every_figure() {
        let text = fs::read_to_string(repo_root().join(FILE)).expect("the committed file");
        for key in [JOINS, STATE, ADMITS, BOOKINGS] {
            assert!(read_figure(&text, key).is_some(), "{key} missing");
        }
        assert_eq!(updated(Some(&text), &Measured::default()), text);
    }
}
