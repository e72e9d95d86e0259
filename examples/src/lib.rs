//! Examples of embedding the okdesk-1c engine and of deploying the tool:
//!
//! - `examples/embed_push.rs` (`cargo run -p examples --example embed_push`): a push from 1C УТ 11
//!   into Okdesk from your own program, against the simulators;
//! - `examples/embed_pull.rs` and `examples/embed_bill.rs`: pull and bill embedded the same way
//!   (their code is [`embed`], which the tests run);
//! - `configs/<configuration>.toml`: a commented sample config per supported configuration;
//! - `layouts/similar-ut11.toml`: a custom layout for a configuration close to УТ 11, no code;
//! - `systemd/`: the daemon as a service, or one sync per timer tick;
//! - `windows/README.md`: Task Scheduler.
//!
//! The tests below keep the samples valid: each config loads, the layout loads over its base.

pub mod embed;

#[cfg(test)]
mod tests {
    use std::path::Path;

    fn dir(sub: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(sub)
    }

    #[test]
    fn every_sample_config_loads() {
        for c in ["unf", "ka", "ut11", "ut103", "esti"] {
            let path = dir("configs").join(format!("{c}.toml"));
            let s = okdesk_1c::config::load(&path)
                .unwrap_or_else(|e| panic!("{}: {e:#}", path.display()));
            assert_eq!(
                s.onec.configuration,
                okdesk_1c::config::Configuration::Known(c.to_owned())
            );
        }
    }

    #[test]
    fn the_custom_layout_loads_over_ut11() {
        let adapter = okdesk_1c::registry::custom(&dir("layouts/similar-ut11.toml")).unwrap();
        assert_eq!(adapter.info().id, "custom-ut11");
        let sets: Vec<String> = adapter
            .layout()
            .entity_sets_to_read()
            .into_iter()
            .map(|r| r.set)
            .collect();
        assert!(
            sets.contains(&"Catalog_КлиентыЮрЛица".to_owned()),
            "{sets:?}"
        );
        assert!(
            !sets.contains(&"Catalog_Контрагенты".to_owned()),
            "{sets:?}"
        );
    }
}
