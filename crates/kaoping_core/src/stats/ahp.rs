//! Analytic Hierarchy Process (Saaty): priority weights from a pairwise comparison
//! matrix by the principal eigenvector, λmax, CI = (λmax − n)/(n − 1), CR = CI/RI.
//!
//! * Eigenvector by power iteration from the uniform vector, normalised to sum 1 at
//!   each step, stopped when the largest change is ≤ `tolerance` (deterministic: fixed
//!   loop order, no randomness, no library eigen-solver).
//! * λmax = Σᵢ (A w)ᵢ with Σ w = 1 (equals the Rayleigh-type estimate
//!   mean((A w)ᵢ / wᵢ) at convergence).
//! * RI from a selectable published table ([`RandomIndexTable`]).
//! * `CR ≥ threshold` (0.10 by default) is rejected with [`AhpError::Inconsistent`],
//!   which carries λmax, CI, RI, CR and the weights.
//!
//! References: Saaty, T. L. (1980) *The Analytic Hierarchy Process*, McGraw-Hill;
//! Saaty (2008) "Decision making with the analytic hierarchy process", Int. J. Services
//! Sciences 1(1):83–98; Alonso, J. A. & Lamata, M. T. (2006) "Consistency in the
//! analytic hierarchy process: a new approach", IJUFKS 14(4):445–459; Donegan, H. A. &
//! Dodd, F. J. (1991) "A note on Saaty's random indexes", Math. Comput. Modelling
//! 15(10):135–137.

use std::str::FromStr;

use serde::Serialize;

/// Published random-index (RI) tables. RI(1) = RI(2) = 0 in every table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RandomIndexTable {
    /// Saaty (1980), n = 1..10: 0, 0, .58, .90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49.
    Saaty1980,
    /// Saaty (2005, *Theory and Applications of the ANP*, p. 31), n = 3..15, as used by
    /// the Python package AHPy with `random_index='saaty'`.
    Saaty2005,
    /// Alonso & Lamata (2006), n = 3..15 (0.5247 … 1.5838).
    AlonsoLamata2006,
    /// Donegan & Dodd (1991), n = 3..20, as tabulated in AHPy (`random_index='dd'`).
    DoneganDodd1991,
}

impl RandomIndexTable {
    /// Canonical names accepted by [`FromStr`].
    pub const NAMES: [&'static str; 4] = [
        "saaty1980",
        "saaty2005",
        "alonso-lamata2006",
        "donegan-dodd1991",
    ];

    fn values(self) -> &'static [f64] {
        // index = n - 1
        match self {
            Self::Saaty1980 => &[0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49],
            Self::Saaty2005 => &[
                0.0, 0.0, 0.52, 0.89, 1.11, 1.25, 1.35, 1.40, 1.45, 1.49, 1.52, 1.54, 1.56, 1.58,
                1.59,
            ],
            Self::AlonsoLamata2006 => &[
                0.0, 0.0, 0.5247, 0.8816, 1.1086, 1.2479, 1.3417, 1.4057, 1.4499, 1.4854, 1.5140,
                1.5365, 1.5551, 1.5713, 1.5838,
            ],
            Self::DoneganDodd1991 => &[
                0.0, 0.0, 0.4914, 0.8286, 1.0591, 1.1797, 1.2519, 1.3171, 1.3733, 1.4055, 1.4213,
                1.4497, 1.4643, 1.4822, 1.4969, 1.5078, 1.5153, 1.5262, 1.5313, 1.5371,
            ],
        }
    }

    /// RI for an n × n matrix, or `None` when the table does not cover n.
    pub fn random_index(self, n: usize) -> Option<f64> {
        if n == 0 {
            return None;
        }
        self.values().get(n - 1).copied()
    }

    /// Largest n covered by the table.
    pub fn max_n(self) -> usize {
        self.values().len()
    }
}

