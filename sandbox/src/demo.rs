//! Deterministic demo data shared by both simulators, so that the 1C side and the Okdesk side agree:
//! the same INNs, the same e-mails, issues of clients that exist in 1C.
//!
//! The 1C side is a neutral [`onec_model::Snapshot`] that the 1C simulator lays out per
//! configuration; the Okdesk side is a seed of what already exists in the help desk before the first
//! push (companies created "by hand" with the INN in a custom attribute, employees, issues).

use chrono::{NaiveDate, NaiveDateTime};
use onec_model::Snapshot;
use rand::rngs::StdRng;
use rand::SeedableRng;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

mod codes;
mod names;
mod okdesk_side;
mod onec_side;

pub use codes::{account_is_valid, inn_is_valid};
pub use okdesk_side::TINY_PNG;

/// How much demo data to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DemoSize {
    /// A handful of records of every kind: fast tests and the demo.
    Small,
    /// Hundreds of records: a realistic trial.
    Large,
    /// Exactly `n` counterparties, with contacts, contracts, objects and equipment in proportion
    /// (3n contacts, n contracts, n/2 objects, 2n equipment): benchmarks.
    Counterparties(usize),
}

/// A company that exists in Okdesk before the first push, created "by hand".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeedCompany {
    /// The company name as typed in Okdesk (may differ from 1C's).
    pub name: String,
    /// The INN, stored in the company's string custom parameter (and sometimes `additional_name`).
    pub inn: String,
    /// `additional_name`, where the INN was typed there instead.
    pub additional_name: Option<String>,
}

/// An Okdesk employee; most e-mails match 1C users, one deliberately does not.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeedEmployee {
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Patronymic.
    pub patronymic: Option<String>,
    /// Login e-mail.
    pub email: String,
}

/// A comment of a seeded issue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeedComment {
    /// The author's e-mail (an employee's, or the contact's for client comments).
    pub author_email: String,
    /// The text.
    pub content: String,
    /// False for private comments.
    pub public: bool,
    /// When it was written (account time zone).
    pub at: NaiveDateTime,
    /// Files attached to the comment.
    pub attachments: Vec<SeedAttachment>,
}

/// A file attached to a seeded issue or comment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeedAttachment {
    /// The file name.
    pub name: String,
    /// The content.
    pub bytes: Vec<u8>,
}

/// A time entry of a seeded issue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeedTimeEntry {
    /// The employee's e-mail.
    pub employee_email: String,
    /// Hours spent.
    pub hours: Decimal,
    /// The day of the work.
    pub date: NaiveDate,
    /// The `workPlace` parameter.
    pub work_place: Option<String>,
    /// The `TypeOfService` parameter.
    pub type_of_service: Option<String>,
    /// The comment.
    pub comment: Option<String>,
}

/// A line of a seeded issue's specification (paid services).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeedService {
    /// The price-list code, which matches a 1C item's article or code (one deliberately does not).
    pub code: String,
    /// The service name.
    pub name: String,
    /// The quantity.
    pub quantity: Decimal,
    /// The unit price.
    pub price: Decimal,
    /// VAT in percent; `None` for «без НДС».
    pub vat_percent: Option<u8>,
}

/// An issue that exists in Okdesk.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeedIssue {
    /// The title.
    pub title: String,
    /// The description.
    pub description: String,
    /// The INN of the client company (one of [`OkdeskSeed::companies`]).
    pub company_inn: Option<String>,
    /// The status code (`opened`, `in_progress`, `completed`, `closed`, …).
    pub status: String,
    /// The assignee's e-mail.
    pub assignee_email: Option<String>,
    /// The author's e-mail.
    pub author_email: Option<String>,
    /// When it was created.
    pub created_at: NaiveDateTime,
    /// Comments, public and private.
    pub comments: Vec<SeedComment>,
    /// Files attached to the issue itself.
    pub attachments: Vec<SeedAttachment>,
    /// Time entries.
    pub time_entries: Vec<SeedTimeEntry>,
    /// The specification; non-empty makes it a paid issue.
    pub services: Vec<SeedService>,
    /// Index of the parent issue in [`OkdeskSeed::issues`], for nested issues.
    pub parent: Option<usize>,
    /// Checklist items: (text, done).
    pub checklist: Vec<(String, bool)>,
    /// The client's contact person (one of [`OkdeskSeed::contacts`]).
    pub contact_email: Option<String>,
    /// The issue type code (`service`, `incident`).
    pub type_code: String,
    /// The priority code (`low`, `normal`, `high`).
    pub priority: String,
    /// The «Тип работ» issue attribute (one of [`WORK_TYPES`]).
    pub work_type: Option<String>,
}

/// A contact person that already exists in Okdesk; its e-mail equals a 1C contact's e-mail.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeedContact {
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Patronymic.
    pub patronymic: Option<String>,
    /// E-mail.
    pub email: String,
    /// The INN of the company (one of [`OkdeskSeed::companies`]).
    pub company_inn: Option<String>,
}

/// A line of the Okdesk price list that specifications refer to by code.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeedPriceItem {
    /// The code; equals a 1C item's article, except one deliberately unknown to 1C.
    pub code: String,
    /// The name.
    pub name: String,
    /// `service`, `work` or `product`.
    pub kind: String,
    /// The unit («усл», «час», «шт», «выезд»).
    pub unit: String,
    /// The price in roubles.
    pub price: Decimal,
    /// VAT in percent; `None` for «без НДС».
    pub vat_percent: Option<u8>,
}

