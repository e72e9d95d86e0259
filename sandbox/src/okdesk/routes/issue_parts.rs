//! The parts of an issue: comments (JSON or multipart with files), time entries with the
//! `workPlace` and `TypeOfService` attributes, the specification (paid services) and price lists,
//! attachments behind 30-second links, and the checklist.

use std::str::FromStr;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, Request};
use axum::Json;
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

use super::issues::{text, time_entry_schema_value, NOT_FOUND};
use super::{known, parse_datetime, AppState, JsonResult};
use crate::okdesk::app::note_dropped_fields;
use crate::okdesk::body::{bool_of, u64_of, Body, Upload};
use crate::okdesk::error::{ApiError, Errors};
use crate::okdesk::model::{Actor, Comment, IssueService, TimeEntry, TIME_ENTRY_PARAMS};
use crate::okdesk::query::{check, Keyset, Params};
use crate::okdesk::store::{now, Link, Store};

/// How long an `attachment_url` works, as documented.
pub(crate) const LINK_TTL: Duration = Duration::from_secs(30);

fn issue_exists(store: &Store, id: u64) -> Result<(), ApiError> {
    if store.issues.contains_key(&id) {
        Ok(())
    } else {
        Err(ApiError::NotFound(NOT_FOUND))
    }
}

/// `GET /issues/{id}/comments`: all comments, private ones included, oldest first.
pub(crate) async fn comments(
    axum::extract::State(app): AppState,
    Path(id): Path<u64>,
) -> JsonResult {
    let store = app.store();
    let issue = store.issues.get(&id).ok_or(ApiError::NotFound(NOT_FOUND))?;
    Ok(Json(Value::Array(
        issue
            .comment_ids
            .iter()
            .filter_map(|c| store.comments.get(c))
            .map(|c| store.comment_json(c))
            .collect(),
    )))
}

/// Adds a comment with its files and touches the issue; returns the comment id.
pub(crate) fn add_comment(
    store: &mut Store,
    issue_id: u64,
    author: Actor,
    content: String,
    public: bool,
    files: &[Upload],
) -> u64 {
    let at = now();
    let cid = store.next_id("comment");
    let attachment_ids = files
        .iter()
        .map(|f| store.add_attachment(issue_id, Some(cid), f.clone(), public, at))
        .collect();
    store.comments.insert(
        cid,
        Comment {
            id: cid,
            content,
            public,
            author,
            published_at: at,
            attachment_ids,
        },
    );
    if let Some(issue) = store.issues.get_mut(&issue_id) {
        issue.comment_ids.push(cid);
        issue.updated_at = at;
    }
    cid
}

/// `POST /issues/{id}/comments` (JSON or multipart).
pub(crate) async fn comment_create(
    axum::extract::State(app): AppState,
    Path(id): Path<u64>,
    req: Request,
) -> JsonResult {
    let body = Body::read(req, "comment").await?;
    let mut store = app.store();
    issue_exists(&store, id)?;
    let mut errors = Errors::default();
    let content = body.str("content");
    if content.is_none() {
        errors.add("content", "не может быть пустым");
    }
    let author_type = body
        .str("author_type")
        .unwrap_or_else(|| "employee".to_owned());
    let author = match body.u64("author_id") {
        Ok(None) => {
            errors.add("author_id", "отсутствует");
            None
        }
        Ok(Some(aid)) => match author_type.as_str() {
            "employee" if store.employees.contains_key(&aid) => Some(Actor::Employee(aid)),
            "contact" if store.contacts.contains_key(&aid) => Some(Actor::Contact(aid)),
            "employee" | "contact" => {
                errors.add("author_id", "не существует");
                None
            }
            _ => {
                errors.add("author_type", "должен быть одним из: employee, contact");
                None
            }
        },
        Err(_) => {
            errors.add("author_id", "должно иметь тип integer");
            None
        }
    };
    errors.finish()?;
    let public = body.bool("public").unwrap_or(false);
    let cid = add_comment(
        &mut store,
        id,
        author.expect("validated above"),
        content.expect("validated above"),
        public,
        &body.files,
    );
    let comment = store
        .comments
        .get(&cid)
        .expect("the comment was just inserted");
    Ok(Json(store.comment_json(comment)))
}

