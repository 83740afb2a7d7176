//! dkms-crypto benches: sign and verify per algorithm, digest per code, on 300 B and 1 KiB,
//! each next to the bare crate doing the same work, so the wrapper's overhead is a ratio.
//!
//! Groups `sign/<alg>/<size>`, `verify/<alg>/<size>`, `digest/<code>/<size>`; within each,
//! `ours` is dkms-crypto and `bare` the underlying crate (ed25519-dalek, k256, p256, sha2,
//! sha3, blake2, blake3) called directly with pre-parsed keys. `ours-matter` adds building
//! the CESR primitive (one small allocation) on top of the raw digest.
//!
//! On a shared or busy machine two criterion runs taken one after the other can differ by more
//! than the overhead being measured. `DKMS_CRYPTO_PAIRED=1 cargo bench -p dkms-benches --bench
//! crypto` first prints a paired table: ours and bare alternate in short blocks, and the minimum
//! per-call time of each over all blocks is compared, which cancels load drift.
#![allow(missing_docs, reason = "criterion's macros generate undocumented items")]
#![allow(clippy::expect_used, reason = "bench setup on fixed inputs")]

use std::hint::black_box;
use std::time::Instant;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group};
use dkms_cesr::MatterCode;
use dkms_crypto::secrecy::{ExposeSecret, SecretBox};
use dkms_crypto::{Algorithm, Signer, SoftSigner, Verfer, digest, digest_raw};

const SIZES: [usize; 2] = [300, 1024];

fn message(len: usize) -> Vec<u8> {
    (0..len).map(|i| u8::try_from(i % 251).expect("< 256")).collect()
}

fn seed() -> SecretBox<[u8; 32]> {
    SecretBox::new(Box::new(core::array::from_fn(|i| u8::try_from(i + 1).expect("< 256"))))
}

enum Bare {
    Ed25519(ed25519_dalek::SigningKey),
    K1(k256::ecdsa::SigningKey),
    R1(p256::ecdsa::SigningKey),
}

impl Bare {
    fn new(alg: Algorithm, seed: &[u8; 32]) -> Self {
        match alg {
            Algorithm::Ed25519 => Bare::Ed25519(ed25519_dalek::SigningKey::from_bytes(seed)),
            Algorithm::Secp256k1 => Bare::K1(k256::ecdsa::SigningKey::from_slice(seed).expect("valid scalar")),
            _ => Bare::R1(p256::ecdsa::SigningKey::from_slice(seed).expect("valid scalar")),
        }
    }
}

fn sign_verify(c: &mut Criterion) {
    use ed25519_dalek::{Signer as _, Verifier as _};
    for alg in Algorithm::SUPPORTED {
        let seed = seed();
        let ours = SoftSigner::from_seed(*alg, &seed, true).expect("signer");
        let bare = Bare::new(*alg, seed.expose_secret());
        for size in SIZES {
            let msg = message(size);
            let mut g = c.benchmark_group(format!("sign/{alg}"));
            g.throughput(Throughput::Bytes(u64::try_from(size).expect("small")));
            g.bench_with_input(BenchmarkId::new("ours", size), &msg, |b, m| b.iter(|| ours.sign(black_box(m))));
            match &bare {
                Bare::Ed25519(k) => g.bench_with_input(BenchmarkId::new("bare", size), &msg, |b, m| {
                    b.iter(|| k.sign(black_box(m)).to_bytes())
                }),
                Bare::K1(k) => g.bench_with_input(BenchmarkId::new("bare", size), &msg, |b, m| {
                    b.iter(|| {
                        let s: k256::ecdsa::Signature = k.sign(black_box(m));
                        s
                    })
                }),
                Bare::R1(k) => g.bench_with_input(BenchmarkId::new("bare", size), &msg, |b, m| {
                    b.iter(|| {
                        let s: p256::ecdsa::Signature = k.sign(black_box(m));
                        s
                    })
                }),
            };
            g.finish();

            let sig = ours.sign(&msg).expect("sign");
            let verfer = ours.verfer().clone();
            let mut g = c.benchmark_group(format!("verify/{alg}"));
            g.throughput(Throughput::Bytes(u64::try_from(size).expect("small")));
            g.bench_with_input(BenchmarkId::new("ours", size), &msg, |b, m| {
                b.iter(|| verfer.verify(black_box(&sig), black_box(m)))
            });
            match &bare {
                Bare::Ed25519(k) => {
                    let vk = k.verifying_key();
                    let s = ed25519_dalek::Signature::from_bytes(sig.as_bytes());
                    g.bench_with_input(BenchmarkId::new("bare", size), &msg, |b, m| {
                        b.iter(|| vk.verify_strict(black_box(m), black_box(&s)))
                    });
                    // 64 signatures at once (as a KEL batch is checked): the time is per batch.
                    let items: Vec<_> = (0..64).map(|_| (&verfer, &sig, msg.as_slice())).collect();
                    g.throughput(Throughput::Elements(64));
                    g.bench_with_input(BenchmarkId::new("ours_verify_many_64", size), &items, |b, items| {
                        b.iter(|| Verfer::verify_many(black_box(items)))
                    });
                }
                Bare::K1(k) => {
                    let vk = *k.verifying_key();
                    let s = k256::ecdsa::Signature::from_slice(sig.as_bytes()).expect("sig");
                    g.bench_with_input(BenchmarkId::new("bare", size), &msg, |b, m| {
                        b.iter(|| vk.verify(black_box(m), black_box(&s)))
                    });
                }
                Bare::R1(k) => {
                    let vk = *k.verifying_key();
                    let s = p256::ecdsa::Signature::from_slice(sig.as_bytes()).expect("sig");
                    g.bench_with_input(BenchmarkId::new("bare", size), &msg, |b, m| {
                        b.iter(|| vk.verify(black_box(m), black_box(&s)))
                    });
                }
            }
            g.finish();
        }
    }
}

