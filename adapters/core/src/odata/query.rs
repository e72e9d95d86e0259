//! Paged reads: `$select`, `$filter`, `$orderby=Ref_Key` with `$top`/`$skip` paging that shrinks the
//! page and repeats it from the same offset when a fat page makes 1C answer 500; the
//! `Ref_Key`+`DataVersion`+`DeletionMark` scan for change detection; reads by lists of references.
//!
//! 1C has no server-driven paging and keyset paging (`Ref_Key gt guid'…'`) fails with a 500, so
//! offsets it is; ordering by `Ref_Key` keeps pages stable while nothing is inserted.

use futures::{stream, Stream, StreamExt, TryStreamExt};
use onec_model::Ref;
use reqwest::Method;

use super::client::{Format, OdataClient, Request, Retry};
use super::error::OdataError;
use super::filter::Filter;
use super::{atom, json};
use crate::raw::{RawObject, RawValue};

/// One row of a change-detection scan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionRow {
    /// The object's reference.
    pub reference: Ref,
    /// The opaque `DataVersion` (it changes on every write of the object).
    pub data_version: String,
    /// Whether the object is marked for deletion.
    pub deletion_mark: bool,
}

/// A read of one entity set, built step by step and run with [`Query::fetch`].
#[derive(Clone, Debug)]
#[must_use = "a query does nothing until fetched"]
pub struct Query {
    client: OdataClient,
    set: String,
    select: Vec<String>,
    filter: Option<Filter>,
    order_by_ref: bool,
    top: Option<usize>,
    page_size: Option<usize>,
}

impl OdataClient {
    /// Starts a read of `set` (ordered by `Ref_Key` unless [`Query::unordered`] is called).
    pub fn query(&self, set: &str) -> Query {
        Query {
            client: self.clone(),
            set: set.to_owned(),
            select: Vec::new(),
            filter: None,
            order_by_ref: true,
            top: None,
            page_size: None,
        }
    }

    /// One object by reference.
    pub async fn get(&self, set: &str, reference: Ref) -> Result<RawObject, OdataError> {
        let response = self
            .send(Request {
                method: Method::GET,
                resource: format!("{set}(guid'{reference}')"),
                query: format_option(self.options().format),
                body: None,
                accept: accept(self.options().format),
                retry: Retry::Also500,
            })
            .await?;
        let mut objects = parse_objects(self.options().format, &response.body, set)?;
        match objects.len() {
            1 => Ok(objects.remove(0)),
            n => Err(OdataError::Decode {
                set: set.to_owned(),
                line: 1,
                column: 1,
                message: format!("expected one object for {reference}, got {n}"),
            }),
        }
    }

    /// The `Ref_Key`, `DataVersion` and `DeletionMark` of every object of `set`: the cheap scan
    /// that tells which objects changed since the last one.
    pub async fn versions(&self, set: &str) -> Result<Vec<VersionRow>, OdataError> {
        let mut rows = Vec::new();
        // Each page is turned into compact rows as it arrives, so that a large set is never held
        // as raw objects.
        self.query(set)
            .select(&["Ref_Key", "DataVersion", "DeletionMark"])
            .for_each_page(|page| {
                rows.reserve(page.len());
                for o in &page {
                    let reference = o
                        .ref_key()
                        .map_err(|e| decode(set, e.to_string()))?
                        .ok_or_else(|| decode(set, "an object without Ref_Key".into()))?;
                    let deletion_mark = o
                        .boolean("DeletionMark")
                        .map_err(|e| decode(set, e.to_string()))?
                        .unwrap_or(false);
                    rows.push(VersionRow {
                        reference,
                        data_version: o.text("DataVersion").unwrap_or_default(),
                        deletion_mark,
                    });
                }
                Ok(())
            })
            .await?;
        Ok(rows)
    }

    /// The objects of `set` with these references (in chunks of
    /// [`super::filter::OR_CHUNK`] so that URLs stay short), `select` columns only when not empty.
    /// Missing references are simply absent from the result.
    pub async fn get_by_refs(
        &self,
        set: &str,
        refs: &[Ref],
        select: &[&str],
    ) -> Result<Vec<RawObject>, OdataError> {
        let pages: Vec<Vec<RawObject>> =
            self.pages_by_refs(set, refs, select).try_collect().await?;
        Ok(pages.into_iter().flatten().collect())
    }

    /// The objects of `set` with these references as a stream of pages, one per chunk of
    /// [`super::filter::OR_CHUNK`] references, in the order of the sorted references, with as
    /// many chunks in flight as the client's concurrency allows. A consumer that handles each page
    /// as it comes (writes it to a cache and drops it) never holds more than those pages.
    pub fn pages_by_refs(
        &self,
        set: &str,
        refs: &[Ref],
        select: &[&str],
    ) -> impl Stream<Item = Result<Vec<RawObject>, OdataError>> + Send + 'static {
        let mut unique = refs.to_vec();
        unique.sort();
        unique.dedup();
        let client = self.clone();
        let set = set.to_owned();
        let select: Vec<String> = select.iter().map(|s| (*s).to_owned()).collect();
        let concurrency = self.options().concurrency.max(1);
        stream::iter(Filter::refs_in("Ref_Key", &unique))
            .map(move |f| {
                let mut query = client.query(&set).filter(f);
                query.select.clone_from(&select);
                query.fetch()
            })
            .buffered(concurrency)
    }

    /// The number of objects matching `filter` (`/$count`).
    pub async fn count(&self, set: &str, filter: Option<&Filter>) -> Result<u64, OdataError> {
        let mut query = Vec::new();
        if let Some(f) = filter {
            query.push(("$filter".to_owned(), f.to_string()));
        }
        let response = self
            .send(Request {
                method: Method::GET,
                resource: format!("{set}/$count"),
                query,
                body: None,
                accept: "text/plain",
                retry: Retry::Also500,
            })
            .await?;
        json::parse_count(&response.body)
    }
}

