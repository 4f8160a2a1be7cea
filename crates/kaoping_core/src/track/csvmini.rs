//! A minimal RFC 4180 reader for the tracking input files.
//!
//! TEMPORARY: to be replaced by `kaoping_core::csv` (the shared CSV tokenizer with encodings)
//! when it is merged. It reads UTF-8 text only (a byte-order mark is skipped): fields separated
//! by commas, fields in double quotes may hold commas, line breaks and `""` for a quote; lines
//! end in LF or CRLF. Blank lines are skipped.

/// One record: its 1-based line number in the file (where it starts) and its fields.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvRecord {
    pub line: usize,
    pub fields: Vec<String>,
}

/// A record that cannot be read, with where.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvError {
    /// 1-based line of the record the error is in.
    pub line: usize,
    /// 1-based field number in that record.
    pub column: usize,
    pub what: &'static str,
}

/// Every record of `text`, or the records read and the error that stopped reading (a broken
/// quote leaves the rest of the file unreadable).
pub fn read(text: &str) -> (Vec<CsvRecord>, Option<CsvError>) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    let mut line = 1;
    while chars.peek().is_some() {
        let start = line;
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut end_of_record = false;
        while !end_of_record {
            // one field
            if chars.peek() == Some(&'"') {
                chars.next();
                loop {
                    match chars.next() {
                        None => {
                            return (
                                out,
                                Some(CsvError {
                                    line: start,
                                    column: fields.len() + 1,
                                    what: "unterminated_quote",
                                }),
                            )
                        }
                        Some('"') if chars.peek() == Some(&'"') => {
                            chars.next();
                            field.push('"');
                        }
                        Some('"') => break,
                        Some(c) => {
                            if c == '\n' {
                                line += 1;
                            }
                            field.push(c);
                        }
                    }
                }
                match chars.peek() {
                    None | Some(',') | Some('\n') | Some('\r') => {}
                    Some(_) => {
                        return (
                            out,
                            Some(CsvError {
                                line: start,
                                column: fields.len() + 1,
                                what: "text_after_quote",
                            }),
                        )
                    }
                }
            } else {
                while let Some(&c) = chars.peek() {
                    if c == ',' || c == '\n' || c == '\r' {
                        break;
                    }
                    if c == '"' {
                        return (
                            out,
                            Some(CsvError {
                                line: start,
                                column: fields.len() + 1,
                                what: "quote_in_field",
                            }),
                        );
                    }
                    field.push(c);
                    chars.next();
                }
            }
            fields.push(std::mem::take(&mut field));
            match chars.next() {
                Some(',') => {}
                Some('\r') => {
                    if chars.peek() == Some(&'\n') {
                        chars.next();
                    }
                    line += 1;
                    end_of_record = true;
                }
                Some('\n') => {
                    line += 1;
                    end_of_record = true;
                }
                _ => end_of_record = true,
            }
        }
        if !(fields.len() == 1 && fields[0].is_empty()) {
            out.push(CsvRecord {
                line: start,
                fields,
            });
        }
    }
    (out, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_line_breaks_and_errors() {
        let (rows, err) = read("\u{feff}a,b\r\n\"x, \"\"y\"\"\",\"two\nlines\"\n\n1,\n");
        assert_eq!(err, None);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1].fields, vec!["x, \"y\"", "two\nlines"]);
        assert_eq!(rows[2].line, 5);
        assert_eq!(rows[2].fields, vec!["1", ""]);
        let (rows, err) = read("a,b\n1,\"open\n");
        assert_eq!(rows.len(), 1);
        assert_eq!(
            err,
            Some(CsvError {
                line: 2,
                column: 2,
                what: "unterminated_quote"
            })
        );
        assert_eq!(read("a\n\"x\"y\n").1.unwrap().what, "text_after_quote");
        assert_eq!(read("a\nx\"y\n").1.unwrap().what, "quote_in_field");
    }
}
