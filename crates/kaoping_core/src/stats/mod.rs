//! Statistics: agreement, reliability, intervals, weights. Each method names its published source.

pub mod ahp;
pub mod cronbach;
pub mod dist;
pub mod entropy;
pub mod icc;
pub mod interval;
pub mod kendall;
pub mod krippendorff;
pub mod matrix;
pub mod tally;
pub mod weighting;

pub use matrix::RatingMatrix;
