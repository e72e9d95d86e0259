//! The real metadata of УТ 11, КА 2, УНФ and УТ 10.3 as the simulator's base: the
//! `conformance/onec/<conf>-dump/metadata.xml` fixtures (derived from public dumps of the real
//! configurations, see `conformance/onec/DUMPS.md`) give every published entity set, property
//! and tabular-section column with its EDM type, the reference targets that have navigation
//! properties, and the register keys; `enums.json` next to them gives the values each enum-typed
//! property accepts. What the fixtures cannot say (composite type lists, references to objects
//! outside the fixture, whether a document may be posted) comes from the `.txt` schemas.
//!
//! This reader is the simulator's own (quick-xml): it never shares code with the client's
//! `$metadata` parser, so the two cannot share a misreading.

use std::collections::HashMap;

use quick_xml::events::Event;
use quick_xml::Reader;

use super::{Edm, Kind, Prop, SetDef, Table};

/// One configuration's fixture files.
pub(crate) struct Fixture {
    pub(crate) name: &'static str,
    pub(crate) metadata: &'static str,
    pub(crate) enums: &'static str,
}

/// The fixture a schema code is built on: ЭСТИ is УТ 11 underneath, so it shares УТ 11's.
pub(crate) fn for_code(code: &str) -> Option<Fixture> {
    Some(match code {
        "ut11" | "esti" => Fixture {
            name: "ut11-dump",
            metadata: include_str!("../../../../conformance/onec/ut11-dump/metadata.xml"),
            enums: include_str!("../../../../conformance/onec/ut11-dump/enums.json"),
        },
        "ka" => Fixture {
            name: "ka-dump",
            metadata: include_str!("../../../../conformance/onec/ka-dump/metadata.xml"),
            enums: include_str!("../../../../conformance/onec/ka-dump/enums.json"),
        },
        "unf" => Fixture {
            name: "unf-dump",
            metadata: include_str!("../../../../conformance/onec/unf-dump/metadata.xml"),
            enums: include_str!("../../../../conformance/onec/unf-dump/enums.json"),
        },
        "ut103" => Fixture {
            name: "ut103-dump",
            metadata: include_str!("../../../../conformance/onec/ut103-dump/metadata.xml"),
            enums: include_str!("../../../../conformance/onec/ut103-dump/enums.json"),
        },
        _ => return None,
    })
}

/// A fixture that does not read: a bug in the files shipped with the repository.
#[derive(Debug, thiserror::Error)]
#[error("fixture {fixture}: {message}")]
pub(crate) struct FixtureError {
    fixture: &'static str,
    message: String,
}

/// One entity type as the fixture declares it.
#[derive(Default)]
struct EntityType {
    key: Vec<String>,
    /// (name, EDM type text) in declaration order.
    props: Vec<(String, String)>,
    /// (navigation name, association name).
    navs: Vec<(String, String)>,
}

/// Standard (English) property names: not configuration attributes, some not writable.
pub(crate) fn is_standard(name: &str) -> bool {
    matches!(
        name,
        "Ref_Key"
            | "Predefined"
            | "PredefinedDataName"
            | "DataVersion"
            | "Description"
            | "Code"
            | "Parent_Key"
            | "IsFolder"
            | "DeletionMark"
            | "Owner_Key"
            | "Owner"
            | "Owner_Type"
            | "Number"
            | "Date"
            | "Posted"
            | "Period"
    )
}

fn edm(fixture: &'static str, ty: &str) -> Result<Edm, FixtureError> {
    Ok(match ty {
        "Edm.String" => Edm::String,
        "Edm.Guid" => Edm::Guid,
        "Edm.DateTime" => Edm::DateTime,
        "Edm.Boolean" => Edm::Boolean,
        "Edm.Double" => Edm::Double,
        "Edm.Int16" => Edm::Int16,
        "Edm.Int64" => Edm::Int64,
        "Edm.Binary" => Edm::Binary,
        other => {
            return Err(FixtureError {
                fixture,
                message: format!("unexpected property type {other}"),
            })
        }
    })
}

