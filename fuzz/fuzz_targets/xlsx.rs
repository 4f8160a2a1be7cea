#![no_main]
//! See kaoping_fuzz::xlsx.

libfuzzer_sys::fuzz_target!(|data: &[u8]| kaoping_fuzz::xlsx(data));
