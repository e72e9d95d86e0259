//! Atom responses, shaped like the real УТ 11 captures: entries with `id`, `category`, empty
//! `title`/`author`/`summary`, related links per reference, an `edit` link, and `m:properties`
//! whose tabular sections are `m:type="Collection(StandardODATA.…_RowType)"` with `d:element`
//! rows. Also the `SelectChanges` feed with `at:deleted-entry` tombstones.

use rand::Rng;

use super::{key_of, row_columns, Shape, Slot};
use crate::onec::store::Row;
use crate::onec::value::Val;
use crate::onec::view::View;

const NS: &str = "xmlns=\"http://www.w3.org/2005/Atom\" xmlns:at=\"http://purl.org/atompub/tombstones/1.0\" xmlns:d=\"http://schemas.microsoft.com/ado/2007/08/dataservices\" xmlns:m=\"http://schemas.microsoft.com/ado/2007/08/dataservices/metadata\"";

/// Escapes text and double-quoted attribute values; apostrophes stay, as in the real feeds
/// (`Catalog_X(guid'…')`).
pub(crate) fn esc(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains(['&', '<', '>', '"']) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

fn property(out: &mut String, name: &str, value: &Val) {
    let name = esc(name);
    match value {
        Val::Null => {
            out.push_str(&format!("\n\t<d:{name} m:null=\"true\"/>"));
        }
        v => {
            let text = v.text();
            if text.is_empty() {
                out.push_str(&format!("\n\t<d:{name}/>"));
            } else {
                out.push_str(&format!("\n\t<d:{name}>{}</d:{name}>", esc(&text)));
            }
        }
    }
}

/// Appends one `<entry>`; `root` is the service root ending in `/`, `updated` the timestamp.
#[allow(clippy::too_many_arguments)]
pub(crate) fn entry(
    out: &mut String,
    root: &str,
    set: &str,
    view: &View<'_>,
    shape: &Shape<'_>,
    updated: &str,
    rng: &mut impl Rng,
    namespaces: bool,
) {
    let key = key_of(view);
    let edit = format!("{set}({key})");
    if namespaces {
        out.push_str(&format!("<entry {NS} xml:base=\"{}\">", esc(root)));
    } else {
        out.push_str("\n\t<entry>");
    }
    out.push_str(&format!(
        "\n\t\t<id>{}{}</id>\n\t\t<category term=\"StandardODATA.{}\" scheme=\"http://schemas.microsoft.com/ado/2007/08/dataservices/scheme\"/>\n\t\t<title type=\"text\"/>\n\t\t<updated>{updated}</updated>\n\t\t<author/>\n\t\t<summary/>",
        esc(root),
        esc(&edit),
        esc(set)
    ));
    for nav in &shape.navs {
        if let Some(n) = nav.navigation() {
            out.push_str(&format!(
                "\n\t\t<link rel=\"http://schemas.microsoft.com/ado/2007/08/dataservices/related/{n}\" href=\"{e}/{n}\" type=\"application/atom+xml;type=entry;charset=utf-8\" title=\"{n}\"/>",
                n = esc(n),
                e = esc(&edit)
            ));
        }
    }
    out.push_str(&format!(
        "\n\t\t<link rel=\"edit\" href=\"{}\" title=\"edit-link\"/>\n\t\t<content type=\"application/xml\"><m:properties xmlns:d=\"http://schemas.microsoft.com/ado/2007/08/dataservices\" xmlns:m=\"http://schemas.microsoft.com/ado/2007/08/dataservices/metadata\">",
        esc(&edit)
    ));
    for slot in &shape.order {
        match *slot {
            Slot::Prop(i) => {
                let p = shape.props[i];
                property(out, &p.name, &view.value_of(p));
            }
            Slot::Table(i) => {
                let (table, only) = shape.tables[i];
                let row_type = format!("StandardODATA.{set}_{}_RowType", table.name);
                let rows: &[Row] = match view {
                    View::Object { obj, .. } => {
                        obj.tables.get(&table.name).map_or(&[], Vec::as_slice)
                    }
                    View::Row { .. } => &[],
                };
                if rows.is_empty() {
                    out.push_str(&format!(
                        "\n\t<d:{n} m:type=\"Collection({t})\"/>",
                        n = esc(&table.name),
                        t = esc(&row_type)
                    ));
                    continue;
                }
                out.push_str(&format!(
                    "\n\t<d:{n} m:type=\"Collection({t})\">",
                    n = esc(&table.name),
                    t = esc(&row_type)
                ));
                let cols = row_columns(table, only, rng);
                for row in rows {
                    out.push_str(&format!("\n\t\t<d:element m:type=\"{}\">", esc(&row_type)));
                    for col in &cols {
                        let v = row
                            .get(&col.name)
                            .cloned()
                            .unwrap_or_else(|| Val::empty_for(col));
                        property(out, &col.name, &v);
                    }
                    out.push_str("\n\t\t</d:element>");
                }
                out.push_str(&format!("\n\t</d:{}>", esc(&table.name)));
            }
        }
    }
    out.push_str("\n</m:properties>\n\t\t</content>\n\t</entry>");
}

/// Opens a feed; plain collections carry `id`, `title`, `updated` and a self link, the
/// `SelectChanges` feed (like the real capture) only the namespaces.
pub(crate) fn feed_open(
    out: &mut String,
    root: &str,
    set: Option<&str>,
    updated: &str,
    count: Option<usize>,
) {
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!("<feed {NS}\n\t\txml:base=\"{}\">", esc(root)));
    if let Some(set) = set {
        out.push_str(&format!(
            "\n\t<id>{r}{s}</id>\n\t<title type=\"text\">{s}</title>\n\t<updated>{updated}</updated>\n\t<author/>\n\t<link rel=\"self\" href=\"{s}\" title=\"{s}\"/>",
            r = esc(root),
            s = esc(set)
        ));
    }
    if let Some(n) = count {
        out.push_str(&format!("\n\t<m:count>{n}</m:count>"));
    }
}

pub(crate) fn feed_close(out: &mut String) {
    out.push_str("\n</feed>");
}

/// A tombstone of a deleted object in a `SelectChanges` feed.
pub(crate) fn deleted_entry(out: &mut String, root: &str, set: &str, id: &uuid::Uuid, when: &str) {
    out.push_str(&format!(
        "\n\t<at:deleted-entry ref=\"{}{}(guid'{id}')\" when=\"{when}\"/>",
        esc(root),
        esc(set)
    ));
}

/// The service document (Atom/AtomPub).
pub(crate) fn service(root: &str, sets: &[String]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<service xmlns=\"http://www.w3.org/2007/app\" xmlns:atom=\"http://www.w3.org/2005/Atom\" xml:base=\"{}\">\n\t<workspace>\n\t\t<atom:title>Default</atom:title>",
        esc(root)
    ));
    for s in sets {
        out.push_str(&format!(
            "\n\t\t<collection href=\"{s}\">\n\t\t\t<atom:title>{s}</atom:title>\n\t\t</collection>",
            s = esc(s)
        ));
    }
    out.push_str("\n\t</workspace>\n</service>");
    out
}
