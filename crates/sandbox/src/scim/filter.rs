//! RFC 7644 §3.4.2.2 filters: `eq ne co sw ew pr gt ge lt le`, `and`/`or`/`not`, grouping and
//! value paths (`emails[type eq "work"]`). No maintained Rust crate fits (the candidates are
//! unmaintained or tied to their own resource types), so this is a small, tested module.
//! Attribute names are case-insensitive; string comparison is case-insensitive except for
//! the case-exact `id` and `externalId` (RFC 7643 §4.1/§3.1).

use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Filter {
    Compare {
        path: String,
        op: Op,
        value: Value,
    },
    Present(String),
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
    /// `attr[filter]`: some element of the multi-valued `attr` matches `filter`.
    ValuePath {
        path: String,
        filter: Box<Filter>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Eq,
    Ne,
    Co,
    Sw,
    Ew,
    Gt,
    Ge,
    Lt,
    Le,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Open,
    Close,
    OpenBracket,
    CloseBracket,
    Word(String),
    Str(String),
}

fn tokenize(input: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = input.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' | '\n' | '\r' => i += 1,
            '(' => {
                tokens.push(Token::Open);
                i += 1;
            }
            ')' => {
                tokens.push(Token::Close);
                i += 1;
            }
            '[' => {
                tokens.push(Token::OpenBracket);
                i += 1;
            }
            ']' => {
                tokens.push(Token::CloseBracket);
                i += 1;
            }
            '"' => {
                let mut s = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err("unterminated string".into()),
                        Some('"') => {
                            i += 1;
                            break;
                        }
                        Some('\\') => {
                            let escaped = chars.get(i + 1).ok_or("dangling escape")?;
                            s.push(match escaped {
                                'n' => '\n',
                                't' => '\t',
                                other => *other,
                            });
                            i += 2;
                        }
                        Some(other) => {
                            s.push(*other);
                            i += 1;
                        }
                    }
                }
                tokens.push(Token::Str(s));
            }
            _ => {
                let start = i;
                while i < chars.len()
                    && !matches!(
                        chars[i],
                        ' ' | '\t' | '\n' | '\r' | '(' | ')' | '[' | ']' | '"'
                    )
                {
                    i += 1;
                }
                tokens.push(Token::Word(chars[start..i].iter().collect()));
            }
        }
    }
    Ok(tokens)
}

/// How deeply groups, value paths and `not` may nest in a filter (RFC 7644 §3.4.2.2 sets no
/// bound; real filters nest a few levels).
const MAX_NESTING: usize = 64;

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    /// Current nesting of `unary`, bounded by [`MAX_NESTING`].
    depth: usize,
}

fn op_of(word: &str) -> Option<Op> {
    Some(match word.to_ascii_lowercase().as_str() {
        "eq" => Op::Eq,
        "ne" => Op::Ne,
        "co" => Op::Co,
        "sw" => Op::Sw,
        "ew" => Op::Ew,
        "gt" => Op::Gt,
        "ge" => Op::Ge,
        "lt" => Op::Lt,
        "le" => Op::Le,
        _ => return None,
    })
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }
    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        t
    }
    fn peek_keyword(&self, kw: &str) -> bool {
        matches!(self.peek(), Some(Token::Word(w)) if w.eq_ignore_ascii_case(kw))
    }

    fn or(&mut self) -> Result<Filter, String> {
        let mut left = self.and()?;
        while self.peek_keyword("or") {
            self.pos += 1;
            left = Filter::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Filter, String> {
        let mut left = self.unary()?;
        while self.peek_keyword("and") {
            self.pos += 1;
            left = Filter::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Filter, String> {
        // Each `(`, `[` and `not(` recurses: bound the nesting, or a request of many `(`
        // overflows the stack (found by the sandbox_filter fuzz target).
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(format!("filter nested deeper than {MAX_NESTING} levels"));
        }
        let result = self.unary_inner();
        self.depth -= 1;
        result
    }

    fn unary_inner(&mut self) -> Result<Filter, String> {
        if self.peek_keyword("not") && self.tokens.get(self.pos + 1) == Some(&Token::Open) {
            self.pos += 1;
            return Ok(Filter::Not(Box::new(self.unary()?)));
        }
        match self.next() {
            Some(Token::Open) => {
                let inner = self.or()?;
                match self.next() {
                    Some(Token::Close) => Ok(inner),
                    _ => Err("missing )".into()),
                }
            }
            Some(Token::Word(path)) => {
                if self.peek() == Some(&Token::OpenBracket) {
                    self.pos += 1;
                    let inner = self.or()?;
                    if self.next() != Some(Token::CloseBracket) {
                        return Err("missing ]".into());
                    }
                    return Ok(Filter::ValuePath {
                        path,
                        filter: Box::new(inner),
                    });
                }
                let op_word = match self.next() {
                    Some(Token::Word(w)) => w,
                    _ => return Err(format!("expected an operator after {path}")),
                };
                if op_word.eq_ignore_ascii_case("pr") {
                    return Ok(Filter::Present(path));
                }
                let op = op_of(&op_word).ok_or_else(|| format!("unknown operator {op_word:?}"))?;
                let value = match self.next() {
                    Some(Token::Str(s)) => Value::String(s),
                    Some(Token::Word(w)) => match w.to_ascii_lowercase().as_str() {
                        "true" => Value::Bool(true),
                        "false" => Value::Bool(false),
                        "null" => Value::Null,
                        _ => serde_json::from_str::<serde_json::Number>(&w)
                            .map(Value::Number)
                            .map_err(|_| {
                                format!("invalid comparison value {w:?} (strings must be quoted)")
                            })?,
                    },
                    _ => return Err(format!("expected a value after {op_word}")),
                };
                Ok(Filter::Compare { path, op, value })
            }
            other => Err(format!("unexpected {other:?}")),
        }
    }
}

pub(crate) fn parse(input: &str) -> Result<Filter, String> {
    let tokens = tokenize(input)?;
    if tokens.is_empty() {
        return Err("empty filter".into());
    }
    let mut parser = Parser {
        tokens,
        pos: 0,
        depth: 0,
    };
    let filter = parser.or()?;
    if parser.pos != parser.tokens.len() {
        return Err(format!("unexpected {:?}", parser.tokens[parser.pos]));
    }
    Ok(filter)
}

/// Case-insensitive member lookup.
pub(crate) fn get_ci<'a>(object: &'a Value, key: &str) -> Option<&'a Value> {
    object
        .as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
}

