//! Differential testing against keripy, our half: mutated keripy streams and our verdict on each.
//!
//! ```text
//! cargo run -p dkms-kel --example differential -- SEED COUNT OUT_DIR
//! ```
//!
//! Reads every committed keripy 1.1.17 scenario stream (`tests/vectors/keripy-1.1.17/*.cesr`),
//! and makes COUNT streams, each one of them with 1 to 4 mutations (messages swapped, dropped,
//! duplicated, a body given another message's attachments, a byte flipped) chosen by a PRNG
//! seeded with SEED: the same SEED gives the same streams. Each stream is written to
//! `OUT_DIR/NNNN.cesr` and ingested into a fresh [`Kevery`]; `OUT_DIR/ours.json` holds, per
//! stream, what identifies each message (as keripy's judge wants it, `interop/keripy/judge.py`
//! `Msg`) and our result: key states, accepted events, escrowed events, receipts stored, a
//! verdict per message computed as the judge computes keripy's, and the same result for the
//! stream cut before each message we reject as unreadable (keripy's parser flushes the rest of a
//! stream there, docs/interop.md). `interop/keripy/differential.py` judges the same streams with
//! keripy and compares.
#![allow(clippy::print_stdout, reason = "a command-line example")]

use std::collections::{BTreeMap, BTreeSet};
use std::error::Error;
use std::path::{Path, PathBuf};

use dkms_cesr::stream::Framer;
use dkms_event::signed::SignedMessage;
#[path = "shared/keripy_json.rs"]
mod keripy_json;
use dkms_kel::{EscrowKind, Kevery, Options, Report};
use keripy_json::state_json;
use serde_json::{Value, json};

type Res<T> = Result<T, Box<dyn Error>>;

/// splitmix64: small, seedable, the same on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(n.max(1)).unwrap_or(1)).unwrap_or(0)
    }
}

/// The messages of a stream as byte chunks; an unreadable stretch is a chunk of its own.
fn split(bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut it = Framer::new().messages(bytes);
    let mut start = 0;
    while it.next().is_some() {
        let end = it.position();
        if let Some(chunk) = bytes.get(start..end) {
            out.push(chunk.to_vec());
        }
        start = end;
    }
    out
}

fn body_len(m: &[u8]) -> usize {
    Framer::new().messages(m).next().and_then(Result::ok).map_or(m.len(), |f| f.body.raw.len())
}

/// Applies one random mutation; returns what it did.
fn mutate(msgs: &mut Vec<Vec<u8>>, rng: &mut Rng) -> String {
    let n = msgs.len();
    if n == 0 {
        return "none (empty)".into();
    }
    let (a, b) = (rng.below(n), rng.below(n));
    match rng.below(5) {
        0 => {
            msgs.swap(a, b);
            format!("swap {a} {b}")
        }
        1 if n > 1 => {
            msgs.remove(a);
            format!("drop {a}")
        }
        1 | 2 => {
            let at = rng.below(n + 1);
            let copy = msgs.get(a).cloned().unwrap_or_default();
            msgs.insert(at, copy);
            format!("duplicate {a} at {at}")
        }
        3 => {
            let (x, y) = (msgs.get(a).cloned().unwrap_or_default(), msgs.get(b).cloned().unwrap_or_default());
            let mut out = x.get(..body_len(&x)).unwrap_or_default().to_vec();
            out.extend_from_slice(y.get(body_len(&y)..).unwrap_or_default());
            if let Some(m) = msgs.get_mut(a) {
                *m = out;
            }
            format!("reattach body {a} with attachments of {b}")
        }
        _ => {
            let x = u8::try_from(1 + rng.below(255)).unwrap_or(1);
            let Some(m) = msgs.get_mut(a) else { return "none".into() };
            if m.is_empty() {
                return "none (empty message)".into();
            }
            let p = rng.below(m.len());
            let in_body = p < body_len(m);
            if let Some(byte) = m.get_mut(p) {
                *byte ^= x;
            }
            format!("flip {a} byte {p} ^ 0x{x:02x} ({})", if in_body { "body" } else { "attachments" })
        }
    }
}

