//! Rendering entities in 1C's wire shapes: JSON (`odata.metadata` + `value`, single entities
//! unwrapped), Atom feeds and entries like the real captures, and the `$metadata` EDMX.
//!
//! Every response lays properties out in a freshly shuffled order, because real 1C does not keep
//! property order stable between responses and clients must not depend on it.

pub(crate) mod atom;
pub(crate) mod edmx;
pub(crate) mod json;

use std::collections::HashSet;

use rand::seq::SliceRandom;
use rand::Rng;

use super::query::Select;
use super::schema::{Prop, SetDef, Table};
use super::value::Val;
use super::view::{row_key_props, View};

/// A slot of the response's property order.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Slot {
    Prop(usize),
    Table(usize),
}

/// Which properties and tables a response carries, in which order.
pub(crate) struct Shape<'a> {
    pub(crate) props: Vec<&'a Prop>,
    pub(crate) tables: Vec<(&'a Table, Option<&'a HashSet<String>>)>,
    pub(crate) order: Vec<Slot>,
    /// The set's navigation properties (for links), independent of `$select`.
    pub(crate) navs: Vec<&'a Prop>,
}

impl<'a> Shape<'a> {
    /// The shape of an object set's entities.
    pub(crate) fn for_set(def: &'a SetDef, select: Option<&'a Select>, rng: &mut impl Rng) -> Self {
        let props: Vec<&Prop> = def
            .props
            .iter()
            .filter(|p| select.is_none_or(|s| s.wants_prop(&p.name)))
            .collect();
        let tables = def
            .tables
            .iter()
            .filter_map(|t| match select {
                None => Some((t, None)),
                Some(s) => s.wants_table(&t.name).map(|cols| (t, cols)),
            })
            .collect();
        let navs = def
            .props
            .iter()
            .filter(|p| p.navigation().is_some())
            .collect();
        Shape::shuffled(props, tables, navs, rng)
    }

    /// The shape of a tabular section published as a set: `Ref_Key`, `LineNumber`, the columns.
    pub(crate) fn for_table(
        table: &'a Table,
        select: Option<&'a Select>,
        rng: &mut impl Rng,
    ) -> Self {
        let props: Vec<&Prop> = row_key_props()
            .iter()
            .chain(table.columns.iter())
            .filter(|p| select.is_none_or(|s| s.wants_prop(&p.name)))
            .collect();
        let navs = table
            .columns
            .iter()
            .filter(|p| p.navigation().is_some())
            .collect();
        Shape::shuffled(props, Vec::new(), navs, rng)
    }

    fn shuffled(
        props: Vec<&'a Prop>,
        tables: Vec<(&'a Table, Option<&'a HashSet<String>>)>,
        navs: Vec<&'a Prop>,
        rng: &mut impl Rng,
    ) -> Self {
        let mut order: Vec<Slot> = (0..props.len())
            .map(Slot::Prop)
            .chain((0..tables.len()).map(Slot::Table))
            .collect();
        order.shuffle(rng);
        Shape {
            props,
            tables,
            order,
            navs,
        }
    }
}

/// Columns of a tabular section in a shuffled order, limited to a `$select` list.
pub(crate) fn row_columns<'a>(
    table: &'a Table,
    only: Option<&HashSet<String>>,
    rng: &mut impl Rng,
) -> Vec<&'a Prop> {
    let mut cols: Vec<&Prop> = std::iter::once(&row_key_props()[1])
        .chain(table.columns.iter())
        .filter(|c| only.is_none_or(|o| o.contains(&c.name) || c.name == "LineNumber"))
        .collect();
    cols.shuffle(rng);
    cols
}

/// The key of an entity inside parentheses: `guid'…'` for objects, named parts for register
/// records and tabular-section rows.
pub(crate) fn key_of(view: &View<'_>) -> String {
    match view {
        View::Object { def, obj } if def.is_object() => format!("guid'{}'", obj.id),
        View::Object { def, obj } => def
            .dimensions()
            .map(|p| {
                let v = obj
                    .get(&p.name)
                    .cloned()
                    .unwrap_or_else(|| Val::empty_for(p));
                format!("{}={}", p.name, literal(&v))
            })
            .collect::<Vec<_>>()
            .join(","),
        View::Row { owner, row, .. } => format!(
            "Ref_Key=guid'{}',LineNumber={}",
            owner.id,
            row.get("LineNumber").map(Val::text).unwrap_or_default()
        ),
    }
}

/// A value as an OData URL literal.
pub(crate) fn literal(v: &Val) -> String {
    match v {
        Val::Guid(g) => format!("guid'{g}'"),
        Val::Date(_) => format!("datetime'{}'", v.text()),
        Val::Str(s) => format!("'{}'", s.replace('\'', "''")),
        other => other.text(),
    }
}
