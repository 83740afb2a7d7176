//! DKMS → keripy: builds KELs with our builders and signers for every feature, checks that our
//! own validator accepts them, and writes `NAME.cesr` + `NAME.json` (our key states, in the shape
//! of `tests/vectors/keripy-1.1.17/*.json`) to OUT_DIR for `interop/keripy/check_ours.py`.
//!
//! ```text
//! cargo run -p dkms-kel --example interop_kels -- OUT_DIR
//! ```
#![allow(
    clippy::print_stdout,
    clippy::indexing_slicing,
    reason = "a command-line example; key lists are indexed right after being derived at a fixed length"
)]

use std::error::Error;
use std::path::Path;

use dkms_cesr::{Domain, MatterCode};
use dkms_crypto::secrecy::SecretBox;
use dkms_crypto::{Algorithm, KeySpec, Salter, Signer, SoftSigner};
use dkms_event::Message;
use dkms_event::builder::{Incept, Interact, Rotate, receipt};
use dkms_event::primitives::{Digest, Prefix, Verkey};
use dkms_event::seal::{Anchor, Seal, Trait};
use dkms_event::signed::{Attachments, SignedMessage};
use dkms_event::threshold::{Threshold, Weight};
#[path = "shared/keripy_json.rs"]
mod keripy_json;
use dkms_kel::Kevery;
use keripy_json::state_json;
use serde_json::json;

type Res<T> = Result<T, Box<dyn Error>>;

fn salter(salt: &[u8; 16]) -> Salter {
    Salter::new(SecretBox::new(Box::new(*salt)))
}

/// `count` keys from a fixed salt (keripy `Salter(raw=salt).signers(count, temp=True, …)`).
fn keys(salt: &[u8; 16], count: usize, algorithm: Algorithm, transferable: bool) -> Res<Vec<SoftSigner>> {
    let spec = KeySpec::new(algorithm).with_transferable(transferable).temp();
    Ok(salter(salt).signers(count, 0, "", spec)?)
}

fn ed(salt: &[u8; 16], count: usize) -> Res<Vec<SoftSigner>> {
    keys(salt, count, Algorithm::Ed25519, true)
}

fn verkey(s: &SoftSigner) -> Res<Verkey> {
    Ok(Verkey::parse(&s.verfer().qb64(), "k")?)
}

fn verkeys(s: &[&SoftSigner]) -> Res<Vec<Verkey>> {
    s.iter().map(|s| verkey(s)).collect()
}

fn commits(s: &[&SoftSigner]) -> Res<Vec<Digest>> {
    s.iter()
        .map(|s| Ok(Digest::new(dkms_crypto::digest(MatterCode::Blake3_256, s.verfer().qb64().as_bytes())?)?))
        .collect()
}

fn wit_prefix(s: &SoftSigner) -> Res<Prefix> {
    Ok(Prefix::parse(&s.verfer().qb64(), "b")?)
}

fn weighted(clauses: &[&[(u64, u64)]]) -> Res<Threshold> {
    let clauses = clauses
        .iter()
        .map(|c| c.iter().map(|(n, d)| Weight::new(*n, *d)).collect::<Result<Vec<_>, _>>())
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Threshold::weighted(clauses)?)
}

/// Signs with `(signer, index, ondex)`; `ondex` `None` means "the same as index" (small codes).
fn sign(m: &Message, sigs: &[(&SoftSigner, u32, Option<u32>)]) -> Res<SignedMessage> {
    let mut controller_sigs = Vec::new();
    for (s, i, o) in sigs {
        controller_sigs.push(s.sign_indexed(m.raw(), *i, false, Some(o.unwrap_or(*i)))?);
    }
    Ok(SignedMessage { message: m.clone(), attachments: Attachments { controller_sigs, ..Attachments::default() } })
}

/// Signs with signers at indices 0, 1, …
fn sign_all(m: &Message, s: &[&SoftSigner]) -> Res<SignedMessage> {
    let sigs: Vec<_> = s.iter().enumerate().map(|(i, s)| (*s, u32::try_from(i).unwrap_or(0), None)).collect();
    sign(m, &sigs)
}

fn with_wigs(mut sm: SignedMessage, wits: &[(&SoftSigner, u32)]) -> Res<SignedMessage> {
    for (w, i) in wits {
        let sig = w.sign_indexed(sm.message.raw(), *i, false, None)?;
        sm.attachments.witness_sigs.push(sig);
    }
    Ok(sm)
}