fn bare_digest(code: MatterCode, data: &[u8]) -> [u8; 64] {
    use sha2::Digest as _;
    let mut out = [0u8; 64];
    match code {
        MatterCode::Blake3_256 => out[..32].copy_from_slice(blake3::hash(data).as_bytes()),
        MatterCode::Blake2b_256 => out[..32].copy_from_slice(&blake2::Blake2b256::digest(data)),
        MatterCode::Blake2s_256 => out[..32].copy_from_slice(&blake2::Blake2s256::digest(data)),
        MatterCode::Sha3_256 => out[..32].copy_from_slice(&sha3::Sha3_256::digest(data)),
        MatterCode::Sha2_256 => out[..32].copy_from_slice(&sha2::Sha256::digest(data)),
        MatterCode::Blake3_512 => blake3::Hasher::new().update(data).finalize_xof().fill(&mut out),
        MatterCode::Blake2b_512 => out.copy_from_slice(&blake2::Blake2b512::digest(data)),
        MatterCode::Sha3_512 => out.copy_from_slice(&sha3::Sha3_512::digest(data)),
        _ => out.copy_from_slice(&sha2::Sha512::digest(data)),
    }
    out
}

const DIGEST_CODES: [MatterCode; 9] = [
    MatterCode::Blake3_256,
    MatterCode::Blake2b_256,
    MatterCode::Blake2s_256,
    MatterCode::Sha3_256,
    MatterCode::Sha2_256,
    MatterCode::Blake3_512,
    MatterCode::Blake2b_512,
    MatterCode::Sha3_512,
    MatterCode::Sha2_512,
];

fn digests(c: &mut Criterion) {
    for code in DIGEST_CODES {
        let mut g = c.benchmark_group(format!("digest/{}", code.name()));
        for size in SIZES {
            let msg = message(size);
            g.throughput(Throughput::Bytes(u64::try_from(size).expect("small")));
            g.bench_with_input(BenchmarkId::new("ours", size), &msg, |b, m| {
                b.iter(|| digest_raw(black_box(code), black_box(m)))
            });
            g.bench_with_input(BenchmarkId::new("ours-matter", size), &msg, |b, m| {
                b.iter(|| digest(black_box(code), black_box(m)))
            });
            g.bench_with_input(BenchmarkId::new("bare", size), &msg, |b, m| {
                b.iter(|| bare_digest(black_box(code), black_box(m)))
            });
        }
        g.finish();
    }
}

