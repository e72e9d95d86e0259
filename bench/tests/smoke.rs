//! Smoke test of the harness at a tiny N with no latency and no rate limit: every scenario prints
//! one JSON line of the documented shape, so CI keeps the benchmark compiling and working. No
//! assertion here is about speed; the request counts are properties of the engine and baseline.

use std::process::Command;

use serde_json::Value;

#[test]
fn every_scenario_prints_one_json_line() {
    let out = Command::new(env!("CARGO_BIN_EXE_okdesk-1c-bench"))
        .args([
            "--scenario",
            "all",
            "--n",
            "6",
            "--latency-ms",
            "0",
            "--rate-limit",
            "0",
            "--baseline-sample",
            "3",
            "--parse-budget-ms",
            "20",
        ])
        .output()
        .expect("the harness runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "harness failed: {stderr}");
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    assert_eq!(lines.len(), 6, "{lines:#?}");
    for (i, line) in lines.iter().enumerate() {
        assert_eq!(line["scenario"].as_u64(), Some(i as u64 + 1), "{line}");
    }

    for line in &lines[..3] {
        assert_eq!(line["entities"]["companies"].as_u64(), Some(6), "{line}");
        let engine = &line["engine_in_memory"];
        assert!(engine["records"].as_u64().unwrap() > 6 * 7, "{engine}");
        assert!(
            engine["wall_s"].is_number() && engine["cpu_s"].is_number(),
            "{engine}"
        );
        let base = &line["baseline"];
        assert_eq!(base["sample_counterparties"].as_u64(), Some(3), "{base}");
        assert_eq!(base["extrapolated_to_n"], Value::Bool(true), "{base}");
        // Every record costs the baseline a search and a write, every run.
        let sent = base["measured"]["okdesk_requests"].as_u64().unwrap();
        assert!(sent >= 2 * base["records"].as_u64().unwrap() - 10, "{base}");
        // Either our HTTP run ran, or the line says why not.
        assert!(
            line.get("ours").is_some() || line["skipped"].is_string(),
            "{line}"
        );
    }
    // Every company of the base is accounted for: created, linked, skipped or failed, none lost.
    let companies = &lines[0]["engine_in_memory"]["counts"]["companies"];
    let accounted: u64 = [
        "created",
        "linked",
        "skipped",
        "failed",
        "unchanged",
        "updated",
    ]
    .iter()
    .map(|k| companies[*k].as_u64().unwrap_or(0))
    .sum();
    assert_eq!(accounted, 6, "{companies}");
    assert!(companies["created"].as_u64().unwrap() >= 1, "{companies}");
    // Pushing an unchanged base again writes nothing, in memory and over HTTP.
    for again in [&lines[1]["engine_in_memory"], &lines[1]["ours"]] {
        assert!(again["okdesk_requests"].as_u64().unwrap() <= 10, "{again}");
        assert!(
            again["okdesk_requests_by_method"].get("POST").is_none(),
            "{again}"
        );
    }
    // With some records changed, only those are written.
    let changed = &lines[2]["engine_in_memory"];
    assert!(
        changed["okdesk_requests"].as_u64().unwrap() >= 1,
        "{changed}"
    );

    assert!(lines[3]["skipped"].is_string() || lines[3].get("ours").is_some());
    assert!(lines[4]["skipped"].is_string() || lines[4].get("ours").is_some());
    let parse = &lines[5];
    assert!(parse["edmx"]["items"].as_u64().unwrap() >= 10, "{parse}");
    assert!(
        parse["json_page"]["items"].as_u64() == Some(1000),
        "{parse}"
    );
    assert!(
        parse["atom"].as_object().is_some_and(|a| !a.is_empty()),
        "{parse}"
    );
}
