//! The account time zone: a fixed offset (Russian zones have had no daylight saving since 2014),
//! written as an offset (`+03:00`, `UTC+3`) or as one of the Russian zone names.

use chrono::FixedOffset;

/// Moscow time, the Okdesk default.
pub(crate) fn moscow() -> FixedOffset {
    FixedOffset::east_opt(3 * 3600).expect("+03:00 is a valid offset")
}

/// Russian zone names and their offsets in hours (no DST since October 2014).
const ZONES: &[(&str, i32)] = &[
    ("UTC", 0),
    ("Europe/Kaliningrad", 2),
    ("Europe/Moscow", 3),
    ("Europe/Simferopol", 3),
    ("Europe/Kirov", 3),
    ("Europe/Volgograd", 3),
    ("Europe/Minsk", 3),
    ("Europe/Samara", 4),
    ("Europe/Ulyanovsk", 4),
    ("Europe/Saratov", 4),
    ("Europe/Astrakhan", 4),
    ("Asia/Yekaterinburg", 5),
    ("Asia/Almaty", 5),
    ("Asia/Tashkent", 5),
    ("Asia/Omsk", 6),
    ("Asia/Novosibirsk", 7),
    ("Asia/Barnaul", 7),
    ("Asia/Tomsk", 7),
    ("Asia/Novokuznetsk", 7),
    ("Asia/Krasnoyarsk", 7),
    ("Asia/Irkutsk", 8),
    ("Asia/Chita", 9),
    ("Asia/Yakutsk", 9),
    ("Asia/Vladivostok", 10),
    ("Asia/Sakhalin", 11),
    ("Asia/Magadan", 11),
    ("Asia/Srednekolymsk", 11),
    ("Asia/Kamchatka", 12),
    ("Asia/Anadyr", 12),
];

/// Parses `+03:00`, `-05:30`, `UTC+3`, `MSK`, or a zone name from the table above.
pub(crate) fn parse(text: &str) -> Option<FixedOffset> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("MSK") {
        return Some(moscow());
    }
    if let Some((_, h)) = ZONES.iter().find(|(name, _)| name.eq_ignore_ascii_case(t)) {
        return FixedOffset::east_opt(h * 3600);
    }
    let rest = t
        .strip_prefix("UTC")
        .or_else(|| t.strip_prefix("GMT"))
        .unwrap_or(t);
    let (sign, digits) = match rest.as_bytes().first()? {
        b'+' => (1, &rest[1..]),
        b'-' => (-1, &rest[1..]),
        _ => return None,
    };
    let (h, m) = match digits.split_once(':') {
        Some((h, m)) => (h.parse::<i32>().ok()?, m.parse::<i32>().ok()?),
        None if digits.len() == 4 => (digits[..2].parse().ok()?, digits[2..].parse().ok()?),
        None => (digits.parse().ok()?, 0),
    };
    if !(0..=14).contains(&h) || !(0..60).contains(&m) {
        return None;
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_offsets() {
        assert_eq!(parse("Europe/Moscow"), Some(moscow()));
        assert_eq!(parse("+03:00"), Some(moscow()));
        assert_eq!(parse("UTC+3"), Some(moscow()));
        assert_eq!(parse("+0300"), Some(moscow()));
        assert_eq!(parse("asia/yekaterinburg"), FixedOffset::east_opt(5 * 3600));
        assert_eq!(parse("-05:30"), FixedOffset::east_opt(-(5 * 3600 + 1800)));
        assert_eq!(parse("Mars/Olympus"), None);
        assert_eq!(parse("+25:00"), None);
    }
}