/// Minimum per-call nanoseconds of `ours` and `bare`, measured in alternating blocks.
fn paired(name: &str, mut ours: impl FnMut(), mut bare: impl FnMut()) {
    let block = |f: &mut dyn FnMut(), n: u32| {
        let t = Instant::now();
        for _ in 0..n {
            f();
        }
        t.elapsed().as_secs_f64() * 1e9 / f64::from(n)
    };
    // calibrate a block to about 2 ms
    let one = block(&mut ours, 8).max(1.0);
    let n = u32::try_from((2e6 / one) as u64).unwrap_or(1).clamp(1, 100_000);
    let (mut best_ours, mut best_bare) = (f64::MAX, f64::MAX);
    for _ in 0..60 {
        best_ours = best_ours.min(block(&mut ours, n));
        best_bare = best_bare.min(block(&mut bare, n));
    }
    println!("{name:32} ours {best_ours:11.1} ns  bare {best_bare:11.1} ns  ours/bare {:.3}", best_ours / best_bare);
}

fn paired_table() {
    use ed25519_dalek::{Signer as _, Verifier as _};
    println!("paired minimum-of-blocks timings (ours vs bare crate)");
    let only_digests = std::env::var("DKMS_CRYPTO_PAIRED").is_ok_and(|v| v == "digest");
    for alg in Algorithm::SUPPORTED.iter().filter(|_| !only_digests) {
        let seed = seed();
        let ours = SoftSigner::from_seed(*alg, &seed, true).expect("signer");
        let bare = Bare::new(*alg, seed.expose_secret());
        for size in SIZES {
            let msg = message(size);
            let sig = ours.sign(&msg).expect("sign");
            let verfer = ours.verfer().clone();
            let o_sign = || {
                black_box(ours.sign(black_box(&msg)).is_ok());
            };
            let o_verify = || {
                black_box(verfer.verify(black_box(&sig), black_box(&msg)).is_ok());
            };
            match &bare {
                Bare::Ed25519(k) => {
                    let vk = k.verifying_key();
                    let s = ed25519_dalek::Signature::from_bytes(sig.as_bytes());
                    paired(&format!("sign/{alg}/{size}"), o_sign, || {
                        black_box(k.sign(black_box(&msg)).to_bytes());
                    });
                    paired(&format!("verify/{alg}/{size}"), o_verify, || {
                        black_box(vk.verify_strict(black_box(&msg), black_box(&s)).is_ok());
                    });
                }
                Bare::K1(k) => {
                    let vk = *k.verifying_key();
                    let s = k256::ecdsa::Signature::from_slice(sig.as_bytes()).expect("sig");
                    paired(&format!("sign/{alg}/{size}"), o_sign, || {
                        let s: k256::ecdsa::Signature = k.sign(black_box(&msg));
                        black_box(s);
                    });
                    paired(&format!("verify/{alg}/{size}"), o_verify, || {
                        black_box(vk.verify(black_box(&msg), black_box(&s)).is_ok());
                    });
                }
                Bare::R1(k) => {
                    let vk = *k.verifying_key();
                    let s = p256::ecdsa::Signature::from_slice(sig.as_bytes()).expect("sig");
                    paired(&format!("sign/{alg}/{size}"), o_sign, || {
                        let s: p256::ecdsa::Signature = k.sign(black_box(&msg));
                        black_box(s);
                    });
                    paired(&format!("verify/{alg}/{size}"), o_verify, || {
                        black_box(vk.verify(black_box(&msg), black_box(&s)).is_ok());
                    });
                }
            }
        }
    }
    for code in DIGEST_CODES {
        for size in SIZES {
            let msg = message(size);
            paired(
                &format!("digest/{}/{size}", code.name()),
                || {
                    black_box(digest_raw(black_box(code), black_box(&msg)).is_ok());
                },
                || {
                    black_box(bare_digest(black_box(code), black_box(&msg)));
                },
            );
            paired(
                &format!("digest+matter/{}/{size}", code.name()),
                || {
                    black_box(digest(black_box(code), black_box(&msg)).is_ok());
                },
                || {
                    black_box(bare_digest(black_box(code), black_box(&msg)));
                },
            );
        }
    }
}

criterion_group!(benches, sign_verify, digests);

fn main() {
    if std::env::var_os("DKMS_CRYPTO_PAIRED").is_some() {
        paired_table();
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
