//! Translating XLSForm (XPath-like, `${name}`) and SurveyJS (`{name}`) expressions into
//! kaoping's expression language (`docs/expressions.md`). What cannot be translated is an
//! error with its reason, never an approximation; the result is checked by
//! [`crate::expr::parse`] before it is used.

use crate::text::Text;

/// Which tool an expression comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    XlsForm,
    SurveyJs,
}

/// How literals compared with a question's answer are written in kaoping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RefKind {
    /// Choice answers are texts: `1` and `true` become `'1'` and `'true'`.
    Choice,
    /// Rating and number answers are numbers: `'3'` becomes `3`.
    Numeric,
    /// Anything else: literals as written.
    Other,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ref(String),
    Current,
    Num(String),
    Str(String),
    Bool(bool),
    Word(String),
    Op(&'static str),
    Open,
    Close,
    Comma,
    OpenList,
    CloseList,
}

fn fail(zh: &str, en: &str) -> Text {
    Text::new(zh, en)
}

/// `src` in kaoping's language; `kind` tells what a referenced question's answers are, and
/// `id` gives the kaoping id of a referenced name (`None`: not a question of the form).
pub(crate) fn translate(
    src: &str,
    dialect: Dialect,
    kind: &dyn Fn(&str) -> RefKind,
    id: &dyn Fn(&str) -> Option<String>,
) -> Result<String, Text> {
    let mut toks = match dialect {
        Dialect::XlsForm => lex(src, true)?,
        Dialect::SurveyJs => lex(src, false)?,
    };
    for t in toks.iter_mut() {
        if let Tok::Ref(name) = t {
            let Some(new) = id(name) else {
                return Err(fail(
                    &format!("引用了表单中没有（或未导入）的题目“{name}”"),
                    &format!("refers to \"{name}\", which is not an imported question"),
                ));
            };
            *name = new;
        }
    }
    coerce(&mut toks, kind);
    let out = emit(&toks, dialect, kind)?;
    crate::expr::parse(&out).map_err(|e| {
        fail(
            &format!("译为“{out}”后无法解析：{}", e.message),
            &format!("translated to `{out}`, which does not parse: {}", e.message),
        )
    })?;
    Ok(out)
}

fn lex(src: &str, xls: bool) -> Result<Vec<Tok>, Text> {
    let cs: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        let next = cs.get(i + 1).copied();
        if c.is_whitespace() {
            i += 1;
        } else if (xls && c == '$' && next == Some('{')) || (!xls && c == '{') {
            let start = if xls { i + 2 } else { i + 1 };
            let end = (start..cs.len())
                .find(|&k| cs[k] == '}')
                .ok_or_else(|| fail("“{”没有对应的“}”", "a `{` has no closing `}`"))?;
            out.push(Tok::Ref(
                cs[start..end].iter().collect::<String>().trim().to_owned(),
            ));
            i = end + 1;
        } else if c == '\'' || c == '"' {
            let end = (i + 1..cs.len())
                .find(|&k| cs[k] == c)
                .ok_or_else(|| fail("字符串缺少结束引号", "a string has no closing quote"))?;
            out.push(Tok::Str(cs[i + 1..end].iter().collect()));
            i = end + 1;
        } else if c.is_ascii_digit() || (c == '.' && next.is_some_and(|d| d.is_ascii_digit())) {
            let end = (i..cs.len())
                .find(|&k| !(cs[k].is_ascii_digit() || cs[k] == '.'))
                .unwrap_or(cs.len());
            let n: String = cs[i..end].iter().collect();
            let n = if n.starts_with('.') {
                format!("0{n}")
            } else {
                n
            };
            out.push(Tok::Num(n));
            i = end;
        } else if c.is_alphabetic() || c == '_' {
            let end = (i..cs.len())
                .find(|&k| {
                    let d = cs[k];
                    !(d.is_alphanumeric() || d == '_' || (xls && (d == '-' || d == ':')))
                })
                .unwrap_or(cs.len());
            let w: String = cs[i..end].iter().collect();
            out.push(if xls { word(w) } else { survey_word(w) });
            i = end;
        } else {
            let (tok, len) = symbol(c, next, xls).ok_or_else(|| {
                fail(
                    &format!("无法翻译的符号“{c}”"),
                    &format!("cannot translate the symbol `{c}`"),
                )
            })?;
            out.push(tok);
            i += len;
        }
    }
    Ok(out)
}

fn word(w: String) -> Tok {
    match w.to_ascii_lowercase().as_str() {
        "true" => Tok::Bool(true),
        "false" => Tok::Bool(false),
        "and" => Tok::Op("and"),
        "or" => Tok::Op("or"),
        "div" => Tok::Op("/"),
        "mod" => Tok::Op("%"),
        _ => Tok::Word(w),
    }
}

