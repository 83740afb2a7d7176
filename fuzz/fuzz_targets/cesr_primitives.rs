//! Primitive decoders (Matter, Indexer, Counter) in both domains; see `dkms_cesr::fuzzing::primitives`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| dkms_cesr::fuzzing::primitives(data));
