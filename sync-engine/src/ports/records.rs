//! Engine-native records: the desired state of one Okdesk record per kind, with parents named by
//! their 1C refs (resolved to Okdesk ids only at apply time) and the key to look it up by.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use onec_model::Ref;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::kinds::{EntityKind, OkdeskId, SyncKey};

/// A reference to another pushed record. `id` is filled in at apply time from the mappings; it is
/// not part of the payload hash or the plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parent {
    /// The parent's kind.
    pub kind: EntityKind,
    /// The parent's 1C ref.
    pub r#ref: Ref,
    /// The parent's Okdesk id, once known.
    #[serde(skip)]
    pub id: Option<OkdeskId>,
}

impl Parent {
    /// A parent not yet resolved.
    pub fn new(kind: EntityKind, r#ref: Ref) -> Self {
        Parent {
            kind,
            r#ref,
            id: None,
        }
    }

    /// The parent's key.
    pub fn key(&self) -> SyncKey {
        SyncKey::new(self.kind, self.r#ref)
    }
}

/// An equipment kind or a manufacturer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryFields {
    /// The code (Okdesk's key for directories).
    pub code: String,
    /// The name.
    pub name: String,
}

/// An equipment model.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelFields {
    /// The code.
    pub code: String,
    /// The name.
    pub name: String,
    /// The kind of equipment (required by Okdesk).
    pub kind: Parent,
    /// The manufacturer (required by Okdesk).
    pub manufacturer: Parent,
}

/// A company.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyFields {
    /// The name.
    pub name: String,
    /// `additional_name` (carries the INN, where matching looks for it).
    pub additional_name: Option<String>,
    /// The validated INN.
    pub inn: Option<String>,
    /// The validated KPP.
    pub kpp: Option<String>,
    /// The first usable phone.
    pub phone: Option<String>,
    /// The first valid e-mail, normalised.
    pub email: Option<String>,
    /// The address (legal first, then actual).
    pub address: Option<String>,
    /// The comment.
    pub comment: Option<String>,
    /// Custom parameters written (INN/KPP under the configured codes).
    pub parameters: BTreeMap<String, String>,
    /// The 1C `Ref_Key`.
    pub crm_1c_id: String,
}

/// A contact person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactFields {
    /// «Имя».
    pub first_name: String,
    /// «Фамилия».
    pub last_name: String,
    /// «Отчество».
    pub patronymic: Option<String>,
    /// The job title.
    pub position: Option<String>,
    /// The e-mail, normalised.
    pub email: Option<String>,
    /// The phone.
    pub phone: Option<String>,
    /// The comment.
    pub comment: Option<String>,
    /// The company.
    pub company: Option<Parent>,
    /// The 1C `Ref_Key`.
    pub crm_1c_id: String,
}

/// An agreement (contract).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementFields {
    /// The title.
    pub title: String,
    /// The first day in force.
    pub start_date: Option<NaiveDate>,
    /// The last day in force.
    pub end_date: Option<NaiveDate>,
    /// The company.
    pub company: Parent,
}

/// A maintenance entity (service object).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectFields {
    /// The name.
    pub name: String,
    /// The address.
    pub address: Option<String>,
    /// The comment.
    pub comment: Option<String>,
    /// The company.
    pub company: Parent,
}

/// A piece of equipment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EquipmentFields {
    /// The serial number.
    pub serial_number: Option<String>,
    /// The inventory number.
    pub inventory_number: Option<String>,
    /// The comment (the 1C name, then its comment: Okdesk equipment has no name).
    pub comment: Option<String>,
    /// The kind's code, as Okdesk's create takes it.
    pub kind_code: String,
    /// The kind.
    pub kind: Parent,
    /// The manufacturer's code.
    pub manufacturer_code: Option<String>,
    /// The manufacturer.
    pub manufacturer: Option<Parent>,
    /// The model's code.
    pub model_code: Option<String>,
    /// The model.
    pub model: Option<Parent>,
    /// The owning company.
    pub company: Option<Parent>,
    /// The maintenance entity.
    pub object: Option<Parent>,
}

