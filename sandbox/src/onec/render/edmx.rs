//! `$metadata`: EDMX 1.0 / OData 3 with the `StandardODATA` namespace, the `EnterpriseV8`
//! container, entity types for objects and for tabular sections, `…_RowType` complex types,
//! associations with roles `Begin`/`End`, and `Post`/`Unpost` function imports, laid out like the
//! real УТ 11 capture (tab indentation, attributes on their own lines).

use std::fmt::Write as _;

use crate::onec::schema::{Kind, Prop, Schema};

use super::atom::esc;

fn property(out: &mut String, indent: &str, p: &Prop, nullable: bool) {
    let _ = write!(
        out,
        "\n{indent}<Property Name=\"{}\"\n{indent}\t\tType=\"{}\"\n{indent}\t\tNullable=\"{nullable}\"/>",
        esc(&p.name),
        p.edm.name()
    );
}

fn key(out: &mut String, names: &[&str]) {
    out.push_str("\n\t\t\t\t<Key>");
    for n in names {
        let _ = write!(out, "\n\t\t\t\t\t<PropertyRef Name=\"{}\"/>", esc(n));
    }
    out.push_str("\n\t\t\t\t</Key>");
}

fn navigation(out: &mut String, owner_type: &str, nav: &str) {
    let _ = write!(
        out,
        "\n\t\t\t\t<NavigationProperty Name=\"{n}\"\n\t\t\t\t\t\tRelationship=\"StandardODATA.{o}_{n}\"\n\t\t\t\t\t\tFromRole=\"Begin\"\n\t\t\t\t\t\tToRole=\"End\"/>",
        n = esc(nav),
        o = esc(owner_type)
    );
}

const STANDARD_COMPLEX_TYPES: &str = r#"
			<ComplexType Name="TypeDescription">
				<Property Name="Types"
						Type="Collection(Edm.String)"
						Nullable="false"/>
				<Property Name="NumberQualifiers"
						Type="StandardODATA.NumberQualifiers"
						Nullable="false"/>
				<Property Name="StringQualifiers"
						Type="StandardODATA.StringQualifiers"
						Nullable="false"/>
				<Property Name="DateQualifiers"
						Type="StandardODATA.DateQualifiers"
						Nullable="false"/>
				<Property Name="BinaryDataQualifiers"
						Type="StandardODATA.BinaryDataQualifiers"
						Nullable="false"/>
			</ComplexType>
			<ComplexType Name="NumberQualifiers">
				<Property Name="AllowedSign"
						Type="Edm.String"
						Nullable="false"/>
				<Property Name="Digits"
						Type="Edm.Int16"
						Nullable="false"/>
				<Property Name="FractionDigits"
						Type="Edm.Int16"
						Nullable="false"/>
			</ComplexType>
			<ComplexType Name="StringQualifiers">
				<Property Name="AllowedLength"
						Type="Edm.String"
						Nullable="false"/>
				<Property Name="Length"
						Type="Edm.Int64"
						Nullable="false"/>
			</ComplexType>
			<ComplexType Name="DateQualifiers">
				<Property Name="DateFractions"
						Type="Edm.String"
						Nullable="false"/>
			</ComplexType>
			<ComplexType Name="BinaryDataQualifiers">
				<Property Name="AllowedLength"
						Type="Edm.String"
						Nullable="false"/>
				<Property Name="Length"
						Type="Edm.Int64"
						Nullable="false"/>
			</ComplexType>
			<ComplexType Name="PointInTime">
				<Property Name="Ref"
						Type="Edm.String"
						Nullable="false"/>
				<Property Name="Date"
						Type="Edm.DateTime"
						Nullable="false"/>
			</ComplexType>"#;

