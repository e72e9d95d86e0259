//! Employees: the keyset listing (inactive employees included; filter on `active`).

use crate::client::OkdeskClient;
use crate::error::Result;
use crate::models::Employee;
use crate::page::{self, RecordStream};
use crate::query::Query;

/// Calls under `/api/v1/employees`.
#[derive(Debug, Clone, Copy)]
pub struct EmployeeHandler<'c> {
    client: &'c OkdeskClient,
}

impl OkdeskClient {
    /// Employees (Сотрудники).
    pub fn employees(&self) -> EmployeeHandler<'_> {
        EmployeeHandler { client: self }
    }
}

impl<'c> EmployeeHandler<'c> {
    /// Starts a keyset listing (`GET /employees/list`).
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// let active: Vec<_> = client.employees().list().collect_all().await?
    ///     .into_iter().filter(|e| e.is_active()).collect();
    /// # Ok(()) }
    /// ```
    pub fn list(&self) -> ListEmployees<'c> {
        ListEmployees {
            client: self.client,
            query: Query::new(),
            page_size: page::MAX_KEYSET_PAGE,
        }
    }
}

/// A keyset listing of employees.
#[derive(Debug, Clone)]
pub struct ListEmployees<'c> {
    client: &'c OkdeskClient,
    query: Query,
    page_size: u32,
}

impl ListEmployees<'_> {
    /// Records per request (1..=100, default 100).
    pub fn page_size(mut self, n: u32) -> Self {
        self.page_size = n;
        self
    }

    /// Any other query parameter.
    pub fn param(mut self, key: impl Into<String>, value: impl ToString) -> Self {
        self.query.push(key, value);
        self
    }

    /// Streams every employee in ascending id order.
    pub fn stream(self) -> RecordStream<Employee> {
        page::keyset(
            self.client.clone(),
            "employees/list",
            self.query,
            self.page_size,
        )
    }

    /// Reads the whole listing into memory.
    pub async fn collect_all(self) -> Result<Vec<Employee>> {
        page::collect(self.stream()).await
    }
}