/// `GET /issues/{id}/time_entries`.
pub(crate) async fn time_entries(
    axum::extract::State(app): AppState,
    Path(id): Path<u64>,
) -> JsonResult {
    let store = app.store();
    let issue = store.issues.get(&id).ok_or(ApiError::NotFound(NOT_FOUND))?;
    Ok(Json(Value::Array(
        issue
            .time_entries
            .iter()
            .map(|t| store.time_entry_json(t))
            .collect(),
    )))
}

/// Reads spent time as Okdesk accepts it: «2 ч. 30 мин.», «2:30», «2,5 часа», «90 мин», «1.5».
pub(crate) fn parse_spent_time(text: &str) -> Option<Decimal> {
    let text = text.trim().replace(',', ".");
    if let Some((h, m)) = text.split_once(':') {
        let h: u32 = h.trim().parse().ok()?;
        let m: u32 = m.trim().parse().ok()?;
        if m >= 60 {
            return None;
        }
        return Some(Decimal::from(h) + Decimal::from(m) / Decimal::from(60));
    }
    let mut total = Decimal::ZERO;
    let mut seen = false;
    let mut chars = text.chars().peekable();
    while chars.peek().is_some() {
        while chars.peek().is_some_and(|c| !c.is_ascii_digit()) {
            chars.next();
        }
        let mut number = String::new();
        while chars
            .peek()
            .is_some_and(|c| c.is_ascii_digit() || *c == '.')
        {
            number.push(chars.next().expect("peeked"));
        }
        if number.is_empty() {
            break;
        }
        let value = Decimal::from_str(number.trim_end_matches('.')).ok()?;
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let unit: String = chars.clone().take_while(|c| c.is_alphabetic()).collect();
        if unit.starts_with('м') || unit.starts_with('m') {
            total += value / Decimal::from(60);
        } else {
            total += value;
        }
        seen = true;
    }
    seen.then(|| total.round_dp(4))
}

/// Validates one time entry (`employee_id`, `formatted_spent_time`/`spent_time`, `logged_at`,
/// `comment`, `custom_parameters`); the id is given when it is stored.
pub(crate) fn build_time_entry(
    store: &Store,
    map: &Map<String, Value>,
    params_required: bool,
    errors: &mut Errors,
) -> Option<TimeEntry> {
    let before = errors.is_empty();
    let employee_id = match map.get("employee_id").and_then(u64_of) {
        Some(id) if store.employees.contains_key(&id) => Some(id),
        Some(_) => {
            errors.add("employee_id", "не существует");
            None
        }
        None => {
            errors.add("employee_id", "не может быть пустым");
            None
        }
    };
    // §10.7: entries are written with `formatted_spent_time`; `spent_time` is only read back.
    let spent = text(map, "formatted_spent_time").and_then(|t| parse_spent_time(&t));
    if spent.is_none_or(|s| s <= Decimal::ZERO) {
        errors.add("formatted_spent_time", "имеет неверное значение");
    }
    let logged_at = text(map, "logged_at").and_then(|t| parse_datetime(&t));
    if logged_at.is_none() {
        errors.add("logged_at", "не может быть пустым");
    }
    let mut params = Default::default();
    let body = Body {
        fields: map.clone(),
        files: Vec::new(),
    };
    super::set_custom_parameters(&body, TIME_ENTRY_PARAMS, &mut params, errors);
    if params_required {
        for def in TIME_ENTRY_PARAMS.iter().filter(|d| d.required) {
            let given = body
                .object("custom_parameters")
                .is_some_and(|m| m.contains_key(def.code));
            if !given && !params.contains_key(def.code) {
                errors.add_nested("custom_parameters", def.code, "не может быть пустым");
            }
        }
    }
    if !before || !errors.is_empty() {
        return None;
    }
    Some(TimeEntry {
        id: 0,
        employee_id: employee_id?,
        spent_time: spent?,
        logged_at: logged_at?,
        comment: text(map, "comment"),
        params,
    })
}

