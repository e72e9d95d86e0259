//! Pull and bill against the Okdesk simulator through the real `OkdeskIssuesPort` (over
//! `okdesk-client`, real HTTP on 127.0.0.1), with the 1C side on the in-memory base until the 1C
//! simulator lands. Companies are tied to 1C counterparties by INN, as a first push would.

mod pull_support;

use std::collections::BTreeMap;
use std::sync::Arc;

use okdesk_client::{ApiToken, OkdeskClient};
use onec_adapter::RawValue;
use pull_support::{state_with, world};
use sandbox::okdesk::{OkdeskConfig, OkdeskSandbox};
use serde_json::Value;
use sha2::{Digest, Sha256};
use sync_engine::fake_docs::FakeOnec;
use sync_engine::okdesk_issues::OkdeskIssuesPort;
use sync_engine::pull::JobProgress;
use sync_engine::{BillJob, BillPolicy, EntityKind, PullJob, PullPolicy};

fn quiet(_: &JobProgress) {}

async fn start() -> (
    OkdeskSandbox,
    Arc<OkdeskIssuesPort>,
    Vec<(EntityKind, u64, onec_model::Ref)>,
) {
    let okdesk = OkdeskSandbox::start(OkdeskConfig::default().world(world().clone()))
        .await
        .unwrap();
    let client = OkdeskClient::builder(&okdesk.url(), ApiToken::new(okdesk.token()))
        .build()
        .unwrap();
    let mut mappings = Vec::new();
    for cp in &world().onec.counterparties {
        let Some(inn) = &cp.inn else { continue };
        if let [id] = okdesk.company_ids_by_inn(inn)[..] {
            mappings.push((EntityKind::Companies, id, cp.r#ref));
        }
    }
    assert!(
        !mappings.is_empty(),
        "the demo's hand-made companies carry INNs"
    );
    (okdesk, Arc::new(OkdeskIssuesPort::new(client)), mappings)
}

fn id_of(v: &Value) -> u64 {
    v["id"].as_u64().unwrap()
}

#[tokio::test]
async fn pull_from_the_okdesk_simulator_into_esti() {
    let (okdesk, port, mappings) = start().await;
    let onec = Arc::new(FakeOnec::new(
        onec_adapter_esti::adapter(),
        world().onec.clone(),
    ));
    let job = PullJob::new(
        port.clone(),
        onec.clone(),
        state_with(&mappings),
        PullPolicy::new(okdesk.url()),
    );

    let report = job.run(false, None, &quiet).await.unwrap();
    assert!(report.ok, "{}", report.render_table());
    let issues = okdesk.issue_ids();
    assert_eq!(report.counts["issues"].created as usize, issues.len());
    assert_eq!(report.counts["tasks"].created as usize, issues.len());

    let tasks = onec.documents("Document_ЗаданиеСотруднику");
    let sheets = onec.documents("Document_ЛистУчетаРабочегоВремени");
    let task_of = |id: u64| {
        tasks
            .iter()
            .find(|t| t.text("НомерЗаявкиОкДеск") == Some(id.to_string()))
            .unwrap_or_else(|| panic!("a task for issue {id}"))
    };
    let mut private_seen = 0;
    let mut files_seen = 0;
    for id in &issues {
        let task = task_of(*id);
        let card = okdesk.issue(*id).unwrap();
        assert_eq!(
            task.text("СтатусЗаявкиОкДеск").as_deref(),
            card["status"]["code"].as_str()
        );
        // Every comment, private ones included.
        let comments = okdesk.issue_comments(*id);
        let rows = task.table("КомментарииОкДеск");
        assert_eq!(rows.len(), comments.len(), "issue {id}");
        for c in comments
            .iter()
            .filter(|c| c["public"] == Value::Bool(false))
        {
            let row = rows
                .iter()
                .find(|r| {
                    r.get("ИдентификаторОкДеск").and_then(RawValue::as_text)
                        == Some(id_of(c).to_string())
                })
                .unwrap();
            assert_eq!(row.get("Приватный"), Some(&RawValue::Bool(true)));
            private_seen += 1;
        }
        // Every file, with the digest of its bytes.
        let files = task.table("ФайлыОкДеск");
        for a in okdesk.issue_attachments(*id) {
            let digest = hex::encode(Sha256::digest(&a.bytes));
            assert!(
                files
                    .iter()
                    .any(|f| f.get("Хеш") == Some(&RawValue::Text(digest.clone()))),
                "issue {id}: {}",
                a.file_name
            );
            files_seen += 1;
        }
        // Hours per employee equal the time entries'.
        let mut by_employee: BTreeMap<u64, f64> = BTreeMap::new();
        for t in okdesk.issue_time_entries(*id) {
            *by_employee
                .entry(t["employee"]["id"].as_u64().unwrap())
                .or_default() += t["spent_time"].as_f64().unwrap();
        }
        let task_ref = task.ref_key().unwrap().unwrap();
        let mine: Vec<_> = sheets
            .iter()
            .filter(|s| s.reference("ЗаданиеСотруднику_Key").unwrap() == Some(task_ref))
            .collect();
        assert_eq!(
            mine.len(),
            by_employee.len(),
            "issue {id}: one sheet per employee"
        );
        let total: f64 = mine
            .iter()
            .flat_map(|s| s.table("РабочееВремя"))
            .map(|r| match r.get("Часы") {
                Some(RawValue::Number(n)) => *n,
                _ => 0.0,
            })
            .sum();
        assert!(
            (total - by_employee.values().sum::<f64>()).abs() < 1e-9,
            "issue {id}"
        );
    }
    assert!(private_seen > 0, "the demo has private comments");
    assert!(files_seen > 0, "the demo has files");

    // Nothing changed: nothing is written, and Okdesk is asked for the listing only.
    let writes = onec.writes();
    let again = job.run(false, None, &quiet).await.unwrap();
    assert!(again.ok);
    assert_eq!(onec.writes(), writes);
    // The listing covers the cursor's day minus the overlap: whatever it lists is unchanged.
    let listed = again.counts.get("issues").copied().unwrap_or_default();
    assert_eq!(listed.created + listed.updated + listed.failed, 0);
    assert_eq!(again.requests.okdesk, 1);
    assert_eq!(again.requests.onec, 0);

    // An edit in Okdesk updates the issue's task in place.
    let id = issues[0];
    okdesk.edit_issue(id, Some("Новая тема"), None).unwrap();
    okdesk
        .add_comment(id, "nobody@example.com", "Приватная заметка", false, vec![])
        .unwrap();
    let edited = job.run(false, None, &quiet).await.unwrap();
    assert!(edited.ok, "{}", edited.render_table());
    assert_eq!(edited.counts["tasks"].updated, 1);
    let tasks = onec.documents("Document_ЗаданиеСотруднику");
    assert_eq!(tasks.len(), issues.len());
    let task = tasks
        .iter()
        .find(|t| t.text("НомерЗаявкиОкДеск") == Some(id.to_string()))
        .unwrap();
    assert_eq!(task.text("Тема").as_deref(), Some("Новая тема"));
    assert!(task
        .table("КомментарииОкДеск")
        .iter()
        .any(
            |r| r.get("Текст") == Some(&RawValue::Text("Приватная заметка".into()))
                && r.get("Приватный") == Some(&RawValue::Bool(true))
        ));
    okdesk.shutdown().await;
}

#[tokio::test]
async fn bill_against_the_okdesk_simulator_uploads_one_pdf_per_paid_issue() {
    let (okdesk, port, mappings) = start().await;
    let paid: Vec<u64> = okdesk
        .issue_ids()
        .into_iter()
        .filter(|id| !okdesk.issue_services(*id).is_empty())
        .filter(|id| {
            let company = okdesk.issue(*id).unwrap()["company_id"].as_u64();
            mappings
                .iter()
                .any(|(_, okdesk_id, _)| Some(*okdesk_id) == company)
        })
        .collect();
    assert!(
        !paid.is_empty(),
        "the demo has paid issues of linked companies"
    );
    for adapter in [onec_adapter_ut11::adapter(), onec_adapter_esti::adapter()] {
        let onec = Arc::new(FakeOnec::new(adapter, world().onec.clone()));
        let admin = okdesk.employees()[0]["id"].as_u64().unwrap();
        let mut policy = BillPolicy::new(okdesk.url(), admin);
        policy.generic_item = Some("SRV-006".into());
        let job = BillJob::new(port.clone(), onec.clone(), state_with(&mappings), policy);
        let invoice_files = |id: u64| {
            okdesk
                .issue_attachments(id)
                .iter()
                .filter(|a| a.file_name.starts_with("Счет на оплату"))
                .count()
        };
        let before: BTreeMap<u64, usize> =
            paid.iter().map(|id| (*id, invoice_files(*id))).collect();
        let report = job.run(false, &quiet).await.unwrap();
        let invoiced = report.counts["invoices"].created;
        assert!(invoiced as usize >= 1, "{}", report.render_table());
        let mut uploaded = 0;
        for id in &paid {
            let new = invoice_files(*id) - before[id];
            assert!(new <= 1, "issue {id}: at most one file per run");
            uploaded += new as u64;
        }
        assert_eq!(uploaded, report.counts["invoice_files"].created);
        // Once more, from an empty cursor: every paid issue is already invoiced.
        job.state()
            .lock()
            .unwrap()
            .set_cursor("bill.updated_since", "2000-01-01T00:00:00+03:00")
            .unwrap();
        let writes = onec.writes();
        let again = job.run(false, &quiet).await.unwrap();
        assert_eq!(onec.writes(), writes, "{}", again.render_table());
        assert_eq!(again.counts.get("invoices").map_or(0, |c| c.created), 0);
        assert_eq!(
            again.counts.get("invoice_files").map_or(0, |c| c.created),
            0
        );
        // The next configuration is another 1C base with its own state: it invoices the same
        // issues into its own base, and its files are counted from here.
    }
    okdesk.shutdown().await;
}
