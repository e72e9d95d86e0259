//! `OkdeskApiPort` on its own against the Okdesk simulator: exact lookups where Okdesk searches
//! substrings, natural keys within a company, and how the simulator's answers (422 with Russian
//! messages, 401, 404) become port errors.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use okdesk_client::{ApiToken, OkdeskClient, RetryPolicy};
use onec_model::Ref;
use sandbox::okdesk::{OkdeskConfig, OkdeskSandbox};
use sync_engine::ports::{
    AgreementFields, CompanyFields, ContactFields, DirectoryFields, EquipmentFields, ErrorClass,
    Lookup, ModelFields, ObjectFields, Parent, Record,
};
use sync_engine::{EntityKind, OkdeskApiPort, OkdeskId, OkdeskPort};

fn port(okdesk: &OkdeskSandbox, token: &str) -> OkdeskApiPort {
    let client = OkdeskClient::builder(&okdesk.url(), ApiToken::new(token))
        .rate_limit(0, 1)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    OkdeskApiPort::new(client)
}

fn company(name: &str, crm: &str) -> Record {
    Record::Company(CompanyFields {
        name: name.into(),
        additional_name: Some("ИНН 7707083893".into()),
        inn: Some("7707083893".into()),
        kpp: None,
        phone: None,
        email: Some("info@example.ru".into()),
        address: None,
        comment: None,
        parameters: BTreeMap::from([("inn".to_owned(), "7707083893".to_owned())]),
        crm_1c_id: crm.into(),
    })
}

fn parent(kind: EntityKind, name: &str, id: OkdeskId) -> Parent {
    let mut p = Parent::new(kind, Ref::derived("port-test", name));
    p.id = Some(id);
    p
}

fn crm(kind: EntityKind, key: &str) -> Lookup {
    Lookup::Crm1cId {
        kind,
        crm_1c_id: key.into(),
    }
}

