//! Text patterns for short-text questions (`"pattern": "1[3-9]\\d{9}"`): a small, safe subset
//! of regular expressions, matched against the whole answer.
//!
//! Supported: literal characters, `.`, classes `[a-z0-9_]` and `[^…]`, escapes `\d \w \s` (and
//! `\.` etc. for a literal), groups `( … )`, alternation `|`, repetition `* + ? {m} {m,} {m,n}`,
//! and `^`/`$` at the ends (the match is always of the whole text). Matching takes a bounded
//! number of steps, so no pattern can freeze a respondent's phone.

use std::cell::Cell;
use std::fmt;

/// A parsed pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct Pattern {
    alternatives: Vec<Vec<Node>>,
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Char(char),
    Any,
    Class {
        negated: bool,
        items: Vec<ClassItem>,
    },
    Group(Vec<Vec<Node>>),
    Repeat {
        node: Box<Node>,
        min: u32,
        max: Option<u32>,
    },
}

#[derive(Debug, Clone, PartialEq)]
enum ClassItem {
    Range(char, char),
    Digit,
    Word,
    Space,
}

/// Why a pattern cannot be used, and where (1-based character column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    pub message: String,
    pub column: usize,
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (column {})", self.message, self.column)
    }
}

impl std::error::Error for PatternError {}

/// The most steps one match may take before it counts as no match.
const STEP_LIMIT: u32 = 200_000;
const MAX_REPEAT: u32 = 1000;

struct Parser {
    chars: Vec<char>,
    pos: usize,
}

impl Parser {
    fn err(&self, message: &str) -> PatternError {
        PatternError {
            message: message.to_owned(),
            column: self.pos + 1,
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn alternatives(&mut self, depth: u32) -> Result<Vec<Vec<Node>>, PatternError> {
        if depth > 32 {
            return Err(self.err("groups nested too deeply"));
        }
        let mut alts = vec![self.sequence(depth)?];
        while self.peek() == Some('|') {
            self.pos += 1;
            alts.push(self.sequence(depth)?);
        }
        Ok(alts)
    }

    fn sequence(&mut self, depth: u32) -> Result<Vec<Node>, PatternError> {
        let mut seq = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom(depth)?;
            seq.push(self.repeat(atom)?);
        }
        Ok(seq)
    }

    fn atom(&mut self, depth: u32) -> Result<Node, PatternError> {
        let c = self.peek().ok_or_else(|| self.err("unexpected end"))?;
        self.pos += 1;
        Ok(match c {
            '.' => Node::Any,
            '(' => {
                let alts = self.alternatives(depth + 1)?;
                if self.peek() != Some(')') {
                    return Err(self.err("missing `)`"));
                }
                self.pos += 1;
                Node::Group(alts)
            }
            '[' => self.class()?,
            '\\' => match self.escape()? {
                Some(item) => Node::Class {
                    negated: false,
                    items: vec![item],
                },
                None => Node::Char(self.chars[self.pos - 1]),
            },
            '*' | '+' | '?' | '{' => {
                return Err(PatternError {
                    message: format!("`{c}` has nothing to repeat"),
                    column: self.pos,
                })
            }
            ']' | '}' => {
                return Err(PatternError {
                    message: format!("unmatched `{c}`"),
                    column: self.pos,
                })
            }
            c => Node::Char(c),
        })
    }

    /// After a backslash: a class shorthand, or `None` for a literal (the char just read).
    fn escape(&mut self) -> Result<Option<ClassItem>, PatternError> {
        let c = self
            .peek()
            .ok_or_else(|| self.err("a pattern cannot end with `\\`"))?;
        self.pos += 1;
        Ok(match c {
            'd' => Some(ClassItem::Digit),
            'w' => Some(ClassItem::Word),
            's' => Some(ClassItem::Space),
            c if c.is_ascii_alphanumeric() => {
                return Err(PatternError {
                    message: format!("unknown escape `\\{c}`"),
                    column: self.pos - 1,
                })
            }
            _ => None,
        })
    }

    fn class(&mut self) -> Result<Node, PatternError> {
        let negated = self.peek() == Some('^');
        if negated {
            self.pos += 1;
        }
        let mut items = Vec::new();
        loop {
            let c = self.peek().ok_or_else(|| self.err("missing `]`"))?;
            self.pos += 1;
            if c == ']' && !items.is_empty() {
                break;
            }
            let lo = if c == '\\' {
                match self.escape()? {
                    Some(item) => {
                        items.push(item);
                        continue;
                    }
                    None => self.chars[self.pos - 1],
                }
            } else {
                c
            };
            if self.peek() == Some('-') && self.chars.get(self.pos + 1).is_some_and(|&n| n != ']') {
                self.pos += 1;
                let mut hi = self.chars[self.pos];
                self.pos += 1;
                if hi == '\\' {
                    hi = *self
                        .chars
                        .get(self.pos)
                        .ok_or_else(|| self.err("missing `]`"))?;
                    self.pos += 1;
                }
                if hi < lo {
                    return Err(self.err("a range must go from low to high"));
                }
                items.push(ClassItem::Range(lo, hi));
            } else {
                items.push(ClassItem::Range(lo, lo));
            }
        }
        Ok(Node::Class { negated, items })
    }

    fn number(&mut self) -> Option<u32> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        self.chars[start..self.pos]
            .iter()
            .collect::<String>()
            .parse()
            .ok()
    }

