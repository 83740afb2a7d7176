//! Entry points for the fuzz targets in `fuzz/` (hidden; not a stable API).

use dkms_cesr::Domain;
use dkms_cesr::stream::Framer;

use crate::message::Message;
use crate::signed::SignedMessage;

/// Strict body parsing: never panics; whatever parses is exactly the input and parses again equal.
#[allow(clippy::panic, reason = "a fuzz oracle reports a broken invariant by panicking")]
pub fn message(data: &[u8]) {
    if let Ok(m) = Message::parse(data) {
        if m.raw() != data {
            panic!("a parsed message does not keep its bytes");
        }
        match Message::parse(m.raw()) {
            Ok(again) if again == m => {}
            _ => panic!("a parsed message does not parse again to itself"),
        }
    }
}

/// Signed messages from a stream: whatever decodes re-encodes and decodes to the same message.
#[allow(clippy::panic, reason = "a fuzz oracle reports a broken invariant by panicking")]
pub fn signed(data: &[u8]) {
    for framed in Framer::new().messages(data).flatten() {
        let Ok(s) = SignedMessage::from_framed(&framed) else { continue };
        for domain in [Domain::Text, Domain::Binary] {
            let Ok(out) = s.to_cesr(domain, false) else { continue };
            let again = Framer::new().messages(&out).next();
            let Some(Ok(f)) = again else { panic!("re-encoded message does not frame") };
            match SignedMessage::from_framed(&f) {
                Ok(back) if back.message == s.message => {}
                _ => panic!("re-encoded message does not decode to the same body"),
            }
        }
    }
}

/// The text forms of thresholds and seals (`FromStr`): never panic; whatever parses
/// reads back the same from its field value.
#[allow(clippy::panic, reason = "a fuzz oracle reports a broken invariant by panicking")]
pub fn text(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // Weights are compared as written (reduced), so `2/4` and `1/2` are the same.
    if let Ok(t) = text.parse::<crate::threshold::Threshold>()
        && crate::threshold::Threshold::parse(&t.to_value(), "kt").map(|b| b.to_value()).ok() != Some(t.to_value())
    {
        panic!("a threshold read from text does not read back from its value");
    }
    if let Ok(s) = text.parse::<crate::seal::Seal>() {
        let back = match s.to_value() {
            crate::value::Value::Map(m) => crate::seal::Seal::from_map(&m, "a").ok().flatten(),
            _ => None,
        };
        if back != Some(s) {
            panic!("a seal read from text does not read back from its value");
        }
    }
}
