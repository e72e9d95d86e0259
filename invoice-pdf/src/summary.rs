//! The totals under the table: «Итого», VAT per rate or «Без налога (НДС)», «Всего к оплате»,
//! taken from the lines' stored amounts through `onec_model::money` so that the printed totals
//! are exactly the sums of the printed lines.

use std::collections::BTreeMap;

use onec_model::{Invoice, VatMode, VatRate};
use rust_decimal::Decimal;

use crate::format::money;
use crate::RenderError;

/// What the form prints under the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Summary {
    /// Label and amount rows, top to bottom.
    pub(crate) rows: Vec<(String, String)>,
    /// What the buyer pays, VAT included.
    pub(crate) total: Decimal,
}

/// Sums the invoice. `number` names the invoice in errors.
pub(crate) fn summarize(invoice: &Invoice, number: &str) -> Result<Summary, RenderError> {
    check_sums_fit(invoice, number)?;
    let totals = invoice.totals();

    let mut vat_by_rate: BTreeMap<VatRate, Decimal> = BTreeMap::new();
    for line in invoice
        .lines
        .iter()
        .filter(|line| line.vat_rate != VatRate::Without)
    {
        *vat_by_rate.entry(line.vat_rate).or_default() += line.vat_amount;
    }

    let mut rows = Vec::new();
    if vat_by_rate.is_empty() {
        rows.push(("Итого:".to_owned(), money(totals.total)));
        rows.push(("Без налога (НДС):".to_owned(), "-".to_owned()));
    } else {
        let (subtotal, prefix) = match invoice.vat_mode {
            VatMode::Included => (totals.total, "В том числе НДС"),
            VatMode::OnTop => (totals.net, "НДС"),
        };
        rows.push(("Итого:".to_owned(), money(subtotal)));
        for (rate, vat) in vat_by_rate {
            rows.push((format!("{prefix} {}%:", rate.percent_u32()), money(vat)));
        }
    }
    rows.push(("Всего к оплате:".to_owned(), money(totals.total)));
    Ok(Summary {
        rows,
        total: totals.total,
    })
}

/// `Invoice::totals` adds with plain `+`, which panics past `Decimal`'s range; this bounds the
/// sum of all magnitudes first, so that an absurd amount from 1C is an error, not a crash.
fn check_sums_fit(invoice: &Invoice, number: &str) -> Result<(), RenderError> {
    let mut bound = Decimal::ZERO;
    for (index, line) in invoice.lines.iter().enumerate() {
        bound = bound
            .checked_add(line.total.abs())
            .and_then(|b| b.checked_add(line.vat_amount.abs()))
            // Twice the bound covers net, VAT and total being summed separately.
            .filter(|b| b.checked_mul(Decimal::TWO).is_some())
            .ok_or_else(|| RenderError::AmountOverflow {
                number: number.to_owned(),
                line: index + 1,
                amount: line.total.to_string(),
            })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use onec_model::{InvoiceLine, Ref};
    use rust_decimal_macros::dec;

    use super::*;

    fn invoice(mode: VatMode, lines: &[(Decimal, Decimal, VatRate)]) -> Invoice {
        Invoice {
            r#ref: None,
            number: Some("1".to_owned()),
            date: NaiveDate::from_ymd_opt(2025, 3, 5)
                .unwrap()
                .and_hms_opt(10, 0, 0)
                .unwrap(),
            organization: Ref::derived("test", "org"),
            bank_account: None,
            counterparty: Ref::derived("test", "buyer"),
            partner: None,
            contract: None,
            vat_mode: mode,
            lines: lines
                .iter()
                .map(|&(quantity, price, rate)| {
                    InvoiceLine::new_computed(None, "Услуга", quantity, None, price, rate, mode)
                        .unwrap()
                })
                .collect(),
            comment: None,
        }
    }

    fn rows(summary: &Summary) -> Vec<(&str, &str)> {
        summary
            .rows
            .iter()
            .map(|(label, value)| (label.as_str(), value.as_str()))
            .collect()
    }

    #[test]
    fn vat_included_is_shown_inside_the_total() {
        let inv = invoice(VatMode::Included, &[(dec!(1), dec!(1200), VatRate::Twenty)]);
        let summary = summarize(&inv, "1").unwrap();
        assert_eq!(
            rows(&summary),
            [
                ("Итого:", "1 200,00"),
                ("В том числе НДС 20%:", "200,00"),
                ("Всего к оплате:", "1 200,00"),
            ]
        );
        assert_eq!(summary.total, dec!(1200.00));
    }

    #[test]
    fn vat_on_top_is_added_per_rate() {
        let inv = invoice(
            VatMode::OnTop,
            &[
                (dec!(2), dec!(500), VatRate::Twenty),
                (dec!(1), dec!(100), VatRate::Ten),
            ],
        );
        let summary = summarize(&inv, "1").unwrap();
        assert_eq!(
            rows(&summary),
            [
                ("Итого:", "1 100,00"),
                ("НДС 10%:", "10,00"),
                ("НДС 20%:", "200,00"),
                ("Всего к оплате:", "1 310,00"),
            ]
        );
    }

    #[test]
    fn no_vat_says_without_tax() {
        let inv = invoice(
            VatMode::Included,
            &[(dec!(3), dec!(333.33), VatRate::Without)],
        );
        let summary = summarize(&inv, "1").unwrap();
        assert_eq!(
            rows(&summary),
            [
                ("Итого:", "999,99"),
                ("Без налога (НДС):", "-"),
                ("Всего к оплате:", "999,99"),
            ]
        );
    }

    #[test]
    fn absurd_amounts_are_an_error_not_a_panic() {
        let mut inv = invoice(VatMode::Included, &[(dec!(1), dec!(1), VatRate::Without)]);
        inv.lines[0].total = Decimal::MAX;
        inv.lines.push(inv.lines[0].clone());
        let err = summarize(&inv, "7").unwrap_err();
        assert!(
            matches!(err, RenderError::AmountOverflow { line: 1 | 2, .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains("счет № 7"), "{err}");
    }
}
