//! Ed25519 keys and signatures as kaoping writes them (ed25519-dalek underneath; no home-made
//! cryptography): public key text `ed25519:` + base64url (no padding) of its 32 bytes, key id =
//! the first 16 hex characters of SHA-256 of those bytes, signature text = base64url of its 64
//! bytes. The core never makes randomness: the caller gives the 32-byte seed.

use super::TrustError;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};

/// The shortest password that may protect an office key's backup file (`kaoping.key/1`), in
/// characters: the CLI and the office page both ask this of the password they encrypt with.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// A password for an office key's backup file, or [`TrustError::ShortPassword`] when it has
/// fewer than [`MIN_PASSWORD_CHARS`] characters (Unicode scalar values: 十二个汉字 count 12).
pub fn check_backup_password(password: &str) -> Result<(), TrustError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(TrustError::ShortPassword {
            min: MIN_PASSWORD_CHARS,
        });
    }
    Ok(())
}

/// The prefix of a public key's text.
pub const KEY_PREFIX: &str = "ed25519:";

/// base64url without padding.
pub fn b64u(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Bytes of base64url text without padding; `None` when it is not that.
pub fn from_b64u(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text.as_bytes()).ok()
}

/// The 32 bytes of a public key's text (`ed25519:` + base64url).
pub fn parse_public(text: &str) -> Result<[u8; 32], TrustError> {
    let bad = || TrustError::BadKey(text.chars().take(80).collect());
    let body = text.trim().strip_prefix(KEY_PREFIX).ok_or_else(bad)?;
    let bytes: [u8; 32] = from_b64u(body)
        .and_then(|b| b.try_into().ok())
        .ok_or_else(bad)?;
    // A point that is not on the curve is no key.
    VerifyingKey::from_bytes(&bytes).map_err(|_| bad())?;
    Ok(bytes)
}

/// A public key's text.
pub fn format_public(public: &[u8; 32]) -> String {
    format!("{KEY_PREFIX}{}", b64u(public))
}

/// A key's id: the first 16 hex characters of SHA-256 of its 32 bytes.
pub fn key_id(public: &[u8; 32]) -> String {
    let mut hex = crate::canonical::sha256_hex(public);
    hex.truncate(16);
    hex
}

/// The 64 bytes of a signature's text.
pub fn parse_signature(text: &str) -> Option<[u8; 64]> {
    from_b64u(text.trim()).and_then(|b| b.try_into().ok())
}

/// Whether `sig` is a valid Ed25519 signature of `msg` under `public` (strict verification:
/// no small-order keys, no malleable signatures). Never panics: bad bytes are `false`.
pub fn verify(public: &[u8; 32], msg: &[u8], sig: &[u8; 64]) -> bool {
    let Ok(key) = VerifyingKey::from_bytes(public) else {
        return false;
    };
    key.verify_strict(msg, &Signature::from_bytes(sig)).is_ok()
}

/// [`verify`] of texts: a public key's text and a signature's; malformed text is `false`.
pub fn verify_text(public: &str, msg: &[u8], sig: &str) -> bool {
    match (parse_public(public), parse_signature(sig)) {
        (Ok(p), Some(s)) => verify(&p, msg, &s),
        _ => false,
    }
}

/// The Ed25519 signature of `msg` by the key of this 32-byte seed (the secret key of RFC 8032).
pub fn sign(seed: &[u8; 32], msg: &[u8]) -> [u8; 64] {
    SigningKey::from_bytes(seed).sign(msg).to_bytes()
}

/// The public key of a 32-byte seed.
pub fn public_from_seed(seed: &[u8; 32]) -> [u8; 32] {
    SigningKey::from_bytes(seed).verifying_key().to_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::super::rfc8032::{rfc8032_hex as hex, RFC8032_7_1};

    #[test]
    fn a_backup_password_needs_twelve_characters() {
        assert_eq!(
            check_backup_password("elevenchars"),
            Err(TrustError::ShortPassword { min: 12 })
        );
        assert_eq!(check_backup_password("twelve chars"), Ok(()));
        // Characters, not bytes: eleven Chinese characters are 33 bytes and still too short.
        assert!(check_backup_password("一二三四五六七八九十壹").is_err());
        assert_eq!(check_backup_password("一二三四五六七八九十壹贰"), Ok(()));
    }

    fn check_vector(name: &str, secret: &[u8], public: &[u8], msg: &[u8], sig: &[u8]) {
        let seed: [u8; 32] = secret.try_into().unwrap();
        let public: [u8; 32] = public.try_into().unwrap();
        let sig: [u8; 64] = sig.try_into().unwrap();
        assert_eq!(public_from_seed(&seed), public, "{name}: public key");
        assert_eq!(sign(&seed, msg), sig, "{name}: signature");
        assert!(verify(&public, msg, &sig), "{name}: verifies");
        let mut other = msg.to_vec();
        other.push(0);
        assert!(!verify(&public, &other, &sig), "{name}: another message");
    }

    /// RFC 8032 section 7.1: TEST 1, TEST 2, TEST 3, TEST 1024, TEST SHA(abc).
    #[test]
    fn rfc8032_section_7_1_test_vectors() {
        for (name, secret, public, msg, sig) in RFC8032_7_1 {
            check_vector(name, &hex(secret), &hex(public), &hex(msg), &hex(sig));
        }
        assert_eq!(hex(RFC8032_7_1[3].3).len(), 1023, "TEST 1024's message");
    }

    #[test]
    fn key_text_round_trips_and_rejects_bad_text() {
        let public = public_from_seed(&[7; 32]);
        let text = format_public(&public);
        assert!(text.starts_with("ed25519:"));
        assert_eq!(parse_public(&text).unwrap(), public);
        assert_eq!(key_id(&public).len(), 16);
        assert_eq!(
            key_id(&public),
            &crate::canonical::sha256_hex(&public)[..16]
        );
        for bad in [
            "",
            "ed25519:",
            "rsa:AAAA",
            &text[..text.len() - 2],
            &format!("{text}AA"),
            "ed25519:!!!!",
        ] {
            assert!(
                matches!(parse_public(bad), Err(TrustError::BadKey(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_signature_text_verifies_and_a_changed_one_does_not() {
        let seed = [3; 32];
        let public = format_public(&public_from_seed(&seed));
        let sig = b64u(&sign(&seed, b"msg"));
        assert!(verify_text(&public, b"msg", &sig));
        assert!(!verify_text(&public, b"msh", &sig));
        let mut bytes = parse_signature(&sig).unwrap();
        bytes[0] ^= 1;
        assert!(!verify_text(&public, b"msg", &b64u(&bytes)));
        assert!(!verify_text(&public, b"msg", "not base64"));
        assert!(!verify_text("ed25519:xx", b"msg", &sig));
    }
}
