//! Source positions for JSON values, so plan validation can say *where* a problem is.
//!
//! `serde_json::Value` forgets positions, so [`Locator`] scans the plan text once and records,
//! for every value, its [JSON Pointer](https://www.rfc-editor.org/rfc/rfc6901) and the
//! line:column where the value starts (and, for object members, where the key starts).
//!
//! ```
//! use kaoping_core::locate::{Locator, Position};
//! let text = "{\n  \"题目\": [\n    {\"id\": \"q1\"}\n  ]\n}";
//! let loc = Locator::new(text);
//! assert_eq!(loc.position("/题目/0/id"), Some(Position { line: 3, column: 12 }));
//! assert_eq!(loc.key_position("/题目/0/id"), Some(Position { line: 3, column: 6 }));
//! ```
//!
//! Conventions:
//! * lines and columns are 1-based; a column counts Unicode characters, so a Chinese
//!   character counts 1 (editors that count UTF-16 units differ only for characters outside
//!   the Basic Multilingual Plane, such as emoji);
//! * a leading byte-order mark is skipped and does not count as a column;
//! * `\n`, `\r\n` and a lone `\r` each end a line;
//! * pointers are the plain RFC 6901 form (`/a/0/b`, `~0` for `~`, `~1` for `/`, `""` for
//!   the whole document), not the URI-fragment form (`#/a`); object keys are matched after
//!   decoding their JSON escapes (`"\u540d"` is the key `名`);
//! * when a key occurs twice in one object the last occurrence wins, as in `serde_json`;
//! * on invalid JSON the scan stops at the first error and keeps what it found before it
//!   (best effort; it never panics).

use std::collections::HashMap;
use std::fmt;

use serde::Serialize;

/// A 1-based line and character column in a text.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
}

impl fmt::Display for Position {
    /// `line:column`, e.g. `12:7`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    value: Position,
    key: Option<Position>,
}

/// Positions of every value of a JSON text, by JSON Pointer. Build once per plan text.
#[derive(Debug, Clone, Default)]
pub struct Locator {
    entries: HashMap<String, Entry>,
}

/// Deepest nesting scanned; deeper values are not located (serde_json itself refuses
/// nesting beyond 128).
const MAX_DEPTH: usize = 512;

impl Locator {
    /// Scans `text`. Never panics; on invalid JSON records the values before the first error.
    pub fn new(text: &str) -> Locator {
        let mut s = Scanner {
            text,
            bytes: text.as_bytes(),
            i: 0,
            line: 1,
            column: 1,
            entries: HashMap::new(),
        };
        if text.starts_with('\u{feff}') {
            s.i = '\u{feff}'.len_utf8();
        }
        s.value(String::new(), None, 0);
        Locator { entries: s.entries }
    }

    /// Where the value at `pointer` starts (its first character: `{`, `[`, `"`, a digit…).
    /// For an object member this is the value, not the key; see [`Locator::key_position`].
    pub fn position(&self, pointer: &str) -> Option<Position> {
        self.entries.get(pointer).map(|e| e.value)
    }

    /// Where the key of the object member at `pointer` starts (its opening `"`). `None` for
    /// array elements, the root, and unknown pointers.
    pub fn key_position(&self, pointer: &str) -> Option<Position> {
        self.entries.get(pointer).and_then(|e| e.key)
    }

