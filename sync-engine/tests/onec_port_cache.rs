//! `OdataOnecPort` over the 1C simulator with the raw-object cache: the port maps from the cache
//! one object at a time, and that must give exactly what mapping everything in memory gives, for
//! every configuration; a second read costs only the version scans, an edit one more request,
//! and objects deleted in 1C leave the cache. The state store's cache behaves like the
//! in-memory one.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use onec_adapter::odata::OdataClient;
use onec_adapter::{Adapter, Job, Publication, RawDataset};
use onec_model::Ref;
use sandbox::demo::{generate, DemoSize};
use sandbox::onec::{Configuration, OnecConfig, OnecSandbox};
use sync_engine::onec::OdataOnecPort;
use sync_engine::ports::{
    publication_diagnostics, OnecPort, OnecRead, RawCache, RawCacheStore, UnreadKind,
};
use sync_engine::state::RawCacheHandle;
use sync_engine::StateStore;

mod push_support;
use push_support::adapter_of;

async fn start(configuration: &str) -> (OnecSandbox, OdataClient, Arc<dyn Adapter>) {
    let conf: Configuration = configuration.parse().unwrap();
    let world = generate(7, DemoSize::Small);
    let sim = OnecSandbox::start(OnecConfig::new(conf).world(world))
        .await
        .unwrap();
    let client = OdataClient::new(&sim.url(), sim.user(), sim.password()).unwrap();
    (sim, client, adapter_of(configuration))
}

/// The sets push reads from this base: what its `$metadata` publishes of push's needs.
async fn push_sets(client: &OdataClient, adapter: &dyn Adapter) -> Publication {
    let meta = client.metadata().await.unwrap();
    adapter.layout().publication(&meta, Job::Push)
}

/// The old way: every set push needs read whole into memory, then mapped.
async fn read_in_memory(client: &OdataClient, adapter: &dyn Adapter) -> OnecRead {
    let publication = push_sets(client, adapter).await;
    let mut data = RawDataset::default();
    for read in &publication.reads {
        let select: Vec<&str> = read.select.iter().map(String::as_str).collect();
        let mut query = client.query(&read.set).select(&select);
        if read.register {
            query = query.unordered();
        }
        data.sets
            .insert(read.set.clone(), query.fetch().await.unwrap());
    }
    let mapped = adapter.map(&data);
    let mut diagnostics = publication_diagnostics(adapter.layout(), &publication);
    diagnostics.extend(mapped.diagnostics);
    OnecRead {
        snapshot: mapped.value,
        diagnostics,
        unread: publication
            .skipped
            .iter()
            .filter_map(|s| UnreadKind::from_skipped(adapter.layout(), s))
            .collect(),
    }
}

#[tokio::test]
async fn mapping_from_the_cache_equals_mapping_in_memory_for_every_configuration() {
    for conf in ["ut11", "esti", "unf", "ka", "ut103"] {
        let (_sim, client, adapter) = start(conf).await;
        let expected = read_in_memory(&client, adapter.as_ref()).await;
        assert!(!expected.snapshot.counterparties.is_empty(), "{conf}");
        let port = OdataOnecPort::new(adapter.clone(), client.clone());
        let cache = RawCache::default();
        let first = port.read(&cache).await.unwrap();
        assert_eq!(first, expected, "{conf}: first read");
        // The second read maps cached objects only, and still the same.
        let second = port.read(&cache).await.unwrap();
        assert_eq!(second, expected, "{conf}: second read");
    }
}

#[tokio::test]
async fn a_second_read_costs_the_scans_an_edit_one_row_and_deletions_leave_the_cache() {
    let (sim, client, adapter) = start("esti").await;
    let sets = push_sets(&client, adapter.as_ref()).await.reads;
    let port = OdataOnecPort::new(adapter.clone(), client);
    let state = Mutex::new(StateStore::open_in_memory().unwrap());
    let read = |label: &'static str| {
        let port = &port;
        let state = &state;
        let sim = &sim;
        async move {
            let before = sim.stats().total;
            let cache = RawCacheHandle::new(state);
            let result = port.read(&cache).await;
            let read = cache.finish(result).expect(label);
            (read, sim.stats().total - before)
        }
    };
    let (first, first_requests) = read("first").await;
    // The small world fits one page per set: one scan or whole read per set, then the rows.
    assert!(first_requests > sets.len() as u64, "{first_requests}");

    let (second, requests) = read("second").await;
    assert_eq!(second, first);
    // One `$metadata` (what the base publishes), then one version scan per set.
    let scans = sets.len() as u64 + 1;
    assert_eq!(requests, scans, "a second read is the scans only");

    let set = "Catalog_КонтактныеЛицаПартнеров";
    let contact = first.snapshot.contacts[0].r#ref;
    sim.modify(
        set,
        contact,
        &[("Комментарий", serde_json::json!("изменено в 1С"))],
    )
    .unwrap();
    let (third, requests) = read("third").await;
    assert_eq!(requests, scans + 1, "an edit costs one fetch");
    let edited = third
        .snapshot
        .contacts
        .iter()
        .find(|c| c.r#ref == contact)
        .unwrap();
    assert_eq!(edited.comment.as_deref(), Some("изменено в 1С"));
    assert_eq!(third.snapshot.contacts.len(), first.snapshot.contacts.len());

    let cached_before = state.lock().unwrap().cached_versions(set).unwrap().len();
    sim.delete(set, contact).unwrap();
    let (fourth, requests) = read("fourth").await;
    assert_eq!(requests, scans);
    assert!(fourth.snapshot.contacts.iter().all(|c| c.r#ref != contact));
    assert_eq!(
        fourth.snapshot.contacts.len() + 1,
        first.snapshot.contacts.len()
    );
    let cached: BTreeMap<String, String> = state.lock().unwrap().cached_versions(set).unwrap();
    assert_eq!(cached.len() + 1, cached_before);
    assert!(!cached.contains_key(&contact.to_string()));
}

#[tokio::test]
async fn the_in_memory_cache_is_a_cache_too() {
    let cache = RawCache::default();
    let r = Ref::parse("8d04ce3c-0b8c-11e5-80c6-0050568b35ac")
        .unwrap()
        .unwrap();
    let obj = onec_adapter::RawObject::new("Catalog_X");
    cache
        .store("Catalog_X", &[(r, "v1".into(), obj.clone())])
        .unwrap();
    assert_eq!(cache.versions("Catalog_X").unwrap()[&r], "v1");
    assert_eq!(cache.load("Catalog_X", &[r]).unwrap(), vec![obj]);
    cache.retain("Catalog_X", &[]).unwrap();
    assert!(cache.versions("Catalog_X").unwrap().is_empty());
}
