//! The `okdesk-1c` CLI end to end, in-process through `okdesk_1c::run_with`, against both
//! simulators: every command, the exit codes, the `--json` shapes (snapshots with the durations,
//! ports and paths filtered out), check's three outcomes, config errors, the daemon doing one
//! scheduled push and stopping, and the token never appearing in any output.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use okdesk_1c::args::ConfigurationArg;
use okdesk_1c::commands::sims::{self, SimOptions, Sims};
use okdesk_1c::{run_with, Env, Session, SharedWriter, Stop};
use serde_json::Value;

/// What one command printed.
struct Output {
    code: u8,
    out: String,
    err: String,
    logs: String,
}

impl Output {
    fn json(&self) -> Value {
        serde_json::from_str(&self.out)
            .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}):\n{}", self.out))
    }
}

fn buffer() -> Arc<Mutex<Vec<u8>>> {
    Arc::new(Mutex::new(Vec::new()))
}

fn text(b: &Arc<Mutex<Vec<u8>>>) -> String {
    String::from_utf8_lossy(&b.lock().unwrap()).into_owned()
}

/// Runs a command line with an isolated environment and a given stop request.
async fn run_in(args: &[&str], env: Env, stop: Stop) -> Output {
    let (err, logs) = (buffer(), buffer());
    let mut session = Session::captured(env, err.clone(), logs.clone());
    session.stop = stop;
    let mut out = Vec::new();
    let argv = std::iter::once("okdesk-1c").chain(args.iter().copied());
    let code = run_with(argv, &mut out, session).await;
    Output {
        code,
        out: String::from_utf8_lossy(&out).into_owned(),
        err: text(&err),
        logs: text(&logs),
    }
}

async fn run(args: &[&str]) -> Output {
    run_in(args, Env::isolated(), Stop::new()).await
}

fn options(configuration: ConfigurationArg) -> SimOptions {
    SimOptions {
        configuration,
        seed: 1,
        size: sandbox::demo::DemoSize::Small,
        okdesk_port: None,
        onec_port: None,
        latency: Duration::ZERO,
        rate_limit: None,
        fault_rate: 0.0,
        unpublished: Vec::new(),
    }
}

/// Both simulators and a ready config in a temp dir.
struct World {
    sims: Sims,
    dir: tempfile::TempDir,
    config: PathBuf,
}

impl World {
    async fn start(configuration: ConfigurationArg) -> World {
        let sims = sims::start(&options(configuration)).await.unwrap();
        assert!(sims.onec.is_ok(), "the 1C simulator must start");
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("okdesk-1c.toml");
        sims::write_config(&sims, &config, &dir.path().join("state.db")).unwrap();
        World { sims, dir, config }
    }

    fn cfg(&self) -> &str {
        self.config.to_str().unwrap()
    }

    /// Rewrites a line of the config.
    fn edit(&self, from: &str, to: &str) -> PathBuf {
        let text = std::fs::read_to_string(&self.config).unwrap();
        assert!(text.contains(from), "{from} not in the config");
        let path = self
            .dir
            .path()
            .join(format!("edited-{}.toml", rand_suffix()));
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
        path
    }
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

/// A port on 127.0.0.1 that nothing listens on.
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    port
}

/// Replaces what changes from run to run (durations, ports, temp paths, ids) in a JSON value.
fn stable(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (k, x) in map.iter_mut() {
                match k.as_str() {
                    "duration_s" => *x = Value::String("[duration]".into()),
                    "run_id" => *x = Value::String("[run]".into()),
                    "config" | "state" | "files" => *x = Value::String("[path]".into()),
                    _ => stable(x),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(stable),
        Value::String(s) => {
            let re_port = s.find("127.0.0.1:").map(|i| {
                let end = s[i + 10..]
                    .find(|c: char| !c.is_ascii_digit())
                    .map_or(s.len(), |e| i + 10 + e);
                (i, end)
            });
            if let Some((i, end)) = re_port {
                s.replace_range(i..end, "127.0.0.1:[port]");
            }
        }
        _ => {}
    }
}

#[tokio::test]
async fn help_lists_every_command_with_examples() {
    let o = run(&["--help"]).await;
    assert_eq!(o.code, 0);
    for c in [
        "check",
        "plan",
        "push",
        "pull",
        "bill",
        "sync",
        "run",
        "status",
        "sandbox",
        "demo",
        "init",
        "completions",
    ] {
        assert!(o.out.contains(c), "{c} missing in help:\n{}", o.out);
    }
    assert!(o.out.contains("Examples:") && o.out.contains("Exit codes"));
    let o = run(&["push", "--help"]).await;
    assert!(o.out.contains("--mode") && o.out.contains("add-only") && o.out.contains("--dry-run"));
    let o = run(&["push", "--mode", "fast"]).await;
    assert_eq!(o.code, 2, "a usage error exits 2");
    assert!(o.err.contains("fast"), "{}", o.err);
}

#[tokio::test]
async fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let o = run(&["completions", shell]).await;
        assert_eq!(o.code, 0, "{shell}: {}", o.err);
        assert!(
            o.out.contains("okdesk-1c") && o.out.contains("sandbox"),
            "{shell}"
        );
    }
}

#[tokio::test]
async fn init_writes_a_config_that_loads_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("okdesk-1c.toml");
    let p = path.to_str().unwrap();
    let o = run(&["init", "--configuration", "esti", "--path", p]).await;
    assert_eq!(o.code, 0, "{}", o.err);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("configuration = \"esti\"") && text.contains("token_env"));
    // The starter config loads: status gets past the config and stops at the missing state file.
    let o = run(&["--config", p, "status"]).await;
    assert_eq!(o.code, 2);
    assert!(o.err.contains("no state file"), "{}", o.err);
    let o = run(&["init", "--path", p]).await;
    assert_eq!(o.code, 2);
    assert!(
        o.err.contains("already exists") && o.err.contains("--force"),
        "{}",
        o.err
    );
    let o = run(&["init", "--print"]).await;
    assert!(o.out.starts_with("# okdesk-1c configuration"));
}