    fn repeat(&mut self, node: Node) -> Result<Node, PatternError> {
        let (min, max) = match self.peek() {
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('?') => (0, Some(1)),
            Some('{') => {
                self.pos += 1;
                let min = self
                    .number()
                    .ok_or_else(|| self.err("expected a number after `{`"))?;
                let max = if self.peek() == Some(',') {
                    self.pos += 1;
                    if self.peek() == Some('}') {
                        None
                    } else {
                        Some(
                            self.number()
                                .ok_or_else(|| self.err("expected a number after `,`"))?,
                        )
                    }
                } else {
                    Some(min)
                };
                if self.peek() != Some('}') {
                    return Err(self.err("missing `}`"));
                }
                if max.is_some_and(|m| m < min)
                    || min > MAX_REPEAT
                    || max.is_some_and(|m| m > MAX_REPEAT)
                {
                    return Err(self.err("invalid repetition count"));
                }
                (min, max)
            }
            _ => return Ok(node),
        };
        self.pos += 1;
        if matches!(self.peek(), Some('*' | '+' | '?' | '{')) {
            return Err(self.err("a repetition cannot be repeated"));
        }
        Ok(Node::Repeat {
            node: Box::new(node),
            min,
            max,
        })
    }
}

impl Pattern {
    /// Parse a pattern; errors point at the offending character.
    pub fn parse(src: &str) -> Result<Pattern, PatternError> {
        let trimmed = src.strip_prefix('^').unwrap_or(src);
        let trimmed = match trimmed.strip_suffix('$') {
            Some(t) if !t.ends_with('\\') => t,
            _ => trimmed,
        };
        let mut p = Parser {
            chars: trimmed.chars().collect(),
            pos: 0,
        };
        let alternatives = p.alternatives(0)?;
        if p.pos < p.chars.len() {
            return Err(p.err("unmatched `)`"));
        }
        Ok(Pattern { alternatives })
    }

    /// Whether the whole text matches.
    pub fn is_match(&self, text: &str) -> bool {
        let input: Vec<char> = text.chars().collect();
        let ctx = Ctx {
            input: &input,
            steps: Cell::new(0),
        };
        let end = input.len();
        let group = Node::Group(self.alternatives.clone());
        seq(&ctx, std::slice::from_ref(&group), 0, &mut |p| p == end)
    }
}

struct Ctx<'a> {
    input: &'a [char],
    steps: Cell<u32>,
}

