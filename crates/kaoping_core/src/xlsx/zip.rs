//! The ZIP container of an XLSX file: a small writer (deflate, fixed timestamps, so the same
//! workbook gives the same bytes) and reader (stored and deflated entries, CRC-32 checked).
//! No ZIP64, no encryption: an XLSX of office tables never needs them.

use super::XlsxError;

const LOCAL: u32 = 0x0403_4b50;
const CENTRAL: u32 = 0x0201_4b50;
const END: u32 = 0x0605_4b50;

/// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), as ZIP uses it.
pub fn crc32(data: &[u8]) -> u32 {
    static TABLE: std::sync::OnceLock<[u32; 256]> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut t = [0u32; 256];
        for (i, slot) in t.iter_mut().enumerate() {
            let mut c = i as u32;
            for _ in 0..8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
            *slot = c;
        }
        t
    });
    let mut c = !0u32;
    for &b in data {
        c = table[((c ^ u32::from(b)) & 0xff) as usize] ^ (c >> 8);
    }
    !c
}

/// Writes a ZIP archive entry by entry.
#[derive(Default)]
pub struct ZipWriter {
    out: Vec<u8>,
    central: Vec<u8>,
    count: u16,
}

fn u16le(v: &mut Vec<u8>, x: u16) {
    v.extend_from_slice(&x.to_le_bytes());
}

fn u32le(v: &mut Vec<u8>, x: u32) {
    v.extend_from_slice(&x.to_le_bytes());
}

impl ZipWriter {
    /// Add a file, deflated (stored when deflating does not make it smaller).
    pub fn add(&mut self, name: &str, data: &[u8]) {
        let deflated = miniz_oxide::deflate::compress_to_vec(data, 6);
        let (method, body): (u16, &[u8]) = if deflated.len() < data.len() {
            (8, &deflated)
        } else {
            (0, data)
        };
        let crc = crc32(data);
        let offset = self.out.len() as u32;
        // DOS time 00:00:00, date 1980-01-01: fixed, so that output is reproducible.
        let (time, date) = (0u16, (1 << 5) | 1);
        let header = |v: &mut Vec<u8>| {
            u16le(v, 20); // version needed: 2.0
            u16le(v, 0x0800); // flags: names are UTF-8
            u16le(v, method);
            u16le(v, time);
            u16le(v, date);
            u32le(v, crc);
            u32le(v, body.len() as u32);
            u32le(v, data.len() as u32);
            u16le(v, name.len() as u16);
            u16le(v, 0); // extra field length
        };
        u32le(&mut self.out, LOCAL);
        header(&mut self.out);
        self.out.extend_from_slice(name.as_bytes());
        self.out.extend_from_slice(body);

        u32le(&mut self.central, CENTRAL);
        u16le(&mut self.central, 20); // version made by
        header(&mut self.central);
        u16le(&mut self.central, 0); // comment length
        u16le(&mut self.central, 0); // disk number
        u16le(&mut self.central, 0); // internal attributes
        u32le(&mut self.central, 0); // external attributes
        u32le(&mut self.central, offset);
        self.central.extend_from_slice(name.as_bytes());
        self.count += 1;
    }

    pub fn finish(mut self) -> Vec<u8> {
        let cd_offset = self.out.len() as u32;
        let cd_size = self.central.len() as u32;
        self.out.extend_from_slice(&self.central);
        u32le(&mut self.out, END);
        u16le(&mut self.out, 0);
        u16le(&mut self.out, 0);
        u16le(&mut self.out, self.count);
        u16le(&mut self.out, self.count);
        u32le(&mut self.out, cd_size);
        u32le(&mut self.out, cd_offset);
        u16le(&mut self.out, 0);
        self.out
    }
}

/// An entry of a ZIP archive being read.
struct Entry {
    name: String,
    method: u16,
    crc: u32,
    compressed: usize,
    size: usize,
    local_offset: usize,
}

