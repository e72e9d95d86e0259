//! The `Layout`: where a 1C configuration keeps each neutral entity and each outbound document.
//!
//! A layout is plain data (serde, loadable from TOML) so that a customer's modified configuration
//! needs a layout file, not code: `base = "ut11"` plus the names that differ. Field names are OData
//! wire names: a reference is written `Партнер_Key`; a name without `_Key` that holds a reference is
//! a composite (`Owner` with its type in `Owner_Type`). Every struct denies unknown keys, so a typo in
//! a layout file is reported instead of silently ignored.

use std::collections::{BTreeMap, BTreeSet};

use onec_model::VatRate;
use serde::{Deserialize, Serialize};

use crate::metadata::Metadata;
use crate::raw::RawValue;

mod merge;
mod needs;
mod publication;

pub use merge::LayoutError;
pub use needs::{LayoutProblem, SetRead};
pub use publication::{section_jobs, Job, Publication, SkippedSection, PUBLISH_HINT};

/// Everything an adapter needs to know about where a configuration keeps its data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Layout {
    /// The adapter whose code runs this layout (`"ut11"`); required in custom layout files.
    #[serde(default)]
    pub base: Option<String>,
    /// How `$metadata` tells this configuration apart from the others.
    #[serde(default)]
    pub detect: DetectRules,
    /// Which catalog becomes the Okdesk company.
    #[serde(default)]
    pub companies_from: CompanySource,
    /// How rows of a `КонтактнаяИнформация` tabular section (or register) are read.
    #[serde(default)]
    pub contact_info: ContactInfoLayout,
    /// УТ 10.3's `InformationRegister_КонтактнаяИнформация`, where contact information lives outside the object.
    #[serde(default)]
    pub contact_info_register: Option<ContactInfoRegister>,
    /// How VAT rates are spelled (catalog reference or enum) in items and documents.
    #[serde(default)]
    pub vat: VatLayout,
    /// Spellings of legal forms.
    #[serde(default)]
    pub legal_forms: LegalFormValues,
    /// Legal counterparties (`Catalog_Контрагенты`).
    pub counterparties: CounterpartyLayout,
    /// Business partners (`Catalog_Партнеры`) where the configuration splits them from counterparties.
    #[serde(default)]
    pub partners: Option<PartnerLayout>,
    /// Contact persons.
    #[serde(default)]
    pub contacts: Option<ContactLayout>,
    /// УНФ's `InformationRegister_СвязиКонтрагентКонтакт`, which links contacts to counterparties.
    #[serde(default)]
    pub contact_links: Option<ContactLinkLayout>,
    /// Contracts.
    #[serde(default)]
    pub contracts: Option<ContractLayout>,
    /// Service objects (client sites).
    #[serde(default)]
    pub service_objects: Option<ServiceObjectLayout>,
    /// Kinds (types) of equipment.
    #[serde(default)]
    pub equipment_kinds: Option<DirectoryLayout>,
    /// Equipment manufacturers.
    #[serde(default)]
    pub manufacturers: Option<DirectoryLayout>,
    /// Equipment models.
    #[serde(default)]
    pub equipment_models: Option<ModelLayout>,
    /// Clients' equipment.
    #[serde(default)]
    pub equipment: Option<EquipmentLayout>,
    /// Users and employees, matched with Okdesk employees by e-mail.
    #[serde(default)]
    pub employees: Option<EmployeeLayout>,
    /// Our organizations.
    #[serde(default)]
    pub organizations: Option<OrganizationLayout>,
    /// Bank accounts of our organizations.
    #[serde(default)]
    pub bank_accounts: Option<BankAccountLayout>,
    /// Items of goods and services.
    #[serde(default)]
    pub items: Option<ItemLayout>,
    /// The invoice document(s) written for a paid issue.
    #[serde(default)]
    pub invoice: Option<InvoiceLayout>,
    /// The employee-task document written for an Okdesk issue.
    #[serde(default)]
    pub task: Option<TaskLayout>,
    /// The time-sheet document written for an issue's time entries.
    #[serde(default)]
    pub time_sheet: Option<TimeSheetLayout>,
    /// The exchange plan whose `SelectChanges` reports changed objects, where one exists.
    #[serde(default)]
    pub exchange_plan: Option<String>,
}

/// How `$metadata` tells a configuration apart. Each name is an entity set (`Catalog_Партнеры`) or
/// a set and a property (`Catalog_Контрагенты.Партнер_Key`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DetectRules {
    /// All of these must exist, else the answer is `No`.
    #[serde(default)]
    pub requires: Vec<String>,
    /// At least one of these must exist (when the list is not empty), else the answer is `No`.
    #[serde(default)]
    pub any_of: Vec<String>,
    /// Any of these makes the answer `Yes`.
    #[serde(default)]
    pub markers: Vec<String>,
    /// Any of these caps the answer at `Maybe`: they belong to a close relative.
    #[serde(default)]
    pub excludes: Vec<String>,
}

