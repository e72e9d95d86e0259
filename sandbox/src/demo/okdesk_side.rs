//! The Okdesk half of the demo world: companies "created by hand" for the initial INN match,
//! contacts, employees matching 1C users by e-mail, and issues with comments, files, time
//! entries, checklists and specifications.

use chrono::{Duration, NaiveDateTime, NaiveTime};
use onec_model::LegalForm;
use rand::rngs::StdRng;
use rand::Rng;
use rust_decimal::Decimal;

use super::names::{self, Person};
use super::onec_side::{anchor_date, OnecSide};
use super::{
    OkdeskSeed, SeedAttachment, SeedComment, SeedCompany, SeedContact, SeedEmployee, SeedIssue,
    SeedPriceItem, SeedService, SeedTimeEntry, PRICE_LIST, SERVICE_TYPES, WORK_PLACES, WORK_TYPES,
};

/// A valid 1×1 PNG (a grey pixel), so that attachment round trips carry real binary content.
pub const TINY_PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x00, 0x00, 0x00, 0x3a, 0x7e, 0x9b,
    0x55, 0x00, 0x00, 0x00, 0x0a, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x68, 0x00, 0x00, 0x00,
    0x82, 0x00, 0x81, 0x77, 0xcd, 0x72, 0xb6, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
    0x42, 0x60, 0x82,
];

/// The status codes issues are spread over, from the seed's recommended table.
const STATUS_CYCLE: &[&str] = &[
    "opened",
    "opened",
    "Work",
    "completed",
    "closed",
    "delayed",
    "Work",
    "completed",
    "RequiresApproval",
    "Agreed",
    "Refine",
    "cancel",
];

const TITLES: &[&str] = &[
    "Не печатает принтер",
    "Настроить доступ к 1С для нового сотрудника",
    "Замена фискального накопителя",
    "Не работает интернет в офисе",
    "Плановое обслуживание серверной",
    "Ошибка при пробитии чека",
    "Установить антивирус на ноутбук",
    "Заправка картриджей",
    "Медленно работает компьютер бухгалтера",
    "Перенести почту на новый домен",
];

const CLIENT_LINES: &[&str] = &[
    "Добрый день! Проблема повторилась сегодня утром.",
    "Спасибо, всё работает.",
    "Когда сможете подъехать?",
    "Прикладываю скриншот ошибки.",
];
const ENGINEER_LINES: &[&str] = &[
    "Приняли в работу, свяжемся в течение часа.",
    "Выезд запланирован на завтра, 10:00.",
    "Работы выполнены, просьба проверить.",
    "Заменили кабель, проблема устранена.",
];
const PRIVATE_LINES: &[&str] = &[
    "Внутреннее: клиент на абонентском договоре, выезд не тарифицируется.",
    "Внутреннее: нужен запчасть со склада, заказал у поставщика.",
    "Внутреннее: уточнить у бухгалтерии оплату прошлого счёта.",
];

fn at(date: chrono::NaiveDate, hour: u32, minute: u32) -> NaiveDateTime {
    date.and_time(NaiveTime::from_hms_opt(hour, minute, 0).expect("hour < 24 and minute < 60"))
}

/// The name someone would type by hand for a client that 1C calls «ООО "Ромашка"».
fn hand_name(brand: &str, form: LegalForm, variant: usize) -> String {
    let short = match form {
        LegalForm::Legal => "ООО",
        LegalForm::Entrepreneur => "ИП",
        LegalForm::Individual => "",
    };
    match variant % 4 {
        0 => brand.to_owned(),
        1 if !short.is_empty() => format!("{brand} {short}"),
        2 if !short.is_empty() => format!("{short} {}", brand.to_uppercase()),
        _ => format!("«{brand}»"),
    }
}

