//! Ingests a CESR stream file into a fresh in-memory validator and prints the report
//! (a profiling and smoke tool: `cargo run --release -p dkms-kel --example ingest_file -- FILE`).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "example tool")]

fn main() {
    let path = std::env::args().nth(1).expect("usage: ingest_file FILE");
    let bytes = std::fs::read(&path).expect("readable file");
    let start = std::time::Instant::now();
    let mut k = dkms_kel::Kevery::default();
    let r = k.ingest(&bytes, 1);
    let took = start.elapsed();
    println!(
        "accepted {} escrowed {} rejected {} in {:.1} ms ({:.1} µs/event)",
        r.accepted,
        r.escrowed,
        r.rejected,
        took.as_secs_f64() * 1e3,
        took.as_secs_f64() * 1e6 / r.accepted.max(1) as f64
    );
}
