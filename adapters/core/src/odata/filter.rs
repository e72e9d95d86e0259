//! A `$filter` builder for the subset of OData v3 1C supports: comparisons with correctly quoted
//! literals (`guid'…'`, `datetime'…'` without offset, strings with doubled quotes), `substringof`,
//! `and`/`or`/`not`, and chunking of long `or`-lists so that URLs stay under proxy limits.
//!
//! The builder renders the expression text; URL encoding (spaces as `%20`, Cyrillic as UTF-8) is
//! the client's job.

use std::fmt;

use chrono::NaiveDateTime;
use onec_model::Ref;

/// How many keys go into one `or`-list: each Cyrillic letter costs six URL characters and nginx
/// answers 414 at about 8,000, so 25 GUID comparisons is a safe page.
pub const OR_CHUNK: usize = 25;

/// A literal value in a `$filter` expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    /// `guid'…'`.
    Guid(Ref),
    /// The zero GUID, 1C's empty reference (`guid'00000000-0000-0000-0000-000000000000'`).
    EmptyRef,
    /// `datetime'YYYY-MM-DDTHH:MM:SS'`, naive server-local time.
    DateTime(NaiveDateTime),
    /// A string (also enum values by name), quoted with inner quotes doubled.
    Str(String),
    /// `true` / `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A fractional number.
    Double(f64),
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Guid(r) => write!(f, "guid'{r}'"),
            Literal::EmptyRef => f.write_str("guid'00000000-0000-0000-0000-000000000000'"),
            Literal::DateTime(d) => write!(f, "datetime'{}'", d.format("%Y-%m-%dT%H:%M:%S")),
            Literal::Str(s) => write!(f, "'{}'", s.replace('\'', "''")),
            Literal::Bool(b) => write!(f, "{b}"),
            Literal::Int(i) => write!(f, "{i}"),
            Literal::Double(d) => write!(f, "{d}"),
        }
    }
}

impl From<Ref> for Literal {
    fn from(r: Ref) -> Self {
        Literal::Guid(r)
    }
}

impl From<&str> for Literal {
    fn from(s: &str) -> Self {
        Literal::Str(s.to_owned())
    }
}

impl From<String> for Literal {
    fn from(s: String) -> Self {
        Literal::Str(s)
    }
}

impl From<bool> for Literal {
    fn from(b: bool) -> Self {
        Literal::Bool(b)
    }
}

impl From<i64> for Literal {
    fn from(i: i64) -> Self {
        Literal::Int(i)
    }
}

impl From<i32> for Literal {
    fn from(i: i32) -> Self {
        Literal::Int(i64::from(i))
    }
}

impl From<NaiveDateTime> for Literal {
    fn from(d: NaiveDateTime) -> Self {
        Literal::DateTime(d)
    }
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `eq`
    Eq,
    /// `ne`
    Ne,
    /// `gt`
    Gt,
    /// `ge`
    Ge,
    /// `lt`
    Lt,
    /// `le`
    Le,
}

impl Op {
    fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "eq",
            Op::Ne => "ne",
            Op::Gt => "gt",
            Op::Ge => "ge",
            Op::Lt => "lt",
            Op::Le => "le",
        }
    }
}

/// A `$filter` expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Filter {
    /// `field op literal`.
    Cmp(String, Op, Literal),
    /// `substringof('needle', field)` (1C has no v4 `contains`).
    SubstringOf(String, String),
    /// All of these.
    And(Vec<Filter>),
    /// Any of these.
    Or(Vec<Filter>),
    /// `not (…)`.
    Not(Box<Filter>),
    /// Expression text written by hand, used as given (for functions the builder lacks).
    Raw(String),
}

impl Filter {
    /// `field eq value`.
    pub fn eq(field: impl Into<String>, value: impl Into<Literal>) -> Filter {
        Filter::Cmp(field.into(), Op::Eq, value.into())
    }

    /// `field ne value`.
    pub fn ne(field: impl Into<String>, value: impl Into<Literal>) -> Filter {
        Filter::Cmp(field.into(), Op::Ne, value.into())
    }

    /// `field op value`.
    pub fn cmp(field: impl Into<String>, op: Op, value: impl Into<Literal>) -> Filter {
        Filter::Cmp(field.into(), op, value.into())
    }

    /// `substringof('needle', field)`.
    pub fn substring_of(needle: impl Into<String>, field: impl Into<String>) -> Filter {
        Filter::SubstringOf(needle.into(), field.into())
    }

