//! Times the demo generator at benchmark sizes: `cargo run -p sandbox --release --example okdesk_demo_gen`.

use std::time::Instant;

use sandbox::demo::{generate, DemoSize};

fn main() {
    for n in [2_000, 20_000] {
        let started = Instant::now();
        let world = generate(1, DemoSize::Counterparties(n));
        let elapsed = started.elapsed();
        println!(
            "counterparties={n} contacts={} equipment={} okdesk_companies={} issues={} elapsed_ms={:.1}",
            world.onec.contacts.len(),
            world.onec.equipment.len(),
            world.okdesk.companies.len(),
            world.okdesk.issues.len(),
            elapsed.as_secs_f64() * 1000.0
        );
    }
}
