//! Pull and bill with both simulators: the Okdesk simulator through `OkdeskIssuesPort` and the
//! 1C OData simulator of each configuration through `OdataDocuments` — real HTTP on 127.0.0.1 on
//! both sides. Companies are tied to the adapter's own view of 1C clients by INN, as a first push
//! does.

mod pull_support;

use std::sync::Arc;

use okdesk_client::{ApiToken, OkdeskClient};
use onec_adapter::odata::OdataClient;
use onec_adapter::Adapter;
use onec_model::amount_in_words;
use pull_support::{state_with, world};
use sandbox::okdesk::{OkdeskConfig, OkdeskSandbox};
use sandbox::onec::{Configuration, OnecConfig, OnecSandbox};
use sync_engine::okdesk_issues::OkdeskIssuesPort;
use sync_engine::onec_documents::{AdapterRef, OdataDocuments};
use sync_engine::ports::documents::OnecDocuments;
use sync_engine::pull::JobProgress;
use sync_engine::{BillJob, BillPolicy, EntityKind, PullJob, PullPolicy};

fn quiet(_: &JobProgress) {}

struct Sides {
    okdesk: OkdeskSandbox,
    onec: OnecSandbox,
    issues: Arc<OkdeskIssuesPort>,
    docs: Arc<OdataDocuments>,
    mappings: Vec<(EntityKind, u64, onec_model::Ref)>,
}

