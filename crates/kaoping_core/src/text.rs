//! Text shown to people, in every language of the plan (`zh-CN` first, `en` beside it).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The default language of kaoping and of every plan unless it says otherwise.
pub const DEFAULT_LANG: &str = "zh-CN";

/// The languages the interface itself is written in.
pub const UI_LANGS: [&str; 2] = ["zh-CN", "en"];

/// A piece of text in several languages: `{"zh-CN": "满意", "en": "Satisfied"}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct Text(pub BTreeMap<String, String>);

impl Text {
    /// Text in both interface languages.
    pub fn new(zh: &str, en: &str) -> Self {
        let mut map = BTreeMap::new();
        map.insert("zh-CN".to_owned(), zh.to_owned());
        map.insert("en".to_owned(), en.to_owned());
        Text(map)
    }

    /// The text in `lang`, else in zh-CN, else in any language it has, else "".
    pub fn get(&self, lang: &str) -> &str {
        self.0
            .get(lang)
            .or_else(|| self.0.get(DEFAULT_LANG))
            .or_else(|| self.0.values().next())
            .map(String::as_str)
            .unwrap_or("")
    }

    /// The languages this text lacks among `langs`.
    pub fn missing<'a>(&self, langs: &'a [String]) -> Vec<&'a str> {
        langs
            .iter()
            .filter(|l| self.0.get(l.as_str()).is_none_or(|t| t.trim().is_empty()))
            .map(String::as_str)
            .collect()
    }
}

/// An error a person reads, in both interface languages: English is its `Display` (the
/// `#[error]` text, as the CLI prints it), zh-CN its [`Bilingual::zh`]. The Chinese texts of
/// the core's errors live in `crate::messages`, one file per area.
pub trait Bilingual: std::fmt::Display {
    /// The message in zh-CN, with the same values as the English.
    fn zh(&self) -> String;

    /// The message in both languages: `{"zh-CN": zh(), "en": to_string()}`.
    fn text(&self) -> Text {
        let mut map = BTreeMap::new();
        map.insert("zh-CN".to_owned(), self.zh());
        map.insert("en".to_owned(), self.to_string());
        Text(map)
    }
}

/// Normalise a language tag from a browser or a URL to one of the interface languages.
pub fn ui_lang(tag: &str) -> &'static str {
    if tag.to_ascii_lowercase().starts_with("en") {
        "en"
    } else {
        DEFAULT_LANG
    }
}

/// serde's messages for a value of the wrong shape, in Chinese: `missing field `x``,
/// `unknown field `x`, expected …`, `unknown variant `x`, expected …`, `invalid type: …,
/// expected …`; anything else as serde says it.
pub fn serde_zh(e: &str) -> String {
    let quoted = |s: &str| s.split('`').nth(1).unwrap_or("").to_owned();
    let expected = |s: &str| s.split_once("expected ").map_or("", |(_, x)| x).to_owned();
    if e.starts_with("missing field") {
        format!("缺少字段“{}”", quoted(e))
    } else if e.starts_with("unknown field") {
        format!("未知字段“{}”，可用：{}", quoted(e), expected(e))
    } else if e.starts_with("unknown variant") {
        format!("“{}”不是可用的取值，可用：{}", quoted(e), expected(e))
    } else if let Some(rest) = e.strip_prefix("invalid type: ") {
        let got = rest.split(", expected").next().unwrap_or(rest);
        format!("类型不对（现为 {got}），应为 {}", expected(e))
    } else if let Some(rest) = e.strip_prefix("a \"") {
        // crate::plan::raw's `a "single" question needs "options"`.
        let mut parts = rest.split('"');
        let kind = parts.next().unwrap_or("");
        let what = parts.nth(1).unwrap_or("");
        format!("“{kind}”题须有“{what}”")
    } else if let Some(rest) = e.strip_prefix("unknown question type \"") {
        format!("未知的题型“{}”", rest.trim_end_matches('"'))
    } else {
        e.to_owned()
    }
}

