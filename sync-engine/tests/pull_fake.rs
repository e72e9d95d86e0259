//! Pull through the in-memory ports with the real configuration adapters: ЭСТИ gets a task with
//! every comment (private ones too), attachments with digests, status, assignee and author, and
//! one time sheet per employee with the right hours; a second pull writes nothing; an edit in
//! Okdesk updates the task; a lost 1C answer does not duplicate; configurations without a task
//! document write nothing.

mod pull_support;

use std::collections::BTreeMap;
use std::sync::Arc;

use onec_adapter::{RawObject, RawValue};
use pull_support::{at, client_mappings, state_with, world, AGREEMENT, COMPANY, CONTACT};
use rust_decimal_macros::dec;
use sha2::{Digest, Sha256};
use sync_engine::fake::Injected;
use sync_engine::fake_docs::{FakeIssue, FakeIssues, FakeOnec};
use sync_engine::ports::issues::{
    AttachmentMeta, ChecklistItem, IssueComment, PersonKind, PersonRef, TimeEntryRecord,
};
use sync_engine::pull::JobProgress;
use sync_engine::{EntityKind, PullJob, PullPolicy};

const TASKS: &str = "Document_ЗаданиеСотруднику";
const SHEETS: &str = "Document_ЛистУчетаРабочегоВремени";

fn quiet(_: &JobProgress) {}

fn entry(
    id: u64,
    employee: u64,
    at_text: &str,
    hours: rust_decimal::Decimal,
    place: &str,
) -> TimeEntryRecord {
    TimeEntryRecord {
        id,
        spent_hours: hours,
        logged_at: at(at_text),
        employee_id: employee,
        employee_login: None,
        employee_name: format!("Сотрудник {employee}"),
        comment: Some(format!("работа {id}")),
        parameters: BTreeMap::from([
            ("workPlace".to_owned(), place.to_owned()),
            ("TypeOfService".to_owned(), "Платные работы".to_owned()),
        ]),
    }
}

/// Issue 1 (a child of nothing, parent of issue 2) with everything pull carries, and issue 2
/// assigned to an employee whose e-mail no 1C user has.
fn okdesk() -> FakeIssues {
    let users = &world().onec.employees;
    let fake = FakeIssues::new();
    fake.add_employee(7, "Инженер Первый", &users[0].emails[0]);
    fake.add_employee(8, "Инженер Второй", &users[1].emails[0].to_uppercase());
    fake.add_employee(9, "Стажёр", "stazher@elsewhere.example");

    let mut one = FakeIssue::new(1, "Не печатает ККТ", "opened", at("2025-03-03 10:00"));
    one.card.description = "<p>Касса &laquo;1&raquo; не печатает&nbsp;чек</p>".into();
    one.card.status_name = Some("Открыта".into());
    one.card.assignee = Some(FakeIssues::employee_ref(7, "Инженер Первый"));
    one.card.author = Some(FakeIssues::employee_ref(8, "Инженер Второй"));
    one.card.company_id = Some(COMPANY);
    one.card.contact_id = Some(CONTACT);
    one.card.agreement_id = Some(AGREEMENT);
    one.card.service_object_id = Some(99_999);
    one.card.child_ids = vec![2];
    one.card.attachments = vec![AttachmentMeta {
        id: 9002,
        file_name: "фото.png".into(),
        size: Some(4),
        public: true,
    }];
    one.comments = vec![
        IssueComment {
            id: 31,
            content: "Выезжаю".into(),
            public: true,
            published_at: at("2025-03-03 11:00"),
            author: Some(FakeIssues::employee_ref(7, "Инженер Первый")),
            attachments: vec![],
        },
        IssueComment {
            id: 32,
            content: "<b>Внутреннее</b>: клиент должен за прошлый месяц".into(),
            public: false,
            published_at: at("2025-03-03 12:00"),
            author: Some(PersonRef {
                id: 8,
                name: "Инженер Второй".into(),
                kind: PersonKind::Employee,
            }),
            attachments: vec![AttachmentMeta {
                id: 9001,
                file_name: "акт.pdf".into(),
                size: Some(9),
                public: false,
            }],
        },
    ];
    one.checklist = vec![
        ChecklistItem {
            id: 1,
            name: "Диагностика".into(),
            checked: false,
            header: true,
            parent_id: None,
        },
        ChecklistItem {
            id: 2,
            name: "Проверить ФН".into(),
            checked: true,
            header: false,
            parent_id: Some(1),
        },
        ChecklistItem {
            id: 3,
            name: "Заменить ленту".into(),
            checked: false,
            header: false,
            parent_id: Some(1),
        },
    ];
    one.time_entries = vec![
        entry(41, 7, "2025-03-03 13:00", dec!(1.5), "В офисе клиента"),
        entry(42, 7, "2025-03-04 09:30", dec!(2), "Удаленно"),
        entry(43, 8, "2025-03-04 10:00", dec!(0.75), "Удаленно"),
    ];
    fake.put_issue(one);
    fake.put_file(9001, "%PDF-акт".as_bytes());
    fake.put_file(9002, b"\x89PNG");

    let mut two = FakeIssue::new(2, "Заменить ленту", "opened", at("2025-03-03 10:30"));
    two.card.parent_id = Some(1);
    two.card.company_id = Some(COMPANY);
    two.card.assignee = Some(FakeIssues::employee_ref(9, "Стажёр"));
    fake.put_issue(two);
    fake
}

