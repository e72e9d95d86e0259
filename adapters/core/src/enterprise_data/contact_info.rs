//! Contact information rows of EnterpriseData objects: `КонтактнаяИнформация/Строка` with
//! `ВидКонтактнойИнформации` (the enum `ВидыКИ`) and `ЗначенияПолей`.
//!
//! Evidence: the classes generated from the EnterpriseData 1.17 and 1.19 XDTO schemas in
//! CUSTIS-public/OneCIntegration, `OneCIntegration.Data/EnterpriseData1_17/EnterpriseData.cs` and
//! `…1_19/EnterpriseData.cs` (types `КонтактнаяИнформация.Строка` and `ВидыКИ`). A row has no
//! presentation element of its own: `ЗначенияПолей` holds, as a string, the XML of БСП's contact
//! information XDTO package (root `КонтактнаяИнформация` with the attribute `Представление`;
//! БСП's `УправлениеКонтактнойИнформацией.КонтактнаяИнформация` documents `ЗначенияПолей` as
//! «устаревший XML, соответствующий XDTO пакетам КонтактнаяИнформация или Адрес»). Older data keeps
//! the legacy `Ключ=Значение` lines and newer БСП the JSON form (`"value"`), so both are read too.

use onec_model::{Address, AddressKind};
use quick_xml::events::Event;

use super::reader::Node;

/// What the contact information of one object holds, values as written in 1C.
#[derive(Debug, Default)]
pub(crate) struct ContactInfo {
    /// E-mails, deduplicated, in order.
    pub emails: Vec<String>,
    /// Phones, deduplicated, in order.
    pub phones: Vec<String>,
    /// Addresses, deduplicated, in order.
    pub addresses: Vec<Address>,
}

/// What a `ВидыКИ` value is for push.
enum Kind {
    Email,
    Phone,
    Address(AddressKind),
    Other,
}

fn kind(value: &str) -> Kind {
    match value {
        "АдресЭлектроннойПочты" | "ПользовательскаяКИАдресЭлектроннойПочты" => {
            Kind::Email
        }
        "Телефон" | "ТелефонДомашний" | "ТелефонРабочий" | "ПользовательскаяКИТелефон" => {
            Kind::Phone
        }
        "ЮридическийАдрес" => Kind::Address(AddressKind::Legal),
        "ФактическийАдрес" => Kind::Address(AddressKind::Actual),
        "ПочтовыйАдрес" => Kind::Address(AddressKind::Postal),
        "ПользовательскаяКИАдрес" => Kind::Address(AddressKind::Other),
        // Fax, web pages, Skype and other kinds are not pushed.
        _ => Kind::Other,
    }
}

/// Reads the `КонтактнаяИнформация` table of an object, if it has one.
pub(crate) fn read(table: Option<&Node>) -> ContactInfo {
    let mut info = ContactInfo::default();
    let Some(table) = table else { return info };
    for row in table.children_named("Строка") {
        let Some(k) = row.text_at(&["ВидКонтактнойИнформации"]) else {
            continue;
        };
        let Some(value) = row
            .text_at(&["ЗначенияПолей"])
            .and_then(|v| presentation(&v))
        else {
            continue;
        };
        match kind(k.trim()) {
            Kind::Email if !info.emails.contains(&value) => info.emails.push(value),
            Kind::Phone if !info.phones.contains(&value) => info.phones.push(value),
            Kind::Address(kind) => {
                let a = Address { kind, text: value };
                if !info.addresses.contains(&a) {
                    info.addresses.push(a);
                }
            }
            _ => {}
        }
    }
    info
}

/// The presentation of a `ЗначенияПолей` value: the XML form's `Представление` attribute (or the
/// first `Значение` attribute below it), the JSON form's `value`, the legacy form's
/// `Представление=` line, or the text itself.
pub(crate) fn presentation(fields: &str) -> Option<String> {
    let t = fields.trim();
    let found = if t.starts_with('<') {
        from_xml(t)
    } else if t.starts_with('{') {
        serde_json::from_str::<serde_json::Value>(t)
            .ok()
            .and_then(|v| v.get("value").and_then(|x| x.as_str()).map(str::to_owned))
    } else if t.lines().any(|l| l.starts_with("Представление=")) {
        t.lines()
            .find_map(|l| l.strip_prefix("Представление="))
            .map(str::to_owned)
    } else {
        Some(t.to_owned())
    };
    found.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

fn from_xml(text: &str) -> Option<String> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut first_value = None;
    let mut depth = 0usize;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                for a in e.attributes().flatten() {
                    let key = a.key.local_name();
                    let Ok(v) = a.unescape_value() else { continue };
                    if depth == 0
                        && key.as_ref() == "Представление".as_bytes()
                        && !v.trim().is_empty()
                    {
                        return Some(v.into_owned());
                    }
                    if first_value.is_none()
                        && key.as_ref() == "Значение".as_bytes()
                        && !v.trim().is_empty()
                    {
                        first_value = Some(v.into_owned());
                    }
                }
                depth += 1;
            }
            Ok(Event::Eof) | Err(_) => return first_value,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_form_of_field_values() {
        let xml = r#"<КонтактнаяИнформация xmlns="http://www.v8.1c.ru/ssl/contactinfo" Представление="+7 (495) 111-22-33"><Состав xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="НомерТелефона" КодСтраны="7"/></КонтактнаяИнформация>"#;
        assert_eq!(presentation(xml).as_deref(), Some("+7 (495) 111-22-33"));
        let no_pres = r#"<КонтактнаяИнформация xmlns="http://www.v8.1c.ru/ssl/contactinfo"><Состав Значение="a@b.ru"/></КонтактнаяИнформация>"#;
        assert_eq!(presentation(no_pres).as_deref(), Some("a@b.ru"));
        assert_eq!(
            presentation(r#"{"value":"г. Тверь","type":"Адрес"}"#).as_deref(),
            Some("г. Тверь")
        );
        assert_eq!(
            presentation("Индекс=170000\nПредставление=170000, Тверь").as_deref(),
            Some("170000, Тверь")
        );
        assert_eq!(presentation("  ").as_deref(), None);
    }
}
