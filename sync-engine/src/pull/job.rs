//! `PullJob`: the entry point the CLI calls for `pull`. It locks the state, lists issues changed
//! since the cursor (minus the overlap window, de-duplicated by id and `updated_at`), reads each
//! changed issue whole, builds its task and time sheets and upserts them into 1C, then moves the
//! cursor no further than the issues whose documents are all written.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, FixedOffset, NaiveDate};
use onec_adapter::documents::{issue_id_in_text, LookupMatch};
use onec_adapter::RawObject;
use onec_model::TaskAttachment;
use sha2::{Digest, Sha256};

use super::build::{build_issue, Backrefs, IssueBundle, PulledIssue};
use super::write::{upsert, Finder, StepError, Upserted};
use super::{JobProgress, PullPolicy};
use crate::error::{Error, Result};
use crate::ports::documents::{DocQuery, OnecDocuments};
use crate::ports::issues::{IssueStamp, IssuesPort};
use crate::ports::{ErrorClass, PortError};
use crate::push::StopFlag;
use crate::report::{Counts, FailureReport, Requests, RunReport};
use crate::run::Run;
use crate::state::{FailureRecord, LockToken, RunId, StateStore};

/// The cursor pull keeps: the `updated_at` up to which every issue is written.
pub const CURSOR: &str = "pull.updated_since";

/// A pull from one Okdesk account into one 1C base over one state store.
pub struct PullJob {
    okdesk: Arc<dyn IssuesPort>,
    onec: Arc<dyn OnecDocuments>,
    state: Arc<Mutex<StateStore>>,
    policy: PullPolicy,
    stop: StopFlag,
}

fn okdesk_error(e: PortError) -> Error {
    if e.class == ErrorClass::Auth {
        Error::Auth(e)
    } else {
        Error::Okdesk(e)
    }
}

/// Which side a failed step talked to, for the run-level error when it aborts.
#[derive(Clone, Copy)]
enum Side {
    Okdesk,
    Onec,
}

struct IssueFailure {
    side: Side,
    error: StepError,
}

impl PullJob {
    /// A job over its ports, state and policy.
    pub fn new(
        okdesk: Arc<dyn IssuesPort>,
        onec: Arc<dyn OnecDocuments>,
        state: StateStore,
        policy: PullPolicy,
    ) -> Self {
        Self::with_shared_state(okdesk, onec, Arc::new(Mutex::new(state)), policy)
    }

    /// A job over a state store shared with other jobs.
    pub fn with_shared_state(
        okdesk: Arc<dyn IssuesPort>,
        onec: Arc<dyn OnecDocuments>,
        state: Arc<Mutex<StateStore>>,
        policy: PullPolicy,
    ) -> Self {
        PullJob {
            okdesk,
            onec,
            state,
            policy,
            stop: StopFlag::new(),
        }
    }

    /// The flag that stops a running job between issues.
    pub fn stop_flag(&self) -> StopFlag {
        self.stop.clone()
    }

    /// The state store.
    pub fn state(&self) -> &Arc<Mutex<StateStore>> {
        &self.state
    }

    fn store(&self) -> std::sync::MutexGuard<'_, StateStore> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs the pull (or, with `dry_run`, reads and plans through the same path and writes
    /// nothing to 1C or to the cursor). `since` overrides the cursor for a re-load.
    pub async fn run(
        &self,
        dry_run: bool,
        since: Option<NaiveDate>,
        progress: &(dyn Fn(&JobProgress) + Send + Sync),
    ) -> Result<RunReport> {
        let run = Run::begin(&self.state, "pull", dry_run, self.requests())?;
        let result = self
            .run_locked(dry_run, since, run.id(), run.token(), progress)
            .await;
        run.finish(result, self.requests())
    }

    /// The ports' request counters now.
    fn requests(&self) -> Requests {
        Requests {
            okdesk: self.okdesk.requests(),
            onec: self.onec.requests(),
        }
    }

    fn since_date(&self, since: Option<NaiveDate>) -> Result<Option<NaiveDate>> {
        if since.is_some() {
            return Ok(since);
        }
        let Some(text) = self.store().cursor(CURSOR)? else {
            return Ok(None);
        };
        let at = DateTime::parse_from_rfc3339(&text).map_err(|e| {
            Error::Config(format!(
                "the state's cursor {CURSOR} = `{text}` is not a timestamp ({e}); run `pull --since DATE` to set it again"
            ))
        })?;
        Ok(Some(
            at.date_naive() - Duration::days(i64::from(self.policy.overlap_days)),
        ))
    }