fn one(node: &Node, c: char) -> bool {
    match node {
        Node::Char(x) => *x == c,
        Node::Any => c != '\n',
        Node::Class { negated, items } => {
            let hit = items.iter().any(|i| match i {
                ClassItem::Range(lo, hi) => (*lo..=*hi).contains(&c),
                ClassItem::Digit => c.is_ascii_digit(),
                ClassItem::Word => c.is_alphanumeric() || c == '_',
                ClassItem::Space => c.is_whitespace(),
            });
            hit != *negated
        }
        _ => false,
    }
}

/// Match `nodes` at `pos`, then hand the end position to `k` (continuation-passing
/// backtracking); gives up after [`STEP_LIMIT`] steps.
fn seq(ctx: &Ctx, nodes: &[Node], pos: usize, k: &mut dyn FnMut(usize) -> bool) -> bool {
    let steps = ctx.steps.get() + 1;
    ctx.steps.set(steps);
    if steps > STEP_LIMIT {
        return false;
    }
    let Some((first, rest)) = nodes.split_first() else {
        return k(pos);
    };
    match first {
        Node::Group(alts) => alts
            .iter()
            .any(|alt| seq(ctx, alt, pos, &mut |p| seq(ctx, rest, p, k))),
        Node::Repeat { node, min, max } => repeat(ctx, node, (*min, *max), 0, rest, pos, k),
        single => {
            pos < ctx.input.len() && one(single, ctx.input[pos]) && seq(ctx, rest, pos + 1, k)
        }
    }
}

fn repeat(
    ctx: &Ctx,
    node: &Node,
    (min, max): (u32, Option<u32>),
    count: u32,
    rest: &[Node],
    pos: usize,
    k: &mut dyn FnMut(usize) -> bool,
) -> bool {
    if max.is_none_or(|m| count < m)
        && seq(ctx, std::slice::from_ref(node), pos, &mut |p| {
            (p != pos || count < min) && repeat(ctx, node, (min, max), count + 1, rest, p, k)
        })
    {
        return true;
    }
    count >= min && seq(ctx, rest, pos, k)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, t: &str) -> bool {
        Pattern::parse(p).unwrap().is_match(t)
    }

    #[test]
    fn whole_text_matches_only() {
        assert!(m(r"1[3-9]\d{9}", "13912345678"));
        assert!(!m(r"1[3-9]\d{9}", "1391234567"));
        assert!(!m(r"1[3-9]\d{9}", "x13912345678"));
        assert!(m(r"^\d{6}$", "430100"));
        assert!(m("(ab|cd)+e?", "abcdab"));
        assert!(!m("(ab|cd)+e?", "abc"));
        assert!(m("[^0-9]*", "汉字abc"));
        assert!(m(r"\w+@\w+\.cn", "li_ming@wuhan.cn"));
        assert!(!m(r"\w+@\w+\.cn", "li_ming@wuhan-cn"));
        assert!(m("a{2,3}", "aaa") && !m("a{2,3}", "aaaa") && m("a{2,}", "aaaaa"));
        assert!(m("(a*)*b", "aaab"));
        assert!(m("", ""));
    }

    #[test]
    fn catastrophic_patterns_stop_instead_of_freezing() {
        let p = Pattern::parse("(a|a)*(a|a)*(a|a)*c").unwrap();
        assert!(!p.is_match(&"a".repeat(40)));
    }

    #[test]
    fn errors_point_at_the_offending_character() {
        let e = Pattern::parse("ab(c").unwrap_err();
        assert_eq!((e.message.as_str(), e.column), ("missing `)`", 5));
        let e = Pattern::parse("*a").unwrap_err();
        assert_eq!(e.column, 1);
        assert!(Pattern::parse(r"\q")
            .unwrap_err()
            .message
            .contains("unknown escape"));
        assert!(Pattern::parse("a{3,2}").is_err());
        assert!(Pattern::parse("[z-a]").is_err());
        assert!(Pattern::parse("a)").is_err());
    }
}
