//! Russian tax and bank codes with valid check digits: INN (10 and 12 digits), KPP, settlement and
//! correspondent accounts keyed with the bank's BIK.

use rand::rngs::StdRng;
use rand::Rng;

const INN10_WEIGHTS: [u32; 9] = [2, 4, 10, 3, 5, 9, 4, 6, 8];
const INN12_WEIGHTS_11: [u32; 10] = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
const INN12_WEIGHTS_12: [u32; 11] = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8];

fn check_digit(digits: &[u32], weights: &[u32]) -> u32 {
    let sum: u32 = digits.iter().zip(weights).map(|(d, w)| d * w).sum();
    sum % 11 % 10
}

fn digits_of(text: &str) -> Option<Vec<u32>> {
    text.chars().map(|c| c.to_digit(10)).collect()
}

/// True when `inn` is a 10-digit (legal entity) or 12-digit (person) INN with correct check digits.
pub fn inn_is_valid(inn: &str) -> bool {
    let Some(d) = digits_of(inn) else {
        return false;
    };
    match d.len() {
        10 => check_digit(&d[..9], &INN10_WEIGHTS) == d[9],
        12 => {
            check_digit(&d[..10], &INN12_WEIGHTS_11) == d[10]
                && check_digit(&d[..11], &INN12_WEIGHTS_12) == d[11]
        }
        _ => false,
    }
}

/// A 10-digit legal-entity INN registered in `region` (two digits), with its check digit.
pub(crate) fn inn10(rng: &mut StdRng, region: &str) -> String {
    let mut body = format!(
        "{region}{:02}{:05}",
        rng.gen_range(1..52),
        rng.gen_range(0..100_000)
    );
    let d = digits_of(&body).expect("the INN body is made of digits");
    body.push(char::from_digit(check_digit(&d, &INN10_WEIGHTS), 10).expect("a digit"));
    body
}

/// A 12-digit INN of a person or entrepreneur registered in `region`, with both check digits.
pub(crate) fn inn12(rng: &mut StdRng, region: &str) -> String {
    let mut body = format!(
        "{region}{:02}{:06}",
        rng.gen_range(1..52),
        rng.gen_range(0..1_000_000)
    );
    let mut d = digits_of(&body).expect("the INN body is made of digits");
    let c11 = check_digit(&d, &INN12_WEIGHTS_11);
    d.push(c11);
    let c12 = check_digit(&d, &INN12_WEIGHTS_12);
    body.push(char::from_digit(c11, 10).expect("a digit"));
    body.push(char::from_digit(c12, 10).expect("a digit"));
    body
}

/// The KPP of a legal entity registered at its tax office: the INN's first four digits, reason
/// code 01 (registration at the location), serial 001.
pub(crate) fn kpp_for(inn: &str) -> String {
    format!("{}01001", &inn[..4])
}

const ACCOUNT_WEIGHTS: [u32; 3] = [7, 1, 3];

/// Sets the key digit (the ninth) of a 20-digit account so that the 23-digit control string
/// `prefix3 + account` passes the Central Bank's weighted checksum.
fn with_key(prefix3: &str, account: &str) -> String {
    let mut acc: Vec<u32> = digits_of(account).expect("the account is made of digits");
    let prefix = digits_of(prefix3).expect("the BIK is made of digits");
    for key in 0..10 {
        acc[8] = key;
        let sum: u32 = prefix
            .iter()
            .chain(acc.iter())
            .enumerate()
            .map(|(i, d)| d * ACCOUNT_WEIGHTS[i % 3] % 10)
            .sum();
        if sum.is_multiple_of(10) {
            break;
        }
    }
    acc.iter()
        .map(|d| char::from_digit(*d, 10).expect("a digit"))
        .collect()
}

/// A settlement account («40702810…») keyed with the bank's BIK (its last three digits).
pub(crate) fn settlement_account(rng: &mut StdRng, bik: &str) -> String {
    let raw = format!("407028100{:011}", rng.gen_range(0..100_000_000_000u64));
    with_key(&bik[6..9], &raw)
}

/// The bank's correspondent account («30101810…» ending in the BIK's last three digits), keyed
/// with «0» and the BIK's fifth and sixth digits, as the Central Bank prescribes.
pub(crate) fn correspondent_account(bik: &str) -> String {
    let raw = format!("301018100000000{:02}{}", 0, &bik[6..9]);
    with_key(&format!("0{}", &bik[4..6]), &raw)
}

/// True when a settlement account passes the checksum with this BIK.
pub fn account_is_valid(account: &str, bik: &str) -> bool {
    account.len() == 20
        && bik.len() == 9
        && digits_of(account).is_some()
        && with_key(&bik[6..9], account) == account
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn known_inns_validate() {
        // Public INNs of well-known companies and a check against a wrong digit.
        assert!(inn_is_valid("7707083893"));
        assert!(inn_is_valid("500100732259"));
        assert!(!inn_is_valid("7707083894"));
        assert!(!inn_is_valid("77070838"));
    }

    #[test]
    fn generated_inns_validate() {
        let mut rng = StdRng::seed_from_u64(7);
        for _ in 0..1000 {
            assert!(inn_is_valid(&inn10(&mut rng, "58")));
            assert!(inn_is_valid(&inn12(&mut rng, "77")));
        }
    }

    #[test]
    fn accounts_are_keyed_with_the_bik() {
        // Sberbank's published correspondent account and BIK.
        assert_eq!(correspondent_account("044525225"), "30101810400000000225");
        let mut rng = StdRng::seed_from_u64(1);
        let acc = settlement_account(&mut rng, "044525225");
        assert!(account_is_valid(&acc, "044525225"));
        assert_eq!(acc.len(), 20);
    }
}
