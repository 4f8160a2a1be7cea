//! The site's precompressed copies: [`precompress`] writes `F.br` and `F.gz` beside each text
//! and WASM file `F` of `target/www/` (`cargo xtask build-web`, [`crate::web::site`]), once per
//! build, at the highest settings; the dev server ([`crate::serve`]) sends one of them when
//! the request's `Accept-Encoding` takes it ([`negotiate`]), and the deployment recipe
//! (docs/deploy.md: nginx `gzip_static`, Caddy `file_server { precompressed }`) does the same.
//! They are not files of the build: the service worker's manifest and the build's hash leave
//! them out ([`is_precompressed`]), since a browser receives the same bytes either way.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// The extensions worth compressing: text and WASM (images and fonts are compressed already).
pub const EXTENSIONS: [&str; 7] = ["html", "js", "mjs", "css", "wasm", "json", "svg"];

/// Brotli's quality (0–11) and window (log2 bytes) for the precompressed copies: the best,
/// as they are made once per build and the pages for phones (respond.html, review.html) are
/// well under a megabyte each.
const BROTLI_QUALITY: u32 = 11;
const BROTLI_WINDOW: u32 = 22;
/// Files from this size (the office's WASM, 4 MB) take quality [`BROTLI_QUALITY_LARGE`]: 11
/// took a minute there, 9 takes seconds and is a few per cent larger, on the office's desktop.
const BROTLI_LARGE: usize = 1024 * 1024;
const BROTLI_QUALITY_LARGE: u32 = 9;

/// A content coding the site has precompressed copies in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Brotli,
    Gzip,
}

impl Encoding {
    /// The `Content-Encoding` token.
    pub fn token(self) -> &'static str {
        match self {
            Encoding::Brotli => "br",
            Encoding::Gzip => "gzip",
        }
    }

    /// The suffix of the precompressed copy.
    pub fn suffix(self) -> &'static str {
        match self {
            Encoding::Brotli => ".br",
            Encoding::Gzip => ".gz",
        }
    }

    fn encode(self, bytes: &[u8]) -> Result<Vec<u8>> {
        match self {
            Encoding::Brotli => brotli(bytes),
            Encoding::Gzip => gzip(bytes),
        }
    }
}

/// Whether a file's name says it is worth compressing ([`EXTENSIONS`]).
pub fn compressible(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

/// Whether `path` (a site path) is a precompressed copy: `F.br` or `F.gz` of a compressible `F`.
pub fn is_precompressed(path: &str) -> bool {
    [Encoding::Brotli, Encoding::Gzip].iter().any(|e| {
        path.strip_suffix(e.suffix())
            .is_some_and(|f| compressible(Path::new(f)))
    })
}

/// The codings the request's `Accept-Encoding` takes, best first (brotli, then gzip). A coding
/// with `q=0` is refused; `*` stands for any not named. Without the header, none.
pub fn negotiate(accept: Option<&str>) -> Vec<Encoding> {
    let Some(accept) = accept else {
        return Vec::new();
    };
    let mut named: Vec<(String, bool)> = Vec::new();
    for item in accept.split(',') {
        let mut parts = item.split(';');
        let coding = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        if coding.is_empty() {
            continue;
        }
        let mut takes = true;
        for p in parts {
            if let Some((k, v)) = p.split_once('=') {
                if k.trim().eq_ignore_ascii_case("q") {
                    takes = v.trim().parse::<f32>().is_ok_and(|q| q > 0.0);
                }
            }
        }
        named.push((coding, takes));
    }
    let star = named.iter().find(|(c, _)| c == "*").map(|(_, t)| *t);
    [Encoding::Brotli, Encoding::Gzip]
        .into_iter()
        .filter(|e| {
            named
                .iter()
                .find(|(c, _)| c == e.token() || (*e == Encoding::Gzip && c == "x-gzip"))
                .map(|(_, t)| *t)
                .or(star)
                .unwrap_or(false)
        })
        .collect()
}

/// gzip at level 9.
pub fn gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes)?;
    Ok(enc.finish()?)
}

/// brotli at [`BROTLI_QUALITY`] ([`BROTLI_QUALITY_LARGE`] from [`BROTLI_LARGE`] bytes).
pub fn brotli(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let quality = if bytes.len() >= BROTLI_LARGE {
        BROTLI_QUALITY_LARGE
    } else {
        BROTLI_QUALITY
    };
    let params = brotli::enc::BrotliEncoderParams {
        quality: quality as i32,
        lgwin: BROTLI_WINDOW as i32,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)?;
    Ok(out)
}

/// What [`precompress`] wrote.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    pub files: usize,
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
}

