//! The 1С:Управление торговлей 10.3 adapter: its [`Layout`] (in `layout.toml`).
//!
//! Everything УТ 10.3 does differently is data the generic mapping reads: contact information from
//! the `КонтактнаяИнформация` register keyed by a composite `Объект`, contacts that join
//! `КонтактныеЛицаКонтрагентов` to `КонтактныеЛица` for the name parts, VAT as an enum, and an invoice
//! (`СчетНаОплатуПокупателю.Услуги`, never posted) whose buyer is a composite written with `_Type`.
//! No method is overridden; the fixtures show each of these.

use std::sync::LazyLock;

use onec_adapter::{Adapter, AdapterInfo, Layout};

/// The layout as shipped, also a starting point for custom layouts (`base = "ut103"`).
pub const LAYOUT_TOML: &str = include_str!("layout.toml");

static LAYOUT: LazyLock<Layout> = LazyLock::new(|| {
    Layout::from_toml(LAYOUT_TOML).expect("the built-in УТ 10.3 layout parses (tested)")
});

static INFO: LazyLock<AdapterInfo> = LazyLock::new(|| AdapterInfo {
    id: "ut103".into(),
    title: "1С:Управление торговлей 10.3".into(),
    configuration_names: vec!["УправлениеТорговлей".into()],
});

/// The УТ 10.3 adapter.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ut103;

/// The adapter, for registries.
pub static ADAPTER: Ut103 = Ut103;

/// The adapter as a trait object.
pub fn adapter() -> &'static dyn Adapter {
    &ADAPTER
}

impl Adapter for Ut103 {
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
