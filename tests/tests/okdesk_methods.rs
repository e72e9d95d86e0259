//! Every request-making method of `okdesk-client` against the Okdesk simulator: each one reaches a
//! route the simulator serves (no 404 for a path we invented), and nothing it sends is silently
//! ignored by the server (the simulator counts ignored body fields and query parameters as the real
//! server ignores them). A source scan fails when a new public method is not exercised here, so the
//! simulator, not a wiremock test restating our own beliefs, is what holds each endpoint.

use std::collections::BTreeMap;
use std::path::Path;

use okdesk_client::{AgreementId, ApiToken, ContactId, IssueId, MaintenanceEntityId, OkdeskClient};
use sandbox::okdesk::{OkdeskConfig, OkdeskSandbox};

/// The methods this test calls, as `file: name` (a `send` per builder kind).
const COVERED: &[&str] = &[
    "agreements.rs: get",
    "agreements.rs: by_company",
    "agreements.rs: send",
    "agreements.rs: collect_all",
    "companies.rs: get",
    "companies.rs: find_by_name",
    "companies.rs: find_by_crm_1c_id",
    "companies.rs: archive",
    "companies.rs: activate",
    "companies.rs: send",
    "companies.rs: send",
    "companies.rs: collect_all",
    "contacts.rs: get",
    "contacts.rs: find_by_crm_1c_id",
    "contacts.rs: deactivate",
    "contacts.rs: activate",
    "contacts.rs: send",
    "contacts.rs: send",
    "contacts.rs: collect_all",
    "employees.rs: collect_all",
    "equipment.rs: find_by_serial_number",
    "equipment.rs: find_by_inventory_number",
    "equipment.rs: get",
    "equipment.rs: send",
    "equipment.rs: send",
    "equipment.rs: collect_all",
    "equipment.rs: list",
    "equipment.rs: send",
    "issues.rs: get",
    "issues.rs: time_entries",
    "issues.rs: services",
    "issues.rs: attachment",
    "issues.rs: download_attachment",
    "issues.rs: set_parameters",
    "issues.rs: send",
    "issues.rs: send",
    "issues.rs: send",
    "issues/comments.rs: list",
    "issues/comments.rs: send",
    "issues/query.rs: send",
    "issues/query.rs: collect_all",
    "maintenance_entities.rs: get",
    "maintenance_entities.rs: send",
    "maintenance_entities.rs: send",
    "maintenance_entities.rs: collect_all",
    "parameters.rs: issues",
    "parameters.rs: time_entries",
    "statuses.rs: list",
    "statuses.rs: priorities",
    "statuses.rs: type_tree",
    "statuses.rs: types",
];

/// Every `pub async fn` of the client's API modules, as `file: name`, with multiplicity.
fn public_methods() -> BTreeMap<String, usize> {
    let api = Path::new(env!("CARGO_MANIFEST_DIR")).join("../okdesk-client/src/api");
    let mut out = BTreeMap::new();
    let mut stack = vec![api.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let file = path
                .strip_prefix(&api)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            for line in text.lines() {
                let Some(rest) = line.trim_start().strip_prefix("pub async fn ") else {
                    continue;
                };
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                *out.entry(format!("{file}: {name}")).or_default() += 1;
            }
        }
    }
    out
}

#[test]
fn every_public_method_is_exercised_here() {
    let mut covered: BTreeMap<String, usize> = BTreeMap::new();
    for c in COVERED {
        *covered.entry((*c).to_owned()).or_default() += 1;
    }
    let methods = public_methods();
    assert!(methods.len() > 20, "the scan found too few methods");
    let missing: Vec<String> = methods
        .iter()
        .filter(|(m, n)| covered.get(*m).copied().unwrap_or(0) < **n)
        .map(|(m, n)| format!("{m} (×{n})"))
        .collect();
    assert!(
        missing.is_empty(),
        "client methods no test runs against the simulator (add them to okdesk_methods.rs):\n{}",
        missing.join("\n")
    );
}

