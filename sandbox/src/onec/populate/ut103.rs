//! УТ 10.3: counterparties with `АдресЭП`, contacts as `КонтактныеЛицаКонтрагентов` pointing at
//! `КонтактныеЛица` persons, contact information as records of
//! `InformationRegister_КонтактнаяИнформация` keyed by the owning object (composite `Объект`), VAT as
//! an enum on items, users with individuals, no equipment.

use onec_model::{AddressKind, LegalForm, Ref, Snapshot};

use super::{
    add_contact_kinds, add_organizations, add_rouble, add_units, object, opt_day, opt_guid,
    opt_text, text, unit_ref, Cx,
};
use crate::onec::value::Val;

const KINDS: &[(&str, &str, &str)] = &[
    (
        "АдресЭлектроннойПочтыКонтрагента",
        "Адрес электронной почты",
        "АдресЭлектроннойПочты",
    ),
    ("ТелефонКонтрагента", "Телефон", "Телефон"),
    ("ЮрАдресКонтрагента", "Юридический адрес", "Адрес"),
    ("ФактАдресКонтрагента", "Фактический адрес", "Адрес"),
    (
        "АдресЭлектроннойПочтыКонтактногоЛицаКонтрагента",
        "Адрес электронной почты",
        "АдресЭлектроннойПочты",
    ),
    ("ТелефонКонтактногоЛицаКонтрагента", "Телефон", "Телефон"),
    (
        "СлужебныйАдресЭлектроннойПочтыПользователя",
        "Служебный адрес электронной почты",
        "АдресЭлектроннойПочты",
    ),
    ("ЮрАдресОрганизации", "Юридический адрес", "Адрес"),
    ("ТелефонОрганизации", "Телефон", "Телефон"),
];

const KIND_TYPE: &str = "StandardODATA.Catalog_ВидыКонтактнойИнформации";

/// One record of the contact-information register. A second address of the same predefined kind
/// goes under a string kind, because the kind is part of the record key.
fn contact_record(
    cx: &mut Cx<'_>,
    owner: Ref,
    owner_type: &str,
    ty: &str,
    kind: Result<&str, &str>,
    presentation: &str,
) {
    let (kind_value, kind_type) = match kind {
        Ok(predefined) => (
            Val::Str(cx.derived("kind", predefined).to_string()),
            KIND_TYPE,
        ),
        Err(free_text) => (text(free_text), "Edm.String"),
    };
    let mut props = vec![
        ("Объект", text(&owner.to_string())),
        ("Объект_Type", text(&format!("StandardODATA.{owner_type}"))),
        ("Тип", text(ty)),
        ("Вид", kind_value),
        ("Вид_Type", text(kind_type)),
        ("Представление", text(presentation)),
        ("ЗначениеПоУмолчанию", Val::Bool(true)),
    ];
    if ty == "АдресЭлектроннойПочты" {
        props.push(("Поле1", text(presentation)));
    }
    cx.record("InformationRegister_КонтактнаяИнформация", props);
}

fn emails(cx: &mut Cx<'_>, owner: Ref, owner_type: &str, kind: &str, list: &[String]) {
    for (n, e) in list.iter().enumerate() {
        let k = if n == 0 {
            Ok(kind)
        } else {
            Err("Дополнительный e-mail")
        };
        contact_record(cx, owner, owner_type, "АдресЭлектроннойПочты", k, e);
    }
}

