//! The column titles of lists saved from 1C, as users see them, and the config that overrides them.
//!
//! Every field accepts several titles (1C's spelling differs between configurations and list
//! settings); in config a field may be one string or a list. Titles match ignoring case, spaces and
//! `ё`/`е`.

use serde::{Deserialize, Deserializer, Serialize};

/// Titles for all three lists and the sheet names that identify them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Columns {
    /// The counterparties list («Контрагенты»).
    pub counterparties: CounterpartyColumns,
    /// The contact persons list.
    pub contacts: ContactColumns,
    /// The contracts list («Договоры»).
    pub contracts: ContractColumns,
}

/// Columns of the counterparties list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CounterpartyColumns {
    /// Sheet names of this list; any other sheet is recognised by its header.
    #[serde(deserialize_with = "one_or_many")]
    pub sheets: Vec<String>,
    /// «Наименование» (required).
    #[serde(deserialize_with = "one_or_many")]
    pub name: Vec<String>,
    /// «Полное наименование».
    #[serde(deserialize_with = "one_or_many")]
    pub full_name: Vec<String>,
    /// «ИНН».
    #[serde(deserialize_with = "one_or_many")]
    pub inn: Vec<String>,
    /// «КПП».
    #[serde(deserialize_with = "one_or_many")]
    pub kpp: Vec<String>,
    /// «Юр./физ. лицо».
    #[serde(deserialize_with = "one_or_many")]
    pub legal_form: Vec<String>,
    /// «Электронная почта».
    #[serde(deserialize_with = "one_or_many")]
    pub email: Vec<String>,
    /// «Телефон».
    #[serde(deserialize_with = "one_or_many")]
    pub phone: Vec<String>,
    /// «Адрес» (the legal address).
    #[serde(deserialize_with = "one_or_many")]
    pub address: Vec<String>,
    /// «Комментарий».
    #[serde(deserialize_with = "one_or_many")]
    pub comment: Vec<String>,
}

/// Columns of the contact persons list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ContactColumns {
    /// Sheet names of this list.
    #[serde(deserialize_with = "one_or_many")]
    pub sheets: Vec<String>,
    /// «Наименование» / «ФИО» (required).
    #[serde(deserialize_with = "one_or_many")]
    pub name: Vec<String>,
    /// «Контрагент» (required): the owner, by its name in the counterparties list.
    #[serde(deserialize_with = "one_or_many")]
    pub counterparty: Vec<String>,
    /// «Должность».
    #[serde(deserialize_with = "one_or_many")]
    pub position: Vec<String>,
    /// «Электронная почта».
    #[serde(deserialize_with = "one_or_many")]
    pub email: Vec<String>,
    /// «Телефон».
    #[serde(deserialize_with = "one_or_many")]
    pub phone: Vec<String>,
    /// «Комментарий».
    #[serde(deserialize_with = "one_or_many")]
    pub comment: Vec<String>,
}

/// Columns of the contracts list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ContractColumns {
    /// Sheet names of this list.
    #[serde(deserialize_with = "one_or_many")]
    pub sheets: Vec<String>,
    /// «Наименование» (required).
    #[serde(deserialize_with = "one_or_many")]
    pub name: Vec<String>,
    /// «Контрагент» (required): the owner, by its name in the counterparties list.
    #[serde(deserialize_with = "one_or_many")]
    pub counterparty: Vec<String>,
    /// «Номер».
    #[serde(deserialize_with = "one_or_many")]
    pub number: Vec<String>,
    /// «Дата».
    #[serde(deserialize_with = "one_or_many")]
    pub date: Vec<String>,
    /// «Дата начала действия».
    #[serde(deserialize_with = "one_or_many")]
    pub start: Vec<String>,
    /// «Дата окончания действия».
    #[serde(deserialize_with = "one_or_many")]
    pub end: Vec<String>,
    /// «Статус».
    #[serde(deserialize_with = "one_or_many")]
    pub status: Vec<String>,
    /// «Вид договора».
    #[serde(deserialize_with = "one_or_many")]
    pub kind: Vec<String>,
    /// «Комментарий».
    #[serde(deserialize_with = "one_or_many")]
    pub comment: Vec<String>,
}

fn v(titles: &[&str]) -> Vec<String> {
    titles.iter().map(|t| (*t).to_owned()).collect()
}

const EMAIL: &[&str] = &[
    "Электронная почта",
    "Адрес электронной почты",
    "E-mail",
    "Email",
];
const PHONE: &[&str] = &["Телефон", "Телефоны"];
const COMMENT: &[&str] = &["Комментарий"];
const OWNER: &[&str] = &["Контрагент", "Партнер", "Владелец"];

impl Default for CounterpartyColumns {
    fn default() -> Self {
        CounterpartyColumns {
            sheets: v(&["Контрагенты"]),
            name: v(&["Наименование", "Рабочее наименование"]),
            full_name: v(&["Полное наименование", "Наименование полное"]),
            inn: v(&["ИНН"]),
            kpp: v(&["КПП"]),
            legal_form: v(&[
                "Юр./физ. лицо",
                "Юр. / физ. лицо",
                "Юридическое / физическое лицо",
                "Юридическое/физическое лицо",
                "Вид контрагента",
            ]),
            email: v(EMAIL),
            phone: v(PHONE),
            address: v(&["Юридический адрес", "Адрес"]),
            comment: v(COMMENT),
        }
    }
}

impl Default for ContactColumns {
    fn default() -> Self {
        ContactColumns {
            sheets: v(&["Контактные лица", "Контактные лица партнеров"]),
            name: v(&["Наименование", "ФИО", "Контактное лицо"]),
            counterparty: v(OWNER),
            position: v(&["Должность", "Должность по визитке"]),
            email: v(EMAIL),
            phone: v(PHONE),
            comment: v(COMMENT),
        }
    }
}

impl Default for ContractColumns {
    fn default() -> Self {
        ContractColumns {
            sheets: v(&["Договоры", "Договоры контрагентов"]),
            name: v(&["Наименование"]),
            counterparty: v(OWNER),
            number: v(&["Номер", "Номер договора"]),
            date: v(&["Дата", "Дата договора"]),
            start: v(&["Дата начала действия", "Дата начала", "Действует с"]),
            end: v(&[
                "Дата окончания действия",
                "Дата окончания",
                "Срок действия",
                "Действует по",
            ]),
            status: v(&["Статус", "Состояние"]),
            kind: v(&["Вид договора", "Тип договора"]),
            comment: v(COMMENT),
        }
    }
}

/// Accepts `"title"` or `["title", "other title"]`.
fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
    })
}

/// The form a title is compared in: lowercase, no spaces, `ё` as `е`.
pub(crate) fn normalize_title(title: &str) -> String {
    title
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'ё' { 'е' } else { c })
        .collect()
}
