//! The 1С:Комплексная автоматизация 2 adapter: its [`Layout`] (in `layout.toml`) and its one quirk,
//! shared with УТ 11 whose lineage it is.
//!
//! КА 2 splits a client into a business partner («Партнер») and legal counterparties
//! («Контрагенты»). The Okdesk company is the counterparty, which carries INN and KPP, with
//! [`onec_model::Counterparty::partner`] set; contact persons belong to partners and are resolved to
//! the partner's counterparty. Users keep e-mails and phones on either card, so a counterparty with
//! none takes its partner's: that is the quirk this crate adds to the generic mapping.

use std::sync::LazyLock;

use onec_adapter::mapping::{self, MapCx};
use onec_adapter::{Adapter, AdapterInfo, Layout};
use onec_model::Counterparty;

/// The layout as shipped, also a starting point for custom layouts (`base = "ka"`).
pub const LAYOUT_TOML: &str = include_str!("layout.toml");

static LAYOUT: LazyLock<Layout> = LazyLock::new(|| {
    Layout::from_toml(LAYOUT_TOML).expect("the built-in КА 2 layout parses (tested)")
});

static INFO: LazyLock<AdapterInfo> = LazyLock::new(|| AdapterInfo {
    id: "ka".into(),
    title: "1С:Комплексная автоматизация 2".into(),
    configuration_names: vec!["КомплекснаяАвтоматизация".into()],
});

/// The КА 2 adapter.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ka;

/// The adapter, for registries.
pub static ADAPTER: Ka = Ka;

/// The adapter as a trait object.
pub fn adapter() -> &'static dyn Adapter {
    &ADAPTER
}

impl Adapter for Ka {
    fn info(&self) -> &AdapterInfo {
        &INFO
    }

    fn layout(&self) -> &Layout {
        &LAYOUT
    }

    fn map_counterparties(&self, cx: &mut MapCx<'_>) -> Vec<Counterparty> {
        let mut clients = mapping::counterparties(cx);
        mapping::inherit_partner_contact_info(cx, &mut clients);
        clients
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_parses() {
        let l = Layout::from_toml(LAYOUT_TOML).unwrap();
        assert_eq!(l.counterparties.set, "Catalog_Контрагенты");
        assert!(l.invoice.as_ref().unwrap().follow_up.is_some());
        assert!(l.task.is_none());
    }
}
