//! Statistics: agreement, reliability, intervals, weights. Each method names its published source.

pub mod ahp;
pub mod entropy;
pub mod tally;
pub mod weighting;
