//! JSON views of the account's objects, shaped as the Okdesk documentation shows them: the issue
//! card with flat ids, the `issues/list` item with nested objects, timestamps with milliseconds
//! and the account offset.

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde_json::{json, Value};

use super::model::{
    Actor, Agreement, Attachment, Comment, Company, Contact, Directory, Employee, Equipment, Issue,
    IssueService, MaintenanceEntity, ParamDef, Params, PriceService, TimeEntry, COMPANY_PARAMS,
    ISSUE_PARAMS, TIME_ENTRY_PARAMS,
};
use super::store::{Store, ACCOUNT_OFFSET_HOURS};

/// `2016-03-15T18:05:17.568+03:00`.
pub(crate) fn ts(t: NaiveDateTime) -> String {
    format!(
        "{}+{:02}:00",
        t.format("%Y-%m-%dT%H:%M:%S%.3f"),
        ACCOUNT_OFFSET_HOURS
    )
}

fn opt_ts(t: Option<NaiveDateTime>) -> Value {
    t.map_or(Value::Null, |t| Value::String(ts(t)))
}

fn opt_date(d: Option<NaiveDate>) -> Value {
    d.map_or(Value::Null, |d| {
        Value::String(d.format("%Y-%m-%d").to_string())
    })
}

/// A decimal as a JSON number (Okdesk sends numbers, not strings).
pub(crate) fn num(d: Decimal) -> Value {
    let d = d.normalize();
    if d.fract().is_zero() {
        if let Some(i) = d.to_i64() {
            return json!(i);
        }
    }
    d.to_f64().map_or(Value::Null, |f| json!(f))
}

/// Custom attributes in the read form `[{code,name,field_type,value}]`, in schema order.
pub(crate) fn params(defs: &[ParamDef], values: &Params) -> Value {
    Value::Array(
        defs.iter()
            .filter_map(|d| {
                values.get(d.code).map(|v| {
                    json!({"code": d.code, "name": d.name, "field_type": d.field_type, "value": v})
                })
            })
            .collect(),
    )
}

fn id_name(id: u64, name: String) -> Value {
    json!({"id": id, "name": name})
}

impl Store {
    fn employee_ref(&self, id: Option<u64>) -> Value {
        id.and_then(|id| self.employees.get(&id))
            .map_or(Value::Null, |e| id_name(e.id, e.full_name()))
    }

    fn actor(&self, actor: Actor) -> Value {
        let (id, kind) = match actor {
            Actor::Employee(id) => (id, "employee"),
            Actor::Contact(id) => (id, "contact"),
        };
        json!({"id": id, "name": self.actor_name(actor), "type": kind})
    }

    /// A company. `detailed` adds its contacts, which costs a scan of all contacts, so lists and
    /// searches that return many companies leave them out (list items are leaner on Okdesk too).
    pub(crate) fn company_json(&self, c: &Company, detailed: bool) -> Value {
        let contacts: Vec<Value> = if detailed {
            self.contacts
                .values()
                .filter(|k| k.company_id == Some(c.id))
                .map(|k| id_name(k.id, k.full_name()))
                .collect()
        } else {
            Vec::new()
        };
        json!({
            "id": c.id,
            "name": c.name,
            "additional_name": c.additional_name,
            "site": c.site,
            "email": c.email,
            "phone": c.phone,
            "crm_1c_id": c.crm_1c_id,
            "active": c.active,
            "address": c.address,
            "comment": c.comment,
            "coordinates": c.coordinates,
            "observers": c.observer_ids.iter().map(|id| self.employee_ref(Some(*id))).collect::<Vec<_>>(),
            "contacts": contacts,
            "default_assignee": self.employee_ref(c.default_assignee_id),
            "category": c.category_code.as_ref().map(|code| json!({"id": 1, "code": code, "name": code, "color": "#5cb85c"})),
            "attachments": [],
            "parameters": params(COMPANY_PARAMS, &c.params),
            "created_at": ts(c.created_at),
            "updated_at": ts(c.updated_at),
        })
    }

    pub(crate) fn contact_json(&self, c: &Contact) -> Value {
        json!({
            "id": c.id,
            "first_name": c.first_name,
            "last_name": c.last_name,
            "patronymic": c.patronymic,
            "name": c.full_name(),
            "position": c.position,
            "email": c.email,
            "phone": c.phone,
            "mobile_phone": c.mobile_phone,
            "comment": c.comment,
            "login": c.login,
            "company_id": c.company_id,
            "maintenance_entity_ids": c.maintenance_entity_ids,
            "crm_1c_id": c.crm_1c_id,
            "active": c.active,
            "parameters": [],
            "created_at": ts(c.created_at),
            "updated_at": ts(c.updated_at),
        })
    }

