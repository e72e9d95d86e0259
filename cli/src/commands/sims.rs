//! Starting both simulators for `sandbox` and `demo` from one shared demo world, and writing a
//! ready config (with the secrets in files beside it, never in the config) for them.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{anyhow, Context as _, Result};
use sandbox::demo::{DemoSize, DemoWorld};
use sandbox::okdesk::{Faults, OkdeskConfig, OkdeskSandbox};
use sandbox::onec::{Faults as OnecFaults, OnecConfig, OnecSandbox};

use crate::args::ConfigurationArg;

/// What to start.
#[derive(Clone, Debug)]
pub struct SimOptions {
    /// The configuration the 1C simulator imitates.
    pub configuration: ConfigurationArg,
    /// The demo data seed.
    pub seed: u64,
    /// The demo data size.
    pub size: DemoSize,
    /// Fixed ports, if asked.
    pub okdesk_port: Option<u16>,
    /// Fixed ports, if asked.
    pub onec_port: Option<u16>,
    /// Latency on every response.
    pub latency: Duration,
    /// Okdesk requests per second.
    pub rate_limit: Option<u32>,
    /// Share of failing requests.
    pub fault_rate: f64,
    /// Entity sets the 1C simulator leaves out of its publication, as a base whose administrator
    /// did not tick them in «Стандартный интерфейс OData» does.
    pub unpublished: Vec<String>,
}

/// The 1C simulator's address and login.
#[derive(Clone, Debug)]
pub struct OnecEndpoint {
    /// The OData service root.
    pub url: String,
    /// The user.
    pub user: String,
    /// The password.
    pub password: String,
}

/// Both simulators, running until dropped.
pub struct Sims {
    /// The Okdesk simulator.
    pub okdesk: OkdeskSandbox,
    /// The 1C simulator, when this build has it.
    pub onec: Result<OnecHandle, String>,
    /// The configuration.
    pub configuration: ConfigurationArg,
    /// The shared world.
    pub world: DemoWorld,
    /// The Okdesk simulator's per-token rate limit, if any.
    pub rate_limit: Option<u32>,
}

/// A running 1C simulator.
pub struct OnecHandle {
    /// Where it listens and how to log in.
    pub endpoint: OnecEndpoint,
    /// The server (stops when dropped).
    pub server: OnecSandbox,
}

fn addr(port: Option<u16>) -> Option<std::net::SocketAddr> {
    port.map(|p| std::net::SocketAddr::from(([127, 0, 0, 1], p)))
}

/// Starts both simulators on 127.0.0.1.
pub async fn start(o: &SimOptions) -> Result<Sims> {
    let world = sandbox::demo::generate(o.seed, o.size);
    let mut okdesk_config = OkdeskConfig::default()
        .seed(o.seed)
        .world(world.clone())
        .latency(o.latency, Duration::ZERO)
        .rate_limit(o.rate_limit);
    if o.fault_rate > 0.0 {
        okdesk_config = okdesk_config.faults(Faults {
            server_error: o.fault_rate,
            ..Faults::none()
        });
    }
    if let Some(a) = addr(o.okdesk_port) {
        okdesk_config = okdesk_config.addr(a);
    }
    let okdesk = OkdeskSandbox::start(okdesk_config)
        .await
        .map_err(|e| anyhow!("cannot start the Okdesk simulator: {e}"))?;
    let onec = start_onec(o, &world).await;
    Ok(Sims {
        okdesk,
        onec,
        configuration: o.configuration,
        world,
        rate_limit: o.rate_limit,
    })
}

async fn start_onec(o: &SimOptions, world: &DemoWorld) -> Result<OnecHandle, String> {
    let configuration: sandbox::onec::Configuration = o
        .configuration
        .as_str()
        .parse()
        .map_err(|e: sandbox::onec::UnknownConfiguration| e.to_string())?;
    let mut config = OnecConfig::new(configuration)
        .seed(o.seed)
        .world(world.clone())
        .latency(o.latency);
    if o.fault_rate > 0.0 {
        config = config.faults(OnecFaults::server_errors(o.fault_rate));
    }
    config = config.unpublish(o.unpublished.iter().cloned());
    config.addr = addr(o.onec_port);
    let server = OnecSandbox::start(config)
        .await
        .map_err(|e| format!("cannot start the 1C simulator: {e}"))?;
    Ok(OnecHandle {
        endpoint: OnecEndpoint {
            url: server.url(),
            user: server.user().to_owned(),
            password: server.password().to_owned(),
        },
        server,
    })
}