/// Which catalog becomes the Okdesk company.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CompanySource {
    /// The legal counterparty (`Контрагенты`): УНФ, УТ 10.3, УТ 11, КА 2.
    #[default]
    Counterparties,
    /// The business partner (`Партнеры`), with INN/KPP from its main counterparty: ЭСТИ.
    Partners,
}

/// Which catalog an owner reference points to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OwnerCatalog {
    /// `Catalog_Контрагенты`.
    #[default]
    Counterparties,
    /// `Catalog_Партнеры`.
    Partners,
}

/// Columns and type names of contact-information rows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ContactInfoLayout {
    /// The type column (`Тип`, enum `ТипыКонтактнойИнформации`).
    pub type_column: String,
    /// The kind column (`Вид_Key`), resolved through `kinds_set` to tell address kinds apart.
    pub kind_column: Option<String>,
    /// The catalog of contact-information kinds (`Catalog_ВидыКонтактнойИнформации`).
    pub kinds_set: Option<String>,
    /// Whether that catalog publishes `PredefinedDataName`, the standard attribute «Имя
    /// предопределенных данных» of platform 8.3.3+. A configuration in compatibility mode 8.2.13
    /// (УТ 10.3) has none, and its kinds are told apart by `Description` alone.
    pub kinds_predefined_name: bool,
    /// The presentation column (`Представление`), the fallback for every type.
    pub presentation_column: String,
    /// The column holding a clean e-mail (`АдресЭП`), preferred over the presentation.
    pub email_column: Option<String>,
    /// The column holding a phone number (`НомерТелефона`), preferred over the presentation.
    pub phone_column: Option<String>,
    /// Type values meaning an e-mail.
    pub email_types: Vec<String>,
    /// Type values meaning a phone (fax is not a phone).
    pub phone_types: Vec<String>,
    /// Type values meaning an address.
    pub address_types: Vec<String>,
}

impl Default for ContactInfoLayout {
    fn default() -> Self {
        ContactInfoLayout {
            type_column: "Тип".into(),
            kind_column: Some("Вид_Key".into()),
            kinds_set: None,
            kinds_predefined_name: true,
            presentation_column: "Представление".into(),
            email_column: Some("АдресЭП".into()),
            phone_column: Some("НомерТелефона".into()),
            email_types: vec!["АдресЭлектроннойПочты".into()],
            phone_types: vec!["Телефон".into()],
            address_types: vec!["Адрес".into()],
        }
    }
}

/// A contact-information register keyed by the owning object (УТ 10.3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactInfoRegister {
    /// The register's entity set.
    pub set: String,
    /// The composite dimension holding the owner (`Объект`, with `Объект_Type`).
    #[serde(default = "d_object")]
    pub object: String,
    /// The type dimension (`Тип`).
    #[serde(default = "d_type")]
    pub type_column: String,
    /// The kind dimension (`Вид`, composite).
    #[serde(default)]
    pub kind_column: Option<String>,
    /// The presentation resource (`Представление`).
    #[serde(default = "d_presentation")]
    pub presentation_column: String,
}

/// How VAT rates are spelled.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct VatLayout {
    /// Whether documents carry VAT as a catalog reference or an enum value.
    pub encoding: VatEncoding,
    /// Enum value names (or catalog `PredefinedDataName`/enum-column values) and the rate each means.
    pub values: BTreeMap<String, VatRate>,
    /// The VAT catalog (`Catalog_СтавкиНДС`) when `encoding = "catalog"`.
    pub catalog_set: Option<String>,
    /// The catalog's numeric rate column (`Ставка`).
    pub catalog_rate: Option<String>,
    /// The catalog's enum column naming the rate (`ПеречислениеСтавкаНДС`), checked before `catalog_rate`.
    pub catalog_enum: Option<String>,
    /// The catalog's boolean marking a calculated rate (20/120, 18/118), which has the same
    /// `Ставка` as the plain rate and must never be put on an invoice line (УТ 11 / КА 2:
    /// `РасчетнаяСтавка`; УНФ: `Расчетная`).
    pub catalog_calculated: Option<String>,
}

impl Default for VatLayout {
    fn default() -> Self {
        VatLayout {
            encoding: VatEncoding::Catalog,
            values: default_vat_values(),
            catalog_set: Some("Catalog_СтавкиНДС".into()),
            catalog_rate: Some("Ставка".into()),
            catalog_enum: None,
            catalog_calculated: None,
        }
    }
}