/// serde_json's syntax error `what` (its message without the position) in Chinese, for the
/// zh-CN text of a `json_syntax` problem or rejection; a message not known here stays as it is.
/// The messages are serde_json's `ErrorCode` texts.
pub fn json_syntax_zh(what: &str) -> String {
    const KNOWN: &[(&str, &str)] = &[
        ("EOF while parsing a list", "数组未结束（缺少“]”）"),
        ("EOF while parsing an object", "对象未结束（缺少“}”）"),
        ("EOF while parsing a string", "字符串未结束（缺少右引号）"),
        ("EOF while parsing a value", "内容不完整，此处缺少一个值"),
        ("expected `:`", "此处应为冒号“:”"),
        ("expected `,` or `]`", "此处应为逗号“,”或“]”"),
        ("expected `,` or `}`", "此处应为逗号“,”或“}”"),
        ("expected ident", "此处应为 true、false 或 null"),
        ("expected value", "此处应为一个值"),
        ("expected `\"`", "此处应为双引号"),
        ("invalid escape", "无效的转义字符"),
        ("invalid number", "无效的数字"),
        ("number out of range", "数字超出范围"),
        ("invalid unicode code point", "无效的 Unicode 码点"),
        (
            "control character (\\u0000-\\u001F) found while parsing a string",
            "字符串中有控制字符（U+0000–U+001F）",
        ),
        ("key must be a string", "对象的键必须是字符串"),
        (
            "lone leading surrogate in hex escape",
            "十六进制转义中有落单的代理项",
        ),
        ("trailing comma", "多余的逗号"),
        ("trailing characters", "值之后还有多余的字符"),
        ("unexpected end of hex escape", "十六进制转义不完整"),
        ("recursion limit exceeded", "嵌套层数超过上限（128 层）"),
    ];
    KNOWN
        .iter()
        .find(|(en, _)| *en == what)
        .map_or_else(|| what.to_owned(), |(_, zh)| (*zh).to_owned())
}

