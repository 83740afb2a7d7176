//! The KEL validator fed arbitrary (mutated keripy) streams; see `dkms_kel::fuzzing::ingest`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| dkms_kel::fuzzing::ingest(data));