/// Write `F.br` and `F.gz` beside each compressible file `F` under `site` (two threads, the
/// files shared out by size). A copy that would not be smaller is not written: the file is then
/// served as it is.
pub fn precompress(site: &Path) -> Result<Written> {
    let mut files = Vec::new();
    list(site, &mut files)?;
    files.sort_by_key(|(_, len)| std::cmp::Reverse(*len));
    let halves: [Vec<PathBuf>; 2] = {
        let (mut a, mut b, mut la, mut lb) = (Vec::new(), Vec::new(), 0u64, 0u64);
        for (p, len) in files {
            if la <= lb {
                la += len;
                a.push(p);
            } else {
                lb += len;
                b.push(p);
            }
        }
        [a, b]
    };
    let results: Vec<Result<Written>> = std::thread::scope(|s| {
        let handles: Vec<_> = halves
            .iter()
            .map(|part| s.spawn(move || write_copies(part)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("a thread panicked")))
            })
            .collect()
    });
    let mut total = Written::default();
    for r in results {
        let w = r?;
        total.files += w.files;
        total.raw += w.raw;
        total.gzip += w.gzip;
        total.brotli += w.brotli;
    }
    Ok(total)
}

fn write_copies(paths: &[PathBuf]) -> Result<Written> {
    let mut w = Written::default();
    for path in paths {
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        w.files += 1;
        w.raw += bytes.len() as u64;
        for e in [Encoding::Brotli, Encoding::Gzip] {
            let packed = e
                .encode(&bytes)
                .with_context(|| format!("cannot {} {}", e.token(), path.display()))?;
            let len = if packed.len() < bytes.len() {
                let mut name = path.as_os_str().to_owned();
                name.push(e.suffix());
                std::fs::write(&name, &packed)
                    .with_context(|| format!("cannot write {}", Path::new(&name).display()))?;
                packed.len()
            } else {
                bytes.len()
            } as u64;
            match e {
                Encoding::Brotli => w.brotli += len,
                Encoding::Gzip => w.gzip += len,
            }
        }
    }
    Ok(w)
}

/// The compressible files under `dir`, with their sizes.
fn list(dir: &Path, out: &mut Vec<(PathBuf, u64)>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))? {
        let entry = entry?;
        let path = entry.path();
        let meta = entry.metadata()?;
        if meta.is_dir() {
            list(&path, out)?;
        } else if compressible(&path) {
            out.push((path, meta.len()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn accept_encoding_is_negotiated() {
        use Encoding::{Brotli, Gzip};
        assert_eq!(negotiate(None), vec![]);
        assert_eq!(negotiate(Some("")), vec![]);
        assert_eq!(
            negotiate(Some("gzip, deflate, br, zstd")),
            vec![Brotli, Gzip]
        );
        assert_eq!(negotiate(Some("gzip")), vec![Gzip]);
        assert_eq!(negotiate(Some("GZip;q=0.5")), vec![Gzip]);
        assert_eq!(negotiate(Some("br;q=0, gzip")), vec![Gzip]);
        assert_eq!(negotiate(Some("identity")), vec![]);
        assert_eq!(negotiate(Some("*")), vec![Brotli, Gzip]);
        assert_eq!(negotiate(Some("*;q=0")), vec![]);
        assert_eq!(negotiate(Some("*, gzip;q=0")), vec![Brotli]);
        assert_eq!(negotiate(Some("x-gzip")), vec![Gzip]);
        assert_eq!(negotiate(Some("br;q=nonsense")), vec![]);
    }

    #[test]
    fn copies_are_named_and_recognised() {
        assert!(is_precompressed("pkg-review/kaoping_wasm_bg.wasm.br"));
        assert!(is_precompressed("js/form.js.gz"));
        assert!(!is_precompressed("js/form.js"));
        assert!(
            !is_precompressed("data/export.csv.gz"),
            "not a copy of ours"
        );
        assert!(compressible(Path::new("a/b.WASM")));
        assert!(!compressible(Path::new("font.woff2")));
    }

    #[test]
    fn the_copies_decode_to_the_file() {
        let dir = std::env::temp_dir().join(format!("xtask-compress-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("js")).unwrap();
        let text = "const x = 1;\n".repeat(500);
        std::fs::write(dir.join("js/a.js"), &text).unwrap();
        std::fs::write(dir.join("tiny.css"), "a{}").unwrap();
        std::fs::write(dir.join("font.woff2"), "x".repeat(1000)).unwrap();
        let w = precompress(&dir).unwrap();
        assert_eq!(w.files, 2, "{w:?}");
        let gz = std::fs::read(dir.join("js/a.js.gz")).unwrap();
        let mut back = String::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_string(&mut back)
            .unwrap();
        assert_eq!(back, text);
        let br = std::fs::read(dir.join("js/a.js.br")).unwrap();
        let mut back = Vec::new();
        brotli::BrotliDecompress(&mut &br[..], &mut back).unwrap();
        assert_eq!(back, text.as_bytes());
        assert!(br.len() < text.len() / 20, "{}", br.len());
        // Not smaller: no copy; not compressible: no copy.
        assert!(!dir.join("tiny.css.gz").exists());
        assert!(!dir.join("tiny.css.br").exists());
        assert!(!dir.join("font.woff2.gz").exists());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
