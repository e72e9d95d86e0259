//! In-memory ports for pull and bill tests (feature `testing`): an Okdesk holding issues with
//! comments, checklists, time entries, specifications and attachment bytes; and a 1C base that
//! keeps written documents, numbers them like 1C, and fails on demand at the k-th write.
//!
//! Both count requests and can lose an answer after committing, which is how a crash between two
//! steps looks from the engine's side.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use async_trait::async_trait;
use chrono::{DateTime, Duration, FixedOffset, NaiveDate};
use onec_adapter::documents::LookupMatch;
use onec_adapter::{Adapter, DocumentWrite, Layout, RawObject, RawValue};
use onec_model::{Ref, Snapshot, VatRate};

use crate::fake::Injected;
use crate::ports::documents::{DocQuery, OnecDocuments, OnecReference};
use crate::ports::issues::{
    AttachmentMeta, ChecklistItem, IssueCard, IssueComment, IssueStamp, IssuesPort, NewComment,
    OkdeskEmployee, PersonKind, PersonRef, ServiceLine, TimeEntryRecord,
};
use crate::ports::{ErrorClass, PortError};

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock()
        .expect("the fake's lock is never poisoned by its own code")
}

fn injected(how: Injected, what: &str) -> PortError {
    match how {
        Injected::Refuse => {
            PortError::new(ErrorClass::Server, format!("injected failure of {what}"))
                .with_status(500)
        }
        Injected::LoseResponse => {
            let mut e = PortError::new(
                ErrorClass::Transport,
                format!("injected timeout after {what}"),
            );
            e.maybe_committed = true;
            e
        }
        Injected::Unauthorized => PortError::new(ErrorClass::Auth, "injected 401").with_status(401),
    }
}

/// One issue held by the fake Okdesk.
#[derive(Clone, Debug, PartialEq)]
pub struct FakeIssue {
    /// The card.
    pub card: IssueCard,
    /// The comments.
    pub comments: Vec<IssueComment>,
    /// The checklist.
    pub checklist: Vec<ChecklistItem>,
    /// The time entries.
    pub time_entries: Vec<TimeEntryRecord>,
    /// The specification.
    pub services: Vec<ServiceLine>,
}

impl FakeIssue {
    /// A bare issue: a title, a status and the time it was created (and last updated).
    pub fn new(id: u64, title: &str, status: &str, at: DateTime<FixedOffset>) -> Self {
        FakeIssue {
            card: IssueCard {
                id,
                title: title.into(),
                description: String::new(),
                created_at: at,
                updated_at: at,
                status_code: status.into(),
                status_name: None,
                assignee: None,
                author: None,
                company_id: None,
                contact_id: None,
                agreement_id: None,
                service_object_id: None,
                equipment_ids: Vec::new(),
                parent_id: None,
                child_ids: Vec::new(),
                attachments: Vec::new(),
            },
            comments: Vec::new(),
            checklist: Vec::new(),
            time_entries: Vec::new(),
            services: Vec::new(),
        }
    }
}

#[derive(Default)]
struct IssuesInner {
    issues: BTreeMap<u64, FakeIssue>,
    files: BTreeMap<u64, Vec<u8>>,
    employees: Vec<OkdeskEmployee>,
    next_id: u64,
    /// Uploaded comment files by (issue, comment id).
    uploads: Vec<(u64, u64, String, Vec<u8>)>,
    fail_upload: Vec<Injected>,
    downloads: u64,
}

/// An in-memory Okdesk for pull and bill.
#[derive(Default)]
pub struct FakeIssues {
    inner: Mutex<IssuesInner>,
    requests: AtomicU64,
}

impl FakeIssues {
    /// An empty account.
    pub fn new() -> Self {
        let f = FakeIssues::default();
        lock(&f.inner).next_id = 10_000;
        f
    }

    fn count(&self) {
        self.requests.fetch_add(1, Ordering::SeqCst);
    }

    /// Adds an employee.
    pub fn add_employee(&self, id: u64, name: &str, email: &str) {
        lock(&self.inner).employees.push(OkdeskEmployee {
            id,
            name: name.into(),
            email: Some(email.into()),
            login: Some(email.into()),
            active: true,
        });
    }

    /// Adds (or replaces) an issue.
    pub fn put_issue(&self, issue: FakeIssue) {
        lock(&self.inner).issues.insert(issue.card.id, issue);
    }

