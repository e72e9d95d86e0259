//! The scenarios and their JSON lines: our engine (in a child process), the baseline (in this
//! process, against its own Okdesk simulator) and their ratio.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use onec_model::Snapshot;
use sandbox::demo::DemoWorld;
use sandbox::okdesk::{OkdeskConfig, OkdeskSandbox, RequestStats};
use sandbox::onec::{Configuration, OnecConfig, OnecSandbox};
use serde_json::{json, Value};

use crate::baseline::Naive;
use crate::cli::BenchArgs;
use crate::engine::{self, Variant};
use crate::measure::{round3, secs, Clocks};
use crate::{parse, world};

fn name(s: u8) -> &'static str {
    match s {
        1 => "initial push",
        2 => "push again, nothing changed",
        3 => "push again, some records changed",
        4 => "pull of M issues",
        5 => "bill of K paid issues",
        _ => "parse throughput",
    }
}

/// Requests by method between two readings of the simulator's counters.
fn delta(before: &RequestStats, after: &RequestStats) -> (u64, BTreeMap<String, u64>) {
    let by_method = after
        .by_method
        .iter()
        .map(|(m, n)| (m.clone(), n - before.by_method.get(m).copied().unwrap_or(0)))
        .filter(|(_, n)| *n > 0)
        .collect();
    (after.total - before.total, by_method)
}

/// Seconds in a window of [`windowed_rate`].
const RATE_WINDOW_S: usize = 10;

/// The rate the server saw between `before` and `after`, over `r`, judged on every
/// `RATE_WINDOW_S`-second window (sliding by one second) rather than on average, so that a run
/// that idles for a while between bursts shows it. The first and the last second, partial, are
/// left out; a run shorter than two windows has no verdict (`null`).
fn windowed_rate(before: &RequestStats, after: &RequestStats, r: u32) -> Value {
    let (Some(&first), Some(&last)) = (
        after
            .per_second
            .keys()
            .find(|s| after.per_second[*s] > before.per_second.get(*s).copied().unwrap_or(0)),
        after.per_second.keys().next_back(),
    ) else {
        return Value::Null;
    };
    let seconds: Vec<u64> = (first + 1..last)
        .map(|s| {
            after.per_second.get(&s).copied().unwrap_or(0)
                - before.per_second.get(&s).copied().unwrap_or(0)
        })
        .collect();
    if r == 0 || seconds.len() < 2 * RATE_WINDOW_S {
        return Value::Null;
    }
    let rates: Vec<f64> = seconds
        .windows(RATE_WINDOW_S)
        .map(|w| w.iter().sum::<u64>() as f64 / RATE_WINDOW_S as f64 / f64::from(r))
        .collect();
    let min = rates.iter().copied().fold(f64::INFINITY, f64::min);
    let at_least = rates.iter().filter(|x| **x >= 0.9).count();
    json!({
        "window_s": RATE_WINDOW_S,
        "windows": rates.len(),
        "min_over_r": round3(min),
        "share_of_windows_at_least_0_9_r": round3(at_least as f64 / rates.len() as f64),
    })
}

/// An Okdesk simulator loaded with the demo world's Okdesk side, at the run's latency and limit.
async fn okdesk(args: &BenchArgs, world: &DemoWorld) -> Result<OkdeskSandbox> {
    let config = OkdeskConfig::default()
        .seed(args.seed)
        .world(DemoWorld {
            onec: Snapshot::default(),
            okdesk: world::okdesk_side(&world.okdesk, args.m, args.k),
        })
        .latency(Duration::from_millis(args.latency_ms), Duration::ZERO)
        .rate_limit((args.rate_limit > 0).then_some(args.rate_limit));
    OkdeskSandbox::start(config)
        .await
        .context("starting the Okdesk simulator")
}

/// Runs `f` with the simulator at full speed (setup runs that are not measured).
fn full_speed(sandbox: &OkdeskSandbox) {
    sandbox.set_latency(Duration::ZERO, Duration::ZERO);
    sandbox.set_rate_limit(None);
}

