//! Lays the neutral demo [`Snapshot`] out as a configuration's objects, with that configuration's
//! real names: partners and counterparties in УТ 11/КА 2/ЭСТИ, contacts through a link register in
//! УНФ, a contact-information register and enum VAT in УТ 10.3, and ЭСТИ's own catalogs and
//! exchange plan. Shared helpers build contact-information rows, VAT rates, units, banks and
//! organizations the same way for every configuration.

mod unf;
mod ut103;
mod ut11;

use chrono::NaiveDate;
use onec_model::{Item, Organization, Ref, Snapshot, VatRate};
use uuid::Uuid;

use super::config::Configuration;
use super::schema::{Edm, Prop, SetDef};
use super::store::{Infobase, Obj, Row};
use super::value::Val;

/// Fills an empty infobase from the snapshot.
pub(crate) fn populate(
    ib: &mut Infobase,
    configuration: Configuration,
    snap: &Snapshot,
    seed: u64,
) {
    let mut cx = Cx { ib, seed };
    match configuration {
        Configuration::Ut11 => ut11::populate(&mut cx, snap, ut11::Flavour::Ut11),
        Configuration::Ka => ut11::populate(&mut cx, snap, ut11::Flavour::Ka),
        Configuration::Esti => ut11::populate(&mut cx, snap, ut11::Flavour::Esti),
        Configuration::Unf => unf::populate(&mut cx, snap),
        Configuration::Ut103 => ut103::populate(&mut cx, snap),
    }
}

/// The population context: the infobase and the seed for derived references.
pub(crate) struct Cx<'a> {
    pub(crate) ib: &'a mut Infobase,
    pub(crate) seed: u64,
}

impl Cx<'_> {
    /// A deterministic reference for an object the snapshot has no `Ref` for.
    pub(crate) fn derived(&self, kind: &str, name: &str) -> Uuid {
        Ref::derived(&format!("okdesk-1c/onec-sim/{}/{kind}", self.seed), name).uuid()
    }

    /// Stores an object, giving it a code where the catalog has codes and none was set.
    ///
    /// The demo data must be what a real base could hold: a property, table or column the set
    /// does not publish, or an enum value the configuration lacks, is a bug in the population
    /// and panics (every simulator test would show it).
    pub(crate) fn put(&mut self, set: &str, mut obj: Obj) {
        // The schema is shared, so holding it does not borrow the infobase.
        let schema = self.ib.schema.clone();
        // A partial publication leaves the set out: the base still has its objects, but the
        // simulator only keeps what it serves (references to them stay plain GUIDs).
        if schema.is_unpublished(set) {
            return;
        }
        let def = schema
            .set(set)
            .unwrap_or_else(|| panic!("populate writes only published sets, not {set}"));
        check_real(def, &obj);
        if def.has_code && obj.get("Code").is_none_or(Val::is_empty) {
            let code = self.ib.next_number(def);
            obj.set("Code", Val::Str(code));
        }
        self.ib.insert(set, obj);
    }

    /// A register record with an internal id.
    pub(crate) fn record(&mut self, set: &str, props: Vec<(&str, Val)>) {
        if self.ib.schema.is_unpublished(set) {
            return;
        }
        if let Some(def) = self.ib.schema.clone().set(set) {
            let mut obj = Obj::default();
            for (k, v) in &props {
                obj.set(k, v.clone());
            }
            check_real(def, &obj);
        }
        let id = Uuid::new_v5(
            &Uuid::NAMESPACE_OID,
            format!("{set}/{}", self.ib.count(set)).as_bytes(),
        );
        let mut obj = Obj {
            id,
            ..Obj::default()
        };
        for (k, v) in props {
            obj.set(k, v);
        }
        self.ib.insert(set, obj);
    }
}

