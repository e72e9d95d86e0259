//! Bill through the in-memory ports with the five real configuration adapters and the real PDF
//! renderer: one invoice per paid issue with the right totals and VAT, one uploaded PDF whose text
//! holds the number, the total and the amount in words; a re-run changes nothing; a failure
//! injected at every write and at the upload (refused, or committed with the answer lost)
//! resumes without a second document or a second file.

mod pull_support;

use std::sync::Arc;

use onec_adapter::{Adapter, RawValue};
use onec_model::{amount_in_words, Ref};
use pull_support::{at, client_mappings, state_with, world, AGREEMENT, COMPANY};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use sync_engine::fake::Injected;
use sync_engine::fake_docs::{FakeIssue, FakeIssues, FakeOnec};
use sync_engine::ports::issues::ServiceLine;
use sync_engine::pull::JobProgress;
use sync_engine::report::RunReport;
use sync_engine::{BillJob, BillPolicy};

fn quiet(_: &JobProgress) {}

fn line(
    id: u64,
    code: &str,
    name: &str,
    qty: Decimal,
    total: Decimal,
    vat: Option<Decimal>,
) -> ServiceLine {
    ServiceLine {
        id,
        code: code.into(),
        name: name.into(),
        kind: Some("service".into()),
        unit: None,
        quantity: qty,
        total,
        total_vat: vat,
        vat_percent: None,
    }
}

/// Issue 11 is paid and completed; 12 is paid but still open; 13 is completed without a
/// specification.
fn okdesk() -> FakeIssues {
    let fake = FakeIssues::new();
    let mut paid = FakeIssue::new(11, "Ремонт кассы", "completed", at("2025-03-03 10:00"));
    paid.card.company_id = Some(COMPANY);
    paid.card.agreement_id = Some(AGREEMENT);
    paid.services = vec![
        line(
            1,
            "SRV-002",
            "Час работы инженера",
            dec!(2.5),
            dec!(6000),
            Some(dec!(1000)),
        ),
        line(
            2,
            "PRD-002",
            "Фискальный накопитель на 15 месяцев",
            dec!(1),
            dec!(9500),
            Some(dec!(863.64)),
        ),
        // Not in 1C: billed as the generic service, with the generic item's VAT.
        line(
            3,
            "SRV-999",
            "Срочный выезд (ночной тариф)",
            dec!(1),
            dec!(4500),
            None,
        ),
    ];
    fake.put_issue(paid);
    let mut open = FakeIssue::new(12, "Ещё в работе", "opened", at("2025-03-03 10:00"));
    open.card.company_id = Some(COMPANY);
    open.services = vec![line(
        4,
        "SRV-001",
        "Выезд специалиста",
        dec!(1),
        dec!(1500),
        Some(dec!(250)),
    )];
    fake.put_issue(open);
    let mut free = FakeIssue::new(13, "Консультация", "completed", at("2025-03-03 10:00"));
    free.card.company_id = Some(COMPANY);
    fake.put_issue(free);
    fake
}

const TOTAL: Decimal = dec!(20000.00);

fn policy() -> BillPolicy {
    let mut p = BillPolicy::new("https://demo.okdesk.ru", 1);
    p.statuses = vec!["completed".into(), "closed".into()];
    p.generic_item = Some("SRV-006".into());
    p
}

struct Rig {
    okdesk: Arc<FakeIssues>,
    onec: Arc<FakeOnec>,
    job: BillJob,
}

fn rig(adapter: &'static dyn Adapter) -> Rig {
    let okdesk = Arc::new(okdesk());
    let onec = Arc::new(FakeOnec::new(adapter, world().onec.clone()));
    let job = BillJob::new(
        okdesk.clone(),
        onec.clone(),
        state_with(&client_mappings()),
        policy(),
    );
    Rig { okdesk, onec, job }
}

const ADAPTERS: [fn() -> &'static dyn Adapter; 5] = [
    onec_adapter_unf::adapter,
    onec_adapter_ka::adapter,
    onec_adapter_ut11::adapter,
    onec_adapter_ut103::adapter,
    onec_adapter_esti::adapter,
];

/// The entity sets an invoice is written to: the order (or invoice) and the follow-up, if any.
fn sets(adapter: &dyn Adapter) -> Vec<String> {
    let l = adapter.layout().invoice.as_ref().unwrap();
    let mut out = vec![l.set.clone()];
    if let Some(f) = &l.follow_up {
        out.push(f.set.clone());
    }
    out
}

