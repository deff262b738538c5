//! `fairline-sim`: runs an opening-rush scenario for naive and/or Fairline clients (each
//! population on its own thread, at the same time), prints the comparison table and the wall
//! times, and writes per-second CSV, a summary CSV and an SVG plot.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use fairline_sim::metrics::{per_second_csv, summary_csv, table, Measures};
use fairline_sim::plot::origin_load_svg;
use fairline_sim::scenario::{CapacityOverrides, Population, RequestKind, Scenario};
use fairline_sim::simulate;

const USAGE: &str = "usage: fairline-sim --scenario FILE [--population both|naive|fairline|mixed] \
[--seed N] [--citizens N] [--capacities FILE] [--without-outages] [--out DIR] [--svg FILE] [--quiet]";

struct Options {
    scenario: PathBuf,
    populations: Vec<Population>,
    seed: Option<u64>,
    citizens: Option<u32>,
    capacities: Option<PathBuf>,
    /// Runs the scenario with its outages left out (its name gains `-without-outages`).
    without_outages: bool,
    out: PathBuf,
    svg: Option<PathBuf>,
    quiet: bool,
}

fn parse_args() -> Result<Options, String> {
    let mut args = std::env::args().skip(1);
    let mut options = Options {
        scenario: PathBuf::new(),
        populations: vec![Population::Naive, Population::Fairline],
        seed: None,
        citizens: None,
        capacities: None,
        without_outages: false,
        out: PathBuf::from("sim-out"),
        svg: None,
        quiet: false,
    };
    let mut scenario = None;
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--scenario" => scenario = Some(PathBuf::from(value("--scenario")?)),
            "--population" => {
                options.populations = match value("--population")?.as_str() {
                    "both" => vec![Population::Naive, Population::Fairline],
                    "naive" => vec![Population::Naive],
                    "fairline" => vec![Population::Fairline],
                    "mixed" => vec![Population::Mixed],
                    other => return Err(format!("unknown population `{other}`")),
                }
            }
            "--seed" => {
                options.seed = Some(
                    value("--seed")?
                        .parse()
                        .map_err(|e| format!("--seed: {e}"))?,
                )
            }
            "--citizens" => {
                options.citizens = Some(
                    value("--citizens")?
                        .replace('_', "")
                        .parse()
                        .map_err(|e| format!("--citizens: {e}"))?,
                )
            }
            "--capacities" => options.capacities = Some(PathBuf::from(value("--capacities")?)),
            "--out" => options.out = PathBuf::from(value("--out")?),
            "--svg" => options.svg = Some(PathBuf::from(value("--svg")?)),
            "--quiet" => options.quiet = true,
            "--without-outages" => options.without_outages = true,
            "--help" | "-h" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    options.scenario = scenario.ok_or(USAGE)?;
    Ok(options)
}

/// One progress line on stderr for the runs going on at once, redrawn every 200 ms.
struct Progress {
    labels: Vec<&'static str>,
    /// Per run: the simulated second reached, and the total.
    seconds: Vec<(AtomicU32, AtomicU32)>,
    started: Instant,
    quiet: bool,
}

impl Progress {
    fn new(populations: &[Population], quiet: bool) -> Self {
        Self {
            labels: populations.iter().map(|p| p.name()).collect(),
            seconds: populations
                .iter()
                .map(|_| (AtomicU32::new(0), AtomicU32::new(1)))
                .collect(),
            started: Instant::now(),
            quiet,
        }
    }

    fn update(&self, run: usize, second: u32, total: u32) {
        let (reached, of) = &self.seconds[run];
        reached.store(second + 1, Ordering::Relaxed);
        of.store(total.max(1), Ordering::Relaxed);
    }

    fn draw(&self) {
        if self.quiet {
            return;
        }
        let mut line = String::from("\r");
        for (label, (reached, of)) in self.labels.iter().zip(&self.seconds) {
            let share =
                f64::from(reached.load(Ordering::Relaxed)) / f64::from(of.load(Ordering::Relaxed));
            let filled = ((share * 20.0) as usize).min(20);
            let _ = write!(
                line,
                "{label} [{}{}] {:5.1} %  ",
                "#".repeat(filled),
                " ".repeat(20 - filled),
                share * 100.0
            );
        }
        let _ = write!(
            line,
            "of simulated time, {:.0} s wall ",
            self.started.elapsed().as_secs_f64()
        );
        eprint!("{line}");
        let _ = std::io::stderr().flush();
    }

    fn finish(&self, run: usize, seconds: f64) {
        if !self.quiet {
            eprintln!(
                "\r{:>9} done in {seconds:.1} s{}",
                self.labels[run],
                " ".repeat(90)
            );
        }
    }
}

