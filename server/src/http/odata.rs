//! The small part of OData's query language the Graph-compatible reports take: `$top` and a
//! `$filter` of comparisons joined by `and`, e.g.
//! `isSsprRegistered eq true and userType eq 'guest'` or
//! `createdDateTime ge 2026-01-01T00:00:00Z`.
//!
//! A clause is `property op value`, where `op` is `eq`, `ne`, `gt`, `ge`, `lt` or `le`, and a
//! value is `true`, `false`, a whole number, a `'quoted string'` (a quote doubled inside) or an
//! ISO 8601 date and time. `or`, `not`, parentheses and functions are refused, as is a property
//! the report does not filter on: each report checks the clauses it gets. A filter that does
//! not parse answers 400 `invalid_filter` naming what is wrong.

use crate::error::ApiError;
use sspr_api::ErrorCode;

/// The longest `$filter` read.
pub const MAX_FILTER_CHARS: usize = 1024;

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

/// A literal value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Bool(bool),
    Int(i64),
    Text(String),
    /// Unix milliseconds.
    Time(i64),
}

/// One `property op value` comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    pub property: String,
    pub op: Op,
    pub value: Value,
}

/// 400 `invalid_filter` with `message`.
pub fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidFilter, message)
}

/// The page size from `$top`: 1 to `max`, `default` when absent; 400 `validation_failed`
/// otherwise.
pub fn top(raw: Option<&str>, default: u32, max: u32) -> Result<u32, ApiError> {
    match raw {
        None => Ok(default),
        Some(raw) => match super::query::whole_number::<u32>(raw) {
            Some(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(ApiError::validation(format!(
                "$top must be a whole number from 1 to {max}."
            ))),
        },
    }
}

/// The clauses of a `$filter` (none when it is absent or blank).
pub fn parse(raw: Option<&str>) -> Result<Vec<Clause>, ApiError> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(Vec::new());
    };
    if raw.chars().count() > MAX_FILTER_CHARS {
        return Err(invalid(format!(
            "$filter is longer than {MAX_FILTER_CHARS} characters."
        )));
    }
    let tokens = tokens(raw)?;
    let mut clauses = Vec::new();
    let mut rest = tokens.as_slice();
    loop {
        let [Token::Word(property), Token::Word(op), value, tail @ ..] = rest else {
            return Err(invalid(
                "$filter must be comparisons such as `property eq value`, joined by `and`.",
            ));
        };
        if !property
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '/')
        {
            return Err(invalid(format!("`{property}` is not a property name.")));
        }
        let op = match op.as_str() {
            "eq" => Op::Eq,
            "ne" => Op::Ne,
            "gt" => Op::Gt,
            "ge" => Op::Ge,
            "lt" => Op::Lt,
            "le" => Op::Le,
            other => {
                return Err(invalid(format!(
                    "`{other}` is not an operator: use eq, ne, gt, ge, lt or le."
                )))
            }
        };
        clauses.push(Clause {
            property: property.clone(),
            op,
            value: literal(value)?,
        });
        match tail {
            [] => return Ok(clauses),
            [Token::Word(and), more @ ..] if and == "and" && !more.is_empty() => rest = more,
            _ => {
                return Err(invalid(
                    "Join comparisons with `and`; `or`, `not` and parentheses are not supported.",
                ))
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(String),
    Quoted(String),
}

fn tokens(raw: &str) -> Result<Vec<Token>, ApiError> {
    let mut tokens = Vec::new();
    let mut chars = raw.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '\'' {
            chars.next();
            let mut text = String::new();
            loop {
                match chars.next() {
                    Some('\'') if chars.peek() == Some(&'\'') => {
                        chars.next();
                        text.push('\'');
                    }
                    Some('\'') => break,
                    Some(c) if c.is_control() => {
                        return Err(invalid("$filter holds a control character."))
                    }
                    Some(c) => text.push(c),
                    None => return Err(invalid("$filter has a quote that is not closed.")),
                }
            }
            tokens.push(Token::Quoted(text));
        } else {
            let mut word = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() || c == '\'' {
                    break;
                }
                if !(c.is_ascii_alphanumeric() || "/:.-+_".contains(c)) {
                    return Err(invalid(format!(
                        "`{c}` is not allowed here in $filter; functions and parentheses are not supported."
                    )));
                }
                word.push(c);
                chars.next();
            }
            tokens.push(Token::Word(word));
        }
    }
    Ok(tokens)
}

