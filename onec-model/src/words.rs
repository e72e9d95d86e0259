//! Amounts in words in Russian, as printed under the total of an invoice («Всего к оплате»):
//! «Одна тысяча двести рублей 50 копеек».
//!
//! Written here rather than taken from a crate: the Rust number-to-words crates found either lack
//! Russian or do not produce the invoice form (roubles in words, kopecks in two digits), and the
//! whole rule set (genders and three plural forms) fits in this file.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use crate::money::round_kopecks;

/// The grammatical gender of a counted noun: «один рубль» but «одна тысяча», «одна копейка».
#[derive(Clone, Copy, PartialEq, Eq)]
enum Gender {
    Masculine,
    Feminine,
}

/// The three Russian plural forms: for 1 (21, 101…), for 2–4 (22…), and for 0, 5–20 and the rest.
#[derive(Clone, Copy)]
struct Forms(&'static str, &'static str, &'static str);

impl Forms {
    fn pick(self, n: u128) -> &'static str {
        let last_two = n % 100;
        let last = n % 10;
        if (11..=14).contains(&last_two) {
            self.2
        } else if last == 1 {
            self.0
        } else if (2..=4).contains(&last) {
            self.1
        } else {
            self.2
        }
    }
}

const RUBLES: Forms = Forms("рубль", "рубля", "рублей");
const KOPECKS: Forms = Forms("копейка", "копейки", "копеек");

/// Groups of three digits above the units, with their gender: thousands are feminine.
const SCALES: [(Forms, Gender); 9] = [
    (Forms("тысяча", "тысячи", "тысяч"), Gender::Feminine),
    (Forms("миллион", "миллиона", "миллионов"), Gender::Masculine),
    (
        Forms("миллиард", "миллиарда", "миллиардов"),
        Gender::Masculine,
    ),
    (
        Forms("триллион", "триллиона", "триллионов"),
        Gender::Masculine,
    ),
    (
        Forms("квадриллион", "квадриллиона", "квадриллионов"),
        Gender::Masculine,
    ),
    (
        Forms("квинтиллион", "квинтиллиона", "квинтиллионов"),
        Gender::Masculine,
    ),
    (
        Forms("секстиллион", "секстиллиона", "секстиллионов"),
        Gender::Masculine,
    ),
    (
        Forms("септиллион", "септиллиона", "септиллионов"),
        Gender::Masculine,
    ),
    (
        Forms("октиллион", "октиллиона", "октиллионов"),
        Gender::Masculine,
    ),
];

const HUNDREDS: [&str; 10] = [
    "",
    "сто",
    "двести",
    "триста",
    "четыреста",
    "пятьсот",
    "шестьсот",
    "семьсот",
    "восемьсот",
    "девятьсот",
];
const TENS: [&str; 10] = [
    "",
    "",
    "двадцать",
    "тридцать",
    "сорок",
    "пятьдесят",
    "шестьдесят",
    "семьдесят",
    "восемьдесят",
    "девяносто",
];
const TEENS: [&str; 10] = [
    "десять",
    "одиннадцать",
    "двенадцать",
    "тринадцать",
    "четырнадцать",
    "пятнадцать",
    "шестнадцать",
    "семнадцать",
    "восемнадцать",
    "девятнадцать",
];
const UNITS: [&str; 10] = [
    "",
    "один",
    "два",
    "три",
    "четыре",
    "пять",
    "шесть",
    "семь",
    "восемь",
    "девять",
];

/// Appends the words of `n` (1..=999) in `gender` to `out`.
fn push_triple(n: u128, gender: Gender, out: &mut Vec<&'static str>) {
    let hundreds = (n / 100) as usize;
    let rest = (n % 100) as usize;
    if hundreds > 0 {
        out.push(HUNDREDS[hundreds]);
    }
    if (10..20).contains(&rest) {
        out.push(TEENS[rest - 10]);
        return;
    }
    if rest >= 20 {
        out.push(TENS[rest / 10]);
    }
    let unit = rest % 10;
    match (unit, gender) {
        (0, _) => {}
        (1, Gender::Feminine) => out.push("одна"),
        (2, Gender::Feminine) => out.push("две"),
        (u, _) => out.push(UNITS[u]),
    }
}

/// The words of a whole number of roubles, masculine, without the noun: «одна тысяча двести».
fn integer_words(n: u128) -> Vec<&'static str> {
    if n == 0 {
        return vec!["ноль"];
    }
    // Split into groups of three digits, lowest first.
    let mut groups = Vec::new();
    let mut rest = n;
    while rest > 0 {
        groups.push(rest % 1000);
        rest /= 1000;
    }
    let mut out = Vec::new();
    for (index, &group) in groups.iter().enumerate().rev() {
        if group == 0 {
            continue;
        }
        if index == 0 {
            push_triple(group, Gender::Masculine, &mut out);
        } else {
            let (forms, gender) = SCALES[index - 1];
            push_triple(group, gender, &mut out);
            out.push(forms.pick(group));
        }
    }
    out
}