async fn start(conf: Configuration, adapter: &'static dyn Adapter) -> Sides {
    let okdesk = OkdeskSandbox::start(OkdeskConfig::default().world(world().clone()))
        .await
        .unwrap();
    let onec = OnecSandbox::start(OnecConfig::new(conf).world(world().clone()))
        .await
        .unwrap();
    let client = OkdeskClient::builder(&okdesk.url(), ApiToken::new(okdesk.token()))
        .build()
        .unwrap();
    let odata = OdataClient::new(&onec.url(), onec.user(), onec.password()).unwrap();
    let docs = Arc::new(OdataDocuments::new(AdapterRef::Static(adapter), odata));
    let snapshot = docs.reference().await.unwrap().snapshot;
    let mut mappings = Vec::new();
    for cp in &snapshot.counterparties {
        let Some(inn) = &cp.inn else { continue };
        if let [id] = okdesk.company_ids_by_inn(inn)[..] {
            mappings.push((EntityKind::Companies, id, cp.r#ref));
        }
    }
    assert!(
        !mappings.is_empty(),
        "{conf:?}: companies tie to 1C clients by INN"
    );
    Sides {
        okdesk,
        onec,
        issues: Arc::new(OkdeskIssuesPort::new(client)),
        docs,
        mappings,
    }
}

#[tokio::test]
async fn pull_into_the_esti_simulator_writes_tasks_and_sheets_once() {
    let s = start(Configuration::Esti, onec_adapter_esti::adapter()).await;
    let job = PullJob::new(
        s.issues.clone(),
        s.docs.clone(),
        state_with(&s.mappings),
        PullPolicy::new(s.okdesk.url()),
    );
    let report = job.run(false, None, &quiet).await.unwrap();
    assert!(report.ok, "{}", report.render_table());
    let issues = s.okdesk.issue_ids();
    let tasks = s.onec.documents("Document_ЗаданиеСотруднику").unwrap();
    assert_eq!(tasks.len(), issues.len());
    let sheets = s
        .onec
        .documents("Document_ЛистУчетаРабочегоВремени")
        .unwrap();
    assert_eq!(sheets.len() as u64, report.counts["time_sheets"].created);
    assert!(!sheets.is_empty());
    for id in &issues {
        let task = tasks
            .iter()
            .find(|t| t.text("НомерЗаявкиОкДеск") == Some(id.to_string().as_str()))
            .unwrap_or_else(|| panic!("issue {id} has a task in 1C"));
        let card = s.okdesk.issue(*id).unwrap();
        assert_eq!(
            task.text("СтатусЗаявкиОкДеск"),
            card["status"]["code"].as_str()
        );
        assert_eq!(
            task.tables.get("КомментарииОкДеск").map_or(0, Vec::len),
            s.okdesk.issue_comments(*id).len(),
            "issue {id}: every comment, private ones too"
        );
    }

    // A second pull writes nothing into 1C.
    s.onec.reset_stats();
    let again = job.run(false, None, &quiet).await.unwrap();
    assert!(again.ok);
    assert_eq!(again.requests.onec, 0);
    assert_eq!(
        s.onec
            .documents("Document_ЗаданиеСотруднику")
            .unwrap()
            .len(),
        issues.len()
    );

    // An edit updates the same task.
    let id = issues[issues.len() - 1];
    s.okdesk
        .edit_issue(id, Some("Исправленная тема"), None)
        .unwrap();
    let edited = job.run(false, None, &quiet).await.unwrap();
    assert!(edited.ok, "{}", edited.render_table());
    assert_eq!(edited.counts["tasks"].updated, 1);
    let tasks = s.onec.documents("Document_ЗаданиеСотруднику").unwrap();
    assert_eq!(tasks.len(), issues.len());
    assert!(tasks
        .iter()
        .any(|t| t.text("Тема") == Some("Исправленная тема")));
}

#[tokio::test]
async fn bill_into_each_configuration_simulator_uploads_one_pdf_per_invoice() {
    let confs: [(Configuration, &'static dyn Adapter); 5] = [
        (Configuration::Unf, onec_adapter_unf::adapter()),
        (Configuration::Ka, onec_adapter_ka::adapter()),
        (Configuration::Ut11, onec_adapter_ut11::adapter()),
        (Configuration::Ut103, onec_adapter_ut103::adapter()),
        (Configuration::Esti, onec_adapter_esti::adapter()),
    ];
    for (conf, adapter) in confs {
        let s = start(conf, adapter).await;
        let admin = s.okdesk.employees()[0]["id"].as_u64().unwrap();
        let mut policy = BillPolicy::new(s.okdesk.url(), admin);
        policy.generic_item = Some("SRV-006".into());
        let job = BillJob::new(
            s.issues.clone(),
            s.docs.clone(),
            state_with(&s.mappings),
            policy,
        );
        let report = job.run(false, &quiet).await.unwrap();
        let created = report.counts.get("invoices").map_or(0, |c| c.created);
        assert!(created >= 1, "{conf:?}: {}", report.render_table());
        assert_eq!(report.counts["invoice_files"].created, created, "{conf:?}");
        let layout = adapter.layout().invoice.as_ref().unwrap();
        let printed_set = layout.follow_up.as_ref().map_or(&layout.set, |f| &f.set);
        let invoices = s.onec.documents(printed_set).unwrap();
        assert_eq!(
            invoices.len() as u64,
            created,
            "{conf:?}: one document per invoice"
        );
        // Posted where the configuration posts it: the simulator ran the real configuration's
        // fill checks and posting rules (conformance/onec/*/RULES.md) and accepted it. УТ 10.3's
        // invoice cannot be posted; its write rules ran on the write itself.
        let posted = layout.follow_up.as_ref().map_or(layout.post, |f| f.post);
        for d in &invoices {
            assert_eq!(
                d.get("Posted").and_then(serde_json::Value::as_bool),
                Some(posted),
                "{conf:?}: {printed_set} {:?}",
                d.text("Number")
            );
        }
        if layout.follow_up.is_some() && layout.post {
            for order in s.onec.documents(&layout.set).unwrap() {
                assert_eq!(
                    order.get("Posted").and_then(serde_json::Value::as_bool),
                    Some(true),
                    "{conf:?}: the order is posted"
                );
            }
        }
        // Each uploaded PDF names its 1C number and reads the total in words.
        let mut checked = 0;
        for id in s.okdesk.issue_ids() {
            for a in s.okdesk.issue_attachments(id) {
                if !a.file_name.starts_with("Счет на оплату") {
                    continue;
                }
                let text = pdf_extract::extract_text_from_mem(&a.bytes).unwrap();
                let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
                let doc = invoices
                    .iter()
                    .find(|d| {
                        d.text("Number")
                            .is_some_and(|n| a.file_name.contains(n.trim()))
                    })
                    .unwrap_or_else(|| panic!("{conf:?}: {} matches a 1C number", a.file_name));
                let number = doc.text("Number").unwrap().trim().to_owned();
                assert!(
                    text.contains(&format!("Счет на оплату № {number}")),
                    "{conf:?}: {text}"
                );
                let services = s.okdesk.issue_services(id);
                let total: rust_decimal::Decimal = services
                    .iter()
                    .map(|l| {
                        rust_decimal::Decimal::try_from(l["total"].as_f64().unwrap())
                            .unwrap()
                            .round_dp(2)
                    })
                    .sum();
                assert!(
                    text.contains(&amount_in_words(total)),
                    "{conf:?}: {total} in words in {text}"
                );
                checked += 1;
            }
        }
        assert_eq!(checked as u64, created, "{conf:?}");

        // Once more from an empty cursor: nothing is created anywhere.
        job.state()
            .lock()
            .unwrap()
            .set_cursor("bill.updated_since", "2000-01-01T00:00:00+03:00")
            .unwrap();
        let again = job.run(false, &quiet).await.unwrap();
        assert_eq!(
            again.counts.get("invoices").map_or(0, |c| c.created),
            0,
            "{conf:?}"
        );
        assert_eq!(
            s.onec.documents(printed_set).unwrap().len() as u64,
            created,
            "{conf:?}"
        );
        s.okdesk.shutdown().await;
    }
}