/// Panics when `obj` holds a name `def` does not publish or an enum value it does not accept.
fn check_real(def: &SetDef, obj: &Obj) {
    let mut wrong: Vec<String> = Vec::new();
    let mut value_ok = |where_: String, prop: &Prop, v: &Val| {
        let fits = matches!(
            (prop.edm, v),
            (_, Val::Null)
                | (Edm::String | Edm::Binary, Val::Str(_))
                | (Edm::Guid, Val::Guid(_))
                | (Edm::DateTime, Val::Date(_))
                | (Edm::Boolean, Val::Bool(_))
                | (Edm::Double, Val::Num(_))
                | (Edm::Int16, Val::Short(_))
                | (Edm::Int64, Val::Int(_))
        );
        if !fits {
            wrong.push(format!("{where_} = {v:?} (not an {})", prop.edm.name()));
        }
        if let Val::Str(s) = v {
            if !prop.allowed.is_empty() && !s.is_empty() && !prop.allowed.contains(s) {
                wrong.push(format!("{where_} = {s} (not a value of its enum)"));
            }
        }
    };
    let mut unknown: Vec<String> = Vec::new();
    for (k, v) in &obj.props {
        match def.prop(k) {
            Some(p) => value_ok(k.clone(), p, v),
            None => unknown.push(k.clone()),
        }
    }
    for (t, rows) in &obj.tables {
        let Some(table) = def.table(t) else {
            unknown.push(format!("table {t}"));
            continue;
        };
        for row in rows {
            for (c, v) in row {
                match table.column(c) {
                    Some(p) => value_ok(format!("{t}.{c}"), p, v),
                    None if c == "LineNumber" => {}
                    None => unknown.push(format!("{t}.{c}")),
                }
            }
        }
    }
    unknown.sort();
    unknown.dedup();
    wrong.extend(unknown.into_iter().map(|u| format!("{u} (not published)")));
    assert!(
        wrong.is_empty(),
        "populate writes what the real {} cannot hold: {}",
        def.name,
        wrong.join(", ")
    );
}

pub(crate) fn guid(r: Ref) -> Val {
    Val::Guid(r.uuid())
}

pub(crate) fn opt_guid(r: Option<Ref>) -> Val {
    Val::Guid(r.map_or(Uuid::nil(), Ref::uuid))
}

pub(crate) fn day(d: NaiveDate) -> Val {
    Val::Date(d.and_time(chrono::NaiveTime::MIN))
}

pub(crate) fn opt_day(d: Option<NaiveDate>) -> Val {
    d.map_or_else(|| Val::Date(super::value::empty_date()), day)
}

pub(crate) fn text(s: &str) -> Val {
    Val::Str(s.to_owned())
}

pub(crate) fn opt_text(s: Option<&str>) -> Val {
    Val::Str(s.unwrap_or_default().to_owned())
}

/// An object with a reference, a name and a deletion mark.
pub(crate) fn object(id: Uuid, description: &str, deletion_mark: bool) -> Obj {
    let mut obj = Obj::new(id);
    obj.set("Description", text(description))
        .set("DeletionMark", Val::Bool(deletion_mark));
    obj
}

/// Predefined contact-information kinds: (predefined name, description, type).
pub(crate) fn add_contact_kinds(cx: &mut Cx<'_>, kinds: &[(&str, &str, &str)]) {
    for (name, description, kind) in kinds {
        let mut obj = object(cx.derived("kind", name), description, false);
        // УТ 10.3 (8.2.13) has neither `PredefinedDataName` nor the BSP kind attributes; the
        // shared fields are set everywhere and dropped where the set lacks them.
        obj.set("Predefined", Val::Bool(true))
            .set("PredefinedDataName", text(name))
            .set("ИмяПредопределенногоВида", text(name))
            .set("Используется", Val::Bool(true))
            .set("Тип", text(kind));
        retain_published(cx, "Catalog_ВидыКонтактнойИнформации", &mut obj);
        cx.put("Catalog_ВидыКонтактнойИнформации", obj);
    }
}

/// The reference of a predefined contact-information kind.
pub(crate) fn kind(cx: &Cx<'_>, name: &str) -> Uuid {
    cx.derived("kind", name)
}

/// Builds `КонтактнаяИнформация` rows: e-mails as written (broken ones included), phones,
/// addresses, in that order.
pub(crate) struct ContactRows {
    rows: Vec<Row>,
}

impl ContactRows {
    pub(crate) fn new() -> Self {
        ContactRows { rows: Vec::new() }
    }

    fn push(&mut self, mut row: Row) -> &mut Self {
        row.insert(
            "LineNumber".to_owned(),
            Val::Int(self.rows.len() as i64 + 1),
        );
        self.rows.push(row);
        self
    }