pub(crate) fn generate(rng: &mut StdRng, onec: &OnecSide, n: usize) -> OkdeskSeed {
    let mut seed = OkdeskSeed {
        price_list: PRICE_LIST
            .iter()
            .map(|p| SeedPriceItem {
                code: p.code.to_owned(),
                name: p.name.to_owned(),
                kind: p.kind.to_owned(),
                unit: p.unit.to_owned(),
                price: Decimal::from(p.price),
                vat_percent: p.vat_percent,
            })
            .collect(),
        ..OkdeskSeed::default()
    };

    // About 30 % of the clients were typed into Okdesk by hand before the integration.
    let mut issue_clients = Vec::new();
    for (i, client) in onec.clients.iter().enumerate() {
        if i % 10 % 3 != 0 || i % 10 == 9 || client.deletion_mark {
            continue;
        }
        let variant = seed.companies.len();
        seed.companies.push(SeedCompany {
            name: hand_name(&client.brand, client.legal_form, variant),
            inn: client.inn.clone(),
            additional_name: (variant % 2 == 1).then(|| format!("ИНН {}", client.inn)),
        });
        if variant == 0 {
            // The same INN typed on a second card: the initial match must see the ambiguity.
            seed.companies.push(SeedCompany {
                name: format!("{} (старая карточка)", client.brand),
                inn: client.inn.clone(),
                additional_name: None,
            });
        }
        if let Some((p, email)) = client.good_contacts.first() {
            seed.contacts.push(SeedContact {
                first_name: p.first.clone(),
                last_name: p.last.clone(),
                patronymic: Some(p.patronymic.clone()),
                email: email.clone(),
                company_inn: Some(client.inn.clone()),
            });
            issue_clients.push((client.inn.clone(), Some(email.clone())));
        } else {
            issue_clients.push((client.inn.clone(), None));
        }
    }

    // Employees: every 1C user, and one dispatcher who has no 1C account.
    for (p, email, _) in &onec.users {
        seed.employees.push(employee(p, email));
    }
    let outsider = names::person(rng);
    let outsider_email = format!("{}@gmail.com", outsider.email_local());
    seed.employees.push(employee(&outsider, &outsider_email));
    let engineers: Vec<String> = onec
        .users
        .iter()
        .filter(|(_, _, active)| *active)
        .map(|(_, e, _)| e.clone())
        .collect();

    let issue_count = (n / 2).max(10);
    let anchor = anchor_date();
    let mut unknown_code_used = false;
    for k in 0..issue_count {
        let (company_inn, contact_email) = if issue_clients.is_empty() {
            (None, None)
        } else {
            let (inn, email) = &issue_clients[k % issue_clients.len()];
            (Some(inn.clone()), email.clone())
        };
        let status = STATUS_CYCLE[k % STATUS_CYCLE.len()].to_owned();
        let assignee = if k == 3 {
            outsider_email.clone()
        } else {
            engineers[rng.gen_range(0..engineers.len())].clone()
        };
        let created_at = at(
            anchor - Duration::days(rng.gen_range(1..120)),
            rng.gen_range(9..18),
            rng.gen_range(0..60),
        );
        let author_email = if k % 3 == 0 {
            contact_email.clone().or_else(|| Some(assignee.clone()))
        } else {
            Some(engineers[rng.gen_range(0..engineers.len())].clone())
        };

        let mut comments = Vec::new();
        let mut t = created_at;
        for c in 0..rng.gen_range(1..4usize) {
            t += Duration::minutes(rng.gen_range(20..600));
            let from_client = c % 2 == 1 && contact_email.is_some();
            let (author, content) = if from_client {
                (
                    contact_email.clone().expect("checked is_some above"),
                    names::pick(rng, CLIENT_LINES),
                )
            } else {
                (assignee.clone(), names::pick(rng, ENGINEER_LINES))
            };
            comments.push(SeedComment {
                author_email: author,
                content: content.to_owned(),
                public: true,
                at: t,
                attachments: if k % 5 == 1 && c == 0 {
                    vec![SeedAttachment {
                        name: "log.txt".to_owned(),
                        bytes: format!("Журнал ошибок по заявке {}\nERROR 0x80070005\n", k + 1)
                            .into_bytes(),
                    }]
                } else {
                    Vec::new()
                },
            });
        }
        if k % 2 == 0 {
            t += Duration::minutes(rng.gen_range(5..120));
            comments.push(SeedComment {
                author_email: assignee.clone(),
                content: names::pick(rng, PRIVATE_LINES).to_owned(),
                public: false,
                at: t,
                attachments: Vec::new(),
            });
        }

        let worked = matches!(status.as_str(), "Work" | "completed" | "closed" | "Agreed");
        let mut time_entries = Vec::new();
        if worked {
            for _ in 0..rng.gen_range(1..4) {
                let hours = [
                    Decimal::new(5, 1),
                    Decimal::ONE,
                    Decimal::new(15, 1),
                    Decimal::TWO,
                    Decimal::from(3),
                    Decimal::from(4),
                ][rng.gen_range(0..6)];
                time_entries.push(SeedTimeEntry {
                    employee_email: assignee.clone(),
                    hours,
                    date: created_at.date() + Duration::days(rng.gen_range(0..5)),
                    work_place: Some(names::pick(rng, WORK_PLACES).to_owned()),
                    type_of_service: Some(names::pick(rng, SERVICE_TYPES).to_owned()),
                    comment: Some("Диагностика и устранение неисправности".to_owned()),
                });
            }
        }

        let mut services = Vec::new();
        if matches!(status.as_str(), "completed" | "closed") && k % 3 != 2 {
            let known: Vec<_> = PRICE_LIST.iter().filter(|p| p.in_onec).collect();
            for _ in 0..rng.gen_range(1..4) {
                let p = known[rng.gen_range(0..known.len())];
                services.push(service(p, Decimal::from(rng.gen_range(1..4))));
            }
            if !unknown_code_used {
                unknown_code_used = true;
                let p = PRICE_LIST
                    .iter()
                    .find(|p| !p.in_onec)
                    .expect("the price list has one code unknown to 1C");
                services.push(service(p, Decimal::ONE));
            }
        }

        seed.issues.push(SeedIssue {
            title: TITLES[k % TITLES.len()].to_owned(),
            description: format!(
                "{}. Обращение клиента, подробности в комментариях.",
                TITLES[k % TITLES.len()]
            ),
            company_inn,
            status,
            assignee_email: Some(assignee),
            author_email,
            created_at,
            comments,
            attachments: if k % 4 == 0 {
                vec![SeedAttachment {
                    name: "screenshot.png".to_owned(),
                    bytes: TINY_PNG.to_vec(),
                }]
            } else {
                Vec::new()
            },
            time_entries,
            services,
            parent: (k == 1).then_some(0),
            checklist: if k % 25 == 2 {
                vec![
                    ("Проверить подключение".to_owned(), true),
                    ("Обновить драйверы".to_owned(), true),
                    ("Подписать акт у клиента".to_owned(), false),
                ]
            } else {
                Vec::new()
            },
            contact_email,
            type_code: if k % 4 == 1 { "incident" } else { "service" }.to_owned(),
            priority: ["low", "normal", "normal", "high"][k % 4].to_owned(),
            work_type: Some(WORK_TYPES[k % WORK_TYPES.len()].to_owned()),
        });
    }
    seed
}

fn employee(p: &Person, email: &str) -> SeedEmployee {
    SeedEmployee {
        first_name: p.first.clone(),
        last_name: p.last.clone(),
        patronymic: Some(p.patronymic.clone()),
        email: email.to_owned(),
    }
}

fn service(p: &super::PriceLine, quantity: Decimal) -> SeedService {
    SeedService {
        code: p.code.to_owned(),
        name: p.name.to_owned(),
        quantity,
        price: Decimal::from(p.price),
        vat_percent: p.vat_percent,
    }
}
