//! The other catalogs: service objects, equipment and its directories, employees, organizations
//! with bank accounts, items, and the VAT catalog.

use std::collections::BTreeMap;

use onec_model::{
    BankAccount, Employee, Equipment, EquipmentKind, EquipmentModel, Item, Manufacturer,
    Organization, Ref, ServiceObject, VatRate,
};
use rust_decimal::Decimal;

use super::MapCx;
use crate::adapter::Severity;
use crate::layout::{DirectoryLayout, VatEncoding};
use crate::raw::RawObject;

/// Service objects.
pub fn service_objects(cx: &mut MapCx<'_>) -> Vec<ServiceObject> {
    let Some(l) = cx.layout.service_objects.clone() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    cx.each(&l.set, |cx, obj| {
        let Some(head) = cx.head(obj) else { return };
        let key = head.r#ref;
        let Some(name) = required_name(cx, obj, key, &l.name) else {
            return;
        };
        out.push(ServiceObject {
            r#ref: key,
            owner: cx.owner(obj, key, l.owner.as_deref(), l.owner_catalog),
            name,
            address: cx.text(obj, l.address.as_deref()),
            comment: cx.text(obj, l.comment.as_deref()),
            deletion_mark: head.deletion_mark,
            version: head.version,
        });
    });
    out
}

fn required_name(cx: &mut MapCx<'_>, obj: &RawObject, key: Ref, field: &str) -> Option<String> {
    let name = cx.text(obj, Some(field));
    if name.is_none() {
        cx.report(
            Severity::Error,
            obj,
            Some(key),
            Some(field),
            None,
            "name is empty; skipped",
        );
    }
    name
}

/// One directory entry: ref, code, name, deletion mark, version.
type Entry = (Ref, Option<String>, String, bool, Option<String>);

