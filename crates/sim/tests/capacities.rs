//! Per-kind origin capacities: equal ones are the single-capacity model, a scarce kind sheds more,
//! and a malformed capacities file is refused with an error naming the field (exit code 2).

use std::process::Command;

use fairline_sim::metrics::Measures;
use fairline_sim::scenario::{CapacityOverrides, Population, RequestKind, Scenario};
use fairline_sim::simulate;

fn small() -> Scenario {
    Scenario::from_toml_str(include_str!("../scenarios/small.toml")).expect("small.toml parses")
}

fn run(scenario: &Scenario, population: Population) -> Measures {
    simulate(scenario, population, |_, _| {})
}

#[test]
fn equal_capacities_are_the_single_capacity_model() {
    let default = small();
    let rps = default.origin.capacity_per_server_rps;
    let mut explicit = small();
    explicit.origin.capacities = CapacityOverrides {
        joins_per_s: Some(rps),
        state_requests_per_s: Some(rps),
        admits_per_s: Some(rps),
        bookings_per_s: Some(rps),
    };
    for population in [Population::Naive, Population::Fairline, Population::Mixed] {
        assert_eq!(run(&default, population), run(&explicit, population));
    }
}

#[test]
fn a_scarce_join_capacity_sheds_more_joins() {
    let plenty = small();
    let mut scarce = small();
    scarce.origin.capacities.joins_per_s = Some(2.0);
    assert_eq!(scarce.capacity_per_server(RequestKind::Join), 2.0);
    assert_eq!(
        scarce.capacity_per_server(RequestKind::State),
        plenty.origin.capacity_per_server_rps
    );
    let before = run(&plenty, Population::Fairline);
    let after = run(&scarce, Population::Fairline);
    assert!(
        after.retry_afters_received > 2 * before.retry_afters_received,
        "503 + Retry-After: {} with a scarce join capacity, {} without",
        after.retry_afters_received,
        before.retry_afters_received
    );
    assert!(after.first_position_p50_s > before.first_position_p50_s);
    assert_eq!(after.capacity_per_server[RequestKind::Join.index()], 2.0);
    // Generous capacities for everything shed nothing outside the outage.
    let mut generous = small();
    generous.origin.capacities = CapacityOverrides::from_toml_str(
        "joins_per_s = 1e6\nstate_requests_per_s = 1e6\nadmits_per_s = 1e6\nbookings_per_s = 1e6\n",
    )
    .expect("a valid capacities file");
    let unlimited = run(&generous, Population::Naive);
    assert!(unlimited
        .rows
        .iter()
        .filter(|row| !row.outage)
        .all(|row| row.origin_served == row.origin_requests));
}

#[test]
fn a_scenario_sets_capacities_in_its_origin_table() {
    let text = format!(
        "{}\n[origin.capacities]\njoins_per_s = 40.0\n",
        include_str!("../scenarios/small.toml")
    );
    let scenario = Scenario::from_toml_str(&text).expect("the scenario parses");
    assert_eq!(scenario.capacity_per_server(RequestKind::Join), 40.0);
    assert_eq!(scenario.capacity_per_server(RequestKind::Admit), 150.0);
    let bad = format!("{text}bookings_per_s = 0.0\n");
    let error = Scenario::from_toml_str(&bad).expect_err("a zero capacity");
    assert!(
        error.contains("origin.capacities.bookings_per_s"),
        "{error}"
    );
}

#[test]
fn the_committed_capacities_file_sets_every_kind() {
    let file = CapacityOverrides::from_toml_str(include_str!("../capacities.toml"))
        .expect("crates/sim/capacities.toml is valid");
    for kind in RequestKind::ALL {
        assert!(file.get(kind).is_some(), "{} missing", kind.capacity_key());
    }
    // Written per instance: the join capacity is far below the state capacity.
    assert!(file.joins_per_s < file.state_requests_per_s);
}

#[test]
fn a_malformed_capacities_file_names_the_field() {
    for (text, field) in [
        ("joins_per_s = \"fast\"\n", "joins_per_s"),
        ("bookings_per_s = -807.0\n", "bookings_per_s"),
        ("admits_per_s = 0\n", "admits_per_s"),
        ("state_requests_per_s = nan\n", "state_requests_per_s"),
        ("join_per_s = 5023.0\n", "join_per_s"),
    ] {
        let error = CapacityOverrides::from_toml_str(text).expect_err(text);
        assert!(error.contains(field), "{text:?} gave {error:?}");
    }
    let mut scenario = small();
    scenario.origin.capacities.admits_per_s = Some(-1.0);
    let error = scenario.check().expect_err("a negative capacity");
    assert!(error.contains("origin.capacities.admits_per_s"), "{error}");
}

#[test]
fn the_command_refuses_a_malformed_capacities_file() {
    let dir = std::env::temp_dir().join(format!("fairline-sim-capacities-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp folder");
    let file = dir.join("capacities.toml");
    std::fs::write(&file, "joins_per_s = 5023.0\nbookings_per_s = \"many\"\n").expect("written");
    let output = Command::new(env!("CARGO_BIN_EXE_fairline-sim"))
        .args([
            "--scenario",
            concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/small.toml"),
        ])
        .arg("--capacities")
        .arg(&file)
        .arg("--out")
        .arg(&dir)
        .arg("--quiet")
        .output()
        .expect("the simulator runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("bookings_per_s"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
