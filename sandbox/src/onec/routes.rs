//! Request dispatch for `/<base>/odata/standard.odata/…`: the service document, `$metadata`,
//! collections (and tabular sections as sets), `/$count`, single entities by `guid'…'`, writes
//! (POST, PATCH/PUT/MERGE, DELETE), bound `Post`/`Unpost`, and the exchange functions.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use percent_encoding::percent_decode_str;
use uuid::Uuid;

use super::app::{App, Fault};
use super::error::OdataError;
use super::exchange;
use super::filter::{self, Expr};
use super::query::{self, Format, Options};
use super::render::{atom, json, Shape};
use super::schema::{Kind, SetDef};
use super::store::Infobase;
use super::value::{format_date, Val};
use super::view::View;
use super::write;

pub(crate) const JSON: &str =
    "application/json;odata=minimalmetadata;streaming=true;IEEE754Compatible=false;charset=utf-8";
const FEED: &str = "application/atom+xml;type=feed;charset=utf-8";
const ENTRY: &str = "application/atom+xml;type=entry;charset=utf-8";
const XML: &str = "application/xml;charset=utf-8";

pub(crate) fn respond(status: StatusCode, ctype: &str, body: String) -> Response {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, ctype)
        .header("DataServiceVersion", "3.0")
        .body(body.into())
        .expect("a response from valid parts")
}

/// The parsed resource path after the service root.
#[derive(Debug)]
enum Resource {
    Service,
    Metadata,
    Function(String),
    Collection(String),
    Count(String),
    Entity {
        set: String,
        key: String,
        tail: Option<String>,
    },
}

fn parse_path(rest: &str) -> Result<Resource, OdataError> {
    let rest = rest.trim_start_matches('/');
    if rest.is_empty() {
        return Ok(Resource::Service);
    }
    if rest == "$metadata" {
        return Ok(Resource::Metadata);
    }
    let plain = rest.trim_end_matches("()");
    if plain == "SelectChanges" || plain == "NotifyChangesReceived" {
        return Ok(Resource::Function(plain.to_owned()));
    }
    let cut = rest.find(['(', '/']).unwrap_or(rest.len());
    let name = rest[..cut].to_owned();
    let after = &rest[cut..];
    if after.is_empty() {
        return Ok(Resource::Collection(name));
    }
    if after == "/$count" {
        return Ok(Resource::Count(name));
    }
    if let Some(inner) = after.strip_prefix('(') {
        // The key ends at the first `)` outside quotes.
        let mut quoted = false;
        let end = inner
            .char_indices()
            .find(|&(_, c)| {
                if c == '\'' {
                    quoted = !quoted;
                }
                c == ')' && !quoted
            })
            .map(|(i, _)| i)
            .ok_or_else(|| {
                OdataError::new(
                    StatusCode::BAD_REQUEST,
                    "6",
                    format!("Неверный ключ в адресе «{rest}»"),
                )
            })?;
        let key = inner[..end].to_owned();
        let tail = inner[end + 1..].trim_start_matches('/');
        let tail = (!tail.is_empty()).then(|| tail.trim_end_matches("()").to_owned());
        return Ok(Resource::Entity {
            set: name,
            key,
            tail,
        });
    }
    Err(OdataError::new(
        StatusCode::BAD_REQUEST,
        "6",
        format!("Неверный адрес ресурса «{rest}»"),
    ))
}

fn parse_guid_key(set: &str, key: &str) -> Result<Uuid, OdataError> {
    let inner = key
        .trim()
        .strip_prefix("guid'")
        .and_then(|k| k.strip_suffix('\''))
        .ok_or_else(|| {
            OdataError::new(
                StatusCode::BAD_REQUEST,
                "7",
                format!("Ключ «{key}» сущности {set}: ожидается guid'…' (составные ключи симулятор не поддерживает)"),
            )
        })?;
    Uuid::parse_str(inner).map_err(|_| {
        OdataError::new(
            StatusCode::BAD_REQUEST,
            "4",
            format!("Неверный идентификатор «{inner}»"),
        )
    })
}