/// The enum names 1C uses for VAT rates (УТ 10.3 `СтавкиНДС`, УТ 11 `ПеречислениеСтавкаНДС`).
pub fn default_vat_values() -> BTreeMap<String, VatRate> {
    [
        ("БезНДС", VatRate::Without),
        ("НДС0", VatRate::Zero),
        ("НДС5", VatRate::Five),
        ("НДС7", VatRate::Seven),
        ("НДС10", VatRate::Ten),
        ("НДС20", VatRate::Twenty),
        ("НДС22", VatRate::TwentyTwo),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// Whether a VAT rate is a catalog reference or an enum value on the wire.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VatEncoding {
    /// A reference to the VAT catalog: `СтавкаНДС_Key` (УНФ, УТ 11, КА 2).
    #[default]
    Catalog,
    /// An enum value name: `СтавкаНДС: "НДС20"` (УТ 10.3).
    Enum,
}

impl VatLayout {
    /// The enum name that spells a rate (the shortest, so `НДС20` wins over `НДС20_120`).
    pub fn enum_name(&self, rate: VatRate) -> Option<&str> {
        self.values
            .iter()
            .filter(|(_, r)| **r == rate)
            .map(|(name, _)| name.as_str())
            .min_by_key(|name| (name.chars().count(), *name))
    }
}

/// Enum value names meaning each legal form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LegalFormValues {
    /// Legal entity values.
    pub legal: Vec<String>,
    /// Private person values.
    pub individual: Vec<String>,
    /// Individual entrepreneur values.
    pub entrepreneur: Vec<String>,
}

impl Default for LegalFormValues {
    fn default() -> Self {
        let v = |xs: &[&str]| xs.iter().map(|s| (*s).to_owned()).collect();
        LegalFormValues {
            legal: v(&["ЮридическоеЛицо", "ЮрЛицо", "ЮрЛицоНеРезидент", "Компания"]),
            individual: v(&["ФизическоеЛицо", "ФизЛицо", "ЧастноеЛицо"]),
            entrepreneur: v(&["ИндивидуальныйПредприниматель"]),
        }
    }
}

/// Legal counterparties.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CounterpartyLayout {
    /// The entity set.
    pub set: String,
    /// The short name.
    #[serde(default = "d_description")]
    pub name: String,
    /// The full legal name.
    #[serde(default)]
    pub full_name: Option<String>,
    /// The INN.
    #[serde(default)]
    pub inn: Option<String>,
    /// The KPP.
    #[serde(default)]
    pub kpp: Option<String>,
    /// The legal-form enum.
    #[serde(default)]
    pub legal_form: Option<String>,
    /// The partner reference (УТ 11 `Партнер_Key`).
    #[serde(default)]
    pub partner: Option<String>,
    /// The head counterparty of a branch.
    #[serde(default)]
    pub head: Option<String>,
    /// The comment.
    #[serde(default)]
    pub comment: Option<String>,
    /// The «Выгружать в ОкДеск» flag.
    #[serde(default)]
    pub upload: Option<String>,
    /// The contact-information tabular section.
    #[serde(default)]
    pub contact_table: Option<String>,
    /// Header fields holding e-mails (УТ 10.3 `АдресЭП`).
    #[serde(default)]
    pub emails: Vec<String>,
    /// `IsFolder`, for hierarchical catalogs whose groups are skipped.
    #[serde(default)]
    pub is_folder: Option<String>,
}

/// Business partners (УТ 11, КА 2, ЭСТИ).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartnerLayout {
    /// The entity set.
    pub set: String,
    /// The name.
    #[serde(default = "d_description")]
    pub name: String,
    /// The full name.
    #[serde(default)]
    pub full_name: Option<String>,
    /// The legal-form enum (`ЮрФизЛицо`: `Компания`/`ЧастноеЛицо`).
    #[serde(default)]
    pub legal_form: Option<String>,
    /// The «Выгружать в ОкДеск» flag.
    #[serde(default)]
    pub upload: Option<String>,
    /// The comment.
    #[serde(default)]
    pub comment: Option<String>,
    /// The contact-information tabular section.
    #[serde(default)]
    pub contact_table: Option<String>,
    /// A reference to the partner's main counterparty, if the configuration has one; otherwise the
    /// first counterparty whose partner is this one (a head office before its branches) is used.
    #[serde(default)]
    pub main_counterparty: Option<String>,
    /// `IsFolder`, for hierarchical catalogs.
    #[serde(default)]
    pub is_folder: Option<String>,
}

