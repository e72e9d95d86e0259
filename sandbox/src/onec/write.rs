//! Writes: request bodies in JSON or Atom turned into property and tabular-section values,
//! validated the way 1C answers them — every value must fit its EDM type, references must point
//! at existing objects, composites must name an allowed type, every tabular row must carry
//! `LineNumber` — and applied all at once or not at all. Tabular sections are replaced wholesale.
//! A property, tabular section or column the set does not publish is refused (400, code 10), as
//! `$select` and `$filter` refuse unknown names.

use std::collections::HashMap;

use axum::http::StatusCode;
use quick_xml::events::Event;
use quick_xml::Reader;
use uuid::Uuid;

use super::error::OdataError;
use super::schema::fixture::ANY_TYPE;
use super::schema::{Kind, Prop, SetDef};
use super::store::{Infobase, Obj, Row};
use super::value::{coerce, Incoming, Val, UNDEFINED};

/// One incoming value, owned.
#[derive(Clone, Debug)]
pub(crate) enum In {
    Json(serde_json::Value),
    Text(Option<String>),
}

impl In {
    fn incoming(&self) -> Incoming<'_> {
        match self {
            In::Json(v) => Incoming::Json(v),
            In::Text(t) => Incoming::Text(t.as_deref()),
        }
    }
}

/// One incoming tabular row: named values.
pub(crate) type BodyRow = Vec<(String, In)>;

/// A parsed body: header properties and tabular sections.
#[derive(Clone, Debug, Default)]
pub(crate) struct Body {
    pub(crate) props: Vec<(String, In)>,
    pub(crate) tables: Vec<(String, Vec<BodyRow>)>,
}

fn bad_body(message: impl Into<String>) -> OdataError {
    OdataError::new(StatusCode::BAD_REQUEST, "2", message)
}

/// Parses a JSON object or an Atom entry (sniffed by the first non-blank byte).
pub(crate) fn parse_body(bytes: &[u8]) -> Result<Body, OdataError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'<') => parse_atom(bytes),
        Some(b'{') => parse_json(bytes),
        _ => Err(bad_body(
            "Тело запроса пусто или не является ни JSON, ни Atom",
        )),
    }
}

fn parse_json(bytes: &[u8]) -> Result<Body, OdataError> {
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        OdataError::new(
            StatusCode::BAD_REQUEST,
            "1",
            format!("Ошибка разбора JSON: {e}"),
        )
    })?;
    let serde_json::Value::Object(map) = value else {
        return Err(bad_body("Ожидается JSON-объект"));
    };
    let mut body = Body::default();
    for (k, v) in map {
        if k.contains('@') || k.starts_with("odata.") {
            continue;
        }
        match v {
            serde_json::Value::Array(rows) => {
                let mut out = Vec::with_capacity(rows.len());
                for (i, row) in rows.into_iter().enumerate() {
                    let serde_json::Value::Object(cols) = row else {
                        return Err(bad_body(format!(
                            "Строка {} табличной части «{k}» не является объектом",
                            i + 1
                        )));
                    };
                    out.push(
                        cols.into_iter()
                            .filter(|(c, _)| !c.contains('@'))
                            .map(|(c, v)| (c, In::Json(v)))
                            .collect(),
                    );
                }
                body.tables.push((k, out));
            }
            other => body.props.push((k, In::Json(other))),
        }
    }
    Ok(body)
}

fn local(name: &[u8]) -> String {
    let name = String::from_utf8_lossy(name);
    name.rsplit(':').next().unwrap_or_default().to_owned()
}

fn attr(e: &quick_xml::events::BytesStart<'_>, wanted: &str) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        (local(a.key.as_ref()) == wanted).then(|| String::from_utf8_lossy(&a.value).into_owned())
    })
}

