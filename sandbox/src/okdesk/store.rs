//! The in-memory account: every object by id, id counters, temporary download links, and the
//! loading of a demo world into it.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use axum::body::Bytes;
use chrono::{Duration, NaiveDateTime, Timelike, Utc};
use rust_decimal::Decimal;
use serde_json::Value;

use super::body::Upload;
use super::config::IssueStatus;
use super::model::{
    Actor, Agreement, Attachment, ChecklistItem, Comment, Company, Contact, Directory, Employee,
    Equipment, Issue, IssueService, MaintenanceEntity, PriceService, TimeEntry, WORK_TYPE_PARAM,
};
use crate::demo::{DemoWorld, SeedAttachment};

/// The account's UTC offset in hours (Moscow); every timestamp is kept in account time.
pub(crate) const ACCOUNT_OFFSET_HOURS: i64 = 3;

/// Now, in the account's time zone, to the millisecond.
pub(crate) fn now() -> NaiveDateTime {
    let t = Utc::now().naive_utc() + Duration::hours(ACCOUNT_OFFSET_HOURS);
    t.with_nanosecond(t.nanosecond() / 1_000_000 * 1_000_000)
        .unwrap_or(t)
}

fn seed_file(a: &SeedAttachment) -> Upload {
    Upload {
        file_name: a.name.clone(),
        bytes: Bytes::from(a.bytes.clone()),
        description: None,
        is_public: None,
    }
}

/// A temporary download link of an attachment.
pub(crate) struct Link {
    pub(crate) attachment_id: u64,
    pub(crate) expires: Instant,
}

/// All objects of one account.
#[derive(Default)]
pub(crate) struct Store {
    next: HashMap<&'static str, u64>,
    pub(crate) companies: BTreeMap<u64, Company>,
    pub(crate) contacts: BTreeMap<u64, Contact>,
    pub(crate) agreements: BTreeMap<u64, Agreement>,
    pub(crate) maintenance_entities: BTreeMap<u64, MaintenanceEntity>,
    pub(crate) kinds: BTreeMap<u64, Directory>,
    pub(crate) manufacturers: BTreeMap<u64, Directory>,
    pub(crate) models: BTreeMap<u64, Directory>,
    pub(crate) equipment: BTreeMap<u64, Equipment>,
    pub(crate) employees: BTreeMap<u64, Employee>,
    pub(crate) issues: BTreeMap<u64, Issue>,
    pub(crate) comments: BTreeMap<u64, Comment>,
    pub(crate) attachments: BTreeMap<u64, Attachment>,
    pub(crate) price_list: BTreeMap<u64, PriceService>,
    pub(crate) links: HashMap<String, Link>,
    pub(crate) statuses: Vec<IssueStatus>,
    /// The employee the API token belongs to: the author of changes made through the API.
    pub(crate) api_employee: u64,
}

impl Store {
    /// The next id of a kind of object; ids start at 1 and are never reused.
    pub(crate) fn next_id(&mut self, kind: &'static str) -> u64 {
        let n = self.next.entry(kind).or_insert(0);
        *n += 1;
        *n
    }

    pub(crate) fn status(&self, code: &str) -> Option<&IssueStatus> {
        self.statuses.iter().find(|s| s.code == code)
    }

    pub(crate) fn employee_by_email(&self, email: &str) -> Option<u64> {
        self.employees
            .values()
            .find(|e| e.email.eq_ignore_ascii_case(email))
            .map(|e| e.id)
    }

    pub(crate) fn contact_by_email(&self, email: &str) -> Option<u64> {
        self.contacts
            .values()
            .find(|c| {
                c.email
                    .as_deref()
                    .is_some_and(|e| e.eq_ignore_ascii_case(email))
            })
            .map(|c| c.id)
    }

    pub(crate) fn actor_by_email(&self, email: &str) -> Option<Actor> {
        self.employee_by_email(email)
            .map(Actor::Employee)
            .or_else(|| self.contact_by_email(email).map(Actor::Contact))
    }

    pub(crate) fn actor_name(&self, actor: Actor) -> String {
        match actor {
            Actor::Employee(id) => self
                .employees
                .get(&id)
                .map(Employee::full_name)
                .unwrap_or_default(),
            Actor::Contact(id) => self
                .contacts
                .get(&id)
                .map(Contact::full_name)
                .unwrap_or_default(),
        }
    }

    /// Stores a file and returns its id.
    pub(crate) fn add_attachment(
        &mut self,
        issue_id: u64,
        comment_id: Option<u64>,
        upload: Upload,
        public_by_default: bool,
        at: NaiveDateTime,
    ) -> u64 {
        let id = self.next_id("attachment");
        let Upload {
            file_name,
            bytes,
            description,
            is_public,
        } = upload;
        let is_public = is_public.unwrap_or(public_by_default);
        self.attachments.insert(
            id,
            Attachment {
                id,
                issue_id,
                comment_id,
                file_name,
                description,
                bytes,
                is_public,
                created_at: at,
            },
        );
        id
    }

