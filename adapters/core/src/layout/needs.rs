//! What a layout needs from a base: the sets and fields to read (for `$select`) and to check
//! against `$metadata`, each named by the layout key that asks for it.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::*;
use crate::metadata::Metadata;

/// One entity set a reader must fetch, and the fields to `$select`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetRead {
    /// The entity set.
    pub set: String,
    /// Header properties and tabular-section names, sorted.
    pub select: Vec<String>,
    /// True for information registers, which have no `Ref_Key`/`DataVersion` (read them whole).
    pub register: bool,
}

/// A set or field the layout needs that `$metadata` lacks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayoutProblem {
    /// The layout key that names it (`contacts.position`).
    pub key: String,
    /// The entity set.
    pub set: String,
    /// The tabular section, for a column.
    pub table: Option<String>,
    /// The field, or `None` when the whole set is missing.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for LayoutProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.key, self.message)
    }
}

/// One thing a layout needs.
#[derive(Clone, Debug)]
pub(super) struct Need {
    pub(super) key: String,
    pub(super) set: String,
    pub(super) table: Option<String>,
    pub(super) field: Option<String>,
    /// True when the adapter reads it (reference data), false for documents it writes.
    pub(super) read: bool,
    pub(super) register: bool,
}

#[derive(Default)]
struct Needs {
    list: Vec<Need>,
}

impl Needs {
    fn set(&mut self, key: &str, set: &str, read: bool) {
        self.list.push(Need {
            key: key.to_owned(),
            set: set.to_owned(),
            table: None,
            field: None,
            read,
            register: false,
        });
    }
    fn register(&mut self, key: &str, set: &str) {
        self.list.push(Need {
            key: key.to_owned(),
            set: set.to_owned(),
            table: None,
            field: None,
            read: true,
            register: true,
        });
    }
    fn field(&mut self, key: &str, set: &str, field: &str, read: bool) {
        self.list.push(Need {
            key: key.to_owned(),
            set: set.to_owned(),
            table: None,
            field: Some(field.to_owned()),
            read,
            register: false,
        });
    }
    fn opt(&mut self, key: &str, set: &str, field: &Option<String>, read: bool) {
        if let Some(f) = field {
            self.field(key, set, f, read);
        }
    }
    /// A reference field: a composite (no `_Key` suffix) is read with its `_Type` companion.
    fn reference(&mut self, key: &str, set: &str, field: &Option<String>) {
        if let Some(f) = field {
            self.field(key, set, f, true);
            if !f.ends_with("_Key") {
                self.field(key, set, &format!("{f}_Type"), true);
            }
        }
    }
    fn column(&mut self, key: &str, set: &str, table: &str, column: &str, read: bool) {
        self.list.push(Need {
            key: key.to_owned(),
            set: set.to_owned(),
            table: Some(table.to_owned()),
            field: Some(column.to_owned()),
            read,
            register: false,
        });
    }
    fn opt_column(
        &mut self,
        key: &str,
        set: &str,
        table: &str,
        column: &Option<String>,
        read: bool,
    ) {
        if let Some(c) = column {
            self.column(key, set, table, c, read);
        }
    }
    fn contact_table(
        &mut self,
        key: &str,
        set: &str,
        table: &Option<String>,
        ci: &ContactInfoLayout,
    ) {
        let Some(t) = table else { return };
        self.column(key, set, t, &ci.type_column, true);
        self.column(key, set, t, &ci.presentation_column, true);
        self.opt_column(key, set, t, &ci.email_column, true);
        self.opt_column(key, set, t, &ci.phone_column, true);
        self.opt_column(key, set, t, &ci.kind_column, true);
    }
    fn constants(
        &mut self,
        key: &str,
        set: &str,
        table: Option<&str>,
        map: &BTreeMap<String, RawValue>,
    ) {
        for name in map.keys() {
            match table {
                Some(t) => self.column(key, set, t, name, false),
                None => self.field(key, set, name, false),
            }
        }
    }
}

