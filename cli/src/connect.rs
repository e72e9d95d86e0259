//! The composition root proper: turns [`Settings`] into clients, adapters and the engine's ports.
//! This is the only place that knows which implementation stands behind each port.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use anyhow::{anyhow, Context as _, Result};
use async_trait::async_trait;
use okdesk_client::{ApiToken, OkdeskClient};
use onec_adapter::odata::{ClientOptions, Format, OdataClient};
use onec_adapter::{Adapter, Diagnostic, Severity};
use sync_engine::okdesk_issues::OkdeskIssuesPort;
use sync_engine::onec_documents::{AdapterRef, OdataDocuments};
use sync_engine::ports::documents::OnecDocuments;
use sync_engine::ports::issues::IssuesPort;
use sync_engine::ports::{OnecRead, RawCacheStore};
use sync_engine::{OkdeskPort, OnecPort, PortError};

use crate::config::{Configuration, OnecSource, Settings};
use crate::env::Env;
use crate::logging::Redactor;
use crate::registry;

/// Reads the Okdesk token (registering it with the log redactor) and builds the client.
pub fn okdesk_client(s: &Settings, env: &Env, redactor: &Redactor) -> Result<OkdeskClient> {
    let token = env.secret(&s.okdesk.token, "the Okdesk API token", "okdesk.token")?;
    redactor.add(&token);
    OkdeskClient::builder(&s.okdesk.url, ApiToken::new(token))
        .rate_limit(s.okdesk.rate_limit, s.okdesk.burst)
        .max_concurrency(s.okdesk.concurrency)
        .timeout(s.okdesk.timeout)
        .retry(okdesk_client::RetryPolicy {
            max_retries: s.okdesk.retries,
            ..okdesk_client::RetryPolicy::default()
        })
        .account_time_zone(okdesk_client::time::AccountTimeZone(s.time_zone))
        .build()
        .map_err(|e| {
            anyhow!(
                "config file {}: key `okdesk.url`: {e}\n  fix: write the account address, e.g. \
                 \"https://acme.okdesk.ru\"",
                s.path.display()
            )
        })
}

/// The OData client for an `odata` source, or `None` for file sources.
pub fn odata_client(s: &Settings, env: &Env, redactor: &Redactor) -> Result<Option<OdataClient>> {
    let OnecSource::OData {
        url,
        user,
        password,
    } = &s.onec.source
    else {
        return Ok(None);
    };
    let password = env.secret(password, "the 1C password", "onec.password")?;
    redactor.add(&password);
    let mut options = ClientOptions::default();
    if s.onec.atom {
        options.format = Format::Atom;
    }
    if let Some(n) = s.onec.page_size {
        options.page_size = n;
    }
    if let Some(t) = s.onec.timeout {
        options.timeout = t;
    }
    if let Some(n) = s.onec.retries {
        options.retries = n;
    }
    let client = OdataClient::with_options(url, user, &password, options).map_err(|e| {
        anyhow!(
            "config file {}: key `onec.url`: {e}\n  fix: write the published base's address, e.g. \
             \"http://1c-server/trade/odata/standard.odata\"",
            s.path.display()
        )
    })?;
    Ok(Some(client))
}

/// The adapter the config names, or the one `$metadata` matches (`configuration = "auto"`).
pub async fn adapter(s: &Settings, odata: Option<&OdataClient>) -> Result<Arc<dyn Adapter>> {
    match &s.onec.configuration {
        Configuration::Known(id) => registry::by_id(id)
            .map(registry::Shared::arc)
            .ok_or_else(|| anyhow!("no built-in adapter `{id}`")),
        Configuration::Layout(path) => registry::custom(path),
        Configuration::Auto => {
            let client = odata.ok_or_else(|| {
                anyhow!("configuration = \"auto\" needs an OData source to read $metadata from")
            })?;
            let meta = client
                .metadata()
                .await
                .context("reading 1C $metadata to detect the configuration")?;
            let (found, _) = registry::detect(&meta)?;
            tracing::info!(configuration = %found.info().id, "detected the 1C configuration");
            Ok(registry::Shared::arc(found))
        }
    }
}

/// The 1C side: the push port, the document port of pull and bill (OData only) and the adapter.
pub struct OnecSide {
    /// Push reads through it.
    pub port: Arc<dyn OnecPort>,
    /// Pull and bill write through it; `None` for file sources.
    pub documents: Option<Arc<dyn OnecDocuments>>,
    /// The adapter.
    pub adapter: Arc<dyn Adapter>,
}

