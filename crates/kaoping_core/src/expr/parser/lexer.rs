//! The lexer: expression source to tokens, with the hints for the usual slips (full-width
//! punctuation, `<>`, `&`, `.5`).

use super::ParseError;
use crate::expr::ast::CmpOp;

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
    Num(f64),
    Str(String),
    Ident { id: String, path: Vec<String> },
    Current,
    True,
    False,
    Null,
    And,
    Or,
    Not,
    LParen,
    RParen,
    Comma,
    Cmp(CmpOp),
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Eof,
}

#[derive(Debug, Clone)]
pub(super) struct Token {
    pub(super) tok: Tok,
    pub(super) offset: usize,
    pub(super) len: usize,
}

fn is_id_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

pub(super) struct Lexer<'a> {
    pub(super) src: &'a str,
    pub(super) pos: usize,
}

impl<'a> Lexer<'a> {
    fn peek(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }

    fn peek2(&self) -> Option<char> {
        let mut it = self.src[self.pos..].chars();
        it.next();
        it.next()
    }

    fn err(&self, offset: usize, len: usize, message: impl Into<String>) -> ParseError {
        ParseError::new(self.src, offset, len, message)
    }

    pub(super) fn tokens(mut self) -> Result<Vec<Token>, ParseError> {
        let mut out = Vec::new();
        loop {
            while self.peek().is_some_and(char::is_whitespace) {
                self.pos += self.peek().map_or(1, char::len_utf8);
            }
            let start = self.pos;
            let Some(c) = self.peek() else {
                out.push(Token {
                    tok: Tok::Eof,
                    offset: start,
                    len: 0,
                });
                return Ok(out);
            };
            let tok = self.token(c)?;
            out.push(Token {
                tok,
                offset: start,
                len: self.pos - start,
            });
        }
    }

