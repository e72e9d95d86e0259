//! Phone numbers as 1C holds them, normalised to `+7XXXXXXXXXX` where they are Russian numbers.
//!
//! 1C phone fields are free text: «8 (495) 123-45-67», «+7 912 345 67 89», «9123456789». A number
//! that is recognisably in the +7 zone is rewritten to E.164 so that Okdesk search by phone and
//! duplicate detection work; anything else (foreign numbers, extensions, comments) is kept as
//! written, trimmed, because guessing would lose information.

/// The number as `+7XXXXXXXXXX` if it is a Russian (+7 zone) number, else `None`.
///
/// Accepted: 11 digits starting with 8 or 7 (with or without `+` before the 7), and 10 digits
/// starting with 3, 4, 8 or 9 (a Russian area or mobile code without the trunk prefix). Spaces,
/// hyphens, dots and brackets between digits are ignored; any other character means the text is
/// not just a number (an extension, a comment) and gives `None`.
pub fn russian_e164(text: &str) -> Option<String> {
    let trimmed = text.trim();
    let (plus, rest) = match trimmed.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, trimmed),
    };
    let mut digits = String::with_capacity(11);
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '\u{a0}' | '-' | '\u{2010}'..='\u{2015}' | '.' | '(' | ')' => {}
            _ => return None,
        }
    }
    let national = match (plus, digits.len(), digits.as_bytes().first()) {
        (true, 11, Some(b'7')) => &digits[1..],
        (false, 11, Some(b'7' | b'8')) => &digits[1..],
        (false, 10, Some(b'3' | b'4' | b'8' | b'9')) => &digits[..],
        _ => return None,
    };
    Some(format!("+7{national}"))
}

/// Normalises a phone field: `+7XXXXXXXXXX` for Russian numbers, otherwise the text as written
/// (trimmed).
pub fn normalize(text: &str) -> String {
    russian_e164(text).unwrap_or_else(|| text.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_numbers_become_e164() {
        for text in [
            "8 (495) 123-45-67",
            "84951234567",
            "74951234567",
            "+7 (495) 123-45-67",
            "+7(495)123-45-67",
            " +7 495 123 45 67 ",
            "8-495-123-45-67",
            "4951234567",
            "(495) 123-45-67",
            "+7\u{a0}495\u{a0}123\u{2011}45\u{2011}67",
        ] {
            assert_eq!(normalize(text), "+74951234567", "{text:?}");
        }
        assert_eq!(normalize("9123456789"), "+79123456789");
        assert_eq!(normalize("8 912 345-67-89"), "+79123456789");
        assert_eq!(normalize("8 800 555-35-35"), "+78005553535");
        assert_eq!(normalize("800 555 35 35"), "+78005553535");
    }

    #[test]
    fn anything_else_is_kept_as_written() {
        for (text, kept) in [
            ("+375 29 123-45-67", "+375 29 123-45-67"),
            (" +49 30 1234567 ", "+49 30 1234567"),
            ("8 (495) 123-45-67 доб. 123", "8 (495) 123-45-67 доб. 123"),
            ("123-45-67", "123-45-67"),
            ("+8 495 123 45 67", "+8 495 123 45 67"),
            ("5123456789", "5123456789"),
            ("", ""),
            ("звонить секретарю", "звонить секретарю"),
        ] {
            assert_eq!(normalize(text), kept, "{text:?}");
            assert_eq!(russian_e164(text), None, "{text:?}");
        }
    }
}
