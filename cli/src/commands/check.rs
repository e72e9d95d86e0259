//! `check`: the connection test users know from the 1C processing — for each side one of
//! «Подключение прошло успешно», «Сервер … недоступен» or «Неверный адрес аккаунта или
//! API-токен» — plus, for 1C, the configuration `$metadata` looks like and whatever the layout needs
//! that the base does not publish.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Arc;

use anyhow::Result;
use okdesk_client::{OkdeskClient, Query};
use onec_adapter::layout::CompanySource;
use onec_adapter::odata::{CheckOutcome, OdataClient};
use onec_adapter::{Adapter, Job, Layout, Metadata};
use serde::Serialize;

use crate::config::{Configuration, OnecSource, Settings};
use crate::connect;
use crate::registry;
use crate::Ctx;

/// Connected.
pub const CONNECTED: &str = "Подключение прошло успешно";
/// Okdesk did not answer.
pub const OKDESK_UNREACHABLE: &str =
    "Сервер ОкДеск недоступен — проверьте корректность адреса сайта";
/// Okdesk refused the token (or the address is not an Okdesk account).
pub const OKDESK_UNAUTHORIZED: &str =
    "Неверный адрес аккаунта или API-токен — проверьте адрес и токен (ОкДеск: Настройки → API)";
/// 1C did not answer.
pub const ONEC_UNREACHABLE: &str =
    "Сервер 1С недоступен — проверьте адрес публикации базы (onec.url)";
/// 1C refused the login (or the address is not a published OData interface).
pub const ONEC_UNAUTHORIZED: &str =
    "Неверный адрес базы 1С, имя пользователя или пароль — проверьте onec.url, onec.user и пароль";

/// One side's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct SideCheck {
    /// `connected`, `unreachable` or `unauthorized`.
    pub status: &'static str,
    /// The message for a person, in Russian, with the technical detail after it.
    pub message: String,
    /// 1C only: the configuration in use.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub configuration: Option<String>,
    /// 1C only: what `$metadata` looks like.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detected: Option<String>,
    /// 1C only: what the layout needs that the base lacks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing: Option<Vec<String>>,
    /// 1C only: per job (`push`, `pull`, `bill`), whether it can run against this publication
    /// and what it would leave out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jobs: Option<BTreeMap<&'static str, JobCheck>>,
}

/// What one job can do against a base's publication.
#[derive(Debug, Clone, Serialize)]
pub struct JobCheck {
    /// `yes` (everything it needs is published), `partly` (some kinds or fields are left out),
    /// `no` (what it cannot do without is not published) or `unsupported` (the configuration has no
    /// document for it).
    pub can_run: &'static str,
    /// What the job skips, each with the set and how to publish it.
    pub skipped: Vec<String>,
    /// Optional names the base lacks (read as empty).
    pub warnings: Vec<String>,
}

/// Judges what each job can do against `meta`.
fn jobs_check(layout: &Layout, meta: &Metadata) -> BTreeMap<&'static str, JobCheck> {
    let companies = match layout.companies_from {
        CompanySource::Counterparties => "counterparties",
        CompanySource::Partners => "partners",
    };
    let mut out = BTreeMap::new();
    for job in Job::ALL {
        let publication = layout.publication(meta, job);
        // The sections a job cannot do without; `None` when the configuration has no document
        // for it.
        let vital: Option<Vec<&str>> = match job {
            Job::Push => Some(vec![companies]),
            Job::Pull => match (&layout.task, &layout.time_sheet) {
                (None, None) => None,
                (Some(_), _) => Some(vec!["task"]),
                (None, Some(_)) => Some(vec!["time_sheet"]),
            },
            Job::Bill => layout
                .invoice
                .as_ref()
                .map(|_| vec!["invoice", "organizations"]),
        };
        let can_run = match &vital {
            None => "unsupported",
            Some(v) if v.iter().any(|s| publication.is_skipped(s)) => "no",
            Some(_) if publication.skipped.is_empty() && publication.warnings.is_empty() => "yes",
            Some(_) => "partly",
        };
        out.insert(
            job.as_str(),
            JobCheck {
                can_run,
                skipped: publication
                    .skipped
                    .iter()
                    .map(|s| format!("{}: {}", s.section, s.message))
                    .collect(),
                warnings: publication
                    .warnings
                    .iter()
                    .map(ToString::to_string)
                    .collect(),
            },
        );
    }
    out
}

impl SideCheck {
    fn new(status: &'static str, message: String) -> Self {
        SideCheck {
            status,
            message,
            configuration: None,
            detected: None,
            missing: None,
            jobs: None,
        }
    }

