//! Reference data read from 1C and pushed to Okdesk: counterparties, contacts, contracts, service
//! objects, equipment and its directories, employees, organizations and items.
//!
//! Values are kept the way 1C holds them (e-mails and phones as written, possibly broken); the
//! validators in [`crate::validate`] decide what may be sent. Empty 1C values are `None`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ids::Ref;
use crate::money::VatRate;

/// Whether a counterparty is a legal entity, a private person or an individual entrepreneur.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LegalForm {
    /// «Юридическое лицо» (also a non-resident legal entity).
    Legal,
    /// «Физическое лицо», a private person.
    Individual,
    /// «Индивидуальный предприниматель».
    Entrepreneur,
}

/// What an address is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AddressKind {
    /// «Юридический адрес».
    Legal,
    /// «Фактический адрес».
    Actual,
    /// «Почтовый адрес».
    Postal,
    /// Any other kind of address.
    Other,
}

/// One address as 1C presents it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    /// What the address is for.
    pub kind: AddressKind,
    /// The presentation string («Представление»).
    pub text: String,
}

/// A client: what becomes an Okdesk company.
///
/// In УТ 11, КА 2 and ЭСТИ a business partner («Партнер») and its legal counterparties
/// («Контрагенты») are split; the adapter decides which one is the client and links the other
/// through [`Counterparty::partner`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Counterparty {
    /// `Ref_Key` of the catalog item the client comes from.
    pub r#ref: Ref,
    /// The short name («Наименование»).
    pub name: String,
    /// The full legal name («НаименованиеПолное»).
    pub full_name: Option<String>,
    /// The INN as written in 1C, not yet validated.
    pub inn: Option<String>,
    /// The KPP as written in 1C, not yet validated.
    pub kpp: Option<String>,
    /// Legal entity, private person or entrepreneur, where the configuration says.
    pub legal_form: Option<LegalForm>,
    /// E-mail addresses as written in 1C (possibly with brackets, lists or typos).
    pub emails: Vec<String>,
    /// Phone numbers as written in 1C.
    pub phones: Vec<String>,
    /// Addresses from the contact information.
    pub addresses: Vec<Address>,
    /// The business partner this counterparty belongs to, where the configuration has partners.
    pub partner: Option<Ref>,
    /// The head counterparty of a branch («ГоловнойКонтрагент»), if different from itself.
    pub head: Option<Ref>,
    /// «Комментарий».
    pub comment: Option<String>,
    /// The «Выгружать в ОкДеск» flag; `None` where the configuration has no such flag.
    pub upload: Option<bool>,
    /// The deletion mark («Пометка удаления»).
    pub deletion_mark: bool,
    /// `DataVersion`, which changes on every write of the object.
    pub version: Option<String>,
}

/// Whether a contact person still works with the client.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactState {
    /// «Работает».
    Working,
    /// «Уволен» or the link ended.
    Dismissed,
    /// Any other state, kept as 1C names it.
    Other(String),
}

/// A contact person of a client: what becomes an Okdesk contact.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContactPerson {
    /// `Ref_Key` of the contact.
    pub r#ref: Ref,
    /// The client ([`Counterparty::r#ref`]) the contact belongs to.
    pub owner: Option<Ref>,
    /// The presentation («Наименование»), usually the full name.
    pub name: String,
    /// «Фамилия».
    pub last_name: Option<String>,
    /// «Имя».
    pub first_name: Option<String>,
    /// «Отчество».
    pub patronymic: Option<String>,
    /// The job title («Должность»).
    pub position: Option<String>,
    /// E-mail addresses as written in 1C.
    pub emails: Vec<String>,
    /// Phone numbers as written in 1C.
    pub phones: Vec<String>,
    /// The contact's state; `None` when 1C leaves it empty.
    pub state: Option<ContactState>,
    /// The «Выгружать в ОкДеск» flag; `None` where the configuration has no such flag.
    pub upload: Option<bool>,
    /// «Комментарий».
    pub comment: Option<String>,
    /// The deletion mark.
    pub deletion_mark: bool,
    /// `DataVersion`.
    pub version: Option<String>,
}

/// A contract with a client: what becomes an Okdesk agreement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Contract {
    /// `Ref_Key` of the contract.
    pub r#ref: Ref,
    /// The client ([`Counterparty::r#ref`]) the contract is with.
    pub owner: Option<Ref>,
    /// The contract number («Номер» / «НомерДоговора»).
    pub number: Option<String>,
    /// The contract date.
    pub date: Option<NaiveDate>,
    /// The title («Наименование»).
    pub title: String,
    /// The first day the contract is in force.
    pub start: Option<NaiveDate>,
    /// The last day the contract is in force.
    pub end: Option<NaiveDate>,
    /// The status as 1C names it («Действует», «Закрыт», …).
    pub status: Option<String>,
    /// The contract kind or type («СПокупателем», ЭСТИ's «Типы договоров», …).
    pub kind: Option<String>,
    /// The «Выгружать в ОкДеск» flag; `None` where the configuration has no such flag.
    pub upload: Option<bool>,
    /// «Комментарий».
    pub comment: Option<String>,
    /// The deletion mark.
    pub deletion_mark: bool,
    /// `DataVersion`.
    pub version: Option<String>,
}

/// A place where a client is served: what becomes an Okdesk maintenance entity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServiceObject {
    /// `Ref_Key` of the object.
    pub r#ref: Ref,
    /// The client the object belongs to.
    pub owner: Option<Ref>,
    /// The object's name.
    pub name: String,
    /// The object's address.
    pub address: Option<String>,
    /// «Комментарий».
    pub comment: Option<String>,
    /// The deletion mark.
    pub deletion_mark: bool,
    /// `DataVersion`.
    pub version: Option<String>,
}

