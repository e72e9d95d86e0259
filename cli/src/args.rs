//! The command line as clap sees it: global flags, the commands of `docs/design.md` §6 and their
//! flags, with help texts and examples. Parsing only; validation against the config happens later.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const AFTER_HELP: &str = "\
Examples:
  okdesk-1c demo                          try everything against built-in simulators
  okdesk-1c init                          write a commented okdesk-1c.toml to edit
  okdesk-1c check                         test the Okdesk and 1C connections
  okdesk-1c plan push                     what a push would change, writing nothing
  okdesk-1c push --mode add-only          create what is new in Okdesk
  okdesk-1c push --only companies,contacts --dry-run
  okdesk-1c sync --json                   push, pull and bill; one JSON document on stdout
  okdesk-1c run                           the daemon: push and pull on the config's schedules
  okdesk-1c status                        last runs, failures waiting for retry, cursors

Secrets never go on the command line: the Okdesk token and the 1C password come from an
environment variable or a file named in the config (token_env / token_file).

Exit codes: 0 all done; 1 finished, but some records failed (see the report); 2 could not run
(config, connection, credentials, state file, another run on the same state).";

/// okdesk-1c keeps the Okdesk help desk and 1C:Enterprise 8.3 in sync, from outside 1C.
#[derive(Debug, Parser)]
#[command(
    name = "okdesk-1c",
    version,
    about = "Keeps Okdesk and 1C:Enterprise 8.3 (УНФ, КА 2, УТ 11, УТ 10.3, ЭСТИ) in sync",
    after_help = AFTER_HELP,
    propagate_version = true
)]
pub struct Cli {
    /// The config file (default: ./okdesk-1c.toml).
    #[arg(long, global = true, env = "OKDESK_1C_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Print one JSON document on stdout instead of tables (for scripts and monitoring).
    #[arg(long, global = true)]
    pub json: bool,
    /// More log output (-v: debug, -vv: trace); RUST_LOG overrides it.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Log format on stderr.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Human)]
    pub log_format: LogFormat,
    /// Never draw progress bars, even on a terminal.
    #[arg(long, global = true)]
    pub no_progress: bool,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// How log lines look.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Readable lines.
    Human,
    /// One JSON object per line.
    Json,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Test both connections: Okdesk (address and API token) and 1C (address, user, configuration).
    #[command(
        after_help = "Each side ends in one of: «Подключение прошло успешно» (connected), \
«Сервер ОкДеск недоступен» (unreachable: check the address) or «Неверный адрес аккаунта или \
API-токен» (unauthorized: check the token or the 1C user). For 1C it also names the configuration \
found in $metadata and whatever the layout needs that the base lacks.\n\nExample:\n  okdesk-1c check --json"
    )]
    Check,
    /// Show what a job would change, writing nothing (the same code path as the job itself).
    #[command(
        after_help = "Examples:\n  okdesk-1c plan            # the push plan\n  okdesk-1c plan pull\n  okdesk-1c plan bill --json"
    )]
    Plan(PlanArgs),
    /// 1C → Okdesk: companies, contacts, agreements, objects, equipment and its directories.
    #[command(
        after_help = "Examples:\n  okdesk-1c push\n  okdesk-1c push --mode add-only\n  okdesk-1c push --only companies,contacts --dry-run"
    )]
    Push(PushArgs),
    /// Okdesk → 1C: issues changed since the last exchange, with comments and time entries.
    #[command(
        after_help = "Examples:\n  okdesk-1c pull\n  okdesk-1c pull --since 2024-03-01 --dry-run"
    )]
    Pull(PullArgs),
    /// Paid issues → invoices in 1C → PDF back to the issue (exactly once per issue).
    #[command(after_help = "Example:\n  okdesk-1c bill --dry-run")]
    Bill(BillArgs),
    /// Push, then pull, then bill.
    #[command(after_help = "Example:\n  okdesk-1c sync --json > last-sync.json")]
    Sync(SyncArgs),
    /// The daemon: push and pull on the config's separate schedules until SIGINT/SIGTERM.
    #[command(
        after_help = "The schedules come from [schedule] in the config (cron, 5 or 6 fields):\n\n  [schedule]\n  push = \"*/15 * * * *\"\n  pull = \"*/5 * * * *\"\n\nOne run at a time per state file; on a stop signal the current run finishes its writes in \
flight, saves them and exits. A failed run calls the [alert] hook with the run's JSON. With --json the daemon prints one JSON line per run."
    )]
    Run(RunArgs),
    /// Last runs with counts and durations, failures waiting for retry, cursors.
    #[command(after_help = "Example:\n  okdesk-1c status --runs 20")]
    Status(StatusArgs),
    /// Start both simulators on localhost and write a ready config for them.
    #[command(
        after_help = "Example:\n  okdesk-1c sandbox --configuration esti --okdesk-port 8081 --onec-port 8082\n  \
# in another terminal:\n  OKDESK_1C_CONFIG=okdesk-1c.sandbox.toml okdesk-1c sync"
    )]
    Sandbox(SandboxArgs),
    /// Everything the product does, in under a minute, against in-process simulators.
    #[command(
        after_help = "Examples:\n  okdesk-1c demo\n  okdesk-1c demo --configuration esti --json"
    )]
    Demo(DemoArgs),
    /// Write a commented starter okdesk-1c.toml.
    #[command(
        after_help = "Examples:\n  okdesk-1c init\n  okdesk-1c init --configuration unf --path /etc/okdesk-1c/okdesk-1c.toml\n  okdesk-1c init --print"
    )]
    Init(InitArgs),
    /// Print a shell completion script.
    #[command(
        after_help = "Examples:\n  okdesk-1c completions bash > /etc/bash_completion.d/okdesk-1c\n  okdesk-1c completions zsh > \"${fpath[1]}/_okdesk-1c\"\n  okdesk-1c completions fish > ~/.config/fish/completions/okdesk-1c.fish\n  okdesk-1c completions powershell >> $PROFILE"
    )]
    Completions(CompletionsArgs),
}

