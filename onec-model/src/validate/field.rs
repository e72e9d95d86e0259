//! Reporting a bad value of a record as «object, field, value, reason», and a small collector the
//! sync engine's preflight uses to check a record's fields before sending it anywhere.

use serde::{Deserialize, Serialize};

use super::email::{self, NormalizedEmail};
use super::inn::Inn;
use super::kpp::Kpp;
use super::phone;

/// One bad (or dropped) value of one record.
///
/// The fields map onto the run report's `failures` entries: `entity` is the report's entity name
/// (`companies`, `contacts`, …), `key` the 1C ref or Okdesk id, `name` what a person calls the
/// record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{entity} {key} «{name}»: поле {field}: {}", self.message())]
pub struct FieldError {
    /// The entity set, as the run report names it.
    pub entity: String,
    /// The record's key: a 1C ref or an Okdesk id.
    pub key: String,
    /// The record's name as people know it.
    pub name: String,
    /// The field.
    pub field: String,
    /// The value as the source holds it.
    pub value: String,
    /// Why the value is not accepted, in words for a person.
    pub reason: String,
}

impl FieldError {
    /// The value and the reason, for the report's `message`: «"ivan@mаil.ru": …».
    pub fn message(&self) -> String {
        if self.value.is_empty() {
            self.reason.clone()
        } else {
            format!("значение «{}»: {}", self.value, self.reason)
        }
    }
}

/// Collects the field errors and warnings of one record.
///
/// Errors mean the record cannot be sent as it is; warnings mean something was dropped or changed
/// on the way (an extra e-mail address in a list) and the user should know.
#[derive(Debug, Clone)]
pub struct RecordCheck {
    entity: String,
    key: String,
    name: String,
    errors: Vec<FieldError>,
    warnings: Vec<FieldError>,
}

/// The reason recorded for an empty required field.
const REQUIRED: &str = "обязательное поле не заполнено";

impl RecordCheck {
    /// Starts checking the record `key` («`name`») of `entity`.
    pub fn new(entity: impl Into<String>, key: impl Into<String>, name: impl Into<String>) -> Self {
        RecordCheck {
            entity: entity.into(),
            key: key.into(),
            name: name.into(),
            errors: Vec::new(),
            warnings: Vec::new(),
        }
    }

    fn make(&self, field: &str, value: &str, reason: String) -> FieldError {
        FieldError {
            entity: self.entity.clone(),
            key: self.key.clone(),
            name: self.name.clone(),
            field: field.to_owned(),
            value: value.to_owned(),
            reason,
        }
    }

    /// Records an error.
    pub fn fail(&mut self, field: &str, value: &str, reason: impl Into<String>) {
        let error = self.make(field, value, reason.into());
        self.errors.push(error);
    }

    /// Records a warning.
    pub fn warn(&mut self, field: &str, value: &str, reason: impl Into<String>) {
        let warning = self.make(field, value, reason.into());
        self.warnings.push(warning);
    }

    /// A required text field: trimmed; blank or missing is an error.
    pub fn required_text(&mut self, field: &str, value: Option<&str>) -> Option<String> {
        match value.map(str::trim).filter(|v| !v.is_empty()) {
            Some(text) => Some(text.to_owned()),
            None => {
                self.fail(field, value.unwrap_or_default(), REQUIRED);
                None
            }
        }
    }

    /// A required value of any kind (a reference, a date): missing is an error.
    pub fn required<T>(&mut self, field: &str, value: Option<T>) -> Option<T> {
        if value.is_none() {
            self.fail(field, "", REQUIRED);
        }
        value
    }

    /// A text that must not be longer than `max` characters.
    pub fn max_chars(&mut self, field: &str, value: &str, max: usize) -> bool {
        let length = value.chars().count();
        let ok = length <= max;
        if !ok {
            self.fail(
                field,
                value,
                format!("длина {length} символов, допустимо не больше {max}"),
            );
        }
        ok
    }

    /// An optional INN: blank is fine (`None`), an invalid one is an error.
    pub fn inn(&mut self, field: &str, value: Option<&str>) -> Option<Inn> {
        let text = value.map(str::trim).filter(|v| !v.is_empty())?;
        Inn::parse(text)
            .map_err(|e| self.fail(field, text, e.to_string()))
            .ok()
    }

    /// An optional KPP: blank is fine (`None`), an invalid one is an error.
    pub fn kpp(&mut self, field: &str, value: Option<&str>) -> Option<Kpp> {
        let text = value.map(str::trim).filter(|v| !v.is_empty())?;
        Kpp::parse(text)
            .map_err(|e| self.fail(field, text, e.to_string()))
            .ok()
    }

    /// An e-mail field: the normalised address, with a warning for each other candidate the field
    /// held; an invalid field is an error. Blank is fine (`None`).
    pub fn email(&mut self, field: &str, value: &str) -> Option<NormalizedEmail> {
        if value.trim().is_empty() {
            return None;
        }
        match email::normalize(value) {
            Ok(normalized) => {
                for other in &normalized.ignored {
                    self.warn(
                        field,
                        value,
                        format!(
                            "передан только адрес «{}», «{other}» не передан",
                            normalized.address
                        ),
                    );
                }
                Some(normalized)
            }
            Err(e) => {
                self.fail(field, value, e.to_string());
                None
            }
        }
    }

