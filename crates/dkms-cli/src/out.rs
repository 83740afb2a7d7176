//! JSON and text renderings of key states, reports and KELs.

use std::fmt::Write as _;

use anyhow::{Result, bail};
use dkms::StreamVerdict;
use dkms::cesr::stream::Framer;
use dkms::event::primitives::{Digest, Prefix, Verkey};
use dkms::event::signed::SignedMessage;
use dkms::event::threshold::Threshold;
use dkms::event::value::Value;
use dkms::kel::{Kevery, KeyState, Logged, Pending, Rejection, Report, Warning};
use serde_json::{Value as Json, json};

/// A sequence number as a JSON number (as a string beyond 2^64, which never happens in practice).
pub(crate) fn num(n: u128) -> Json {
    u64::try_from(n).map_or_else(|_| json!(n.to_string()), |v| json!(v))
}

/// An event value as JSON.
pub(crate) fn value_json(v: &Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Bool(b) => json!(b),
        Value::Int(i) => i64::try_from(*i).map_or_else(|_| json!(i.to_string()), |x| json!(x)),
        Value::Str(s) => json!(s),
        Value::Float(x) => {
            x.parse::<f64>().ok().and_then(serde_json::Number::from_f64).map_or_else(|| json!(x), Json::Number)
        }
        Value::List(l) => Json::Array(l.iter().map(value_json).collect()),
        Value::Map(m) => Json::Object(m.iter().map(|(k, v)| (k.to_owned(), value_json(v))).collect()),
    }
}

fn threshold_json(t: &Threshold) -> Json {
    value_json(&t.to_value())
}

/// The identifier object of `keri kel verify --json` and `keri status --json`.
pub(crate) fn state_json(s: &KeyState) -> Json {
    json!({
        "prefix": s.prefix().qb64(),
        "sn": num(s.sn()),
        "digest": s.said().qb64(),
        "keys": s.keys().iter().map(Verkey::qb64).collect::<Vec<_>>(),
        "next": s.next().iter().map(Digest::qb64).collect::<Vec<_>>(),
        "kt": threshold_json(s.kt()),
        "nt": threshold_json(s.nt()),
        "witnesses": s.witnesses().iter().map(Prefix::qb64).collect::<Vec<_>>(),
        "toad": s.toad(),
        "delegator": s.delegator().map(Prefix::qb64),
        "config": s.config().iter().map(|t| value_json(&t.to_value())).collect::<Vec<_>>(),
        "last_est": {"sn": num(s.last_est().sn), "digest": s.last_est().said.qb64()},
        "transferable": s.transferable(),
    })
}

fn threshold_text(t: &Threshold) -> String {
    match t.to_value() {
        Value::Str(s) => u64::from_str_radix(&s, 16).map_or(s, |n| n.to_string()),
        v => value_json(&v).to_string(),
    }
}

/// Key state as readable text.
pub(crate) fn state_text(s: &KeyState) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "prefix       {}", s.prefix().qb64());
    let _ = writeln!(o, "sn           {} ({})", s.sn(), s.ilk().as_str());
    let _ = writeln!(o, "digest       {}", s.said().qb64());
    let _ = writeln!(o, "signing      {} of {} key(s)", threshold_text(s.kt()), s.keys().len());
    for (i, k) in s.keys().iter().enumerate() {
        let _ = writeln!(o, "  key {i:<3}    {}", k.qb64());
    }
    let _ = writeln!(o, "next         {} of {} commitment(s)", threshold_text(s.nt()), s.next().len());
    for (i, n) in s.next().iter().enumerate() {
        let _ = writeln!(o, "  next {i:<3}   {}", n.qb64());
    }
    let _ = writeln!(o, "witnesses    {} (toad {})", s.witnesses().len(), s.toad());
    for w in s.witnesses() {
        let _ = writeln!(o, "  witness    {}", w.qb64());
    }
    if let Some(d) = &s.delegator() {
        let _ = writeln!(o, "delegator    {}", d.qb64());
    }
    if !s.config().is_empty() {
        let c: Vec<&str> = s.config().iter().map(|t| t.as_str()).collect();
        let _ = writeln!(o, "config       {}", c.join(" "));
    }
    let _ = writeln!(o, "last est.    sn {} {}", s.last_est().sn, s.last_est().said.qb64());
    let _ = writeln!(o, "transferable {}", s.transferable());
    o
}

