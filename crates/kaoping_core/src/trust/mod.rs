//! Who may rate (issue 16; `docs/trust.md`): the office's keys, invitations, signed sheets and
//! one-time codes. Pure Rust, no IO: the same checks natively and in WASM.
//!
//! - [`rules`]: the plan's `trust` section ([`TrustRules::of`]); in every build (the plan's
//!   schema names it).
//! - [`keys`]: Ed25519 key and signature texts, sign and verify (ed25519-dalek).
//! - [`token`]: invitation tokens: payload, signing, opening, validity, drafts from a plan.
//! - [`sheet`]: signed sheets: the message a device signs, attaching and checking a signature,
//!   and [`settle`] (which signed sheet counts).
//! - [`codes`]: one-time codes and the office-signed batches of their hashes.
//! - [`issue`]: a new batch of codes for an instrument, and its slips to print and cut.
//! - [`check`]: the plan validation's trust checks.
//!
//! [`keys`], [`token`] and [`sheet`] are behind the feature `trust` (ed25519-dalek, base64),
//! which the office build and the review build (the review page opens invitations and has
//! its sheets signed) turn on; [`settle`], [`codes`], [`issue`] and [`check`] are the office's
//! (feature `office`). The respondent's page neither signs nor verifies, and its WASM has a
//! size budget.

#[cfg(feature = "office")]
pub mod check;
#[cfg(feature = "office")]
pub mod codes;
#[cfg(feature = "office")]
pub mod issue;
#[cfg(feature = "trust")]
pub mod keys;
#[cfg(all(test, feature = "trust"))]
pub(crate) mod rfc8032;
pub mod rules;
#[cfg(feature = "office")]
pub mod settle;
#[cfg(feature = "trust")]
pub mod sheet;
#[cfg(all(test, feature = "office"))]
mod tamper_tests;
#[cfg(feature = "trust")]
pub mod token;

pub use rules::{Access, OfficeKey, TrustRules};
#[cfg(feature = "office")]
pub use settle::{settle, SheetDecision, SignedSheetRef};
#[cfg(feature = "trust")]
pub use sheet::{
    attach_signature, check_signed_record, prepare_signed, sheet_message, SheetSigner,
};
#[cfg(feature = "trust")]
pub use token::{open_token, Invitation, InvitationDraft, InvitationPayload};

/// Longest token text [`token::open_token`] reads (characters): a token names at most
/// [`MAX_TOKEN_UNITS`] units.
pub const MAX_TOKEN_CHARS: usize = 32 * 1024;
/// Most units one invitation may name.
pub const MAX_TOKEN_UNITS: usize = 1000;
/// Most code hashes in one batch.
pub const MAX_BATCH_CODES: usize = 100_000;
/// Most characters in a batch's name.
pub const MAX_BATCH_NAME_CHARS: usize = 100;

/// Why a token is not a valid invitation (`bad_token`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenFault {
    /// Not `<base64url>.<base64url>`, too long, or the signature not 64 bytes.
    Malformed,
    /// The payload is not an invitation (JSON with the `kaoping.invitation/1` fields).
    Payload,
    /// Signed with a key that is not in the plan's `trust.keys`.
    UnknownKey,
    /// The office signature does not verify.
    Signature,
}