fn literal(token: &Token) -> Result<Value, ApiError> {
    match token {
        Token::Quoted(text) => Ok(Value::Text(text.clone())),
        Token::Word(word) if word == "true" => Ok(Value::Bool(true)),
        Token::Word(word) if word == "false" => Ok(Value::Bool(false)),
        Token::Word(word) => {
            if let Ok(n) = word.parse::<i64>() {
                return Ok(Value::Int(n));
            }
            time::OffsetDateTime::parse(word, &time::format_description::well_known::Rfc3339)
                .ok()
                .and_then(|t| i64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok())
                .filter(|ms| *ms >= 0)
                .map(Value::Time)
                .ok_or_else(|| {
                    invalid(format!(
                        "`{word}` is not a value: use true, false, a number, 'text' or a date \
                         and time such as 2026-01-31T00:00:00Z."
                    ))
                })
        }
    }
}

impl Clause {
    /// The clause's value as a boolean for an `eq`/`ne` test on `property`.
    pub fn boolean(&self) -> Result<bool, ApiError> {
        match (&self.op, &self.value) {
            (Op::Eq, Value::Bool(b)) => Ok(*b),
            (Op::Ne, Value::Bool(b)) => Ok(!*b),
            _ => Err(invalid(format!(
                "{} takes `eq true`, `eq false`, `ne true` or `ne false`.",
                self.property
            ))),
        }
    }

    /// The clause's text for an `eq` test.
    pub fn text_eq(&self) -> Result<&str, ApiError> {
        match (&self.op, &self.value) {
            (Op::Eq, Value::Text(t)) => Ok(t),
            _ => Err(invalid(format!("{} takes `eq 'text'`.", self.property))),
        }
    }

    /// The time range the clause sets, as `(from inclusive, to exclusive)` in unix ms.
    pub fn time_range(&self) -> Result<(Option<i64>, Option<i64>), ApiError> {
        let Value::Time(t) = self.value else {
            return Err(invalid(format!(
                "{} takes a date and time such as 2026-01-31T00:00:00Z.",
                self.property
            )));
        };
        match self.op {
            Op::Ge => Ok((Some(t), None)),
            Op::Gt => Ok((Some(t + 1), None)),
            Op::Lt => Ok((None, Some(t))),
            Op::Le => Ok((None, Some(t + 1))),
            Op::Eq => Ok((Some(t), Some(t + 1))),
            Op::Ne => Err(invalid(format!(
                "{} takes ge, gt, le, lt or eq.",
                self.property
            ))),
        }
    }
}

/// A property no report filters on.
pub fn unsupported(clause: &Clause, supported: &str) -> ApiError {
    invalid(format!(
        "This report cannot filter on `{}`; it filters on {supported}.",
        clause.property
    ))
}

/// `value` percent-encoded for a query string.
pub fn encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparisons_joined_by_and_parse() {
        let clauses = parse(Some(
            "isSsprRegistered eq true and userType eq 'gu''est' and createdDateTime ge 2026-01-02T03:04:05Z and status/errorCode ne 0",
        ))
        .expect("parses");
        assert_eq!(clauses.len(), 4);
        assert_eq!(clauses[0].value, Value::Bool(true));
        assert_eq!(clauses[1].value, Value::Text("gu'est".into()));
        assert_eq!(clauses[2].value, Value::Time(1_767_323_045_000));
        assert_eq!(clauses[3].op, Op::Ne);
        assert!(parse(Some("  ")).expect("blank").is_empty());
    }

    #[test]
    fn anything_else_is_refused() {
        for bad in [
            "isSsprRegistered",
            "isSsprRegistered eq",
            "a eq true or b eq true",
            "a eq true and",
            "startswith(userPrincipalName, 'a')",
            "a like 'x'",
            "a eq 'open",
            "a eq yesterday",
            "a eq 2026-13-01T00:00:00Z",
        ] {
            match parse(Some(bad)) {
                Err(ApiError::Refused(details)) => {
                    assert_eq!(details.code, ErrorCode::InvalidFilter, "{bad}")
                }
                other => panic!("{bad}: {other:?}"),
            }
        }
    }

    #[test]
    fn top_is_bounded() {
        assert_eq!(top(None, 100, 999).expect("default"), 100);
        assert_eq!(top(Some("999"), 100, 999).expect("max"), 999);
        for bad in ["0", "1000", "-1", "x", ""] {
            assert!(top(Some(bad), 100, 999).is_err(), "{bad}");
        }
    }
}