fn parse_atom(bytes: &[u8]) -> Result<Body, OdataError> {
    let mut reader = Reader::from_reader(bytes);
    let mut body = Body::default();
    // Depth below <m:properties>: 0 outside, 1 inside properties, 2 inside a property, …
    let mut depth = 0usize;
    let mut current: Option<(String, bool, bool)> = None; // (name, is table, is null)
    let mut text = String::new();
    let mut rows: Vec<BodyRow> = Vec::new();
    let mut row: BodyRow = Vec::new();
    let mut column: Option<(String, bool)> = None;
    let error = |e: quick_xml::Error, pos: u64| {
        OdataError::new(
            StatusCode::BAD_REQUEST,
            "1",
            format!("Ошибка разбора XML в позиции {pos}: {e}"),
        )
    };
    loop {
        let event = reader
            .read_event()
            .map_err(|e| error(e, reader.buffer_position()))?;
        match event {
            Event::Start(e) if depth == 0 && local(e.name().as_ref()) == "properties" => {
                depth = 1;
            }
            Event::Empty(e) if depth == 0 && local(e.name().as_ref()) == "properties" => break,
            Event::Start(_) | Event::Empty(_) if depth == 0 => {}
            Event::Empty(e) => {
                let name = local(e.name().as_ref());
                let null = attr(&e, "null").as_deref() == Some("true");
                let value = In::Text(if null { None } else { Some(String::new()) });
                match depth {
                    1 => {
                        if attr(&e, "type").is_some_and(|t| t.starts_with("Collection(")) {
                            body.tables.push((name, Vec::new()));
                        } else {
                            body.props.push((name, value));
                        }
                    }
                    3 => row.push((name, value)),
                    _ => {}
                }
            }
            Event::Start(e) => {
                let name = local(e.name().as_ref());
                match depth {
                    1 => {
                        let table = attr(&e, "type").is_some_and(|t| t.starts_with("Collection("));
                        let null = attr(&e, "null").as_deref() == Some("true");
                        current = Some((name, table, null));
                        text.clear();
                    }
                    2 => row.clear(),
                    3 => {
                        column = Some((name, attr(&e, "null").as_deref() == Some("true")));
                        text.clear();
                    }
                    _ => {}
                }
                depth += 1;
            }
            Event::Text(t) if depth >= 2 => {
                let unescaped = t
                    .unescape()
                    .map_err(|e| error(e, reader.buffer_position()))?;
                text.push_str(&unescaped);
            }
            Event::CData(t) => text.push_str(&String::from_utf8_lossy(&t)),
            Event::End(_) => {
                if depth == 0 {
                    continue;
                }
                depth -= 1;
                match depth {
                    0 => break,
                    1 => {
                        if let Some((name, table, null)) = current.take() {
                            if table {
                                body.tables.push((name, std::mem::take(&mut rows)));
                            } else {
                                let v = if null {
                                    None
                                } else {
                                    Some(std::mem::take(&mut text))
                                };
                                body.props.push((name, In::Text(v)));
                            }
                        }
                    }
                    2 => rows.push(std::mem::take(&mut row)),
                    3 => {
                        if let Some((name, null)) = column.take() {
                            let v = if null {
                                None
                            } else {
                                Some(std::mem::take(&mut text))
                            };
                            row.push((name, In::Text(v)));
                        }
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(body)
}

/// Standard attributes a client may write.
fn writable_standard(name: &str) -> bool {
    matches!(
        name,
        "Description"
            | "Code"
            | "DeletionMark"
            | "Date"
            | "Number"
            | "Parent_Key"
            | "IsFolder"
            | "Owner_Key"
            | "Owner"
            | "Owner_Type"
            | "ExchangeDate"
    )
}

fn invalid(set: &str, field: &str, value: &str, reason: &str) -> OdataError {
    OdataError::new(
        StatusCode::BAD_REQUEST,
        "4",
        format!("Неверное значение свойства «{field}» объекта {set}: «{value}» — {reason}"),
    )
}

fn raw_text(v: &In) -> String {
    match v {
        In::Json(serde_json::Value::String(s)) => s.clone(),
        In::Json(other) => other.to_string(),
        In::Text(t) => t.clone().unwrap_or_else(|| "null".to_owned()),
    }
}

/// Checks a reference or composite value of `prop` (in `values`) against the infobase.
fn check_reference(
    ib: &Infobase,
    set: &str,
    prop: &Prop,
    values: &HashMap<String, Val>,
) -> Result<(), OdataError> {
    if let Some(target) = &prop.target {
        if let Some(Val::Guid(g)) = values.get(&prop.name) {
            // A target the publication leaves out is a plain GUID: nothing to check it against.
            let published = ib.schema.set(target).is_some();
            if published && !g.is_nil() && prop.name != "Ref_Key" && !ib.exists(target, *g) {
                return Err(invalid(
                    set,
                    &prop.name,
                    &g.to_string(),
                    &format!("объект не найден в {target} (битая ссылка)"),
                ));
            }
        }
    }
    if !prop.composite.is_empty() {
        let ty_name = format!("{}_Type", prop.name);
        let value = values.get(&prop.name).map(Val::text).unwrap_or_default();
        let ty = values.get(&ty_name).map(Val::text).unwrap_or_default();
        if ty.is_empty() || ty == UNDEFINED {
            if !value.is_empty() && values.contains_key(&ty_name) {
                return Err(invalid(
                    set,
                    &ty_name,
                    &ty,
                    "задано значение составного типа без его типа",
                ));
            }
            return Ok(());
        }
        let short = ty.strip_prefix("StandardODATA.").unwrap_or(&ty);
        let allowed = prop
            .composite
            .iter()
            .any(|t| t == short || t == &ty || t == ANY_TYPE);
        if !allowed {
            return Err(invalid(
                set,
                &ty_name,
                &ty,
                &format!("тип не допустим (допустимы: {})", prop.composite.join(", ")),
            ));
        }
        if ib.schema.set(short).is_some() && !value.is_empty() {
            let g = Uuid::parse_str(value.trim())
                .map_err(|_| invalid(set, &prop.name, &value, "ожидается GUID ссылки"))?;
            if !g.is_nil() && !ib.exists(short, g) {
                return Err(invalid(
                    set,
                    &prop.name,
                    &value,
                    &format!("объект не найден в {short} (битая ссылка)"),
                ));
            }
        }
    }
    Ok(())
}

/// Applies a body to `obj` (a copy; the caller stores it only on success).
pub(crate) fn apply(
    ib: &Infobase,
    def: &SetDef,
    obj: &mut Obj,
    body: &Body,
) -> Result<(), OdataError> {
    let set = def.name.as_str();
    let mut values = obj.props.clone();
    for (name, v) in &body.props {
        // The real answer to a body naming an unknown property is not known: 1C answers
        // `$select`/`$filter` with code 10 «Не найдено свойство…», and the simulator uses the same
        // error for a write, so that a client writing a name the configuration lacks fails loudly
        // instead of losing the value.
        let prop = def
            .prop(name)
            .ok_or_else(|| OdataError::unknown_property(set, name))?;
        if prop.standard && !writable_standard(name) {
            continue;
        }
        let val = coerce(prop, v.incoming())
            .map_err(|reason| invalid(set, name, &raw_text(v), &reason))?;
        values.insert(name.clone(), val);
    }
    for prop in &def.props {
        check_reference(ib, set, prop, &values)?;
    }
    let mut tables = obj.tables.clone();
    for (name, rows) in &body.tables {
        let table = def
            .table(name)
            .ok_or_else(|| OdataError::unknown_property(set, name))?;
        let mut out: Vec<Row> = Vec::with_capacity(rows.len());
        for (i, row) in rows.iter().enumerate() {
            let Some((_, line)) = row.iter().find(|(c, _)| c == "LineNumber") else {
                // What real 1C answers for a row without LineNumber; the detail is the simulator's.
                return Err(OdataError::internal(format!(
                    "Произошла внутренняя ошибка OData сервиса. (строка {} табличной части «{name}» объекта {set} передана без LineNumber)",
                    i + 1
                )));
            };
            let line_prop = &super::view::row_key_props()[1];
            let line = coerce(line_prop, line.incoming())
                .map_err(|r| invalid(set, &format!("{name}.LineNumber"), &raw_text(line), &r))?;
            let mut values = Row::new();
            values.insert("LineNumber".to_owned(), line);
            for (c, v) in row {
                // The row's `Ref_Key` is the owner's key: accepted and ignored.
                if c == "LineNumber" || c == "Ref_Key" {
                    continue;
                }
                let col = table
                    .column(c)
                    .ok_or_else(|| OdataError::unknown_property(set, &format!("{name}/{c}")))?;
                let val = coerce(col, v.incoming()).map_err(|r| {
                    invalid(set, &format!("{name}[{}].{c}", i + 1), &raw_text(v), &r)
                })?;
                values.insert(c.clone(), val);
            }
            for col in &table.columns {
                check_reference(ib, &format!("{set}.{name}[{}]", i + 1), col, &values)?;
            }
            out.push(values);
        }
        tables.insert(name.clone(), out);
    }
    obj.props = values;
    obj.tables = tables;
    Ok(())
}

/// Builds a new object from a POST body: a fresh `Ref_Key` (or the one given, if free), a number
/// for documents, a code for coded catalogs, today's date for undated documents.
pub(crate) fn create(ib: &mut Infobase, def: &SetDef, body: &Body) -> Result<Obj, OdataError> {
    let given = body
        .props
        .iter()
        .find(|(k, _)| k == "Ref_Key")
        .map(|(_, v)| raw_text(v))
        .and_then(|t| Uuid::parse_str(t.trim()).ok())
        .filter(|g| !g.is_nil());
    let id = match given {
        Some(g) if ib.exists(&def.name, g) => {
            return Err(OdataError::new(
                StatusCode::BAD_REQUEST,
                "15",
                format!("Объект {} с ключом guid'{g}' уже существует", def.name),
            ))
        }
        Some(g) => g,
        None => Uuid::new_v4(),
    };
    let mut obj = Obj::new(id);
    apply(ib, def, &mut obj, body)?;
    match def.kind {
        Kind::Document => {
            if obj.get("Number").is_none_or(Val::is_empty) {
                let n = ib.next_number(def);
                obj.set("Number", Val::Str(n));
            }
            if obj.get("Date").is_none_or(Val::is_empty) {
                obj.set("Date", Val::Date(chrono::Local::now().naive_local()));
            }
            obj.set("Posted", Val::Bool(false));
        }
        Kind::Catalog | Kind::ExchangePlan => {
            if def.has_code && obj.get("Code").is_none_or(Val::is_empty) {
                let code = ib.next_number(def);
                obj.set("Code", Val::Str(code));
            }
        }
        Kind::InformationRegister => {}
    }
    Ok(obj)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atom_entry_bodies_parse_with_tables_and_nulls() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?><entry xmlns="http://www.w3.org/2005/Atom" xmlns:d="http://schemas.microsoft.com/ado/2007/08/dataservices" xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata"><category term="StandardODATA.Document_X" scheme="s"/><content type="application/xml"><m:properties><d:Комментарий>a &amp; b</d:Комментарий><d:Пусто/><d:Нет m:null="true"/><d:Товары m:type="Collection(StandardODATA.Document_X_Товары_RowType)"><d:element m:type="StandardODATA.Document_X_Товары_RowType"><d:LineNumber>1</d:LineNumber><d:Цена m:type="Edm.Double">10.5</d:Цена></d:element></d:Товары><d:Пустая m:type="Collection(StandardODATA.Document_X_Пустая_RowType)"/></m:properties></content></entry>"#;
        let body = parse_body(xml.as_bytes()).unwrap();
        let names: Vec<&str> = body.props.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, ["Комментарий", "Пусто", "Нет"]);
        assert!(matches!(&body.props[0].1, In::Text(Some(t)) if t == "a & b"));
        assert!(matches!(&body.props[2].1, In::Text(None)));
        assert_eq!(body.tables.len(), 2);
        assert_eq!(body.tables[0].1.len(), 1);
        assert_eq!(body.tables[0].1[0].len(), 2);
        assert!(body.tables[1].1.is_empty());
    }
}
