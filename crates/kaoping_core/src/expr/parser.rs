//! Recursive-descent parser of the tokens of `lexer`, and the syntax error it reports.

use std::fmt;

use serde::Serialize;

use super::ast::{AddOp, Func, Lit, MulOp, Node};

mod lexer;
use lexer::{Lexer, Tok, Token};

/// Longest accepted expression source, in bytes.
pub const MAX_LEN: usize = 8192;
/// Deepest accepted nesting (parentheses, function calls, `not` and unary minus).
pub const MAX_DEPTH: usize = 64;

/// A syntax error, pointing at the offending text.
///
/// `Display` prints the message, then the source line and a caret line under the offending
/// text:
///
/// ```text
/// unknown function `cout`; known functions: count, empty, if, len, max, min, number, selected, sum
///   cout(q1) > 2
///   ^^^^
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ParseError {
    /// What went wrong, in English, naming the offending text in backquotes.
    pub message: String,
    /// Byte offset of the offending text in the source.
    pub offset: usize,
    /// Length in bytes of the offending text (0 at the end of input).
    pub len: usize,
    /// 1-based line of `offset` (expressions are usually one line).
    pub line: usize,
    /// 1-based column of `offset` in characters (a Chinese character counts 1).
    pub column: usize,
    /// The source line containing `offset`, without its line break, for display.
    pub source_line: String,
}

impl ParseError {
    fn new(src: &str, offset: usize, len: usize, message: impl Into<String>) -> ParseError {
        let offset = floor_boundary(src, offset.min(src.len()));
        let len = floor_boundary(src, (offset + len).min(src.len())) - offset;
        let before = &src[..offset];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let line_end = src[offset..].find('\n').map_or(src.len(), |i| offset + i);
        let source_line = src[line_start..line_end].trim_end_matches('\r').to_string();
        ParseError {
            message: message.into(),
            offset,
            len,
            line: before.matches('\n').count() + 1,
            column: src[line_start..offset].chars().count() + 1,
            source_line,
        }
    }
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Approximate terminal width of a character: East Asian wide characters count 2.
fn char_width(c: char) -> usize {
    let u = c as u32;
    let wide = matches!(u,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x1F300..=0x1F64F
        | 0x1F900..=0x1F9FF | 0x20000..=0x3FFFD);
    if wide {
        2
    } else {
        1
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.message)?;
        writeln!(f, "  {}", self.source_line)?;
        let mut pad = String::new();
        let mut width = 0;
        for (i, c) in self.source_line.chars().enumerate() {
            if i + 1 < self.column {
                if c == '\t' {
                    pad.push('\t');
                } else {
                    pad.push_str(&" ".repeat(char_width(c)));
                }
            } else if width < self.len {
                // `len` is in bytes; count the characters it covers.
                width += c.len_utf8();
                pad.push_str(&"^".repeat(char_width(c)));
            }
        }
        if self.len == 0 || !pad.contains('^') {
            pad.push('^');
        }
        write!(f, "  {pad}")
    }
}

impl std::error::Error for ParseError {}

struct Parser<'a> {
    src: &'a str,
    toks: Vec<Token>,
    pos: usize,
    depth: usize,
}

fn describe(src: &str, t: &Token) -> String {
    match t.tok {
        Tok::Eof => "end of input".to_string(),
        _ => format!("`{}`", src.get(t.offset..t.offset + t.len).unwrap_or("?")),
    }
}

/// Parses an expression's source into a syntax tree.
pub(crate) fn parse_node(src: &str) -> Result<Node, ParseError> {
    if src.len() > MAX_LEN {
        return Err(ParseError::new(
            src,
            MAX_LEN,
            src.len() - MAX_LEN,
            format!(
                "expression is too long ({} bytes; the limit is {MAX_LEN})",
                src.len()
            ),
        ));
    }
    let toks = Lexer { src, pos: 0 }.tokens()?;
    if toks.len() == 1 {
        return Err(ParseError::new(src, src.len(), 0, "empty expression"));
    }
    let mut p = Parser {
        src,
        toks,
        pos: 0,
        depth: 0,
    };
    let node = p.or()?;
    let t = p.peek().clone();
    match t.tok {
        Tok::Eof => Ok(node),
        Tok::RParen => Err(p.err_at(&t, "unmatched `)`: there is no `(` for it to close")),
        _ => Err(p.err_at(
            &t,
            format!(
                "unexpected {} after a complete expression (missing an operator such as `and`?)",
                describe(src, &t)
            ),
        )),
    }
}