fn stats_resource(res: &Resource) -> String {
    match res {
        Resource::Service => "(service)".into(),
        Resource::Metadata => "$metadata".into(),
        Resource::Function(f) => f.clone(),
        Resource::Collection(s) => s.clone(),
        Resource::Count(s) => format!("{s}/$count"),
        Resource::Entity {
            set, tail: None, ..
        } => format!("{set}(key)"),
        Resource::Entity {
            set, tail: Some(t), ..
        } => format!("{set}/{t}"),
    }
}

/// The one handler behind every URL.
pub(crate) async fn handle(
    State(app): State<Arc<App>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let latency = app.knobs().latency;
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
    let options = match query::parse(uri.query(), accept) {
        Ok(o) => o,
        Err(e) => return e.response(Format::Atom),
    };
    let format = options.format;
    let path = percent_decode_str(uri.path())
        .decode_utf8_lossy()
        .into_owned();
    let prefix = format!("/{}/odata/standard.odata", app.base);
    let Some(rest) = path.strip_prefix(&prefix) else {
        return respond(
            StatusCode::NOT_FOUND,
            "text/html;charset=utf-8",
            format!("<html><body><h1>404 Not Found</h1><p>The publication is at {prefix}</p></body></html>"),
        );
    };
    let resource = match parse_path(rest) {
        Ok(r) => r,
        Err(e) => return e.response(format),
    };
    app.count(method.as_str(), &stats_resource(&resource));
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    if !app.authorized(auth) {
        app.note(|s| s.unauthorized += 1);
        let mut r = OdataError::new(
            StatusCode::UNAUTHORIZED,
            "20",
            "Ошибка аутентификации: неверное имя пользователя или пароль",
        )
        .response(format);
        r.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Basic realm=\"1C:Enterprise\""),
        );
        return r;
    }
    match app.roll_fault() {
        Fault::None => {}
        Fault::ServerError => {
            app.note(|s| s.injected_faults += 1);
            return OdataError::internal("Ошибка СУБД: Microsoft SQL Server Native Client 11.0: Transaction (Process ID 57) was deadlocked on lock resources (сбой, внедренный симулятором)").response(format);
        }
        Fault::ErrorInOk => {
            app.note(|s| s.injected_faults += 1);
            let e = OdataError::internal("Ошибка при выполнении запроса к информационной базе (сбой в ответе 200, внедренный симулятором)");
            return match format {
                Format::Json => respond(StatusCode::OK, JSON, e.json_body()),
                Format::Atom => respond(StatusCode::OK, XML, e.xml_body()),
            };
        }
    }
    let result = dispatch(&app, &method, resource, &options, &body);
    match result {
        Ok(r) => r,
        Err(e) => e.response(format),
    }
}

fn dispatch(
    app: &App,
    method: &Method,
    resource: Resource,
    options: &Options,
    body: &[u8],
) -> Result<Response, OdataError> {
    let m = method.as_str();
    match (m, resource) {
        ("GET", Resource::Service) => Ok(service(app, options)),
        ("GET", Resource::Metadata) => Ok(respond(StatusCode::OK, XML, app.metadata.clone())),
        ("GET" | "POST", Resource::Function(f)) if f == "SelectChanges" => {
            exchange::select_changes(app, options)
        }
        ("GET" | "POST", Resource::Function(_)) => exchange::notify_received(app, options),
        ("GET", Resource::Collection(set)) => collection(app, &set, options, false),
        ("GET", Resource::Count(set)) => collection(app, &set, options, true),
        ("POST", Resource::Collection(set)) => create(app, &set, options, body),
        ("GET", Resource::Entity { set, key, tail: None }) => single(app, &set, &key, options),
        ("PATCH" | "PUT" | "MERGE", Resource::Entity { set, key, tail: None }) => {
            update(app, &set, &key, options, body)
        }
        ("DELETE", Resource::Entity { set, key, tail: None }) => delete(app, &set, &key),
        ("POST", Resource::Entity { set, key, tail: Some(t) }) if t == "Post" || t == "Unpost" => {
            post(app, &set, &key, t == "Post")
        }
        (_, Resource::Entity { set, tail: Some(t), .. }) => Err(OdataError::new(
            StatusCode::BAD_REQUEST,
            "11",
            format!("Метод или свойство «{t}» сущности {set} не найдено или не поддерживается симулятором"),
        )),
        (m, r) => Err(OdataError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "19",
            format!("Метод {m} не разрешен для ресурса {}", stats_resource(&r)),
        )),
    }
}

