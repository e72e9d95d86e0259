//! Tests of the state store: migrations, mappings, journal, cache, outbox and the run lock.

use super::*;
use crate::state::journal::FailureRecord;

fn key(n: &str) -> SyncKey {
    SyncKey::new(EntityKind::Companies, Ref::derived("test", n))
}

#[test]
fn migrations_are_recorded_and_reopening_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.sqlite");
    {
        let store = StateStore::open(&path).unwrap();
        assert_eq!(
            store.schema_version().unwrap(),
            migrations::MIGRATIONS.len() as i64
        );
    }
    let store = StateStore::open(&path).unwrap();
    assert_eq!(
        store.schema_version().unwrap(),
        migrations::MIGRATIONS.len() as i64
    );
    let mode: String = store
        .conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.sqlite");
    {
        let store = StateStore::open(&path).unwrap();
        store
            .conn
            .execute("INSERT INTO schema_version VALUES (99, 'x')", [])
            .unwrap();
    }
    let err = StateStore::open(&path).unwrap_err();
    assert!(matches!(err, StateError::TooNew { found: 99, .. }), "{err}");
}

#[test]
fn mappings_round_trip_and_success_closes_failures() {
    let mut store = StateStore::open_in_memory().unwrap();
    let run = store.begin_run("push", false).unwrap();
    let k = key("a");
    store
        .record_failure(
            run,
            &FailureRecord {
                entity: "companies".into(),
                key: k.r#ref.to_string(),
                name: "ООО Ромашка".into(),
                field: Some("email".into()),
                message: "имеет неверное значение".into(),
                http_status: Some(422),
                request_body: Some("{}".into()),
            },
        )
        .unwrap();
    assert_eq!(store.open_failures().unwrap().len(), 1);
    let m = Mapping {
        key: k,
        okdesk_id: OkdeskId(7),
        payload_hash: "h1".into(),
        payload: Some("{\"name\":\"x\"}".into()),
    };
    store.put_mapping(&m).unwrap();
    assert!(store.open_failures().unwrap().is_empty());
    let view = store.view().unwrap();
    assert_eq!(view.get(&k), Some(&m));
    assert_eq!(view.id_of(&k), Some(OkdeskId(7)));
    let m2 = Mapping {
        payload_hash: "h2".into(),
        ..m
    };
    store.put_mapping(&m2).unwrap();
    assert_eq!(store.view().unwrap().get(&k).unwrap().payload_hash, "h2");
    assert!(store.remove_mapping(&k).unwrap());
    assert!(store.view().unwrap().mappings.is_empty());
}

#[test]
fn journal_keeps_runs_and_operations() {
    let mut store = StateStore::open_in_memory().unwrap();
    let run = store.begin_run("push", true).unwrap();
    store
        .record_op(
            run,
            &OpRecord {
                seq: 1,
                entity: EntityKind::Contacts,
                onec_ref: "r".into(),
                action: "create".into(),
                outcome: "done".into(),
                okdesk_id: Some(OkdeskId(3)),
            },
        )
        .unwrap();
    store.finish_run(run, true, "{}", "{}").unwrap();
    let runs = store.last_runs(5).unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].ok, Some(true));
    assert!(runs[0].dry_run);
    assert_eq!(store.run_ops(run).unwrap()[0].okdesk_id, Some(OkdeskId(3)));
}

#[test]
fn cursors_and_outbox() {
    let mut store = StateStore::open_in_memory().unwrap();
    assert_eq!(store.cursor("pull").unwrap(), None);
    store.set_cursor("pull", "2024-01-01").unwrap();
    store.set_cursor("pull", "2024-01-02").unwrap();
    assert_eq!(store.cursor("pull").unwrap().as_deref(), Some("2024-01-02"));
    let entry = OutboxEntry {
        issue_id: 42,
        onec_ref: Some("r".into()),
        onec_number: Some("000001".into()),
        pdf_sha256: None,
        uploaded_comment: None,
        status: OutboxStatus::DocumentWritten,
        error: None,
    };
    store.outbox_put(&entry).unwrap();
    assert_eq!(store.outbox_get(42).unwrap(), Some(entry));
    assert_eq!(store.outbox_get(43).unwrap(), None);
}

