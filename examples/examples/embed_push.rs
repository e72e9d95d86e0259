//! Embedding the engine: a push from a 1C УТ 11 base into Okdesk from your own Rust program, the
//! same job `okdesk-1c push` runs. Both simulators stand in for the real services here; put your
//! account's URL and token and your base's OData address and login in their place.
//!
//! Run it with `cargo run -p examples --example embed_push`.

use std::sync::Arc;

use okdesk_client::{ApiToken, OkdeskClient};
use onec_adapter::odata::OdataClient;
use onec_adapter::{Adapter, CustomAdapter};
use sandbox::okdesk::{OkdeskConfig, OkdeskSandbox};
use sandbox::onec::{Configuration, OnecConfig, OnecSandbox};
use sync_engine::onec::OdataOnecPort;
use sync_engine::{OkdeskApiPort, Policy, PushJob, StateStore};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // One demo world behind both simulators, so that INNs and e-mails agree between them.
    let world = sandbox::demo::generate(1, sandbox::demo::DemoSize::Small);
    let okdesk = OkdeskSandbox::start(OkdeskConfig::default().world(world.clone())).await?;
    let onec = OnecSandbox::start(OnecConfig::new(Configuration::Ut11).world(world)).await?;

    // The two sides: a rate-limited Okdesk client and the 1C OData transport with the УТ 11 adapter.
    let client = OkdeskClient::builder(&okdesk.url(), ApiToken::new(okdesk.token()))
        .rate_limit(20, 40)
        .build()?;
    let odata = OdataClient::new(&onec.url(), onec.user(), onec.password())?;
    let ut11 = onec_adapter_ut11::adapter();
    // The port owns its adapter; a custom adapter over УТ 11 with its own layout is exactly УТ 11.
    let adapter: Arc<dyn Adapter> = Arc::new(CustomAdapter::new(ut11, ut11.layout().clone()));

    // The job: ports, a state store (a file in real use: mappings make the next run incremental)
    // and the policy (mode, --only, INN parameter, deletion handling, portions).
    let job = PushJob::new(
        Arc::new(OkdeskApiPort::new(client)),
        Arc::new(OdataOnecPort::new(adapter, odata)),
        StateStore::open_in_memory()?,
        Policy::default(),
    );
    let report = job
        .run(false, &|p| {
            eprintln!("{}/{} {} {}", p.done, p.total, p.kind, p.name)
        })
        .await?;
    println!("{}", report.render_table());

    // A second run finds everything mapped and unchanged: nothing is written twice.
    let again = job.run(false, &|_| {}).await?;
    println!(
        "second run: {} unchanged, {} created",
        again.totals().unchanged,
        again.totals().created
    );
    Ok(())
}