/// A witness receipt (`rct` + `-B` indexed witness signatures over the receipted event).
fn rct(event: &Message, wits: &[(&SoftSigner, u32)]) -> Res<SignedMessage> {
    let pre = event.prefix().ok_or("event without prefix")?;
    let sn = event.sn().ok_or("event without sn")?;
    let r = receipt(pre, sn, event.said(), dkms_cesr::stream::Kind::Json)?;
    let mut witness_sigs = Vec::new();
    for (w, i) in wits {
        witness_sigs.push(w.sign_indexed(event.raw(), *i, false, None)?);
    }
    Ok(SignedMessage { message: r, attachments: Attachments { witness_sigs, ..Attachments::default() } })
}

fn icp(keys: Vec<Verkey>, next: Vec<Digest>) -> Incept {
    Incept { keys, next, prefix_code: Some(MatterCode::Blake3_256), ..Incept::default() }
}

fn ixn(pre: &Prefix, sn: u128, prior: &Message, anchors: Vec<Anchor>) -> Res<Message> {
    Ok(Interact { prefix: pre.clone(), sn, prior: prior.said().clone(), anchors, kind: None }.build()?)
}

fn pre(m: &Message) -> Res<Prefix> {
    Ok(m.prefix().ok_or("no prefix")?.clone())
}

struct Kel {
    name: &'static str,
    description: &'static str,
    msgs: Vec<SignedMessage>,
}

fn single(name: &'static str, description: &'static str, salt: &[u8; 16], alg: Algorithm) -> Res<Kel> {
    let s = keys(salt, 4, alg, true)?;
    let e0 = icp(verkeys(&[&s[0]])?, commits(&[&s[1]])?).build()?;
    let p = pre(&e0)?;
    let e1 = ixn(&p, 1, &e0, vec![])?;
    let e2 = Rotate::new(p.clone(), 2, e1.said().clone(), verkeys(&[&s[1]])?, commits(&[&s[2]])?).build()?;
    let e3 = ixn(&p, 3, &e2, vec![])?;
    let e4 = Rotate::new(p.clone(), 4, e3.said().clone(), verkeys(&[&s[2]])?, commits(&[&s[3]])?).build()?;
    Ok(Kel {
        name,
        description,
        msgs: vec![
            sign_all(&e0, &[&s[0]])?,
            sign_all(&e1, &[&s[0]])?,
            sign_all(&e2, &[&s[1]])?,
            sign_all(&e3, &[&s[1]])?,
            sign_all(&e4, &[&s[2]])?,
        ],
    })
}

fn multi_numeric() -> Res<Kel> {
    let m = ed(b"ours-multi-key-0", 9)?;
    let r = |i: usize| &m[i];
    let mut inc = icp(verkeys(&[r(0), r(1), r(2)])?, commits(&[r(3), r(4), r(5)])?);
    inc.kt = Some(Threshold::numeric(2));
    inc.nt = Some(Threshold::numeric(2));
    let e0 = inc.build()?;
    let p = pre(&e0)?;
    let e1 = ixn(&p, 1, &e0, vec![])?;
    let mut rot =
        Rotate::new(p.clone(), 2, e1.said().clone(), verkeys(&[r(3), r(4), r(5)])?, commits(&[r(6), r(7), r(8)])?);
    rot.kt = Some(Threshold::numeric(2));
    rot.nt = Some(Threshold::numeric(3));
    let e2 = rot.build()?;
    Ok(Kel {
        name: "multi_key_numeric",
        description: "3 keys, kt = nt = 2, then nt = 3",
        msgs: vec![
            sign(&e0, &[(r(0), 0, None), (r(2), 2, None)])?,
            sign(&e1, &[(r(1), 1, None), (r(2), 2, None)])?,
            sign(&e2, &[(r(4), 1, None), (r(5), 2, None)])?,
        ],
    })
}

fn multi_weighted() -> Res<Kel> {
    let w = ed(b"ours-weighted-00", 10)?;
    let r = |i: usize| &w[i];
    let half = (1, 2);
    let mut inc = icp(verkeys(&[r(0), r(1), r(2), r(3), r(4)])?, commits(&[r(5), r(6), r(7)])?);
    inc.kt = Some(weighted(&[&[half, half, half], &[(1, 1), (1, 1)]])?);
    inc.nt = Some(weighted(&[&[half, half, half]])?);
    let e0 = inc.build()?;
    let p = pre(&e0)?;
    let e1 = ixn(&p, 1, &e0, vec![])?;
    let mut rot = Rotate::new(p.clone(), 2, e1.said().clone(), verkeys(&[r(5), r(6), r(7)])?, commits(&[r(8), r(9)])?);
    rot.kt = Some(weighted(&[&[half, half, half]])?);
    rot.nt = Some(weighted(&[&[(1, 1), half]])?);
    let e2 = rot.build()?;
    let e3 = ixn(&p, 3, &e2, vec![])?;
    Ok(Kel {
        name: "weighted_thresholds",
        description: "weighted kt [[1/2,1/2,1/2],[1,1]], weighted nt, rotation to one weighted clause",
        msgs: vec![
            sign(&e0, &[(r(0), 0, None), (r(2), 2, None), (r(4), 4, None)])?,
            sign(&e1, &[(r(0), 0, None), (r(1), 1, None), (r(3), 3, None)])?,
            sign(&e2, &[(r(5), 0, None), (r(7), 2, None)])?,
            sign(&e3, &[(r(6), 1, None), (r(7), 2, None)])?,
        ],
    })
}