impl FromStr for RandomIndexTable {
    type Err = AhpError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s
            .trim()
            .to_ascii_lowercase()
            .replace(['_', ' '], "-")
            .as_str()
        {
            "saaty1980" | "saaty-1980" | "saaty" => Ok(Self::Saaty1980),
            "saaty2005" | "saaty-2005" | "ahpy-saaty" => Ok(Self::Saaty2005),
            "alonso-lamata2006" | "alonso-lamata-2006" | "alonso-lamata" | "al" => {
                Ok(Self::AlonsoLamata2006)
            }
            "donegan-dodd1991" | "donegan-dodd-1991" | "donegan-dodd" | "dd" => {
                Ok(Self::DoneganDodd1991)
            }
            _ => Err(AhpError::UnknownRandomIndex {
                name: s.to_string(),
            }),
        }
    }
}

/// Errors of the AHP functions. Row and column numbers are 1-based.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AhpError {
    /// Unknown RI table name.
    #[error("unknown random-index table {name:?} (expected one of: saaty1980, saaty2005, alonso-lamata2006, donegan-dodd1991)")]
    UnknownRandomIndex {
        /// The name given.
        name: String,
    },
    /// The CSV text has no header line.
    #[error("the pairwise matrix CSV is empty")]
    EmptyInput,
    /// A row has the wrong number of cells.
    #[error("line {line}: expected {expected} cells, found {found}")]
    RaggedRow {
        /// 1-based line number in the CSV text.
        line: usize,
        /// Cells expected.
        expected: usize,
        /// Cells found.
        found: usize,
    },
    /// A cell is not a positive number or fraction.
    #[error(
        "line {line}, column {column}: cannot read {text:?} as a number (write 3, 0.5 or 1/3)"
    )]
    BadNumber {
        /// 1-based line number in the CSV text.
        line: usize,
        /// 1-based column number in the CSV text.
        column: usize,
        /// The cell text.
        text: String,
    },
    /// A row name does not match the header name of the same position.
    #[error("line {line}: row name {found:?} does not match column name {expected:?}")]
    RowNameMismatch {
        /// 1-based line number in the CSV text.
        line: usize,
        /// Header name expected at this position.
        expected: String,
        /// Row name found.
        found: String,
    },
    /// Two criteria share a name.
    #[error("criterion name {name:?} appears twice")]
    DuplicateName {
        /// The repeated name.
        name: String,
    },
    /// The matrix is not square.
    #[error("the matrix must be square: {rows} rows, {columns} columns")]
    NotSquare {
        /// Number of rows.
        rows: usize,
        /// Number of columns of the first offending row.
        columns: usize,
    },
    /// The matrix has no rows.
    #[error("the matrix has no criteria")]
    Empty,
    /// An entry is not a finite number > 0.
    #[error("entry ({row}, {column}) = {value} must be a finite number > 0")]
    NotPositive {
        /// 1-based row.
        row: usize,
        /// 1-based column.
        column: usize,
        /// The value, as text.
        value: String,
    },
    /// A diagonal entry is not 1.
    #[error("diagonal entry ({index}, {index}) = {value} must be 1")]
    DiagonalNotOne {
        /// 1-based index.
        index: usize,
        /// The value.
        value: f64,
    },
    /// a_ij · a_ji differs from 1 by more than the tolerance.
    #[error("entries ({row}, {column}) = {a_ij} and ({column}, {row}) = {a_ji} are not reciprocal (product {product}, tolerance {tolerance})")]
    NotReciprocal {
        /// 1-based row.
        row: usize,
        /// 1-based column.
        column: usize,
        /// a_ij.
        a_ij: f64,
        /// a_ji.
        a_ji: f64,
        /// a_ij · a_ji.
        product: f64,
        /// Tolerance used.
        tolerance: f64,
    },
    /// The RI table does not cover the matrix size.
    #[error("the {table:?} random-index table covers n ≤ {max_n}, the matrix has n = {n}")]
    RandomIndexUnavailable {
        /// Table chosen.
        table: RandomIndexTable,
        /// Matrix size.
        n: usize,
        /// Largest n in the table.
        max_n: usize,
    },
    /// The power iteration did not converge.
    #[error("power iteration did not converge within {iterations} iterations (last change {last_change:e})")]
    NotConverged {
        /// Iterations run.
        iterations: usize,
        /// Largest change at the last iteration.
        last_change: f64,
    },
    /// CR is at or above the threshold: the judgements must be revised.
    #[error("the judgements are inconsistent: CR = {cr:.4} ≥ {threshold} (λmax = {lambda_max:.4}, CI = {ci:.4}, RI = {random_index}); revise the comparisons")]
    Inconsistent {
        /// Consistency ratio.
        cr: f64,
        /// Threshold applied.
        threshold: f64,
        /// λmax.
        lambda_max: f64,
        /// Consistency index.
        ci: f64,
        /// Random index used.
        random_index: f64,
        /// The weights that would have been returned.
        weights: Vec<f64>,
    },
}

