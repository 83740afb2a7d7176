//! Criterion benchmarks for DKMS. They live in `benches/benches/`; run them with
//! `cargo xtask bench` (full) or `cargo xtask bench --smoke` (what CI runs).
