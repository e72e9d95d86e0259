//! An agreement (Договор).
//!
//! Public sources document little of it: the fields below come from the webhook `agreement` object.
//! An agreement may belong to several companies.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use super::common::{find_parameter, Named, Parameter};
use crate::ids::{AgreementId, CompanyId};
use crate::page::HasId;

/// An agreement.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Agreement {
    /// The id.
    pub id: AgreementId,
    /// The title.
    pub title: Option<String>,
    /// Whether it is active.
    pub active: Option<bool>,
    /// The cost.
    pub cost: Option<f64>,
    /// The first day it applies.
    pub start_date: Option<NaiveDate>,
    /// The last day it applies.
    pub end_date: Option<NaiveDate>,
    /// The companies it belongs to (from `company_ids`, `companies` or `company_id`).
    pub company_ids: Vec<CompanyId>,
    /// The external key for 1C, if the account returns one (not documented).
    pub crm_1c_id: Option<String>,
    /// When it was created.
    pub created_at: Option<DateTime<FixedOffset>>,
    /// Custom parameters.
    pub parameters: Vec<Parameter>,
}

impl Agreement {
    /// The custom parameter with `code`.
    pub fn parameter(&self, code: &str) -> Option<&Parameter> {
        find_parameter(&self.parameters, code)
    }
}

impl HasId for Agreement {
    fn page_id(&self) -> u64 {
        self.id.0
    }
}

#[derive(Deserialize)]
struct AgreementWire {
    id: AgreementId,
    #[serde(default, deserialize_with = "crate::de::opt_lossy_string")]
    title: Option<String>,
    #[serde(default)]
    active: Option<bool>,
    #[serde(default, deserialize_with = "crate::de::opt_f64")]
    cost: Option<f64>,
    #[serde(default, deserialize_with = "crate::de::opt_date")]
    start_date: Option<NaiveDate>,
    #[serde(default, deserialize_with = "crate::de::opt_date")]
    end_date: Option<NaiveDate>,
    #[serde(default, deserialize_with = "crate::de::null_default")]
    company_ids: Vec<CompanyId>,
    #[serde(default, deserialize_with = "crate::de::null_default")]
    companies: Vec<Named<CompanyId>>,
    #[serde(default, deserialize_with = "crate::de::opt_id")]
    company_id: Option<CompanyId>,
    #[serde(default, deserialize_with = "crate::de::opt_lossy_string")]
    crm_1c_id: Option<String>,
    #[serde(default, deserialize_with = "crate::de::opt_datetime")]
    created_at: Option<DateTime<FixedOffset>>,
    #[serde(default, deserialize_with = "crate::de::null_default")]
    parameters: Vec<Parameter>,
}

impl<'de> Deserialize<'de> for Agreement {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let w = AgreementWire::deserialize(d)?;
        let mut company_ids = w.company_ids;
        for c in w.companies.iter().map(|c| c.id).chain(w.company_id) {
            if !company_ids.contains(&c) {
                company_ids.push(c);
            }
        }
        Ok(Agreement {
            id: w.id,
            title: w.title,
            active: w.active,
            cost: w.cost,
            start_date: w.start_date,
            end_date: w.end_date,
            company_ids,
            crm_1c_id: w.crm_1c_id,
            created_at: w.created_at,
            parameters: w.parameters,
        })
    }
}