/// What the trust checks find wrong. Each variant has a rejection code ([`TrustError::code`])
/// and its zh-CN text in `crate::messages`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TrustError {
    #[error("the plan's trust section is invalid at {path}: {why}")]
    Rules { path: String, why: String },
    #[error("\"{0}\" is not an Ed25519 public key (ed25519: and 43 base64url characters)")]
    BadKey(String),
    #[error("the plan's trust section has no key \"{0}\"")]
    UnknownKey(String),
    #[error("the instrument \"{0}\" needs an invitation: the sheet is not signed")]
    Unsigned(String),
    #[error("the sheet's signature does not verify: it was changed after signing, or signed by another key")]
    BadSignature,
    #[error("the invitation is not valid: {}", .0.en())]
    BadToken(TokenFault),
    #[error("the invitation was signed with the revoked key \"{0}\"")]
    RevokedKey(String),
    #[error("the invitation is for {field} \"{token}\", the sheet says \"{record}\"")]
    TokenMismatch {
        field: &'static str,
        token: String,
        record: String,
    },
    #[error(
        "the sheet was submitted at {at}, outside the invitation's validity ({from} to {until})"
    )]
    TokenExpired {
        at: String,
        from: String,
        until: String,
    },
    #[error("the sheet rates the unit \"{0}\", which is not assigned to this invitation")]
    OutsideAssignment(String),
    #[error("an earlier sheet under the invitation {0} was signed on another device")]
    OtherKey(String),
    #[error("the plan has no instrument \"{0}\"")]
    UnknownInstrument(String),
    #[error("the instrument \"{0}\" has no review sheet: invitations open the review page")]
    NotInvitable(String),
    #[error("the plan has no unit \"{0}\"")]
    UnknownUnit(String),
    #[error("the instrument \"{instrument}\" does not rate the unit \"{unit}\"")]
    UnitNotRated { instrument: String, unit: String },
    #[error("the review sheet of \"{instrument}\" has no group \"{group}\"")]
    UnknownGroup { instrument: String, group: String },
    #[error("an invitation names between 1 and {max} units; this one names {count}")]
    UnitCount { count: usize, max: usize },
    #[error("\"{0}\" is not a time (RFC 3339, e.g. 2026-12-01T00:00:00.000Z)")]
    BadTime(String),
    #[error("the validity ends ({until}) before it begins ({from})")]
    EmptyValidity { from: String, until: String },
    #[error("\"{0}\" is not a serial (16 hex characters)")]
    BadSerial(String),
    #[error("\"{0}\" is not a one-time code (12 characters, e.g. 7K3M-Q9XA-2BFH)")]
    BadCode(String),
    #[error("the code batch \"{batch}\" is not valid: {}", .why.en())]
    BadBatch { batch: String, why: BatchFault },
    #[error("the instrument \"{0}\" does not take one-time codes (the plan's trust.instruments does not say \"code\")")]
    NotCoded(String),
    #[error("a batch has between 1 and {max} codes; {count} were asked for")]
    CodeCount { count: usize, max: usize },
    #[error("a batch needs a name (e.g. 2026-12 会议), of at most {max} characters")]
    BatchName { max: usize },
    #[error("the password is too short: at least {min} characters")]
    ShortPassword { min: usize },
}

/// Why a batch of code hashes is not valid (`code_batch_invalid`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchFault {
    /// Not a `kaoping.codes/1` batch.
    Format,
    /// Over [`MAX_BATCH_CODES`] hashes.
    TooMany,
    /// A hash is not 64 lowercase hex characters.
    Hash,
    /// Its key is not one of the plan's `trust.keys`.
    UnknownKey,
    /// The signature is damaged or does not verify.
    Signature,
    /// The batch is for another plan (its id).
    OtherPlan(String),
}

impl BatchFault {
    pub fn en(&self) -> String {
        match self {
            BatchFault::Format => "it is not a kaoping.codes/1 batch".into(),
            BatchFault::TooMany => format!("it has more than {MAX_BATCH_CODES} codes"),
            BatchFault::Hash => "a hash is not 64 hex characters".into(),
            BatchFault::UnknownKey => "it was not signed by a key of this plan".into(),
            BatchFault::Signature => "the signature does not verify".into(),
            BatchFault::OtherPlan(p) => format!("it is for the plan \"{p}\""),
        }
    }

    pub fn zh(&self) -> String {
        match self {
            BatchFault::Format => "不是 kaoping.codes/1 格式的批次".into(),
            BatchFault::TooMany => format!("码数超过 {MAX_BATCH_CODES} 个"),
            BatchFault::Hash => "有哈希值不是 64 个十六进制字符".into(),
            BatchFault::UnknownKey => "不是用本方案的密钥签发的".into(),
            BatchFault::Signature => "签名验证不通过".into(),
            BatchFault::OtherPlan(p) => format!("它属于方案“{p}”"),
        }
    }
}

impl TokenFault {
    pub fn en(self) -> &'static str {
        match self {
            TokenFault::Malformed => "the token is damaged or incomplete",
            TokenFault::Payload => "the token does not hold an invitation",
            TokenFault::UnknownKey => "it was not signed by a key of this plan",
            TokenFault::Signature => "the office signature does not verify",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            TokenFault::Malformed => "邀请码已损坏或不完整",
            TokenFault::Payload => "邀请码中没有邀请内容",
            TokenFault::UnknownKey => "不是用本方案的密钥签发的",
            TokenFault::Signature => "考评办签名验证不通过",
        }
    }
}

