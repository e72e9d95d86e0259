//! The `$metadata` (CSDL/EDMX) parser: a streaming read of 1C's schema into [`Metadata`].
//!
//! Elements are matched by local name only, because the `edmx`/`edm`/`m` namespaces and their
//! prefixes drift between platform versions (one real dump even puts the container in a second
//! `Schema` under the OData v4 namespace). A full УТ 11.5 schema is about 15 MB with thousands of
//! types, so the document is read event by event and only names and types are kept.

use std::collections::{BTreeMap, HashMap};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::body::{looks_like_html, strip_bom};
use super::error::line_column;
use crate::metadata::{EntitySet, Metadata, Property};

/// Why a `$metadata` document could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EdmxError {
    /// The XML itself is broken.
    #[error("$metadata is not well-formed XML at line {line}, column {column}: {message}")]
    Xml {
        /// The 1-based line.
        line: usize,
        /// The 1-based column in characters.
        column: usize,
        /// The XML reader's message.
        message: String,
    },
    /// The document is XML (or HTML) but not an EDMX schema.
    #[error("$metadata is not an EDMX document: the root element is <{root}>")]
    NotEdmx {
        /// The root element found (`html` for an HTML error page).
        root: String,
    },
    /// An element lacks an attribute the schema cannot do without.
    #[error("$metadata line {line}, column {column}: <{element}> has no `{attribute}` attribute")]
    MissingAttribute {
        /// The element's local name.
        element: String,
        /// The attribute's name.
        attribute: &'static str,
        /// The 1-based line.
        line: usize,
        /// The 1-based column in characters.
        column: usize,
    },
}

/// Where the reader is inside the schema.
enum Scope {
    /// Outside any type.
    None,
    /// Inside an `EntityType` or `ComplexType` whose properties are being collected.
    Type(String),
}

