//! Keystore record files; see `dkms::fuzzing::keystore_record`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| dkms::fuzzing::keystore_record(data));
