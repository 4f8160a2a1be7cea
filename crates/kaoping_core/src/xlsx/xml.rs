//! Just enough XML for SpreadsheetML: a pull parser over elements, attributes and text,
//! with the predefined and numeric entities. Namespaces are ignored (`x:row` is `row`);
//! comments, processing instructions and the DOCTYPE are skipped; CDATA is text.

/// One event of the document.
#[derive(Debug, Clone, PartialEq)]
pub enum Event<'a> {
    /// `<name a="v">`; `empty` for `<name/>` (no `End` follows).
    Start {
        name: &'a str,
        attrs: Vec<(&'a str, String)>,
        empty: bool,
    },
    End {
        name: &'a str,
    },
    Text(String),
}

pub struct Reader<'a> {
    s: &'a str,
    at: usize,
}

/// The local name: `x:row` → `row`.
fn local(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

/// Replace entities: `&amp;` `&lt;` `&gt;` `&quot;` `&apos;` `&#NN;` `&#xHH;`.
pub fn unescape(s: &str) -> Result<String, String> {
    if !s.contains('&') {
        return Ok(s.to_owned());
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let end = after.find(';').ok_or("an entity without ';'")?;
        let ent = &after[..end];
        let c = match ent {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = if let Some(h) = ent.strip_prefix("#x").or(ent.strip_prefix("#X")) {
                    u32::from_str_radix(h, 16).ok()
                } else if let Some(d) = ent.strip_prefix('#') {
                    d.parse().ok()
                } else {
                    None
                };
                code.and_then(char::from_u32)
                    .ok_or_else(|| format!("unknown entity &{ent};"))?
            }
        };
        out.push(c);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

impl<'a> Reader<'a> {
    pub fn new(s: &'a str) -> Self {
        Reader { s, at: 0 }
    }

    /// The next event, `None` at the end, `Err` for malformed XML.
    pub fn next_event(&mut self) -> Option<Result<Event<'a>, String>> {
        loop {
            let rest = &self.s[self.at..];
            if rest.is_empty() {
                return None;
            }
            if !rest.starts_with('<') {
                let end = rest.find('<').unwrap_or(rest.len());
                self.at += end;
                return Some(unescape(&rest[..end]).map(Event::Text));
            }
            for (open, close) in [("<?", "?>"), ("<!--", "-->")] {
                if rest.starts_with(open) {
                    match rest.find(close) {
                        Some(e) => {
                            self.at += e + close.len();
                        }
                        None => return Some(Err(format!("unclosed {open}"))),
                    }
                }
            }
            if self.at != self.s.len() - rest.len() {
                continue;
            }
            if let Some(body) = rest.strip_prefix("<![CDATA[") {
                let Some(e) = body.find("]]>") else {
                    return Some(Err("unclosed CDATA".into()));
                };
                self.at += 9 + e + 3;
                return Some(Ok(Event::Text(body[..e].to_owned())));
            }
            if rest.starts_with("<!") {
                let e = rest.find('>')?;
                self.at += e + 1;
                continue;
            }
            return Some(self.tag(rest));
        }
    }

    fn tag(&mut self, rest: &'a str) -> Result<Event<'a>, String> {
        // Find the closing '>' outside quotes.
        let bytes = rest.as_bytes();
        let mut quote = 0u8;
        let mut end = None;
        for (i, &b) in bytes.iter().enumerate().skip(1) {
            match (quote, b) {
                (0, b'"') | (0, b'\'') => quote = b,
                (q, b) if q != 0 && b == q => quote = 0,
                (0, b'>') => {
                    end = Some(i);
                    break;
                }
                _ => {}
            }
        }
        let end = end.ok_or("a tag without '>'")?;
        self.at += end + 1;
        let inner = &rest[1..end];
        if let Some(name) = inner.strip_prefix('/') {
            return Ok(Event::End {
                name: local(name.trim()),
            });
        }
        let (inner, empty) = match inner.strip_suffix('/') {
            Some(i) => (i, true),
            None => (inner, false),
        };
        let name_end = inner
            .find(|c: char| c.is_ascii_whitespace())
            .unwrap_or(inner.len());
        let name = local(&inner[..name_end]);
        let mut attrs = Vec::new();
        let mut a = inner[name_end..].trim_start();
        while !a.is_empty() {
            let eq = a.find('=').ok_or("an attribute without '='")?;
            let key = local(a[..eq].trim());
            let v = a[eq + 1..].trim_start();
            let q = v.chars().next().ok_or("an attribute without a value")?;
            if q != '"' && q != '\'' {
                return Err("an unquoted attribute value".into());
            }
            let close = v[1..].find(q).ok_or("an unclosed attribute value")?;
            attrs.push((key, unescape(&v[1..1 + close])?));
            a = v[close + 2..].trim_start();
        }
        Ok(Event::Start { name, attrs, empty })
    }
}

/// Escape text for XML content or an attribute value. Characters XML 1.0 cannot hold
/// (controls other than tab, LF, CR) become `_xHHHH_` as in SpreadsheetML; CR is kept as
/// `&#13;` so that parsers do not fold it into LF.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {
                out.push_str(&format!("_x{:04X}_", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_of_a_small_document() {
        let doc = r#"<?xml version="1.0"?><!-- c --><x:a k="1 &amp; 2" j='q'><b/>t&lt;&#x4e2d;<![CDATA[<raw>]]></x:a>"#;
        let mut r = Reader::new(doc);
        let mut ev = Vec::new();
        while let Some(e) = r.next_event() {
            ev.push(e.unwrap());
        }
        assert_eq!(
            ev,
            vec![
                Event::Start {
                    name: "a",
                    attrs: vec![("k", "1 & 2".into()), ("j", "q".into())],
                    empty: false
                },
                Event::Start {
                    name: "b",
                    attrs: vec![],
                    empty: true
                },
                Event::Text("t<中".into()),
                Event::Text("<raw>".into()),
                Event::End { name: "a" },
            ]
        );
    }

    #[test]
    fn escape_round_trips() {
        let s = "a<b>&\"c\"\r\n\u{1}";
        assert_eq!(escape(s), "a&lt;b&gt;&amp;&quot;c&quot;&#13;\n_x0001_");
        assert_eq!(
            unescape("a&lt;b&gt;&amp;&quot;c&quot;&#13;\n").unwrap(),
            "a<b>&\"c\"\r\n"
        );
    }
}
