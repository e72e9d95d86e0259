//! How numbers and dates look on a Russian invoice: «1 200,50», «1,5», «5 марта 2025 г.».

use chrono::{Datelike, NaiveDate};
use onec_model::money::round_kopecks;
use rust_decimal::Decimal;

/// Month names in the genitive, as a date is written in a sentence («5 марта»).
const MONTHS_GENITIVE: [&str; 12] = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
];

/// A date as the invoice title writes it: «5 марта 2025 г.».
pub(crate) fn date_long(date: NaiveDate) -> String {
    let month = MONTHS_GENITIVE[date.month0() as usize];
    format!("{} {} {} г.", date.day(), month, date.year())
}

/// An amount in roubles with kopecks: thousands split by spaces, a decimal comma, always two
/// decimals («1 200,50», «-15,00»).
pub(crate) fn money(amount: Decimal) -> String {
    grouped(&round_kopecks(amount).to_string())
}

/// A quantity without trailing zeros («1», «1,5», «1 000»), the way 1C prints quantities.
pub(crate) fn quantity(amount: Decimal) -> String {
    grouped(&amount.normalize().to_string())
}

/// Splits the integer part of a plain decimal text into groups of three and swaps the point
/// for a comma.
fn grouped(plain: &str) -> String {
    let (sign, digits) = match plain.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", plain),
    };
    let (integer, fraction) = match digits.split_once('.') {
        Some((integer, fraction)) => (integer, Some(fraction)),
        None => (digits, None),
    };
    let mut out = String::from(sign);
    for (index, digit) in integer.chars().enumerate() {
        if index > 0 && (integer.len() - index) % 3 == 0 {
            out.push(' ');
        }
        out.push(digit);
    }
    if let Some(fraction) = fraction {
        out.push(',');
        out.push_str(fraction);
    }
    out
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;

    #[test]
    fn money_groups_thousands_and_keeps_kopecks() {
        assert_eq!(money(dec!(0)), "0,00");
        assert_eq!(money(dec!(5.5)), "5,50");
        assert_eq!(money(dec!(999.99)), "999,99");
        assert_eq!(money(dec!(1000)), "1 000,00");
        assert_eq!(money(dec!(1200.5)), "1 200,50");
        assert_eq!(money(dec!(1234567.891)), "1 234 567,89");
        assert_eq!(money(dec!(-15)), "-15,00");
        assert_eq!(money(dec!(-1500)), "-1 500,00");
    }

    #[test]
    fn quantity_drops_trailing_zeros() {
        assert_eq!(quantity(dec!(1.000)), "1");
        assert_eq!(quantity(dec!(1.50)), "1,5");
        assert_eq!(quantity(dec!(2500)), "2 500");
        assert_eq!(quantity(dec!(0.125)), "0,125");
    }

    #[test]
    fn dates_use_genitive_months() {
        let date = NaiveDate::from_ymd_opt(2025, 3, 5).unwrap();
        assert_eq!(date_long(date), "5 марта 2025 г.");
        let date = NaiveDate::from_ymd_opt(2024, 12, 31).unwrap();
        assert_eq!(date_long(date), "31 декабря 2024 г.");
        let date = NaiveDate::from_ymd_opt(2026, 5, 1).unwrap();
        assert_eq!(date_long(date), "1 мая 2026 г.");
    }
}