/// Parses a `$metadata` document.
///
/// Entity sets get the properties of their entity type; a property typed
/// `Collection(StandardODATA.X_Y_RowType)` is also a tabular section `Y`… named after the
/// property, with the properties of that row type. A schema without an `EntityContainer` (seen in
/// trimmed dumps) gets one entity set per entity type that is not a row or record type.
pub fn parse(document: &[u8]) -> Result<Metadata, EdmxError> {
    let document = strip_bom(document);
    if looks_like_html(document) {
        return Err(EdmxError::NotEdmx {
            root: "html".into(),
        });
    }
    let mut reader = Reader::from_reader(document);
    let mut buf = Vec::with_capacity(512);

    let mut namespace = String::new();
    let mut container = String::new();
    let mut types: HashMap<String, Vec<Property>> = HashMap::new();
    let mut sets: Vec<(String, String)> = Vec::new();
    let mut entity_types: Vec<String> = Vec::new();
    let mut scope = Scope::None;
    let mut root_checked = false;

    loop {
        let position = reader.buffer_position();
        let event = reader.read_event_into(&mut buf).map_err(|e| {
            let offset = usize::try_from(reader.error_position()).unwrap_or(usize::MAX);
            let (line, column) = line_column(document, offset);
            EdmxError::Xml {
                line,
                column,
                message: e.to_string(),
            }
        })?;
        let at = |element: &BytesStart<'_>, attribute: &'static str| {
            let (line, column) =
                line_column(document, usize::try_from(position).unwrap_or(usize::MAX));
            EdmxError::MissingAttribute {
                element: String::from_utf8_lossy(element.local_name().as_ref()).into_owned(),
                attribute,
                line,
                column,
            }
        };
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let is_start = matches!(event, Event::Start(_));
                let local = e.local_name();
                if !root_checked {
                    root_checked = true;
                    if local.as_ref() != b"Edmx" {
                        return Err(EdmxError::NotEdmx {
                            root: String::from_utf8_lossy(e.name().as_ref()).into_owned(),
                        });
                    }
                    continue;
                }
                match local.as_ref() {
                    b"Schema" => {
                        // The first schema that declares a namespace is the data schema; a
                        // container-only `Default` schema must not replace it.
                        if let Some(ns) = attr(e, b"Namespace") {
                            if namespace.is_empty() || namespace == "Default" {
                                namespace = ns;
                            }
                        }
                    }
                    b"EntityType" | b"ComplexType" => {
                        let name = attr(e, b"Name").ok_or_else(|| at(e, "Name"))?;
                        if local.as_ref() == b"EntityType" {
                            entity_types.push(name.clone());
                        }
                        types.entry(name.clone()).or_default();
                        if is_start {
                            scope = Scope::Type(name);
                        }
                    }
                    b"Property" => {
                        if let Scope::Type(owner) = &scope {
                            let name = attr(e, b"Name").ok_or_else(|| at(e, "Name"))?;
                            let edm_type = attr(e, b"Type").unwrap_or_default();
                            let nullable = attr(e, b"Nullable").as_deref() != Some("false");
                            types.entry(owner.clone()).or_default().push(Property {
                                name,
                                edm_type,
                                nullable,
                            });
                        }
                    }
                    b"EntityContainer" => {
                        if let Some(name) = attr(e, b"Name") {
                            container = name;
                        }
                    }
                    b"EntitySet" => {
                        let name = attr(e, b"Name").ok_or_else(|| at(e, "Name"))?;
                        let ty = attr(e, b"EntityType").unwrap_or_else(|| name.clone());
                        sets.push((name, unqualified(&ty).to_owned()));
                    }
                    _ => {}
                }
            }
            Event::End(ref e) => {
                if matches!(e.local_name().as_ref(), b"EntityType" | b"ComplexType") {
                    scope = Scope::None;
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !root_checked {
        return Err(EdmxError::NotEdmx {
            root: "nothing (empty document)".into(),
        });
    }

    if sets.is_empty() {
        sets = entity_types
            .iter()
            .filter(|t| !t.ends_with("_RowType") && !t.ends_with("_RecordType"))
            .map(|t| (t.clone(), t.clone()))
            .collect();
    }

    let mut entity_sets = BTreeMap::new();
    for (name, entity_type) in sets {
        let properties = types.get(&entity_type).cloned().unwrap_or_default();
        let tables = properties
            .iter()
            .filter_map(|p| {
                let row_type = row_type_of(&p.edm_type)?;
                let columns = types.get(row_type)?.clone();
                Some((p.name.clone(), columns))
            })
            .collect();
        entity_sets.insert(
            name.clone(),
            EntitySet {
                name,
                entity_type,
                properties,
                tables,
            },
        );
    }
    Ok(Metadata {
        namespace,
        container,
        entity_sets,
    })
}

/// The row type named by `Collection(NS.X_RowType)`, without its namespace.
fn row_type_of(edm_type: &str) -> Option<&str> {
    let inner = edm_type.strip_prefix("Collection(")?.strip_suffix(')')?;
    let name = unqualified(inner);
    name.ends_with("_RowType").then_some(name)
}

/// A type name without its namespace (`StandardODATA.Catalog_X` → `Catalog_X`).
fn unqualified(name: &str) -> &str {
    name.rsplit_once('.').map_or(name, |(_, local)| local)
}

/// An attribute's unescaped value, matched by local name.
fn attr(e: &BytesStart<'_>, local: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local)
        .map(|a| match a.unescape_value() {
            Ok(v) => v.into_owned(),
            Err(_) => String::from_utf8_lossy(&a.value).into_owned(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DRIFTED: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<Edmx xmlns="http://docs.oasis-open.org/odata/ns/edmx" Version="4.0">
 <DataServices>
  <edm:Schema xmlns:edm="http://docs.oasis-open.org/odata/ns/edm" Namespace="StandardODATA">
   <edm:EntityType Name="Document_Счет"><edm:Key><edm:PropertyRef Name="Ref_Key"/></edm:Key>
    <edm:Property Name="Ref_Key" Type="Edm.Guid" Nullable="false"/>
    <edm:Property Name="Number" Type="Edm.String"/>
    <edm:Property Name="Товары" Type="Collection(StandardODATA.Document_Счет_Товары_RowType)"/>
    <edm:NavigationProperty Name="Контрагент" Relationship="StandardODATA.X" FromRole="Begin" ToRole="End"/>
   </edm:EntityType>
   <edm:ComplexType Name="Document_Счет_Товары_RowType">
    <edm:Property Name="LineNumber" Type="Edm.Int64" Nullable="false"/>
    <edm:Property Name="Цена" Type="Edm.Double"/>
   </edm:ComplexType>
  </edm:Schema>
  <Schema xmlns="http://docs.oasis-open.org/odata/ns/edm" Namespace="Default">
   <EntityContainer Name="EnterpriseV8"><EntitySet Name="Document_Счет" EntityType="StandardODATA.Document_Счет"/></EntityContainer>
  </Schema>
 </DataServices>
</Edmx>"#;

    #[test]
    fn tolerates_namespace_drift() {
        let meta = parse(DRIFTED.as_bytes()).unwrap();
        assert_eq!(meta.namespace, "StandardODATA");
        assert_eq!(meta.container, "EnterpriseV8");
        let set = meta.entity_set("Document_Счет").unwrap();
        assert!(set.has_property("Number"));
        assert!(!set.has_property("Контрагент"), "navigation is no property");
        let rows = &set.tables["Товары"];
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].name, "LineNumber");
        assert!(!rows[0].nullable);
        assert!(rows[1].nullable, "Nullable defaults to true");
    }

    #[test]
    fn broken_xml_has_a_position() {
        let doc = "<edmx:Edmx xmlns:edmx=\"x\">\n <Schema Namespace=\"S\">\n  <EntityType Name=\"A\"></Schema>";
        let err = parse(doc.as_bytes()).unwrap_err();
        let EdmxError::Xml { line, .. } = err else {
            panic!("{err:?}");
        };
        assert_eq!(line, 3, "{err}");
    }

    #[test]
    fn html_and_other_roots_are_refused() {
        assert_eq!(
            parse(b"<html><title>401</title></html>").unwrap_err(),
            EdmxError::NotEdmx {
                root: "html".into()
            }
        );
        assert_eq!(
            parse(b"<feed/>").unwrap_err(),
            EdmxError::NotEdmx {
                root: "feed".into()
            }
        );
    }

    #[test]
    fn missing_name_is_reported_with_position() {
        let doc = "<Edmx>\n<Schema Namespace=\"S\">\n<EntityType><Property Type=\"Edm.String\"/></EntityType></Schema></Edmx>";
        let err = parse(doc.as_bytes()).unwrap_err();
        assert!(
            matches!(
                err,
                EdmxError::MissingAttribute {
                    line: 3,
                    attribute: "Name",
                    ..
                }
            ),
            "{err:?}"
        );
    }
}
