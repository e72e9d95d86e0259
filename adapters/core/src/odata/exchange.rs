//! True change capture through an exchange plan: `SelectChanges` returns the objects registered
//! for a node as an Atom feed (deletions as `at:deleted-entry`), `NotifyChangesReceived`
//! acknowledges them so that 1C stops sending them.
//!
//! The message number is the node's `ReceivedNo` + 1, read from the plan just before; acknowledge
//! only after the changes are durably stored, or they are lost.

use onec_model::Ref;
use reqwest::Method;

use super::atom::{self, AtomFeed};
use super::client::{OdataClient, Request, Retry};
use super::error::OdataError;
use super::filter::Filter;

/// The changes of one exchange message.
#[derive(Clone, Debug, PartialEq)]
pub struct Changes {
    /// The exchange-plan entity set (`ExchangePlan_ДляODATA`).
    pub plan: String,
    /// The node the changes were selected for.
    pub node: Ref,
    /// The message number to acknowledge with [`OdataClient::notify_changes_received`].
    pub message_no: u64,
    /// The changed objects and the tombstones of deleted ones.
    pub feed: AtomFeed,
}

impl OdataClient {
    /// Selects the changes registered for the node with code `node_code` of `exchange_plan`
    /// (`ДляODATA` or `ExchangePlan_ДляODATA`).
    pub async fn select_changes(
        &self,
        exchange_plan: &str,
        node_code: &str,
    ) -> Result<Changes, OdataError> {
        let plan = plan_set(exchange_plan);
        let nodes = self
            .query(&plan)
            .select(&["Ref_Key", "Code", "ReceivedNo"])
            .filter(Filter::eq("Code", node_code))
            .fetch()
            .await?;
        let node = nodes.first().ok_or_else(|| OdataError::NotFound {
            url: format!("{}/{plan}", self.base_url()),
            message: Some(format!("no exchange node with code `{node_code}`")),
        })?;
        let decode = |message: String| OdataError::Decode {
            set: plan.clone(),
            line: 1,
            column: 1,
            message,
        };
        let reference = node
            .ref_key()
            .map_err(|e| decode(e.to_string()))?
            .ok_or_else(|| decode(format!("node `{node_code}` has no Ref_Key")))?;
        let received = node
            .decimal("ReceivedNo")
            .map_err(|e| decode(e.to_string()))?
            .map(|d| d.trunc().to_string().parse::<u64>().unwrap_or(0))
            .unwrap_or(0);
        let message_no = received + 1;
        let response = self
            .send(Request {
                method: Method::POST,
                resource: "SelectChanges".into(),
                query: self.exchange_query(&plan, reference, message_no),
                body: None,
                accept: "application/atom+xml",
                // Selecting is repeatable until acknowledged, so a failed attempt may be repeated.
                retry: Retry::Also500,
            })
            .await?;
        let feed = atom::parse(&response.body)?;
        Ok(Changes {
            plan,
            node: reference,
            message_no,
            feed,
        })
    }

    /// Acknowledges the changes of [`OdataClient::select_changes`]; call it only after they are
    /// stored.
    pub async fn notify_changes_received(&self, changes: &Changes) -> Result<(), OdataError> {
        self.send(Request {
            method: Method::POST,
            resource: "NotifyChangesReceived".into(),
            query: self.exchange_query(&changes.plan, changes.node, changes.message_no),
            body: None,
            accept: "application/atom+xml",
            retry: Retry::Never,
        })
        .await?;
        Ok(())
    }

    fn exchange_query(&self, plan: &str, node: Ref, message_no: u64) -> Vec<(String, String)> {
        vec![
            (
                "DataExchangePoint".into(),
                format!("'{}/{plan}(guid'{node}')'", self.base_url()),
            ),
            ("MessageNo".into(), message_no.to_string()),
        ]
    }
}

/// The entity set of an exchange plan given by name or set name.
fn plan_set(plan: &str) -> String {
    if plan.starts_with("ExchangePlan_") {
        plan.to_owned()
    } else {
        format!("ExchangePlan_{plan}")
    }
}
