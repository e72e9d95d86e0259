//! `okdesk-1c`: the command-line entry point. Everything happens in the library's [`okdesk_1c::run`]
//! so that tests can run the same code in-process.

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let mut stdout = std::io::stdout();
    okdesk_1c::run(std::env::args_os(), &mut stdout).await
}
