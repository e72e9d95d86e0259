//! Reading one spreadsheet cell as the text, date or code a 1C list shows.
//!
//! Spreadsheet programs turn codes into numbers (an INN `0123456789` becomes `123456789`) and
//! dates into serial numbers; these helpers undo that and say what they did.

use calamine::Data;
use chrono::{Duration, NaiveDate, NaiveDateTime};

/// A cell read as text: `None` when empty, `Err` with the reason when the cell holds an error.
pub(crate) fn text(cell: &Data) -> Result<Option<String>, String> {
    Ok(match cell {
        Data::Empty => None,
        Data::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
        Data::Int(i) => Some(i.to_string()),
        Data::Float(f) => Some(number(*f)),
        Data::Bool(b) => Some(if *b { "Да" } else { "Нет" }.to_owned()),
        Data::DateTime(d) => serial_date(d.as_f64()).map(|d| d.format("%d.%m.%Y").to_string()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Some(s.clone()),
        Data::Error(e) => return Err(format!("the cell holds the error {e}")),
    })
}

/// Whether the cell holds a number (so leading zeros of a code may have been lost).
pub(crate) fn is_number(cell: &Data) -> bool {
    matches!(cell, Data::Int(_) | Data::Float(_))
}

fn number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        f.to_string()
    }
}

/// The date of a spreadsheet serial number (days since 1899-12-30, the 1900 date system).
fn serial_date(serial: f64) -> Option<NaiveDateTime> {
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)?.and_hms_opt(0, 0, 0)?;
    let seconds = (serial * 86_400.0).round();
    if !seconds.is_finite() || seconds.abs() > 1e12 {
        return None;
    }
    epoch.checked_add_signed(Duration::seconds(seconds as i64))
}

/// A cell read as a date: a date cell, or text in 1C's `ДД.ММ.ГГГГ` (with or without time) or ISO.
pub(crate) fn date(cell: &Data) -> Result<Option<NaiveDate>, String> {
    match cell {
        Data::DateTime(d) => serial_date(d.as_f64())
            .map(|d| Some(d.date()))
            .ok_or_else(|| "the date is out of range".to_owned()),
        Data::Float(f) => serial_date(*f)
            .map(|d| Some(d.date()))
            .ok_or_else(|| "the date is out of range".to_owned()),
        _ => {
            let Some(t) = text(cell)? else {
                return Ok(None);
            };
            parse_date_text(&t)
                .map(Some)
                .ok_or_else(|| "not a date (expected ДД.ММ.ГГГГ)".to_owned())
        }
    }
}

fn parse_date_text(t: &str) -> Option<NaiveDate> {
    let day = t.split_whitespace().next()?;
    let day = day.split('T').next()?;
    for fmt in ["%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y", "%d/%m/%Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(day, fmt) {
            return Some(d);
        }
    }
    None
}

/// A code of a fixed number of digits (INN, KPP) stored as a number: the leading zero a
/// spreadsheet dropped is restored when exactly one digit is missing.
pub(crate) fn code(cell: &Data, lengths: &[usize]) -> Result<(Option<String>, bool), String> {
    let Some(t) = text(cell)? else {
        return Ok((None, false));
    };
    if is_number(cell) && lengths.iter().any(|&n| t.len() + 1 == n) && !lengths.contains(&t.len()) {
        return Ok((Some(format!("0{t}")), true));
    }
    Ok((Some(t), false))
}

/// The spreadsheet letter of a 0-based column: 0 → `A`, 27 → `AB`.
pub(crate) fn column_letter(mut index: u32) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).expect("ASCII letters")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_like_1c_shows_them() {
        assert_eq!(
            text(&Data::Float(7701234567.0)).unwrap().unwrap(),
            "7701234567"
        );
        assert_eq!(
            text(&Data::String("  ООО ".into())).unwrap().unwrap(),
            "ООО"
        );
        assert_eq!(text(&Data::Empty).unwrap(), None);
        assert_eq!(
            date(&Data::String("01.02.2024 0:00:00".into())).unwrap(),
            NaiveDate::from_ymd_opt(2024, 2, 1)
        );
        assert_eq!(
            date(&Data::Float(45323.0)).unwrap(),
            NaiveDate::from_ymd_opt(2024, 2, 1)
        );
        assert!(date(&Data::String("вчера".into())).is_err());
        assert_eq!(
            code(&Data::Int(123456789), &[10, 12]).unwrap(),
            (Some("0123456789".into()), true)
        );
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(27), "AB");
    }
}
