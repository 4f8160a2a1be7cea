//! `kaoping keys new | show`: the office's Ed25519 signing key in its password-protected backup
//! file (`kaoping.key/1`, docs/trust.md), the same file the office page writes with WebCrypto:
//! PBKDF2-SHA256 (600,000 iterations, 16-byte salt) derives an AES-256-GCM key that encrypts
//! the key's PKCS#8 DER (12-byte IV, 16-byte tag, no associated data). [`load_key`] gives the
//! 32-byte seed back to the commands that sign.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use anyhow::{bail, Context, Result};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64U;
use base64::Engine;
use clap::{Args, Subcommand};
use kaoping_core::text::Bilingual;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The file's format tag.
pub const FORMAT: &str = "kaoping.key/1";
/// PBKDF2 iterations written (OWASP's 2023 figure for PBKDF2-HMAC-SHA256).
pub const ITERATIONS: u32 = 600_000;
/// The most iterations a file may ask for: reading takes about a second per million.
pub const MAX_ITERATIONS: u32 = 10_000_000;
/// PKCS#8 DER of an Ed25519 private key, before its 32-byte seed (RFC 8410; what WebCrypto's
/// `exportKey('pkcs8')` gives).
const PKCS8_PREFIX: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];

#[derive(Subcommand)]
pub enum KeysCommand {
    /// Make the office's signing key and write its password-protected backup file.
    New(NewArgs),
    /// Show a key file's id, public key and creation time (no password needed).
    Show {
        file: PathBuf,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
pub struct NewArgs {
    /// The key file to write (refused if it exists).
    #[arg(long)]
    out: PathBuf,
    /// Read the password from this environment variable instead of asking twice on the
    /// terminal (for scripts).
    #[arg(long)]
    password_env: Option<String>,
}

/// The backup file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyFile {
    pub format: String,
    pub id: String,
    pub public: String,
    pub created: String,
    pub kdf: Kdf,
    pub cipher: Cipher,
    pub secret: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Kdf {
    pub name: String,
    pub hash: String,
    pub iterations: u32,
    pub salt: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cipher {
    pub name: String,
    pub iv: String,
}

/// Why a key file could not be read or opened; English by `Display`, zh-CN by [`KeyError::zh`].
#[derive(Debug, Clone, PartialEq)]
pub enum KeyError {
    Io { file: String, why: String },
    NotAKeyFile { file: String, why: String },
    WrongPassword { file: String },
    Mismatch { file: String, what: &'static str },
}

impl std::fmt::Display for KeyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeyError::Io { file, why } => write!(f, "{file}: cannot read: {why}"),
            KeyError::NotAKeyFile { file, why } => {
                write!(f, "{file}: not a kaoping key file ({FORMAT}): {why}")
            }
            KeyError::WrongPassword { file } => write!(
                f,
                "{file}: wrong password, or the file's encrypted key was changed \
                 (nothing is decrypted without the exact password and file)"
            ),
            KeyError::Mismatch { file, what } => write!(
                f,
                "{file}: the decrypted key does not match the file's {what}: \
                 the file was edited; use an untouched copy"
            ),
        }
    }
}

impl std::error::Error for KeyError {}

impl KeyError {
    pub fn zh(&self) -> String {
        match self {
            KeyError::Io { file, why } => format!("{file}：无法读取：{why}"),
            KeyError::NotAKeyFile { file, why } => {
                format!("{file}：不是 kaoping 密钥文件（{FORMAT}）：{why}")
            }
            KeyError::WrongPassword { file } => {
                format!("{file}：密码不对，或文件中的加密密钥被改动（密码和文件都须原样才能解密）")
            }
            KeyError::Mismatch { file, what } => {
                let what = if *what == "id" {
                    "编号 (id)"
                } else {
                    "公钥 (public)"
                };
                format!("{file}：解密出的密钥与文件中的{what}不符：文件被改动过，请用未改动的备份")
            }
        }
    }

