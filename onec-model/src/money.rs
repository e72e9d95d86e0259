//! Money and VAT: Russian VAT rates, and whether prices include VAT or have it added on top.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A Russian VAT rate, including «без НДС» (no VAT).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VatRate {
    /// «Без НДС»: the supplier does not charge VAT.
    Without,
    /// 0 %.
    Zero,
    /// 5 % (simplified-tax payers since 2025).
    Five,
    /// 7 % (simplified-tax payers since 2025).
    Seven,
    /// 10 %.
    Ten,
    /// 20 %.
    Twenty,
    /// 22 % (from 2026).
    TwentyTwo,
}

impl VatRate {
    /// The rate in percent; «без НДС» is zero percent.
    pub fn percent(self) -> Decimal {
        Decimal::from(match self {
            VatRate::Without | VatRate::Zero => 0,
            VatRate::Five => 5,
            VatRate::Seven => 7,
            VatRate::Ten => 10,
            VatRate::Twenty => 20,
            VatRate::TwentyTwo => 22,
        })
    }
}

/// Whether prices include VAT («Сумма включает НДС») or VAT is added on top.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VatMode {
    /// Prices and line totals include VAT.
    Included,
    /// VAT is added on top of prices and line totals.
    OnTop,
}
