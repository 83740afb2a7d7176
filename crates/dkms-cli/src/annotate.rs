//! `keri cesr annotate`: any CESR v1 stream, one primitive per line, and domain conversion.

use anyhow::{Result, bail};
use dkms::cesr::stream::{Framer, Group, Item, Part, Status};
use dkms::cesr::{CounterKind, Domain, IndexKind, Indexer, Matter, MatterCode};
use dkms::event::Message;
use serde_json::{Value as Json, json};

/// One annotated item.
pub(crate) struct Line {
    offset: usize,
    depth: usize,
    kind: &'static str,
    code: String,
    name: String,
    meaning: String,
    text: String,
}

impl Line {
    pub(crate) fn to_text(&self) -> String {
        let indent = "  ".repeat(self.depth);
        let text = if self.text.is_empty() { String::new() } else { format!("  {}", self.text) };
        format!("{:>6}  {indent}{:<6} {} — {}{text}", self.offset, self.code, self.name, self.meaning)
    }

    pub(crate) fn to_json(&self) -> Json {
        json!({
            "offset": self.offset,
            "depth": self.depth,
            "kind": self.kind,
            "code": self.code,
            "name": self.name,
            "meaning": self.meaning,
            "text": self.text,
        })
    }
}

fn counter_meaning(kind: CounterKind) -> &'static str {
    match kind {
        CounterKind::ControllerIdxSigs => "controller indexed signatures",
        CounterKind::WitnessIdxSigs => "witness indexed signatures",
        CounterKind::NonTransReceiptCouples => "non-transferable receipt couples (signer key + signature)",
        CounterKind::TransReceiptQuadruples => "transferable receipt quadruples (prefix + sn + digest + signature)",
        CounterKind::FirstSeenReplayCouples => "first-seen replay couples (ordinal + date-time)",
        CounterKind::TransIdxSigGroups => "transferable signature groups (prefix + sn + digest + signatures)",
        CounterKind::SealSourceCouples => "seal source couples (sn + digest of the anchoring event)",
        CounterKind::TransLastIdxSigGroups => "signature groups by the signer's latest keys (prefix + signatures)",
        CounterKind::SealSourceTriples => "seal source triples (prefix + sn + digest)",
        CounterKind::SadPathSig => "signature on a path of a self-addressing document",
        CounterKind::SadPathSigGroup => "path signatures under a root path",
        CounterKind::PathedMaterialQuadlets => "pathed material, counted in quadlets",
        CounterKind::AttachedMaterialQuadlets => "all attachments of a message, counted in quadlets (pipelined)",
        CounterKind::BigAttachedMaterialQuadlets => "all attachments of a message, big count (pipelined)",
        CounterKind::KeriProtocolStack => "protocol stack genus and version",
        _ => "counter",
    }
}

fn matter_meaning(code: MatterCode) -> String {
    let m = match code {
        MatterCode::Ed25519Seed => "Ed25519 private key seed (SECRET)",
        MatterCode::Ecdsa256k1Seed => "secp256k1 private key seed (SECRET)",
        MatterCode::Ecdsa256r1Seed => "secp256r1 private key seed (SECRET)",
        MatterCode::Ed25519N => "Ed25519 public key, non-transferable",
        MatterCode::Ed25519 => "Ed25519 public key, transferable",
        MatterCode::Ecdsa256k1N => "secp256k1 public key, non-transferable",
        MatterCode::Ecdsa256k1 => "secp256k1 public key, transferable",
        MatterCode::Ecdsa256r1N => "secp256r1 public key, non-transferable",
        MatterCode::Ecdsa256r1 => "secp256r1 public key, transferable",
        MatterCode::Blake3_256 => "Blake3-256 digest",
        MatterCode::Blake2b_256 => "Blake2b-256 digest",
        MatterCode::Blake2s_256 => "Blake2s-256 digest",
        MatterCode::Sha3_256 => "SHA3-256 digest",
        MatterCode::Sha2_256 => "SHA2-256 digest",
        MatterCode::Blake3_512 => "Blake3-512 digest",
        MatterCode::Blake2b_512 => "Blake2b-512 digest",
        MatterCode::Sha3_512 => "SHA3-512 digest",
        MatterCode::Sha2_512 => "SHA2-512 digest",
        MatterCode::Ed25519Sig => "Ed25519 signature",
        MatterCode::Ecdsa256k1Sig => "secp256k1 signature",
        MatterCode::Ecdsa256r1Sig => "secp256r1 signature",
        MatterCode::Salt128 => "128-bit number: salt, sequence number or ordinal",
        MatterCode::DateTime => "RFC-3339 date-time",
        MatterCode::X25519 => "X25519 public encryption key",
        MatterCode::Short => "short number",
        MatterCode::Big => "big number",
        _ => return format!("{} primitive", code.name()),
    };
    m.to_owned()
}

