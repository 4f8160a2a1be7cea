//! The duplicate set of an ingest: every (instrument, respondent id) with where it was first
//! seen. Two structures hold it, and each id is in exactly one of them:
//!
//! - **Runs.** Ids that end in digits (`P0000123`, `2025-0042`, `17`, and the `FILE:ROW` ids of
//!   rows without an id column) form families: the same instrument, the same text before the
//!   digits, the same number of digits. Each family keeps the largest number seen and its ids as
//!   runs of consecutive numbers on consecutive rows (start, length, first location). An id above
//!   the largest is new without any lookup; the next number on the next row lengthens the last
//!   run. So a file whose ids count up, as exports of other tools do, costs one run per gap
//!   (24 bytes) instead of a table slot per row, and memory stays flat as the file grows.
//!   A run is exact: the number and the location are kept, not a hash.
//! - **Fingerprints.** Every other id (text ids, ids that come out of order, families beyond
//!   the first 64): 64-bit fingerprints with the location, in one open-addressing table (linear
//!   probing), 16 bytes a slot, at most 3/4 of the slots used: 21 to 32 bytes an id once sized
//!   (size it up front with [`SeenSet::reserve`] to avoid the growth).
//!
//! **Collisions.** A fingerprint is not the id: two different ids have the same fingerprint
//! with a chance of about n²/2⁶⁵ among n ids (3 in a million for 10 million ids). Such a row is
//! never dropped silently: it is rejected as a duplicate with both rows named (its own and the
//! first one), so that a person can look at both. Ids held in runs cannot collide.

/// Every id seen, with where it was first seen.
#[derive(Default)]
pub(crate) struct SeenSet {
    table: Table,
    families: Vec<Family>,
    /// The family the last id belonged to (ids of one file usually share one).
    last: usize,
}

/// Families kept; ids of further families go to the fingerprint table.
const MAX_FAMILIES: usize = 64;
/// Digits that fit a u64 with room for the run arithmetic.
const MAX_DIGITS: usize = 18;

/// Ids of one instrument with the same text before the same number of final digits.
struct Family {
    instrument: Box<[u8]>,
    prefix: Box<[u8]>,
    digits: usize,
    /// The largest number seen in this family, in runs or in the table.
    max: u64,
    /// Disjoint, in increasing order of `start` (a run starts only above `max`).
    runs: Vec<Run>,
}

#[derive(Clone, Copy)]
struct Run {
    start: u64,
    len: u64,
    /// Where `start` was seen; `start + k` was seen at `loc + k`.
    loc: u64,
}

impl SeenSet {
    /// Expects `rows` more ids: should they need the fingerprint table (ids that are not
    /// runs), its first growth makes room for all of them at once rather than doubling again
    /// and again. Nothing is allocated now: ids that form runs need no room.
    pub fn expect(&mut self, rows: usize) {
        self.table.expected = self.table.len.saturating_add(rows);
    }

    /// Records (`instrument`, `id`) as first seen at `loc`; when it was seen already, where
    /// (and nothing is changed).
    #[inline]
    pub fn first_seen(&mut self, instrument: &[u8], id: &[u8], loc: u64) -> Option<u64> {
        let digits = id.iter().rev().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 || digits > MAX_DIGITS {
            return self.first_seen_fp(instrument, id, loc);
        }
        let (prefix, number) = id.split_at(id.len() - digits);
        let value = number
            .iter()
            .fold(0u64, |v, b| v * 10 + u64::from(b - b'0'));
        let f = match self.family(instrument, prefix, digits) {
            Some(f) => f,
            None => return self.first_seen_fp(instrument, id, loc),
        };
        let fam = &mut self.families[f];
        if !fam.runs.is_empty() && value <= fam.max {
            // Maybe seen: in a run (exact), else in the table.
            let i = fam.runs.partition_point(|r| r.start <= value);
            if let Some(r) = i.checked_sub(1).map(|i| fam.runs[i]) {
                if value - r.start < r.len {
                    return Some(r.loc + (value - r.start));
                }
            }
            return self.first_seen_fp(instrument, id, loc);
        }
        // Above every number of the family: new.
        fam.max = value;
        match fam.runs.last_mut() {
            Some(last) if value == last.start + last.len && loc == last.loc + last.len => {
                last.len += 1;
            }
            _ => fam.runs.push(Run {
                start: value,
                len: 1,
                loc,
            }),
        }
        None
    }