/// Contact persons.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactLayout {
    /// The entity set.
    pub set: String,
    /// The boolean marking a folder (`IsFolder`) where the catalog is hierarchical with folders:
    /// folder rows are groups, never records.
    #[serde(default)]
    pub is_folder: Option<String>,
    /// The presentation.
    #[serde(default = "d_description")]
    pub name: String,
    /// «Фамилия».
    #[serde(default)]
    pub last_name: Option<String>,
    /// «Имя».
    #[serde(default)]
    pub first_name: Option<String>,
    /// «Отчество».
    #[serde(default)]
    pub patronymic: Option<String>,
    /// The job title.
    #[serde(default)]
    pub position: Option<String>,
    /// The owner reference (`Owner_Key`); absent when a link register names the owner.
    #[serde(default)]
    pub owner: Option<String>,
    /// The catalog the owner reference points to.
    #[serde(default)]
    pub owner_catalog: OwnerCatalog,
    /// The state (ЭСТИ «Состояние»).
    #[serde(default)]
    pub state: Option<String>,
    /// State values meaning «Работает».
    #[serde(default = "d_working")]
    pub state_working: Vec<String>,
    /// State values meaning the person left.
    #[serde(default = "d_dismissed")]
    pub state_dismissed: Vec<String>,
    /// A date after which the link ended (УТ 11 `ДатаПрекращенияСвязи`): set means dismissed.
    #[serde(default)]
    pub ended: Option<String>,
    /// A boolean meaning the contact is no longer valid (УНФ `Недействителен`).
    #[serde(default)]
    pub invalid: Option<String>,
    /// The «Выгружать в ОкДеск» flag.
    #[serde(default)]
    pub upload: Option<String>,
    /// The comment.
    #[serde(default)]
    pub comment: Option<String>,
    /// The contact-information tabular section.
    #[serde(default)]
    pub contact_table: Option<String>,
    /// A second catalog holding the person's name (УТ 10.3 `КонтактноеЛицо_Key` → `Catalog_КонтактныеЛица`).
    #[serde(default)]
    pub person: Option<PersonJoin>,
}

/// A join from a contact to the catalog that holds the person's name parts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonJoin {
    /// The reference field on the contact.
    pub field: String,
    /// The person catalog.
    pub set: String,
    /// «Фамилия».
    #[serde(default)]
    pub last_name: Option<String>,
    /// «Имя».
    #[serde(default)]
    pub first_name: Option<String>,
    /// «Отчество».
    #[serde(default)]
    pub patronymic: Option<String>,
}

/// A register linking contacts to counterparties (УНФ `СвязиКонтрагентКонтакт`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactLinkLayout {
    /// The register's entity set.
    pub set: String,
    /// The counterparty dimension.
    pub counterparty: String,
    /// The contact dimension.
    pub contact: String,
    /// The job title resource.
    #[serde(default)]
    pub position: Option<String>,
    /// A boolean resource meaning the link ended.
    #[serde(default)]
    pub invalid: Option<String>,
}

/// Contracts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContractLayout {
    /// The entity set.
    pub set: String,
    /// The title.
    #[serde(default = "d_description")]
    pub name: String,
    /// The owner reference (`Owner_Key`, composite `Owner`, or `Контрагент_Key`).
    #[serde(default)]
    pub owner: Option<String>,
    /// The catalog the owner reference points to.
    #[serde(default)]
    pub owner_catalog: OwnerCatalog,
    /// A second owner reference tried when the first is empty (`Партнер_Key`).
    #[serde(default)]
    pub owner_fallback: Option<String>,
    /// The catalog the fallback reference points to.
    #[serde(default)]
    pub owner_fallback_catalog: OwnerCatalog,
    /// The number.
    #[serde(default)]
    pub number: Option<String>,
    /// The date.
    #[serde(default)]
    pub date: Option<String>,
    /// The first day in force.
    #[serde(default)]
    pub start: Option<String>,
    /// The last day in force.
    #[serde(default)]
    pub end: Option<String>,
    /// The status enum.
    #[serde(default)]
    pub status: Option<String>,
    /// The kind: an enum, or a reference resolved through `kind_set`.
    #[serde(default)]
    pub kind: Option<String>,
    /// The catalog naming contract kinds (ЭСТИ `Catalog_ТипыДоговоров`).
    #[serde(default)]
    pub kind_set: Option<String>,
    /// The «Выгружать в ОкДеск» flag.
    #[serde(default)]
    pub upload: Option<String>,
    /// The comment.
    #[serde(default)]
    pub comment: Option<String>,
    /// `IsFolder`, for hierarchical catalogs.
    #[serde(default)]
    pub is_folder: Option<String>,
}

/// Service objects.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceObjectLayout {
    /// The entity set.
    pub set: String,
    /// The name.
    #[serde(default = "d_description")]
    pub name: String,
    /// The owner reference.
    #[serde(default)]
    pub owner: Option<String>,
    /// The catalog the owner reference points to.
    #[serde(default)]
    pub owner_catalog: OwnerCatalog,
    /// The address.
    #[serde(default)]
    pub address: Option<String>,
    /// The comment.
    #[serde(default)]
    pub comment: Option<String>,
}

/// A simple directory: code and name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DirectoryLayout {
    /// The entity set.
    pub set: String,
    /// The name.
    #[serde(default = "d_description")]
    pub name: String,
    /// The code.
    #[serde(default)]
    pub code: Option<String>,
}

