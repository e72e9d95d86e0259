//! The УТ 11 lineage (УТ 11.5, КА 2.5 and ЭСТИ): every client is a partner («Партнер») with a
//! legal counterparty («Контрагент»); contacts belong to partners; contracts name both. ЭСТИ adds the
//! «Выгружать в ОкДеск» flags, the contact state, its equipment catalogs and the exchange plan
//! with an Okdesk node filled initially with everything its content covers.

use std::collections::HashMap;

use chrono::NaiveDate;
use onec_model::{ContactState, LegalForm, Ref, Snapshot};
use uuid::Uuid;

use super::{
    add_contact_kinds, add_organizations, add_rouble, add_units, add_vat_rates, day, guid, kind,
    object, opt_day, opt_guid, opt_text, retain_published, text, unit_ref, vat_ref, ContactRows,
    Cx,
};
use crate::onec::store::Obj;
use crate::onec::value::Val;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Flavour {
    Ut11,
    Ka,
    Esti,
}

const KINDS: &[(&str, &str, &str)] = &[
    ("EmailКонтрагента", "Email", "АдресЭлектроннойПочты"),
    ("ТелефонКонтрагента", "Телефон", "Телефон"),
    ("ЮрАдресКонтрагента", "Юридический адрес", "Адрес"),
    ("ФактАдресКонтрагента", "Фактический адрес", "Адрес"),
    ("EmailПартнера", "Email", "АдресЭлектроннойПочты"),
    ("ТелефонПартнера", "Телефон", "Телефон"),
    ("АдресПартнера", "Адрес", "Адрес"),
    ("EmailКонтактногоЛица", "Email", "АдресЭлектроннойПочты"),
    (
        "МобильныйТелефонКонтактногоЛица",
        "Мобильный телефон",
        "Телефон",
    ),
    ("EmailПользователя", "Email", "АдресЭлектроннойПочты"),
    ("EMailФизическиеЛица", "Email", "АдресЭлектроннойПочты"),
    ("ЮрАдресОрганизации", "Юридический адрес", "Адрес"),
    ("ТелефонОрганизации", "Телефон", "Телефон"),
];

/// The sets ЭСТИ's exchange plan registers changes of.
const ESTI_CONTENT: &[&str] = &[
    "Catalog_Партнеры",
    "Catalog_Контрагенты",
    "Catalog_КонтактныеЛицаПартнеров",
    "Catalog_ДоговорыКонтрагентов",
    "Catalog_Пользователи",
    "Catalog_ОбъектыКлиентов",
    "Catalog_ОборудованиеКлиентов",
    "Catalog_МоделиОборудования",
    "Catalog_ТипыОборудования",
    "Catalog_ПроизводителиОборудования",
    "Catalog_ТипыДоговоров",
];

fn legal_form(form: Option<LegalForm>) -> (&'static str, &'static str, &'static str) {
    // (ЮрФизЛицо of Контрагенты, ЮридическоеФизическоеЛицо, ЮрФизЛицо of Партнеры)
    match form {
        Some(LegalForm::Legal) | None => ("ЮрЛицо", "ЮридическоеЛицо", "Компания"),
        Some(LegalForm::Entrepreneur) => (
            "ИндивидуальныйПредприниматель",
            "ФизическоеЛицо",
            "ЧастноеЛицо",
        ),
        Some(LegalForm::Individual) => ("ФизЛицо", "ФизическоеЛицо", "ЧастноеЛицо"),
    }
}

fn contract_kind(kind: Option<&str>) -> String {
    match kind {
        Some("С покупателем") | None => "СПокупателем".to_owned(),
        Some(other) => other.replace(' ', ""),
    }
}