fn number(v: Option<&RawValue>) -> f64 {
    match v {
        Some(RawValue::Number(n)) => *n,
        other => panic!("expected a number, got {other:?}"),
    }
}

fn text_of(pdf: &[u8]) -> String {
    let raw = pdf_extract::extract_text_from_mem(pdf).expect("the PDF parses");
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn table(report: &RunReport) -> String {
    report.render_table()
}

#[tokio::test]
async fn every_configuration_gets_one_invoice_and_one_pdf_and_a_rerun_changes_nothing() {
    for adapter in ADAPTERS.map(|a| a()) {
        let id = &adapter.info().id;
        let Rig { okdesk, onec, job } = rig(adapter);
        let report = job.run(false, &quiet).await.unwrap();
        assert!(report.ok, "{id}: {}", table(&report));
        assert_eq!(report.counts["invoices"].created, 1, "{id}");
        assert_eq!(report.counts["invoice_files"].created, 1, "{id}");
        assert!(
            report
                .warnings
                .iter()
                .any(|w| w.contains("SRV-999") && w.contains("общая услуга")),
            "{id}: {:?}",
            report.warnings
        );

        let layout = adapter.layout().invoice.as_ref().unwrap();
        let sets = sets(adapter);
        for set in &sets {
            let docs = onec.documents(set);
            assert_eq!(docs.len(), 1, "{id}: one {set}");
            assert_eq!(
                docs[0].boolean("Posted").unwrap(),
                Some(layout.post),
                "{id}: {set} posted"
            );
            assert!(
                docs[0]
                    .text("Комментарий")
                    .unwrap_or_default()
                    .contains("Okdesk #11"),
                "{id}: {set} names the issue"
            );
        }
        let doc = &onec.documents(&sets[0])[0];
        let rows = doc.table(&layout.table);
        assert_eq!(rows.len(), 3, "{id}");
        if let Some(total) = &layout.total {
            assert_eq!(
                number(doc.props.get(total)),
                20000.0,
                "{id}: document total"
            );
        }
        let vat: f64 = rows
            .iter()
            .map(|r| number(r.get(&layout.columns.vat_amount)))
            .sum();
        assert!((vat - 2613.64).abs() < 0.001, "{id}: VAT {vat}");
        let item = |code: &str| {
            world()
                .onec
                .items
                .iter()
                .find(|i| i.article.as_deref() == Some(code))
                .unwrap()
                .r#ref
        };
        let row_item = |i: usize| {
            rows[i]
                .get(&layout.columns.item)
                .and_then(RawValue::as_text)
                .and_then(|t| t.parse::<Ref>().ok())
        };
        assert_eq!(row_item(0), Some(item("SRV-002")), "{id}");
        assert_eq!(row_item(2), Some(item("SRV-006")), "{id}: the generic item");

        // The PDF went to issue 11 only, once, and reads as the invoice.
        let uploads = okdesk.uploads();
        assert_eq!(uploads.len(), 1, "{id}");
        let (issue, _, name, pdf) = &uploads[0];
        assert_eq!(*issue, 11);
        let printed = onec.documents(sets.last().unwrap())[0]
            .text("Number")
            .unwrap();
        assert!(name.contains(&printed), "{id}: file name {name}");
        let text = text_of(pdf);
        assert!(
            text.contains(&format!("Счет на оплату № {printed}")),
            "{id}: {text}"
        );
        assert!(text.contains("Всего к оплате: 20 000,00"), "{id}: {text}");
        assert!(text.contains(&amount_in_words(TOTAL)), "{id}: {text}");
        assert!(
            text.contains("НДС 20%: 1 750,00") && text.contains("НДС 10%: 863,64"),
            "{id}: {text}"
        );

        // A re-run: the cursor lists nothing older than yesterday, so only the listing is read.
        let writes = onec.writes();
        let quiet_run = job.run(false, &quiet).await.unwrap();
        assert!(quiet_run.ok, "{id}: {}", table(&quiet_run));
        assert_eq!(quiet_run.requests.okdesk, 1, "{id}");
        assert_eq!(onec.writes(), writes, "{id}");
        // With the cursor moved back the issue is listed again: the outbox says it is done.
        job.state()
            .lock()
            .unwrap()
            .set_cursor("bill.updated_since", "2025-03-01T00:00:00+03:00")
            .unwrap();
        let again = job.run(false, &quiet).await.unwrap();
        assert!(again.ok, "{id}: {}", table(&again));
        assert_eq!(again.counts["invoices"].unchanged, 1, "{id}");
        assert_eq!(again.counts["invoices"].created, 0, "{id}");
        assert_eq!(again.counts["invoice_files"].unchanged, 1, "{id}");
        assert_eq!(onec.writes(), writes, "{id}");
        assert_eq!(okdesk.uploads().len(), 1, "{id}");
        assert_eq!(again.requests.onec, 0, "{id}");
    }
}

async fn run_until_ok(job: &BillJob) -> Vec<RunReport> {
    let mut reports = Vec::new();
    for _ in 0..3 {
        let r = job.run(false, &quiet).await.unwrap();
        let ok = r.ok;
        reports.push(r);
        if ok {
            break;
        }
    }
    reports
}

#[tokio::test]
async fn a_failure_at_any_step_resumes_without_a_second_invoice_or_file() {
    for adapter in ADAPTERS.map(|a| a()) {
        let id = &adapter.info().id;
        // Count the writes (creates and posts) a clean run makes, then fail each of them.
        let clean = rig(adapter);
        clean.job.run(false, &quiet).await.unwrap();
        let steps = clean.onec.writes();
        assert!(steps >= 1, "{id}");
        for k in 1..=steps {
            for how in [Injected::Refuse, Injected::LoseResponse] {
                let Rig { okdesk, onec, job } = rig(adapter);
                onec.fail_at(k, how);
                let reports = run_until_ok(&job).await;
                let last = reports.last().unwrap();
                assert!(last.ok, "{id}, write {k} {how:?}: {}", table(last));
                assert!(
                    !reports[0].ok,
                    "{id}, write {k} {how:?}: the first run saw the failure"
                );
                for set in sets(adapter) {
                    assert_eq!(
                        onec.documents(&set).len(),
                        1,
                        "{id}, write {k} {how:?}: one {set}"
                    );
                }
                assert_eq!(okdesk.uploads().len(), 1, "{id}, write {k} {how:?}");
            }
        }
        // The upload: refused, or committed with the answer lost.
        for how in [Injected::Refuse, Injected::LoseResponse] {
            let Rig { okdesk, onec, job } = rig(adapter);
            okdesk.fail_uploads(&[how]);
            let reports = run_until_ok(&job).await;
            assert!(reports.last().unwrap().ok, "{id}, upload {how:?}");
            assert_eq!(
                reports[0].counts["invoice_files"].failed, 1,
                "{id}, upload {how:?}"
            );
            assert_eq!(okdesk.uploads().len(), 1, "{id}, upload {how:?}: one file");
            for set in sets(adapter) {
                assert_eq!(onec.documents(&set).len(), 1, "{id}, upload {how:?}");
            }
        }
    }
}

#[tokio::test]
async fn dry_run_and_unmatched_lines_without_a_generic_item() {
    let Rig { okdesk, onec, job } = rig(onec_adapter_ut11::adapter());
    let dry = job.run(true, &quiet).await.unwrap();
    assert!(dry.ok, "{}", table(&dry));
    assert_eq!(dry.counts["invoices"].created, 1);
    assert_eq!(onec.writes(), 0);
    assert!(okdesk.uploads().is_empty());

    // Without a generic item, a line with an unknown code fails the invoice with a clear message
    // and nothing is written.
    let okdesk = Arc::new(self::okdesk());
    let onec = Arc::new(FakeOnec::new(
        onec_adapter_ut11::adapter(),
        world().onec.clone(),
    ));
    let mut p = policy();
    p.generic_item = None;
    let job = BillJob::new(
        okdesk.clone(),
        onec.clone(),
        state_with(&client_mappings()),
        p,
    );
    let report = job.run(false, &quiet).await.unwrap();
    assert!(!report.ok);
    let f = &report.failures[0];
    assert_eq!(f.entity, "invoices");
    assert_eq!(f.key, "11");
    assert!(
        f.message.contains("SRV-999") && f.message.contains("Артикул"),
        "{}",
        f.message
    );
    assert_eq!(onec.writes(), 0);
}
