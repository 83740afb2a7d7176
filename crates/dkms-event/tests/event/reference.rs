//! Reference §12.1 bodies (keripy's own unit-test vectors, reproduced with keripy 1.1.17).

use dkms_cesr::MatterCode;
use dkms_event::message::{Body, Ilk, Message};
use dkms_event::ser::Kind;
use dkms_event::threshold::Threshold;
use dkms_event::value::Map;
use dkms_event::{Error, ser};

pub(crate) const ICP_SAD: &str = r#"{"v":"KERI10JSON00012b_","t":"icp","d":"EAKCxMOuoRzREVHsHCkLilBrUXTvyenBiuM2QtV8BB0C","i":"EAKCxMOuoRzREVHsHCkLilBrUXTvyenBiuM2QtV8BB0C","s":"0","kt":"1","k":["DFs8BBx86uytIM0D2BhsE5rrqVIT8ef8mflpNceHo4XH"],"nt":"1","n":["EIf-ENw7PrM52w4H-S7NGU2qVIfraXVIlV9hEAaMHg7W"],"bt":"0","b":[],"c":[],"a":[]}"#;
const ICP_NONTRANS: &str = r#"{"v":"KERI10JSON0000fd_","t":"icp","d":"EMW0zK3bagYPO6gx3w7Ua90f-I7x5kGIaI4Xeq9W8_As","i":"BFs8BBx86uytIM0D2BhsE5rrqVIT8ef8mflpNceHo4XH","s":"0","kt":"1","k":["BFs8BBx86uytIM0D2BhsE5rrqVIT8ef8mflpNceHo4XH"],"nt":"0","n":[],"bt":"0","b":[],"c":[],"a":[]}"#;
const ICP_ABANDONED: &str = r#"{"v":"KERI10JSON0000fd_","t":"icp","d":"EPLRRJFe2FHdXKVTkSEX4xb4x-YaPFJ2Xds1vhtNTd4n","i":"DFs8BBx86uytIM0D2BhsE5rrqVIT8ef8mflpNceHo4XH","s":"0","kt":"1","k":["DFs8BBx86uytIM0D2BhsE5rrqVIT8ef8mflpNceHo4XH"],"nt":"0","n":[],"bt":"0","b":[],"c":[],"a":[]}"#;
const ICP_BASIC: &str = r#"{"v":"KERI10JSON00012b_","t":"icp","d":"EJQUyxnzIAtmZPoq9f4fExeGN0qfJmaFnUEKTwIiTBPj","i":"DFs8BBx86uytIM0D2BhsE5rrqVIT8ef8mflpNceHo4XH","s":"0","kt":"1","k":["DFs8BBx86uytIM0D2BhsE5rrqVIT8ef8mflpNceHo4XH"],"nt":"1","n":["EIf-ENw7PrM52w4H-S7NGU2qVIfraXVIlV9hEAaMHg7W"],"bt":"0","b":[],"c":[],"a":[]}"#;
const ICP_INTIVE: &str = r#"{"v":"KERI10JSON000125_","t":"icp","d":"EIflL4H4134zYoRM6ls6Q086RLC_BhfNFh5uk-WxvhsL","i":"EIflL4H4134zYoRM6ls6Q086RLC_BhfNFh5uk-WxvhsL","s":"0","kt":1,"k":["DFs8BBx86uytIM0D2BhsE5rrqVIT8ef8mflpNceHo4XH"],"nt":1,"n":["EIf-ENw7PrM52w4H-S7NGU2qVIfraXVIlV9hEAaMHg7W"],"bt":0,"b":[],"c":[],"a":[]}"#;
const ROT: &str = r#"{"v":"KERI10JSON000160_","t":"rot","d":"EFl8nvRCbN2xQJI75nBXp-gaXuHJw8zheVjwMN_rB-pb","i":"DFs8BBx86uytIM0D2BhsE5rrqVIT8ef8mflpNceHo4XH","s":"1","p":"EJQUyxnzIAtmZPoq9f4fExeGN0qfJmaFnUEKTwIiTBPj","kt":"1","k":["DB4GWvru73jWZKpNgMQp8ayDRin0NG0Ymn_RXQP_v-PQ"],"nt":"1","n":["EIsKL3B6Zz5ICGxCQp-SoLXjwOrdlSbLJrEn21c2zVaU"],"bt":"0","br":[],"ba":[],"a":[]}"#;
const IXN: &str = r#"{"v":"KERI10JSON0000cb_","t":"ixn","d":"EKKccCumVQdgxvsrSXvuTtjmS28Xqf3zRJ8T6peKgl9J","i":"DFs8BBx86uytIM0D2BhsE5rrqVIT8ef8mflpNceHo4XH","s":"2","p":"ECauhEzA4DJDXVDnNQiGQ0sKXa6sx_GgS8Ebdzm4E-kQ","a":[]}"#;
const RCT: &str = r#"{"v":"KERI10JSON000091_","t":"rct","d":"EKKccCumVQdgxvsrSXvuTtjmS28Xqf3zRJ8T6peKgl9J","i":"DFs8BBx86uytIM0D2BhsE5rrqVIT8ef8mflpNceHo4XH","s":"2"}"#;

