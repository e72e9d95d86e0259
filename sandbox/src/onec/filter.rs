//! The `$filter` subset of 1C's standard OData interface: `eq ne gt ge lt le`, `and or not`,
//! parentheses, literals `guid'…'`, `datetime'…'`, `'strings'` (quotes doubled), numbers,
//! `true`/`false`/`null`, `cast(guid'…','Catalog_X')` against a composite, and the functions
//! `substringof`, `startswith`, `endswith`, `year`, `month`, `day`.
//!
//! Like 1C, string comparison ignores case, a composite compared with a bare `guid'…'` matches
//! nothing, and ordering comparisons of references fail with 1C's error about incompatible types.
//! Functions 1C knows but the simulator does not implement answer code 0; functions 1C does not
//! have (`contains`, `tolower`, …) answer code 21.

use chrono::Datelike;
use uuid::Uuid;

use super::value::{parse_date, Val};
use super::view::View;

/// A parsed filter expression.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Expr {
    Lit(Val),
    Prop(String),
    Cast(Uuid, String),
    Call(String, Vec<Expr>),
    Not(Box<Expr>),
    Bin(Op, Box<Expr>, Box<Expr>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    And,
    Or,
}

/// A filter that cannot be used, with 1C's error code (`14` parse error, `21` unknown function,
/// `0` not supported, `10` unknown property).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FilterError {
    pub(crate) code: &'static str,
    pub(crate) message: String,
}

fn parse_error(message: impl Into<String>) -> FilterError {
    FilterError {
        code: "14",
        message: message.into(),
    }
}

/// An error while evaluating (1C answers these with a 500).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct EvalError(pub(crate) String);

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Guid(Uuid),
    Date(Val),
    Num(f64),
    Open,
    Close,
    Comma,
}

const KNOWN_UNIMPLEMENTED: &[&str] = &[
    "substring",
    "concat",
    "like",
    "hour",
    "minute",
    "second",
    "quarter",
    "dayofweek",
    "dayofyear",
    "dateadd",
    "datedifference",
    "isof",
];

