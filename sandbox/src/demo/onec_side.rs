//! The 1C half of the demo world: counterparties, contacts, contracts, objects, equipment,
//! users, our organization and the service items that match the Okdesk price list.

use std::collections::{HashMap, HashSet};

use base64::Engine as _;
use chrono::{Duration, NaiveDate};
use onec_model::{
    Address, AddressKind, BankAccount, ContactPerson, ContactState, Contract, Counterparty,
    Employee, Equipment, EquipmentKind, EquipmentModel, Item, LegalForm, Manufacturer,
    Organization, Ref, ServiceObject, Snapshot, VatRate,
};
use rand::rngs::StdRng;
use rand::Rng;

use super::codes::{correspondent_account, inn10, inn12, kpp_for, settlement_account};
use super::names::{self, Person};
use super::PRICE_LIST;

/// What the Okdesk half needs to know about a generated client to stay coherent with 1C.
#[derive(Clone, Debug)]
pub(crate) struct ClientInfo {
    pub(crate) brand: String,
    pub(crate) legal_form: LegalForm,
    pub(crate) inn: String,
    pub(crate) deletion_mark: bool,
    /// Contacts whose single e-mail is well formed: (person, e-mail).
    pub(crate) good_contacts: Vec<(Person, String)>,
}

/// The generated 1C snapshot plus the facts the Okdesk half builds on.
pub(crate) struct OnecSide {
    pub(crate) snapshot: Snapshot,
    pub(crate) clients: Vec<ClientInfo>,
    /// Users as (person, e-mail, active).
    pub(crate) users: Vec<(Person, String, bool)>,
}

/// Namespaced, seed-specific deterministic references.
pub(crate) fn demo_ref(seed: u64, kind: &str, index: usize) -> Ref {
    Ref::derived(&format!("okdesk-1c/demo/{seed}/{kind}"), &index.to_string())
}

/// A `DataVersion`-like token: base64 of eight bytes, as 1C prints it.
fn version(rng: &mut StdRng) -> Option<String> {
    let bytes: [u8; 8] = rng.gen();
    Some(base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// The date every demo world is anchored to, so that generated dates never depend on the clock.
pub(crate) fn anchor_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 9, 1).expect("a valid calendar date")
}

/// Makes `candidate` unique among `seen` by appending « 2», « 3», … as people do in 1C.
fn unique(seen: &mut HashMap<String, usize>, candidate: String) -> (String, usize) {
    let n = seen.entry(candidate.clone()).or_insert(0);
    *n += 1;
    if *n == 1 {
        (candidate, 1)
    } else {
        (format!("{candidate} {n}"), *n)
    }
}

/// Replaces the first Latin letter that has a Cyrillic twin with that twin, the typo 1C users
/// make when the keyboard layout is switched mid-word.
fn cyrillic_typo(email: &str) -> String {
    let mut out = String::with_capacity(email.len() + 2);
    let mut done = false;
    for ch in email.chars() {
        let twin = match ch {
            'a' => Some('а'),
            'e' => Some('е'),
            'o' => Some('о'),
            'c' => Some('с'),
            'p' => Some('р'),
            _ => None,
        };
        match twin {
            Some(t) if !done => {
                out.push(t);
                done = true;
            }
            _ => out.push(ch),
        }
    }
    if !done {
        out.insert(0, 'а');
    }
    out
}

