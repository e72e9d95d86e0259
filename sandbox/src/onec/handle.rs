//! The running simulator: starting and stopping it, and the in-process accessors tests use to look
//! inside the infobase or to play a 1C user editing it (which bumps `DataVersion` and registers the
//! change for exchange nodes, exactly like an OData write).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use onec_model::Ref;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use uuid::Uuid;

use super::app::{App, Stats};
use super::config::{Configuration, Faults, OnecConfig};
use super::error::OnecSandboxError;
use super::populate::populate;
use super::routes;
use super::schema::Schema;
use super::store::{Infobase, Obj};
use super::value::Val;
use super::write::{self, Body, In};
use crate::demo::{self, DemoWorld};

/// One stored object as tests read it: values in their JSON wire form (Int64 as strings, empty
/// dates as `0001-01-01T00:00:00`, empty references as the zero GUID).
#[derive(Clone, Debug, PartialEq)]
pub struct StoredObject {
    /// The entity set.
    pub set: String,
    /// `Ref_Key` (for register records, an internal id).
    pub key: Uuid,
    /// Header properties that are set.
    pub props: BTreeMap<String, serde_json::Value>,
    /// Tabular sections.
    pub tables: BTreeMap<String, Vec<BTreeMap<String, serde_json::Value>>>,
}

impl StoredObject {
    /// A property.
    pub fn get(&self, name: &str) -> Option<&serde_json::Value> {
        self.props.get(name)
    }

    /// A string property.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.props.get(name).and_then(serde_json::Value::as_str)
    }

    /// `DataVersion`.
    pub fn data_version(&self) -> Option<&str> {
        self.text("DataVersion")
    }
}

fn to_json(v: &Val) -> serde_json::Value {
    let mut s = String::new();
    v.write_json(&mut s);
    serde_json::from_str(&s).unwrap_or(serde_json::Value::Null)
}

fn stored(set: &str, obj: &Obj) -> StoredObject {
    StoredObject {
        set: set.to_owned(),
        key: obj.id,
        props: obj
            .props
            .iter()
            .map(|(k, v)| (k.clone(), to_json(v)))
            .collect(),
        tables: obj
            .tables
            .iter()
            .map(|(k, rows)| {
                (
                    k.clone(),
                    rows.iter()
                        .map(|r| r.iter().map(|(c, v)| (c.clone(), to_json(v))).collect())
                        .collect(),
                )
            })
            .collect(),
    }
}

