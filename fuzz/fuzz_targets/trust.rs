#![no_main]
//! See kaoping_fuzz::trust.

libfuzzer_sys::fuzz_target!(|data: &[u8]| kaoping_fuzz::trust(data));