/// The entries of a ZIP archive, read on demand.
pub struct ZipReader<'a> {
    data: &'a [u8],
    entries: Vec<Entry>,
    /// Bytes inflated so far (at most [`MAX_INFLATED_BYTES`]).
    inflated: std::cell::Cell<usize>,
}

fn rd16(d: &[u8], at: usize) -> Option<u16> {
    d.get(at..at.checked_add(2)?)
        .map(|b| u16::from_le_bytes([b[0], b[1]]))
}

fn rd32(d: &[u8], at: usize) -> Option<u32> {
    d.get(at..at.checked_add(4)?)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// The most bytes one entry may inflate to. A sheet of a million survey rows is well under
/// it; a ZIP bomb (a kilobyte that inflates to a gigabyte) is not.
pub const MAX_ENTRY_BYTES: usize = 256 << 20;
/// The most bytes all the entries read from one workbook may inflate to together (the
/// workbook, its relationships, styles, shared strings and one sheet).
pub const MAX_INFLATED_BYTES: usize = 512 << 20;

impl<'a> ZipReader<'a> {
    pub fn new(data: &'a [u8]) -> Result<Self, XlsxError> {
        let not_zip = |why: &str| XlsxError::NotZip(why.to_owned());
        if !data.starts_with(b"PK") {
            return Err(not_zip("the file does not start with a ZIP signature"));
        }
        // The end record is in the last 22 + 65535 bytes (a comment may follow it).
        let from = data.len().saturating_sub(22 + 0xffff);
        let end = (from..data.len().saturating_sub(21))
            .rev()
            .find(|&i| rd32(data, i) == Some(END))
            .ok_or_else(|| not_zip("no end of central directory record"))?;
        let count = rd16(data, end + 10).unwrap_or(0) as usize;
        let cd_offset = rd32(data, end + 16).unwrap_or(0);
        if cd_offset == u32::MAX || count == 0xffff {
            return Err(XlsxError::Zip64);
        }
        let mut at = cd_offset as usize;
        // A central directory entry is at least 46 bytes: a count the file cannot hold is
        // caught by the first damaged entry, before anything large is allocated.
        let mut entries = Vec::with_capacity(count.min(data.len() / 46));
        for _ in 0..count {
            if rd32(data, at) != Some(CENTRAL) {
                return Err(not_zip("a central directory entry is damaged"));
            }
            let field = |o: usize| rd32(data, at + o).unwrap_or(0);
            let method = rd16(data, at + 10).unwrap_or(0);
            let name_len = rd16(data, at + 28).unwrap_or(0) as usize;
            let extra_len = rd16(data, at + 30).unwrap_or(0) as usize;
            let comment_len = rd16(data, at + 32).unwrap_or(0) as usize;
            let name = data
                .get(at + 46..at + 46 + name_len)
                .ok_or_else(|| not_zip("a central directory entry is cut short"))?;
            if field(42) as usize >= data.len() {
                return Err(not_zip("an entry starts past the end of the file"));
            }
            entries.push(Entry {
                name: String::from_utf8_lossy(name).replace('\\', "/"),
                method,
                crc: field(16),
                compressed: field(20) as usize,
                size: field(24) as usize,
                local_offset: field(42) as usize,
            });
            at += 46 + name_len + extra_len + comment_len;
        }
        // Entries must not share their bytes: overlapping entries are how a small archive
        // inflates to far more than it holds.
        let mut spans: Vec<(usize, usize)> = entries
            .iter()
            .map(|e| {
                (
                    e.local_offset,
                    e.local_offset.saturating_add(30 + e.compressed),
                )
            })
            .collect();
        spans.sort_unstable();
        if spans.windows(2).any(|w| w[0].1 > w[1].0) {
            return Err(not_zip("two entries overlap"));
        }
        Ok(ZipReader {
            data,
            entries,
            inflated: std::cell::Cell::new(0),
        })
    }

    /// Whether the archive has an entry of this name (case-insensitive, as Excel reads them).
    pub fn has(&self, name: &str) -> bool {
        self.entries
            .iter()
            .any(|e| e.name.eq_ignore_ascii_case(name))
    }

    /// The bytes of an entry, inflated and CRC-checked; `None` when there is no such entry.
    pub fn read(&self, name: &str) -> Option<Result<Vec<u8>, XlsxError>> {
        let e = self
            .entries
            .iter()
            .find(|e| e.name.eq_ignore_ascii_case(name))?;
        Some(self.read_entry(e))
    }

    fn read_entry(&self, e: &Entry) -> Result<Vec<u8>, XlsxError> {
        let corrupt = |why: &str| XlsxError::Corrupt {
            entry: e.name.clone(),
            why: why.to_owned(),
        };
        let d = self.data;
        if rd32(d, e.local_offset) != Some(LOCAL) {
            return Err(corrupt("the local header is missing"));
        }
        let total = self.inflated.get().saturating_add(e.size);
        if e.size > MAX_ENTRY_BYTES || total > MAX_INFLATED_BYTES {
            return Err(XlsxError::TooLarge {
                entry: e.name.clone(),
                why: if e.size > MAX_ENTRY_BYTES {
                    format!(
                        "it inflates to {} bytes, more than the {MAX_ENTRY_BYTES} an entry may",
                        e.size
                    )
                } else {
                    format!("with it the workbook inflates to more than {MAX_INFLATED_BYTES} bytes")
                },
            });
        }
        self.inflated.set(total);
        let name_len = rd16(d, e.local_offset + 26).unwrap_or(0) as usize;
        let extra_len = rd16(d, e.local_offset + 28).unwrap_or(0) as usize;
        let start = e.local_offset.saturating_add(30 + name_len + extra_len);
        let body = d
            .get(start..start.saturating_add(e.compressed))
            .ok_or_else(|| corrupt("the data is cut short"))?;
        let bytes = match e.method {
            0 => body.to_vec(),
            // Inflating stops at the declared size (capped above): more is damage.
            8 => miniz_oxide::inflate::decompress_to_vec_with_limit(body, e.size)
                .map_err(|_| corrupt("the deflated data is damaged or larger than declared"))?,
            m => return Err(corrupt(&format!("compression method {m} is not supported"))),
        };
        if bytes.len() != e.size || crc32(&bytes) != e.crc {
            return Err(corrupt("the CRC-32 or size does not match"));
        }
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_check_value() {
        // The standard check value of CRC-32/ISO-HDLC.
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn written_entries_read_back() {
        let mut w = ZipWriter::default();
        let big = "考评,".repeat(1000);
        w.add("a.txt", b"hi");
        w.add("dir/b.txt", big.as_bytes());
        let zip = w.finish();
        let r = ZipReader::new(&zip).unwrap();
        assert_eq!(r.read("a.txt").unwrap().unwrap(), b"hi");
        assert_eq!(r.read("DIR/B.TXT").unwrap().unwrap(), big.as_bytes());
        assert!(r.read("c.txt").is_none());
        let mut bad = zip.clone();
        // Flip a byte of the stored "hi".
        let at = 30 + "a.txt".len();
        bad[at] ^= 1;
        let r = ZipReader::new(&bad).unwrap();
        assert!(matches!(
            r.read("a.txt"),
            Some(Err(XlsxError::Corrupt { .. }))
        ));
        assert!(matches!(
            ZipReader::new(b"hello"),
            Err(XlsxError::NotZip(_))
        ));
    }

    #[test]
    fn the_workbook_inflates_to_at_most_its_limit() {
        let mut w = ZipWriter::default();
        w.add("a.txt", b"hi");
        w.add("b.txt", b"ho");
        let zip = w.finish();
        let r = ZipReader::new(&zip).unwrap();
        r.inflated.set(MAX_INFLATED_BYTES - 3);
        assert_eq!(r.read("a.txt").unwrap().unwrap(), b"hi");
        let e = r.read("b.txt").unwrap().unwrap_err();
        assert!(
            matches!(&e, XlsxError::TooLarge { entry, .. } if entry == "b.txt"),
            "{e}"
        );
    }
}
