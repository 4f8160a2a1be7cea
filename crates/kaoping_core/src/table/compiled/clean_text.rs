//! Whether a row's fields are text the record path reads as it is (valid UTF-8 without
//! U+FFFD), checked eight bytes at a time.

/// A field the record path reads as text: valid UTF-8 without U+FFFD (EF BF BD).
pub(super) fn clean_text(b: &[u8]) -> bool {
    b.is_empty() || (std::str::from_utf8(b).is_ok() && !has_replacement(b))
}

/// The bytes of `b` from its first non-ASCII byte to its last (empty when it is ASCII), found
/// eight bytes at a time: `b` is clean text when they are, since what lies around them is ASCII
/// (and they start and end at a character's bounds when `b` is valid UTF-8).
pub(super) fn non_ascii_span(b: &[u8]) -> &[u8] {
    use crate::table::csv::{word, HIGHS};
    let word = |i: usize| word(b, i);
    let mut lo = 0;
    while lo + 8 <= b.len() && word(lo) & HIGHS == 0 {
        lo += 8;
    }
    while lo < b.len() && b[lo] < 0x80 {
        lo += 1;
    }
    let mut hi = b.len();
    while hi >= lo + 8 && word(hi - 8) & HIGHS == 0 {
        hi -= 8;
    }
    while hi > lo && b[hi - 1] < 0x80 {
        hi -= 1;
    }
    &b[lo..hi]
}

/// Whether UTF-8 text has U+FFFD: its last byte (BD) looked for eight bytes at a time, the
/// bytes before it checked only in a word that has one. (`str::contains` would build a
/// substring searcher for a non-ASCII character, which is slow for short text.)
pub(super) fn has_replacement(b: &[u8]) -> bool {
    use crate::table::csv::{equal_bytes, word, ONES};
    let at = |j: usize| j >= 2 && b[j] == 0xBD && b[j - 1] == 0xBF && b[j - 2] == 0xEF;
    let mut i = 0;
    while i + 8 <= b.len() {
        if equal_bytes(word(b, i), 0xBD * ONES) != 0 && (i..i + 8).any(at) {
            return true;
        }
        i += 8;
    }
    (i..b.len()).any(at)
}

#[cfg(test)]
mod tests {
    use super::{clean_text, has_replacement};

    #[test]
    fn the_replacement_character_is_found_wherever_it_is() {
        let naive = |b: &[u8]| b.windows(3).any(|w| w == [0xEF, 0xBF, 0xBD]);
        // Every position in texts longer than a word, next to other characters that end in
        // BD (U+FF3D `］` is EF BC BD; `齽` is E9 BD BD) and to ASCII.
        for n in 0..20 {
            for k in 0..=n {
                let mut s = "a".repeat(k) + "］齽";
                s.push_str(&"b".repeat(n - k));
                assert!(!has_replacement(s.as_bytes()), "{s}");
                assert!(clean_text(s.as_bytes()));
                s.insert(k, '\u{FFFD}');
                assert!(has_replacement(s.as_bytes()), "{s}");
                assert_eq!(has_replacement(s.as_bytes()), naive(s.as_bytes()));
                assert!(!clean_text(s.as_bytes()));
            }
        }
        assert!(!clean_text(&[b'a', 0xFF]));
        assert!(!has_replacement(&[0xBD, 0xBD]));
    }
}

#[cfg(test)]
mod span_tests {
    use super::non_ascii_span;

    #[test]
    fn the_non_ascii_span_is_all_of_the_text_that_is_not_ascii() {
        assert_eq!(non_ascii_span(b""), b"");
        assert_eq!(non_ascii_span(b"P0000001,2025,qiaokou,30-44"), b"");
        for pre in 0..20 {
            for post in 0..20 {
                for mid in ["中", "无法评价", "é,x,ü", "\u{FFFD}"] {
                    let s = format!("{}{mid}{}", "a".repeat(pre), "b".repeat(post));
                    assert_eq!(non_ascii_span(s.as_bytes()), mid.as_bytes(), "{s}");
                }
            }
        }
        // Not UTF-8: the stray bytes are in the span.
        assert_eq!(
            non_ascii_span(b"abcdefghij\xBDklmnopqrs\xFFtuvwxyz"),
            b"\xBDklmnopqrs\xFF"
        );
    }
}
