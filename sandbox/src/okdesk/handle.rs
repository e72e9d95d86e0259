//! The running simulator: binding, serving, shutting down, and the in-process accessors tests use
//! to look inside the account or to play a help-desk user changing it.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body as HttpBody;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::NaiveDateTime;
use serde_json::{json, Value};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::app::{gate, page_not_found, App, Stats};
use super::body::{Body, Upload};
use super::config::{Faults, OkdeskConfig};
use super::error::SandboxError;
use super::model::Actor;
use super::routes;
use super::store::now;

/// A file stored in the simulator, as tests read it directly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredAttachment {
    /// The attachment id.
    pub id: u64,
    /// The comment it belongs to; `None` for a file of the issue itself.
    pub comment_id: Option<u64>,
    /// The file name.
    pub file_name: String,
    /// The description.
    pub description: Option<String>,
    /// The content.
    pub bytes: Vec<u8>,
    /// Visible to the client.
    pub is_public: bool,
}

/// A running Okdesk simulator. Dropping it stops the server.
pub struct OkdeskSandbox {
    app: Arc<App>,
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

async fn stats(State(app): State<Arc<App>>) -> Json<Stats> {
    Json(app.stats())
}

async fn reset(State(app): State<Arc<App>>) -> Json<Value> {
    app.reset();
    Json(json!({"reset": true}))
}

fn content_type(name: &str) -> &'static str {
    let lower = name.to_lowercase();
    match lower.rsplit('.').next() {
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("pdf") => "application/pdf",
        Some("txt" | "log") => "text/plain; charset=utf-8",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}

/// The temporary download URL behind `attachment_url` (no token: the link itself is the secret).
async fn file(State(app): State<Arc<App>>, Path(token): Path<String>) -> Response {
    let store = app.store();
    match routes::issue_parts_download(&store, &token) {
        Ok((name, bytes)) => Response::builder()
            .status(StatusCode::OK)
            .header(header::CONTENT_TYPE, content_type(&name))
            .header(
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename*=UTF-8''{}",
                    percent_encoding::utf8_percent_encode(
                        &name,
                        percent_encoding::NON_ALPHANUMERIC
                    )
                ),
            )
            .body(HttpBody::from(bytes))
            .expect("a response from valid parts"),
        // Expired links answer as an expired signed storage URL does.
        Err("expired") => (StatusCode::FORBIDDEN, "Request has expired").into_response(),
        Err(_) => (StatusCode::NOT_FOUND, "Not Found").into_response(),
    }
}

async fn api_not_found() -> Response {
    page_not_found()
}

fn router(app: Arc<App>) -> Router {
    let api = routes::api()
        .route_layer(middleware::from_fn_with_state(app.clone(), gate))
        .fallback(api_not_found);
    Router::new()
        .nest("/api/v1", api)
        .route("/sandbox/stats", get(stats))
        .route("/sandbox/reset", post(reset))
        .route("/sandbox/files/{token}", get(file))
        .with_state(app)
}