/// Runs every population at once, one thread each (they share nothing but the scenario), and
/// returns each run's measures with its wall time.
fn run_populations(
    scenario: &Scenario,
    populations: &[Population],
    quiet: bool,
) -> Result<Vec<(Measures, f64)>, String> {
    let progress = Progress::new(populations, quiet);
    std::thread::scope(|scope| {
        let handles: Vec<_> = populations
            .iter()
            .enumerate()
            .map(|(run, &population)| {
                let progress = &progress;
                scope.spawn(move || {
                    let started = Instant::now();
                    let measures = simulate(scenario, population, |second, total| {
                        progress.update(run, second, total)
                    });
                    (measures, started.elapsed().as_secs_f64())
                })
            })
            .collect();
        let mut reported = vec![false; handles.len()];
        while reported.iter().any(|done| !done) {
            std::thread::sleep(Duration::from_millis(200));
            for (run, handle) in handles.iter().enumerate() {
                if handle.is_finished() && !reported[run] {
                    reported[run] = true;
                    let seconds = progress.started.elapsed().as_secs_f64();
                    progress.finish(run, seconds);
                }
            }
            if reported.iter().any(|done| !done) {
                progress.draw();
            }
        }
        handles
            .into_iter()
            .zip(populations)
            .map(|(handle, population)| {
                handle
                    .join()
                    .map_err(|_| format!("the {} run failed", population.name()))
            })
            .collect()
    })
}

/// Which capacity each kind of origin request had, and where it came from: the capacities file,
/// the scenario's `[origin.capacities]`, or its `capacity_per_server_rps`.
fn describe_capacities(scenario: &Scenario, file: Option<&(PathBuf, CapacityOverrides)>) -> String {
    let kinds: Vec<String> = RequestKind::ALL
        .iter()
        .map(|&kind| {
            let source = if file.is_some_and(|(_, overrides)| overrides.get(kind).is_some()) {
                "file"
            } else if scenario.origin.capacities.get(kind).is_some() {
                "scenario"
            } else {
                "default"
            };
            format!(
                "{} {:.0} ({source})",
                kind.capacity_key(),
                scenario.capacity_per_server(kind)
            )
        })
        .collect();
    let file = match file {
        Some((path, _)) => format!(", file {}", path.display()),
        None => String::new(),
    };
    format!(
        "origin capacity per server, requests/s (default {:.0}{file}): {}",
        scenario.origin.capacity_per_server_rps,
        kinds.join(", ")
    )
}

fn write_file(path: &PathBuf, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn run() -> Result<(), String> {
    let options = parse_args()?;
    let text = std::fs::read_to_string(&options.scenario)
        .map_err(|e| format!("{}: {e}", options.scenario.display()))?;
    let mut scenario = Scenario::from_toml_str(&text)?;
    if let Some(seed) = options.seed {
        scenario.seed = seed;
    }
    if let Some(citizens) = options.citizens {
        scenario.citizens = citizens;
    }
    if options.without_outages {
        scenario.outages.clear();
        scenario.name.push_str("-without-outages");
    }
    let file = match &options.capacities {
        Some(path) => {
            let text =
                std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
            let overrides = CapacityOverrides::from_toml_str(&text)
                .map_err(|e| format!("capacities file {}: {e}", path.display()))?;
            Some((path.clone(), overrides))
        }
        None => None,
    };
    println!(
        "scenario {} — {} citizens, seed {}",
        scenario.name, scenario.citizens, scenario.seed
    );
    if let Some((_, overrides)) = &file {
        scenario.origin.capacities = overrides.over(scenario.origin.capacities);
    }
    println!("{}", describe_capacities(&scenario, file.as_ref()));
    let wall = Instant::now();
    let results = run_populations(&scenario, &options.populations, options.quiet)?;
    let runs: Vec<&Measures> = results.iter().map(|(m, _)| m).collect();
    println!("\n{}", table(&runs));
    for (measures, seconds) in &results {
        println!("{:>9} wall time {seconds:.1} s", measures.population);
    }
    if let [naive, fairline] = runs.as_slice() {
        if naive.population == "naive" && fairline.population == "fairline" {
            println!(
                "origin requests, naive / Fairline: {:.1}×",
                naive.origin_requests / fairline.origin_requests.max(1.0)
            );
        }
    }
    let invariants_hold = runs.iter().all(|m| m.invariants.hold());
    println!(
        "invariants: {}",
        if invariants_hold { "hold" } else { "VIOLATED" }
    );
    println!("total wall time {:.1} s", wall.elapsed().as_secs_f64());

    for measures in &runs {
        let path = options.out.join(format!(
            "{}-{}-per-second.csv",
            scenario.name, measures.population
        ));
        write_file(&path, &per_second_csv(measures))?;
    }
    write_file(
        &options.out.join(format!("{}-summary.csv", scenario.name)),
        &summary_csv(&runs),
    )?;
    let capacity: Vec<f64> = runs
        .first()
        .map(|m| {
            m.rows
                .iter()
                .map(|r| f64::from(r.servers) * scenario.capacity_per_server(RequestKind::State))
                .collect()
        })
        .unwrap_or_default();
    let svg_path = options.svg.clone().unwrap_or_else(|| {
        options
            .out
            .join(format!("{}-origin-load.svg", scenario.name))
    });
    let title = format!(
        "{}: origin requests per second, {} citizens",
        scenario.name, scenario.citizens
    );
    write_file(&svg_path, &origin_load_svg(&title, &runs, &capacity))?;
    println!(
        "wrote {} and CSV files under {}",
        svg_path.display(),
        options.out.display()
    );
    if invariants_hold {
        Ok(())
    } else {
        Err("an invariant was violated".into())
    }
}

fn main() {
    if let Err(message) = run() {
        eprintln!("fairline-sim: {message}");
        std::process::exit(2);
    }
}
