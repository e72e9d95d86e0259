//! The ЭСТИ: Управление фирмой-франчайзи adapter: its [`Layout`] (in `layout.toml`).
//!
//! УТ 11-style objects with the Okdesk module's flags, where the partner is the Okdesk company and
//! INN/KPP come from its main counterparty (`companies_from = "partners"`), plus the module's own
//! catalogs (client objects, equipment, models, kinds, manufacturers, contract types), the documents
//! «Задание сотруднику» and «Лист учета рабочего времени», and the exchange plan. The names are not
//! public: every one is layout data, so a customer's base needs a layout file, not code.

use std::sync::LazyLock;

use onec_adapter::{Adapter, AdapterInfo, Layout};

/// The layout as shipped, also a starting point for custom layouts (`base = "esti"`).
pub const LAYOUT_TOML: &str = include_str!("layout.toml");

static LAYOUT: LazyLock<Layout> = LazyLock::new(|| {
    Layout::from_toml(LAYOUT_TOML).expect("the built-in ЭСТИ layout parses (tested)")
});

static INFO: LazyLock<AdapterInfo> = LazyLock::new(|| AdapterInfo {
    id: "esti".into(),
    title: "ЭСТИ: Управление фирмой-франчайзи".into(),
    configuration_names: vec!["ЭСТИ_УправлениеФирмойФранчайзи".into()],
});

/// The ЭСТИ adapter.
#[derive(Debug, Clone, Copy, Default)]
pub struct Esti;

/// The adapter, for registries.
pub static ADAPTER: Esti = Esti;

/// The adapter as a trait object.
pub fn adapter() -> &'static dyn Adapter {
    &ADAPTER
}

impl Adapter for Esti {
    fn info(&self) -> &AdapterInfo {
        &INFO
    }

    fn layout(&self) -> &Layout {
        &LAYOUT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_parses() {
        let l = Layout::from_toml(LAYOUT_TOML).unwrap();
        assert_eq!(l.counterparties.set, "Catalog_Контрагенты");
        assert!(l.invoice.is_some());
    }
}