    /// Number of values located.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no value was located (empty or hopelessly invalid text).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Escapes one reference token for a JSON Pointer: `~` → `~0`, `/` → `~1`.
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Builds a JSON Pointer from unescaped tokens, e.g. `["instruments", "0", "id"]` →
/// `/instruments/0/id`.
pub fn pointer<I, S>(tokens: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    tokens.into_iter().fold(String::new(), |mut acc, t| {
        acc.push('/');
        acc.push_str(&escape_token(t.as_ref()));
        acc
    })
}

struct Scanner<'a> {
    text: &'a str,
    bytes: &'a [u8],
    i: usize,
    line: usize,
    column: usize,
    entries: HashMap<String, Entry>,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.i).copied()
    }

    fn pos(&self) -> Position {
        Position {
            line: self.line,
            column: self.column,
        }
    }

    /// Consumes one byte, keeping line and column up to date.
    fn bump(&mut self) {
        let Some(b) = self.peek() else { return };
        match b {
            b'\r' => {
                self.line += 1;
                self.column = 1;
            }
            b'\n' => {
                if self.i == 0 || self.bytes[self.i - 1] != b'\r' {
                    self.line += 1;
                }
                self.column = 1;
            }
            // UTF-8 continuation bytes do not start a character.
            b if b & 0xC0 == 0x80 => {}
            _ => self.column += 1,
        }
        self.i += 1;
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.bump();
        }
    }

    fn eat(&mut self, b: u8) -> bool {
        self.skip_ws();
        if self.peek() == Some(b) {
            self.bump();
            true
        } else {
            false
        }
    }

    /// Scans one value, recording it under `pointer`. Returns false on a syntax error.
    fn value(&mut self, pointer: String, key: Option<Position>, depth: usize) -> bool {
        self.skip_ws();
        if depth > MAX_DEPTH || self.peek().is_none() {
            return false;
        }
        self.entries.insert(
            pointer.clone(),
            Entry {
                value: self.pos(),
                key,
            },
        );
        match self.peek() {
            Some(b'{') => self.object(&pointer, depth),
            Some(b'[') => self.array(&pointer, depth),
            Some(b'"') => self.string().is_some(),
            _ => {
                let start = self.i;
                while self
                    .peek()
                    .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
                {
                    self.bump();
                }
                self.i > start
            }
        }
    }

    fn object(&mut self, pointer: &str, depth: usize) -> bool {
        self.bump(); // `{`
        if self.eat(b'}') {
            return true;
        }
        loop {
            self.skip_ws();
            let key_pos = self.pos();
            if self.peek() != Some(b'"') {
                return false;
            }
            let Some(key) = self.string() else {
                return false;
            };
            if !self.eat(b':') {
                return false;
            }
            let child = format!("{pointer}/{}", escape_token(&key));
            if !self.value(child, Some(key_pos), depth + 1) {
                return false;
            }
            if self.eat(b',') {
                continue;
            }
            return self.eat(b'}');
        }
    }

    fn array(&mut self, pointer: &str, depth: usize) -> bool {
        self.bump(); // `[`
        if self.eat(b']') {
            return true;
        }
        let mut index = 0usize;
        loop {
            if !self.value(format!("{pointer}/{index}"), None, depth + 1) {
                return false;
            }
            index += 1;
            if self.eat(b',') {
                continue;
            }
            return self.eat(b']');
        }
    }

    /// Scans a string at `"`, returning its decoded content (`None` if unterminated).
    fn string(&mut self) -> Option<String> {
        self.bump(); // opening quote
        let mut out = String::new();
        loop {
            let start = self.i;
            while self.peek().is_some_and(|b| b != b'"' && b != b'\\') {
                self.bump();
            }
            // `"` and `\` are ASCII, so `start..i` lies on character boundaries.
            out.push_str(self.text.get(start..self.i).unwrap_or_default());
            match self.peek() {
                None => return None,
                Some(b'"') => {
                    self.bump();
                    return Some(out);
                }
                _ => {
                    self.bump(); // backslash
                    let e = self.peek()?;
                    self.bump();
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let c = self.unicode_escape();
                            out.push(c);
                        }
                        _ => out.push('\u{fffd}'),
                    }
                }
            }
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.text.get(self.i..self.i + 4)?;
        let n = u32::from_str_radix(digits, 16).ok()?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        for _ in 0..4 {
            self.bump();
        }
        Some(n)
    }

    /// Decodes the rest of a `\uXXXX` escape (after the `u`), including surrogate pairs.
    fn unicode_escape(&mut self) -> char {
        let Some(first) = self.hex4() else {
            return '\u{fffd}';
        };
        if (0xD800..0xDC00).contains(&first) && self.bytes.get(self.i..self.i + 2) == Some(b"\\u") {
            let save = (self.i, self.line, self.column);
            self.bump();
            self.bump();
            match self.hex4() {
                Some(second) if (0xDC00..0xE000).contains(&second) => {
                    let c = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                    return char::from_u32(c).unwrap_or('\u{fffd}');
                }
                _ => (self.i, self.line, self.column) = save,
            }
        }
        char::from_u32(first).unwrap_or('\u{fffd}')
    }
}