/// Reads the entity sets of a fixture, with enum values from its `enums.json`.
pub(crate) fn sets(fixture: &Fixture) -> Result<Vec<SetDef>, FixtureError> {
    let fail = |message: String| FixtureError {
        fixture: fixture.name,
        message,
    };
    let mut types: HashMap<String, EntityType> = HashMap::new();
    let mut associations: HashMap<String, String> = HashMap::new();
    let mut set_names: Vec<String> = Vec::new();
    let mut reader = Reader::from_str(fixture.metadata);
    // The entity type or association being read.
    let mut in_type: Option<String> = None;
    let mut in_association: Option<String> = None;
    loop {
        let event = reader.read_event().map_err(|e| fail(format!("XML: {e}")))?;
        let (e, empty) = match &event {
            Event::Start(e) => (e.clone(), false),
            Event::Empty(e) => (e.clone(), true),
            Event::End(e) => {
                match e.local_name().as_ref() {
                    b"EntityType" => in_type = None,
                    b"Association" => in_association = None,
                    _ => {}
                }
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let attr = |name: &str| {
            e.attributes()
                .flatten()
                .find(|a| a.key.local_name().as_ref() == name.as_bytes())
                .map(|a| String::from_utf8_lossy(&a.value).into_owned())
        };
        match e.local_name().as_ref() {
            b"EntityType" => {
                let name = attr("Name").ok_or_else(|| fail("EntityType without Name".into()))?;
                types.insert(name.clone(), EntityType::default());
                if !empty {
                    in_type = Some(name);
                }
            }
            b"PropertyRef" => {
                if let (Some(t), Some(n)) = (&in_type, attr("Name")) {
                    if let Some(t) = types.get_mut(t) {
                        t.key.push(n);
                    }
                }
            }
            b"Property" => {
                if let (Some(t), Some(n), Some(ty)) = (&in_type, attr("Name"), attr("Type")) {
                    if let Some(t) = types.get_mut(t) {
                        t.props.push((n, ty));
                    }
                }
            }
            b"NavigationProperty" => {
                if let (Some(t), Some(n), Some(r)) = (&in_type, attr("Name"), attr("Relationship"))
                {
                    let r = r.strip_prefix("StandardODATA.").unwrap_or(&r).to_owned();
                    if let Some(t) = types.get_mut(t) {
                        t.navs.push((n, r));
                    }
                }
            }
            b"Association" => in_association = attr("Name"),
            b"End" => {
                if let (Some(a), Some("End"), Some(ty)) =
                    (&in_association, attr("Role").as_deref(), attr("Type"))
                {
                    let ty = ty.strip_prefix("StandardODATA.").unwrap_or(&ty).to_owned();
                    associations.insert(a.clone(), ty);
                }
            }
            b"EntitySet" => {
                set_names.push(attr("Name").ok_or_else(|| fail("EntitySet without Name".into()))?)
            }
            _ => {}
        }
    }
    let enums = Enums::parse(fixture.enums).map_err(|e| fail(format!("enums.json: {e}")))?;

    // Tabular sections are published as sets too; they are read as tables of their owner.
    let mut table_sets: Vec<String> = Vec::new();
    for name in &set_names {
        if let Some(t) = types.get(name) {
            for (_, ty) in &t.props {
                if let Some(row) = ty
                    .strip_prefix("Collection(StandardODATA.")
                    .and_then(|r| r.strip_suffix("_RowType)"))
                {
                    table_sets.push(row.to_owned());
                }
            }
        }
    }
    let mut out = Vec::new();
    for name in set_names.iter().filter(|n| !table_sets.contains(n)) {
        let kind = match name.split('_').next() {
            Some("Catalog") => Kind::Catalog,
            Some("Document") => Kind::Document,
            Some("InformationRegister") => Kind::InformationRegister,
            Some("ExchangePlan") => Kind::ExchangePlan,
            _ => return Err(fail(format!("{name}: unknown kind of object"))),
        };
        let ty = types
            .get(name)
            .ok_or_else(|| fail(format!("{name}: no entity type")))?;
        let targets = nav_targets(ty, &associations);
        let mut props = Vec::new();
        let mut tables = Vec::new();
        for (p, t) in &ty.props {
            if let Some(row) = t
                .strip_prefix("Collection(StandardODATA.")
                .and_then(|r| r.strip_suffix("_RowType)"))
            {
                let row_type = types
                    .get(row)
                    .ok_or_else(|| fail(format!("{row}: no entity type")))?;
                let row_targets = nav_targets(row_type, &associations);
                let mut columns = Vec::new();
                for (c, ct) in &row_type.props {
                    if c == "Ref_Key" || c == "LineNumber" {
                        continue;
                    }
                    let mut col = Prop::new(c, edm(fixture.name, ct)?);
                    col.target = row_targets.get(c.as_str()).cloned();
                    col.allowed = enums.values(&format!("{name}.{p}.{c}"));
                    columns.push(col);
                }
                mark_composites(&mut columns);
                tables.push(Table {
                    name: p.clone(),
                    columns,
                });
                continue;
            }
            let mut prop = Prop::new(p, edm(fixture.name, t)?);
            prop.standard = is_standard(p);
            prop.target = if p == "Ref_Key" {
                Some(name.clone())
            } else {
                targets.get(p.as_str()).cloned()
            };
            prop.dimension = kind == Kind::InformationRegister && ty.key.contains(p);
            prop.allowed = enums.values(&format!("{name}.{p}"));
            props.push(prop);
        }
        mark_composites(&mut props);
        let has_code = props.iter().any(|p| p.name == "Code");
        out.push(SetDef {
            name: name.clone(),
            kind,
            props,
            tables,
            postable: false,
            has_code,
        });
    }
    Ok(out)
}

/// `X_Key` → the set its navigation property `X` points at.
fn nav_targets(ty: &EntityType, associations: &HashMap<String, String>) -> HashMap<String, String> {
    ty.navs
        .iter()
        .filter_map(|(nav, assoc)| {
            let target = associations.get(assoc)?;
            Some((format!("{nav}_Key"), target.clone()))
        })
        .collect()
}

/// A string `X` next to a string `X_Type` is a composite. Which types it may hold the fixture
/// does not say; until a `.txt` schema lists them, any type is accepted (`*`).
fn mark_composites(props: &mut [Prop]) {
    let names: Vec<String> = props.iter().map(|p| p.name.clone()).collect();
    for p in props.iter_mut() {
        if let Some(base) = p.name.strip_suffix("_Type") {
            if names.iter().any(|n| n == base) {
                p.type_of = true;
            }
        } else if names.iter().any(|n| *n == format!("{}_Type", p.name)) {
            p.composite = vec![ANY_TYPE.to_owned()];
        }
    }
}

/// The composite type list entry that accepts any type.
pub(crate) const ANY_TYPE: &str = "*";

/// `enums.json`: the values of each enum and which property uses which enum.
struct Enums {
    enums: HashMap<String, Vec<String>>,
    property_enum: HashMap<String, String>,
}

impl Enums {
    fn parse(text: &str) -> Result<Enums, serde_json::Error> {
        #[derive(serde::Deserialize)]
        struct Raw {
            enums: HashMap<String, Vec<String>>,
            property_enum: HashMap<String, String>,
        }
        let raw: Raw = serde_json::from_str(text)?;
        Ok(Enums {
            enums: raw.enums,
            property_enum: raw.property_enum,
        })
    }

    /// The values a property accepts; empty when it is no enum or the fixture lists no values for
    /// its enum (then any text is accepted, as the simulator cannot tell).
    fn values(&self, key: &str) -> Vec<String> {
        self.property_enum
            .get(key)
            .and_then(|e| self.enums.get(e))
            .cloned()
            .unwrap_or_default()
    }
}
