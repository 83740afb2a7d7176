//! The stream framer, whole-buffer and incremental; see `dkms_cesr::fuzzing::stream`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| dkms_cesr::fuzzing::stream(data));