    fn connected(&self) -> bool {
        self.status == "connected"
    }
}

/// The whole check (`docs/design.md` §6 shape).
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    /// Always `check`.
    pub command: &'static str,
    /// Both sides connected and nothing missing.
    pub ok: bool,
    /// Okdesk.
    pub okdesk: SideCheck,
    /// 1C.
    pub onec: SideCheck,
}

/// Checks Okdesk.
pub async fn check_okdesk(client: &OkdeskClient) -> SideCheck {
    // The status list is small, needs only a valid token and exists on every account.
    match client.get_json("issues/statuses", &Query::new()).await {
        Ok(_) => SideCheck::new("connected", CONNECTED.to_owned()),
        Err(e) => {
            let detail = e.to_string();
            let status = match &e {
                okdesk_client::Error::Transport { .. } | okdesk_client::Error::Server { .. } => {
                    "unreachable"
                }
                okdesk_client::Error::MaybeCommitted { .. } => "unreachable",
                _ => "unauthorized",
            };
            let text = if status == "unreachable" {
                OKDESK_UNREACHABLE
            } else {
                OKDESK_UNAUTHORIZED
            };
            SideCheck::new(status, format!("{text} ({detail})"))
        }
    }
}

/// Checks 1C over OData: the service document, then `$metadata`, detection and the layout's needs.
pub async fn check_odata(s: &Settings, client: &OdataClient) -> SideCheck {
    let mut side = match client.check().await {
        CheckOutcome::Connected { .. } => SideCheck::new("connected", CONNECTED.to_owned()),
        CheckOutcome::Unreachable { message } => {
            return SideCheck::new("unreachable", format!("{ONEC_UNREACHABLE} ({message})"))
        }
        CheckOutcome::Unauthorized { message } => {
            let detail = message.unwrap_or_else(|| "HTTP 401".into());
            return SideCheck::new("unauthorized", format!("{ONEC_UNAUTHORIZED} ({detail})"));
        }
        CheckOutcome::Failed(e) => {
            return SideCheck::new("unauthorized", format!("{ONEC_UNAUTHORIZED} ({e})"))
        }
        other => return SideCheck::new("unauthorized", format!("{ONEC_UNAUTHORIZED} ({other:?})")),
    };
    let meta = match client.metadata().await {
        Ok(m) => m,
        Err(e) => {
            side.missing = Some(vec![format!("$metadata could not be read: {e}")]);
            return side;
        }
    };
    side.detected = match registry::detect(&meta) {
        Ok((a, d)) => Some(format!("{} ({:?})", a.info().id, d).to_lowercase()),
        Err(e) => Some(format!(
            "unknown: {}",
            e.to_string().lines().next().unwrap_or_default()
        )),
    };
    match connect::adapter(s, Some(client)).await {
        Ok(adapter) => {
            side.configuration = Some(adapter.info().id.clone());
            let problems: Vec<String> = adapter
                .layout()
                .check(&meta)
                .iter()
                .map(ToString::to_string)
                .collect();
            side.missing = Some(problems);
            side.jobs = Some(jobs_check(adapter.layout(), &meta));
        }
        Err(e) => {
            side.missing = Some(vec![format!("{e:#}")]);
        }
    }
    side
}

/// How to make a file the tool can read, for every message about a broken or incomplete export.
pub const XML_EXPORT_HINT: &str =
    "выгрузите данные заново: обработкой «Выгрузка и загрузка данных XML» \
     (ВыгрузкаЗагрузкаДанныхXML83.epf, кодировка UTF-8) с отмеченными справочниками контрагентов, \
     контактных лиц и договоров, или обменом в формате EnterpriseData";

