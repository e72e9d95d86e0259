//! Contact information: e-mails, phones and addresses from an object's `КонтактнаяИнформация`
//! tabular section, from header fields, or from УТ 10.3's register keyed by the owning object.

use onec_model::{Address, AddressKind, Ref};

use super::{row_text, MapCx};
use crate::layout::ContactInfoLayout;
use crate::raw::{RawObject, RawRow};

/// What an object's contact information holds, values as written in 1C.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContactInfo {
    /// E-mails, deduplicated, in order.
    pub emails: Vec<String>,
    /// Phones, deduplicated, in order.
    pub phones: Vec<String>,
    /// Addresses.
    pub addresses: Vec<Address>,
}

impl ContactInfo {
    fn push_email(&mut self, e: String) {
        if !self.emails.contains(&e) {
            self.emails.push(e);
        }
    }
    fn push_phone(&mut self, p: String) {
        if !self.phones.contains(&p) {
            self.phones.push(p);
        }
    }

    /// Adds what `other` has and `self` lacks.
    pub fn extend(&mut self, other: ContactInfo) {
        other.emails.into_iter().for_each(|e| self.push_email(e));
        other.phones.into_iter().for_each(|p| self.push_phone(p));
        for a in other.addresses {
            if !self.addresses.contains(&a) {
                self.addresses.push(a);
            }
        }
    }
}

impl MapCx<'_> {
    /// Collects an object's contact information from header e-mail fields, its tabular section and,
    /// where the layout has one, the contact-information register.
    pub fn contact_info(
        &mut self,
        obj: &RawObject,
        key: Ref,
        table: Option<&str>,
        email_fields: &[String],
    ) -> ContactInfo {
        let mut info = ContactInfo::default();
        for f in email_fields {
            if let Some(e) = self.text(obj, Some(f)) {
                info.push_email(e);
            }
        }
        let layout = self.layout.contact_info.clone();
        if let Some(t) = table {
            for row in obj.table(t) {
                self.read_row(
                    &layout,
                    row,
                    &layout.type_column,
                    &layout.presentation_column,
                    &mut info,
                );
            }
        }
        if let Some(reg) = self.layout.contact_info_register.clone() {
            let rows = self.register_rows().get(&key).cloned().unwrap_or_default();
            let reg_layout = ContactInfoLayout {
                email_column: None,
                phone_column: None,
                kind_column: reg.kind_column.clone(),
                ..layout
            };
            for row in &rows {
                self.read_row(
                    &reg_layout,
                    row,
                    &reg.type_column,
                    &reg.presentation_column,
                    &mut info,
                );
            }
        }
        info
    }

    fn read_row(
        &mut self,
        l: &ContactInfoLayout,
        row: &RawRow,
        type_column: &str,
        presentation: &str,
        info: &mut ContactInfo,
    ) {
        let Some(kind) = row_text(row, type_column) else {
            return;
        };
        let shown = row_text(row, presentation);
        if l.email_types.contains(&kind) {
            let value = l
                .email_column
                .as_deref()
                .and_then(|c| row_text(row, c))
                .or(shown);
            if let Some(v) = value {
                info.push_email(v);
            }
        } else if l.phone_types.contains(&kind) {
            let value = shown.or_else(|| l.phone_column.as_deref().and_then(|c| row_text(row, c)));
            if let Some(v) = value {
                info.push_phone(v);
            }
        } else if l.address_types.contains(&kind) {
            if let Some(text) = shown {
                let kind = self.address_kind(l, row);
                let address = Address { kind, text };
                // Legal, actual and postal addresses are often the same text; with unresolved kinds
                // they would repeat.
                if !info.addresses.contains(&address) {
                    info.addresses.push(address);
                }
            }
        }
    }

    fn address_kind(&mut self, l: &ContactInfoLayout, row: &RawRow) -> AddressKind {
        let Some(col) = &l.kind_column else {
            return AddressKind::Other;
        };
        let Some(r) = row_text(row, col).and_then(|t| Ref::parse(&t).ok().flatten()) else {
            return AddressKind::Other;
        };
        let name = self.kind_names().get(&r).cloned().unwrap_or_default();
        if name.contains("ЮрАдрес") || name.contains("Юридическ") {
            AddressKind::Legal
        } else if name.contains("ФактАдрес") || name.contains("Фактическ") {
            AddressKind::Actual
        } else if name.contains("Почтов") {
            AddressKind::Postal
        } else {
            AddressKind::Other
        }
    }
}