impl OkdeskSandbox {
    /// Loads the account and serves it on 127.0.0.1 (a free port unless the config names one).
    pub async fn start(config: OkdeskConfig) -> Result<OkdeskSandbox, SandboxError> {
        let addr = config
            .addr
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0)));
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| SandboxError::Bind {
                addr: addr.to_string(),
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| SandboxError::Bind {
            addr: addr.to_string(),
            source,
        })?;
        let app = Arc::new(App::new(&config));
        let _ = app.base_url.set(format!("http://{addr}"));
        let (tx, rx) = oneshot::channel::<()>();
        let service = router(app.clone());
        let task = tokio::spawn(async move {
            let served = axum::serve(listener, service)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
            if let Err(e) = served {
                tracing::warn!(error = %e, "the Okdesk simulator stopped with an error");
            }
        });
        Ok(OkdeskSandbox {
            app,
            addr,
            shutdown: Some(tx),
            task: Some(task),
        })
    }

    /// The account URL, `http://127.0.0.1:PORT`; the API lives under `/api/v1`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The API base, `http://127.0.0.1:PORT/api/v1`.
    pub fn api_url(&self) -> String {
        format!("http://{}/api/v1", self.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The main API token.
    pub fn token(&self) -> &str {
        &self.app.tokens[0]
    }

    /// The same data as `GET /sandbox/stats`.
    pub fn stats(&self) -> Stats {
        self.app.stats()
    }

    /// Restores the initial demo data and zeroes the counters, like `POST /sandbox/reset`.
    pub fn reset(&self) {
        self.app.reset();
    }

    /// Changes fault injection while running.
    pub fn set_faults(&self, faults: Faults) {
        self.app
            .knobs
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .faults = faults;
    }

    /// Changes latency and jitter while running.
    pub fn set_latency(&self, latency: Duration, jitter: Duration) {
        let mut knobs = self.app.knobs.write().unwrap_or_else(|e| e.into_inner());
        knobs.latency = latency;
        knobs.jitter = jitter;
    }

    /// Changes the per-token rate limit while running (budgets start afresh).
    pub fn set_rate_limit(&self, per_second: Option<u32>) {
        self.app.set_rate_limit(per_second);
    }

    /// How many companies carry exactly this `crm_1c_id` (duplicates reveal a non-idempotent push).
    pub fn count_companies_by_crm_1c_id(&self, crm_1c_id: &str) -> usize {
        self.app
            .store()
            .companies
            .values()
            .filter(|c| c.crm_1c_id.as_deref() == Some(crm_1c_id))
            .count()
    }

    /// How many contacts carry exactly this `crm_1c_id`.
    pub fn count_contacts_by_crm_1c_id(&self, crm_1c_id: &str) -> usize {
        self.app
            .store()
            .contacts
            .values()
            .filter(|c| c.crm_1c_id.as_deref() == Some(crm_1c_id))
            .count()
    }

    /// Ids of companies whose INN attribute is `inn`.
    pub fn company_ids_by_inn(&self, inn: &str) -> Vec<u64> {
        self.app
            .store()
            .companies
            .values()
            .filter(|c| c.params.get("inn").and_then(Value::as_str) == Some(inn))
            .map(|c| c.id)
            .collect()
    }

    /// Every company as the API shows it.
    pub fn companies(&self) -> Vec<Value> {
        let s = self.app.store();
        s.companies
            .values()
            .map(|c| s.company_json(c, false))
            .collect()
    }

    /// Every contact as the API shows it.
    pub fn contacts(&self) -> Vec<Value> {
        let s = self.app.store();
        s.contacts.values().map(|c| s.contact_json(c)).collect()
    }

    /// Every agreement as the API shows it.
    pub fn agreements(&self) -> Vec<Value> {
        let s = self.app.store();
        s.agreements.values().map(|a| s.agreement_json(a)).collect()
    }

    /// Every maintenance entity as the API shows it.
    pub fn maintenance_entities(&self) -> Vec<Value> {
        let s = self.app.store();
        s.maintenance_entities
            .values()
            .map(|m| s.maintenance_entity_json(m, false))
            .collect()
    }

    /// Every piece of equipment as the API shows it.
    pub fn equipment(&self) -> Vec<Value> {
        let s = self.app.store();
        s.equipment.values().map(|e| s.equipment_json(e)).collect()
    }

    /// Every employee as the API shows it.
    pub fn employees(&self) -> Vec<Value> {
        let s = self.app.store();
        s.employees.values().map(|e| s.employee_json(e)).collect()
    }

    /// The employee with this e-mail (case-insensitive).
    pub fn employee_id_by_email(&self, email: &str) -> Option<u64> {
        self.app.store().employee_by_email(email)
    }

    /// All issue ids, ascending.
    pub fn issue_ids(&self) -> Vec<u64> {
        self.app.store().issues.keys().copied().collect()
    }

    /// The issue card, as `GET /issues/{id}` shows it.
    pub fn issue(&self, id: u64) -> Option<Value> {
        let s = self.app.store();
        s.issues.get(&id).map(|i| s.issue_card(i))
    }

    /// The issue's comments, private ones included.
    pub fn issue_comments(&self, id: u64) -> Vec<Value> {
        let s = self.app.store();
        s.issues.get(&id).map_or_else(Vec::new, |i| {
            i.comment_ids
                .iter()
                .filter_map(|c| s.comments.get(c))
                .map(|c| s.comment_json(c))
                .collect()
        })
    }

    /// The issue's time entries.
    pub fn issue_time_entries(&self, id: u64) -> Vec<Value> {
        let s = self.app.store();
        s.issues.get(&id).map_or_else(Vec::new, |i| {
            i.time_entries
                .iter()
                .map(|t| s.time_entry_json(t))
                .collect()
        })
    }

    /// The issue's specification lines.
    pub fn issue_services(&self, id: u64) -> Vec<Value> {
        let s = self.app.store();
        s.issues.get(&id).map_or_else(Vec::new, |i| {
            i.services.iter().map(|x| s.issue_service_json(x)).collect()
        })
    }

    /// Every file of the issue and of its comments, with content.
    pub fn issue_attachments(&self, id: u64) -> Vec<StoredAttachment> {
        self.app
            .store()
            .attachments
            .values()
            .filter(|a| a.issue_id == id)
            .map(|a| StoredAttachment {
                id: a.id,
                comment_id: a.comment_id,
                file_name: a.file_name.clone(),
                description: a.description.clone(),
                bytes: a.bytes.to_vec(),
                is_public: a.is_public,
            })
            .collect()
    }

    /// Creates an issue as a help-desk user would, from the fields of `POST /issues`
    /// (`{"title":…, "company_id":…}`); the same validation applies.
    pub fn add_issue(&self, fields: Value) -> Result<u64, SandboxError> {
        let Value::Object(fields) = fields else {
            return Err(SandboxError::Rejected {
                errors: json!("the issue fields must be a JSON object"),
            });
        };
        let body = Body {
            fields,
            files: Vec::new(),
        };
        Ok(routes::issues_create(&mut self.app.store(), &body)?)
    }

    /// Adds a comment by the employee or contact with this e-mail (an unknown e-mail writes as
    /// the API user), with optional files `(name, bytes)`.
    pub fn add_comment(
        &self,
        issue_id: u64,
        author_email: &str,
        content: &str,
        public: bool,
        files: Vec<(String, Vec<u8>)>,
    ) -> Result<u64, SandboxError> {
        let mut store = self.app.store();
        if !store.issues.contains_key(&issue_id) {
            return Err(SandboxError::NotFound {
                what: "issue",
                id: issue_id,
            });
        }
        let author = store
            .actor_by_email(author_email)
            .unwrap_or(Actor::Employee(store.api_employee));
        let uploads: Vec<Upload> = files
            .into_iter()
            .map(|(file_name, bytes)| Upload {
                file_name,
                bytes: bytes.into(),
                description: None,
                is_public: Some(public),
            })
            .collect();
        Ok(routes::issue_parts_add_comment(
            &mut store,
            issue_id,
            author,
            content.to_owned(),
            public,
            &uploads,
        ))
    }

    /// Sets an issue's status directly, as an administrator can, ignoring transitions.
    pub fn set_issue_status(&self, issue_id: u64, code: &str) -> Result<(), SandboxError> {
        let mut store = self.app.store();
        let completed =
            store
                .status(code)
                .map(|s| s.completed)
                .ok_or_else(|| SandboxError::Rejected {
                    errors: json!({"code": ["имеет неверное значение"]}),
                })?;
        let issue = store
            .issues
            .get_mut(&issue_id)
            .ok_or(SandboxError::NotFound {
                what: "issue",
                id: issue_id,
            })?;
        let at = now();
        issue.old_status = Some(std::mem::replace(&mut issue.status, code.to_owned()));
        issue.completed_at = completed.then_some(at);
        issue.updated_at = at;
        Ok(())
    }

    /// Edits an issue's title and description as a user would.
    pub fn edit_issue(
        &self,
        issue_id: u64,
        title: Option<&str>,
        description: Option<&str>,
    ) -> Result<(), SandboxError> {
        let mut store = self.app.store();
        let issue = store
            .issues
            .get_mut(&issue_id)
            .ok_or(SandboxError::NotFound {
                what: "issue",
                id: issue_id,
            })?;
        if let Some(t) = title {
            issue.title = t.to_owned();
        }
        if let Some(d) = description {
            issue.description = d.to_owned();
        }
        issue.updated_at = now();
        Ok(())
    }

    /// Backdates (or moves) an issue's `updated_at`, in account time, to test `updated_since`.
    pub fn set_issue_updated_at(
        &self,
        issue_id: u64,
        at: NaiveDateTime,
    ) -> Result<(), SandboxError> {
        let mut store = self.app.store();
        let issue = store
            .issues
            .get_mut(&issue_id)
            .ok_or(SandboxError::NotFound {
                what: "issue",
                id: issue_id,
            })?;
        issue.updated_at = at;
        Ok(())
    }

    /// Stops serving and waits (briefly) for the server task to end.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            // Keep-alive connections can hold a graceful shutdown open; do not wait for them long.
            let abort = task.abort_handle();
            if tokio::time::timeout(Duration::from_secs(1), task)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
    }
}

impl Drop for OkdeskSandbox {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