pub(crate) fn generate(seed: u64, rng: &mut StdRng, n: usize) -> OnecSide {
    let mut snap = Snapshot::default();
    let mut clients = Vec::with_capacity(n);
    let mut names_seen: HashMap<String, usize> = HashMap::new();
    let mut inns: HashSet<String> = HashSet::with_capacity(n);
    let today = anchor_date();

    for i in 0..n {
        let city = names::city(rng);
        let roll: f64 = rng.gen();
        let legal_form = if roll < 0.75 {
            LegalForm::Legal
        } else if roll < 0.93 {
            LegalForm::Entrepreneur
        } else {
            LegalForm::Individual
        };
        let inn = loop {
            let candidate = match legal_form {
                LegalForm::Legal => inn10(rng, city.region),
                _ => inn12(rng, city.region),
            };
            if inns.insert(candidate.clone()) {
                break candidate;
            }
        };
        let (brand, name, full_name, kpp) = match legal_form {
            LegalForm::Legal => {
                let (brand, _) = unique(&mut names_seen, names::brand(rng));
                let (short, long) = match rng.gen_range(0..10) {
                    0 => ("АО", "Акционерное общество"),
                    1 => ("ПАО", "Публичное акционерное общество"),
                    _ => ("ООО", "Общество с ограниченной ответственностью"),
                };
                (
                    brand.clone(),
                    format!("{short} \"{brand}\""),
                    Some(format!("{long} \"{brand}\"")),
                    Some(kpp_for(&inn)),
                )
            }
            LegalForm::Entrepreneur => {
                let p = names::person(rng);
                let (full, _) = unique(&mut names_seen, p.full());
                (
                    p.last.clone(),
                    format!("ИП {full}"),
                    Some(format!("Индивидуальный предприниматель {full}")),
                    None,
                )
            }
            LegalForm::Individual => {
                let p = names::person(rng);
                let (full, _) = unique(&mut names_seen, p.full());
                (p.last.clone(), full.clone(), Some(full), None)
            }
        };
        // The domain carries the index so that e-mails stay unique across any number of clients.
        let domain = format!("{}-{}.ru", names::translit(&brand), i + 1);
        let cp_ref = demo_ref(seed, "counterparty", i);
        let deletion_mark = i % 50 == 5 || i % 50 == 11;
        let legal_address = names::address(rng, city);
        let mut addresses = vec![Address {
            kind: AddressKind::Legal,
            text: legal_address.clone(),
        }];
        if rng.gen_bool(0.4) {
            addresses.push(Address {
                kind: AddressKind::Actual,
                text: names::address(rng, city),
            });
        }
        let mut emails = vec![format!("info@{domain}")];
        if rng.gen_bool(0.15) {
            emails.push(format!("buh@{domain}"));
        }
        snap.counterparties.push(Counterparty {
            r#ref: cp_ref,
            name,
            full_name,
            inn: Some(inn.clone()),
            kpp,
            legal_form: Some(legal_form),
            emails,
            phones: vec![names::phone(rng, city)],
            addresses,
            partner: Some(demo_ref(seed, "partner", i)),
            head: None,
            comment: (i % 7 == 3).then(|| "Клиент по абонентскому обслуживанию".to_owned()),
            upload: Some(i % 10 != 8),
            deletion_mark,
            version: version(rng),
        });

        // Three contacts per client; a few carry the data defects real 1C bases have.
        let mut good_contacts = Vec::new();
        for k in 0..3 {
            let c = i * 3 + k;
            let p = names::person(rng);
            let clean = format!("{}@{domain}", p.email_local());
            let (emails, good) = match c % 97 {
                1 => (vec![format!("<{}@mail.ru>", p.email_local())], false),
                4 => (vec![cyrillic_typo(&clean)], false),
                7 => (
                    vec![format!("{clean}; {}@yandex.ru", p.short_local())],
                    false,
                ),
                _ if c % 11 == 5 => (Vec::new(), false),
                _ => (vec![clean.clone()], true),
            };
            let state = match c % 97 {
                10 => Some(ContactState::Dismissed),
                _ if c % 5 == 3 => None,
                _ => Some(ContactState::Working),
            };
            if good && state != Some(ContactState::Dismissed) {
                good_contacts.push((p.clone(), clean));
            }
            snap.contacts.push(ContactPerson {
                r#ref: demo_ref(seed, "contact", c),
                owner: Some(cp_ref),
                name: p.full(),
                last_name: Some(p.last.clone()),
                first_name: Some(p.first.clone()),
                patronymic: Some(p.patronymic.clone()),
                position: Some(names::pick(rng, names::POSITIONS).to_owned()),
                emails,
                phones: if rng.gen_bool(0.7) {
                    vec![names::mobile(rng)]
                } else {
                    Vec::new()
                },
                state,
                upload: Some(c % 13 != 6),
                comment: None,
                deletion_mark: deletion_mark || c % 83 == 40,
                version: version(rng),
            });
        }

        // One contract per client.
        let date = today - Duration::days(rng.gen_range(30..1400));
        let number = format!("{}/{}", i + 1, date.format("%y"));
        let closed = i % 9 == 4;
        snap.contracts.push(Contract {
            r#ref: demo_ref(seed, "contract", i),
            owner: Some(cp_ref),
            number: Some(number.clone()),
            date: Some(date),
            title: format!(
                "Договор на сервисное обслуживание № {number} от {}",
                date.format("%d.%m.%Y")
            ),
            start: Some(date),
            end: if closed {
                Some(date + Duration::days(365))
            } else if rng.gen_bool(0.5) {
                None
            } else {
                Some(date + Duration::days(365 * 3))
            },
            status: Some(
                if closed {
                    "Закрыт"
                } else {
                    "Действует"
                }
                .to_owned(),
            ),
            kind: Some("С покупателем".to_owned()),
            upload: Some(i % 10 != 8 && i % 17 != 2),
            comment: None,
            deletion_mark,
            version: version(rng),
        });

        clients.push(ClientInfo {
            brand,
            legal_form,
            inn,
            deletion_mark,
            good_contacts,
        });
    }

    // Service objects: every second client has one.
    const OBJECTS: &[&str] = &["Офис", "Склад", "Магазин", "Производственный цех", "Филиал"];
    for j in 0..n / 2 {
        let owner = j * 2;
        let city = names::city(rng);
        let kind = names::pick(rng, OBJECTS);
        snap.service_objects.push(ServiceObject {
            r#ref: demo_ref(seed, "object", j),
            owner: Some(snap.counterparties[owner].r#ref),
            name: format!("{kind} ({})", clients[owner].brand),
            address: Some(names::address(rng, city)),
            comment: None,
            deletion_mark: clients[owner].deletion_mark,
            version: version(rng),
        });
    }

    directories(seed, rng, &mut snap);

    // Equipment: two pieces per client, at the client's object where it has one.
    for e in 0..2 * n {
        let owner = e / 2;
        let model_index = rng.gen_range(0..snap.equipment_models.len());
        let model = &snap.equipment_models[model_index];
        let (kind, manufacturer, model_ref, model_name) = (
            model.kind,
            model.manufacturer,
            model.r#ref,
            model.name.clone(),
        );
        let serial = format!(
            "{}{:06}{}",
            ["SN", "VNB", "CN", "E7"][e % 4],
            e + 1,
            rng.gen_range(10..100)
        );
        snap.equipment.push(Equipment {
            r#ref: demo_ref(seed, "equipment", e),
            name: format!("{model_name} ({serial})"),
            serial_number: Some(serial),
            inventory_number: (e % 3 != 2).then(|| format!("{:08}", 1000 + e)),
            kind,
            manufacturer,
            model: Some(model_ref),
            owner: Some(snap.counterparties[owner].r#ref),
            object: (owner % 2 == 0 && owner / 2 < n / 2)
                .then(|| snap.service_objects[owner / 2].r#ref),
            comment: None,
            deletion_mark: clients[owner].deletion_mark,
            version: version(rng),
        });
    }

    // Users: the service company's engineers and managers.
    let org_domain = "servis-plyus.ru".to_owned();
    let user_count = (n / 200).max(6);
    let mut users = Vec::with_capacity(user_count);
    let mut locals: HashMap<String, usize> = HashMap::new();
    for u in 0..user_count {
        let p = names::person(rng);
        let (local, k) = unique(&mut locals, p.short_local());
        let local = if k == 1 {
            local
        } else {
            format!("{}{k}", p.short_local())
        };
        let email = format!("{local}@{org_domain}");
        let active = u != 4;
        snap.employees.push(Employee {
            r#ref: demo_ref(seed, "user", u),
            name: p.full(),
            emails: vec![email.clone()],
            active,
        });
        users.push((p, email, active));
    }

    snap.organizations.push(organization(seed, rng, &users));
    snap.items = items(seed);

    OnecSide {
        snapshot: snap,
        clients,
        users,
    }
}

/// Equipment kinds, manufacturers and models (a fixed, realistic catalog).
fn directories(seed: u64, rng: &mut StdRng, snap: &mut Snapshot) {
    const KINDS: &[&str] = &[
        "Компьютер",
        "Ноутбук",
        "Принтер",
        "МФУ",
        "Сервер",
        "Контрольно-кассовая техника",
        "Сканер штрихкода",
        "Маршрутизатор",
        "ИБП",
    ];
    const MAKERS: &[&str] = &[
        "HP",
        "Canon",
        "Lenovo",
        "Dell",
        "АТОЛ",
        "Штрих-М",
        "Zebra",
        "MikroTik",
        "APC",
        "Kyocera",
    ];
    // (kind index, maker index, model name)
    const MODELS: &[(usize, usize, &str)] = &[
        (0, 2, "Lenovo ThinkCentre M70q"),
        (0, 3, "Dell OptiPlex 7010"),
        (1, 2, "Lenovo ThinkPad E14"),
        (1, 0, "HP ProBook 450 G9"),
        (2, 0, "HP LaserJet Pro M404dn"),
        (2, 9, "Kyocera ECOSYS P2040dn"),
        (3, 1, "Canon i-SENSYS MF445dw"),
        (3, 9, "Kyocera ECOSYS M2135dn"),
        (4, 3, "Dell PowerEdge R650"),
        (4, 0, "HP ProLiant DL380 Gen10"),
        (5, 4, "АТОЛ 30Ф"),
        (5, 5, "Штрих-М Штрих-Лайт-01Ф"),
        (6, 6, "Zebra DS2208"),
        (6, 4, "АТОЛ SB2109 BT"),
        (7, 7, "MikroTik hAP ac2"),
        (8, 8, "APC Back-UPS 650"),
    ];
    for (k, name) in KINDS.iter().enumerate() {
        snap.equipment_kinds.push(EquipmentKind {
            r#ref: demo_ref(seed, "equipment-kind", k),
            code: Some(format!("{:09}", k + 1)),
            name: (*name).to_owned(),
            deletion_mark: false,
            version: version(rng),
        });
    }
    for (m, name) in MAKERS.iter().enumerate() {
        snap.manufacturers.push(Manufacturer {
            r#ref: demo_ref(seed, "manufacturer", m),
            code: Some(format!("{:09}", m + 1)),
            name: (*name).to_owned(),
            deletion_mark: false,
            version: version(rng),
        });
    }
    for (i, (kind, maker, name)) in MODELS.iter().enumerate() {
        snap.equipment_models.push(EquipmentModel {
            r#ref: demo_ref(seed, "equipment-model", i),
            code: Some(format!("{:09}", i + 1)),
            name: (*name).to_owned(),
            kind: Some(snap.equipment_kinds[*kind].r#ref),
            manufacturer: Some(snap.manufacturers[*maker].r#ref),
            deletion_mark: false,
            version: version(rng),
        });
    }
}

/// Our own organization, the supplier on invoices, with a keyed bank account.
fn organization(seed: u64, rng: &mut StdRng, users: &[(Person, String, bool)]) -> Organization {
    let inn = inn10(rng, "58");
    let bik = "045655718";
    let director = users
        .first()
        .map(|(p, _, _)| p.full())
        .unwrap_or_else(|| "Смирнов Андрей Викторович".to_owned());
    let accountant = users
        .get(1)
        .map(|(p, _, _)| p.full())
        .unwrap_or_else(|| "Соколова Ирина Петровна".to_owned());
    Organization {
        r#ref: demo_ref(seed, "organization", 0),
        name: "ООО \"Сервис Плюс\"".to_owned(),
        full_name: Some("Общество с ограниченной ответственностью \"Сервис Плюс\"".to_owned()),
        kpp: Some(kpp_for(&inn)),
        inn: Some(inn),
        address: Some("440026, г. Пенза, ул. Гагарина, д. 13, офис 21".to_owned()),
        phone: Some("+7 (8412) 20-30-40".to_owned()),
        director: Some(director),
        accountant: Some(accountant),
        bank_accounts: vec![BankAccount {
            r#ref: demo_ref(seed, "bank-account", 0),
            number: settlement_account(rng, bik),
            bank_name: "ПЕНЗЕНСКОЕ ОТДЕЛЕНИЕ N 8624 ПАО СБЕРБАНК".to_owned(),
            bik: bik.to_owned(),
            correspondent_account: Some(correspondent_account(bik)),
            city: Some("Пенза".to_owned()),
        }],
    }
}

/// Items whose articles are the Okdesk price-list codes (every code but the deliberately unknown one).
fn items(seed: u64) -> Vec<Item> {
    PRICE_LIST
        .iter()
        .filter(|p| p.in_onec)
        .enumerate()
        .map(|(i, p)| Item {
            r#ref: demo_ref(seed, "item", i),
            code: Some(format!("00-{:08}", i + 1)),
            article: Some(p.code.to_owned()),
            name: p.name.to_owned(),
            full_name: Some(p.name.to_owned()),
            is_service: p.kind != "product",
            vat_rate: Some(match p.vat_percent {
                None => VatRate::Without,
                Some(10) => VatRate::Ten,
                Some(0) => VatRate::Zero,
                Some(_) => VatRate::Twenty,
            }),
            unit: Some(p.unit.to_owned()),
            // The same reference the 1C simulator gives the unit of this name (populate `derived`).
            unit_ref: Some(Ref::derived(
                &format!("okdesk-1c/onec-sim/{seed}/unit"),
                p.unit,
            )),
            deletion_mark: false,
        })
        .collect()
}