/// Checks a file source: it exists, and (for XML) what it holds, which configuration it looks like,
/// what the layout needs that it lacks and which jobs can run from it.
fn check_file(s: &Settings, path: &std::path::Path, xml: bool) -> SideCheck {
    let configured: Option<Arc<dyn Adapter>> = match &s.onec.configuration {
        Configuration::Known(id) => registry::by_id(id).map(registry::Shared::arc),
        Configuration::Layout(p) => registry::custom(p).ok(),
        Configuration::Auto => None,
    };
    let size = match std::fs::metadata(path) {
        Ok(m) if m.is_file() => m.len(),
        Ok(_) => {
            return SideCheck::new(
                "unreachable",
                format!("{} is not a file — проверьте onec.path", path.display()),
            )
        }
        Err(e) => {
            return SideCheck::new(
                "unreachable",
                format!(
                    "Файл {} недоступен: {e} — проверьте onec.path",
                    path.display()
                ),
            )
        }
    };
    if size == 0 {
        return SideCheck::new(
            "unreachable",
            format!("Файл {} пуст — {XML_EXPORT_HINT}", path.display()),
        );
    }
    if !xml {
        let mut side = SideCheck::new(
            "connected",
            format!("{CONNECTED} (файл {}, {size} байт)", path.display()),
        );
        side.configuration = configured.map(|a| a.info().id.clone());
        return side;
    }
    if crate::connect::is_enterprise_data_file(path) {
        return check_enterprise_data(path, size, configured);
    }
    let layout = configured.as_ref().map(|a| a.layout());
    let summary = match std::fs::File::open(path)
        .map_err(|e| e.to_string())
        .and_then(|f| {
            onec_adapter::xml::inspect(std::io::BufReader::new(f), layout)
                .map_err(|e| e.to_string())
        }) {
        Ok(summary) => summary,
        Err(e) => {
            return SideCheck::new(
                "unreachable",
                format!(
                    "Файл {} не прочитан: {e} — {XML_EXPORT_HINT}",
                    path.display()
                ),
            )
        }
    };
    let style = match summary.style {
        onec_adapter::xml::Style::Prefixed => "8.3",
        onec_adapter::xml::Style::Unprefixed => "8.2",
    };
    let mut side = SideCheck::new(
        "connected",
        format!(
            "{CONNECTED} (файл {}, {size} байт): универсальный формат XML 1С ({style}, {}); в файле {}",
            path.display(),
            summary.encoding,
            summary.objects_text()
        ),
    );
    side.detected = Some(match registry::detect(&summary.metadata) {
        Ok((a, d)) => format!("{} ({:?})", a.info().id, d).to_lowercase(),
        Err(e) => format!(
            "unknown: {}",
            e.to_string().lines().next().unwrap_or_default()
        ),
    });
    let adapter = configured.or_else(|| {
        registry::detect(&summary.metadata)
            .ok()
            .map(|(a, _)| registry::Shared::arc(a))
    });
    let Some(adapter) = adapter else {
        side.missing = Some(vec![
            "the file looks like no supported configuration: set `configuration` or `layout` in [onec]"
                .into(),
        ]);
        return side;
    };
    side.configuration = Some(adapter.info().id.clone());
    let publication = adapter.layout().publication(&summary.metadata, Job::Push);
    // A file is a publication too: what push needs and the file lacks, said the file's way.
    let skipped: Vec<String> = publication
        .skipped
        .iter()
        .map(|k| match &k.field {
            None => format!(
                "{}: в файле нет объектов {} — {XML_EXPORT_HINT}",
                k.section,
                onec_adapter::xml::russian_type(&k.set)
            ),
            Some(f) => format!(
                "{}: у объектов {} в файле нет реквизита {f}",
                k.section,
                onec_adapter::xml::russian_type(&k.set)
            ),
        })
        .collect();
    let companies_missing = publication.skipped.iter().any(|k| {
        k.section
            == match adapter.layout().companies_from {
                CompanySource::Counterparties => "counterparties",
                CompanySource::Partners => "partners",
            }
    });
    set_file_jobs(&mut side, !companies_missing, skipped);
    side
}

/// Checks an EnterpriseData message: read whole, it says its format version and what it holds;
/// push can run when it holds counterparties.
fn check_enterprise_data(
    path: &std::path::Path,
    size: u64,
    configured: Option<Arc<dyn Adapter>>,
) -> SideCheck {
    let read = match std::fs::File::open(path)
        .map_err(|e| e.to_string())
        .and_then(|f| {
            onec_adapter::enterprise_data::read(std::io::BufReader::new(f))
                .map_err(|e| e.to_string())
        }) {
        Ok(read) => read,
        Err(e) => {
            return SideCheck::new(
                "unreachable",
                format!("Файл {} не прочитан: {e}", path.display()),
            )
        }
    };
    let holds: Vec<String> = read
        .counts
        .iter()
        .chain(read.skipped.iter())
        .filter(|(_, n)| **n > 0)
        .map(|(kind, n)| format!("{n} × {kind}"))
        .collect();
    let mut side = SideCheck::new(
        "connected",
        format!(
            "{CONNECTED} (файл {}, {size} байт): сообщение обмена в формате {}; в файле {}",
            path.display(),
            read.format,
            if holds.is_empty() {
                "ни одного объекта".to_owned()
            } else {
                holds.join(", ")
            }
        ),
    );
    side.detected = Some(format!("{} (any configuration)", read.format));
    side.configuration = configured.map(|a| a.info().id.clone());
    let has = |kind: &str| read.counts.get(kind).is_some_and(|n| *n > 0);
    let mut skipped = Vec::new();
    for (kind, what) in [
        ("Справочник.КонтактныеЛица", "contacts"),
        ("Справочник.Договоры", "agreements"),
    ] {
        if !has(kind) {
            skipped.push(format!("{what}: в сообщении нет объектов {kind}"));
        }
    }
    set_file_jobs(&mut side, has("Справочник.Контрагенты"), skipped);
    side
}