/// `POST /issues/{id}/time_entries`: one entry (wrapped in `time_entry` or flat) or several in
/// `{"time_entries":[…]}`.
pub(crate) async fn time_entry_create(
    axum::extract::State(app): AppState,
    Path(id): Path<u64>,
    req: Request,
) -> JsonResult {
    let body = Body::read(req, "time_entry").await?;
    let mut store = app.store();
    issue_exists(&store, id)?;
    let (items, many): (Vec<Map<String, Value>>, bool) = match body.fields.get("time_entries") {
        Some(Value::Array(xs)) => {
            let mut items: Vec<Map<String, Value>> =
                xs.iter().filter_map(|x| x.as_object().cloned()).collect();
            for item in &mut items {
                note_dropped_fields(known::strip_time_entry("time_entries", item));
            }
            (items, true)
        }
        _ => {
            let mut single = body.fields.clone();
            single.remove("time_entries");
            (vec![single], false)
        }
    };
    if items.is_empty() {
        return Err(ApiError::field("time_entries", "не может быть пустым"));
    }
    let mut errors = Errors::default();
    let mut entries = Vec::new();
    for item in &items {
        if let Some(e) = build_time_entry(
            &store,
            item,
            app.time_entry_parameters_required,
            &mut errors,
        ) {
            entries.push(e);
        }
    }
    errors.finish()?;
    let mut out = Vec::new();
    for mut e in entries {
        e.id = store.next_id("time_entry");
        out.push(store.time_entry_json(&e));
        let issue = store.issues.get_mut(&id).expect("checked above");
        issue.time_entries.push(e);
    }
    store.issues.get_mut(&id).expect("checked above").updated_at = now();
    Ok(Json(if many {
        Value::Array(out)
    } else {
        out.pop().unwrap_or(Value::Null)
    }))
}

/// `GET /time_entries/parameters`.
pub(crate) async fn time_entry_schema() -> JsonResult {
    Ok(Json(time_entry_schema_value()))
}

/// `GET /issues/{id}/services`: the specification.
pub(crate) async fn services(
    axum::extract::State(app): AppState,
    Path(id): Path<u64>,
) -> JsonResult {
    let store = app.store();
    let issue = store.issues.get(&id).ok_or(ApiError::NotFound(NOT_FOUND))?;
    Ok(Json(Value::Array(
        issue
            .services
            .iter()
            .map(|s| store.issue_service_json(s))
            .collect(),
    )))
}

fn decimal(v: &Value) -> Option<Decimal> {
    match v {
        Value::Number(n) => Decimal::from_str(&n.to_string())
            .or_else(|_| Decimal::from_scientific(&n.to_string()))
            .ok(),
        Value::String(s) => Decimal::from_str(s.trim().replace(',', ".").as_str()).ok(),
        _ => None,
    }
}

/// `POST /issues/{id}/services` `{"issue_service":{code, quantity, …}}`.
pub(crate) async fn service_create(
    axum::extract::State(app): AppState,
    Path(id): Path<u64>,
    req: Request,
) -> JsonResult {
    let body = Body::read(req, "issue_service").await?;
    let mut store = app.store();
    issue_exists(&store, id)?;
    let mut errors = Errors::default();
    let service = match body.str("code") {
        None => {
            errors.add("code", "не может быть пустым");
            None
        }
        Some(code) => {
            let found = store.price_list.values().find(|p| p.code == code).cloned();
            if found.is_none() {
                errors.add("code", "не найдена в прайс-листе");
            }
            found
        }
    };
    let quantity = body.fields.get("quantity").and_then(decimal);
    match quantity {
        None => errors.add("quantity", "не может быть пустым"),
        Some(q) if q < Decimal::ZERO => errors.add("quantity", "должно быть больше или равно 0"),
        _ => {}
    }
    let discount = body
        .fields
        .get("discount")
        .and_then(decimal)
        .unwrap_or(Decimal::ZERO);
    if discount < Decimal::ZERO || discount > Decimal::ONE_HUNDRED {
        errors.add("discount", "должно быть в диапазоне от 0 до 100");
    }
    let total = body.fields.get("total").and_then(decimal);
    if total.is_some_and(|t| t < Decimal::ZERO) {
        errors.add("total", "должно быть больше или равно 0");
    }
    let performer = body.u64("performer_id").unwrap_or(None);
    if performer.is_some_and(|p| !store.employees.contains_key(&p)) {
        errors.add("performer_id", "не существует");
    }
    errors.finish()?;
    let service = service.expect("validated above");
    let quantity = quantity.expect("validated above");
    let total = total.unwrap_or_else(|| {
        (service.price * quantity * (Decimal::ONE_HUNDRED - discount) / Decimal::ONE_HUNDRED)
            .round_dp(2)
    });
    let line = IssueService {
        id: store.next_id("issue_service"),
        service_id: service.id,
        quantity,
        discount,
        total,
        comment: body.str("comment"),
        performer_id: performer,
    };
    let json = store.issue_service_json(&line);
    let issue = store.issues.get_mut(&id).expect("checked above");
    issue.services.push(line);
    issue.updated_at = now();
    Ok(Json(json))
}

