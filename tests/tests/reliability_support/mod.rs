//! Shared pieces of the reliability suite's process-level tests: both simulators with a written
//! config, the `okdesk-1c` binary as a child process, and Okdesk's end state with ids
//! canonicalised so that two accounts holding the same data compare equal.

#![allow(dead_code, unreachable_pub)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use okdesk_1c::args::ConfigurationArg;
use okdesk_1c::commands::sims::{self, OnecEndpoint, OnecHandle, SimOptions, Sims};
use sandbox::okdesk::{OkdeskConfig, OkdeskSandbox};
use sandbox::onec::{Configuration, OnecConfig, OnecSandbox};
use serde_json::{Map, Value};

/// The binary built from the same code as `cli/src/main.rs`.
pub const BIN: &str = env!("CARGO_BIN_EXE_okdesk-1c-e2e");

pub fn long() -> bool {
    std::env::var("OKDESK_1C_LONG_TESTS").is_ok_and(|v| v == "1")
}

/// Both simulators over one demo world, a config, its state file and bill's file directory.
pub struct World {
    pub sims: Sims,
    pub dir: tempfile::TempDir,
    pub config: PathBuf,
    pub state: PathBuf,
    pub files: PathBuf,
}

impl World {
    /// The CLI's own simulators (default token and password).
    pub async fn start(seed: u64) -> World {
        let options = SimOptions {
            configuration: ConfigurationArg::Esti,
            seed,
            size: sandbox::demo::DemoSize::Small,
            okdesk_port: None,
            onec_port: None,
            latency: std::time::Duration::ZERO,
            rate_limit: None,
            fault_rate: 0.0,
            unpublished: Vec::new(),
        };
        World::with(sims::start(&options).await.unwrap())
    }

    /// Simulators built here, with a chosen token and password.
    pub async fn with_secrets(seed: u64, token: &str, password: &str) -> World {
        let world = sandbox::demo::generate(seed, sandbox::demo::DemoSize::Small);
        let okdesk = OkdeskSandbox::start(
            OkdeskConfig::default()
                .seed(seed)
                .world(world.clone())
                .token(token),
        )
        .await
        .unwrap();
        let mut onec_config = OnecConfig::new(Configuration::Esti).world(world.clone());
        onec_config.seed = seed;
        onec_config.password = password.to_owned();
        let server = OnecSandbox::start(onec_config).await.unwrap();
        let onec = Ok(OnecHandle {
            endpoint: OnecEndpoint {
                url: server.url(),
                user: server.user().to_owned(),
                password: server.password().to_owned(),
            },
            server,
        });
        World::with(Sims {
            okdesk,
            onec,
            configuration: ConfigurationArg::Esti,
            world,
            rate_limit: None,
        })
    }

    fn with(sims: Sims) -> World {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("okdesk-1c.toml");
        let written = sims::write_config(&sims, &config, &dir.path().join("state.db")).unwrap();
        World {
            sims,
            dir,
            config: written.config,
            state: written.state,
            files: written.files,
        }
    }

    pub fn okdesk(&self) -> &OkdeskSandbox {
        &self.sims.okdesk
    }

    pub fn onec(&self) -> &OnecSandbox {
        &self
            .sims
            .onec
            .as_ref()
            .expect("the 1C simulator runs")
            .server
    }

