//! A small lexer for Rust source, enough to find a file's `crate::x` paths, its `mod`
//! declarations and the length of its functions: comments are skipped, string and char
//! literals read whole (raw strings too), lifetimes told from chars.

/// What one file declares and uses.
#[derive(Debug, Default, PartialEq)]
pub struct Scan {
    /// `crate::x` paths outside `#[cfg(test)] mod` bodies: `x` and the line.
    pub refs: Vec<Ref>,
    /// Modules declared at the top of the file (`mod x;` or `mod x { … }`), not `cfg(test)`.
    pub modules: Vec<String>,
    /// `#[cfg(test)] mod x;`: modules in their own file that only tests compile.
    pub test_mods: Vec<String>,
    /// Every `fn` with a body (tests' too).
    pub fns: Vec<Func>,
}

#[derive(Debug, PartialEq)]
pub struct Ref {
    pub line: usize,
    pub target: String,
}

#[derive(Debug, PartialEq)]
pub struct Func {
    pub name: String,
    /// The line of `fn`.
    pub line: usize,
    /// From the line of `fn` to that of the closing brace, both counted.
    pub lines: usize,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Punct(char),
    /// A string literal's text, escapes left as written.
    Str(String),
    /// A number, a char or byte literal, a lifetime.
    Other,
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    line: usize,
}

fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn is_ident_char(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// The tokens of `src`, without comments and whitespace.
fn lex(src: &str) -> Vec<Token> {
    let s: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line) = (0, 1);
    let at = |k: usize| s.get(k).copied().unwrap_or('\0');
    while i < s.len() {
        let c = s[i];
        let start_line = line;
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '/' && at(i + 1) == '/' {
            while i < s.len() && s[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < s.len() {
                if s[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if s[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    line += usize::from(s[i] == '\n');
                    i += 1;
                }
            }
        } else if c == '"' {
            let (text, next) = string(&s, i + 1, &mut line);
            out.push(Token {
                tok: Tok::Str(text),
                line: start_line,
            });
            i = next;
        } else if c == '\'' {
            i = char_or_lifetime(&s, i);
            out.push(Token {
                tok: Tok::Other,
                line,
            });
        } else if is_ident_start(c) {
            let mut j = i;
            while j < s.len() && is_ident_char(s[j]) {
                j += 1;
            }
            let word: String = s[i..j].iter().collect();
            let raw = matches!(word.as_str(), "r" | "br" | "cr");
            if raw && (at(j) == '"' || (at(j) == '#' && matches!(at(j + 1), '"' | '#'))) {
                let (text, next) = raw_string(&s, j, &mut line);
                out.push(Token {
                    tok: Tok::Str(text),
                    line: start_line,
                });
                i = next;
            } else if matches!(word.as_str(), "b" | "c") && at(j) == '"' {
                let (text, next) = string(&s, j + 1, &mut line);
                out.push(Token {
                    tok: Tok::Str(text),
                    line: start_line,
                });
                i = next;
            } else if word == "b" && at(j) == '\'' {
                i = char_or_lifetime(&s, j);
                out.push(Token {
                    tok: Tok::Other,
                    line,
                });
            } else if word == "r" && at(j) == '#' && is_ident_start(at(j + 1)) {
                // A raw identifier, r#type.
                let mut k = j + 1;
                while k < s.len() && is_ident_char(s[k]) {
                    k += 1;
                }
                out.push(Token {
                    tok: Tok::Ident(s[j + 1..k].iter().collect()),
                    line,
                });
                i = k;
            } else {
                out.push(Token {
                    tok: Tok::Ident(word),
                    line,
                });
                i = j;
            }
        } else if c.is_ascii_digit() {
            while i < s.len() && is_ident_char(s[i]) {
                i += 1;
            }
            out.push(Token {
                tok: Tok::Other,
                line,
            });
        } else {
            out.push(Token {
                tok: Tok::Punct(c),
                line,
            });
            i += 1;
        }
    }
    out
}

/// A string's text from after its opening quote; returns it and the index after the closing one.
fn string(s: &[char], mut i: usize, line: &mut usize) -> (String, usize) {
    let mut text = String::new();
    while i < s.len() && s[i] != '"' {
        if s[i] == '\\' && i + 1 < s.len() {
            text.push(s[i]);
            i += 1;
        }
        *line += usize::from(s[i] == '\n');
        text.push(s[i]);
        i += 1;
    }
    (text, i + 1)
}

/// A raw string from its `#`s or quote (after the `r`).
fn raw_string(s: &[char], mut i: usize, line: &mut usize) -> (String, usize) {
    let mut hashes = 0;
    while i < s.len() && s[i] == '#' {
        hashes += 1;
        i += 1;
    }
    i += 1; // the opening quote
    let mut text = String::new();
    while i < s.len() {
        if s[i] == '"' && (1..=hashes).all(|k| s.get(i + k) == Some(&'#')) {
            return (text, i + 1 + hashes);
        }
        *line += usize::from(s[i] == '\n');
        text.push(s[i]);
        i += 1;
    }
    (text, i)
}

/// From a `'`: a char literal (`'a'`, `'\n'`, `'\u{4e2d}'`) or a lifetime (`'a`, `'static`);
/// returns the index after it.
fn char_or_lifetime(s: &[char], i: usize) -> usize {
    let at = |k: usize| s.get(k).copied().unwrap_or('\0');
    if at(i + 1) == '\\' {
        // The escaped char, then up to the closing quote (`'\u{4e2d}'`).
        let mut j = i + 3;
        while j < s.len() && s[j] != '\'' && s[j] != '\n' {
            j += 1;
        }
        return j + 1;
    }
    if at(i + 2) == '\'' {
        return i + 3;
    }
    let mut j = i + 1;
    while j < s.len() && is_ident_char(s[j]) {
        j += 1;
    }
    j
}

fn ident(t: Option<&Token>) -> Option<&str> {
    match t.map(|t| &t.tok) {
        Some(Tok::Ident(w)) => Some(w),
        _ => None,
    }
}

fn punct(t: Option<&Token>, c: char) -> bool {
    matches!(t.map(|t| &t.tok), Some(Tok::Punct(p)) if *p == c)
}

/// The index of the token that closes the bracket `open` at `i` (`{`, `[`, `(`).
fn closing(toks: &[Token], i: usize, open: char, close: char) -> usize {
    let mut depth = 0usize;
    for (k, t) in toks.iter().enumerate().skip(i) {
        if t.tok == Tok::Punct(open) {
            depth += 1;
        } else if t.tok == Tok::Punct(close) {
            depth -= 1;
            if depth == 0 {
                return k;
            }
        }
    }
    toks.len().saturating_sub(1)
}

/// `crate::x` in the text of a string (an attribute's `with = "crate::x::Y"`).
fn refs_in_text(text: &str, line: usize, out: &mut Vec<Ref>) {
    let mut rest = text;
    while let Some(k) = rest.find("crate::") {
        let before = rest[..k].chars().next_back();
        rest = &rest[k + "crate::".len()..];
        let name: String = rest.chars().take_while(|c| is_ident_char(*c)).collect();
        if !name.is_empty() && !before.is_some_and(is_ident_char) {
            out.push(Ref { line, target: name });
        }
    }
}

/// The targets of `crate::{a, b::c, self}` from its `{` at `i`: `a`, `b`.
fn group(toks: &[Token], i: usize, out: &mut Vec<Ref>) {
    let end = closing(toks, i, '{', '}');
    let mut depth = 0;
    for k in i..end {
        match &toks[k].tok {
            Tok::Punct('{') => depth += 1,
            Tok::Punct('}') => depth -= 1,
            Tok::Ident(w)
                if depth == 1
                    && w != "self"
                    && (punct(toks.get(k - 1), '{') || punct(toks.get(k - 1), ',')) =>
            {
                out.push(Ref {
                    line: toks[k].line,
                    target: w.clone(),
                });
            }
            _ => {}
        }
    }
}

/// The function whose `fn` is at `i`, if it has a body.
fn function(toks: &[Token], i: usize) -> Option<Func> {
    let name = ident(toks.get(i + 1))?.to_owned();
    let (mut parens, mut brackets) = (0i32, 0i32);
    for k in i + 2..toks.len() {
        match toks[k].tok {
            Tok::Punct('(') => parens += 1,
            Tok::Punct(')') => parens -= 1,
            Tok::Punct('[') => brackets += 1,
            Tok::Punct(']') => brackets -= 1,
            Tok::Punct(';') if parens == 0 && brackets == 0 => return None,
            Tok::Punct('{') if parens == 0 && brackets == 0 => {
                let end = closing(toks, k, '{', '}');
                let line = toks[i].line;
                let lines = toks[end].line - line + 1;
                return Some(Func { name, line, lines });
            }
            _ => {}
        }
    }
    None
}

/// Scan one file's source.
pub fn scan(src: &str) -> Scan {
    let toks = lex(src);
    let mut out = Scan::default();
    let mut depth = 0usize;
    // Inside a `#[cfg(test)] mod` body: the depth of its braces.
    let mut test_body: Option<usize> = None;
    let mut cfg_test = false;
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        match &t.tok {
            Tok::Punct('#')
                if punct(toks.get(i + 1), '[')
                    || (punct(toks.get(i + 1), '!') && punct(toks.get(i + 2), '[')) =>
            {
                let open = if punct(toks.get(i + 1), '[') {
                    i + 1
                } else {
                    i + 2
                };
                let end = closing(&toks, open, '[', ']');
                let inner: Vec<&Tok> = toks[open + 1..end].iter().map(|t| &t.tok).collect();
                let cfg = [
                    Tok::Ident("cfg".into()),
                    Tok::Punct('('),
                    Tok::Ident("test".into()),
                ];
                if inner.len() == 4 && inner.iter().zip(&cfg).all(|(a, b)| *a == b) {
                    cfg_test = true;
                }
                for tt in &toks[open + 1..end] {
                    if let (Tok::Str(text), None) = (&tt.tok, test_body) {
                        refs_in_text(text, tt.line, &mut out.refs);
                    }
                }
                i = end + 1;
                continue;
            }
            Tok::Ident(w) if w == "mod" => {
                if let Some(name) = ident(toks.get(i + 1)) {
                    let inline = punct(toks.get(i + 2), '{');
                    if cfg_test && !inline {
                        out.test_mods.push(name.to_owned());
                    } else if cfg_test && test_body.is_none() {
                        test_body = Some(depth);
                    } else if depth == 0 && !cfg_test {
                        out.modules.push(name.to_owned());
                    }
                }
                cfg_test = false;
            }
            Tok::Ident(w)
                if w == "crate"
                    && test_body.is_none()
                    && punct(toks.get(i + 1), ':')
                    && punct(toks.get(i + 2), ':') =>
            {
                if let Some(name) = ident(toks.get(i + 3)) {
                    out.refs.push(Ref {
                        line: toks[i + 3].line,
                        target: name.to_owned(),
                    });
                } else if punct(toks.get(i + 3), '{') {
                    group(&toks, i + 3, &mut out.refs);
                }
            }
            Tok::Ident(w) if w == "fn" => {
                out.fns.extend(function(&toks, i));
                cfg_test = false;
            }
            Tok::Ident(w) if !matches!(w.as_str(), "pub" | "crate" | "super" | "self" | "in") => {
                cfg_test = false;
            }
            Tok::Punct('{') => {
                depth += 1;
                cfg_test = false;
            }
            Tok::Punct('}') => {
                depth = depth.saturating_sub(1);
                if test_body == Some(depth) {
                    test_body = None;
                }
            }
            Tok::Punct(';') => cfg_test = false,
            _ => {}
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn targets(src: &str) -> Vec<(usize, String)> {
        scan(src)
            .refs
            .into_iter()
            .map(|r| (r.line, r.target))
            .collect()
    }

    fn t(line: usize, s: &str) -> (usize, String) {
        (line, s.to_owned())
    }

    #[test]
    fn paths_and_groups_are_found_with_their_lines() {
        let src =
            "use crate::plan::Plan;\nuse crate::{score::{self, ScoreState}, text::Text, self};\n\
                   fn f() { let x = crate::ids::pack(1, 2); }\npub(crate) fn g() {}\n";
        assert_eq!(
            targets(src),
            [t(1, "plan"), t(2, "score"), t(2, "text"), t(3, "ids")]
        );
    }

    #[test]
    fn comments_and_strings_are_not_paths() {
        let src = "// use crate::a;\n/// [`crate::b`]\n/* crate::c /* nested */ crate::d */\n\
                   const S: &str = \"crate::e\";\nconst R: &str = r#\"say \"crate::f\"\"#;\n\
                   const C: char = '\"'; use crate::g;\n";
        assert_eq!(targets(src), [t(6, "g")]);
    }

    #[test]
    fn strings_in_attributes_are_paths() {
        let src =
            "struct P {\n    #[schemars(with = \"crate::score::ScoringRules\")]\n    s: u8,\n}\n";
        assert_eq!(targets(src), [t(2, "score")]);
        // a word merely ending in "crate" is not one
        assert_eq!(targets("#[doc = \"mycrate::x\"]\nfn f() {}\n"), []);
    }

    #[test]
    fn cfg_test_modules_are_skipped_inline_and_named_out_of_line() {
        let src = "use crate::a;\n#[cfg(test)]\nmod tests {\n    use crate::b;\n    fn h() { { crate::c::f(); } }\n}\n\
                   fn after() { crate::d::f(); }\n#[cfg(test)]\nmod more;\nmod real;\n";
        let s = scan(src);
        let got: Vec<&str> = s.refs.iter().map(|r| r.target.as_str()).collect();
        assert_eq!(got, ["a", "d"]);
        assert_eq!(s.test_mods, ["more"]);
        assert_eq!(s.modules, ["real"]);
        // other attributes between cfg(test) and mod keep it a test module
        let s = scan("#[cfg(test)]\n#[allow(unused)]\npub(crate) mod t { use crate::x; }\n");
        assert_eq!((s.refs, s.modules), (vec![], vec![]));
        // cfg(test) on something else does not hide the next module
        let s = scan("#[cfg(test)]\nuse crate::x;\nmod m { use crate::y; }\n");
        let got: Vec<&str> = s.refs.iter().map(|r| r.target.as_str()).collect();
        assert_eq!(got, ["x", "y"]);
    }

    #[test]
    fn modules_declared_at_the_top_level_only() {
        let src =
            "#[cfg(feature = \"office\")]\npub mod aggregate;\npub(crate) mod ids;\nmod random;\n\
                   mod inner {\n    mod deep;\n}\n";
        assert_eq!(scan(src).modules, ["aggregate", "ids", "random", "inner"]);
    }

    #[test]
    fn functions_are_measured_from_fn_to_closing_brace() {
        let src = "fn one() {}\n\nfn three(a: [u8; 2]) -> u8\nwhere\n{\n    a[0]\n}\n\
                   trait T { fn decl(&self); fn body(&self) {\n    }\n}\n\
                   fn lifetimes<'a>(s: &'a str) -> char { let c = '{'; let d = '\\''; c }\n\
                   fn tricky() { let s = \"}\"; let r = r\"}\"; }\n";
        let got: Vec<(String, usize, usize)> = scan(src)
            .fns
            .into_iter()
            .map(|f| (f.name, f.line, f.lines))
            .collect();
        let want = [
            ("one", 1, 1),
            ("three", 3, 5),
            ("body", 8, 2),
            ("lifetimes", 11, 1),
            ("tricky", 12, 1),
        ];
        let want: Vec<(String, usize, usize)> = want
            .iter()
            .map(|(n, l, c)| (n.to_string(), *l, *c))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn fn_types_and_raw_identifiers_are_not_functions() {
        let src = "type F = fn(u8) -> u8;\nfn r#match() {}\nstruct S { f: fn() }\n";
        let names: Vec<String> = scan(src).fns.into_iter().map(|f| f.name).collect();
        assert_eq!(names, ["match"]);
    }

    #[test]
    fn lines_count_inside_multiline_strings_and_comments() {
        let src = "const S: &str = \"a\nb\";\n/* x\ny */\nuse crate::z;\n";
        assert_eq!(targets(src), [t(5, "z")]);
    }
}
