//! `okdesk-1c-bench`: the benchmark harness (not built yet).

fn main() {
    eprintln!("okdesk-1c-bench: the benchmark harness is not built yet");
    std::process::exit(2);
}
