//! Text encodings of table files: UTF-8 with or without a byte-order mark, UTF-16 with a BOM,
//! and GB18030 (a superset of GBK and GB2312, what Excel writes on Chinese Windows).
//!
//! Detection, the same whatever the chunk sizes: a BOM decides; otherwise the bytes are read as
//! UTF-8 up to the first non-ASCII byte, and the 1,024 bytes from there (or fewer at the end of
//! the file) decide: valid UTF-8 → UTF-8, else GB18030. A file whose first non-ASCII text comes
//! late and is valid UTF-8 is read as UTF-8; any later byte that is not (in a GB18030 file
//! that begins with UTF-8-looking text, say) makes its row an `encoding` rejection, and the
//! user can force the encoding.
//!
//! UTF-8 input is passed through without a copy; other encodings are decoded to UTF-8
//! (`encoding_rs`) in chunks; a malformed sequence becomes U+FFFD and its row is rejected.

use serde::{Deserialize, Serialize};

/// An encoding a table file is read in.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Encoding {
    /// Detect (see the module documentation).
    #[default]
    Auto,
    Utf8,
    Gb18030,
    Utf16le,
    Utf16be,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Auto => "auto",
            Encoding::Utf8 => "utf-8",
            Encoding::Gb18030 => "gb18030",
            Encoding::Utf16le => "utf-16le",
            Encoding::Utf16be => "utf-16be",
        }
    }

    /// Reads a name as users type it (`gbk`, `GB2312`, `utf8`, …).
    pub fn parse(name: &str) -> Option<Encoding> {
        let n = name.trim().to_ascii_lowercase().replace('_', "-");
        Some(match n.as_str() {
            "auto" | "" => Encoding::Auto,
            "utf-8" | "utf8" | "utf-8-sig" => Encoding::Utf8,
            "gb18030" | "gbk" | "gb2312" | "cp936" | "936" => Encoding::Gb18030,
            "utf-16le" | "utf16le" | "utf-16" => Encoding::Utf16le,
            "utf-16be" | "utf16be" => Encoding::Utf16be,
            _ => return None,
        })
    }
}

/// How far past the first non-ASCII byte detection looks.
const SNIFF: usize = 1024;

enum State {
    /// Nothing decided: `held` keeps the bytes not yet passed on.
    Start,
    /// UTF-8 (pass-through).
    Utf8,
    /// Decoding to UTF-8.
    Decode(Box<encoding_rs::Decoder>),
}

/// A streaming decoder to UTF-8. Feed chunks with [`Decoder::push`], then [`Decoder::end`];
/// each call hands UTF-8 bytes (possibly ending inside a character) to `out`.
pub struct Decoder {
    forced: Encoding,
    state: State,
    /// Bytes held back while detecting.
    held: Vec<u8>,
    /// How many bytes at the start of `held` are known to be ASCII.
    ascii_prefix: usize,
    decided: Encoding,
    buf: Vec<u8>,
    /// Whether a malformed sequence was replaced by U+FFFD.
    pub malformed: bool,
    /// Whether a BOM was found (and dropped).
    pub bom: bool,
}

impl Decoder {
    pub fn new(encoding: Encoding) -> Decoder {
        Decoder {
            forced: encoding,
            state: State::Start,
            held: Vec::new(),
            ascii_prefix: 0,
            decided: Encoding::Auto,
            buf: Vec::new(),
            malformed: false,
            bom: false,
        }
    }

    /// The encoding in use; `Auto` until decided.
    pub fn encoding(&self) -> Encoding {
        self.decided
    }

    pub fn push(&mut self, chunk: &[u8], out: &mut dyn FnMut(&[u8])) {
        match self.state {
            State::Utf8 => out(chunk),
            State::Decode(_) => self.decode(chunk, false, out),
            State::Start => {
                self.held.extend_from_slice(chunk);
                self.try_decide(false, out);
            }
        }
    }

    pub fn end(&mut self, out: &mut dyn FnMut(&[u8])) {
        if let State::Start = self.state {
            // Deciding at the end also decodes the held bytes as the last input.
            self.try_decide(true, out);
        } else if let State::Decode(_) = self.state {
            self.decode(&[], true, out);
        }
    }

