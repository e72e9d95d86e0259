//! The 1С:Управление нашей фирмой 3.0 adapter: its [`Layout`] (in `layout.toml`).
//!
//! УНФ's contacts have no owner: the `СвязиКонтрагентКонтакт` register links them to counterparties
//! and holds the job title; the layout names it and the generic mapping follows it, so no method is
//! overridden. Invoices are `СчетНаОплату.Запасы`, tasks `ЗаданиеНаРаботу` (the issue is named in the
//! comment), time sheets the weekly `УчетВремени` grid.

use std::sync::LazyLock;

use onec_adapter::{Adapter, AdapterInfo, Layout};

/// The layout as shipped, also a starting point for custom layouts (`base = "unf"`).
pub const LAYOUT_TOML: &str = include_str!("layout.toml");

static LAYOUT: LazyLock<Layout> = LazyLock::new(|| {
    Layout::from_toml(LAYOUT_TOML).expect("the built-in УНФ layout parses (tested)")
});

static INFO: LazyLock<AdapterInfo> = LazyLock::new(|| AdapterInfo {
    id: "unf".into(),
    title: "1С:Управление нашей фирмой 3.0".into(),
    configuration_names: vec!["УправлениеНебольшойФирмой".into()],
});

/// The УНФ adapter.
#[derive(Debug, Clone, Copy, Default)]
pub struct Unf;

/// The adapter, for registries.
pub static ADAPTER: Unf = Unf;

/// The adapter as a trait object.
pub fn adapter() -> &'static dyn Adapter {
    &ADAPTER
}

impl Adapter for Unf {
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