/// SurveyJS's operator words: `equal`, `notequal`, `less`, `lessorequal`, `greater`,
/// `greaterorequal`.
fn survey_word(w: String) -> Tok {
    match w.to_ascii_lowercase().as_str() {
        "equal" => Tok::Op("="),
        "notequal" => Tok::Op("!="),
        "less" => Tok::Op("<"),
        "lessorequal" => Tok::Op("<="),
        "greater" => Tok::Op(">"),
        "greaterorequal" => Tok::Op(">="),
        _ => word(w),
    }
}

fn symbol(c: char, next: Option<char>, xls: bool) -> Option<(Tok, usize)> {
    let two = |t: &'static str| Some((Tok::Op(t), 2));
    let one = |t: &'static str| Some((Tok::Op(t), 1));
    match (c, next) {
        ('!', Some('=')) => two("!="),
        ('<', Some('=')) => two("<="),
        ('>', Some('=')) => two(">="),
        ('<', Some('>')) if !xls => two("!="),
        ('=', Some('=')) => two("="),
        ('&', Some('&')) if !xls => two("and"),
        ('|', Some('|')) if !xls => two("or"),
        ('=', _) => one("="),
        ('<', _) => one("<"),
        ('>', _) => one(">"),
        ('+', _) => one("+"),
        ('-', _) => one("-"),
        ('*', _) => one("*"),
        ('/', _) if !xls => one("/"),
        ('%', _) if !xls => one("%"),
        ('!', _) if !xls => one("not"),
        ('.', _) if xls => Some((Tok::Current, 1)),
        ('(', _) => Some((Tok::Open, 1)),
        (')', _) => Some((Tok::Close, 1)),
        (',', _) => Some((Tok::Comma, 1)),
        ('[', _) if !xls => Some((Tok::OpenList, 1)),
        (']', _) if !xls => Some((Tok::CloseList, 1)),
        _ => None,
    }
}

fn is_cmp(t: &Tok) -> bool {
    matches!(t, Tok::Op("=" | "!=" | "<" | "<=" | ">" | ">="))
}

/// Literals compared with (or looked for in) a question's answer take the answer's type.
fn coerce(toks: &mut [Tok], kind: &dyn Fn(&str) -> RefKind) {
    for i in 0..toks.len() {
        let partner = |k: Option<usize>| k.and_then(|k| toks.get(k));
        let by_cmp = if i >= 2 && is_cmp(&toks[i - 1]) {
            partner(Some(i - 2))
        } else if toks.get(i + 1).is_some_and(is_cmp) {
            partner(Some(i + 2))
        } else if i >= 4
            && toks[i - 1] == Tok::Comma
            && toks[i - 3] == Tok::Open
            && toks[i - 4] == Tok::Word("selected".into())
        {
            partner(Some(i - 2))
        } else {
            None
        };
        let Some(Tok::Ref(r)) = by_cmp else { continue };
        let k = kind(r);
        toks[i] = coerce_one(&toks[i], k);
    }
}

fn coerce_one(t: &Tok, k: RefKind) -> Tok {
    match (t, k) {
        (Tok::Num(n), RefKind::Choice) => Tok::Str(n.clone()),
        (Tok::Bool(b), RefKind::Choice) => Tok::Str(b.to_string()),
        (Tok::Str(s), RefKind::Numeric) if s.trim().parse::<f64>().is_ok() => {
            Tok::Num(s.trim().to_owned())
        }
        _ => t.clone(),
    }
}

fn quote(s: &str) -> String {
    let mut out = String::from("'");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

fn lit(t: &Tok) -> Option<String> {
    match t {
        Tok::Num(n) => Some(n.clone()),
        Tok::Str(s) => Some(quote(s)),
        Tok::Bool(b) => Some(b.to_string()),
        Tok::Ref(r) => Some(r.clone()),
        Tok::Current => Some(".".into()),
        _ => None,
    }
}

/// The kaoping name of an XLSForm or SurveyJS function.
fn function(name: &str, dialect: Dialect) -> Option<&'static str> {
    let n = name.to_ascii_lowercase();
    Some(match (n.as_str(), dialect) {
        ("selected", Dialect::XlsForm) => "selected",
        ("count-selected", Dialect::XlsForm) => "count",
        ("string-length", Dialect::XlsForm) => "len",
        ("number" | "int", Dialect::XlsForm) => "number",
        ("not", _) => "not",
        ("if", Dialect::XlsForm) | ("iif", Dialect::SurveyJs) => "if",
        ("sum", _) => "sum",
        ("min", _) => "min",
        ("max", _) => "max",
        ("count", Dialect::XlsForm) => "count",
        _ => return None,
    })
}

