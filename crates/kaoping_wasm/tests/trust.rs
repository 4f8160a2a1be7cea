//! RFC 8032 section 7.1's Ed25519 test vectors (TEST 1, 2, 3, 1024, SHA(abc)) through the
//! core's `trust::keys`, run as WASM in Node (`cargo xtask test`, "wasm tests"): the office's
//! and the raters' signatures verify the same in the browser as natively (the native test is
//! `trust::keys::tests::rfc8032_section_7_1_test_vectors`). The vectors are the core's data
//! file, included, so both check the same bytes.
#![cfg(all(target_arch = "wasm32", feature = "office"))]

use kaoping_core::trust::keys::{public_from_seed, sign, verify};
use wasm_bindgen_test::wasm_bindgen_test;

include!("../../kaoping_core/src/trust/rfc8032.rs");

#[wasm_bindgen_test]
fn rfc8032_section_7_1_test_vectors_in_wasm() {
    for (name, secret, public, msg, sig) in RFC8032_7_1 {
        let seed: [u8; 32] = rfc8032_hex(secret).try_into().unwrap();
        let public: [u8; 32] = rfc8032_hex(public).try_into().unwrap();
        let sig: [u8; 64] = rfc8032_hex(sig).try_into().unwrap();
        let msg = rfc8032_hex(msg);
        assert_eq!(public_from_seed(&seed), public, "{name}: public key");
        assert_eq!(sign(&seed, &msg), sig, "{name}: signature");
        assert!(verify(&public, &msg, &sig), "{name}: verifies");
        let mut other = msg.clone();
        other.push(1);
        assert!(!verify(&public, &other, &sig), "{name}: another message");
    }
}
