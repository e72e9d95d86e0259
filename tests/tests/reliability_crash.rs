//! Crashes: the `okdesk-1c` binary is killed with SIGKILL at random points of a push and of a
//! bill, then run again to completion. The end state must equal an uninterrupted run's over the
//! same world: exact counts, no duplicate in Okdesk, no second 1C invoice or PDF upload, and the
//! SQLite state file intact (`PRAGMA integrity_check`).
//!
//! Kill points are drawn from a seeded generator over the uninterrupted run's duration, so a
//! failure replays. The short suite kills 3 times per job; `OKDESK_1C_LONG_TESTS=1` 10 times.

mod reliability_support;

use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use reliability_support::{assert_same_end_state, long, World};

const SEED: u64 = 3;

fn kills() -> usize {
    if long() {
        10
    } else {
        3
    }
}

/// Latency on both simulators, so that a run lasts long enough for kills to land inside it (the
/// outcome of a run does not depend on latency).
fn slow_down(world: &World) {
    world
        .okdesk()
        .set_latency(Duration::from_millis(25), Duration::from_millis(10));
    world.onec().set_latency(Duration::from_millis(10));
}

/// Starts `args`, kills it with SIGKILL after `delay` (if still running) and reports whether it
/// was killed mid-run.
async fn kill_after(world: &World, args: &[&str], delay: Duration) -> bool {
    let mut child = world.command(args).spawn().unwrap();
    tokio::time::sleep(delay).await;
    let killed = child.try_wait().unwrap().is_none();
    // `Child::kill` sends SIGKILL on Unix: no destructor, no rollback, no unlock runs.
    let _ = child.kill();
    tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    killed
}

/// Runs `args` to completion and returns the parsed `--json` report and the exit code.
async fn complete(world: &World, args: &[&str]) -> (i32, serde_json::Value) {
    let out = world.run(args).await;
    let code = out.status.code().unwrap_or(-1);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?}: stdout is not JSON ({e}):\n{stdout}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (code, report)
}

/// What an uninterrupted push and bill over the world of `SEED` leave behind, and how long each
/// took with the latency of [`slow_down`].
struct Reference {
    end_state: std::collections::BTreeMap<&'static str, Vec<String>>,
    entities: std::collections::BTreeMap<String, u64>,
    documents: std::collections::BTreeMap<String, usize>,
    uploads: std::collections::BTreeMap<u64, Vec<String>>,
    push_time: Duration,
    bill_time: Duration,
}

async fn reference() -> Reference {
    let world = World::start(SEED).await;
    slow_down(&world);
    let started = Instant::now();
    let (code, push) = complete(&world, &["--json", "push"]).await;
    let push_time = started.elapsed();
    assert!(code <= 1, "reference push: {push}");
    let entities = world.okdesk().stats().entities;
    let started = Instant::now();
    let (code, bill) = complete(&world, &["--json", "bill"]).await;
    let bill_time = started.elapsed();
    assert!(code <= 1, "reference bill: {bill}");
    let uploads = world.uploads();
    assert!(
        uploads.values().any(|u| !u.is_empty()),
        "the reference bill uploaded nothing: {bill}"
    );
    Reference {
        end_state: world.end_state(),
        entities,
        documents: world.onec_documents(),
        uploads,
        push_time,
        bill_time,
    }
}

/// Kills one run of `job` at a random point on a fresh world (after a clean push, for bill),
/// until `kills()` kills have landed mid-run; after each, the rerun must end like the reference.
/// Returns (mid-run kills, attempts).
async fn crash_rounds(
    job: &str,
    reference: &Reference,
    rng: &mut rand::rngs::StdRng,
) -> (usize, usize) {
    let span = if job == "push" {
        reference.push_time
    } else {
        reference.bill_time
    };
    let (mut landed, mut attempts) = (0, 0);
    while landed < kills() {
        attempts += 1;
        assert!(
            attempts <= 4 * kills(),
            "{job}: only {landed} of {attempts} kills landed mid-run"
        );
        let world = World::start(SEED).await;
        if job == "bill" {
            let (code, push) = complete(&world, &["--json", "push"]).await;
            assert!(code <= 1, "{push}");
        }
        slow_down(&world);
        let ms = rng.gen_range(30..=span.as_millis().max(60) as u64);
        if !kill_after(&world, &["--json", job], Duration::from_millis(ms)).await {
            continue;
        }
        landed += 1;
        assert_eq!(
            world.integrity(),
            "ok",
            "{job}: state file after a kill at {ms} ms"
        );
        // A second kill right away, when the first left work to do, then the rerun to the end.
        let again = rng.gen_range(30..=span.as_millis().max(60) as u64 / 2);
        kill_after(&world, &["--json", job], Duration::from_millis(again)).await;
        assert_eq!(
            world.integrity(),
            "ok",
            "{job}: state file after a second kill"
        );
        let (code, report) = complete(&world, &["--json", job]).await;
        assert!(code <= 1, "{job} after a kill at {ms} ms: {report}");
        assert_eq!(world.integrity(), "ok");
        assert_same_end_state(&world.end_state(), &reference.end_state);
        if job == "push" {
            assert_eq!(
                world.okdesk().stats().entities,
                reference.entities,
                "kill at {ms} ms"
            );
        } else {
            assert_eq!(
                world.onec_documents(),
                reference.documents,
                "kill at {ms} ms"
            );
            assert_eq!(world.uploads(), reference.uploads, "kill at {ms} ms");
            // A further bill writes nothing at all.
            let (_, more) = complete(&world, &["--json", "bill"]).await;
            assert_eq!(world.onec_documents(), reference.documents, "{more}");
            assert_eq!(world.uploads(), reference.uploads, "{more}");
        }
    }
    (landed, attempts)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_and_bill_killed_at_random_points_end_like_an_uninterrupted_run() {
    let reference = reference().await;
    let mut rng = rand::rngs::StdRng::seed_from_u64(SEED);
    let push = crash_rounds("push", &reference, &mut rng).await;
    let bill = crash_rounds("bill", &reference, &mut rng).await;
    eprintln!(
        "push: {} mid-run kills in {} attempts; bill: {} in {} (reference push {:?}, bill {:?})",
        push.0, push.1, bill.0, bill.1, reference.push_time, reference.bill_time
    );
}