fn indexer_meaning(sig: &Indexer) -> String {
    let which = match sig.code().kind() {
        IndexKind::CurrentOnly => "current keys only",
        IndexKind::Both => "current and prior next keys",
        _ => "test-only code",
    };
    let algo = dkms::crypto::Algorithm::from_indexer_code(sig.code()).map_or("", |a| a.name());
    match sig.ondex() {
        Some(o) if o != sig.index() => format!("{algo} signature by key {} (prior next {o}; {which})", sig.index()),
        _ => format!("{algo} signature by key {} ({which})", sig.index()),
    }
}

/// Annotates `bytes`; returns the lines and the first error (offset, message), if any.
pub(crate) fn annotate(bytes: &[u8]) -> (Vec<Line>, Option<(usize, String)>) {
    let framer = Framer::new();
    let mut lines = Vec::new();
    let mut pos = 0usize;
    while let Some(rest) = bytes.get(pos..).filter(|r| !r.is_empty()) {
        match framer.next_item(rest) {
            Ok(Status::Done(Item::Body(b), n)) => {
                lines.push(body_line(b.raw, pos));
                pos += n;
            }
            Ok(Status::Done(Item::Group(g), n)) => {
                if let Err((o, m)) = group_lines(&g, pos, 0, &mut lines) {
                    return (lines, Some((o, m)));
                }
                pos += n;
            }
            Ok(Status::Incomplete(need)) => {
                return (lines, Some((pos, format!("the stream ends inside an item ({need} more byte(s) needed)"))));
            }
            Ok(_) => return (lines, Some((pos, "unknown item".to_owned()))),
            Err(e) => return (lines, Some((pos + e.offset().unwrap_or(0), e.to_string()))),
        }
    }
    (lines, None)
}

fn body_line(raw: &[u8], offset: usize) -> Line {
    let vs = raw.iter().position(|b| *b == b'_').and_then(|_| {
        // the version string sits in the first 29 bytes
        (0..=12).find_map(|o| {
            let s = raw.get(o..o + 17)?;
            (s.starts_with(b"KERI") || s.starts_with(b"ACDC")).then(|| String::from_utf8_lossy(s).into_owned())
        })
    });
    let code = vs.unwrap_or_else(|| "body".to_owned());
    match Message::parse(raw) {
        Ok(m) => {
            let prefix = m.prefix().map(|p| format!(" of {}", p.qb64())).unwrap_or_default();
            let sn = m.sn().map(|s| format!(" sn {s}")).unwrap_or_default();
            Line {
                offset,
                depth: 0,
                kind: "body",
                code,
                name: m.ilk().as_str().to_owned(),
                meaning: format!("{} message{prefix}{sn} ({} bytes)", m.kind().as_str(), raw.len()),
                text: m.said().qb64(),
            }
        }
        Err(e) => Line {
            offset,
            depth: 0,
            kind: "body",
            code,
            name: "message".to_owned(),
            meaning: format!("{} bytes that do not parse as a KERI message: {e}", raw.len()),
            text: String::new(),
        },
    }
}

