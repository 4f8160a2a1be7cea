//! The wasm facade.
