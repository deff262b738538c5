//! Failover with real processes: three `fairline-server serve --database postgres://…` on one
//! throwaway PostgreSQL; the instance advancing admission is killed with SIGKILL and another
//! takes over within a few seconds, `admitted_through` never goes backwards on any instance, and
//! every instance serves the same queue.

mod common;

use std::{
    path::Path,
    time::{Duration, Instant},
};

use common::{person, postgres::TestPostgres, start_server};
use fairline_core::wire::QueueState;
use tokio::process::Child;

const CAMPAIGN: &str = "kr-covid19-2021-07";
/// The lease (3 s), a step, and the rehearsal clocks' start-up skew between instances.
const TAKEOVER_LIMIT: Duration = Duration::from_secs(10);

struct Instance {
    child: Child,
    base: String,
}

async fn start(data: &Path, database: &str) -> Instance {
    let (child, base) = start_server(data, &["--database", database, "--admit-rate", "5"]).await;
    Instance { child, base }
}

async fn admitted_through(client: &reqwest::Client, instance: &Instance) -> u64 {
    let url = format!("{}/v1/campaigns/{CAMPAIGN}/queue/state", instance.base);
    let state: QueueState = client.get(url).send().await.unwrap().json().await.unwrap();
    state.admitted_through
}

async fn leads(client: &reqwest::Client, instance: &Instance) -> bool {
    let url = format!("{}/metrics", instance.base);
    let text = client.get(url).send().await.unwrap().text().await.unwrap();
    let line = format!("fairline_admission_leader{{campaign=\"{CAMPAIGN}\"}} 1");
    text.lines().any(|l| l == line)
}

/// The indexes of the instances leading admission now.
async fn leaders(client: &reqwest::Client, instances: &[Instance]) -> Vec<usize> {
    let mut found = Vec::new();
    for (at, instance) in instances.iter().enumerate() {
        if leads(client, instance).await {
            found.push(at);
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killing_the_admission_leader_hands_admission_to_another_instance() {
    let server = TestPostgres::start_or_fail();
    let database = server.create_database("failover").await;
    let data = tempfile::tempdir().unwrap();
    let mut instances = Vec::new();
    // One after another: the first generates the shared secrets, the others read them.
    for _ in 0..3 {
        instances.push(start(data.path(), &database).await);
    }
    let client = reqwest::Client::new();
    for n in 0..60u32 {
        let instance = &instances[usize::try_from(n).unwrap() % 3];
        let url = format!("{}/v1/campaigns/{CAMPAIGN}/queue", instance.base);
        let joined = client.post(url).json(&person(n)).send().await.unwrap();
        assert_eq!(joined.status(), 200);
    }
    let deadline = Instant::now() + TAKEOVER_LIMIT;
    let leader = loop {
        let found = leaders(&client, &instances).await;
        if let [only] = found[..] {
            if admitted_through(&client, &instances[only]).await > 0 {
                break only;
            }
        }
        assert!(
            Instant::now() < deadline,
            "no single leader admitting: {found:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let mut killed = instances.remove(leader);
    killed.child.start_kill().unwrap();
    killed.child.wait().await.unwrap();
    let killed_at = Instant::now();
    let mut seen = Vec::new();
    for instance in &instances {
        seen.push(admitted_through(&client, instance).await);
    }
    let at_kill = seen.iter().copied().max().unwrap();
    loop {
        for (instance, last) in instances.iter().zip(seen.iter_mut()) {
            let now = admitted_through(&client, instance).await;
            assert!(
                now >= *last,
                "admitted_through went back from {last} to {now}"
            );
            *last = now;
        }
        let new_leaders = leaders(&client, &instances).await;
        if new_leaders.len() == 1 && seen.iter().any(|&through| through > at_kill) {
            break;
        }
        assert!(
            killed_at.elapsed() < TAKEOVER_LIMIT,
            "admission stalled at {at_kill} for {TAKEOVER_LIMIT:?} after the leader was killed \
             (leaders now: {new_leaders:?})"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    eprintln!(
        "admission went on {:?} after the leader was killed",
        killed_at.elapsed()
    );
    // Every instance serves the same queue, within a step and the document's reuse (at 5 a
    // second, a few ranks).
    let (a, b) = (
        admitted_through(&client, &instances[0]).await,
        admitted_through(&client, &instances[1]).await,
    );
    assert!(a.abs_diff(b) <= 5, "instances disagree: {a} and {b}");
}
