//! From the neutral 1C model to engine records, with preflight: INNs, KPPs, e-mails and required
//! fields are checked with `onec-model`'s validators before anything is sent.

use std::collections::BTreeMap;

use onec_model::validate::{email, phone, Inn, Kpp};
use onec_model::{
    AddressKind, ContactPerson, Contract, Counterparty, Equipment, EquipmentKind, EquipmentModel,
    Manufacturer, Ref, ServiceObject,
};
use serde::{Deserialize, Serialize};

use super::policy::Policy;
use crate::kinds::EntityKind;
use crate::ports::{
    AgreementFields, CompanyFields, ContactFields, DirectoryFields, EquipmentFields, ModelFields,
    ObjectFields, Parent, Record,
};

/// Why a record was not sent: the field, the value and the reason, in Russian.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Preflight {
    /// The field at fault.
    pub(crate) field: String,
    /// The value as 1C holds it.
    pub(crate) value: Option<String>,
    /// What is wrong.
    pub(crate) reason: String,
}

impl Preflight {
    fn new(field: &str, value: Option<&str>, reason: impl Into<String>) -> Self {
        Preflight {
            field: field.to_owned(),
            value: value.map(str::to_owned),
            reason: reason.into(),
        }
    }
}

fn clean(text: &Option<String>) -> Option<String> {
    text.as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// The first e-mail of a list, normalised; an unusable first address fails the record, because
/// Okdesk would reject it with 422 (the ЭСТИ manual's (`docs/seeds/001-esti-exchange-manual.txt`) most frequent failure).
fn first_email(emails: &[String]) -> Result<Option<String>, Preflight> {
    let Some(first) = emails.iter().find(|e| !e.trim().is_empty()) else {
        return Ok(None);
    };
    email::normalize(first)
        .map(|n| Some(n.address))
        .map_err(|e| Preflight::new("email", Some(first), e.to_string()))
}

/// Warnings about addresses of the e-mail field that are not sent: Okdesk takes one address, so
/// the others of a list are named rather than dropped silently.
pub(crate) fn email_warnings(emails: &[String]) -> Vec<String> {
    let Some(first) = emails.iter().find(|e| !e.trim().is_empty()) else {
        return Vec::new();
    };
    match email::normalize(first) {
        Ok(n) if !n.ignored.is_empty() => vec![format!(
            "поле email «{first}»: выгружен адрес {}, не выгружены: {}",
            n.address,
            n.ignored.join(", ")
        )],
        _ => Vec::new(),
    }
}

/// The normalised match key of a contact's e-mail, if it has a valid one.
pub(crate) fn email_key(emails: &[String]) -> Option<String> {
    let first = emails.iter().find(|e| !e.trim().is_empty())?;
    email::normalize(first).ok().map(|n| n.match_key())
}

fn first_phone(phones: &[String]) -> Option<String> {
    phones
        .iter()
        .map(|p| phone::normalize(p))
        .find(|p| !p.is_empty())
}

/// The validated INN and KPP of a counterparty.
pub(crate) fn inn_kpp(cp: &Counterparty) -> Result<(Option<String>, Option<String>), Preflight> {
    let inn = match clean(&cp.inn) {
        None => None,
        Some(text) => Some(
            Inn::parse(&text)
                .map_err(|e| Preflight::new("inn", Some(&text), e.to_string()))?
                .as_str()
                .to_owned(),
        ),
    };
    let kpp = match clean(&cp.kpp) {
        None => None,
        Some(text) => Some(
            Kpp::parse(&text)
                .map_err(|e| Preflight::new("kpp", Some(&text), e.to_string()))?
                .as_str()
                .to_owned(),
        ),
    };
    Ok((inn, kpp))
}

fn required(field: &str, text: &str) -> Result<String, Preflight> {
    let t = text.trim();
    if t.is_empty() {
        Err(Preflight::new(
            field,
            None,
            "обязательное поле не заполнено",
        ))
    } else {
        Ok(t.to_owned())
    }
}

/// A directory code: the 1C code when the catalog has one, else the ref (Okdesk requires a code).
fn directory_code(code: &Option<String>, r: Ref) -> String {
    clean(code).unwrap_or_else(|| r.to_string())
}

pub(crate) fn kind_record(k: &EquipmentKind) -> Result<Record, Preflight> {
    Ok(Record::EquipmentKind(DirectoryFields {
        code: directory_code(&k.code, k.r#ref),
        name: required("name", &k.name)?,
    }))
}

pub(crate) fn manufacturer_record(m: &Manufacturer) -> Result<Record, Preflight> {
    Ok(Record::Manufacturer(DirectoryFields {
        code: directory_code(&m.code, m.r#ref),
        name: required("name", &m.name)?,
    }))
}

pub(crate) fn model_record(m: &EquipmentModel) -> Result<Record, Preflight> {
    let kind = m
        .kind
        .ok_or_else(|| Preflight::new("kind", None, "не указан тип оборудования модели"))?;
    let manufacturer = m
        .manufacturer
        .ok_or_else(|| Preflight::new("manufacturer", None, "не указан производитель модели"))?;
    Ok(Record::Model(ModelFields {
        code: directory_code(&m.code, m.r#ref),
        name: required("name", &m.name)?,
        kind: Parent::new(EntityKind::EquipmentKinds, kind),
        manufacturer: Parent::new(EntityKind::Manufacturers, manufacturer),
    }))
}

pub(crate) fn company_record(cp: &Counterparty, policy: &Policy) -> Result<Record, Preflight> {
    let name = required("name", &cp.name)?;
    let (inn, kpp) = inn_kpp(cp)?;
    let email = first_email(&cp.emails)?;
    let mut parameters = BTreeMap::new();
    if policy.write_inn_parameters {
        if let (Some(code), Some(v)) = (&policy.inn_parameter, &inn) {
            parameters.insert(code.clone(), v.clone());
        }
        if let (Some(code), Some(v)) = (&policy.kpp_parameter, &kpp) {
            parameters.insert(code.clone(), v.clone());
        }
    }
    let additional_name = if policy.inn_in_additional_name {
        inn.as_ref().map(|i| match &kpp {
            Some(k) => format!("ИНН {i} КПП {k}"),
            None => format!("ИНН {i}"),
        })
    } else {
        None
    };
    let address = [
        AddressKind::Legal,
        AddressKind::Actual,
        AddressKind::Postal,
        AddressKind::Other,
    ]
    .iter()
    .find_map(|kind| {
        cp.addresses
            .iter()
            .find(|a| a.kind == *kind && !a.text.trim().is_empty())
    })
    .map(|a| a.text.trim().to_owned());
    Ok(Record::Company(CompanyFields {
        name,
        additional_name,
        inn,
        kpp,
        phone: first_phone(&cp.phones),
        email,
        address,
        comment: clean(&cp.comment),
        parameters,
        crm_1c_id: cp.r#ref.to_string(),
    }))
}

/// Splits «Фамилия Имя Отчество» when 1C has only the presentation.
fn split_name(c: &ContactPerson) -> (Option<String>, Option<String>, Option<String>) {
    let (last, first, patronymic) = (
        clean(&c.last_name),
        clean(&c.first_name),
        clean(&c.patronymic),
    );
    if last.is_some() || first.is_some() {
        return (last, first, patronymic);
    }
    let words: Vec<&str> = c.name.split_whitespace().collect();
    match words.as_slice() {
        [] => (None, None, None),
        [one] => (Some((*one).to_owned()), None, None),
        [l, f] => (Some((*l).to_owned()), Some((*f).to_owned()), None),
        [l, f, rest @ ..] => (
            Some((*l).to_owned()),
            Some((*f).to_owned()),
            Some(rest.join(" ")),
        ),
    }
}

pub(crate) fn contact_record(c: &ContactPerson, company: Option<Ref>) -> Result<Record, Preflight> {
    let (last, first, patronymic) = split_name(c);
    let last_name =
        last.ok_or_else(|| Preflight::new("last_name", Some(&c.name), "не заполнена фамилия"))?;
    let first_name =
        first.ok_or_else(|| Preflight::new("first_name", Some(&c.name), "не заполнено имя"))?;
    let email = first_email(&c.emails)?;
    Ok(Record::Contact(ContactFields {
        first_name,
        last_name,
        patronymic,
        position: clean(&c.position),
        email,
        phone: first_phone(&c.phones),
        comment: clean(&c.comment),
        company: company.map(|r| Parent::new(EntityKind::Companies, r)),
        crm_1c_id: c.r#ref.to_string(),
    }))
}

pub(crate) fn agreement_record(c: &Contract, company: Ref) -> Result<Record, Preflight> {
    let title = match (clean(&Some(c.title.clone())), clean(&c.number)) {
        (Some(t), _) => t,
        (None, Some(n)) => format!("Договор № {n}"),
        (None, None) => {
            return Err(Preflight::new(
                "title",
                None,
                "не заполнены ни наименование, ни номер договора",
            ))
        }
    };
    Ok(Record::Agreement(AgreementFields {
        title,
        start_date: c.start.or(c.date),
        end_date: c.end,
        company: Parent::new(EntityKind::Companies, company),
    }))
}

pub(crate) fn object_record(o: &ServiceObject, company: Ref) -> Result<Record, Preflight> {
    Ok(Record::Object(ObjectFields {
        name: required("name", &o.name)?,
        address: clean(&o.address),
        comment: clean(&o.comment),
        company: Parent::new(EntityKind::Companies, company),
    }))
}

/// Equipment needs the codes of its kind, manufacturer and model, which the caller looks up.
pub(crate) fn equipment_record(
    e: &Equipment,
    code_of: impl Fn(EntityKind, Ref) -> Option<String>,
    company: Option<Ref>,
) -> Result<Record, Preflight> {
    let kind = e.kind.ok_or_else(|| {
        Preflight::new(
            "kind",
            None,
            "не указан тип оборудования (обязателен в Okdesk)",
        )
    })?;
    let kind_code = code_of(EntityKind::EquipmentKinds, kind).ok_or_else(|| {
        Preflight::new(
            "kind",
            Some(&kind.to_string()),
            "тип оборудования не найден в данных 1С",
        )
    })?;
    let name = clean(&Some(e.name.clone()));
    let comment = match (name, clean(&e.comment)) {
        (Some(n), Some(c)) => Some(format!("{n}. {c}")),
        (n, c) => n.or(c),
    };
    let manufacturer_code = e
        .manufacturer
        .and_then(|m| code_of(EntityKind::Manufacturers, m));
    let model_code = e.model.and_then(|m| code_of(EntityKind::Models, m));
    Ok(Record::Equipment(EquipmentFields {
        serial_number: clean(&e.serial_number),
        inventory_number: clean(&e.inventory_number),
        comment,
        kind_code,
        kind: Parent::new(EntityKind::EquipmentKinds, kind),
        manufacturer: manufacturer_code
            .as_ref()
            .and(e.manufacturer)
            .map(|m| Parent::new(EntityKind::Manufacturers, m)),
        manufacturer_code,
        model: model_code
            .as_ref()
            .and(e.model)
            .map(|m| Parent::new(EntityKind::Models, m)),
        model_code,
        company: company.map(|r| Parent::new(EntityKind::Companies, r)),
        object: e.object.map(|o| Parent::new(EntityKind::Objects, o)),
    }))
}