    async fn run_locked(
        &self,
        dry_run: bool,
        since: Option<NaiveDate>,
        run: RunId,
        token: &LockToken,
        progress: &(dyn Fn(&JobProgress) + Send + Sync),
    ) -> Result<RunReport> {
        let mut report = RunReport::new("pull", dry_run);
        report.configuration = Some(self.onec.configuration().to_owned());
        report.run_id = Some(run.0);
        let layout = self.onec.layout().clone();
        if layout.task.is_none() {
            report.warnings.push(format!(
                "Конфигурация {}: в макете нет документа для заданий по заявкам, загрузка заявок ничего не записывает.",
                self.onec.configuration()
            ));
            return Ok(report);
        }
        let weekly = layout
            .time_sheet
            .as_ref()
            .is_some_and(|t| t.week_grid.is_some());
        let since = self.since_date(since)?;
        let stamps = self
            .okdesk
            .changed_issues(since)
            .await
            .map_err(okdesk_error)?;
        // The listing may repeat an issue (overlapping pages); the latest stamp wins.
        let mut latest: BTreeMap<u64, DateTime<FixedOffset>> = BTreeMap::new();
        for s in &stamps {
            let e = latest.entry(s.id).or_insert(s.updated_at);
            if s.updated_at > *e {
                *e = s.updated_at;
            }
        }
        let mut todo: Vec<IssueStamp> = Vec::new();
        for (id, updated_at) in &latest {
            if self.store().pulled_at(*id)? == Some(*updated_at) {
                count(&mut report, "issues").unchanged += 1;
            } else {
                todo.push(IssueStamp {
                    id: *id,
                    updated_at: *updated_at,
                });
            }
        }
        let mut cursor_ok = latest.values().max().copied();
        let mut held_back: Option<DateTime<FixedOffset>> = None;
        if !todo.is_empty() {
            // Without users, items and mappings no document can be built: 1C failing here
            // stops the run.
            let reference = self.onec.reference().await.map_err(Error::Onec)?;
            report
                .warnings
                .extend(reference.diagnostics.iter().map(|d| d.to_string()));
            let employees = self.okdesk.employees().await.map_err(okdesk_error)?;
            let view = self.store().view_without_payloads()?;
            let refs = Backrefs::new(&view, &employees, &reference.snapshot);
            let total = todo.len();
            for (done, stamp) in todo.iter().enumerate() {
                if self.stop.is_stopped() {
                    report.interrupted = true;
                    held_back = min_opt(held_back, stamp.updated_at);
                    continue;
                }
                self.store().heartbeat(token)?;
                let title = match self
                    .pull_issue(stamp, &refs, weekly, dry_run, &mut report)
                    .await
                {
                    Ok(title) => {
                        if !dry_run {
                            let mut store = self.store();
                            store.set_pulled(stamp.id, stamp.updated_at)?;
                            store.close_failure("issues", &stamp.id.to_string())?;
                        }
                        title
                    }
                    Err((title, failure)) => {
                        held_back = min_opt(held_back, stamp.updated_at);
                        self.fail(run, &mut report, stamp.id, &title, failure)?;
                        title
                    }
                };
                progress(&JobProgress {
                    done: done + 1,
                    total,
                    entity: "issues",
                    name: format!("#{} {title}", stamp.id),
                });
            }
        }
        if let Some(back) = held_back {
            // An issue not written holds the cursor just before its own change, so that the next
            // run lists it again.
            cursor_ok = Some(back - Duration::seconds(1));
        }
        if !dry_run {
            if let Some(at) = cursor_ok {
                self.store().set_cursor(CURSOR, &at.to_rfc3339())?;
            }
        }
        report.ok = report.failures.is_empty() && !report.interrupted;
        Ok(report)
    }

    fn fail(
        &self,
        run: RunId,
        report: &mut RunReport,
        issue_id: u64,
        title: &str,
        failure: IssueFailure,
    ) -> Result<()> {
        let e = match failure.error {
            StepError::State(e) => return Err(e.into()),
            StepError::Port(e) => e,
        };
        if e.aborts_run() {
            return Err(match failure.side {
                Side::Okdesk => okdesk_error(e),
                Side::Onec => Error::Onec(e),
            });
        }
        let side = match failure.side {
            Side::Okdesk => "Okdesk",
            Side::Onec => "1С",
        };
        let message = format!("Заявка #{issue_id} «{title}» не загружена в 1С ({side}): {e}");
        count(report, "issues").failed += 1;
        report.failures.push(FailureReport {
            entity: "issues".into(),
            key: issue_id.to_string(),
            name: title.to_owned(),
            field: e.field.clone(),
            message: message.clone(),
            http_status: e.status,
            request: e.request_body.clone(),
        });
        self.store().record_failure(
            run,
            &FailureRecord {
                entity: "issues".into(),
                key: issue_id.to_string(),
                name: title.to_owned(),
                field: e.field.clone(),
                message,
                http_status: e.status,
                request_body: e.request_body.as_ref().map(|b| b.to_string()),
            },
        )?;
        Ok(())
    }

