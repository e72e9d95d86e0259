//! The `okdesk-1c` binary, built as a target of the e2e package so that its tests get its path
//! (`CARGO_BIN_EXE_okdesk-1c-e2e`) and can run, kill and rerun it as a real process. Same code as
//! `cli/src/main.rs`: everything happens in [`okdesk_1c::run`].

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let mut stdout = std::io::stdout();
    okdesk_1c::run(std::env::args_os(), &mut stdout).await
}
