//! Signed-message decode and re-encode; see `dkms_event::fuzzing::signed`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| dkms_event::fuzzing::signed(data));