fn measured_speed(sandbox: &OkdeskSandbox, args: &BenchArgs) {
    sandbox.set_latency(Duration::from_millis(args.latency_ms), Duration::ZERO);
    sandbox.set_rate_limit((args.rate_limit > 0).then_some(args.rate_limit));
}

/// The baseline's account and its sample of the 1C base, kept across scenarios 1 → 2 → 3 the
/// way one processor pushes into one account again and again.
struct BaselineSession {
    sandbox: OkdeskSandbox,
    naive: Naive,
    sample: Snapshot,
    factor: f64,
    runs: u32,
    mutated: bool,
}

impl BaselineSession {
    async fn start(args: &BenchArgs, world: &DemoWorld) -> Result<Self> {
        let sandbox = okdesk(args, world).await?;
        let naive = Naive::new(sandbox.api_url(), sandbox.token().to_owned())?;
        let k = match args.baseline_sample {
            0 => args.n,
            k => k.min(args.n),
        };
        let sample = world::sample(&world.onec, k);
        let factor = world::total(&world.onec) as f64 / world::total(&sample).max(1) as f64;
        Ok(BaselineSession {
            sandbox,
            naive,
            sample,
            factor,
            runs: 0,
            mutated: false,
        })
    }

    async fn run(&mut self, scenario: u8, args: &BenchArgs) -> Result<Value> {
        if scenario >= 2 && self.runs == 0 {
            full_speed(&self.sandbox);
            self.naive.push(&self.sample).await?;
            measured_speed(&self.sandbox, args);
            self.runs += 1;
        }
        if scenario == 3 && !self.mutated {
            world::mutate(&mut self.sample, args.change_pct);
            self.mutated = true;
        }
        let before = self.sandbox.stats().requests;
        let clocks = Clocks::start();
        let run = self.naive.push(&self.sample).await?;
        let wall = clocks.wall();
        self.runs += 1;
        let (requests, by_method) = delta(&before, &self.sandbox.stats().requests);
        let rate = requests as f64 / wall.as_secs_f64().max(1e-9);
        let records = world::total(&self.sample);
        Ok(json!({
            "sample_counterparties": self.sample.counterparties.len(),
            "records": records,
            "measured": {
                "wall_s": secs(wall),
                "okdesk_requests": requests,
                "okdesk_requests_by_method": by_method,
                "throttled_429": run.throttled,
                "slept_on_retry_after_s": secs(run.slept),
                "created": run.created,
                "updated": run.updated,
                "failed": run.failed,
                "first_failures": run.failures,
                "achieved_rate_over_r": (args.rate_limit > 0).then(|| round3(rate / f64::from(args.rate_limit))),
                "records_per_s": round3(records as f64 / wall.as_secs_f64().max(1e-9)),
            },
            "extrapolated_to_n": self.factor > 1.0,
            "wall_s": round3(wall.as_secs_f64() * self.factor),
            "okdesk_requests": (requests as f64 * self.factor).round(),
            "note": if self.factor > 1.0 {
                format!("measured on {} of {} counterparties with their children and all directories, scaled by records ×{:.2} (the baseline is sequential, so its time grows linearly with records)", self.sample.counterparties.len(), args.n, self.factor)
            } else {
                "measured on the whole base".to_owned()
            },
        }))
    }
}

/// Our engine over HTTP against its own simulator, with the state file kept across scenarios.
struct OursSession {
    sandbox: OkdeskSandbox,
    onec: OnecSandbox,
    records: usize,
    mutated: Option<usize>,
    _dir: tempfile::TempDir,
    state: PathBuf,
    runs: u32,
}

