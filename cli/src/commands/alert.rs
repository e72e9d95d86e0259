//! The failure alert hook of the daemon: a configured command gets the run's JSON on stdin (and in
//! `OKDESK_1C_RUN_JSON`), a webhook gets it POSTed. A hook that fails is logged; it never stops the
//! daemon.

use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use tokio::io::AsyncWriteExt as _;

use crate::config::AlertSettings;

/// How long a hook may take.
const HOOK_TIMEOUT: Duration = Duration::from_secs(30);

/// Calls the configured hooks with the run summary; returns what went wrong, if anything.
pub async fn send(alert: &AlertSettings, summary: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let body = serde_json::to_string(summary).expect("JSON values always serialize");
    if let Some(cmd) = &alert.command {
        if let Err(e) = run_command(cmd, &body).await {
            problems.push(format!("alert command {:?}: {e}", cmd[0]));
        }
    }
    if let Some(url) = &alert.webhook {
        if let Err(e) = post(url, &body).await {
            problems.push(format!("alert webhook: {e}"));
        }
    }
    for p in &problems {
        tracing::warn!(problem = %p, "the alert hook failed");
    }
    problems
}

async fn run_command(cmd: &[String], body: &str) -> Result<(), String> {
    let mut child = tokio::process::Command::new(&cmd[0])
        .args(&cmd[1..])
        .env("OKDESK_1C_RUN_JSON", body)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("cannot start it: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A hook that ignores stdin closes it early; that is not an error.
        let _ = stdin.write_all(body.as_bytes()).await;
        drop(stdin);
    }
    match tokio::time::timeout(HOOK_TIMEOUT, child.wait()).await {
        Ok(Ok(status)) if status.success() => Ok(()),
        Ok(Ok(status)) => Err(format!("exited with {status}")),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err(format!(
            "still running after {} s; killed",
            HOOK_TIMEOUT.as_secs()
        )),
    }
}

async fn post(url: &str, body: &str) -> Result<(), String> {
    let client = reqwest::Client::builder()
        .timeout(HOOK_TIMEOUT)
        .build()
        .map_err(|e| e.to_string())?;
    let response = client
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .map_err(|e| e.without_url().to_string())?;
    if response.status().is_success() {
        Ok(())
    } else {
        Err(format!("HTTP {}", response.status()))
    }
}