    pub(crate) fn email(&mut self, kind: Uuid, email: &str) -> &mut Self {
        let domain = email.rsplit_once('@').map_or("", |(_, d)| d);
        let row: Row = [
            ("Тип", text("АдресЭлектроннойПочты")),
            ("Вид_Key", Val::Guid(kind)),
            ("Представление", text(email)),
            ("АдресЭП", text(email)),
            ("ДоменноеИмяСервера", text(domain.trim_end_matches('>'))),
            (
                "Значение",
                text(&format!(
                    "{{\"value\":{},\"type\":\"Адрес электронной почты\"}}",
                    serde_json::Value::String(email.to_owned())
                )),
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        self.push(row)
    }

    pub(crate) fn phone(&mut self, kind: Uuid, phone: &str) -> &mut Self {
        let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
        let row: Row = [
            ("Тип", text("Телефон")),
            ("Вид_Key", Val::Guid(kind)),
            ("Представление", text(phone)),
            ("НомерТелефона", text(phone)),
            ("НомерТелефонаБезКодов", text(digits.get(4..).unwrap_or(""))),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        self.push(row)
    }

    pub(crate) fn address(&mut self, kind: Uuid, address: &str) -> &mut Self {
        let city = address.split(", ").nth(1).unwrap_or_default();
        let row: Row = [
            ("Тип", text("Адрес")),
            ("Вид_Key", Val::Guid(kind)),
            ("Представление", text(address)),
            ("Страна", text("РОССИЯ")),
            ("Город", text(city)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        self.push(row)
    }

    pub(crate) fn finish(&mut self) -> Vec<Row> {
        std::mem::take(&mut self.rows)
    }
}

/// The VAT rates a catalog-based configuration keeps, with their references.
pub(crate) fn vat_ref(cx: &Cx<'_>, rate: VatRate) -> Uuid {
    cx.derived("vat", rate.onec_name())
}

/// `Catalog_СтавкиНДС` items: every model rate the configuration's enum `СтавкиНДС` has (КА 2.5.12
/// has no 5 %/7 %, УТ 11.5.20 no 22 %: conformance/onec/*-dump/enums.json) and, as real bases
/// keep them, the calculated rates 20/120 and 18/118 and the historical 18 %, whose `Ставка`
/// equals a plain rate's, so that a client matching a rate by `Ставка` alone can pick a
/// calculated one. The calculated rates are stored first. `extra` fills configuration-specific
/// columns: (rate, enum value name, calculated) — the name is `НДС20_120` for a calculated rate.
pub(crate) fn add_vat_rates(
    cx: &mut Cx<'_>,
    extra: impl Fn(Option<VatRate>, &str, bool, &mut Obj),
) {
    let allowed = cx
        .ib
        .schema
        .set("Catalog_СтавкиНДС")
        .and_then(|s| s.prop("ПеречислениеСтавкаНДС"))
        .map(|p| p.allowed.clone())
        .unwrap_or_default();
    let exists = |name: &str| allowed.is_empty() || allowed.iter().any(|a| a == name);
    for (name, description, percent) in [
        ("НДС20_120", "20% / 120%", 20.0),
        ("НДС18_118", "18% / 118%", 18.0),
        ("НДС18", "18%", 18.0),
    ] {
        if !exists(name) {
            continue;
        }
        let mut obj = object(cx.derived("vat", name), description, false);
        obj.set("Ставка", Val::Num(percent));
        extra(None, name, name.contains('_'), &mut obj);
        cx.put("Catalog_СтавкиНДС", obj);
    }
    for rate in VatRate::ALL {
        if !exists(rate.onec_name()) {
            continue;
        }
        let mut obj = object(vat_ref(cx, rate), &rate.to_string(), false);
        obj.set("Ставка", Val::Num(f64::from(rate.percent_u32())));
        extra(Some(rate), rate.onec_name(), false, &mut obj);
        cx.put("Catalog_СтавкиНДС", obj);
    }
}

/// The rouble in `Catalog_Валюты`.
pub(crate) fn add_rouble(cx: &mut Cx<'_>) -> Uuid {
    let id = cx.derived("currency", "643");
    let mut obj = object(id, "руб.", false);
    obj.set("Code", text("643"))
        .set("НаименованиеПолное", text("Российский рубль"));
    cx.put("Catalog_Валюты", obj);
    id
}

/// Units of measure by the names items use, in the configuration's unit catalog.
pub(crate) fn add_units(cx: &mut Cx<'_>, set: &str, items: &[Item]) {
    let mut names: Vec<&str> = items.iter().filter_map(|i| i.unit.as_deref()).collect();
    names.push("шт");
    names.sort_unstable();
    names.dedup();
    for name in names {
        let code = match name {
            "шт" => "796",
            "час" => "356",
            "мес" => "362",
            _ => "",
        };
        let mut obj = object(cx.derived("unit", name), name, false);
        obj.set("НаименованиеПолное", text(name));
        if !code.is_empty() {
            obj.set("Code", text(code));
        }
        cx.put(set, obj);
    }
}

pub(crate) fn unit_ref(cx: &Cx<'_>, unit: Option<&str>) -> Val {
    Val::Guid(unit.map_or(Uuid::nil(), |u| cx.derived("unit", u)))
}

/// Organizations with their bank accounts and the banks those accounts are in.
///
/// `owner_field` is `Owner_Key` where accounts have one owner type, `Owner` for a composite.
pub(crate) fn add_organizations(
    cx: &mut Cx<'_>,
    orgs: &[Organization],
    banks_set: &str,
    accounts_set: &str,
    legal_form_field: &str,
) {
    let mut seen_banks = std::collections::HashSet::new();
    for org in orgs {
        for acc in &org.bank_accounts {
            if seen_banks.insert(acc.bik.clone()) {
                let mut bank = object(cx.derived("bank", &acc.bik), &acc.bank_name, false);
                bank.set("Code", text(&acc.bik))
                    .set("КоррСчет", opt_text(acc.correspondent_account.as_deref()))
                    .set("Город", opt_text(acc.city.as_deref()));
                cx.put(banks_set, bank);
            }
        }
    }
    let composite = cx
        .ib
        .schema
        .set(accounts_set)
        .is_some_and(|s| s.prop("Owner").is_some());
    let rouble = Val::Guid(cx.derived("currency", "643"));
    for org in orgs {
        let mut obj = object(org.r#ref.uuid(), &org.name, false);
        obj.set("НаименованиеПолное", opt_text(org.full_name.as_deref()))
            .set("НаименованиеСокращенное", text(&org.name))
            .set("ИНН", opt_text(org.inn.as_deref()))
            .set("КПП", opt_text(org.kpp.as_deref()))
            .set("Префикс", text("ОК"))
            .set(legal_form_field, text(legal_form_value(legal_form_field)));
        if let Some(main) = org.bank_accounts.first() {
            for field in [
                "ТекущийБанковскийСчет_Key",
                "БанковскийСчетПоУмолчанию_Key",
                "ОсновнойБанковскийСчет_Key",
            ] {
                obj.set(field, guid(main.r#ref));
            }
        }
        let mut rows = ContactRows::new();
        if let Some(address) = &org.address {
            rows.address(kind(cx, "ЮрАдресОрганизации"), address);
        }
        if let Some(phone) = &org.phone {
            rows.phone(kind(cx, "ТелефонОрганизации"), phone);
        }
        obj.tables
            .insert("КонтактнаяИнформация".to_owned(), rows.finish());
        // Only the fields the schema publishes are kept.
        retain_published(cx, "Catalog_Организации", &mut obj);
        cx.put("Catalog_Организации", obj);
        for acc in &org.bank_accounts {
            let mut a = object(
                acc.r#ref.uuid(),
                &format!("{}, {}", acc.number, acc.bank_name),
                false,
            );
            a.set("НомерСчета", text(&acc.number))
                .set("Банк_Key", Val::Guid(cx.derived("bank", &acc.bik)))
                .set("ВалютаДенежныхСредств_Key", rouble.clone())
                .set("ВидСчета", text("Расчетный"));
            if composite {
                a.set("Owner", text(&org.r#ref.to_string()))
                    .set("Owner_Type", text("StandardODATA.Catalog_Организации"));
            } else {
                a.set("Owner_Key", guid(org.r#ref));
            }
            retain_published(cx, accounts_set, &mut a);
            cx.put(accounts_set, a);
        }
    }
}

fn legal_form_value(field: &str) -> &'static str {
    match field {
        "ЮридическоеФизическоеЛицо" => "ЮридическоеЛицо",
        _ => "ЮрЛицо",
    }
}

/// Drops properties and tables the set does not publish, so that shared helpers may set fields
/// that only some configurations have.
pub(crate) fn retain_published(cx: &Cx<'_>, set: &str, obj: &mut Obj) {
    if let Some(def) = cx.ib.schema.set(set) {
        obj.props.retain(|k, _| def.prop(k).is_some());
        obj.tables.retain(|k, _| def.table(k).is_some());
    }
}
