//! Statistics: agreement, reliability, intervals, weights. Each method names its published source.
