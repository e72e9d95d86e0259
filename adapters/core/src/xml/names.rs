//! Names in the universal exchange format and their OData spellings.
//!
//! The XML names an object by its XDTO type (`CatalogObject.Контрагенты`) and a reference by its
//! `xsi:type` (`v8:CatalogRef.Контрагенты`); the OData interface, which every adapter is written
//! against, names the same things `Catalog_Контрагенты` and `StandardODATA.Catalog_Контрагенты`.

/// XDTO object kinds whose elements hold one object, with the OData prefix of their sets.
const OBJECT_KINDS: &[(&str, &str)] = &[
    ("CatalogObject", "Catalog"),
    ("DocumentObject", "Document"),
    (
        "ChartOfCharacteristicTypesObject",
        "ChartOfCharacteristicTypes",
    ),
    ("ChartOfAccountsObject", "ChartOfAccounts"),
    ("ChartOfCalculationTypesObject", "ChartOfCalculationTypes"),
    ("ExchangePlanObject", "ExchangePlan"),
    ("BusinessProcessObject", "BusinessProcess"),
    ("TaskObject", "Task"),
    ("ConstantValueManager", "Constant"),
];

/// XDTO record-set kinds, whose `Record` children are one OData entity each.
const RECORD_SET_KINDS: &[(&str, &str)] = &[
    ("InformationRegisterRecordSet", "InformationRegister"),
    ("AccumulationRegisterRecordSet", "AccumulationRegister"),
    ("AccountingRegisterRecordSet", "AccountingRegister"),
    ("CalculationRegisterRecordSet", "CalculationRegister"),
];

/// XDTO reference kinds that OData writes as `X_Key` GUIDs.
const REF_KINDS: &[(&str, &str)] = &[
    ("CatalogRef", "Catalog"),
    ("DocumentRef", "Document"),
    (
        "ChartOfCharacteristicTypesRef",
        "ChartOfCharacteristicTypes",
    ),
    ("ChartOfAccountsRef", "ChartOfAccounts"),
    ("ChartOfCalculationTypesRef", "ChartOfCalculationTypes"),
    ("ExchangePlanRef", "ExchangePlan"),
    ("BusinessProcessRef", "BusinessProcess"),
    ("TaskRef", "Task"),
];

/// Primitive XML Schema types and their EDM names, for composite attributes holding a primitive.
const PRIMITIVES: &[(&str, &str)] = &[
    ("string", "Edm.String"),
    ("decimal", "Edm.Double"),
    ("boolean", "Edm.Boolean"),
    ("dateTime", "Edm.DateTime"),
    ("base64Binary", "Edm.Binary"),
];

/// The OData prefix for the empty value of a composite attribute.
pub(crate) const UNDEFINED_TYPE: &str = "StandardODATA.Undefined";

/// What an element directly under `V8Exch:Data` holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DataElement {
    /// One object of the given OData set.
    Object(String),
    /// A register record set whose records belong to the given OData set.
    RecordSet(String),
    /// An object deletion (exchange plans write them); nothing to read.
    Deletion,
}

/// Classifies an element name (local part) found under `V8Exch:Data`; `None` for a name that is not
/// an XDTO object type.
pub(crate) fn data_element(local: &str) -> Option<DataElement> {
    if local == "ObjectDeletion" {
        return Some(DataElement::Deletion);
    }
    let (kind, name) = local.split_once('.')?;
    if name.is_empty() || name.contains('.') {
        return None;
    }
    if let Some((_, prefix)) = OBJECT_KINDS.iter().find(|(k, _)| *k == kind) {
        return Some(DataElement::Object(format!("{prefix}_{name}")));
    }
    RECORD_SET_KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, prefix)| DataElement::RecordSet(format!("{prefix}_{name}")))
}

/// The XDTO element name (without namespace prefix) of an OData set's object, and whether it is a
/// record set: `Document_ЗаказКлиента` → `DocumentObject.ЗаказКлиента`.
pub(crate) fn object_element(set: &str) -> Option<(String, bool)> {
    let (prefix, name) = set.split_once('_')?;
    if let Some((kind, _)) = OBJECT_KINDS.iter().find(|(_, p)| *p == prefix) {
        return Some((format!("{kind}.{name}"), false));
    }
    RECORD_SET_KINDS
        .iter()
        .find(|(_, p)| *p == prefix)
        .map(|(kind, _)| (format!("{kind}.{name}"), true))
}