/// The whole `$metadata` document.
pub(crate) fn metadata(schema: &Schema) -> String {
    let mut out = String::with_capacity(64 * 1024);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<edmx:Edmx xmlns:edmx=\"http://schemas.microsoft.com/ado/2007/06/edmx\"\n\t\tVersion=\"1.0\">\n\t<edmx:DataServices xmlns:m=\"http://schemas.microsoft.com/ado/2007/08/dataservices/metadata\"\n\t\t\tm:DataServiceVersion=\"3.0\"\n\t\t\tm:MaxDataServiceVersion=\"3.0\">\n\t\t<Schema xmlns=\"http://schemas.microsoft.com/ado/2009/11/edm\"\n\t\t\t\tNamespace=\"StandardODATA\">");
    // (association name, begin type, end type)
    let mut associations: Vec<(String, String, String)> = Vec::new();
    let indent = "\t\t\t\t";
    for set in &schema.sets {
        let _ = write!(out, "\n\t\t\t<EntityType Name=\"{}\">", esc(&set.name));
        if set.is_object() {
            key(&mut out, &["Ref_Key"]);
        } else {
            let dims: Vec<&str> = set.dimensions().map(|p| p.name.as_str()).collect();
            key(&mut out, &dims);
        }
        for p in &set.props {
            let nullable = !(p.name == "Ref_Key" || p.dimension);
            property(&mut out, indent, p, nullable);
        }
        for t in &set.tables {
            let _ = write!(
                out,
                "\n{indent}<Property Name=\"{n}\"\n{indent}\t\tType=\"Collection(StandardODATA.{s}_{n}_RowType)\"\n{indent}\t\tNullable=\"true\"/>",
                n = esc(&t.name),
                s = esc(&set.name)
            );
        }
        for p in &set.props {
            if let (Some(nav), Some(target)) = (p.navigation(), &p.target) {
                if p.name == "Ref_Key" {
                    continue;
                }
                navigation(&mut out, &set.name, nav);
                associations.push((
                    format!("{}_{nav}", set.name),
                    set.name.clone(),
                    target.clone(),
                ));
            }
        }
        out.push_str("\n\t\t\t</EntityType>");
        for t in &set.tables {
            let row_set = format!("{}_{}", set.name, t.name);
            let _ = write!(out, "\n\t\t\t<EntityType Name=\"{}\">", esc(&row_set));
            key(&mut out, &["Ref_Key", "LineNumber"]);
            for p in crate::onec::view::row_key_props() {
                property(&mut out, indent, p, false);
            }
            for c in &t.columns {
                property(&mut out, indent, c, true);
            }
            for c in &t.columns {
                if let (Some(nav), Some(target)) = (c.navigation(), &c.target) {
                    navigation(&mut out, &row_set, nav);
                    associations.push((
                        format!("{row_set}_{nav}"),
                        row_set.clone(),
                        target.clone(),
                    ));
                }
            }
            out.push_str("\n\t\t\t</EntityType>");
        }
    }
    out.push_str(STANDARD_COMPLEX_TYPES);
    for set in &schema.sets {
        for t in &set.tables {
            let _ = write!(
                out,
                "\n\t\t\t<ComplexType Name=\"{}_{}_RowType\">",
                esc(&set.name),
                esc(&t.name)
            );
            for p in crate::onec::view::row_key_props() {
                property(&mut out, indent, p, false);
            }
            for c in &t.columns {
                property(&mut out, indent, c, true);
            }
            out.push_str("\n\t\t\t</ComplexType>");
        }
    }
    for (name, begin, end) in &associations {
        let _ = write!(
            out,
            "\n\t\t\t<Association Name=\"{}\">\n\t\t\t\t<End Role=\"Begin\"\n\t\t\t\t\t\tType=\"StandardODATA.{}\"\n\t\t\t\t\t\tMultiplicity=\"*\"/>\n\t\t\t\t<End Role=\"End\"\n\t\t\t\t\t\tType=\"StandardODATA.{}\"\n\t\t\t\t\t\tMultiplicity=\"0..1\"/>\n\t\t\t</Association>",
            esc(name),
            esc(begin),
            esc(end)
        );
    }
    out.push_str("\n\t\t\t<EntityContainer Name=\"EnterpriseV8\"\n\t\t\t\t\tm:IsDefaultEntityContainer=\"true\">");
    for set in &schema.sets {
        let _ = write!(
            out,
            "\n\t\t\t\t<EntitySet Name=\"{n}\"\n\t\t\t\t\t\tEntityType=\"StandardODATA.{n}\"/>",
            n = esc(&set.name)
        );
        for t in &set.tables {
            let _ = write!(
                out,
                "\n\t\t\t\t<EntitySet Name=\"{n}_{t}\"\n\t\t\t\t\t\tEntityType=\"StandardODATA.{n}_{t}\"/>",
                n = esc(&set.name),
                t = esc(&t.name)
            );
        }
    }
    for set in schema
        .sets
        .iter()
        .filter(|s| s.kind == Kind::Document && s.postable)
    {
        for function in ["Post", "Unpost"] {
            let _ = write!(
                out,
                "\n\t\t\t\t<FunctionImport Name=\"{function}\"\n\t\t\t\t\t\tIsBindable=\"true\"\n\t\t\t\t\t\tIsSideEffecting=\"true\">\n\t\t\t\t\t<Parameter Name=\"bindingParameter\"\n\t\t\t\t\t\t\tType=\"StandardODATA.{}\"/>\n\t\t\t\t\t<Parameter Name=\"PostingModeOperational\"\n\t\t\t\t\t\t\tType=\"Edm.Boolean\"/>\n\t\t\t\t</FunctionImport>",
                esc(&set.name)
            );
        }
    }
    out.push_str("\n\t\t\t</EntityContainer>\n\t\t</Schema>\n\t</edmx:DataServices>\n</edmx:Edmx>");
    out
}