    pub(crate) fn agreement_json(&self, a: &Agreement) -> Value {
        json!({
            "id": a.id,
            "title": a.title,
            "active": a.active,
            "cost": a.cost,
            "start_date": opt_date(a.start_date),
            "end_date": opt_date(a.end_date),
            "companies": a.company_ids.iter().filter_map(|id| self.companies.get(id))
                .map(|c| id_name(c.id, c.name.clone())).collect::<Vec<_>>(),
            "assignee": {"employee": self.employee_ref(a.default_assignee_id), "group": null},
            "observers": {"employees": [], "groups": []},
            "parameters": [],
            "created_at": ts(a.created_at),
            "updated_at": ts(a.updated_at),
        })
    }

    fn agreement_refs(&self, ids: &[u64]) -> Vec<Value> {
        ids.iter()
            .filter_map(|id| self.agreements.get(id))
            .map(|a| json!({"id": a.id, "title": a.title}))
            .collect()
    }

    /// A maintenance entity. `detailed` adds the ids of its contacts and equipment, which costs
    /// a scan of both, so lists leave them empty.
    pub(crate) fn maintenance_entity_json(&self, m: &MaintenanceEntity, detailed: bool) -> Value {
        let (contacts, equipment): (Vec<u64>, Vec<u64>) = if detailed {
            (
                self.contacts
                    .values()
                    .filter(|c| c.maintenance_entity_ids.contains(&m.id))
                    .map(|c| c.id)
                    .collect(),
                self.equipment
                    .values()
                    .filter(|e| e.maintenance_entity_id == Some(m.id))
                    .map(|e| e.id)
                    .collect(),
            )
        } else {
            (Vec::new(), Vec::new())
        };
        json!({
            "id": m.id,
            "name": m.name,
            "address": m.address,
            "comment": m.comment,
            "active": m.active,
            "default_assignee_id": m.default_assignee_id,
            "default_assignee_group_id": null,
            "company_id": m.company_id,
            "timezone": {"code": "Moscow", "name": "Москва", "gmt": "+03:00"},
            "contacts_ids": contacts,
            "equipments_ids": equipment,
            "coordinates": m.coordinates,
            "parameters": [],
            "schedule": null,
            "observers": m.observer_ids.iter().map(|id| self.employee_ref(Some(*id))).collect::<Vec<_>>(),
            "observer_groups": [],
            "attachments": [],
            "agreements": self.agreement_refs(&m.agreement_ids),
            "created_at": ts(m.created_at),
            "updated_at": ts(m.updated_at),
        })
    }

    pub(crate) fn directory_json(&self, d: &Directory) -> Value {
        let mut v = json!({
            "id": d.id,
            "code": d.code,
            "name": d.name,
            "description": d.description,
            "visible": d.visible,
        });
        if let Some(kind) = d.kind_id.and_then(|id| self.kinds.get(&id)) {
            v["equipment_kind"] = json!({"id": kind.id, "code": kind.code, "name": kind.name});
        }
        if let Some(m) = d.manufacturer_id.and_then(|id| self.manufacturers.get(&id)) {
            v["equipment_manufacturer"] = json!({"id": m.id, "code": m.code, "name": m.name});
        }
        if d.kind_id.is_none() && d.manufacturer_id.is_none() {
            v["parameters"] = json!([]);
        }
        v
    }

    fn directory_ref(d: Option<&Directory>) -> Value {
        d.map_or(
            Value::Null,
            |d| json!({"id": d.id, "code": d.code, "name": d.name, "description": d.description}),
        )
    }

    pub(crate) fn equipment_json(&self, e: &Equipment) -> Value {
        json!({
            "id": e.id,
            "serial_number": e.serial_number,
            "inventory_number": e.inventory_number,
            "comment": e.comment,
            "maintenance_entity_id": e.maintenance_entity_id,
            "parent_id": e.parent_id,
            "equipment_kind": Self::directory_ref(self.kinds.get(&e.kind_id)),
            "equipment_manufacturer": Self::directory_ref(e.manufacturer_id.and_then(|id| self.manufacturers.get(&id))),
            "equipment_model": Self::directory_ref(e.model_id.and_then(|id| self.models.get(&id))),
            "company": e.company_id.and_then(|id| self.companies.get(&id)).map(|c| json!({
                "id": c.id, "name": c.name, "additional_name": c.additional_name, "site": c.site,
                "email": c.email, "phone": c.phone, "address": c.address, "comment": c.comment,
                "attachments": [],
            })),
            "parameters": [],
            "agreements": self.agreement_refs(&e.agreement_ids),
            "created_at": ts(e.created_at),
            "updated_at": ts(e.updated_at),
        })
    }

