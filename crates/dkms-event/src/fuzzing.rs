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