fn partial_rotation() -> Res<Kel> {
    let k = ed(b"ours-partial-rot", 9)?;
    let r = |i: usize| &k[i];
    let half = (1, 2);
    let mut inc = icp(verkeys(&[r(0), r(1), r(2)])?, commits(&[r(3), r(4), r(5)])?);
    inc.kt = Some(weighted(&[&[half, half, half]])?);
    inc.nt = Some(weighted(&[&[half, half, half]])?);
    let e0 = inc.build()?;
    let p = pre(&e0)?;
    // Expose r5 and r3 (r4 stays in reserve), add r6; commit to r4 and r7.
    let mut rot = Rotate::new(p.clone(), 1, e0.said().clone(), verkeys(&[r(5), r(3), r(6)])?, commits(&[r(4), r(7)])?);
    rot.kt = Some(weighted(&[&[half, half, half]])?);
    rot.nt = Some(weighted(&[&[half, half]])?);
    let e1 = rot.build()?;
    let e2 = ixn(&p, 2, &e1, vec![])?;
    let mut rot2 = Rotate::new(p.clone(), 3, e2.said().clone(), verkeys(&[r(7), r(4)])?, commits(&[r(8)])?);
    rot2.kt = Some(weighted(&[&[half, half]])?);
    rot2.nt = Some(Threshold::numeric(1));
    let e3 = rot2.build()?;
    Ok(Kel {
        name: "partial_rotation",
        description: "reserve rotation with dual-indexed 2A signatures, then rotation into the reserve key",
        msgs: vec![
            sign(&e0, &[(r(0), 0, None), (r(2), 2, None)])?,
            sign(&e1, &[(r(5), 0, Some(2)), (r(3), 1, Some(0))])?,
            sign(&e2, &[(r(5), 0, None), (r(6), 2, None)])?,
            sign(&e3, &[(r(7), 0, Some(1)), (r(4), 1, Some(0))])?,
        ],
    })
}

fn config_kel(name: &'static str, description: &'static str, salt: &[u8; 16], config: Trait) -> Res<Kel> {
    let s = ed(salt, 3)?;
    let mut inc = icp(verkeys(&[&s[0]])?, commits(&[&s[1]])?);
    inc.config = vec![config];
    let e0 = inc.build()?;
    let p = pre(&e0)?;
    let e1 = Rotate::new(p, 1, e0.said().clone(), verkeys(&[&s[1]])?, commits(&[&s[2]])?).build()?;
    Ok(Kel { name, description, msgs: vec![sign_all(&e0, &[&s[0]])?, sign_all(&e1, &[&s[1]])?] })
}

fn delegation() -> Res<Kel> {
    let d = ed(b"ours-delegator-0", 3)?;
    let c = ed(b"ours-delegate-00", 3)?;
    let d0 = icp(verkeys(&[&d[0]])?, commits(&[&d[1]])?).build()?;
    let dp = pre(&d0)?;
    let dip = Incept { delegator: Some(dp.clone()), ..icp(verkeys(&[&c[0]])?, commits(&[&c[1]])?) }.build()?;
    let cp = pre(&dip)?;
    let d1 = ixn(&dp, 1, &d0, vec![Anchor::Seal(Seal::Event { i: cp.clone(), s: 0, d: dip.said().clone() })])?;
    let mut drt = Rotate::new(cp.clone(), 1, dip.said().clone(), verkeys(&[&c[1]])?, commits(&[&c[2]])?);
    drt.delegated = true;
    let drt = drt.build()?;
    let mut d2 = Rotate::new(dp.clone(), 2, d1.said().clone(), verkeys(&[&d[1]])?, commits(&[&d[2]])?);
    d2.anchors = vec![Anchor::Seal(Seal::Event { i: cp.clone(), s: 1, d: drt.said().clone() })];
    let d2 = d2.build()?;
    let c2 = ixn(&cp, 2, &drt, vec![])?;
    let mut dip_s = sign_all(&dip, &[&c[0]])?;
    dip_s.attachments.source_seals.push((1, d1.said().clone()));
    let mut drt_s = sign_all(&drt, &[&c[1]])?;
    drt_s.attachments.source_seals.push((2, d2.said().clone()));
    Ok(Kel {
        name: "delegation",
        description: "delegator KEL anchoring a dip (ixn) and a drt (rot); -G source couples on dip and drt",
        msgs: vec![
            sign_all(&d0, &[&d[0]])?,
            sign_all(&d1, &[&d[0]])?,
            dip_s,
            sign_all(&d2, &[&d[1]])?,
            drt_s,
            sign_all(&c2, &[&c[1]])?,
        ],
    })
}

