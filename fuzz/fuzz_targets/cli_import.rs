//! `keri kel import`: a stream imported by a controller; see `dkms::fuzzing::import`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| dkms::fuzzing::import(data));