fn directory(cx: &mut MapCx<'_>, l: &DirectoryLayout) -> Vec<Entry> {
    let mut out = Vec::new();
    cx.each(&l.set, |cx, obj| {
        let Some(head) = cx.head(obj) else { return };
        let Some(name) = required_name(cx, obj, head.r#ref, &l.name) else {
            return;
        };
        let code = cx.text(obj, l.code.as_deref());
        out.push((head.r#ref, code, name, head.deletion_mark, head.version));
    });
    out
}

/// Kinds of equipment.
pub fn equipment_kinds(cx: &mut MapCx<'_>) -> Vec<EquipmentKind> {
    let Some(l) = cx.layout.equipment_kinds.clone() else {
        return Vec::new();
    };
    directory(cx, &l)
        .into_iter()
        .map(|(r, code, name, deletion_mark, version)| EquipmentKind {
            r#ref: r,
            code,
            name,
            deletion_mark,
            version,
        })
        .collect()
}

/// Manufacturers.
pub fn manufacturers(cx: &mut MapCx<'_>) -> Vec<Manufacturer> {
    let Some(l) = cx.layout.manufacturers.clone() else {
        return Vec::new();
    };
    directory(cx, &l)
        .into_iter()
        .map(|(r, code, name, deletion_mark, version)| Manufacturer {
            r#ref: r,
            code,
            name,
            deletion_mark,
            version,
        })
        .collect()
}

/// Reports a reference to a directory entry that was not read.
fn check_known(
    cx: &mut MapCx<'_>,
    obj: &RawObject,
    key: Ref,
    field: Option<&str>,
    value: Option<Ref>,
    known: &dyn Fn(Ref) -> bool,
    what: &str,
) {
    if let Some(v) = value {
        if !known(v) {
            cx.report(
                Severity::Warning,
                obj,
                Some(key),
                field,
                Some(v.to_string()),
                format!("{what} was not read (dangling reference); kept as read"),
            );
        }
    }
}

/// Equipment models.
pub fn equipment_models(cx: &mut MapCx<'_>) -> Vec<EquipmentModel> {
    let Some(l) = cx.layout.equipment_models.clone() else {
        return Vec::new();
    };
    let kinds = ref_set(
        cx,
        cx.layout.equipment_kinds.as_ref().map(|d| d.set.clone()),
    );
    let makers = ref_set(cx, cx.layout.manufacturers.as_ref().map(|d| d.set.clone()));
    let mut out = Vec::new();
    cx.each(&l.set, |cx, obj| {
        let Some(head) = cx.head(obj) else { return };
        let key = head.r#ref;
        let Some(name) = required_name(cx, obj, key, &l.name) else {
            return;
        };
        let kind = cx.reference(obj, key, l.kind.as_deref());
        let manufacturer = cx.reference(obj, key, l.manufacturer.as_deref());
        check_known(
            cx,
            obj,
            key,
            l.kind.as_deref(),
            kind,
            &|r| kinds.contains(&r),
            "equipment kind",
        );
        check_known(
            cx,
            obj,
            key,
            l.manufacturer.as_deref(),
            manufacturer,
            &|r| makers.contains(&r),
            "manufacturer",
        );
        out.push(EquipmentModel {
            r#ref: key,
            code: cx.text(obj, l.code.as_deref()),
            name,
            kind,
            manufacturer,
            deletion_mark: head.deletion_mark,
            version: head.version,
        });
    });
    out
}

fn ref_set(cx: &MapCx<'_>, set: Option<String>) -> std::collections::BTreeSet<Ref> {
    let mut out = std::collections::BTreeSet::new();
    if let Some(s) = set {
        cx.source().each(&s, &mut |o| {
            if let Ok(Some(r)) = o.ref_key() {
                out.insert(r);
            }
        });
    }
    out
}

/// Clients' equipment; an empty kind or manufacturer is taken from the model.
pub fn equipment(cx: &mut MapCx<'_>, models: &[EquipmentModel]) -> Vec<Equipment> {
    let Some(l) = cx.layout.equipment.clone() else {
        return Vec::new();
    };
    let by_model: BTreeMap<Ref, &EquipmentModel> = models.iter().map(|m| (m.r#ref, m)).collect();
    let objects = ref_set(
        cx,
        cx.layout.service_objects.as_ref().map(|s| s.set.clone()),
    );
    let mut out = Vec::new();
    cx.each(&l.set, |cx, obj| {
        let Some(head) = cx.head(obj) else { return };
        let key = head.r#ref;
        let Some(name) = required_name(cx, obj, key, &l.name) else {
            return;
        };
        let model = cx.reference(obj, key, l.model.as_deref());
        check_known(
            cx,
            obj,
            key,
            l.model.as_deref(),
            model,
            &|r| by_model.contains_key(&r),
            "model",
        );
        let from_model = model.and_then(|m| by_model.get(&m));
        let object = cx.reference(obj, key, l.object.as_deref());
        check_known(
            cx,
            obj,
            key,
            l.object.as_deref(),
            object,
            &|r| objects.contains(&r),
            "service object",
        );
        out.push(Equipment {
            r#ref: key,
            name,
            serial_number: cx.text(obj, l.serial_number.as_deref()),
            inventory_number: cx.text(obj, l.inventory_number.as_deref()),
            kind: cx
                .reference(obj, key, l.kind.as_deref())
                .or_else(|| from_model.and_then(|m| m.kind)),
            manufacturer: cx
                .reference(obj, key, l.manufacturer.as_deref())
                .or_else(|| from_model.and_then(|m| m.manufacturer)),
            model,
            owner: cx.owner(obj, key, l.owner.as_deref(), l.owner_catalog),
            object,
            comment: cx.text(obj, l.comment.as_deref()),
            deletion_mark: head.deletion_mark,
            version: head.version,
        });
    });
    out
}

/// Users and employees; invalid, service and deleted users are inactive.
pub fn employees(cx: &mut MapCx<'_>) -> Vec<Employee> {
    let Some(l) = cx.layout.employees.clone() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    cx.each(&l.set, |cx, obj| {
        let Some(head) = cx.head(obj) else { return };
        let key = head.r#ref;
        if cx.is_folder(obj, key, &l.is_folder) {
            return;
        }
        let Some(name) = required_name(cx, obj, key, &l.name) else {
            return;
        };
        let invalid = cx.boolean(obj, key, l.invalid.as_deref()).unwrap_or(false);
        let service = cx.boolean(obj, key, l.service.as_deref()).unwrap_or(false);
        let mut info = cx.contact_info(obj, key, l.contact_table.as_deref(), &l.emails);
        // Where the configuration keeps an employee's e-mail on the person card instead.
        if let (Some(set), true) = (&l.person_set, info.emails.is_empty()) {
            if let Some(person) = cx.reference(obj, key, l.person.as_deref()) {
                if let Some(card) = cx.find(set, person) {
                    let card = card.into_owned();
                    let more =
                        cx.contact_info(&card, person, l.person_contact_table.as_deref(), &[]);
                    info.extend(more);
                }
            }
        }
        out.push(Employee {
            r#ref: key,
            name,
            emails: info.emails,
            active: !(invalid || service || head.deletion_mark),
        });
    });
    out
}

/// Our organizations with their bank accounts.
pub fn organizations(cx: &mut MapCx<'_>) -> Vec<Organization> {
    let Some(l) = cx.layout.organizations.clone() else {
        return Vec::new();
    };
    let accounts = bank_accounts(cx);
    let mut out = Vec::new();
    cx.each(&l.set, |cx, obj| {
        let Some(head) = cx.head(obj) else { return };
        let key = head.r#ref;
        let Some(name) = required_name(cx, obj, key, &l.name) else {
            return;
        };
        let info = cx.contact_info(obj, key, l.contact_table.as_deref(), &[]);
        let address = info
            .addresses
            .iter()
            .find(|a| a.kind == onec_model::AddressKind::Legal)
            .or(info.addresses.first())
            .map(|a| a.text.clone());
        out.push(Organization {
            r#ref: key,
            name,
            full_name: cx.text(obj, l.full_name.as_deref()),
            inn: cx.text(obj, l.inn.as_deref()),
            kpp: cx.text(obj, l.kpp.as_deref()),
            address,
            phone: info.phones.first().cloned(),
            director: cx.text(obj, l.director.as_deref()),
            accountant: cx.text(obj, l.accountant.as_deref()),
            bank_accounts: accounts.get(&key).cloned().unwrap_or_default(),
        });
    });
    out
}

fn bank_accounts(cx: &mut MapCx<'_>) -> BTreeMap<Ref, Vec<BankAccount>> {
    let mut out: BTreeMap<Ref, Vec<BankAccount>> = BTreeMap::new();
    let Some(l) = cx.layout.bank_accounts.clone() else {
        return out;
    };
    cx.each(&l.set, |cx, obj| {
        let Some(head) = cx.head(obj) else { return };
        let key = head.r#ref;
        if cx.is_folder(obj, key, &l.is_folder) {
            return;
        }
        if head.deletion_mark {
            return;
        }
        let Some(owner) = cx.reference(obj, key, Some(&l.owner)) else {
            return;
        };
        let Some(number) = cx.text(obj, Some(&l.number)) else {
            cx.report(
                Severity::Error,
                obj,
                Some(key),
                Some(&l.number),
                None,
                "bank account has no number; skipped",
            );
            return;
        };
        let bank = cx
            .reference(obj, key, Some(&l.bank))
            .and_then(|b| cx.find(&l.bank_set, b));
        if bank.is_none() {
            cx.report(
                Severity::Warning,
                obj,
                Some(key),
                Some(&l.bank),
                obj.text(&l.bank),
                "bank was not read; BIK and bank name left empty",
            );
        }
        let field = |cx: &MapCx<'_>, f: Option<&str>| bank.as_deref().and_then(|b| cx.text(b, f));
        out.entry(owner).or_default().push(BankAccount {
            r#ref: key,
            number,
            bank_name: field(cx, Some(&l.bank_name)).unwrap_or_default(),
            bik: field(cx, Some(&l.bank_bik)).unwrap_or_default(),
            correspondent_account: field(cx, l.bank_correspondent.as_deref()),
            city: field(cx, l.bank_city.as_deref()),
        });
    });
    out
}

/// Items of goods and services.
pub fn items(cx: &mut MapCx<'_>) -> Vec<Item> {
    let Some(l) = cx.layout.items.clone() else {
        return Vec::new();
    };
    let vat_refs = cx.vat_rate_by_ref();
    let mut out = Vec::new();
    cx.each(&l.set, |cx, obj| {
        let Some(head) = cx.head(obj) else { return };
        let key = head.r#ref;
        if cx.is_folder(obj, key, &l.is_folder) {
            return;
        }
        let Some(name) = required_name(cx, obj, key, &l.name) else {
            return;
        };
        let is_service = match (&l.service_flag, &l.kind) {
            (Some(f), _) => cx.boolean(obj, key, Some(f)).unwrap_or(false),
            (None, Some(k)) => cx
                .text(obj, Some(k))
                .is_some_and(|v| l.service_kinds.contains(&v)),
            (None, None) => false,
        };
        let vat_rate = match cx.layout.vat.encoding {
            VatEncoding::Enum => cx.text(obj, l.vat.as_deref()).and_then(|v| {
                let rate = cx.layout.vat.values.get(&v).copied();
                if rate.is_none() {
                    cx.report(
                        Severity::Warning,
                        obj,
                        Some(key),
                        l.vat.as_deref(),
                        Some(v),
                        "unknown VAT rate; left empty",
                    );
                }
                rate
            }),
            VatEncoding::Catalog => cx.reference(obj, key, l.vat.as_deref()).and_then(|r| {
                let rate = vat_refs.get(&r).copied();
                if rate.is_none() {
                    cx.report(
                        Severity::Warning,
                        obj,
                        Some(key),
                        l.vat.as_deref(),
                        Some(r.to_string()),
                        "VAT rate not found in the VAT catalog; left empty",
                    );
                }
                rate
            }),
        };
        let unit_ref = cx.reference(obj, key, l.unit.as_deref());
        let unit = match &l.unit_set {
            Some(set) => unit_ref.and_then(|r| cx.description_of(set, r)),
            None => None,
        };
        out.push(Item {
            r#ref: key,
            code: cx.text(obj, l.code.as_deref()),
            article: cx.text(obj, l.article.as_deref()),
            name,
            full_name: cx.text(obj, l.full_name.as_deref()),
            is_service,
            vat_rate,
            unit,
            unit_ref,
            deletion_mark: head.deletion_mark,
        });
    });
    out
}

impl MapCx<'_> {
    /// The VAT catalog read as ref → rate; entries whose rate cannot be told are reported.
    pub fn vat_rate_by_ref(&mut self) -> BTreeMap<Ref, VatRate> {
        let vat = self.layout.vat.clone();
        let mut out = BTreeMap::new();
        if vat.encoding != VatEncoding::Catalog {
            return out;
        }
        let Some(set) = &vat.catalog_set else {
            return out;
        };
        self.each(set, |cx, obj| {
            let Some(head) = cx.head(obj) else { return };
            let key = head.r#ref;
            let name = obj.text("Description").unwrap_or_default().to_lowercase();
            // A calculated rate (20/120) shares `Ставка` with the plain one: the flag, an enum
            // value the layout does not list (`НДС20_120`) or a «20/120» name rule it out.
            let calculated = cx
                .boolean(obj, key, vat.catalog_calculated.as_deref())
                .unwrap_or(false)
                || name.contains('/');
            let enum_value = cx.text(obj, vat.catalog_enum.as_deref());
            let rate = match &enum_value {
                _ if calculated => None,
                Some(v) => vat.values.get(v).copied(),
                None => (|| {
                    let percent = obj.decimal(vat.catalog_rate.as_deref()?).ok()??;
                    rate_from_percent(percent, name.contains("без"))
                })(),
            };
            match rate {
                Some(r) => {
                    out.insert(key, r);
                }
                None => cx.report(
                    Severity::Info,
                    obj,
                    Some(key),
                    vat.catalog_rate.as_deref(),
                    obj.text(vat.catalog_rate.as_deref().unwrap_or("Ставка")),
                    "VAT catalog entry is not a current Russian rate; not used",
                ),
            }
        });
        out
    }

    /// The VAT catalog read as rate → ref (the first entry not marked for deletion wins).
    pub fn vat_refs_by_rate(&mut self) -> BTreeMap<VatRate, Ref> {
        let by_ref = self.vat_rate_by_ref();
        let mut deleted = std::collections::BTreeSet::new();
        let set = self.layout.vat.catalog_set.clone().unwrap_or_default();
        self.source().each(&set, &mut |o| {
            if o.boolean("DeletionMark").ok().flatten() == Some(true) {
                if let Ok(Some(r)) = o.ref_key() {
                    deleted.insert(r);
                }
            }
        });
        let mut out = BTreeMap::new();
        self.source().each(&set, &mut |obj| {
            let Ok(Some(r)) = obj.ref_key() else { return };
            if let Some(rate) = by_ref.get(&r) {
                if !deleted.contains(&r) {
                    out.entry(*rate).or_insert(r);
                }
            }
        });
        out
    }
}

fn rate_from_percent(p: Decimal, without: bool) -> Option<VatRate> {
    let p = p.normalize();
    Some(match p.to_string().as_str() {
        "0" if without => VatRate::Without,
        "0" => VatRate::Zero,
        "5" => VatRate::Five,
        "7" => VatRate::Seven,
        "10" => VatRate::Ten,
        "20" => VatRate::Twenty,
        "22" => VatRate::TwentyTwo,
        _ => return None,
    })
}