fn task_of(onec: &FakeOnec, issue: u64) -> RawObject {
    let tasks: Vec<_> = onec
        .documents(TASKS)
        .into_iter()
        .filter(|t| t.text("НомерЗаявкиОкДеск").as_deref() == Some(&issue.to_string()))
        .collect();
    assert_eq!(tasks.len(), 1, "one task per issue");
    tasks.into_iter().next().unwrap()
}

fn hours(sheet: &RawObject) -> f64 {
    sheet
        .table("РабочееВремя")
        .iter()
        .map(|r| match r.get("Часы") {
            Some(RawValue::Number(n)) => *n,
            other => panic!("hours are a number: {other:?}"),
        })
        .sum()
}

struct Rig {
    okdesk: Arc<FakeIssues>,
    onec: Arc<FakeOnec>,
    job: PullJob,
}

fn rig(adapter: &'static dyn onec_adapter::Adapter) -> Rig {
    let okdesk = Arc::new(okdesk());
    let onec = Arc::new(FakeOnec::new(adapter, world().onec.clone()));
    let job = PullJob::new(
        okdesk.clone(),
        onec.clone(),
        state_with(&client_mappings()),
        PullPolicy::new("https://demo.okdesk.ru/"),
    );
    Rig { okdesk, onec, job }
}