impl Query {
    /// Reads only these properties (`$select`); tabular sections are named like properties.
    pub fn select(mut self, fields: &[&str]) -> Self {
        self.select = fields.iter().map(|s| (*s).to_owned()).collect();
        self
    }

    /// Reads only the objects matching the filter (combined with `and` when called again).
    pub fn filter(mut self, filter: Filter) -> Self {
        self.filter = Some(match self.filter.take() {
            Some(existing) => existing.and(filter),
            None => filter,
        });
        self
    }

    /// Orders by `Ref_Key` (the default), which keeps `$skip` paging stable.
    pub fn order_by_ref(mut self) -> Self {
        self.order_by_ref = true;
        self
    }

    /// Sends no `$orderby` (for registers and other sets without `Ref_Key`).
    pub fn unordered(mut self) -> Self {
        self.order_by_ref = false;
        self
    }

    /// Reads at most `n` objects.
    pub fn top(mut self, n: usize) -> Self {
        self.top = Some(n);
        self
    }

    /// Overrides the client's page size for this read.
    pub fn page_size(mut self, n: usize) -> Self {
        self.page_size = Some(n.max(1));
        self
    }

    /// Reads every page and returns all objects.
    pub async fn fetch(self) -> Result<Vec<RawObject>, OdataError> {
        let mut all = Vec::new();
        self.for_each_page(|page| {
            all.extend(page);
            Ok(())
        })
        .await?;
        Ok(all)
    }

    /// Reads page by page, handing each page to `sink` as it arrives (so that large sets need not
    /// be held in memory twice). A sink error stops the read.
    pub async fn for_each_page<F>(self, mut sink: F) -> Result<(), OdataError>
    where
        F: FnMut(Vec<RawObject>) -> Result<(), OdataError>,
    {
        let options = self.client.options().clone();
        let mut page = self.page_size.unwrap_or(options.page_size).max(1);
        let min_page = options.min_page_size.clamp(1, page);
        let mut offset = 0usize;
        let mut previous_first: Option<RawValue> = None;
        loop {
            let want = match self.top {
                Some(top) if offset >= top => return Ok(()),
                Some(top) => page.min(top - offset),
                None => page,
            };
            let retry = if want > min_page {
                Retry::TransientOnly
            } else {
                Retry::Also500
            };
            let result = self.page(want, offset, retry).await;
            let objects = match result {
                Ok(objects) => objects,
                Err(err) if err.status() == Some(500) && want > min_page => {
                    let smaller = (want / 4).max(min_page);
                    tracing::warn!(set = %self.set, offset, from = want, to = smaller, error = %err, "1C failed a page; shrinking it");
                    page = smaller;
                    continue;
                }
                Err(err) => return Err(err),
            };
            let got = objects.len();
            let first = objects.first().and_then(|o| o.get("Ref_Key").cloned());
            if offset > 0 && got > 0 && first.is_some() && first == previous_first {
                return Err(decode(
                    &self.set,
                    format!("the server ignores $skip: the page at offset {offset} repeats the previous one"),
                ));
            }
            previous_first = first;
            sink(objects)?;
            if got != want {
                // A short page is the last; a longer one means the server ignored `$top` and
                // sent everything.
                return Ok(());
            }
            offset += got;
        }
    }

    async fn page(
        &self,
        top: usize,
        skip: usize,
        retry: Retry,
    ) -> Result<Vec<RawObject>, OdataError> {
        let format = self.client.options().format;
        let mut query = format_option(format);
        if !self.select.is_empty() {
            query.push(("$select".into(), self.select.join(",")));
        }
        if let Some(f) = &self.filter {
            query.push(("$filter".into(), f.to_string()));
        }
        if self.order_by_ref {
            query.push(("$orderby".into(), "Ref_Key".into()));
        }
        query.push(("$top".into(), top.to_string()));
        if skip > 0 {
            query.push(("$skip".into(), skip.to_string()));
        }
        let response = self
            .client
            .send(Request {
                method: Method::GET,
                resource: self.set.clone(),
                query,
                body: None,
                accept: accept(format),
                retry,
            })
            .await?;
        parse_objects(format, &response.body, &self.set)
    }
}

/// The `$format` option of a read in this format (Atom is 1C's default and needs none).
pub(crate) fn format_option(format: Format) -> Vec<(String, String)> {
    match format {
        Format::Json => vec![("$format".into(), "json".into())],
        Format::Atom => Vec::new(),
    }
}

/// The `Accept` header for a format.
pub(crate) fn accept(format: Format) -> &'static str {
    match format {
        Format::Json => "application/json",
        Format::Atom => "application/atom+xml",
    }
}

/// Parses a read answer; objects without a set (JSON) get `set`.
pub(crate) fn parse_objects(
    format: Format,
    body: &[u8],
    set: &str,
) -> Result<Vec<RawObject>, OdataError> {
    match format {
        Format::Json => json::parse_feed(body, set),
        Format::Atom => atom::parse_feed(body).map_err(|e| match e {
            OdataError::Decode {
                line,
                column,
                message,
                ..
            } => OdataError::Decode {
                set: set.to_owned(),
                line,
                column,
                message,
            },
            other => other,
        }),
    }
}

fn decode(set: &str, message: String) -> OdataError {
    OdataError::Decode {
        set: set.to_owned(),
        line: 1,
        column: 1,
        message,
    }
}