/// The files of a ready config.
#[derive(Clone, Debug)]
pub struct WrittenConfig {
    /// The config.
    pub config: PathBuf,
    /// The state file it names.
    pub state: PathBuf,
    /// Where bill's PDFs go.
    pub files: PathBuf,
}

/// Writes `okdesk-1c.toml`-style config for the simulators at `path`, the token and password in
/// files beside it.
pub fn write_config(sims: &Sims, path: &Path, state: &Path) -> Result<WrittenConfig> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "okdesk-1c".into());
    let token_file = dir.join(format!("{stem}.okdesk-token"));
    std::fs::write(&token_file, sims.okdesk.token())
        .with_context(|| format!("cannot write {}", token_file.display()))?;
    let onec_part = match &sims.onec {
        Ok(h) => {
            let pw = dir.join(format!("{stem}.onec-password"));
            std::fs::write(&pw, &h.endpoint.password)
                .with_context(|| format!("cannot write {}", pw.display()))?;
            format!(
                "configuration = \"{}\"\nsource = \"odata\"\nurl = \"{}\"\nuser = \"{}\"\npassword_file = \"{}\"\n",
                sims.configuration.as_str(),
                h.endpoint.url,
                h.endpoint.user,
                toml_path(&pw)
            )
        }
        Err(why) => format!(
            "# {why}; point this at a real base to use the config.\nconfiguration = \"{}\"\nsource = \"odata\"\nurl = \"http://127.0.0.1:1/odata/standard.odata\"\nuser = \"Администратор\"\n",
            sims.configuration.as_str()
        ),
    };
    let files = dir.join(format!("{stem}-files"));
    // The demo price list has one code no 1C item carries (as real price lists do); the generic
    // service item lets such lines be billed instead of failing the invoice.
    let service_item = sims
        .world
        .onec
        .items
        .iter()
        .filter_map(|i| i.article.as_deref())
        .find(|a| *a == "SRV-006")
        .map(|a| format!("service_item = \"{a}\"\n"))
        .unwrap_or_default();
    // The demo world's issues are historical (up to four months before its anchor date): the first
    // pull starts at the oldest one, as a user would set `[pull] since` to pull such an account.
    let pull_since = sims
        .world
        .okdesk
        .issues
        .iter()
        .map(|i| i.created_at.date())
        .min()
        .map(|d| format!("[pull]\nsince = \"{}\"\n\n", d.format("%Y-%m-%d")))
        .unwrap_or_default();
    let text = format!(
        "# Written by `okdesk-1c sandbox`/`demo` for the local simulators.\n\
         time_zone = \"Europe/Moscow\"\n\
         state = \"{state}\"\n\
         files = \"{files}\"\n\n\
         [okdesk]\n\
         url = \"{okdesk}\"\n\
         token_file = \"{token}\"\n\
         rate_limit = {rate}\n\
         burst = {rate}\n\
         concurrency = 16\n\n\
         [onec]\n{onec_part}\n\
         [push]\n\
         mode = \"full\"\n\
         inn_parameter = \"inn\"\n\n\
         {pull_since}\
         [bill]\n\
         statuses = [\"completed\", \"closed\"]\n\
         upload = \"public\"\n\
         {service_item}\n\
         [schedule]\n\
         push = \"*/5 * * * *\"\n\
         pull = \"*/2 * * * *\"\n",
        state = toml_path(state),
        files = toml_path(&files),
        okdesk = sims.okdesk.url(),
        token = toml_path(&token_file),
        // The client keeps under a simulated rate limit, as it would under the real account's.
        rate = sims.rate_limit.unwrap_or(1000),
    );
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(WrittenConfig {
        config: path.to_path_buf(),
        state: state.to_path_buf(),
        files,
    })
}

/// A path as a TOML basic string body (backslashes of Windows paths escaped).
fn toml_path(p: &Path) -> String {
    p.display()
        .to_string()
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
}
