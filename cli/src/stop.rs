//! A stop request shared by everything one command runs: raised by SIGINT/SIGTERM in the binary,
//! or by a test through [`Stop::stop`]. Jobs turn it into their engine's stop flag, which lets
//! the writes in flight finish and persist before the run ends.

use tokio::sync::watch;

/// A cloneable stop request.
#[derive(Clone, Debug)]
pub struct Stop(watch::Sender<bool>);

impl Default for Stop {
    fn default() -> Self {
        Stop::new()
    }
}

impl Stop {
    /// A request not yet raised.
    pub fn new() -> Self {
        Stop(watch::channel(false).0)
    }

    /// Raises it.
    pub fn stop(&self) {
        self.0.send_replace(true);
    }

    /// Whether it was raised.
    pub fn is_stopped(&self) -> bool {
        *self.0.borrow()
    }

    /// Waits until it is raised.
    pub async fn wait(&self) {
        let mut rx = self.0.subscribe();
        // The sender lives in `self`, so the channel cannot close while we wait.
        let _ = rx.wait_for(|stopped| *stopped).await;
    }

    /// Raises it on SIGINT (Ctrl-C) or SIGTERM; a second signal exits at once (code 130), for a
    /// run that is stuck on a slow server. The binary calls this once, for commands that stop
    /// gracefully.
    pub fn on_signals(&self) {
        let stop = self.clone();
        tokio::spawn(async move {
            wait_for_signal().await;
            tracing::warn!(
                "stop requested: finishing the writes in flight and saving them; press Ctrl-C \
                 again to quit at once"
            );
            stop.stop();
            wait_for_signal().await;
            tracing::warn!("second stop request: quitting without waiting");
            std::process::exit(130);
        });
    }
}

#[cfg(unix)]
async fn wait_for_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

#[cfg(not(unix))]
async fn wait_for_signal() {
    let _ = tokio::signal::ctrl_c().await;
}