#[tokio::test]
async fn config_errors_name_the_file_the_key_and_a_fix() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(
        &path,
        "[okdesk]\nurl = \"https://acme.okdesk.ru\"\ntoken_env = \"T\"\n[onec]\nconfiguration = \"ut11\"\n\
         url = \"http://srv/trade/odata/standard.odata\"\nuser = \"u\"\n[push]\nmode = \"add-only\"\nbatch_sise = 10\n",
    )
    .unwrap();
    let p = path.to_str().unwrap();
    let o = run(&["--config", p, "push"]).await;
    assert_eq!(o.code, 2);
    assert!(o.err.contains(p), "{}", o.err);
    assert!(o.err.contains("`push.batch_sise`"), "{}", o.err);
    assert!(o.err.contains("line 10"), "{}", o.err);
    assert!(o.err.contains("fix:"), "{}", o.err);
    insta::assert_snapshot!("config_error", o.err.replace(p, "[config]"));
    // With --json the error is one JSON document on stdout.
    let o = run(&["--config", p, "--json", "check"]).await;
    assert_eq!(o.code, 2);
    let v = o.json();
    assert_eq!(v["command"], "check");
    assert_eq!(v["ok"], false);
    assert!(v["error"].as_str().unwrap().contains("push.batch_sise"));
    // A missing config file says how to make one.
    let o = run(&["--config", "/nonexistent/okdesk-1c.toml", "check"]).await;
    assert_eq!(o.code, 2);
    assert!(o.err.contains("okdesk-1c init"), "{}", o.err);
}

#[tokio::test]
async fn check_connected_unreachable_and_unauthorized() {
    let w = World::start(ConfigurationArg::Ut11).await;
    let o = run(&["--config", w.cfg(), "--json", "check"]).await;
    assert_eq!(o.code, 0, "{}{}", o.out, o.err);
    let mut v = o.json();
    assert_eq!(v["okdesk"]["status"], "connected");
    assert_eq!(v["onec"]["status"], "connected");
    assert_eq!(v["onec"]["configuration"], "ut11");
    stable(&mut v);
    insta::assert_json_snapshot!("check_connected", v);

    let o = run(&["--config", w.cfg(), "check"]).await;
    assert!(o.out.contains("Подключение прошло успешно"), "{}", o.out);

    // Unreachable: a closed port on 127.0.0.1.
    let url = w.sims.okdesk.url();
    let closed = w.edit(&url, &format!("http://127.0.0.1:{}", closed_port()));
    let o = run(&["--config", closed.to_str().unwrap(), "--json", "check"]).await;
    assert_eq!(o.code, 2);
    let v = o.json();
    assert_eq!(v["okdesk"]["status"], "unreachable");
    assert!(v["okdesk"]["message"]
        .as_str()
        .unwrap()
        .starts_with("Сервер ОкДеск недоступен"));
    assert_eq!(v["onec"]["status"], "connected");

    // Unauthorized: a wrong token.
    let token_file = w.dir.path().join("wrong-token");
    std::fs::write(&token_file, "wrong-token-value").unwrap();
    let text = std::fs::read_to_string(&w.config).unwrap();
    let wrong = w.dir.path().join("wrong.toml");
    let line = text.lines().find(|l| l.starts_with("token_file")).unwrap();
    std::fs::write(
        &wrong,
        text.replace(line, &format!("token_file = \"{}\"", token_file.display())),
    )
    .unwrap();
    let o = run(&["--config", wrong.to_str().unwrap(), "--json", "check"]).await;
    assert_eq!(o.code, 2);
    let v = o.json();
    assert_eq!(v["okdesk"]["status"], "unauthorized");
    assert!(v["okdesk"]["message"]
        .as_str()
        .unwrap()
        .starts_with("Неверный адрес аккаунта или API-токен"));

    // 1C: a wrong password is unauthorized, a closed port unreachable.
    let onec_url = w.sims.onec.as_ref().unwrap().endpoint.url.clone();
    let pw_line = text
        .lines()
        .find(|l| l.starts_with("password_file"))
        .unwrap();
    let bad_pw = w.dir.path().join("bad-pw.toml");
    std::fs::write(
        &bad_pw,
        text.replace(pw_line, "password_env = \"NO_SUCH_PASSWORD\""),
    )
    .unwrap();
    let env = Env::isolated().set("NO_SUCH_PASSWORD", "wrong");
    let o = run_in(
        &["--config", bad_pw.to_str().unwrap(), "--json", "check"],
        env,
        Stop::new(),
    )
    .await;
    assert_eq!(o.code, 2);
    assert_eq!(o.json()["onec"]["status"], "unauthorized");
    let closed = w.edit(
        &onec_url,
        &format!(
            "http://127.0.0.1:{}/base/odata/standard.odata",
            closed_port()
        ),
    );
    let o = run(&["--config", closed.to_str().unwrap(), "--json", "check"]).await;
    assert_eq!(o.json()["onec"]["status"], "unreachable");
}

