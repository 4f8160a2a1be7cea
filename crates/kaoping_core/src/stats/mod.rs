//! Statistics: agreement, reliability, intervals, weights. Each method names its published source.

pub mod cronbach;
pub mod dist;
pub mod icc;
pub mod interval;
pub mod kendall;
pub mod krippendorff;
pub mod matrix;

pub use matrix::{MatrixError, RatingMatrix};
