//! Counting (`issues/count`, all matching ids) and listing (`issues/list`, page-number paging ≤ 50)
//! issues with filters.
//!
//! Issue day filters (`created_since`, `updated_since`, `completed_since`, …) go out as `dd-mm-yyyy`
//! in the account zone; Okdesk silently ignores unknown filter names, so only documented names are
//! offered here, plus [`param`](CountIssues::param) for anything else.

use crate::client::OkdeskClient;
use crate::error::Result;
use crate::ids::{AgreementId, CompanyId, ContactId, EmployeeId, IssueId, MaintenanceEntityId};
use crate::models::IssueListItem;
use crate::page::{self, RecordStream};
use crate::query::{CustomParameterFilter, Query};
use crate::time::{AccountTimeZone, FilterTime};

#[derive(Debug, Clone, Default)]
struct IssueFilters {
    query: Query,
    days: Vec<(&'static str, FilterTime)>,
    custom: Vec<(String, CustomParameterFilter)>,
}

impl IssueFilters {
    fn build(&self, tz: &AccountTimeZone) -> Query {
        let mut q = self.query.clone();
        for (key, t) in &self.days {
            q.push(*key, tz.issue_day_filter(*t));
        }
        for (code, f) in &self.custom {
            f.append(code, &mut q, tz, true);
        }
        q
    }
}

/// Filter setters shared by count and list.
macro_rules! issue_filters {
    () => {
        /// Only these companies (`0` = without a company).
        pub fn company_ids(mut self, ids: impl IntoIterator<Item = CompanyId>) -> Self {
            self.filters.query.push_array("company_ids", ids);
            self
        }

        /// Only these contacts.
        pub fn contact_ids(mut self, ids: impl IntoIterator<Item = ContactId>) -> Self {
            self.filters.query.push_array("contact_ids", ids);
            self
        }

        /// Only these assignees.
        pub fn assignee_ids(mut self, ids: impl IntoIterator<Item = EmployeeId>) -> Self {
            self.filters.query.push_array("assignee_ids", ids);
            self
        }

        /// Created on or after this day (account zone).
        pub fn created_since(mut self, t: impl Into<FilterTime>) -> Self {
            self.filters.days.push(("created_since", t.into()));
            self
        }

        /// Created on or before this day.
        pub fn created_until(mut self, t: impl Into<FilterTime>) -> Self {
            self.filters.days.push(("created_until", t.into()));
            self
        }

        /// Changed on or after this day (day-granular: poll with an overlap).
        pub fn updated_since(mut self, t: impl Into<FilterTime>) -> Self {
            self.filters.days.push(("updated_since", t.into()));
            self
        }

        /// Changed on or before this day.
        pub fn updated_until(mut self, t: impl Into<FilterTime>) -> Self {
            self.filters.days.push(("updated_until", t.into()));
            self
        }

        /// Completed on or after this day.
        pub fn completed_since(mut self, t: impl Into<FilterTime>) -> Self {
            self.filters.days.push(("completed_since", t.into()));
            self
        }

        /// Completed on or before this day.
        pub fn completed_until(mut self, t: impl Into<FilterTime>) -> Self {
            self.filters.days.push(("completed_until", t.into()));
            self
        }

        /// A custom-parameter filter (dates in the issue format).
        pub fn custom_parameter(
            mut self,
            code: impl Into<String>,
            filter: CustomParameterFilter,
        ) -> Self {
            self.filters.custom.push((code.into(), filter));
            self
        }

        /// Any other query parameter (Okdesk ignores unknown names silently).
        pub fn param(mut self, key: impl Into<String>, value: impl ToString) -> Self {
            self.filters.query.push(key, value);
            self
        }
    };
}

/// `GET /issues/count`: the ids of every matching issue.
#[derive(Debug, Clone)]
pub struct CountIssues<'c> {
    client: &'c OkdeskClient,
    filters: IssueFilters,
}

impl<'c> CountIssues<'c> {
    pub(super) fn new(client: &'c OkdeskClient) -> Self {
        Self {
            client,
            filters: IssueFilters::default(),
        }
    }

    issue_filters!();

    /// Only these status codes.
    pub fn status(mut self, codes: impl IntoIterator<Item = impl ToString>) -> Self {
        self.filters.query.push_array("status", codes);
        self
    }

    /// Not these status codes.
    pub fn status_not(mut self, codes: impl IntoIterator<Item = impl ToString>) -> Self {
        self.filters.query.push_array("status_not", codes);
        self
    }

    /// Only issues not in a "done" status.
    pub fn opened(mut self) -> Self {
        self.filters.query.set("opened", true);
        self
    }

    /// Only these agreements.
    pub fn agreement_ids(mut self, ids: impl IntoIterator<Item = AgreementId>) -> Self {
        self.filters.query.push_array("agreement_ids", ids);
        self
    }

    /// Only these maintenance entities.
    pub fn maintenance_entity_ids(
        mut self,
        ids: impl IntoIterator<Item = MaintenanceEntityId>,
    ) -> Self {
        self.filters.query.push_array("maintenance_entity_ids", ids);
        self
    }

    /// Runs the count and returns the ids.
    pub async fn send(self) -> Result<Vec<IssueId>> {
        let q = self.filters.build(&self.client.account_time_zone());
        self.client.get_one_or_many("issues/count", &q).await
    }
}

/// `GET /issues/list`: issues page by page (nested references, no description).
#[derive(Debug, Clone)]
pub struct ListIssues<'c> {
    client: &'c OkdeskClient,
    filters: IssueFilters,
    page_size: u32,
}

impl<'c> ListIssues<'c> {
    pub(super) fn new(client: &'c OkdeskClient) -> Self {
        Self {
            client,
            filters: IssueFilters::default(),
            page_size: page::MAX_ISSUES_PAGE,
        }
    }

    issue_filters!();

    /// Records per request (1..=50, default 50).
    pub fn page_size(mut self, n: u32) -> Self {
        self.page_size = n;
        self
    }

    /// Only these status codes.
    pub fn status_codes(mut self, codes: impl IntoIterator<Item = impl ToString>) -> Self {
        self.filters.query.push_array("status_codes", codes);
        self
    }

    /// Only these maintenance entities (`0` = none).
    pub fn service_object_ids(
        mut self,
        ids: impl IntoIterator<Item = MaintenanceEntityId>,
    ) -> Self {
        self.filters.query.push_array("service_object_ids", ids);
        self
    }

    /// Sort by `updated_at` (`true`) or `created_at`, oldest first when `forward`.
    pub fn sort(mut self, by_updated_at: bool, forward: bool) -> Self {
        let field = if by_updated_at {
            "updated_at"
        } else {
            "created_at"
        };
        let direction = if forward { "forward" } else { "reverse" };
        self.filters
            .query
            .set("sorting[field]", field)
            .set("sorting[direction]", direction);
        self
    }

    /// Streams every matching issue; repeats across pages are skipped.
    pub fn stream(self) -> RecordStream<IssueListItem> {
        let q = self.filters.build(&self.client.account_time_zone());
        page::numbered(self.client.clone(), "issues/list", q, self.page_size)
    }

    /// Reads the whole listing into memory.
    pub async fn collect_all(self) -> Result<Vec<IssueListItem>> {
        page::collect(self.stream()).await
    }
}
