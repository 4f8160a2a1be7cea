#![no_main]
//! See kaoping_fuzz::plan.

libfuzzer_sys::fuzz_target!(|data: &[u8]| kaoping_fuzz::plan(data));