    /// Several e-mail fields (1C keeps one per contact-information row): every valid address
    /// once, in order; invalid ones are errors.
    pub fn emails(&mut self, field: &str, values: &[String]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for value in values {
            let (valid, invalid) = email::normalize_all(value);
            for address in valid {
                if !out.iter().any(|a| a.eq_ignore_ascii_case(&address)) {
                    out.push(address);
                }
            }
            for (_, error) in invalid {
                self.fail(field, value, error.to_string());
            }
        }
        out
    }

    /// A phone field, normalised; phones are never errors (see [`phone::normalize`]).
    pub fn phone(&mut self, value: &str) -> Option<String> {
        let normalized = phone::normalize(value);
        (!normalized.is_empty()).then_some(normalized)
    }

    /// True while no error was recorded.
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }

    /// The errors so far.
    pub fn errors(&self) -> &[FieldError] {
        &self.errors
    }

    /// The warnings so far.
    pub fn warnings(&self) -> &[FieldError] {
        &self.warnings
    }

    /// The errors and the warnings.
    pub fn into_parts(self) -> (Vec<FieldError>, Vec<FieldError>) {
        (self.errors, self.warnings)
    }

    /// `Ok(warnings)` when the record passed, `Err(errors)` otherwise.
    pub fn finish(self) -> Result<Vec<FieldError>, Vec<FieldError>> {
        if self.errors.is_empty() {
            Ok(self.warnings)
        } else {
            Err(self.errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contact_with_defects_reports_object_field_value_and_reason() {
        let mut check = RecordCheck::new(
            "contacts",
            "8d04ce3c-0b8c-11e5-80c6-0050568b35ac",
            "Иванов Иван Иванович",
        );
        let name = check.required_text("name", Some("  Иванов Иван Иванович "));
        assert_eq!(name.as_deref(), Some("Иванов Иван Иванович"));
        assert_eq!(
            check
                .email("email", "<ivanii@mail.okdesk.com>")
                .unwrap()
                .address,
            "ivanii@mail.okdesk.com"
        );
        assert!(check.is_ok());
        assert!(check.email("email", "ivanov@mаil.ru").is_none());
        assert_eq!(
            check.phone(" 8 (912) 345-67-89 ").as_deref(),
            Some("+79123456789")
        );
        let (errors, warnings) = check.into_parts();
        assert!(warnings.is_empty());
        assert_eq!(errors.len(), 1);
        let e = &errors[0];
        assert_eq!(e.entity, "contacts");
        assert_eq!(e.field, "email");
        assert_eq!(e.value, "ivanov@mаil.ru");
        assert!(
            e.reason.contains("Кириллическая буква «а» в позиции 9"),
            "{}",
            e.reason
        );
        let text = e.to_string();
        assert!(text.starts_with("contacts 8d04ce3c-0b8c-11e5-80c6-0050568b35ac «Иванов Иван Иванович»: поле email: значение «ivanov@mаil.ru»"), "{text}");
    }

    #[test]
    fn a_company_with_bad_codes() {
        let mut check = RecordCheck::new("companies", "k1", "ООО «Ромашка»");
        assert!(check.required_text("name", Some("   ")).is_none());
        assert_eq!(
            check.inn("inn", Some(" 7707083893 ")).unwrap().as_str(),
            "7707083893"
        );
        assert!(check.inn("inn", Some("7707083894")).is_none());
        assert!(check.inn("inn", None).is_none());
        assert!(check.kpp("kpp", Some("")).is_none());
        assert!(check.kpp("kpp", Some("77360100")).is_none());
        assert!(!check.max_chars("comment", "очень длинный", 5));
        assert!(check.required::<u32>("owner", None).is_none());
        let errors = check.finish().unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "inn", "kpp", "comment", "owner"]);
        assert_eq!(errors[0].reason, REQUIRED);
        assert!(
            errors[1].reason.contains("контрольная цифра"),
            "{}",
            errors[1].reason
        );
    }

    #[test]
    fn extra_addresses_are_warnings() {
        let mut check = RecordCheck::new("contacts", "k", "Петров");
        let n = check.email("email", "a@x.ru; b@x.ru").unwrap();
        assert_eq!(n.address, "a@x.ru");
        let warnings = check.finish().unwrap();
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].reason.contains("«b@x.ru» не передан"));
        let mut check = RecordCheck::new("contacts", "k", "Петров");
        let all = check.emails(
            "email",
            &["a@x.ru; b@x.ru".into(), "A@X.ru".into(), "broken@".into()],
        );
        assert_eq!(all, ["a@x.ru", "b@x.ru"]);
        assert_eq!(check.errors().len(), 1);
    }
}