fn witnesses() -> Res<(Kel, Kel)> {
    let c = ed(b"ours-witnessed-0", 3)?;
    let w = keys(b"ours-witnesses-0", 5, Algorithm::Ed25519, false)?;
    let wp: Vec<Prefix> = w.iter().map(wit_prefix).collect::<Res<_>>()?;
    let mut inc = icp(verkeys(&[&c[0]])?, commits(&[&c[1]])?);
    inc.witnesses = wp[0..3].to_vec();
    inc.toad = Some(2);
    let e0 = inc.build()?;
    let p = pre(&e0)?;
    let e1 = ixn(&p, 1, &e0, vec![])?;
    // Cut w1, add w3 and w4: the new list is [w0, w2, w3, w4], toad 3.
    let mut rot = Rotate::new(p.clone(), 2, e1.said().clone(), verkeys(&[&c[1]])?, commits(&[&c[2]])?);
    rot.witnesses = wp[0..3].to_vec();
    rot.cuts = vec![wp[1].clone()];
    rot.adds = wp[3..5].to_vec();
    rot.toad = Some(3);
    let e2 = rot.build()?;
    let e3 = ixn(&p, 3, &e2, vec![])?;
    let indexed = Kel {
        name: "witnesses_indexed",
        description: "3 witnesses, toad 2, -B indexed witness signatures; rot cuts 1 and adds 2 witnesses, toad 3",
        msgs: vec![
            with_wigs(sign_all(&e0, &[&c[0]])?, &[(&w[0], 0), (&w[1], 1)])?,
            with_wigs(sign_all(&e1, &[&c[0]])?, &[(&w[0], 0), (&w[2], 2)])?,
            with_wigs(sign_all(&e2, &[&c[1]])?, &[(&w[0], 0), (&w[2], 1), (&w[3], 2)])?,
            with_wigs(sign_all(&e3, &[&c[1]])?, &[(&w[2], 1), (&w[3], 2), (&w[4], 3)])?,
        ],
    };
    let receipts = Kel {
        name: "witness_receipts",
        description: "the witnessed KEL with each event followed by rct receipts (-B) that meet its toad",
        msgs: vec![
            sign_all(&e0, &[&c[0]])?,
            rct(&e0, &[(&w[0], 0), (&w[2], 2)])?,
            sign_all(&e1, &[&c[0]])?,
            rct(&e1, &[(&w[1], 1)])?,
            rct(&e1, &[(&w[2], 2)])?,
            sign_all(&e2, &[&c[1]])?,
            rct(&e2, &[(&w[0], 0), (&w[3], 2), (&w[4], 3)])?,
            sign_all(&e3, &[&c[1]])?,
            rct(&e3, &[(&w[0], 0), (&w[2], 1), (&w[4], 3)])?,
        ],
    };
    Ok((indexed, receipts))
}

fn recovery() -> Res<Kel> {
    let s = ed(b"ours-recovery-00", 3)?;
    let e0 = icp(verkeys(&[&s[0]])?, commits(&[&s[1]])?).build()?;
    let p = pre(&e0)?;
    let e1 = ixn(&p, 1, &e0, vec![])?;
    let e2 = ixn(&p, 2, &e1, vec![])?;
    let e3 = ixn(&p, 3, &e2, vec![])?;
    // A rotation at sn 2 after ixn 1 supersedes ixn 2 and 3.
    let r = Rotate::new(p.clone(), 2, e1.said().clone(), verkeys(&[&s[1]])?, commits(&[&s[2]])?).build()?;
    let e3b = ixn(&p, 3, &r, vec![])?;
    Ok(Kel {
        name: "recovery_rotation",
        description: "icp, ixn 1-3, then a recovery rot at sn 2 superseding ixn 2 and 3, then ixn 3",
        msgs: vec![
            sign_all(&e0, &[&s[0]])?,
            sign_all(&e1, &[&s[0]])?,
            sign_all(&e2, &[&s[0]])?,
            sign_all(&e3, &[&s[0]])?,
            sign_all(&r, &[&s[1]])?,
            sign_all(&e3b, &[&s[1]])?,
        ],
    })
}