pub(super) fn all_needs(l: &Layout) -> Vec<Need> {
    let mut n = Needs::default();
    let ci = &l.contact_info;

    let c = &l.counterparties;
    n.set("counterparties.set", &c.set, true);
    n.field("counterparties.name", &c.set, &c.name, true);
    n.opt("counterparties.full_name", &c.set, &c.full_name, true);
    n.opt("counterparties.inn", &c.set, &c.inn, true);
    n.opt("counterparties.kpp", &c.set, &c.kpp, true);
    n.opt("counterparties.legal_form", &c.set, &c.legal_form, true);
    n.opt("counterparties.partner", &c.set, &c.partner, true);
    n.opt("counterparties.head", &c.set, &c.head, true);
    n.opt("counterparties.comment", &c.set, &c.comment, true);
    n.opt("counterparties.upload", &c.set, &c.upload, true);
    n.opt("counterparties.is_folder", &c.set, &c.is_folder, true);
    for e in &c.emails {
        n.field("counterparties.emails", &c.set, e, true);
    }
    n.contact_table("counterparties.contact_table", &c.set, &c.contact_table, ci);

    if let Some(p) = &l.partners {
        n.set("partners.set", &p.set, true);
        n.field("partners.name", &p.set, &p.name, true);
        n.opt("partners.full_name", &p.set, &p.full_name, true);
        n.opt("partners.legal_form", &p.set, &p.legal_form, true);
        n.opt("partners.upload", &p.set, &p.upload, true);
        n.opt("partners.comment", &p.set, &p.comment, true);
        n.opt(
            "partners.main_counterparty",
            &p.set,
            &p.main_counterparty,
            true,
        );
        n.opt("partners.is_folder", &p.set, &p.is_folder, true);
        n.contact_table("partners.contact_table", &p.set, &p.contact_table, ci);
    }

    if let Some(k) = &l.contacts {
        n.set("contacts.set", &k.set, true);
        n.field("contacts.name", &k.set, &k.name, true);
        n.opt("contacts.last_name", &k.set, &k.last_name, true);
        n.opt("contacts.first_name", &k.set, &k.first_name, true);
        n.opt("contacts.patronymic", &k.set, &k.patronymic, true);
        n.opt("contacts.position", &k.set, &k.position, true);
        n.reference("contacts.owner", &k.set, &k.owner);
        n.opt("contacts.state", &k.set, &k.state, true);
        n.opt("contacts.ended", &k.set, &k.ended, true);
        n.opt("contacts.invalid", &k.set, &k.invalid, true);
        n.opt("contacts.upload", &k.set, &k.upload, true);
        n.opt("contacts.comment", &k.set, &k.comment, true);
        n.opt("contacts.is_folder", &k.set, &k.is_folder, true);
        n.contact_table("contacts.contact_table", &k.set, &k.contact_table, ci);
        if let Some(p) = &k.person {
            n.field("contacts.person.field", &k.set, &p.field, true);
            n.set("contacts.person.set", &p.set, true);
            n.opt("contacts.person.last_name", &p.set, &p.last_name, true);
            n.opt("contacts.person.first_name", &p.set, &p.first_name, true);
            n.opt("contacts.person.patronymic", &p.set, &p.patronymic, true);
        }
    }
    if let Some(r) = &l.contact_links {
        n.register("contact_links.set", &r.set);
        n.field("contact_links.counterparty", &r.set, &r.counterparty, true);
        n.field("contact_links.contact", &r.set, &r.contact, true);
        n.opt("contact_links.position", &r.set, &r.position, true);
        n.opt("contact_links.invalid", &r.set, &r.invalid, true);
    }
    if let Some(r) = &l.contact_info_register {
        n.register("contact_info_register.set", &r.set);
        n.reference(
            "contact_info_register.object",
            &r.set,
            &Some(r.object.clone()),
        );
        n.field(
            "contact_info_register.type_column",
            &r.set,
            &r.type_column,
            true,
        );
        n.reference("contact_info_register.kind_column", &r.set, &r.kind_column);
        n.field(
            "contact_info_register.presentation_column",
            &r.set,
            &r.presentation_column,
            true,
        );
    }
    if let Some(k) = &ci.kinds_set {
        n.set("contact_info.kinds_set", k, true);
        if ci.kinds_predefined_name {
            n.field("contact_info.kinds_set", k, "PredefinedDataName", true);
        }
        n.field("contact_info.kinds_set", k, "Description", true);
    }

    if let Some(k) = &l.contracts {
        n.set("contracts.set", &k.set, true);
        n.field("contracts.name", &k.set, &k.name, true);
        n.reference("contracts.owner", &k.set, &k.owner);
        n.reference("contracts.owner_fallback", &k.set, &k.owner_fallback);
        n.opt("contracts.number", &k.set, &k.number, true);
        n.opt("contracts.date", &k.set, &k.date, true);
        n.opt("contracts.start", &k.set, &k.start, true);
        n.opt("contracts.end", &k.set, &k.end, true);
        n.opt("contracts.status", &k.set, &k.status, true);
        n.opt("contracts.kind", &k.set, &k.kind, true);
        n.opt("contracts.upload", &k.set, &k.upload, true);
        n.opt("contracts.comment", &k.set, &k.comment, true);
        n.opt("contracts.is_folder", &k.set, &k.is_folder, true);
        if let Some(s) = &k.kind_set {
            n.set("contracts.kind_set", s, true);
            n.field("contracts.kind_set", s, "Description", true);
        }
    }
    if let Some(o) = &l.service_objects {
        n.set("service_objects.set", &o.set, true);
        n.field("service_objects.name", &o.set, &o.name, true);
        n.reference("service_objects.owner", &o.set, &o.owner);
        n.opt("service_objects.address", &o.set, &o.address, true);
        n.opt("service_objects.comment", &o.set, &o.comment, true);
    }
    for (key, d) in [
        ("equipment_kinds", &l.equipment_kinds),
        ("manufacturers", &l.manufacturers),
    ] {
        if let Some(d) = d {
            n.set(&format!("{key}.set"), &d.set, true);
            n.field(&format!("{key}.name"), &d.set, &d.name, true);
            n.opt(&format!("{key}.code"), &d.set, &d.code, true);
        }
    }
    if let Some(m) = &l.equipment_models {
        n.set("equipment_models.set", &m.set, true);
        n.field("equipment_models.name", &m.set, &m.name, true);
        n.opt("equipment_models.code", &m.set, &m.code, true);
        n.opt("equipment_models.kind", &m.set, &m.kind, true);
        n.opt(
            "equipment_models.manufacturer",
            &m.set,
            &m.manufacturer,
            true,
        );
    }
    if let Some(e) = &l.equipment {
        n.set("equipment.set", &e.set, true);
        n.field("equipment.name", &e.set, &e.name, true);
        n.opt("equipment.serial_number", &e.set, &e.serial_number, true);
        n.opt(
            "equipment.inventory_number",
            &e.set,
            &e.inventory_number,
            true,
        );
        n.opt("equipment.kind", &e.set, &e.kind, true);
        n.opt("equipment.manufacturer", &e.set, &e.manufacturer, true);
        n.opt("equipment.model", &e.set, &e.model, true);
        n.reference("equipment.owner", &e.set, &e.owner);
        n.opt("equipment.object", &e.set, &e.object, true);
        n.opt("equipment.comment", &e.set, &e.comment, true);
    }
    if let Some(e) = &l.employees {
        n.set("employees.set", &e.set, true);
        n.opt("employees.is_folder", &e.set, &e.is_folder, true);
        n.field("employees.name", &e.set, &e.name, true);
        n.opt("employees.invalid", &e.set, &e.invalid, true);
        n.opt("employees.service", &e.set, &e.service, true);
        for f in &e.emails {
            n.field("employees.emails", &e.set, f, true);
        }
        n.contact_table("employees.contact_table", &e.set, &e.contact_table, ci);
        if let (Some(field), Some(person_set)) = (&e.person, &e.person_set) {
            n.field("employees.person", &e.set, field, true);
            n.set("employees.person_set", person_set, true);
            n.contact_table(
                "employees.person_contact_table",
                person_set,
                &e.person_contact_table,
                ci,
            );
        }
    }
    if let Some(o) = &l.organizations {
        n.set("organizations.set", &o.set, true);
        n.field("organizations.name", &o.set, &o.name, true);
        n.opt("organizations.full_name", &o.set, &o.full_name, true);
        n.opt("organizations.inn", &o.set, &o.inn, true);
        n.opt("organizations.kpp", &o.set, &o.kpp, true);
        n.opt("organizations.director", &o.set, &o.director, true);
        n.opt("organizations.accountant", &o.set, &o.accountant, true);
        n.contact_table("organizations.contact_table", &o.set, &o.contact_table, ci);
    }
    if let Some(b) = &l.bank_accounts {
        n.set("bank_accounts.set", &b.set, true);
        n.opt("bank_accounts.is_folder", &b.set, &b.is_folder, true);
        n.reference("bank_accounts.owner", &b.set, &Some(b.owner.clone()));
        n.field("bank_accounts.number", &b.set, &b.number, true);
        n.field("bank_accounts.bank", &b.set, &b.bank, true);
        n.set("bank_accounts.bank_set", &b.bank_set, true);
        n.field("bank_accounts.bank_bik", &b.bank_set, &b.bank_bik, true);
        n.field("bank_accounts.bank_name", &b.bank_set, &b.bank_name, true);
        n.opt(
            "bank_accounts.bank_correspondent",
            &b.bank_set,
            &b.bank_correspondent,
            true,
        );
        n.opt("bank_accounts.bank_city", &b.bank_set, &b.bank_city, true);
    }
    if let Some(i) = &l.items {
        n.set("items.set", &i.set, true);
        n.field("items.name", &i.set, &i.name, true);
        n.opt("items.code", &i.set, &i.code, true);
        n.opt("items.article", &i.set, &i.article, true);
        n.opt("items.full_name", &i.set, &i.full_name, true);
        n.opt("items.service_flag", &i.set, &i.service_flag, true);
        n.opt("items.kind", &i.set, &i.kind, true);
        n.opt("items.vat", &i.set, &i.vat, true);
        n.opt("items.unit", &i.set, &i.unit, true);
        n.opt("items.is_folder", &i.set, &i.is_folder, true);
        if let Some(u) = &i.unit_set {
            n.set("items.unit_set", u, true);
            n.field("items.unit_set", u, "Description", true);
        }
    }
    if l.vat.encoding == VatEncoding::Catalog {
        if let Some(s) = &l.vat.catalog_set {
            n.set("vat.catalog_set", s, true);
            n.field("vat.catalog_set", s, "Description", true);
            n.opt("vat.catalog_rate", s, &l.vat.catalog_rate, true);
            n.opt("vat.catalog_enum", s, &l.vat.catalog_enum, true);
            n.opt("vat.catalog_calculated", s, &l.vat.catalog_calculated, true);
        }
    }

    documents(l, &mut n);
    n.list
}