pub(super) fn populate(cx: &mut Cx<'_>, snap: &Snapshot) {
    add_contact_kinds(cx, KINDS);
    let rouble = add_rouble(cx);
    add_units(cx, "Catalog_КлассификаторЕдиницИзмерения", &snap.items);
    add_organizations(
        cx,
        &snap.organizations,
        "Catalog_Банки",
        "Catalog_БанковскиеСчета",
        "ЮрФизЛицо",
    );
    let org = opt_guid(snap.organizations.first().map(|o| o.r#ref));

    for (u, emp) in snap.employees.iter().enumerate() {
        let person = cx.derived("individual", &u.to_string());
        cx.put("Catalog_ФизическиеЛица", object(person, &emp.name, false));
        let mut user = object(emp.r#ref.uuid(), &emp.name, false);
        user.set("ФизЛицо_Key", Val::Guid(person));
        cx.put("Catalog_Пользователи", user);
        emails(
            cx,
            emp.r#ref,
            "Catalog_Пользователи",
            "СлужебныйАдресЭлектроннойПочтыПользователя",
            &emp.emails,
        );
    }

    // The first contact and contract of each client, found once rather than per client.
    let mut first_contacts = std::collections::HashMap::new();
    for c in &snap.contacts {
        if let Some(owner) = c.owner {
            first_contacts.entry(owner).or_insert(c.r#ref);
        }
    }
    let mut first_contracts = std::collections::HashMap::new();
    for c in &snap.contracts {
        if let Some(owner) = c.owner {
            first_contracts.entry(owner).or_insert(c.r#ref);
        }
    }
    for (i, cp) in snap.counterparties.iter().enumerate() {
        let form = match cp.legal_form {
            Some(LegalForm::Legal) | None => "ЮрЛицо",
            _ => "ФизЛицо",
        };
        let first_contact = first_contacts.get(&cp.r#ref).copied();
        let contract = first_contracts.get(&cp.r#ref).copied();
        let manager = snap
            .employees
            .get(i % snap.employees.len().max(1))
            .map(|e| e.r#ref);
        let mut obj = object(cp.r#ref.uuid(), &cp.name, cp.deletion_mark);
        obj.set("НаименованиеПолное", opt_text(cp.full_name.as_deref()))
            .set("ИНН", opt_text(cp.inn.as_deref()))
            .set("КПП", opt_text(cp.kpp.as_deref()))
            .set("ЮрФизЛицо", text(form))
            .set("ГоловнойКонтрагент_Key", opt_guid(cp.head))
            .set("ОсновнойДоговорКонтрагента_Key", opt_guid(contract))
            .set("ОсновноеКонтактноеЛицо_Key", opt_guid(first_contact))
            .set("ОсновнойМенеджерПокупателя_Key", opt_guid(manager))
            .set("Покупатель", Val::Bool(true))
            .set("АдресЭП", opt_text(cp.emails.first().map(String::as_str)))
            .set("Комментарий", opt_text(cp.comment.as_deref()));
        cx.put("Catalog_Контрагенты", obj);
        emails(
            cx,
            cp.r#ref,
            "Catalog_Контрагенты",
            "АдресЭлектроннойПочтыКонтрагента",
            &cp.emails,
        );
        for (n, ph) in cp.phones.iter().enumerate() {
            let k = if n == 0 {
                Ok("ТелефонКонтрагента")
            } else {
                Err("Дополнительный телефон")
            };
            contact_record(cx, cp.r#ref, "Catalog_Контрагенты", "Телефон", k, ph);
        }
        let mut legal_done = false;
        let mut actual_done = false;
        for a in &cp.addresses {
            let k = match a.kind {
                AddressKind::Legal if !legal_done => {
                    legal_done = true;
                    Ok("ЮрАдресКонтрагента")
                }
                AddressKind::Actual if !actual_done => {
                    actual_done = true;
                    Ok("ФактАдресКонтрагента")
                }
                _ => Err("Другой адрес"),
            };
            contact_record(cx, cp.r#ref, "Catalog_Контрагенты", "Адрес", k, &a.text);
        }
    }

    for contact in &snap.contacts {
        let person = cx.derived("person", &contact.r#ref.to_string());
        let mut p = object(person, &contact.name, false);
        p.set("Фамилия", opt_text(contact.last_name.as_deref()))
            .set("Имя", opt_text(contact.first_name.as_deref()))
            .set("Отчество", opt_text(contact.patronymic.as_deref()));
        cx.put("Catalog_КонтактныеЛица", p);
        let mut obj = object(contact.r#ref.uuid(), &contact.name, contact.deletion_mark);
        obj.set("Owner_Key", opt_guid(contact.owner))
            .set("Должность", opt_text(contact.position.as_deref()))
            .set("КонтактноеЛицо_Key", Val::Guid(person))
            .set("Комментарий", opt_text(contact.comment.as_deref()));
        cx.put("Catalog_КонтактныеЛицаКонтрагентов", obj);
        emails(
            cx,
            contact.r#ref,
            "Catalog_КонтактныеЛицаКонтрагентов",
            "АдресЭлектроннойПочтыКонтактногоЛицаКонтрагента",
            &contact.emails,
        );
        for ph in contact.phones.iter().take(1) {
            contact_record(
                cx,
                contact.r#ref,
                "Catalog_КонтактныеЛицаКонтрагентов",
                "Телефон",
                Ok("ТелефонКонтактногоЛицаКонтрагента"),
                ph,
            );
        }
    }

    for contract in &snap.contracts {
        let mut obj = object(
            contract.r#ref.uuid(),
            &contract.title,
            contract.deletion_mark,
        );
        obj.set("Owner_Key", opt_guid(contract.owner))
            .set("Номер", opt_text(contract.number.as_deref()))
            .set("Дата", opt_day(contract.date))
            .set("СрокДействия", opt_day(contract.end))
            .set("ВидДоговора", text("СПокупателем"))
            .set("Организация_Key", org.clone())
            .set("ВалютаВзаиморасчетов_Key", Val::Guid(rouble))
            .set("ВедениеВзаиморасчетов", text("ПоДоговоруВЦелом"))
            .set("Комментарий", opt_text(contract.comment.as_deref()));
        cx.put("Catalog_ДоговорыКонтрагентов", obj);
    }

    for item in &snap.items {
        let mut obj = object(item.r#ref.uuid(), &item.name, item.deletion_mark);
        obj.set("Артикул", opt_text(item.article.as_deref()))
            .set(
                "НаименованиеПолное",
                opt_text(item.full_name.as_deref().or(Some(&item.name))),
            )
            .set("Услуга", Val::Bool(item.is_service))
            .set(
                "СтавкаНДС",
                text(item.vat_rate.map_or("", onec_model::VatRate::onec_name)),
            )
            .set(
                "БазоваяЕдиницаИзмерения_Key",
                unit_ref(cx, item.unit.as_deref()),
            );
        if let Some(code) = &item.code {
            obj.set("Code", text(code));
        }
        cx.put("Catalog_Номенклатура", obj);
    }
}
