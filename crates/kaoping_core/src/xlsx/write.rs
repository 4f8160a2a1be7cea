//! The XLSX writer: the minimal valid SpreadsheetML package (content types, relationships,
//! workbook, styles with a bold font, shared strings, one worksheet per sheet with its first
//! row bold and frozen). The same sheets give the same bytes.

use super::xml::escape;
use super::zip::ZipWriter;
use crate::cells::{format_number, Cell, Table};
use std::collections::HashMap;
use std::fmt::Write;

/// One sheet: a name, a header row (bold, frozen) and rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// A valid sheet name from any text: `[ ] : * ? / \` become `_`, at most 31 characters,
/// not empty, no leading or trailing apostrophe, and different from every name in `taken`
/// (case-insensitive, as Excel compares them) by a ` (2)`, ` (3)`… suffix.
pub fn sheet_name(wanted: &str, taken: &[String]) -> String {
    let clean: String = wanted
        .chars()
        .map(|c| {
            if "[]:*?/\\".contains(c) || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    let clean = clean.trim_matches('\'').trim();
    let clean = if clean.is_empty() { "Sheet" } else { clean };
    let fits = |base: &str, suffix: &str| -> String {
        let keep = 31 - suffix.chars().count();
        base.chars().take(keep).collect::<String>() + suffix
    };
    let is_taken = |n: &str| taken.iter().any(|t| t.to_lowercase() == n.to_lowercase());
    let mut name = fits(clean, "");
    let mut k = 2;
    while is_taken(&name) {
        name = fits(clean, &format!(" ({k})"));
        k += 1;
    }
    name
}

/// A literal `_xHHHH_` in a text would be read as an escaped character: its underscore is
/// written as `_x005F_`, as Excel does.
fn protect_escapes(s: &str) -> String {
    if !s.contains("_x") {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len() + 8);
    let b = s.as_bytes();
    for (i, c) in s.char_indices() {
        let escape_like = c == '_'
            && b.get(i + 1) == Some(&b'x')
            && b.get(i + 6) == Some(&b'_')
            && b.get(i + 2..i + 6)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit));
        if escape_like {
            out.push_str("_x005F_");
        } else {
            out.push(c);
        }
    }
    out
}

/// Column letters of a 0-based index: 0 → A, 25 → Z, 26 → AA.
fn column(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

struct Strings {
    index: HashMap<String, usize>,
    list: Vec<String>,
    uses: usize,
}

impl Strings {
    fn id(&mut self, s: &str) -> usize {
        self.uses += 1;
        if let Some(&i) = self.index.get(s) {
            return i;
        }
        self.list.push(s.to_owned());
        self.index.insert(s.to_owned(), self.list.len() - 1);
        self.list.len() - 1
    }
}

fn cell_xml(out: &mut String, r: &str, cell: &Cell, style: u32, strings: &mut Strings) {
    let s = if style > 0 {
        format!(" s=\"{style}\"")
    } else {
        String::new()
    };
    match cell {
        Cell::Empty => {}
        Cell::Number(v) if v.is_finite() => {
            let _ = write!(out, "<c r=\"{r}\"{s}><v>{}</v></c>", format_number(*v));
        }
        Cell::Number(_) => {}
        Cell::Text(t) => {
            let i = strings.id(t);
            let _ = write!(out, "<c r=\"{r}\"{s} t=\"s\"><v>{i}</v></c>");
        }
    }
}

/// Display width of a text in character cells (CJK counts two).
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| if (c as u32) >= 0x1100 { 2 } else { 1 })
        .sum()
}

fn worksheet(sheet: &Sheet, strings: &mut Strings) -> String {
    let ncols = sheet
        .rows
        .iter()
        .map(Vec::len)
        .chain(std::iter::once(sheet.headers.len()))
        .max()
        .unwrap_or(0);
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">",
    );
    x.push_str("<sheetViews><sheetView workbookViewId=\"0\"");
    if sheet.headers.is_empty() {
        x.push_str("/>");
    } else {
        x.push_str("><pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/><selection pane=\"bottomLeft\" activeCell=\"A2\" sqref=\"A2\"/></sheetView>");
    }
    x.push_str("</sheetViews><sheetFormatPr defaultRowHeight=\"15\"/>");
    if ncols > 0 {
        x.push_str("<cols>");
        for c in 0..ncols {
            let w = std::iter::once(sheet.headers.get(c).map_or(0, |h| width(h)))
                .chain(
                    sheet
                        .rows
                        .iter()
                        .take(200)
                        .map(|r| r.get(c).map_or(0, |v| width(&v.display()))),
                )
                .max()
                .unwrap_or(8)
                .clamp(6, 60)
                + 2;
            let _ = write!(
                x,
                "<col min=\"{n}\" max=\"{n}\" width=\"{w}\" customWidth=\"1\"/>",
                n = c + 1
            );
        }
        x.push_str("</cols>");
    }
    x.push_str("<sheetData>");
    let mut r = 1;
    if !sheet.headers.is_empty() {
        let _ = write!(x, "<row r=\"1\">");
        for (c, h) in sheet.headers.iter().enumerate() {
            let cell = Cell::Text(h.clone());
            cell_xml(&mut x, &format!("{}1", column(c)), &cell, 1, strings);
        }
        x.push_str("</row>");
        r = 2;
    }
    for row in &sheet.rows {
        let _ = write!(x, "<row r=\"{r}\">");
        for (c, cell) in row.iter().enumerate() {
            cell_xml(&mut x, &format!("{}{r}", column(c)), cell, 0, strings);
        }
        x.push_str("</row>");
        r += 1;
    }
    x.push_str("</sheetData><pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/></worksheet>");
    x
}

const HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

/// The workbook of these sheets (names are made valid and unique with [`sheet_name`]).
pub fn write_workbook(sheets: &[Sheet]) -> Vec<u8> {
    let mut names: Vec<String> = Vec::new();
    for s in sheets {
        let n = sheet_name(&s.name, &names);
        names.push(n);
    }
    let mut strings = Strings {
        index: HashMap::new(),
        list: Vec::new(),
        uses: 0,
    };
    let bodies: Vec<String> = sheets.iter().map(|s| worksheet(s, &mut strings)).collect();
    let mut zip = ZipWriter::default();

    let mut types = format!("{HEAD}<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/><Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/><Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/>");
    for i in 1..=sheets.len() {
        let _ = write!(types, "<Override PartName=\"/xl/worksheets/sheet{i}.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>");
    }
    types.push_str("</Types>");
    zip.add("[Content_Types].xml", types.as_bytes());
    zip.add("_rels/.rels", format!("{HEAD}<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>").as_bytes());

    let mut wb = format!("{HEAD}<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><bookViews><workbookView/></bookViews><sheets>");
    let mut rels = format!("{HEAD}<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">");
    for (i, n) in names.iter().enumerate() {
        let k = i + 1;
        let _ = write!(
            wb,
            "<sheet name=\"{}\" sheetId=\"{k}\" r:id=\"rId{k}\"/>",
            escape(n)
        );
        let _ = write!(rels, "<Relationship Id=\"rId{k}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet{k}.xml\"/>");
    }
    wb.push_str("</sheets></workbook>");
    let n = sheets.len();
    let _ = write!(rels, "<Relationship Id=\"rId{}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/><Relationship Id=\"rId{}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/></Relationships>", n + 1, n + 2);
    zip.add("xl/workbook.xml", wb.as_bytes());
    zip.add("xl/_rels/workbook.xml.rels", rels.as_bytes());
    zip.add("xl/styles.xml", format!("{HEAD}<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><fonts count=\"2\"><font><sz val=\"11\"/><name val=\"Calibri\"/></font><font><b/><sz val=\"11\"/><name val=\"Calibri\"/></font></fonts><fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills><borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs><cellXfs count=\"2\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/><xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/></cellXfs><cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles></styleSheet>").as_bytes());
    let mut sst = format!(
        "{HEAD}<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"{}\" uniqueCount=\"{}\">",
        strings.uses,
        strings.list.len()
    );
    for s in &strings.list {
        let space = if s.starts_with(char::is_whitespace) || s.ends_with(char::is_whitespace) {
            " xml:space=\"preserve\""
        } else {
            ""
        };
        let _ = write!(
            sst,
            "<si><t{space}>{}</t></si>",
            escape(&protect_escapes(s))
        );
    }
    sst.push_str("</sst>");
    zip.add("xl/sharedStrings.xml", sst.as_bytes());
    for (i, body) in bodies.iter().enumerate() {
        zip.add(
            &format!("xl/worksheets/sheet{}.xml", i + 1),
            body.as_bytes(),
        );
    }
    zip.finish()
}

/// The workbook of export tables: one sheet per table, named by its title.
pub fn write_tables(tables: &[Table]) -> Vec<u8> {
    let sheets: Vec<Sheet> = tables
        .iter()
        .map(|t| Sheet {
            name: t.title.clone(),
            headers: t.headers.clone(),
            rows: t.rows.clone(),
        })
        .collect();
    write_workbook(&sheets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let taken = vec!["Ranking".to_owned()];
        assert_eq!(sheet_name("ranking", &taken), "ranking (2)");
        assert_eq!(sheet_name("a/b:c*d?[e]\\", &[]), "a_b_c_d__e__");
        assert_eq!(sheet_name("", &[]), "Sheet");
        assert_eq!(sheet_name("'x'", &[]), "x");
        let long = "正".repeat(40);
        assert_eq!(sheet_name(&long, &[]).chars().count(), 31);
        let taken = vec![sheet_name(&long, &[])];
        let second = sheet_name(&long, &taken);
        assert_eq!(second.chars().count(), 31);
        assert!(second.ends_with(" (2)"));
    }

    #[test]
    fn columns_are_lettered_like_excel() {
        assert_eq!(column(0), "A");
        assert_eq!(column(25), "Z");
        assert_eq!(column(26), "AA");
        assert_eq!(column(701), "ZZ");
        assert_eq!(column(702), "AAA");
    }
}
