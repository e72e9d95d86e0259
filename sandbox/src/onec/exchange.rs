//! `SelectChanges` and `NotifyChangesReceived` for an exchange plan (ЭСТИ's
//! `ExchangePlan_ОбменСОкДеск`). Selecting stamps every pending change of the node with the message
//! number, sets the node's `SentNo` and answers an Atom feed of the changed objects, with
//! `at:deleted-entry` tombstones for deleted ones (Atom only, as in 1C). Acknowledging removes the
//! changes stamped with that number or an earlier one and sets `ReceivedNo`; changes registered
//! after the selection survive it.

use axum::http::StatusCode;
use axum::response::Response;
use uuid::Uuid;

use super::app::App;
use super::error::OdataError;
use super::query::Options;
use super::render::{atom, Shape};
use super::routes::{respond, JSON};
use super::store::Infobase;
use super::value::{format_date, Val};
use super::view::View;

fn missing(name: &str) -> OdataError {
    OdataError::new(
        StatusCode::BAD_REQUEST,
        "12",
        format!("Не задан обязательный параметр {name}"),
    )
}

/// Finds the plan and node of `DataExchangePoint='…/ExchangePlan_X(guid'…')'` and the message number.
fn target(ib: &Infobase, options: &Options) -> Result<(String, Uuid, u64), OdataError> {
    let point = options
        .params
        .get("DataExchangePoint")
        .ok_or_else(|| missing("DataExchangePoint"))?;
    let point = point.trim().trim_matches('\'');
    let bad = || {
        OdataError::new(
            StatusCode::BAD_REQUEST,
            "4",
            format!("Неверное значение DataExchangePoint «{point}»: ожидается …/ExchangePlan_Имя(guid'…')"),
        )
    };
    let open = point.rfind("(guid'").ok_or_else(bad)?;
    let plan = point[..open]
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    let rest = &point[open + "(guid'".len()..];
    let node = rest.split('\'').next().ok_or_else(bad)?;
    let node = Uuid::parse_str(node).map_err(|_| bad())?;
    if ib.exchange.plan.as_deref() != Some(plan.as_str()) {
        return Err(OdataError::no_resource(&plan));
    }
    if ib.get(&plan, node).is_none() {
        return Err(OdataError::not_found(&plan, &format!("guid'{node}'")));
    }
    let message = options
        .params
        .get("MessageNo")
        .ok_or_else(|| missing("MessageNo"))?;
    let message = message.trim().parse::<u64>().map_err(|_| {
        OdataError::new(
            StatusCode::BAD_REQUEST,
            "4",
            format!("Неверное значение MessageNo «{message}»"),
        )
    })?;
    Ok((plan, node, message))
}

pub(crate) fn select_changes(app: &App, options: &Options) -> Result<Response, OdataError> {
    let mut ib = app.write();
    let (plan, node, message) = target(&ib, options)?;
    let keys: Vec<(String, Uuid)> = {
        let changes = ib.exchange.changes.entry(node).or_default();
        for number in changes.values_mut() {
            if number.is_none() {
                *number = Some(message);
            }
        }
        changes.keys().cloned().collect()
    };
    ib.update(&plan, node, |obj| {
        obj.set("SentNo", Val::Int(message as i64));
    });
    let mut rng = app.order_rng();
    let updated = format_date(&chrono::Local::now().naive_local());
    let mut out = String::with_capacity(keys.len() * 2048 + 512);
    atom::feed_open(&mut out, app.root(), None, &updated, None);
    for (set, id) in &keys {
        let Some(def) = ib.schema.set(set) else {
            continue;
        };
        match ib.get(set, *id) {
            Some(obj) => {
                let shape = Shape::for_set(def, None, &mut rng);
                let view = View::Object { def, obj };
                atom::entry(
                    &mut out,
                    app.root(),
                    set,
                    &view,
                    &shape,
                    &updated,
                    &mut rng,
                    false,
                );
            }
            None => atom::deleted_entry(&mut out, app.root(), set, id, &updated),
        }
    }
    atom::feed_close(&mut out);
    Ok(respond(
        StatusCode::OK,
        "application/atom+xml;type=feed;charset=utf-8",
        out,
    ))
}

pub(crate) fn notify_received(app: &App, options: &Options) -> Result<Response, OdataError> {
    let mut ib = app.write();
    let (plan, node, message) = target(&ib, options)?;
    if let Some(changes) = ib.exchange.changes.get_mut(&node) {
        changes.retain(|_, n| n.is_none_or(|n| n > message));
    }
    ib.update(&plan, node, |obj| {
        obj.set("ReceivedNo", Val::Int(message as i64));
    });
    Ok(respond(StatusCode::OK, JSON, String::new()))
}
