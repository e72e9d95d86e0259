//! A read view of one published entity: an object of a set or one row of a tabular section
//! published as its own set (`Document_X_Товары`, keyed by `Ref_Key` + `LineNumber`). Filters and
//! renderers read values through it, so unset properties read as 1C's empty values.

use super::schema::{Prop, SetDef, Table};
use super::store::{Obj, Row};
use super::value::Val;

#[derive(Clone, Copy)]
pub(crate) enum View<'a> {
    Object {
        def: &'a SetDef,
        obj: &'a Obj,
    },
    Row {
        table: &'a Table,
        owner: &'a Obj,
        row: &'a Row,
    },
}

/// `Ref_Key` and `LineNumber` of a row type, which are not listed among a table's columns.
pub(crate) fn row_key_props() -> &'static [Prop; 2] {
    static KEYS: std::sync::OnceLock<[Prop; 2]> = std::sync::OnceLock::new();
    KEYS.get_or_init(|| {
        let mut key = Prop::row_key("Ref_Key", super::schema::Edm::Guid);
        key.standard = true;
        let mut line = Prop::row_key("LineNumber", super::schema::Edm::Int64);
        line.standard = true;
        [key, line]
    })
}

impl<'a> View<'a> {
    /// The schema of a property, or `None` when the entity has no such property.
    pub(crate) fn prop(&self, name: &str) -> Option<&'a Prop> {
        match self {
            View::Object { def, .. } => def.prop(name),
            View::Row { table, .. } => match name {
                "Ref_Key" => Some(&row_key_props()[0]),
                "LineNumber" => Some(&row_key_props()[1]),
                _ => table.column(name),
            },
        }
    }

    /// The value of a known property without looking it up in the schema (the renderers' path).
    pub(crate) fn value_of(&self, prop: &Prop) -> std::borrow::Cow<'a, Val> {
        let stored = match self {
            View::Object { obj, .. } => obj.get(&prop.name),
            View::Row { owner, row, .. } => {
                if prop.name == "Ref_Key" {
                    return std::borrow::Cow::Owned(Val::Guid(owner.id));
                }
                row.get(&prop.name)
            }
        };
        match stored {
            Some(v) => std::borrow::Cow::Borrowed(v),
            None => std::borrow::Cow::Owned(Val::empty_for(prop)),
        }
    }

    /// The `Ref_Key` of an object view (the owner's for a row).
    pub(crate) fn id(&self) -> uuid::Uuid {
        match self {
            View::Object { obj, .. } => obj.id,
            View::Row { owner, .. } => owner.id,
        }
    }

    /// The value of a property (empty when unset), or `None` when there is no such property.
    pub(crate) fn value(&self, name: &str) -> Option<Val> {
        let prop = self.prop(name)?;
        let stored = match self {
            View::Object { obj, .. } => obj.get(name),
            View::Row { owner, row, .. } => {
                if name == "Ref_Key" {
                    return Some(Val::Guid(owner.id));
                }
                row.get(name)
            }
        };
        Some(stored.cloned().unwrap_or_else(|| Val::empty_for(prop)))
    }
}
