#![no_main]
//! See kaoping_fuzz::manifest.

libfuzzer_sys::fuzz_target!(|data: &[u8]| kaoping_fuzz::manifest(data));
