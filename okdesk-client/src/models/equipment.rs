//! Equipment (Оборудование) and its directories: kinds, manufacturers, models.
//!
//! Equipment answers nest the kind, manufacturer, model and company as objects while webhooks send
//! flat `*_id` fields; both forms land in the flat ids of [`Equipment`].

use serde::{Deserialize, Serialize};

use super::common::{find_parameter, AgreementRef, Parameter};
use crate::ids::{
    CompanyId, EquipmentId, EquipmentKindId, EquipmentModelId, MaintenanceEntityId, ManufacturerId,
};
use crate::page::HasId;

/// A `{id, code, name, description}` reference to a directory entry.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub struct DirectoryRef {
    /// The id.
    #[serde(default, deserialize_with = "crate::de::opt_id")]
    pub id: Option<u64>,
    /// The code.
    #[serde(default, deserialize_with = "crate::de::opt_lossy_string")]
    pub code: Option<String>,
    /// The name.
    #[serde(default, deserialize_with = "crate::de::opt_lossy_string")]
    pub name: Option<String>,
    /// The description.
    #[serde(default, deserialize_with = "crate::de::opt_lossy_string")]
    pub description: Option<String>,
}

/// A piece of equipment.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Equipment {
    /// The id.
    pub id: EquipmentId,
    /// The serial number.
    pub serial_number: Option<String>,
    /// The inventory number.
    pub inventory_number: Option<String>,
    /// The comment.
    pub comment: Option<String>,
    /// The kind's id.
    pub equipment_kind_id: Option<EquipmentKindId>,
    /// The manufacturer's id.
    pub equipment_manufacturer_id: Option<ManufacturerId>,
    /// The model's id.
    pub equipment_model_id: Option<EquipmentModelId>,
    /// The kind as nested in the answer.
    pub equipment_kind: Option<DirectoryRef>,
    /// The manufacturer as nested in the answer.
    pub equipment_manufacturer: Option<DirectoryRef>,
    /// The model as nested in the answer.
    pub equipment_model: Option<DirectoryRef>,
    /// The owning company.
    pub company_id: Option<CompanyId>,
    /// The maintenance entity it stands at.
    pub maintenance_entity_id: Option<MaintenanceEntityId>,
    /// The parent equipment.
    pub parent_id: Option<EquipmentId>,
    /// Agreements.
    pub agreements: Vec<AgreementRef>,
    /// Custom parameters.
    pub parameters: Vec<Parameter>,
}

impl Equipment {
    /// The custom parameter with `code`.
    pub fn parameter(&self, code: &str) -> Option<&Parameter> {
        find_parameter(&self.parameters, code)
    }
}

impl HasId for Equipment {
    fn page_id(&self) -> u64 {
        self.id.0
    }
}

#[derive(Deserialize)]
struct IdOnly {
    #[serde(default, deserialize_with = "crate::de::opt_id")]
    id: Option<u64>,
}

#[derive(Deserialize)]
struct EquipmentWire {
    id: EquipmentId,
    #[serde(default, deserialize_with = "crate::de::opt_lossy_string")]
    serial_number: Option<String>,
    #[serde(default, deserialize_with = "crate::de::opt_lossy_string")]
    inventory_number: Option<String>,
    #[serde(default, deserialize_with = "crate::de::opt_lossy_string")]
    comment: Option<String>,
    #[serde(default, deserialize_with = "crate::de::opt_id")]
    equipment_kind_id: Option<EquipmentKindId>,
    #[serde(default, deserialize_with = "crate::de::opt_id")]
    equipment_manufacturer_id: Option<ManufacturerId>,
    #[serde(default, deserialize_with = "crate::de::opt_id")]
    equipment_model_id: Option<EquipmentModelId>,
    #[serde(default)]
    equipment_kind: Option<DirectoryRef>,
    #[serde(default)]
    equipment_manufacturer: Option<DirectoryRef>,
    #[serde(default)]
    equipment_model: Option<DirectoryRef>,
    #[serde(default, deserialize_with = "crate::de::opt_id")]
    company_id: Option<CompanyId>,
    #[serde(default)]
    company: Option<IdOnly>,
    #[serde(default, deserialize_with = "crate::de::opt_id")]
    maintenance_entity_id: Option<MaintenanceEntityId>,
    #[serde(default)]
    maintenance_entity: Option<IdOnly>,
    #[serde(default, deserialize_with = "crate::de::opt_id")]
    parent_id: Option<EquipmentId>,
    #[serde(default, deserialize_with = "crate::de::null_default")]
    agreements: Vec<AgreementRef>,
    #[serde(default, deserialize_with = "crate::de::null_default")]
    parameters: Vec<Parameter>,
}

