//! Keystore header files; see `dkms::fuzzing::keystore_header`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| dkms::fuzzing::keystore_header(data));