/// A running 1C OData simulator. Dropping it stops the server.
pub struct OnecSandbox {
    app: Arc<App>,
    addr: SocketAddr,
    world: DemoWorld,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl OnecSandbox {
    /// Lays the demo world out as the configuration's infobase and serves it on 127.0.0.1 (a free
    /// port unless the config names one).
    pub async fn start(config: OnecConfig) -> Result<OnecSandbox, OnecSandboxError> {
        let world = config
            .world
            .clone()
            .unwrap_or_else(|| demo::generate(config.seed, config.size));
        let schema = Arc::new(
            Schema::for_configuration(config.configuration).unpublish(&config.unpublished),
        );
        let mut ib = Infobase::new(schema, config.seed);
        populate(&mut ib, config.configuration, &world.onec, config.seed);
        let addr = config
            .addr
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0)));
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| OnecSandboxError::Bind {
                addr: addr.to_string(),
                source,
            })?;
        let addr = listener
            .local_addr()
            .map_err(|source| OnecSandboxError::Bind {
                addr: addr.to_string(),
                source,
            })?;
        let app = Arc::new(App::new(&config, ib));
        let _ = app
            .root
            .set(format!("http://{addr}/{}/odata/standard.odata/", app.base));
        let service = Router::new()
            .fallback(routes::handle)
            .with_state(app.clone());
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let served = axum::serve(listener, service)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
            if let Err(e) = served {
                tracing::warn!(error = %e, "the 1C simulator stopped with an error");
            }
        });
        Ok(OnecSandbox {
            app,
            addr,
            world,
            shutdown: Some(tx),
            task: Some(task),
        })
    }

    /// The OData root without a trailing slash: `http://127.0.0.1:PORT/<base>/odata/standard.odata`.
    pub fn url(&self) -> String {
        self.app.root().trim_end_matches('/').to_owned()
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The Basic-auth user.
    pub fn user(&self) -> &str {
        &self.app.user
    }

    /// The Basic-auth password.
    pub fn password(&self) -> &str {
        &self.app.password
    }

    /// The imitated configuration.
    pub fn configuration(&self) -> Configuration {
        self.app.configuration
    }

    /// The demo world the infobase was laid out from (share it with the Okdesk simulator).
    pub fn world(&self) -> &DemoWorld {
        &self.world
    }

    /// Request counters.
    pub fn stats(&self) -> Stats {
        self.app.stats()
    }

    /// Zeroes the request counters.
    pub fn reset_stats(&self) {
        self.app.reset_stats();
    }

    /// Changes fault injection while running.
    pub fn set_faults(&self, faults: Faults) {
        self.app.set_knobs(|k| k.faults = faults);
    }

    /// Changes the latency while running.
    pub fn set_latency(&self, latency: Duration) {
        self.app.set_knobs(|k| k.latency = latency);
    }

    /// Changes the page-size cap while running.
    pub fn set_page_cap(&self, cap: Option<usize>) {
        self.app.set_knobs(|k| k.page_cap = cap);
    }

    /// The `$metadata` document the simulator serves.
    pub fn metadata(&self) -> &str {
        &self.app.metadata
    }

    /// The entity sets the configuration publishes (without tabular sections).
    pub fn sets(&self) -> Vec<String> {
        self.app
            .read()
            .schema
            .sets
            .iter()
            .map(|s| s.name.clone())
            .collect()
    }

    fn check_set(&self, set: &str) -> Result<(), OnecSandboxError> {
        match self.app.read().schema.set(set) {
            Some(_) => Ok(()),
            None => Err(OnecSandboxError::UnknownSet(set.to_owned())),
        }
    }

    /// How many objects (or register records) a set holds.
    pub fn count(&self, set: &str) -> Result<usize, OnecSandboxError> {
        self.check_set(set)?;
        Ok(self.app.read().count(set))
    }

    /// Every object of a set, in storage order (documents the product wrote included).
    pub fn objects(&self, set: &str) -> Result<Vec<StoredObject>, OnecSandboxError> {
        self.check_set(set)?;
        let ib = self.app.read();
        Ok(ib
            .set_data(set)
            .map(|d| d.objects.iter().map(|o| stored(set, o)).collect())
            .unwrap_or_default())
    }

    /// The documents of a set: an alias of [`OnecSandbox::objects`] that reads well in tests.
    pub fn documents(&self, set: &str) -> Result<Vec<StoredObject>, OnecSandboxError> {
        self.objects(set)
    }

    /// One object by reference.
    pub fn object(&self, set: &str, key: Ref) -> Result<StoredObject, OnecSandboxError> {
        self.check_set(set)?;
        let ib = self.app.read();
        ib.get(set, key.uuid())
            .map(|o| stored(set, o))
            .ok_or_else(|| OnecSandboxError::NotFound {
                set: set.to_owned(),
                key: key.to_string(),
            })
    }

    /// Plays a 1C user editing an object: the changes (JSON wire values) are validated like an
    /// OData PATCH, the object's `DataVersion` changes and exchange nodes get the change
    /// registered. Returns the new `DataVersion`.
    pub fn modify(
        &self,
        set: &str,
        key: Ref,
        changes: &[(&str, serde_json::Value)],
    ) -> Result<String, OnecSandboxError> {
        self.check_set(set)?;
        let body = Body {
            props: changes
                .iter()
                .map(|(k, v)| ((*k).to_owned(), In::Json(v.clone())))
                .collect(),
            tables: Vec::new(),
        };
        let mut ib = self.app.write();
        let def = ib
            .schema
            .set(set)
            .cloned()
            .ok_or_else(|| OnecSandboxError::UnknownSet(set.to_owned()))?;
        let not_found = || OnecSandboxError::NotFound {
            set: set.to_owned(),
            key: key.to_string(),
        };
        let mut copy = ib.get(set, key.uuid()).cloned().ok_or_else(not_found)?;
        write::apply(&ib, &def, &mut copy, &body).map_err(|e| OnecSandboxError::Rejected {
            set: set.to_owned(),
            code: e.code,
            message: e.message,
        })?;
        ib.update(set, key.uuid(), |obj| *obj = copy)
            .ok_or_else(not_found)
    }

    /// Sets or clears the deletion mark, as a user marking an object for deletion does.
    pub fn set_deletion_mark(
        &self,
        set: &str,
        key: Ref,
        mark: bool,
    ) -> Result<String, OnecSandboxError> {
        self.modify(set, key, &[("DeletionMark", serde_json::Value::Bool(mark))])
    }

    /// Deletes an object physically, as OData `DELETE` does (exchange nodes get a tombstone).
    pub fn delete(&self, set: &str, key: Ref) -> Result<(), OnecSandboxError> {
        self.check_set(set)?;
        self.app
            .write()
            .remove(set, key.uuid())
            .map(|_| ())
            .ok_or_else(|| OnecSandboxError::NotFound {
                set: set.to_owned(),
                key: key.to_string(),
            })
    }

    /// How many changes are registered (selected or not) for the exchange node with this code.
    pub fn pending_changes(&self, node_code: &str) -> Result<usize, OnecSandboxError> {
        let ib = self.app.read();
        let plan = ib
            .exchange
            .plan
            .clone()
            .ok_or_else(|| OnecSandboxError::UnknownSet("ExchangePlan_*".to_owned()))?;
        let node = ib
            .set_data(&plan)
            .and_then(|d| {
                d.objects
                    .iter()
                    .find(|o| o.get("Code").map(Val::text).as_deref() == Some(node_code))
            })
            .map(|o| o.id)
            .ok_or_else(|| OnecSandboxError::NotFound {
                set: plan.clone(),
                key: format!("Code = {node_code}"),
            })?;
        Ok(ib.exchange.changes.get(&node).map_or(0, |c| c.len()))
    }
}

impl Drop for OnecSandbox {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            // Graceful shutdown waits for open connections; aborting makes the drop immediate.
            task.abort();
        }
    }
}
