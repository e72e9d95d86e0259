//! The shape of a 1C base as its OData `$metadata` (EDMX) describes it: entity sets, their
//! properties and tabular sections. Adapters detect their configuration from it and layouts are
//! checked against it; the OData transport's EDMX parser produces it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One property of an entity type or of a tabular-section row type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Property {
    /// The OData property name (`Description`, `ИНН`, `Партнер_Key`, …).
    pub name: String,
    /// The EDM type (`Edm.String`, `Edm.Guid`, `Edm.DateTime`, `Edm.Double`, `Edm.Int64`, `Edm.Boolean`,
    /// or a complex type such as `Collection(StandardODATA.Catalog_Контрагенты_КонтактнаяИнформация_RowType)`).
    pub edm_type: String,
    /// Whether the property may be null.
    pub nullable: bool,
}

/// One entity set (a catalog, document, register, exchange plan …) and its type.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntitySet {
    /// The entity set name (`Catalog_Контрагенты`).
    pub name: String,
    /// The entity type name without namespace (usually equal to `name`).
    pub entity_type: String,
    /// Header properties in document order.
    pub properties: Vec<Property>,
    /// Tabular sections by name (`КонтактнаяИнформация`) with the properties of their row type.
    pub tables: BTreeMap<String, Vec<Property>>,
}

impl EntitySet {
    /// Whether the set has a header property of this name.
    pub fn has_property(&self, name: &str) -> bool {
        self.properties.iter().any(|p| p.name == name)
    }
}

/// What `$metadata` says about a 1C base.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    /// The schema namespace (`StandardODATA` on every 1C base seen so far).
    pub namespace: String,
    /// The entity container name (`EnterpriseV8`).
    pub container: String,
    /// Entity sets by name.
    pub entity_sets: BTreeMap<String, EntitySet>,
}

impl Metadata {
    /// The entity set of this name, if the base publishes it.
    pub fn entity_set(&self, name: &str) -> Option<&EntitySet> {
        self.entity_sets.get(name)
    }

    /// Whether the base publishes an entity set of this name.
    pub fn has_set(&self, name: &str) -> bool {
        self.entity_sets.contains_key(name)
    }
}
