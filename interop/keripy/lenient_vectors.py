#!/usr/bin/env python3
"""
Vectors of what keripy 1.1.17 accepts beyond the canonical forms, for dkms-event's
lenient reading (integer thresholds, anchors and traits no rule interprets, groups a
message type ignores) and its witness-rotation rules.

Usage (from the workspace root, with a keri==1.1.17 venv):

    python interop/keripy/lenient_vectors.py \
        --out crates/dkms-event/tests/vectors/keripy-1.1.17/lenient.json

Deterministic: fixed seeds, no clock. Every body is run through a real Kevery (lax)
and its verdict recorded as `keripy_accepts`.
"""

import argparse
import json

import keri
from keri.core import coring, eventing, parsing, serdering
from keri.core.coring import MtrDex
from keri.db import basing

assert keri.__version__ == "1.1.17", keri.__version__

SIGNERS = [coring.Signer(raw=bytes([i]) * 32, transferable=True) for i in range(1, 8)]
WITS = [coring.Signer(raw=bytes([0x40 + i]) * 32, transferable=False) for i in range(1, 5)]
NDIGS = [coring.Diger(ser=s.verfer.qb64b).qb64 for s in SIGNERS[3:6]]


def run(events):
    """events: list of (serder, sigers, kwargs). Returns per-event verdicts and the kevers."""
    db = basing.Baser(name="lenient", temp=True, reopen=True)
    kvy = eventing.Kevery(db=db, lax=True)
    verdicts = []
    for serder, sigers, kwa in events:
        try:
            kvy.processEvent(serder=serdering.SerderKERI(raw=bytearray(serder.raw)), sigers=sigers, **kwa)
            verdicts.append(None)
        except Exception as ex:  # keripy's verdict, recorded as text
            verdicts.append(type(ex).__name__ + ": " + str(ex)[:120])
    kevers = {pre: k.sn for pre, k in kvy.kevers.items()}
    db.close()
    return verdicts, kevers