fn documents(l: &Layout, n: &mut Needs) {
    if let Some(i) = &l.invoice {
        let s = &i.set;
        n.set("invoice.set", s, false);
        n.field("invoice.date", s, &i.date, false);
        n.field("invoice.organization", s, &i.organization, false);
        n.field("invoice.counterparty", s, &i.counterparty, false);
        for (k, f) in [
            ("invoice.partner", &i.partner),
            ("invoice.contract", &i.contract),
            ("invoice.bank_account", &i.bank_account),
            ("invoice.currency", &i.currency),
            ("invoice.responsible", &i.responsible),
            ("invoice.vat_included", &i.vat_included),
            ("invoice.total", &i.total),
            ("invoice.comment", &i.comment),
        ] {
            n.opt(k, s, f, false);
        }
        n.constants("invoice.header", s, None, &i.header);
        if let Some(c) = &i.currency_set {
            n.set("invoice.currency_set", c, true);
            n.field("invoice.currency_set", c, "Code", true);
        }
        if let (Some(b), Some(_)) = (&i.bank_account, &i.bank_account_type) {
            n.field("invoice.bank_account_type", s, &format!("{b}_Type"), false);
        }
        let c = &i.columns;
        for (k, col) in [
            ("invoice.columns.item", &c.item),
            ("invoice.columns.quantity", &c.quantity),
            ("invoice.columns.price", &c.price),
            ("invoice.columns.amount", &c.amount),
            ("invoice.columns.vat_rate", &c.vat_rate),
            ("invoice.columns.vat_amount", &c.vat_amount),
        ] {
            n.column(k, s, &i.table, col, false);
        }
        n.opt_column("invoice.columns.text", s, &i.table, &c.text, false);
        n.opt_column("invoice.columns.total", s, &i.table, &c.total, false);
        n.opt_column("invoice.columns.packs", s, &i.table, &c.packs, false);
        n.opt_column("invoice.columns.unit", s, &i.table, &c.unit, false);
        if let (Some(u), Some(_)) = (&c.unit, &c.unit_type) {
            n.column(
                "invoice.columns.unit_type",
                s,
                &i.table,
                &format!("{u}_Type"),
                false,
            );
        }
        n.constants("invoice.columns.constants", s, Some(&i.table), &c.constants);
        if let Some(p) = &i.payment_schedule {
            schedule("invoice.payment_schedule", s, p, n);
        }
        if let Some(f) = &i.follow_up {
            n.set("invoice.follow_up.set", &f.set, false);
            n.field("invoice.follow_up.basis", &f.set, &f.basis, false);
            for c in &f.copy {
                n.field("invoice.follow_up.copy", &f.set, c, false);
            }
            n.opt("invoice.follow_up.total", &f.set, &f.total, false);
            n.constants("invoice.follow_up.header", &f.set, None, &f.header);
            if let Some(p) = &f.payment_schedule {
                schedule("invoice.follow_up.payment_schedule", &f.set, p, n);
            }
        }
    }
    if let Some(t) = &l.task {
        let s = &t.set;
        n.set("task.set", s, false);
        n.field("task.date", s, &t.date, false);
        for (k, f) in [
            ("task.issue_id", &t.issue_id),
            ("task.issue_url", &t.issue_url),
            ("task.title", &t.title),
            ("task.description", &t.description),
            ("task.status", &t.status),
            ("task.assignee", &t.assignee),
            ("task.author", &t.author),
            ("task.author_name", &t.author_name),
            ("task.counterparty", &t.counterparty),
            ("task.contact", &t.contact),
            ("task.contract", &t.contract),
            ("task.object", &t.object),
            ("task.equipment", &t.equipment),
            ("task.comment", &t.comment),
        ] {
            n.opt(k, s, f, false);
        }
        n.constants("task.header", s, None, &t.header);
        if let Some(c) = &t.comments {
            n.opt_column("task.comments.id", s, &c.table, &c.id, false);
            n.column("task.comments.at", s, &c.table, &c.at, false);
            n.column("task.comments.author", s, &c.table, &c.author, false);
            n.column("task.comments.text", s, &c.table, &c.text, false);
            n.opt_column("task.comments.private", s, &c.table, &c.private, false);
        }
        if let Some(a) = &t.attachments {
            n.opt_column("task.attachments.id", s, &a.table, &a.id, false);
            n.column("task.attachments.name", s, &a.table, &a.name, false);
            n.opt_column("task.attachments.size", s, &a.table, &a.size, false);
            n.opt_column("task.attachments.sha256", s, &a.table, &a.sha256, false);
        }
        if let Some(w) = &t.works {
            n.column(
                "task.works.counterparty",
                s,
                &w.table,
                &w.counterparty,
                false,
            );
            n.opt_column("task.works.start", s, &w.table, &w.start, false);
            n.opt_column("task.works.comment", s, &w.table, &w.comment, false);
            n.constants("task.works.constants", s, Some(&w.table), &w.constants);
        }
    }
    if let Some(t) = &l.time_sheet {
        let s = &t.set;
        n.set("time_sheet.set", s, false);
        n.field("time_sheet.date", s, &t.date, false);
        for (k, f) in [
            ("time_sheet.employee", &t.employee),
            ("time_sheet.task", &t.task),
            ("time_sheet.issue_id", &t.issue_id),
            ("time_sheet.issue_url", &t.issue_url),
            ("time_sheet.comment", &t.comment),
        ] {
            n.opt(k, s, f, false);
        }
        n.constants("time_sheet.header", s, None, &t.header);
        let c = &t.columns;
        for (k, f) in [
            ("time_sheet.columns.date", &c.date),
            ("time_sheet.columns.hours", &c.hours),
            ("time_sheet.columns.employee", &c.employee),
            ("time_sheet.columns.work_kind", &c.work_kind),
            ("time_sheet.columns.place", &c.place),
            ("time_sheet.columns.comment", &c.comment),
            ("time_sheet.columns.entry_id", &c.entry_id),
        ] {
            n.opt_column(k, s, &t.table, f, false);
        }
        n.constants(
            "time_sheet.columns.constants",
            s,
            Some(&t.table),
            &c.constants,
        );
        if let Some(w) = &t.week_grid {
            n.field("time_sheet.week_grid.from", s, &w.from, false);
            n.field("time_sheet.week_grid.to", s, &w.to, false);
            for d in &w.days {
                n.column("time_sheet.week_grid.days", s, &t.table, d, false);
            }
        }
    }
    if let Some(p) = &l.exchange_plan {
        n.set("exchange_plan", p, true);
    }
}

