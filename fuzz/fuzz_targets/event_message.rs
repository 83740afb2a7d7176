//! Strict message parsing in every kind; see `dkms_event::fuzzing::message`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| dkms_event::fuzzing::message(data));