fn service(app: &App, options: &Options) -> Response {
    let ib = app.read();
    let mut names: Vec<String> = Vec::new();
    for set in &ib.schema.sets {
        names.push(set.name.clone());
        names.extend(
            set.tables
                .iter()
                .map(|t| format!("{}_{}", set.name, t.name)),
        );
    }
    match options.format {
        Format::Json => {
            let value: Vec<serde_json::Value> = names
                .iter()
                .map(|n| serde_json::json!({"name": n, "url": n}))
                .collect();
            let body = serde_json::json!({"odata.metadata": format!("{}$metadata", app.root()), "value": value});
            respond(StatusCode::OK, JSON, body.to_string())
        }
        Format::Atom => respond(
            StatusCode::OK,
            "application/atomsvc+xml;charset=utf-8",
            atom::service(app.root(), &names),
        ),
    }
}

fn set_def<'a>(ib: &'a Infobase, set: &str) -> Result<&'a SetDef, OdataError> {
    ib.schema
        .set(set)
        .ok_or_else(|| OdataError::no_resource(set))
}

fn compile_filter(
    options: &Options,
    exists: &dyn Fn(&str) -> bool,
) -> Result<Option<Expr>, OdataError> {
    let Some(text) = &options.filter else {
        return Ok(None);
    };
    let expr = filter::parse(text)
        .map_err(|e| OdataError::new(StatusCode::BAD_REQUEST, e.code, e.message))?;
    filter::check(&expr, exists)
        .map_err(|e| OdataError::new(StatusCode::BAD_REQUEST, e.code, e.message))?;
    Ok(Some(expr))
}

fn compare_views(a: &View<'_>, b: &View<'_>, orderby: &[(String, bool)]) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    for (name, desc) in orderby {
        let ord = match (a.value(name), b.value(name)) {
            (Some(Val::Guid(x)), Some(Val::Guid(y))) => x.cmp(&y),
            (Some(Val::Str(x)), Some(Val::Str(y))) => x.to_lowercase().cmp(&y.to_lowercase()),
            (Some(Val::Date(x)), Some(Val::Date(y))) => x.cmp(&y),
            (Some(Val::Int(x)), Some(Val::Int(y))) => x.cmp(&y),
            (Some(Val::Short(x)), Some(Val::Short(y))) => x.cmp(&y),
            (Some(Val::Num(x)), Some(Val::Num(y))) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
            (Some(Val::Bool(x)), Some(Val::Bool(y))) => x.cmp(&y),
            _ => Ordering::Equal,
        };
        let ord = if *desc { ord.reverse() } else { ord };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    Ordering::Equal
}

