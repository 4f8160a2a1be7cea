#![no_main]
//! See kaoping_fuzz::zip.

libfuzzer_sys::fuzz_target!(|data: &[u8]| kaoping_fuzz::zip(data));