/// Equipment models.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelLayout {
    /// The entity set.
    pub set: String,
    /// The name.
    #[serde(default = "d_description")]
    pub name: String,
    /// The code.
    #[serde(default)]
    pub code: Option<String>,
    /// The kind reference.
    #[serde(default)]
    pub kind: Option<String>,
    /// The manufacturer reference.
    #[serde(default)]
    pub manufacturer: Option<String>,
}

/// Clients' equipment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EquipmentLayout {
    /// The entity set.
    pub set: String,
    /// The name.
    #[serde(default = "d_description")]
    pub name: String,
    /// The serial number.
    #[serde(default)]
    pub serial_number: Option<String>,
    /// The inventory number.
    #[serde(default)]
    pub inventory_number: Option<String>,
    /// The kind reference (taken from the model when empty).
    #[serde(default)]
    pub kind: Option<String>,
    /// The manufacturer reference (taken from the model when empty).
    #[serde(default)]
    pub manufacturer: Option<String>,
    /// The model reference.
    #[serde(default)]
    pub model: Option<String>,
    /// The owner reference.
    #[serde(default)]
    pub owner: Option<String>,
    /// The catalog the owner reference points to.
    #[serde(default)]
    pub owner_catalog: OwnerCatalog,
    /// The service-object reference.
    #[serde(default)]
    pub object: Option<String>,
    /// The comment.
    #[serde(default)]
    pub comment: Option<String>,
}

/// Users and employees.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmployeeLayout {
    /// The entity set.
    pub set: String,
    /// The boolean marking a folder (`IsFolder`) where the catalog is hierarchical with folders:
    /// folder rows are groups, never records.
    #[serde(default)]
    pub is_folder: Option<String>,
    /// The name.
    #[serde(default = "d_description")]
    pub name: String,
    /// A boolean meaning the user is invalid or archived.
    #[serde(default)]
    pub invalid: Option<String>,
    /// A boolean meaning a service (robot) user, mapped as inactive.
    #[serde(default)]
    pub service: Option<String>,
    /// The contact-information tabular section.
    #[serde(default)]
    pub contact_table: Option<String>,
    /// Header fields holding e-mails.
    #[serde(default)]
    pub emails: Vec<String>,
    /// The reference to the person card that keeps the employee's contact information, when the
    /// employee card has none (УНФ 3.0: `Физлицо_Key`, «Физическое лицо, соответствующее данному
    /// сотруднику»; `Catalog_Сотрудники` has no `КонтактнаяИнформация`).
    #[serde(default)]
    pub person: Option<String>,
    /// The catalog that reference points to (`Catalog_ФизическиеЛица`).
    #[serde(default)]
    pub person_set: Option<String>,
    /// The contact-information tabular section of that catalog.
    #[serde(default)]
    pub person_contact_table: Option<String>,
}

/// Our organizations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganizationLayout {
    /// The entity set.
    pub set: String,
    /// The short name.
    #[serde(default = "d_description")]
    pub name: String,
    /// The full name.
    #[serde(default)]
    pub full_name: Option<String>,
    /// The INN.
    #[serde(default)]
    pub inn: Option<String>,
    /// The KPP.
    #[serde(default)]
    pub kpp: Option<String>,
    /// The director's name.
    #[serde(default)]
    pub director: Option<String>,
    /// The chief accountant's name.
    #[serde(default)]
    pub accountant: Option<String>,
    /// The contact-information tabular section (address, phone).
    #[serde(default)]
    pub contact_table: Option<String>,
}

/// Bank accounts of organizations, with their banks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BankAccountLayout {
    /// The entity set.
    pub set: String,
    /// The boolean marking a folder (`IsFolder`) where the catalog is hierarchical with folders:
    /// folder rows are groups, never records.
    #[serde(default)]
    pub is_folder: Option<String>,
    /// The owner (organization) reference.
    pub owner: String,
    /// The account number.
    pub number: String,
    /// The bank reference.
    pub bank: String,
    /// The bank catalog.
    pub bank_set: String,
    /// The bank's BIK.
    #[serde(default = "d_code")]
    pub bank_bik: String,
    /// The bank's name.
    #[serde(default = "d_description")]
    pub bank_name: String,
    /// The bank's correspondent account.
    #[serde(default)]
    pub bank_correspondent: Option<String>,
    /// The bank's city.
    #[serde(default)]
    pub bank_city: Option<String>,
}

/// Items of goods and services.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemLayout {
    /// The entity set.
    pub set: String,
    /// The name.
    #[serde(default = "d_description")]
    pub name: String,
    /// The code.
    #[serde(default)]
    pub code: Option<String>,
    /// The article.
    #[serde(default)]
    pub article: Option<String>,
    /// The full name.
    #[serde(default)]
    pub full_name: Option<String>,
    /// A boolean meaning a service (УТ 10.3 `Услуга`).
    #[serde(default)]
    pub service_flag: Option<String>,
    /// An enum of item types (`ТипНоменклатуры`).
    #[serde(default)]
    pub kind: Option<String>,
    /// `kind` values meaning a service or work.
    #[serde(default)]
    pub service_kinds: Vec<String>,
    /// The VAT rate (catalog reference or enum, per [`VatLayout`]).
    #[serde(default)]
    pub vat: Option<String>,
    /// The unit reference.
    #[serde(default)]
    pub unit: Option<String>,
    /// The unit catalog, whose `Description` is printed.
    #[serde(default)]
    pub unit_set: Option<String>,
    /// `IsFolder`, for hierarchical catalogs.
    #[serde(default)]
    pub is_folder: Option<String>,
}