fn group_lines(g: &Group<'_>, offset: usize, depth: usize, lines: &mut Vec<Line>) -> Result<(), (usize, String)> {
    let entry = g.counter.entry();
    let count = g.counter.count();
    let domain = if g.domain == Domain::Text { "" } else { ", binary" };
    lines.push(Line {
        offset,
        depth,
        kind: "counter",
        code: g.counter.qb64(),
        name: entry.name.to_owned(),
        meaning: format!("{}: count {count}{domain}", counter_meaning(g.counter.kind())),
        text: String::new(),
    });
    let parts = g.parts().map_err(|e| (offset + e.offset().unwrap_or(0), e.to_string()))?;
    let mut pos = offset + g.domain.bytes_for_chars(g.counter.full_size());
    for p in parts {
        match p {
            Part::Matter(b) => {
                let m = Matter::decode(b, g.domain).map_err(|e| (pos, e.to_string()))?;
                // Private keys and seeds are named, never printed.
                let secret = dkms::cesr::is_secret_code(m.code());
                lines.push(Line {
                    offset: pos,
                    depth: depth + 1,
                    kind: "matter",
                    code: m.code().code().to_owned(),
                    name: m.code().name().to_owned(),
                    meaning: matter_meaning(m.code()),
                    text: if secret { "(not shown)".to_owned() } else { m.qb64() },
                });
                pos += b.len();
            }
            Part::Indexer(b) => {
                let s = Indexer::decode(b, g.domain).map_err(|e| (pos, e.to_string()))?;
                lines.push(Line {
                    offset: pos,
                    depth: depth + 1,
                    kind: "indexer",
                    code: s.code().code().to_owned(),
                    name: s.code().name().to_owned(),
                    meaning: indexer_meaning(&s),
                    text: s.qb64(),
                });
                pos += b.len();
            }
            Part::Group(inner) => {
                group_lines(&inner, pos, depth + 1, lines)?;
                pos += inner.raw.len();
            }
            Part::Opaque(b) => {
                lines.push(Line {
                    offset: pos,
                    depth: depth + 1,
                    kind: "opaque",
                    code: String::new(),
                    name: "material".to_owned(),
                    meaning: format!("{} bytes not framed further", b.len()),
                    text: String::from_utf8(b.to_vec()).unwrap_or_else(|_| format!("{} bytes", b.len())),
                });
                pos += b.len();
            }
            _ => {}
        }
    }
    Ok(())
}

/// The stream with every attachment group in `domain` (bodies unchanged).
pub(crate) fn convert(bytes: &[u8], domain: Domain) -> Result<Vec<u8>> {
    let framer = Framer::new();
    let mut out = Vec::with_capacity(bytes.len());
    let mut pos = 0usize;
    while let Some(rest) = bytes.get(pos..).filter(|r| !r.is_empty()) {
        match framer.next_item(rest) {
            Ok(Status::Done(Item::Body(b), n)) => {
                out.extend_from_slice(b.raw);
                pos += n;
            }
            Ok(Status::Done(Item::Group(g), n)) => {
                if g.domain == domain {
                    out.extend_from_slice(g.raw);
                } else if domain == Domain::Binary {
                    out.extend(dkms::cesr::text_to_binary(g.raw)?);
                } else {
                    out.extend(dkms::cesr::binary_to_text(g.raw)?);
                }
                pos += n;
            }
            Ok(Status::Incomplete(need)) => {
                bail!("at byte {pos}: the stream ends inside an item ({need} more byte(s) needed)")
            }
            Ok(_) => bail!("at byte {pos}: unknown item"),
            Err(e) => bail!("at byte {}: {e}", pos + e.offset().unwrap_or(0)),
        }
    }
    Ok(out)
}
