//! The in-memory infobase: objects per entity set (property maps plus tabular sections), the
//! `DataVersion` counter every write bumps, document numbering, and the change registration of an
//! exchange plan (what `SelectChanges` returns per node until `NotifyChangesReceived`).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use base64::Engine as _;
use uuid::Uuid;

use super::schema::{Kind, Schema, SetDef};
use super::value::Val;

/// One tabular-section row (`LineNumber` included).
pub(crate) type Row = HashMap<String, Val>;

/// One object (catalog item, document, exchange node) or register record.
#[derive(Clone, Debug, Default)]
pub(crate) struct Obj {
    /// `Ref_Key`; registers get an internal id that is never published.
    pub(crate) id: Uuid,
    pub(crate) props: HashMap<String, Val>,
    pub(crate) tables: HashMap<String, Vec<Row>>,
}

impl Obj {
    pub(crate) fn new(id: Uuid) -> Obj {
        let mut obj = Obj {
            id,
            ..Obj::default()
        };
        obj.props.insert("Ref_Key".to_owned(), Val::Guid(id));
        obj
    }

    pub(crate) fn get(&self, name: &str) -> Option<&Val> {
        self.props.get(name)
    }

    pub(crate) fn set(&mut self, name: &str, value: Val) -> &mut Self {
        self.props.insert(name.to_owned(), value);
        self
    }
}

/// The objects of one set, in insertion order, with an index by id.
#[derive(Clone, Debug, Default)]
pub(crate) struct SetData {
    pub(crate) objects: Vec<Obj>,
    index: HashMap<Uuid, usize>,
}

impl SetData {
    pub(crate) fn get(&self, id: Uuid) -> Option<&Obj> {
        self.index.get(&id).map(|&i| &self.objects[i])
    }

    pub(crate) fn get_mut(&mut self, id: Uuid) -> Option<&mut Obj> {
        self.index.get(&id).map(|&i| &mut self.objects[i])
    }

    fn insert(&mut self, obj: Obj) {
        self.index.insert(obj.id, self.objects.len());
        self.objects.push(obj);
    }

    fn remove(&mut self, id: Uuid) -> Option<Obj> {
        let i = self.index.remove(&id)?;
        let obj = self.objects.remove(i);
        for idx in self.index.values_mut() {
            if *idx > i {
                *idx -= 1;
            }
        }
        Some(obj)
    }
}

/// The change registration of an exchange plan: per node, the objects changed since the node
/// last acknowledged, each with the message number it was sent in (`None` until selected).
#[derive(Clone, Debug, Default)]
pub(crate) struct Exchange {
    pub(crate) plan: Option<String>,
    /// The node that is the infobase itself (changes are not registered for it).
    pub(crate) this_node: Option<Uuid>,
    /// The sets whose objects the plan's content includes.
    pub(crate) content: Vec<String>,
    pub(crate) changes: HashMap<Uuid, BTreeMap<(String, Uuid), Option<u64>>>,
}

/// The simulated infobase.
#[derive(Clone, Debug)]
pub(crate) struct Infobase {
    pub(crate) schema: Arc<Schema>,
    pub(crate) sets: HashMap<String, SetData>,
    version: u64,
    numbers: HashMap<String, u64>,
    pub(crate) exchange: Exchange,
}

impl Infobase {
    pub(crate) fn new(schema: Arc<Schema>, seed: u64) -> Infobase {
        let sets = schema
            .sets
            .iter()
            .map(|s| (s.name.clone(), SetData::default()))
            .collect();
        Infobase {
            schema,
            sets,
            // Versions start somewhere seed-dependent so that two bases never share tokens.
            version: (seed % 10_000) * 1_000_000 + 1,
            numbers: HashMap::new(),
            exchange: Exchange::default(),
        }
    }

    /// A fresh `DataVersion`: base64 of eight big-endian bytes, as 1C prints it.
    pub(crate) fn next_version(&mut self) -> String {
        self.version += 1;
        base64::engine::general_purpose::STANDARD.encode(self.version.to_be_bytes())
    }

    /// The next number of a document or code of a catalog, 1C-style (`ОК00-000001`, `000000001`).
    pub(crate) fn next_number(&mut self, set: &SetDef) -> String {
        let n = self.numbers.entry(set.name.clone()).or_insert(0);
        *n += 1;
        match set.kind {
            Kind::Document => format!("ОК00-{:06}", *n),
            _ => format!("{:09}", *n),
        }
    }

    pub(crate) fn set_data(&self, set: &str) -> Option<&SetData> {
        self.sets.get(set)
    }

    pub(crate) fn get(&self, set: &str, id: Uuid) -> Option<&Obj> {
        self.sets.get(set)?.get(id)
    }

    /// Whether a reference to `id` in `set` resolves.
    pub(crate) fn exists(&self, set: &str, id: Uuid) -> bool {
        self.get(set, id).is_some()
    }

    /// Stores a new object with a fresh `DataVersion` and registers the change.
    pub(crate) fn insert(&mut self, set: &str, mut obj: Obj) {
        if self.schema.set(set).is_some_and(SetDef::is_object) {
            let v = self.next_version();
            obj.set("DataVersion", Val::Str(v));
        }
        let id = obj.id;
        self.sets.entry(set.to_owned()).or_default().insert(obj);
        self.register_change(set, id);
    }

    /// Applies `edit` to a stored object, bumps its `DataVersion` and registers the change.
    /// Returns the new version, or `None` when there is no such object.
    pub(crate) fn update(
        &mut self,
        set: &str,
        id: Uuid,
        edit: impl FnOnce(&mut Obj),
    ) -> Option<String> {
        let version = self.next_version();
        let obj = self.sets.get_mut(set)?.get_mut(id)?;
        edit(obj);
        obj.set("DataVersion", Val::Str(version.clone()));
        self.register_change(set, id);
        Some(version)
    }

    /// Deletes an object physically (OData `DELETE`); the exchange plan keeps a tombstone.
    pub(crate) fn remove(&mut self, set: &str, id: Uuid) -> Option<Obj> {
        let obj = self.sets.get_mut(set)?.remove(id)?;
        self.register_change(set, id);
        Some(obj)
    }

    /// Registers a change of an object for every node but the infobase's own.
    pub(crate) fn register_change(&mut self, set: &str, id: Uuid) {
        if !self.exchange.content.iter().any(|s| s == set) {
            return;
        }
        let this = self.exchange.this_node;
        for (node, changes) in self.exchange.changes.iter_mut() {
            if Some(*node) != this {
                // A new change clears the message number: the object must be sent again even if
                // an earlier version of it is in a message not yet acknowledged.
                changes.insert((set.to_owned(), id), None);
            }
        }
    }

    /// Adds an exchange node and registers every object of the plan's content for it, as the
    /// ЭСТИ settings' «Начальное заполнение» does.
    pub(crate) fn add_node_with_initial_fill(&mut self, node: Uuid) {
        let mut all = BTreeMap::new();
        for set in &self.exchange.content {
            if let Some(data) = self.sets.get(set) {
                for obj in &data.objects {
                    all.insert((set.clone(), obj.id), None);
                }
            }
        }
        self.exchange.changes.insert(node, all);
    }

    /// Number of objects in a set.
    pub(crate) fn count(&self, set: &str) -> usize {
        self.sets.get(set).map_or(0, |d| d.objects.len())
    }
}
