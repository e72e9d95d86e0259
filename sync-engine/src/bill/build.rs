//! Pure building of an invoice from a paid issue: the buyer and contract mapped back through the
//! push mappings, each specification line matched to a 1C item by its price-list code (or the
//! generic service item, reported), VAT from the line or the item, amounts with VAT included as
//! Okdesk totals them.

use chrono::NaiveDateTime;
use onec_adapter::documents::issue_comment;
use onec_model::money::vat_of;
use onec_model::{
    round_kopecks, Invoice, InvoiceLine, Item, Organization, Ref, Snapshot, VatMode, VatRate,
};
use rust_decimal::Decimal;

use super::policy::{BillPolicy, ItemKey};
use crate::kinds::EntityKind;
use crate::ports::issues::{IssueCard, ServiceLine};
use crate::pull::{issue_url, Note};
use crate::state::StateView;

/// Why an invoice cannot be built: the field and the message in Russian.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BillError {
    /// The field at fault.
    pub field: &'static str,
    /// What is wrong and what to do.
    pub message: String,
}

/// An invoice ready to write, with what was noticed on the way.
#[derive(Clone, Debug, PartialEq)]
pub struct BuiltInvoice {
    /// The invoice (no ref or number yet).
    pub invoice: Invoice,
    /// Lines that fell back to the generic item, and the like.
    pub notes: Vec<Note>,
}

fn item_key(item: &Item, key: ItemKey) -> Option<&str> {
    match key {
        ItemKey::Article => item.article.as_deref(),
        ItemKey::Code => item.code.as_deref(),
    }
    .map(str::trim)
}

fn find_item<'a>(snapshot: &'a Snapshot, key: ItemKey, code: &str) -> Option<&'a Item> {
    let code = code.trim();
    if code.is_empty() {
        return None;
    }
    snapshot
        .items
        .iter()
        .filter(|i| !i.deletion_mark)
        .find(|i| item_key(i, key).is_some_and(|k| k.eq_ignore_ascii_case(code)))
}

/// The organization invoices are issued from.
pub fn organization<'a>(
    snapshot: &'a Snapshot,
    policy: &BillPolicy,
) -> Result<&'a Organization, BillError> {
    match policy.organization {
        Some(r) => snapshot
            .organizations
            .iter()
            .find(|o| o.r#ref == r)
            .ok_or_else(|| BillError {
                field: "organization",
                message: format!("организация {r} из настроек не найдена в 1С"),
            }),
        None => snapshot.organizations.first().ok_or_else(|| BillError {
            field: "organization",
            message: "в 1С нет ни одной организации, счет выставить не от кого".into(),
        }),
    }
}

/// The VAT rate of a line: the line's own, or what its VAT amount implies, or the item's.
fn line_vat(line: &ServiceLine, item: Option<&Item>, policy: &BillPolicy) -> VatRate {
    if let Some(p) = line.vat_percent {
        if let Ok(r) = VatRate::from_percent(p) {
            return r;
        }
    }
    if let Some(vat) = line.total_vat {
        let net = line.total - vat;
        if vat.is_zero() {
            return item.and_then(|i| i.vat_rate).unwrap_or(VatRate::Without);
        }
        if !net.is_zero() {
            let percent = (vat * Decimal::ONE_HUNDRED / net).round();
            if let Ok(r) = VatRate::from_percent(percent) {
                return r;
            }
        }
    }
    item.and_then(|i| i.vat_rate).unwrap_or(policy.default_vat)
}

/// The contract to bill a buyer under when the issue names none: its only live contract with a
/// buyer (kind `СПокупателем`, or no kind), or why there is none to choose.
fn buyer_contract(snapshot: &Snapshot, buyer: Ref) -> Result<&onec_model::Contract, String> {
    let candidates: Vec<&onec_model::Contract> = snapshot
        .contracts
        .iter()
        .filter(|c| c.owner == Some(buyer) && !c.deletion_mark)
        .filter(|c| c.kind.as_deref().is_none_or(|k| k == "СПокупателем"))
        .collect();
    match candidates.as_slice() {
        [one] => Ok(one),
        [] => Err(
            "1С не запишет счет без договора контрагента, а у клиента нет договора с \
             покупателем; заведите договор в 1С или укажите договор в заявке Okdesk"
                .to_owned(),
        ),
        many => Err(format!(
            "1С не запишет счет без договора контрагента, а у клиента {} договоров с покупателем; \
             укажите договор в заявке Okdesk",
            many.len()
        )),
    }
}