    fn first_seen_fp(&mut self, instrument: &[u8], id: &[u8], loc: u64) -> Option<u64> {
        self.table
            .first_seen(crate::ids::fingerprint(&[instrument, id]), loc)
    }

    /// The index of the family of (instrument, prefix, digits), made when new and there is room.
    #[inline]
    fn family(&mut self, instrument: &[u8], prefix: &[u8], digits: usize) -> Option<usize> {
        let is =
            |f: &Family| f.digits == digits && *f.prefix == *prefix && *f.instrument == *instrument;
        if self.families.get(self.last).is_some_and(is) {
            return Some(self.last);
        }
        let i = match self.families.iter().position(is) {
            Some(i) => i,
            None if self.families.len() < MAX_FAMILIES => {
                self.families.push(Family {
                    instrument: instrument.into(),
                    prefix: prefix.into(),
                    digits,
                    max: 0,
                    runs: Vec::new(),
                });
                self.families.len() - 1
            }
            None => return None,
        };
        self.last = i;
        Some(i)
    }

    /// Ids held (for tests).
    #[cfg(test)]
    pub fn len(&self) -> usize {
        let in_runs: u64 = self
            .families
            .iter()
            .flat_map(|f| &f.runs)
            .map(|r| r.len)
            .sum();
        self.table.len + in_runs as usize
    }

    /// Bytes held (for the documentation's figures and tests).
    #[cfg(test)]
    pub fn bytes(&self) -> usize {
        self.table.slots.len() * 16
            + self
                .families
                .iter()
                .map(|f| f.runs.capacity() * std::mem::size_of::<Run>())
                .sum::<usize>()
    }
}

/// Fingerprints and where each was first seen.
struct Table {
    /// (fingerprint, location); fingerprint 0 = empty slot (a fingerprint of 0 is stored as
    /// 1). One slot is one cache access: a miss costs one memory read, not two.
    slots: Vec<[u64; 2]>,
    len: usize,
    /// log2 of the number of slots.
    bits: u32,
    /// Entries expected in all ([`SeenSet::expect`]): the size of the first growth.
    expected: usize,
}

impl Default for Table {
    fn default() -> Self {
        Table::with_slots_log2(10)
    }
}

