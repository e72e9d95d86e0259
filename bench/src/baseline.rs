//! The baseline: how the 1C processor («обработка») pushes, rebuilt with plain reqwest against the
//! Okdesk simulator and deliberately not through our engine. One request at a time; for every
//! record a search (companies by the INN anywhere in their string attributes, contacts by e-mail,
//! the rest by name or number) followed by a create or a full update; nothing remembered between
//! runs, so every run re-sends everything. A 429 is honoured the way a naive client does it:
//! sleep for `Retry-After`, then send the same request again.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use onec_model::validate::email;
use onec_model::{Ref, Snapshot};
use reqwest::{Method, StatusCode};
use serde_json::{json, Map, Value};

/// Retries of one request on 429 before the baseline gives the record up.
const MAX_RETRIES: u32 = 120;

/// What one baseline run did.
#[derive(Clone, Debug, Default)]
pub(crate) struct BaselineRun {
    /// Requests sent, 429 answers included.
    pub(crate) requests: u64,
    /// Requests by HTTP method.
    pub(crate) by_method: BTreeMap<String, u64>,
    /// 429 answers received.
    pub(crate) throttled: u64,
    /// Records created.
    pub(crate) created: u64,
    /// Records updated in full.
    pub(crate) updated: u64,
    /// Records Okdesk rejected (or that lost their parent), with the first few reasons.
    pub(crate) failed: u64,
    /// The first reasons of failure.
    pub(crate) failures: Vec<String>,
    /// Time spent sleeping on `Retry-After`.
    pub(crate) slept: Duration,
}

/// A sequential client over one Okdesk account.
pub(crate) struct Naive {
    http: reqwest::Client,
    api: String,
    token: String,
    run: BaselineRun,
}

fn nonempty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Drops null fields, as the 1C processor builds its bodies field by field.
fn body(fields: Value) -> Value {
    match fields {
        Value::Object(m) => Value::Object(m.into_iter().filter(|(_, v)| !v.is_null()).collect()),
        other => other,
    }
}

/// The first object of a search answer, which is one object, `{}` or an array.
fn first(v: &Value) -> Option<&Map<String, Value>> {
    match v {
        Value::Array(items) => items.first().and_then(Value::as_object),
        Value::Object(m) if m.contains_key("id") => Some(m),
        _ => None,
    }
}

fn id_of(v: &Map<String, Value>) -> Option<u64> {
    v.get("id").and_then(Value::as_u64)
}