/// Splits `urn:...:User:department.sub` into (object to look in, remaining dotted path).
pub(crate) fn split_urn(path: &str) -> (Option<String>, String) {
    if path.to_ascii_lowercase().starts_with("urn:") {
        if let Some((urn, attr)) = path.rsplit_once(':') {
            let core = urn.eq_ignore_ascii_case(crate::scim::USER_SCHEMA)
                || urn.eq_ignore_ascii_case(crate::scim::GROUP_SCHEMA);
            return (
                if core { None } else { Some(urn.to_string()) },
                attr.to_string(),
            );
        }
    }
    (None, path.to_string())
}

/// Every value at `path` (dotted, case-insensitive), flattening multi-valued attributes.
pub(crate) fn resolve<'a>(resource: &'a Value, path: &str) -> Vec<&'a Value> {
    let (urn, rest) = split_urn(path);
    let mut current: Vec<&Value> = match urn {
        Some(u) => get_ci(resource, &u).into_iter().collect(),
        None => vec![resource],
    };
    for part in rest.split('.') {
        let mut next = Vec::new();
        for v in current {
            let targets: Vec<&Value> = match v {
                Value::Array(items) => items.iter().collect(),
                other => vec![other],
            };
            for t in targets {
                if let Some(found) = get_ci(t, part) {
                    match found {
                        Value::Array(items) => next.extend(items.iter()),
                        other => next.push(other),
                    }
                }
            }
        }
        current = next;
    }
    current
}

fn case_exact(path: &str) -> bool {
    let leaf = path.rsplit(['.', ':']).next().unwrap_or(path);
    leaf.eq_ignore_ascii_case("id") || leaf.eq_ignore_ascii_case("externalId")
}

fn compare(actual: &Value, op: Op, expected: &Value, exact: bool) -> bool {
    match (actual, expected) {
        (Value::String(a), Value::String(e)) => {
            let (a, e) = if exact {
                (a.clone(), e.clone())
            } else {
                (a.to_lowercase(), e.to_lowercase())
            };
            match op {
                Op::Eq => a == e,
                Op::Ne => a != e,
                Op::Co => a.contains(&e),
                Op::Sw => a.starts_with(&e),
                Op::Ew => a.ends_with(&e),
                Op::Gt => a > e,
                Op::Ge => a >= e,
                Op::Lt => a < e,
                Op::Le => a <= e,
            }
        }
        (Value::Number(a), Value::Number(e)) => {
            let (a, e) = (
                a.as_f64().unwrap_or(f64::NAN),
                e.as_f64().unwrap_or(f64::NAN),
            );
            match op {
                Op::Eq => a == e,
                Op::Ne => a != e,
                Op::Gt => a > e,
                Op::Ge => a >= e,
                Op::Lt => a < e,
                Op::Le => a <= e,
                _ => false,
            }
        }
        // Entra's legacy dialect stores booleans as "True"/"False" strings in some servers; we store bools.
        (Value::Bool(a), Value::Bool(e)) => match op {
            Op::Eq => a == e,
            Op::Ne => a != e,
            _ => false,
        },
        (Value::Bool(a), Value::String(e)) if matches!(op, Op::Eq | Op::Ne) => {
            (a.to_string() == e.to_lowercase()) == (op == Op::Eq)
        }
        _ => false,
    }
}