impl TrustError {
    /// The rejection code of this error (ingest's `Rejection.code`; see `docs/trust.md`).
    pub fn code(&self) -> &'static str {
        match self {
            TrustError::Rules { .. } => "invalid_trust",
            TrustError::BadKey(_) => "bad_key",
            TrustError::UnknownKey(_) => "unknown_key",
            TrustError::Unsigned(_) => "unsigned",
            TrustError::BadSignature => "bad_signature",
            TrustError::BadToken(_) => "bad_token",
            TrustError::RevokedKey(_) => "revoked_key",
            TrustError::TokenMismatch { .. } => "token_mismatch",
            TrustError::TokenExpired { .. } => "token_expired",
            TrustError::OutsideAssignment(_) => "outside_assignment",
            TrustError::OtherKey(_) => "other_key",
            TrustError::UnknownInstrument(_) => "unknown_instrument",
            TrustError::NotInvitable(_) => "not_invitable",
            TrustError::UnknownUnit(_) => "unknown_unit",
            TrustError::UnitNotRated { .. } => "unit_not_rated",
            TrustError::UnknownGroup { .. } => "unknown_group",
            TrustError::UnitCount { .. } => "unit_count",
            TrustError::BadTime(_) => "bad_time",
            TrustError::EmptyValidity { .. } => "empty_validity",
            TrustError::BadSerial(_) => "bad_serial",
            TrustError::BadCode(_) => "bad_code",
            TrustError::BadBatch { .. } => "code_batch_invalid",
            TrustError::NotCoded(_) => "not_coded",
            TrustError::CodeCount { .. } => "code_count",
            TrustError::BatchName { .. } => "batch_name",
            TrustError::ShortPassword { .. } => "short_password",
        }
    }
}

/// Milliseconds since the epoch of an RFC 3339 time: `YYYY-MM-DDTHH:MM:SS`, optional
/// fraction, then `Z` or `±HH:MM` (a space or `t` for `T` and `z` for `Z` too).
pub fn parse_instant(text: &str) -> Option<i64> {
    let s = text.trim().as_bytes();
    let num = |a: usize, b: usize| -> Option<i64> {
        let part = s.get(a..b)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(part).ok()?.parse().ok()
    };
    let sep = |i: usize, c: &[u8]| s.get(i).is_some_and(|b| c.contains(b));
    if !(sep(4, b"-") && sep(7, b"-") && sep(10, b"Tt ") && sep(13, b":") && sep(16, b":")) {
        return None;
    }
    let (y, mo, d) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (h, mi, sec) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    let month = u32::try_from(mo).ok()?;
    if !(1..=12).contains(&month)
        || d < 1
        || d > i64::from(crate::date::days_in_month(y, month))
        || h > 23
        || mi > 59
        || sec > 60
    {
        return None;
    }
    let mut i = 19;
    let mut milli = 0;
    if sep(i, b".") {
        let start = i + 1;
        i = start;
        while s.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return None;
        }
        let digits = &s[start..i.min(start + 3)];
        let mut m = std::str::from_utf8(digits).ok()?.parse::<i64>().ok()?;
        for _ in digits.len()..3 {
            m *= 10;
        }
        milli = m;
    }
    let offset_min = match s.get(i) {
        Some(b'Z' | b'z') if i + 1 == s.len() => 0,
        Some(c @ (b'+' | b'-')) if i + 6 == s.len() && sep(i + 3, b":") => {
            let (oh, om) = (num(i + 1, i + 3)?, num(i + 4, i + 6)?);
            if oh > 23 || om > 59 {
                return None;
            }
            let m = oh * 60 + om;
            if *c == b'-' {
                -m
            } else {
                m
            }
        }
        _ => return None,
    };
    let days = crate::date::days_from_civil(y, month, u32::try_from(d).ok()?);
    let secs = days * 86_400 + h * 3600 + mi * 60 + sec - offset_min * 60;
    Some(secs * 1000 + milli)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_are_read_with_their_offset() {
        assert_eq!(parse_instant("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_instant("1970-01-01T00:00:00.5Z"), Some(500));
        assert_eq!(parse_instant("1970-01-01T08:00:00.000+08:00"), Some(0));
        assert_eq!(parse_instant("1969-12-31T23:00:00-01:00"), Some(0));
        assert_eq!(
            parse_instant("2000-02-29T12:34:56.789Z"),
            Some(951_827_696_789)
        );
        for bad in [
            "",
            "2026-02-30T00:00:00Z",
            "2026-12-01",
            "2026-12-01T00:00:00",
            "2026-12-01T24:00:00Z",
            "2026-12-01T00:00:00.Z",
            "2026-12-01T00:00:00+8:00",
            "２０２６-12-01T00:00:00Z",
        ] {
            assert_eq!(parse_instant(bad), None, "{bad}");
        }
    }

    #[test]
    fn every_error_has_a_distinct_code() {
        let errors = [
            TrustError::Unsigned("x".into()),
            TrustError::BadSignature,
            TrustError::BadToken(TokenFault::Malformed),
            TrustError::RevokedKey("k".into()),
            TrustError::OutsideAssignment("u".into()),
            TrustError::OtherKey("t".into()),
        ];
        let codes: std::collections::BTreeSet<_> = errors.iter().map(TrustError::code).collect();
        assert_eq!(codes.len(), errors.len());
        assert!(codes.contains("bad_signature"));
    }
}
