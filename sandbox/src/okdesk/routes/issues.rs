//! Issues: create (JSON or multipart with files), `count` (all ids), `list` (page numbers, at most
//! 50 per page), the card, status changes along the account's transitions, assignee, type and
//! custom attributes, and the directories of statuses, priorities, types and attributes.

use axum::extract::{Path, RawQuery, Request};
use axum::Json;
use chrono::NaiveDateTime;
use serde_json::{json, Map, Value};

use super::issue_parts::build_time_entry;
use super::{known, parse_datetime, set_custom_parameters, AppState, JsonResult};
use crate::okdesk::body::{bool_of, str_of, Body};
use crate::okdesk::error::{ApiError, Errors};
use crate::okdesk::model::{Actor, Comment, Issue, ISSUE_PARAMS, TIME_ENTRY_PARAMS};
use crate::okdesk::query::{check, issue_date, PageNumber, Params};
use crate::okdesk::render::{issue_type, ISSUE_TYPES};
use crate::okdesk::store::{now, Store};

pub(crate) const NOT_FOUND: &str = "Заявка не найдена";
const PRIORITIES: &[&str] = &["low", "normal", "high"];
/// The account's default issue type: what an issue without `type` gets.
const DEFAULT_TYPE: &str = "service";

/// Creates an issue from a request body (`{"issue":{…}}` fields) and returns its id.
pub(crate) fn create_issue(store: &mut Store, body: &Body) -> Result<u64, ApiError> {
    let mut errors = Errors::default();
    let title = body.str("title");
    if title.is_none() {
        errors.add("title", "не может быть пустым");
    }
    let mut refs = [
        ("company_id", None),
        ("contact_id", None),
        ("agreement_id", None),
        ("assignee_id", None),
        ("maintenance_entity_id", None),
        ("parent_id", None),
    ];
    for (key, slot) in refs.iter_mut() {
        match body.u64(key) {
            Ok(Some(id)) => {
                let exists = match *key {
                    "company_id" => store.companies.contains_key(&id),
                    "contact_id" => store.contacts.contains_key(&id),
                    "agreement_id" => store.agreements.contains_key(&id),
                    "assignee_id" => store.employees.contains_key(&id),
                    "maintenance_entity_id" => store.maintenance_entities.contains_key(&id),
                    _ => store.issues.contains_key(&id),
                };
                if exists {
                    *slot = Some(id);
                } else {
                    errors.add(key, "не существует");
                }
            }
            Ok(None) => {}
            Err(_) => errors.add(key, "должно иметь тип integer"),
        }
    }
    let [company_id, contact_id, agreement_id, assignee_id, maintenance_entity_id, parent_id] =
        refs.map(|(_, v)| v);
    let equipment_ids = match body.ids("equipment_ids") {
        Ok(ids) => ids.unwrap_or_default(),
        Err(_) => {
            errors.add("equipment_ids", "должно иметь тип integer");
            Vec::new()
        }
    };
    if equipment_ids
        .iter()
        .any(|id| !store.equipment.contains_key(id))
    {
        errors.add("equipment_ids", "не существует");
    }
    // An empty type or priority means the account's default, as the documentation says.
    let type_code = body.str("type").unwrap_or_else(|| DEFAULT_TYPE.to_owned());
    if !ISSUE_TYPES.contains(&type_code.as_str()) {
        errors.add("type", "имеет неверное значение");
    }
    let priority = body.str("priority").unwrap_or_else(|| "normal".to_owned());
    if !PRIORITIES.contains(&priority.as_str()) {
        errors.add("priority", "имеет неверное значение");
    }
    let deadline_at = match body.str("deadline_at") {
        None => None,
        Some(text) => {
            let t = parse_datetime(&text);
            if t.is_none() {
                errors.add("deadline_at", "Неверный формат даты");
            }
            t
        }
    };
    let author = match body.object("author") {
        Some(a) => {
            let id = a.get("id").and_then(crate::okdesk::body::u64_of);
            match (id, a.get("type").and_then(Value::as_str)) {
                (Some(id), Some("contact")) if store.contacts.contains_key(&id) => {
                    Actor::Contact(id)
                }
                (Some(id), _) if store.employees.contains_key(&id) => Actor::Employee(id),
                _ => {
                    errors.add("author", "не существует");
                    Actor::Employee(store.api_employee)
                }
            }
        }
        None => Actor::Employee(store.api_employee),
    };
    let mut params = Default::default();
    set_custom_parameters(body, ISSUE_PARAMS, &mut params, &mut errors);
    errors.finish()?;

    let at = now();
    let id = store.next_id("issue");
    let mut attachment_ids = Vec::new();
    for f in &body.files {
        attachment_ids.push(store.add_attachment(id, None, f.clone(), true, at));
    }
    let status = store
        .statuses
        .first()
        .map_or_else(|| "opened".to_owned(), |s| s.code.clone());
    store.issues.insert(
        id,
        Issue {
            id,
            title: title.unwrap_or_default(),
            description: body.str("description").unwrap_or_default(),
            status,
            old_status: None,
            type_code,
            priority,
            company_id: company_id.or_else(|| {
                contact_id
                    .and_then(|c| store.contacts.get(&c))
                    .and_then(|c| c.company_id)
            }),
            contact_id,
            agreement_id,
            maintenance_entity_id,
            equipment_ids,
            assignee_id,
            author,
            author_untyped: false,
            created_at: at,
            updated_at: at,
            completed_at: None,
            deadline_at,
            delayed_to: None,
            parent_id,
            child_ids: Vec::new(),
            params,
            comment_ids: Vec::new(),
            attachment_ids,
            time_entries: Vec::new(),
            services: Vec::new(),
            checklist: Vec::new(),
        },
    );
    if let Some(parent) = parent_id.and_then(|p| store.issues.get_mut(&p)) {
        parent.child_ids.push(id);
    }
    Ok(id)
}