    /// The message in `lang` (zh-CN unless "en").
    pub fn message(&self, lang: &str) -> String {
        if lang == "en" {
            self.to_string()
        } else {
            self.zh()
        }
    }
}

/// `ed25519:` + base64url of the raw public key.
pub fn public_text(public: &[u8; 32]) -> String {
    format!("ed25519:{}", B64U.encode(public))
}

/// The key id: the first 16 hex characters of SHA-256 of the raw public key.
pub fn key_id(public: &[u8; 32]) -> String {
    let digest = Sha256::digest(public);
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

fn public_of(seed: &[u8; 32]) -> [u8; 32] {
    ed25519_dalek::SigningKey::from_bytes(seed)
        .verifying_key()
        .to_bytes()
}

fn aes_key(password: &str, salt: &[u8], iterations: u32) -> [u8; 32] {
    let mut key = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<Sha256>(password.as_bytes(), salt, iterations, &mut key);
    key
}

/// The backup file of `seed` under `password`, with the given salt, IV and iteration count
/// (`keys new` draws the salt and IV at random and uses [`ITERATIONS`]).
pub fn seal(
    seed: &[u8; 32],
    password: &str,
    salt: &[u8; 16],
    iv: &[u8; 12],
    iterations: u32,
    created: &str,
) -> KeyFile {
    let key = aes_key(password, salt, iterations);
    let mut der = PKCS8_PREFIX.to_vec();
    der.extend_from_slice(seed);
    let secret = Aes256Gcm::new(&key.into())
        .encrypt(Nonce::from_slice(iv), der.as_slice())
        .expect("AES-GCM encrypts any message under 64 GiB");
    let public = public_of(seed);
    KeyFile {
        format: FORMAT.into(),
        id: key_id(&public),
        public: public_text(&public),
        created: created.into(),
        kdf: Kdf {
            name: "PBKDF2".into(),
            hash: "SHA-256".into(),
            iterations,
            salt: B64U.encode(salt),
        },
        cipher: Cipher {
            name: "AES-GCM".into(),
            iv: B64U.encode(iv),
        },
        secret: B64U.encode(secret),
    }
}

/// Reads a key file (without opening it): its format, algorithms, sizes, and that its id is
/// its public key's.
pub fn read_key_file(path: &Path) -> Result<KeyFile, KeyError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| KeyError::Io {
        file: file.clone(),
        why: e.to_string(),
    })?;
    let not = |why: String| KeyError::NotAKeyFile {
        file: file.clone(),
        why,
    };
    let kf: KeyFile = serde_json::from_str(&text).map_err(|e| not(e.to_string()))?;
    if kf.format != FORMAT {
        return Err(not(format!("format {:?}", kf.format)));
    }
    if (
        kf.kdf.name.as_str(),
        kf.kdf.hash.as_str(),
        kf.cipher.name.as_str(),
    ) != ("PBKDF2", "SHA-256", "AES-GCM")
    {
        return Err(not("kdf must be PBKDF2 with SHA-256, cipher AES-GCM".into()));
    }
    if kf.kdf.iterations == 0 || kf.kdf.iterations > MAX_ITERATIONS {
        return Err(not(format!(
            "iterations {} (1 to {MAX_ITERATIONS})",
            kf.kdf.iterations
        )));
    }
    let public = public_bytes(&kf.public).ok_or_else(|| not("public key".into()))?;
    if key_id(&public) != kf.id {
        return Err(KeyError::Mismatch { file, what: "id" });
    }
    Ok(kf)
}

fn public_bytes(text: &str) -> Option<[u8; 32]> {
    let raw = B64U.decode(text.strip_prefix("ed25519:")?).ok()?;
    raw.try_into().ok()
}

/// The 32-byte Ed25519 seed of the key file at `path`, opened with `password`.
pub fn load_key(path: &Path, password: &str) -> Result<[u8; 32], KeyError> {
    let kf = read_key_file(path)?;
    open(&kf, password, &path.display().to_string())
}

