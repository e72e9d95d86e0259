//! Pull and bill embedded in your own program, the same jobs `okdesk-1c pull` and `bill` run: the
//! code of `examples/embed_pull.rs` and `examples/embed_bill.rs`, kept here so that tests run it.
//!
//! Both start from a push (pull and bill refer to the companies, contacts and contracts push
//! mapped) and share one state store with it. The simulators stand in for the real services; put
//! your account's URL and token and your base's OData address and login in their place.

use std::sync::{Arc, Mutex};

use okdesk_client::{ApiToken, OkdeskClient};
use onec_adapter::odata::OdataClient;
use sandbox::okdesk::{OkdeskConfig, OkdeskSandbox};
use sandbox::onec::{Configuration, OnecConfig, OnecSandbox};
use sync_engine::okdesk_issues::OkdeskIssuesPort;
use sync_engine::onec::OdataOnecPort;
use sync_engine::onec_documents::{AdapterRef, OdataDocuments};
use sync_engine::report::RunReport;
use sync_engine::{
    BillJob, BillPolicy, OkdeskApiPort, Policy, PullJob, PullPolicy, PushJob, StateStore,
};

/// Both simulators over one demo world, clients for them, and a state store a push has filled.
pub struct Setup {
    /// The Okdesk simulator (stops when dropped).
    pub okdesk: OkdeskSandbox,
    /// The 1C simulator (stops when dropped).
    pub onec: OnecSandbox,
    /// The Okdesk client every job shares (one rate limiter).
    pub client: OkdeskClient,
    /// The 1C OData client.
    pub odata: OdataClient,
    /// The state store the jobs share: mappings, cursors, the invoice outbox.
    pub state: Arc<Mutex<StateStore>>,
}

/// Starts the simulators for ЭСТИ (a configuration with a task document, so pull writes tasks)
/// and pushes the reference data once.
pub async fn setup() -> anyhow::Result<Setup> {
    let world = sandbox::demo::generate(1, sandbox::demo::DemoSize::Small);
    let okdesk = OkdeskSandbox::start(OkdeskConfig::default().world(world.clone())).await?;
    let onec = OnecSandbox::start(OnecConfig::new(Configuration::Esti).world(world)).await?;
    let client = OkdeskClient::builder(&okdesk.url(), ApiToken::new(okdesk.token()))
        .rate_limit(20, 40)
        .build()?;
    let odata = OdataClient::new(&onec.url(), onec.user(), onec.password())?;
    let state = Arc::new(Mutex::new(StateStore::open_in_memory()?));
    let adapter = Arc::new(onec_adapter::CustomAdapter::new(
        onec_adapter_esti::adapter(),
        onec_adapter_esti::adapter().layout().clone(),
    ));
    let push = PushJob::with_shared_state(
        Arc::new(OkdeskApiPort::new(client.clone())),
        Arc::new(OdataOnecPort::new(adapter, odata.clone())),
        state.clone(),
        Policy::default(),
    );
    push.run(false, &|_| {}).await?;
    Ok(Setup {
        okdesk,
        onec,
        client,
        odata,
        state,
    })
}

/// The 1C document side pull and bill write through.
fn documents(s: &Setup) -> Arc<OdataDocuments> {
    Arc::new(OdataDocuments::new(
        AdapterRef::Static(onec_adapter_esti::adapter()),
        s.odata.clone(),
    ))
}

/// Pulls the issues changed since the demo world's first day into 1C tasks and time sheets.
pub async fn pull(s: &Setup) -> anyhow::Result<RunReport> {
    let job = PullJob::with_shared_state(
        Arc::new(OkdeskIssuesPort::new(s.client.clone())),
        documents(s),
        s.state.clone(),
        PullPolicy::new(s.okdesk.url()),
    );
    // The first pull of a real account should start at a chosen day, not at the beginning of
    // time: the CLI defaults to 30 days back; the demo world's issues are older, so start there.
    let since = chrono::NaiveDate::from_ymd_opt(2020, 1, 1);
    Ok(job.run(false, since, &|_| {}).await?)
}

/// Turns paid issues into 1C invoices and uploads each PDF back to its issue, once.
pub async fn bill(s: &Setup) -> anyhow::Result<RunReport> {
    // Bill writes its comment as an Okdesk employee: the first active one here.
    let author = s
        .client
        .employees()
        .list()
        .collect_all()
        .await?
        .into_iter()
        .find(|e| e.is_active())
        .map(|e| e.id.0)
        .ok_or_else(|| anyhow::anyhow!("the account has no active employee"))?;
    let mut policy = BillPolicy::new(s.okdesk.url(), author);
    policy.statuses = vec!["completed".into(), "closed".into()];
    policy.generic_item = Some("SRV-006".into());
    let job = BillJob::with_shared_state(
        Arc::new(OkdeskIssuesPort::new(s.client.clone())),
        documents(s),
        s.state.clone(),
        policy,
    );
    Ok(job.run(false, &|_| {}).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn embedded_pull_and_bill_run_against_the_simulators() {
        let s = setup().await.unwrap();
        let pulled = pull(&s).await.unwrap();
        assert!(
            pulled.counts["tasks"].created > 0,
            "{}",
            pulled.render_table()
        );
        let billed = bill(&s).await.unwrap();
        assert!(
            billed.counts["invoices"].created > 0,
            "{}",
            billed.render_table()
        );
        // A second bill finds every invoice in the outbox: nothing is billed twice.
        let again = bill(&s).await.unwrap();
        assert_eq!(
            again.counts.get("invoices").map_or(0, |c| c.created),
            0,
            "{}",
            again.render_table()
        );
    }
}