impl Command {
    /// The command's name as typed.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Check => "check",
            Command::Plan(_) => "plan",
            Command::Push(_) => "push",
            Command::Pull(_) => "pull",
            Command::Bill(_) => "bill",
            Command::Sync(_) => "sync",
            Command::Run(_) => "run",
            Command::Status(_) => "status",
            Command::Sandbox(_) => "sandbox",
            Command::Demo(_) => "demo",
            Command::Init(_) => "init",
            Command::Completions(_) => "completions",
        }
    }
}

/// Which job a plan is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum JobName {
    /// 1C → Okdesk.
    #[default]
    Push,
    /// Okdesk → 1C.
    Pull,
    /// Paid issues → invoices.
    Bill,
}

impl JobName {
    /// The job's name.
    pub fn as_str(self) -> &'static str {
        match self {
            JobName::Push => "push",
            JobName::Pull => "pull",
            JobName::Bill => "bill",
        }
    }
}

/// `plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The job to plan.
    #[arg(value_enum, default_value_t = JobName::Push)]
    pub job: JobName,
    /// For `plan push`: the mode to plan in (default from the config).
    #[arg(long, value_enum)]
    pub mode: Option<ModeArg>,
    /// For `plan push`: only these entities.
    #[arg(long, value_delimiter = ',', value_name = "ENTITIES")]
    pub only: Vec<String>,
}

/// `--mode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ModeArg {
    /// Create what is new; leave existing records as they are.
    AddOnly,
    /// Also update what changed.
    Full,
}

/// `push`.
#[derive(Debug, Args)]
pub struct PushArgs {
    /// `add-only` creates what is new; `full` also updates what changed (default from the config).
    #[arg(long, value_enum)]
    pub mode: Option<ModeArg>,
    /// Only these entities: companies, contacts, agreements, objects, equipment (equipment brings
    /// its kinds, manufacturers and models).
    #[arg(long, value_delimiter = ',', value_name = "ENTITIES")]
    pub only: Vec<String>,
    /// Plan through the same path and write nothing to Okdesk.
    #[arg(long)]
    pub dry_run: bool,
}

/// `pull`.
#[derive(Debug, Args)]
pub struct PullArgs {
    /// Read issues changed since this date (YYYY-MM-DD) instead of the stored cursor.
    #[arg(long, value_name = "DATE")]
    pub since: Option<chrono::NaiveDate>,
    /// Read and plan, write nothing to 1C.
    #[arg(long)]
    pub dry_run: bool,
    /// On the first pull, read every issue in the window even when there are more than
    /// `[pull] first_max_issues`.
    #[arg(long)]
    pub all: bool,
}

