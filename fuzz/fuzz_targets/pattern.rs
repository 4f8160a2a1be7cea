#![no_main]
//! See kaoping_fuzz::pattern.

libfuzzer_sys::fuzz_target!(|data: &[u8]| kaoping_fuzz::pattern(data));
