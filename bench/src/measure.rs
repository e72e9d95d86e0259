//! Process measurements the scenarios report: CPU seconds and peak resident memory, read from
//! Linux's `/proc` (the workspace forbids `unsafe`, so `getrusage` through libc is not an option).

use std::time::Duration;

/// Linux reports `utime`/`stime` in `/proc/self/stat` in USER_HZ ticks, which the kernel fixes at
/// 100 per second on every architecture it exports them for.
const USER_HZ: u64 = 100;

/// CPU time (user + system) of this process so far, all threads, including exited ones. The
/// resolution is one tick (10 ms); `None` off Linux.
pub(crate) fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name in parentheses may contain spaces, so fields are counted after the last `)`.
    let after = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(Duration::from_millis((utime + stime) * 1000 / USER_HZ))
}

fn status_kb(key: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Peak resident set size (`VmHWM`) in MiB.
pub(crate) fn peak_rss_mb() -> Option<f64> {
    status_kb("VmHWM:").map(|kb| kb as f64 / 1024.0)
}

/// Current resident set size (`VmRSS`) in MiB.
pub(crate) fn rss_mb() -> Option<f64> {
    status_kb("VmRSS:").map(|kb| kb as f64 / 1024.0)
}

/// Resets the peak to the current RSS (writing 5 to `/proc/self/clear_refs`, Linux 4.0+), so the
/// next reading is the peak of what follows. Returns false where the kernel does not allow it.
pub(crate) fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// Seconds as a float rounded to milliseconds, for readable JSON.
pub(crate) fn secs(d: Duration) -> f64 {
    round3(d.as_secs_f64())
}

/// Rounds to three decimals.
pub(crate) fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// CPU time of the threads alive now, in nanoseconds, from `/proc/self/task/*/schedstat`:
/// precise, but blind to threads that have exited.
fn threads_cpu() -> Option<Duration> {
    let mut total = 0u64;
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let path = task.ok()?.path().join("schedstat");
        // A thread may exit between the listing and the read; it simply no longer counts.
        if let Ok(text) = std::fs::read_to_string(path) {
            total += text.split_whitespace().next()?.parse::<u64>().ok()?;
        }
    }
    Some(Duration::from_nanos(total))
}

/// A wall clock and CPU clock started together.
pub(crate) struct Clocks {
    wall: std::time::Instant,
    cpu: Option<Duration>,
    threads: Option<Duration>,
}

impl Clocks {
    /// Starts both clocks.
    pub(crate) fn start() -> Self {
        Clocks {
            wall: std::time::Instant::now(),
            cpu: cpu_time(),
            threads: threads_cpu(),
        }
    }

    /// Wall time since start.
    pub(crate) fn wall(&self) -> Duration {
        self.wall.elapsed()
    }

    /// CPU time of the process since start: the larger of the tick-resolution process counter
    /// (which includes exited threads) and the nanosecond per-thread counters (which do not), so
    /// short runs are not rounded to zero and long runs lose nothing.
    pub(crate) fn cpu(&self) -> Option<Duration> {
        let process = cpu_time()?.saturating_sub(self.cpu?);
        let threads = match (threads_cpu(), self.threads) {
            (Some(now), Some(then)) => now.saturating_sub(then),
            _ => Duration::ZERO,
        };
        Some(process.max(threads))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_readings_are_plausible_on_linux() {
        if !std::path::Path::new("/proc/self/status").exists() {
            return;
        }
        // The current size is read first: the peak read after it can only be larger or equal.
        let now = rss_mb().unwrap();
        let peak = peak_rss_mb().unwrap();
        assert!(peak >= now && now > 0.0, "peak {peak} now {now}");
        let before = cpu_time().unwrap();
        let mut x = 0u64;
        for i in 0..30_000_000u64 {
            x = x.wrapping_mul(31).wrapping_add(i);
        }
        std::hint::black_box(x);
        assert!(cpu_time().unwrap() >= before);
    }
}
