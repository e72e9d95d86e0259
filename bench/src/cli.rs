//! The command line: scenario selection and the knobs of the simulated world.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::engine::ChildArgs;

/// Benchmarks okdesk-1c against the sandboxes and against the 1C processor's sequential way.
#[derive(Parser, Debug)]
#[command(name = "okdesk-1c-bench", version)]
pub(crate) struct Cli {
    /// The benchmark knobs.
    #[command(flatten)]
    pub(crate) bench: BenchArgs,
    /// Internal: one measured engine run in a child process.
    #[command(subcommand)]
    pub(crate) command: Option<Command>,
}

/// Internal subcommands.
#[derive(Subcommand, Debug)]
pub(crate) enum Command {
    /// One engine run whose CPU and peak RSS are measured in isolation (spawned by the harness).
    #[command(hide = true)]
    Child(ChildArgs),
}

/// What to run and in what world.
#[derive(Args, Debug, Clone)]
pub(crate) struct BenchArgs {
    /// Scenarios: 1 initial push, 2 push again unchanged, 3 push with 1 % changed, 4 pull of M
    /// issues, 5 bill of K paid issues, 6 parse throughput; a comma list or `all`.
    #[arg(long, default_value = "all")]
    pub(crate) scenario: String,
    /// Counterparties in the 1C base (plus 3N contacts, N contracts, N/2 objects, 2N equipment).
    #[arg(long, default_value_t = 200)]
    pub(crate) n: usize,
    /// Okdesk latency per request, in milliseconds.
    #[arg(long, default_value_t = 50)]
    pub(crate) latency_ms: u64,
    /// 1C OData latency per request, in milliseconds (a 1C server is usually on the LAN).
    #[arg(long, default_value_t = 0)]
    pub(crate) onec_latency_ms: u64,
    /// Okdesk rate limit per token, in requests per second (0: none).
    #[arg(long, default_value_t = 20)]
    pub(crate) rate_limit: u32,
    /// Issues to pull (scenario 4).
    #[arg(long, default_value_t = 100)]
    pub(crate) m: usize,
    /// Paid issues to bill (scenario 5).
    #[arg(long, default_value_t = 20)]
    pub(crate) k: usize,
    /// Measure the 1C processor's baseline in the same run (the default).
    #[arg(long, overrides_with = "no_baseline")]
    pub(crate) baseline: bool,
    /// Skip the baseline.
    #[arg(long, overrides_with = "baseline")]
    pub(crate) no_baseline: bool,
    /// Counterparties the baseline runs on (with their children), extrapolated to N; 0 = all N.
    #[arg(long, default_value_t = 20)]
    pub(crate) baseline_sample: usize,
    /// Share of records changed in scenario 3, in percent.
    #[arg(long, default_value_t = 1.0)]
    pub(crate) change_pct: f64,
    /// Concurrent writes of our engine.
    #[arg(long, default_value_t = 4)]
    pub(crate) concurrency: usize,
    /// The `$metadata` document for scenario 6 (the real УТ 11 capture by default); Atom feeds
    /// are read from the `.xml` files next to it.
    #[arg(long)]
    pub(crate) metadata: Option<PathBuf>,
    /// How long each reader is timed in scenario 6, in milliseconds (at least 3 parses each).
    #[arg(long, default_value_t = 700)]
    pub(crate) parse_budget_ms: u64,
    /// Seed of the demo world.
    #[arg(long, default_value_t = 1)]
    pub(crate) seed: u64,
}

impl BenchArgs {
    /// Whether the baseline runs.
    pub(crate) fn with_baseline(&self) -> bool {
        !self.no_baseline
    }

    /// The selected scenarios, in order.
    pub(crate) fn scenarios(&self) -> anyhow::Result<Vec<u8>> {
        if self.scenario.trim() == "all" {
            return Ok((1..=6).collect());
        }
        let mut out = Vec::new();
        for part in self.scenario.split(',') {
            let n: u8 = part
                .trim()
                .parse()
                .map_err(|_| anyhow::anyhow!("--scenario: `{part}` is not 1..6 or `all`"))?;
            if !(1..=6).contains(&n) {
                anyhow::bail!("--scenario: {n} is not 1..6");
            }
            out.push(n);
        }
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }
}
