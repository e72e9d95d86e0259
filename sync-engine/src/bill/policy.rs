//! How bill runs: which issues count as paid, how specification lines find 1C items, what the
//! invoice is issued from, and how the PDF goes back to Okdesk.

use onec_model::{Ref, VatRate};
use serde::{Deserialize, Serialize};

/// Which item field holds the Okdesk price-list code.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKey {
    /// «Артикул».
    #[default]
    Article,
    /// The catalog code («Код»).
    Code,
}

/// Bill settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BillPolicy {
    /// The Okdesk account's web address, for the issue link in the invoice.
    pub okdesk_url: String,
    /// Only issues in these status codes are billed (`completed`, `closed`); empty = any status.
    pub statuses: Vec<String>,
    /// The item field the price-list code is matched with.
    pub item_key: ItemKey,
    /// The item used for a line whose code matches no item: a price-list code (matched like the
    /// lines) or a `Ref_Key`. `None` makes such a line fail the invoice.
    pub generic_item: Option<String>,
    /// The organization invoices are issued from; `None` takes the first one in 1C.
    pub organization: Option<Ref>,
    /// The currency put on the document, where the configuration has the field.
    pub currency: Option<Ref>,
    /// The responsible manager put on the document.
    pub responsible: Option<Ref>,
    /// The VAT rate of a line when neither the line nor the item names one.
    pub default_vat: VatRate,
    /// Whether the client sees the comment with the PDF.
    pub public_comment: bool,
    /// The Okdesk employee the comment is written as (Okdesk requires an author).
    pub comment_author_id: u64,
    /// Days re-read before the cursor's day (`updated_since` is day-granular).
    pub overlap_days: u32,
}

impl BillPolicy {
    /// Defaults: any status, items by «Артикул», no generic item, the first organization,
    /// «без НДС» when nothing names a rate, a public comment, one day of overlap.
    pub fn new(okdesk_url: impl Into<String>, comment_author_id: u64) -> Self {
        BillPolicy {
            okdesk_url: okdesk_url.into(),
            statuses: Vec::new(),
            item_key: ItemKey::Article,
            generic_item: None,
            organization: None,
            currency: None,
            responsible: None,
            default_vat: VatRate::Without,
            public_comment: true,
            comment_author_id,
            overlap_days: 1,
        }
    }
}