impl<'de> Deserialize<'de> for Equipment {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let w = EquipmentWire::deserialize(d)?;
        let nested = |r: &Option<DirectoryRef>| r.as_ref().and_then(|r| r.id);
        Ok(Equipment {
            id: w.id,
            serial_number: w.serial_number,
            inventory_number: w.inventory_number,
            comment: w.comment,
            equipment_kind_id: w
                .equipment_kind_id
                .or(nested(&w.equipment_kind).map(Into::into)),
            equipment_manufacturer_id: w
                .equipment_manufacturer_id
                .or(nested(&w.equipment_manufacturer).map(Into::into)),
            equipment_model_id: w
                .equipment_model_id
                .or(nested(&w.equipment_model).map(Into::into)),
            equipment_kind: w.equipment_kind,
            equipment_manufacturer: w.equipment_manufacturer,
            equipment_model: w.equipment_model,
            company_id: w
                .company_id
                .or(w.company.and_then(|c| c.id).map(Into::into)),
            maintenance_entity_id: w
                .maintenance_entity_id
                .or(w.maintenance_entity.and_then(|m| m.id).map(Into::into)),
            parent_id: w.parent_id,
            agreements: w.agreements,
            parameters: w.parameters,
        })
    }
}

/// An equipment kind (Тип оборудования).
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
pub struct EquipmentKind {
    /// The id.
    pub id: EquipmentKindId,
    /// The code.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub code: String,
    /// The name.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub name: String,
    /// The description.
    #[serde(default, deserialize_with = "crate::de::opt_lossy_string")]
    pub description: Option<String>,
    /// Whether it is offered in the UI.
    #[serde(default)]
    pub visible: Option<bool>,
    /// The custom parameters equipment of this kind has (`{name, field_type}`), raw.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub parameters: Vec<serde_json::Value>,
}

impl HasId for EquipmentKind {
    fn page_id(&self) -> u64 {
        self.id.0
    }
}

/// An equipment manufacturer (Производитель).
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
pub struct Manufacturer {
    /// The id.
    pub id: ManufacturerId,
    /// The code.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub code: String,
    /// The name.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub name: String,
    /// The description.
    #[serde(default, deserialize_with = "crate::de::opt_lossy_string")]
    pub description: Option<String>,
    /// Whether it is offered in the UI.
    #[serde(default)]
    pub visible: Option<bool>,
}

impl HasId for Manufacturer {
    fn page_id(&self) -> u64 {
        self.id.0
    }
}

/// An equipment model (Модель).
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
pub struct EquipmentModel {
    /// The id.
    pub id: EquipmentModelId,
    /// The code.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub code: String,
    /// The name.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub name: String,
    /// The description.
    #[serde(default, deserialize_with = "crate::de::opt_lossy_string")]
    pub description: Option<String>,
    /// Whether it is offered in the UI.
    #[serde(default)]
    pub visible: Option<bool>,
    /// The kind it belongs to.
    #[serde(default)]
    pub equipment_kind: Option<DirectoryRef>,
    /// The manufacturer.
    #[serde(default)]
    pub equipment_manufacturer: Option<DirectoryRef>,
}

impl HasId for EquipmentModel {
    fn page_id(&self) -> u64 {
        self.id.0
    }
}
