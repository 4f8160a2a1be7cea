//! The duplicate set of an ingest: 64-bit fingerprints of (instrument, respondent id), each
//! with where it was first seen, in one open-addressing table (linear probing).
//!
//! **Cost.** 16 bytes a slot (the fingerprint and the packed file and row), at most 3/4 of the
//! slots used: 21 to 32 bytes a row once sized (the table doubles when it is 3/4 full; size it
//! up front with [`SeenSet::reserve`] to avoid the growth). Nothing else is kept per row.
//!
//! **Collisions.** The fingerprint is not the id: two different ids have the same fingerprint
//! with a chance of about n²/2⁶⁵ among n ids (3 in a million for 10 million ids). Such a row is
//! never dropped silently: it is rejected as a duplicate with both rows named (its own and the
//! first one), so that a person can look at both.

/// Fingerprints and where each was first seen.
pub(crate) struct SeenSet {
    /// (fingerprint, location); fingerprint 0 = empty slot (a fingerprint of 0 is stored as
    /// 1). One slot is one cache access: a miss costs one memory read, not two.
    slots: Vec<[u64; 2]>,
    len: usize,
    /// log2 of the number of slots.
    bits: u32,
}

impl Default for SeenSet {
    fn default() -> Self {
        SeenSet::with_slots_log2(10)
    }
}

impl SeenSet {
    fn with_slots_log2(bits: u32) -> SeenSet {
        let n = 1usize << bits;
        SeenSet {
            slots: vec![[0, 0]; n],
            len: 0,
            bits,
        }
    }

    /// Room for `rows` more entries without growing.
    pub fn reserve(&mut self, rows: usize) {
        let want = (self.len + rows).saturating_mul(4) / 3 + 1;
        let mut bits = self.bits;
        while (1usize << bits) < want && bits < 62 {
            bits += 1;
        }
        if bits > self.bits {
            self.rehash(bits);
        }
    }

    fn rehash(&mut self, bits: u32) {
        let old = std::mem::replace(self, SeenSet::with_slots_log2(bits));
        for [fp, loc] in old.slots {
            if fp != 0 {
                self.insert_new(fp, loc);
            }
        }
    }

    #[inline]
    fn home(&self, fp: u64) -> usize {
        // High bits: the fingerprint is a well-mixed hash.
        (fp >> (64 - self.bits)) as usize
    }

    fn insert_new(&mut self, fp: u64, loc: u64) {
        let mask = self.slots.len() - 1;
        let mut i = self.home(fp);
        while self.slots[i][0] != 0 {
            i = (i + 1) & mask;
        }
        self.slots[i] = [fp, loc];
        self.len += 1;
    }

    /// Records `fp` as first seen at `loc`; when it was seen already, where (and nothing is
    /// changed).
    #[inline]
    pub fn first_seen(&mut self, fp: u64, loc: u64) -> Option<u64> {
        let fp = fp.max(1);
        let mask = self.slots.len() - 1;
        let mut i = self.home(fp);
        loop {
            let [f, l] = self.slots[i];
            if f == fp {
                return Some(l);
            }
            if f == 0 {
                break;
            }
            i = (i + 1) & mask;
        }
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.rehash(self.bits + 1);
            self.insert_new(fp, loc);
        } else {
            self.slots[i] = [fp, loc];
            self.len += 1;
        }
        None
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Bytes held (for the documentation's figures and tests).
    #[cfg(test)]
    pub fn bytes(&self) -> usize {
        self.slots.len() * 16
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_it_holds_across_growth() {
        let mut s = SeenSet::default();
        let fp = |i: u64| crate::ingest::fingerprint(&[b"public", i.to_string().as_bytes()]);
        for i in 0..50_000u64 {
            assert_eq!(s.first_seen(fp(i), i), None, "{i}");
        }
        assert_eq!(s.len(), 50_000);
        for i in 0..50_000u64 {
            assert_eq!(s.first_seen(fp(i), 999_999), Some(i), "{i}");
        }
        assert_eq!(s.len(), 50_000);
        // At most 3/4 full, at least 3/8 after a doubling.
        assert!(s.bytes() <= 50_000 * 16 * 8 / 3 + 16 * 1024);
    }

    #[test]
    fn reserve_keeps_entries_and_zero_is_a_fingerprint() {
        let mut s = SeenSet::default();
        assert_eq!(s.first_seen(0, 7), None);
        assert_eq!(s.first_seen(5, 8), None);
        s.reserve(100_000);
        assert!(s.bytes() >= 100_002 * 16 * 4 / 3);
        assert_eq!(s.first_seen(0, 1), Some(7));
        assert_eq!(s.first_seen(1, 1), Some(7), "0 and 1 share a fingerprint");
        assert_eq!(s.first_seen(5, 1), Some(8));
        assert_eq!(s.first_seen(6, 9), None);
    }
}