/// `POST /issues/`.
pub(crate) async fn create(axum::extract::State(app): AppState, req: Request) -> JsonResult {
    let body = Body::read(req, "issue").await?;
    let mut store = app.store();
    let id = create_issue(&mut store, &body)?;
    let issue = store.issues.get(&id).expect("the issue was just inserted");
    Ok(Json(store.issue_card(issue)))
}

/// An id filter: the ids, and whether `0` ("without") was among them.
type IdFilter = Option<(Vec<u64>, bool)>;

/// Which of the two issue listings a filter is for: they spell the same filters differently
/// (`status[]` vs `status_codes[]`, `maintenance_entity_ids[]` vs `service_object_ids[]`,
/// `priority[]` vs `priority_codes[]`), and the real server ignores the other one's names (the
/// gate has already dropped them; see `known.rs`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Listing {
    Count,
    List,
}

/// The filters of `issues/count` (§10.3) or `issues/list` (§10.4).
struct Filter {
    ids: Vec<(&'static str, IdFilter)>,
    status: Vec<String>,
    status_not: Vec<String>,
    opened: bool,
    priority: Vec<String>,
    types: Vec<String>,
    rates: Vec<String>,
    overdue: Option<bool>,
    overdue_reaction: Option<bool>,
    dates: Vec<(&'static str, Option<NaiveDateTime>, Option<NaiveDateTime>)>,
    custom: Vec<(String, String)>,
}

impl Filter {
    fn parse(params: &Params, listing: Listing, errors: &mut Errors) -> Filter {
        let list = |key: &str| -> Vec<String> {
            params.list(key).into_iter().map(str::to_owned).collect()
        };
        let (id_keys, [status, status_not, priority, types], date_keys): (&[&str], _, &[&str]) =
            match listing {
                Listing::Count => (
                    &[
                        "assignee_ids",
                        "assignee_group_ids",
                        "company_ids",
                        "contact_ids",
                        "agreement_ids",
                        "maintenance_entity_ids",
                        "equipment_ids",
                        "author_employee_ids",
                        "author_contact_ids",
                    ],
                    ["status", "status_not", "priority", "type"],
                    &[
                        "created",
                        "completed",
                        "updated",
                        "reacted",
                        "deadline",
                        "start_execution",
                        "planned_reaction",
                    ],
                ),
                Listing::List => (
                    &[
                        "assignee_ids",
                        "company_ids",
                        "contact_ids",
                        "service_object_ids",
                        "company_category_ids",
                    ],
                    [
                        "status_codes",
                        "status_codes_not",
                        "priority_codes",
                        "type_codes",
                    ],
                    &["created", "completed", "updated"],
                ),
            };
        let ids = id_keys
            .iter()
            .map(|k| (*k, params.ids(k, errors)))
            .collect();
        let dates = date_keys
            .iter()
            .map(|d| {
                (
                    *d,
                    issue_date(params, &format!("{d}_since"), false, errors),
                    issue_date(params, &format!("{d}_until"), true, errors),
                )
            })
            .collect();
        let flag = |key: &str| match params.get(key) {
            Some("1" | "true") => Some(true),
            Some("0" | "false") => Some(false),
            _ => None,
        };
        // `without_answer` and `fields[issue]` (issues/list) are taken but not applied: the first
        // has no documented meaning to copy, and answering every field is a superset of any
        // `fields[issue]` selection.
        Filter {
            ids,
            status: list(status),
            status_not: list(status_not),
            opened: listing == Listing::Count && params.get("opened") == Some("true"),
            priority: list(priority),
            types: list(types),
            rates: list("rate"),
            overdue: flag("overdue"),
            overdue_reaction: flag("overdue_reaction"),
            dates,
            custom: params.custom_parameters(),
        }
    }

    fn keep(&self, store: &Store, i: &Issue, moment: NaiveDateTime) -> bool {
        let mut author_hit: Option<bool> = None;
        for (key, filter) in &self.ids {
            let Some((ids, none)) = filter else { continue };
            let hit = |v: Option<u64>| match v {
                Some(id) => ids.contains(&id),
                None => *none,
            };
            let ok = match *key {
                "assignee_ids" => hit(i.assignee_id),
                // Issues carry no assignee group here (the card's `group_id` is null).
                "assignee_group_ids" => hit(None),
                "company_ids" => hit(i.company_id),
                "contact_ids" => hit(i.contact_id),
                "agreement_ids" => hit(i.agreement_id),
                "maintenance_entity_ids" | "service_object_ids" => hit(i.maintenance_entity_id),
                // Every company category renders with id 1 (see `company_json`).
                "company_category_ids" => hit(i
                    .company_id
                    .and_then(|c| store.companies.get(&c))
                    .and_then(|c| c.category_code.as_ref())
                    .map(|_| 1)),
                "equipment_ids" => {
                    i.equipment_ids.iter().any(|e| ids.contains(e))
                        || *none && i.equipment_ids.is_empty()
                }
                "author_employee_ids" | "author_contact_ids" => {
                    // The two author filters are ORed with each other.
                    let id = match (i.author, *key) {
                        (Actor::Employee(id), "author_employee_ids") => Some(id),
                        (Actor::Contact(id), "author_contact_ids") => Some(id),
                        _ => None,
                    };
                    let h = id.is_some_and(|id| ids.contains(&id));
                    author_hit = Some(author_hit.unwrap_or(false) || h);
                    true
                }
                _ => true,
            };
            if !ok {
                return false;
            }
        }
        if author_hit == Some(false) {
            return false;
        }
        if !self.status.is_empty() && !self.status.contains(&i.status) {
            return false;
        }
        if self.status_not.contains(&i.status) {
            return false;
        }
        let completed = store.status(&i.status).is_some_and(|s| s.completed);
        if self.opened && completed {
            return false;
        }
        if !self.priority.is_empty() && !self.priority.contains(&i.priority) {
            return false;
        }
        if !self.types.is_empty() && !self.types.contains(&i.type_code) {
            return false;
        }
        // Issues here are never rated, so only `rate[]=0` ("not rated") matches.
        if !self.rates.is_empty() && !self.rates.iter().any(|r| r == "0") {
            return false;
        }
        if let Some(wanted) = self.overdue {
            let overdue = !completed && i.deadline_at.is_some_and(|d| d < moment);
            if overdue != wanted {
                return false;
            }
        }
        // No issue has a planned reaction time here, so none is overdue for reaction.
        if self.overdue_reaction == Some(true) {
            return false;
        }
        if !self.custom.iter().all(|(code, value)| {
            i.params.get(code).is_some_and(|v| match v {
                Value::String(s) => s == value,
                other => value.parse::<Value>().is_ok_and(|parsed| parsed == *other),
            })
        }) {
            return false;
        }
        self.dates.iter().all(|(field, since, until)| {
            let value = match *field {
                "created" => Some(i.created_at),
                "completed" => i.completed_at,
                "updated" => Some(i.updated_at),
                "deadline" => i.deadline_at,
                // Reaction, planned reaction and start times are not kept: never set.
                _ => None,
            };
            (since.is_none() && until.is_none())
                || value
                    .is_some_and(|v| since.is_none_or(|s| v >= s) && until.is_none_or(|u| v <= u))
        })
    }
}

/// `GET /issues/count`: every matching id, unpaginated.
pub(crate) async fn count(
    axum::extract::State(app): AppState,
    RawQuery(q): RawQuery,
) -> JsonResult {
    let params = Params::parse(q.as_deref());
    let mut errors = Errors::default();
    let filter = Filter::parse(&params, Listing::Count, &mut errors);
    check(errors)?;
    let store = app.store();
    let moment = now();
    let ids: Vec<u64> = store
        .issues
        .values()
        .filter(|i| filter.keep(&store, i, moment))
        .map(|i| i.id)
        .collect();
    Ok(Json(json!(ids)))
}

/// `GET /issues/list`: page numbers, `sorting[field]`, `sorting[direction]`.
pub(crate) async fn list(axum::extract::State(app): AppState, RawQuery(q): RawQuery) -> JsonResult {
    let params = Params::parse(q.as_deref());
    let mut errors = Errors::default();
    let filter = Filter::parse(&params, Listing::List, &mut errors);
    let page = PageNumber::parse(&params, &mut errors);
    let by_updated = match params.get("sorting[field]") {
        None | Some("created_at") => false,
        Some("updated_at") => true,
        Some(_) => {
            errors.add_nested(
                "sorting",
                "field",
                "должен быть одним из: created_at, updated_at",
            );
            false
        }
    };
    let forward = match params.get("sorting[direction]") {
        None | Some("reverse") => false,
        Some("forward") => true,
        Some(_) => {
            errors.add_nested(
                "sorting",
                "direction",
                "должен быть одним из: reverse, forward",
            );
            false
        }
    };
    check(errors)?;
    let store = app.store();
    let moment = now();
    let mut found: Vec<&Issue> = store
        .issues
        .values()
        .filter(|i| filter.keep(&store, i, moment))
        .collect();
    let key = |i: &&Issue| {
        (
            if by_updated {
                i.updated_at
            } else {
                i.created_at
            },
            i.id,
        )
    };
    // Only the pages up to the requested one need ordering; a partial selection keeps large
    // accounts fast.
    let needed = (page.number * page.size).min(found.len());
    if needed > 0 && needed < found.len() {
        if forward {
            found.select_nth_unstable_by_key(needed - 1, key);
        } else {
            found.select_nth_unstable_by_key(needed - 1, |i| std::cmp::Reverse(key(i)));
        }
        found.truncate(needed);
    }
    found.sort_by_key(key);
    if !forward {
        found.reverse();
    }
    let items: Vec<Value> = found
        .into_iter()
        .skip((page.number - 1) * page.size)
        .take(page.size)
        .map(|i| store.issue_list_item(i))
        .collect();
    Ok(Json(Value::Array(items)))
}

/// `GET /issues/{id}`: the card.
pub(crate) async fn show(axum::extract::State(app): AppState, Path(id): Path<u64>) -> JsonResult {
    let store = app.store();
    let issue = store.issues.get(&id).ok_or(ApiError::NotFound(NOT_FOUND))?;
    Ok(Json(store.issue_card(issue)))
}

/// `DELETE /issues/{id}`.
pub(crate) async fn delete(axum::extract::State(app): AppState, Path(id): Path<u64>) -> JsonResult {
    let mut store = app.store();
    let issue = store
        .issues
        .remove(&id)
        .ok_or(ApiError::NotFound(NOT_FOUND))?;
    for cid in &issue.comment_ids {
        store.comments.remove(cid);
    }
    store.attachments.retain(|_, a| a.issue_id != id);
    Ok(Json(json!({"id": id})))
}

/// Moves an issue to another status along the account's transitions, with the optional comment
/// and time entries the request carries.
pub(crate) fn apply_status_change(
    store: &mut Store,
    id: u64,
    body: &Body,
    time_entry_params_required: bool,
) -> Result<(), ApiError> {
    let issue = store.issues.get(&id).ok_or(ApiError::NotFound(NOT_FOUND))?;
    let mut errors = Errors::default();
    let Some(code) = body.str("code") else {
        return Err(ApiError::field("code", "не может быть пустым"));
    };
    let Some(target) = store.status(&code).cloned() else {
        return Err(ApiError::field("code", "имеет неверное значение"));
    };
    let current = store.status(&issue.status).cloned();
    if let Some(current) = &current {
        if !current.transitions.contains(&code) {
            errors.add(
                "code",
                &format!(
                    "переход из статуса «{}» в статус «{}» запрещен",
                    current.name, target.name
                ),
            );
        }
    }
    let comment = body.str("comment");
    if target.comment_required && comment.is_none() {
        errors.add("comment", "не может быть пустым");
    }
    let delay_to = match body.str("delay_to") {
        Some(text) => {
            let t = parse_datetime(&text);
            if t.is_none() {
                errors.add("delay_to", "Неверный формат даты");
            }
            t
        }
        None => None,
    };
    if code == "delayed" && !body.has("delay_to") {
        errors.add("delay_to", "не может быть пустым");
    }
    let mut entries = Vec::new();
    // §10.5: the entries come as `time_entry` (an array); `time_entries` is not read here.
    if let Some(list) = body.fields.get("time_entry") {
        let items: Vec<Map<String, Value>> = match list {
            Value::Array(xs) => xs.iter().filter_map(|x| x.as_object().cloned()).collect(),
            Value::Object(m) => vec![m.clone()],
            _ => Vec::new(),
        };
        for mut item in items {
            crate::okdesk::app::note_dropped_fields(known::strip_time_entry(
                "time_entry",
                &mut item,
            ));
            if let Some(e) = build_time_entry(store, &item, time_entry_params_required, &mut errors)
            {
                entries.push(e);
            }
        }
    }
    let mut params = store
        .issues
        .get(&id)
        .map(|i| i.params.clone())
        .unwrap_or_default();
    set_custom_parameters(body, ISSUE_PARAMS, &mut params, &mut errors);
    errors.finish()?;

    let at = now();
    let mut entries_with_ids = Vec::new();
    for mut e in entries {
        e.id = store.next_id("time_entry");
        entries_with_ids.push(e);
    }
    let comment_id = comment.map(|text| {
        let cid = store.next_id("comment");
        let public = body
            .fields
            .get("comment_public")
            .and_then(bool_of)
            .unwrap_or(false);
        let author = Actor::Employee(store.api_employee);
        store.comments.insert(
            cid,
            Comment {
                id: cid,
                content: text,
                public,
                author,
                published_at: at,
                attachment_ids: Vec::new(),
            },
        );
        cid
    });
    let issue = store.issues.get_mut(&id).expect("checked above");
    issue.old_status = Some(std::mem::replace(&mut issue.status, code));
    issue.completed_at = if target.completed { Some(at) } else { None };
    issue.delayed_to = delay_to;
    issue.params = params;
    issue.time_entries.extend(entries_with_ids);
    issue.comment_ids.extend(comment_id);
    issue.updated_at = at;
    Ok(())
}

/// `POST /issues/{id}/statuses`.
pub(crate) async fn change_status(
    axum::extract::State(app): AppState,
    Path(id): Path<u64>,
    req: Request,
) -> JsonResult {
    let body = Body::read(req, "issue").await?;
    let mut store = app.store();
    apply_status_change(&mut store, id, &body, app.time_entry_parameters_required)?;
    let issue = store
        .issues
        .get(&id)
        .expect("the status change kept the issue");
    Ok(Json(store.issue_card(issue)))
}

/// `PATCH /issues/{id}/assignees` `{assignee_id, group_id}`; nulls remove the assignee.
pub(crate) async fn assign(
    axum::extract::State(app): AppState,
    Path(id): Path<u64>,
    req: Request,
) -> JsonResult {
    let body = Body::read(req, "issue").await?;
    let mut store = app.store();
    if !store.issues.contains_key(&id) {
        return Err(ApiError::NotFound(NOT_FOUND));
    }
    let assignee = body.u64("assignee_id")?;
    if let Some(a) = assignee {
        if !store.employees.contains_key(&a) {
            return Err(ApiError::field("assignee_id", "не существует"));
        }
    }
    let issue = store.issues.get_mut(&id).expect("checked above");
    issue.assignee_id = assignee;
    issue.updated_at = now();
    let issue = store.issues.get(&id).expect("checked above");
    Ok(Json(store.issue_card(issue)))
}

/// `PATCH /issues/{id}/types` `{code}`.
pub(crate) async fn change_type(
    axum::extract::State(app): AppState,
    Path(id): Path<u64>,
    req: Request,
) -> JsonResult {
    let body = Body::read(req, "issue").await?;
    let code = body
        .str("code")
        .ok_or_else(|| ApiError::field("code", "не может быть пустым"))?;
    if !ISSUE_TYPES.contains(&code.as_str()) {
        return Err(ApiError::field("code", "имеет неверное значение"));
    }
    let mut store = app.store();
    let issue = store
        .issues
        .get_mut(&id)
        .ok_or(ApiError::NotFound(NOT_FOUND))?;
    issue.type_code = code;
    issue.updated_at = now();
    let issue = store.issues.get(&id).expect("checked above");
    Ok(Json(store.issue_card(issue)))
}

/// `POST /issues/{id}/parameters` `{"custom_parameters":{…}}`.
pub(crate) async fn set_parameters(
    axum::extract::State(app): AppState,
    Path(id): Path<u64>,
    req: Request,
) -> JsonResult {
    let body = Body::read(req, "issue").await?;
    let mut store = app.store();
    let issue = store
        .issues
        .get_mut(&id)
        .ok_or(ApiError::NotFound(NOT_FOUND))?;
    let mut errors = Errors::default();
    let mut params = issue.params.clone();
    set_custom_parameters(&body, ISSUE_PARAMS, &mut params, &mut errors);
    errors.finish()?;
    issue.params = params;
    issue.updated_at = now();
    let issue = store.issues.get(&id).expect("checked above");
    Ok(Json(store.issue_card(issue)))
}

/// `GET /issues/statuses`.
pub(crate) async fn statuses(axum::extract::State(app): AppState) -> JsonResult {
    let store = app.store();
    Ok(Json(Value::Array(
        store
            .statuses
            .iter()
            .map(|s| {
                json!({"code": s.code, "name": s.name, "color": s.color, "final": s.completed,
                       "transitions": s.transitions})
            })
            .collect(),
    )))
}

/// `GET /issues/priorities`.
pub(crate) async fn priorities() -> JsonResult {
    Ok(Json(json!([
        {"code": "low", "name": "Низкий", "color": "#5cb85c", "position": 1},
        {"code": "normal", "name": "Обычный", "color": "#f0ad4e", "position": 2},
        {"code": "high", "name": "Высокий", "color": "#d9534f", "position": 3},
    ])))
}

/// `GET /issues/types`.
pub(crate) async fn types() -> JsonResult {
    Ok(Json(Value::Array(
        ISSUE_TYPES
            .iter()
            .map(|code| {
                let (id, name) = issue_type(code);
                json!({"id": id, "code": code, "name": name,
                       "available_for_client": *code != "internal", "inner": *code == "internal"})
            })
            .collect(),
    )))
}

/// `GET /dictionaries/issues/types`: the types as a tree of groups (three public C# Okdesk
/// integrations read it so: nodes with `type: "group"` and `children`, leaves with `code`,
/// `name`, `default`, `inner`, `available_for_client`). Group ids come from their own table, so
/// they may coincide with type ids, as they do here. Only `"group"` is evidenced as a `type`
/// value; leaves say `"type"`.
pub(crate) async fn types_tree() -> JsonResult {
    let leaf = |code: &str| {
        let (id, name) = issue_type(code);
        json!({"id": id, "code": code, "name": name, "type": "type",
               "default": code == DEFAULT_TYPE, "inner": code == "internal",
               "available_for_client": code != "internal", "children": []})
    };
    Ok(Json(json!([
        {"id": 1, "code": "client", "name": "Обращения клиентов", "type": "group",
         "children": [leaf("incident"), leaf("service")]},
        {"id": 2, "code": "inner", "name": "Внутренние", "type": "group",
         "children": [leaf("internal")]},
    ])))
}

fn schema(defs: &[crate::okdesk::model::ParamDef]) -> Value {
    Value::Array(
        defs.iter()
            .map(|d| {
                json!({"code": d.code, "name": d.name, "field_type": d.field_type,
                       "required": d.required, "values": d.values})
            })
            .collect(),
    )
}

/// `GET /issues/parameters/list`: the issue attribute schema («Тип работ»).
pub(crate) async fn parameters_schema() -> JsonResult {
    Ok(Json(schema(ISSUE_PARAMS)))
}

/// `GET /time_entries/parameters`: `workPlace` and `TypeOfService`.
pub(crate) fn time_entry_schema_value() -> Value {
    schema(TIME_ENTRY_PARAMS)
}

/// Reads a string field of a loose JSON object.
pub(crate) fn text(map: &Map<String, Value>, key: &str) -> Option<String> {
    map.get(key).and_then(str_of)
}