    /// Changes an issue and moves its `updated_at` forward by a minute, as an edit in Okdesk does.
    pub fn edit(&self, id: u64, change: impl FnOnce(&mut FakeIssue)) {
        let mut inner = lock(&self.inner);
        let issue = inner
            .issues
            .get_mut(&id)
            .expect("the test edits an issue it added");
        change(issue);
        issue.card.updated_at += Duration::minutes(1);
    }

    /// Stores the bytes of an attachment listed on an issue or comment.
    pub fn put_file(&self, attachment_id: u64, bytes: &[u8]) {
        lock(&self.inner)
            .files
            .insert(attachment_id, bytes.to_vec());
    }

    /// A person reference to an employee.
    pub fn employee_ref(id: u64, name: &str) -> PersonRef {
        PersonRef {
            id,
            name: name.into(),
            kind: PersonKind::Employee,
        }
    }

    /// Makes the next uploads fail as given, in order.
    pub fn fail_uploads(&self, how: &[Injected]) {
        lock(&self.inner).fail_upload.extend_from_slice(how);
    }

    /// Files uploaded with comments: (issue, comment id, file name, bytes).
    pub fn uploads(&self) -> Vec<(u64, u64, String, Vec<u8>)> {
        lock(&self.inner).uploads.clone()
    }

    /// An issue as the fake holds it.
    pub fn issue_now(&self, id: u64) -> Option<FakeIssue> {
        lock(&self.inner).issues.get(&id).cloned()
    }

    /// Attachments downloaded so far.
    pub fn downloads(&self) -> u64 {
        lock(&self.inner).downloads
    }

    fn get(&self, id: u64) -> Result<FakeIssue, PortError> {
        lock(&self.inner).issues.get(&id).cloned().ok_or_else(|| {
            PortError::new(ErrorClass::NotFound, format!("issue {id} not found")).with_status(404)
        })
    }
}

#[async_trait]
impl IssuesPort for FakeIssues {
    async fn changed_issues(&self, since: Option<NaiveDate>) -> Result<Vec<IssueStamp>, PortError> {
        self.count();
        Ok(lock(&self.inner)
            .issues
            .values()
            .filter(|i| since.is_none_or(|d| i.card.updated_at.date_naive() >= d))
            .map(|i| IssueStamp {
                id: i.card.id,
                updated_at: i.card.updated_at,
            })
            .collect())
    }

    async fn issue_ids(
        &self,
        statuses: &[String],
        since: Option<NaiveDate>,
    ) -> Result<Vec<u64>, PortError> {
        self.count();
        Ok(lock(&self.inner)
            .issues
            .values()
            .filter(|i| statuses.is_empty() || statuses.contains(&i.card.status_code))
            .filter(|i| since.is_none_or(|d| i.card.updated_at.date_naive() >= d))
            .map(|i| i.card.id)
            .collect())
    }

    async fn issue(&self, id: u64) -> Result<IssueCard, PortError> {
        self.count();
        Ok(self.get(id)?.card)
    }

    async fn comments(&self, id: u64) -> Result<Vec<IssueComment>, PortError> {
        self.count();
        Ok(self.get(id)?.comments)
    }

    async fn checklist(&self, id: u64) -> Result<Vec<ChecklistItem>, PortError> {
        self.count();
        Ok(self.get(id)?.checklist)
    }

    async fn time_entries(&self, id: u64) -> Result<Vec<TimeEntryRecord>, PortError> {
        self.count();
        Ok(self.get(id)?.time_entries)
    }

    async fn services(&self, id: u64) -> Result<Vec<ServiceLine>, PortError> {
        self.count();
        Ok(self.get(id)?.services)
    }

    async fn download_attachment(
        &self,
        issue_id: u64,
        attachment_id: u64,
    ) -> Result<Vec<u8>, PortError> {
        // Two requests, like the real API: the attachment card, then its temporary link.
        self.count();
        self.count();
        self.get(issue_id)?;
        let mut inner = lock(&self.inner);
        inner.downloads += 1;
        inner.files.get(&attachment_id).cloned().ok_or_else(|| {
            PortError::new(
                ErrorClass::NotFound,
                format!("attachment {attachment_id} not found"),
            )
            .with_status(404)
        })
    }

