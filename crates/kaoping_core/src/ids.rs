//! Identities of rows: where a row was first seen, packed in one word ([`pack`]), the 64-bit
//! fingerprint of an (instrument, respondent id) pair ([`fingerprint`]), and a map for keys that
//! are hashes already ([`PreHashedMap`]). A leaf module: ingest, the duplicate set
//! ([`crate::duplicates`]) and the compiled CSV path ([`crate::table::compiled`]) share it.

use std::collections::HashMap;

/// A file index (16 bits) and a row (48 bits) in one word.
pub(crate) fn pack(file: usize, row: u64) -> u64 {
    ((file as u64 & 0xFFFF) << 48) | (row & 0xFFFF_FFFF_FFFF)
}

pub(crate) fn unpack(x: u64) -> (u32, u64) {
    ((x >> 48) as u32, x & 0xFFFF_FFFF_FFFF)
}

/// A fast, non-cryptographic 64-bit fingerprint of byte strings (multiply-fold over 8-byte
/// words, murmur3's finaliser at the end); the parts' lengths are part of it.
pub(crate) fn fingerprint(parts: &[&[u8]]) -> u64 {
    #[inline]
    fn mum(a: u64, b: u64) -> u64 {
        let p = u128::from(a).wrapping_mul(u128::from(b));
        (p as u64) ^ ((p >> 64) as u64)
    }
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    const L: u64 = 0xE703_7ED1_A0B4_28DB;
    let mut h = 0xA076_1D64_78BD_642Fu64;
    for p in parts {
        let mut chunks = p.chunks_exact(8);
        for c in &mut chunks {
            let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            h = mum(h ^ w, L);
        }
        let rest = chunks.remainder();
        let mut w = [0u8; 8];
        w[..rest.len()].copy_from_slice(rest);
        h = mum(h ^ u64::from_le_bytes(w), K ^ (p.len() as u64));
    }
    let mut k = h;
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^ (k >> 33)
}

/// A hasher for keys that are hashes already.
#[derive(Default, Clone, Copy)]
pub(crate) struct PreHashed(u64);

impl std::hash::Hasher for PreHashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, i: u64) {
        // Small keys (counters' keys) are spread over the table.
        let mut k = i ^ (i >> 33);
        k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
        self.0 = k ^ (k >> 33);
    }
}

pub(crate) type PreHashedMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<PreHashed>>;