impl OursSession {
    async fn start(args: &BenchArgs, world: &DemoWorld) -> Result<Self> {
        let sandbox = okdesk(args, world).await?;
        let onec = OnecSandbox::start(
            OnecConfig::new(Configuration::Esti)
                .seed(args.seed)
                .world(world.clone())
                .latency(Duration::from_millis(args.onec_latency_ms)),
        )
        .await
        .context("starting the 1C simulator")?;
        let dir = tempfile::tempdir().context("a temporary directory for the state store")?;
        let state = dir.path().join("state.sqlite");
        Ok(OursSession {
            sandbox,
            onec,
            records: world::total(&world.onec),
            mutated: None,
            _dir: dir,
            state,
            runs: 0,
        })
    }

    async fn run(&mut self, scenario: u8, args: &BenchArgs) -> Result<Value> {
        if scenario >= 2 && self.runs == 0 {
            full_speed(&self.sandbox);
            // The setup is always an initial push (scenario 1): 2 and 3 push again over it, and
            // pull and bill need the mappings it writes.
            self.child(args, 1, 0.0, None).await?;
            measured_speed(&self.sandbox, args);
            self.runs += 1;
        }
        if scenario == 3 && self.mutated.is_none() {
            self.mutated = Some(world::mutate_onec(&self.onec, args.change_pct)?);
        }
        let onec_before = self.onec.stats().total;
        let entities_before = self.sandbox.stats().entities;
        let before = self.sandbox.stats().requests;
        let limit = (args.rate_limit > 0).then_some(args.rate_limit);
        let mut out = self.child(args, scenario, 0.0, limit).await?;
        let onec_requests = self.onec.stats().total - onec_before;
        self.runs += 1;
        let after = self.sandbox.stats();
        let (requests, by_method) = delta(&before, &after.requests);
        let wall = out.get("wall_s").and_then(Value::as_f64).unwrap_or(0.0);
        let created: u64 = out
            .get("counts")
            .and_then(Value::as_object)
            .map(|c| c.values().filter_map(|v| v.get("created")?.as_u64()).sum())
            .unwrap_or(0);
        let grown: i64 = after
            .entities
            .iter()
            .map(|(k, n)| *n as i64 - entities_before.get(k).copied().unwrap_or(0) as i64)
            .sum();
        let mut extra = json!({
            "okdesk_requests_seen_by_server": requests,
            "okdesk_requests_by_method": by_method,
            "achieved_rate_over_r": (args.rate_limit > 0 && wall > 0.0)
                .then(|| round3(requests as f64 / wall / f64::from(args.rate_limit))),
            "rate_over_r_by_window": windowed_rate(&before, &after.requests, args.rate_limit),
            "onec_requests_seen_by_server": onec_requests,
            "changed_in_onec": self.mutated.filter(|_| scenario == 3),
        });
        // Only a push creates Okdesk records one for one; pull writes 1C documents and bill
        // writes comments, so the created-versus-grown check means nothing for them.
        if scenario <= 3 {
            extra["created_by_engine"] = json!(created);
            extra["okdesk_entities_grown"] = json!(grown);
            extra["lost_records"] = json!(created as i64 - grown);
        }
        if let (Value::Object(o), Value::Object(e)) = (&mut out, extra) {
            o.extend(e);
        }
        Ok(out)
    }

    async fn child(
        &self,
        args: &BenchArgs,
        scenario: u8,
        change: f64,
        limit: Option<u32>,
    ) -> Result<Value> {
        let mut extra = vec![
            "--okdesk-url".to_owned(),
            self.sandbox.url(),
            "--state".to_owned(),
            self.state.display().to_string(),
            "--onec-url".to_owned(),
            self.onec.url(),
            "--onec-user".to_owned(),
            self.onec.user().to_owned(),
            "--records".to_owned(),
            self.records.to_string(),
        ];
        if let Some(l) = limit {
            extra.extend(["--rate-limit".to_owned(), l.to_string()]);
        }
        spawn_child(
            args,
            Variant::Http,
            scenario,
            change,
            &extra,
            Some((self.sandbox.token(), self.onec.password())),
        )
        .await
    }
}

