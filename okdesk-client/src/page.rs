//! Pagination as streams, for Okdesk's two schemes.
//!
//! - **Keyset** (`companies/list`, `contacts/list`, `equipments/list`, …): `page[size]` (≤ 100),
//!   `page[direction]=forward`, `page[from_id]` = the last id seen (exclusive). The scan stops on a
//!   short or empty page.
//! - **Page number** (`issues/list` only): `page[number]` from 1 and `page[size]` (≤ 50). Records
//!   already yielded are skipped (an update can shift a record onto the next page), and the stream
//!   stops on a short page.
//!
//! Both guard against loops: a keyset page that does not move past `from_id`, or a numbered page that
//! brings nothing new, ends the stream with [`Error::PaginationLoop`] instead of spinning forever.

use std::collections::{HashSet, VecDeque};

use futures::stream::{BoxStream, StreamExt, TryStreamExt};
use serde::de::DeserializeOwned;

use crate::client::OkdeskClient;
use crate::error::{Error, Result};
use crate::query::Query;

/// Largest page on keyset endpoints.
pub const MAX_KEYSET_PAGE: u32 = 100;
/// Largest page on `issues/list`.
pub const MAX_ISSUES_PAGE: u32 = 50;

/// A record with a numeric id, which keyset pagination continues from.
pub trait HasId {
    /// The id as a number.
    fn page_id(&self) -> u64;
}

/// A stream of records from a paginated listing.
pub type RecordStream<T> = BoxStream<'static, Result<T>>;

struct KeysetState<T> {
    client: OkdeskClient,
    path: String,
    base: Query,
    size: u32,
    from: Option<u64>,
    done: bool,
    buffer: VecDeque<T>,
}

/// Streams every record of a keyset-paginated listing in ascending id order.
pub(crate) fn keyset<T>(
    client: OkdeskClient,
    path: &str,
    base: Query,
    page_size: u32,
) -> RecordStream<T>
where
    T: DeserializeOwned + HasId + Send + 'static,
{
    let state = KeysetState {
        client,
        path: path.to_owned(),
        base,
        size: page_size.clamp(1, MAX_KEYSET_PAGE),
        from: None,
        done: false,
        buffer: VecDeque::new(),
    };
    futures::stream::try_unfold(state, |mut st| async move {
        loop {
            if let Some(item) = st.buffer.pop_front() {
                return Ok(Some((item, st)));
            }
            if st.done {
                return Ok(None);
            }
            let mut q = st.base.clone();
            q.set("page[size]", st.size)
                .set("page[direction]", "forward");
            if let Some(from) = st.from {
                q.set("page[from_id]", from);
            }
            let page: Vec<T> = st.client.get(&st.path, &q).await?;
            if page.len() < st.size as usize {
                st.done = true;
            }
            match page.iter().map(HasId::page_id).max() {
                None => st.done = true,
                Some(last) => {
                    if let Some(prev) = st.from {
                        if last <= prev {
                            return Err(Error::PaginationLoop {
                                endpoint: format!("GET /api/v1/{}", st.path),
                                detail: format!("the page after id {prev} ends at id {last}"),
                            });
                        }
                    }
                    st.from = Some(last);
                }
            }
            let from = st.from;
            st.buffer.extend(page);
            tracing::trace!(path = %st.path, ?from, "keyset page");
        }
    })
    .boxed()
}

struct NumberedState<T> {
    client: OkdeskClient,
    path: String,
    base: Query,
    size: u32,
    number: u32,
    done: bool,
    seen: HashSet<u64>,
    buffer: VecDeque<T>,
}

/// Streams every record of a page-number listing (`issues/list`), skipping repeats.
pub(crate) fn numbered<T>(
    client: OkdeskClient,
    path: &str,
    base: Query,
    page_size: u32,
) -> RecordStream<T>
where
    T: DeserializeOwned + HasId + Send + 'static,
{
    let state = NumberedState {
        client,
        path: path.to_owned(),
        base,
        size: page_size.clamp(1, MAX_ISSUES_PAGE),
        number: 1,
        done: false,
        seen: HashSet::new(),
        buffer: VecDeque::new(),
    };
    futures::stream::try_unfold(state, |mut st| async move {
        loop {
            if let Some(item) = st.buffer.pop_front() {
                return Ok(Some((item, st)));
            }
            if st.done {
                return Ok(None);
            }
            let mut q = st.base.clone();
            q.set("page[number]", st.number).set("page[size]", st.size);
            let page: Vec<T> = st.client.get(&st.path, &q).await?;
            if page.len() < st.size as usize {
                st.done = true;
            }
            let total = page.len();
            let fresh: Vec<T> = page
                .into_iter()
                .filter(|r| st.seen.insert(r.page_id()))
                .collect();
            if total > 0 && fresh.is_empty() {
                return Err(Error::PaginationLoop {
                    endpoint: format!("GET /api/v1/{}", st.path),
                    detail: format!("page {} repeats only records already seen", st.number),
                });
            }
            st.number += 1;
            st.buffer.extend(fresh);
        }
    })
    .boxed()
}

/// Collects a stream into a `Vec`, stopping at the first error.
pub(crate) async fn collect<T>(stream: RecordStream<T>) -> Result<Vec<T>> {
    stream.try_collect().await
}