fn emit(toks: &[Tok], dialect: Dialect, kind: &dyn Fn(&str) -> RefKind) -> Result<String, Text> {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        match t {
            Tok::Op(op) => out.push((*op).to_owned()),
            Tok::Open => out.push("(".into()),
            Tok::Close => out.push(")".into()),
            Tok::Comma => out.push(",".into()),
            Tok::Word(w) if toks.get(i + 1) == Some(&Tok::Open) => {
                let f = function(w, dialect).ok_or_else(|| {
                    fail(
                        &format!("kaoping 没有对应的函数“{w}”"),
                        &format!("kaoping has no function like `{w}`"),
                    )
                })?;
                // `true()` and `false()` are XPath's booleans.
                out.push(f.to_owned());
            }
            Tok::Word(w) if dialect == Dialect::SurveyJs => {
                let left = match out.pop() {
                    Some(l) if i > 0 && lit(&toks[i - 1]).is_some() => l,
                    _ => return Err(unsupported(w)),
                };
                let subject = toks[i - 1].clone();
                let (text, used) = survey_operator(w, &left, &subject, &toks[i + 1..], kind)?;
                out.push(text);
                i += used;
            }
            Tok::Word(w) => return Err(unsupported(w)),
            Tok::OpenList | Tok::CloseList => return Err(unsupported("[ ]")),
            other => {
                let text = lit(other).unwrap_or_default();
                // `x = ''` is "unanswered" in both tools; in kaoping an unanswered question is
                // null, which is not equal to ''.
                if matches!(other, Tok::Str(s) if s.is_empty()) {
                    if let Some(rewritten) = empty_test(&mut out, toks, i) {
                        out.push(rewritten);
                        i += 1;
                        continue;
                    }
                }
                let after_operand =
                    i >= 2 && (lit(&toks[i - 2]).is_some() || toks[i - 2] == Tok::Close);
                let negative_number = matches!(other, Tok::Num(_))
                    && i >= 1
                    && toks[i - 1] == Tok::Op("-")
                    && !after_operand;
                if negative_number {
                    out.pop();
                    out.push(format!("-{text}"));
                } else {
                    out.push(text);
                }
            }
        }
        i += 1;
    }
    Ok(tidy(&out))
}

/// `ref = ''` → `empty(ref)`, `ref != ''` → `not empty(ref)` (the literal at `toks[i]`).
fn empty_test(out: &mut Vec<String>, toks: &[Tok], i: usize) -> Option<String> {
    if i < 2 {
        return None;
    }
    let op = match &toks[i - 1] {
        Tok::Op("=") => "",
        Tok::Op("!=") => "not ",
        _ => return None,
    };
    if !matches!(toks[i - 2], Tok::Ref(_) | Tok::Current) {
        return None;
    }
    out.pop();
    let subject = out.pop()?;
    Some(format!("{op}empty({subject})"))
}

fn unsupported(w: &str) -> Text {
    fail(
        &format!("无法翻译“{w}”"),
        &format!("cannot translate `{w}`"),
    )
}

/// SurveyJS's word operators after an operand: `empty`, `notempty`, `contains`,
/// `notcontains`, `anyof`, `allof`, `noneof`. Returns the text and how many further tokens
/// it used.
fn survey_operator(
    w: &str,
    left: &str,
    subject: &Tok,
    rest: &[Tok],
    kind: &dyn Fn(&str) -> RefKind,
) -> Result<(String, usize), Text> {
    let k = match subject {
        Tok::Ref(r) => kind(r),
        _ => RefKind::Other,
    };
    let item = |t: &Tok| lit(&coerce_one(t, k)).ok_or_else(|| unsupported(w));
    match w.to_ascii_lowercase().as_str() {
        "empty" => Ok((format!("empty({left})"), 0)),
        "notempty" => Ok((format!("not empty({left})"), 0)),
        "contains" | "notcontains" => {
            let v = item(rest.first().ok_or_else(|| unsupported(w))?)?;
            let not = if w.eq_ignore_ascii_case("notcontains") {
                "not "
            } else {
                ""
            };
            Ok((format!("{not}selected({left}, {v})"), 1))
        }
        "anyof" | "allof" | "noneof" => {
            if rest.first() != Some(&Tok::OpenList) {
                return Err(unsupported(w));
            }
            let end = rest
                .iter()
                .position(|t| *t == Tok::CloseList)
                .ok_or_else(|| unsupported(w))?;
            let mut items = Vec::new();
            for t in rest[1..end].iter().filter(|t| **t != Tok::Comma) {
                items.push(format!("selected({left}, {})", item(t)?));
            }
            if items.is_empty() {
                return Err(unsupported(w));
            }
            let lw = w.to_ascii_lowercase();
            let join = if lw == "allof" { " and " } else { " or " };
            let not = if lw == "noneof" { "not " } else { "" };
            Ok((format!("{not}({})", items.join(join)), end + 1))
        }
        _ => Err(unsupported(w)),
    }
}