/// The desired state of one Okdesk record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Record {
    /// An equipment kind.
    EquipmentKind(DirectoryFields),
    /// A manufacturer.
    Manufacturer(DirectoryFields),
    /// A model.
    Model(ModelFields),
    /// A company.
    Company(CompanyFields),
    /// A contact.
    Contact(ContactFields),
    /// An agreement.
    Agreement(AgreementFields),
    /// A maintenance entity.
    Object(ObjectFields),
    /// A piece of equipment.
    Equipment(EquipmentFields),
}

/// How to find a record in Okdesk before creating it, so that a create whose answer was lost is
/// never repeated. Parent ids are resolved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum Lookup {
    /// `crm_1c_id` equal to the 1C ref (companies, contacts); compare exactly.
    Crm1cId {
        /// The kind.
        kind: EntityKind,
        /// The value.
        crm_1c_id: String,
    },
    /// A directory item by code.
    Code {
        /// The kind.
        kind: EntityKind,
        /// The code.
        code: String,
    },
    /// An agreement by title, or an object by name, within a company.
    NameInCompany {
        /// `Agreements` or `Objects`.
        kind: EntityKind,
        /// The title or name.
        name: String,
        /// The company.
        company_id: OkdeskId,
    },
    /// Equipment by serial number, else inventory number, within a company when it has one.
    Equipment {
        /// The serial number.
        serial_number: Option<String>,
        /// The inventory number.
        inventory_number: Option<String>,
        /// The company.
        company_id: Option<OkdeskId>,
    },
}

/// Feeds the bytes written to it into a SHA-256.
struct HashWriter(Sha256);

impl std::io::Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Record {
    /// The kind of record.
    pub fn kind(&self) -> EntityKind {
        match self {
            Record::EquipmentKind(_) => EntityKind::EquipmentKinds,
            Record::Manufacturer(_) => EntityKind::Manufacturers,
            Record::Model(_) => EntityKind::Models,
            Record::Company(_) => EntityKind::Companies,
            Record::Contact(_) => EntityKind::Contacts,
            Record::Agreement(_) => EntityKind::Agreements,
            Record::Object(_) => EntityKind::Objects,
            Record::Equipment(_) => EntityKind::Equipment,
        }
    }

    fn parents_mut(&mut self) -> Vec<&mut Parent> {
        match self {
            Record::EquipmentKind(_) | Record::Manufacturer(_) | Record::Company(_) => vec![],
            Record::Model(m) => vec![&mut m.kind, &mut m.manufacturer],
            Record::Contact(c) => c.company.iter_mut().collect(),
            Record::Agreement(a) => vec![&mut a.company],
            Record::Object(o) => vec![&mut o.company],
            Record::Equipment(e) => {
                let mut v = vec![&mut e.kind];
                v.extend(e.manufacturer.iter_mut());
                v.extend(e.model.iter_mut());
                v.extend(e.company.iter_mut());
                v.extend(e.object.iter_mut());
                v
            }
        }
    }

    /// The same parents as [`Record::parents_mut`], read only.
    fn parent_refs(&self) -> Vec<&Parent> {
        match self {
            Record::EquipmentKind(_) | Record::Manufacturer(_) | Record::Company(_) => vec![],
            Record::Model(m) => vec![&m.kind, &m.manufacturer],
            Record::Contact(c) => c.company.iter().collect(),
            Record::Agreement(a) => vec![&a.company],
            Record::Object(o) => vec![&o.company],
            Record::Equipment(e) => {
                let mut v = vec![&e.kind];
                v.extend(e.manufacturer.iter());
                v.extend(e.model.iter());
                v.extend(e.company.iter());
                v.extend(e.object.iter());
                v
            }
        }
    }

    /// The records this one needs to exist first.
    pub fn parents(&self) -> Vec<SyncKey> {
        self.parent_refs().into_iter().map(Parent::key).collect()
    }

    /// Fills in parent ids; returns the first parent that has none.
    pub fn resolve(&mut self, id_of: impl Fn(&SyncKey) -> Option<OkdeskId>) -> Result<(), SyncKey> {
        for p in self.parents_mut() {
            match id_of(&p.key()) {
                Some(id) => p.id = Some(id),
                None => return Err(p.key()),
            }
        }
        Ok(())
    }