impl Naive {
    /// A client for the account at `api` (`…/api/v1`).
    pub(crate) fn new(api: String, token: String) -> Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .context("building the baseline's HTTP client")?;
        Ok(Naive {
            http,
            api,
            token,
            run: BaselineRun::default(),
        })
    }

    /// Sends one request, sleeping on 429 as long as the server says; `Ok(None)` for a
    /// rejection (4xx other than 429), with the reason recorded.
    async fn call(
        &mut self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        payload: Option<&Value>,
    ) -> Result<Option<Value>> {
        for _ in 0..=MAX_RETRIES {
            let mut req = self
                .http
                .request(method.clone(), format!("{}{path}", self.api))
                .query(&[("api_token", self.token.as_str())])
                .query(query);
            if let Some(p) = payload {
                req = req.json(p);
            }
            self.run.requests += 1;
            *self.run.by_method.entry(method.to_string()).or_insert(0) += 1;
            let resp = req
                .send()
                .await
                .with_context(|| format!("{method} {path}"))?;
            let status = resp.status();
            if status == StatusCode::TOO_MANY_REQUESTS {
                self.run.throttled += 1;
                let wait = resp
                    .headers()
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|h| h.to_str().ok())
                    .and_then(|s| s.trim().parse::<u64>().ok())
                    .unwrap_or(1);
                let wait = Duration::from_secs(wait);
                self.run.slept += wait;
                tokio::time::sleep(wait).await;
                continue;
            }
            let text = resp
                .text()
                .await
                .with_context(|| format!("{method} {path}"))?;
            if status.is_success() {
                let v = serde_json::from_str(&text)
                    .with_context(|| format!("{method} {path}: not JSON: {text:.200}"))?;
                return Ok(Some(v));
            }
            if status.is_client_error() {
                if self.run.failures.len() < 5 {
                    self.run
                        .failures
                        .push(format!("{method} {path}: HTTP {status}: {text:.200}"));
                }
                return Ok(None);
            }
            bail!("{method} {path}: HTTP {status}: {text:.200}");
        }
        bail!("{method} {path}: still 429 after {MAX_RETRIES} retries")
    }

    /// Updates the found record in full, or creates it; returns its id.
    async fn upsert(
        &mut self,
        found: Option<u64>,
        collection: &str,
        wrapper: &str,
        fields: Value,
    ) -> Result<Option<u64>> {
        let payload = json!({ wrapper: body(fields) });
        let answer = match found {
            Some(id) => {
                let a = self
                    .call(
                        Method::PATCH,
                        &format!("{collection}/{id}"),
                        &[],
                        Some(&payload),
                    )
                    .await?;
                if a.is_some() {
                    self.run.updated += 1;
                }
                a.map(|_| id)
            }
            None => {
                let a = self
                    .call(Method::POST, &format!("{collection}/"), &[], Some(&payload))
                    .await?;
                let id = a.as_ref().and_then(Value::as_object).and_then(id_of);
                if id.is_some() {
                    self.run.created += 1;
                }
                id
            }
        };
        if answer.is_none() {
            self.run.failed += 1;
        }
        Ok(answer)
    }

    fn lost_parent(&mut self, what: &str) {
        self.run.failed += 1;
        if self.run.failures.len() < 5 {
            self.run
                .failures
                .push(format!("{what}: its parent was not pushed"));
        }
    }

    /// One directory item: the whole directory is listed and searched by code, per item, as a
    /// processor without a cache does.
    async fn directory(
        &mut self,
        path: &str,
        wrapper: &str,
        code: &str,
        fields: Value,
    ) -> Result<()> {
        let list = self
            .call(Method::GET, &format!("{path}/"), &[], None)
            .await?;
        let found = list
            .as_ref()
            .and_then(Value::as_array)
            .and_then(|items| {
                items
                    .iter()
                    .filter_map(Value::as_object)
                    .find(|i| i.get("code").and_then(Value::as_str) == Some(code))
            })
            .and_then(id_of);
        self.upsert(found, path, wrapper, fields).await?;
        Ok(())
    }

    /// One full push of `s`, as the processor's «полная синхронизация» does it.
    pub(crate) async fn push(&mut self, s: &Snapshot) -> Result<BaselineRun> {
        self.run = BaselineRun::default();
        let code =
            |c: &Option<String>, r: &Ref| nonempty(c).map_or_else(|| r.to_string(), str::to_owned);
        let kind_codes: HashMap<Ref, String> = s
            .equipment_kinds
            .iter()
            .map(|k| (k.r#ref, code(&k.code, &k.r#ref)))
            .collect();
        let maker_codes: HashMap<Ref, String> = s
            .manufacturers
            .iter()
            .map(|m| (m.r#ref, code(&m.code, &m.r#ref)))
            .collect();
        let model_codes: HashMap<Ref, String> = s
            .equipment_models
            .iter()
            .map(|m| (m.r#ref, code(&m.code, &m.r#ref)))
            .collect();
        for k in &s.equipment_kinds {
            let c = &kind_codes[&k.r#ref];
            self.directory(
                "/equipments/kinds",
                "equipment_kind",
                c,
                json!({"name": k.name, "code": c}),
            )
            .await?;
        }
        for m in &s.manufacturers {
            let c = &maker_codes[&m.r#ref];
            self.directory(
                "/equipments/manufacturers",
                "equipment_manufacturer",
                c,
                json!({"name": m.name, "code": c}),
            )
            .await?;
        }
        for m in &s.equipment_models {
            let c = &model_codes[&m.r#ref];
            let kind = m.kind.and_then(|r| kind_codes.get(&r));
            let maker = m.manufacturer.and_then(|r| maker_codes.get(&r));
            let (Some(kind), Some(maker)) = (kind, maker) else {
                self.lost_parent(&format!("model {}", m.name));
                continue;
            };
            self.directory(
                "/equipments/models",
                "equipment_model",
                c,
                json!({"name": m.name, "code": c, "equipment_kind_code": kind,
                       "equipment_manufacturer_code": maker}),
            )
            .await?;
        }

        let mut companies: HashMap<Ref, u64> = HashMap::new();
        for cp in s.counterparties.iter().filter(|c| !c.deletion_mark) {
            let inn = nonempty(&cp.inn).map(str::to_owned);
            let crm = cp.r#ref.to_string();
            // «Сопоставление производится по вхождению ИНН в строковые атрибуты карточек компаний».
            let found = match &inn {
                Some(inn) => {
                    self.call(Method::GET, "/companies/", &[("search_string", inn)], None)
                        .await?
                }
                None => {
                    self.call(Method::GET, "/companies/", &[("crm_1c_id", &crm)], None)
                        .await?
                }
            };
            let found = found.as_ref().and_then(first).and_then(id_of);
            let mail = cp.emails.iter().find_map(|e| email::validate(e).ok());
            let fields = json!({
                "name": cp.name,
                "additional_name": inn.as_ref().map(|i| match nonempty(&cp.kpp) {
                    Some(kpp) => format!("ИНН {i} КПП {kpp}"),
                    None => format!("ИНН {i}"),
                }),
                "phone": cp.phones.first(),
                "email": mail,
                "address": cp.addresses.first().map(|a| a.text.clone()),
                "comment": cp.comment,
                "crm_1c_id": crm,
            });
            if let Some(id) = self.upsert(found, "/companies", "company", fields).await? {
                companies.insert(cp.r#ref, id);
            }
        }

        for c in s.contacts.iter().filter(|c| !c.deletion_mark) {
            let mail = c.emails.iter().find_map(|e| email::validate(e).ok());
            let crm = c.r#ref.to_string();
            let found = match &mail {
                Some(m) => {
                    self.call(Method::GET, "/contacts/", &[("email", m)], None)
                        .await?
                }
                None => {
                    self.call(Method::GET, "/contacts/", &[("crm_1c_id", &crm)], None)
                        .await?
                }
            };
            let found = found.as_ref().and_then(first).and_then(id_of);
            let mut words = c.name.split_whitespace();
            let last = nonempty(&c.last_name)
                .map(str::to_owned)
                .or_else(|| words.next().map(str::to_owned));
            let first_name = nonempty(&c.first_name)
                .map(str::to_owned)
                .or_else(|| words.next().map(str::to_owned))
                .or_else(|| last.clone());
            let fields = json!({
                "first_name": first_name,
                "last_name": last,
                "patronymic": c.patronymic,
                "position": c.position,
                "email": mail,
                "phone": c.phones.first(),
                "comment": c.comment,
                "company_id": c.owner.and_then(|o| companies.get(&o)),
                "crm_1c_id": crm,
            });
            self.upsert(found, "/contacts", "contact", fields).await?;
        }

        for k in s.contracts.iter().filter(|c| !c.deletion_mark) {
            let Some(company) = k.owner.and_then(|o| companies.get(&o)).copied() else {
                self.lost_parent(&format!("contract {}", k.title));
                continue;
            };
            let list = self
                .call(
                    Method::GET,
                    &format!("/companies/{company}/agreements"),
                    &[],
                    None,
                )
                .await?;
            let found =
                list.as_ref()
                    .and_then(Value::as_array)
                    .and_then(|items| {
                        items.iter().filter_map(Value::as_object).find(|a| {
                            a.get("title").and_then(Value::as_str) == Some(k.title.as_str())
                        })
                    })
                    .and_then(id_of);
            let fields = json!({
                "title": k.title,
                "company_ids": [company],
                "start_date": k.start.map(|d| d.to_string()),
                "end_date": k.end.map(|d| d.to_string()),
            });
            self.upsert(found, "/agreements", "agreement", fields)
                .await?;
        }

        let mut objects: HashMap<Ref, u64> = HashMap::new();
        for o in s.service_objects.iter().filter(|o| !o.deletion_mark) {
            let Some(company) = o.owner.and_then(|r| companies.get(&r)).copied() else {
                self.lost_parent(&format!("object {}", o.name));
                continue;
            };
            let list = self
                .call(
                    Method::GET,
                    "/maintenance_entities/",
                    &[("name", &o.name)],
                    None,
                )
                .await?;
            let found = list
                .as_ref()
                .and_then(Value::as_array)
                .and_then(|items| {
                    items
                        .iter()
                        .filter_map(Value::as_object)
                        .find(|m| m.get("company_id").and_then(Value::as_u64) == Some(company))
                })
                .and_then(id_of);
            let fields = json!({
                "name": o.name,
                "company_id": company,
                "address": o.address,
                "comment": o.comment,
            });
            if let Some(id) = self
                .upsert(found, "/maintenance_entities", "maintenance_entity", fields)
                .await?
            {
                objects.insert(o.r#ref, id);
            }
        }

        for e in s.equipment.iter().filter(|e| !e.deletion_mark) {
            let Some(kind) = e.kind.and_then(|r| kind_codes.get(&r)) else {
                self.lost_parent(&format!("equipment {}", e.name));
                continue;
            };
            let serial = nonempty(&e.serial_number).map(str::to_owned);
            let inventory = nonempty(&e.inventory_number).map(str::to_owned);
            let found = match (&serial, &inventory) {
                (Some(sn), _) => {
                    self.call(Method::GET, "/equipments/", &[("serial_number", sn)], None)
                        .await?
                }
                (None, Some(inv)) => {
                    self.call(
                        Method::GET,
                        "/equipments/",
                        &[("inventory_number", inv)],
                        None,
                    )
                    .await?
                }
                // Without a number there is nothing to search by: the processor creates again.
                (None, None) => None,
            };
            let found = found.as_ref().and_then(first).and_then(id_of);
            let comment = match nonempty(&e.comment) {
                Some(c) => format!("{}. {c}", e.name),
                None => e.name.clone(),
            };
            let fields = json!({
                "equipment_kind_code": kind,
                "equipment_manufacturer_code": e.manufacturer.and_then(|r| maker_codes.get(&r)),
                "equipment_model_code": e.model.and_then(|r| model_codes.get(&r)),
                "serial_number": serial,
                "inventory_number": inventory,
                "comment": comment,
                "company_id": e.owner.and_then(|r| companies.get(&r)),
                "maintenance_entity_id": e.object.and_then(|r| objects.get(&r)),
            });
            self.upsert(found, "/equipments", "equipment", fields)
                .await?;
        }
        Ok(std::mem::take(&mut self.run))
    }
}