/// `bill`.
#[derive(Debug, Args)]
pub struct BillArgs {
    /// Plan the invoices, write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// `sync`.
#[derive(Debug, Args)]
pub struct SyncArgs {
    /// Plan every job, write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// `run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Also run push and pull once right at start, before waiting for the schedules.
    #[arg(long)]
    pub now: bool,
}

/// `status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// How many recent runs to show.
    #[arg(long, default_value_t = 10)]
    pub runs: usize,
}

/// A configuration of the simulators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum ConfigurationArg {
    /// 1С:Управление нашей фирмой 3.0.
    Unf,
    /// 1С:Комплексная автоматизация 2.5.
    Ka,
    /// 1С:Управление торговлей 11.5.
    #[default]
    Ut11,
    /// 1С:Управление торговлей 10.3.
    Ut103,
    /// ЭСТИ: Управление фирмой-франчайзи.
    Esti,
}

impl ConfigurationArg {
    /// The configuration id (`ut11`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            ConfigurationArg::Unf => "unf",
            ConfigurationArg::Ka => "ka",
            ConfigurationArg::Ut11 => "ut11",
            ConfigurationArg::Ut103 => "ut103",
            ConfigurationArg::Esti => "esti",
        }
    }

    /// Every configuration.
    pub const ALL: [ConfigurationArg; 5] = [
        ConfigurationArg::Unf,
        ConfigurationArg::Ka,
        ConfigurationArg::Ut11,
        ConfigurationArg::Ut103,
        ConfigurationArg::Esti,
    ];
}

/// Demo data size.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum SizeArg {
    /// A dozen companies: fast.
    #[default]
    Small,
    /// Hundreds of companies: a realistic trial.
    Large,
}

/// `sandbox`.
#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// The 1C configuration the 1C simulator imitates.
    #[arg(long, value_enum, default_value_t)]
    pub configuration: ConfigurationArg,
    /// The Okdesk simulator's port (default: a free one).
    #[arg(long, value_name = "N")]
    pub okdesk_port: Option<u16>,
    /// The 1C simulator's port (default: a free one).
    #[arg(long, value_name = "N")]
    pub onec_port: Option<u16>,
    /// The demo data seed.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub seed: u64,
    /// How much demo data.
    #[arg(long, value_enum, default_value_t)]
    pub size: SizeArg,
    /// Latency added to every response, in milliseconds.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub latency_ms: u64,
    /// Okdesk requests per second per token (excess gets 429 with Retry-After).
    #[arg(long, value_name = "N")]
    pub rate_limit: Option<u32>,
    /// Share of Okdesk and 1C requests that fail with a server error (0.0 to 1.0).
    #[arg(long, default_value_t = 0.0, value_name = "F")]
    pub fault_rate: f64,
    /// Leave an entity set out of the simulated 1C publication (repeatable), to see what a partial
    /// «Стандартный интерфейс OData» does: `--unpublish Catalog_Партнеры`.
    #[arg(long, value_name = "SET")]
    pub unpublish: Vec<String>,
    /// Where to write the ready config for the simulators.
    #[arg(long, default_value = "okdesk-1c.sandbox.toml", value_name = "FILE")]
    pub write_config: PathBuf,
}

/// `demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// The 1C configuration to demonstrate.
    #[arg(long, value_enum, default_value_t)]
    pub configuration: ConfigurationArg,
    /// The demo data seed.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub seed: u64,
    /// Where to keep the state file, the config and the invoice PDFs (default: a new directory
    /// under the system temp dir, kept after the demo).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// `init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to write it (default: the --config path, else ./okdesk-1c.toml).
    #[arg(long, value_name = "FILE")]
    pub path: Option<PathBuf>,
    /// The 1C configuration to prefill.
    #[arg(long, value_enum, default_value_t)]
    pub configuration: ConfigurationArg,
    /// Overwrite an existing file.
    #[arg(long)]
    pub force: bool,
    /// Print the starter config instead of writing it.
    #[arg(long)]
    pub print: bool,
}

/// `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}