/// What identifies a message for keripy's judge (`judge.Msg`): read from the body's JSON as
/// written, whether or not it is valid (`garbage` when there is no body to read).
fn meta(chunk: &[u8]) -> Value {
    let body = Framer::new().messages(chunk).next().and_then(Result::ok).map(|f| f.body.raw.to_vec());
    let fields: Option<serde_json::Map<String, Value>> =
        body.as_deref().and_then(|b| serde_json::from_slice::<Value>(b).ok()).and_then(|v| match v {
            Value::Object(m) => Some(m),
            _ => None,
        });
    let Some(f) = fields else {
        return json!({"ilk": null, "prefix": null, "said": null, "sn": null, "rct_of": null, "garbage": true});
    };
    let text = |k: &str| f.get(k).and_then(Value::as_str).map(str::to_owned);
    let ilk = text("t");
    let sn = text("s").and_then(|s| u64::from_str_radix(&s, 16).ok());
    let rct_of = if ilk.as_deref() == Some("rct") { text("d") } else { None };
    json!({"ilk": ilk, "prefix": text("i"), "said": text("d"), "sn": sn, "rct_of": rct_of, "garbage": false})
}

/// True when the message's controller signatures name one key index twice (e.g. codes `A` and
/// `2A` for the same key: keripy counts both toward a numeric threshold, we count the key once).
fn same_index_twice(chunk: &[u8]) -> bool {
    let Some(Ok(framed)) = Framer::new().messages(chunk).next() else { return false };
    let Ok(sm) = SignedMessage::from_framed(&framed) else { return false };
    let mut seen = BTreeSet::new();
    sm.attachments.controller_sigs.iter().any(|s| !seen.insert(s.index()))
}

/// The receipt signatures a message carries (`-B`, `-C`, `-D`, `-F`), when it parses.
fn receipt_sigs(chunk: &[u8]) -> Option<usize> {
    let Some(Ok(framed)) = Framer::new().messages(chunk).next() else { return None };
    let sm = SignedMessage::from_framed(&framed).ok()?;
    let a = &sm.attachments;
    Some(
        a.witness_sigs.len()
            + a.nontrans_receipts.len()
            + a.trans_receipts.iter().map(|g| g.sigs.len()).sum::<usize>()
            + a.trans_sig_groups.iter().map(|g| g.sigs.len()).sum::<usize>(),
    )
}

fn is_receipt_escrow(k: EscrowKind) -> bool {
    matches!(k, EscrowKind::UnverifiedReceipt | EscrowKind::UnverifiedTransReceipt)
}

