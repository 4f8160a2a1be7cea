//! Text patterns for short-text questions (`"pattern": "1[3-9]\\d{9}"`): a small, safe subset
//! of regular expressions, matched against the whole answer.
//!
//! Supported: literal characters, `.`, classes `[a-z0-9_]` and `[^…]`, escapes `\d \w \s` (and
//! `\.` etc. for a literal), groups `( … )`, alternation `|`, repetition `* + ? {m} {m,} {m,n}`,
//! and `^`/`$` at the ends (the match is always of the whole text). A pattern is compiled to at
//! most [`MAX_PROGRAM`] instructions and matched by a Thompson NFA simulation: time linear in
//! the answer's length, memory independent of it, no recursion per character (a long answer
//! cannot overflow the 1 MiB stack of WASM), so no pattern can freeze a respondent's phone.

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

/// The largest repetition count (`{m,n}`): a pattern for an answer, not a generator.
pub const MAX_REPEAT: u32 = 1000;
/// How deeply groups may nest: the parser recurses once per group.
pub const MAX_GROUP_DEPTH: u32 = 32;

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
        if depth > MAX_GROUP_DEPTH {
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
        let mut prog = Vec::new();
        alts(&mut prog, &alternatives);
        if prog.len() > MAX_PROGRAM {
            return Err(PatternError {
                // MAX_PROGRAM, written out (a literal: no formatting in the respondent's WASM).
                message: "too large once its repetitions are written out (more than 4096 steps)"
                    .to_owned(),
                column: 1,
            });
        }
        Ok(Pattern { alternatives })
    }

    /// Whether the whole text matches: a Thompson NFA simulation (Pike VM without captures).
    /// Memory is a few words per instruction whatever the text's length, time at most text
    /// length × [`MAX_PROGRAM`], and nothing recurses.
    pub fn is_match(&self, text: &str) -> bool {
        // Compiled again for each match (a few microseconds): the program borrows the nodes.
        let mut prog = Vec::new();
        alts(&mut prog, &self.alternatives);
        let prog = &prog[..];
        let (mut cur, mut next, mut stack) = (Vec::new(), Vec::new(), Vec::new());
        let mut seen = vec![usize::MAX; prog.len() + 1];
        add(prog, &mut cur, &mut seen, &mut stack, 0, 0);
        for (i, c) in text.chars().enumerate() {
            next.clear();
            for &pc in &cur {
                if matches!(prog.get(pc), Some(Inst::Test(node)) if one(node, c)) {
                    add(prog, &mut next, &mut seen, &mut stack, i + 1, pc + 1);
                }
            }
            std::mem::swap(&mut cur, &mut next);
            if cur.is_empty() {
                return false;
            }
        }
        cur.contains(&prog.len())
    }
}

/// The most instructions a compiled pattern may have (`\d{1000}` is 1000, `[a-z]{0,1000}`
/// 2000): matching takes at most this many steps per character of the answer.
pub const MAX_PROGRAM: usize = 4096;

/// One instruction; the match is the position after the last one.
enum Inst<'a> {
    /// One character that `one` accepts (a `Char`, `Any` or `Class` node).
    Test(&'a Node),
    Split(usize, usize),
    Jmp(usize),
}

/// Compile alternatives: `Split` to each, `Jmp` from each to the end. Stops adding once the
/// program is over [`MAX_PROGRAM`] (the caller then refuses it), so `((a{1000}){1000}){1000}`
/// costs no time.
fn alts<'a>(prog: &mut Vec<Inst<'a>>, alternatives: &'a [Vec<Node>]) {
    let mut jumps = Vec::new();
    for (i, alt) in alternatives.iter().enumerate() {
        let split = prog.len();
        let last = i + 1 == alternatives.len();
        if !last {
            prog.push(Inst::Split(split + 1, 0));
        }
        for n in alt {
            node(prog, n);
        }
        if !last {
            jumps.push(prog.len());
            prog.push(Inst::Jmp(0));
            prog[split] = Inst::Split(split + 1, prog.len());
        }
    }
    let end = prog.len();
    for j in jumps {
        prog[j] = Inst::Jmp(end);
    }
}

fn node<'a>(prog: &mut Vec<Inst<'a>>, n: &'a Node) {
    if prog.len() > MAX_PROGRAM {
        return;
    }
    match n {
        Node::Group(a) => alts(prog, a),
        Node::Repeat {
            node: inner,
            min,
            max,
        } => {
            for _ in 0..*min {
                node(prog, inner);
            }
            let mut splits = Vec::new();
            let top = prog.len();
            for _ in *min..max.unwrap_or(*min + 1) {
                splits.push(prog.len());
                prog.push(Inst::Split(prog.len() + 1, 0));
                node(prog, inner);
                if prog.len() > MAX_PROGRAM {
                    return;
                }
            }
            if max.is_none() {
                prog.push(Inst::Jmp(top));
            }
            let end = prog.len();
            for s in splits {
                prog[s] = Inst::Split(s + 1, end);
            }
        }
        single => prog.push(Inst::Test(single)),
    }
}

/// Add `pc` and everything reachable from it without reading a character to `list` (the
/// `Test`s, and the end as `prog.len()`); `seen` marks what this step already holds, so a loop
/// that reads nothing (`(a*)*`) ends. The explicit stack holds at most two entries per
/// instruction.
fn add(
    prog: &[Inst],
    list: &mut Vec<usize>,
    seen: &mut [usize],
    stack: &mut Vec<usize>,
    step: usize,
    pc: usize,
) {
    stack.push(pc);
    while let Some(pc) = stack.pop() {
        if seen[pc] == step {
            continue;
        }
        seen[pc] = step;
        match prog.get(pc) {
            Some(Inst::Split(a, b)) => {
                stack.push(*b);
                stack.push(*a);
            }
            Some(Inst::Jmp(a)) => stack.push(*a),
            _ => list.push(pc),
        }
    }
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

    #[test]
    fn long_answers_match_in_a_small_stack_and_linear_time() {
        // A 1 MiB stack, as in WASM; the old backtracking matcher recursed once per character.
        let h = std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(|| {
                let p = Pattern::parse(r"\w+@\w+\.cn").unwrap();
                let long = "a".repeat(100_000);
                assert!(p.is_match(&format!("{long}@{long}.cn")));
                assert!(!p.is_match(&format!("{long}@{long}.com")));
                assert!(!p.is_match(&"a".repeat(200_000)));
                let nested = Pattern::parse("((a|b)*c?)*d").unwrap();
                assert!(nested.is_match(&("ab".repeat(50_000) + "d")));
            })
            .unwrap();
        h.join().unwrap();
    }

    #[test]
    fn a_pattern_too_large_written_out_is_refused() {
        assert!(Pattern::parse("[a-z]{0,1000}").is_ok());
        let e = Pattern::parse("((a{1000}){1000}){1000}").unwrap_err();
        assert!(e.message.contains("too large"), "{e}");
        assert!(Pattern::parse(&"(".repeat(40))
            .unwrap_err()
            .message
            .contains("nested"));
    }

    #[test]
    fn the_size_message_names_the_limit() {
        let e = Pattern::parse("(a{1000}){5}").unwrap_err();
        assert!(
            e.message
                .contains(&format!("more than {MAX_PROGRAM} steps")),
            "{e}"
        );
    }
}
