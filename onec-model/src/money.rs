//! Money and VAT: Russian VAT rates, whether prices include VAT or have it added on top, kopeck
//! rounding and the arithmetic of invoice lines and totals.
//!
//! Amounts are `rust_decimal::Decimal` roubles. Rounding to kopecks is half away from zero, the
//! way 1C's `Окр(x, 2)` rounds, so that the amounts the product computes match what 1C computes
//! when it recalculates a document on posting.

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::documents::{Invoice, InvoiceLine};

#[cfg(test)]
mod tests;

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

/// A text that does not name a VAT rate the model knows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("«{value}» не является ставкой НДС: {reason}")]
pub struct VatRateError {
    /// The text as given.
    pub value: String,
    /// Why it was not accepted.
    pub reason: &'static str,
}

impl VatRate {
    /// Every rate, in ascending order of percent («без НДС» first).
    pub const ALL: [VatRate; 7] = [
        VatRate::Without,
        VatRate::Zero,
        VatRate::Five,
        VatRate::Seven,
        VatRate::Ten,
        VatRate::Twenty,
        VatRate::TwentyTwo,
    ];

    /// The rate in percent; «без НДС» is zero percent.
    pub fn percent(self) -> Decimal {
        Decimal::from(self.percent_u32())
    }

    /// The rate in whole percent; «без НДС» is zero percent.
    pub fn percent_u32(self) -> u32 {
        match self {
            VatRate::Without | VatRate::Zero => 0,
            VatRate::Five => 5,
            VatRate::Seven => 7,
            VatRate::Ten => 10,
            VatRate::Twenty => 20,
            VatRate::TwentyTwo => 22,
        }
    }

    /// The name of the rate in 1C's enums (`СтавкиНДС`, `ПеречислениеСтавкаНДС`): `НДС20`, `БезНДС`, ….
    pub fn onec_name(self) -> &'static str {
        match self {
            VatRate::Without => "БезНДС",
            VatRate::Zero => "НДС0",
            VatRate::Five => "НДС5",
            VatRate::Seven => "НДС7",
            VatRate::Ten => "НДС10",
            VatRate::Twenty => "НДС20",
            VatRate::TwentyTwo => "НДС22",
        }
    }

    /// The rate for a percentage: 0, 5, 7, 10, 20 or 22. Zero percent is [`VatRate::Zero`], not
    /// «без НДС», because a 0 % rate (exports) and no VAT at all are different things on an invoice.
    pub fn from_percent(percent: Decimal) -> Result<VatRate, VatRateError> {
        let normalized = percent.normalize();
        VatRate::ALL
            .into_iter()
            .filter(|rate| *rate != VatRate::Without)
            .find(|rate| rate.percent() == normalized)
            .ok_or_else(|| VatRateError {
                value: normalized.to_string(),
                reason: "допустимы 0, 5, 7, 10, 20 и 22 %",
            })
    }

    /// The rate for a 1C enum value name: `НДС20`, the calculated `НДС20_120`, `БезНДС`, `НДС0`, ….
    ///
    /// The legacy `НДС18` and `НДС18_118` give [`VatRate::Twenty`]: 18 % was replaced by 20 % on
    /// 2019-01-01, and items in old bases still carry the old value although 20 % is charged.
    pub fn from_onec_name(name: &str) -> Result<VatRate, VatRateError> {
        let trimmed = name.trim();
        let rate = match trimmed {
            "БезНДС" => VatRate::Without,
            "НДС0" => VatRate::Zero,
            "НДС5" | "НДС5_105" => VatRate::Five,
            "НДС7" | "НДС7_107" => VatRate::Seven,
            "НДС10" | "НДС10_110" => VatRate::Ten,
            "НДС20" | "НДС20_120" | "НДС18" | "НДС18_118" => VatRate::Twenty,
            "НДС22" | "НДС22_122" => VatRate::TwentyTwo,
            _ => {
                return Err(VatRateError {
                    value: name.to_owned(),
                    reason: "неизвестное значение перечисления 1С",
                })
            }
        };
        Ok(rate)
    }
}

impl fmt::Display for VatRate {
    /// Prints the rate the way an invoice does: «20%» or «Без НДС».
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VatRate::Without => f.write_str("Без НДС"),
            rate => write!(f, "{}%", rate.percent_u32()),
        }
    }
}

impl FromStr for VatRate {
    type Err = VatRateError;