fn price_line(store: &Store, p: &crate::okdesk::model::PriceService) -> Value {
    let mut v = store.price_service_json(p);
    v["price_list_id"] = json!(1);
    v["price_list_name"] = json!("Основной прайс-лист");
    v
}

/// `GET /issues/{id}/available_services`.
pub(crate) async fn available_services(
    axum::extract::State(app): AppState,
    Path(id): Path<u64>,
    RawQuery(q): RawQuery,
) -> JsonResult {
    let params = Params::parse(q.as_deref());
    let mut errors = Errors::default();
    let page = Keyset::parse(&params, &mut errors);
    check(errors)?;
    let store = app.store();
    issue_exists(&store, id)?;
    let needle = params.get("search_string").map(str::to_lowercase);
    let items = page.apply(&store.price_list, |p| {
        needle
            .as_ref()
            .is_none_or(|n| p.name.to_lowercase().contains(n) || p.code.to_lowercase().contains(n))
    });
    Ok(Json(Value::Array(
        items.into_iter().map(|p| price_line(&store, p)).collect(),
    )))
}

/// `GET /price_lists`.
pub(crate) async fn price_lists() -> JsonResult {
    Ok(Json(json!([{
        "id": 1,
        "name": "Основной прайс-лист",
        "allow_without_category": true,
        "allow_without_company": true,
        "company_category_codes": [],
        "company_ids": [],
    }])))
}

/// `GET /price_lists/{id}/services?types[]=service|work|product` (`types` is required).
pub(crate) async fn price_list_services(
    axum::extract::State(app): AppState,
    Path(id): Path<u64>,
    RawQuery(q): RawQuery,
) -> JsonResult {
    if id != 1 {
        return Err(ApiError::NotFound("Прайс-лист не найден"));
    }
    let params = Params::parse(q.as_deref());
    let mut errors = Errors::default();
    let page = Keyset::parse(&params, &mut errors);
    let types = params.list("types");
    if types.is_empty() {
        errors.add("types", "не может быть пустым");
    }
    check(errors)?;
    let store = app.store();
    let items = page.apply(&store.price_list, |p| types.contains(&p.kind.as_str()));
    Ok(Json(Value::Array(
        items
            .into_iter()
            .map(|p| store.price_service_json(p))
            .collect(),
    )))
}

/// `GET /issues/{id}/attachments/{attachment_id}`: the attachment with a temporary URL.
pub(crate) async fn attachment(
    axum::extract::State(app): AppState,
    Path((id, attachment_id)): Path<(u64, u64)>,
) -> JsonResult {
    let base = app.url().to_owned();
    let mut store = app.store();
    let a = store
        .attachments
        .get(&attachment_id)
        .filter(|a| a.issue_id == id)
        .ok_or(ApiError::NotFound("Файл не найден"))?;
    let mut json = store.attachment_json(a);
    let token = uuid::Uuid::new_v4().simple().to_string();
    let moment = Instant::now();
    store.links.retain(|_, l| l.expires > moment);
    store.links.insert(
        token.clone(),
        Link {
            attachment_id,
            expires: moment + LINK_TTL,
        },
    );
    json["attachment_url"] = json!(format!("{base}/sandbox/files/{token}"));
    Ok(Json(json))
}

