//! The push planner: pure and deterministic (same inputs, same plan, byte for byte). The plan's
//! types are in [`types`]; this module decides one action per record.
//!
//! Like omicron's blueprints, a plan says "ensure the record with key K has fields F", never "add
//! a record": every entry is fully specified, so applying it twice converges. Every 1C record gets
//! exactly one action, in dependency order: equipment kinds, manufacturers, models → companies →
//! contacts, agreements, objects → equipment.

use std::collections::{BTreeMap, BTreeSet};

use onec_model::{ContactState, Ref, Snapshot};

use super::desired::{self, Preflight};
use super::matching::{self, Match};
use super::policy::{DeletionPolicy, Mode, Policy};
use super::sanitize;
use crate::kinds::{EntityKind, OkdeskId, SyncKey};
use crate::ports::{Observed, Record};
use crate::state::StateView;

mod types;
pub use types::*;

/// Whether a record's dependents may be pushed.
#[derive(Clone, Debug)]
enum Avail {
    Yes,
    No(String),
}

/// Which lists must be read from Okdesk before planning: only kinds with unmapped records.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ObserveNeeds {
    /// Read companies.
    pub companies: bool,
    /// Read contacts.
    pub contacts: bool,
    /// Read these directories.
    pub directories: BTreeSet<EntityKind>,
}

