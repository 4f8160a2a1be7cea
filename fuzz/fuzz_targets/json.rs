#![no_main]
//! See kaoping_fuzz::json.

libfuzzer_sys::fuzz_target!(|data: &[u8]| kaoping_fuzz::json(data));