    /// Parses what people and 1C write: percents («20%», «20 %», «НДС 20%», «20»), «без НДС»
    /// in any case, the 1C enum names (`НДС20`, `НДС20_120`, `БезНДС`) and calculated rates
    /// («20/120»). Fractions like «0,2» are rejected: they are ambiguous with percents.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(VatRateError {
                value: text.to_owned(),
                reason: "пустое значение",
            });
        }
        let squeezed: String = trimmed
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_lowercase();
        if squeezed == "безндс" || squeezed == "ндснеоблагается" || squeezed == "необлагается"
        {
            return Ok(VatRate::Without);
        }
        if let Ok(rate) = VatRate::from_onec_name(trimmed) {
            return Ok(rate);
        }
        // «НДС 20%», «20%», «20/120»: strip the prefix and the sign, keep the rate before a slash.
        let number = squeezed
            .trim_start_matches("ндс")
            .trim_end_matches('%')
            .split('/')
            .next()
            .unwrap_or_default()
            .replace(',', ".");
        let percent = Decimal::from_str(&number).map_err(|_| VatRateError {
            value: text.to_owned(),
            reason: "ожидается процент (20%), «без НДС» или имя из 1С (НДС20)",
        })?;
        VatRate::from_percent(percent).map_err(|e| VatRateError {
            value: text.to_owned(),
            reason: e.reason,
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

/// An amount too large to compute with (beyond `Decimal`'s 28 digits).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("сумма {quantity} × {price} слишком велика для расчёта")]
pub struct MoneyError {
    /// The quantity of the line.
    pub quantity: Decimal,
    /// The price of the line.
    pub price: Decimal,
}

/// Rounds an amount to kopecks, half away from zero (1C's `Окр(x, 2)`), and keeps two decimals
/// in the representation so that `1200` prints as `1200.00`.
pub fn round_kopecks(amount: Decimal) -> Decimal {
    let mut rounded = amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    rounded.rescale(2);
    rounded
}

/// The amounts of one line: what it costs with VAT, the VAT in it, and what it costs without.
///
/// `total == net + vat` always holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineAmounts {
    /// The amount with VAT.
    pub total: Decimal,
    /// The VAT amount.
    pub vat: Decimal,
    /// The amount without VAT.
    pub net: Decimal,
}

impl LineAmounts {
    /// The line total as 1C stores it in the document's [`VatMode`]: with VAT when VAT is
    /// included, without when it is added on top.
    pub fn line_total(&self, mode: VatMode) -> Decimal {
        match mode {
            VatMode::Included => self.total,
            VatMode::OnTop => self.net,
        }
    }
}

/// The VAT in or on an amount, rounded to kopecks.
///
/// Included: `amount × rate / (100 + rate)`; on top: `amount × rate / 100`.
pub fn vat_of(amount: Decimal, rate: VatRate, mode: VatMode) -> Decimal {
    let percent = rate.percent();
    if percent.is_zero() {
        return round_kopecks(Decimal::ZERO);
    }
    let hundred = Decimal::ONE_HUNDRED;
    // Multiplying first keeps the only inexact step (the division) last; a kopeck amount times
    // at most 22 cannot overflow where the amount itself fit.
    let vat = match mode {
        VatMode::Included => amount * percent / (hundred + percent),
        VatMode::OnTop => amount * percent / hundred,
    };
    round_kopecks(vat)
}

/// Computes a line: the sum `quantity × price` rounded to kopecks, then its VAT.
///
/// With [`VatMode::Included`] the sum already contains VAT; with [`VatMode::OnTop`] VAT is added.
pub fn line_amounts(
    quantity: Decimal,
    price: Decimal,
    rate: VatRate,
    mode: VatMode,
) -> Result<LineAmounts, MoneyError> {
    let overflow = || MoneyError { quantity, price };
    let sum = round_kopecks(quantity.checked_mul(price).ok_or_else(overflow)?);
    // The VAT computation multiplies by at most 22; check it fits before doing it unchecked.
    sum.checked_mul(Decimal::ONE_HUNDRED).ok_or_else(overflow)?;
    let vat = vat_of(sum, rate, mode);
    let amounts = match mode {
        VatMode::Included => LineAmounts {
            total: sum,
            vat,
            net: sum - vat,
        },
        VatMode::OnTop => LineAmounts {
            total: sum.checked_add(vat).ok_or_else(overflow)?,
            vat,
            net: sum,
        },
    };
    Ok(amounts)
}

/// The totals of a document: the sums of its lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// The amount without VAT.
    pub net: Decimal,
    /// The VAT amount.
    pub vat: Decimal,
    /// The amount with VAT: what the buyer pays.
    pub total: Decimal,
}

impl InvoiceLine {
    /// A line whose VAT amount and total are computed from quantity, price and rate the way 1C
    /// computes them, for an invoice in `mode`.
    pub fn new_computed(
        item: Option<crate::Ref>,
        text: impl Into<String>,
        quantity: Decimal,
        unit: Option<String>,
        price: Decimal,
        vat_rate: VatRate,
        mode: VatMode,
    ) -> Result<InvoiceLine, MoneyError> {
        let amounts = line_amounts(quantity, price, vat_rate, mode)?;
        Ok(InvoiceLine {
            item,
            text: text.into(),
            quantity,
            unit,
            unit_ref: None,
            price,
            vat_rate,
            vat_amount: amounts.vat,
            total: amounts.line_total(mode),
        })
    }

    /// The line's amounts with and without VAT, read from its stored `total` and `vat_amount`
    /// in the invoice's `mode`.
    pub fn amounts(&self, mode: VatMode) -> LineAmounts {
        match mode {
            VatMode::Included => LineAmounts {
                total: self.total,
                vat: self.vat_amount,
                net: self.total - self.vat_amount,
            },
            VatMode::OnTop => LineAmounts {
                total: self.total + self.vat_amount,
                vat: self.vat_amount,
                net: self.total,
            },
        }
    }
}

/// The totals of an invoice: the sums of its lines' stored amounts, so the printed totals always
/// equal the sum of the printed lines (1C totals a document the same way, line by line).
pub fn invoice_totals(invoice: &Invoice) -> Totals {
    let zero = round_kopecks(Decimal::ZERO);
    invoice.lines.iter().fold(
        Totals {
            net: zero,
            vat: zero,
            total: zero,
        },
        |acc, line| {
            let a = line.amounts(invoice.vat_mode);
            Totals {
                net: acc.net + a.net,
                vat: acc.vat + a.vat,
                total: acc.total + a.total,
            }
        },
    )
}

impl Invoice {
    /// The invoice's totals; see [`invoice_totals`].
    pub fn totals(&self) -> Totals {
        invoice_totals(self)
    }
}