#[test]
fn raw_cache_keeps_only_live_refs() {
    let mut store = StateStore::open_in_memory().unwrap();
    let obj = |n: &str| {
        onec_adapter::RawObject::new("Catalog_X")
            .with("Description", onec_adapter::RawValue::Text(n.into()))
    };
    let r = |n: u8| {
        Ref::parse(&format!("00000000-0000-0000-0000-0000000000{n:02x}"))
            .unwrap()
            .unwrap()
    };
    let (a, b) = (r(0xa), r(0xb));
    store
        .store_cached(
            "Catalog_X",
            &[(a, "v1".into(), obj("A")), (b, "v1".into(), obj("B"))],
        )
        .unwrap();
    store.retain_cached("Catalog_X", &[a, b]).unwrap();
    store
        .store_cached("Catalog_X", &[(a, "v2".into(), obj("A2"))])
        .unwrap();
    store.retain_cached("Catalog_X", &[a]).unwrap();
    let versions = store.cached_versions("Catalog_X").unwrap();
    assert_eq!(versions.len(), 1);
    assert_eq!(versions[&a.to_string()], "v2");
    assert_eq!(
        store.cached_objects("Catalog_X").unwrap()[&a.to_string()],
        obj("A2")
    );
}

#[test]
fn a_second_run_is_refused_until_the_first_unlocks() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.sqlite");
    let mut first = StateStore::open(&path).unwrap();
    let mut second = StateStore::open(&path).unwrap();
    let token = first.lock("push").unwrap();
    let err = second.lock("push").unwrap_err();
    assert!(matches!(err, StateError::Locked { .. }));
    assert!(err.to_string().contains("another run (push"), "{err}");
    first.heartbeat(&token).unwrap();
    first.unlock(&token).unwrap();
    let token2 = second.lock("pull").unwrap();
    assert!(matches!(
        first.heartbeat(&token),
        Err(StateError::LockLost { .. })
    ));
    second.unlock(&token2).unwrap();
}

#[test]
fn a_stale_lock_is_taken_over() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.sqlite");
    let mut first = StateStore::open(&path).unwrap();
    let mut second = StateStore::open(&path).unwrap();
    first.lock("push").unwrap();
    first
        .conn
        .execute(
            "UPDATE run_lock SET heartbeat_at = '2000-01-01T00:00:00Z'",
            [],
        )
        .unwrap();
    second.lock("push").unwrap();
}

#[test]
fn a_batch_of_mappings_and_its_journal_commit_together() {
    let mut store = StateStore::open_in_memory().unwrap();
    let run = store.begin_run("push", false).unwrap();
    let (a, b) = (key("a"), key("b"));
    store
        .record_failure(
            run,
            &FailureRecord {
                entity: "companies".into(),
                key: b.r#ref.to_string(),
                name: "ООО Лютик".into(),
                field: None,
                message: "ошибка".into(),
                http_status: Some(500),
                request_body: None,
            },
        )
        .unwrap();
    let mapping = |k: SyncKey, id: u64| Mapping {
        key: k,
        okdesk_id: OkdeskId(id),
        payload_hash: format!("h{id}"),
        payload: Some("{}".into()),
    };
    let op = |seq: i64, k: SyncKey, id: u64| OpRecord {
        seq,
        entity: k.kind,
        onec_ref: k.r#ref.to_string(),
        action: "create".into(),
        outcome: "created".into(),
        okdesk_id: Some(OkdeskId(id)),
    };
    let ops = [op(1, a, 1), op(2, b, 2)];
    store
        .put_mappings(&[mapping(a, 1), mapping(b, 2)], Some((run, &ops)))
        .unwrap();
    assert_eq!(store.mapping(&a).unwrap(), Some(mapping(a, 1)));
    assert_eq!(store.mapping(&key("c")).unwrap(), None);
    assert_eq!(
        store.mapped_ids().unwrap(),
        BTreeMap::from([(a, OkdeskId(1)), (b, OkdeskId(2))])
    );
    assert_eq!(store.run_ops(run).unwrap(), ops);
    // The success of `b` closed its failure.
    assert!(store.open_failures().unwrap().is_empty());

    // A batch that fails half-way leaves nothing behind: the operation of a run that does not
    // exist breaks the journal's foreign key after the mapping was written, and the mapping is
    // rolled back with it.
    let before = store.view().unwrap();
    let err = store
        .put_mappings(
            &[mapping(key("d"), 4)],
            Some((RunId(999), &[op(1, key("d"), 4)])),
        )
        .unwrap_err();
    assert!(err.to_string().contains("journaling an operation"), "{err}");
    assert_eq!(store.view().unwrap(), before);
}