#[tokio::test]
async fn push_reports_json_and_exit_codes() {
    let w = World::start(ConfigurationArg::Ut11).await;
    let cfg = w.cfg();
    // Dry run first: the plan, nothing written.
    let o = run(&["--config", cfg, "--json", "plan", "push"]).await;
    let plan = o.json();
    assert_eq!(plan["command"], "plan");
    assert_eq!(plan["job"], "push");
    assert_eq!(plan["dry_run"], true);
    assert!(w.sims.okdesk.stats().entities["companies"] <= 6);
    // For a person, the plan lists every record that would change.
    let o = run(&["--config", cfg, "plan", "push", "--only", "companies"]).await;
    assert_eq!(o.code, 1, "a record would fail: {}{}", o.out, o.err);
    assert!(o.out.starts_with("push plan, mode full:"), "{}", o.out);
    assert!(o.out.contains("+ create") && o.out.contains("= link") && o.out.contains("! fail"));
    assert!(!o.out.contains("contacts ("), "--only companies: {}", o.out);
    let o = run(&["--config", cfg, "--json", "push", "--dry-run"]).await;
    assert_eq!(o.json()["dry_run"], true);

    // The demo data has deliberate defects: the push finishes with record failures, exit 1.
    let o = run(&["--config", cfg, "--json", "push"]).await;
    assert_eq!(o.code, 1, "{}", o.err);
    let mut v = o.json();
    assert_eq!(v["command"], "push");
    assert!(v["counts"]["companies"]["created"].as_u64().unwrap() > 0);
    let failure = &v["failures"][0];
    for key in ["entity", "key", "name", "field", "message"] {
        assert!(failure.get(key).is_some(), "failure lacks {key}: {failure}");
    }
    stable(&mut v);
    insta::assert_json_snapshot!("push_first", v, {".requests" => "[requests]"});

    // A second push changes nothing; the failures are retried and still fail.
    let o = run(&["--config", cfg, "--json", "push"]).await;
    let v = o.json();
    assert_eq!(v["counts"]["companies"]["created"], 0);
    assert_eq!(v["counts"]["companies"]["updated"], 0);

    // Only what is asked; add-only mode.
    let o = run(&[
        "--config",
        cfg,
        "--json",
        "push",
        "--only",
        "agreements",
        "--mode",
        "add-only",
    ])
    .await;
    let v = o.json();
    assert_eq!(o.code, 0, "{}", o.out);
    assert_eq!(v["mode"], "add-only");
    assert!(v["counts"].get("companies").is_none(), "{v}");
    let o = run(&["--config", cfg, "push", "--only", "companys"]).await;
    assert_eq!(o.code, 2);
    assert!(o.err.contains("companys"), "{}", o.err);

    // The human table.
    let o = run(&["--config", cfg, "push"]).await;
    assert!(o.out.contains("entity") && o.out.contains("created") && o.out.contains("total"));
    assert!(o.out.contains("Ошибки"), "{}", o.out);
}

/// The sets the real УТ 11 capture (`conformance/onec/ut11-trade-demo`) publishes.
fn capture_sets() -> Vec<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../conformance/onec/ut11-trade-demo/msg001_metadata.xml");
    let text = std::fs::read_to_string(path).unwrap();
    text.split("<EntitySet Name=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_owned)
        .collect()
}

