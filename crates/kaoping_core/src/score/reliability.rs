//! The exact sums of a unit's public scale from which Cronbach's α is computed, mergeable in
//! any order.

/// Exact sums for Cronbach's α: item values in thousandths as integers, so that merging in any
/// order gives the same bits (a value with more than three decimals is rounded to three).
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct ScaleSums {
    /// Respondents with every item answered on its scale.
    pub n: u64,
    pub sum: Vec<i128>,
    pub sum_sq: Vec<i128>,
    pub total: i128,
    pub total_sq: i128,
}

impl ScaleSums {
    pub fn add(&mut self, values: &[f64]) {
        let milli: Vec<i128> = values
            .iter()
            .map(|v| (v * 1000.0).round() as i128)
            .collect();
        if self.sum.is_empty() {
            self.sum = vec![0; milli.len()];
            self.sum_sq = vec![0; milli.len()];
        }
        if self.sum.len() != milli.len() {
            return;
        }
        self.n += 1;
        let mut t = 0;
        for (i, x) in milli.iter().enumerate() {
            self.sum[i] += x;
            self.sum_sq[i] += x * x;
            t += x;
        }
        self.total += t;
        self.total_sq += t * t;
    }

    pub fn merge(&mut self, b: &ScaleSums) {
        if b.n == 0 {
            return;
        }
        if self.n == 0 {
            *self = b.clone();
            return;
        }
        if self.sum.len() != b.sum.len() {
            return;
        }
        self.n += b.n;
        for i in 0..self.sum.len() {
            self.sum[i] += b.sum[i];
            self.sum_sq[i] += b.sum_sq[i];
        }
        self.total += b.total;
        self.total_sq += b.total_sq;
    }

    /// Cronbach's α = k/(k−1) · (1 − Σ var(item) / var(total)); `None` with fewer than two
    /// items or respondents, or no variance in the totals.
    pub fn alpha(&self) -> Option<f64> {
        let k = self.sum.len();
        if k < 2 || self.n < 2 {
            return None;
        }
        let n = i128::from(self.n);
        // n²·var·(n−1)/n = n·Σx² − (Σx)², exact in integers.
        let item_var: i128 = (0..k)
            .map(|i| n * self.sum_sq[i] - self.sum[i] * self.sum[i])
            .sum();
        let total_var = n * self.total_sq - self.total * self.total;
        if total_var <= 0 {
            return None;
        }
        let kf = k as f64;
        Some(kf / (kf - 1.0) * (1.0 - item_var as f64 / total_var as f64))
    }
}

#[cfg(test)]
mod tests {
    use super::ScaleSums;
    use crate::table::ratings::read_rating_matrix;

    /// The same published example as `tests/fixtures/stats/cronbach/pingouin_likert` (Pingouin
    /// `cronbach_alpha` documentation: 0.5917188485995826), through the mergeable sums, and
    /// split in two and merged the other way round: identical bits.
    #[test]
    fn cronbach_from_mergeable_sums_matches_the_published_value() {
        let m = read_rating_matrix(include_bytes!(
            "../../../../tests/fixtures/stats/cronbach/pingouin_likert/input.csv"
        ))
        .unwrap();
        let rows: Vec<Vec<f64>> = m
            .cells
            .iter()
            .filter_map(|r| r.iter().copied().collect::<Option<Vec<f64>>>())
            .collect();
        let mut all = ScaleSums::default();
        rows.iter().for_each(|r| all.add(r));
        let alpha = all.alpha().unwrap();
        assert!((alpha - 0.5917188485995826).abs() < 1e-12, "{alpha}");
        let (a, b) = rows.split_at(rows.len() / 3);
        let (mut x, mut y) = (ScaleSums::default(), ScaleSums::default());
        a.iter().for_each(|r| x.add(r));
        b.iter().rev().for_each(|r| y.add(r));
        y.merge(&x);
        assert_eq!(y.alpha().unwrap().to_bits(), alpha.to_bits());
    }
}