/// Our result on one stream.
fn ours(stream: &[u8], metas: &[Value]) -> Res<(Value, Report)> {
    let mut k = Kevery::new(dkms_kel::Config::default());
    let report = k.ingest(stream, Options::default())?;
    let mut states = Vec::new();
    let mut accepted = BTreeSet::new();
    let mut receipts = BTreeMap::new();
    let mut vrcs = BTreeMap::new();
    for p in k.prefixes() {
        if let Some(s) = k.state(p) {
            states.push(state_json(s));
        }
        for l in k.kel(p)? {
            let said = l.message.said().qb64();
            accepted.insert((p.to_owned(), said.clone()));
            receipts.insert(said.clone(), l.wigs.len() + l.receipts.len());
            vrcs.insert(said, l.trans_receipts.iter().map(|g| g.sigs.len()).sum::<usize>());
        }
    }
    let waiting = k.waiting();
    let mut escrowed: BTreeMap<String, (String, BTreeSet<&'static str>)> = BTreeMap::new();
    let mut receipts_waiting = BTreeSet::new();
    for (sm, w) in &waiting {
        let said = sm.message.said().qb64();
        if is_receipt_escrow(w.kind()) {
            receipts_waiting.insert(said);
        } else {
            let pre = sm.message.prefix().map(|p| p.qb64()).unwrap_or_default();
            escrowed.entry(said).or_insert_with(|| (pre, BTreeSet::new())).1.insert(w.kind().as_str());
        }
    }
    // A verdict per message, by the rule judge.verdicts applies to keripy's database.
    let mut seen = BTreeSet::new();
    let mut verdicts = Vec::new();
    for m in metas {
        if m["garbage"] == true {
            continue;
        }
        let (pre, said) = (m["prefix"].as_str().unwrap_or(""), m["said"].as_str().unwrap_or(""));
        let v = if m["ilk"] == "rct" {
            let held = receipts.get(said).copied().unwrap_or(0) + vrcs.get(said).copied().unwrap_or(0);
            if accepted.contains(&(pre.to_owned(), said.to_owned())) && held > 0 {
                "accepted"
            } else if receipts_waiting.contains(said) {
                "escrowed"
            } else {
                "rejected"
            }
        } else if accepted.contains(&(pre.to_owned(), said.to_owned())) {
            if seen.contains(said) { "duplicate" } else { "accepted" }
        } else if escrowed.contains_key(said) {
            "escrowed"
        } else {
            "rejected"
        };
        if m["ilk"] != "rct" {
            seen.insert(said.to_owned());
        }
        verdicts.push(v);
    }
    let value = json!({
        "states": states,
        "accepted": accepted.iter().map(|(p, s)| json!([p, s])).collect::<Vec<_>>(),
        "escrowed": escrowed.iter().map(|(s, (p, kinds))| json!({"prefix": p, "said": s, "escrows": kinds})).collect::<Vec<_>>(),
        "receipts_escrowed": receipts_waiting,
        "receipts": receipts,
        "vrcs": vrcs,
        "verdicts": verdicts,
        "report": {
            "accepted": report.accepted, "escrowed": report.escrowed, "rejected": report.rejected,
            "duplicates": report.duplicates, "ignored": report.ignored,
            "errors": report.errors.iter().map(|e| json!({"offset": e.offset, "kind": e.kind(), "error": e.error.to_string()})).collect::<Vec<_>>(),
        },
    });
    Ok((value, report))
}

/// Index of the chunk that holds byte `offset`.
fn chunk_at(chunks: &[Vec<u8>], offset: usize) -> Option<usize> {
    let mut start = 0;
    for (i, c) in chunks.iter().enumerate() {
        if offset < start + c.len() {
            return Some(i);
        }
        start += c.len();
    }
    None
}

fn main() -> Res<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [seed, count, out] = args.as_slice() else {
        return Err("usage: differential SEED COUNT OUT_DIR".into());
    };
    let (seed, count, out): (u64, usize, &Path) = (seed.parse()?, count.parse()?, Path::new(out));
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors/keripy-1.1.17");
    let mut sources: Vec<(String, Vec<u8>)> = Vec::new();
    for e in std::fs::read_dir(&dir)? {
        let p = e?.path();
        if p.extension().is_some_and(|x| x == "cesr") {
            let name = p.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_owned();
            sources.push((name, std::fs::read(&p)?));
        }
    }
    sources.sort();
    if sources.is_empty() {
        return Err(format!("no streams in {}", dir.display()).into());
    }
    std::fs::create_dir_all(out)?;
    let mut rng = Rng(seed);
    let mut all = Vec::new();
    for i in 0..count {
        let (source, bytes) = sources.get(rng.below(sources.len())).ok_or("no source")?;
        let mut chunks = split(bytes);
        let mutations: Vec<String> = (0..1 + rng.below(4)).map(|_| mutate(&mut chunks, &mut rng)).collect();
        let stream = chunks.concat();
        let name = format!("{i:04}");
        std::fs::write(out.join(format!("{name}.cesr")), &stream)?;
        let mut metas: Vec<Value> = chunks
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let mut m = meta(c);
                if let Value::Object(fields) = &mut m {
                    fields.insert("len".into(), json!(c.len()));
                    fields.insert("copy_of".into(), json!(chunks.iter().take(i).position(|x| x == c)));
                    fields.insert("same_index_twice".into(), json!(same_index_twice(c)));
                    fields.insert("receipt_sigs".into(), json!(receipt_sigs(c)));
                }
                m
            })
            .collect();
        let (result, report) = ours(&stream, &metas)?;
        // Why we rejected each message (the first error inside its bytes).
        for e in report.errors.iter().rev() {
            if let Some(Value::Object(m)) = chunk_at(&chunks, e.offset).and_then(|j| metas.get_mut(j)) {
                m.insert("our_error".into(), json!(e.error.to_string()));
            }
        }
        // The stream cut before each message we reject as unreadable (framing or body).
        let mut cuts = BTreeMap::new();
        for e in &report.errors {
            if !matches!(e.kind(), "invalid_stream" | "invalid_message") {
                continue;
            }
            let Some(j) = chunk_at(&chunks, e.offset) else { continue };
            if cuts.contains_key(&j) {
                continue;
            }
            let head = chunks.get(..j).unwrap_or_default();
            let (cut, _) = ours(&head.concat(), metas.get(..j).unwrap_or_default())?;
            cuts.insert(j, json!({"kind": e.kind(), "error": e.error.to_string(), "result": cut}));
        }
        all.push(json!({
            "name": name, "source": source, "mutations": mutations, "meta": metas, "ours": result,
            "cuts": cuts.into_iter().map(|(j, c)| (j.to_string(), c)).collect::<serde_json::Map<_, _>>(),
        }));
    }
    let doc = json!({"seed": seed, "count": count, "streams": all});
    std::fs::write(out.join("ours.json"), serde_json::to_vec(&doc)?)?;
    println!(
        "differential: {count} streams (seed {seed}) from {} keripy scenarios in {}",
        sources.len(),
        out.display()
    );
    Ok(())
}