/// The seed of a key file already read; `file` names it in errors.
pub fn open(kf: &KeyFile, password: &str, file: &str) -> Result<[u8; 32], KeyError> {
    let not = |why: &str| KeyError::NotAKeyFile {
        file: file.to_owned(),
        why: why.to_owned(),
    };
    let salt = B64U.decode(&kf.kdf.salt).map_err(|_| not("salt"))?;
    let iv: [u8; 12] = B64U
        .decode(&kf.cipher.iv)
        .ok()
        .and_then(|v| v.try_into().ok())
        .ok_or_else(|| not("iv (12 bytes)"))?;
    let secret = B64U.decode(&kf.secret).map_err(|_| not("secret"))?;
    let key = aes_key(password, &salt, kf.kdf.iterations);
    let wrong = || KeyError::WrongPassword {
        file: file.to_owned(),
    };
    let der = Aes256Gcm::new(&key.into())
        .decrypt(Nonce::from_slice(&iv), secret.as_slice())
        .map_err(|_| wrong())?;
    let seed: [u8; 32] = der
        .strip_prefix(&PKCS8_PREFIX[..])
        .and_then(|s| s.try_into().ok())
        .ok_or_else(|| not("the decrypted key is not an Ed25519 PKCS#8 key"))?;
    if Some(public_of(&seed)) != public_bytes(&kf.public) {
        return Err(KeyError::Mismatch {
            file: file.to_owned(),
            what: "public key",
        });
    }
    Ok(seed)
}

pub fn run(cmd: KeysCommand, lang: &str) -> Result<std::process::ExitCode> {
    match cmd {
        KeysCommand::New(args) => new(args, lang),
        KeysCommand::Show { file, json } => {
            let kf = read_key_file(&file).map_err(|e| anyhow::anyhow!(e.message(lang)))?;
            if json {
                let shown =
                    serde_json::json!({"id": kf.id, "public": kf.public, "created": kf.created});
                println!("{}", serde_json::to_string_pretty(&shown)?);
            } else {
                let (id, public, created) = if lang == "en" {
                    ("id", "public key", "created")
                } else {
                    ("编号", "公钥", "创建于")
                };
                println!(
                    "{id}: {}\n{public}: {}\n{created}: {}",
                    kf.id, kf.public, kf.created
                );
            }
            Ok(std::process::ExitCode::SUCCESS)
        }
    }
}

fn t(lang: &str, zh: &str, en: &str) -> String {
    if lang == "en" { en } else { zh }.to_owned()
}

fn new(args: NewArgs, lang: &str) -> Result<std::process::ExitCode> {
    if args.out.exists() {
        bail!(t(
            lang,
            &format!(
                "{} 已存在：不覆盖已有的密钥文件（换一个文件名）",
                args.out.display()
            ),
            &format!(
                "{} exists: a key file is never overwritten (choose another name)",
                args.out.display()
            ),
        ));
    }
    let password = password(&args, lang)?;
    let mut random = [0u8; 60];
    getrandom::getrandom(&mut random).map_err(|e| anyhow::anyhow!("getrandom: {e}"))?;
    let seed: [u8; 32] = random[..32].try_into()?;
    let salt: [u8; 16] = random[32..48].try_into()?;
    let iv: [u8; 12] = random[48..].try_into()?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_millis() as f64;
    let kf = seal(
        &seed,
        &password,
        &salt,
        &iv,
        ITERATIONS,
        &kaoping_core::record::rfc3339(now),
    );
    let text = serde_json::to_string_pretty(&kf)? + "\n";
    write_new(&args.out, &text)?;
    // Read back and open, so that a file that cannot be opened is never left as the only copy.
    load_key(&args.out, &password).map_err(|e| anyhow::anyhow!(e.message(lang)))?;
    let (wrote, hint) = if lang == "en" {
        ("wrote", "Keep this file and its password apart (e.g. the file on two USB drives in the office safe, the password with the head of office). Put the public key in the plan's trust.keys.")
    } else {
        ("已写入", "请把文件与密码分开保管（例如文件存两个 U 盘放保险柜，密码由负责人保管）。把公钥填入方案的 trust.keys。")
    };
    println!(
        "{wrote} {}\nid: {}\npublic: {}\n{hint}",
        args.out.display(),
        kf.id,
        kf.public
    );
    Ok(std::process::ExitCode::SUCCESS)
}