fn collection(
    app: &App,
    set: &str,
    options: &Options,
    count_only: bool,
) -> Result<Response, OdataError> {
    let ib = app.read();
    let mut rng = app.order_rng();
    // A set of objects, or a tabular section published as a set.
    let (def, table) = match ib.schema.set(set) {
        Some(def) => (def, None),
        None => {
            let (def, table) = ib
                .schema
                .table_set(set)
                .ok_or_else(|| OdataError::no_resource(set))?;
            (def, Some(table))
        }
    };
    let data = ib
        .set_data(&def.name)
        .ok_or_else(|| OdataError::no_resource(set))?;
    let mut views: Vec<View<'_>> = match table {
        None => data
            .objects
            .iter()
            .map(|obj| View::Object { def, obj })
            .collect(),
        Some(table) => data
            .objects
            .iter()
            .flat_map(|owner| {
                owner
                    .tables
                    .get(&table.name)
                    .into_iter()
                    .flatten()
                    .map(move |row| View::Row { table, owner, row })
            })
            .collect(),
    };
    let probe = |name: &str| match table {
        None => def.prop(name).is_some(),
        Some(t) => name == "Ref_Key" || name == "LineNumber" || t.column(name).is_some(),
    };
    if let Some(expr) = compile_filter(options, &probe)? {
        let mut kept = Vec::with_capacity(views.len());
        for v in views {
            let keep = filter::eval(&expr, &v).map_err(|e| OdataError::internal(e.0))?;
            if filter::truthy(&keep) {
                kept.push(v);
            }
        }
        views = kept;
    }
    if count_only {
        // 1C prefixes the bare count with a byte-order mark on some publications.
        return Ok(respond(
            StatusCode::OK,
            "text/plain;charset=utf-8",
            format!("\u{feff}{}", views.len()),
        ));
    }
    for (name, _) in &options.orderby {
        if !probe(name) {
            return Err(OdataError::unknown_property(set, name));
        }
    }
    match options.orderby.as_slice() {
        [] => {}
        // The paging order every adapter asks for: compare the keys directly.
        [(name, desc)] if name == "Ref_Key" && table.is_none() => {
            views.sort_unstable_by_key(View::id);
            if *desc {
                views.reverse();
            }
        }
        orderby => views.sort_by(|a, b| compare_views(a, b, orderby)),
    }
    let total = views.len();
    let page: Vec<View<'_>> = views
        .into_iter()
        .skip(options.skip)
        .take(options.top.unwrap_or(usize::MAX))
        .collect();
    if let Some(cap) = app.knobs().page_cap {
        if page.len() > cap {
            app.note(|s| s.fat_pages += 1);
            return Err(OdataError::internal(format!(
                "Ошибка СУБД: Недостаточно места на диске для временного файла /tmp/v8_{:X}.tmp (в ответе {} объектов, предел симулятора {cap})",
                total,
                page.len()
            )));
        }
    }
    if let Some(select) = &options.select {
        if table.is_none() {
            select.check(def)?;
        }
    }
    let shape = match table {
        None => Shape::for_set(def, options.select.as_ref(), &mut rng),
        Some(t) => Shape::for_table(t, options.select.as_ref(), &mut rng),
    };
    let count = options.inlinecount.then_some(total);
    let body = match options.format {
        Format::Json => json::collection(
            app.root(),
            set,
            page.into_iter(),
            &shape,
            options.meta,
            count,
            &mut rng,
        ),
        Format::Atom => {
            let updated = format_date(&chrono::Local::now().naive_local());
            let mut out = String::with_capacity(page.len() * 2048 + 512);
            atom::feed_open(&mut out, app.root(), Some(set), &updated, count);
            for v in &page {
                atom::entry(
                    &mut out,
                    app.root(),
                    set,
                    v,
                    &shape,
                    &updated,
                    &mut rng,
                    false,
                );
            }
            atom::feed_close(&mut out);
            out
        }
    };
    Ok(respond(
        StatusCode::OK,
        if options.format == Format::Json {
            JSON
        } else {
            FEED
        },
        body,
    ))
}

/// Renders one object of a set in the requested format.
pub(crate) fn render_object(
    app: &App,
    ib: &Infobase,
    def: &SetDef,
    id: Uuid,
    options: &Options,
    status: StatusCode,
) -> Result<Response, OdataError> {
    let obj = ib
        .get(&def.name, id)
        .ok_or_else(|| OdataError::not_found(&def.name, &format!("guid'{id}'")))?;
    if let Some(select) = &options.select {
        select.check(def)?;
    }
    let mut rng = app.order_rng();
    let shape = Shape::for_set(def, options.select.as_ref(), &mut rng);
    let view = View::Object { def, obj };
    let mut response = match options.format {
        Format::Json => respond(
            status,
            JSON,
            json::single(app.root(), &def.name, &view, &shape, options.meta, &mut rng),
        ),
        Format::Atom => {
            let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
            let updated = format_date(&chrono::Local::now().naive_local());
            atom::entry(
                &mut out,
                app.root(),
                &def.name,
                &view,
                &shape,
                &updated,
                &mut rng,
                true,
            );
            respond(status, ENTRY, out)
        }
    };
    if status == StatusCode::CREATED {
        let location = format!("{}{}(guid'{id}')", app.root(), def.name);
        if let Ok(v) = header::HeaderValue::from_str(&location) {
            response.headers_mut().insert(header::LOCATION, v);
        }
    }
    Ok(response)
}