/// Runs `okdesk-1c-bench child …` and reads its JSON line.
async fn spawn_child(
    args: &BenchArgs,
    variant: Variant,
    scenario: u8,
    change: f64,
    extra: &[String],
    secrets: Option<(&str, &str)>,
) -> Result<Value> {
    let exe = std::env::current_exe().context("locating this binary")?;
    // A profiler may wrap the child (`OKDESK_BENCH_CHILD_WRAPPER="heaptrack -o /tmp/push"`), so
    // that the engine's own allocations can be profiled over the real simulators.
    let wrapper = std::env::var("OKDESK_BENCH_CHILD_WRAPPER").unwrap_or_default();
    let mut words = wrapper.split_whitespace();
    let mut cmd = match words.next() {
        Some(program) => {
            let mut cmd = std::process::Command::new(program);
            cmd.args(words).arg(exe);
            cmd
        }
        None => std::process::Command::new(exe),
    };
    cmd.arg("child")
        .arg("--variant")
        .arg(match variant {
            Variant::Http => "http",
            Variant::InMemory => "in-memory",
        })
        .args(["--scenario", &scenario.to_string()])
        .args(["--n", &args.n.to_string()])
        .args(["--seed", &args.seed.to_string()])
        .args(["--change-pct", &change.to_string()])
        .args(["--concurrency", &args.concurrency.to_string()])
        .args(extra)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .stdout(Stdio::piped());
    // Secrets travel in the environment, not on the command line where `ps` shows them.
    if let Some((token, password)) = secrets {
        cmd.env("OKDESK_BENCH_TOKEN", token)
            .env("OKDESK_BENCH_ONEC_PASSWORD", password);
    }
    let output = tokio::task::spawn_blocking(move || cmd.output())
        .await
        .context("waiting for the child")?
        .context("running the child")?;
    if !output.status.success() {
        bail!("the child run failed with {}", output.status);
    }
    let text = String::from_utf8_lossy(&output.stdout);
    // The last JSON line: a wrapping profiler may print its own lines after the child's.
    let line = text
        .lines()
        .rev()
        .find(|l| l.starts_with('{'))
        .context("the child printed no JSON line")?;
    serde_json::from_str(line).with_context(|| format!("the child's line is not JSON: {line}"))
}

/// Scenario 4 (pull) or 5 (bill): our engine in a child process over both simulators, after the
/// session's unmeasured setup push (the first time) wrote the mappings both jobs need.
async fn job_line(
    s: u8,
    args: &BenchArgs,
    world: &DemoWorld,
    ours: &mut Option<OursSession>,
) -> Result<Value> {
    let seeded = world::okdesk_side(&world.okdesk, args.m, args.k);
    let mut line = json!({
        "scenario": s,
        "name": name(s),
        "n": args.n,
        "m": args.m,
        "k": args.k,
        "latency_ms": args.latency_ms,
        "rate_limit": args.rate_limit,
        "entities": world::issue_counts(&seeded),
        "onec_side": "the 1C OData simulator (ЭСТИ layout) over HTTP",
        "baseline": "not measured: the 1C processor's baseline covers push only",
    });
    if ours.is_none() {
        *ours = Some(OursSession::start(args, world).await?);
    }
    let session = ours.as_mut().expect("started just above");
    line["ours"] = session.run(s, args).await?;
    Ok(line)
}

/// Runs the selected scenarios, printing each line as soon as it is measured.
pub(crate) async fn run_all(args: &BenchArgs) -> Result<()> {
    let scenarios = args.scenarios()?;
    let world = world::world(args.seed, args.n);
    let mut baseline: Option<BaselineSession> = None;
    let mut ours: Option<OursSession> = None;
    for s in scenarios {
        let line = match s {
            1..=3 => push_line(s, args, &world, &mut baseline, &mut ours).await?,
            4 | 5 => job_line(s, args, &world, &mut ours).await?,
            _ => {
                let path = args
                    .metadata
                    .clone()
                    .unwrap_or_else(|| PathBuf::from(parse::DEFAULT_METADATA));
                let mut line = json!({"scenario": 6, "name": name(6)});
                if let (Value::Object(o), Value::Object(p)) = (
                    &mut line,
                    parse::run(
                        &path,
                        &world.onec,
                        Duration::from_millis(args.parse_budget_ms),
                    )?,
                ) {
                    o.extend(p);
                }
                line
            }
        };
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "{line}")?;
        stdout.flush()?;
    }
    Ok(())
}

