//! The OData query subset Graph clients use here: `$filter` (eq ne gt ge lt le, startswith,
//! endswith, contains, tolower, and/or/not, parentheses; property paths like
//! `servicePrincipal/id`), `$search` (`"prop:value"` terms, tokenised prefix match, OR/AND),
//! and `$select`.

use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    Cmp(String, String, Value),
    Func(String, Operand, String),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Operand {
    Prop(String),
    Lower(String),
}

struct P<'a> {
    s: &'a [u8],
    i: usize,
}

impl P<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i] == b' ' {
            self.i += 1;
        }
    }
    fn eat(&mut self, c: u8) -> bool {
        self.ws();
        if self.s.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn word(&mut self) -> String {
        self.ws();
        let start = self.i;
        while self.i < self.s.len()
            && (self.s[self.i].is_ascii_alphanumeric() || b"/._-:+".contains(&self.s[self.i]))
        {
            self.i += 1;
        }
        String::from_utf8_lossy(&self.s[start..self.i]).into_owned()
    }
    fn peek_kw(&mut self, kw: &str) -> bool {
        self.ws();
        let end = self.i + kw.len();
        end <= self.s.len()
            && self.s[self.i..end].eq_ignore_ascii_case(kw.as_bytes())
            && self.s.get(end).is_none_or(|c| *c == b' ' || *c == b'(')
    }
    fn literal(&mut self) -> Result<Value, String> {
        self.ws();
        if self.eat(b'\'') {
            let mut out = Vec::new();
            loop {
                match self.s.get(self.i) {
                    None => return Err("unterminated string literal".into()),
                    Some(b'\'') if self.s.get(self.i + 1) == Some(&b'\'') => {
                        out.push(b'\'');
                        self.i += 2;
                    }
                    Some(b'\'') => {
                        self.i += 1;
                        break;
                    }
                    Some(c) => {
                        out.push(*c);
                        self.i += 1;
                    }
                }
            }
            return Ok(Value::String(String::from_utf8_lossy(&out).into_owned()));
        }
        let w = self.word();
        Ok(match w.to_ascii_lowercase().as_str() {
            "" => return Err("expected a value".into()),
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "null" => Value::Null,
            _ => w
                .parse::<i64>()
                .map(Value::from)
                .unwrap_or(Value::String(w)),
        })
    }
    fn or(&mut self) -> Result<Expr, String> {
        let mut left = self.and()?;
        while self.peek_kw("or") {
            self.i += 2;
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }
    fn and(&mut self) -> Result<Expr, String> {
        let mut left = self.unary()?;
        while self.peek_kw("and") {
            self.i += 3;
            left = Expr::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }
    fn unary(&mut self) -> Result<Expr, String> {
        if self.peek_kw("not") {
            self.i += 3;
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        if self.eat(b'(') {
            let e = self.or()?;
            return if self.eat(b')') {
                Ok(e)
            } else {
                Err("missing )".into())
            };
        }
        let name = self.word();
        if self.eat(b'(') {
            let func = name.to_ascii_lowercase();
            if !matches!(func.as_str(), "startswith" | "endswith" | "contains") {
                return Err(format!("unsupported function {name}"));
            }
            let inner = self.word();
            let operand = if inner.eq_ignore_ascii_case("tolower") {
                if !self.eat(b'(') {
                    return Err("tolower needs (".into());
                }
                let p = self.word();
                if !self.eat(b')') {
                    return Err("missing )".into());
                }
                Operand::Lower(p)
            } else {
                Operand::Prop(inner)
            };
            if !self.eat(b',') {
                return Err("expected ,".into());
            }
            let value = match self.literal()? {
                Value::String(s) => s,
                other => other.to_string(),
            };
            if !self.eat(b')') {
                return Err("missing )".into());
            }
            return Ok(Expr::Func(func, operand, value));
        }
        if name.is_empty() {
            return Err("expected a property".into());
        }
        let op = self.word().to_ascii_lowercase();
        if !matches!(op.as_str(), "eq" | "ne" | "gt" | "ge" | "lt" | "le") {
            return Err(format!("unsupported operator {op:?}"));
        }
        Ok(Expr::Cmp(name, op, self.literal()?))
    }
}

pub(crate) fn parse_filter(text: &str) -> Result<Expr, String> {
    let mut p = P {
        s: text.as_bytes(),
        i: 0,
    };
    let e = p.or()?;
    p.ws();
    if p.i != p.s.len() {
        return Err(format!("unexpected text at {}", p.i));
    }
    Ok(e)
}

pub(crate) fn lookup<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('/').try_fold(v, |cur, part| {
        cur.as_object()?
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(part))
            .map(|(_, v)| v)
    })
}

fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// `case_sensitive`: provisioning logs compare case-sensitively, directory objects do not.
pub(crate) fn eval(e: &Expr, v: &Value, case_sensitive: bool) -> bool {
    let norm = |s: String| if case_sensitive { s } else { s.to_lowercase() };
    match e {
        Expr::And(a, b) => eval(a, v, case_sensitive) && eval(b, v, case_sensitive),
        Expr::Or(a, b) => eval(a, v, case_sensitive) || eval(b, v, case_sensitive),
        Expr::Not(a) => !eval(a, v, case_sensitive),
        Expr::Func(f, operand, needle) => {
            let hay = match operand {
                Operand::Prop(p) => text(lookup(v, p)).map(norm),
                Operand::Lower(p) => text(lookup(v, p)).map(|s| s.to_lowercase()),
            };
            let needle = if matches!(operand, Operand::Lower(_)) {
                needle.clone()
            } else {
                norm(needle.clone())
            };
            hay.is_some_and(|h| match f.as_str() {
                "startswith" => h.starts_with(&needle),
                "endswith" => h.ends_with(&needle),
                _ => h.contains(&needle),
            })
        }
        Expr::Cmp(path, op, want) => {
            let got = lookup(v, path).cloned().unwrap_or(Value::Null);
            if want.is_null() || !want.is_string() {
                let equal = &got == want;
                return if op == "ne" {
                    !equal
                } else {
                    op == "eq" && equal
                };
            }
            let (Some(g), Some(w)) = (text(Some(&got)).map(norm), text(Some(want)).map(norm))
            else {
                return op == "ne";
            };
            match op.as_str() {
                "eq" => g == w,
                "ne" => g != w,
                "gt" => g > w,
                "ge" => g >= w,
                "lt" => g < w,
                _ => g <= w,
            }
        }
    }
}

/// `$search="displayName:ann" OR "mail:ann"`: each term a tokenised prefix match.
pub(crate) fn parse_search(text: &str) -> Result<Vec<Vec<(String, String)>>, String> {
    // Returns OR-groups of AND-terms.
    let mut groups = Vec::new();
    for or_part in text.split(" OR ") {
        let mut terms = Vec::new();
        for and_part in or_part.split(" AND ") {
            let t = and_part.trim();
            let inner = t
                .strip_prefix('"')
                .and_then(|t| t.strip_suffix('"'))
                .ok_or_else(|| format!("search term {t:?} must be quoted"))?;
            let (prop, value) = inner
                .split_once(':')
                .ok_or_else(|| format!("search term {inner:?} must be \"property:value\""))?;
            terms.push((prop.to_string(), value.to_lowercase()));
        }
        groups.push(terms);
    }
    Ok(groups)
}

pub(crate) fn search_matches(groups: &[Vec<(String, String)>], v: &Value) -> bool {
    groups.iter().any(|terms| {
        terms.iter().all(|(prop, value)| {
            text(lookup(v, prop)).is_some_and(|s| {
                let s = s.to_lowercase();
                s.starts_with(value.as_str())
                    || s.split(|c: char| !c.is_alphanumeric())
                        .any(|w| w.starts_with(value.as_str()))
            })
        })
    })
}

/// `$select=a,b`: only those properties (plus `@odata.type` for mixed collections).
pub(crate) fn select(v: Value, select: Option<&str>) -> Value {
    let Some(list) = select.filter(|s| !s.trim().is_empty()) else {
        return v;
    };
    let wanted: Vec<String> = list
        .split(',')
        .map(|s| s.trim().to_ascii_lowercase())
        .collect();
    match v {
        Value::Object(o) => Value::Object(
            o.into_iter()
                .filter(|(k, _)| {
                    k.starts_with("@odata") || wanted.contains(&k.to_ascii_lowercase())
                })
                .collect::<Map<_, _>>(),
        ),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn filters() {
        let v = json!({"displayName": "Ann Berg", "userPrincipalName": "ann.berg17@contoso.com", "accountEnabled": true,
            "servicePrincipal": {"id": "SP1"}, "activityDateTime": "2026-01-02T03:04:05Z"});
        let t = |f: &str, cs: bool| eval(&parse_filter(f).expect(f), &v, cs);
        assert!(t(
            "startswith(displayName,'ann') or startswith(userPrincipalName,'zz')",
            false
        ));
        assert!(t("userPrincipalName eq 'ANN.berg17@contoso.com'", false));
        assert!(!t("servicePrincipal/id eq 'sp1'", true));
        assert!(t(
            "servicePrincipal/id eq 'SP1' and activityDateTime ge 2025-01-01T00:00:00Z",
            true
        ));
        assert!(t("((contains(tolower(servicePrincipal/id), 'sp1') or contains(tolower(displayName), 'x')) and activityDateTime gt 2026-01-01 and activityDateTime lt 2026-01-03)", true));
        assert!(t("accountEnabled eq true", false));
        assert!(parse_filter("displayName zz 'x'").is_err());
        assert!(parse_filter("startswith(displayName,'x'").is_err());
    }

    #[test]
    fn search() {
        let v = json!({"displayName": "Ann Berg", "mail": "ann.berg@contoso.com"});
        let g = parse_search("\"displayName:ber\" OR \"mail:zzz\"").expect("valid");
        assert!(search_matches(&g, &v));
        assert!(!search_matches(
            &parse_search("\"displayName:erg\"").expect("valid"),
            &v
        ));
        assert!(parse_search("displayName:ann").is_err());
    }
}