/// A named square pairwise comparison matrix (a_ij = importance of i over j).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PairwiseMatrix {
    /// Criterion names, in row/column order.
    pub names: Vec<String>,
    /// Rows of the matrix.
    pub values: Vec<Vec<f64>>,
}

/// Options of [`ahp_weights`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, schemars::JsonSchema)]
pub struct AhpOptions {
    /// RI table.
    pub random_index: RandomIndexTable,
    /// Stop when the largest change of a weight is ≤ this.
    pub tolerance: f64,
    /// Give up after this many iterations.
    pub max_iterations: usize,
    /// Accept |a_ij · a_ji − 1| ≤ this (0.01 accepts 3 and 0.333).
    pub reciprocal_tolerance: f64,
    /// Reject when CR ≥ this.
    pub cr_threshold: f64,
}

impl Default for AhpOptions {
    fn default() -> Self {
        Self {
            random_index: RandomIndexTable::Saaty1980,
            tolerance: 1e-12,
            max_iterations: 10_000,
            reciprocal_tolerance: 0.01,
            cr_threshold: 0.10,
        }
    }
}

/// AHP result.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct AhpResult {
    /// Criterion names.
    pub names: Vec<String>,
    /// Priority weights (principal eigenvector, Σ = 1).
    pub weights: Vec<f64>,
    /// Principal eigenvalue.
    pub lambda_max: f64,
    /// CI = (λmax − n)/(n − 1); 0 for n ≤ 2.
    pub ci: f64,
    /// RI used.
    pub random_index: f64,
    /// CR = CI / RI; 0 for n ≤ 2 (a reciprocal 1×1 or 2×2 matrix is always consistent).
    pub cr: f64,
    /// RI table used.
    pub table: RandomIndexTable,
    /// Power iterations run.
    pub iterations: usize,
}

fn parse_cell(text: &str, line: usize, column: usize) -> Result<f64, AhpError> {
    let bad = || AhpError::BadNumber {
        line,
        column,
        text: text.to_string(),
    };
    let t = text.trim();
    let v = if let Some((a, b)) = t.split_once('/') {
        let a: f64 = a.trim().parse().map_err(|_| bad())?;
        let b: f64 = b.trim().parse().map_err(|_| bad())?;
        a / b
    } else {
        t.parse::<f64>().map_err(|_| bad())?
    };
    if v.is_finite() && v > 0.0 {
        Ok(v)
    } else {
        Err(bad())
    }
}

fn split_csv_line(line: &str) -> Vec<String> {
    let sep = if line.contains(',') { ',' } else { ';' };
    line.split(sep)
        .map(|c| c.trim().trim_matches('"').trim().to_string())
        .collect()
}

