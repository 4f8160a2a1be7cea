//! The spellings of answers the compiled path reads as bytes: options, scale points and
//! "unable to judge", and what a cell parses to.

use crate::plan::Scale;
use crate::score::state::point_score;

/// A cell as the compiled path parsed it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum ParsedCell {
    Empty,
    /// Option index (single choice).
    Opt(u16),
    /// Number of options chosen, and the set of the first 64 options (multiple choice).
    Multi(u16, u64),
    /// Scale point index.
    Point(u16),
    Unable,
    /// A non-empty cell checked later (number, text).
    Later,
    /// A whole number written in plain digits (number questions with whole steps).
    Int(u64),
    /// Not something the compiled path reads: the record path decides.
    Bad,
}

/// The points of a scale as their canonical text.
#[derive(Debug, Clone)]
pub(super) struct ScaleTable {
    /// One-byte spellings → point.
    one: [Option<u16>; 256],
    texts: Vec<Vec<u8>>,
    pub(super) values: Vec<f64>,
    pub(super) scores: Vec<f64>,
    min: f64,
    step: f64,
}

impl ScaleTable {
    pub(super) fn new(scale: &Scale) -> Option<ScaleTable> {
        let values = scale.values()?;
        let mut t = ScaleTable {
            one: [None; 256],
            texts: Vec::new(),
            values: Vec::new(),
            scores: Vec::new(),
            min: scale.min,
            step: scale.step,
        };
        for v in values {
            let text = if v.fract() == 0.0 && v.abs() < 1e15 {
                format!("{}", v as i64)
            } else {
                format!("{v}")
            };
            let parsed = crate::table::parse_number(&text).and_then(|n| n.as_f64());
            // Only spellings the record path reads as exactly this value, on the scale.
            let ok = parsed == Some(v) && scale.contains(v);
            let i = t.texts.len() as u16;
            if ok && text.len() == 1 {
                t.one[text.as_bytes()[0] as usize] = Some(i);
            }
            t.texts
                .push(if ok { text.into_bytes() } else { Vec::new() });
            t.values.push(v);
            t.scores.push(point_score(scale, v));
        }
        Some(t)
    }

    #[inline(always)]
    fn lookup(&self, raw: &[u8]) -> Option<u16> {
        if raw.len() == 1 {
            return self.one[raw[0] as usize];
        }
        self.lookup_long(raw)
    }

    #[inline(never)]
    fn lookup_long(&self, raw: &[u8]) -> Option<u16> {
        // A point's text is `[-]digits[.digits]`: anything else ("unable", a word) is none.
        if !raw
            .iter()
            .all(|b| b.is_ascii_digit() || *b == b'-' || *b == b'.')
        {
            return None;
        }
        if raw.len() <= 4 && raw.iter().all(u8::is_ascii_digit) && raw[0] != b'0' {
            let x = raw.iter().fold(0u32, |a, b| a * 10 + u32::from(b - b'0'));
            let k = ((f64::from(x) - self.min) / self.step).round();
            if !(0.0..self.texts.len() as f64).contains(&k) {
                return None;
            }
            let k = k as usize;
            return (self.texts[k] == raw).then_some(k as u16);
        }
        let s = std::str::from_utf8(raw).ok()?;
        let x = crate::table::parse_number(s)?.as_f64()?;
        let k = ((x - self.min) / self.step).round();
        if !(0.0..self.texts.len() as f64).contains(&k) {
            return None;
        }
        let k = k as usize;
        (self.texts[k] == raw).then_some(k as u16)
    }
}

/// Option spellings, each of up to 8 bytes also packed into a word, so that a cell is found
/// with one comparison per option.
#[derive(Debug, Clone)]
pub(super) struct Options {
    bytes: Vec<Vec<u8>>,
    /// (packed bytes, length) per option; length 0xFF: longer than 8 bytes.
    packed: Vec<(u64, u8)>,
}

/// Up to 8 bytes as a little-endian word (zeros above), from two loads of fixed size that may
/// overlap (they agree where they do): copying a slice of unknown length would be a call to
/// `memcpy`, which costs more than the few bytes of an option.
#[inline]
pub(super) fn pack8(b: &[u8]) -> u64 {
    debug_assert!(b.len() <= 8);
    let n = b.len();
    let two = |i: usize| u64::from(u16::from_le_bytes([b[i], b[i + 1]]));
    if n >= 4 {
        let four = |i: usize| u64::from(u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]));
        four(0) | four(n - 4) << (8 * (n - 4))
    } else if n >= 2 {
        two(0) | two(n - 2) << (8 * (n - 2))
    } else {
        b.first().map_or(0, |x| u64::from(*x))
    }
}

impl Options {
    pub(super) fn new(options: &[crate::plan::Choice]) -> Options {
        let bytes: Vec<Vec<u8>> = options
            .iter()
            .map(|o| o.value.as_bytes().to_vec())
            .collect();
        let packed = bytes
            .iter()
            .map(|b| {
                if b.len() <= 8 {
                    (pack8(b), b.len() as u8)
                } else {
                    (0, 0xFF)
                }
            })
            .collect();
        Options { bytes, packed }
    }

    pub(super) fn len(&self) -> usize {
        self.bytes.len()
    }

    /// The option spelled exactly `raw`.
    #[inline]
    pub(super) fn find(&self, raw: &[u8]) -> Option<usize> {
        if raw.len() <= 8 {
            let (w, n) = (pack8(raw), raw.len() as u8);
            self.packed.iter().position(|p| *p == (w, n))
        } else {
            self.bytes.iter().position(|o| o.as_slice() == raw)
        }
    }

    pub(super) fn position(&self, value: &str) -> Option<usize> {
        self.find(value.as_bytes())
    }
}

#[inline(always)]
pub(super) fn scale_cell(table: &ScaleTable, unable: bool, raw: &[u8]) -> ParsedCell {
    if raw.is_empty() {
        return ParsedCell::Empty;
    }
    if let Some(k) = table.lookup(raw) {
        return ParsedCell::Point(k);
    }
    // "unable" compared as one word (a call to memcmp in WASM otherwise).
    if unable
        && ((raw.len() == 6 && pack8(raw) == pack8(b"unable"))
            || raw == "无法评价".as_bytes()
            || raw.eq_ignore_ascii_case(b"unable to judge"))
    {
        return ParsedCell::Unable;
    }
    ParsedCell::Bad
}

#[cfg(test)]
mod pack_tests {
    #[test]
    fn pack8_is_the_little_endian_word_of_the_bytes() {
        for b in [
            &b""[..],
            b"a",
            b"ab",
            b"\xFF\x00\x01",
            b"abcd",
            b"18-29",
            b"unable",
            b"60+\xE4\xB8\xADa",
            b"dongxihu",
        ] {
            let mut w = [0u8; 8];
            w[..b.len()].copy_from_slice(b);
            assert_eq!(super::pack8(b), u64::from_le_bytes(w), "{b:?}");
        }
    }
}