    /// Consumes `[A-Za-z0-9_]` runs joined by single `-`s (a `-` is part of a name only when a
    /// name character follows it directly).
    fn name(&mut self) -> &'a str {
        let start = self.pos;
        loop {
            while self.peek().is_some_and(is_id_char) {
                self.pos += 1;
            }
            if self.peek() == Some('-') && self.peek2().is_some_and(is_id_char) {
                self.pos += 1;
            } else {
                return &self.src[start..self.pos];
            }
        }
    }

    fn token(&mut self, c: char) -> Result<Tok, ParseError> {
        let start = self.pos;
        let two = |s: &Self, second: char| s.peek2() == Some(second);
        let tok = match c {
            '0'..='9' => return self.number(),
            '\'' | '"' => return self.string(c),
            c if is_id_start(c) => {
                let word = self.name();
                match word {
                    "and" => Tok::And,
                    "or" => Tok::Or,
                    "not" => Tok::Not,
                    "true" => Tok::True,
                    "false" => Tok::False,
                    "null" => Tok::Null,
                    _ => {
                        let mut path = Vec::new();
                        while self.peek() == Some('.') && self.peek2().is_some_and(is_id_char) {
                            self.pos += 1;
                            path.push(self.name().to_string());
                        }
                        Tok::Ident {
                            id: word.to_string(),
                            path,
                        }
                    }
                }
            }
            '.' => {
                if self.peek2().is_some_and(|c| c.is_ascii_digit()) {
                    return Err(self.err(
                        start,
                        1,
                        "a number needs a digit before `.`: write `0.5`, not `.5`",
                    ));
                }
                if self.peek2().is_some_and(is_id_char) {
                    return Err(self.err(
                        start,
                        1,
                        "unexpected `.` before a name: `.` alone is the current answer; \
                         to read a row of a matrix answer write `question_id.row_id`",
                    ));
                }
                self.pos += 1;
                Tok::Current
            }
            '(' => self.one(Tok::LParen),
            ')' => self.one(Tok::RParen),
            ',' => self.one(Tok::Comma),
            '+' => self.one(Tok::Plus),
            '-' => self.one(Tok::Minus),
            '*' => self.one(Tok::Star),
            '/' => self.one(Tok::Slash),
            '%' => self.one(Tok::Percent),
            '=' if two(self, '=') => self.many(2, Tok::Cmp(CmpOp::Eq)),
            '=' => self.one(Tok::Cmp(CmpOp::Eq)),
            '!' if two(self, '=') => self.many(2, Tok::Cmp(CmpOp::Ne)),
            '!' => self.one(Tok::Not),
            '<' if two(self, '=') => self.many(2, Tok::Cmp(CmpOp::Le)),
            '<' if two(self, '>') => {
                return Err(self.err(
                    start,
                    2,
                    "`<>` is not an operator; write `!=` for \"not equal\"",
                ))
            }
            '<' => self.one(Tok::Cmp(CmpOp::Lt)),
            '>' if two(self, '=') => self.many(2, Tok::Cmp(CmpOp::Ge)),
            '>' => self.one(Tok::Cmp(CmpOp::Gt)),
            '&' if two(self, '&') => self.many(2, Tok::And),
            '|' if two(self, '|') => self.many(2, Tok::Or),
            '&' => return Err(self.err(start, 1, "unexpected `&`: write `and` (or `&&`)")),
            '|' => return Err(self.err(start, 1, "unexpected `|`: write `or` (or `||`)")),
            '$' => {
                return Err(self.err(
                    start,
                    1,
                    "unexpected `$`: refer to an answer by its bare id, `q1`, not `${q1}`",
                ))
            }
            _ => {
                let len = c.len_utf8();
                let message = match full_width_hint(c) {
                    Some(ascii) => format!(
                        "unexpected full-width character `{c}` (全角字符): write the ASCII `{ascii}`"
                    ),
                    None => format!("unexpected character `{c}`"),
                };
                return Err(self.err(start, len, message));
            }
        };
        Ok(tok)
    }

    fn one(&mut self, tok: Tok) -> Tok {
        self.many(1, tok)
    }

    fn many(&mut self, n: usize, tok: Tok) -> Tok {
        self.pos += n;
        tok
    }

    fn number(&mut self) -> Result<Tok, ParseError> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        if self.peek() == Some('.') && self.peek2().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.pos += 1;
            }
        }
        if self.peek().is_some_and(|c| is_id_char(c) || c == '.') {
            while self.peek().is_some_and(|c| is_id_char(c) || c == '.') {
                self.pos += 1;
            }
            let text = &self.src[start..self.pos];
            return Err(self.err(
                start,
                self.pos - start,
                format!("invalid number `{text}` (answer ids must start with a letter or `_`)"),
            ));
        }
        let text = &self.src[start..self.pos];
        match text.parse::<f64>() {
            Ok(n) if n.is_finite() => Ok(Tok::Num(n)),
            _ => Err(self.err(
                start,
                self.pos - start,
                format!("number `{text}` is too large"),
            )),
        }
    }

    fn string(&mut self, quote: char) -> Result<Tok, ParseError> {
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(self.err(
                    start,
                    1,
                    format!("unclosed string: missing the closing {quote}"),
                ));
            };
            let at = self.pos;
            self.pos += c.len_utf8();
            if c == quote {
                return Ok(Tok::Str(out));
            }
            if c != '\\' {
                out.push(c);
                continue;
            }
            let Some(e) = self.peek() else {
                return Err(self.err(
                    start,
                    1,
                    format!("unclosed string: missing the closing {quote}"),
                ));
            };
            self.pos += e.len_utf8();
            out.push(match e {
                '\\' => '\\',
                '\'' => '\'',
                '"' => '"',
                'n' => '\n',
                't' => '\t',
                'r' => '\r',
                _ => {
                    return Err(self.err(
                        at,
                        1 + e.len_utf8(),
                        format!(
                            "unknown escape `\\{e}` in string; the escapes are \\\\ \\' \\\" \\n \\t \\r"
                        ),
                    ))
                }
            });
        }
    }
}

fn full_width_hint(c: char) -> Option<char> {
    Some(match c {
        '（' => '(',
        '）' => ')',
        '，' => ',',
        '‘' | '’' => '\'',
        '“' | '”' => '"',
        '＝' => '=',
        '！' => '!',
        '＜' => '<',
        '＞' => '>',
        '＋' => '+',
        '－' => '-',
        '＊' => '*',
        '／' => '/',
        '．' | '。' => '.',
        _ => return None,
    })
}
