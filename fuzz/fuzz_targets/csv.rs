#![no_main]
//! See kaoping_fuzz::csv.

libfuzzer_sys::fuzz_target!(|data: &[u8]| kaoping_fuzz::csv(data));