impl Table {
    fn with_slots_log2(bits: u32) -> Table {
        let n = 1usize << bits;
        Table {
            slots: vec![[0, 0]; n],
            len: 0,
            bits,
            expected: 0,
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
        let expected = self.expected;
        let old = std::mem::replace(self, Table::with_slots_log2(bits));
        self.expected = expected;
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
            // Grow to the expected size at once (the first time), else double.
            self.expected = self.expected.max(self.len + 1);
            let before = self.bits;
            let expected = std::mem::take(&mut self.expected);
            self.reserve(expected - self.len);
            if self.bits == before {
                self.rehash(self.bits + 1);
            }
            self.insert_new(fp, loc);
        } else {
            self.slots[i] = [fp, loc];
            self.len += 1;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_finds_what_it_holds_across_growth() {
        let mut s = Table::default();
        let fp = |i: u64| crate::ids::fingerprint(&[b"public", i.to_string().as_bytes()]);
        for i in 0..50_000u64 {
            assert_eq!(s.first_seen(fp(i), i), None, "{i}");
        }
        assert_eq!(s.len, 50_000);
        for i in 0..50_000u64 {
            assert_eq!(s.first_seen(fp(i), 999_999), Some(i), "{i}");
        }
        assert_eq!(s.len, 50_000);
        // At most 3/4 full, at least 3/8 after a doubling.
        assert!(s.slots.len() * 16 <= 50_000 * 16 * 8 / 3 + 16 * 1024);
    }

    #[test]
    fn reserve_keeps_entries_and_zero_is_a_fingerprint() {
        let mut s = Table::default();
        assert_eq!(s.first_seen(0, 7), None);
        assert_eq!(s.first_seen(5, 8), None);
        s.reserve(100_000);
        assert!(s.slots.len() * 16 >= 100_002 * 16 * 4 / 3);
        assert_eq!(s.first_seen(0, 1), Some(7));
        assert_eq!(s.first_seen(1, 1), Some(7), "0 and 1 share a fingerprint");
        assert_eq!(s.first_seen(5, 1), Some(8));
        assert_eq!(s.first_seen(6, 9), None);
    }

    /// Ids that count up on consecutive rows are one run: memory stays flat.
    #[test]
    fn counting_ids_are_one_run_and_found_exactly() {
        let mut s = SeenSet::default();
        for i in 0..200_000u64 {
            let id = format!("P{i:07}");
            assert_eq!(
                s.first_seen(b"public", id.as_bytes(), 1000 + i),
                None,
                "{id}"
            );
        }
        assert_eq!(s.len(), 200_000);
        assert!(s.bytes() < 20_000, "{} bytes", s.bytes());
        for i in (0..200_000u64).step_by(997) {
            let id = format!("P{i:07}");
            assert_eq!(s.first_seen(b"public", id.as_bytes(), 5), Some(1000 + i));
        }
        // Another instrument, another width, another prefix: other ids.
        assert_eq!(s.first_seen(b"expert", b"P0000007", 1), None);
        assert_eq!(s.first_seen(b"public", b"P00000007", 2), None);
        assert_eq!(s.first_seen(b"public", b"Q0000007", 3), None);
        assert_eq!(s.first_seen(b"public", b"7", 4), None);
        assert_eq!(s.first_seen(b"public", b"07", 5), None);
        assert_eq!(s.first_seen(b"public", b"07", 6), Some(5));
        assert_eq!(s.len(), 200_005);
    }

    /// Gaps in ids or rows start new runs; ids out of order go to the table; every id is
    /// found where it was first seen, whichever holds it. Checked against a plain map.
    #[test]
    fn any_order_agrees_with_a_map() {
        let mut s = SeenSet::default();
        let mut map = std::collections::HashMap::new();
        // A fixed pseudo-random walk: mostly counting up, with gaps, repeats, text ids,
        // ids without digits and numbers too long for a run.
        let mut x: u64 = 12345;
        let mut n: u64 = 0;
        for row in 0..60_000u64 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let r = (x >> 33) % 100;
            let id = match r {
                0..=69 => {
                    n += 1;
                    format!("R-{n:06}")
                }
                70..=79 => {
                    n += 2 + r % 3;
                    format!("R-{n:06}")
                }
                80..=89 => format!("R-{:06}", (x >> 20) % (n + 1)),
                90..=94 => format!("id-{}", (x >> 40) % 5000),
                95..=97 => format!("{}", (x >> 30) % 3000),
                _ => format!("Z{}", "9".repeat(19 + (r % 2) as usize)),
            };
            let loc = row * 2 + (r % 2);
            let want = map.get(&id).copied();
            if want.is_none() {
                map.insert(id.clone(), loc);
            }
            assert_eq!(
                s.first_seen(b"public", id.as_bytes(), loc),
                want,
                "row {row}: {id}"
            );
        }
        assert_eq!(s.len(), map.len());
    }

    #[test]
    fn families_beyond_the_limit_use_the_table() {
        let mut s = SeenSet::default();
        for i in 0..(MAX_FAMILIES as u64 + 10) {
            let id = format!("u{i}-1");
            assert_eq!(s.first_seen(b"public", id.as_bytes(), i), None);
            assert_eq!(s.first_seen(b"public", id.as_bytes(), 99), Some(i));
        }
        assert_eq!(s.families.len(), MAX_FAMILIES);
        assert_eq!(s.table.len, 10);
    }
}
