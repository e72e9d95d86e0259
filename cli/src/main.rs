//! `okdesk-1c`: the command-line entry point.

fn main() {
    eprintln!(
        "okdesk-1c: the demo is not built yet; the engines land issue by issue (see README.md)"
    );
    std::process::exit(2);
}