    /// Entity counts, as `/sandbox/stats` reports them.
    pub(crate) fn counts(&self) -> BTreeMap<String, u64> {
        let issues = self.issues.values();
        let (mut entries, mut services) = (0, 0);
        for i in issues {
            entries += i.time_entries.len() as u64;
            services += i.services.len() as u64;
        }
        [
            ("companies", self.companies.len() as u64),
            ("contacts", self.contacts.len() as u64),
            ("agreements", self.agreements.len() as u64),
            (
                "maintenance_entities",
                self.maintenance_entities.len() as u64,
            ),
            ("equipments", self.equipment.len() as u64),
            ("equipment_kinds", self.kinds.len() as u64),
            ("equipment_manufacturers", self.manufacturers.len() as u64),
            ("equipment_models", self.models.len() as u64),
            ("employees", self.employees.len() as u64),
            ("issues", self.issues.len() as u64),
            ("comments", self.comments.len() as u64),
            ("attachments", self.attachments.len() as u64),
            ("time_entries", entries),
            ("issue_services", services),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
    }

    /// Builds the account from a demo world.
    pub(crate) fn load(world: &DemoWorld, statuses: Vec<IssueStatus>) -> Store {
        let mut s = Store {
            statuses,
            ..Store::default()
        };
        let t0 = NaiveDateTime::parse_from_str("2024-01-15 10:00:00", "%Y-%m-%d %H:%M:%S")
            .expect("a valid literal timestamp");
        let seed = &world.okdesk;

        for e in &seed.employees {
            let id = s.next_id("employee");
            s.employees.insert(
                id,
                Employee {
                    id,
                    first_name: e.first_name.clone(),
                    last_name: e.last_name.clone(),
                    patronymic: e.patronymic.clone(),
                    position: Some("Инженер".to_owned()),
                    email: e.email.clone(),
                    login: e.email.clone(),
                    phone: None,
                    active: true,
                },
            );
        }
        if s.employees.is_empty() {
            let id = s.next_id("employee");
            s.employees.insert(
                id,
                Employee {
                    id,
                    first_name: "Администратор".to_owned(),
                    last_name: "API".to_owned(),
                    patronymic: None,
                    position: Some("Администратор".to_owned()),
                    email: "api@sandbox.okdesk.local".to_owned(),
                    login: "api".to_owned(),
                    phone: None,
                    active: true,
                },
            );
        }
        s.api_employee = *s
            .employees
            .keys()
            .next()
            .expect("at least one employee exists");

        let mut company_by_inn: HashMap<&str, u64> = HashMap::new();
        for (k, c) in seed.companies.iter().enumerate() {
            let id = s.next_id("company");
            let at = t0 + Duration::hours(k as i64);
            let mut params = BTreeMap::new();
            params.insert("inn".to_owned(), Value::String(c.inn.clone()));
            s.companies.insert(
                id,
                Company {
                    id,
                    name: c.name.clone(),
                    additional_name: c.additional_name.clone(),
                    active: true,
                    params,
                    created_at: at,
                    updated_at: at,
                    ..Company::default()
                },
            );
            company_by_inn.entry(c.inn.as_str()).or_insert(id);
        }
        for (k, c) in seed.contacts.iter().enumerate() {
            let id = s.next_id("contact");
            let at = t0 + Duration::hours(k as i64) + Duration::minutes(5);
            s.contacts.insert(
                id,
                Contact {
                    id,
                    first_name: c.first_name.clone(),
                    last_name: c.last_name.clone(),
                    patronymic: c.patronymic.clone(),
                    email: Some(c.email.clone()),
                    company_id: c
                        .company_inn
                        .as_deref()
                        .and_then(|inn| company_by_inn.get(inn).copied()),
                    active: true,
                    created_at: at,
                    updated_at: at,
                    ..Contact::default()
                },
            );
        }
        for p in &seed.price_list {
            let id = s.next_id("price_service");
            s.price_list.insert(
                id,
                PriceService {
                    id,
                    code: p.code.clone(),
                    name: p.name.clone(),
                    kind: p.kind.clone(),
                    unit: p.unit.clone(),
                    price: p.price,
                    nds: p.vat_percent,
                },
            );
        }

        let default_status = s
            .statuses
            .first()
            .map(|st| st.code.clone())
            .unwrap_or_else(|| "opened".to_owned());
        let mut issue_ids = Vec::with_capacity(seed.issues.len());
        for (k, si) in seed.issues.iter().enumerate() {
            let id = s.next_id("issue");
            issue_ids.push(id);
            let assignee_id = si
                .assignee_email
                .as_deref()
                .and_then(|e| s.employee_by_email(e));
            let author = si
                .author_email
                .as_deref()
                .and_then(|e| s.actor_by_email(e))
                .unwrap_or(Actor::Employee(s.api_employee));
            let status = if s.status(&si.status).is_some() {
                si.status.clone()
            } else {
                default_status.clone()
            };
            let mut updated = si.created_at;
            let mut attachment_ids = Vec::new();
            for a in &si.attachments {
                let aid = s.add_attachment(id, None, seed_file(a), true, si.created_at);
                attachment_ids.push(aid);
            }
            let mut comment_ids = Vec::new();
            for c in &si.comments {
                let cid = s.next_id("comment");
                let mut ids = Vec::new();
                for a in &c.attachments {
                    ids.push(s.add_attachment(id, Some(cid), seed_file(a), c.public, c.at));
                }
                let author = s
                    .actor_by_email(&c.author_email)
                    .unwrap_or(Actor::Employee(s.api_employee));
                s.comments.insert(
                    cid,
                    Comment {
                        id: cid,
                        content: c.content.clone(),
                        public: c.public,
                        author,
                        published_at: c.at,
                        attachment_ids: ids,
                    },
                );
                comment_ids.push(cid);
                updated = updated.max(c.at);
            }
            let mut time_entries = Vec::new();
            for te in &si.time_entries {
                let tid = s.next_id("time_entry");
                let logged_at = te
                    .date
                    .and_hms_opt(18, 0, 0)
                    .expect("18:00 is a valid time");
                let mut params = BTreeMap::new();
                if let Some(p) = &te.work_place {
                    params.insert("workPlace".to_owned(), Value::String(p.clone()));
                }
                if let Some(p) = &te.type_of_service {
                    params.insert("TypeOfService".to_owned(), Value::String(p.clone()));
                }
                time_entries.push(TimeEntry {
                    id: tid,
                    employee_id: s
                        .employee_by_email(&te.employee_email)
                        .unwrap_or(s.api_employee),
                    spent_time: te.hours,
                    logged_at,
                    comment: te.comment.clone(),
                    params,
                });
                updated = updated.max(logged_at);
            }
            let mut services = Vec::new();
            for sv in &si.services {
                let Some(service_id) = s
                    .price_list
                    .values()
                    .find(|p| p.code == sv.code)
                    .map(|p| p.id)
                else {
                    continue;
                };
                let sid = s.next_id("issue_service");
                services.push(IssueService {
                    id: sid,
                    service_id,
                    quantity: sv.quantity,
                    discount: Decimal::ZERO,
                    total: sv.price * sv.quantity,
                    comment: None,
                    performer_id: assignee_id,
                });
            }
            let checklist = si
                .checklist
                .iter()
                .enumerate()
                .map(|(pos, (name, done))| ChecklistItem {
                    id: s.next_id("checklist_item"),
                    name: name.clone(),
                    checked: *done,
                    checked_at: done.then_some(updated),
                    position: pos as u32 + 1,
                })
                .collect();
            let completed = s.status(&status).is_some_and(|st| st.completed);
            let mut params = BTreeMap::new();
            if let Some(w) = &si.work_type {
                params.insert(WORK_TYPE_PARAM.to_owned(), Value::String(w.clone()));
            }
            let company_id = si
                .company_inn
                .as_deref()
                .and_then(|inn| company_by_inn.get(inn).copied());
            let contact_id = si
                .contact_email
                .as_deref()
                .and_then(|e| s.contact_by_email(e));
            s.issues.insert(
                id,
                Issue {
                    id,
                    title: si.title.clone(),
                    description: si.description.clone(),
                    status,
                    old_status: None,
                    type_code: si.type_code.clone(),
                    priority: si.priority.clone(),
                    company_id,
                    contact_id,
                    agreement_id: None,
                    maintenance_entity_id: None,
                    equipment_ids: Vec::new(),
                    assignee_id,
                    author,
                    // Every third issue (the 2nd, 5th, 8th…, written by engineers in the demo
                    // world) shows its author without `type`, as the documented card sample
                    // does. Employee and contact ids are separate sequences, so such an
                    // author's id is often also some contact's id: a client must not take it
                    // for that contact.
                    author_untyped: k % 3 == 1,
                    created_at: si.created_at,
                    updated_at: updated,
                    completed_at: completed.then_some(updated),
                    deadline_at: None,
                    delayed_to: None,
                    parent_id: None,
                    child_ids: Vec::new(),
                    params,
                    comment_ids,
                    attachment_ids,
                    time_entries,
                    services,
                    checklist,
                },
            );
        }
        for (k, si) in seed.issues.iter().enumerate() {
            if let Some(parent) = si.parent.and_then(|p| issue_ids.get(p).copied()) {
                if let Some(issue) = s.issues.get_mut(&issue_ids[k]) {
                    issue.parent_id = Some(parent);
                }
                if let Some(p) = s.issues.get_mut(&parent) {
                    p.child_ids.push(issue_ids[k]);
                }
            }
        }
        s
    }
}