    pub(crate) fn employee_json(&self, e: &Employee) -> Value {
        json!({
            "id": e.id,
            "last_name": e.last_name,
            "first_name": e.first_name,
            "patronymic": e.patronymic,
            "position": e.position,
            "active": e.active,
            "email": e.email,
            "login": e.login,
            "phone": e.phone,
            "telephony_number": null,
            "comment": null,
            "groups": [{"id": 1, "name": "Сервисный отдел"}],
            "roles": [{"id": 1, "name": if e.id == self.api_employee { "Администратор" } else { "Специалист" }}],
        })
    }

    pub(crate) fn attachment_json(&self, a: &Attachment) -> Value {
        json!({
            "id": a.id,
            "attachment_file_name": a.file_name,
            "description": a.description,
            "attachment_file_size": a.bytes.len(),
            "is_public": a.is_public,
            "created_at": ts(a.created_at),
        })
    }

    fn attachments_json(&self, ids: &[u64]) -> Vec<Value> {
        ids.iter()
            .filter_map(|id| self.attachments.get(id))
            .map(|a| self.attachment_json(a))
            .collect()
    }

    pub(crate) fn comment_json(&self, c: &Comment) -> Value {
        json!({
            "id": c.id,
            "content": c.content,
            "public": c.public,
            "published_at": ts(c.published_at),
            "author": self.actor(c.author),
            "attachments": self.attachments_json(&c.attachment_ids),
        })
    }

    pub(crate) fn time_entry_json(&self, t: &TimeEntry) -> Value {
        let employee = self.employees.get(&t.employee_id);
        json!({
            "id": t.id,
            "comment": t.comment,
            "spent_time": num(t.spent_time),
            "logged_at": ts(t.logged_at),
            "employee": employee.map(|e| json!({"id": e.id, "login": e.login, "name": e.full_name()})),
            "parameters": params(TIME_ENTRY_PARAMS, &t.params),
        })
    }

    pub(crate) fn issue_service_json(&self, s: &IssueService) -> Value {
        let service = self.price_list.get(&s.service_id);
        let nds = service
            .and_then(|p| p.nds)
            .map_or(Decimal::ZERO, Decimal::from);
        let total_vat = (s.total * nds / (Decimal::ONE_HUNDRED + nds)).round_dp(2);
        json!({
            "id": s.id,
            "name": service.map(|p| p.name.clone()),
            "quantity": num(s.quantity),
            "discount": num(s.discount),
            "total": num(s.total),
            "comment": s.comment.clone().unwrap_or_default(),
            "total_vat": num(total_vat),
            "service": service.map(|p| json!({"type": p.kind, "code": p.code, "unit": p.unit})),
            "price_list": {"id": 1, "name": "Основной прайс-лист"},
            "performer": self.employee_ref(s.performer_id),
        })
    }

    pub(crate) fn price_service_json(&self, p: &PriceService) -> Value {
        json!({
            "id": p.id,
            "code": p.code,
            "name": p.name,
            "type": p.kind,
            "unit": p.unit,
            "price": num(p.price),
            "nds": p.nds.map_or(json!("without_nds"), |n| json!(n)),
            "visible": true,
            "description": null,
        })
    }

    fn status_ref(&self, code: &str, color: bool) -> Value {
        let st = self.status(code);
        let name = st.map_or(code.to_owned(), |s| s.name.clone());
        if color {
            json!({"code": code, "name": name, "color": st.map(|s| s.color.clone())})
        } else {
            json!({"code": code, "name": name})
        }
    }

    fn priority_ref(code: &str) -> Value {
        let (name, color) = match code {
            "low" => ("Низкий", "#5cb85c"),
            "high" => ("Высокий", "#d9534f"),
            _ => ("Обычный", "#f0ad4e"),
        };
        json!({"code": code, "name": name, "color": color})
    }

    fn type_ref(code: &str) -> Value {
        let (id, name) = issue_type(code);
        json!({"id": id, "code": code, "name": name, "available_for_client": code != "internal"})
    }