    fn try_decide(&mut self, last: bool, out: &mut dyn FnMut(&[u8])) {
        let h = &self.held;
        if h.len() < 3 && !last {
            return;
        }
        // A byte-order mark decides, whatever was forced (it is the file's own statement).
        let bom = if h.starts_with(&[0xEF, 0xBB, 0xBF]) {
            Some((Encoding::Utf8, 3))
        } else if h.starts_with(&[0xFF, 0xFE]) {
            Some((Encoding::Utf16le, 2))
        } else if h.starts_with(&[0xFE, 0xFF]) {
            Some((Encoding::Utf16be, 2))
        } else {
            None
        };
        let (enc, skip) = match (bom, self.forced) {
            (Some((e, n)), _) => {
                self.bom = true;
                (e, n)
            }
            (None, Encoding::Auto) => {
                // Find the first non-ASCII byte (resuming where the last look ended).
                let from = self.ascii_prefix;
                match h[from..].iter().position(|b| *b >= 0x80) {
                    None if !last => {
                        self.ascii_prefix = h.len();
                        return;
                    }
                    None => (Encoding::Utf8, 0),
                    Some(p) => {
                        let at = from + p;
                        self.ascii_prefix = at;
                        if h.len() - at < SNIFF && !last {
                            return;
                        }
                        let window = &h[at..h.len().min(at + SNIFF)];
                        let ok = match std::str::from_utf8(window) {
                            Ok(_) => true,
                            // Cut inside a character at the window's end: still UTF-8.
                            Err(e) => e.error_len().is_none(),
                        };
                        (
                            if ok {
                                Encoding::Utf8
                            } else {
                                Encoding::Gb18030
                            },
                            0,
                        )
                    }
                }
            }
            (None, forced) => (forced, 0),
        };
        self.decided = enc;
        let held = std::mem::take(&mut self.held);
        match enc {
            Encoding::Utf8 | Encoding::Auto => {
                self.state = State::Utf8;
                out(&held[skip..]);
            }
            other => {
                let e = match other {
                    Encoding::Gb18030 => encoding_rs::GB18030,
                    Encoding::Utf16le => encoding_rs::UTF_16LE,
                    _ => encoding_rs::UTF_16BE,
                };
                self.state = State::Decode(Box::new(e.new_decoder_without_bom_handling()));
                self.decode(&held[skip..], last, out);
            }
        }
    }

    fn decode(&mut self, mut input: &[u8], last: bool, out: &mut dyn FnMut(&[u8])) {
        let State::Decode(dec) = &mut self.state else {
            return;
        };
        if self.buf.len() < 16 * 1024 {
            self.buf.resize(16 * 1024, 0);
        }
        loop {
            let (result, read, written, replaced) = dec.decode_to_utf8(input, &mut self.buf, last);
            self.malformed |= replaced;
            if written > 0 {
                out(&self.buf[..written]);
            }
            input = &input[read..];
            match result {
                encoding_rs::CoderResult::InputEmpty => break,
                encoding_rs::CoderResult::OutputFull => continue,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(bytes: &[u8], chunk: usize, enc: Encoding) -> (Vec<u8>, Encoding) {
        let mut d = Decoder::new(enc);
        let mut got = Vec::new();
        for c in bytes.chunks(chunk.max(1)) {
            d.push(c, &mut |b| got.extend_from_slice(b));
        }
        d.end(&mut |b| got.extend_from_slice(b));
        (got, d.encoding())
    }

    #[test]
    fn detects_and_decodes_in_any_chunking() {
        let text = "编号,区\nA1,江岸区\n";
        let (gbk, _, _) = encoding_rs::GB18030.encode(text);
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(text.as_bytes());
        let mut utf16 = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        for chunk in [1, 2, 3, 7, 1 << 20] {
            assert_eq!(
                run(text.as_bytes(), chunk, Encoding::Auto),
                (text.as_bytes().to_vec(), Encoding::Utf8)
            );
            assert_eq!(
                run(&gbk, chunk, Encoding::Auto),
                (text.as_bytes().to_vec(), Encoding::Gb18030)
            );
            assert_eq!(
                run(&bom, chunk, Encoding::Auto),
                (text.as_bytes().to_vec(), Encoding::Utf8)
            );
            assert_eq!(
                run(&utf16, chunk, Encoding::Auto),
                (text.as_bytes().to_vec(), Encoding::Utf16le)
            );
        }
        assert_eq!(
            run(b"ab", 1, Encoding::Auto),
            (b"ab".to_vec(), Encoding::Utf8)
        );
        assert_eq!(run(b"", 1, Encoding::Auto), (Vec::new(), Encoding::Utf8));
        // Forced.
        assert_eq!(
            run(&gbk, 5, Encoding::Gb18030),
            (text.as_bytes().to_vec(), Encoding::Gb18030)
        );
    }

    #[test]
    fn names() {
        assert_eq!(Encoding::parse("GBK"), Some(Encoding::Gb18030));
        assert_eq!(Encoding::parse("utf8"), Some(Encoding::Utf8));
        assert_eq!(Encoding::parse("latin1"), None);
    }
}

/// A whole file's text, its encoding detected (UTF-8 with or without BOM, UTF-16 with BOM,
/// else GB18030), and the encoding used. Malformed sequences become U+FFFD.
pub fn decode_all(bytes: &[u8]) -> (String, Encoding) {
    let mut d = Decoder::new(Encoding::Auto);
    let mut out = Vec::with_capacity(bytes.len());
    d.push(bytes, &mut |b| out.extend_from_slice(b));
    d.end(&mut |b| out.extend_from_slice(b));
    let text = match String::from_utf8(out) {
        Ok(t) => t,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_owned)
        .unwrap_or(text);
    (text, d.encoding())
}

#[cfg(test)]
mod decode_all_tests {
    use super::*;

    #[test]
    fn gbk_utf8_and_bom_become_the_same_text() {
        let gbk: &[u8] = &[0xBA, 0xBA, 0xD1, 0xF4, 0xC7, 0xF8, 0x2C, 0x31]; // 汉阳区,1 in GBK
        assert_eq!(decode_all(gbk), ("汉阳区,1".to_owned(), Encoding::Gb18030));
        assert_eq!(decode_all("汉阳区,1".as_bytes()).0, "汉阳区,1");
        assert_eq!(decode_all("\u{feff}汉阳区,1".as_bytes()).0, "汉阳区,1");
    }
}
