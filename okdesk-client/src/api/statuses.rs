//! Issue directories: statuses (and types and priorities, which come with them).

use crate::client::OkdeskClient;
use crate::error::Result;
use crate::models::{CodeName, IssueStatus, IssueType, IssueTypeNode};
use crate::query::Query;

/// Calls for the account's issue statuses, types and priorities.
#[derive(Debug, Clone, Copy)]
pub struct IssueStatusHandler<'c> {
    client: &'c OkdeskClient,
}

impl OkdeskClient {
    /// Issue statuses (codes are account-specific).
    pub fn issue_statuses(&self) -> IssueStatusHandler<'_> {
        IssueStatusHandler { client: self }
    }
}

impl IssueStatusHandler<'_> {
    /// Every status (`GET /issues/statuses`).
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// for s in client.issue_statuses().list().await? {
    ///     println!("{} {:?}", s.code, s.name);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn list(&self) -> Result<Vec<IssueStatus>> {
        self.client
            .get_one_or_many("issues/statuses", &Query::new())
            .await
    }

    /// The issue-type tree (`GET /dictionaries/issues/types`): groups with `children`, and types.
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// let tree = client.issue_statuses().type_tree().await?;
    /// # Ok(()) }
    /// ```
    pub async fn type_tree(&self) -> Result<Vec<IssueTypeNode>> {
        self.client
            .get_one_or_many("dictionaries/issues/types", &Query::new())
            .await
    }

    /// Every issue type, flattened from [`Self::type_tree`]: groups are not types; each type keeps
    /// the code of its group.
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// let types = client.issue_statuses().types().await?;
    /// # Ok(()) }
    /// ```
    pub async fn types(&self) -> Result<Vec<IssueType>> {
        Ok(flatten_types(&self.type_tree().await?))
    }

    /// Every priority (`GET /issues/priorities`).
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// let priorities = client.issue_statuses().priorities().await?;
    /// # Ok(()) }
    /// ```
    pub async fn priorities(&self) -> Result<Vec<CodeName>> {
        self.client
            .get_one_or_many("issues/priorities", &Query::new())
            .await
    }
}

/// The types of a tree, depth first, each with the code of the group it sits in.
pub fn flatten_types(tree: &[IssueTypeNode]) -> Vec<IssueType> {
    fn walk(nodes: &[IssueTypeNode], group: Option<&str>, out: &mut Vec<IssueType>) {
        for n in nodes {
            if n.is_group() {
                let code = (!n.code.is_empty()).then_some(n.code.as_str());
                walk(&n.children, code.or(group), out);
            } else {
                out.push(IssueType {
                    id: n.id,
                    code: n.code.clone(),
                    name: n.name.clone(),
                    available_for_client: n.available_for_client,
                    group: group.map(str::to_owned),
                });
            }
        }
    }
    let mut out = Vec::new();
    walk(tree, None, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tree_flattens_to_its_types_with_their_groups() {
        let tree: Vec<IssueTypeNode> = serde_json::from_str(
            r#"[{"id":1,"code":"service","name":"Обслуживание","type":"group","children":[
                  {"id":2,"code":"repair","name":"Ремонт","type":"type","default":true},
                  {"id":3,"code":"visit","name":"Выезд","available_for_client":true}]},
                {"id":4,"code":"question","name":"Вопрос"}]"#,
        )
        .unwrap();
        let types = flatten_types(&tree);
        let codes: Vec<(&str, Option<&str>)> = types
            .iter()
            .map(|t| (t.code.as_str(), t.group.as_deref()))
            .collect();
        assert_eq!(
            codes,
            [
                ("repair", Some("service")),
                ("visit", Some("service")),
                ("question", None)
            ]
        );
    }
}