    /// The issue card (`GET /issues/{id}`): flat ids, spent time, comment summary.
    pub(crate) fn issue_card(&self, i: &Issue) -> Value {
        let spent: Decimal = i.time_entries.iter().map(|t| t.spent_time).sum();
        let last_at = i
            .comment_ids
            .iter()
            .filter_map(|id| self.comments.get(id))
            .map(|c| c.published_at)
            .max();
        json!({
            "id": i.id,
            "title": i.title,
            "description": i.description,
            "created_at": ts(i.created_at),
            "completed_at": opt_ts(i.completed_at),
            "deadline_at": opt_ts(i.deadline_at),
            "source": "from_employee",
            "spent_time_total": num(spent),
            "start_execution_until": null,
            "planned_execution_in_hours": null,
            "planned_reaction_at": null,
            "reacted_at": null,
            "updated_at": ts(i.updated_at),
            "delayed_to": opt_ts(i.delayed_to),
            "company_id": i.company_id,
            "group_id": null,
            "coexecutors": [],
            "service_object_id": i.maintenance_entity_id,
            "equipment_ids": i.equipment_ids,
            "attachments": self.attachments_json(&i.attachment_ids),
            "status_times": {},
            "parameters": params(ISSUE_PARAMS, &i.params),
            "comments": {"count": i.comment_ids.len(), "last_at": opt_ts(last_at)},
            "parent_id": i.parent_id,
            "child_ids": i.child_ids,
            "type": Self::type_ref(&i.type_code),
            "priority": {"code": i.priority, "name": Self::priority_ref(&i.priority)["name"]},
            "status": self.status_ref(&i.status, false),
            "old_status": i.old_status.as_deref().map_or(Value::Null, |s| self.status_ref(s, false)),
            "rate": null,
            "address": null,
            "observers": [],
            "observer_groups": [],
            "contact": i.contact_id.and_then(|id| self.contacts.get(&id)).map(|c| id_name(c.id, c.full_name())),
            "agreement": i.agreement_id.and_then(|id| self.agreements.get(&id)).map(|a| json!({"id": a.id, "title": a.title})),
            "assignee": self.employee_ref(i.assignee_id),
            "author": if i.author_untyped {
                id_name(Self::actor_id(i.author), self.actor_name(i.author))
            } else {
                self.actor(i.author)
            },
        })
    }

    fn actor_id(actor: Actor) -> u64 {
        match actor {
            Actor::Employee(id) | Actor::Contact(id) => id,
        }
    }

    /// An `issues/list` item: nested objects, no description and no spent time.
    pub(crate) fn issue_list_item(&self, i: &Issue) -> Value {
        json!({
            "id": i.id,
            "title": i.title,
            "created_at": ts(i.created_at),
            "updated_at": ts(i.updated_at),
            "completed_at": opt_ts(i.completed_at),
            "deadline_at": opt_ts(i.deadline_at),
            "delay_to": opt_ts(i.delayed_to),
            "planned_reaction_at": null,
            "reacted_at": null,
            "status": self.status_ref(&i.status, true),
            "priority": Self::priority_ref(&i.priority),
            "type": {"code": i.type_code, "name": issue_type(&i.type_code).1},
            "company": i.company_id.and_then(|id| self.companies.get(&id)).map(|c| id_name(c.id, c.name.clone())),
            "contact": i.contact_id.and_then(|id| self.contacts.get(&id)).map(|c| id_name(c.id, c.full_name())),
            "service_object": i.maintenance_entity_id.and_then(|id| self.maintenance_entities.get(&id)).map(|m| id_name(m.id, m.name.clone())),
            "agreement": i.agreement_id.and_then(|id| self.agreements.get(&id)).map(|a| json!({"id": a.id, "title": a.title})),
            "equipments": i.equipment_ids.iter().filter_map(|id| self.equipment.get(id)).map(|e| json!({
                "id": e.id,
                "serial_number": e.serial_number,
                "inventory_number": e.inventory_number,
                "equipment_kind": self.kinds.get(&e.kind_id).map(|k| json!({"code": k.code, "name": k.name})),
                "equipment_manufacturer": e.manufacturer_id.and_then(|id| self.manufacturers.get(&id)).map(|k| json!({"code": k.code, "name": k.name})),
                "equipment_model": e.model_id.and_then(|id| self.models.get(&id)).map(|k| json!({"code": k.code, "name": k.name})),
            })).collect::<Vec<_>>(),
            "author": self.actor(i.author),
            "assignee": self.employee_ref(i.assignee_id),
            "observers": [],
            "parameters": params(ISSUE_PARAMS, &i.params),
            "parent_id": i.parent_id,
        })
    }
}

/// Issue types of the account: (id, name).
pub(crate) fn issue_type(code: &str) -> (u64, &'static str) {
    match code {
        "incident" => (1, "Инцидент"),
        "internal" => (3, "Внутренняя"),
        _ => (2, "Обслуживание"),
    }
}

/// The issue types the account has.
pub(crate) const ISSUE_TYPES: &[&str] = &["incident", "service", "internal"];
