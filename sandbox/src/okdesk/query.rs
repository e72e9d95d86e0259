//! Rails-style query strings (`key[]=a&key[]=b`, `page[size]=30`), the two pagination schemes
//! and the date formats of list filters.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use super::error::{ApiError, Errors};

/// The decoded query parameters of one request, in order. Names the endpoint does not know
/// have been removed by the gate (and counted) before a handler parses them.
pub(crate) struct Params(Vec<(String, String)>);

impl Params {
    pub(crate) fn parse(raw: Option<&str>) -> Params {
        Params(
            url::form_urlencoded::parse(raw.unwrap_or("").as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// Every `(name, value)` pair, in order.
    pub(crate) fn pairs(&self) -> impl Iterator<Item = &(String, String)> {
        self.0.iter()
    }

    /// The first value of `key`, if present and not empty.
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    /// All values of the array parameter `key[]` (a bare `key=` also counts).
    pub(crate) fn list(&self, key: &str) -> Vec<&str> {
        let array = format!("{key}[]");
        self.0
            .iter()
            .filter(|(k, _)| *k == array || k == key)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// An id array where `0` means "without": `(ids, with_none)`; ids that are not numbers are
    /// reported as 422 under the parameter's name.
    pub(crate) fn ids(&self, key: &str, errors: &mut Errors) -> Option<(Vec<u64>, bool)> {
        let values = self.list(key);
        if values.is_empty() {
            return None;
        }
        let mut ids = Vec::new();
        let mut none = false;
        for v in values {
            match v.parse::<u64>() {
                Ok(0) => none = true,
                Ok(id) => ids.push(id),
                Err(_) => errors.add(key, "должно иметь тип integer"),
            }
        }
        Some((ids, none))
    }

    /// `custom_parameters[code]=value` filters.
    pub(crate) fn custom_parameters(&self) -> Vec<(String, String)> {
        self.0
            .iter()
            .filter_map(|(k, v)| {
                let code = k.strip_prefix("custom_parameters[")?;
                let code = code.strip_suffix("[]").unwrap_or(code).strip_suffix(']')?;
                Some((code.to_owned(), v.clone()))
            })
            .collect()
    }
}

/// Keyset pagination (`page[size]` ≤ 100, `page[from_id]` exclusive, `page[direction]`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Keyset {
    pub(crate) size: usize,
    pub(crate) from_id: Option<u64>,
    pub(crate) forward: bool,
}

/// The default page size where a request gives none (the documentation names no default).
pub(crate) const DEFAULT_PAGE_SIZE: usize = 50;

fn page_size(params: &Params, max: usize, errors: &mut Errors) -> usize {
    match params.get("page[size]") {
        None => DEFAULT_PAGE_SIZE.min(max),
        Some(text) => match text.parse::<i64>() {
            Ok(n) if n > max as i64 => {
                errors.add_nested(
                    "page",
                    "size",
                    &format!("должно быть меньше или равно {max}"),
                );
                max
            }
            Ok(n) if n < 1 => {
                errors.add_nested("page", "size", "должно быть больше или равно 1");
                1
            }
            Ok(n) => n as usize,
            Err(_) => {
                errors.add_nested("page", "size", "должно иметь тип integer");
                max
            }
        },
    }
}

impl Keyset {
    pub(crate) fn parse(params: &Params, errors: &mut Errors) -> Keyset {
        let size = page_size(params, 100, errors);
        let from_id = match params.get("page[from_id]") {
            None => None,
            Some(text) => match text.parse::<u64>() {
                Ok(id) => Some(id),
                Err(_) => {
                    errors.add_nested("page", "from_id", "должно иметь тип integer");
                    None
                }
            },
        };
        let forward = match params.get("page[direction]") {
            None | Some("reverse") => false,
            Some("forward") => true,
            Some(_) => {
                errors.add_nested(
                    "page",
                    "direction",
                    "должен быть одним из: reverse, forward",
                );
                false
            }
        };
        Keyset {
            size,
            from_id,
            forward,
        }
    }

    /// Applies the page to `(id, item)` pairs in ascending id order.
    pub(crate) fn apply<'a, T: 'a>(
        &self,
        map: &'a std::collections::BTreeMap<u64, T>,
        mut keep: impl FnMut(&T) -> bool,
    ) -> Vec<&'a T> {
        let size = self.size;
        if self.forward {
            let start = self.from_id.map_or(0, |id| id.saturating_add(1));
            map.range(start..)
                .map(|(_, v)| v)
                .filter(|v| keep(v))
                .take(size)
                .collect()
        } else {
            let end = self.from_id.unwrap_or(u64::MAX);
            map.range(..end)
                .rev()
                .map(|(_, v)| v)
                .filter(|v| keep(v))
                .take(size)
                .collect()
        }
    }
}

/// Page-number pagination of `issues/list` (`page[number]` from 1, `page[size]` ≤ 50).
pub(crate) struct PageNumber {
    pub(crate) number: usize,
    pub(crate) size: usize,
}

impl PageNumber {
    pub(crate) fn parse(params: &Params, errors: &mut Errors) -> PageNumber {
        let size = page_size(params, 50, errors);
        let number = match params.get("page[number]") {
            None => 1,
            Some(text) => match text.parse::<i64>() {
                Ok(n) if n >= 1 => n as usize,
                Ok(_) => {
                    errors.add_nested("page", "number", "должно быть больше или равно 1");
                    1
                }
                Err(_) => {
                    errors.add_nested("page", "number", "должно иметь тип integer");
                    1
                }
            },
        };
        PageNumber { number, size }
    }
}

/// A date filter of issue endpoints: `dd-mm-yyyy` (day granularity, from the start of that
/// day), `dd-mm-yyyy HH:MM` or `dd-mm-yyyy HH:MM:SS`; `until` filters of a bare day run to the
/// day's end.
pub(crate) fn issue_date(
    params: &Params,
    key: &str,
    until: bool,
    errors: &mut Errors,
) -> Option<NaiveDateTime> {
    let text = params.get(key)?;
    // Seconds are taken too: clients of live accounts send `updated_since` to issues/list as
    // `dd-MM-yyyy HH:mm:ss` (the reference's second pass).
    let parsed = NaiveDateTime::parse_from_str(text, "%d-%m-%Y %H:%M:%S")
        .ok()
        .or_else(|| {
            // A minute given as `until` runs to that minute's end.
            NaiveDateTime::parse_from_str(text, "%d-%m-%Y %H:%M")
                .ok()
                .map(|t| {
                    if until {
                        t + chrono::Duration::seconds(59)
                    } else {
                        t
                    }
                })
        })
        .or_else(|| {
            NaiveDate::parse_from_str(text, "%d-%m-%Y")
                .ok()
                .map(|d| day_bound(d, until))
        });
    if parsed.is_none() {
        errors.add(key, "Неверный формат даты");
    }
    parsed
}

/// A date filter of company, equipment and maintenance-entity lists: `yyyy-mm-dd`.
pub(crate) fn list_date(
    params: &Params,
    key: &str,
    until: bool,
    errors: &mut Errors,
) -> Option<NaiveDateTime> {
    let text = params.get(key)?;
    let parsed = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .map(|d| day_bound(d, until));
    if parsed.is_none() {
        errors.add(key, "Неверный формат даты");
    }
    parsed
}

fn day_bound(day: NaiveDate, until: bool) -> NaiveDateTime {
    if until {
        day.and_time(NaiveTime::from_hms_milli_opt(23, 59, 59, 999).expect("a valid time"))
    } else {
        day.and_time(NaiveTime::MIN)
    }
}

/// Fails with 422 when the query had bad values.
pub(crate) fn check(errors: Errors) -> Result<(), ApiError> {
    errors.finish()
}
