//! An XLSForm sheet: its columns (with their languages) and rows.

use crate::import::{lang_code, skip, ImportError, Skipped};
use crate::text::Text;

/// A sheet: its header (base name, language) and rows with their 1-based row numbers.
pub(super) struct Sheet {
    pub(super) name: String,
    pub(super) cols: Vec<(String, Option<String>)>,
    pub(super) rows: Vec<(usize, Vec<String>)>,
}

impl Sheet {
    pub(super) fn read(bytes: &[u8], name: &str) -> Result<Sheet, ImportError> {
        let mut rows = crate::xlsx::read_rows(bytes, Some(name)).map_err(ImportError::Workbook)?;
        if rows.is_empty() {
            rows.push(Vec::new());
        }
        let header = rows.remove(0);
        let cols = header
            .iter()
            .map(
                |h| match h.split_once("::").or_else(|| old_language_column(h)) {
                    Some((base, lang)) => (base.trim().to_lowercase(), Some(lang_code(lang))),
                    None => (h.trim().to_lowercase(), None),
                },
            )
            .collect();
        let rows = rows
            .into_iter()
            .enumerate()
            .map(|(k, r)| (k + 2, r))
            .filter(|(_, r)| r.iter().any(|c| !c.trim().is_empty()))
            .collect();
        Ok(Sheet {
            name: name.to_owned(),
            cols,
            rows,
        })
    }

    pub(super) fn cell<'a>(&self, row: &'a [String], col: &str) -> &'a str {
        self.cols
            .iter()
            .position(|(b, l)| b == col && l.is_none())
            .and_then(|k| row.get(k))
            .map_or("", |s| s.trim())
    }

    /// The texts of a column in every language; `None` when all are empty.
    pub(super) fn text(&self, row: &[String], col: &str, default: &str) -> Option<Text> {
        let mut t = Text::default();
        for (k, (base, lang)) in self.cols.iter().enumerate() {
            let v = row.get(k).map_or("", |s| s.trim());
            if base == col && !v.is_empty() {
                t.0.insert(
                    lang.clone().unwrap_or_else(|| default.to_owned()),
                    v.to_owned(),
                );
            }
        }
        (!t.0.is_empty()).then_some(t)
    }

    /// Every non-empty cell of a column not in `known`, as a skipped item.
    pub(super) fn unmapped(
        &self,
        n: usize,
        row: &[String],
        known: &[&str],
        out: &mut Vec<Skipped>,
    ) {
        for (k, (base, lang)) in self.cols.iter().enumerate() {
            let v = row.get(k).map_or("", |s| s.trim());
            if v.is_empty() || known.contains(&base.as_str()) {
                continue;
            }
            let col = match lang {
                Some(l) => format!("{base}::{l}"),
                None => base.clone(),
            };
            out.push(skip(
                format!("{} row {n}", self.name),
                format!("{col} = {v}"),
                &format!("kaoping 不使用“{col}”列"),
                &format!("kaoping has no use for the \"{col}\" column"),
            ));
        }
    }
}

/// The older `label:English` form of a text column's language.
fn old_language_column(h: &str) -> Option<(&str, &str)> {
    let (base, lang) = h.split_once(':')?;
    let texts = ["label", "hint", "constraint_message", "required_message"];
    texts
        .contains(&base.trim().to_lowercase().as_str())
        .then_some((base, lang))
}