    /// How to look the record up before creating it; `None` when it has no usable key (equipment
    /// with neither serial nor inventory number), or a parent is not resolved.
    pub fn lookup(&self, key: &SyncKey) -> Option<Lookup> {
        match self {
            Record::EquipmentKind(d) | Record::Manufacturer(d) => Some(Lookup::Code {
                kind: key.kind,
                code: d.code.clone(),
            }),
            Record::Model(m) => Some(Lookup::Code {
                kind: key.kind,
                code: m.code.clone(),
            }),
            Record::Company(_) | Record::Contact(_) => Some(Lookup::Crm1cId {
                kind: key.kind,
                crm_1c_id: key.r#ref.to_string(),
            }),
            Record::Agreement(a) => Some(Lookup::NameInCompany {
                kind: key.kind,
                name: a.title.clone(),
                company_id: a.company.id?,
            }),
            Record::Object(o) => Some(Lookup::NameInCompany {
                kind: key.kind,
                name: o.name.clone(),
                company_id: o.company.id?,
            }),
            Record::Equipment(e) => {
                if e.serial_number.is_none() && e.inventory_number.is_none() {
                    return None;
                }
                Some(Lookup::Equipment {
                    serial_number: e.serial_number.clone(),
                    inventory_number: e.inventory_number.clone(),
                    company_id: e.company.as_ref().and_then(|c| c.id),
                })
            }
        }
    }

    /// The payload as canonical JSON (field order fixed by the structs, maps sorted).
    pub fn canonical_json(&self) -> String {
        serde_json::to_string(self).expect("records are plain data and always serialize")
    }

    /// The SHA-256 of the canonical JSON: equal hashes mean zero requests. The JSON is streamed
    /// into the hash rather than built as text first: a plan hashes every record of the base.
    pub fn payload_hash(&self) -> String {
        let mut hasher = HashWriter(Sha256::new());
        serde_json::to_writer(&mut hasher, self)
            .expect("records are plain data and always serialize");
        hex::encode(hasher.0.finalize())
    }

    /// The top-level fields whose values differ from a previously pushed payload (JSON text).
    /// Without a previous payload every field counts as changed.
    pub fn changed_fields(&self, previous: Option<&str>) -> Vec<String> {
        let now = serde_json::to_value(self).expect("records are plain data and always serialize");
        let before: Option<serde_json::Value> = previous.and_then(|p| serde_json::from_str(p).ok());
        let (Some(now), before) = (now.as_object(), before.as_ref().and_then(|b| b.as_object()))
        else {
            return vec![];
        };
        now.iter()
            .filter(|(k, _)| k.as_str() != "type")
            .filter(|(k, v)| before.and_then(|b| b.get(k.as_str())) != Some(*v))
            .map(|(k, _)| k.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn company(name: &str) -> Record {
        Record::Company(CompanyFields {
            name: name.into(),
            additional_name: None,
            inn: Some("7707083893".into()),
            kpp: None,
            phone: None,
            email: None,
            address: None,
            comment: None,
            parameters: BTreeMap::new(),
            crm_1c_id: "r".into(),
        })
    }

    #[test]
    fn hash_ignores_resolved_ids_and_changed_fields_are_named() {
        let r = Ref::derived("t", "c");
        let mut a = Record::Contact(ContactFields {
            first_name: "Иван".into(),
            last_name: "Иванов".into(),
            patronymic: None,
            position: None,
            email: None,
            phone: None,
            comment: None,
            company: Some(Parent::new(EntityKind::Companies, r)),
            crm_1c_id: "x".into(),
        });
        let h = a.payload_hash();
        // The hash is the SHA-256 of exactly the JSON text stored as the payload.
        assert_eq!(
            h,
            hex::encode(Sha256::digest(a.canonical_json().as_bytes()))
        );
        assert_eq!(a.parents(), vec![SyncKey::new(EntityKind::Companies, r)]);
        a.resolve(|_| Some(OkdeskId(5))).unwrap();
        assert_eq!(a.payload_hash(), h);
        let before = company("А").canonical_json();
        assert_eq!(
            company("Б").changed_fields(Some(&before)),
            vec!["name".to_owned()]
        );
        assert!(company("А").changed_fields(Some(&before)).is_empty());
    }

    #[test]
    fn unresolved_parent_is_named() {
        let r = Ref::derived("t", "c");
        let mut o = Record::Object(ObjectFields {
            name: "Склад".into(),
            address: None,
            comment: None,
            company: Parent::new(EntityKind::Companies, r),
        });
        assert_eq!(
            o.resolve(|_| None),
            Err(SyncKey::new(EntityKind::Companies, r))
        );
    }
}
