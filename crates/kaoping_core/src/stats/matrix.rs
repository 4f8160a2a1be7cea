//! A rating matrix: one row per rater (or respondent), one column per unit (or item), a
//! missing rating `None`. Read from a CSV file by `table::ratings::read_rating_matrix`,
//! through the project's one CSV reader.

use serde::{Deserialize, Serialize};

/// Ratings: `cells[r][c]` is rater `r`'s rating of unit `c`, `None` when missing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RatingMatrix {
    pub row_names: Vec<String>,
    pub col_names: Vec<String>,
    pub cells: Vec<Vec<Option<f64>>>,
}

impl RatingMatrix {
    /// Builds a matrix from rows of optional values, with generated names
    /// (`r1..`, `u1..`). Rows shorter than the longest are padded with `None`.
    pub fn from_rows(rows: Vec<Vec<Option<f64>>>) -> Self {
        let ncol = rows.iter().map(Vec::len).max().unwrap_or(0);
        let cells: Vec<Vec<Option<f64>>> = rows
            .into_iter()
            .map(|mut r| {
                r.resize(ncol, None);
                r
            })
            .collect();
        RatingMatrix {
            row_names: (1..=cells.len()).map(|i| format!("r{i}")).collect(),
            col_names: (1..=ncol).map(|i| format!("u{i}")).collect(),
            cells,
        }
    }

    /// Number of rows (raters / respondents).
    pub fn n_rows(&self) -> usize {
        self.cells.len()
    }

    /// Number of columns (units / items).
    pub fn n_cols(&self) -> usize {
        self.col_names.len()
    }

    /// The values of column `c`, top to bottom.
    pub fn column(&self, c: usize) -> impl Iterator<Item = Option<f64>> + '_ {
        self.cells.iter().map(move |r| r.get(c).copied().flatten())
    }

    /// The transposed matrix (rows become columns).
    pub fn transposed(&self) -> RatingMatrix {
        let cells = (0..self.n_cols())
            .map(|c| self.column(c).collect())
            .collect();
        RatingMatrix {
            row_names: self.col_names.clone(),
            col_names: self.row_names.clone(),
            cells,
        }
    }
}
