//! Tests of the demo generator: determinism, valid codes, proportions and the deliberate defects.

use std::collections::{HashMap, HashSet};

use onec_model::{ContactState, LegalForm};

use super::*;

#[test]
fn same_seed_gives_an_equal_world_and_another_seed_does_not() {
    assert_eq!(generate(42, DemoSize::Small), generate(42, DemoSize::Small));
    assert_ne!(generate(42, DemoSize::Small), generate(43, DemoSize::Small));
}

#[test]
fn counts_follow_the_size() {
    let w = generate(1, DemoSize::Counterparties(100));
    assert_eq!(w.onec.counterparties.len(), 100);
    assert_eq!(w.onec.contacts.len(), 300);
    assert_eq!(w.onec.contracts.len(), 100);
    assert_eq!(w.onec.service_objects.len(), 50);
    assert_eq!(w.onec.equipment.len(), 200);
    assert_eq!(generate(1, DemoSize::Small).onec.counterparties.len(), 12);
    assert_eq!(
        generate(1, DemoSize::Counterparties(0))
            .onec
            .counterparties
            .len(),
        0
    );
}

#[test]
fn inns_are_valid_unique_and_fit_the_legal_form() {
    let w = generate(7, DemoSize::Large);
    let mut seen = HashSet::new();
    for cp in &w.onec.counterparties {
        let inn = cp.inn.as_deref().unwrap();
        assert!(inn_is_valid(inn), "{} has an invalid INN {inn}", cp.name);
        // The shared validator of the product must agree with the generator.
        assert!(
            onec_model::Inn::parse(inn).is_ok(),
            "onec-model rejects {inn}"
        );
        if let Some(kpp) = cp.kpp.as_deref() {
            assert!(
                onec_model::Kpp::parse(kpp).is_ok(),
                "onec-model rejects KPP {kpp}"
            );
        }
        assert!(seen.insert(inn.to_owned()), "INN {inn} repeats");
        match cp.legal_form.unwrap() {
            LegalForm::Legal => {
                assert_eq!(inn.len(), 10);
                let kpp = cp.kpp.as_deref().unwrap();
                assert_eq!(kpp.len(), 9);
                assert_eq!(&kpp[..4], &inn[..4]);
            }
            _ => {
                assert_eq!(inn.len(), 12);
                assert!(cp.kpp.is_none());
            }
        }
        assert!(cp.partner.is_some());
    }
    let org = &w.onec.organizations[0];
    assert!(inn_is_valid(org.inn.as_deref().unwrap()));
    let bank = &org.bank_accounts[0];
    assert!(account_is_valid(&bank.number, &bank.bik));
    assert_eq!(bank.correspondent_account.as_deref().unwrap().len(), 20);
}

#[test]
fn small_world_has_the_defects_real_1c_data_has() {
    let w = generate(3, DemoSize::Small);
    let emails: Vec<&str> = w
        .onec
        .contacts
        .iter()
        .flat_map(|c| c.emails.iter().map(String::as_str))
        .collect();
    assert!(emails
        .iter()
        .any(|e| e.starts_with('<') && e.ends_with('>')));
    assert!(emails.iter().any(|e| e.contains('@') && !e.is_ascii()));
    assert!(emails.iter().any(|e| e.contains("; ")));
    let states: Vec<_> = w.onec.contacts.iter().map(|c| c.state.clone()).collect();
    assert_eq!(
        states
            .iter()
            .filter(|s| **s == Some(ContactState::Dismissed))
            .count(),
        1
    );
    assert!(states.iter().any(Option::is_none));
    let cps = &w.onec.counterparties;
    assert!(cps.iter().filter(|c| c.deletion_mark).count() >= 2);
    assert!(cps.iter().any(|c| c.upload == Some(false)));
    assert!(cps.iter().any(|c| c.name.starts_with("ИП ")));
    assert!(cps.iter().any(|c| c.name.starts_with("ООО \"")));
}

#[test]
fn okdesk_side_is_coherent_with_1c() {
    let w = generate(5, DemoSize::Large);
    let inns: HashSet<&str> = w
        .onec
        .counterparties
        .iter()
        .filter_map(|c| c.inn.as_deref())
        .collect();
    let mut per_inn: HashMap<&str, usize> = HashMap::new();
    for c in &w.okdesk.companies {
        assert!(inns.contains(c.inn.as_str()));
        *per_inn.entry(&c.inn).or_default() += 1;
    }
    assert_eq!(per_inn.values().filter(|n| **n == 2).count(), 1);
    let share = per_inn.len() as f64 / w.onec.counterparties.len() as f64;
    assert!((0.2..0.4).contains(&share), "share {share}");
    assert!(w
        .okdesk
        .companies
        .iter()
        .any(|c| c.additional_name.is_some()));

    let user_emails: HashSet<&str> = w
        .onec
        .employees
        .iter()
        .flat_map(|e| e.emails.iter().map(String::as_str))
        .collect();
    let unmatched: Vec<_> = w
        .okdesk
        .employees
        .iter()
        .filter(|e| !user_emails.contains(e.email.as_str()))
        .collect();
    assert_eq!(unmatched.len(), 1);

    let contact_emails: HashSet<&str> = w
        .onec
        .contacts
        .iter()
        .flat_map(|c| c.emails.iter().map(String::as_str))
        .collect();
    assert!(!w.okdesk.contacts.is_empty());
    for c in &w.okdesk.contacts {
        assert!(contact_emails.contains(c.email.as_str()));
    }

    let issues = &w.okdesk.issues;
    assert!(issues.iter().any(|i| i.comments.iter().any(|c| c.public)));
    assert!(issues.iter().any(|i| i.comments.iter().any(|c| !c.public)));
    assert!(issues.iter().any(|i| !i.attachments.is_empty()));
    assert!(issues
        .iter()
        .any(|i| i.comments.iter().any(|c| !c.attachments.is_empty())));
    assert!(issues.iter().any(|i| i
        .time_entries
        .iter()
        .any(|t| t.work_place.is_some() && t.type_of_service.is_some())));
    assert!(issues.iter().any(|i| !i.checklist.is_empty()));
    assert_eq!(issues.iter().filter(|i| i.parent.is_some()).count(), 1);

    let articles: HashSet<&str> = w
        .onec
        .items
        .iter()
        .filter_map(|i| i.article.as_deref())
        .collect();
    let mut unknown = 0;
    for issue in issues.iter().filter(|i| !i.services.is_empty()) {
        assert!(matches!(issue.status.as_str(), "completed" | "closed"));
        unknown += issue
            .services
            .iter()
            .filter(|s| !articles.contains(s.code.as_str()))
            .count();
    }
    assert_eq!(unknown, 1);
}

#[test]
fn benchmark_sizes_generate() {
    let w = generate(9, DemoSize::Counterparties(2_000));
    assert_eq!(w.onec.equipment.len(), 4_000);
    assert_eq!(w.okdesk.issues.len(), 1_000);
}