/// The kinds whose records lack a mapping (so matching needs Okdesk's lists).
pub fn observe_needs(snapshot: &Snapshot, state: &StateView, policy: &Policy) -> ObserveNeeds {
    fn any_unmapped(
        state: &StateView,
        policy: &Policy,
        kind: EntityKind,
        refs: impl Iterator<Item = (Ref, bool)>,
    ) -> bool {
        policy.includes(kind) && { refs }
            .any(|(r, deleted)| !deleted && state.get(&SyncKey::new(kind, r)).is_none())
    }
    let unmapped =
        |kind, refs: &mut dyn Iterator<Item = (Ref, bool)>| any_unmapped(state, policy, kind, refs);
    let mut needs = ObserveNeeds {
        companies: unmapped(
            EntityKind::Companies,
            &mut snapshot
                .counterparties
                .iter()
                .map(|c| (c.r#ref, c.deletion_mark)),
        ),
        contacts: unmapped(
            EntityKind::Contacts,
            &mut snapshot.contacts.iter().map(|c| (c.r#ref, c.deletion_mark)),
        ),
        directories: BTreeSet::new(),
    };
    if unmapped(
        EntityKind::EquipmentKinds,
        &mut snapshot
            .equipment_kinds
            .iter()
            .map(|c| (c.r#ref, c.deletion_mark)),
    ) {
        needs.directories.insert(EntityKind::EquipmentKinds);
    }
    if unmapped(
        EntityKind::Manufacturers,
        &mut snapshot
            .manufacturers
            .iter()
            .map(|c| (c.r#ref, c.deletion_mark)),
    ) {
        needs.directories.insert(EntityKind::Manufacturers);
    }
    if unmapped(
        EntityKind::Models,
        &mut snapshot
            .equipment_models
            .iter()
            .map(|c| (c.r#ref, c.deletion_mark)),
    ) {
        needs.directories.insert(EntityKind::Models);
    }
    needs
}

/// The planner's working state.
struct Planner<'a> {
    state: &'a StateView,
    observed: &'a Observed,
    /// The observed companies and contacts, indexed for matching.
    companies: Option<matching::Companies<'a>>,
    contacts: Option<matching::Contacts<'a>>,
    policy: &'a Policy,
    avail: BTreeMap<SyncKey, Avail>,
    names: BTreeMap<SyncKey, String>,
    /// Okdesk records already tied to a 1C record (mapped, or linked earlier in this plan).
    taken: BTreeSet<(EntityKind, OkdeskId)>,
    budget: Option<usize>,
    entries: Vec<PlanEntry>,
    /// Records this plan creates after a full list proved them absent from Okdesk.
    fresh: BTreeSet<SyncKey>,
}

/// One 1C record, reduced to what the generic decision needs.
struct Item {
    key: SyncKey,
    name: String,
    deletion_mark: bool,
    /// A reason to skip found by the configuration's rules (flags, contact state).
    rule_skip: Option<SkipReason>,
    /// Parents that must be available, checked before preflight.
    parents: Vec<SyncKey>,
    /// The record, or why it cannot be sent.
    record: Result<Record, Preflight>,
    /// Preflight warnings for the entry.
    warnings: Vec<String>,
    /// The INN/KPP (companies) or e-mail key (contacts) for matching.
    inn: Option<String>,
    kpp: Option<String>,
    email_key: Option<String>,
    /// The company the record belongs to (agreements, objects, equipment): when this plan creates
    /// it fresh, the record cannot exist in Okdesk yet and needs no lookup before its create.
    owner: Option<SyncKey>,
}

impl Planner<'_> {
    fn parent_state(&self, parent: &SyncKey) -> Avail {
        match self.avail.get(parent) {
            Some(a) => a.clone(),
            None if self.state.get(parent).is_some() => Avail::Yes,
            None if !self.policy.includes(parent.kind) => {
                Avail::No("не входит в --only и ещё не выгружался".into())
            }
            None => Avail::No("не найден в данных 1С".into()),
        }
    }

    fn take_budget(&mut self) -> bool {
        match &mut self.budget {
            None => true,
            Some(0) => false,
            Some(n) => {
                *n -= 1;
                true
            }
        }
    }

    fn push(&mut self, item: &Item, action: Action) {
        let avail = match &action {
            Action::Create { .. } | Action::Update { .. } | Action::Link { .. } => Avail::Yes,
            Action::Archive { .. } | Action::Unchanged { .. } => Avail::Yes,
            Action::Skipped { reason } => match reason {
                // A record left alone on purpose still exists in Okdesk when it is mapped.
                SkipReason::AddOnly { .. } | SkipReason::DeletionIgnored
                    if self.state.get(&item.key).is_some() =>
                {
                    Avail::Yes
                }
                other => Avail::No(other.to_string()),
            },
            Action::Failed { reason, .. } => Avail::No(format!("ошибка: {reason}")),
        };
        self.avail.insert(item.key, avail);
        if let Action::Create {
            lookup_first: false,
            ..
        } = &action
        {
            self.fresh.insert(item.key);
        }
        // Warnings matter only when the record is sent (or stays as sent): a failed or skipped
        // record already has its reason.
        let warnings = if action.is_write() || matches!(action, Action::Unchanged { .. }) {
            item.warnings.clone()
        } else {
            Vec::new()
        };
        self.entries.push(PlanEntry {
            key: item.key,
            name: item.name.clone(),
            action,
            warnings,
        });
    }

    fn write(&mut self, item: &Item, action: Action) {
        if self.take_budget() {
            self.push(item, action);
        } else {
            self.push(
                item,
                Action::Skipped {
                    reason: SkipReason::Deferred,
                },
            );
        }
    }

    fn decide(&mut self, item: Item) {
        if let Some(reason) = &item.rule_skip {
            return self.push(
                &item,
                Action::Skipped {
                    reason: reason.clone(),
                },
            );
        }
        let state = self.state;
        let mapping = state.get(&item.key);
        if item.deletion_mark {
            let archivable = matches!(item.key.kind, EntityKind::Companies | EntityKind::Contacts);
            let action = match mapping {
                None => Action::Skipped {
                    reason: SkipReason::DeletionMarkNotPushed,
                },
                Some(_) if !archivable || self.policy.on_deletion == DeletionPolicy::Ignore => {
                    Action::Skipped {
                        reason: SkipReason::DeletionIgnored,
                    }
                }
                Some(m) if m.payload_hash == ARCHIVED_HASH => Action::Unchanged { id: m.okdesk_id },
                Some(_) if self.policy.mode == Mode::AddOnly => Action::Skipped {
                    reason: SkipReason::AddOnly {
                        changed: vec!["active".into()],
                    },
                },
                Some(m) => {
                    return self.write(&item, Action::Archive { id: m.okdesk_id });
                }
            };
            return self.push(&item, action);
        }
        for parent in &item.parents {
            if let Avail::No(why) = self.parent_state(parent) {
                let parent_name = self
                    .names
                    .get(parent)
                    .filter(|n| !n.trim().is_empty())
                    .cloned()
                    .unwrap_or_else(|| parent.r#ref.to_string());
                let reason = SkipReason::ParentNotPushed {
                    parent: *parent,
                    parent_name,
                    why,
                };
                return self.push(&item, Action::Skipped { reason });
            }
        }
        let record = match &item.record {
            Ok(r) => r.clone(),
            Err(p) => {
                let action = Action::Failed {
                    field: p.field.clone(),
                    value: p.value.clone(),
                    reason: p.reason.clone(),
                    candidates: vec![],
                };
                return self.push(&item, action);
            }
        };
        let hash = record.payload_hash();
        if let Some(m) = mapping {
            if m.payload_hash == hash {
                return self.push(&item, Action::Unchanged { id: m.okdesk_id });
            }
            let changed = record.changed_fields(self.state.payload(&item.key).as_deref());
            if self.policy.mode == Mode::AddOnly {
                let reason = SkipReason::AddOnly { changed };
                return self.push(&item, Action::Skipped { reason });
            }
            // Okdesk documents `name, description, visible` as what a directory update changes;
            // `code` is not updatable (okdesk-api.md, corrections), so the write leaves it alone
            // and the changed code is said instead of silently lost.
            let directory = matches!(
                item.key.kind,
                EntityKind::EquipmentKinds | EntityKind::Manufacturers | EntityKind::Models
            );
            let mut item = item;
            if directory && changed.iter().any(|f| f == "code") {
                item.warnings.push(
                    "код изменён в 1С, но Okdesk не меняет код справочника через API: исправьте \
                     код в Okdesk вручную (связь по id сохраняется)"
                        .to_owned(),
                );
            }
            let action = Action::Update {
                id: m.okdesk_id,
                record: Box::new(record),
                hash,
                changed,
                reactivate: m.payload_hash == ARCHIVED_HASH,
            };
            return self.write(&item, action);
        }
        let (found, observed) = self.find_existing(&item, &record);
        let action = match found {
            Match::One(id, by) => {
                self.taken.insert((item.key.kind, id));
                Action::Link {
                    id,
                    record: Box::new(record),
                    hash,
                    matched_by: by,
                    write: match self.policy.mode {
                        Mode::Full => LinkWrite::Full,
                        Mode::AddOnly => LinkWrite::KeyOnly,
                    },
                }
            }
            Match::Ambiguous {
                field,
                value,
                candidates,
            } => {
                let ids: Vec<String> = candidates.iter().map(|c| c.to_string()).collect();
                let what = if field == "email" { "e-mail" } else { "ИНН" };
                let reason = format!(
                    "{what} {value} найден у нескольких записей Okdesk (id {}): связь не установлена; оставьте значение у одной записи или впишите ей crm_1c_id",
                    ids.join(", ")
                );
                return self.push(
                    &item,
                    Action::Failed {
                        field,
                        value: Some(value),
                        reason,
                        candidates,
                    },
                );
            }
            Match::None => {
                // A record under a company that this plan creates fresh cannot be in Okdesk: every
                // record of ours hangs off a company that already existed when it was created.
                let owner_is_new = item.owner.is_some_and(|o| self.fresh.contains(&o));
                Action::Create {
                    record: Box::new(record),
                    hash,
                    lookup_first: !observed && !owner_is_new,
                }
            }
        };
        self.write(&item, action);
    }

    /// Matching on first contact; the bool says whether an observed list covered the kind (then
    /// a missing match means the record does not exist and no lookup is needed before create).
    fn find_existing(&self, item: &Item, record: &Record) -> (Match, bool) {
        let (found, observed) = self.find_in_observed(item, record);
        // A list of some records only (remembered candidates) proves a link or an ambiguity but
        // never that the record is absent.
        (
            found,
            observed && !self.observed.partial.contains(&item.key.kind),
        )
    }

    fn find_in_observed(&self, item: &Item, record: &Record) -> (Match, bool) {
        let own = item.key.r#ref.to_string();
        match item.key.kind {
            EntityKind::Companies => match &self.companies {
                Some(list) => (
                    matching::company(
                        list,
                        &own,
                        item.inn.as_deref(),
                        item.kpp.as_deref(),
                        &self.taken,
                    ),
                    true,
                ),
                None => (Match::None, false),
            },
            EntityKind::Contacts => match &self.contacts {
                Some(list) => (
                    matching::contact(list, &own, item.email_key.as_deref(), &self.taken),
                    true,
                ),
                None => (Match::None, false),
            },
            kind
            @ (EntityKind::EquipmentKinds | EntityKind::Manufacturers | EntityKind::Models) => {
                let code = match record {
                    Record::EquipmentKind(d) | Record::Manufacturer(d) => d.code.as_str(),
                    Record::Model(m) => m.code.as_str(),
                    _ => return (Match::None, false),
                };
                match self.observed.directories.get(&kind) {
                    Some(list) => (matching::directory(list, kind, code, &self.taken), true),
                    None => (Match::None, false),
                }
            }
            EntityKind::Agreements | EntityKind::Objects | EntityKind::Equipment => {
                (Match::None, false)
            }
        }
    }
}

fn sorted<T>(items: &[T], key: impl Fn(&T) -> (String, Ref)) -> Vec<&T> {
    let mut v: Vec<&T> = items.iter().collect();
    // The key clones a name: computing it once per item, not twice per comparison.
    v.sort_by_cached_key(|t| key(t));
    v
}

fn item(
    kind: EntityKind,
    r: Ref,
    name: &str,
    deletion_mark: bool,
    mut record: Result<Record, Preflight>,
) -> Item {
    let warnings = match &mut record {
        Ok(r) => sanitize::strip_controls(r),
        Err(_) => Vec::new(),
    };
    Item {
        key: SyncKey::new(kind, r),
        // Control characters are stripped from the displayed name as from the record.
        name: name
            .chars()
            .filter(|c| !c.is_control())
            .collect::<String>()
            .trim()
            .to_owned(),
        deletion_mark,
        rule_skip: None,
        parents: vec![],
        record,
        warnings,
        inn: None,
        kpp: None,
        email_key: None,
        owner: None,
    }
}

/// Plans a push of `snapshot` against the mappings in `state` and what `observed` says Okdesk
/// holds. Pure and deterministic.
pub fn plan_push(
    snapshot: &Snapshot,
    state: &StateView,
    observed: &Observed,
    policy: &Policy,
) -> PushPlan {
    let mut taken = BTreeSet::new();
    for m in state.mappings.values() {
        taken.insert((m.key.kind, m.okdesk_id));
    }
    let mut p = Planner {
        state,
        observed,
        companies: observed
            .companies
            .as_deref()
            .map(|l| matching::Companies::new(l, policy)),
        contacts: observed.contacts.as_deref().map(matching::Contacts::new),
        policy,
        avail: BTreeMap::new(),
        names: BTreeMap::new(),
        taken,
        budget: policy.write_budget(),
        entries: Vec::new(),
        fresh: BTreeSet::new(),
    };
    let s = snapshot;
    // Names of every record, so that a child can name a parent of any kind.
    for c in &s.counterparties {
        p.names
            .insert(SyncKey::new(EntityKind::Companies, c.r#ref), c.name.clone());
    }
    for c in &s.equipment_kinds {
        // A kind without a name is named by its code, so that its children can say which it is.
        let name = match (c.name.trim(), c.code.as_deref().map(str::trim)) {
            ("", Some(code)) if !code.is_empty() => format!("без наименования, код {code}"),
            _ => c.name.clone(),
        };
        p.names
            .insert(SyncKey::new(EntityKind::EquipmentKinds, c.r#ref), name);
    }
    for c in &s.manufacturers {
        p.names.insert(
            SyncKey::new(EntityKind::Manufacturers, c.r#ref),
            c.name.clone(),
        );
    }
    for c in &s.equipment_models {
        p.names
            .insert(SyncKey::new(EntityKind::Models, c.r#ref), c.name.clone());
    }
    for c in &s.service_objects {
        p.names
            .insert(SyncKey::new(EntityKind::Objects, c.r#ref), c.name.clone());
    }
    let mut codes: BTreeMap<(EntityKind, Ref), String> = BTreeMap::new();

    for k in sorted(&s.equipment_kinds, |k| (k.name.clone(), k.r#ref)) {
        let rec = desired::kind_record(k);
        if let Ok(Record::EquipmentKind(d)) = &rec {
            codes.insert((EntityKind::EquipmentKinds, k.r#ref), d.code.clone());
        }
        if policy.includes(EntityKind::EquipmentKinds) {
            p.decide(item(
                EntityKind::EquipmentKinds,
                k.r#ref,
                &k.name,
                k.deletion_mark,
                rec,
            ));
        }
    }
    for m in sorted(&s.manufacturers, |k| (k.name.clone(), k.r#ref)) {
        let rec = desired::manufacturer_record(m);
        if let Ok(Record::Manufacturer(d)) = &rec {
            codes.insert((EntityKind::Manufacturers, m.r#ref), d.code.clone());
        }
        if policy.includes(EntityKind::Manufacturers) {
            p.decide(item(
                EntityKind::Manufacturers,
                m.r#ref,
                &m.name,
                m.deletion_mark,
                rec,
            ));
        }
    }
    for m in sorted(&s.equipment_models, |k| (k.name.clone(), k.r#ref)) {
        let rec = desired::model_record(m);
        if let Ok(Record::Model(d)) = &rec {
            codes.insert((EntityKind::Models, m.r#ref), d.code.clone());
        }
        if policy.includes(EntityKind::Models) {
            let mut it = item(EntityKind::Models, m.r#ref, &m.name, m.deletion_mark, rec);
            it.parents
                .extend(m.kind.map(|r| SyncKey::new(EntityKind::EquipmentKinds, r)));
            it.parents.extend(
                m.manufacturer
                    .map(|r| SyncKey::new(EntityKind::Manufacturers, r)),
            );
            p.decide(it);
        }
    }

    let partners: BTreeMap<Ref, &onec_model::Counterparty> =
        s.counterparties.iter().map(|c| (c.r#ref, c)).collect();
    if policy.includes(EntityKind::Companies) {
        for c in sorted(&s.counterparties, |k| (k.name.clone(), k.r#ref)) {
            let mut it = item(
                EntityKind::Companies,
                c.r#ref,
                &c.name,
                c.deletion_mark,
                desired::company_record(c, policy),
            );
            if c.upload == Some(false) {
                it.rule_skip = Some(SkipReason::UploadFlagOff);
            }
            it.warnings.extend(desired::email_warnings(&c.emails));
            if let Ok((inn, kpp)) = desired::inn_kpp(c) {
                it.inn = inn;
                it.kpp = kpp;
            }
            p.decide(it);
        }
    }

    // The ЭСТИ rule for records with their own upload flag: the flag counts only when the
    // partner's flag is set too.
    let flag_rule = |own: Option<bool>, owner: Option<Ref>| -> Option<SkipReason> {
        if own == Some(false) {
            return Some(SkipReason::UploadFlagOff);
        }
        let partner = owner.and_then(|o| partners.get(&o))?;
        (own == Some(true) && partner.upload == Some(false)).then(|| SkipReason::PartnerFlagOff {
            partner: partner.name.clone(),
        })
    };
    let company_key = |r: Ref| SyncKey::new(EntityKind::Companies, r);

    if policy.includes(EntityKind::Contacts) {
        for c in sorted(&s.contacts, |k| (k.name.clone(), k.r#ref)) {
            let mut it = item(
                EntityKind::Contacts,
                c.r#ref,
                &c.name,
                c.deletion_mark,
                desired::contact_record(c, c.owner),
            );
            it.rule_skip = match &c.state {
                None | Some(ContactState::Working) => flag_rule(c.upload, c.owner),
                Some(ContactState::Dismissed) => Some(SkipReason::ContactState {
                    state: "Уволен".into(),
                }),
                Some(ContactState::Other(s)) => Some(SkipReason::ContactState { state: s.clone() }),
            };
            it.parents.extend(c.owner.map(company_key));
            it.email_key = desired::email_key(&c.emails);
            it.warnings.extend(desired::email_warnings(&c.emails));
            p.decide(it);
        }
    }
    let no_owner = || {
        Err(Preflight {
            field: "owner".into(),
            value: None,
            reason: "не указан контрагент (клиент), а в Okdesk он обязателен".into(),
        })
    };
    if policy.includes(EntityKind::Agreements) {
        for c in sorted(&s.contracts, |k| (k.title.clone(), k.r#ref)) {
            let rec = match c.owner {
                Some(o) => desired::agreement_record(c, o),
                None => no_owner(),
            };
            let mut it = item(
                EntityKind::Agreements,
                c.r#ref,
                &c.title,
                c.deletion_mark,
                rec,
            );
            it.rule_skip = flag_rule(c.upload, c.owner);
            it.parents.extend(c.owner.map(company_key));
            it.owner = c.owner.map(company_key);
            p.decide(it);
        }
    }
    let object_owner: BTreeMap<Ref, Option<Ref>> = s
        .service_objects
        .iter()
        .map(|o| (o.r#ref, o.owner))
        .collect();
    if policy.includes(EntityKind::Objects) {
        for o in sorted(&s.service_objects, |k| (k.name.clone(), k.r#ref)) {
            let rec = match o.owner {
                Some(owner) => desired::object_record(o, owner),
                None => no_owner(),
            };
            let mut it = item(EntityKind::Objects, o.r#ref, &o.name, o.deletion_mark, rec);
            it.parents.extend(o.owner.map(company_key));
            it.owner = o.owner.map(company_key);
            p.decide(it);
        }
    }
    if policy.includes(EntityKind::Equipment) {
        for e in sorted(&s.equipment, |k| (k.name.clone(), k.r#ref)) {
            let owner = e.owner.or_else(|| {
                e.object
                    .and_then(|o| object_owner.get(&o).copied().flatten())
            });
            let rec = desired::equipment_record(e, |k, r| codes.get(&(k, r)).cloned(), owner);
            let parents = rec.as_ref().map(Record::parents).unwrap_or_default();
            let mut it = item(
                EntityKind::Equipment,
                e.r#ref,
                &e.name,
                e.deletion_mark,
                rec,
            );
            it.parents = parents;
            // A kind that is in 1C but failed its own preflight has no code, so the record
            // cannot be built; the equipment is then a child of a failed parent, named as such,
            // rather than a failure blaming a kind «not found».
            if let Some(kind) = e.kind {
                let key = SyncKey::new(EntityKind::EquipmentKinds, kind);
                if p.names.contains_key(&key) && !it.parents.contains(&key) {
                    it.parents.insert(0, key);
                }
            }
            it.parents.extend(owner.map(company_key));
            it.parents.dedup();
            it.owner = owner.map(company_key);
            p.decide(it);
        }
    }
    PushPlan {
        mode: policy.mode,
        entries: p.entries,
    }
}