/// Writes a new file (never an existing one), readable by its owner only on Unix.
fn write_new(path: &Path, text: &str) -> Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options
        .open(path)
        .with_context(|| path.display().to_string())?;
    f.write_all(text.as_bytes())
        .and_then(|()| f.sync_all())
        .with_context(|| path.display().to_string())
}

/// The password of a key file, to unlock it (`codes new`, `invite`): from the environment
/// variable `env` (scripts), or asked once on the terminal.
pub fn unlock_password(env: Option<&str>, lang: &str) -> Result<String> {
    match env {
        Some(var) => env_password(var, lang),
        None => Ok(rpassword::prompt_password(t(
            lang,
            "密钥文件的密码：",
            "Password for the key file: ",
        ))?),
    }
}

fn env_password(var: &str, lang: &str) -> Result<String> {
    std::env::var(var).map_err(|_| {
        anyhow::anyhow!(t(
            lang,
            &format!("环境变量 {var} 未设置或不是 UTF-8"),
            &format!("the environment variable {var} is not set or not UTF-8"),
        ))
    })
}

/// The password of a new key file: from the environment, or typed twice; at least as long as
/// the core asks.
fn password(args: &NewArgs, lang: &str) -> Result<String> {
    let password = match &args.password_env {
        Some(var) => env_password(var, lang)?,
        None => {
            let first = rpassword::prompt_password(t(
                lang,
                "密钥文件的密码：",
                "Password for the key file: ",
            ))?;
            let again = rpassword::prompt_password(t(lang, "再输入一次：", "Again: "))?;
            if first != again {
                bail!(t(lang, "两次输入的密码不同", "the two passwords differ"));
            }
            first
        }
    };
    if let Err(e) = kaoping_core::trust::keys::check_backup_password(&password) {
        bail!(t(lang, &e.zh(), &e.to_string()));
    }
    Ok(password)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 8032 §7.1 TEST 1's secret key.
    const SEED: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";

    fn seed() -> [u8; 32] {
        let b: Vec<u8> = (0..32)
            .map(|i| u8::from_str_radix(&SEED[2 * i..2 * i + 2], 16).unwrap())
            .collect();
        b.try_into().unwrap()
    }

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("kaoping-keys-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir.join(name)
    }

    fn write(name: &str, kf: &KeyFile) -> PathBuf {
        let p = temp(name);
        std::fs::write(&p, serde_json::to_string_pretty(kf).unwrap()).unwrap();
        p
    }

    /// The expected values were computed independently with Python's `cryptography` package
    /// (48.0: `PBKDF2HMAC(SHA256, 32, salt, 600000)`, `AESGCM(k).encrypt(iv, der, None)`, the
    /// DER from `Ed25519PrivateKey.private_bytes(DER, PKCS8)`), not with this code.
    #[test]
    fn the_file_matches_an_independent_implementation() {
        let salt: [u8; 16] = std::array::from_fn(|i| i as u8);
        let iv: [u8; 12] = std::array::from_fn(|i| 0xa0 + i as u8);
        let pw = "correct horse battery staple";
        let kf = seal(
            &seed(),
            pw,
            &salt,
            &iv,
            ITERATIONS,
            "2026-12-01T00:00:00.000Z",
        );
        assert_eq!(
            kf.public,
            "ed25519:11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
        );
        assert_eq!(kf.id, "21fe31dfa154a261");
        assert_eq!(kf.kdf.salt, "AAECAwQFBgcICQoLDA0ODw");
        assert_eq!(kf.cipher.iv, "oKGio6Slpqeoqaqr");
        assert_eq!(
            kf.secret,
            "m0CxgXsFwO40AXfCALcJk2U_XqgW4dPV4VZvHazaDTsWiFVHyHNN5j7AoKLO2FpISdWWKzw7QLF1irV0WnL1SA"
        );
        let p = write("vector.json", &kf);
        assert_eq!(load_key(&p, pw).unwrap(), seed());
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains("\"iterations\": 600000"), "{text}");
    }

    #[test]
    fn a_wrong_password_or_an_edited_secret_opens_nothing() {
        let kf = seal(&seed(), "right password", &[7; 16], &[9; 12], 1000, "t");
        let p = write("wrong.json", &kf);
        assert_eq!(load_key(&p, "right password").unwrap(), seed());
        let e = load_key(&p, "wrong password").unwrap_err();
        assert!(matches!(e, KeyError::WrongPassword { .. }), "{e}");
        assert!(e.to_string().contains("wrong password"), "{e}");
        assert!(e.zh().contains("密码不对"), "{}", e.zh());
        let mut edited = kf.clone();
        let mut secret = B64U.decode(&kf.secret).unwrap();
        secret[3] ^= 1;
        edited.secret = B64U.encode(secret);
        let e = load_key(&write("edited.json", &edited), "right password").unwrap_err();
        assert!(matches!(e, KeyError::WrongPassword { .. }), "{e}");
        let mut salted = kf.clone();
        salted.kdf.salt = B64U.encode([8; 16]);
        let e = load_key(&write("salted.json", &salted), "right password").unwrap_err();
        assert!(matches!(e, KeyError::WrongPassword { .. }), "{e}");
    }

    #[test]
    fn another_public_key_or_id_is_an_edit() {
        let kf = seal(&seed(), "right password", &[7; 16], &[9; 12], 1000, "t");
        let other = public_of(&[1; 32]);
        let mut both = kf.clone();
        both.public = public_text(&other);
        both.id = key_id(&other);
        let e = load_key(&write("both.json", &both), "right password").unwrap_err();
        assert_eq!(
            e,
            KeyError::Mismatch {
                file: temp("both.json").display().to_string(),
                what: "public key"
            }
        );
        assert!(e.zh().contains("公钥"), "{}", e.zh());
        let mut id = kf.clone();
        id.id = "0000000000000000".into();
        let e = read_key_file(&write("id.json", &id)).unwrap_err();
        assert!(matches!(e, KeyError::Mismatch { what: "id", .. }), "{e}");
    }

    #[test]
    fn a_truncated_or_foreign_file_is_not_a_key_file() {
        let kf = seal(&seed(), "right password", &[7; 16], &[9; 12], 1000, "t");
        let text = serde_json::to_string_pretty(&kf).unwrap();
        let p = temp("cut.json");
        std::fs::write(&p, &text[..text.len() / 2]).unwrap();
        let e = load_key(&p, "right password").unwrap_err();
        assert!(matches!(e, KeyError::NotAKeyFile { .. }), "{e}");
        assert!(e.zh().contains("不是 kaoping 密钥文件"), "{}", e.zh());
        let mut slow = kf.clone();
        slow.kdf.iterations = MAX_ITERATIONS + 1;
        let e = load_key(&write("slow.json", &slow), "right password").unwrap_err();
        assert!(e.to_string().contains("iterations"), "{e}");
        let mut iv = kf.clone();
        iv.cipher.iv = B64U.encode([1; 16]);
        let e = load_key(&write("iv.json", &iv), "right password").unwrap_err();
        assert!(e.to_string().contains("iv"), "{e}");
        let e = load_key(&temp("absent.json"), "x").unwrap_err();
        assert!(matches!(e, KeyError::Io { .. }), "{e}");
    }

    #[test]
    fn the_key_id_is_that_of_the_public_key() {
        let kf = seal(&[42; 32], "right password", &[7; 16], &[9; 12], 1000, "t");
        let public = public_bytes(&kf.public).unwrap();
        assert_eq!(public, public_of(&[42; 32]));
        let digest = Sha256::digest(public);
        assert!(
            kf.id.len() == 16
                && digest.starts_with(
                    &(0..8)
                        .map(|i| u8::from_str_radix(&kf.id[2 * i..2 * i + 2], 16).unwrap())
                        .collect::<Vec<_>>()
                )
        );
    }
}