/// `s` escaped for HTML (and SVG) text and attribute values: `&`, `<`, `>`, `"` and `'`. The
/// printed sheets (invitations, code slips, the tracking report) and QR labels use it.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A number for a message: a whole number below 10^15 as an integer, any other in the
/// shortest decimal digits that read back as `x`, never with an exponent (`0.5`, `0.0000001`,
/// `1e21` as `1000000000000000000000`).
///
/// Built on serde_json's shortest-digit printer rather than `format!("{x}")`, so that
/// `core::fmt`'s float printer (grisu and dragon with their tables) is not linked into the
/// respondent's WASM, which has serde_json's anyway (docs/size.md). The text is `Display`'s
/// for every number of up to 15 significant digits (every scale point, bound and step a plan
/// writes); beyond that the two printers may choose different last digits among those that
/// read back as `x` (1690060720831323.2 here, .3 by `Display`). `tests::number_text_is_display_s`
/// checks both on edge values and 200,000 random ones. Exports keep `cells::format_number`.
pub fn number_text(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        return (x as i64).to_string();
    }
    let Some(n) = serde_json::Number::from_f64(x) else {
        return if x.is_nan() {
            "NaN"
        } else if x > 0.0 {
            "inf"
        } else {
            "-inf"
        }
        .to_owned();
    };
    // serde_json writes `[-]int[.frac][e[-]exp]`; move the point by the exponent.
    let printed = n.to_string();
    let (neg, body) = match printed.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, printed.as_str()),
    };
    let (mantissa, exp) = match body.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
        None => (body, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all: String = [int, frac].concat();
    let lead = all.len() - all.trim_start_matches('0').len();
    let digits = all[lead..].trim_end_matches('0');
    let mut out = String::with_capacity(digits.len() + 24);
    if neg {
        out.push('-');
    }
    if digits.is_empty() {
        out.push('0');
        return out;
    }
    // Where the point goes, counted in `digits` from their first.
    let point = int.len() as i32 - lead as i32 + exp;
    let len = digits.len() as i32;
    if point <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-point) as usize));
        out.push_str(digits);
    } else if point >= len {
        out.push_str(digits);
        out.extend(std::iter::repeat_n('0', (point - len) as usize));
    } else {
        out.push_str(&digits[..point as usize]);
        out.push('.');
        out.push_str(&digits[point as usize..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{json_syntax_zh, serde_zh};

    /// Every syntax error serde_json gives for these texts has its Chinese (a new wording in
    /// serde_json makes this fail rather than show English on a zh-CN page).
    #[test]
    fn json_syntax_errors_in_chinese() {
        let deep = "[".repeat(200);
        for text in [
            "[1,",
            "{\"a\":1",
            "\"abc",
            "",
            "{\"a\" 1}",
            "[1 2]",
            "{\"a\":1 \"b\":2}",
            "tru",
            "[,]",
            "{a:1}",
            "\"\\q\"",
            "1e999",
            "[1,]",
            "1 2",
            "\"\\u12\"",
            "\"\u{1}\"",
            &deep,
        ] {
            let e = serde_json::from_str::<serde_json::Value>(text).unwrap_err();
            let full = e.to_string();
            let what = full.split(" at line ").next().unwrap_or(&full);
            let zh = json_syntax_zh(what);
            assert_ne!(zh, what, "{text:?} gives {what:?}, not translated");
        }
    }

    #[test]
    fn serde_messages_in_chinese() {
        let e = |json: &str| {
            serde_json::from_str::<crate::plan::Unit>(json)
                .unwrap_err()
                .to_string()
        };
        let missing = e(r#"{"id": "u"}"#);
        assert!(missing.starts_with("missing field"), "{missing}");
        assert!(
            serde_zh(&missing).starts_with("缺少字段“"),
            "{}",
            serde_zh(&missing)
        );
        let wrong = e(r#"{"id": 3}"#);
        assert!(
            serde_zh(&wrong).starts_with("类型不对（现为 integer `3`），应为"),
            "{}",
            serde_zh(&wrong)
        );
        assert_eq!(serde_zh("something else"), "something else");
        assert_eq!(
            serde_zh("a \"single\" question needs \"options\""),
            "“single”题须有“options”"
        );
        assert_eq!(
            serde_zh("unknown question type \"slider\""),
            "未知的题型“slider”"
        );
        assert_eq!(
            serde_zh("unknown variant `x`, expected `a` or `b`"),
            "“x”不是可用的取值，可用：`a` or `b`"
        );
    }

    /// `number_text` against what the messages printed with `Display` before (whole numbers
    /// below 10^15 as integers, every other value as `format!("{x}")`), on edge values and a
    /// fixed random stream of bit patterns (subnormal, huge, tiny, negative) and short decimals.
    #[test]
    fn number_text_is_display_s() {
        use super::number_text;
        fn display(x: f64) -> String {
            if x.fract() == 0.0 && x.abs() < 1e15 {
                format!("{}", x as i64)
            } else {
                format!("{x}")
            }
        }
        let edges = [
            0.0,
            -0.0,
            0.5,
            -0.5,
            0.1,
            0.25,
            2.5,
            1e15,
            1e16,
            1e17,
            1e21,
            1e22,
            1e300,
            -1e300,
            1e-7,
            1.5e-7,
            1e-300,
            5e-324,
            f64::MAX,
            f64::MIN,
            f64::MIN_POSITIVE,
            f64::EPSILON,
            123456.789,
            0.30000000000000004,
            9007199254740993.0,
            1e15 + 0.5,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        // Equal to `Display` up to 15 significant digits; beyond, the same number.
        let check = |x: f64| {
            let (got, want) = (number_text(x), display(x));
            let digits = want.trim_start_matches(['-', '0', '.']).replace('.', "");
            if digits.trim_end_matches('0').len() <= 15 || !x.is_finite() {
                assert_eq!(got, want, "{x:e} ({:#x})", x.to_bits());
            } else {
                assert_eq!(got.parse::<f64>().unwrap(), x, "{got} for {want}");
                assert!(!got.contains('e'), "{got}");
            }
        };
        for x in edges {
            check(x);
        }
        let mut s: u64 = 0x9E37_79B9_7F4A_7C15;
        for i in 0..200_000 {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            let x = if i % 2 == 0 {
                f64::from_bits(s)
            } else {
                (s % 100_000) as f64 / [10.0, 100.0, 1000.0, 3.0][(s >> 60) as usize % 4]
            };
            check(x);
        }
    }
}