/// What exists in Okdesk before the first push.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OkdeskSeed {
    /// Companies created by hand, with the INN in a custom parameter.
    pub companies: Vec<SeedCompany>,
    /// Employees.
    pub employees: Vec<SeedEmployee>,
    /// Issues.
    pub issues: Vec<SeedIssue>,
    /// Contacts that already exist, one per hand-made company that has a usable 1C contact.
    pub contacts: Vec<SeedContact>,
    /// The price list specifications draw from.
    pub price_list: Vec<SeedPriceItem>,
}

/// Both sides of the demo world.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DemoWorld {
    /// The 1C base, in the neutral model (the 1C simulator lays it out per configuration).
    pub onec: Snapshot,
    /// The Okdesk account.
    pub okdesk: OkdeskSeed,
}

impl DemoSize {
    /// The number of counterparties this size stands for.
    pub fn counterparties(self) -> usize {
        match self {
            DemoSize::Small => 12,
            DemoSize::Large => 500,
            DemoSize::Counterparties(n) => n,
        }
    }
}

/// The values of the «Тип работ» issue attribute, from the seed's recommended settings.
pub const WORK_TYPES: &[&str] = &[
    "Первая линия",
    "Плановые работы",
    "Консультации",
    "Разработка",
    "Разовые работы",
];

/// Values of the `workPlace` («Место работы») time-entry attribute.
pub const WORK_PLACES: &[&str] = &["В офисе клиента", "Удаленно", "В сервисном центре"];

/// Values of the `TypeOfService` («Вид работы») time-entry attribute; «Работы за счет фирмы» is
/// the unpaid kind the seed's settings name.
pub const SERVICE_TYPES: &[&str] = &[
    "Работы по договору",
    "Платные работы",
    "Работы за счет фирмы",
];

/// One price-list line, shared by the 1C items (as articles) and the Okdesk price list.
pub(crate) struct PriceLine {
    pub(crate) code: &'static str,
    pub(crate) name: &'static str,
    pub(crate) kind: &'static str,
    pub(crate) unit: &'static str,
    pub(crate) price: i64,
    pub(crate) vat_percent: Option<u8>,
    /// False for the one code 1C has no item for.
    pub(crate) in_onec: bool,
}

pub(crate) const PRICE_LIST: &[PriceLine] = &[
    PriceLine {
        code: "SRV-001",
        name: "Выезд специалиста",
        kind: "service",
        unit: "выезд",
        price: 1500,
        vat_percent: Some(20),
        in_onec: true,
    },
    PriceLine {
        code: "SRV-002",
        name: "Час работы инженера",
        kind: "work",
        unit: "час",
        price: 2400,
        vat_percent: Some(20),
        in_onec: true,
    },
    PriceLine {
        code: "SRV-003",
        name: "Настройка ККТ",
        kind: "service",
        unit: "усл",
        price: 3500,
        vat_percent: Some(20),
        in_onec: true,
    },
    PriceLine {
        code: "SRV-004",
        name: "Заправка картриджа",
        kind: "service",
        unit: "шт",
        price: 900,
        vat_percent: Some(20),
        in_onec: true,
    },
    PriceLine {
        code: "SRV-005",
        name: "Диагностика оборудования",
        kind: "work",
        unit: "усл",
        price: 1200,
        vat_percent: None,
        in_onec: true,
    },
    PriceLine {
        code: "SRV-006",
        name: "Абонентское обслуживание (месяц)",
        kind: "service",
        unit: "мес",
        price: 15000,
        vat_percent: Some(20),
        in_onec: true,
    },
    PriceLine {
        code: "PRD-001",
        name: "Картридж HP 59A",
        kind: "product",
        unit: "шт",
        price: 6800,
        vat_percent: Some(20),
        in_onec: true,
    },
    PriceLine {
        code: "PRD-002",
        name: "Фискальный накопитель на 15 месяцев",
        kind: "product",
        unit: "шт",
        price: 9500,
        vat_percent: Some(10),
        in_onec: true,
    },
    PriceLine {
        code: "SRV-999",
        name: "Срочный выезд (ночной тариф)",
        kind: "service",
        unit: "выезд",
        price: 4500,
        vat_percent: Some(20),
        in_onec: false,
    },
];

/// Generates both sides of a coherent demo world; the same seed and size give an equal world.
///
/// Counts for `n` counterparties: `3n` contacts, `n` contracts, `n/2` service objects, `2n`
/// pieces of equipment, `max(6, n/200)` users; in Okdesk about 30 % of the clients as hand-made
/// companies (plus one duplicate INN), `max(10, n/2)` issues.
pub fn generate(seed: u64, size: DemoSize) -> DemoWorld {
    let n = size.counterparties();
    let mut rng = StdRng::seed_from_u64(seed);
    let onec = onec_side::generate(seed, &mut rng, n);
    let okdesk = okdesk_side::generate(&mut rng, &onec, n);
    DemoWorld {
        onec: onec.snapshot,
        okdesk,
    }
}

#[cfg(test)]
mod tests;