#[tokio::test]
async fn lookups_compare_keys_exactly() {
    let okdesk = OkdeskSandbox::start(OkdeskConfig::empty()).await.unwrap();
    let port = port(&okdesk, okdesk.token());
    let long = port.create(&company("Длинный", "abc-12")).await.unwrap();
    let short = port.create(&company("Короткий", "abc-1")).await.unwrap();
    // Okdesk's crm_1c_id search is a substring search: "abc-1" is found inside "abc-12" too.
    let c = EntityKind::Companies;
    assert_eq!(
        at_most_one(port.find(&crm(c, "abc-1")).await.unwrap()),
        Some(short)
    );
    assert_eq!(
        at_most_one(port.find(&crm(c, "abc-12")).await.unwrap()),
        Some(long)
    );
    assert_eq!(at_most_one(port.find(&crm(c, "abc")).await.unwrap()), None);
    let listed = port.list_companies().await.unwrap();
    let mine = listed.iter().find(|x| x.id == short).unwrap();
    assert_eq!(
        mine.parameters.get("inn").map(String::as_str),
        Some("7707083893")
    );
    assert_eq!(mine.crm_1c_id.as_deref(), Some("abc-1"));

    let contact = Record::Contact(ContactFields {
        first_name: "Иван".into(),
        last_name: "Иванов".into(),
        patronymic: None,
        position: None,
        email: Some("ivanov@example.ru".into()),
        phone: None,
        comment: None,
        company: Some(parent(EntityKind::Companies, "c", short)),
        crm_1c_id: "k-10".into(),
    });
    let id = port.create(&contact).await.unwrap();
    assert_eq!(
        at_most_one(port.find(&crm(EntityKind::Contacts, "k-10")).await.unwrap()),
        Some(id)
    );
    assert_eq!(
        at_most_one(port.find(&crm(EntityKind::Contacts, "k-1")).await.unwrap()),
        None
    );
    port.set_active(EntityKind::Contacts, id, false)
        .await
        .unwrap();
    let stored = okdesk
        .contacts()
        .into_iter()
        .find(|c| c["id"] == id.0)
        .unwrap();
    assert_eq!(stored["active"], false);
    assert_eq!(stored["company_id"], short.0);

    // Agreements and objects by name within their company; another company's namesake is not it.
    let agreement = |company: OkdeskId| {
        Record::Agreement(AgreementFields {
            title: "Договор № 1".into(),
            start_date: NaiveDate::from_ymd_opt(2024, 1, 1),
            end_date: None,
            company: parent(EntityKind::Companies, "c", company),
        })
    };
    let a = port.create(&agreement(long)).await.unwrap();
    let by_title = |company: OkdeskId, name: &str| Lookup::NameInCompany {
        kind: EntityKind::Agreements,
        name: name.into(),
        company_id: company,
    };
    assert_eq!(
        at_most_one(port.find(&by_title(long, "Договор № 1")).await.unwrap()),
        Some(a)
    );
    assert_eq!(
        at_most_one(port.find(&by_title(short, "Договор № 1")).await.unwrap()),
        None
    );
    assert_eq!(
        at_most_one(port.find(&by_title(long, "Договор № 10")).await.unwrap()),
        None
    );
    let object = Record::Object(ObjectFields {
        name: "Склад".into(),
        address: Some("г. Москва".into()),
        comment: None,
        company: parent(EntityKind::Companies, "c", short),
    });
    let o = port.create(&object).await.unwrap();
    let by_name = |company: OkdeskId| Lookup::NameInCompany {
        kind: EntityKind::Objects,
        name: "Склад".into(),
        company_id: company,
    };
    assert_eq!(
        at_most_one(port.find(&by_name(short)).await.unwrap()),
        Some(o)
    );
    assert_eq!(at_most_one(port.find(&by_name(long)).await.unwrap()), None);

    // Directories by code, equipment by serial number within its company.
    let dir = |name: &str, code: &str| DirectoryFields {
        code: code.into(),
        name: name.into(),
    };
    let kind = port
        .create(&Record::EquipmentKind(dir("ККТ", "kkt")))
        .await
        .unwrap();
    let maker = port
        .create(&Record::Manufacturer(dir("АТОЛ", "atol")))
        .await
        .unwrap();
    let model = Record::Model(ModelFields {
        code: "atol-30f".into(),
        name: "АТОЛ 30Ф".into(),
        kind: parent(EntityKind::EquipmentKinds, "kkt", kind),
        manufacturer: parent(EntityKind::Manufacturers, "atol", maker),
    });
    let model_id = port.create(&model).await.unwrap();
    let code = |kind, code: &str| Lookup::Code {
        kind,
        code: code.into(),
    };
    assert_eq!(
        at_most_one(
            port.find(&code(EntityKind::Models, "atol-30f"))
                .await
                .unwrap()
        ),
        Some(model_id)
    );
    assert_eq!(
        at_most_one(
            port.find(&code(EntityKind::Models, "atol-30"))
                .await
                .unwrap()
        ),
        None
    );
    assert_eq!(
        at_most_one(
            port.find(&code(EntityKind::EquipmentKinds, "kkt"))
                .await
                .unwrap()
        ),
        Some(kind)
    );
    let equipment = Record::Equipment(EquipmentFields {
        serial_number: Some("SN-1".into()),
        inventory_number: Some("0001".into()),
        comment: Some("Касса 1".into()),
        kind_code: "kkt".into(),
        kind: parent(EntityKind::EquipmentKinds, "kkt", kind),
        manufacturer_code: Some("atol".into()),
        manufacturer: Some(parent(EntityKind::Manufacturers, "atol", maker)),
        model_code: Some("atol-30f".into()),
        model: Some(parent(EntityKind::Models, "atol-30f", model_id)),
        company: Some(parent(EntityKind::Companies, "c", short)),
        object: Some(parent(EntityKind::Objects, "o", o)),
    });
    let e = port.create(&equipment).await.unwrap();
    let by_serial = |company: Option<OkdeskId>, serial: &str| Lookup::Equipment {
        serial_number: Some(serial.into()),
        inventory_number: None,
        company_id: company,
    };
    assert_eq!(
        at_most_one(port.find(&by_serial(Some(short), "SN-1")).await.unwrap()),
        Some(e)
    );
    assert_eq!(
        at_most_one(port.find(&by_serial(Some(long), "SN-1")).await.unwrap()),
        None
    );
    assert_eq!(
        at_most_one(port.find(&by_serial(None, "SN")).await.unwrap()),
        None
    );
    let stored = okdesk
        .equipment()
        .into_iter()
        .find(|x| x["id"] == e.0)
        .unwrap();
    assert_eq!(stored["equipment_model"]["code"], "atol-30f");
    assert_eq!(stored["maintenance_entity_id"], o.0);
    assert_eq!(
        port.list_directory(EntityKind::Manufacturers)
            .await
            .unwrap()[0]
            .code,
        "atol"
    );

    // Archive and restore, and writing only the key of a hand-made record.
    port.set_active(EntityKind::Companies, long, false)
        .await
        .unwrap();
    assert!(!port
        .list_companies()
        .await
        .unwrap()
        .iter()
        .any(|c| c.id == long && c.active));
    port.set_active(EntityKind::Companies, long, true)
        .await
        .unwrap();
    port.set_crm_1c_id(EntityKind::Companies, long, "abc-99")
        .await
        .unwrap();
    assert_eq!(okdesk.count_companies_by_crm_1c_id("abc-99"), 1);
    assert_eq!(okdesk.count_companies_by_crm_1c_id("abc-12"), 0);
    // Two records under one key are reported, never silently picked.
    port.create(&company("Дубль 1", "dup")).await.unwrap();
    port.create(&company("Дубль 2", "dup")).await.unwrap();
    let err = port.find(&crm(c, "dup")).await.unwrap_err();
    assert_eq!(err.class, ErrorClass::Validation);
    assert!(err.message.contains("crm_1c_id = dup"), "{}", err.message);
    assert!(port.requests() > 20);
}