/// The invoice: one document, or (УТ 11, КА 2) an order with lines followed by an invoice based on it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvoiceLayout {
    /// The entity set of the document holding the lines.
    pub set: String,
    /// The date.
    #[serde(default = "d_date")]
    pub date: String,
    /// The organization reference.
    pub organization: String,
    /// The buyer reference (a composite in УТ 10.3).
    pub counterparty: String,
    /// The `_Type` written for a composite buyer field.
    #[serde(default)]
    pub counterparty_type: Option<String>,
    /// The partner reference.
    #[serde(default)]
    pub partner: Option<String>,
    /// The contract reference.
    #[serde(default)]
    pub contract: Option<String>,
    /// The bank-account reference.
    #[serde(default)]
    pub bank_account: Option<String>,
    /// The `_Type` of the bank account when that field is composite (УТ 10.3
    /// `СтруктурнаяЕдиница`, «Банк/касса»: `StandardODATA.Catalog_БанковскиеСчета`).
    #[serde(default)]
    pub bank_account_type: Option<String>,
    /// The currency reference (filled from the context).
    #[serde(default)]
    pub currency: Option<String>,
    /// The currency catalog, read to find the national currency when the config names none
    /// (`Catalog_Валюты`). УТ 10.3 requires «Валюта документа» on every write.
    #[serde(default)]
    pub currency_set: Option<String>,
    /// The national currency's code in that catalog (ОКВ «643», the code 1C gives the rouble).
    #[serde(default = "d_rouble")]
    pub currency_code: String,
    /// Whether the document cannot be written without a contract (УТ 10.3: «Договор контрагента»
    /// is required whenever the buyer is a counterparty). An issue without an Okdesk agreement then
    /// takes the buyer's only buyer contract.
    #[serde(default)]
    pub contract_required: bool,
    /// The responsible user (filled from the context).
    #[serde(default)]
    pub responsible: Option<String>,
    /// The boolean «prices include VAT».
    #[serde(default)]
    pub vat_included: Option<String>,
    /// The document total.
    #[serde(default)]
    pub total: Option<String>,
    /// The comment, where the Okdesk issue is named.
    #[serde(default)]
    pub comment: Option<String>,
    /// Fixed header values (enum names, flags) the configuration requires.
    #[serde(default)]
    pub header: BTreeMap<String, RawValue>,
    /// The lines' tabular section.
    pub table: String,
    /// The lines' columns.
    pub columns: LineColumns,
    /// A payment schedule filled with one 100 % stage.
    #[serde(default)]
    pub payment_schedule: Option<PaymentScheduleLayout>,
    /// Whether to post the document after writing it.
    #[serde(default)]
    pub post: bool,
    /// A second document based on the first (УТ 11 `СчетНаОплатуКлиенту`).
    #[serde(default)]
    pub follow_up: Option<FollowUpLayout>,
}

/// Columns of an invoice line.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineColumns {
    /// The item reference.
    pub item: String,
    /// The line text.
    #[serde(default)]
    pub text: Option<String>,
    /// The quantity.
    pub quantity: String,
    /// The price.
    pub price: String,
    /// The amount (in the invoice's VAT mode).
    pub amount: String,
    /// The VAT rate.
    pub vat_rate: String,
    /// The VAT amount.
    pub vat_amount: String,
    /// The amount with VAT (`Всего`, `СуммаСНДС`).
    #[serde(default)]
    pub total: Option<String>,
    /// The quantity in packages (`КоличествоУпаковок`), written equal to the quantity because a
    /// line is always in the item's own unit. УТ 11 and КА 2 refuse to post an order whose row has
    /// a quantity but no package quantity (conformance/onec/ut11-dump/RULES.md).
    #[serde(default)]
    pub packs: Option<String>,
    /// The unit of measure (УНФ: `ЕдиницаИзмерения`, required on posting while
    /// «Учет в различных единицах измерения» is on), taken from the item's own unit.
    #[serde(default)]
    pub unit: Option<String>,
    /// The `_Type` of that unit when the column is composite
    /// (`StandardODATA.Catalog_КлассификаторЕдиницИзмерения`).
    #[serde(default)]
    pub unit_type: Option<String>,
    /// Fixed values on every row.
    #[serde(default)]
    pub constants: BTreeMap<String, RawValue>,
}

