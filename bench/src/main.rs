//! `okdesk-1c-bench`: the benchmark harness. It starts the Okdesk simulator in-process with a
//! chosen latency and rate limit, generates a 1C base of N counterparties, runs the scenarios and
//! prints one JSON line per scenario, side by side with the 1C processor's sequential baseline.
//!
//! ```sh
//! cargo run --release -p okdesk-1c-bench -- --scenario all --n 200
//! ```

mod baseline;
mod cli;
mod engine;
mod issue_jobs;
mod measure;
mod parse;
mod scenarios;
mod world;

use anyhow::Result;
use clap::Parser;

use cli::{Cli, Command};

fn main() -> Result<()> {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    match cli.command {
        Some(Command::Child(args)) => {
            let line = runtime.block_on(engine::child(args))?;
            println!("{line}");
        }
        None => runtime.block_on(scenarios::run_all(&cli.bench))?,
    }
    Ok(())
}