pub(super) fn populate(cx: &mut Cx<'_>, snap: &Snapshot, flavour: Flavour) {
    let esti = flavour == Flavour::Esti;
    add_contact_kinds(cx, KINDS);
    let rouble = add_rouble(cx);
    add_vat_rates(cx, |_, name, calculated, obj| {
        obj.set("ПеречислениеСтавкаНДС", text(name))
            .set("РасчетнаяСтавка", Val::Bool(calculated));
    });
    add_priorities(cx);
    add_units(cx, "Catalog_УпаковкиЕдиницыИзмерения", &snap.items);
    add_organizations(
        cx,
        &snap.organizations,
        "Catalog_КлассификаторБанков",
        "Catalog_БанковскиеСчетаОрганизаций",
        "ЮрФизЛицо",
    );
    let org = opt_guid(snap.organizations.first().map(|o| o.r#ref));

    // Users.
    for (u, emp) in snap.employees.iter().enumerate() {
        let mut obj = object(emp.r#ref.uuid(), &emp.name, false);
        obj.set("Недействителен", Val::Bool(!emp.active))
            .set(
                "ИдентификаторПользователяИБ",
                Val::Guid(cx.derived("ib-user", &u.to_string())),
            )
            .set("ВыгружатьВОкДеск", Val::Bool(emp.active));
        let mut rows = ContactRows::new();
        for e in &emp.emails {
            rows.email(kind(cx, "EmailПользователя"), e);
        }
        obj.tables
            .insert("КонтактнаяИнформация".into(), rows.finish());
        retain_published(cx, "Catalog_Пользователи", &mut obj);
        cx.put("Catalog_Пользователи", obj);
        if flavour == Flavour::Ka {
            let mut e = object(cx.derived("employee", &u.to_string()), &emp.name, false);
            e.set("ГоловнаяОрганизация_Key", org.clone())
                .set("ВАрхиве", Val::Bool(!emp.active));
            cx.put("Catalog_Сотрудники", e);
        }
    }
    let manager = |i: usize| {
        opt_guid(
            snap.employees
                .get(i % snap.employees.len().max(1))
                .map(|e| e.r#ref),
        )
    };

    // Partners and counterparties.
    let mut partner_of: HashMap<Ref, Uuid> = HashMap::new();
    for (i, cp) in snap.counterparties.iter().enumerate() {
        let partner = cp
            .partner
            .map_or_else(|| cx.derived("partner", &cp.r#ref.to_string()), Ref::uuid);
        partner_of.insert(cp.r#ref, partner);
        let (yur_fiz, legal, company) = legal_form(cp.legal_form);
        let upload = cp.upload.unwrap_or(true);

        let mut p = object(partner, &cp.name, cp.deletion_mark);
        p.set("НаименованиеПолное", opt_text(cp.full_name.as_deref()))
            .set("Клиент", Val::Bool(true))
            .set("ЮрФизЛицо", text(company))
            .set("ОсновнойМенеджер_Key", manager(i))
            .set(
                "ДатаРегистрации",
                day(NaiveDate::from_ymd_opt(2020, 1, 1).expect("a valid date")),
            )
            .set("Комментарий", opt_text(cp.comment.as_deref()))
            .set("ВыгружатьВОкДеск", Val::Bool(upload));
        let mut rows = ContactRows::new();
        for e in &cp.emails {
            rows.email(kind(cx, "EmailПартнера"), e);
        }
        for ph in &cp.phones {
            rows.phone(kind(cx, "ТелефонПартнера"), ph);
        }
        p.tables
            .insert("КонтактнаяИнформация".into(), rows.finish());
        retain_published(cx, "Catalog_Партнеры", &mut p);
        cx.put("Catalog_Партнеры", p);

        let mut c = object(cp.r#ref.uuid(), &cp.name, cp.deletion_mark);
        c.set("НаименованиеПолное", opt_text(cp.full_name.as_deref()))
            .set("ИНН", opt_text(cp.inn.as_deref()))
            .set("КПП", opt_text(cp.kpp.as_deref()))
            .set("ЮрФизЛицо", text(yur_fiz))
            .set("ЮридическоеФизическоеЛицо", text(legal))
            .set("Партнер_Key", Val::Guid(partner))
            // The real capture shows a head counterparty pointing at itself when there is no other.
            .set("ГоловнойКонтрагент_Key", guid(cp.head.unwrap_or(cp.r#ref)))
            .set("ДополнительнаяИнформация", opt_text(cp.comment.as_deref()))
            .set("ВыгружатьВОкДеск", Val::Bool(upload));
        let mut rows = ContactRows::new();
        for a in &cp.addresses {
            let k = match a.kind {
                onec_model::AddressKind::Legal => "ЮрАдресКонтрагента",
                _ => "ФактАдресКонтрагента",
            };
            rows.address(kind(cx, k), &a.text);
        }
        for ph in &cp.phones {
            rows.phone(kind(cx, "ТелефонКонтрагента"), ph);
        }
        for e in &cp.emails {
            rows.email(kind(cx, "EmailКонтрагента"), e);
        }
        c.tables
            .insert("КонтактнаяИнформация".into(), rows.finish());
        if let Some(kpp) = &cp.kpp {
            let mut row = crate::onec::store::Row::new();
            row.insert("LineNumber".into(), Val::Int(1));
            row.insert(
                "Период".into(),
                day(NaiveDate::from_ymd_opt(2020, 1, 1).expect("a valid date")),
            );
            row.insert("КПП".into(), text(kpp));
            c.tables.insert("ИсторияКПП".into(), vec![row]);
        }
        retain_published(cx, "Catalog_Контрагенты", &mut c);
        cx.put("Catalog_Контрагенты", c);
    }
    let partner = |owner: Option<Ref>| {
        Val::Guid(
            owner
                .and_then(|o| partner_of.get(&o).copied())
                .unwrap_or(Uuid::nil()),
        )
    };

    // Contact persons of partners.
    let ended = day(NaiveDate::from_ymd_opt(2025, 6, 1).expect("a valid date"));
    for contact in &snap.contacts {
        let mut obj = object(contact.r#ref.uuid(), &contact.name, contact.deletion_mark);
        obj.set("Owner_Key", partner(contact.owner))
            .set("ДолжностьПоВизитке", opt_text(contact.position.as_deref()))
            .set("Комментарий", opt_text(contact.comment.as_deref()))
            .set(
                "ВыгружатьВОкДеск",
                Val::Bool(contact.upload.unwrap_or(true)),
            );
        let state = match &contact.state {
            Some(ContactState::Working) => "Работает",
            Some(ContactState::Dismissed) => "Уволен",
            Some(ContactState::Other(s)) => s.as_str(),
            None => "",
        };
        obj.set("Состояние", text(state));
        if contact.state == Some(ContactState::Dismissed) {
            obj.set("ДатаПрекращенияСвязи", ended.clone());
        }
        let mut rows = ContactRows::new();
        for e in &contact.emails {
            rows.email(kind(cx, "EmailКонтактногоЛица"), e);
        }
        for ph in &contact.phones {
            rows.phone(kind(cx, "МобильныйТелефонКонтактногоЛица"), ph);
        }
        obj.tables
            .insert("КонтактнаяИнформация".into(), rows.finish());
        retain_published(cx, "Catalog_КонтактныеЛицаПартнеров", &mut obj);
        cx.put("Catalog_КонтактныеЛицаПартнеров", obj);
    }

    // ЭСТИ's contract types.
    let contract_types = [
        "Абонентское обслуживание",
        "Разовые работы",
        "Гарантийное обслуживание",
    ];
    if esti {
        for t in contract_types {
            let obj = object(cx.derived("contract-type", t), t, false);
            cx.put("Catalog_ТипыДоговоров", obj);
        }
    }

    // Contracts.
    for (i, contract) in snap.contracts.iter().enumerate() {
        let mut obj = object(
            contract.r#ref.uuid(),
            &contract.title,
            contract.deletion_mark,
        );
        obj.set("Номер", opt_text(contract.number.as_deref()))
            .set("Дата", opt_day(contract.date))
            .set("ДатаНачалаДействия", opt_day(contract.start))
            .set("ДатаОкончанияДействия", opt_day(contract.end))
            .set("НаименованиеДляПечати", text(&contract.title))
            .set("Партнер_Key", partner(contract.owner))
            .set("Контрагент_Key", opt_guid(contract.owner))
            .set("Организация_Key", org.clone())
            .set("Менеджер_Key", manager(i))
            .set("Статус", opt_text(contract.status.as_deref()))
            .set("Согласован", Val::Bool(true))
            .set(
                "ТипДоговора",
                text(&contract_kind(contract.kind.as_deref())),
            )
            .set("ХозяйственнаяОперация", text("РеализацияКлиенту"))
            .set("ВалютаВзаиморасчетов_Key", Val::Guid(rouble))
            .set("НалогообложениеНДС", text("ПродажаОблагаетсяНДС"))
            .set("Комментарий", opt_text(contract.comment.as_deref()))
            .set(
                "ВыгружатьВОкДеск",
                Val::Bool(contract.upload.unwrap_or(true)),
            );
        if esti {
            let t = contract_types[usize::from(i % 4 == 1)];
            obj.set(
                "ТипДоговораОкДеск_Key",
                Val::Guid(cx.derived("contract-type", t)),
            );
        }
        retain_published(cx, "Catalog_ДоговорыКонтрагентов", &mut obj);
        cx.put("Catalog_ДоговорыКонтрагентов", obj);
    }

    // Items.
    for item in &snap.items {
        let mut obj = object(item.r#ref.uuid(), &item.name, item.deletion_mark);
        let kind = match (item.is_service, item.unit.as_deref()) {
            (true, Some("час")) => "Работа",
            (true, _) => "Услуга",
            (false, _) => "Товар",
        };
        obj.set("Артикул", opt_text(item.article.as_deref()))
            .set(
                "НаименованиеПолное",
                opt_text(item.full_name.as_deref().or(Some(&item.name))),
            )
            .set("ТипНоменклатуры", text(kind))
            // Services are sold with a certificate of work done, so order rows of them need
            // `Содержание` (ut11-dump/RULES.md, ЗаказКлиента rule 4). The enum's values are not
            // in the fixture; the value name is the configuration's as remembered.
            .set(
                "ВариантОформленияПродажи",
                text(if item.is_service {
                    "АктВыполненныхРабот"
                } else {
                    "РеализацияТоваровУслуг"
                }),
            )
            .set("ЕдиницаИзмерения_Key", unit_ref(cx, item.unit.as_deref()))
            .set(
                "СтавкаНДС_Key",
                Val::Guid(item.vat_rate.map_or(Uuid::nil(), |r| vat_ref(cx, r))),
            );
        if let Some(code) = &item.code {
            obj.set("Code", text(code));
        }
        cx.put("Catalog_Номенклатура", obj);
    }

    if esti {
        esti_catalogs(cx, snap, &partner_of);
        esti_exchange(cx);
    }
}

/// Order priorities as a new УТ 11 base has them (the ЗаказКлиента filling takes the middle one;
/// see `write::fill_new_order`).
fn add_priorities(cx: &mut Cx<'_>) {
    if cx.ib.schema.set(PRIORITIES).is_none() {
        return;
    }
    for (n, name) in ["Высокий", "Средний", "Низкий"].into_iter().enumerate() {
        let mut obj = object(cx.derived("priority", name), name, false);
        obj.set("РеквизитДопУпорядочивания", Val::Int(n as i64 + 1));
        cx.put(PRIORITIES, obj);
    }
}

/// The priorities catalog (not in the fixture; see `schema/ut11.txt`).
pub(crate) const PRIORITIES: &str = "Catalog_Приоритеты";

fn esti_catalogs(cx: &mut Cx<'_>, snap: &Snapshot, partner_of: &HashMap<Ref, Uuid>) {
    let partner = |owner: Option<Ref>| {
        Val::Guid(
            owner
                .and_then(|o| partner_of.get(&o).copied())
                .unwrap_or(Uuid::nil()),
        )
    };
    for k in &snap.equipment_kinds {
        let mut obj = object(k.r#ref.uuid(), &k.name, k.deletion_mark);
        obj.set("Code", opt_text(k.code.as_deref()));
        cx.put("Catalog_ТипыОборудования", obj);
    }
    for m in &snap.manufacturers {
        let mut obj = object(m.r#ref.uuid(), &m.name, m.deletion_mark);
        obj.set("Code", opt_text(m.code.as_deref()));
        cx.put("Catalog_ПроизводителиОборудования", obj);
    }
    for m in &snap.equipment_models {
        let mut obj = object(m.r#ref.uuid(), &m.name, m.deletion_mark);
        obj.set("Code", opt_text(m.code.as_deref()))
            .set("ТипОборудования_Key", opt_guid(m.kind))
            .set("Производитель_Key", opt_guid(m.manufacturer));
        cx.put("Catalog_МоделиОборудования", obj);
    }
    for o in &snap.service_objects {
        let mut obj = object(o.r#ref.uuid(), &o.name, o.deletion_mark);
        obj.set("Owner_Key", partner(o.owner))
            .set("Адрес", opt_text(o.address.as_deref()))
            .set("Комментарий", opt_text(o.comment.as_deref()))
            .set("ВыгружатьВОкДеск", Val::Bool(true));
        cx.put("Catalog_ОбъектыКлиентов", obj);
    }
    for e in &snap.equipment {
        let mut obj = object(e.r#ref.uuid(), &e.name, e.deletion_mark);
        obj.set("СерийныйНомер", opt_text(e.serial_number.as_deref()))
            .set("ИнвентарныйНомер", opt_text(e.inventory_number.as_deref()))
            .set("ТипОборудования_Key", opt_guid(e.kind))
            .set("Производитель_Key", opt_guid(e.manufacturer))
            .set("МодельОборудования_Key", opt_guid(e.model))
            .set("Партнер_Key", partner(e.owner))
            .set("ОбъектКлиента_Key", opt_guid(e.object))
            .set("Комментарий", opt_text(e.comment.as_deref()))
            .set("ВыгружатьВОкДеск", Val::Bool(true));
        cx.put("Catalog_ОборудованиеКлиентов", obj);
    }
}

/// The Okdesk exchange plan: the infobase's own node and the Okdesk node, with every object of
/// the plan's content registered for the Okdesk node («Начальное заполнение»).
fn esti_exchange(cx: &mut Cx<'_>) {
    let plan = "ExchangePlan_ОбменСОкДеск";
    cx.ib.exchange.plan = Some(plan.to_owned());
    cx.ib.exchange.content = ESTI_CONTENT.iter().map(|s| (*s).to_owned()).collect();
    let this = cx.derived("node", "ЦБ");
    let mut node = object(this, "Центральная база", false);
    node.set("Code", text("ЦБ"));
    cx.put(plan, node);
    cx.ib.exchange.this_node = Some(this);
    let okdesk = cx.derived("node", "OKDESK");
    let mut node: Obj = object(okdesk, "ОкДеск", false);
    node.set("Code", text("OKDESK"))
        .set("АдресСайта", text("https://demo.okdesk.ru"))
        .set("ИспользоватьОбмен", Val::Bool(true));
    cx.put(plan, node);
    cx.ib.add_node_with_initial_fill(okdesk);
}