/// A kind of equipment («Тип оборудования»).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EquipmentKind {
    /// `Ref_Key`.
    pub r#ref: Ref,
    /// The code, if the catalog has codes.
    pub code: Option<String>,
    /// The name.
    pub name: String,
    /// The deletion mark.
    pub deletion_mark: bool,
    /// `DataVersion`.
    pub version: Option<String>,
}

/// An equipment manufacturer («Производитель оборудования»).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manufacturer {
    /// `Ref_Key`.
    pub r#ref: Ref,
    /// The code, if the catalog has codes.
    pub code: Option<String>,
    /// The name.
    pub name: String,
    /// The deletion mark.
    pub deletion_mark: bool,
    /// `DataVersion`.
    pub version: Option<String>,
}

/// An equipment model («Модель оборудования») of a kind and a manufacturer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EquipmentModel {
    /// `Ref_Key`.
    pub r#ref: Ref,
    /// The code, if the catalog has codes.
    pub code: Option<String>,
    /// The name.
    pub name: String,
    /// The kind of equipment of this model.
    pub kind: Option<Ref>,
    /// The manufacturer of this model.
    pub manufacturer: Option<Ref>,
    /// The deletion mark.
    pub deletion_mark: bool,
    /// `DataVersion`.
    pub version: Option<String>,
}

/// A client's piece of equipment («Оборудование клиента»).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Equipment {
    /// `Ref_Key`.
    pub r#ref: Ref,
    /// The name or presentation.
    pub name: String,
    /// The serial number.
    pub serial_number: Option<String>,
    /// The inventory number.
    pub inventory_number: Option<String>,
    /// The kind of equipment.
    pub kind: Option<Ref>,
    /// The manufacturer.
    pub manufacturer: Option<Ref>,
    /// The model.
    pub model: Option<Ref>,
    /// The client that owns the equipment.
    pub owner: Option<Ref>,
    /// The service object where the equipment stands.
    pub object: Option<Ref>,
    /// «Комментарий».
    pub comment: Option<String>,
    /// The deletion mark.
    pub deletion_mark: bool,
    /// `DataVersion`.
    pub version: Option<String>,
}

/// A 1C user or employee: matched with Okdesk employees by e-mail.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Employee {
    /// `Ref_Key` of the user (or employee) item.
    pub r#ref: Ref,
    /// The name («Наименование»).
    pub name: String,
    /// E-mail addresses as written in 1C.
    pub emails: Vec<String>,
    /// False when 1C marks the user invalid («Недействителен») or archived.
    pub active: bool,
}

/// A bank account of an organization, printed on invoices.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankAccount {
    /// `Ref_Key` of the account.
    pub r#ref: Ref,
    /// The settlement account number («Расчетный счет», 20 digits).
    pub number: String,
    /// The bank's name.
    pub bank_name: String,
    /// The bank's BIK (9 digits).
    pub bik: String,
    /// The bank's correspondent account (20 digits).
    pub correspondent_account: Option<String>,
    /// The bank's city.
    pub city: Option<String>,
}

/// Our own company («Организация»): the supplier on an invoice.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Organization {
    /// `Ref_Key`.
    pub r#ref: Ref,
    /// The short name.
    pub name: String,
    /// The full legal name.
    pub full_name: Option<String>,
    /// The INN.
    pub inn: Option<String>,
    /// The KPP.
    pub kpp: Option<String>,
    /// The legal address.
    pub address: Option<String>,
    /// The phone number.
    pub phone: Option<String>,
    /// The head («Руководитель»), as signed on invoices.
    pub director: Option<String>,
    /// The chief accountant («Главный бухгалтер»).
    pub accountant: Option<String>,
    /// Bank accounts; the first is the main one unless the invoice names another.
    pub bank_accounts: Vec<BankAccount>,
}

/// An item of goods or services («Номенклатура»).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// `Ref_Key`.
    pub r#ref: Ref,
    /// The code («Код»), if the catalog has codes.
    pub code: Option<String>,
    /// The article («Артикул»).
    pub article: Option<String>,
    /// The name.
    pub name: String,
    /// The full name.
    pub full_name: Option<String>,
    /// True for services and works, false for goods.
    pub is_service: bool,
    /// The item's VAT rate, where 1C knows it.
    pub vat_rate: Option<VatRate>,
    /// The unit of measure as printed («шт», «час», «усл»).
    pub unit: Option<String>,
    /// The unit of measure as a 1C reference (for document lines that need it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_ref: Option<Ref>,
    /// The deletion mark.
    pub deletion_mark: bool,
}

/// Everything an adapter read from one 1C base, in the neutral model.
///
/// Lists are in the order the source gave them; consumers that need determinism sort by `Ref`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Clients.
    pub counterparties: Vec<Counterparty>,
    /// Contact persons.
    pub contacts: Vec<ContactPerson>,
    /// Contracts.
    pub contracts: Vec<Contract>,
    /// Service objects.
    pub service_objects: Vec<ServiceObject>,
    /// Kinds of equipment.
    pub equipment_kinds: Vec<EquipmentKind>,
    /// Equipment manufacturers.
    pub manufacturers: Vec<Manufacturer>,
    /// Equipment models.
    pub equipment_models: Vec<EquipmentModel>,
    /// Clients' equipment.
    pub equipment: Vec<Equipment>,
    /// Users and employees.
    pub employees: Vec<Employee>,
    /// Our organizations.
    pub organizations: Vec<Organization>,
    /// Items of goods and services.
    pub items: Vec<Item>,
}