impl Parser<'_> {
    fn peek(&self) -> &Token {
        // The token list always ends with `Eof`, and `advance` never moves past it.
        &self.toks[self.pos.min(self.toks.len() - 1)]
    }

    fn advance(&mut self) -> Token {
        let t = self.peek().clone();
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
        t
    }

    fn err_at(&self, t: &Token, message: impl Into<String>) -> ParseError {
        ParseError::new(self.src, t.offset, t.len, message)
    }

    fn enter(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let t = self.peek().clone();
            return Err(self.err_at(
                &t,
                format!("expression is nested too deeply (more than {MAX_DEPTH} levels)"),
            ));
        }
        Ok(())
    }

    fn or(&mut self) -> Result<Node, ParseError> {
        self.enter()?;
        let mut items = vec![self.and()?];
        while self.peek().tok == Tok::Or {
            self.advance();
            items.push(self.and()?);
        }
        self.depth -= 1;
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Node::Or(items)
        })
    }

    fn and(&mut self) -> Result<Node, ParseError> {
        let mut items = vec![self.not()?];
        while self.peek().tok == Tok::And {
            self.advance();
            items.push(self.not()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Node::And(items)
        })
    }

    fn not(&mut self) -> Result<Node, ParseError> {
        if self.peek().tok != Tok::Not {
            return self.compare();
        }
        self.enter()?;
        self.advance();
        let x = self.not()?;
        self.depth -= 1;
        Ok(Node::Not(Box::new(x)))
    }

    fn compare(&mut self) -> Result<Node, ParseError> {
        let left = self.additive()?;
        let Tok::Cmp(op) = self.peek().tok else {
            return Ok(left);
        };
        self.advance();
        let right = self.additive()?;
        let t = self.peek().clone();
        if let Tok::Cmp(_) = t.tok {
            return Err(self.err_at(
                &t,
                "comparisons cannot be chained: write `1 <= a and a <= 5`, not `1 <= a <= 5`",
            ));
        }
        Ok(Node::Compare(Box::new(left), op, Box::new(right)))
    }

    fn additive(&mut self) -> Result<Node, ParseError> {
        let first = self.multiplicative()?;
        let mut rest = Vec::new();
        loop {
            let op = match self.peek().tok {
                Tok::Plus => AddOp::Add,
                Tok::Minus => AddOp::Sub,
                _ => break,
            };
            self.advance();
            rest.push((op, self.multiplicative()?));
        }
        Ok(if rest.is_empty() {
            first
        } else {
            Node::Additive(Box::new(first), rest)
        })
    }

    fn multiplicative(&mut self) -> Result<Node, ParseError> {
        let first = self.unary()?;
        let mut rest = Vec::new();
        loop {
            let op = match self.peek().tok {
                Tok::Star => MulOp::Mul,
                Tok::Slash => MulOp::Div,
                Tok::Percent => MulOp::Rem,
                _ => break,
            };
            self.advance();
            rest.push((op, self.unary()?));
        }
        Ok(if rest.is_empty() {
            first
        } else {
            Node::Multiplicative(Box::new(first), rest)
        })
    }

    fn unary(&mut self) -> Result<Node, ParseError> {
        if self.peek().tok != Tok::Minus {
            return self.primary();
        }
        self.enter()?;
        self.advance();
        let x = self.unary()?;
        self.depth -= 1;
        Ok(match x {
            Node::Lit(Lit::Number(n)) => Node::Lit(Lit::Number(-n)),
            x => Node::Neg(Box::new(x)),
        })
    }

    fn primary(&mut self) -> Result<Node, ParseError> {
        let t = self.advance();
        Ok(match t.tok.clone() {
            Tok::Num(n) => Node::Lit(Lit::Number(n)),
            Tok::Str(s) => Node::Lit(Lit::Text(s)),
            Tok::True => Node::Lit(Lit::Bool(true)),
            Tok::False => Node::Lit(Lit::Bool(false)),
            Tok::Null => Node::Lit(Lit::Null),
            Tok::Current => Node::Current,
            Tok::Ident { id, path } => {
                if self.peek().tok == Tok::LParen {
                    return self.call(&t, id, path);
                }
                Node::Answer { id, path }
            }
            Tok::LParen => {
                let x = self.or()?;
                let close = self.peek().clone();
                match close.tok {
                    Tok::RParen => {
                        self.advance();
                    }
                    Tok::Eof => return Err(self.err_at(&t, "unclosed `(`: missing `)`")),
                    _ => {
                        return Err(self.err_at(
                            &close,
                            format!(
                                "expected `)` to close the `(` at column {}, found {}",
                                ParseError::new(self.src, t.offset, 0, "").column,
                                describe(self.src, &close)
                            ),
                        ))
                    }
                }
                x
            }
            Tok::Not => {
                return Err(self.err_at(
                    &t,
                    format!(
                        "{} applies to a whole condition here; put it in parentheses: `(not x)`",
                        describe(self.src, &t)
                    ),
                ))
            }
            Tok::Eof => {
                let message = match self.pos.checked_sub(1).and_then(|i| self.toks.get(i)) {
                    Some(prev) if self.toks.len() > 1 && prev.tok != Tok::Eof => {
                        format!(
                            "expected an expression after {}, found end of input",
                            describe(self.src, prev)
                        )
                    }
                    _ => "expected an expression, found end of input".to_string(),
                };
                return Err(self.err_at(&t, message));
            }
            _ => {
                return Err(self.err_at(
                    &t,
                    format!("expected an expression, found {}", describe(self.src, &t)),
                ))
            }
        })
    }

    fn call(&mut self, name: &Token, id: String, path: Vec<String>) -> Result<Node, ParseError> {
        let full = if path.is_empty() {
            id.clone()
        } else {
            format!("{id}.{}", path.join("."))
        };
        let func = match Func::from_name(&full) {
            Some(f) => f,
            None => {
                let known: Vec<&str> = Func::ALL.iter().map(|f| f.name()).collect();
                return Err(self.err_at(
                    name,
                    format!(
                        "unknown function `{full}`; known functions: {}",
                        known.join(", ")
                    ),
                ));
            }
        };
        let open = self.advance();
        self.enter()?;
        let mut args = Vec::new();
        if self.peek().tok == Tok::RParen {
            self.advance();
        } else {
            loop {
                args.push(self.or()?);
                let t = self.advance();
                match t.tok {
                    Tok::Comma => continue,
                    Tok::RParen => break,
                    Tok::Eof => {
                        return Err(
                            self.err_at(&open, format!("unclosed `(` of `{full}(`: missing `)`"))
                        )
                    }
                    _ => {
                        return Err(self.err_at(
                            &t,
                            format!(
                                "expected `,` or `)` in the arguments of `{full}`, found {}",
                                describe(self.src, &t)
                            ),
                        ))
                    }
                }
            }
        }
        self.depth -= 1;
        let (min, max) = func.arity();
        if args.len() < min || max.is_some_and(|m| args.len() > m) {
            let close_end = self
                .toks
                .get(self.pos.saturating_sub(1))
                .map_or(name.offset, |t| t.offset + t.len);
            let expected = match max {
                Some(m) if m == min => format!("{min} argument{}", if min == 1 { "" } else { "s" }),
                _ => format!("at least {min} argument{}", if min == 1 { "" } else { "s" }),
            };
            return Err(ParseError::new(
                self.src,
                name.offset,
                close_end.saturating_sub(name.offset),
                format!(
                    "wrong number of arguments: `{full}` takes {expected} ({}), but {} {} given",
                    func.signature(),
                    args.len(),
                    if args.len() == 1 { "was" } else { "were" }
                ),
            ));
        }
        Ok(Node::Call(func, args))
    }
}
