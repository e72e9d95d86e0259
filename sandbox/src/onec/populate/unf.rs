//! УНФ 3.0: counterparties with codes, contacts («Контакты») without an owner linked through
//! `InformationRegister_СвязиКонтрагентКонтакт` (which holds the job title), contracts owned by a
//! composite `Owner`, employees («Сотрудники») next to users, and no equipment catalogs.

use chrono::NaiveDate;
use onec_model::{AddressKind, ContactState, LegalForm, Snapshot, VatRate};

use super::{
    add_contact_kinds, add_organizations, add_rouble, add_units, add_vat_rates, day, guid, kind,
    object, opt_day, opt_guid, opt_text, retain_published, text, unit_ref, ContactRows, Cx,
};
use crate::onec::value::Val;

const KINDS: &[(&str, &str, &str)] = &[
    ("EmailКонтрагента", "Email", "АдресЭлектроннойПочты"),
    ("ТелефонКонтрагента", "Телефон", "Телефон"),
    ("ЮрАдресКонтрагента", "Юридический адрес", "Адрес"),
    ("ФактАдресКонтрагента", "Фактический адрес", "Адрес"),
    ("EmailКонтактногоЛица", "Email", "АдресЭлектроннойПочты"),
    ("ТелефонКонтактногоЛица", "Телефон", "Телефон"),
    ("EmailПользователя", "Email", "АдресЭлектроннойПочты"),
    ("EmailФизическиеЛица", "Email", "АдресЭлектроннойПочты"),
    ("ЮрАдресОрганизации", "Юридический адрес", "Адрес"),
    ("ТелефонОрганизации", "Телефон", "Телефон"),
];

/// The kind of VAT rate (enum `ВидыСтавокНДС`, whose values the fixture does not list: these
/// names are the simulator's belief).
fn vat_kind(rate: Option<VatRate>) -> &'static str {
    match rate {
        Some(VatRate::Without) => "БезНДС",
        Some(VatRate::Zero) => "Нулевая",
        Some(VatRate::Five | VatRate::Seven | VatRate::Ten) => "Пониженная",
        _ => "Общая",
    }
}

fn search_email(emails: &[String]) -> Val {
    text(&emails.first().map(|e| e.to_lowercase()).unwrap_or_default())
}

