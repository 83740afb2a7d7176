//! Prints a CESR stream readably: each message (offset, protocol and version, kind, size and the
//! `t`/`d`/`i`/`s` fields) and each attachment group with its parts, nested groups indented.
//!
//! ```text
//! cargo run -p dkms-cesr --example annotate -- crates/dkms-cesr/tests/vectors/keripy-1.1.17/streams/kel_witnessed.cesr
//! cat stream.cesr | cargo run -p dkms-cesr --example annotate -- -
//! ```
//!
//! Errors are printed with their offset and the framer carries on at the next message it can
//! find; the exit status is non-zero when any error was printed.

use std::io::Read;
use std::process::ExitCode;

use dkms_cesr::stream::{Body, Framer, Group, Kind, Part};
use dkms_cesr::{Domain, Indexer, Matter};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(path), None) = (args.next(), args.next()) else {
        eprintln!("usage: annotate <FILE | ->   (prints the messages and attachments of a CESR stream)");
        return ExitCode::from(2);
    };
    let input = if path == "-" {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf).map(|_| buf)
    } else {
        std::fs::read(&path)
    };
    let buf = match input {
        Ok(buf) => buf,
        Err(e) => {
            eprintln!("annotate: cannot read {path}: {e}");
            return ExitCode::from(2);
        }
    };

    let mut errors = 0usize;
    let mut messages = 0usize;
    for item in Framer::new().messages(&buf) {
        match item {
            Ok(msg) => {
                messages += 1;
                print_body(&msg.body);
                for group in &msg.attachments {
                    errors += print_group(group, group.offset, 1);
                }
            }
            Err(e) => {
                errors += 1;
                let at = e.offset().map_or_else(|| "?".to_owned(), |o| o.to_string());
                println!("@{at} ERROR {e}");
            }
        }
    }
    println!("-- {messages} message(s), {} byte(s), {errors} error(s)", buf.len());
    if errors == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

fn print_body(body: &Body<'_>) {
    let v = &body.version;
    let protocol = String::from_utf8_lossy(&v.protocol);
    let mut line =
        format!("@{} message {protocol} {:x}.{:x} {} {} bytes", body.offset, v.major, v.minor, v.kind.as_str(), v.size);
    for key in ["t", "d", "i", "s"] {
        if let Some(value) = field(body.raw, v.kind, key) {
            line.push_str(&format!(" {key}={value}"));
        }
    }
    println!("{line}");
}

/// Prints a group at absolute offset `at` and its parts; returns the number of errors printed.
fn print_group(group: &Group<'_>, at: usize, depth: usize) -> usize {
    let pad = "  ".repeat(depth);
    let c = &group.counter;
    let domain = match group.domain {
        Domain::Text => "text",
        Domain::Binary => "binary",
        _ => "?",
    };
    println!("@{at} {pad}{} {} count={} {domain} {} bytes", c.code(), c.entry().name, c.count(), group.raw.len());
    let parts = match group.parts() {
        Ok(parts) => parts,
        Err(e) => {
            println!("@{at} {pad}  ERROR {e}");
            return 1;
        }
    };
    let mut errors = 0;
    // Parts follow the counter back to back.
    let mut pos = group.raw.len() - group.content().len();
    for part in parts {
        let here = at + pos;
        let inner = format!("{pad}  ");
        match part {
            Part::Matter(bytes) => {
                pos += bytes.len();
                match Matter::decode(bytes, group.domain) {
                    Ok(m) => println!("@{here} {inner}{} {} {}", m.code().code(), m.code().name(), m.qb64()),
                    Err(e) => {
                        errors += 1;
                        println!("@{here} {inner}ERROR {}", e.shifted(here));
                    }
                }
            }
            Part::Indexer(bytes) => {
                pos += bytes.len();
                match Indexer::decode(bytes, group.domain) {
                    Ok(s) => {
                        let ondex = s.ondex().map_or_else(|| "-".to_owned(), |o| o.to_string());
                        let (code, name) = (s.code().code(), s.code().name());
                        println!("@{here} {inner}{code} {name} index={} ondex={ondex} {}", s.index(), s.qb64());
                    }
                    Err(e) => {
                        errors += 1;
                        println!("@{here} {inner}ERROR {}", e.shifted(here));
                    }
                }
            }
            Part::Group(nested) => {
                pos = nested.offset + nested.raw.len();
                errors += print_group(&nested, at + nested.offset, depth + 1);
            }
            Part::Opaque(bytes) => {
                pos += bytes.len();
                println!("@{here} {inner}opaque {} bytes", bytes.len());
            }
            _ => println!("@{here} {inner}(unknown part)"),
        }
    }
    errors
}

/// The string value of `key` in a body, by a tiny byte scan (no parser). For JSON only top-level
/// keys count; for CBOR and MGPK it is the first occurrence, which for `t`, `d`, `i`, `s` is the
/// top-level one in KERI field order (nested maps come later).
fn field(raw: &[u8], kind: Kind, key: &str) -> Option<String> {
    let key = key.as_bytes();
    let value = match kind {
        Kind::Json => json_top_level(raw, key)?,
        // CBOR: key is a text string (0x60 | len), value a text string (0x60 | len, 0x78 len8).
        // MGPK: key is a fixstr (0xa0 | len), value a fixstr or str8 (0xd9 len8).
        Kind::Cbor | Kind::Mgpk => {
            let (tag, long) = if kind == Kind::Cbor { (0x60u8, 0x78u8) } else { (0xa0, 0xd9) };
            let len = u8::try_from(key.len()).ok()?;
            let pat = [&[tag | len][..], key].concat();
            let at = find(raw, &pat)?;
            let rest = raw.get(at + pat.len()..)?;
            let (&head, rest) = rest.split_first()?;
            let max_short = if kind == Kind::Cbor { 23 } else { 31 };
            let (n, rest) = if head == long {
                let (&n, rest) = rest.split_first()?;
                (usize::from(n), rest)
            } else if head & 0xe0 == tag & 0xe0 && head & 0x1f <= max_short {
                (usize::from(head & 0x1f), rest)
            } else {
                return None;
            };
            rest.get(..n)?
        }
        _ => return None,
    };
    std::str::from_utf8(value).ok().map(str::to_owned)
}

/// The string value of a top-level `key` in a JSON object (keys and values without escapes).
fn json_top_level<'a>(raw: &'a [u8], key: &[u8]) -> Option<&'a [u8]> {
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(&b) = raw.get(i) {
        match b {
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth = depth.saturating_sub(1),
            b'"' => {
                let start = i + 1;
                let end = start + string_len(raw.get(start..)?)?;
                i = end + 1;
                let rest = trim_ws(raw.get(i..)?);
                if depth == 1 && rest.first() == Some(&b':') && raw.get(start..end) == Some(key) {
                    let value = trim_ws(rest.get(1..)?).strip_prefix(b"\"")?;
                    return value.get(..string_len(value)?);
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Length of a JSON string body up to its closing quote, skipping escapes.
fn string_len(s: &[u8]) -> Option<usize> {
    let mut i = 0;
    loop {
        match s.get(i)? {
            b'"' => return Some(i),
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn trim_ws(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|b| b.is_ascii_whitespace()).count();
    s.get(n..).unwrap_or_default()
}