    async fn employees(&self) -> Result<Vec<OkdeskEmployee>, PortError> {
        self.count();
        Ok(lock(&self.inner).employees.clone())
    }

    async fn add_comment(&self, issue_id: u64, comment: &NewComment) -> Result<u64, PortError> {
        self.count();
        let mut inner = lock(&self.inner);
        let how = if inner.fail_upload.is_empty() {
            None
        } else {
            Some(inner.fail_upload.remove(0))
        };
        if matches!(how, Some(Injected::Refuse | Injected::Unauthorized)) {
            return Err(injected(how.expect("matched"), "a comment upload"));
        }
        inner.next_id += 1;
        let comment_id = inner.next_id;
        inner.next_id += 1;
        let attachment_id = inner.next_id;
        let issue = inner.issues.get_mut(&issue_id).ok_or_else(|| {
            PortError::new(ErrorClass::NotFound, format!("issue {issue_id} not found"))
                .with_status(404)
        })?;
        let at = issue.card.updated_at + Duration::minutes(1);
        issue.card.updated_at = at;
        issue.comments.push(IssueComment {
            id: comment_id,
            content: comment.content.clone(),
            public: comment.public,
            published_at: at,
            author: Some(FakeIssues::employee_ref(comment.author_id, "API")),
            attachments: vec![AttachmentMeta {
                id: attachment_id,
                file_name: comment.file.file_name.clone(),
                size: Some(comment.file.bytes.len() as u64),
                public: comment.public,
            }],
        });
        inner
            .files
            .insert(attachment_id, comment.file.bytes.clone());
        inner.uploads.push((
            issue_id,
            comment_id,
            comment.file.file_name.clone(),
            comment.file.bytes.clone(),
        ));
        if let Some(how) = how {
            return Err(injected(how, "a comment upload"));
        }
        Ok(comment_id)
    }

    fn requests(&self) -> u64 {
        self.requests.load(Ordering::SeqCst)
    }
}

#[derive(Default)]
struct OnecInner {
    docs: BTreeMap<String, BTreeMap<Ref, RawObject>>,
    numbers: BTreeMap<String, u64>,
    writes: u64,
    fail_at: BTreeMap<u64, Injected>,
}

/// An in-memory 1C base for pull and bill: the real adapter builds, the fake stores.
pub struct FakeOnec {
    adapter: &'static dyn Adapter,
    reference: OnecReference,
    inner: Mutex<OnecInner>,
    requests: AtomicU64,
}

impl FakeOnec {
    /// A base of `adapter`'s configuration holding `snapshot`; VAT catalog refs are made up per
    /// rate where the configuration keeps VAT in a catalog.
    pub fn new(adapter: &'static dyn Adapter, snapshot: Snapshot) -> Self {
        let vat_rates = VatRate::ALL
            .into_iter()
            .map(|r| (r, Ref::derived("fake-vat", r.onec_name())))
            .collect();
        FakeOnec {
            adapter,
            reference: OnecReference {
                snapshot,
                vat_rates,
                diagnostics: Vec::new(),
                currency: None,
            },
            inner: Mutex::new(OnecInner::default()),
            requests: AtomicU64::new(0),
        }
    }

    /// Makes the `k`-th write or post (1-based, over the fake's life) fail as `how`.
    pub fn fail_at(&self, k: u64, how: Injected) {
        lock(&self.inner).fail_at.insert(k, how);
    }

    /// Every document of a set.
    pub fn documents(&self, set: &str) -> Vec<RawObject> {
        lock(&self.inner)
            .docs
            .get(set)
            .map(|m| m.values().cloned().collect())
            .unwrap_or_default()
    }

    /// Writes and posts so far.
    pub fn writes(&self) -> u64 {
        lock(&self.inner).writes
    }

    fn count(&self) {
        self.requests.fetch_add(1, Ordering::SeqCst);
    }

    /// Counts a write and returns the failure injected at it, if any.
    fn next_write(&self) -> Option<Injected> {
        let mut inner = lock(&self.inner);
        inner.writes += 1;
        let k = inner.writes;
        inner.fail_at.remove(&k)
    }
}