fn schedule(key: &str, set: &str, p: &PaymentScheduleLayout, n: &mut Needs) {
    n.column(key, set, &p.table, &p.date, false);
    n.column(key, set, &p.table, &p.percent, false);
    n.column(key, set, &p.table, &p.amount, false);
}

pub(super) fn sets_to_read(l: &Layout) -> Vec<SetRead> {
    sets_to_read_where(l, |_| true)
}

/// The sets to read for the needs `keep` accepts.
pub(super) fn sets_to_read_where(l: &Layout, keep: impl Fn(&Need) -> bool) -> Vec<SetRead> {
    let mut sets: BTreeMap<String, (BTreeSet<String>, bool)> = BTreeMap::new();
    let exchange_plan = l.exchange_plan.as_deref();
    for need in all_needs(l) {
        if !need.read || Some(need.set.as_str()) == exchange_plan || !keep(&need) {
            continue;
        }
        let entry = sets.entry(need.set.clone()).or_default();
        entry.1 |= need.register;
        match (&need.table, &need.field) {
            (Some(t), _) => {
                entry.0.insert(t.clone());
            }
            (None, Some(f)) => {
                entry.0.insert(f.clone());
            }
            (None, None) => {}
        }
    }
    sets.into_iter()
        .map(|(set, (mut select, register))| {
            if !register {
                for std in ["Ref_Key", "DataVersion", "DeletionMark"] {
                    select.insert(std.to_owned());
                }
            }
            SetRead {
                set,
                select: select.into_iter().collect(),
                register,
            }
        })
        .collect()
}