fn tokenize(text: &str) -> Result<Vec<Tok>, FilterError> {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    let quoted = |i: &mut usize| -> Result<String, FilterError> {
        // At an opening quote; doubled quotes inside are one quote.
        let mut s = String::new();
        *i += 1;
        loop {
            match chars.get(*i) {
                None => return Err(parse_error("незакрытая строка в $filter")),
                Some('\'') if chars.get(*i + 1) == Some(&'\'') => {
                    s.push('\'');
                    *i += 2;
                }
                Some('\'') => {
                    *i += 1;
                    return Ok(s);
                }
                Some(c) => {
                    s.push(*c);
                    *i += 1;
                }
            }
        }
    };
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '(' {
            out.push(Tok::Open);
            i += 1;
        } else if c == ')' {
            out.push(Tok::Close);
            i += 1;
        } else if c == ',' {
            out.push(Tok::Comma);
            i += 1;
        } else if c == '\'' {
            out.push(Tok::Str(quoted(&mut i)?));
        } else if c.is_ascii_digit()
            || (c == '-' && chars.get(i + 1).is_some_and(char::is_ascii_digit))
        {
            let start = i;
            i += 1;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            // OData type suffixes: 1M, 1.5d, 10L.
            if i < chars.len() && matches!(chars[i], 'M' | 'm' | 'd' | 'D' | 'L' | 'l' | 'f') {
                i += 1;
            }
            let lit: String = chars[start..i]
                .iter()
                .filter(|c| c.is_ascii_digit() || **c == '.' || **c == '-')
                .collect();
            out.push(Tok::Num(lit.parse().map_err(|_| {
                parse_error(format!("неверное число `{lit}` в $filter"))
            })?));
        } else if c.is_alphanumeric() || c == '_' || c == '$' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || matches!(chars[i], '_' | '/' | '.' | '$'))
            {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            if chars.get(i) == Some(&'\'') && (word == "guid" || word == "datetime") {
                let body = quoted(&mut i)?;
                if word == "guid" {
                    let g = Uuid::parse_str(body.trim())
                        .map_err(|_| parse_error(format!("неверный идентификатор guid'{body}'")))?;
                    out.push(Tok::Guid(g));
                } else {
                    let d = parse_date(&body)
                        .ok_or_else(|| parse_error(format!("неверная дата datetime'{body}'")))?;
                    out.push(Tok::Date(Val::Date(d)));
                }
            } else {
                out.push(Tok::Ident(word));
            }
        } else {
            return Err(parse_error(format!("неожиданный символ «{c}» в $filter")));
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn keyword(&self, kw: &str) -> bool {
        matches!(self.peek(), Some(Tok::Ident(w)) if w == kw)
    }

    fn or(&mut self) -> Result<Expr, FilterError> {
        let mut left = self.and()?;
        while self.keyword("or") {
            self.pos += 1;
            let right = self.and()?;
            left = Expr::Bin(Op::Or, Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, FilterError> {
        let mut left = self.unary()?;
        while self.keyword("and") {
            self.pos += 1;
            let right = self.unary()?;
            left = Expr::Bin(Op::And, Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, FilterError> {
        if self.keyword("not") {
            self.pos += 1;
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Expr, FilterError> {
        let left = self.primary()?;
        let op = match self.peek() {
            Some(Tok::Ident(w)) => match w.as_str() {
                "eq" => Some(Op::Eq),
                "ne" => Some(Op::Ne),
                "gt" => Some(Op::Gt),
                "ge" => Some(Op::Ge),
                "lt" => Some(Op::Lt),
                "le" => Some(Op::Le),
                "add" | "sub" | "mul" | "div" | "mod" => {
                    return Err(FilterError {
                        code: "0",
                        message: format!(
                            "арифметика `{w}` в $filter симулятором не поддерживается"
                        ),
                    })
                }
                _ => None,
            },
            _ => None,
        };
        match op {
            Some(op) => {
                self.pos += 1;
                let right = self.primary()?;
                Ok(Expr::Bin(op, Box::new(left), Box::new(right)))
            }
            None => Ok(left),
        }
    }

    fn primary(&mut self) -> Result<Expr, FilterError> {
        match self.next() {
            Some(Tok::Open) => {
                let e = self.or()?;
                match self.next() {
                    Some(Tok::Close) => Ok(e),
                    _ => Err(parse_error("ожидается «)» в $filter")),
                }
            }
            Some(Tok::Str(s)) => Ok(Expr::Lit(Val::Str(s))),
            Some(Tok::Guid(g)) => Ok(Expr::Lit(Val::Guid(g))),
            Some(Tok::Date(d)) => Ok(Expr::Lit(d)),
            Some(Tok::Num(n)) => Ok(Expr::Lit(Val::Num(n))),
            Some(Tok::Ident(w)) => {
                if self.peek() == Some(&Tok::Open) {
                    self.pos += 1;
                    let mut args = Vec::new();
                    if self.peek() != Some(&Tok::Close) {
                        loop {
                            args.push(self.or()?);
                            match self.next() {
                                Some(Tok::Comma) => continue,
                                Some(Tok::Close) => break,
                                _ => {
                                    return Err(parse_error(format!(
                                        "ожидается «,» или «)» в {w}(…)"
                                    )))
                                }
                            }
                        }
                    } else {
                        self.pos += 1;
                    }
                    return call(w, args);
                }
                match w.as_str() {
                    "true" => Ok(Expr::Lit(Val::Bool(true))),
                    "false" => Ok(Expr::Lit(Val::Bool(false))),
                    "null" => Ok(Expr::Lit(Val::Null)),
                    _ if w.contains('/') => Err(FilterError {
                        code: "0",
                        message: format!(
                            "обращение через навигационное свойство `{w}` симулятором не поддерживается"
                        ),
                    }),
                    _ => Ok(Expr::Prop(w)),
                }
            }
            Some(t) => Err(parse_error(format!("неожиданное {t:?} в $filter"))),
            None => Err(parse_error("неожиданный конец $filter")),
        }
    }
}

fn call(name: String, args: Vec<Expr>) -> Result<Expr, FilterError> {
    let arity = |n: usize| {
        if args.len() == n {
            Ok(())
        } else {
            Err(FilterError {
                code: "21",
                message: format!(
                    "функция {name} ожидает {n} аргумента, передано {}",
                    args.len()
                ),
            })
        }
    };
    match name.as_str() {
        "substringof" | "startswith" | "endswith" => arity(2)?,
        "year" | "month" | "day" => arity(1)?,
        "cast" => {
            arity(2)?;
            return match (&args[0], &args[1]) {
                (Expr::Lit(Val::Guid(g)), Expr::Lit(Val::Str(t))) => Ok(Expr::Cast(*g, t.clone())),
                _ => Err(FilterError {
                    code: "21",
                    message: "cast ожидает guid'…' и имя типа, например cast(guid'…','Catalog_Контрагенты')".into(),
                }),
            };
        }
        n if KNOWN_UNIMPLEMENTED.contains(&n) || n == "any" || n == "all" => {
            return Err(FilterError {
                code: "0",
                message: format!("функция {name} симулятором не поддерживается"),
            })
        }
        _ => {
            return Err(FilterError {
                code: "21",
                message: format!("функция {name} не реализована стандартным интерфейсом OData"),
            })
        }
    }
    Ok(Expr::Call(name, args))
}

/// Parses a `$filter` value.
pub(crate) fn parse(text: &str) -> Result<Expr, FilterError> {
    let toks = tokenize(text)?;
    let mut p = Parser { toks, pos: 0 };
    let e = p.or()?;
    if p.pos < p.toks.len() {
        return Err(parse_error(format!(
            "лишний текст в $filter после позиции {}",
            p.pos
        )));
    }
    Ok(e)
}

/// Checks that every property the filter names exists (`exists` answers per name).
pub(crate) fn check(expr: &Expr, exists: &dyn Fn(&str) -> bool) -> Result<(), FilterError> {
    match expr {
        Expr::Prop(p) if !exists(p) => Err(FilterError {
            code: "10",
            message: format!("Не найдено свойство «{p}» в $filter"),
        }),
        Expr::Call(_, args) => args.iter().try_for_each(|a| check(a, exists)),
        Expr::Not(e) => check(e, exists),
        Expr::Bin(_, a, b) => {
            check(a, exists)?;
            check(b, exists)
        }
        _ => Ok(()),
    }
}

fn lower(s: &str) -> String {
    s.to_lowercase()
}

fn num(v: &Val) -> Option<f64> {
    match v {
        Val::Int(i) => Some(*i as f64),
        Val::Short(i) => Some(f64::from(*i)),
        Val::Num(n) => Some(*n),
        _ => None,
    }
}

fn equal(a: &Val, b: &Val) -> bool {
    match (a, b) {
        (Val::Str(x), Val::Str(y)) => lower(x.trim_end()) == lower(y.trim_end()),
        (Val::Guid(x), Val::Guid(y)) => x == y,
        (Val::Date(x), Val::Date(y)) => x == y,
        (Val::Bool(x), Val::Bool(y)) => x == y,
        (Val::Null, Val::Null) => true,
        (Val::Null, _) | (_, Val::Null) => false,
        _ => match (num(a), num(b)) {
            (Some(x), Some(y)) => x == y,
            _ => false,
        },
    }
}

fn order(op: Op, a: &Val, b: &Val) -> Result<bool, EvalError> {
    let ord = match (a, b) {
        (Val::Guid(_), _) | (_, Val::Guid(_)) => {
            return Err(EvalError(
                "Нельзя сравнивать поля неограниченной длины и поля несовместимых типов".into(),
            ))
        }
        (Val::Str(x), Val::Str(y)) => lower(x).cmp(&lower(y)),
        (Val::Date(x), Val::Date(y)) => x.cmp(y),
        (Val::Bool(x), Val::Bool(y)) => x.cmp(y),
        _ => match (num(a), num(b)) {
            (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal),
            _ => return Ok(false),
        },
    };
    Ok(match op {
        Op::Gt => ord.is_gt(),
        Op::Ge => ord.is_ge(),
        Op::Lt => ord.is_lt(),
        _ => ord.is_le(),
    })
}

/// Compares a composite property with `cast(guid'…','Type')`.
fn composite_equal(view: &View<'_>, prop: &str, id: &Uuid, ty: &str) -> bool {
    let value = view.value(prop).map(|v| v.text()).unwrap_or_default();
    let value_type = view
        .value(&format!("{prop}_Type"))
        .map(|v| v.text())
        .unwrap_or_default();
    value.eq_ignore_ascii_case(&id.to_string()) && value_type == format!("StandardODATA.{ty}")
}

/// Evaluates an expression for one entity.
pub(crate) fn eval(expr: &Expr, view: &View<'_>) -> Result<Val, EvalError> {
    Ok(match expr {
        Expr::Lit(v) => v.clone(),
        Expr::Prop(p) => view.value(p).unwrap_or(Val::Null),
        Expr::Cast(g, _) => Val::Str(g.to_string()),
        Expr::Not(e) => Val::Bool(!truthy(&eval(e, view)?)),
        Expr::Bin(Op::And, a, b) => Val::Bool(truthy(&eval(a, view)?) && truthy(&eval(b, view)?)),
        Expr::Bin(Op::Or, a, b) => Val::Bool(truthy(&eval(a, view)?) || truthy(&eval(b, view)?)),
        Expr::Bin(op @ (Op::Eq | Op::Ne), a, b) => {
            let same = match (a.as_ref(), b.as_ref()) {
                (Expr::Prop(p), Expr::Cast(g, t)) | (Expr::Cast(g, t), Expr::Prop(p)) => {
                    composite_equal(view, p, g, t)
                }
                _ => equal(&eval(a, view)?, &eval(b, view)?),
            };
            Val::Bool(if *op == Op::Eq { same } else { !same })
        }
        Expr::Bin(op, a, b) => Val::Bool(order(*op, &eval(a, view)?, &eval(b, view)?)?),
        Expr::Call(name, args) => {
            let vals: Vec<Val> = args
                .iter()
                .map(|a| eval(a, view))
                .collect::<Result<_, _>>()?;
            match name.as_str() {
                "substringof" => {
                    Val::Bool(lower(&vals[1].text()).contains(&lower(&vals[0].text())))
                }
                "startswith" => {
                    Val::Bool(lower(&vals[0].text()).starts_with(&lower(&vals[1].text())))
                }
                "endswith" => Val::Bool(lower(&vals[0].text()).ends_with(&lower(&vals[1].text()))),
                "year" | "month" | "day" => match &vals[0] {
                    Val::Date(d) => Val::Int(i64::from(match name.as_str() {
                        "year" => d.year() as u32,
                        "month" => d.month(),
                        _ => d.day(),
                    })),
                    _ => Val::Null,
                },
                _ => Val::Null,
            }
        }
    })
}

/// Whether a value counts as true in a filter.
pub(crate) fn truthy(v: &Val) -> bool {
    matches!(v, Val::Bool(true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_1c_subset() {
        let e = parse(
            "(ИНН eq '7701234567' or substringof('ООО', Description)) and Ref_Key ne guid'00000000-0000-0000-0000-000000000000' and Date ge datetime'2025-01-01T00:00:00'",
        )
        .unwrap();
        assert!(matches!(e, Expr::Bin(Op::And, _, _)));
    }

    #[test]
    fn doubled_quotes_are_one_quote() {
        assert_eq!(
            parse("Description eq 'ООО ''Ромашка'''").unwrap(),
            Expr::Bin(
                Op::Eq,
                Box::new(Expr::Prop("Description".into())),
                Box::new(Expr::Lit(Val::Str("ООО 'Ромашка'".into())))
            )
        );
    }

    #[test]
    fn v4_contains_is_rejected_with_code_21() {
        assert_eq!(parse("contains(Description, 'a')").unwrap_err().code, "21");
        assert_eq!(parse("like(Description, 'a%')").unwrap_err().code, "0");
        assert_eq!(parse("Description eq").unwrap_err().code, "14");
    }
}