fn version_of(obj: &RawObject) -> u64 {
    obj.text("DataVersion")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

#[async_trait]
impl OnecDocuments for FakeOnec {
    fn configuration(&self) -> &str {
        &self.adapter.info().id
    }

    fn adapter(&self) -> &dyn Adapter {
        self.adapter
    }

    fn layout(&self) -> &Layout {
        self.adapter.layout()
    }

    async fn reference(&self) -> Result<OnecReference, PortError> {
        self.count();
        Ok(self.reference.clone())
    }

    async fn find(&self, query: &DocQuery) -> Result<Vec<RawObject>, PortError> {
        self.count();
        let inner = lock(&self.inner);
        Ok(inner
            .docs
            .get(&query.set)
            .map(|m| {
                m.values()
                    .filter(|o| {
                        let v = o.text(&query.field).unwrap_or_default();
                        match &query.matches {
                            LookupMatch::Equals(x) => v == *x,
                            LookupMatch::Contains(x) => v.contains(x.as_str()),
                        }
                    })
                    .cloned()
                    .collect()
            })
            .unwrap_or_default())
    }

    async fn get(&self, set: &str, r#ref: Ref) -> Result<RawObject, PortError> {
        self.count();
        lock(&self.inner)
            .docs
            .get(set)
            .and_then(|m| m.get(&r#ref))
            .cloned()
            .ok_or_else(|| {
                PortError::new(ErrorClass::NotFound, format!("{set}({ref}) not found"))
                    .with_status(404)
            })
    }

    async fn write(&self, write: &DocumentWrite) -> Result<RawObject, PortError> {
        self.count();
        let how = self.next_write();
        if matches!(how, Some(Injected::Refuse | Injected::Unauthorized)) {
            return Err(injected(how.expect("matched"), "a 1C write"));
        }
        if write.has_placeholders() {
            return Err(PortError::new(
                ErrorClass::Validation,
                "unfilled placeholder in a write",
            ));
        }
        let mut inner = lock(&self.inner);
        let set = write.object.set.clone();
        let stored = match write.r#ref {
            Some(r) => {
                let obj = inner
                    .docs
                    .get_mut(&set)
                    .and_then(|m| m.get_mut(&r))
                    .ok_or_else(|| {
                        PortError::new(ErrorClass::NotFound, format!("{set}({r}) not found"))
                            .with_status(404)
                    })?;
                for (k, v) in &write.object.props {
                    obj.props.insert(k.clone(), v.clone());
                }
                for (k, v) in &write.object.tables {
                    obj.tables.insert(k.clone(), v.clone());
                }
                let v = version_of(obj) + 1;
                obj.props
                    .insert("DataVersion".into(), RawValue::Text(v.to_string()));
                obj.clone()
            }
            None => {
                let n = inner.numbers.entry(set.clone()).or_insert(0);
                *n += 1;
                let number = format!("ТД00-{:06}", *n);
                let r = Ref::derived(&set, &number);
                let mut obj = write.object.clone();
                obj.props
                    .insert("Ref_Key".into(), RawValue::Text(r.to_string()));
                obj.props.insert("Number".into(), RawValue::Text(number));
                obj.props
                    .insert("DataVersion".into(), RawValue::Text("1".into()));
                obj.props.insert("Posted".into(), RawValue::Bool(false));
                obj.props
                    .insert("DeletionMark".into(), RawValue::Bool(false));
                inner
                    .docs
                    .entry(set.clone())
                    .or_default()
                    .insert(r, obj.clone());
                obj
            }
        };
        if let Some(how) = how {
            return Err(injected(how, "a 1C write"));
        }
        Ok(stored)
    }

    async fn post(&self, set: &str, r#ref: Ref) -> Result<(), PortError> {
        self.count();
        let how = self.next_write();
        if matches!(how, Some(Injected::Refuse | Injected::Unauthorized)) {
            return Err(injected(how.expect("matched"), "posting"));
        }
        let mut inner = lock(&self.inner);
        let obj = inner
            .docs
            .get_mut(set)
            .and_then(|m| m.get_mut(&r#ref))
            .ok_or_else(|| {
                PortError::new(ErrorClass::NotFound, format!("{set}({ref}) not found"))
                    .with_status(404)
            })?;
        obj.props.insert("Posted".into(), RawValue::Bool(true));
        if let Some(how) = how {
            return Err(injected(how, "posting"));
        }
        Ok(())
    }

    fn requests(&self) -> u64 {
        self.requests.load(Ordering::SeqCst)
    }
}