fn abandonment() -> Res<Kel> {
    let s = ed(b"ours-abandoned-0", 2)?;
    let e0 = icp(verkeys(&[&s[0]])?, commits(&[&s[1]])?).build()?;
    let p = pre(&e0)?;
    let mut rot = Rotate::new(p, 1, e0.said().clone(), verkeys(&[&s[1]])?, vec![]);
    rot.nt = Some(Threshold::numeric(0));
    let e1 = rot.build()?;
    Ok(Kel {
        name: "abandonment",
        description: "a rotation to an empty next-key list abandons the identifier",
        msgs: vec![sign_all(&e0, &[&s[0]])?, sign_all(&e1, &[&s[1]])?],
    })
}

fn non_transferable() -> Res<Kel> {
    let s = keys(b"ours-nontrans-00", 1, Algorithm::Ed25519, false)?;
    let e0 = Incept { keys: verkeys(&[&s[0]])?, ..Incept::default() }.build()?;
    Ok(Kel {
        name: "non_transferable",
        description: "a non-transferable basic prefix (B)",
        msgs: vec![sign_all(&e0, &[&s[0]])?],
    })
}

fn write(out: &Path, kel: &Kel) -> Res<()> {
    let mut stream = Vec::new();
    let mut meta = Vec::new();
    for sm in &kel.msgs {
        stream.extend(sm.to_cesr(Domain::Text, false)?);
        let m = &sm.message;
        meta.push(json!({
            "ilk": m.ilk().as_str(),
            "prefix": m.prefix().map(Prefix::qb64),
            "said": m.said().qb64(),
            "sn": m.sn().map(u64::try_from).transpose()?,
        }));
    }
    let mut kevery = Kevery::default();
    let report = kevery.ingest(&stream, dkms_kel::Options::default().clock(dkms_kel::Clock::fixed(0)))?;
    if report.accepted != kel.msgs.len() || !report.errors.is_empty() {
        return Err(format!("{}: our own validator does not accept our KEL: {report:?}", kel.name).into());
    }
    let mut states = Vec::new();
    for p in kevery.prefixes() {
        states.push(state_json(kevery.state(p).ok_or("state vanished")?));
    }
    let doc = json!({
        "description": kel.description,
        "generator": "cargo run -p dkms-kel --example interop_kels",
        "stream_file": format!("{}.cesr", kel.name),
        "messages": kel.msgs.len(),
        "expected": {"accepted": report.accepted, "escrowed_at_end": report.escrowed, "rejected": report.rejected},
        "states": states,
        "message_meta": meta,
    });
    std::fs::write(out.join(format!("{}.cesr", kel.name)), &stream)?;
    std::fs::write(out.join(format!("{}.json", kel.name)), serde_json::to_string_pretty(&doc)? + "\n")?;
    println!("  {}: {} messages, {} identifiers", kel.name, kel.msgs.len(), kevery.prefixes().len());
    Ok(())
}

fn main() -> Res<()> {
    let out = std::env::args().nth(1).ok_or("usage: interop_kels OUT_DIR")?;
    let out = Path::new(&out);
    std::fs::create_dir_all(out)?;
    let (indexed, receipts) = witnesses()?;
    let kels = vec![
        single("single_key", "one Ed25519 key: icp, ixn, rot, ixn, rot", b"ours-single-key0", Algorithm::Ed25519)?,
        single(
            "ecdsa_secp256k1",
            "secp256k1 keys: icp, ixn, rot, ixn, rot",
            b"ours-secp256k1-0",
            Algorithm::Secp256k1,
        )?,
        single(
            "ecdsa_secp256r1",
            "secp256r1 keys: icp, ixn, rot, ixn, rot",
            b"ours-secp256r1-0",
            Algorithm::Secp256r1,
        )?,
        non_transferable()?,
        multi_numeric()?,
        multi_weighted()?,
        partial_rotation()?,
        config_kel("establishment_only", "EO config, icp and rot", b"ours-est-only-00", Trait::EstablishmentOnly)?,
        config_kel("do_not_delegate", "DND config, icp and rot", b"ours-dnd-0000000", Trait::DoNotDelegate)?,
        delegation()?,
        indexed,
        receipts,
        recovery()?,
        abandonment()?,
    ];
    for kel in &kels {
        write(out, kel)?;
    }
    println!("wrote {} KELs to {}", kels.len(), out.display());
    Ok(())
}
