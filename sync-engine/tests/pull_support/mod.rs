//! Shared setup of the pull and bill tests: the demo world's 1C side, a state store with the
//! push mappings a first push would have left, and timestamps in Moscow time.

#![allow(dead_code, unreachable_pub)]

use std::sync::OnceLock;

use chrono::{DateTime, FixedOffset};
use onec_model::Ref;
use sandbox::demo::{generate, DemoSize, DemoWorld};
use sync_engine::state::Mapping;
use sync_engine::{EntityKind, OkdeskId, StateStore, SyncKey};

/// The small demo world, generated once.
pub fn world() -> &'static DemoWorld {
    static WORLD: OnceLock<DemoWorld> = OnceLock::new();
    WORLD.get_or_init(|| generate(7, DemoSize::Small))
}

/// A timestamp in the account's zone (+03:00): `at("2025-03-03 10:00")`.
pub fn at(text: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_str(&format!("{text} +0300"), "%Y-%m-%d %H:%M %z").unwrap()
}

/// An in-memory state holding the given push mappings (kind, Okdesk id, 1C ref).
pub fn state_with(mappings: &[(EntityKind, u64, Ref)]) -> StateStore {
    let mut store = StateStore::open_in_memory().unwrap();
    for (kind, id, r) in mappings {
        store
            .put_mapping(&Mapping {
                key: SyncKey::new(*kind, *r),
                okdesk_id: OkdeskId(*id),
                payload_hash: "pushed".into(),
                payload: None,
            })
            .unwrap();
    }
    store
}

/// Okdesk ids the tests give the demo client and its records.
pub const COMPANY: u64 = 501;
/// The contact.
pub const CONTACT: u64 = 601;
/// The agreement.
pub const AGREEMENT: u64 = 701;
/// The service object.
pub const OBJECT: u64 = 801;

/// The mappings of the first demo client with a contract: company, contact, agreement, object.
pub fn client_mappings() -> Vec<(EntityKind, u64, Ref)> {
    let snap = &world().onec;
    let cp = snap
        .counterparties
        .iter()
        .find(|c| snap.contracts.iter().any(|k| k.owner == Some(c.r#ref)))
        .expect("the demo has a client with a contract");
    let contract = snap
        .contracts
        .iter()
        .find(|k| k.owner == Some(cp.r#ref))
        .unwrap();
    let mut out = vec![
        (EntityKind::Companies, COMPANY, cp.r#ref),
        (EntityKind::Agreements, AGREEMENT, contract.r#ref),
    ];
    if let Some(c) = snap.contacts.iter().find(|c| c.owner == Some(cp.r#ref)) {
        out.push((EntityKind::Contacts, CONTACT, c.r#ref));
    }
    if let Some(o) = snap
        .service_objects
        .iter()
        .find(|o| o.owner == Some(cp.r#ref))
    {
        out.push((EntityKind::Objects, OBJECT, o.r#ref));
    }
    out
}