/// Joins the pieces with single spaces, without spaces inside parentheses or before commas.
fn tidy(pieces: &[String]) -> String {
    let mut s = String::new();
    for (k, p) in pieces.iter().enumerate() {
        let prev = if k > 0 { pieces[k - 1].as_str() } else { "" };
        let glue = k > 0 && !(p == ")" || p == "," || prev == "(" || (p == "(" && is_fn(prev)));
        if glue {
            s.push(' ');
        }
        s.push_str(p);
    }
    s
}

fn is_fn(p: &str) -> bool {
    matches!(
        p,
        "selected" | "count" | "len" | "number" | "if" | "sum" | "min" | "max"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn xls(src: &str) -> Result<String, String> {
        let kind = |r: &str| match r {
            "rating" | "age" => RefKind::Numeric,
            "likes_pizza" | "toppings" | "q" => RefKind::Choice,
            _ => RefKind::Other,
        };
        translate(src, Dialect::XlsForm, &kind, &|n| Some(n.to_owned()))
            .map_err(|t| t.get("en").to_owned())
    }

    fn sjs(src: &str) -> Result<String, String> {
        let kind = |r: &str| {
            if r == "q" {
                RefKind::Choice
            } else {
                RefKind::Other
            }
        };
        translate(src, Dialect::SurveyJs, &kind, &|n| {
            Some(n.replace(' ', "_"))
        })
        .map_err(|t| t.get("en").to_owned())
    }

    #[test]
    fn xlsform_expressions() {
        assert_eq!(
            xls("${likes_pizza} = 'yes'").unwrap(),
            "likes_pizza = 'yes'"
        );
        assert_eq!(
            xls("selected(${toppings}, 'cheese')").unwrap(),
            "selected(toppings, 'cheese')"
        );
        assert_eq!(xls(". >= 18 and . <= 120").unwrap(), ". >= 18 and . <= 120");
        assert_eq!(xls("count-selected(.) <= 3").unwrap(), "count(.) <= 3");
        assert_eq!(xls("string-length(.) < 10").unwrap(), "len(.) < 10");
        assert_eq!(xls("${q} = 1").unwrap(), "q = '1'");
        assert_eq!(xls("${rating} <= '2'").unwrap(), "rating <= 2");
        assert_eq!(xls("${age} != ''").unwrap(), "not empty(age)");
        assert_eq!(xls("not(${q} = 'a')").unwrap(), "not (q = 'a')");
        assert_eq!(xls(". > -1").unwrap(), ". > -1");
        assert_eq!(xls("${age} div 2 > 1").unwrap(), "age / 2 > 1");
        assert!(xls("today() > ${d}").unwrap_err().contains("today"));
        assert!(xls("regex(., '[0-9]+')").unwrap_err().contains("regex"));
        assert!(xls("/data/q = 1").is_err());
    }

    #[test]
    fn surveyjs_expressions() {
        assert_eq!(sjs("{q} = 'a'").unwrap(), "q = 'a'");
        assert_eq!(sjs("{q} notempty").unwrap(), "not empty(q)");
        assert_eq!(
            sjs("{x} empty and {q} = 2").unwrap(),
            "empty(x) and q = '2'"
        );
        assert_eq!(sjs("{q} contains 'x'").unwrap(), "selected(q, 'x')");
        assert_eq!(
            sjs("{q} anyof ['a', 'b']").unwrap(),
            "(selected(q, 'a') or selected(q, 'b'))"
        );
        assert_eq!(sjs("{q} noneof [1]").unwrap(), "not (selected(q, '1'))");
        assert_eq!(
            sjs("{a b} <> 3 || !({c} > 1)").unwrap(),
            "a_b != 3 or not (c > 1)"
        );
        assert_eq!(sjs("{m.row1} >= 4").unwrap(), "m.row1 >= 4");
        assert!(sjs("age({birthdate}) >= 18").is_err());
        assert_eq!(sjs("{x} greaterorequal 3").unwrap(), "x >= 3");
    }
}
