//! The office's read token: `kaoping collect token --out office.token` makes a random secret
//! (kept by the office) and writes its SHA-256 beside it (`office.token.hash`), which is all the
//! service is given (`--token-file`): a copy of the service's files does not let anyone read.

use anyhow::{bail, Context, Result};
use base64::Engine;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};
use subtle::ConstantTimeEq;

/// Random bytes in a token: 256 bits, beyond guessing.
const TOKEN_BYTES: usize = 32;

/// The hash file's path for a token file: `office.token` → `office.token.hash`.
pub fn hash_path(token: &Path) -> PathBuf {
    let mut name = token.as_os_str().to_owned();
    name.push(".hash");
    PathBuf::from(name)
}

fn write_new(path: &Path, text: &str, secret: bool) -> Result<()> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    if secret {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = secret;
    let mut f = o.open(path).with_context(|| {
        format!(
            "cannot write {} (an existing file is never replaced)",
            path.display()
        )
    })?;
    f.write_all(text.as_bytes())
        .and_then(|()| f.sync_all())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Makes a token: the secret in `out`, its hash in `out.hash`; returns the hash file's path.
pub fn make(out: &Path) -> Result<PathBuf> {
    let mut bytes = [0u8; TOKEN_BYTES];
    getrandom::getrandom(&mut bytes)
        .map_err(|e| anyhow::anyhow!("no random numbers from the system: {e}"))?;
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash_path(out);
    if hash.exists() {
        bail!(
            "{} exists already (an existing file is never replaced)",
            hash.display()
        );
    }
    write_new(out, &format!("{token}\n"), true)?;
    write_new(
        &hash,
        &format!("{}\n", hex(&Sha256::digest(token.as_bytes()))),
        false,
    )?;
    Ok(hash)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The SHA-256 a token must hash to, read from a hash file (64 hex digits).
#[derive(Clone)]
pub struct TokenHash([u8; 32]);

impl TokenHash {
    pub fn read(path: &Path) -> Result<TokenHash> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let text = text.trim();
        let bad = || {
            anyhow::anyhow!(
                "{} is not a token hash (64 hex digits, as `kaoping collect token` writes)",
                path.display()
            )
        };
        if text.len() != 64 || !text.is_ascii() {
            return Err(bad());
        }
        let mut out = [0u8; 32];
        for (i, o) in out.iter_mut().enumerate() {
            *o = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).map_err(|_| bad())?;
        }
        Ok(TokenHash(out))
    }

    /// Whether `token` hashes to this (compared in constant time).
    pub fn admits(&self, token: &str) -> bool {
        let h = Sha256::digest(token.trim().as_bytes());
        bool::from(h.as_slice().ct_eq(&self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_made_token_is_admitted_and_no_other() {
        let dir = std::env::temp_dir().join(format!("kaoping-token-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let out = dir.join("office.token");
        let hash = make(&out).unwrap();
        assert_eq!(hash, dir.join("office.token.hash"));
        let token = std::fs::read_to_string(&out).unwrap();
        let h = TokenHash::read(&hash).unwrap();
        assert!(h.admits(&token));
        assert!(!h.admits("x"));
        assert!(!h.admits(&token[1..]));
        assert!(make(&out).is_err(), "never replaced");
        std::fs::write(dir.join("bad.hash"), "zz").unwrap();
        assert!(TokenHash::read(&dir.join("bad.hash")).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
