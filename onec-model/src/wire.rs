//! How 1C writes "empty" on the wire, turned into `Option`.
//!
//! 1C has no null for dates, references and enums: an empty date is `0001-01-01T00:00:00`, an
//! empty reference is the zero GUID and an empty enum value is `""`. These helpers map those to
//! `None` and back, and reject text that is neither a value nor the empty marker.

use chrono::{Datelike, NaiveDate, NaiveDateTime};

use crate::ids::{Ref, RefError};

/// The empty date as 1C writes it.
pub const EMPTY_DATE: &str = "0001-01-01T00:00:00";

/// The empty reference as 1C writes it.
pub const EMPTY_REF: &str = "00000000-0000-0000-0000-000000000000";

/// A date in a 1C payload that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("«{value}» не является датой 1С (ожидается ГГГГ-ММ-ДДTчч:мм:сс)")]
pub struct DateError {
    /// The text that did not parse.
    pub value: String,
}

/// Parses a 1C date-time: `2025-03-01T12:30:00` (fractions of a second and a trailing `Z` are
/// accepted) or a bare date `2025-03-01`. The empty date (year 1) and `""` give `Ok(None)`.
pub fn parse_date(text: &str) -> Result<Option<NaiveDateTime>, DateError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    let without_zone = trimmed.strip_suffix('Z').unwrap_or(trimmed);
    let parsed = NaiveDateTime::parse_from_str(without_zone, "%Y-%m-%dT%H:%M:%S%.f")
        .or_else(|_| {
            NaiveDate::parse_from_str(without_zone, "%Y-%m-%d")
                .map(|d| d.and_time(chrono::NaiveTime::MIN))
        })
        .map_err(|_| DateError {
            value: text.to_owned(),
        })?;
    // 1C's empty date is 0001-01-01 00:00:00; any time on that day is just as empty in practice,
    // and no real document is dated in year 1.
    let empty = parsed.year() == 1 && parsed.ordinal() == 1;
    Ok((!empty).then_some(parsed))
}

/// Parses a 1C date and keeps only the day; see [`parse_date`].
pub fn parse_day(text: &str) -> Result<Option<NaiveDate>, DateError> {
    Ok(parse_date(text)?.map(|d| d.date()))
}

/// Writes a date-time for 1C; `None` becomes the empty date.
pub fn format_date(value: Option<NaiveDateTime>) -> String {
    match value {
        Some(d) => d.format("%Y-%m-%dT%H:%M:%S").to_string(),
        None => EMPTY_DATE.to_owned(),
    }
}

/// Writes a day for 1C (at midnight); `None` becomes the empty date.
pub fn format_day(value: Option<NaiveDate>) -> String {
    format_date(value.map(|d| d.and_time(chrono::NaiveTime::MIN)))
}

/// Parses a reference; the zero GUID and `""` give `Ok(None)`. Same as [`Ref::parse`].
pub fn parse_ref(text: &str) -> Result<Option<Ref>, RefError> {
    Ref::parse(text)
}

/// Writes a reference for 1C; `None` becomes the zero GUID.
pub fn format_ref(value: Option<Ref>) -> String {
    value.map_or_else(|| EMPTY_REF.to_owned(), |r| r.to_string())
}

/// An enum value name: `""` (1C's empty enum value) and blank text give `None`.
pub fn parse_enum(text: &str) -> Option<&str> {
    let trimmed = text.trim();
    (!trimmed.is_empty()).then_some(trimmed)
}

/// An optional string field: blank text gives `None`, other text is trimmed.
pub fn parse_text(text: &str) -> Option<&str> {
    parse_enum(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_date_is_none() {
        assert_eq!(parse_date("0001-01-01T00:00:00"), Ok(None));
        assert_eq!(parse_date(""), Ok(None));
        assert_eq!(parse_date("  "), Ok(None));
        assert_eq!(parse_day("0001-01-01T00:00:00"), Ok(None));
    }

    #[test]
    fn real_dates_parse() {
        let d = parse_date("2025-03-01T12:30:05").unwrap().unwrap();
        assert_eq!(d.to_string(), "2025-03-01 12:30:05");
        assert!(parse_date("2025-03-01T12:30:05.123Z").unwrap().is_some());
        assert_eq!(
            parse_day("2024-12-31").unwrap(),
            NaiveDate::from_ymd_opt(2024, 12, 31)
        );
        assert_eq!(format_date(Some(d)), "2025-03-01T12:30:05");
        assert_eq!(format_date(None), EMPTY_DATE);
        assert_eq!(
            format_day(NaiveDate::from_ymd_opt(2024, 1, 2)),
            "2024-01-02T00:00:00"
        );
    }

    #[test]
    fn garbage_dates_are_errors_naming_the_value() {
        let err = parse_date("31.12.2024").unwrap_err();
        assert!(err.to_string().contains("«31.12.2024»"), "{err}");
        assert!(parse_date("2024-02-30T00:00:00").is_err());
    }

    #[test]
    fn empty_refs_and_enums_are_none() {
        assert_eq!(parse_ref(EMPTY_REF), Ok(None));
        assert_eq!(format_ref(None), EMPTY_REF);
        let r = Ref::derived("x", "y");
        assert_eq!(parse_ref(&format_ref(Some(r))), Ok(Some(r)));
        assert_eq!(parse_enum(""), None);
        assert_eq!(parse_enum(" Работает "), Some("Работает"));
        assert_eq!(parse_text("   "), None);
    }
}
