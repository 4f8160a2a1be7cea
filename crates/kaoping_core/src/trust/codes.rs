//! One-time codes: 60 random bits as 12 Crockford base32 characters, shown `XXXX-XXXX-XXXX`.
//! kaoping keeps only their hashes, in batches the office signs in bulk (never per name), so a
//! record's code says nothing about who held it.

use super::keys::{b64u, key_id, parse_public, parse_signature, sign, verify};
use super::{BatchFault, TrustError, TrustRules, MAX_BATCH_CODES};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A batch's `format`.
pub const BATCH_FORMAT: &str = "kaoping.codes/1";
pub use super::rules::normalize_code;
use crate::plan::access::CROCKFORD;

/// The codes of `random` (8 bytes per code; the top 60 bits of each 8 are used), shown
/// `XXXX-XXXX-XXXX`. Bytes that are not a multiple of 8 leave the rest unused.
pub fn generate_codes(random: &[u8]) -> Vec<String> {
    random
        .chunks_exact(8)
        .map(|c| {
            let mut b = [0u8; 8];
            b.copy_from_slice(c);
            let bits = u64::from_be_bytes(b) >> 4;
            let plain: String = (0..12)
                .map(|i| CROCKFORD[((bits >> (55 - 5 * i)) & 31) as usize] as char)
                .collect();
            format_code(&plain)
        })
        .collect()
}

/// A normalised code shown in three groups of four.
pub fn format_code(code: &str) -> String {
    let c: Vec<char> = code.chars().collect();
    c.chunks(4)
        .map(|g| g.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// The hash kaoping keeps of a normalised code: hex SHA-256 of `"kaoping.code/1\n"` + code.
pub fn code_hash(normalized: &str) -> String {
    crate::canonical::sha256_hex(format!("kaoping.code/1\n{normalized}").as_bytes())
}

/// A batch of code hashes the office signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeBatch {
    pub format: String,
    pub plan_id: String,
    pub instrument: String,
    /// The office's name for the batch, e.g. `2026-12 会议`.
    pub batch: String,
    /// RFC 3339.
    pub created: String,
    /// The id of the office key that signed.
    pub key: String,
    pub hashes: Vec<String>,
    /// base64url of the signature of [`batch_message`]; empty before signing.
    #[serde(default)]
    pub signature: String,
}

impl CodeBatch {
    /// An unsigned batch of the hashes of these codes (any typed form; a code that is not
    /// one is [`TrustError::BadCode`]). Hashes sorted, so the batch does not keep the order
    /// in which codes were printed.
    pub fn of_codes(
        plan_id: &str,
        instrument: &str,
        batch: &str,
        created: &str,
        key: &str,
        codes: &[String],
    ) -> Result<CodeBatch, TrustError> {
        let mut hashes = BTreeSet::new();
        for c in codes {
            let n = normalize_code(c).ok_or_else(|| TrustError::BadCode(c.clone()))?;
            hashes.insert(code_hash(&n));
        }
        Ok(CodeBatch {
            format: BATCH_FORMAT.into(),
            plan_id: plan_id.into(),
            instrument: instrument.into(),
            batch: batch.into(),
            created: created.into(),
            key: key.into(),
            hashes: hashes.into_iter().collect(),
            signature: String::new(),
        })
    }

    /// The batch signed with the office key of this seed.
    pub fn signed(mut self, seed: &[u8; 32]) -> CodeBatch {
        self.signature = b64u(&sign(seed, &batch_message(&self)));
        self
    }
}

/// The bytes the office signs: the batch's canonical JSON without `signature`.
pub fn batch_message(batch: &CodeBatch) -> Vec<u8> {
    let mut v = serde_json::to_value(batch).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        o.remove("signature");
    }
    crate::canonical::canonical_value(&v).into_bytes()
}