/// The bytes behind a temporary link, or why there are none.
pub(crate) fn download(store: &Store, token: &str) -> Result<(String, Bytes), &'static str> {
    let link = store.links.get(token).ok_or("unknown link")?;
    if link.expires <= Instant::now() {
        return Err("expired");
    }
    let a = store
        .attachments
        .get(&link.attachment_id)
        .ok_or("unknown link")?;
    Ok((a.file_name.clone(), a.bytes.clone()))
}

/// `GET /issues/{id}/check_lists/items`.
pub(crate) async fn checklist(
    axum::extract::State(app): AppState,
    Path(id): Path<u64>,
) -> JsonResult {
    let store = app.store();
    let issue = store.issues.get(&id).ok_or(ApiError::NotFound(NOT_FOUND))?;
    Ok(Json(Value::Array(
        issue
            .checklist
            .iter()
            .map(|c| {
                json!({
                    "id": c.id,
                    "name": c.name,
                    "required": false,
                    "visible_for_clients": true,
                    "checked_at": c.checked_at.map(crate::okdesk::render::ts),
                    "parameters": [],
                    "item_type": "point",
                    "parent_id": null,
                    "planned_execution_in_hours": null,
                    "position": c.position,
                    "checked_by_user_id": c.checked.then_some(store.api_employee),
                    "checked": c.checked,
                })
            })
            .collect(),
    )))
}

/// `PATCH /issues/{id}/check_lists/items/{item_id}/check` `{"check_list_item":{"checked":bool}}`.
pub(crate) async fn checklist_check(
    axum::extract::State(app): AppState,
    Path((id, item_id)): Path<(u64, u64)>,
    req: Request,
) -> JsonResult {
    let body = Body::read(req, "check_list_item").await?;
    let checked = body
        .fields
        .get("checked")
        .and_then(bool_of)
        .ok_or_else(|| ApiError::field("checked", "не может быть пустым"))?;
    let mut store = app.store();
    let issue = store
        .issues
        .get_mut(&id)
        .ok_or(ApiError::NotFound(NOT_FOUND))?;
    let at = now();
    let item = issue
        .checklist
        .iter_mut()
        .find(|c| c.id == item_id)
        .ok_or(ApiError::NotFound("Пункт чек-листа не найден"))?;
    item.checked = checked;
    item.checked_at = checked.then_some(at);
    let (iid, name) = (item.id, item.name.clone());
    issue.updated_at = at;
    Ok(Json(json!({"id": iid, "name": name, "checked": checked})))
}

#[cfg(test)]
mod tests {
    use super::{download, parse_spent_time, LINK_TTL};
    use crate::okdesk::body::Upload;
    use crate::okdesk::store::{now, Link, Store};
    use rust_decimal::Decimal;
    use std::time::Instant;

    #[test]
    fn links_work_for_thirty_seconds_only() {
        let mut store = Store::default();
        let upload = Upload {
            file_name: "a.txt".to_owned(),
            bytes: "abc".into(),
            description: None,
            is_public: None,
        };
        let id = store.add_attachment(1, None, upload, true, now());
        let moment = Instant::now();
        store.links.insert(
            "fresh".into(),
            Link {
                attachment_id: id,
                expires: moment + LINK_TTL,
            },
        );
        let past = moment
            .checked_sub(std::time::Duration::from_millis(1))
            .unwrap();
        store.links.insert(
            "stale".into(),
            Link {
                attachment_id: id,
                expires: past,
            },
        );
        assert_eq!(download(&store, "fresh").unwrap().1.as_ref(), b"abc");
        assert_eq!(download(&store, "stale"), Err("expired"));
        assert_eq!(download(&store, "nope"), Err("unknown link"));
        assert_eq!(LINK_TTL.as_secs(), 30);
    }

    #[test]
    fn spent_time_in_every_documented_form() {
        let d = |s: &str| Decimal::from_str_exact(s).unwrap();
        assert_eq!(parse_spent_time("2 ч. 30 мин."), Some(d("2.5")));
        assert_eq!(parse_spent_time("2:30"), Some(d("2.5")));
        assert_eq!(parse_spent_time("2,5 часа"), Some(d("2.5")));
        assert_eq!(parse_spent_time("90 мин"), Some(d("1.5")));
        assert_eq!(parse_spent_time("1.5"), Some(d("1.5")));
        assert_eq!(parse_spent_time("много"), None);
    }
}