/// The 1C ports and the adapter.
pub async fn onec_side(s: &Settings, env: &Env, redactor: &Redactor) -> Result<OnecSide> {
    let odata = odata_client(s, env, redactor)?;
    let adapter = adapter(s, odata.as_ref()).await?;
    let documents: Option<Arc<dyn OnecDocuments>> = odata.as_ref().map(|client| {
        Arc::new(OdataDocuments::new(
            AdapterRef::Shared(adapter.clone()),
            client.clone(),
        )) as Arc<dyn OnecDocuments>
    });
    let port: Arc<dyn OnecPort> = match (&s.onec.source, odata) {
        (OnecSource::OData { .. }, Some(client)) => Arc::new(
            sync_engine::onec::OdataOnecPort::new(adapter.clone(), client),
        ),
        (OnecSource::Xml { path }, _) => Arc::new(FileOnecPort::new(
            adapter.clone(),
            path.clone(),
            FileKind::Xml,
        )),
        (OnecSource::Xlsx { path }, _) => Arc::new(FileOnecPort::new(
            adapter.clone(),
            path.clone(),
            FileKind::Xlsx,
        )),
        (OnecSource::OData { .. }, None) => unreachable!("an odata source always has a client"),
    };
    Ok(OnecSide {
        port,
        documents,
        adapter,
    })
}

/// The issues port of pull and bill over the client.
pub fn issues_port(client: OkdeskClient) -> Arc<dyn IssuesPort> {
    Arc::new(OkdeskIssuesPort::new(client))
}

/// The Okdesk port over the client.
pub fn okdesk_port(client: OkdeskClient) -> Arc<dyn OkdeskPort> {
    Arc::new(sync_engine::OkdeskApiPort::new(client))
}

/// Which file format a [`FileOnecPort`] reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// A universal XML exchange file.
    Xml,
    /// Lists saved as a spreadsheet.
    Xlsx,
}

/// The 1C side read from an exported file instead of a live base: the whole file is read on each
/// run (a file has no `DataVersion` to skip unchanged rows by), then mapped by the adapter.
pub struct FileOnecPort {
    adapter: Arc<dyn Adapter>,
    path: PathBuf,
    kind: FileKind,
    reads: AtomicU64,
}

impl FileOnecPort {
    /// A port over a file.
    pub fn new(adapter: Arc<dyn Adapter>, path: PathBuf, kind: FileKind) -> Self {
        FileOnecPort {
            adapter,
            path,
            kind,
            reads: AtomicU64::new(0),
        }
    }
}