/// The amount in roubles and kopecks as an invoice prints it: roubles in words, kopecks in two
/// digits, the first letter capitalised. The amount is first rounded to kopecks, half away from
/// zero; a negative amount (a refund) starts with «Минус».
///
/// ```
/// use rust_decimal_macros::dec;
/// assert_eq!(
///     onec_model::words::amount_in_words(dec!(1200.50)),
///     "Одна тысяча двести рублей 50 копеек"
/// );
/// ```
pub fn amount_in_words(amount: Decimal) -> String {
    let rounded = round_kopecks(amount);
    let negative = rounded.is_sign_negative() && !rounded.is_zero();
    let abs = rounded.abs();
    let rubles = abs
        .trunc()
        .to_u128()
        .expect("a non-negative Decimal's integer part fits in u128 (Decimal has 96 bits)");
    let kopecks = (abs.fract() * Decimal::ONE_HUNDRED)
        .to_u128()
        .expect("the kopecks of a rounded amount are a whole number below 100");

    let mut words = Vec::new();
    if negative {
        words.push("минус");
    }
    words.extend(integer_words(rubles));
    words.push(RUBLES.pick(rubles));
    let mut text = words.join(" ");
    text.push_str(&format!(" {kopecks:02} {}", KOPECKS.pick(kopecks)));
    capitalize(&text)
}

/// Upper-cases the first letter.
fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;

    #[test]
    fn invoice_examples() {
        let cases = [
            (dec!(1200.50), "Одна тысяча двести рублей 50 копеек"),
            (dec!(0), "Ноль рублей 00 копеек"),
            (dec!(0.01), "Ноль рублей 01 копейка"),
            (dec!(0.02), "Ноль рублей 02 копейки"),
            (dec!(0.05), "Ноль рублей 05 копеек"),
            (dec!(0.11), "Ноль рублей 11 копеек"),
            (dec!(0.21), "Ноль рублей 21 копейка"),
            (dec!(1), "Один рубль 00 копеек"),
            (dec!(2), "Два рубля 00 копеек"),
            (dec!(5), "Пять рублей 00 копеек"),
            (dec!(11), "Одиннадцать рублей 00 копеек"),
            (dec!(12.22), "Двенадцать рублей 22 копейки"),
            (dec!(21), "Двадцать один рубль 00 копеек"),
            (dec!(111), "Сто одиннадцать рублей 00 копеек"),
            (dec!(1000), "Одна тысяча рублей 00 копеек"),
            (dec!(2000), "Две тысячи рублей 00 копеек"),
            (dec!(5000), "Пять тысяч рублей 00 копеек"),
            (dec!(11000), "Одиннадцать тысяч рублей 00 копеек"),
            (dec!(21000), "Двадцать одна тысяча рублей 00 копеек"),
            (dec!(22222.22), "Двадцать две тысячи двести двадцать два рубля 22 копейки"),
            (dec!(1000000), "Один миллион рублей 00 копеек"),
            (dec!(2000000), "Два миллиона рублей 00 копеек"),
            (dec!(1001001), "Один миллион одна тысяча один рубль 00 копеек"),
            (
                dec!(7799.98),
                "Семь тысяч семьсот девяносто девять рублей 98 копеек",
            ),
            (
                dec!(1234567891.99),
                "Один миллиард двести тридцать четыре миллиона пятьсот шестьдесят семь тысяч \
                 восемьсот девяносто один рубль 99 копеек",
            ),
            (dec!(3000000000), "Три миллиарда рублей 00 копеек"),
            (dec!(999999999999.99), "Девятьсот девяносто девять миллиардов девятьсот девяносто девять миллионов девятьсот девяносто девять тысяч девятьсот девяносто девять рублей 99 копеек"),
            (dec!(1000000000000), "Один триллион рублей 00 копеек"),
        ];
        for (amount, expected) in cases {
            assert_eq!(amount_in_words(amount), expected, "{amount}");
        }
    }

    #[test]
    fn rounds_to_kopecks_first() {
        assert_eq!(amount_in_words(dec!(0.999)), "Один рубль 00 копеек");
        assert_eq!(amount_in_words(dec!(10.005)), "Десять рублей 01 копейка");
    }

    #[test]
    fn negative_amounts_say_minus() {
        assert_eq!(amount_in_words(dec!(-2.5)), "Минус два рубля 50 копеек");
        assert_eq!(amount_in_words(dec!(-0.001)), "Ноль рублей 00 копеек");
    }

    #[test]
    fn the_largest_decimal_does_not_panic() {
        assert!(amount_in_words(Decimal::MAX).contains("октиллион"));
    }
}