/// What a file source lets each job do: push, when the file holds companies (partly when it lacks
/// other kinds); never pull or bill, which write documents into 1C.
fn set_file_jobs(side: &mut SideCheck, has_companies: bool, skipped: Vec<String>) {
    let can_run = match (has_companies, skipped.is_empty()) {
        (false, _) => "no",
        (true, true) => "yes",
        (true, false) => "partly",
    };
    let mut jobs = BTreeMap::new();
    jobs.insert(
        "push",
        JobCheck {
            can_run,
            skipped: skipped.clone(),
            warnings: Vec::new(),
        },
    );
    for job in ["pull", "bill"] {
        jobs.insert(
            job,
            JobCheck {
                can_run: "unsupported",
                skipped: vec![format!(
                    "{job} пишет документы в 1С, а в файл писать нельзя: нужна опубликованная база (source = \"odata\")"
                )],
                warnings: Vec::new(),
            },
        );
    }
    side.jobs = Some(jobs);
    side.missing = Some(skipped);
}

/// Runs the check.
pub async fn run(ctx: &Ctx<'_>, s: &Settings) -> Result<CheckReport> {
    let okdesk = match connect::okdesk_client(s, &ctx.env, &ctx.redactor) {
        Ok(client) => check_okdesk(&client).await,
        Err(e) => SideCheck::new("unauthorized", format!("{OKDESK_UNAUTHORIZED} ({e:#})")),
    };
    let onec = match &s.onec.source {
        OnecSource::OData { .. } => match connect::odata_client(s, &ctx.env, &ctx.redactor) {
            Ok(Some(client)) => check_odata(s, &client).await,
            Ok(None) => unreachable!("an odata source always has a client"),
            Err(e) => SideCheck::new("unauthorized", format!("{ONEC_UNAUTHORIZED} ({e:#})")),
        },
        OnecSource::Xml { path } => check_file(s, path, true),
        OnecSource::Xlsx { path } => check_file(s, path, false),
    };
    let ok =
        okdesk.connected() && onec.connected() && onec.missing.as_ref().is_none_or(Vec::is_empty);
    Ok(CheckReport {
        command: "check",
        ok,
        okdesk,
        onec,
    })
}

/// Prints a check for a person.
pub fn print_human(out: &mut dyn Write, r: &CheckReport) -> std::io::Result<()> {
    let mark = |side: &SideCheck| if side.connected() { "ok " } else { "ERR" };
    writeln!(out, "[{}] Okdesk: {}", mark(&r.okdesk), r.okdesk.message)?;
    writeln!(out, "[{}] 1C:     {}", mark(&r.onec), r.onec.message)?;
    if let Some(c) = &r.onec.configuration {
        writeln!(out, "      configuration in use: {c}")?;
    }
    if let Some(d) = &r.onec.detected {
        writeln!(out, "      $metadata looks like: {d}")?;
    }
    if let Some(missing) = &r.onec.missing {
        if missing.is_empty() {
            writeln!(out, "      the base publishes everything the layout needs")?;
        } else {
            writeln!(
                out,
                "      the layout needs what the base does not publish ({}); enable these objects \
                 in «Стандартный интерфейс OData» or adjust the layout:",
                missing.len()
            )?;
            for m in missing {
                writeln!(out, "      - {m}")?;
            }
        }
    }
    if let Some(jobs) = &r.onec.jobs {
        for (job, check) in jobs {
            let verdict = match check.can_run {
                "yes" => "можно запускать",
                "partly" => "можно запускать, но часть данных не читается",
                "no" => "нельзя запускать: не опубликовано необходимое",
                _ => "не поддерживается этой конфигурацией",
            };
            writeln!(out, "      {job}: {verdict}")?;
            for s in &check.skipped {
                writeln!(out, "        - {s}")?;
            }
        }
    }
    Ok(())
}

/// The exit code: 0 connected and complete, 1 connected with layout gaps, 2 a side not connected.
pub fn exit_code(r: &CheckReport) -> u8 {
    if !r.okdesk.connected() || !r.onec.connected() {
        2
    } else if r.ok {
        0
    } else {
        1
    }
}