    /// Reads, builds and writes one issue; returns its title, or the title and the failure.
    async fn pull_issue(
        &self,
        stamp: &IssueStamp,
        refs: &Backrefs,
        weekly: bool,
        dry_run: bool,
        report: &mut RunReport,
    ) -> std::result::Result<String, (String, IssueFailure)> {
        let okdesk = |error: PortError| IssueFailure {
            side: Side::Okdesk,
            error: StepError::Port(error),
        };
        let card = self
            .okdesk
            .issue(stamp.id)
            .await
            .map_err(|e| (String::new(), okdesk(e)))?;
        let title = card.title.clone();
        let bundle = self
            .read_bundle(card, dry_run)
            .await
            .map_err(|e| (title.clone(), e))?;
        let pulled = build_issue(&bundle, refs, &self.policy.okdesk_url, weekly);
        for note in &pulled.notes {
            report.warnings.push(note.message.clone());
        }
        let known = self
            .store()
            .pulled_at(stamp.id)
            .map_err(|e| {
                (
                    title.clone(),
                    IssueFailure {
                        side: Side::Onec,
                        error: StepError::State(e),
                    },
                )
            })?
            .is_some();
        self.write_documents(&pulled, dry_run, report)
            .await
            .map_err(|e| {
                (
                    title.clone(),
                    IssueFailure {
                        side: Side::Onec,
                        error: e,
                    },
                )
            })?;
        let c = count(report, "issues");
        if known {
            c.updated += 1;
        } else {
            c.created += 1;
        }
        Ok(title)
    }

    async fn read_bundle(
        &self,
        card: crate::ports::issues::IssueCard,
        dry_run: bool,
    ) -> std::result::Result<IssueBundle, IssueFailure> {
        let okdesk = |error: PortError| IssueFailure {
            side: Side::Okdesk,
            error: StepError::Port(error),
        };
        let id = card.id;
        let comments = self.okdesk.comments(id).await.map_err(okdesk)?;
        let checklist = match self.okdesk.checklist(id).await {
            Ok(c) => c,
            // Accounts without the checklist module answer 404; the issue simply has none.
            Err(e) if e.class == ErrorClass::NotFound => Vec::new(),
            Err(e) => return Err(okdesk(e)),
        };
        let time_entries = self.okdesk.time_entries(id).await.map_err(okdesk)?;
        let parent = match card.parent_id {
            Some(p) => Some((p, self.okdesk.issue(p).await.map_err(okdesk)?.title)),
            None => None,
        };
        let mut children = Vec::new();
        for c in &card.child_ids {
            children.push((*c, self.okdesk.issue(*c).await.map_err(okdesk)?.title));
        }
        let mut metas: Vec<_> = card.attachments.clone();
        for c in &comments {
            metas.extend(c.attachments.iter().cloned());
        }
        let mut attachments = Vec::new();
        for meta in metas {
            let known = self
                .store()
                .attachment_digest(meta.id)
                .map_err(|e| IssueFailure {
                    side: Side::Onec,
                    error: StepError::State(e),
                })?;
            let (sha256, size) = match known {
                Some((sha, size)) => (Some(sha), size),
                None if dry_run => (None, meta.size.unwrap_or(0)),
                None => {
                    let bytes = self
                        .okdesk
                        .download_attachment(id, meta.id)
                        .await
                        .map_err(okdesk)?;
                    let sha = hex::encode(Sha256::digest(&bytes));
                    self.save_attachment(id, meta.id, &meta.file_name, &bytes)
                        .map_err(okdesk)?;
                    self.store()
                        .put_attachment_digest(meta.id, &sha, bytes.len() as u64)
                        .map_err(|e| IssueFailure {
                            side: Side::Onec,
                            error: StepError::State(e),
                        })?;
                    (Some(sha), bytes.len() as u64)
                }
            };
            attachments.push(TaskAttachment {
                id: meta.id,
                name: meta.file_name.clone(),
                size,
                sha256,
            });
        }
        Ok(IssueBundle {
            card,
            comments,
            checklist,
            time_entries,
            parent,
            children,
            attachments,
        })
    }

    fn save_attachment(
        &self,
        issue_id: u64,
        attachment_id: u64,
        name: &str,
        bytes: &[u8],
    ) -> std::result::Result<(), PortError> {
        let Some(dir) = &self.policy.attachments_dir else {
            return Ok(());
        };
        // The name comes from Okdesk: keep only its last component so it cannot leave the folder.
        let safe: String = name
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or_default()
            .chars()
            .filter(|c| !c.is_control())
            .collect();
        let folder = dir.join(issue_id.to_string());
        let path = folder.join(format!("{attachment_id}-{safe}"));
        std::fs::create_dir_all(&folder)
            .and_then(|()| std::fs::write(&path, bytes))
            .map_err(|e| {
                PortError::new(
                    ErrorClass::Config,
                    format!(
                        "cannot save attachment {attachment_id} to {}: {e}",
                        path.display()
                    ),
                )
            })
    }