fn errors_json(errors: &[Rejection]) -> Json {
    Json::Array(
        errors.iter().map(|r| json!({"offset": r.offset, "kind": r.kind(), "message": r.error.to_string()})).collect(),
    )
}

/// Warnings, in the shape of errors.
fn warnings_json(warnings: &[Warning]) -> Json {
    Json::Array(
        warnings.iter().map(|w| json!({"offset": w.offset, "kind": w.name(), "message": w.to_string()})).collect(),
    )
}

/// Messages still in escrow, with what each waits for.
fn pending_json(pending: &[Pending]) -> Json {
    Json::Array(
        pending
            .iter()
            .map(|p| {
                json!({
                    "offset": p.offset,
                    "ilk": p.ilk,
                    "prefix": p.prefix,
                    "sn": p.sn,
                    "said": p.said,
                    "escrow": p.waiting.kind().as_str(),
                    "waiting_for": p.waiting.to_string(),
                })
            })
            .collect(),
    )
}

/// How many entries of each list the report left out (it keeps the first ones).
fn omitted_json(r: &Report) -> Json {
    json!({"errors": r.errors_omitted, "warnings": r.warnings_omitted, "pending": r.pending_omitted})
}

/// The errors, warnings and waiting messages of a report as text lines.
pub(crate) fn report_lines(r: &Report) -> String {
    let mut o = String::new();
    for e in &r.errors {
        let _ = writeln!(o, "  at byte {}: {}: {}", e.offset, e.kind(), e.error);
    }
    for w in &r.warnings {
        let _ = writeln!(o, "  warning at byte {}: {}: {}", w.offset, w.name(), w);
    }
    for p in &r.pending {
        let _ = writeln!(o, "  waiting at byte {}: {} {} sn {}: {}", p.offset, p.ilk, p.prefix, p.sn, p.waiting);
    }
    for (n, what) in
        [(r.errors_omitted, "errors"), (r.warnings_omitted, "warnings"), (r.pending_omitted, "waiting messages")]
    {
        if n > 0 {
            let _ = writeln!(o, "  … and {n} more {what} (not listed)");
        }
    }
    o
}

/// `keri kel import --json`.
pub(crate) fn report_json(r: &Report) -> Json {
    json!({
        "accepted": r.accepted,
        "escrowed": r.escrowed,
        "rejected": r.rejected,
        "duplicates": r.duplicates,
        "ignored": r.ignored,
        "errors": errors_json(&r.errors),
        "warnings": warnings_json(&r.warnings),
        "pending": pending_json(&r.pending),
        "omitted": omitted_json(r),
    })
}

/// `keri kel verify --json`: exactly the documented object.
pub(crate) fn verdict_json(v: &StreamVerdict) -> Json {
    json!({
        "valid": v.valid,
        "accepted": v.report.accepted,
        "escrowed": v.report.escrowed,
        "rejected": v.report.rejected,
        "errors": errors_json(&v.report.errors),
        "warnings": warnings_json(&v.report.warnings),
        "pending": pending_json(&v.report.pending),
        "omitted": omitted_json(&v.report),
        "identifiers": v.states.iter().map(state_json).collect::<Vec<_>>(),
    })
}

/// `keri kel verify` as text.
pub(crate) fn verdict_text(v: &StreamVerdict) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{}: {} accepted, {} escrowed, {} rejected",
        if v.valid { "valid" } else { "INVALID" },
        v.report.accepted,
        v.report.escrowed,
        v.report.rejected
    );
    o.push_str(&report_lines(&v.report));
    for s in &v.states {
        let _ = writeln!(
            o,
            "  {} sn {} keys {} kt {} digest {}",
            s.prefix().qb64(),
            s.sn(),
            s.keys().len(),
            threshold_text(s.kt()),
            s.said().qb64()
        );
    }
    o
}

/// One row of a KEL table.
pub(crate) struct Row {
    sn: u128,
    ilk: &'static str,
    said: String,
    kt: Option<Json>,
    keys: Vec<String>,
    nt: Option<Json>,
    next: usize,
    toad: Option<u64>,
    witnesses: Option<usize>,
    anchors: Vec<Json>,
    sigs: Vec<u32>,
}

/// A KEL as a table.
pub(crate) struct KelTable {
    prefix: String,
    rows: Vec<Row>,
}