pub(super) fn check(l: &Layout, meta: &Metadata) -> Vec<LayoutProblem> {
    let mut problems = Vec::new();
    let mut missing_sets = BTreeSet::new();
    for need in all_needs(l) {
        let Some(set) = meta.entity_set(&need.set) else {
            if missing_sets.insert(need.set.clone()) {
                problems.push(LayoutProblem {
                    key: need.key.clone(),
                    set: need.set.clone(),
                    table: None,
                    field: None,
                    message: format!(
                        "entity set `{}` is not in $metadata (not published, or named differently)",
                        need.set
                    ),
                });
            }
            continue;
        };
        match (&need.table, &need.field) {
            (Some(t), column) => {
                let row = set.tables.get(t);
                if row.is_none() && !set.has_property(t) {
                    problems.push(LayoutProblem {
                        key: need.key.clone(),
                        set: need.set.clone(),
                        table: Some(t.clone()),
                        field: None,
                        message: format!("`{}` has no tabular section `{t}`", need.set),
                    });
                    continue;
                }
                if let (Some(rows), Some(c)) = (row, column) {
                    if !rows.iter().any(|p| &p.name == c) {
                        problems.push(LayoutProblem {
                            key: need.key.clone(),
                            set: need.set.clone(),
                            table: Some(t.clone()),
                            field: Some(c.clone()),
                            message: format!(
                                "tabular section `{}.{t}` has no column `{c}`",
                                need.set
                            ),
                        });
                    }
                }
            }
            (None, Some(f)) => {
                if !set.has_property(f) {
                    problems.push(LayoutProblem {
                        key: need.key.clone(),
                        set: need.set.clone(),
                        table: None,
                        field: Some(f.clone()),
                        message: format!("`{}` has no property `{f}`", need.set),
                    });
                }
            }
            (None, None) => {}
        }
    }
    // Tabular-section problems repeat for each column; report each distinct one once.
    let mut seen = BTreeSet::new();
    problems.retain(|p| seen.insert((p.set.clone(), p.table.clone(), p.field.clone())));
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys whose values are data, not names of sets or fields: matched values, enum spellings,
    /// `_Type` names, detection rules and the like.
    const NOT_NAMES: &[&str] = &[
        "detect",
        "values",
        "service_kinds",
        "legal_forms",
        "state_working",
        "state_dismissed",
        "email_types",
        "phone_types",
        "address_types",
        "companies_from",
        "encoding",
        "owner_catalog",
        "owner_fallback_catalog",
        "counterparty_type",
        "basis_type",
        "bank_account_type",
        "unit_type",
        "currency_code",
        "base",
        "statuses",
        "issue_prefix",
        "days",
    ];

    /// Every string in a layout that names something in 1C, with where it sits. Map keys of
    /// constant tables (`header`, `constants`) are names too; their values are data.
    fn names(value: &serde_json::Value, path: &str, out: &mut Vec<(String, String)>) {
        match value {
            serde_json::Value::String(s) => out.push((path.to_owned(), s.clone())),
            serde_json::Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    names(v, &format!("{path}[{i}]"), out);
                }
            }
            serde_json::Value::Object(map) => {
                let constants = path.ends_with("header") || path.ends_with("constants");
                for (k, v) in map {
                    if NOT_NAMES.contains(&k.as_str()) {
                        continue;
                    }
                    if constants {
                        out.push((format!("{path}.{k}"), k.clone()));
                    } else {
                        names(v, &format!("{path}.{k}"), out);
                    }
                }
            }
            _ => {}
        }
    }

    /// `needs` is written by hand next to the layout types; a field it forgets would silently
    /// leave `$select` (and the conformance checks). Every name every built-in layout carries must
    /// be among the needs.
    #[test]
    fn every_name_a_layout_carries_is_a_need() {
        for (conf, text) in [
            ("ut11", include_str!("../../../ut11/src/layout.toml")),
            ("ka", include_str!("../../../ka/src/layout.toml")),
            ("unf", include_str!("../../../unf/src/layout.toml")),
            ("ut103", include_str!("../../../ut103/src/layout.toml")),
            ("esti", include_str!("../../../esti/src/layout.toml")),
        ] {
            let layout = Layout::from_toml(text).unwrap();
            let json = serde_json::to_value(&layout).unwrap();
            let mut found = Vec::new();
            names(&json, "", &mut found);
            // Defaults a layout carries but does not use: the VAT catalog of an enum-VAT layout,
            // the contact-information columns of a layout whose contacts live in a register.
            let tables = all_needs(&layout)
                .iter()
                .any(|n| n.key.ends_with("contact_table"));
            let unused = |path: &str| {
                (layout.vat.encoding != VatEncoding::Catalog && path.starts_with(".vat."))
                    || (!tables
                        && path.starts_with(".contact_info.")
                        && !path.starts_with(".contact_info.kinds_set"))
            };
            // A name is covered when a need with the same layout key names it: `.contacts.position`
            // by `contacts.position`, a list element by its list's key, a constant by its table's.
            let keyed: BTreeSet<(String, String)> = all_needs(&layout)
                .into_iter()
                .flat_map(|n| {
                    let names = [Some(n.set.clone()), n.table.clone(), n.field.clone()];
                    let key = n.key.clone();
                    names
                        .into_iter()
                        .flatten()
                        .map(move |name| (key.clone(), name.trim_end_matches("_Type").to_owned()))
                })
                .collect();
            let covered = |path: &str, name: &str| {
                let key = path.trim_start_matches('.');
                let key = key.split('[').next().unwrap_or(key);
                let section = key.split('.').next().unwrap_or(key);
                // `contact_info` columns serve every contact table, so any need may name them;
                // otherwise a need of the same section must.
                keyed.iter().any(|(k, n)| {
                    n == name
                        && (section == "contact_info"
                            || k == key
                            || k.split('.').next() == Some(section))
                })
            };
            let missing: Vec<String> = found
                .into_iter()
                .filter(|(path, _)| !unused(path))
                .filter(|(path, name)| !covered(path, name))
                .map(|(path, name)| format!("{path} = {name}"))
                .collect();
            assert!(
                missing.is_empty(),
                "{conf}: layout names that needs.rs does not list (add them to all_needs):\n{}",
                missing.join("\n")
            );
        }
    }
}