/// A payment schedule tabular section.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentScheduleLayout {
    /// The tabular section.
    pub table: String,
    /// The payment date.
    pub date: String,
    /// The percent of the total.
    pub percent: String,
    /// The amount.
    pub amount: String,
}

/// A document created after the first one and based on it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowUpLayout {
    /// The entity set.
    pub set: String,
    /// The composite basis field (`ДокументОснование`).
    pub basis: String,
    /// The `_Type` of the basis (`StandardODATA.Document_ЗаказКлиента`).
    #[serde(default)]
    pub basis_type: Option<String>,
    /// Header fields copied from the first document (same names on both).
    #[serde(default)]
    pub copy: Vec<String>,
    /// The document total.
    #[serde(default)]
    pub total: Option<String>,
    /// Fixed header values.
    #[serde(default)]
    pub header: BTreeMap<String, RawValue>,
    /// A payment schedule filled with one 100 % stage.
    #[serde(default)]
    pub payment_schedule: Option<PaymentScheduleLayout>,
    /// Whether to post it.
    #[serde(default)]
    pub post: bool,
}

/// The employee-task document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskLayout {
    /// The entity set.
    pub set: String,
    /// The date.
    #[serde(default = "d_date")]
    pub date: String,
    /// The field holding the Okdesk issue id (a number or text).
    #[serde(default)]
    pub issue_id: Option<String>,
    /// The field holding the issue's link.
    #[serde(default)]
    pub issue_url: Option<String>,
    /// The title.
    #[serde(default)]
    pub title: Option<String>,
    /// The description.
    #[serde(default)]
    pub description: Option<String>,
    /// The status code.
    #[serde(default)]
    pub status: Option<String>,
    /// The assignee (user) reference.
    #[serde(default)]
    pub assignee: Option<String>,
    /// The author (user) reference.
    #[serde(default)]
    pub author: Option<String>,
    /// The author's name as text.
    #[serde(default)]
    pub author_name: Option<String>,
    /// The client reference.
    #[serde(default)]
    pub counterparty: Option<String>,
    /// The `_Type` for a composite client field.
    #[serde(default)]
    pub counterparty_type: Option<String>,
    /// The contact reference.
    #[serde(default)]
    pub contact: Option<String>,
    /// The contract reference.
    #[serde(default)]
    pub contract: Option<String>,
    /// The service-object reference.
    #[serde(default)]
    pub object: Option<String>,
    /// The equipment reference.
    #[serde(default)]
    pub equipment: Option<String>,
    /// A text field that receives «Заявка Okdesk #id: title» and the link; it also identifies the
    /// task when no `issue_id` field exists.
    #[serde(default)]
    pub comment: Option<String>,
    /// The comments' tabular section.
    #[serde(default)]
    pub comments: Option<CommentTable>,
    /// The attachments' tabular section.
    #[serde(default)]
    pub attachments: Option<AttachmentTable>,
    /// A works tabular section with one row naming the client (УНФ `Работы`).
    #[serde(default)]
    pub works: Option<WorksTable>,
    /// Fixed header values.
    #[serde(default)]
    pub header: BTreeMap<String, RawValue>,
    /// Whether to post it.
    #[serde(default)]
    pub post: bool,
}

/// A tabular section of issue comments.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommentTable {
    /// The tabular section.
    pub table: String,
    /// The Okdesk comment id.
    #[serde(default)]
    pub id: Option<String>,
    /// When it was written.
    pub at: String,
    /// The author's name.
    pub author: String,
    /// The text.
    pub text: String,
    /// A boolean: private (internal) comment.
    #[serde(default)]
    pub private: Option<String>,
}

/// A tabular section of attachments.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttachmentTable {
    /// The tabular section.
    pub table: String,
    /// The Okdesk attachment id.
    #[serde(default)]
    pub id: Option<String>,
    /// The file name.
    pub name: String,
    /// The size in bytes.
    #[serde(default)]
    pub size: Option<String>,
    /// The SHA-256 digest.
    #[serde(default)]
    pub sha256: Option<String>,
}

/// A works tabular section (УНФ `ЗаданиеНаРаботу.Работы`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorksTable {
    /// The tabular section.
    pub table: String,
    /// The client field (composite `Заказчик`).
    pub counterparty: String,
    /// The `_Type` written with it.
    #[serde(default)]
    pub counterparty_type: Option<String>,
    /// A start-date column.
    #[serde(default)]
    pub start: Option<String>,
    /// The row comment (receives the title).
    #[serde(default)]
    pub comment: Option<String>,
    /// Fixed values on the row.
    #[serde(default)]
    pub constants: BTreeMap<String, RawValue>,
}