fn single(app: &App, set: &str, key: &str, options: &Options) -> Result<Response, OdataError> {
    let ib = app.read();
    let def = set_def(&ib, set)?;
    let id = parse_guid_key(set, key)?;
    render_object(app, &ib, def, id, options, StatusCode::OK)
}

fn writable<'a>(ib: &'a Infobase, set: &str) -> Result<&'a SetDef, OdataError> {
    match ib.schema.set(set) {
        Some(def) if def.kind == Kind::InformationRegister => Err(OdataError::new(
            StatusCode::BAD_REQUEST,
            "0",
            format!("Запись наборов записей регистра {set} симулятором не поддерживается"),
        )),
        Some(def) => Ok(def),
        None if ib.schema.table_set(set).is_some() => Err(OdataError::new(
            StatusCode::BAD_REQUEST,
            "13",
            "Cоздание строк табличной части напрямую не поддерживается",
        )),
        None => Err(OdataError::no_resource(set)),
    }
}

fn create(app: &App, set: &str, options: &Options, body: &[u8]) -> Result<Response, OdataError> {
    let parsed = write::parse_body(body)?;
    let mut ib = app.write();
    let def = writable(&ib, set)?.clone();
    let mut obj = write::create(&mut ib, &def, &parsed)?;
    app.rules.on_create(&ib, &def, &mut obj);
    app.rules.before_write(&ib, &def, &mut obj, true)?;
    let id = obj.id;
    ib.insert(set, obj);
    if def.kind == Kind::ExchangePlan {
        ib.exchange.changes.entry(id).or_default();
    }
    render_object(app, &ib, &def, id, options, StatusCode::CREATED)
}

fn update(
    app: &App,
    set: &str,
    key: &str,
    options: &Options,
    body: &[u8],
) -> Result<Response, OdataError> {
    let parsed = write::parse_body(body)?;
    let id = parse_guid_key(set, key)?;
    let mut ib = app.write();
    let def = writable(&ib, set)?.clone();
    let mut copy = ib
        .get(set, id)
        .cloned()
        .ok_or_else(|| OdataError::not_found(set, key))?;
    write::apply(&ib, &def, &mut copy, &parsed)?;
    app.rules.before_write(&ib, &def, &mut copy, false)?;
    ib.update(set, id, |obj| *obj = copy);
    render_object(app, &ib, &def, id, options, StatusCode::OK)
}

fn delete(app: &App, set: &str, key: &str) -> Result<Response, OdataError> {
    let id = parse_guid_key(set, key)?;
    let mut ib = app.write();
    writable(&ib, set)?;
    ib.remove(set, id)
        .ok_or_else(|| OdataError::not_found(set, key))?;
    Ok(Response::builder()
        .status(StatusCode::NO_CONTENT)
        .body(axum::body::Body::empty())
        .expect("a response from valid parts"))
}

fn post(app: &App, set: &str, key: &str, posting: bool) -> Result<Response, OdataError> {
    let id = parse_guid_key(set, key)?;
    let mut ib = app.write();
    let def = set_def(&ib, set)?.clone();
    if def.kind != Kind::Document || !def.postable {
        return Err(OdataError::new(
            StatusCode::BAD_REQUEST,
            "11",
            format!(
                "Метод {} не найден у сущности {set} (проведение документа запрещено)",
                if posting { "Post" } else { "Unpost" }
            ),
        ));
    }
    let mut copy = ib
        .get(set, id)
        .cloned()
        .ok_or_else(|| OdataError::not_found(set, key))?;
    if posting {
        app.rules.on_post(&ib, &def, &mut copy)?;
    }
    copy.set("Posted", Val::Bool(posting));
    ib.update(set, id, |obj| *obj = copy);
    Ok(respond(StatusCode::OK, JSON, String::new()))
}