pub(crate) fn matches(filter: &Filter, resource: &Value) -> bool {
    match filter {
        Filter::And(a, b) => matches(a, resource) && matches(b, resource),
        Filter::Or(a, b) => matches(a, resource) || matches(b, resource),
        Filter::Not(inner) => !matches(inner, resource),
        Filter::Present(path) => resolve(resource, path).iter().any(|v| match v {
            Value::Null => false,
            Value::String(s) => !s.is_empty(),
            Value::Array(a) => !a.is_empty(),
            Value::Object(o) => !o.is_empty(),
            _ => true,
        }),
        Filter::Compare { path, op, value } => {
            let found = resolve(resource, path);
            if value.is_null() {
                let absent = found.iter().all(|v| v.is_null());
                return if *op == Op::Eq { absent } else { !absent };
            }
            if *op == Op::Ne {
                return !found
                    .iter()
                    .any(|v| compare(v, Op::Eq, value, case_exact(path)));
            }
            found
                .iter()
                .any(|v| compare(v, *op, value, case_exact(path)))
        }
        Filter::ValuePath { path, filter } => resolve(resource, path)
            .iter()
            .any(|element| matches(filter, element)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn user() -> Value {
        json!({"id": "Abc", "userName": "Ann.Berg0@contoso.com", "externalId": "ann", "active": true,
            "name": {"givenName": "Ann", "familyName": "Berg"}, "title": null,
            "emails": [{"type": "work", "value": "ann@contoso.com", "primary": true}, {"type": "home", "value": "ann@home.example"}],
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "Art"},
            "meta": {"lastModified": "2025-01-02T00:00:00Z"}})
    }

    fn check(f: &str) -> bool {
        matches(&parse(f).expect(f), &user())
    }

    #[test]
    fn operators() {
        assert!(
            check("userName eq \"ann.berg0@CONTOSO.com\""),
            "userName is case-insensitive"
        );
        assert!(
            check("USERNAME eq \"ann.berg0@contoso.com\""),
            "attribute names are case-insensitive"
        );
        assert!(!check("userName eq \"nobody@contoso.com\""));
        assert!(check("userName ne \"x\""));
        assert!(
            check("userName co \"berg\"")
                && check("userName sw \"ann\"")
                && check("userName ew \".com\"")
        );
        assert!(!check("title pr") && check("name.givenName pr"));
        assert!(check("meta.lastModified gt \"2025-01-01T00:00:00Z\""));
        assert!(check("active eq true") && !check("active eq false"));
        assert!(
            check("externalId eq \"ann\"") && !check("externalId eq \"ANN\""),
            "externalId is case-exact"
        );
        assert!(check("id eq \"Abc\"") && !check("id eq \"abc\""));
    }

    #[test]
    fn logic_grouping_and_value_paths() {
        assert!(check("userName sw \"ann\" and name.familyName eq \"berg\""));
        assert!(check("userName eq \"x\" or name.givenName eq \"Ann\""));
        assert!(check("not (userName eq \"x\")"));
        assert!(check(
            "(userName eq \"x\" or userName sw \"a\") and active eq true"
        ));
        assert!(check("emails[type eq \"work\" and value co \"contoso\"]"));
        assert!(!check("emails[type eq \"work\" and value co \"home\"]"));
        assert!(check("emails.value eq \"ann@home.example\""));
        assert!(check(
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq \"art\""
        ));
        assert!(check(
            "urn:ietf:params:scim:schemas:core:2.0:User:userName sw \"ann\""
        ));
        assert!(!check(
            "PLACEHOLDER eq \"8646d011-1693-4cd3-9ee6-0d7482ca2219\""
        ));
    }

    #[test]
    fn refuses_nesting_deeper_than_the_bound_instead_of_overflowing_the_stack() {
        let deep = format!("{}userName pr{}", "(".repeat(100_000), ")".repeat(100_000));
        assert!(parse(&deep).is_err());
        let nots = format!(
            "{}userName pr{}",
            "not(".repeat(100_000),
            ")".repeat(100_000)
        );
        assert!(parse(&nots).is_err());
        let fine = format!("{}userName pr{}", "(".repeat(10), ")".repeat(10));
        assert!(parse(&fine).is_ok());
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "userName",
            "userName eq",
            "userName zz \"x\"",
            "userName eq x",
            "(userName eq \"x\"",
            "emails[type eq \"work\"",
            "userName eq \"x",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }
}