/// The time-sheet document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeSheetLayout {
    /// The entity set.
    pub set: String,
    /// The date.
    #[serde(default = "d_date")]
    pub date: String,
    /// The employee reference.
    #[serde(default)]
    pub employee: Option<String>,
    /// The reference to the task this sheet is subordinate to.
    #[serde(default)]
    pub task: Option<String>,
    /// The `_Type` for a composite task field.
    #[serde(default)]
    pub task_type: Option<String>,
    /// The Okdesk issue id.
    #[serde(default)]
    pub issue_id: Option<String>,
    /// The issue link.
    #[serde(default)]
    pub issue_url: Option<String>,
    /// A text field that receives «Заявка Okdesk #id».
    #[serde(default)]
    pub comment: Option<String>,
    /// The entries' tabular section.
    pub table: String,
    /// The entries' columns.
    pub columns: TimeColumns,
    /// A weekly grid (УНФ `УчетВремени`): hours go to the weekday's column.
    #[serde(default)]
    pub week_grid: Option<WeekGrid>,
    /// Fixed header values.
    #[serde(default)]
    pub header: BTreeMap<String, RawValue>,
    /// Whether to post it.
    #[serde(default)]
    pub post: bool,
}

/// Columns of a time entry row.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeColumns {
    /// The day.
    #[serde(default)]
    pub date: Option<String>,
    /// Hours (unused with a week grid).
    #[serde(default)]
    pub hours: Option<String>,
    /// The employee on the row.
    #[serde(default)]
    pub employee: Option<String>,
    /// The kind of work as text.
    #[serde(default)]
    pub work_kind: Option<String>,
    /// The place of work as text.
    #[serde(default)]
    pub place: Option<String>,
    /// The comment.
    #[serde(default)]
    pub comment: Option<String>,
    /// The Okdesk time-entry id.
    #[serde(default)]
    pub entry_id: Option<String>,
    /// Fixed values on every row.
    #[serde(default)]
    pub constants: BTreeMap<String, RawValue>,
}

/// A weekly time grid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeekGrid {
    /// The header field with the week's Monday.
    pub from: String,
    /// The header field with the week's Sunday.
    pub to: String,
    /// Hour columns, Monday first.
    pub days: [String; 7],
}

impl Layout {
    /// Parses a complete layout from TOML, naming the first unknown or missing key.
    pub fn from_toml(text: &str) -> Result<Layout, LayoutError> {
        merge::from_toml(text)
    }

    /// Parses a custom layout file that overrides `base`: tables merge key by key, other values
    /// replace. Every key that the layout does not know is reported, with its path.
    pub fn from_toml_with_base(text: &str, base: &Layout) -> Result<Layout, LayoutError> {
        merge::from_toml_with_base(text, base)
    }

    /// Reads only the `base = "…"` key of a custom layout file.
    pub fn base_of_toml(text: &str) -> Result<Option<String>, LayoutError> {
        merge::base_of_toml(text)
    }

    /// The entity sets a reader must fetch for [`crate::Adapter::map`], each with the `$select`
    /// fields (header properties and whole tabular sections) the mapping uses.
    pub fn entity_sets_to_read(&self) -> Vec<SetRead> {
        needs::sets_to_read(self)
    }

    /// Every set and field the layout needs that `$metadata` lacks.
    pub fn check(&self, meta: &Metadata) -> Vec<LayoutProblem> {
        needs::check(self, meta)
    }

    /// What `job` can read from a base that publishes `meta`: the sets with the `$select` the
    /// base can answer, the sections skipped because a set or a required property is not
    /// published (with the sections that hang on them), and the optional names the base lacks.
    pub fn publication(&self, meta: &Metadata, job: Job) -> Publication {
        publication::publication(self, meta, job)
    }

    /// What `job` reads when `$metadata` cannot be had: every set and field its sections name.
    pub fn publication_unchecked(&self, job: Job) -> Vec<SetRead> {
        publication::unchecked(self, job)
    }

    /// Every need as (layout key, entity set), for tests that hold a layout against facts.
    #[doc(hidden)]
    pub fn needs_keys(&self) -> Vec<(String, String)> {
        needs_keys(self)
    }

    /// All entity sets the layout names, documents included.
    pub fn all_sets(&self) -> BTreeSet<String> {
        needs::all_needs(self).into_iter().map(|n| n.set).collect()
    }
}

/// Every need as (layout key, entity set).
pub(crate) fn needs_keys(l: &Layout) -> Vec<(String, String)> {
    needs::all_needs(l)
        .into_iter()
        .map(|n| (n.key, n.set))
        .collect()
}

fn d_rouble() -> String {
    "643".into()
}
fn d_description() -> String {
    "Description".into()
}
fn d_code() -> String {
    "Code".into()
}
fn d_date() -> String {
    "Date".into()
}
fn d_object() -> String {
    "Объект".into()
}
fn d_type() -> String {
    "Тип".into()
}
fn d_presentation() -> String {
    "Представление".into()
}
fn d_working() -> Vec<String> {
    vec!["Работает".into()]
}
fn d_dismissed() -> Vec<String> {
    vec!["Уволен".into(), "НеРаботает".into(), "Уволился".into()]
}