/// Builds the invoice of a paid issue.
pub fn build_invoice(
    card: &IssueCard,
    services: &[ServiceLine],
    view: &StateView,
    snapshot: &Snapshot,
    policy: &BillPolicy,
    contract_required: bool,
    date: NaiveDateTime,
) -> Result<BuiltInvoice, BillError> {
    let mut notes = Vec::new();
    let id = card.id;
    let mapped = |kind: EntityKind, okdesk: u64| -> Option<Ref> {
        view.mappings
            .values()
            .find(|m| m.key.kind == kind && m.okdesk_id.0 == okdesk)
            .map(|m| m.key.r#ref)
    };
    let company = card.company_id.ok_or_else(|| BillError {
        field: "company_id",
        message: format!("заявка #{id}: не указан клиент, счет выставить некому"),
    })?;
    let buyer = mapped(EntityKind::Companies, company).ok_or_else(|| BillError {
        field: "company_id",
        message: format!(
            "заявка #{id}: компания {company} есть только в Okdesk (нет связи с контрагентом 1С); выгрузите клиентов из 1С (push) или свяжите компанию"
        ),
    })?;
    let partner = snapshot
        .counterparties
        .iter()
        .find(|c| c.r#ref == buyer)
        .and_then(|c| c.partner);
    let contract = card.agreement_id.and_then(|a| {
        let r = mapped(EntityKind::Agreements, a);
        if r.is_none() {
            notes.push(Note {
                issue_id: id,
                field: "agreement_id",
                message: format!(
                    "Заявка #{id}: договор {a} есть только в Okdesk, счет выставлен без договора."
                ),
            });
        }
        r
    });
    let contract = match contract {
        None if contract_required => {
            let chosen = buyer_contract(snapshot, buyer).map_err(|message| BillError {
                field: "agreement_id",
                message: format!("заявка #{id}: {message}"),
            })?;
            notes.push(Note {
                issue_id: id,
                field: "agreement_id",
                message: format!(
                    "Заявка #{id}: в Okdesk нет договора, а 1С требует договор контрагента: взят единственный договор с покупателем «{}».",
                    chosen.title
                ),
            });
            Some(chosen.r#ref)
        }
        other => other,
    };
    let org = organization(snapshot, policy)?;
    let generic = policy.generic_item.as_deref().and_then(|g| {
        g.parse::<Ref>()
            .ok()
            .and_then(|r| snapshot.items.iter().find(|i| i.r#ref == r))
            .or_else(|| find_item(snapshot, policy.item_key, g))
    });
    if services.is_empty() {
        return Err(BillError {
            field: "services",
            message: format!("заявка #{id}: спецификация пуста"),
        });
    }
    let mut lines = Vec::with_capacity(services.len());
    for (n, s) in services.iter().enumerate() {
        let item = match find_item(snapshot, policy.item_key, &s.code) {
            Some(i) => i,
            None => {
                let g = generic.ok_or_else(|| BillError {
                    field: "services.code",
                    message: format!(
                        "заявка #{id}, строка {} «{}»: код прайс-листа «{}» не найден в 1С ({}), а общая услуга для таких строк не настроена",
                        n + 1,
                        s.name,
                        s.code,
                        match policy.item_key {
                            ItemKey::Article => "Артикул",
                            ItemKey::Code => "Код",
                        }
                    ),
                })?;
                notes.push(Note {
                    issue_id: id,
                    field: "services.code",
                    message: format!(
                        "Заявка #{id}, строка {} «{}»: код «{}» не найден в номенклатуре 1С, использована общая услуга «{}».",
                        n + 1,
                        s.name,
                        s.code,
                        g.name
                    ),
                });
                g
            }
        };
        if s.quantity <= Decimal::ZERO {
            return Err(BillError {
                field: "services.quantity",
                message: format!(
                    "заявка #{id}, строка {} «{}»: количество {} должно быть больше нуля",
                    n + 1,
                    s.name,
                    s.quantity
                ),
            });
        }
        let rate = line_vat(s, Some(item), policy);
        // Okdesk totals lines after the discount with VAT included; the price is what is left
        // per unit, and the stored total stays Okdesk's so that the invoice sums to the issue.
        let total = round_kopecks(s.total);
        let price = round_kopecks(total / s.quantity);
        lines.push(InvoiceLine {
            item: Some(item.r#ref),
            text: s.name.clone(),
            quantity: s.quantity,
            unit: s.unit.clone().or_else(|| item.unit.clone()),
            unit_ref: item.unit_ref,
            price,
            vat_rate: rate,
            vat_amount: vat_of(total, rate, VatMode::Included),
            total,
        });
    }
    let url = issue_url(&policy.okdesk_url, id);
    Ok(BuiltInvoice {
        invoice: Invoice {
            r#ref: None,
            number: None,
            date,
            organization: org.r#ref,
            bank_account: org.bank_accounts.first().map(|b| b.r#ref),
            counterparty: buyer,
            partner,
            contract,
            vat_mode: VatMode::Included,
            lines,
            comment: Some(issue_comment(id, &card.title, &url)),
        },
        notes,
    })
}
