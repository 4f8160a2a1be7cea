//! Rater calibration: each reviewer's scores standardised onto the panel's, and leniency.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{check_finite, Sum, Tally, TallyError};

/// One reviewer's score of one unit.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Rating {
    /// Reviewer id.
    pub reviewer: String,
    /// Unit id.
    pub unit: String,
    /// Score.
    pub score: f64,
}

/// Why a reviewer's scores were left unchanged by calibration.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum CalibrationFlag {
    /// The reviewer gave a single rating: no SD of their own.
    SingleRating,
    /// All the reviewer's ratings are equal (SD = 0).
    ZeroSpread,
}

/// Per-reviewer calibration figures.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct ReviewerCalibration {
    /// Reviewer id.
    pub reviewer: String,
    /// Number of units rated.
    pub n: usize,
    /// Reviewer's own mean.
    pub mean: f64,
    /// Reviewer's own sample SD (`None` with one rating).
    pub sd: Option<f64>,
    /// Mean over the reviewer's units of (their score − that unit's panel mean).
    pub leniency: f64,
    /// Set when the scores were left unchanged.
    pub flag: Option<CalibrationFlag>,
}

/// A calibrated rating.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct CalibratedRating {
    /// Reviewer id.
    pub reviewer: String,
    /// Unit id.
    pub unit: String,
    /// Score as given.
    pub raw: f64,
    /// pooled_mean + pooled_sd · (raw − reviewer_mean) / reviewer_sd, or `raw` if flagged.
    pub calibrated: f64,
}

/// Result of [`calibrate`].
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct CalibrationResult {
    /// Mean of all ratings of the panel.
    pub pooled_mean: f64,
    /// Sample SD of all ratings of the panel.
    pub pooled_sd: f64,
    /// One entry per reviewer, sorted by reviewer id.
    pub reviewers: Vec<ReviewerCalibration>,
    /// One entry per rating, sorted by reviewer then unit.
    pub ratings: Vec<CalibratedRating>,
}

fn tally_of<'a, I: IntoIterator<Item = &'a f64>>(xs: I) -> Result<Tally, TallyError> {
    let mut t = Tally::new();
    for x in xs {
        t.record(*x)?;
    }
    Ok(t)
}

/// Per-reviewer z-score calibration and leniency.
///
/// Each reviewer's scores are standardised by their own mean and sample SD and mapped
/// back onto the panel's pooled mean and SD. A reviewer with a single rating or zero SD
/// is left unchanged and flagged. The result does not depend on the order of `ratings`.
pub fn calibrate(ratings: &[Rating]) -> Result<CalibrationResult, TallyError> {
    if ratings.len() < 2 {
        return Err(TallyError::TooFewRatings { n: ratings.len() });
    }
    let mut by_reviewer: BTreeMap<&str, BTreeMap<&str, f64>> = BTreeMap::new();
    let mut by_unit: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut pooled = Tally::new();
    for r in ratings {
        let s = check_finite(r.score)?;
        let prev = by_reviewer
            .entry(&r.reviewer)
            .or_default()
            .insert(&r.unit, s);
        if prev.is_some() {
            return Err(TallyError::DuplicateRating {
                reviewer: r.reviewer.clone(),
                unit: r.unit.clone(),
            });
        }
        by_unit.entry(&r.unit).or_default().record(s)?;
        pooled.record(s)?;
    }
    let pooled_mean = pooled.mean().unwrap_or(0.0);
    let pooled_sd = pooled.sample_sd().unwrap_or(0.0);
    let mut reviewers = Vec::new();
    let mut out = Vec::new();
    for (reviewer, units) in &by_reviewer {
        let t = tally_of(units.values())?;
        let mean = t.mean().unwrap_or(0.0);
        let sd = t.sample_sd();
        let flag = match sd {
            None => Some(CalibrationFlag::SingleRating),
            Some(0.0) => Some(CalibrationFlag::ZeroSpread),
            Some(_) => None,
        };
        let mut dev = Sum::default();
        for (unit, score) in units {
            let unit_mean = by_unit.get(unit).and_then(Tally::mean).unwrap_or(*score);
            dev.add(score - unit_mean);
            let calibrated = match (flag, sd) {
                (None, Some(s)) => pooled_mean + pooled_sd * ((score - mean) / s),
                _ => *score,
            };
            out.push(CalibratedRating {
                reviewer: (*reviewer).to_string(),
                unit: (*unit).to_string(),
                raw: *score,
                calibrated,
            });
        }
        reviewers.push(ReviewerCalibration {
            reviewer: (*reviewer).to_string(),
            n: units.len(),
            mean,
            sd,
            leniency: dev.value() / units.len() as f64,
            flag,
        });
    }
    Ok(CalibrationResult {
        pooled_mean,
        pooled_sd,
        reviewers,
        ratings: out,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calibration_flags_and_leniency() {
        let r = |rv: &str, u: &str, s: f64| Rating {
            reviewer: rv.into(),
            unit: u.into(),
            score: s,
        };
        let ratings = vec![
            r("a", "u1", 80.0),
            r("a", "u2", 90.0),
            r("b", "u1", 70.0),
            r("b", "u2", 70.0),
            r("c", "u1", 60.0),
        ];
        let res = calibrate(&ratings).unwrap();
        let b = &res.reviewers[1];
        assert_eq!(b.flag, Some(CalibrationFlag::ZeroSpread));
        assert_eq!(res.reviewers[2].flag, Some(CalibrationFlag::SingleRating));
        // unit means: u1 = 70, u2 = 80 → a: (10 + 10)/2 = 10
        assert_eq!(res.reviewers[0].leniency, 10.0);
        assert_eq!(res.ratings[2].calibrated, 70.0);
        let dup = vec![r("a", "u1", 1.0), r("a", "u1", 2.0)];
        assert!(matches!(
            calibrate(&dup),
            Err(TallyError::DuplicateRating { .. })
        ));
    }
}
