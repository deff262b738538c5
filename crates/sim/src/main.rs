//! `fairline-sim`: runs an opening-rush scenario for naive and/or Fairline clients, prints the
//! comparison table and the wall time, and writes per-second CSV, a summary CSV and an SVG plot.

use std::io::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use fairline_sim::metrics::{per_second_csv, summary_csv, table, Measures};
use fairline_sim::plot::origin_load_svg;
use fairline_sim::scenario::{Population, Scenario};
use fairline_sim::simulate;

const USAGE: &str = "usage: fairline-sim --scenario FILE [--population both|naive|fairline|mixed] \
[--seed N] [--citizens N] [--out DIR] [--svg FILE] [--quiet]";

struct Options {
    scenario: PathBuf,
    populations: Vec<Population>,
    seed: Option<u64>,
    citizens: Option<u32>,
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
            "--out" => options.out = PathBuf::from(value("--out")?),
            "--svg" => options.svg = Some(PathBuf::from(value("--svg")?)),
            "--quiet" => options.quiet = true,
            "--help" | "-h" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    options.scenario = scenario.ok_or(USAGE)?;
    Ok(options)
}

/// A progress bar on stderr, redrawn at most every 200 ms.
struct ProgressBar {
    label: String,
    started: Instant,
    last_drawn: Option<Instant>,
    quiet: bool,
}

impl ProgressBar {
    fn update(&mut self, second: u32, total: u32) {
        if self.quiet {
            return;
        }
        let now = Instant::now();
        if self
            .last_drawn
            .is_some_and(|at| now.duration_since(at).as_millis() < 200)
        {
            return;
        }
        self.last_drawn = Some(now);
        let share = f64::from(second + 1) / f64::from(total.max(1));
        let filled = (share * 30.0) as usize;
        eprint!(
            "\r{:>9} [{}{}] {:5.1} % of simulated time, {:.0} s wall ",
            self.label,
            "#".repeat(filled),
            " ".repeat(30 - filled.min(30)),
            share * 100.0,
            self.started.elapsed().as_secs_f64()
        );
        let _ = std::io::stderr().flush();
    }

    fn finish(&self) {
        if !self.quiet {
            eprintln!(
                "\r{:>9} done in {:.1} s{}",
                self.label,
                self.started.elapsed().as_secs_f64(),
                " ".repeat(50)
            );
        }
    }
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
    println!(
        "scenario {} — {} citizens, seed {}",
        scenario.name, scenario.citizens, scenario.seed
    );
    let wall = Instant::now();
    let mut results: Vec<(Measures, f64)> = Vec::new();
    for &population in &options.populations {
        let mut bar = ProgressBar {
            label: population.name().to_string(),
            started: Instant::now(),
            last_drawn: None,
            quiet: options.quiet,
        };
        let measures = simulate(&scenario, population, |second, total| {
            bar.update(second, total)
        });
        bar.finish();
        results.push((measures, bar.started.elapsed().as_secs_f64()));
    }
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
                .map(|r| f64::from(r.servers) * scenario.origin.capacity_per_server_rps)
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
