//! Small-cell suppression of the public page's shares (statistical disclosure control).
//!
//! A **group** is one category's satisfaction table: one **cell** per unit (its respondents
//! `n` and how many of them were satisfied, `satisfied`, a real number so that a weighted
//! share fits too) and the group's **total**, the pooled share Σ satisfied / Σ n. Everyone is
//! assumed to know every cell's `n` (the page shows the answers per unit).
//!
//! The rule, exactly (`docs/publish.md` says it in both languages):
//!
//! 1. **Primary.** A cell with 0 < n < `min_publish_n`, or marked `small` (the unit's other
//!    figures rest on fewer respondents), is suppressed. The total is suppressed when Σ n < `min_publish_n`.
//! 2. **Complementary.** In a group whose total is published, a small cell is *recoverable*
//!    when what is published leaves its count of satisfied respondents a range narrower than
//!    one respondent: with S the satisfied of the suppressed cells together (the total's count
//!    minus the published cells'), and M the respondents of the other suppressed cells, its
//!    count lies in [max(0, S − M), min(n, S)]. While any small cell is recoverable, the
//!    published cell with the fewest respondents (then the first in the group's order) is
//!    suppressed too; when no cell is left to suppress, the total is suppressed.
//!
//! Each step only widens every range (S grows by at most what M grows), so the loop ends and
//! suppresses no more than it must in this order. Cells with `n = 0` have no share to hide
//! and take no part. Published figures are rounded, which only widens an outsider's ranges;
//! the check uses exact values.

/// One cell of a group: a unit's share.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cell {
    /// Respondents of the share.
    pub n: u64,
    /// Satisfied respondents (0 ≤ satisfied ≤ n; a weighted share's count may be fractional).
    pub satisfied: f64,
    /// The unit's figures rest on fewer respondents than the threshold (primary suppression).
    pub small: bool,
}

/// Why a cell is not shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Suppression {
    /// Shown.
    None,
    /// Too few answers (primary).
    TooFew,
    /// Withheld so that a small cell cannot be worked out from the total (complementary).
    Complementary,
}

/// What may be published of one group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupSuppression {
    /// One entry per cell, in the group's order.
    pub cells: Vec<Suppression>,
    /// Whether the group's total may be shown.
    pub total_shown: bool,
}

/// A range narrower than this many respondents counts as recovered (one respondent, less a
/// margin for floating-point sums).
const ONE_RESPONDENT: f64 = 1.0 - 1e-9;

/// Which cells and whether the total of one group may be shown, for `min_publish_n`.
pub fn suppress(cells: &[Cell], min_publish_n: u64) -> GroupSuppression {
    let mut out: Vec<Suppression> = cells
        .iter()
        .map(|c| {
            if c.small || (c.n > 0 && c.n < min_publish_n) {
                Suppression::TooFew
            } else {
                Suppression::None
            }
        })
        .collect();
    let total_n: u64 = cells.iter().map(|c| c.n).sum();
    let mut total_shown = total_n >= min_publish_n;
    while total_shown && any_recoverable(cells, &out) {
        let next = cells
            .iter()
            .enumerate()
            .filter(|(i, c)| out[*i] == Suppression::None && c.n > 0)
            .min_by_key(|(i, c)| (c.n, *i))
            .map(|(i, _)| i);
        match next {
            Some(i) => out[i] = Suppression::Complementary,
            None => total_shown = false,
        }
    }
    GroupSuppression {
        cells: out,
        total_shown,
    }
}

/// Whether some small cell's count is pinned (to within one respondent) by the total and the
/// published cells.
fn any_recoverable(cells: &[Cell], out: &[Suppression]) -> bool {
    let hidden = || {
        cells
            .iter()
            .zip(out)
            .filter(|(c, s)| **s != Suppression::None && c.n > 0)
    };
    let s: f64 = hidden().map(|(c, _)| c.satisfied).sum();
    let m_all: f64 = hidden().map(|(c, _)| c.n as f64).sum();
    hidden()
        .filter(|(_, s)| **s == Suppression::TooFew)
        .any(|(c, _)| {
            let (lo, hi) = count_range(c.n as f64, s, m_all - c.n as f64);
            hi - lo < ONE_RESPONDENT
        })
}

/// The range of a suppressed cell's count of satisfied respondents (`n` of its own) that the
/// published figures leave: `s` the suppressed cells' satisfied together, `m` the other
/// suppressed cells' respondents.
pub fn count_range(n: f64, s: f64, m: f64) -> (f64, f64) {
    ((s - m).max(0.0), n.min(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(n: u64, satisfied: f64) -> Cell {
        Cell {
            n,
            satisfied,
            small: false,
        }
    }

    #[test]
    fn a_lone_small_cell_takes_the_next_smallest_with_it() {
        let cells = [cell(50, 40.0), cell(8, 5.0), cell(30, 20.0), cell(90, 60.0)];
        let s = suppress(&cells, 10);
        assert_eq!(
            s.cells,
            [
                Suppression::None,
                Suppression::TooFew,
                Suppression::Complementary,
                Suppression::None
            ]
        );
        assert!(s.total_shown);
    }

    #[test]
    fn all_satisfied_cells_need_one_that_is_not() {
        // 8 of 8 and 30 of 30: the total would say both are full; 50 with 40 breaks it.
        let cells = [cell(50, 40.0), cell(8, 8.0), cell(30, 30.0)];
        let s = suppress(&cells, 10);
        assert_eq!(
            s.cells,
            [
                Suppression::Complementary,
                Suppression::TooFew,
                Suppression::Complementary
            ]
        );
        assert!(s.total_shown);
        // Every unit wholly satisfied: the total itself would tell.
        let cells = [cell(50, 50.0), cell(8, 8.0), cell(30, 30.0)];
        let s = suppress(&cells, 10);
        assert!(!s.total_shown);
        assert_eq!(s.cells[1], Suppression::TooFew);
    }

    #[test]
    fn a_small_group_hides_its_total_and_nothing_is_hidden_without_need() {
        let s = suppress(&[cell(4, 2.0), cell(3, 1.0)], 10);
        assert!(!s.total_shown);
        assert_eq!(s.cells, [Suppression::TooFew, Suppression::TooFew]);
        let s = suppress(&[cell(40, 2.0), cell(30, 1.0), cell(0, 0.0)], 10);
        assert!(s.total_shown);
        assert_eq!(s.cells[..2], [Suppression::None, Suppression::None]);
    }

    #[test]
    fn a_cell_marked_small_is_suppressed_whatever_its_n() {
        let cells = [
            Cell {
                small: true,
                ..cell(40, 20.0)
            },
            cell(60, 30.0),
            cell(70, 10.0),
        ];
        let s = suppress(&cells, 10);
        assert_eq!(
            s.cells,
            [
                Suppression::TooFew,
                Suppression::Complementary,
                Suppression::None
            ]
        );
    }
}