pub(super) fn populate(cx: &mut Cx<'_>, snap: &Snapshot) {
    add_contact_kinds(cx, KINDS);
    let rouble = add_rouble(cx);
    // `ВидСтавкиНДС` is an enum whose values the fixture does not list; the names are the
    // simulator's belief. УНФ marks calculated rates with `Расчетная`.
    add_vat_rates(cx, |rate, _, calculated, obj| {
        let kind = if calculated {
            "Расчетная"
        } else {
            vat_kind(rate)
        };
        obj.set("ВидСтавкиНДС", text(kind))
            .set("Расчетная", Val::Bool(calculated))
            .set("НеОблагается", Val::Bool(rate == Some(VatRate::Without)));
    });
    add_units(cx, "Catalog_КлассификаторЕдиницИзмерения", &snap.items);
    add_organizations(
        cx,
        &snap.organizations,
        "Catalog_Банки",
        "Catalog_БанковскиеСчета",
        "ЮридическоеФизическоеЛицо",
    );
    let org = opt_guid(snap.organizations.first().map(|o| o.r#ref));
    let created = day(NaiveDate::from_ymd_opt(2021, 3, 15).expect("a valid date"));

    // Employees are the catalog documents refer to. УНФ 3.0.8 employees have no
    // contact-information table: e-mails live on the person («Физическое лицо») the employee
    // points at (conformance/onec/DUMPS.md, unf-dump «Layout names absent»).
    for (u, emp) in snap.employees.iter().enumerate() {
        let person = cx.derived("person", &u.to_string());
        let mut p = object(person, &emp.name, false);
        let mut rows = ContactRows::new();
        for mail in &emp.emails {
            rows.email(kind(cx, "EmailФизическиеЛица"), mail);
        }
        p.tables
            .insert("КонтактнаяИнформация".into(), rows.finish());
        retain_published(cx, "Catalog_ФизическиеЛица", &mut p);
        cx.put("Catalog_ФизическиеЛица", p);
        let mut e = object(emp.r#ref.uuid(), &emp.name, false);
        e.set("ВАрхиве", Val::Bool(!emp.active))
            .set("ФизическоеЛицо_Key", Val::Guid(person));
        cx.put("Catalog_Сотрудники", e);
    }
    let responsible = |i: usize| {
        opt_guid(
            snap.employees
                .get(i % snap.employees.len().max(1))
                .map(|e| e.r#ref),
        )
    };

    // The first contact of each client, found once rather than per client.
    let mut first_contacts = std::collections::HashMap::new();
    for c in &snap.contacts {
        if let Some(owner) = c.owner {
            first_contacts.entry(owner).or_insert(c.r#ref);
        }
    }
    for (i, cp) in snap.counterparties.iter().enumerate() {
        let legal = match cp.legal_form {
            Some(LegalForm::Legal) | None => "ЮридическоеЛицо",
            _ => "ФизическоеЛицо",
        };
        let first_contact = first_contacts.get(&cp.r#ref).copied();
        let mut obj = object(cp.r#ref.uuid(), &cp.name, cp.deletion_mark);
        obj.set("НаименованиеПолное", opt_text(cp.full_name.as_deref()))
            .set("ИНН", opt_text(cp.inn.as_deref()))
            .set("КПП", opt_text(cp.kpp.as_deref()))
            .set("ЮридическоеФизическоеЛицо", text(legal))
            .set("Покупатель", Val::Bool(true))
            .set("КонтактноеЛицо_Key", opt_guid(first_contact))
            .set("ГоловнойКонтрагент_Key", opt_guid(cp.head))
            .set("Ответственный_Key", responsible(i))
            .set("ДатаСоздания", created.clone())
            .set("Комментарий", opt_text(cp.comment.as_deref()))
            .set("АдресЭПДляПоиска", search_email(&cp.emails))
            .set(
                "НомерТелефонаДляПоиска",
                text(
                    &cp.phones
                        .first()
                        .map(|p| p.chars().filter(char::is_ascii_digit).collect::<String>())
                        .unwrap_or_default(),
                ),
            );
        let mut rows = ContactRows::new();
        for e in &cp.emails {
            rows.email(kind(cx, "EmailКонтрагента"), e);
        }
        for ph in &cp.phones {
            rows.phone(kind(cx, "ТелефонКонтрагента"), ph);
        }
        for a in &cp.addresses {
            let k = match a.kind {
                AddressKind::Legal => "ЮрАдресКонтрагента",
                _ => "ФактАдресКонтрагента",
            };
            rows.address(kind(cx, k), &a.text);
        }
        obj.tables
            .insert("КонтактнаяИнформация".into(), rows.finish());
        cx.put("Catalog_Контрагенты", obj);
    }

    for (k, contact) in snap.contacts.iter().enumerate() {
        let dismissed = contact.state == Some(ContactState::Dismissed);
        let mut obj = object(contact.r#ref.uuid(), &contact.name, contact.deletion_mark);
        obj.set("Недействителен", Val::Bool(dismissed))
            .set("ДатаСоздания", created.clone())
            .set("Комментарий", opt_text(contact.comment.as_deref()))
            .set("АдресЭПДляПоиска", search_email(&contact.emails));
        let mut rows = ContactRows::new();
        for e in &contact.emails {
            rows.email(kind(cx, "EmailКонтактногоЛица"), e);
        }
        for ph in &contact.phones {
            rows.phone(kind(cx, "ТелефонКонтактногоЛица"), ph);
        }
        obj.tables
            .insert("КонтактнаяИнформация".into(), rows.finish());
        retain_published(cx, "Catalog_КонтактныеЛица", &mut obj);
        cx.put("Catalog_КонтактныеЛица", obj);
        if let Some(owner) = contact.owner {
            cx.record(
                "InformationRegister_СвязиКонтрагентКонтакт",
                vec![
                    ("Period", created.clone()),
                    ("Контрагент_Key", guid(owner)),
                    ("Контакт_Key", guid(contact.r#ref)),
                    ("Должность", opt_text(contact.position.as_deref())),
                    ("СвязьНедействительна", Val::Bool(dismissed)),
                    ("Порядок", Val::Int((k % 3) as i64 + 1)),
                ],
            );
        }
    }

    for contract in &snap.contracts {
        let mut obj = object(
            contract.r#ref.uuid(),
            &contract.title,
            contract.deletion_mark,
        );
        obj.set(
            "Owner",
            text(&contract.owner.map(|o| o.to_string()).unwrap_or_default()),
        )
        .set(
            "Owner_Type",
            text(if contract.owner.is_some() {
                "StandardODATA.Catalog_Контрагенты"
            } else {
                crate::onec::value::UNDEFINED
            }),
        )
        .set("НомерДоговора", opt_text(contract.number.as_deref()))
        .set("ДатаДоговора", opt_day(contract.date))
        .set("СрокДействия", opt_day(contract.end))
        .set("ВидДоговора", text("СПокупателем"))
        .set("Организация_Key", org.clone())
        .set("ВалютаРасчетов_Key", Val::Guid(rouble))
        .set(
            "Недействителен",
            Val::Bool(contract.status.as_deref() == Some("Закрыт")),
        )
        .set("ДоговорПодписан", Val::Bool(true))
        .set("ЭтоДоговорОбслуживания", Val::Bool(true))
        .set("ДоговорОбслуживанияДатаНачала", opt_day(contract.start))
        .set("ДоговорОбслуживанияДатаОкончания", opt_day(contract.end))
        .set("Комментарий", opt_text(contract.comment.as_deref()));
        cx.put("Catalog_ДоговорыКонтрагентов", obj);
    }

    for item in &snap.items {
        let mut obj = object(item.r#ref.uuid(), &item.name, item.deletion_mark);
        let kind = match (item.is_service, item.unit.as_deref()) {
            (true, Some("час")) => "Работа",
            (true, _) => "Услуга",
            (false, _) => "Запас",
        };
        obj.set("Артикул", opt_text(item.article.as_deref()))
            .set(
                "НаименованиеПолное",
                opt_text(item.full_name.as_deref().or(Some(&item.name))),
            )
            .set("ТипНоменклатуры", text(kind))
            .set("ЕдиницаИзмерения_Key", unit_ref(cx, item.unit.as_deref()))
            // УНФ 3.0.8 items carry the kind of rate (`ВидСтавкиНДС`), not a rate reference
            // (the reference is `УдалитьСтавкаНДС_Key`, obsolete): unf-dump/metadata.xml.
            .set("ВидСтавкиНДС", text(vat_kind(item.vat_rate)))
            .set("ДатаИзменения", created.clone());
        if let Some(code) = &item.code {
            obj.set("Code", text(code));
        }
        cx.put("Catalog_Номенклатура", obj);
    }
}
