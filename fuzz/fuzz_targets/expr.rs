#![no_main]
//! See kaoping_fuzz::expr.

libfuzzer_sys::fuzz_target!(|data: &[u8]| kaoping_fuzz::expr(data));