#[tokio::test]
async fn every_method_reaches_a_route_and_nothing_it_sends_is_ignored() {
    let world = sandbox::demo::generate(3, sandbox::demo::DemoSize::Small);
    let service_code = world.okdesk.price_list[0].code.clone();
    let okdesk = OkdeskSandbox::start(OkdeskConfig::default().world(world))
        .await
        .unwrap();
    let c = OkdeskClient::builder(&okdesk.url(), ApiToken::new(okdesk.token()))
        .build()
        .unwrap();

    // Companies.
    let company = c
        .companies()
        .create("ООО «Проверка методов»")
        .crm_1c_id("methods-company-1")
        .send()
        .await
        .unwrap();
    let cid = company.id;
    assert!(c.companies().get(cid).await.unwrap().is_some());
    c.companies()
        .find_by_name("Проверка методов")
        .await
        .unwrap();
    assert_eq!(
        c.companies()
            .find_by_crm_1c_id("methods-company-1")
            .await
            .unwrap()
            .map(|x| x.id),
        Some(cid)
    );
    c.companies()
        .update(cid)
        .name("ООО «Проверка методов 2»")
        .send()
        .await
        .unwrap();
    c.companies().list().collect_all().await.unwrap();
    c.companies().archive(cid).await.unwrap();
    c.companies().activate(cid).await.unwrap();

    // Contacts.
    let contact = c
        .contacts()
        .create("Иван", "Проверкин")
        .email("proverkin@example.ru")
        .company_id(cid)
        .crm_1c_id("methods-contact-1")
        .send()
        .await
        .unwrap();
    let pid: ContactId = contact.id;
    assert!(c.contacts().get(pid).await.unwrap().is_some());
    c.contacts()
        .update(pid)
        .position("Директор")
        .send()
        .await
        .unwrap();
    assert_eq!(
        c.contacts()
            .find_by_crm_1c_id("methods-contact-1")
            .await
            .unwrap()
            .map(|x| x.id),
        Some(pid)
    );
    c.contacts().list().collect_all().await.unwrap();
    c.contacts().deactivate(pid).await.unwrap();
    let after = okdesk
        .contacts()
        .into_iter()
        .find(|v| v["id"].as_u64() == Some(pid.0))
        .unwrap();
    assert_eq!(
        after["active"], false,
        "deactivated through activations: {after}"
    );
    c.contacts().activate(pid).await.unwrap();

    // Agreements.
    let agreement = c
        .agreements()
        .create("Договор проверки")
        .company_ids(vec![cid])
        .send()
        .await
        .unwrap();
    let aid: AgreementId = agreement.id;
    assert!(c.agreements().get(aid).await.unwrap().is_some());
    c.agreements().by_company(cid).await.unwrap();
    c.agreements().list().collect_all().await.unwrap();

    // Maintenance entities.
    let object = c
        .maintenance_entities()
        .create("Объект проверки", cid)
        .send()
        .await
        .unwrap();
    let oid: MaintenanceEntityId = object.id;
    assert!(c.maintenance_entities().get(oid).await.unwrap().is_some());
    c.maintenance_entities()
        .update(oid)
        .comment("изменён")
        .send()
        .await
        .unwrap();
    c.maintenance_entities().list().collect_all().await.unwrap();

    // Equipment and its directories.
    let eq = c.equipment();
    eq.kinds()
        .create("methods-kind", "Тип проверки")
        .send()
        .await
        .unwrap();
    eq.kinds().list().await.unwrap();
    eq.manufacturers()
        .create("methods-maker", "Производитель проверки")
        .send()
        .await
        .unwrap();
    let item = eq
        .create("methods-kind")
        .serial_number("SN-METHODS-1")
        .inventory_number("INV-METHODS-1")
        .company_id(cid)
        .send()
        .await
        .unwrap();
    assert!(eq.get(item.id).await.unwrap().is_some());
    eq.find_by_serial_number("SN-METHODS-1").await.unwrap();
    eq.find_by_inventory_number("INV-METHODS-1").await.unwrap();
    eq.update(item.id).comment("изменено").send().await.unwrap();
    eq.list().collect_all().await.unwrap();

    // Employees, directories and schemas.
    let employees = c.employees().list().collect_all().await.unwrap();
    let author = employees[0].id.0;
    let statuses = c.issue_statuses().list().await.unwrap();
    c.issue_statuses().priorities().await.unwrap();
    c.issue_statuses().type_tree().await.unwrap();
    c.issue_statuses().types().await.unwrap();
    c.parameters().issues().await.unwrap();
    c.parameters().time_entries().await.unwrap();

    // Issues.
    let issue = c
        .issues()
        .create("Заявка проверки")
        .company_id(cid)
        .send()
        .await
        .unwrap();
    let iid: IssueId = issue.id;
    c.issues().get(iid).await.unwrap();
    c.issues().count().company_ids([cid]).send().await.unwrap();
    c.issues()
        .list()
        .company_ids([cid])
        .collect_all()
        .await
        .unwrap();
    c.issues().comments(iid).list().await.unwrap();
    c.issues()
        .comments(iid)
        .create("комментарий проверки", author)
        .send()
        .await
        .unwrap();
    c.issues().time_entries(iid).await.unwrap();
    c.issues().services(iid).await.unwrap();
    // A status that needs no comment or delay date (a «delayed» one would).
    let status = statuses
        .iter()
        .find(|s| s.code == "in_progress" || s.code == "completed")
        .unwrap();
    c.issues()
        .change_status(iid, status.code.clone())
        .comment("проверка смены статуса")
        .send()
        .await
        .unwrap();
    c.issues()
        .set_parameters(iid, Default::default())
        .await
        .unwrap();
    // A paid service from the account's price list.
    c.issues()
        .add_service(iid, service_code, 1.0)
        .send()
        .await
        .unwrap();
    // An issue with an attachment, from the demo world.
    let with_file = okdesk
        .issue_ids()
        .into_iter()
        .find(|id| !okdesk.issue_attachments(*id).is_empty())
        .expect("the demo world has attachments");
    let stored = &okdesk.issue_attachments(with_file)[0];
    let attachment = okdesk_client::AttachmentId(stored.id);
    c.issues()
        .attachment(IssueId(with_file), attachment)
        .await
        .unwrap();
    c.issues()
        .download_attachment(IssueId(with_file), attachment)
        .await
        .unwrap();

    let stats = okdesk.stats();
    assert!(
        stats.ignored_fields.is_empty(),
        "the server would ignore these body fields: {:?}",
        stats.ignored_fields
    );
    assert!(
        stats.ignored_params.is_empty(),
        "the server would ignore these query parameters: {:?}",
        stats.ignored_params
    );
}