#[tokio::test]
async fn esti_task_carries_everything_and_second_pull_writes_nothing() {
    let Rig { okdesk, onec, job } = rig(onec_adapter_esti::adapter());
    let users = &world().onec.employees;
    let mappings: BTreeMap<EntityKind, onec_model::Ref> = client_mappings()
        .into_iter()
        .map(|(k, _, r)| (k, r))
        .collect();

    let report = job.run(false, None, &quiet).await.unwrap();
    assert!(report.ok, "{}", report.render_table());
    assert_eq!(report.counts["issues"].created, 2);
    assert_eq!(report.counts["tasks"].created, 2);
    assert_eq!(report.counts["time_sheets"].created, 2);

    let task = task_of(&onec, 1);
    assert_eq!(task.text("Тема").as_deref(), Some("Не печатает ККТ"));
    assert_eq!(task.text("СтатусЗаявкиОкДеск").as_deref(), Some("opened"));
    assert_eq!(
        task.text("СсылкаНаЗаявкуОкДеск").as_deref(),
        Some("https://demo.okdesk.ru/issues/1")
    );
    assert_eq!(
        task.reference("Исполнитель_Key").unwrap(),
        Some(users[0].r#ref)
    );
    // The author's e-mail differs only in case and still matches.
    assert_eq!(task.reference("Автор_Key").unwrap(), Some(users[1].r#ref));
    assert_eq!(
        task.text("АвторЗаявкиОкДеск").as_deref(),
        Some("Инженер Второй")
    );
    assert_eq!(
        task.reference("Партнер_Key").unwrap(),
        Some(mappings[&EntityKind::Companies])
    );
    assert_eq!(
        task.reference("Договор_Key").unwrap(),
        Some(mappings[&EntityKind::Agreements])
    );
    // The service object exists only in Okdesk: left empty and reported, not invented.
    assert_eq!(task.reference("ОбъектКлиента_Key").unwrap(), None);
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.contains("99999") && w.contains("только в Okdesk")),
        "{:?}",
        report.warnings
    );

    let description = task.text("Описание").unwrap();
    assert!(
        description.starts_with("Касса «1» не печатает чек"),
        "{description}"
    );
    assert!(
        description.contains("Вложенные заявки:\n- #2 «Заменить ленту»"),
        "{description}"
    );
    assert!(
        description.contains("Чек-лист:\nДиагностика\n  [x] Проверить ФН\n  [ ] Заменить ленту"),
        "{description}"
    );
    let child = task_of(&onec, 2);
    assert!(child
        .text("Описание")
        .unwrap()
        .contains("Родительская заявка:\n#1 «Не печатает ККТ»"));

    let comments = task.table("КомментарииОкДеск");
    assert_eq!(comments.len(), 2);
    assert_eq!(
        comments[1].get("Текст"),
        Some(&RawValue::Text(
            "Внутреннее: клиент должен за прошлый месяц".into()
        ))
    );
    assert_eq!(comments[1].get("Приватный"), Some(&RawValue::Bool(true)));
    assert_eq!(comments[0].get("Приватный"), Some(&RawValue::Bool(false)));
    let files = task.table("ФайлыОкДеск");
    assert_eq!(files.len(), 2);
    let digest = hex::encode(Sha256::digest("%PDF-акт".as_bytes()));
    assert!(files.iter().any(
        |f| f.get("ИмяФайла") == Some(&RawValue::Text("акт.pdf".into()))
            && f.get("Хеш") == Some(&RawValue::Text(digest.clone()))
    ));

    // One sheet per employee, subordinate to the task, with the hours and parameters.
    let sheets = onec.documents(SHEETS);
    assert_eq!(sheets.len(), 2);
    let task_ref = task.ref_key().unwrap().unwrap();
    let by_employee: BTreeMap<_, _> = sheets
        .iter()
        .map(|s| {
            assert_eq!(
                s.reference("ЗаданиеСотруднику_Key").unwrap(),
                Some(task_ref)
            );
            (s.reference("Сотрудник_Key").unwrap().unwrap(), s)
        })
        .collect();
    assert_eq!(hours(by_employee[&users[0].r#ref]), 3.5);
    assert_eq!(hours(by_employee[&users[1].r#ref]), 0.75);
    let first_row = &by_employee[&users[0].r#ref].table("РабочееВремя")[0];
    assert_eq!(
        first_row.get("МестоВыполненияРабот"),
        Some(&RawValue::Text("В офисе клиента".into()))
    );
    assert_eq!(
        first_row.get("ВидРабот"),
        Some(&RawValue::Text("Платные работы".into()))
    );

    // Issue 2's assignee has no 1C user with that e-mail: reported with the fix from the ЭСТИ manual (`docs/seeds/001-esti-exchange-manual.txt`).
    assert!(report.warnings.iter().any(|w| w.contains("Стажёр")
        && w.contains("stazher@elsewhere.example")
        && w.contains("одинаковую электронную почту")));
    assert_eq!(
        task_of(&onec, 2).reference("Исполнитель_Key").unwrap(),
        None
    );

    // A second pull: nothing changed, nothing written, only the listing read.
    let writes = onec.writes();
    let downloads = okdesk.downloads();
    let again = job.run(false, None, &quiet).await.unwrap();
    assert!(again.ok);
    assert_eq!(onec.writes(), writes);
    assert_eq!(okdesk.downloads(), downloads);
    assert_eq!(again.counts["issues"].unchanged, 2);
    assert_eq!(again.requests.okdesk, 1);
    assert_eq!(again.requests.onec, 0);

    // An edit in Okdesk: the task is updated in place, the unchanged sheets are left alone.
    okdesk.edit(1, |i| {
        i.card.status_code = "completed".into();
        i.comments.push(IssueComment {
            id: 33,
            content: "Готово".into(),
            public: true,
            published_at: at("2025-03-04 15:00"),
            author: None,
            attachments: vec![],
        });
    });
    let edited = job.run(false, None, &quiet).await.unwrap();
    assert!(edited.ok, "{}", edited.render_table());
    assert_eq!(edited.counts["issues"].updated, 1);
    assert_eq!(edited.counts["issues"].unchanged, 1);
    assert_eq!(edited.counts["tasks"].updated, 1);
    assert_eq!(edited.counts["time_sheets"].unchanged, 2);
    let task = task_of(&onec, 1);
    assert_eq!(task.ref_key().unwrap(), Some(task_ref));
    assert_eq!(
        task.text("СтатусЗаявкиОкДеск").as_deref(),
        Some("completed")
    );
    assert_eq!(task.table("КомментарииОкДеск").len(), 3);
    assert_eq!(onec.documents(TASKS).len(), 2);
    assert_eq!(onec.documents(SHEETS).len(), 2);

    // New time on the issue changes that employee's sheet only.
    okdesk.edit(1, |i| {
        i.time_entries
            .push(entry(44, 8, "2025-03-05 10:00", dec!(1.25), "Удаленно"))
    });
    let more = job.run(false, None, &quiet).await.unwrap();
    assert_eq!(more.counts["time_sheets"].updated, 1);
    assert_eq!(more.counts["time_sheets"].unchanged, 1);
    let sheets = onec.documents(SHEETS);
    assert_eq!(sheets.len(), 2);
    let second = sheets
        .iter()
        .find(|s| s.reference("Сотрудник_Key").unwrap() == Some(users[1].r#ref))
        .unwrap();
    assert_eq!(hours(second), 2.0);
}

#[tokio::test]
async fn a_lost_answer_from_1c_is_found_again_instead_of_duplicated() {
    let Rig { onec, job, .. } = rig(onec_adapter_esti::adapter());
    // The first write (issue 1's task) reaches 1C but its answer is lost.
    onec.fail_at(1, Injected::LoseResponse);
    let first = job.run(false, None, &quiet).await.unwrap();
    assert!(!first.ok);
    assert_eq!(first.counts["issues"].failed, 1);
    assert_eq!(first.failures[0].key, "1");

    let second = job.run(false, None, &quiet).await.unwrap();
    assert!(second.ok, "{}", second.render_table());
    assert_eq!(
        second.counts["tasks"].updated, 1,
        "the lost task is found by its issue number"
    );
    assert_eq!(onec.documents(TASKS).len(), 2);
    assert_eq!(onec.documents(SHEETS).len(), 2);
}

#[tokio::test]
async fn dry_run_writes_nothing_and_moves_no_cursor() {
    let Rig { onec, job, .. } = rig(onec_adapter_esti::adapter());
    let report = job.run(true, None, &quiet).await.unwrap();
    assert!(report.dry_run && report.ok);
    assert_eq!(report.counts["tasks"].created, 2);
    assert_eq!(onec.writes(), 0);
    let store = job.state().lock().unwrap();
    assert_eq!(store.cursor("pull.updated_since").unwrap(), None);
}

#[tokio::test]
async fn unf_splits_time_by_week_and_trade_configurations_write_nothing() {
    let Rig { okdesk, onec, job } = rig(onec_adapter_unf::adapter());
    okdesk.edit(1, |i| {
        i.time_entries
            .push(entry(45, 7, "2025-03-11 10:00", dec!(1), "Удаленно"))
    });
    let report = job.run(false, None, &quiet).await.unwrap();
    assert!(report.ok, "{}", report.render_table());
    let layout = onec_adapter_unf::adapter().layout();
    let sheets = onec.documents(&layout.time_sheet.as_ref().unwrap().set);
    // Employee 7 worked in two weeks, employee 8 in one.
    assert_eq!(sheets.len(), 3);
    assert_eq!(onec.documents(&layout.task.as_ref().unwrap().set).len(), 2);

    for adapter in [
        onec_adapter_ut11::adapter(),
        onec_adapter_ka::adapter(),
        onec_adapter_ut103::adapter(),
    ] {
        assert!(
            adapter.layout().task.is_none(),
            "{} has no task document",
            adapter.info().id
        );
        let Rig { onec, job, .. } = rig(adapter);
        let report = job.run(false, None, &quiet).await.unwrap();
        assert!(report.ok);
        assert_eq!(onec.writes(), 0);
        assert!(
            report.warnings[0].contains("нет документа для заданий"),
            "{:?}",
            report.warnings
        );
    }
}