/// EnterpriseData has no deletion mark: an object deleted in 1C comes as `УдалениеОбъекта`
/// naming only its type and key. A deleted counterparty or contact that the message does not also
/// carry becomes a record with the deletion mark, so that push archives it where it was pushed
/// before (and skips it where it never was), as it does for a mark read over OData.
fn deleted_records(
    snapshot: &mut onec_model::Snapshot,
    deletions: &[onec_adapter::enterprise_data::Deletion],
) {
    for d in deletions {
        match d.set.as_str() {
            "Справочник.Контрагенты"
                if !snapshot.counterparties.iter().any(|c| c.r#ref == d.key) =>
            {
                snapshot.counterparties.push(onec_model::Counterparty {
                    r#ref: d.key,
                    name: format!("(удалён в 1С: {})", d.key),
                    full_name: None,
                    inn: None,
                    kpp: None,
                    legal_form: None,
                    emails: Vec::new(),
                    phones: Vec::new(),
                    addresses: Vec::new(),
                    partner: None,
                    head: None,
                    comment: None,
                    upload: None,
                    deletion_mark: true,
                    version: None,
                });
            }
            "Справочник.КонтактныеЛица" if !snapshot.contacts.iter().any(|c| c.r#ref == d.key) =>
            {
                snapshot.contacts.push(onec_model::ContactPerson {
                    r#ref: d.key,
                    owner: None,
                    name: format!("(удалён в 1С: {})", d.key),
                    last_name: None,
                    first_name: None,
                    patronymic: None,
                    position: None,
                    emails: Vec::new(),
                    phones: Vec::new(),
                    state: None,
                    upload: None,
                    comment: None,
                    deletion_mark: true,
                    version: None,
                });
            }
            _ => {}
        }
    }
}

/// Whether a file is an EnterpriseData exchange message (by its first kilobytes).
pub fn is_enterprise_data_file(path: &std::path::Path) -> bool {
    use std::io::Read as _;
    let mut head = Vec::with_capacity(4096);
    std::fs::File::open(path)
        .and_then(|f| f.take(4096).read_to_end(&mut head))
        .is_ok()
        && onec_adapter::enterprise_data::is_enterprise_data(&head).is_some()
}

/// The error for a file that holds nothing the layout reads, naming what it does hold.
fn nothing_used(
    path: &std::path::Path,
    adapter: &dyn Adapter,
    skipped: &std::collections::BTreeMap<String, usize>,
) -> PortError {
    let holds = if skipped.is_empty() {
        "ни одного объекта".to_owned()
    } else {
        // Universal-XML sets are OData names; EnterpriseData types are already 1C's.
        skipped
            .iter()
            .map(|(set, n)| format!("{n} × {}", onec_adapter::xml::russian_type(set)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let wants = adapter
        .layout()
        .publication_unchecked(onec_adapter::Job::Push)
        .iter()
        .map(|r| onec_adapter::xml::russian_type(&r.set))
        .collect::<Vec<_>>()
        .join(", ");
    PortError::new(
        sync_engine::ports::ErrorClass::Config,
        format!(
            "{}: в файле нет ни одного объекта, который выгружается для конфигурации {} (нужны {wants}); в файле {holds}",
            path.display(),
            adapter.info().id
        ),
    )
}

fn file_error(path: &std::path::Path, e: impl std::fmt::Display) -> PortError {
    PortError::new(
        sync_engine::ports::ErrorClass::Transport,
        format!("{}: {e}", path.display()),
    )
}

#[async_trait]
impl OnecPort for FileOnecPort {
    fn configuration(&self) -> &str {
        &self.adapter.info().id
    }

    async fn read(&self, _cache: &dyn RawCacheStore) -> Result<OnecRead, PortError> {
        self.reads.fetch_add(1, Ordering::Relaxed);
        let adapter = self.adapter.clone();
        let path = self.path.clone();
        let kind = self.kind;
        tokio::task::spawn_blocking(move || match kind {
            FileKind::Xml if is_enterprise_data_file(&path) => {
                // An EnterpriseData message is configuration-independent: it is read straight into
                // the neutral model, whatever adapter the config names.
                let file = std::fs::File::open(&path).map_err(|e| file_error(&path, e))?;
                let read = onec_adapter::enterprise_data::read(std::io::BufReader::new(file))
                    .map_err(|e| file_error(&path, e))?;
                if read.counts.values().all(|n| *n == 0) {
                    return Err(nothing_used(&path, adapter.as_ref(), &read.skipped));
                }
                let mut diagnostics: Vec<Diagnostic> = read
                    .skipped
                    .iter()
                    .map(|(kind, n)| Diagnostic {
                        set: kind.clone(),
                        key: None,
                        field: None,
                        value: Some(n.to_string()),
                        message: format!(
                            "в сообщении {n} объектов {kind}, не используются при выгрузке"
                        ),
                        severity: Severity::Warning,
                    })
                    .collect();
                diagnostics.extend(read.diagnostics);
                let mut snapshot = read.snapshot;
                deleted_records(&mut snapshot, &read.deletions);
                Ok(OnecRead {
                    snapshot,
                    diagnostics,
                    unread: Vec::new(),
                })
            }
            FileKind::Xml => {
                let file = std::fs::File::open(&path).map_err(|e| file_error(&path, e))?;
                let read = onec_adapter::xml::read_with(
                    std::io::BufReader::new(file),
                    onec_adapter::xml::ReadPlan::for_job(adapter.layout(), onec_adapter::Job::Push),
                )
                .map_err(|e| file_error(&path, e))?;
                // A file from another configuration (or an export of the wrong objects) must not
                // finish as «0 create» and say nothing.
                if read.dataset.sets.values().all(Vec::is_empty) {
                    return Err(nothing_used(&path, adapter.as_ref(), &read.skipped));
                }
                let mut diagnostics: Vec<Diagnostic> = read
                    .skipped
                    .iter()
                    .map(|(set, n)| Diagnostic {
                        set: set.clone(),
                        key: None,
                        field: None,
                        value: Some(n.to_string()),
                        message: format!(
                            "в файле {n} объектов {}, не используются при выгрузке",
                            onec_adapter::xml::russian_type(set)
                        ),
                        severity: Severity::Warning,
                    })
                    .collect();
                let mapped = adapter.map(&read.dataset);
                diagnostics.extend(mapped.diagnostics);
                Ok(OnecRead {
                    snapshot: mapped.value,
                    diagnostics,
                    unread: Vec::new(),
                })
            }
            FileKind::Xlsx => {
                let import = onec_adapter::xlsx::import_path(&path, &Default::default())
                    .map_err(|e| file_error(&path, e))?;
                let diagnostics = import
                    .problems
                    .iter()
                    .map(|p| Diagnostic {
                        set: p.sheet.clone(),
                        key: None,
                        field: p.title.clone(),
                        value: p.value.clone(),
                        message: format!("row {}: {}", p.row, p.message),
                        severity: p.severity,
                    })
                    .collect();
                Ok(OnecRead {
                    snapshot: import.snapshot,
                    diagnostics,
                    unread: Vec::new(),
                })
            }
        })
        .await
        .map_err(|e| file_error(&self.path, e))?
    }

    fn requests(&self) -> u64 {
        self.reads.load(Ordering::Relaxed)
    }
}

/// Whether a diagnostic is worth a warning line.
pub fn is_warning(d: &Diagnostic) -> bool {
    d.severity >= Severity::Warning
}