/// Checks a batch: its format, its size, its hashes (64 lowercase hex), and its signature by
/// a key of the plan that is not revoked.
pub fn verify_batch(rules: &TrustRules, batch: &CodeBatch) -> Result<(), TrustError> {
    let bad = |why: BatchFault| TrustError::BadBatch {
        batch: batch.batch.clone(),
        why,
    };
    if batch.format != BATCH_FORMAT {
        return Err(bad(BatchFault::Format));
    }
    if batch.hashes.len() > MAX_BATCH_CODES {
        return Err(bad(BatchFault::TooMany));
    }
    let hex =
        |h: &String| h.len() == 64 && h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if !batch.hashes.iter().all(hex) {
        return Err(bad(BatchFault::Hash));
    }
    let key = rules
        .key(&batch.key)
        .ok_or_else(|| bad(BatchFault::UnknownKey))?;
    let public = parse_public(&key.public)
        .ok()
        .filter(|p| key_id(p) == key.id)
        .ok_or_else(|| bad(BatchFault::UnknownKey))?;
    let sig = parse_signature(&batch.signature).ok_or_else(|| bad(BatchFault::Signature))?;
    if !verify(&public, &batch_message(batch), &sig) {
        return Err(bad(BatchFault::Signature));
    }
    if key.revoked {
        return Err(TrustError::RevokedKey(key.id.clone()));
    }
    Ok(())
}

/// What [`CodeBook::claim`] finds of a sheet's code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CodeUse {
    /// The code is issued for the instrument and first used here: the sheet counts.
    Counted,
    /// No code on the sheet (`code_missing`).
    Missing,
    /// Not a code of a valid batch for the instrument (`code_unknown`).
    Unknown,
    /// Used by an earlier sheet (`code_reused`).
    Reused,
}

impl CodeUse {
    /// The rejection code, `None` for [`CodeUse::Counted`].
    pub fn rejection(&self) -> Option<&'static str> {
        match self {
            CodeUse::Counted => None,
            CodeUse::Missing => Some("code_missing"),
            CodeUse::Unknown => Some("code_unknown"),
            CodeUse::Reused => Some("code_reused"),
        }
    }
}

/// Per instrument: codes issued, used, unknown and reused, and sheets without a code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CodeCounts {
    pub issued: usize,
    pub used: usize,
    pub unknown: usize,
    pub reused: usize,
    pub missing: usize,
}

/// The hashes of the valid batches, per instrument, and which have been used.
#[derive(Debug, Clone, Default)]
pub struct CodeBook {
    issued: BTreeMap<String, BTreeSet<String>>,
    used: BTreeSet<(String, String)>,
    counts: BTreeMap<String, CodeCounts>,
}

impl CodeBook {
    /// Adds a batch of this plan after [`verify_batch`]; an invalid one adds nothing.
    pub fn add(
        &mut self,
        rules: &TrustRules,
        plan_id: &str,
        batch: &CodeBatch,
    ) -> Result<(), TrustError> {
        if batch.plan_id != plan_id {
            return Err(TrustError::BadBatch {
                batch: batch.batch.clone(),
                why: BatchFault::OtherPlan(batch.plan_id.clone()),
            });
        }
        verify_batch(rules, batch)?;
        let set = self.issued.entry(batch.instrument.clone()).or_default();
        set.extend(batch.hashes.iter().cloned());
        let n = set.len();
        self.counts
            .entry(batch.instrument.clone())
            .or_default()
            .issued = n;
        Ok(())
    }

    /// Whether this typed code is issued for the instrument (without using it).
    pub fn is_issued(&self, instrument: &str, code: &str) -> bool {
        normalize_code(code).is_some_and(|n| {
            self.issued
                .get(instrument)
                .is_some_and(|s| s.contains(&code_hash(&n)))
        })
    }

    /// Uses a sheet's code: the first sheet with an issued code counts, later ones with the
    /// same code are reused. Counted in [`CodeBook::counts`].
    pub fn claim(&mut self, instrument: &str, code: Option<&str>) -> CodeUse {
        let result = match code.map(normalize_code) {
            None => CodeUse::Missing,
            Some(None) => CodeUse::Unknown,
            Some(Some(n)) => {
                let h = code_hash(&n);
                if !self.issued.get(instrument).is_some_and(|s| s.contains(&h)) {
                    CodeUse::Unknown
                } else if self.used.insert((instrument.to_owned(), h)) {
                    CodeUse::Counted
                } else {
                    CodeUse::Reused
                }
            }
        };
        let c = self.counts.entry(instrument.to_owned()).or_default();
        match result {
            CodeUse::Counted => c.used += 1,
            CodeUse::Unknown => c.unknown += 1,
            CodeUse::Reused => c.reused += 1,
            CodeUse::Missing => c.missing += 1,
        }
        result
    }