/// Parses a square pairwise matrix from CSV text: a header row of criterion names, then
/// one row per criterion, optionally preceded by its name (the header may then have one
/// more cell, usually empty, in the corner, or not). Cells may be decimals or fractions (`1/3`).
/// Blank lines are skipped; `,` or `;` separates cells. Errors name the line and column.
pub fn parse_pairwise_csv(text: &str) -> Result<PairwiseMatrix, AhpError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .filter(|(_, l)| !l.trim().is_empty());
    let (_, header) = lines.next().ok_or(AhpError::EmptyInput)?;
    let header = split_csv_line(header);
    let rows: Vec<(usize, Vec<String>)> = lines.map(|(i, l)| (i, split_csv_line(l))).collect();
    let n_rows = rows.len();
    // Names column, with a corner cell in the header (`,A,B`) or without (`A,B` over
    // rows `A,1,3`).
    let corner = header.len() == n_rows + 1;
    let no_corner = header.len() == n_rows
        && n_rows > 0
        && rows.iter().all(|(_, cells)| cells.len() == n_rows + 1);
    let named_rows = corner || no_corner;
    let names: Vec<String> = if corner {
        header[1..].to_vec()
    } else {
        header.clone()
    };
    let width = if no_corner {
        header.len() + 1
    } else {
        header.len()
    };
    for (i, a) in names.iter().enumerate() {
        if names[..i].contains(a) {
            return Err(AhpError::DuplicateName { name: a.clone() });
        }
    }
    let mut values = Vec::with_capacity(n_rows);
    for (r, (line, cells)) in rows.iter().enumerate() {
        if cells.len() != width {
            return Err(AhpError::RaggedRow {
                line: *line,
                expected: width,
                found: cells.len(),
            });
        }
        let offset = usize::from(named_rows);
        if named_rows {
            let expected = names.get(r).cloned().unwrap_or_default();
            if cells[0] != expected {
                return Err(AhpError::RowNameMismatch {
                    line: *line,
                    expected,
                    found: cells[0].clone(),
                });
            }
        }
        let row = cells[offset..]
            .iter()
            .enumerate()
            .map(|(c, t)| parse_cell(t, *line, c + 1 + offset))
            .collect::<Result<Vec<f64>, _>>()?;
        values.push(row);
    }
    let m = PairwiseMatrix { names, values };
    if m.values.len() != m.names.len() {
        return Err(AhpError::NotSquare {
            rows: m.values.len(),
            columns: m.names.len(),
        });
    }
    Ok(m)
}

/// Checks that the matrix is square, non-empty, positive, has a unit diagonal and is
/// reciprocal within `reciprocal_tolerance`.
pub fn validate(m: &PairwiseMatrix, reciprocal_tolerance: f64) -> Result<(), AhpError> {
    let n = m.values.len();
    if n == 0 {
        return Err(AhpError::Empty);
    }
    if m.names.len() != n {
        return Err(AhpError::NotSquare {
            rows: n,
            columns: m.names.len(),
        });
    }
    for row in &m.values {
        if row.len() != n {
            return Err(AhpError::NotSquare {
                rows: n,
                columns: row.len(),
            });
        }
    }
    for (i, row) in m.values.iter().enumerate() {
        for (j, &v) in row.iter().enumerate() {
            if !(v.is_finite() && v > 0.0) {
                return Err(AhpError::NotPositive {
                    row: i + 1,
                    column: j + 1,
                    value: format!("{v}"),
                });
            }
        }
    }
    for i in 0..n {
        let d = m.values[i][i];
        if (d - 1.0).abs() > reciprocal_tolerance {
            return Err(AhpError::DiagonalNotOne {
                index: i + 1,
                value: d,
            });
        }
        for j in (i + 1)..n {
            let (a, b) = (m.values[i][j], m.values[j][i]);
            let product = a * b;
            if (product - 1.0).abs() > reciprocal_tolerance {
                return Err(AhpError::NotReciprocal {
                    row: i + 1,
                    column: j + 1,
                    a_ij: a,
                    a_ji: b,
                    product,
                    tolerance: reciprocal_tolerance,
                });
            }
        }
    }
    Ok(())
}

fn mat_vec(a: &[Vec<f64>], w: &[f64]) -> Vec<f64> {
    a.iter()
        .map(|row| row.iter().zip(w).fold(0.0, |s, (x, y)| s + x * y))
        .collect()
}

/// AHP weights, λmax, CI and CR; `Err(Inconsistent)` when CR ≥ the threshold.
pub fn ahp_weights(m: &PairwiseMatrix, opts: &AhpOptions) -> Result<AhpResult, AhpError> {
    match ahp_weights_unchecked(m, opts) {
        Ok(r) if r.cr >= opts.cr_threshold => Err(AhpError::Inconsistent {
            cr: r.cr,
            threshold: opts.cr_threshold,
            lambda_max: r.lambda_max,
            ci: r.ci,
            random_index: r.random_index,
            weights: r.weights,
        }),
        other => other,
    }
}