    /// This and the other.
    pub fn and(self, other: Filter) -> Filter {
        match self {
            Filter::And(mut all) => {
                all.push(other);
                Filter::And(all)
            }
            first => Filter::And(vec![first, other]),
        }
    }

    /// This or the other.
    pub fn or(self, other: Filter) -> Filter {
        match self {
            Filter::Or(mut any) => {
                any.push(other);
                Filter::Or(any)
            }
            first => Filter::Or(vec![first, other]),
        }
    }

    /// `field eq guid'…' or …` for a list of references, split into chunks of [`OR_CHUNK`].
    /// An empty list gives no filters (the caller asks for nothing).
    pub fn refs_in(field: &str, refs: &[Ref]) -> Vec<Filter> {
        Filter::any_of(field, refs.iter().map(|r| Literal::Guid(*r)))
    }

    /// `field eq v1 or field eq v2 …` for any literals, chunked like [`Filter::refs_in`].
    pub fn any_of(field: &str, values: impl IntoIterator<Item = Literal>) -> Vec<Filter> {
        let values: Vec<Literal> = values.into_iter().collect();
        values
            .chunks(OR_CHUNK)
            .map(|chunk| {
                Filter::Or(
                    chunk
                        .iter()
                        .map(|v| Filter::Cmp(field.to_owned(), Op::Eq, v.clone()))
                        .collect(),
                )
            })
            .collect()
    }

    fn write(&self, f: &mut fmt::Formatter<'_>, nested: bool) -> fmt::Result {
        match self {
            Filter::Cmp(field, op, lit) => write!(f, "{field} {} {lit}", op.as_str()),
            Filter::SubstringOf(needle, field) => {
                write!(f, "substringof({}, {field})", Literal::Str(needle.clone()))
            }
            Filter::And(parts) | Filter::Or(parts) => {
                let joiner = if matches!(self, Filter::And(_)) {
                    " and "
                } else {
                    " or "
                };
                let paren = nested && parts.len() > 1;
                if paren {
                    f.write_str("(")?;
                }
                for (i, p) in parts.iter().enumerate() {
                    if i > 0 {
                        f.write_str(joiner)?;
                    }
                    p.write(f, true)?;
                }
                if paren {
                    f.write_str(")")?;
                }
                Ok(())
            }
            Filter::Not(inner) => {
                f.write_str("not (")?;
                inner.write(f, false)?;
                f.write_str(")")
            }
            Filter::Raw(text) if nested => write!(f, "({text})"),
            Filter::Raw(text) => f.write_str(text),
        }
    }
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, false)
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn r(s: &str) -> Ref {
        s.parse().unwrap()
    }

    #[test]
    fn literals_are_quoted_the_1c_way() {
        let d = NaiveDate::from_ymd_opt(2024, 1, 2)
            .unwrap()
            .and_hms_opt(3, 4, 5)
            .unwrap();
        let f = Filter::eq("Контрагент_Key", r("8d04ce3c-0b8c-11e5-80c6-0050568b35ac"))
            .and(Filter::cmp("Date", Op::Ge, d))
            .and(Filter::eq("Description", "ООО \"Рога\" и 'Копыта'"))
            .and(Filter::eq("DeletionMark", false));
        assert_eq!(
            f.to_string(),
            "Контрагент_Key eq guid'8d04ce3c-0b8c-11e5-80c6-0050568b35ac' and Date ge datetime'2024-01-02T03:04:05' \
             and Description eq 'ООО \"Рога\" и ''Копыта''' and DeletionMark eq false"
        );
    }

    #[test]
    fn nesting_gets_parentheses() {
        let f = Filter::eq("A", 1).and(Filter::eq("B", 2).or(Filter::substring_of("it's", "C")));
        assert_eq!(
            f.to_string(),
            "A eq 1 and (B eq 2 or substringof('it''s', C))"
        );
        assert_eq!(
            Filter::Not(Box::new(Filter::eq("A", 1).or(Filter::eq("A", 2)))).to_string(),
            "not (A eq 1 or A eq 2)"
        );
    }

    #[test]
    fn long_or_lists_are_chunked() {
        let refs: Vec<Ref> = (0..60)
            .map(|i| Ref::derived("test", &i.to_string()))
            .collect();
        let chunks = Filter::refs_in("Ref_Key", &refs);
        assert_eq!(chunks.len(), 3);
        let Filter::Or(first) = &chunks[0] else {
            panic!()
        };
        assert_eq!(first.len(), OR_CHUNK);
        assert!(chunks[2].to_string().matches(" or ").count() == 9);
        assert!(Filter::refs_in("Ref_Key", &[]).is_empty());
    }
}
