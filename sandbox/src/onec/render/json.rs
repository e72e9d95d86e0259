//! JSON responses (`$format=json`): a collection is `{"odata.metadata": "…#Set", "value": […]}`,
//! a single entity is unwrapped with `…#Set/@Element`; Int64 travels as a string (also
//! `odata.count`), references get `X@navigationLinkUrl` companions in minimal metadata.

use rand::Rng;

use super::{key_of, row_columns, Shape, Slot};
use crate::onec::query::MetaLevel;
use crate::onec::store::Row;
use crate::onec::value::{json_string, Val};
use crate::onec::view::View;

/// Appends one entity object.
pub(crate) fn entity(
    out: &mut String,
    set: &str,
    view: &View<'_>,
    shape: &Shape<'_>,
    meta: MetaLevel,
    rng: &mut impl Rng,
) {
    out.push('{');
    body(out, set, view, shape, meta, rng, true);
    out.push('}');
}

fn body(
    out: &mut String,
    set: &str,
    view: &View<'_>,
    shape: &Shape<'_>,
    meta: MetaLevel,
    rng: &mut impl Rng,
    mut first: bool,
) {
    let mut sep = |out: &mut String| {
        if !first {
            out.push(',');
        }
        first = false;
    };
    let key = key_of(view);
    for slot in &shape.order {
        match *slot {
            Slot::Prop(i) => {
                let p = shape.props[i];
                sep(out);
                json_string(out, &p.name);
                out.push(':');
                view.value(&p.name).unwrap_or(Val::Null).write_json(out);
                if meta == MetaLevel::Minimal {
                    if let Some(nav) = p.navigation() {
                        out.push(',');
                        json_string(out, &format!("{nav}@navigationLinkUrl"));
                        out.push(':');
                        json_string(out, &format!("{set}({key})/{nav}"));
                    }
                }
            }
            Slot::Table(i) => {
                let (table, only) = shape.tables[i];
                sep(out);
                json_string(out, &table.name);
                out.push_str(":[");
                if let View::Object { obj, .. } = view {
                    let cols = row_columns(table, only, rng);
                    let rows: &[Row] = obj.tables.get(&table.name).map_or(&[], Vec::as_slice);
                    for (n, row) in rows.iter().enumerate() {
                        if n > 0 {
                            out.push(',');
                        }
                        out.push('{');
                        for (c, col) in cols.iter().enumerate() {
                            if c > 0 {
                                out.push(',');
                            }
                            json_string(out, &col.name);
                            out.push(':');
                            match row.get(&col.name) {
                                Some(v) => v.write_json(out),
                                None => Val::empty_for(col).write_json(out),
                            }
                        }
                        out.push('}');
                    }
                }
                out.push(']');
            }
        }
    }
}

/// A whole collection response.
pub(crate) fn collection<'a>(
    root: &str,
    set: &str,
    views: impl Iterator<Item = View<'a>>,
    shape: &Shape<'_>,
    meta: MetaLevel,
    count: Option<usize>,
    rng: &mut impl Rng,
) -> String {
    let mut out = String::with_capacity(4096);
    out.push('{');
    if meta == MetaLevel::Minimal {
        out.push_str("\"odata.metadata\":");
        json_string(&mut out, &format!("{root}$metadata#{set}"));
        out.push(',');
    }
    if let Some(n) = count {
        out.push_str("\"odata.count\":");
        json_string(&mut out, &n.to_string());
        out.push(',');
    }
    out.push_str("\"value\":[");
    for (i, v) in views.enumerate() {
        if i > 0 {
            out.push(',');
        }
        entity(&mut out, set, &v, shape, meta, rng);
    }
    out.push_str("]}");
    out
}

/// A single-entity response.
pub(crate) fn single(
    root: &str,
    set: &str,
    view: &View<'_>,
    shape: &Shape<'_>,
    meta: MetaLevel,
    rng: &mut impl Rng,
) -> String {
    let mut out = String::with_capacity(1024);
    out.push('{');
    let mut first = true;
    if meta == MetaLevel::Minimal {
        out.push_str("\"odata.metadata\":");
        json_string(&mut out, &format!("{root}$metadata#{set}/@Element"));
        first = false;
    }
    body(&mut out, set, view, shape, meta, rng, first);
    out.push('}');
    out
}
