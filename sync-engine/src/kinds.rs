//! Entity kinds the engine pushes, their dependency levels and names, and the keys that tie a 1C
//! object to an Okdesk record.

use std::fmt;
use std::str::FromStr;

use onec_model::Ref;
use serde::{Deserialize, Serialize};

/// The id of a record in Okdesk (companies, contacts, equipment, …).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OkdeskId(pub u64);

impl fmt::Display for OkdeskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// What kind of Okdesk record a 1C object becomes. The order of the variants is the push order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    /// Kinds of equipment (Okdesk `equipments/kinds`).
    EquipmentKinds,
    /// Equipment manufacturers.
    Manufacturers,
    /// Equipment models (need a kind and a manufacturer).
    Models,
    /// Clients (Okdesk companies).
    Companies,
    /// Contact persons.
    Contacts,
    /// Contracts (Okdesk agreements).
    Agreements,
    /// Service objects (Okdesk maintenance entities).
    Objects,
    /// Clients' equipment.
    Equipment,
}

impl EntityKind {
    /// Every kind, in push order.
    pub const ALL: [EntityKind; 8] = [
        EntityKind::EquipmentKinds,
        EntityKind::Manufacturers,
        EntityKind::Models,
        EntityKind::Companies,
        EntityKind::Contacts,
        EntityKind::Agreements,
        EntityKind::Objects,
        EntityKind::Equipment,
    ];

    /// The name used in reports, journals, `--only` and JSON (`companies`, `equipment_kinds`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::EquipmentKinds => "equipment_kinds",
            EntityKind::Manufacturers => "manufacturers",
            EntityKind::Models => "models",
            EntityKind::Companies => "companies",
            EntityKind::Contacts => "contacts",
            EntityKind::Agreements => "agreements",
            EntityKind::Objects => "objects",
            EntityKind::Equipment => "equipment",
        }
    }

    /// The dependency level: a record is applied only after every lower level is done.
    ///
    /// Models need kinds and manufacturers; contacts, agreements and objects need companies;
    /// equipment needs all of them.
    pub fn level(self) -> u8 {
        match self {
            EntityKind::EquipmentKinds | EntityKind::Manufacturers => 0,
            EntityKind::Models | EntityKind::Companies => 1,
            EntityKind::Contacts | EntityKind::Agreements | EntityKind::Objects => 2,
            EntityKind::Equipment => 3,
        }
    }

    /// The Russian noun in the genitive case, as in «При создании компании …».
    pub fn genitive_ru(self) -> &'static str {
        match self {
            EntityKind::EquipmentKinds => "типа оборудования",
            EntityKind::Manufacturers => "производителя оборудования",
            EntityKind::Models => "модели оборудования",
            EntityKind::Companies => "компании",
            EntityKind::Contacts => "контактного лица",
            EntityKind::Agreements => "договора",
            EntityKind::Objects => "объекта обслуживания",
            EntityKind::Equipment => "оборудования",
        }
    }

    /// The Russian noun in the nominative plural, capitalised, for messages about a whole kind
    /// («Контактные лица не выгружаются …»).
    pub fn plural_ru(self) -> &'static str {
        match self {
            EntityKind::EquipmentKinds => "Типы оборудования",
            EntityKind::Manufacturers => "Производители оборудования",
            EntityKind::Models => "Модели оборудования",
            EntityKind::Companies => "Компании",
            EntityKind::Contacts => "Контактные лица",
            EntityKind::Agreements => "Договоры",
            EntityKind::Objects => "Объекты обслуживания",
            EntityKind::Equipment => "Оборудование",
        }
    }

    /// The Russian noun in the nominative case, for tables and reasons («компания»).
    pub fn nominative_ru(self) -> &'static str {
        match self {
            EntityKind::EquipmentKinds => "тип оборудования",
            EntityKind::Manufacturers => "производитель оборудования",
            EntityKind::Models => "модель оборудования",
            EntityKind::Companies => "компания",
            EntityKind::Contacts => "контактное лицо",
            EntityKind::Agreements => "договор",
            EntityKind::Objects => "объект обслуживания",
            EntityKind::Equipment => "оборудование",
        }
    }
}

impl fmt::Display for EntityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An entity name that the engine does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown entity `{0}` (expected one of: companies, contacts, agreements, objects, equipment, equipment_kinds, manufacturers, models)")]
pub struct UnknownEntity(pub String);

impl FromStr for EntityKind {
    type Err = UnknownEntity;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim();
        EntityKind::ALL
            .into_iter()
            .find(|k| k.as_str() == wanted)
            .ok_or_else(|| UnknownEntity(s.to_owned()))
    }
}

/// The identity of a pushed record: its kind and the 1C `Ref_Key` it comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SyncKey {
    /// The kind of record.
    pub kind: EntityKind,
    /// The 1C reference, written to `crm_1c_id` where Okdesk has one.
    pub r#ref: Ref,
}

impl SyncKey {
    /// A key of the given kind.
    pub fn new(kind: EntityKind, r#ref: Ref) -> Self {
        SyncKey { kind, r#ref }
    }
}

impl fmt::Display for SyncKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.kind, self.r#ref)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_levels_are_ordered() {
        for k in EntityKind::ALL {
            assert_eq!(k.as_str().parse::<EntityKind>().unwrap(), k);
        }
        let levels: Vec<u8> = EntityKind::ALL.iter().map(|k| k.level()).collect();
        let mut sorted = levels.clone();
        sorted.sort();
        assert_eq!(levels, sorted);
        assert!("clients"
            .parse::<EntityKind>()
            .unwrap_err()
            .to_string()
            .contains("clients"));
    }
}
