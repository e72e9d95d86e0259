//! Okdesk's three date syntaxes and the account time zone.
//!
//! Responses carry ISO-8601 timestamps with the account's offset (`2016-03-15T18:05:17.568+03:00`).
//! Issue filters take `dd-mm-yyyy` or `dd-mm-yyyy HH:MM`; the other list filters take `yyyy-mm-dd`.
//! Every filter value is read by Okdesk in the **account** time zone, so the client converts instants
//! into that zone before formatting them; the zone is configured on the client, never guessed from
//! the machine running it.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// The offset Okdesk accounts use unless configured otherwise (Moscow, UTC+3, no daylight saving).
pub fn moscow() -> FixedOffset {
    FixedOffset::east_opt(3 * 3600).expect("+03:00 is a valid offset")
}

/// The time zone of an Okdesk account, as a fixed offset (Russian zones have had no DST since 2014).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AccountTimeZone(pub FixedOffset);

impl Default for AccountTimeZone {
    fn default() -> Self {
        Self(moscow())
    }
}

impl AccountTimeZone {
    /// Formats a filter value for the issue endpoints (`issues/count`, `issues/list`):
    /// `dd-mm-yyyy` for dates, `dd-mm-yyyy HH:MM` for instants and wall-clock times.
    pub fn issue_filter(&self, t: FilterTime) -> String {
        match t {
            FilterTime::Date(d) => d.format("%d-%m-%Y").to_string(),
            FilterTime::Local(dt) => dt.format("%d-%m-%Y %H:%M").to_string(),
            FilterTime::At(at) => at
                .with_timezone(&self.0)
                .format("%d-%m-%Y %H:%M")
                .to_string(),
        }
    }

    /// Formats a day filter for the issue endpoints (`created_since`, `updated_since`,
    /// `completed_since`, …): `dd-mm-yyyy`, the day of `t` in the account zone.
    pub fn issue_day_filter(&self, t: FilterTime) -> String {
        self.account_date(t).format("%d-%m-%Y").to_string()
    }

    /// Formats a filter value for the other list endpoints (companies, equipment, maintenance
    /// entities): `yyyy-mm-dd`, the date in the account zone (those filters are day-granular).
    pub fn list_filter(&self, t: FilterTime) -> String {
        self.account_date(t).format("%Y-%m-%d").to_string()
    }

    /// The calendar date of `t` in the account zone.
    pub fn account_date(&self, t: FilterTime) -> NaiveDate {
        match t {
            FilterTime::Date(d) => d,
            FilterTime::Local(dt) => dt.date(),
            FilterTime::At(at) => at.with_timezone(&self.0).date_naive(),
        }
    }

    /// Interprets a wall-clock time in the account zone.
    pub fn localize(&self, dt: NaiveDateTime) -> DateTime<FixedOffset> {
        self.0
            .from_local_datetime(&dt)
            .single()
            .expect("a fixed offset maps every local time to exactly one instant")
    }
}

/// A point or a day used in a query filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilterTime {
    /// A calendar day in the account zone.
    Date(NaiveDate),
    /// A wall-clock time in the account zone.
    Local(NaiveDateTime),
    /// An instant; converted to the account zone before formatting.
    At(DateTime<FixedOffset>),
}

impl From<NaiveDate> for FilterTime {
    fn from(d: NaiveDate) -> Self {
        Self::Date(d)
    }
}

impl From<NaiveDateTime> for FilterTime {
    fn from(d: NaiveDateTime) -> Self {
        Self::Local(d)
    }
}

impl From<DateTime<FixedOffset>> for FilterTime {
    fn from(d: DateTime<FixedOffset>) -> Self {
        Self::At(d)
    }
}

impl From<DateTime<Utc>> for FilterTime {
    fn from(d: DateTime<Utc>) -> Self {
        Self::At(d.fixed_offset())
    }
}

/// Parses a timestamp as Okdesk sends it. The documented form is RFC 3339 with an offset; the
/// undocumented wall-clock forms (`2018-10-16 11:14`, `16-10-2018 11:14`, a bare date) are read in
/// Moscow time, the default account zone, because a response carries no other hint.
pub fn parse_datetime(s: &str) -> Option<DateTime<FixedOffset>> {
    let s = s.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(dt);
    }
    if let Ok(dt) = DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z") {
        return Some(dt);
    }
    const NAIVE: [&str; 6] = [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
        "%d-%m-%Y %H:%M:%S",
        "%d-%m-%Y %H:%M",
    ];
    for fmt in NAIVE {
        if let Ok(dt) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(AccountTimeZone::default().localize(dt));
        }
    }
    // Only the plain date formats here: calling `parse_date` would call back into this function for
    // long unreadable text and recurse without end.
    parse_plain_date(s).map(|d| {
        AccountTimeZone::default().localize(d.and_hms_opt(0, 0, 0).expect("midnight exists"))
    })
}

/// Parses a date written in one of the plain date formats, and nothing else.
fn parse_plain_date(s: &str) -> Option<NaiveDate> {
    ["%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"]
        .into_iter()
        .find_map(|fmt| NaiveDate::parse_from_str(s, fmt).ok())
}

/// Parses a calendar date: `2019-02-06`, `06-02-2019`, `06.02.2019`, or the date part of a timestamp.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if let Some(d) = parse_plain_date(s) {
        return Some(d);
    }
    if s.len() > 10 && s.is_char_boundary(10) {
        return parse_datetime(s).map(|dt| dt.date_naive());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_formats() {
        let tz = AccountTimeZone::default();
        let at = DateTime::parse_from_rfc3339("2018-12-03T12:30:00Z").unwrap();
        assert_eq!(tz.issue_filter(at.into()), "03-12-2018 15:30");
        let d = NaiveDate::from_ymd_opt(2016, 3, 22).unwrap();
        assert_eq!(tz.issue_filter(d.into()), "22-03-2016");
        assert_eq!(tz.list_filter(d.into()), "2016-03-22");
        // 22:30 UTC is already the next day in Moscow.
        let late = DateTime::parse_from_rfc3339("2016-03-22T22:30:00Z").unwrap();
        assert_eq!(tz.list_filter(late.into()), "2016-03-23");
    }

    #[test]
    fn parses_response_forms() {
        let a = parse_datetime("2016-03-15T18:05:17.568+03:00").unwrap();
        assert_eq!(a.offset().local_minus_utc(), 3 * 3600);
        let b = parse_datetime("2018-10-16 11:14").unwrap();
        assert_eq!(b.to_rfc3339(), "2018-10-16T11:14:00+03:00");
        assert_eq!(
            parse_date("2019-02-06"),
            NaiveDate::from_ymd_opt(2019, 2, 6)
        );
        assert_eq!(
            parse_date("2019-02-06T10:00:00.000+03:00"),
            NaiveDate::from_ymd_opt(2019, 2, 6)
        );
        assert!(parse_datetime("вчера").is_none());
    }
}