    /// A command of the binary against this world's config (not yet started).
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.arg("--config")
            .arg(&self.config)
            .args(args)
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }

    /// Runs the binary to completion (on a blocking thread, so the in-process simulators keep
    /// serving).
    pub async fn run(&self, args: &[&str]) -> Output {
        let mut cmd = self.command(args);
        tokio::task::spawn_blocking(move || cmd.output().unwrap())
            .await
            .unwrap()
    }

    /// `PRAGMA integrity_check` of the state file.
    pub fn integrity(&self) -> String {
        integrity(&self.state)
    }

    /// Okdesk's records by kind, canonicalised (ids dropped, company and object references by key).
    pub fn end_state(&self) -> BTreeMap<&'static str, Vec<String>> {
        end_state(self.okdesk())
    }

    /// How many documents each 1C document set holds.
    pub fn onec_documents(&self) -> BTreeMap<String, usize> {
        let onec = self.onec();
        onec.sets()
            .into_iter()
            .filter(|s| s.starts_with("Document_"))
            .map(|s| {
                let n = onec.count(&s).unwrap();
                (s, n)
            })
            .collect()
    }

    /// File names uploaded to each issue.
    pub fn uploads(&self) -> BTreeMap<u64, Vec<String>> {
        let okdesk = self.okdesk();
        okdesk
            .issue_ids()
            .into_iter()
            .map(|id| {
                let mut names: Vec<String> = okdesk
                    .issue_attachments(id)
                    .into_iter()
                    .map(|a| a.file_name)
                    .collect();
                names.sort();
                (id, names)
            })
            .collect()
    }
}

pub fn integrity(state: &Path) -> String {
    let conn =
        rusqlite::Connection::open_with_flags(state, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    conn.query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0))
        .unwrap()
}

pub fn end_state(okdesk: &OkdeskSandbox) -> BTreeMap<&'static str, Vec<String>> {
    let companies = okdesk.companies();
    let company_key: BTreeMap<u64, String> = companies
        .iter()
        .map(|c| {
            let key = match c["crm_1c_id"].as_str() {
                Some(k) if !k.is_empty() => k.to_owned(),
                _ => format!("name:{}", c["name"].as_str().unwrap_or_default()),
            };
            (c["id"].as_u64().unwrap(), key)
        })
        .collect();
    let objects = okdesk.maintenance_entities();
    let object_key: BTreeMap<u64, String> = objects
        .iter()
        .map(|o| {
            let company = o["company_id"]
                .as_u64()
                .and_then(|id| company_key.get(&id).cloned())
                .unwrap_or_default();
            (
                o["id"].as_u64().unwrap(),
                format!("{}@{company}", o["name"]),
            )
        })
        .collect();
    let maps = (company_key, object_key);
    let canon_all = |list: Vec<Value>| -> Vec<String> {
        let mut out: Vec<String> = list.iter().map(|v| canon(v, &maps).to_string()).collect();
        out.sort();
        out
    };
    BTreeMap::from([
        ("companies", canon_all(companies)),
        ("contacts", canon_all(okdesk.contacts())),
        ("agreements", canon_all(okdesk.agreements())),
        ("objects", canon_all(objects)),
        ("equipment", canon_all(okdesk.equipment())),
    ])
}

fn canon(v: &Value, maps: &(BTreeMap<u64, String>, BTreeMap<u64, String>)) -> Value {
    match v {
        Value::Object(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                if matches!(
                    k.as_str(),
                    "id" | "created_at" | "updated_at" | "observers" | "contacts"
                ) || k.ends_with("_ids")
                {
                    continue;
                }
                let v = match (k.as_str(), v.as_u64()) {
                    ("company_id", Some(id)) => {
                        Value::String(maps.0.get(&id).cloned().unwrap_or_default())
                    }
                    ("maintenance_entity_id", Some(id)) => {
                        Value::String(maps.1.get(&id).cloned().unwrap_or_default())
                    }
                    _ => canon(v, maps),
                };
                out.insert(k.clone(), v);
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(|i| canon(i, maps)).collect()),
        other => other.clone(),
    }
}

/// Asserts two end states hold the same records.
pub fn assert_same_end_state(
    got: &BTreeMap<&'static str, Vec<String>>,
    expected: &BTreeMap<&'static str, Vec<String>>,
) {
    for (kind, records) in expected {
        let have = &got[kind];
        let missing: Vec<_> = records.iter().filter(|r| !have.contains(r)).collect();
        let extra: Vec<_> = have.iter().filter(|r| !records.contains(r)).collect();
        assert!(
            missing.is_empty() && extra.is_empty() && have.len() == records.len(),
            "{kind}: {} vs {} records\nmissing: {missing:#?}\nextra: {extra:#?}",
            have.len(),
            records.len()
        );
    }
}