async fn push_line(
    s: u8,
    args: &BenchArgs,
    world: &DemoWorld,
    baseline: &mut Option<BaselineSession>,
    ours: &mut Option<OursSession>,
) -> Result<Value> {
    let mut line = json!({
        "scenario": s,
        "name": name(s),
        "n": args.n,
        "latency_ms": args.latency_ms,
        "rate_limit": args.rate_limit,
        "entities": world::counts(&world.onec),
        "records": world::total(&world.onec),
        "onec_side": "ours: the 1C OData simulator (ЭСТИ layout) over HTTP; engine_in_memory: the snapshot in memory; the baseline runs inside 1C and reads nothing over the network",
    });
    if s == 3 {
        let mut copy = world.onec.clone();
        line["changed_records"] = json!(world::mutate(&mut copy, args.change_pct));
    }
    let ours_value = match engine::http_unavailable() {
        Some(why) => {
            line["skipped"] = json!(why);
            None
        }
        None => {
            if ours.is_none() {
                *ours = Some(OursSession::start(args, world).await?);
            }
            let session = ours.as_mut().expect("started just above");
            let v = session.run(s, args).await?;
            line["ours"] = v.clone();
            Some(v)
        }
    };
    line["engine_in_memory"] =
        spawn_child(args, Variant::InMemory, s, args.change_pct, &[], None).await?;
    if args.with_baseline() {
        if baseline.is_none() {
            *baseline = Some(BaselineSession::start(args, world).await?);
        }
        let session = baseline.as_mut().expect("started just above");
        let b = session.run(s, args).await?;
        if let Some(o) = &ours_value {
            let ratio = |ours: Option<f64>, base: Option<f64>| match (ours, base) {
                (Some(a), Some(b)) if b > 0.0 => Some(round3(a / b)),
                _ => None,
            };
            line["ours_vs_baseline"] = json!({
                "wall": ratio(o["wall_s"].as_f64(), b["wall_s"].as_f64()),
                "requests": ratio(o["okdesk_requests_seen_by_server"].as_f64(), b["okdesk_requests"].as_f64()),
            });
        }
        line["baseline"] = b;
    }
    Ok(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(per_second: &[(u64, u64)]) -> RequestStats {
        RequestStats {
            per_second: per_second.iter().copied().collect(),
            ..RequestStats::default()
        }
    }

    #[test]
    fn a_steady_run_holds_the_rate_in_every_window_and_a_gap_shows() {
        let before = stats(&[(99, 7)]);
        let steady: Vec<(u64, u64)> = std::iter::once((99, 7))
            .chain((100..132).map(|s| (s, 20)))
            .collect();
        let v = windowed_rate(&before, &stats(&steady), 20);
        assert_eq!(v["min_over_r"], 1.0);
        assert_eq!(v["share_of_windows_at_least_0_9_r"], 1.0);
        assert_eq!(v["windows"], 21);

        // Five idle seconds in the middle: some windows fall to half the rate.
        let gappy: Vec<(u64, u64)> = steady
            .iter()
            .filter(|(s, _)| !(110..115).contains(s))
            .copied()
            .collect();
        let v = windowed_rate(&before, &stats(&gappy), 20);
        assert_eq!(v["min_over_r"], 0.5);
        assert!(v["share_of_windows_at_least_0_9_r"].as_f64().unwrap() < 1.0);

        // Too short a run for a verdict.
        let short: Vec<(u64, u64)> = (100..110).map(|s| (s, 20)).collect();
        assert!(windowed_rate(&before, &stats(&short), 20).is_null());
    }
}
