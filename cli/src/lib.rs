//! The `okdesk-1c` command-line tool as a library, so that tests run commands in-process.
//!
//! [`run`] is what the binary calls: it parses the arguments, sets up logging, runs one command and
//! returns the exit code (0 all done, 1 record-level failures, 2 could not run). [`run_with`] takes
//! a [`Session`] instead of the process's environment, stderr and signals, which is how the e2e
//! tests drive every command against the sandboxes, stop the daemon and capture the logs.
//!
//! Module map: [`args`] (clap), [`config`] (`okdesk-1c.toml`), [`env`] (variables and secrets),
//! [`registry`] (adapters), [`connect`] (clients and ports), [`commands`] (one module per command),
//! [`output`] (tables, JSON, progress), [`logging`] (tracing with redaction), [`stop`] (signals).

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use clap::Parser as _;

pub mod args;
pub mod commands;
pub mod config;
pub mod connect;
pub mod env;
pub mod logging;
pub mod output;
pub mod registry;
pub mod stop;

pub use args::Cli;
pub use env::Env;
pub use logging::Redactor;
pub use stop::Stop;

/// Exit code: everything done.
pub const EXIT_OK: u8 = 0;
/// Exit code: the run finished, but some records failed.
pub const EXIT_FAILURES: u8 = 1;
/// Exit code: the run could not be done (config, connection, credentials, state).
pub const EXIT_CANNOT_RUN: u8 = 2;

/// What a command runs in: environment, stderr, stop request, whether progress bars may be drawn.
pub struct Session {
    /// Environment variables.
    pub env: Env,
    /// The stop request (raised by signals in the binary, by tests in-process).
    pub stop: Stop,
    /// Where error messages and human notes go.
    pub err: Box<dyn Write + Send>,
    /// Whether stderr is a terminal (progress bars are drawn only then).
    pub terminal: bool,
    /// Where logs go; `None` installs the global stderr subscriber.
    pub logs: Option<Arc<Mutex<Vec<u8>>>>,
    /// Listen for SIGINT/SIGTERM.
    pub signals: bool,
}

impl Session {
    /// The real process: its environment, stderr, signals.
    pub fn process() -> Self {
        use std::io::IsTerminal as _;
        Session {
            env: Env::process(),
            stop: Stop::new(),
            err: Box::new(std::io::stderr()),
            terminal: std::io::stderr().is_terminal(),
            logs: None,
            signals: true,
        }
    }

    /// An isolated session for tests: only the given variables, stderr and logs into buffers,
    /// no signal handlers, no progress bars.
    pub fn captured(env: Env, err: Arc<Mutex<Vec<u8>>>, logs: Arc<Mutex<Vec<u8>>>) -> Self {
        Session {
            env,
            stop: Stop::new(),
            err: Box::new(SharedWriter(err)),
            terminal: false,
            logs: Some(logs),
            signals: false,
        }
    }
}

/// A `Write` into a shared buffer.
#[derive(Clone, Debug)]
pub struct SharedWriter(pub Arc<Mutex<Vec<u8>>>);

impl Write for SharedWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// What a command gets: the parsed flags, the session's parts and the log redactor.
pub struct Ctx<'a> {
    /// The parsed command line.
    pub cli: &'a Cli,
    /// Environment variables.
    pub env: Env,
    /// The stop request.
    pub stop: Stop,
    /// Stderr.
    pub err: &'a mut (dyn Write + Send),
    /// Whether progress bars may be drawn.
    pub progress: bool,
    /// Secrets to keep out of every output.
    pub redactor: Redactor,
}

/// Runs a command line in the real process (the binary's entry point).
pub async fn run<I, T, W>(args: I, out: &mut W) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
    W: Write + Send,
{
    ExitCode::from(run_with(args, out, Session::process()).await)
}

/// Runs a command line in a session; returns the exit code as a number.
pub async fn run_with<I, T, W>(args: I, out: &mut W, mut session: Session) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
    W: Write + Send,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version are successes printed on stdout; usage errors exit 2.
            let text = e.render().to_string();
            return if e.use_stderr() {
                let _ = session.err.write_all(text.as_bytes());
                EXIT_CANNOT_RUN
            } else {
                let _ = out.write_all(text.as_bytes());
                EXIT_OK
            };
        }
    };
    let redactor = Redactor::default();
    let rust_log = session.env.var("RUST_LOG");
    let target = match &session.logs {
        Some(buf) => logging::LogTarget::Buffer(buf.clone()),
        None => logging::LogTarget::Stderr,
    };
    let subscriber = logging::subscriber(
        cli.log_format,
        cli.verbose,
        rust_log,
        target,
        redactor.clone(),
    );
    // In-process runs (tests) scope the subscriber to this thread; the binary installs it globally
    // so that log lines from worker threads are kept too.
    let _guard = if session.logs.is_some() {
        Some(tracing::subscriber::set_default(subscriber))
    } else {
        let _ = tracing::subscriber::set_global_default(subscriber);
        None
    };
    // Only commands that stop gracefully take over SIGINT/SIGTERM; the others keep the default,
    // so Ctrl-C ends a slow `check` at once.
    let graceful = matches!(
        cli.command,
        args::Command::Plan(_)
            | args::Command::Push(_)
            | args::Command::Pull(_)
            | args::Command::Bill(_)
            | args::Command::Sync(_)
            | args::Command::Run(_)
            | args::Command::Sandbox(_)
            | args::Command::Demo(_)
    );
    if session.signals && graceful {
        session.stop.on_signals();
    }
    let progress = session.terminal && !cli.json && !cli.no_progress;
    let mut ctx = Ctx {
        cli: &cli,
        env: session.env.clone(),
        stop: session.stop.clone(),
        err: session.err.as_mut(),
        progress,
        redactor: redactor.clone(),
    };
    let mut out = output::LineRedact::new(out, redactor);
    let code = commands::dispatch(&mut ctx, &mut out).await;
    let _ = out.flush();
    code
}