fn fields_of(raw: &str) -> Map {
    let mut m = ser::decode(raw.as_bytes(), Kind::Json).unwrap().map;
    m.0.retain(|(k, _)| k != "v");
    m
}

#[test]
fn reference_bodies_parse_verify_and_rebuild_byte_exact() {
    for (raw, ilk, said) in [
        (ICP_SAD, Ilk::Icp, "EAKCxMOuoRzREVHsHCkLilBrUXTvyenBiuM2QtV8BB0C"),
        (ICP_NONTRANS, Ilk::Icp, "EMW0zK3bagYPO6gx3w7Ua90f-I7x5kGIaI4Xeq9W8_As"),
        (ICP_ABANDONED, Ilk::Icp, "EPLRRJFe2FHdXKVTkSEX4xb4x-YaPFJ2Xds1vhtNTd4n"),
        (ICP_BASIC, Ilk::Icp, "EJQUyxnzIAtmZPoq9f4fExeGN0qfJmaFnUEKTwIiTBPj"),
        (ROT, Ilk::Rot, "EFl8nvRCbN2xQJI75nBXp-gaXuHJw8zheVjwMN_rB-pb"),
        (IXN, Ilk::Ixn, "EKKccCumVQdgxvsrSXvuTtjmS28Xqf3zRJ8T6peKgl9J"),
        (RCT, Ilk::Rct, "EKKccCumVQdgxvsrSXvuTtjmS28Xqf3zRJ8T6peKgl9J"),
    ] {
        let m = Message::parse(raw.as_bytes()).unwrap_or_else(|e| panic!("{raw}: {e}"));
        assert_eq!(m.ilk(), ilk);
        assert_eq!(m.said().qb64(), said);
        // Rebuilding from the fields (SAIDs emptied) gives keripy's exact bytes.
        let mut fields = fields_of(raw);
        if ilk != Ilk::Rct {
            fields.insert("d", "");
        }
        if m.prefix().unwrap().is_self_addressing() && ilk == Ilk::Icp {
            fields.insert("i", "");
        }
        let rebuilt = Message::from_fields(Kind::Json, fields, MatterCode::Blake3_256).unwrap();
        assert_eq!(std::str::from_utf8(rebuilt.raw()).unwrap(), raw);
    }
    let m = Message::parse(ICP_SAD.as_bytes()).unwrap();
    let Body::Inception(icp) = m.body() else { panic!() };
    assert_eq!(icp.prefix.qb64(), m.said().qb64());
    assert_eq!(icp.keys.len(), 1);
}

#[test]
fn integer_thresholds_are_accepted_like_keripy() {
    // keripy 1.1.17 writes and accepts this "intive" inception (JSON integers in kt, nt, bt).
    let m = Message::parse(ICP_INTIVE.as_bytes()).unwrap();
    assert_eq!(m.raw(), ICP_INTIVE.as_bytes(), "the bytes are kept as they are");
    assert_eq!(m.body().kt(), Some(&Threshold::numeric(1)));
    assert_eq!(m.body().nt(), Some(&Threshold::numeric(1)));
    assert_eq!(m.body().toad(), Some(0));
}

#[test]
fn any_change_to_a_body_breaks_its_said() {
    let raw = ICP_SAD.as_bytes();
    let at = raw.windows(3).position(|w| w == b"DFs").unwrap() + 5;
    let mut bad = raw.to_vec();
    bad[at] = if bad[at] == b'A' { b'B' } else { b'A' };
    assert!(matches!(Message::parse(&bad), Err(Error::Said { .. })));
    let mut bad = raw.to_vec();
    let d = raw.windows(4).position(|w| w == b"EAKC").unwrap() + 10;
    bad[d] = if bad[d] == b'z' { b'y' } else { b'z' };
    assert!(matches!(Message::parse(&bad), Err(Error::Said { .. }) | Err(Error::Field { .. })));
}

#[test]
fn structural_errors_name_the_field() {
    // Wrong size in the version string.
    let bad = ICP_SAD.replace("00012b", "00012c");
    assert!(matches!(Message::parse(bad.as_bytes()), Err(Error::Version { .. }) | Err(Error::Cesr(_))));
    // Fields out of order.
    let swapped = ICP_SAD.replace(
        r#""kt":"1","k":["DFs8BBx86uytIM0D2BhsE5rrqVIT8ef8mflpNceHo4XH"]"#,
        r#""k":["DFs8BBx86uytIM0D2BhsE5rrqVIT8ef8mflpNceHo4XH"],"kt":"1""#,
    );
    assert_eq!(swapped.len(), ICP_SAD.len());
    assert!(matches!(Message::parse(swapped.as_bytes()), Err(Error::Fields { ilk: "icp", .. })));
    // Loose hex.
    let loose = ICP_BASIC.replace(r#""s":"0""#, r#""s":"00""#).replace("00012b", "00012c");
    assert!(matches!(Message::parse(loose.as_bytes()), Err(Error::Field { field, .. }) if field == "s"));
}