/// How a value's `xsi:type` reads in OData terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ValueType {
    /// A reference: OData writes it as `X_Key` (or `X` + `X_Type` when composite); the string is
    /// the `_Type` value, `StandardODATA.Catalog_Контрагенты`.
    Reference(String),
    /// Anything else with its `_Type` value: an enum (`StandardODATA.Enum_…`) or a primitive.
    Value(String),
}

/// Reads an `xsi:type` value such as `v8:CatalogRef.Контрагенты` or `xs:string`.
pub(crate) fn value_type(xsi_type: &str) -> ValueType {
    let local = xsi_type.rsplit_once(':').map_or(xsi_type, |(_, l)| l);
    if let Some((kind, name)) = local.split_once('.') {
        if let Some((_, prefix)) = REF_KINDS.iter().find(|(k, _)| *k == kind) {
            return ValueType::Reference(format!("StandardODATA.{prefix}_{name}"));
        }
        if kind == "EnumRef" {
            return ValueType::Value(format!("StandardODATA.Enum_{name}"));
        }
    }
    if let Some((_, edm)) = PRIMITIVES.iter().find(|(x, _)| *x == local) {
        return ValueType::Value((*edm).to_owned());
    }
    ValueType::Value(local.to_owned())
}

/// The `xsi:type` to write for an OData `_Type` value: `StandardODATA.Document_X` →
/// `v8:DocumentRef.X`, `Edm.String` → `xs:string`; `None` for the undefined type.
pub(crate) fn xsi_type_of(odata_type: &str) -> Option<String> {
    if odata_type == UNDEFINED_TYPE || odata_type.is_empty() {
        return None;
    }
    if let Some((_, xs)) = PRIMITIVES.iter().find(|(_, edm)| *edm == odata_type) {
        return Some(format!("xs:{xs}"));
    }
    let set = odata_type
        .strip_prefix("StandardODATA.")
        .unwrap_or(odata_type);
    let (prefix, name) = set.split_once('_')?;
    if prefix == "Enum" {
        return Some(format!("v8:EnumRef.{name}"));
    }
    REF_KINDS
        .iter()
        .find(|(_, p)| *p == prefix)
        .map(|(kind, _)| format!("v8:{kind}.{name}"))
}

/// Whether text is a GUID as 1C writes it (`8-4-4-4-12` hex digits), the shape of an untyped
/// reference.
pub(crate) fn is_guid(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_names_map_both_ways() {
        assert_eq!(
            data_element("CatalogObject.Контрагенты"),
            Some(DataElement::Object("Catalog_Контрагенты".into()))
        );
        assert_eq!(
            data_element("InformationRegisterRecordSet.КонтактнаяИнформация"),
            Some(DataElement::RecordSet(
                "InformationRegister_КонтактнаяИнформация".into()
            ))
        );
        assert_eq!(data_element("Контрагенты"), None);
        assert_eq!(data_element("SomethingObject.X"), None);
        assert_eq!(
            object_element("Document_ЗаказКлиента"),
            Some(("DocumentObject.ЗаказКлиента".into(), false))
        );
    }

    #[test]
    fn types_map_both_ways() {
        assert_eq!(
            value_type("v8:DocumentRef.ЗаказКлиента"),
            ValueType::Reference("StandardODATA.Document_ЗаказКлиента".into())
        );
        assert_eq!(
            value_type("v8:EnumRef.ЮрФизЛицо"),
            ValueType::Value("StandardODATA.Enum_ЮрФизЛицо".into())
        );
        assert_eq!(
            value_type("xs:string"),
            ValueType::Value("Edm.String".into())
        );
        for t in [
            "StandardODATA.Document_ЗаказКлиента",
            "StandardODATA.Catalog_Партнеры",
            "StandardODATA.Enum_ЮрФизЛицо",
            "Edm.String",
        ] {
            let xsi = xsi_type_of(t).unwrap();
            let back = match value_type(&xsi) {
                ValueType::Reference(s) | ValueType::Value(s) => s,
            };
            assert_eq!(back, t);
        }
        assert_eq!(xsi_type_of(UNDEFINED_TYPE), None);
    }

    #[test]
    fn guid_shape() {
        assert!(is_guid("8d04ce3c-0b8c-11e5-80c6-0050568b35ac"));
        assert!(!is_guid("8d04ce3c0b8c11e580c60050568b35ac"));
        assert!(!is_guid("ООО Ромашка"));
    }
}
