//! Preflight cleaning of text: C0 control characters are stripped from every text field of a
//! record before it is sent, with a warning naming the field and the positions.
//!
//! Okdesk keeps text in PostgreSQL, which refuses NUL bytes outright (the record would fail on
//! every run with a 500), and BEL or ESC sequences copied from terminals only garble what an
//! engineer reads. Tab, line feed and carriage return are ordinary text and are kept.

use crate::ports::Record;

/// Whether a character is removed: C0 controls and DEL, except tab, line feed and carriage return.
fn is_stripped(c: char) -> bool {
    (c.is_ascii_control() && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{7f}'
}

/// Strips control characters from one text in place; returns a warning when it removed any.
fn strip(field: &str, text: &mut String) -> Option<String> {
    if !text.chars().any(is_stripped) {
        return None;
    }
    let found: Vec<String> = text
        .chars()
        .enumerate()
        .filter(|(_, c)| is_stripped(*c))
        .map(|(i, c)| format!("U+{:04X} в позиции {}", u32::from(c), i + 1))
        .collect();
    let cleaned: String = text.chars().filter(|c| !is_stripped(*c)).collect();
    // Stripping a trailing control may leave trailing spaces that 1C trimming would have removed.
    *text = cleaned.trim().to_owned();
    Some(format!(
        "поле {field}: удалены управляющие символы ({})",
        found.join(", ")
    ))
}

fn strip_opt(field: &str, text: &mut Option<String>, out: &mut Vec<String>) {
    if let Some(t) = text {
        out.extend(strip(field, t));
        if t.is_empty() {
            *text = None;
        }
    }
}

/// Strips control characters from every free-text field of a record, returning one warning per
/// field that had any. Codes, INNs, e-mails and ids are validated elsewhere and are left alone.
pub(crate) fn strip_controls(record: &mut Record) -> Vec<String> {
    let mut out = Vec::new();
    match record {
        Record::EquipmentKind(d) | Record::Manufacturer(d) => {
            out.extend(strip("name", &mut d.name));
        }
        Record::Model(m) => out.extend(strip("name", &mut m.name)),
        Record::Company(c) => {
            out.extend(strip("name", &mut c.name));
            strip_opt("additional_name", &mut c.additional_name, &mut out);
            strip_opt("address", &mut c.address, &mut out);
            strip_opt("comment", &mut c.comment, &mut out);
        }
        Record::Contact(c) => {
            out.extend(strip("last_name", &mut c.last_name));
            out.extend(strip("first_name", &mut c.first_name));
            strip_opt("patronymic", &mut c.patronymic, &mut out);
            strip_opt("position", &mut c.position, &mut out);
            strip_opt("comment", &mut c.comment, &mut out);
        }
        Record::Agreement(a) => out.extend(strip("title", &mut a.title)),
        Record::Object(o) => {
            out.extend(strip("name", &mut o.name));
            strip_opt("address", &mut o.address, &mut out);
            strip_opt("comment", &mut o.comment, &mut out);
        }
        Record::Equipment(e) => {
            strip_opt("serial_number", &mut e.serial_number, &mut out);
            strip_opt("inventory_number", &mut e.inventory_number, &mut out);
            strip_opt("comment", &mut e.comment, &mut out);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::DirectoryFields;

    #[test]
    fn strips_c0_controls_and_names_field_and_positions() {
        let mut text = "ООО «Ромашка»\u{7}\u{0}".to_owned();
        let warning = strip("name", &mut text).expect("controls were present");
        assert_eq!(text, "ООО «Ромашка»");
        assert_eq!(
            warning,
            "поле name: удалены управляющие символы (U+0007 в позиции 14, U+0000 в позиции 15)"
        );
        let mut kept = "строка 1\r\n\tстрока 2".to_owned();
        assert_eq!(strip("comment", &mut kept), None);
        assert_eq!(kept, "строка 1\r\n\tстрока 2");
    }

    #[test]
    fn strip_controls_covers_directory_names() {
        let mut r = Record::EquipmentKind(DirectoryFields {
            code: "K".into(),
            name: "\u{1b}[31mПринтер".into(),
        });
        let warnings = strip_controls(&mut r);
        assert_eq!(warnings.len(), 1);
        match r {
            Record::EquipmentKind(d) => assert_eq!(d.name, "[31mПринтер"),
            other => panic!("{other:?}"),
        }
    }
}