    async fn write_documents(
        &self,
        pulled: &PulledIssue,
        dry_run: bool,
        report: &mut RunReport,
    ) -> std::result::Result<(), StepError> {
        let adapter = self.onec.adapter();
        let layout = self.onec.layout();
        let issue_id = pulled.task.issue_id;
        let build_err = |e: onec_adapter::BuildError| {
            StepError::Port(PortError::new(ErrorClass::Validation, e.to_string()))
        };
        let Some(task_write) = adapter.build_task(&pulled.task).map_err(build_err)? else {
            return Ok(());
        };
        let lookup = adapter.task_lookup(issue_id);
        let confirm_task = |o: &RawObject| {
            adapter
                .task_from_raw(o)
                .is_some_and(|t| t.issue_id == issue_id)
        };
        let finder = lookup.map(|l| Finder {
            query: DocQuery {
                set: l.set,
                field: l.field,
                matches: l.matches,
            },
            confirm: &confirm_task,
        });
        let task = upsert(
            self.onec.as_ref(),
            &self.state,
            "task",
            &issue_id.to_string(),
            issue_id,
            task_write,
            finder,
            dry_run,
        )
        .await?;
        tally(report, "tasks", task);
        let Some(sheet_layout) = &layout.time_sheet else {
            return Ok(());
        };
        for (key, sheet) in &pulled.sheets {
            let mut sheet = sheet.clone();
            sheet.task = task.r#ref();
            let Some(write) = adapter.build_time_sheet(&sheet).map_err(build_err)? else {
                continue;
            };
            // A sheet is found again by its issue field (or comment marker) and its employee.
            let (field, matches) = match (&sheet_layout.issue_id, &sheet_layout.comment) {
                (Some(f), _) => (f.clone(), LookupMatch::Equals(issue_id.to_string())),
                (None, Some(f)) => (
                    f.clone(),
                    LookupMatch::Contains(format!(
                        "{}{issue_id}",
                        onec_adapter::documents::ISSUE_MARKER
                    )),
                ),
                (None, None) => (String::new(), LookupMatch::Equals(String::new())),
            };
            let employee_field = sheet_layout.employee.clone();
            let wanted_employee = sheet.employee;
            let date_field = sheet_layout.week_grid.as_ref().map(|w| w.from.clone());
            let wanted_from = write
                .object
                .props
                .get(date_field.as_deref().unwrap_or_default())
                .cloned();
            let issue_field = sheet_layout.issue_id.clone();
            let comment_field = sheet_layout.comment.clone();
            let confirm = move |o: &RawObject| {
                let issue_ok = match (&issue_field, &comment_field) {
                    (Some(f), _) => {
                        o.text(f).and_then(|t| t.trim().parse::<u64>().ok()) == Some(issue_id)
                    }
                    (None, Some(f)) => {
                        o.text(f).and_then(|t| issue_id_in_text(&t)) == Some(issue_id)
                    }
                    (None, None) => false,
                };
                let employee_ok = match (&employee_field, wanted_employee) {
                    (Some(f), Some(e)) => o.reference(f).ok().flatten() == Some(e),
                    _ => true,
                };
                let week_ok = match (&date_field, &wanted_from) {
                    (Some(f), Some(v)) => o.text(f) == v.as_text(),
                    _ => true,
                };
                issue_ok && employee_ok && week_ok
            };
            let finder = (!field.is_empty()).then(|| Finder {
                query: DocQuery {
                    set: sheet_layout.set.clone(),
                    field,
                    matches,
                },
                confirm: &confirm,
            });
            let done = upsert(
                self.onec.as_ref(),
                &self.state,
                "time_sheet",
                key,
                issue_id,
                write,
                finder,
                dry_run,
            )
            .await?;
            tally(report, "time_sheets", done);
        }
        Ok(())
    }
}

fn min_opt(
    a: Option<DateTime<FixedOffset>>,
    b: DateTime<FixedOffset>,
) -> Option<DateTime<FixedOffset>> {
    Some(a.map_or(b, |a| a.min(b)))
}

pub(crate) fn count<'a>(report: &'a mut RunReport, entity: &str) -> &'a mut Counts {
    report.counts.entry(entity.to_owned()).or_default()
}

fn tally(report: &mut RunReport, entity: &str, done: Upserted) {
    let c = count(report, entity);
    match done {
        Upserted::Created(_) => c.created += 1,
        Upserted::Updated(_) => c.updated += 1,
        Upserted::Unchanged(_) => c.unchanged += 1,
    }
}
