//! Threshold and seal text forms (`FromStr`); see `dkms_event::fuzzing::text`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| dkms_event::fuzzing::text(data));