fn row(message: &dkms::event::Message, sigs: &[dkms::cesr::Indexer]) -> Row {
    let base = |anchors: &[dkms::event::seal::Anchor]| anchors.iter().map(|a| value_json(&a.to_value())).collect();
    let mut r = Row {
        sn: message.sn().unwrap_or_default(),
        ilk: message.ilk().as_str(),
        said: message.said().qb64(),
        kt: None,
        keys: Vec::new(),
        nt: None,
        next: 0,
        toad: None,
        witnesses: None,
        anchors: Vec::new(),
        sigs: sigs.iter().map(dkms::cesr::Indexer::index).collect(),
    };
    let body = message.body();
    r.kt = body.kt().map(threshold_json);
    r.keys = body.keys().unwrap_or_default().iter().map(Verkey::qb64).collect();
    r.nt = body.nt().map(threshold_json);
    r.next = body.next().map_or(0, <[_]>::len);
    r.toad = body.toad();
    r.witnesses = body.witnesses().map(<[_]>::len);
    r.anchors = base(body.anchors());
    r
}

impl KelTable {
    /// The current chain of `prefix` in a validator.
    pub(crate) fn from_kevery(k: &Kevery, prefix: &str) -> Result<Self> {
        let rows = dkms::chain(k, prefix)?.iter().map(|l: &Logged| row(&l.message, &l.sigs)).collect();
        Ok(Self { prefix: prefix.to_owned(), rows })
    }

    pub(crate) fn to_json(&self) -> Json {
        json!({
            "prefix": self.prefix,
            "events": self.rows.iter().map(|r| json!({
                "sn": num(r.sn),
                "ilk": r.ilk,
                "said": r.said,
                "kt": r.kt,
                "keys": r.keys,
                "nt": r.nt,
                "next": r.next,
                "toad": r.toad,
                "witnesses": r.witnesses,
                "anchors": r.anchors,
                "signatures": r.sigs,
            })).collect::<Vec<_>>(),
        })
    }

    pub(crate) fn to_text(&self) -> String {
        let mut o = String::new();
        let _ = writeln!(o, "KEL of {}", self.prefix);
        let _ = writeln!(
            o,
            "{:>4}  {:<4} {:<44}  {:<14} {:>4} {:<14} {:>4} {:>4}  {:<8} anchors",
            "sn", "ilk", "said", "kt", "keys", "nt", "next", "toad", "sigs"
        );
        for r in &self.rows {
            let t = |j: &Option<Json>| {
                j.as_ref().map_or("-".to_owned(), |v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            };
            let keys = if r.keys.is_empty() { "-".to_owned() } else { r.keys.len().to_string() };
            let next = if r.kt.is_some() { r.next.to_string() } else { "-".to_owned() };
            let toad = r.toad.map_or("-".to_owned(), |x| x.to_string());
            let sigs: Vec<String> = r.sigs.iter().map(u32::to_string).collect();
            let anchors = if r.anchors.is_empty() {
                String::new()
            } else {
                r.anchors.iter().map(Json::to_string).collect::<Vec<_>>().join(" ")
            };
            let _ = writeln!(
                o,
                "{:>4}  {:<4} {:<44}  {:<14} {:>4} {:<14} {:>4} {:>4}  {:<8} {anchors}",
                r.sn,
                r.ilk,
                r.said,
                t(&r.kt),
                keys,
                t(&r.nt),
                next,
                toad,
                sigs.join(",")
            );
            for (i, k) in r.keys.iter().enumerate() {
                let _ = writeln!(o, "{:>10} key {i}: {k}", "");
            }
        }
        o
    }
}

/// KEL tables straight from a stream (no validation beyond parsing), for `kel show --file`.
pub(crate) fn kel_tables_from_stream(bytes: &[u8], only: Option<&str>) -> Result<Vec<KelTable>> {
    let mut tables: Vec<KelTable> = Vec::new();
    for framed in Framer::new().messages(bytes) {
        let framed = framed?;
        let signed = SignedMessage::from_framed(&framed)?;
        if !signed.message.ilk().is_key_event() {
            continue;
        }
        let Some(prefix) = signed.message.prefix().map(Prefix::qb64) else { continue };
        if only.is_some_and(|p| p != prefix) {
            continue;
        }
        let r = row(&signed.message, &signed.attachments.controller_sigs);
        match tables.iter_mut().find(|t| t.prefix == prefix) {
            Some(t) => t.rows.push(r),
            None => tables.push(KelTable { prefix, rows: vec![r] }),
        }
    }
    if tables.is_empty() {
        bail!("no key events{} in the stream", only.map(|p| format!(" of {p}")).unwrap_or_default());
    }
    Ok(tables)
}