/// The JSON Pointer of every key that appears again in the same object of `text` (the second
/// and later occurrences), in document order. serde_json keeps the last value of a repeated key
/// without a word, while a typed read refuses it ("duplicate field"), so plan validation asks
/// this to name it. Empty when `text` is not JSON (the syntax check reports that).
pub fn duplicate_keys(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut de = serde_json::Deserializer::from_str(text);
    let _ = serde::de::DeserializeSeed::deserialize(
        Keys {
            path: String::new(),
            out: &mut out,
        },
        &mut de,
    );
    out
}

/// Walks a JSON value, noting repeated keys under `path`.
struct Keys<'a> {
    path: String,
    out: &'a mut Vec<String>,
}

impl<'de> serde::de::DeserializeSeed<'de> for Keys<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Keys<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("JSON")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0usize;
        loop {
            let path = format!("{}/{i}", self.path);
            let seed = Keys {
                path,
                out: &mut *self.out,
            };
            if seq.next_element_seed(seed)?.is_none() {
                return Ok(());
            }
            i += 1;
        }
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen: Vec<String> = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let path = format!("{}/{}", self.path, escape_token(&key));
            if seen.contains(&key) {
                self.out.push(path.clone());
            } else {
                seen.push(key);
            }
            map.next_value_seed(Keys {
                path,
                out: &mut *self.out,
            })?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(line: usize, column: usize) -> Option<Position> {
        Some(Position { line, column })
    }

    const PLAN: &str = r#"{
  "title": "城市公共服务满意度调查",
  "instruments": [
    {
      "id": "main",
      "questions": [
        {"id": "q1", "label": "您对公交服务满意吗？", "type": "single"},
        {"id": "q2", "relevant": "q1 = 'no'",
         "options": [1, 2.5, -3e2, true, null]}
      ]
    }
  ],
  "说明": {"备注": "全角：，", "a/b": 1, "m~n": 2, "quote\"d": 3, "\u540d\u5b57": "名字"}
}"#;

    #[test]
    fn locates_values_and_keys_with_chinese_text() {
        let loc = Locator::new(PLAN);
        assert_eq!(loc.position(""), p(1, 1));
        assert_eq!(loc.position("/title"), p(2, 12));
        assert_eq!(loc.key_position("/title"), p(2, 3));
        assert_eq!(loc.position("/instruments"), p(3, 18));
        assert_eq!(loc.position("/instruments/0"), p(4, 5));
        assert_eq!(loc.key_position("/instruments/0"), None);
        assert_eq!(loc.position("/instruments/0/questions/0/id"), p(7, 16));
        assert_eq!(loc.position("/instruments/0/questions/0/type"), p(7, 53));
        assert_eq!(
            loc.key_position("/instruments/0/questions/0/type"),
            p(7, 45)
        );
        assert_eq!(
            loc.position("/instruments/0/questions/1/relevant"),
            p(8, 34)
        );
        assert_eq!(
            loc.position("/instruments/0/questions/1/options/2"),
            p(9, 30)
        );
        assert_eq!(
            loc.position("/instruments/0/questions/1/options/4"),
            p(9, 42)
        );
        assert_eq!(loc.position("/说明/备注"), p(13, 16));
        assert_eq!(loc.position("/说明/a~1b"), p(13, 31));
        assert_eq!(loc.position("/说明/m~0n"), p(13, 41));
        assert_eq!(loc.position("/说明/quote\"d"), p(13, 56));
        assert_eq!(loc.position("/说明/名字"), p(13, 75));
        assert_eq!(loc.key_position("/说明/名字"), p(13, 59));
        assert_eq!(loc.position("/instruments/1"), None);
        assert_eq!(loc.position("/nope"), None);
        assert_eq!(loc.position("instruments"), None);
    }

    fn walk(v: &serde_json::Value, ptr: String, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m {
                    walk(x, format!("{ptr}/{}", escape_token(k)), out);
                }
            }
            serde_json::Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    walk(x, format!("{ptr}/{i}"), out);
                }
            }
            _ => {}
        }
        out.push(ptr);
    }

    #[test]
    fn every_serde_pointer_is_located() {
        let v: serde_json::Value = serde_json::from_str(PLAN).unwrap();
        let mut ptrs = Vec::new();
        walk(&v, String::new(), &mut ptrs);
        let loc = Locator::new(PLAN);
        assert_eq!(loc.len(), ptrs.len());
        for ptr in ptrs {
            assert!(loc.position(&ptr).is_some(), "{ptr}");
        }
    }

    #[test]
    fn crlf_bom_and_lone_cr() {
        let text = "\u{feff}{\r\n  \"a\": [\r\n    10,\r\n    \"题\"\r\n  ],\r  \"b\": {}\r\n}";
        let loc = Locator::new(text);
        assert_eq!(loc.position(""), p(1, 1));
        assert_eq!(loc.key_position("/a"), p(2, 3));
        assert_eq!(loc.position("/a/0"), p(3, 5));
        assert_eq!(loc.position("/a/1"), p(4, 5));
        assert_eq!(loc.position("/b"), p(6, 8));
    }

    #[test]
    fn surrogate_pairs_and_escapes_in_keys() {
        let text = r#"{"\ud83d\ude00": 1, "\ud800x": 2, "tab\tkey": 3, "\\": 4}"#;
        let loc = Locator::new(text);
        assert_eq!(loc.position("/😀"), p(1, 18));
        assert_eq!(loc.position("/\u{fffd}x"), p(1, 32));
        assert_eq!(loc.position("/tab\tkey"), p(1, 47));
        assert_eq!(loc.position("/\\"), p(1, 56));
    }

    #[test]
    fn repeated_keys_are_named_where_they_repeat() {
        let text = "{\"a\": 1, \"b\": [{\"id\": 1, \"x\": 2, \"id\": 3}], \"a\": {\"a\": 0}, \"a/b\": 1, \"a~b\": 2}";
        assert_eq!(
            duplicate_keys(text),
            vec!["/b/0/id".to_string(), "/a".to_string()]
        );
        assert!(duplicate_keys("{\"a\": [1, {\"b\": 2}], \"c\": 3}").is_empty());
        assert!(duplicate_keys("{\"a\": ").is_empty());
    }

    #[test]
    fn duplicate_keys_last_wins() {
        let loc = Locator::new("{\"a\": 1,\n \"a\": 2}");
        assert_eq!(loc.position("/a"), p(2, 7));
    }

    #[test]
    fn invalid_json_is_best_effort() {
        let loc = Locator::new("{\"a\": [1, 2,, 3], \"b\": 4}");
        assert_eq!(loc.position("/a/1"), p(1, 11));
        assert_eq!(loc.position("/b"), None);
        for bad in [
            "",
            "{",
            "[",
            "\"",
            "{\"a",
            "{\"a\":",
            "{\"a\" 1}",
            "[1 2]",
            "\"\\u12",
            "\"\\ud800\\u",
            "}",
        ] {
            let _ = Locator::new(bad);
        }
        let deep = "[".repeat(100_000);
        let loc = Locator::new(&deep);
        assert!(loc.len() <= MAX_DEPTH + 1);
    }

    #[test]
    fn pointer_helpers() {
        assert_eq!(
            pointer(["instruments", "0", "a/b~c"]),
            "/instruments/0/a~1b~0c"
        );
        assert_eq!(pointer(Vec::<String>::new()), "");
        assert_eq!(p(3, 4).map(|x| x.to_string()), Some("3:4".to_string()));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,80}") {
            let _ = Locator::new(&s);
        }

        #[test]
        fn never_panics_on_json_soup(s in r#"[\[\]{}",:\\u0-9a-f \r\n题]{0,80}"#) {
            let _ = Locator::new(&s);
        }
    }
}