    /// The counts per instrument.
    pub fn counts(&self) -> &BTreeMap<String, CodeCounts> {
        &self.counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trust::keys::{format_public, public_from_seed};
    use crate::trust::OfficeKey;

    const SEED: [u8; 32] = [9; 32];

    fn rules() -> TrustRules {
        let public = public_from_seed(&SEED);
        TrustRules {
            keys: vec![OfficeKey {
                id: key_id(&public),
                public: format_public(&public),
                revoked: false,
            }],
            instruments: [("cadre".to_owned(), crate::trust::Access::Code)].into(),
        }
    }

    #[test]
    fn codes_are_12_crockford_characters_and_normalise() {
        let codes = generate_codes(&[0xff; 16]);
        assert_eq!(codes, ["ZZZZ-ZZZZ-ZZZZ", "ZZZZ-ZZZZ-ZZZZ"]);
        assert_eq!(generate_codes(&[0; 8]), ["0000-0000-0000"]);
        // The low 4 bits are not used.
        assert_eq!(
            generate_codes(&[0, 0, 0, 0, 0, 0, 0, 0x0f]),
            ["0000-0000-0000"]
        );
        assert_eq!(
            generate_codes(&[0, 0, 0, 0, 0, 0, 0, 0x10]),
            ["0000-0000-0001"]
        );
        assert!(generate_codes(&[1; 7]).is_empty());
        assert_eq!(
            normalize_code("0ilo-abcd-efgh").as_deref(),
            Some("0110ABCDEFGH")
        );
        assert_eq!(
            normalize_code(" 7k3m q9xa 2bfh").as_deref(),
            Some("7K3MQ9XA2BFH")
        );
        assert_eq!(normalize_code("UUUU-0000-0000"), None);
        assert_eq!(normalize_code("0000-0000-000"), None);
        assert_eq!(normalize_code("0000-0000-0000-0"), None);
        assert_eq!(code_hash("0000").len(), 64);
    }

    #[test]
    fn a_batch_verifies_and_a_changed_one_does_not() {
        let codes = generate_codes(&(0u8..80).collect::<Vec<_>>());
        let key = rules().keys[0].id.clone();
        let batch = CodeBatch::of_codes("p", "cadre", "b1", "2026-12-01T00:00:00Z", &key, &codes)
            .unwrap()
            .signed(&SEED);
        assert_eq!(batch.hashes.len(), 10);
        verify_batch(&rules(), &batch).unwrap();
        let mut more = batch.clone();
        more.hashes.push(code_hash("ZZZZZZZZZZZZ"));
        assert!(matches!(
            verify_batch(&rules(), &more),
            Err(TrustError::BadBatch { .. })
        ));
        let mut other = rules();
        other.keys[0].revoked = true;
        assert!(matches!(
            verify_batch(&other, &batch),
            Err(TrustError::RevokedKey(_))
        ));
        let mut book = CodeBook::default();
        assert!(
            book.add(&rules(), "q", &batch).is_err(),
            "another plan's batch"
        );
        assert!(book.add(&rules(), "p", &more).is_err());
        assert!(book.counts().is_empty());
    }

    #[test]
    fn a_code_counts_once_and_an_unknown_one_not_at_all() {
        let codes = generate_codes(&(0u8..24).collect::<Vec<_>>());
        let key = rules().keys[0].id.clone();
        let batch = CodeBatch::of_codes("p", "cadre", "b1", "2026-12-01T00:00:00Z", &key, &codes)
            .unwrap()
            .signed(&SEED);
        let mut book = CodeBook::default();
        book.add(&rules(), "p", &batch).unwrap();
        assert!(book.is_issued("cadre", &codes[0].to_lowercase()));
        assert!(!book.is_issued("expert", &codes[0]));
        assert_eq!(book.claim("cadre", Some(&codes[0])), CodeUse::Counted);
        assert_eq!(
            book.claim("cadre", Some(&codes[0].replace('-', ""))),
            CodeUse::Reused
        );
        assert_eq!(
            book.claim("cadre", Some("ZZZZ-ZZZZ-ZZZZ")),
            CodeUse::Unknown
        );
        assert_eq!(book.claim("cadre", Some("not a code")), CodeUse::Unknown);
        assert_eq!(book.claim("cadre", None), CodeUse::Missing);
        assert_eq!(book.claim("cadre", Some(&codes[1])), CodeUse::Counted);
        assert_eq!(
            book.counts()["cadre"],
            CodeCounts {
                issued: 3,
                used: 2,
                unknown: 2,
                reused: 1,
                missing: 1
            }
        );
        assert_eq!(CodeUse::Reused.rejection(), Some("code_reused"));
    }
}
