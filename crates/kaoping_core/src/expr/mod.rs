//! The plan expression language (relevance, constraints). See `parse` and `Expr::eval`.