#[tokio::test]
async fn okdesk_answers_become_port_errors() {
    let okdesk = OkdeskSandbox::start(OkdeskConfig::empty()).await.unwrap();
    let port = port(&okdesk, okdesk.token());
    let company_id = port.create(&company("Ромашка", "r-1")).await.unwrap();
    // Seed 001's contact: an e-mail Okdesk rejects with 422 (preflight would stop it; the port
    // must still report it faithfully when it gets through).
    let contact = Record::Contact(ContactFields {
        first_name: "Иван".into(),
        last_name: "Иванов".into(),
        patronymic: Some("Иванович".into()),
        position: Some("Генеральный директор".into()),
        email: Some("<ivanii@mail.okdesk.com>".into()),
        phone: None,
        comment: None,
        company: Some(parent(EntityKind::Companies, "c", company_id)),
        crm_1c_id: "3d8833c5-567e-11ed-b631-18c04dfe78bb".into(),
    });
    let err = port.create(&contact).await.unwrap_err();
    assert_eq!(err.class, ErrorClass::Validation);
    assert_eq!(err.status, Some(422));
    assert_eq!(err.field.as_deref(), Some("email"));
    assert!(err.message.contains("\"errors\""), "{}", err.message);
    assert!(
        err.message.contains("имеет неверное значение"),
        "{}",
        err.message
    );
    assert!(!err.maybe_committed && !err.aborts_run());
    let body = err.request_body.expect("the request body");
    assert_eq!(body["contact"]["email"], "<ivanii@mail.okdesk.com>");
    assert_eq!(body["contact"]["company_id"], company_id.0);
    assert!(!body.to_string().contains(okdesk.token()));

    let err = port
        .update(OkdeskId(999_999), &company("Нет такой", "x"))
        .await
        .unwrap_err();
    assert_eq!((err.class, err.status), (ErrorClass::NotFound, Some(404)));

    let wrong = port_with_wrong_token(&okdesk);
    let err = wrong.list_companies().await.unwrap_err();
    assert_eq!((err.class, err.status), (ErrorClass::Auth, Some(401)));
    assert!(err.aborts_run());
    assert!(
        !err.message.contains("definitely-wrong-token"),
        "{}",
        err.message
    );
}

fn port_with_wrong_token(okdesk: &OkdeskSandbox) -> OkdeskApiPort {
    port(okdesk, "definitely-wrong-token")
}

/// The one record a key finds, or none: every lookup here names a unique key.
fn at_most_one(found: Vec<OkdeskId>) -> Option<OkdeskId> {
    assert!(found.len() <= 1, "one key, several records: {found:?}");
    found.first().copied()
}