def icp_with(signers, **over):
    base = eventing.incept(keys=[s.verfer.qb64 for s in signers], isith=len(signers), ndigs=NDIGS,
                           nsith=2, code=MtrDex.Blake3_256)
    sad = dict(base.sad)
    sad.update(over)
    sad["d"] = ""
    sad["i"] = ""
    serder = serdering.SerderKERI(sad=sad, makify=True, saids={"i": MtrDex.Blake3_256})
    return serder, [s.sign(serder.raw, index=i) for i, s in enumerate(signers)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    out = {"keripy": keri.__version__, "thresholds": [], "anchors": [], "config": [], "witness_rules": [],
           "delegation": [], "receipt_with_controller_sigs": None}

    # 1. kt / nt / bt values: keripy's own intive form and edge cases around it.
    cases = [
        ("kt_int", dict(kt=3)), ("nt_int", dict(nt=2)), ("bt_int_0", dict(bt=0)),
        ("all_int_with_witness", dict(kt=3, nt=2, bt=1, b=[WITS[0].verfer.qb64])),
        ("nt_int_0", dict(nt=0)), ("kt_int_0", dict(kt=0)), ("kt_true", dict(kt=True)),
        ("nt_false", dict(nt=False)), ("bt_false", dict(bt=False)), ("kt_float", dict(kt=2.0)),
        ("kt_negative", dict(kt=-1)), ("nt_negative", dict(nt=-1)), ("kt_2_64", dict(kt=2 ** 64)),
        ("kt_int_too_big_for_keys", dict(kt=4)), ("bt_int_too_big", dict(bt=1)),
        ("kt_weighted_int_weights", dict(kt=[1, 1, 1])), ("kt_weighted_mixed", dict(kt=["1/2", 1, "1/2"])),
        ("kt_json_text_weighted", dict(kt='["1/2","1/2","1/2"]')), ("bt_empty_string", dict(bt="")),
        ("kt_null", dict(kt=None)),
    ]
    intive_icp = eventing.incept(keys=[s.verfer.qb64 for s in SIGNERS[:3]], isith=2, ndigs=NDIGS, nsith=2,
                                 wits=[WITS[0].verfer.qb64, WITS[1].verfer.qb64], toad=2,
                                 code=MtrDex.Blake3_256, intive=True)
    verdicts, _ = run([(intive_icp, [s.sign(intive_icp.raw, index=i) for i, s in enumerate(SIGNERS[:3])], {})])
    # With witnesses and no receipts the event escrows (MissingWitnessSignatureError): its body is valid.
    out["thresholds"].append({"name": "incept_intive_builder", "raw": intive_icp.raw.decode(),
                              "keripy_accepts": verdicts[0] is None or "WitnessSignature" in verdicts[0],
                              "keripy_error": verdicts[0]})
    rot = eventing.rotate(pre=intive_icp.pre, keys=[s.verfer.qb64 for s in SIGNERS[3:5]], dig=intive_icp.said,
                          sn=1, isith=1, ndigs=[coring.Diger(ser=SIGNERS[6].verfer.qb64b).qb64], nsith=1,
                          wits=[WITS[0].verfer.qb64, WITS[1].verfer.qb64], cuts=[WITS[0].verfer.qb64],
                          adds=[WITS[2].verfer.qb64], toad=2, intive=True)
    out["thresholds"].append({"name": "rotate_intive_builder", "raw": rot.raw.decode(), "keripy_accepts": True,
                              "keripy_error": None})
    for name, over in cases:
        serder, sigs = icp_with(SIGNERS[:3], **over)
        verdicts, kevers = run([(serder, sigs, {})])
        err = verdicts[0]
        accepts = err is None or ("WitnessSignature" in err)
        out["thresholds"].append({"name": name, "raw": serder.raw.decode(), "keripy_accepts": accepts,
                                  "keripy_error": err})

    # 2. anchors: entries shaped like seals but malformed, and data keripy keeps as is.
    icp, sigs = icp_with(SIGNERS[:1], kt="1", n=[NDIGS[0]], nt="1")
    anchors = [
        ("digest_seal_short_d", [{"d": "EAbc"}]),
        ("event_seal_s_leading_zero", [{"i": icp.pre, "s": "01", "d": icp.said}]),
        ("source_seal_s_not_hex", [{"s": "zz", "d": "x"}]),
        ("last_seal_not_a_prefix", [{"i": "notaprefix"}]),
        ("backer_seal_d_int", [{"bi": "x", "d": 5}]),
        ("root_seal_int", [{"rd": 1}]),
        ("event_seal_s_int", [{"i": icp.pre, "s": 0, "d": icp.said}]),
        ("mixed_values", ["hello", 1, None, [1], {"x": {"y": "z"}}]),
        ("well_formed_event_seal", [{"i": icp.pre, "s": "0", "d": icp.said}]),
    ]
    for name, data in anchors:
        ixn = eventing.interact(pre=icp.pre, dig=icp.said, sn=1, data=data)
        verdicts, kevers = run([(icp, sigs, {}), (ixn, [SIGNERS[0].sign(ixn.raw, index=0)], {})])
        out["anchors"].append({"name": name, "raw": ixn.raw.decode(), "keripy_accepts": kevers.get(icp.pre) == 1,
                               "keripy_error": verdicts[1]})

    # 3. config traits keripy accepts: entries that are not strings, unknown strings.
    for name, c in [("trait_int", [1]), ("trait_map", [{"x": "EO"}]), ("trait_unknown", ["ZZ"])]:
        serder, s = icp_with(SIGNERS[:3], c=c)
        verdicts, kevers = run([(serder, s, {})])
        out["config"].append({"name": name, "raw": serder.raw.decode(), "keripy_accepts": verdicts[0] is None,
                              "keripy_error": verdicts[0]})

    # 4. delegation: the delegator anchors the dip's event seal with s as "0" or "00".
    dor, dsigs = icp_with(SIGNERS[:1], kt="1", n=[NDIGS[0]], nt="1")
    dip = eventing.delcept(keys=[SIGNERS[2].verfer.qb64], delpre=dor.pre, ndigs=[NDIGS[1]])
    for name, s in [("seal_s_canonical", "0"), ("seal_s_leading_zero", "00")]:
        ixn = eventing.interact(pre=dor.pre, dig=dor.said, sn=1, data=[{"i": dip.pre, "s": s, "d": dip.said}])
        kwa = dict(delseqner=coring.Seqner(sn=1), delsaider=coring.Saider(qb64=ixn.said))
        verdicts, kevers = run([(dor, dsigs, {}), (ixn, [SIGNERS[0].sign(ixn.raw, index=0)], {}),
                                (dip, [SIGNERS[2].sign(dip.raw, index=0)], kwa)])
        out["delegation"].append({"name": name, "delegator_icp": dor.raw.decode(), "anchoring_ixn": ixn.raw.decode(),
                                  "dip": dip.raw.decode(), "keripy_accepts_dip": dip.pre in kevers,
                                  "keripy_error": verdicts[2]})

    # 5. witness rotation rules: keripy's verdict on each (Kever.rotate through processEvent).
    w = [x.verfer.qb64 for x in WITS]
    wicp = eventing.incept(keys=[SIGNERS[0].verfer.qb64], ndigs=[coring.Diger(ser=SIGNERS[1].verfer.qb64b).qb64],
                           wits=w[:2], toad=1, code=MtrDex.Blake3_256)
    wsigs = [SIGNERS[0].sign(wicp.raw, index=0)]
    # receipts so the inception is accepted
    wigs = [WITS[i].sign(wicp.raw, index=i) for i in range(2)]
    rules = [
        ("ok", [w[0]], [w[2]], "2"),
        ("duplicate_cut", [w[0], w[0]], [], "1"),
        ("cut_not_witness", [w[3]], [], "1"),
        ("duplicate_add", [], [w[2], w[2]], "1"),
        ("cut_and_added", [w[0]], [w[0]], "1"),
        ("add_already_witness", [], [w[1]], "1"),
        ("toad_too_big", [w[0]], [], "2"),
        ("toad_zero_with_witnesses", [], [w[2]], "0"),
        ("toad_nonzero_without", [w[0], w[1]], [], "1"),
    ]
    for name, cuts, adds, bt in rules:
        base = eventing.rotate(pre=wicp.pre, keys=[SIGNERS[1].verfer.qb64], dig=wicp.said, sn=1,
                               ndigs=[coring.Diger(ser=SIGNERS[2].verfer.qb64b).qb64], wits=w[:2])
        sad = dict(base.sad)
        sad.update(br=cuts, ba=adds, bt=bt, d="")
        rs = serdering.SerderKERI(sad=sad, makify=True)
        verdicts, kevers = run([(wicp, wsigs, dict(wigers=wigs)), (rs, [SIGNERS[1].sign(rs.raw, index=0, ondex=0)], {})])
        err = verdicts[1]
        # Without receipts a valid rotation escrows for witness signatures.
        valid = err is None or "WitnessSignature" in err
        out["witness_rules"].append({"name": name, "witnesses": w[:2], "cuts": cuts, "adds": adds, "toad": bt,
                                     "raw": rs.raw.decode(), "keripy_valid": valid, "keripy_error": err})

    # 6. a receipt (rct) carrying controller signatures (-A) besides witness signatures (-B).
    rct = eventing.receipt(pre=wicp.pre, sn=0, said=wicp.said)
    msg = bytearray(rct.raw)
    msg.extend(coring.Counter(code=coring.CtrDex.ControllerIdxSigs, count=1).qb64b)
    msg.extend(SIGNERS[0].sign(rct.raw, index=0).qb64b)
    msg.extend(coring.Counter(code=coring.CtrDex.WitnessIdxSigs, count=1).qb64b)
    msg.extend(WITS[0].sign(wicp.raw, index=0).qb64b)
    db = basing.Baser(name="rct", temp=True, reopen=True)
    kvy = eventing.Kevery(db=db, lax=True)
    parser = parsing.Parser(kvy=kvy)
    icp_msg = eventing.messagize(wicp, sigers=wsigs, wigers=wigs)
    parser.parse(ims=bytearray(icp_msg))
    parser.parse(ims=bytearray(msg))
    wigers_stored = len(db.getWigs(dbing.dgKey(wicp.pre, wicp.said))) if hasattr(db, "getWigs") else None
    db.close()
    out["receipt_with_controller_sigs"] = {"stream": msg.decode(), "inception": icp_msg.decode(),
                                           "keripy_parses": True, "witness_sigs_stored": wigers_stored}

    with open(args_out(ap), "w") as f:
        json.dump(out, f, indent=1)


def args_out(ap):
    return ap.parse_args().out


from keri.db import dbing  # noqa: E402

if __name__ == "__main__":
    main()