/// A base published like the real УТ 11 capture (counterparties, items and orders, but no
/// partners, contacts, contracts, organizations or bank accounts): push syncs what is published,
/// names each kind it cannot read with its set, and exits 1; `check` says what each job can do.
#[tokio::test]
async fn a_partial_publication_like_the_real_capture_pushes_what_is_published() {
    let published = capture_sets();
    assert!(published.iter().any(|s| s == "Catalog_Контрагенты"));
    let unpublished: Vec<String> = [
        "Catalog_Партнеры",
        "Catalog_КонтактныеЛицаПартнеров",
        "Catalog_ДоговорыКонтрагентов",
        "Catalog_Организации",
        "Catalog_БанковскиеСчетаОрганизаций",
        "Catalog_КлассификаторБанков",
        "Catalog_Пользователи",
        "Catalog_СтавкиНДС",
        "Catalog_ВидыКонтактнойИнформации",
        "Catalog_УпаковкиЕдиницыИзмерения",
        "Document_СчетНаОплатуКлиенту",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    for set in &unpublished {
        assert!(!published.contains(set), "the capture publishes {set}");
    }
    let mut opts = options(ConfigurationArg::Ut11);
    opts.unpublished = unpublished;
    let sims = sims::start(&opts).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("okdesk-1c.toml");
    sims::write_config(&sims, &config, &dir.path().join("state.db")).unwrap();
    let cfg = config.to_str().unwrap();

    let o = run(&["--config", cfg, "--json", "check"]).await;
    let v = o.json();
    assert_eq!(o.code, 1, "{v}");
    assert_eq!(v["onec"]["jobs"]["push"]["can_run"], "partly", "{v}");
    assert_eq!(v["onec"]["jobs"]["bill"]["can_run"], "no", "{v}");
    assert_eq!(v["onec"]["jobs"]["pull"]["can_run"], "unsupported", "{v}");

    let o = run(&["--config", cfg, "plan", "push"]).await;
    assert_eq!(o.code, 1, "{}{}", o.out, o.err);
    assert!(o.out.contains("Not published in 1C"), "{}", o.out);
    assert!(
        o.out.contains("Catalog_КонтактныеЛицаПартнеров"),
        "{}",
        o.out
    );

    let o = run(&["--config", cfg, "--json", "push"]).await;
    let v = o.json();
    assert_eq!(o.code, 1, "{v}");
    assert!(
        v["counts"]["companies"]["created"].as_u64().unwrap() > 0,
        "{v}"
    );
    let unread: Vec<(String, String)> = v["failures"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["key"].as_str().is_some_and(|k| k.starts_with("Catalog_")))
        .map(|f| {
            (
                f["entity"].as_str().unwrap().to_owned(),
                f["key"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        unread.contains(&("contacts".into(), "Catalog_КонтактныеЛицаПартнеров".into())),
        "{unread:?}"
    );
    assert!(
        unread.contains(&("agreements".into(), "Catalog_ДоговорыКонтрагентов".into())),
        "{unread:?}"
    );
    // Each kind is reported once, and the message says how to publish the set.
    assert_eq!(unread.iter().filter(|(e, _)| e == "contacts").count(), 1);
    let message = v["failures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["entity"] == "contacts")
        .unwrap()["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(message.contains("интерфейса OData"), "{message}");
    // Push never reads what it does not need: the bank accounts are not even asked for.
    let stats = sims.onec.as_ref().unwrap().server.stats();
    assert!(
        !stats
            .by_request
            .keys()
            .any(|k| k.contains("БанковскиеСчета") || k.contains("СтавкиНДС")),
        "{:?}",
        stats.by_request.keys().collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn pull_and_bill_commands() {
    let w = World::start(ConfigurationArg::Unf).await;
    let cfg = w.cfg();
    let o = run(&["--config", cfg, "push"]).await;
    assert_eq!(o.code, 1, "{}", o.err);
    let o = run(&["--config", cfg, "--json", "plan", "pull"]).await;
    let v = o.json();
    assert_eq!(
        (v["command"].as_str(), v["job"].as_str()),
        (Some("plan"), Some("pull"))
    );
    assert_eq!(v["dry_run"], true);
    let o = run(&["--config", cfg, "--json", "pull", "--dry-run"]).await;
    assert_eq!(o.code, 0, "{}{}", o.out, o.err);
    let o = run(&["--config", cfg, "--json", "pull"]).await;
    assert_eq!(o.code, 0, "{}{}", o.out, o.err);
    let v = o.json();
    let tasks = v["counts"]["tasks"]["created"].as_u64().unwrap();
    assert!(tasks > 0, "{v}");
    // Nothing changed in Okdesk: a second pull writes nothing; --since re-reads and still writes
    // nothing new (idempotent by issue and version).
    let o = run(&["--config", cfg, "--json", "pull"]).await;
    assert_eq!(
        o.json()["counts"]["tasks"]["created"].as_u64().unwrap_or(0),
        0
    );
    let o = run(&["--config", cfg, "--json", "pull", "--since", "2020-01-01"]).await;
    assert_eq!(o.code, 0, "{}", o.err);
    assert_eq!(
        o.json()["counts"]["tasks"]["created"].as_u64().unwrap_or(0),
        0
    );
    let o = run(&["--config", cfg, "pull", "--since", "yesterday"]).await;
    assert_eq!(o.code, 2);

    let o = run(&["--config", cfg, "--json", "plan", "bill"]).await;
    assert_eq!(o.json()["job"], "bill");
    let o = run(&["--config", cfg, "--json", "bill"]).await;
    // One paid issue belongs to a company made by hand in Okdesk only: a record failure, exit 1.
    assert_eq!(o.code, 1, "{}{}", o.out, o.err);
    let v = o.json();
    let created = v["counts"]["invoices"]["created"].as_u64().unwrap();
    assert!(created > 0, "{v}");
    assert_eq!(
        v["counts"]["invoice_files"]["created"].as_u64().unwrap(),
        created
    );
    // Exactly once per issue: a second bill creates no invoice.
    let o = run(&["--config", cfg, "--json", "bill"]).await;
    assert_eq!(
        o.json()["counts"]["invoices"]["created"]
            .as_u64()
            .unwrap_or(0),
        0
    );
    let pdfs: usize = w
        .sims
        .okdesk
        .issue_ids()
        .into_iter()
        .map(|id| w.sims.okdesk.issue_attachments(id).len())
        .sum();
    assert!(pdfs as u64 >= created);
}

#[tokio::test]
async fn a_second_run_on_the_same_state_is_refused() {
    let w = World::start(ConfigurationArg::Ut11).await;
    let state = w.dir.path().join("state.db");
    let mut store = okdesk_1c::commands::jobs::open_state(&state).unwrap();
    let _token = store.lock("another").unwrap();
    let o = run(&["--config", w.cfg(), "push"]).await;
    assert_eq!(o.code, 2, "{}", o.out);
    assert!(o.err.contains("another run"), "{}", o.err);
}

#[tokio::test]
async fn sync_then_status() {
    let w = World::start(ConfigurationArg::Esti).await;
    let o = run(&["--config", w.cfg(), "--json", "sync"]).await;
    assert!(o.code == 0 || o.code == 1, "{}{}", o.out, o.err);
    let v = o.json();
    assert_eq!(v["command"], "sync");
    assert_eq!(v["jobs"]["push"]["command"], "push");
    assert!(
        v["jobs"]["pull"]["counts"]["tasks"]["created"]
            .as_u64()
            .unwrap()
            > 0,
        "{v}"
    );
    assert!(
        v["jobs"]["bill"]["counts"]["invoices"]["created"]
            .as_u64()
            .unwrap()
            > 0,
        "{v}"
    );
    assert!(v.get("not_available").is_none(), "{v}");
    let o = run(&["--config", w.cfg(), "--json", "status"]).await;
    assert_eq!(o.code, 0, "{}", o.err);
    let v = o.json();
    let runs = v["runs"].as_array().unwrap();
    let commands: Vec<&str> = runs
        .iter()
        .map(|r| r["command"].as_str().unwrap())
        .collect();
    assert_eq!(commands, ["bill", "pull", "push"], "newest first");
    assert!(runs[2]["duration_s"].as_f64().is_some());
    assert!(runs[2]["counts"]["equipment"]["created"].as_u64().unwrap() > 0);
    assert!(
        v["cursors"]
            .as_object()
            .unwrap()
            .contains_key("pull.updated_since"),
        "{v}"
    );
    assert!(
        !v["failures"].as_array().unwrap().is_empty(),
        "failures wait for retry"
    );
    let o = run(&["--config", w.cfg(), "status"]).await;
    assert!(o.out.contains("last runs") && o.out.contains("failures waiting for retry"));
    assert!(o.out.contains("cursors"));
}

#[tokio::test]
async fn the_daemon_does_one_scheduled_push_alerts_and_stops() {
    let w = World::start(ConfigurationArg::Ut11).await;
    let alert_file = w.dir.path().join("alert.json");
    let text = std::fs::read_to_string(&w.config).unwrap();
    let text = text
        .replace("push = \"*/5 * * * *\"", "push = \"* * * * * *\"")
        .replace("pull = \"*/2 * * * *\"\n", "");
    let alert = if cfg!(unix) {
        format!(
            "\n[alert]\ncommand = [\"sh\", \"-c\", \"cat > '{}'\"]\n",
            alert_file.display()
        )
    } else {
        String::new()
    };
    let config = w.dir.path().join("daemon.toml");
    std::fs::write(&config, format!("{text}{alert}")).unwrap();
    let state = w.dir.path().join("state.db");
    let stop = Stop::new();
    let watcher = {
        let stop = stop.clone();
        async move {
            // Bounded: 30 s at most for the first scheduled run to finish.
            for _ in 0..300 {
                tokio::time::sleep(Duration::from_millis(100)).await;
                if let Ok(store) = okdesk_1c::commands::jobs::open_state(&state) {
                    let runs = store.last_runs(5).unwrap_or_default();
                    if runs
                        .iter()
                        .any(|r| r.command == "push" && r.finished_at.is_some())
                    {
                        break;
                    }
                }
            }
            stop.stop();
        }
    };
    let cfg = config.to_str().unwrap().to_owned();
    let args = ["--config", cfg.as_str(), "run"];
    let daemon = run_in(&args, Env::isolated(), stop.clone());
    let (o, ()) = tokio::time::timeout(Duration::from_secs(60), async {
        tokio::join!(daemon, watcher)
    })
    .await
    .expect("the daemon stops within the time bound");
    assert_eq!(o.code, 0, "{}{}", o.out, o.err);
    assert!(o.out.contains("push on \"* * * * * *\""), "{}", o.out);
    assert!(o.out.contains("push: finished with problems"), "{}", o.out);
    assert!(o.out.contains("stopped after"), "{}", o.out);
    if cfg!(unix) {
        let sent: Value =
            serde_json::from_str(&std::fs::read_to_string(&alert_file).unwrap()).unwrap();
        assert_eq!(sent["command"], "push");
        assert_eq!(sent["ok"], false);
    }
    // Without a schedule the daemon has nothing to do: a config error naming the fix.
    let text = std::fs::read_to_string(&w.config).unwrap();
    let start = text.find("[schedule]").unwrap();
    let no_schedule = w.dir.path().join("no-schedule.toml");
    std::fs::write(&no_schedule, &text[..start]).unwrap();
    let o = run(&["--config", no_schedule.to_str().unwrap(), "run"]).await;
    assert_eq!(o.code, 2);
    assert!(
        o.err.contains("[schedule]") && o.err.contains("fix:"),
        "{}",
        o.err
    );
}

#[tokio::test]
async fn the_sandbox_command_prints_its_json_and_serves_until_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("sb.toml");
    let stop = Stop::new();
    let out = buffer();
    let (err, logs) = (buffer(), buffer());
    let mut session = Session::captured(Env::isolated(), err.clone(), logs);
    session.stop = stop.clone();
    let cfg = config.to_str().unwrap().to_owned();
    let args = vec![
        "okdesk-1c".to_owned(),
        "--json".into(),
        "sandbox".into(),
        "--configuration".into(),
        "unf".into(),
        "--write-config".into(),
        cfg.clone(),
    ];
    let mut writer = SharedWriter(out.clone());
    let server = run_with(args, &mut writer, session);
    let client = async {
        let mut line = String::new();
        for _ in 0..200 {
            tokio::time::sleep(Duration::from_millis(25)).await;
            line = text(&out);
            if line.ends_with('\n') {
                break;
            }
        }
        let v: Value = serde_json::from_str(line.trim()).unwrap();
        assert!(v["okdesk"]["url"]
            .as_str()
            .unwrap()
            .starts_with("http://127.0.0.1:"));
        assert!(!v["okdesk"]["token"].as_str().unwrap().is_empty());
        assert_eq!(v["onec"]["configuration"], "unf");
        assert!(v["onec"]["user"].is_string() && v["onec"]["password"].is_string());
        assert_eq!(v["config"], cfg.as_str());
        let o = run(&["--config", &cfg, "--json", "check"]).await;
        assert_eq!(o.code, 0, "{}", o.out);
        stop.stop();
    };
    let (code, ()) = tokio::time::timeout(Duration::from_secs(30), async {
        tokio::join!(server, client)
    })
    .await
    .expect("the sandbox stops when asked");
    assert_eq!(code, 0, "{}", text(&err));
    assert_eq!(text(&out).lines().count(), 1, "exactly one JSON line");
}

#[tokio::test]
async fn demo_runs_for_every_configuration() {
    for c in ConfigurationArg::ALL {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().to_str().unwrap();
        let o = run(&["--json", "demo", "--configuration", c.as_str(), "--dir", d]).await;
        assert_eq!(o.code, 0, "{}: {}{}", c.as_str(), o.out, o.err);
        let mut v = o.json();
        assert_eq!(v["command"], "demo");
        assert_eq!(v["check"]["ok"], true, "{}", v["check"]);
        assert!(
            v["jobs"]["push"]["counts"]["companies"]["created"]
                .as_u64()
                .unwrap()
                > 0
        );
        assert_eq!(v["second_push"]["counts"]["companies"]["created"], 0);
        assert!(Path::new(v["state"].as_str().unwrap()).exists());
        let invoices = &v["jobs"]["bill"]["counts"]["invoice_files"]["created"];
        assert!(invoices.as_u64().unwrap() >= 1, "{}: {v}", c.as_str());
        assert_eq!(v["pdf_count"], *invoices, "every uploaded PDF is saved");
        if matches!(c, ConfigurationArg::Esti | ConfigurationArg::Unf) {
            assert!(
                v["jobs"]["pull"]["counts"]["tasks"]["created"]
                    .as_u64()
                    .unwrap()
                    > 0
            );
        }
        if c == ConfigurationArg::Ut11 {
            stable(&mut v);
            insta::assert_json_snapshot!("demo_ut11", v, {
                ".**.requests" => "[requests]",
            });
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let o = run(&["demo", "--dir", dir.path().to_str().unwrap()]).await;
    assert_eq!(o.code, 0);
    for step in [
        "1. check",
        "2. push",
        "3. push again",
        "4. pull",
        "5. bill",
        "state file:",
    ] {
        assert!(o.out.contains(step), "{step} missing:\n{}", o.out);
    }
}

#[tokio::test]
async fn the_token_never_appears_in_any_output() {
    const TOKEN: &str = "tok-DISTINCTIVE-e2e-7731";
    // An Okdesk simulator that knows the token but fails every request with a 500, and one that
    // does not know it (401), and a closed port.
    let failing = sandbox::okdesk::OkdeskSandbox::start(
        sandbox::okdesk::OkdeskConfig::default()
            .token(TOKEN)
            .faults(sandbox::okdesk::Faults {
                server_error: 1.0,
                ..sandbox::okdesk::Faults::none()
            }),
    )
    .await
    .unwrap();
    let w = World::start(ConfigurationArg::Ut11).await;
    let token_file = w.dir.path().join("distinctive-token");
    std::fs::write(&token_file, TOKEN).unwrap();
    let text = std::fs::read_to_string(&w.config).unwrap();
    let line = text.lines().find(|l| l.starts_with("token_file")).unwrap();
    let text = text
        .replace(line, &format!("token_file = \"{}\"", token_file.display()))
        .replace("concurrency = 16", "concurrency = 16\nretries = 1");
    let urls = [
        failing.url(),
        w.sims.okdesk.url(),
        format!("http://127.0.0.1:{}", closed_port()),
    ];
    let mut seen_logs = 0;
    for (i, url) in urls.iter().enumerate() {
        let config = w.dir.path().join(format!("token-{i}.toml"));
        std::fs::write(&config, text.replace(&w.sims.okdesk.url(), url)).unwrap();
        let cfg = config.to_str().unwrap();
        for args in [
            vec!["--config", cfg, "-vv", "check"],
            vec!["--config", cfg, "-vv", "--json", "check"],
            vec!["--config", cfg, "-vv", "--log-format", "json", "push"],
            vec!["--config", cfg, "-vv", "--json", "sync"],
        ] {
            let o = run(&args).await;
            assert_ne!(o.code, 0, "{args:?} must fail against {url}");
            seen_logs += o.logs.len();
            for (what, s) in [("stdout", &o.out), ("stderr", &o.err), ("logs", &o.logs)] {
                assert!(
                    !s.contains(TOKEN),
                    "{args:?} leaked the token in {what}:\n{s}"
                );
            }
        }
    }
    assert!(
        seen_logs > 0,
        "the logs were captured (the check above can fail)"
    );
}

#[tokio::test]
async fn push_from_an_xml_export_and_pull_needs_a_live_base() {
    let w = World::start(ConfigurationArg::Ut11).await;
    let export = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../adapters/core/tests/fixtures/xml/ut11.xml")
        .canonicalize()
        .unwrap();
    let text = std::fs::read_to_string(&w.config).unwrap();
    let start = text.find("[onec]").unwrap();
    let end = text[start..].find("\n[push]").unwrap() + start;
    let onec = format!(
        "[onec]\nconfiguration = \"ut11\"\nsource = \"xml\"\npath = \"{}\"\n",
        export.display()
    );
    let config = w.dir.path().join("xml.toml");
    std::fs::write(&config, format!("{}{onec}{}", &text[..start], &text[end..])).unwrap();
    let cfg = config.to_str().unwrap();

    let o = run(&["--config", cfg, "--json", "check"]).await;
    assert_eq!(o.json()["onec"]["status"], "connected", "{}", o.out);
    let o = run(&["--config", cfg, "--json", "push"]).await;
    assert!(o.code <= 1, "{}{}", o.out, o.err);
    let v = o.json();
    let companies = &v["counts"]["companies"];
    assert!(
        companies["created"].as_u64().unwrap() + companies["linked"].as_u64().unwrap() > 0,
        "{v}"
    );
    let o = run(&["--config", cfg, "pull"]).await;
    assert_eq!(o.code, 2);
    assert!(o.out.contains("source = \"odata\""), "{}", o.out);

    // A missing export is an unreachable source for check and a run-level error for push.
    let missing = w.dir.path().join("missing.toml");
    std::fs::write(
        &missing,
        std::fs::read_to_string(&config)
            .unwrap()
            .replace(export.to_str().unwrap(), "/nonexistent/export.xml"),
    )
    .unwrap();
    let o = run(&["--config", missing.to_str().unwrap(), "--json", "check"]).await;
    assert_eq!(o.json()["onec"]["status"], "unreachable");
    let o = run(&["--config", missing.to_str().unwrap(), "push"]).await;
    assert_eq!(o.code, 2);
    assert!(o.err.contains("/nonexistent/export.xml"), "{}", o.err);
    assert!(
        !o.err.contains("published objects"),
        "no OData hint for a file: {}",
        o.err
    );
}

/// A config whose 1C side is the file at `path` (ut11).
fn file_config(w: &World, path: &Path) -> PathBuf {
    let text = std::fs::read_to_string(&w.config).unwrap();
    let start = text.find("[onec]").unwrap();
    let end = text[start..].find("\n[push]").unwrap() + start;
    let onec = format!(
        "[onec]\nconfiguration = \"ut11\"\nsource = \"xml\"\npath = \"{}\"\n",
        path.display()
    );
    let config = w.dir.path().join(format!("file-{}.toml", rand_suffix()));
    std::fs::write(&config, format!("{}{onec}{}", &text[..start], &text[end..])).unwrap();
    config
}

/// `check` on a file says what it holds, and every broken kind of file is `unreachable` with what is
/// wrong and how to export it again; a file of objects push does not use stops push (exit 2) naming
/// them, and objects it does not use are reported once.
#[tokio::test]
async fn check_reads_the_file_and_push_says_what_it_skips() {
    let w = World::start(ConfigurationArg::Ut11).await;
    let good = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../adapters/core/tests/fixtures/xml/ut11.xml"),
    )
    .unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let path = w.dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    };

    let path = write("good.xml", good.as_bytes());
    let cfg = file_config(&w, &path);
    let o = run(&["--config", cfg.to_str().unwrap(), "--json", "check"]).await;
    let v = o.json();
    assert_eq!(v["onec"]["status"], "connected", "{v}");
    let message = v["onec"]["message"].as_str().unwrap();
    assert!(message.contains("3 × Справочник.Контрагенты"), "{message}");
    assert!(message.contains("8.3"), "{message}");
    assert_eq!(v["onec"]["detected"], "ut11 (yes)", "{v}");
    assert_eq!(v["onec"]["jobs"]["push"]["can_run"], "yes", "{v}");
    assert_eq!(v["onec"]["jobs"]["bill"]["can_run"], "unsupported", "{v}");

    // Push reports, once per type, what the file holds that push does not read.
    let o = run(&["--config", cfg.to_str().unwrap(), "--json", "push"]).await;
    let v = o.json();
    let warnings = v["warnings"].to_string();
    assert!(
        warnings.contains("Документ.РеализацияТоваровУслуг, не используются при выгрузке"),
        "{warnings}"
    );

    // UTF-16 and windows-1251 are legal XML and read.
    let mut utf16 = vec![0xFF, 0xFE];
    for u in good.replacen("UTF-8", "UTF-16", 1).encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    let declared = good.replacen("UTF-8", "windows-1251", 1);
    let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode(&declared);
    for (name, bytes) in [("utf16.xml", utf16), ("cp1251.xml", cp1251.into_owned())] {
        let cfg = file_config(&w, &write(name, &bytes));
        let o = run(&["--config", cfg.to_str().unwrap(), "--json", "check"]).await;
        assert_eq!(o.json()["onec"]["status"], "connected", "{name}: {}", o.out);
    }

    // Broken files: empty, truncated, not XML, a CSV, an unknown encoding.
    let truncated = &good[..good.len() / 2];
    let broken: [(&str, Vec<u8>, &str); 5] = [
        ("empty.xml", Vec::new(), "пуст"),
        ("truncated.xml", truncated.as_bytes().to_vec(), "truncated"),
        ("text.xml", b"just some text".to_vec(), "line 1"),
        (
            "list.csv",
            "ИНН;Наименование\n7701234567;Альфа\n".as_bytes().to_vec(),
            "line 1",
        ),
        (
            "klingon.xml",
            good.replacen("UTF-8", "klingon-8", 1).into_bytes(),
            "klingon-8",
        ),
    ];
    for (name, bytes, says) in broken {
        let cfg = file_config(&w, &write(name, &bytes));
        let o = run(&["--config", cfg.to_str().unwrap(), "--json", "check"]).await;
        let v = o.json();
        assert_eq!(v["onec"]["status"], "unreachable", "{name}: {v}");
        let message = v["onec"]["message"].as_str().unwrap();
        assert!(message.contains(says), "{name}: {message}");
        assert!(
            message.contains("Выгрузка и загрузка данных XML"),
            "{name}: {message}"
        );
        assert_eq!(o.code, 2, "{name}");
        // Nothing is written to Okdesk from a file that was not read whole.
        let o = run(&["--config", cfg.to_str().unwrap(), "push"]).await;
        assert_eq!(o.code, 2, "{name}: {}{}", o.out, o.err);
    }

    // An export of objects push does not use (bank accounts only) stops the push, naming them.
    let start = good
        .find("\t\t<v8:CatalogObject.БанковскиеСчетаОрганизаций>")
        .unwrap();
    let end = good
        .find("</v8:CatalogObject.БанковскиеСчетаОрганизаций>")
        .unwrap()
        + "</v8:CatalogObject.БанковскиеСчетаОрганизаций>\n".len();
    let head_end = good.find("<V8Exch:Data>").unwrap() + "<V8Exch:Data>\n".len();
    let accounts_only = format!(
        "{}{}\t</V8Exch:Data>\n</V8Exch:_1CV8DtUD>\n",
        &good[..head_end],
        &good[start..end]
    );
    let cfg = file_config(&w, &write("accounts.xml", accounts_only.as_bytes()));
    let o = run(&["--config", cfg.to_str().unwrap(), "push"]).await;
    assert_eq!(o.code, 2, "{}{}", o.out, o.err);
    assert!(
        o.err.contains("1 × Справочник.БанковскиеСчетаОрганизаций"),
        "{}",
        o.err
    );
    let o = run(&["--config", cfg.to_str().unwrap(), "--json", "check"]).await;
    assert_eq!(
        o.json()["onec"]["jobs"]["push"]["can_run"],
        "no",
        "{}",
        o.out
    );
}

#[tokio::test]
async fn the_alert_webhook_gets_the_run_json() {
    use axum::routing::post;
    let received: Arc<Mutex<Vec<String>>> = Arc::default();
    let sink = received.clone();
    let app = axum::Router::new().route(
        "/hook",
        post(move |body: String| {
            let sink = sink.clone();
            async move {
                sink.lock().unwrap().push(body);
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let alert = okdesk_1c::config::AlertSettings {
        command: None,
        webhook: Some(format!("http://{addr}/hook")),
        always: false,
    };
    let summary =
        serde_json::json!({"command": "push", "ok": false, "failures": [{"entity": "contacts"}]});
    let problems = okdesk_1c::commands::alert::send(&alert, &summary).await;
    assert!(problems.is_empty(), "{problems:?}");
    let got: Value = serde_json::from_str(&received.lock().unwrap()[0]).unwrap();
    assert_eq!(got, summary);
    // A webhook that is down is reported, never fatal.
    let down = okdesk_1c::config::AlertSettings {
        webhook: Some(format!("http://127.0.0.1:{}/hook", closed_port())),
        ..alert
    };
    let problems = okdesk_1c::commands::alert::send(&down, &summary).await;
    assert_eq!(problems.len(), 1, "{problems:?}");
    server.abort();
}

#[tokio::test]
async fn json_logs_are_one_object_per_line() {
    let w = World::start(ConfigurationArg::Ut11).await;
    let o = run(&["--config", w.cfg(), "-v", "--log-format", "json", "push"]).await;
    assert!(o.code <= 1, "{}", o.err);
    let lines: Vec<&str> = o.logs.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(!lines.is_empty(), "-v logs something");
    for line in lines {
        let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert!(
            v.get("level").is_some() && v.get("timestamp").is_some(),
            "{line}"
        );
    }
}

/// An EnterpriseData message (the format modern configurations exchange in) pushes end to end:
/// `check` names the format and what it holds, push creates the companies; a truncated message is
/// unreachable with how to export it again.
#[tokio::test]
async fn push_from_an_enterprise_data_message() {
    let w = World::start(ConfigurationArg::Ut11).await;
    let message = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../adapters/core/tests/fixtures/enterprise_data/ut11_format_1_19.xml")
        .canonicalize()
        .unwrap();
    let cfg = file_config(&w, &message);
    let o = run(&["--config", cfg.to_str().unwrap(), "--json", "check"]).await;
    let v = o.json();
    assert_eq!(v["onec"]["status"], "connected", "{v}");
    let text = v["onec"]["message"].as_str().unwrap();
    assert!(text.contains("EnterpriseData 1.19"), "{text}");
    assert!(text.contains("Справочник.Контрагенты"), "{text}");
    assert_eq!(v["onec"]["jobs"]["push"]["can_run"], "yes", "{v}");

    let o = run(&["--config", cfg.to_str().unwrap(), "--json", "push"]).await;
    assert!(o.code <= 1, "{}{}", o.out, o.err);
    let v = o.json();
    let companies = &v["counts"]["companies"];
    assert!(
        companies["created"].as_u64().unwrap() + companies["linked"].as_u64().unwrap() > 0,
        "{v}"
    );
    assert!(
        v["counts"]["agreements"]["created"].as_u64().unwrap_or(0) > 0,
        "{v}"
    );
    let warnings = v["warnings"].to_string();
    assert!(
        warnings.contains("не используются при выгрузке"),
        "{warnings}"
    );

    // A later message deletes «Альфа» (УдалениеОбъекта, without the object itself): push archives
    // the company it created for it.
    let full = std::fs::read_to_string(&message).unwrap();
    let alfa = "a1f0c3e2-6b2c-11ee-8c99-0242ac120002";
    let start = full.find("\t\t<Справочник.Контрагенты>").unwrap();
    let end = full[start..].find("</Справочник.Контрагенты>").unwrap()
        + start
        + "</Справочник.Контрагенты>\n".len();
    assert!(
        full[start..end].contains(alfa),
        "the first counterparty is «Альфа»"
    );
    let later = format!("{}{}", &full[..start], &full[end..])
        .replace("0b1c2d3e-6b2c-11ee-8c99-0242ac120002", alfa);
    let later_path = w.dir.path().join("later-ed.xml");
    std::fs::write(&later_path, later).unwrap();
    let cfg_later = file_config(&w, &later_path);
    let o = run(&["--config", cfg_later.to_str().unwrap(), "--json", "push"]).await;
    assert!(o.code <= 1, "{}{}", o.out, o.err);
    let v = o.json();
    assert_eq!(v["counts"]["companies"]["archived"], 1, "{v}");

    let truncated = w.dir.path().join("truncated-ed.xml");
    std::fs::write(&truncated, &full[..full.len() * 2 / 3]).unwrap();
    let cfg = file_config(&w, &truncated);
    let o = run(&["--config", cfg.to_str().unwrap(), "--json", "check"]).await;
    let v = o.json();
    assert_eq!(v["onec"]["status"], "unreachable", "{v}");
    assert!(
        v["onec"]["message"]
            .as_str()
            .unwrap()
            .contains("EnterpriseData"),
        "{v}"
    );
    let o = run(&["--config", cfg.to_str().unwrap(), "push"]).await;
    assert_eq!(o.code, 2, "{}{}", o.out, o.err);
}

/// The whole exchange of every configuration (push, pull, bill) sends the Okdesk simulator nothing a
/// real Okdesk would silently ignore: no unknown body field, no filter the endpoint does not take.
#[tokio::test]
async fn a_full_sync_of_every_configuration_sends_nothing_okdesk_ignores() {
    for c in [
        ConfigurationArg::Ut11,
        ConfigurationArg::Ka,
        ConfigurationArg::Unf,
        ConfigurationArg::Ut103,
        ConfigurationArg::Esti,
    ] {
        let w = World::start(c).await;
        let o = run(&["--config", w.cfg(), "--json", "sync"]).await;
        assert!(o.code <= 1, "{}: {}{}", c.as_str(), o.out, o.err);
        let v = o.json();
        let created = &v["jobs"]["push"]["counts"]["companies"]["created"];
        assert!(created.as_u64().unwrap_or(0) > 0, "{}: {v}", c.as_str());
        let invoices = &v["jobs"]["bill"]["counts"]["invoices"]["created"];
        assert!(invoices.as_u64().unwrap_or(0) > 0, "{}: {v}", c.as_str());
        let stats = w.sims.okdesk.stats();
        assert!(
            stats.ignored_fields.is_empty() && stats.ignored_params.is_empty(),
            "{}: Okdesk would ignore fields {:?} and params {:?}",
            c.as_str(),
            stats.ignored_fields,
            stats.ignored_params
        );
    }
}