/// As [`ahp_weights`] but returns the figures whatever the CR (for reporting).
pub fn ahp_weights_unchecked(m: &PairwiseMatrix, opts: &AhpOptions) -> Result<AhpResult, AhpError> {
    validate(m, opts.reciprocal_tolerance)?;
    let n = m.values.len();
    let random_index =
        opts.random_index
            .random_index(n)
            .ok_or(AhpError::RandomIndexUnavailable {
                table: opts.random_index,
                n,
                max_n: opts.random_index.max_n(),
            })?;
    let mut w = vec![1.0 / n as f64; n];
    let mut iterations = 0;
    let mut last_change = f64::INFINITY;
    while iterations < opts.max_iterations {
        iterations += 1;
        let aw = mat_vec(&m.values, &w);
        let s: f64 = aw.iter().sum();
        let next: Vec<f64> = aw.iter().map(|x| x / s).collect();
        last_change = next
            .iter()
            .zip(&w)
            .fold(0.0_f64, |d, (a, b)| d.max((a - b).abs()));
        w = next;
        if last_change <= opts.tolerance {
            break;
        }
    }
    if last_change > opts.tolerance {
        return Err(AhpError::NotConverged {
            iterations,
            last_change,
        });
    }
    let lambda_max: f64 = mat_vec(&m.values, &w).iter().sum();
    let (ci, cr) = if n <= 2 {
        (0.0, 0.0)
    } else {
        let ci = (lambda_max - n as f64) / (n as f64 - 1.0);
        (ci, ci / random_index)
    };
    Ok(AhpResult {
        names: m.names.clone(),
        weights: w,
        lambda_max,
        ci,
        random_index,
        cr,
        table: opts.random_index,
        iterations,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_with_and_without_names() {
        let a = parse_pairwise_csv(",A,B\nA,1,3\nB,1/3,1\n").unwrap();
        let b = parse_pairwise_csv("A,B\n1,3\n0.3333333333333333,1\n").unwrap();
        let c = parse_pairwise_csv("A;B\nA;1;3\nB;1/3;1\n").unwrap();
        assert_eq!(c, a);
        assert_eq!(a.names, vec!["A", "B"]);
        assert_eq!(a.names, b.names);
        assert_eq!(a.values[1][0], 1.0 / 3.0);
    }

    #[test]
    fn parse_errors_name_line_and_column() {
        assert_eq!(
            parse_pairwise_csv("A,B\n1,x\n1,1\n"),
            Err(AhpError::BadNumber {
                line: 2,
                column: 2,
                text: "x".into()
            })
        );
        assert!(matches!(
            parse_pairwise_csv("A,B\n1,2,3\n1,1\n"),
            Err(AhpError::RaggedRow { line: 2, .. })
        ));
        assert!(matches!(
            parse_pairwise_csv(",A,B\nB,1,3\nA,1/3,1\n"),
            Err(AhpError::RowNameMismatch { line: 2, .. })
        ));
    }

    #[test]
    fn validation_errors() {
        let m = |v: Vec<Vec<f64>>| PairwiseMatrix {
            names: (0..v.len()).map(|i| format!("c{i}")).collect(),
            values: v,
        };
        assert!(matches!(
            validate(&m(vec![vec![1.0, 2.0], vec![2.0, 1.0]]), 0.01),
            Err(AhpError::NotReciprocal {
                row: 1,
                column: 2,
                ..
            })
        ));
        assert!(matches!(
            validate(&m(vec![vec![2.0, 2.0], vec![0.5, 1.0]]), 0.01),
            Err(AhpError::DiagonalNotOne { index: 1, .. })
        ));
        assert!(matches!(
            validate(&m(vec![vec![1.0, -2.0], vec![0.5, 1.0]]), 0.01),
            Err(AhpError::NotPositive { .. })
        ));
    }

    #[test]
    fn inconsistent_matrix_is_rejected_with_figures() {
        // A > B, B > C, but C ≫ A.
        let m = parse_pairwise_csv("A,B,C\n1,5,1/9\n1/5,1,5\n9,1/5,1\n").unwrap();
        match ahp_weights(&m, &AhpOptions::default()) {
            Err(AhpError::Inconsistent { cr, weights, .. }) => {
                assert!(cr >= 0.10);
                assert_eq!(weights.len(), 3);
            }
            other => panic!("expected Inconsistent, got {other:?}"),
        }
    }
}
