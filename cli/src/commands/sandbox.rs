//! `sandbox`: both simulators on localhost with the knobs of `docs/design.md`, their URLs, the token and
//! the 1C login printed, and a ready config written; runs until stopped.

use std::io::Write;
use std::time::Duration;

use anyhow::Result;
use sandbox::demo::DemoSize;
use serde_json::json;

use super::sims::{self, SimOptions};
use crate::args::{SandboxArgs, SizeArg};
use crate::Ctx;

/// Runs `sandbox`.
pub async fn run(ctx: &Ctx<'_>, out: &mut dyn Write, a: &SandboxArgs) -> Result<u8> {
    if !(0.0..=1.0).contains(&a.fault_rate) {
        anyhow::bail!(
            "--fault-rate {} is not a share\n  fix: use a number from 0.0 to 1.0, e.g. 0.05",
            a.fault_rate
        );
    }
    let opts = SimOptions {
        configuration: a.configuration,
        seed: a.seed,
        size: match a.size {
            SizeArg::Small => DemoSize::Small,
            SizeArg::Large => DemoSize::Large,
        },
        okdesk_port: a.okdesk_port,
        onec_port: a.onec_port,
        latency: Duration::from_millis(a.latency_ms),
        rate_limit: a.rate_limit,
        fault_rate: a.fault_rate,
        unpublished: a.unpublish.clone(),
    };
    let sims = sims::start(&opts).await?;
    let state = a.write_config.with_extension("db");
    let written = sims::write_config(&sims, &a.write_config, &state)?;
    let onec = match &sims.onec {
        Ok(h) => json!({
            "url": h.endpoint.url,
            "user": h.endpoint.user,
            "password": h.endpoint.password,
            "configuration": a.configuration.as_str(),
        }),
        Err(why) => json!({"configuration": a.configuration.as_str(), "error": why}),
    };
    if ctx.cli.json {
        let v = json!({
            "okdesk": {"url": sims.okdesk.url(), "token": sims.okdesk.token()},
            "onec": onec,
            "config": written.config.display().to_string(),
        });
        writeln!(out, "{}", serde_json::to_string(&v)?)?;
    } else {
        writeln!(out, "Okdesk simulator: {}", sims.okdesk.url())?;
        writeln!(out, "  API token:      {}", sims.okdesk.token())?;
        match &sims.onec {
            Ok(h) => {
                writeln!(
                    out,
                    "1C simulator ({}): {}",
                    a.configuration.as_str(),
                    h.endpoint.url
                )?;
                writeln!(
                    out,
                    "  user / password: {} / {}",
                    h.endpoint.user, h.endpoint.password
                )?;
            }
            Err(why) => writeln!(out, "1C simulator: not started: {why}")?,
        }
        writeln!(out, "ready config: {}", written.config.display())?;
        writeln!(
            out,
            "try: OKDESK_1C_CONFIG={} okdesk-1c sync\nCtrl-C stops the simulators.",
            written.config.display()
        )?;
    }
    out.flush()?;
    ctx.stop.wait().await;
    if !ctx.cli.json {
        writeln!(out, "simulators stopped")?;
    }
    Ok(crate::EXIT_OK)
}
