#!/usr/bin/env python3
"""
Generate KERI message-layer known-answer vectors for dkms-event from keripy 1.1.17.

Usage (from the workspace root):

    /tmp/kerivenv/bin/python interop/keripy/event_vectors.py \
        --out crates/dkms-event/tests/vectors/keripy-1.1.17

Writes events.json, signed.json, thresholds.json, invalid.json, digests.json.

Everything is deterministic: fixed salts (Salter.signers(temp=True)), fixed
explicit seeds, fixed datetimes passed to every builder, and a fake clock
patched over keri.help.helping.nowUTC (used by keripy for first-seen
datetimes in replays and key state), so two runs give byte-identical files.
ECDSA (secp256k1 / secp256r1) keys appear only in unsigned bodies because
ECDSA signatures are randomized.

Every value recorded is produced or checked by running keripy: bodies by its
builders / SerderKERI, SAIDs re-verified with SerderKERI(raw=...), dummied
serializations re-hashed with keripy's digest table, signed streams built with
keripy's messagize / cloneEvtMsg where applicable and fed back to keripy's
Parser with a Kevery (plus Revery / Exchanger for routed messages).
The reference vectors of keri-reference.md section 12 are embedded at the end
(REF12) and asserted byte for byte.
"""

import argparse
import copy
import datetime
import json
import os
import types

import keri
from keri.core import coring, eventing, parsing, routing, serdering
from keri.core.coring import (Counter, CtrDex, Indexer, Matter, MtrDex, Salter, Seqner,
                              Siger, Diger, Signer, Tholder, Serials, DigDex, Pather)
from keri.core.eventing import SealEvent, SealLast
from keri.db import basing, dbing
from keri.help import helping
from keri.peer import exchanging

assert keri.__version__ == "1.1.17", f"need keri 1.1.17, have {keri.__version__}"
KERIPY_VERSION = keri.__version__


# --------------------------------------------------------------------------
# deterministic clock (first-seen datetimes in the db, key state records)
# --------------------------------------------------------------------------

class FakeClock:
    """Replaces helping.nowUTC: starts at a fixed instant, +1 s per call."""

    def __init__(self):
        self.base = datetime.datetime(2024, 1, 2, 3, 4, 5, 678901,
                                      tzinfo=datetime.timezone.utc)
        self.ticks = 0

    def __call__(self):
        self.ticks += 1
        return self.base + datetime.timedelta(seconds=self.ticks)


CLOCK = FakeClock()
helping.nowUTC = CLOCK

DT0 = "2024-01-02T03:04:05.678901+00:00"
DT1 = "2024-01-02T03:04:06.678901+00:00"
DT2 = "2024-01-02T03:04:07.678901+00:00"


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------

def errname(ex):
    t = type(ex)
    if t.__module__ in ("builtins", "keri.kering"):
        return t.__name__
    return f"{t.__module__}.{t.__name__}"


def dump(path, obj):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        json.dump(obj, f, indent=1, sort_keys=False, ensure_ascii=False)
        f.write("\n")


def try_call(fn):
    try:
        return fn(), None
    except Exception as ex:  # noqa: BLE001 - we record whatever keripy raises
        return None, ex


def jdump(sad, **kw):
    """keripy's JSON serialization (Serder.dumps for JSON)."""
    return json.dumps(sad, separators=(",", ":"), ensure_ascii=False, **kw).encode("utf-8")


def ndig(signer, code=MtrDex.Blake3_256):
    return Diger(ser=signer.verfer.qb64b, code=code).qb64


# --------------------------------------------------------------------------
# key pools (all derivations recorded in events.json "keysets")
# --------------------------------------------------------------------------

POOLS = {}      # name -> description
SEEDREF = {}    # seed qb64 -> (pool, index)


def pool(name, salt, count, *, transferable=True, code=MtrDex.Ed25519_Seed, path="", note=""):
    salter = Salter(raw=salt)
    sgrs = salter.signers(count=count, temp=True, transferable=transferable, code=code, path=path)
    POOLS[name] = dict(
        name=name, note=note, salt_raw=salt.decode(), salt_qb64=salter.qb64,
        derivation=("Salter(raw=salt).signers(count=%d, start=0, path=%r, temp=True, "
                    "transferable=%r, code=%r): seed_i = Argon2id(password=path + hex(i), salt, "
                    "t=1, m=8 KiB, p=1, 32 bytes)" % (count, path, transferable, code)),
        seed_code=code, transferable=transferable, path=path,
        signers=[dict(index=i, path=f"{path}{i:x}", seed=s.qb64, seed_raw=s.raw.hex(),
                      verfer=s.verfer.qb64, next_digest_E=ndig(s)) for i, s in enumerate(sgrs)])
    for i, s in enumerate(sgrs):
        SEEDREF.setdefault((s.qb64, s.verfer.qb64), (name, i))
    return sgrs


def explicit_pool(name, seeds_hex, note=""):
    sgrs = [Signer(raw=bytes.fromhex(h), transferable=True) for h in seeds_hex]
    POOLS[name] = dict(name=name, note=note, derivation="explicit raw seeds (Signer(raw=seed))",
                       seed_code=MtrDex.Ed25519_Seed, transferable=True,
                       signers=[dict(index=i, seed=s.qb64, seed_raw=s.raw.hex(),
                                     verfer=s.verfer.qb64, verfer_nontrans="B" + s.verfer.qb64[1:],
                                     next_digest_E=ndig(s)) for i, s in enumerate(sgrs)])
    for i, s in enumerate(sgrs):
        SEEDREF.setdefault((s.qb64, s.verfer.qb64), (name, i))
    return sgrs


def kref(signers):
    out = []
    for s in signers:
        p, i = SEEDREF[(s.qb64, s.verfer.qb64)]
        out.append(dict(pool=p, index=i, seed=s.qb64, verfer=s.verfer.qb64))
    return out


# §12.1 explicit seeds, §12.2 salts, and our own pools
T = explicit_pool("T", ["9f7ba8a7a843399626fab199ebaa20c41b4711c4ae534152c9bd049d85297e93",
                        "83427e0494e3ce55517911660c935d1ebfac51b5d6595ea245fa01359859dde8",
                        "be9602a988cef94f1e0f6fc0ff98b6fa1ea279f265f9414c1a654baf6aa17042"],
                  note="reference §12.1 seeds seed, seed1, seed2 (keripy test_keyeventfuncs)")
TN = [Signer(raw=s.raw, transferable=False) for s in T]
SEEDREF[(TN[0].qb64, TN[0].verfer.qb64)] = ("T", 0)
S = pool("S", b"0123456789abcdef", 16, note="reference §12.2/§12.4 controller salt (S0..S7 as there)")
SN = pool("SN", b"0123456789abcdef", 2, transferable=False,
          note="same salt/seeds as S0,S1 but non-transferable verfers (B)")
W = pool("W", b"abcdef0123456789", 6, transferable=False, note="reference §12.2 witness salt")
DR = pool("DR", b"delegatorsalt000", 3, note="reference §12.5 delegator salt")
DE = pool("DE", b"delegateesalt000", 3, note="reference §12.5 delegatee salt")
V = pool("V", b"dkms-validator00", 2, note="validator / endorser (transferable) for -F/-D/-H")
VN = pool("VN", b"dkms-watcher0000", 2, transferable=False, note="non-transferable watcher for -C")
K1 = pool("K1", b"dkms-secp256k1s0", 3, code=MtrDex.ECDSA_256k1_Seed, note="secp256k1 (seed code J)")
R1 = pool("R1", b"dkms-secp256r1s0", 3, code=MtrDex.ECDSA_256r1_Seed, note="secp256r1 (seed code Q)")
K1N = pool("K1N", b"dkms-secp256k1s0", 1, transferable=False, code=MtrDex.ECDSA_256k1_Seed,
           note="secp256k1 non-transferable (1AAA)")
R1N = pool("R1N", b"dkms-secp256r1s0", 1, transferable=False, code=MtrDex.ECDSA_256r1_Seed,
           note="secp256r1 non-transferable (1AAI)")


# --------------------------------------------------------------------------
# body records
# --------------------------------------------------------------------------

BUILDERS = {
    "eventing.incept": eventing.incept,
    "eventing.delcept": eventing.delcept,
    "eventing.rotate": eventing.rotate,
    "eventing.deltate": eventing.deltate,
    "eventing.interact": eventing.interact,
    "eventing.receipt": eventing.receipt,
    "eventing.query": eventing.query,
    "eventing.reply": eventing.reply,
    "eventing.prod": eventing.prod,
    "eventing.bare": eventing.bare,
}


def call(fname, **kw):
    """Call a keripy builder; returns (serder, builder text, inputs)."""
    inputs = copy.deepcopy(kw)
    serder = BUILDERS[fname](**kw)
    text = f"{fname}(" + ", ".join(f"{k}={v!r}" for k, v in inputs.items()) + ")"
    return serder, text, inputs


def said_fields(serder):
    """{label: code} of the SAID fields that are digest-coded (and so dummied)."""
    fields = serder.Fields[serder.proto][serder.vrsn][serder.ilk]
    out = {}
    for label in fields.saids:
        try:
            code = Matter(qb64=serder.sad[label]).code
        except Exception:  # noqa: BLE001
            continue
        if code in DigDex:
            out[label] = code
    return out


def digest_with(code, raw):
    klas, size, length = serdering.Serder.Digests[code]
    ikwa = dict(digest_size=size) if size else {}
    dkwa = dict(length=length) if length else {}
    return Matter(raw=klas(raw, **ikwa).digest(**dkwa), code=code).qb64


def dummied(serder):
    """The serialization that was hashed: SAID fields replaced by '#' * len,
    serialized with keripy's own Serder.dumps, and re-hashed here to check."""
    sf = said_fields(serder)
    sad = dict(serder.sad)
    for label in sf:
        sad[label] = "#" * len(sad[label])
    raw = serder.dumps(sad, kind=serder.kind)
    assert len(raw) == serder.size
    for label, code in sf.items():
        assert digest_with(code, raw) == serder.sad[label], (label, serder.sad)
    return raw, sf


EVENTS = []
EVENT_BY_NAME = {}


def record(name, serder, builder, inputs, *, signers=None, source=None, notes=None, **extra):
    """Add one body vector (and re-verify it with SerderKERI(raw=...))."""
    assert name not in EVENT_BY_NAME, name
    raw = bytes(serder.raw)
    back = serdering.SerderKERI(raw=raw)  # raises if keripy does not accept its own output
    assert back.sad == serder.sad
    draw, sf = dummied(serder)
    rec = dict(name=name)
    if source:
        rec["source"] = source
    rec.update(builder=builder, inputs=inputs, kind=serder.kind, ilk=serder.ilk,
               version=serder.sad["v"], size=serder.size, raw_hex=raw.hex())
    if serder.kind == Serials.json:
        rec["raw"] = raw.decode("utf-8")
    rec.update(said=serder.said, prefix=serder.sad.get("i"),
               said_fields=sf,
               sad=[[k, v] for k, v in serder.sad.items()],
               dummied_raw_hex=draw.hex())
    if serder.kind == Serials.json:
        rec["dummied_raw"] = draw.decode("utf-8")
    if signers:
        rec["signers"] = signers
    rec.update(extra)
    if notes:
        rec["notes"] = notes
    EVENTS.append(rec)
    EVENT_BY_NAME[name] = (rec, serder)
    return serder


def ev(name, fname, *, signers=None, source=None, notes=None, extra=None, **kw):
    serder, text, inputs = call(fname, **kw)
    record(name, serder, text, inputs, signers=signers, source=source, notes=notes,
           **(extra or {}))
    return serder


def remakify(name, base, saids, *, signers=None, notes=None):
    """Re-make an existing body with overridden SAID codes (Serder.makify saids=)."""
    sad = base.sad
    serder = serdering.SerderKERI(sad=sad, makify=True, saids=saids)
    text = (f"serdering.SerderKERI(sad=<sad of {base.said}>, makify=True, saids={saids!r})")
    rec0, _ = next((r, s) for r, s in EVENT_BY_NAME.values() if s is base)
    inputs = dict(base_vector=rec0["name"], base_builder=rec0["builder"],
                  base_inputs=rec0["inputs"], saids=saids)
    record(name, serder, text, inputs, signers=signers, notes=notes)
    return serder


def sk(k=(), n=()):
    return dict(k=kref(k), n=kref(n))


# --------------------------------------------------------------------------
# events.json
# --------------------------------------------------------------------------

def gen_events():
    E = MtrDex.Blake3_256
    J, M, C = Serials.json, Serials.mgpk, Serials.cbor

    # ---- reference §12.1 (keripy's own unit test) ----
    s0, s1, s2 = T
    canon = ev("ref12_1_icp_canonical", "eventing.incept", source="reference §12.1",
               signers=sk([s0], [s1]),
               keys=[s0.verfer.qb64], ndigs=[ndig(s1)], code=E)
    ev("ref12_1_icp_nontrans_basic", "eventing.incept", source="reference §12.1",
       signers=sk([TN[0]]), keys=[TN[0].verfer.qb64])
    ev("ref12_1_icp_trans_basic_no_next", "eventing.incept", source="reference §12.1",
       signers=sk([s0]), keys=[s0.verfer.qb64])
    tb = ev("ref12_1_icp_trans_basic_next", "eventing.incept", source="reference §12.1",
            signers=sk([s0], [s1]), keys=[s0.verfer.qb64], ndigs=[ndig(s1)])
    ev("ref12_1_icp_intive", "eventing.incept", source="reference §12.1",
       signers=sk([s0], [s1]), keys=[s0.verfer.qb64], ndigs=[ndig(s1)], code=E, intive=True)
    ev("ref12_1_rot", "eventing.rotate", source="reference §12.1", signers=sk([s1], [s2]),
       pre=tb.pre, keys=[s1.verfer.qb64], dig=tb.said, ndigs=[ndig(s2)], sn=1)
    rot_i = ev("ref12_1_rot_intive", "eventing.rotate",
               source="reference §12.1 (the intive rotation whose SAID is the ixn's p)",
               signers=sk([s1], [s2]),
               pre=tb.pre, keys=[s1.verfer.qb64], dig=tb.said, ndigs=[ndig(s2)], sn=1, intive=True)
    assert rot_i.said.startswith("ECauhEzA")
    ixn = ev("ref12_1_ixn", "eventing.interact", source="reference §12.1",
             pre=tb.pre, dig=rot_i.said, sn=2)
    ev("ref12_1_rct", "eventing.receipt", source="reference §12.1",
       pre=ixn.pre, sn=2, said=ixn.said)
    dip = ev("ref12_1_dip", "eventing.delcept", source="reference §12.1", signers=sk([s1], [s1]),
             keys=[s1.verfer.qb64], delpre="EAdHxtdjCQUM-TVO8CgJAKb8ykXsFe4u9epTUQFCL7Yd",
             ndigs=[ndig(s1)])
    ev("ref12_1_drt", "eventing.deltate", source="reference §12.1", signers=sk([s2], [s2]),
       pre=dip.pre, keys=[s2.verfer.qb64], dig="EANkcl_QewzrRSKH2p9zUskHI462CuIMS_HQIO132Z30",
       sn=4, ndigs=[ndig(s2)])
    check = {"ref12_1_icp_canonical": "12.1/icp_canonical",
             "ref12_1_icp_nontrans_basic": "12.1/icp_nontrans_basic",
             "ref12_1_icp_trans_basic_no_next": "12.1/icp_trans_basic_no_next",
             "ref12_1_icp_trans_basic_next": "12.1/icp_trans_basic_next",
             "ref12_1_icp_intive": "12.1/icp_intive", "ref12_1_rot": "12.1/rot",
             "ref12_1_ixn": "12.1/ixn", "ref12_1_rct": "12.1/rct", "ref12_1_dip": "12.1/dip",
             "ref12_1_drt": "12.1/drt"}

    # ---- reference §12.2 K1 ----
    k1icp = ev("ref12_2_K1_icp", "eventing.incept", source="reference §12.2", signers=sk([S[0]], [S[1]]),
               keys=[S[0].verfer.qb64], ndigs=[ndig(S[1])], code=E)
    k1rot = ev("ref12_2_K1_rot", "eventing.rotate", source="reference §12.2", signers=sk([S[1]], [S[2]]),
               pre=k1icp.pre, keys=[S[1].verfer.qb64], dig=k1icp.said, sn=1, ndigs=[ndig(S[2])])
    ev("ref12_2_K1_ixn", "eventing.interact", source="reference §12.2",
       pre=k1icp.pre, dig=k1rot.said, sn=2)
    # ---- §12.3 K2 ----
    ev("ref12_3_K2_icp", "eventing.incept", source="reference §12.3", signers=sk([S[0]], [S[1]]),
       extra=dict(witness_signers=kref(W[:2])),
       keys=[S[0].verfer.qb64], ndigs=[ndig(S[1])], wits=[w.verfer.qb64 for w in W[:2]], toad=2,
       code=E)
    # ---- §12.4 W ----
    w3 = ["1/2", "1/2", "1/2"]
    wicp = ev("ref12_4_W_icp", "eventing.incept", source="reference §12.4",
              signers=sk(S[0:3], S[3:6]),
              keys=[s.verfer.qb64 for s in S[0:3]], isith=w3, ndigs=[ndig(s) for s in S[3:6]],
              nsith=w3, code=E)
    ev("ref12_4_W_rot", "eventing.rotate", source="reference §12.4",
       signers=sk([S[5], S[3], S[6]], [S[7]]),
       notes="partial (reserve) rotation: S4 stays in reserve; S6 is a new (augmenting) key",
       pre=wicp.pre, keys=[S[5].verfer.qb64, S[3].verfer.qb64, S[6].verfer.qb64], dig=wicp.said,
       sn=1, isith=w3, ndigs=[ndig(S[7])], nsith="1")
    # ---- §12.5 DEL ----
    dicp = ev("ref12_5_DEL_delegator_icp", "eventing.incept", source="reference §12.5",
              signers=sk([DR[0]], [DR[1]]), keys=[DR[0].verfer.qb64], ndigs=[ndig(DR[1])], code=E)
    edip = ev("ref12_5_DEL_dip", "eventing.delcept", source="reference §12.5",
              signers=sk([DE[0]], [DE[1]]), keys=[DE[0].verfer.qb64], delpre=dicp.pre,
              ndigs=[ndig(DE[1])])
    ev("ref12_5_DEL_delegator_ixn", "eventing.interact", source="reference §12.5",
       pre=dicp.pre, dig=dicp.said, sn=1, data=[dict(i=edip.pre, s="0", d=edip.said)])
    ev("ref12_5_DEL_drt", "eventing.deltate", source="reference §12.5",
       signers=sk([DE[1]], [DE[2]]), pre=edip.pre, keys=[DE[1].verfer.qb64], dig=edip.said, sn=1,
       ndigs=[ndig(DE[2])])
    check.update({"ref12_2_K1_icp": "12.2/K1.icp", "ref12_2_K1_rot": "12.2/K1.rot",
                  "ref12_2_K1_ixn": "12.2/K1.ixn", "ref12_3_K2_icp": "12.3/K2.icp",
                  "ref12_4_W_icp": "12.4/W.icp", "ref12_4_W_rot": "12.4/W.rot",
                  "ref12_5_DEL_delegator_icp": "12.5/DEL.delegator.icp",
                  "ref12_5_DEL_dip": "12.5/DEL.dip",
                  "ref12_5_DEL_delegator_ixn": "12.5/DEL.delegator.ixn",
                  "ref12_5_DEL_drt": "12.5/DEL.drt"})
    # ---- §12.6 CBOR / MGPK ----
    for kind, key in ((C, "12.6/icp_cbor_hex"), (M, "12.6/icp_mgpk_hex")):
        sd = ev(f"ref12_6_icp_{kind.lower()}", "eventing.incept", source="reference §12.6",
                signers=sk([s0], [s1]), keys=[s0.verfer.qb64], ndigs=[ndig(s1)], code=E, kind=kind)
        assert sd.raw.hex() == REF12[key], key
    for name, key in check.items():
        got = EVENT_BY_NAME[name][1].raw.decode()
        assert got == REF12[key], (name, got, REF12[key])

    # ---- §12.7 spec v2 example: keripy 1.1.17 cannot parse it; SAID checked with keripy's Diger
    v2 = REF12["12.7/spec_v2_icp"]
    v2sad = json.loads(v2)
    _, v2err = try_call(lambda: serdering.SerderKERI(raw=v2.encode()))
    dsad = dict(v2sad, d="#" * 44, i="#" * 44)
    v2dummy = jdump(dsad)
    assert len(v2dummy) == 681 and Diger(ser=v2dummy).qb64 == v2sad["d"] == v2sad["i"]
    EVENTS.append(dict(
        name="ref12_7_spec_v2_icp", source="reference §12.7",
        builder=None, inputs=None, kind="JSON", ilk="icp", version=v2sad["v"], size=681,
        raw_hex=v2.encode().hex(), raw=v2, said=v2sad["d"], prefix=v2sad["i"],
        said_fields={"d": "E", "i": "E"}, sad=[[k, v] for k, v in v2sad.items()],
        dummied_raw_hex=v2dummy.hex(), dummied_raw=v2dummy.decode(),
        keripy_parses=False, keripy_error=errname(v2err),
        notes="KERI v2 version string (19 chars, Base64 size AAKp = 681). keripy 1.1.17's "
              "SerderKERI cannot parse it; the SAID was recomputed with keripy's Diger (blake3) "
              "over the dummied JSON (d and i dummied, v unchanged). Not a v1 vector."))

    # ================= our own vectors =================
    sv = lambda xs: [x.verfer.qb64 for x in xs]  # noqa: E731
    nd = lambda xs, code=E: [ndig(x, code) for x in xs]  # noqa: E731
    wits3 = sv(W[:3])

    # --- icp ---
    ev("icp_basic_transferable_D", "eventing.incept", signers=sk([S[0]], [S[1]]),
       notes="one key, no code: i = k[0] (basic transferable prefix)",
       keys=sv([S[0]]), ndigs=nd([S[1]]))
    ev("icp_basic_nontransferable_B", "eventing.incept", signers=sk([SN[0]]),
       notes="one non-transferable key, empty n: i = k[0] = B... prefix",
       keys=sv([SN[0]]))
    ev("icp_basic_nontransferable_B_code", "eventing.incept", signers=sk([SN[0]]),
       notes="same with code='B' given explicitly (code in PreDex but not digestive)",
       keys=sv([SN[0]]), code=MtrDex.Ed25519N)
    ev("icp_self_addressing_1key", "eventing.incept", signers=sk([S[0]], [S[1]]),
       keys=sv([S[0]]), ndigs=nd([S[1]]), code=E)
    ev("icp_self_addressing_3keys_default_thresholds", "eventing.incept",
       signers=sk(S[0:3], S[3:6]),
       notes="isith/nsith not given: keripy default max(1, ceil(n/2)) = 2",
       keys=sv(S[0:3]), ndigs=nd(S[3:6]))
    ev("icp_self_addressing_3keys_kt2_int", "eventing.incept", signers=sk(S[0:3], S[3:6]),
       notes="thresholds given as ints 2 and 3 are emitted as hex strings",
       keys=sv(S[0:3]), isith=2, ndigs=nd(S[3:6]), nsith=3, code=E)
    ev("icp_12keys_kt_a", "eventing.incept", signers=sk(S[0:12], S[12:16]),
       notes="isith=10 (int) -> kt 'a' (lowercase hex)",
       keys=sv(S[0:12]), isith=10, ndigs=nd(S[12:16]), nsith="3", code=E)
    ev("icp_witnessed_toad2", "eventing.incept", signers=sk([S[0]], [S[1]]),
       extra=dict(witness_signers=kref(W[:3])),
       keys=sv([S[0]]), ndigs=nd([S[1]]), wits=wits3, toad=2, code=E)
    ev("icp_witnessed_default_toad", "eventing.incept", signers=sk([S[0]], [S[1]]),
       notes="toad not given: ample(4) = 3",
       extra=dict(witness_signers=kref(W[:4])),
       keys=sv([S[0]]), ndigs=nd([S[1]]), wits=sv(W[:4]), code=E)
    ev("icp_witnessed_toad_hexstr", "eventing.incept", signers=sk([S[0]], [S[1]]),
       notes="toad given as hex string '1'",
       keys=sv([S[0]]), ndigs=nd([S[1]]), wits=sv(W[:2]), toad="1", code=E)
    ev("icp_cnfg_EO", "eventing.incept", signers=sk([S[0]], [S[1]]),
       keys=sv([S[0]]), ndigs=nd([S[1]]), cnfg=["EO"], code=E)
    ev("icp_cnfg_DND", "eventing.incept", signers=sk([S[0]], [S[1]]),
       keys=sv([S[0]]), ndigs=nd([S[1]]), cnfg=["DND"], code=E)
    ev("icp_cnfg_NB", "eventing.incept", signers=sk([S[0]], [S[1]]),
       keys=sv([S[0]]), ndigs=nd([S[1]]), cnfg=["NB"], code=E)
    ev("icp_cnfg_EO_DND_witnessed", "eventing.incept", signers=sk([S[0]], [S[1]]),
       keys=sv([S[0]]), ndigs=nd([S[1]]), wits=wits3, toad=3, cnfg=["EO", "DND"], code=E)
    seals_icp = [dict(d=Diger(ser=b"dkms anchored data").qb64),
                 dict(i=k1icp.pre, s="2", d=EVENT_BY_NAME["ref12_2_K1_ixn"][1].said)]
    ev("icp_with_seals", "eventing.incept", signers=sk([S[0]], [S[1]]),
       notes="a = [digest seal {d}, event seal {i,s,d}]",
       keys=sv([S[0]]), ndigs=nd([S[1]]), data=seals_icp, code=E)
    ev("icp_secp256k1_basic", "eventing.incept", signers=sk([K1[0]], [K1[1]]),
       notes="secp256k1 transferable key 1AAB; basic prefix i = k[0]",
       keys=sv([K1[0]]), ndigs=nd([K1[1]]))
    ev("icp_secp256k1_self_addressing", "eventing.incept", signers=sk(K1[0:2], [K1[2]]),
       keys=sv(K1[0:2]), ndigs=nd([K1[2]]), code=E)
    ev("icp_secp256k1_nontransferable", "eventing.incept", signers=sk([K1N[0]]),
       notes="secp256k1 non-transferable 1AAA basic prefix", keys=sv([K1N[0]]))
    ev("icp_secp256r1_basic", "eventing.incept", signers=sk([R1[0]], [R1[1]]),
       notes="secp256r1 transferable key 1AAJ; basic prefix i = k[0]",
       keys=sv([R1[0]]), ndigs=nd([R1[1]]))
    ev("icp_secp256r1_self_addressing", "eventing.incept", signers=sk(R1[0:2], [R1[2]]),
       keys=sv(R1[0:2]), ndigs=nd([R1[2]]), code=E)
    ev("icp_secp256r1_nontransferable", "eventing.incept", signers=sk([R1N[0]]),
       notes="secp256r1 non-transferable 1AAI basic prefix", keys=sv([R1N[0]]))
    ev("icp_mixed_key_types", "eventing.incept", signers=sk([S[0], K1[0], R1[0]], [S[1], K1[1], R1[1]]),
       notes="Ed25519 + secp256k1 + secp256r1 keys in one k list",
       keys=sv([S[0], K1[0], R1[0]]), isith="2", ndigs=nd([S[1], K1[1], R1[1]]), nsith="2", code=E)
    wf = ["1/2", "1/2", "1/4", "1/4", "1/4"]
    wm = [["1/2", "1/2", "1/4", "1/4", "1/4"], ["1", "1"]]
    ev("icp_weighted_flat", "eventing.incept", signers=sk(S[0:5], S[5:10]),
       keys=sv(S[0:5]), isith=wf, ndigs=nd(S[5:10]), nsith=wf, code=E)
    ev("icp_weighted_multiclause", "eventing.incept", signers=sk(S[0:7], S[7:14]),
       keys=sv(S[0:7]), isith=wm, ndigs=nd(S[7:14]), nsith=wm, code=E)
    ev("icp_weighted_0_and_1", "eventing.incept", signers=sk(S[0:4], S[4:8]),
       notes="weights '0' and '1' are written as such (never '0/1' or '1/1')",
       keys=sv(S[0:4]), isith=["1", "0", "1/2", "1/2"], ndigs=nd(S[4:8]),
       nsith=["0", "1", "1/2", "1/2"], code=E)
    ev("icp_weighted_fractions_normalized", "eventing.incept", signers=sk(S[0:3], S[3:6]),
       notes="isith given as ['2/4','1/1','0/5']: keripy's Tholder normalizes to "
             "['1/2','1','0'] in the body (sith property)",
       keys=sv(S[0:3]), isith=["2/4", "1/1", "0/5"], ndigs=nd(S[3:6]), code=E)
    ev("icp_weighted_json_string", "eventing.incept", signers=sk(S[0:2], S[2:4]),
       notes="isith given as a JSON string '[\"1/2\", \"1/2\"]' (keripy parses it)",
       keys=sv(S[0:2]), isith='["1/2", "1/2"]', ndigs=nd(S[2:4]), code=E)
    ev("icp_weighted_single_clause_nested", "eventing.incept", signers=sk(S[0:2], S[2:4]),
       notes="isith given as a list of one clause [['1/2','1/2']]: emitted flattened",
       keys=sv(S[0:2]), isith=[["1/2", "1/2"]], ndigs=nd(S[2:4]), code=E)
    ev("icp_next_digest_codes_EFGHI", "eventing.incept", signers=sk([S[0]], S[1:6]),
       notes="n entries with digest codes E, F, G, H, I (each over the qb64 of the next key)",
       keys=sv([S[0]]), ndigs=[ndig(S[1], "E"), ndig(S[2], "F"), ndig(S[3], "G"),
                               ndig(S[4], "H"), ndig(S[5], "I")], nsith="3", code=E)
    ev("icp_transferable_abandoned_nt0", "eventing.incept", signers=sk([S[0]]),
       notes="self-addressing with empty n and nt '0': no rotation possible",
       keys=sv(S[0:2]), isith="1", ndigs=[], nsith="0", code=E)
    ev("icp_intive", "eventing.incept", signers=sk(S[0:3], S[3:6]),
       notes="intive=True: numeric kt, nt, bt emitted as JSON ints",
       keys=sv(S[0:3]), isith=2, ndigs=nd(S[3:6]), nsith=2, wits=wits3, toad=2, code=E,
       intive=True)
    for kind in (C, M):
        ev(f"icp_witnessed_{kind.lower()}", "eventing.incept", signers=sk(S[0:3], S[3:6]),
           extra=dict(witness_signers=kref(W[:3])),
           keys=sv(S[0:3]), isith=["1/2", "1/2", "1/2"], ndigs=nd(S[3:6]), nsith="2",
           wits=wits3, toad=2, cnfg=["EO"], data=seals_icp, code=E, kind=kind)
        ev(f"icp_basic_{kind.lower()}", "eventing.incept", signers=sk([S[0]], [S[1]]),
           keys=sv([S[0]]), ndigs=nd([S[1]]), kind=kind)
    # code overrides
    icpF = ev("icp_code_F_prefix", "eventing.incept", signers=sk([S[0]], [S[1]]),
              notes="incept(code='F') overrides only i: i is Blake2b-256 (F...), d stays E, so "
                    "d != i. SerderKERI accepts it; keripy's Kever rejects it (Prefixer supports "
                    "only E for self-addressing). Checked below (keripy_kevery_accepts).",
              keys=sv([S[0]]), ndigs=nd([S[1]]), code="F")
    assert icpF.said != icpF.pre and icpF.said[0] == "E" and icpF.pre[0] == "F"
    base = EVENT_BY_NAME["icp_self_addressing_1key"][1]
    remakify("icp_saids_d_F_i_F", base, {"d": "F", "i": "F"}, signers=sk([S[0]], [S[1]]),
             notes="both d and i Blake2b-256 (F): d == i")
    remakify("icp_saids_d_0D_i_0D", base, {"d": "0D", "i": "0D"}, signers=sk([S[0]], [S[1]]),
             notes="both d and i Blake3-512 (0D, 88 chars)")
    remakify("icp_saids_d_F_only", base, {"d": "F"}, signers=sk([S[0]], [S[1]]),
             notes="only d overridden: i keeps the code of the value already there (E), so "
                   "d (F...) != i (E...); both were hashed over the same dummied body")
    bD = EVENT_BY_NAME["icp_basic_transferable_D"][1]
    remakify("icp_basic_saids_d_H", bD, {"d": "H"}, signers=sk([S[0]], [S[1]]),
             notes="basic prefix (i not digestive, not dummied); d SHA3-256")
    remakify("icp_basic_saids_d_I", bD, {"d": "I"}, signers=sk([S[0]], [S[1]]),
             notes="basic prefix; d SHA2-256")
    remakify("icp_basic_saids_d_G", bD, {"d": "G"}, signers=sk([S[0]], [S[1]]),
             notes="basic prefix; d Blake2s-256")
    for code in ("0E", "0F", "0G"):
        remakify(f"icp_saids_d_{code}_i_{code}", base, {"d": code, "i": code},
                 signers=sk([S[0]], [S[1]]), notes=f"512-bit digest code {code} for d and i")

    # --- a base KEL for rot/ixn vectors (pool S, witnessed) ---
    aicp = ev("kel_a_icp", "eventing.incept", signers=sk(S[0:3], S[3:6]),
              extra=dict(witness_signers=kref(W[:3])),
              keys=sv(S[0:3]), isith="2", ndigs=nd(S[3:6]), nsith="2", wits=wits3, toad=2, code=E)
    apre = aicp.pre
    arot = ev("rot_normal", "eventing.rotate", signers=sk(S[3:6], S[6:9]),
              pre=apre, keys=sv(S[3:6]), dig=aicp.said, sn=1, isith="2", ndigs=nd(S[6:9]),
              nsith="2", wits=wits3, toad=2)
    ev("rot_default_thresholds_and_toad", "eventing.rotate", signers=sk(S[3:6], S[6:9]),
       notes="isith/nsith/toad not given: 2, 2, ample(3)=3; prior wits given, no cuts/adds",
       pre=apre, keys=sv(S[3:6]), dig=aicp.said, sn=1, ndigs=nd(S[6:9]), wits=wits3)
    ev("rot_partial_reserve", "eventing.rotate", signers=sk([S[5], S[3]], S[6:9]),
       notes="partial rotation: only 2 of the 3 committed next keys exposed (S5, S3 - reordered), "
             "S4 kept in reserve; new next commits [H(S4), H(S7), H(S8)]",
       pre=apre, keys=sv([S[5], S[3]]), dig=aicp.said, sn=1, isith="2",
       ndigs=nd([S[4], S[7], S[8]]), nsith="2", wits=wits3, toad=2)
    ev("rot_witness_cuts_adds", "eventing.rotate", signers=sk(S[3:6], S[6:9]),
       notes="cut W0, W2; add W3, W4, W5; new witness list [W1, W3, W4, W5]; toad 3",
       extra=dict(witness_signers=kref(W[:6])),
       pre=apre, keys=sv(S[3:6]), dig=aicp.said, sn=1, isith="2", ndigs=nd(S[6:9]), nsith="2",
       wits=wits3, cuts=[W[0].verfer.qb64, W[2].verfer.qb64], adds=sv(W[3:6]), toad=3)
    ev("rot_witness_cut_all", "eventing.rotate", signers=sk(S[3:6], S[6:9]),
       notes="cut all three witnesses: toad must be 0",
       pre=apre, keys=sv(S[3:6]), dig=aicp.said, sn=1, ndigs=nd(S[6:9]),
       wits=wits3, cuts=wits3, toad=0)
    ev("rot_with_seals", "eventing.rotate", signers=sk(S[3:6], S[6:9]),
       pre=apre, keys=sv(S[3:6]), dig=aicp.said, sn=1, isith="2", ndigs=nd(S[6:9]), nsith="2",
       wits=wits3, toad=2,
       data=[dict(i=k1icp.pre, s="1", d=k1rot.said), dict(d=Diger(ser=b"rot data").qb64)])
    ev("rot_weighted_thresholds", "eventing.rotate", signers=sk(S[3:6], S[6:13]),
       pre=apre, keys=sv(S[3:6]), dig=aicp.said, sn=1, isith=["1/2", "1/2", "1/2"],
       ndigs=nd(S[6:13]), nsith=wm, wits=wits3, toad=2)
    ev("rot_abandon_empty_next", "eventing.rotate", signers=sk(S[3:6]),
       notes="abandonment: n empty, nt '0' (default nsith for empty ndigs)",
       pre=apre, keys=sv(S[3:6]), dig=aicp.said, sn=1, isith="2", ndigs=[], wits=wits3, toad=2)
    ev("rot_sn_large", "eventing.rotate", signers=sk([S[3]], [S[4]]),
       notes="sn given as int 2**64 + 10 -> '1000000000000000a' (body only; not a real KEL)",
       pre=apre, keys=sv([S[3]]), dig=aicp.said, sn=2 ** 64 + 10, ndigs=nd([S[4]]),
       wits=wits3, toad=2)
    ev("rot_sn_hexstr", "eventing.rotate", signers=sk([S[3]], [S[4]]),
       notes="sn given as hex string 'ff'", pre=apre, keys=sv([S[3]]), dig=aicp.said, sn="ff",
       ndigs=nd([S[4]]), wits=wits3, toad=2)
    ev("rot_intive", "eventing.rotate", signers=sk(S[3:6], S[6:9]),
       pre=apre, keys=sv(S[3:6]), dig=aicp.said, sn=1, isith=2, ndigs=nd(S[6:9]), nsith=2,
       wits=wits3, toad=2, intive=True)
    for kind in (C, M):
        ev(f"rot_{kind.lower()}", "eventing.rotate", signers=sk(S[3:6], S[6:9]),
           pre=apre, keys=sv(S[3:6]), dig=aicp.said, sn=1, isith=["1/2", "1/2", "1/2"],
           ndigs=nd(S[6:9]), nsith="2", wits=wits3, cuts=[W[0].verfer.qb64],
           adds=[W[3].verfer.qb64], toad=2,
           data=[dict(d=Diger(ser=b"rot data").qb64)], kind=kind)
    remakify("rot_saids_d_F", arot, {"d": "F"}, signers=sk(S[3:6], S[6:9]),
             notes="rot with d Blake2b-256 via makify saids={'d': 'F'}")
    remakify("rot_saids_d_0D", arot, {"d": "0D"}, signers=sk(S[3:6], S[6:9]),
             notes="rot with d Blake3-512 (88 chars) via makify saids={'d': '0D'}")

    # --- ixn ---
    ev("ixn_empty", "eventing.interact", pre=apre, dig=arot.said, sn=2)
    ev("ixn_event_seals", "eventing.interact", pre=apre, dig=arot.said, sn=2,
       data=[dict(i=k1icp.pre, s="0", d=k1icp.said), dict(i=k1icp.pre, s="1", d=k1rot.said)])
    ev("ixn_digest_seals", "eventing.interact", pre=apre, dig=arot.said, sn=2,
       data=[dict(d=Diger(ser=b"one").qb64), dict(d=Diger(ser=b"two").qb64)])
    ev("ixn_all_seal_kinds", "eventing.interact", pre=apre, dig=arot.said, sn=2,
       notes="one of each keripy seal shape: {d}, {rd}, {bi,d}, {i,s,d}, {i}, {s,d}",
       data=[dict(d=Diger(ser=b"d").qb64), dict(rd=Diger(ser=b"rd").qb64),
             dict(bi=W[0].verfer.qb64, d=Diger(ser=b"bi").qb64),
             dict(i=k1icp.pre, s="0", d=k1icp.said), dict(i=k1icp.pre),
             dict(s="1", d=k1rot.said)])
    ev("ixn_sn_hex", "eventing.interact", pre=apre, dig=arot.said, sn=26,
       notes="sn 26 -> '1a'")
    for kind in (C, M):
        ev(f"ixn_{kind.lower()}", "eventing.interact", pre=apre, dig=arot.said, sn=2,
           data=[dict(i=k1icp.pre, s="0", d=k1icp.said)], kind=kind)
    remakify("ixn_saids_d_F", EVENT_BY_NAME["ixn_empty"][1], {"d": "F"})

    # --- dip / drt ---
    dr = EVENT_BY_NAME["ref12_5_DEL_delegator_icp"][1]
    dipw = ev("dip_witnessed", "eventing.delcept", signers=sk(DE[0:2], [DE[2]]),
              extra=dict(witness_signers=kref(W[:2])),
              keys=sv(DE[0:2]), delpre=dr.pre, isith=["1/2", "1/2"], ndigs=nd([DE[2]]),
              wits=sv(W[:2]), toad=1, cnfg=["DND"])
    for kind in (C, M):
        ev(f"dip_{kind.lower()}", "eventing.delcept", signers=sk([DE[0]], [DE[1]]),
           keys=sv([DE[0]]), delpre=dr.pre, ndigs=nd([DE[1]]), kind=kind)
        ev(f"drt_{kind.lower()}", "eventing.deltate", signers=sk([DE[2]], [DE[0]]),
           pre=dipw.pre, keys=sv([DE[2]]), dig=dipw.said, sn=1, ndigs=nd([DE[0]]),
           wits=sv(W[:2]), cuts=[W[1].verfer.qb64], adds=[W[2].verfer.qb64], toad=2, kind=kind)
    ev("drt_witness_cuts_adds", "eventing.deltate", signers=sk([DE[2]], [DE[0]]),
       pre=dipw.pre, keys=sv([DE[2]]), dig=dipw.said, sn=1, ndigs=nd([DE[0]]),
       wits=sv(W[:2]), cuts=[W[1].verfer.qb64], adds=[W[2].verfer.qb64], toad=2,
       data=[dict(d=Diger(ser=b"drt").qb64)])
    ev("dip_code_F", "eventing.delcept", signers=sk([DE[0]], [DE[1]]),
       notes="delcept(code='F'): i is F..., d stays E (d != i)",
       keys=sv([DE[0]]), delpre=dr.pre, ndigs=nd([DE[1]]), code="F")

    # --- rct ---
    for kind in (J, C, M):
        ev(f"rct_{kind.lower()}", "eventing.receipt", pre=apre, sn=1, said=arot.said, kind=kind)

    # --- qry / rpy / pro / bar ---
    vicp = eventing.incept(keys=sv([V[0]]), ndigs=nd([V[1]]), code=E)
    ev("qry_logs", "eventing.query", route="logs", replyRoute="",
       query=dict(i=apre, src=vicp.pre), stamp=DT0)
    ev("qry_logs_sn", "eventing.query", route="logs", replyRoute="log/processor",
       query=dict(i=apre, s="1", src=vicp.pre), stamp=DT0)
    ev("qry_logs_anchor", "eventing.query", route="logs", replyRoute="",
       query=dict(i=k1icp.pre, src=vicp.pre, a=dict(i=k1icp.pre, s="0", d=k1icp.said)),
       stamp=DT0)
    ev("qry_ksn", "eventing.query", route="ksn", replyRoute="",
       query=dict(i=apre, src=vicp.pre), stamp=DT1)
    ev("qry_mbx", "eventing.query", route="mbx", replyRoute="",
       query=dict(pre=vicp.pre, topics={"/receipt": 0, "/replay": 2, "/multisig": 0},
                  i=apre, src=W[0].verfer.qb64), stamp=DT1)
    for kind in (C, M):
        ev(f"qry_logs_{kind.lower()}", "eventing.query", route="logs", replyRoute="",
           query=dict(i=apre, s="1", src=vicp.pre), stamp=DT0, kind=kind)
    ev("rpy_end_role_add", "eventing.reply", route="/end/role/add",
       data=dict(cid=apre, role="witness", eid=W[0].verfer.qb64), stamp=DT0)
    ev("rpy_end_role_cut", "eventing.reply", route="/end/role/cut",
       data=dict(cid=apre, role="watcher", eid=VN[0].verfer.qb64), stamp=DT1)
    ev("rpy_loc_scheme", "eventing.reply", route="/loc/scheme",
       data=dict(eid=W[0].verfer.qb64, scheme="http", url="http://127.0.0.1:5642/"), stamp=DT0)
    ev("rpy_non_ascii", "eventing.reply", route="/dkms/note",
       notes="non-ASCII text is serialized raw as UTF-8 (ensure_ascii=False)",
       data=dict(name="Zoë Ångström — 鍵", n=2 ** 40), stamp=DT2)
    for kind in (C, M):
        ev(f"rpy_end_role_add_{kind.lower()}", "eventing.reply", route="/end/role/add",
           data=dict(cid=apre, role="witness", eid=W[0].verfer.qb64), stamp=DT0, kind=kind)
    ev("pro_data", "eventing.prod", route="/sealed/data", replyRoute="/process/sealed",
       query=dict(d=Diger(ser=b"sealed").qb64), stamp=DT0)
    sealed = dict(d="", i=apre, dt=DT0, name="John Jones", role="Founder")
    _, sealed = coring.Saider.saidify(sad=sealed)
    ev("bar_data", "eventing.bare", route="/sealed/processor",
       notes="a = {SAID: SAD}; the inner SAD was saidified with coring.Saider.saidify (label d)",
       data={sealed["d"]: sealed}, stamp=DT0)

    # --- rpy /ksn/{aid} from a real Kever.state() (K1 KEL) ---
    db, kvy = new_kevery("ksnsrc")
    k1 = [EVENT_BY_NAME[n][1] for n in ("ref12_2_K1_icp", "ref12_2_K1_rot", "ref12_2_K1_ixn")]
    for sd, sg in zip(k1, (S[0], S[1], S[1])):
        feed(kvy, eventing.messagize(sd, sigers=[sg.sign(sd.raw, index=0)]))
    kever = kvy.kevers[k1[0].pre]
    ksr = kever.state()
    ksn = ksr._asdict()
    k1state_ref = {"vn": [1, 0], "i": "ECx00jgfgDar_F0-AwUkTmJ73yabG7S5Ww1oJR8PiPPD", "s": "2",
                   "p": "ELplehuHu92OPvYRYobYa6uUkp8yDeBceONhhXDG3AvY",
                   "d": "EDv_8X0aokM7UCQ8ANZOSvjLZRNHbtDxcjXXOxA2f5aq", "f": "2", "et": "ixn",
                   "kt": "1", "k": ["DFmiD_SUKv8VjfP5AgHzXK0ejvUfoK-zoKJO2qmh238p"], "nt": "1",
                   "n": ["EMYc2u50XLAdperbOcwxSlGO2RCfNsH9Qtg1YJiE9RIj"], "bt": "0", "b": [],
                   "c": [], "ee": {"s": "1", "d": "ELplehuHu92OPvYRYobYa6uUkp8yDeBceONhhXDG3AvY",
                                   "br": [], "ba": []}, "di": ""}
    assert {k: v for k, v in ksn.items() if k != "dt"} == k1state_ref, ksn
    ksn_rpy = ev("rpy_ksn_K1", "eventing.reply", route=f"/ksn/{k1[0].pre}",
                 notes="a = asdict(Kever.state()) of the K1 KEL (reference §12.2 key state; dt is "
                       "the first-seen datetime from the generator's fixed fake clock)",
                 data=ksn, stamp=DT2)
    db.close(clear=True)

    # --- exn ---
    exn0, end0 = exchanging.exchange(route="/dkms/hello", payload=dict(m="hi"), sender=apre,
                                     date=DT0)
    record("exn_no_embeds", exn0,
           f"exchanging.exchange(route='/dkms/hello', payload={{'m': 'hi'}}, sender={apre!r}, "
           f"date={DT0!r})",
           dict(route="/dkms/hello", payload=dict(m="hi"), sender=apre, date=DT0),
           notes="e = {} when nothing is embedded; q defaults to {}; p '' ")
    exn1, _ = exchanging.exchange(route="/dkms/hello", payload=dict(m="hi", n=[1, 2]),
                                  sender=apre, recipient=k1icp.pre, date=DT1,
                                  dig=exn0.said, modifiers=dict(x="y"))
    record("exn_recipient_dig_modifiers", exn1,
           f"exchanging.exchange(route='/dkms/hello', payload={{'m': 'hi', 'n': [1, 2]}}, "
           f"sender={apre!r}, recipient={k1icp.pre!r}, date={DT1!r}, dig={exn0.said!r}, "
           f"modifiers={{'x': 'y'}})",
           dict(route="/dkms/hello", payload=dict(m="hi", n=[1, 2]), sender=apre,
                recipient=k1icp.pre, date=DT1, dig=exn0.said, modifiers=dict(x="y")),
           notes="recipient goes into a.i (first key of a); p = prior exn SAID")
    k1icp_msg = eventing.messagize(k1icp, sigers=[S[0].sign(k1icp.raw, index=0)])
    exn2, end2 = exchanging.exchange(route="/dkms/embed", payload=dict(note="icp attached"),
                                     sender=apre, date=DT2,
                                     embeds=dict(icp=k1icp_msg, rct=bytes(
                                         EVENT_BY_NAME["rct_json"][1].raw)))
    e = exn2.sad["e"]
    assert list(e) == ["icp", "rct", "d"]
    edum = dict(e, d="#" * 44)
    assert Diger(ser=jdump(edum)).qb64 == e["d"]
    record("exn_embeds", exn2,
           "exchanging.exchange(route='/dkms/embed', payload={'note': 'icp attached'}, "
           f"sender={apre!r}, date={DT2!r}, embeds={{'icp': <K1.icp message with -A>, "
           "'rct': <rct_json body>}})",
           dict(route="/dkms/embed", payload=dict(note="icp attached"), sender=apre, date=DT2,
                embeds=dict(icp=dict(vector="ref12_2_K1_icp", attachments=bytes(
                    k1icp_msg[k1icp.size:]).decode()),
                            rct=dict(vector="rct_json", attachments=""))),
           notes="e = {label: embedded sad, ..., 'd': SAID of e} - keripy appends 'd' LAST in e "
                 "and saidifies e alone (Saider.saidify, JSON) before the exn's own d is computed "
                 "over the whole body (with e['d'] filled). Attachments of embedded messages come "
                 "back separately as a -L pathed group (see signed.json exn_embeds_F_L).",
           nested_saids=[dict(path=["e"], label="d", code="E", said=e["d"],
                              dummied_raw=jdump(edum).decode())])


# --------------------------------------------------------------------------
# stream parsing (attachments) and feeding keripy
# --------------------------------------------------------------------------

ITEM_SPECS = {
    CtrDex.ControllerIdxSigs: ["I"],
    CtrDex.WitnessIdxSigs: ["I"],
    CtrDex.NonTransReceiptCouples: ["M", "M"],
    CtrDex.TransReceiptQuadruples: ["M", "M", "M", "I"],
    CtrDex.FirstSeenReplayCouples: ["M", "M"],
    CtrDex.TransIdxSigGroups: ["M", "M", "M", "G"],
    CtrDex.SealSourceCouples: ["M", "M"],
    CtrDex.TransLastIdxSigGroups: ["M", "G"],
    CtrDex.SealSourceTriples: ["M", "M", "M"],
}


def is_binary(b):
    return (b[0] >> 5) == 0b111


def parse_prim(buf, kind, binary):
    if kind == "I":
        p = Indexer(qb2=buf, strip=True) if binary else Indexer(qb64b=buf, strip=True)
        d = dict(code=p.code, index=p.index, ondex=p.ondex)
    else:
        p = Matter(qb2=buf, strip=True) if binary else Matter(qb64b=buf, strip=True)
        d = dict(code=p.code)
    if binary:
        d["qb2"] = p.qb2.hex()
    else:
        d["qb64"] = p.qb64
    return d


def parse_group(buf):
    """Parse one attachment group from bytearray buf (consumed). Returns dict."""
    binary = is_binary(buf)
    n0 = len(buf)
    ctr = Counter(qb2=buf, strip=True) if binary else Counter(qb64b=buf, strip=True)
    g = dict(code=ctr.code, count=ctr.count, domain="binary" if binary else "text")
    items = []
    if ctr.code in (CtrDex.AttachedMaterialQuadlets, CtrDex.PathedMaterialQuadlets):
        size = ctr.count * (3 if binary else 4)
        inner = bytearray(buf[:size])
        del buf[:size]
        if ctr.code == CtrDex.AttachedMaterialQuadlets:
            while inner:
                items.append(dict(group=parse_group(inner)))
        else:
            p = Pather(qb2=inner, strip=True) if binary else Pather(qb64b=inner, strip=True)
            items.append(dict(code=p.code, qb64=p.qb64, path=p.path))
            while inner:
                items.append(dict(group=parse_group(inner)))
    else:
        spec = ITEM_SPECS[ctr.code]
        for _ in range(ctr.count):
            for k in spec:
                if k == "G":
                    items.append(dict(group=parse_group(buf)))
                else:
                    items.append(parse_prim(buf, k, binary))
    g["items"] = items
    g["length"] = n0 - len(buf)
    return g


def parse_attachments(atc):
    buf = bytearray(atc)
    out = []
    while buf:
        out.append(parse_group(buf))
    return out


def new_kevery(name):
    db = basing.Baser(name=name, temp=True, reopen=True)
    rtr = routing.Router()
    rvy = routing.Revery(db=db, rtr=rtr)
    kvy = eventing.Kevery(db=db, lax=True, rvy=rvy)
    kvy.registerReplyRoutes(rtr)
    kvy._rvy_ = rvy
    return db, kvy


def feed(kvy, msg, exc=None):
    """Run keripy's Parser.msgParsator on exactly one message. Returns
    (exception or None, bytes left)."""
    ims = bytearray(msg)
    parser = parsing.Parser(framed=True)
    gen = parser.msgParsator(ims=ims, framed=True, pipeline=False, kvy=kvy,
                             rvy=getattr(kvy, "_rvy_", None), exc=exc)
    spins = 0
    try:
        while True:
            next(gen)
            spins += 1
            if spins > 50:
                return "stall", len(ims)
    except StopIteration:
        return None, len(ims)
    except Exception as ex:  # noqa: BLE001
        return ex, len(ims)


# --------------------------------------------------------------------------
# signed.json
# --------------------------------------------------------------------------

SIGNED = []


class Scenario:
    """A fresh keripy Kevery; messages are fed in order and each one becomes
    a signed vector with its predecessors as prerequisites."""

    def __init__(self, name, note=""):
        self.name = name
        self.note = note
        self.db, self.kvy = new_kevery("sc_" + name)
        self.exc = exchanging.Exchanger(hby=types.SimpleNamespace(db=self.db), handlers=[])
        self.names = []

    def add(self, name, msg, *, signers, notes, accepted, source=None, expect=True,
            escrows=False, ref=None):
        msg = bytes(msg)
        serder = serdering.SerderKERI(raw=msg)
        body, atc = msg[:serder.size], msg[serder.size:]
        ex, left = feed(self.kvy, msg, exc=self.exc)
        assert left == 0, (name, left)
        if escrows:
            self.kvy.processEscrows()
        ok = bool(accepted(self, serder))
        assert ok == expect, (name, ok, ex)
        if ref is not None:
            assert msg.decode() == REF12[ref], (name, msg.decode(), REF12[ref])
        rec = dict(name=name)
        if source:
            rec["source"] = source
        rec.update(scenario=self.name, prerequisites=list(self.names), ilk=serder.ilk,
                   kind=serder.kind, said=serder.said, stream_hex=msg.hex())
        try:
            rec["stream_text"] = msg.decode("utf-8") if serder.kind == Serials.json and \
                not any(g["domain"] == "binary" for g in parse_attachments(atc)) else None
        except UnicodeDecodeError:
            rec["stream_text"] = None
        if rec["stream_text"] is None:
            del rec["stream_text"]
        rec.update(body_hex=body.hex(), body_size=len(body), attachments_hex=atc.hex())
        rec["attachments"] = parse_attachments(atc)
        rec["signers"] = signers
        rec["keripy_accepts"] = ok
        rec["keripy_error"] = None if ex is None else errname(ex) if not isinstance(ex, str) else ex
        if escrows:
            rec["keripy_process_escrows_after"] = True
        rec["notes"] = notes
        SIGNED.append(rec)
        self.names.append(name)
        return rec

    def close(self):
        self.db.close(clear=True)


def acc_event(sc, serder):
    """Event accepted: it is the latest event at (i, s) in the KEL."""
    dig = sc.db.getKeLast(dbing.snKey(serder.preb, serder.sn))
    return (dig is not None and bytes(dig).decode() == serder.said
            and serder.pre in sc.kvy.kevers)


def acc_rcts(n):
    def f(sc, serder):
        return len(sc.db.getRcts(dbing.dgKey(serder.preb, serder.said))) >= n
    return f


def acc_wigs(n):
    def f(sc, serder):
        return len(sc.db.getWigs(dbing.dgKey(serder.preb, serder.said))) >= n
    return f


def acc_vrcs(pre, said):
    def f(sc, serder):
        return len(sc.db.getVrcs(dbing.dgKey(pre.encode(), said.encode()))) >= 1
    return f


def never(sc, serder):
    return False


def sigs(serder, signers, idx=None, **kwa):
    idx = idx if idx is not None else range(len(signers))
    return [s.sign(serder.raw, index=i, **kwa) for s, i in zip(signers, idx)]


def seeds(signers):
    return [s.qb64 for s in signers]


def binary_msg(serder, groups):
    """serder raw + binary-domain groups [(code, [primitives or nested (code, [...])])]."""
    out = bytearray(serder.raw)
    for code, items in groups:
        out.extend(bin_group(code, items))
    return out


def bin_group(code, items, count=None):
    content = bytearray()
    for it in items:
        if isinstance(it, tuple):
            content.extend(bin_group(*it))
        else:
            content.extend(it.qb2)
    if count is None:
        count = len(content) // 3 if code == CtrDex.AttachedMaterialQuadlets else None
    return bytes(Counter(code=code, count=count).qb2) + bytes(content)


def gen_signed():
    EB = lambda n: EVENT_BY_NAME[n][1]  # noqa: E731
    E = MtrDex.Blake3_256

    # ---- §12.1 ----
    canon = EB("ref12_1_icp_canonical")
    sc = Scenario("ref12_1", "reference §12.1 canonical inception, plain")
    sc.add("ref12_1_icp_canonical_A", eventing.messagize(canon, sigers=sigs(canon, [T[0]])),
           source="reference §12.1", ref="12.1/icp_canonical.msg", signers=seeds([T[0]]),
           notes="-A one Ed25519 'A' sig, index 0", accepted=acc_event)
    rct = EB("ref12_1_rct")
    tmsg = eventing.messagize(rct, sigers=sigs(canon, [T[0]]),
                              seal=SealEvent(i=canon.pre, s="0", d=canon.said))
    sc.add("ref12_1_rct_trans_F_format_only", tmsg, source="reference §12.1",
           ref="12.1/rct_trans.msg", signers=seeds([T[0]]), accepted=never, expect=False,
           notes="FORMAT-ONLY (as in keripy's test): -F group whose signature is over the "
                 "canonical icp, not over the receipted ixn; and the receipted KEL is unknown "
                 "here, so keripy escrows it. Use for parsing only.")
    sc.close()
    sc = Scenario("ref12_1_pipelined")
    sc.add("ref12_1_icp_canonical_V", eventing.messagize(canon, sigers=sigs(canon, [T[0]]),
                                                         pipelined=True),
           source="reference §12.1", ref="12.1/icp_canonical.msg_pipelined",
           signers=seeds([T[0]]), notes="-V (quadlet count 0x17 = 23) wrapping -A",
           accepted=acc_event)
    sc.close()

    # ---- §12.2 K1 ----
    sc = Scenario("K1", "reference §12.2 K1")
    for n, key, sg in (("icp", "K1.icp.msg", S[0]), ("rot", "K1.rot.msg", S[1]),
                       ("ixn", "K1.ixn.msg", S[1])):
        sd = EB(f"ref12_2_K1_{n}")
        sc.add(f"ref12_2_K1_{n}", eventing.messagize(sd, sigers=sigs(sd, [sg])),
               source="reference §12.2", ref="12.2/" + key, signers=seeds([sg]),
               notes="-A one 'A' sig", accepted=acc_event)
    sc.close()

    # ---- §12.3 K2 ----
    k2 = EB("ref12_3_K2_icp")
    wig2 = [W[0].sign(k2.raw, index=0), W[1].sign(k2.raw, index=1)]
    sc = Scenario("K2_wigs")
    sc.add("ref12_3_K2_icp_A_B", eventing.messagize(k2, sigers=sigs(k2, [S[0]]), wigers=wig2),
           source="reference §12.3", ref="12.3/K2.icp.msg(sig+wigs)",
           signers=seeds([S[0]]) + seeds(W[:2]),
           notes="-A controller sig, -B two witness indexed sigs (witness signers W0, W1; "
                 "signers list = controller seeds then witness seeds)", accepted=acc_event)
    sc.close()
    sc = Scenario("K2_escrow_C")
    sc.add("ref12_3_K2_icp_A_only", eventing.messagize(k2, sigers=sigs(k2, [S[0]])),
           signers=seeds([S[0]]), accepted=acc_event, expect=False,
           notes="witnessed icp (bt 2) with only -A: keripy puts it in the partially witnessed "
                 "escrow")
    k2rct = eventing.receipt(pre=k2.pre, sn=0, said=k2.said)
    cig2 = [W[0].sign(k2.raw), W[1].sign(k2.raw)]
    sc.add("ref12_3_K2_rct_C", eventing.messagize(k2rct, cigars=cig2),
           source="reference §12.3", ref="12.3/K2.rct.msg(-C couples)", signers=seeds(W[:2]),
           escrows=True, accepted=lambda sc_, s: acc_event(sc_, k2),
           notes="rct + -C couples (witness prefix + 0B sig) from both witnesses; keripy converts "
                 "them to witness sigs; after processEscrows() the icp is accepted")
    sc.close()
    sc = Scenario("K2_escrow_B")
    sc.add("ref12_3_K2_icp_A_only_again", eventing.messagize(k2, sigers=sigs(k2, [S[0]])),
           signers=seeds([S[0]]), accepted=acc_event, expect=False, notes="as above")
    sc.add("ref12_3_K2_rct_B", eventing.messagize(k2rct, wigers=wig2),
           source="reference §12.3", ref="12.3/K2.rct.msg(-B wigs)", signers=seeds(W[:2]),
           escrows=True, accepted=lambda sc_, s: acc_event(sc_, k2),
           notes="rct + -B indexed witness sigs; after processEscrows() the icp is accepted")
    sc.close()

    # ---- §12.4 W ----
    wicp, wrot = EB("ref12_4_W_icp"), EB("ref12_4_W_rot")
    wicp_msg = eventing.messagize(wicp, sigers=[S[0].sign(wicp.raw, index=0),
                                                S[2].sign(wicp.raw, index=2)])
    sc = Scenario("W")
    sc.add("ref12_4_W_icp", wicp_msg, source="reference §12.4", ref="12.4/W.icp.msg",
           signers=seeds(S[0:3]), accepted=acc_event,
           notes="weighted kt; sigs by S0 (index 0) and S2 (index 2) only")
    wrot_sig = [S[5].sign(wrot.raw, index=0, ondex=2), S[3].sign(wrot.raw, index=1, ondex=0)]
    sc.add("ref12_4_W_rot", eventing.messagize(wrot, sigers=wrot_sig), source="reference §12.4",
           ref="12.4/W.rot.msg", signers=seeds([S[5], S[3], S[6]]), accepted=acc_event,
           notes="big dual-index '2A' sigs: (index 0, ondex 2) by S5, (index 1, ondex 0) by S3")
    sc.close()
    sc = Scenario("W_bad")
    sc.add("ref12_4_W_icp_again", wicp_msg, signers=seeds(S[0:3]), accepted=acc_event,
           notes="as ref12_4_W_icp")
    bad = [S[5].sign(wrot.raw, index=0, ondex=2), S[6].sign(wrot.raw, index=2, only=True)]
    assert [b.code for b in bad] == ["2A", "B"]
    sc.add("ref12_4_W_rot_prior_nt_unmet", eventing.messagize(wrot, sigers=bad),
           source="reference §12.4 (counter-example)", signers=seeds([S[5], S[3], S[6]]),
           accepted=acc_event, expect=False,
           notes="2A (0, ondex 2) by S5 + current-only B (index 2) by S6: new kt satisfied, "
                 "prior nt not (only one exposed key) -> partially signed escrow")
    sc.close()

    # ---- §12.5 DEL + our drt ----
    dicp, dixn = EB("ref12_5_DEL_delegator_icp"), EB("ref12_5_DEL_delegator_ixn")
    dip, drt = EB("ref12_5_DEL_dip"), EB("ref12_5_DEL_drt")
    sc = Scenario("DEL")
    sc.add("ref12_5_DEL_delegator_icp", eventing.messagize(dicp, sigers=sigs(dicp, [DR[0]])),
           source="reference §12.5", ref="12.5/DEL.delegator.icp.msg", signers=seeds([DR[0]]),
           notes="-A", accepted=acc_event)
    sc.add("ref12_5_DEL_delegator_ixn", eventing.messagize(dixn, sigers=sigs(dixn, [DR[0]])),
           source="reference §12.5", ref="12.5/DEL.delegator.ixn.msg", signers=seeds([DR[0]]),
           notes="-A; a anchors the dip event seal", accepted=acc_event)
    dipmsg = bytearray(eventing.messagize(dip, sigers=sigs(dip, [DE[0]])))
    dipmsg.extend(Counter(code=CtrDex.SealSourceCouples, count=1).qb64b)
    dipmsg.extend(Seqner(sn=1).qb64b + dixn.saidb)
    sc.add("ref12_5_DEL_dip_A_G", dipmsg, source="reference §12.5", ref="12.5/DEL.dip.msg",
           signers=seeds([DE[0]]), accepted=acc_event,
           notes="-A then -G seal source couple (Seqner 1 + SAID of delegator ixn)")
    dixn2 = eventing.interact(pre=dicp.pre, dig=dixn.said, sn=2,
                              data=[dict(i=drt.pre, s="1", d=drt.said)])
    sc.add("DEL_delegator_ixn2", eventing.messagize(dixn2, sigers=sigs(dixn2, [DR[0]])),
           signers=seeds([DR[0]]), accepted=acc_event,
           notes="delegator ixn sn 2 anchoring the drt (reference §12.5 drt body)")
    drtmsg = bytearray(eventing.messagize(drt, sigers=sigs(drt, [DE[1]])))
    drtmsg.extend(Counter(code=CtrDex.SealSourceCouples, count=1).qb64b)
    drtmsg.extend(Seqner(sn=2).qb64b + dixn2.saidb)
    sc.add("DEL_drt_A_G", drtmsg, signers=seeds([DE[1]]), accepted=acc_event,
           notes="reference §12.5 drt body signed by DE1 with -A and -G (Seqner 2 + ixn2 SAID)")
    dexn = eventing.interact(pre=dip.pre, dig=drt.said, sn=2)
    sc.add("DEL_delegate_ixn", eventing.messagize(dexn, sigers=sigs(dexn, [DE[1]])),
           signers=seeds([DE[1]]), accepted=acc_event, notes="delegate ixn after drt")
    del_db = sc  # keep open for replay
    # replay of delegated KELs (cloneEvtMsg): -V wrapping -A and -G and -E
    replay = []
    for pre in (dicp.pre, dip.pre):
        for msg in sc.db.clonePreIter(pre=pre, fn=0):
            replay.append(bytes(msg))

    # ---- multisig numeric KEL with witnesses (kel_a) ----
    aicp, arot = EB("kel_a_icp"), EB("rot_normal")
    apre = aicp.pre
    sc = Scenario("A", "3-key kt 2 KEL with 3 witnesses, toad 2")
    wig = [W[i].sign(aicp.raw, index=i) for i in (0, 1)]
    sc.add("icp_multisig_A3_B2", eventing.messagize(aicp, sigers=sigs(aicp, S[0:3]), wigers=wig),
           signers=seeds(S[0:3]) + seeds(W[:2]), accepted=acc_event,
           notes="-A three small 'A' sigs (index 0,1,2), -B two witness sigs (W0 idx 0, W1 idx 1)")
    rct0 = eventing.receipt(pre=apre, sn=0, said=aicp.said)
    sc.add("rct_icp_C_witness_and_watcher",
           eventing.messagize(rct0, cigars=[W[2].sign(aicp.raw), VN[0].sign(aicp.raw)]),
           signers=seeds([W[2], VN[0]]), accepted=lambda sc_, s: acc_rcts(1)(sc_, aicp)
           and acc_wigs(3)(sc_, aicp),
           notes="-C couples from witness W2 (keripy stores it as witness sig index 2) and a "
                 "non-witness watcher (stored as a non-trans receipt)")
    rsig = [S[5].sign(arot.raw, index=0, ondex=2), S[3].sign(arot.raw, index=1, ondex=0)]
    assert [x.code for x in rsig] == ["2A", "2A"]
    # rot_normal has keys S3,S4,S5 in order; use rot with reordered keys instead
    rotx = eventing.rotate(pre=apre, keys=[S[5].verfer.qb64, S[3].verfer.qb64, S[4].verfer.qb64],
                           dig=aicp.said, sn=1, isith="2", ndigs=[ndig(s) for s in S[6:9]],
                           nsith="2", wits=[w.verfer.qb64 for w in W[:3]],
                           cuts=[W[0].verfer.qb64], adds=[W[3].verfer.qb64], toad=2)
    rsig = [S[5].sign(rotx.raw, index=0, ondex=2), S[3].sign(rotx.raw, index=1, ondex=0),
            S[4].sign(rotx.raw, index=2, only=True)]
    assert [x.code for x in rsig] == ["2A", "2A", "B"], [x.code for x in rsig]
    rwig = [W[1].sign(rotx.raw, index=0), W[2].sign(rotx.raw, index=1),
            W[3].sign(rotx.raw, index=2)]
    sc.add("rot_reordered_2A_2B_witness_cut_add",
           eventing.messagize(rotx, sigers=rsig, wigers=rwig),
           signers=seeds([S[5], S[3], S[4]]) + seeds([W[1], W[2], W[3]]), accepted=acc_event,
           notes="rot keys [S5,S3,S4] (reordered next keys): '2A' (index 0, ondex 2), "
                 "'2A' (1, 0), current-only 'B' (index 2); -B by the NEW witness list "
                 "[W1, W2, W3] (cut W0, add W3) at indices 0,1,2. Body built by "
                 "eventing.rotate(pre, keys=[S5,S3,S4], dig=icp.said, sn=1, isith='2', "
                 "ndigs=H(S6..S8), nsith='2', wits=[W0,W1,W2], cuts=[W0], adds=[W3], toad=2)",
           )
    SIGNED[-1]["body_builder_inputs"] = dict(
        pre=apre, keys=[S[5].verfer.qb64, S[3].verfer.qb64, S[4].verfer.qb64], dig=aicp.said,
        sn=1, isith="2", ndigs=[ndig(s) for s in S[6:9]], nsith="2",
        wits=[w.verfer.qb64 for w in W[:3]], cuts=[W[0].verfer.qb64], adds=[W[3].verfer.qb64],
        toad=2)
    ixa = eventing.interact(pre=apre, dig=rotx.said, sn=2)
    isg = [S[5].sign(ixa.raw, index=0), S[4].sign(ixa.raw, index=2)]
    iwg = [W[1].sign(ixa.raw, index=0), W[3].sign(ixa.raw, index=2)]
    sc.add("ixn_A2_B2_pipelined", eventing.messagize(ixa, sigers=isg, wigers=iwg, pipelined=True),
           signers=seeds([S[5], S[3], S[4]]) + seeds([W[1], W[2], W[3]]), accepted=acc_event,
           notes="messagize(pipelined=True): -V wrapping -A (indices 0, 2) and -B (witness "
                 "indices 0, 2)")
    # -F trans receipt (validator V) and -D quadruple, -I triple
    vicp = eventing.incept(keys=[V[0].verfer.qb64], ndigs=[ndig(V[1])], code=E)
    sc.add("validator_icp", eventing.messagize(vicp, sigers=sigs(vicp, [V[0]])),
           signers=seeds([V[0]]), accepted=acc_event,
           notes="validator V (salt dkms-validator00) inception: "
                 "eventing.incept(keys=[V0], ndigs=[H(V1)], code='E')")
    rct2 = eventing.receipt(pre=apre, sn=2, said=ixa.said)
    fmsg = eventing.messagize(rct2, sigers=[V[0].sign(ixa.raw, index=0)],
                              seal=SealEvent(i=vicp.pre, s="0", d=vicp.said))
    sc.add("rct_ixn_F_trans_receipt", fmsg, signers=seeds([V[0]]),
           accepted=acc_vrcs(apre, ixa.said),
           notes="transferable receipt: rct + -F (validator prefix, Seqner 0, validator icp "
                 "SAID, nested -A sig over the receipted ixn) via messagize(seal=SealEvent)")
    ixb = eventing.interact(pre=apre, dig=ixa.said, sn=3, data=[dict(d=Diger(ser=b"x").qb64)])
    m = bytearray(eventing.messagize(ixb, sigers=[S[5].sign(ixb.raw, index=0),
                                                  S[3].sign(ixb.raw, index=1)],
                                     wigers=[W[1].sign(ixb.raw, index=0),
                                             W[2].sign(ixb.raw, index=1)]))
    m.extend(Counter(code=CtrDex.TransReceiptQuadruples, count=1).qb64b)
    m.extend(vicp.preb + Seqner(sn=0).qb64b + vicp.saidb + V[0].sign(ixb.raw, index=0).qb64b)
    m.extend(Counter(code=CtrDex.SealSourceTriples, count=1).qb64b)
    m.extend(vicp.preb + Seqner(sn=0).qb64b + vicp.saidb)
    sc.add("ixn_A_B_D_I", m, signers=seeds([S[5], S[3]]) + seeds(W[1:3]) + seeds([V[0]]),
           accepted=lambda sc_, s: acc_event(sc_, s) and acc_vrcs(apre, ixb.said)(sc_, s),
           notes="ixn with -A, -B, then -D trans receipt quadruple (validator pre, Seqner, SAID, "
                 "siger) and -I seal source triple (validator pre, Seqner 0, SAID); keripy stores "
                 "the -D as a validator receipt and ignores -I for key events")
    # -H on qry (messagize seal=SealLast, as Hab.endorse(last=True))
    q = eventing.query(route="logs", query=dict(i=apre, src=vicp.pre), stamp=DT0)
    qmsg = eventing.messagize(q, sigers=[V[0].sign(q.raw, index=0)], seal=SealLast(i=vicp.pre),
                              pipelined=True)
    nreplay = lambda sc_: sum(1 for c in list(sc_.kvy.cues) if c.get("kin") == "replay")  # noqa
    sc.add("qry_logs_H_pipelined", qmsg, signers=seeds([V[0]]),
           accepted=lambda sc_, s: nreplay(sc_) == 1,
           notes="qry route logs + -V wrapping -H (SealLast: querier prefix + nested -A), i.e. "
                 "Hab.endorse(last=True). keripy accepts = it queued a 'replay' cue. NOTE: "
                 "keripy 1.1.17's Kevery.processQuery does not verify the -H signature at all.")
    qb = eventing.query(route="logs", query=dict(i=apre, src=vicp.pre), stamp=DT1)
    qbmsg = eventing.messagize(qb, sigers=[V[1].sign(qb.raw, index=0)], seal=SealLast(i=vicp.pre))
    sc.add("qry_logs_H_wrong_key", qbmsg, signers=seeds([V[1]]),
           accepted=lambda sc_, s: nreplay(sc_) == 2,
           notes="same qry (dt DT1) + -H whose signature is by V1, which is NOT the validator's "
                 "current key (V0): keripy 1.1.17 still serves the replay (processQuery does not "
                 "verify -H signatures). A strict implementation must reject this.")
    # rpy with -F (Hab.endorse style, pipelined)
    rpy = eventing.reply(route="/end/role/add",
                         data=dict(cid=vicp.pre, role="watcher", eid=VN[0].verfer.qb64), stamp=DT0)
    rmsg = eventing.messagize(rpy, sigers=[V[0].sign(rpy.raw, index=0)],
                              seal=SealEvent(i=vicp.pre, s="0", d=vicp.said), pipelined=True)
    sc.add("rpy_end_role_add_F_pipelined", rmsg, signers=seeds([V[0]]),
           accepted=lambda sc_, s: sc_.db.ends.get(keys=(vicp.pre, "watcher",
                                                         VN[0].verfer.qb64)) is not None,
           notes="rpy /end/role/add (cid = validator V) + -V wrapping -F, exactly as keripy's "
                 "Hab.endorse(serder) builds it; accepted = db.ends has the record")
    rpy2 = eventing.reply(route="/loc/scheme",
                          data=dict(eid=vicp.pre, scheme="http", url="http://127.0.0.1:5642/"),
                          stamp=DT1)
    rmsg2 = eventing.messagize(rpy2, sigers=[V[0].sign(rpy2.raw, index=0)],
                               seal=SealEvent(i=vicp.pre, s="0", d=vicp.said))
    sc.add("rpy_loc_scheme_F", rmsg2, signers=seeds([V[0]]),
           accepted=lambda sc_, s: sc_.db.locs.get(keys=(vicp.pre, "http")) is not None,
           notes="rpy /loc/scheme + -F (not pipelined); accepted = db.locs has the record")
    # ksn rpy from the validator about KEL A, signed -F
    kever = sc.kvy.kevers[apre]
    ksn = kever.state()._asdict()
    krpy = eventing.reply(route=f"/ksn/{vicp.pre}", data=ksn, stamp=DT2)
    kmsg = eventing.messagize(krpy, sigers=[V[0].sign(krpy.raw, index=0)],
                              seal=SealEvent(i=vicp.pre, s="0", d=vicp.said), pipelined=True)
    sc.add("rpy_ksn_F_pipelined", kmsg, signers=seeds([V[0]]),
           accepted=lambda sc_, s: sc_.db.knas.get(keys=(apre, vicp.pre)) is not None,
           notes="rpy /ksn/{validator} with a = KEL A key state (Kever.state()), + -V(-F). "
                 "accepted = db.knas has (aid, endorser)")
    # exn with -F and -L (embeds), and exn with -F only
    exn, end = exchanging.exchange(route="/dkms/embed", payload=dict(note="hi"),
                                   sender=vicp.pre, date=DT0,
                                   embeds=dict(evt=eventing.messagize(
                                       ixb, sigers=[S[5].sign(ixb.raw, index=0)])))
    emsg = bytearray(eventing.messagize(exn, sigers=[V[0].sign(exn.raw, index=0)],
                                        seal=SealEvent(i=vicp.pre, s="0", d=vicp.said)))
    emsg.extend(end)
    sc.add("exn_embeds_F_L", emsg, signers=seeds([V[0]]),
           accepted=lambda sc_, s: sc_.db.exns.get(keys=(s.said,)) is not None,
           notes="exn from validator V embedding an ixn of KEL A (e.evt) + -F + -L pathed group "
                 "(Pather ['e','evt'] + the embedded event's -A) as returned by "
                 "exchanging.exchange(embeds=...); fed to a keripy Exchanger (no route handler): "
                 "accepted = stored in db.exns")
    exn2, _ = exchanging.exchange(route="/dkms/hello", payload=dict(m="hi"), sender=vicp.pre,
                                  recipient=apre, date=DT1)
    emsg2 = eventing.messagize(exn2, sigers=[V[0].sign(exn2.raw, index=0)],
                               seal=SealEvent(i=vicp.pre, s="0", d=vicp.said), pipelined=True)
    sc.add("exn_F_pipelined", emsg2, signers=seeds([V[0]]),
           accepted=lambda sc_, s: sc_.db.exns.get(keys=(s.said,)) is not None,
           notes="exn + -V(-F) (Hab.endorse style)")
    # record body inputs for the signed-only bodies
    SIGNED[-1]["body_builder_inputs"] = dict(route="/dkms/hello", payload=dict(m="hi"),
                                             sender=vicp.pre, recipient=apre, date=DT1)
    # out-of-range index and repeated-index behaviour on an ixn of KEL A (numeric kt 2)
    ixc = eventing.interact(pre=apre, dig=ixb.said, sn=4)
    dup = [S[5].sign(ixc.raw, index=0), S[5].sign(ixc.raw, index=0, ondex=0)]
    dup[1] = Siger(raw=dup[1].raw, code="2A", index=0, ondex=0, verfer=S[5].verfer)
    sc.add("ixn_same_key_twice_A_and_2A", eventing.messagize(ixc, sigers=dup,
                                                              wigers=[W[1].sign(ixc.raw, index=0),
                                                                      W[2].sign(ixc.raw, index=1)]),
           signers=seeds([S[5]]) + seeds(W[1:3]), accepted=acc_event,
           notes="kt '2' 'satisfied' by ONE key's signature attached twice (code A and 2A, index 0):"
                 " keripy 1.1.17 ACCEPTS (numeric satisfy counts list entries, not distinct "
                 "indices; reference §6.1 [DIVERGENCE]). A strict implementation rejects this.")
    replay_a = [bytes(m) for m in sc.db.clonePreIter(pre=apre, fn=0)]
    replay_v = [bytes(m) for m in sc.db.clonePreIter(pre=vicp.pre, fn=0)]
    sc.close()

    sc = Scenario("A_oob")
    sc.add("icp_multisig_again", eventing.messagize(aicp, sigers=sigs(aicp, S[0:3]),
                                                    wigers=[W[i].sign(aicp.raw, index=i)
                                                            for i in (0, 1)]),
           signers=seeds(S[0:3]) + seeds(W[:2]), accepted=acc_event, notes="as icp_multisig_A3_B2")
    r2 = eventing.rotate(pre=apre, keys=[s.verfer.qb64 for s in S[3:6]], dig=aicp.said, sn=1,
                         isith="2", ndigs=[ndig(s) for s in S[6:9]], nsith="2",
                         wits=[w.verfer.qb64 for w in W[:3]], toad=2)
    assert r2.raw == arot.raw
    oob = sigs(arot, S[3:6]) + [S[3].sign(arot.raw, index=3)]
    sc.add("rot_out_of_range_index", eventing.messagize(arot, sigers=oob,
                                                        wigers=[W[i].sign(arot.raw, index=i)
                                                                for i in (0, 1)]),
           signers=seeds(S[3:6]) + seeds(W[:2]), accepted=acc_event, expect=False,
           notes="rot_normal body with 3 valid 'A' sigs plus a 4th at index 3 (>= len(k)): "
                 "keripy 1.1 drops the whole message (IndexError)")
    sc.close()

    # ---- replay (cloneEvtMsg): -V with -A, -B, -C, -D, -E, -G ----
    sc = Scenario("replay", "cloneEvtMsg output of scenarios DEL and A, fed to a fresh Kevery")
    for i, msg in enumerate(replay):
        sd = serdering.SerderKERI(raw=msg)
        sc.add(f"replay_DEL_{i}_{sd.ilk}", msg, signers=[],
               accepted=acc_event,
               notes="Baser.cloneEvtMsg: body + -V wrapping -A, (-G for dip/drt), -E first-seen "
                     "couple (Seqner fn + Dater from the generator's fixed clock)")
    for i, msg in enumerate(replay_v + replay_a):
        sd = serdering.SerderKERI(raw=msg)
        sc.add(f"replay_A_{i}_{sd.ilk}_{sd.pre[:6]}", msg, signers=[], accepted=acc_event,
               notes="Baser.cloneEvtMsg: body + -V wrapping -A, -B, -C (non-witness receipts), "
                     "-D (validator receipts), -E")
    sc.close()
    del_db.close()
    codes = set()

    def walk(gs):
        for g in gs:
            codes.add(g["code"])
            walk([it["group"] for it in g["items"] if "group" in it])
    for r in SIGNED:
        walk(r["attachments"])
    for need in ("-A", "-B", "-C", "-D", "-E", "-F", "-G", "-H", "-I", "-V", "-L"):
        assert need in codes, need

    # ---- binary-domain attachments ----
    k1 = [EB(n) for n in ("ref12_2_K1_icp", "ref12_2_K1_rot", "ref12_2_K1_ixn")]
    sc = Scenario("K1_binary")
    for sd, sg in zip(k1, (S[0], S[1], S[1])):
        sgr = sg.sign(sd.raw, index=0)
        if sd.ilk == "rot":
            msg = binary_msg(sd, [(CtrDex.AttachedMaterialQuadlets,
                                   [(CtrDex.ControllerIdxSigs, [sgr], 1)])])
            note = "binary -V (count = bytes/3) wrapping binary -A"
        else:
            msg = binary_msg(sd, [(CtrDex.ControllerIdxSigs, [sgr])])
            note = "binary-domain -A (qb2)"
        sc.add(f"K1_{sd.ilk}_binary", msg, signers=seeds([sg]), accepted=acc_event, notes=note)
    rct = eventing.receipt(pre=k1[0].pre, sn=0, said=k1[0].said)
    c0, c1 = VN[0].sign(k1[0].raw), VN[1].sign(k1[0].raw)
    m = bytearray(eventing.messagize(rct, cigars=[c0]))
    m.extend(bin_group(CtrDex.NonTransReceiptCouples, [c1.verfer, c1], 1))
    sc.add("K1_rct_text_C_then_binary_C", m, signers=seeds(VN[:2]),
           accepted=lambda sc_, s: acc_rcts(2)(sc_, k1[0]),
           notes="rct of K1 icp + text -C (watcher 0) + binary -C (watcher 1)")
    sc.close()

    # ---- CBOR / MGPK bodies signed ----
    for kind in (Serials.cbor, Serials.mgpk):
        sc = Scenario(f"kind_{kind}")
        icp = EB(f"icp_basic_{kind.lower()}")
        sc.add(f"icp_basic_{kind.lower()}_A", eventing.messagize(icp, sigers=sigs(icp, [S[0]])),
               signers=seeds([S[0]]), accepted=acc_event, notes=f"{kind} body + text -A")
        ix = eventing.interact(pre=icp.pre, dig=icp.said, sn=1, kind=kind,
                               data=[dict(d=Diger(ser=b"k").qb64)])
        sc.add(f"ixn_{kind.lower()}_A", eventing.messagize(ix, sigers=sigs(ix, [S[0]])),
               signers=seeds([S[0]]), accepted=acc_event,
               notes=f"{kind} ixn body (interact(pre, dig=icp.said, sn=1, kind, data=[{{d}}])) "
                     "+ text -A")
        sc.close()


# --------------------------------------------------------------------------
# thresholds.json
# --------------------------------------------------------------------------

def gen_thresholds():
    cases = [
        ("1", [[0], [], [0, 0], [5]]),
        ("2", [[0], [0, 1], [0, 0], [1, 1], [7, 9], []]),
        ("a", [list(range(9)), list(range(10)), [0] * 10]),
        (2, [[0], [0, 1]]),
        ("0", [[], [0]]),
        ("01", [[0]]),
        ("0x2", [[0, 1]]),
        ("A", [list(range(10))]),
        (0, [[]]),
        ("ff", [list(range(255))]),
        (["1/2", "1/2", "1/4", "1/4", "1/4"],
         [[0, 1], [0, 2, 3], [2, 3, 4], [0, 2, 3, 4], [0, 0], [1, 2, 3], [0, 1, 5], [5], [],
          [0, 1, 1], [4, 3, 0]]),
        ([["1/2", "1/2", "1/4", "1/4", "1/4"], ["1", "1"]],
         [[0, 1, 5], [0, 1], [5, 6], [0, 2, 3, 4, 6], [2, 3, 4, 5], [0, 1, 7], []]),
        (["1", "0", "1/2", "1/2"], [[0], [1], [2, 3], [1, 2], [0, 1, 2, 3]]),
        (["1/2", "1/2"], [[0, 1], [0, 1, 2], [0, 2], [2]]),
        (["1/3", "1/3", "1/3"], [[0, 1], [0, 1, 2]]),
        (["1/2", "1/2", "1/2"], [[0, 2], [1], [2, 1]]),
        (["2/4", "1/1", "0/5"], [[0], [1], [0, 2]]),
        ([["1/2", "1/2"]], [[0, 1]]),
        ('["1/2", "1/2"]', [[0, 1]]),
        ('[["1/2","1/2"],["1"]]', [[0, 1], [0, 1, 2]]),
        (["1.0", "0"], [[0]]),
        (["1"], [[0]]),
        (["0", "1/3", "1/3", "1/3", "1/3"], [[1, 2, 3], [0, 1]]),
        # invalid
        (["1/2", "1/4"], []),
        ([["1/2", "1/2"], ["1/3", "1/3"]], []),
        (["0.5", "0.5"], []),
        (["3/2"], []),
        (["-1/2", "1", "1/2"], []),
        (["2", "1"], []),
        ([{"1/2": ["1/2", "1/2", "1/2"]}, "1/2", "1/2"], []),
        ([], []),
        ([[]], []),
        ("", []),
        ("-1", []),
        (-1, []),
        ("g", []),
        (["1/2", 1], []),
        (["1/0", "1"], []),
        (["a/b"], []),
        (1.5, []),
    ]
    out = []
    for sith, sats in cases:
        th, ex = try_call(lambda: Tholder(sith=sith))
        rec = dict(sith=sith)
        if ex is not None:
            rec.update(kind=None, valid=False, error=errname(ex))
            out.append(rec)
            continue
        rec.update(kind="weighted" if th.weighted else "numeric", valid=True, error=None,
                   size=th.size, limen=bytes(th.limen).decode(), sith_out=th.sith,
                   thold=([[f"{f.numerator}/{f.denominator}" for f in c] for c in th.thold]
                          if th.weighted else th.thold))
        # limen round trip
        back = Tholder(limen=th.limen)
        assert back.sith == th.sith
        rec["satisfy"] = [dict(indices=ix, result=bool(th.satisfy(ix))) for ix in sats]
        out.append(rec)
    return dict(
        notes="Tholder(sith=...) from keripy 1.1.17. limen = Tholder.limen (qb64 of a Number for "
              "numeric, Bexter for weighted); sith_out = Tholder.sith (what builders write into "
              "kt/nt); thold = exact rationals as n/d strings (weighted) or int. satisfy = "
              "Tholder.satisfy(indices) exactly as keripy computes it: numeric counts list "
              "entries (repeated indices count!), weighted uses the set of indices and returns "
              "False on any index >= size (IndexError swallowed). keripy's Kever additionally "
              "requires len(k) >= size and never passes out-of-range indices (it raises first).",
        vectors=out)


# --------------------------------------------------------------------------
# invalid.json
# --------------------------------------------------------------------------

def resaid(sad, labels=("d",), dumps=jdump, vs_major_minor=None, keep_said=False):
    """Recompute size and SAID(s) with keripy's Diger (blake3 'E') for a JSON sad,
    using the given dumper (to create non-canonical JSON)."""
    sad = dict(sad)
    for lb in labels:
        sad[lb] = "#" * 44
    vs = sad["v"]
    raw = dumps(sad)
    size = len(raw)
    sad["v"] = vs[:10] + f"{size:06x}_"
    raw = dumps(sad)
    assert len(raw) == size
    if not keep_said:
        dig = Diger(ser=raw).qb64
        for lb in labels:
            sad[lb] = dig
    raw = dumps(sad)
    assert len(raw) == size
    return raw


def kevery_check(raw, signers, prereqs=(), wigers_for=None, escrows=False):
    """Parse raw with SerderKERI; if OK, feed (signed) to a Kevery after
    prereqs. Returns dict(serder_error, kevery_error, kevery_accepts)."""
    srd, ex = try_call(lambda: serdering.SerderKERI(raw=bytes(raw)))
    res = dict(serder_error=None if ex is None else errname(ex))
    if ex is not None:
        return res, None
    db, kvy = new_kevery("inv")
    for m in prereqs:
        e, _ = feed(kvy, m)
        assert e is None, e
    sgs = [s.sign(srd.raw, index=i) for i, s in enumerate(signers)]
    wigs = [w.sign(srd.raw, index=i) for i, w in enumerate(wigers_for or [])]
    err = None
    try:
        kvy.processEvent(serder=srd, sigers=sgs, wigers=wigs or None)
    except Exception as e:  # noqa: BLE001
        err = errname(e)
    if escrows:
        kvy.processEscrows()
    sn, _ = try_call(lambda: srd.sn)
    dig = db.getKeLast(dbing.snKey(srd.preb, sn)) if sn is not None else None
    logged = bool(dig is not None and bytes(dig).decode() == srd.said)
    res.update(kevery_error=err, kevery_accepts=bool(err is None and logged
                                                     and srd.pre in kvy.kevers),
               kel_logged=logged)
    db.close(clear=True)
    return res, srd


def gen_invalid():
    EB = lambda n: EVENT_BY_NAME[n][1]  # noqa: E731
    icp = EB("icp_self_addressing_1key")       # keys S0, next S1
    bicp = EB("icp_basic_transferable_D")
    rot = EB("ref12_2_K1_rot")
    k1icp = EB("ref12_2_K1_icp")
    k1msg = bytes(eventing.messagize(k1icp, sigers=[S[0].sign(k1icp.raw, index=0)]))
    rpy = EB("rpy_non_ascii")
    out, lenient = [], []

    def add(name, raw, why, signers=(S[0],), prereqs=()):
        res, _ = kevery_check(raw, list(signers), prereqs)
        rejected_by = "SerderKERI" if res["serder_error"] else (
            None if res.get("kevery_accepts") else "Kevery")
        assert rejected_by is not None, (name, res)
        err = res["serder_error"] or res["kevery_error"] or "not accepted (escrowed)"
        out.append(dict(name=name, raw_hex=bytes(raw).hex(),
                        raw=bytes(raw).decode("utf-8", errors="replace"), why=why,
                        keripy_error=err, rejected_by=rejected_by, keripy_detail=res))

    def mod(serder, fn, labels=("d",), **kw):
        sad = dict(serder.sad)
        sad = fn(sad)
        return resaid(sad, labels=labels, **kw)

    raw = bytearray(icp.raw)
    vs = icp.sad["v"]
    add("size_too_small_in_version", bytes(raw).replace(
        vs.encode(), (vs[:10] + f"{icp.size - 1:06x}_").encode()),
        "version string size one less than the body length")
    add("size_too_large_in_version", bytes(raw).replace(
        vs.encode(), (vs[:10] + f"{icp.size + 1:06x}_").encode()) + b" ",
        "version string size one more than the body; one trailing space byte supplied so the "
        "declared size is available")
    add("unknown_field_added", mod(icp, lambda s: dict(s, zz="x"), labels=("d", "i")),
        "extra top-level field 'zz' at the end (size and SAIDs recomputed)")
    add("required_field_missing_bt", mod(icp, lambda s: {k: v for k, v in s.items() if k != "bt"},
                                         labels=("d", "i")),
        "icp without 'bt' (size and SAIDs recomputed)")
    add("fields_swapped_kt_k", mod(icp, lambda s: {**{k: s[k] for k in ["v", "t", "d", "i", "s"]},
                                                   "k": s["k"], "kt": s["kt"],
                                                   **{k: s[k] for k in ["nt", "n", "bt", "b", "c",
                                                                        "a"]}},
                                   labels=("d", "i")),
        "'k' before 'kt' (size and SAIDs recomputed)")
    add("whitespace_json", mod(icp, lambda s: s, labels=("d", "i"),
                               dumps=lambda s: json.dumps(s, ensure_ascii=False).encode()),
        "JSON with the default separators ', ' and ': ' (size and SAIDs recomputed over the "
        "spaced text)")
    add("whitespace_json_newline", mod(icp, lambda s: s, labels=("d", "i"),
                                       dumps=lambda s: jdump(s) + b"\n"),
        "canonical JSON followed by a newline inside the declared size")
    add("non_ascii_escaped", mod(rpy, lambda s: s,
                                 dumps=lambda s: json.dumps(s, separators=(",", ":"),
                                                            ensure_ascii=True).encode()),
        "rpy with non-ASCII text written as \\uXXXX escapes (size and SAID recomputed over the "
        "escaped text)", signers=())
    d = icp.said
    wrong = d[:-1] + ("A" if d[-1] != "A" else "B")
    add("wrong_said_d", bytes(raw).replace(b'"d":"' + d.encode(), b'"d":"' + wrong.encode()),
        "last char of d changed (i unchanged)")
    add("wrong_said_i_self_addressing", bytes(raw).replace(b'"i":"' + d.encode(),
                                                           b'"i":"' + wrong.encode()),
        "last char of i changed in a self-addressing icp (d unchanged)")
    add("wrong_said_d_rot", bytes(rot.raw).replace(rot.said.encode(),
                                                   (rot.said[:5] + ("x" if rot.said[5] != "x"
                                                                    else "y") +
                                                    rot.said[6:]).encode()),
        "one char of d changed in a rot", signers=(S[1],), prereqs=(k1msg,))
    add("d_not_a_digest",
        bytes(raw).replace(b'"d":"' + d.encode(), b'"d":"' + ("D" + d[1:]).encode()),
        "d replaced by a non-digest code (D...) of the same length")
    add("ilk_unknown", mod(icp, lambda s: dict(s, t="xyz"), labels=("d", "i")),
        "t = 'xyz' (size and SAIDs recomputed)")
    add("ilk_vcp_in_keri", mod(icp, lambda s: dict(s, t="ksn"), labels=("d", "i")),
        "t = 'ksn' (not a KERI 1.0 message type in keripy 1.1)")
    nt = EB("icp_basic_nontransferable_B")
    add("nontrans_prefix_with_n", mod(nt, lambda s: dict(s, nt="1", n=[ndig(S[1])])),
        "B (non-transferable) prefix with non-empty n", signers=(SN[0],))
    add("nontrans_prefix_with_b", mod(nt, lambda s: dict(s, bt="1", b=[W[0].verfer.qb64])),
        "B prefix with non-empty b", signers=(SN[0],))
    add("nontrans_prefix_with_a", mod(nt, lambda s: dict(s, a=[dict(d=Diger(ser=b"x").qb64)])),
        "B prefix with non-empty a", signers=(SN[0],))
    add("basic_prefix_i_not_k0", mod(bicp, lambda s: dict(s, i=S[2].verfer.qb64)),
        "basic D prefix whose i is not k[0] (i = S2's key, k = [S0]); signed by S0")
    add("basic_prefix_two_keys", mod(bicp, lambda s: dict(s, k=[S[0].verfer.qb64,
                                                              S[2].verfer.qb64])),
        "basic D prefix (i = k[0]) with two keys; signed by S0 and S2", signers=(S[0], S[2]))
    for major, minor in (("1", "1"), ("2", "0")):
        add(f"version_KERI{major}{minor}", mod(icp, lambda s: dict(
            s, v=s["v"].replace("KERI10", f"KERI{major}{minor}")), labels=("d", "i")),
            f"version string KERI{major}{minor}JSON (v1 format), size and SAIDs recomputed")
    add("version_proto_ACDC", mod(icp, lambda s: dict(s, v=s["v"].replace("KERI", "ACDC")),
                                  labels=("d", "i")),
        "protocol ACDC instead of KERI")
    add("s_nonzero_icp", mod(icp, lambda s: dict(s, s="1"), labels=("d", "i")),
        "icp with s = '1'")
    add("s_not_hex", mod(bicp, lambda s: dict(s, s="g")), "icp with s = 'g'")
    add("kt_exceeds_keys", mod(icp, lambda s: dict(s, kt="2"), labels=("d", "i")),
        "kt '2' with one key")
    add("kt_zero", mod(icp, lambda s: dict(s, kt="0"), labels=("d", "i")),
        "kt '0': structurally accepted, never satisfied (escrowed)")
    add("bt_with_no_witnesses", mod(icp, lambda s: dict(s, bt="1"), labels=("d", "i")),
        "bt '1' with empty b")
    add("bt_exceeds_witnesses", mod(icp, lambda s: dict(s, bt="2", b=[W[0].verfer.qb64]),
                                    labels=("d", "i")), "bt '2' with one witness")
    add("duplicate_witness", mod(icp, lambda s: dict(s, bt="1", b=[W[0].verfer.qb64] * 2),
                                 labels=("d", "i")), "b lists the same witness twice")
    add("weighted_clause_below_one", mod(icp, lambda s: dict(s, kt=["1/2", "1/4"],
                                                             k=[S[0].verfer.qb64,
                                                                S[2].verfer.qb64]),
                                         labels=("d", "i")),
        "kt ['1/2','1/4'] sums to 3/4 < 1", signers=(S[0], S[2]))
    add("nt_exceeds_n", mod(icp, lambda s: dict(s, nt="2"), labels=("d", "i")),
        "nt '2' with one next digest: keripy's Kever logs the event, then fails building the "
        "key state, so no Kever exists (reference §6.1)")
    add("self_addressing_code_F", bytes(EB("icp_code_F_prefix").raw),
        "incept(code='F'): SerderKERI accepts (d = E..., i = F...) but Kever rejects")
    add("dip_basic_prefix", mod(EB("ref12_5_DEL_dip"), lambda s: dict(s, i=DE[0].verfer.qb64)),
        "dip whose i is the basic key prefix (delegated prefixes must be self-addressing)",
        signers=(DE[0],))

    # ---- keripy_lenient: spec-forbidden forms keripy accepts ----
    def lax(name, raw, why, signers=(S[0],), prereqs=()):
        res, srd = kevery_check(raw, list(signers), prereqs)
        assert res["serder_error"] is None, (name, res)
        lenient.append(dict(name=name, raw_hex=bytes(raw).hex(), raw=bytes(raw).decode(), why=why,
                            keripy_accepts=True, kevery_accepts=res["kevery_accepts"],
                            kevery_error=res["kevery_error"]))

    lax("icp_s_00", mod(icp, lambda s: dict(s, s="00"), labels=("d", "i")),
        "s = '00' (leading zero)")
    lax("icp_s_0x0", mod(icp, lambda s: dict(s, s="0x0"), labels=("d", "i")),
        "s = '0x0' (Python int(x, 16) accepts the 0x prefix)")
    lax("icp_kt_01", mod(icp, lambda s: dict(s, kt="01"), labels=("d", "i")), "kt = '01'")
    lax("icp_kt_nt_bt_json_ints", mod(icp, lambda s: dict(s, kt=1, nt=1, bt=0), labels=("d", "i")),
        "kt, nt, bt as JSON integers (keripy 'intive' form)")
    lax("icp_bt_00", mod(icp, lambda s: dict(s, bt="00"), labels=("d", "i")), "bt = '00'")
    lax("icp_kt_uppercase_0X1", mod(icp, lambda s: dict(s, kt="0X1"), labels=("d", "i")),
        "kt = '0X1'")
    lax("icp_weighted_1_0_weight", mod(icp, lambda s: dict(s, kt=["1.0"]), labels=("d", "i")),
        "kt = ['1.0'] (float-looking weight string equal to an integer)")
    # non-inception: need a KEL. K1 icp is sn 0; rot is sn 1.
    k1rot = rot
    lax("rot_s_01", mod(k1rot, lambda s: dict(s, s="01")), "rot with s = '01'",
        signers=(S[1],), prereqs=(k1msg,))
    lax("rot_s_0x1", mod(k1rot, lambda s: dict(s, s="0x1")), "rot with s = '0x1'",
        signers=(S[1],), prereqs=(k1msg,))
    lax("rot_s_plus1", mod(k1rot, lambda s: dict(s, s="+1")), "rot with s = '+1'",
        signers=(S[1],), prereqs=(k1msg,))
    lax("rot_s_space1", mod(k1rot, lambda s: dict(s, s=" 1")), "rot with s = ' 1'",
        signers=(S[1],), prereqs=(k1msg,))
    # uppercase hex 'A' and '0xA' and '1_0' (=16): build a K1-based chain of ixns to sn 9 / 15
    chain = [k1msg]
    prev = k1icp
    rsd = eventing.rotate(pre=k1icp.pre, keys=[S[1].verfer.qb64], dig=k1icp.said, sn=1,
                          ndigs=[ndig(S[2])])
    chain.append(bytes(eventing.messagize(rsd, sigers=[S[1].sign(rsd.raw, index=0)])))
    prev = rsd
    ixns = {}
    for sn in range(2, 16):
        ix = eventing.interact(pre=k1icp.pre, dig=prev.said, sn=sn)
        ixns[sn] = (ix, list(chain))
        chain.append(bytes(eventing.messagize(ix, sigers=[S[1].sign(ix.raw, index=0)])))
        prev = ix
    ix10, pre10 = ixns[10]
    lax("ixn_s_uppercase_A", mod(ix10, lambda s: dict(s, s="A")),
        "ixn at sn 10 with s = 'A' (uppercase hex)", signers=(S[1],), prereqs=pre10)
    lax("ixn_s_0xA", mod(ix10, lambda s: dict(s, s="0xA")), "ixn at sn 10 with s = '0xA'",
        signers=(S[1],), prereqs=pre10)
    lax("ixn_s_0a", mod(ix10, lambda s: dict(s, s="0a")), "ixn at sn 10 with s = '0a'",
        signers=(S[1],), prereqs=pre10)
    ix16 = eventing.interact(pre=k1icp.pre, dig=prev.said, sn=16)
    lax("ixn_s_1_0_underscore", mod(ix16, lambda s: dict(s, s="1_0")),
        "ixn at sn 16 with s = '1_0' (Python int accepts the digit separator)",
        signers=(S[1],), prereqs=chain)
    lax("icp_basic_i_not_k0_serder_only", mod(bicp, lambda s: dict(s, i=S[2].verfer.qb64)),
        "SerderKERI accepts a basic-prefix icp whose i != k[0]; Kever rejects it "
        "(kevery_accepts false)")
    return dict(
        notes="invalid: bodies keripy 1.1.17 rejects. rejected_by = 'SerderKERI' "
              "(SerderKERI(raw=...) raised keripy_error) or 'Kevery' (SerderKERI accepted; "
              "Kevery.processEvent with valid signatures by the vector's key(s) raised "
              "keripy_error or left the event unaccepted). keripy_lenient: bodies the spec "
              "forbids (reference §14.7 etc.) but keripy's SerderKERI accepts (keripy_accepts); "
              "kevery_accepts says whether a Kevery (after the prerequisite KEL) also accepted "
              "the signed event. Sizes and SAIDs are recomputed for every mutation so only the "
              "named defect differs.",
        invalid=out, keripy_lenient=lenient)


# --------------------------------------------------------------------------
# digests.json
# --------------------------------------------------------------------------

def gen_digests():
    vecs = []
    ref = dict(source="reference §7.1", key="DB4GWvru73jWZKpNgMQp8ayDRin0NG0Ymn_RXQP_v-PQ",
               code="E", digest=Diger(ser=b"DB4GWvru73jWZKpNgMQp8ayDRin0NG0Ymn_RXQP_v-PQ").qb64)
    assert ref["digest"] == "EIf-ENw7PrM52w4H-S7NGU2qVIfraXVIlV9hEAaMHg7W"
    vecs.append(ref)
    keys = [S[0], S[1], SN[0], K1[0], R1[0], K1N[0], T[2]]
    for s in keys:
        for code in ("E", "F", "G", "H", "I", "0D", "0E", "0F", "0G"):
            dg, ex = try_call(lambda: Diger(ser=s.verfer.qb64b, code=code))
            rec = dict(key=s.verfer.qb64, key_code=s.verfer.code, code=code)
            if ex is not None:
                rec.update(digest=None, error=errname(ex))
            else:
                rec.update(digest=dg.qb64, raw_hex=dg.raw.hex())
                assert dg.verify(ser=s.verfer.qb64b)
            vecs.append(rec)
    return dict(notes="next-key commitment: Diger(ser=<qb64 text of the public key as UTF-8>, "
                      "code=...). E blake3-256, F blake2b-256, G blake2s-256, H sha3-256, "
                      "I sha2-256, 0D blake3-512, 0E blake2b-512, 0F sha3-512, 0G sha2-512.",
                vectors=vecs)


# --------------------------------------------------------------------------

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--out", required=True, help="output folder")
    args = ap.parse_args(argv)
    out = args.out
    os.makedirs(out, exist_ok=True)
    gen_events()
    gen_signed()
    dump(os.path.join(out, "events.json"),
         dict(keripy_version=KERIPY_VERSION, keysets=list(POOLS.values()), vectors=EVENTS))
    dump(os.path.join(out, "signed.json"), dict(keripy_version=KERIPY_VERSION, vectors=SIGNED))
    dump(os.path.join(out, "thresholds.json"), dict(keripy_version=KERIPY_VERSION,
                                                   **gen_thresholds()))
    dump(os.path.join(out, "invalid.json"), dict(keripy_version=KERIPY_VERSION, **gen_invalid()))
    dump(os.path.join(out, "digests.json"), dict(keripy_version=KERIPY_VERSION, **gen_digests()))
    print(f"wrote {len(EVENTS)} events, {len(SIGNED)} signed vectors to {out}")


# --------------------------------------------------------------------------
# keri-reference.md §12, verbatim (checked byte for byte above)
# --------------------------------------------------------------------------

REF12 = {
    '12.1/icp_canonical':
        '{"v":"KERI10JSON00012b_","t":"icp","d":"EAKCxMOuoRzREVHsHCkLilBrUXTvyenBiuM2QtV8BB0C","i":"EAKCxMOuoRzREVHsHCkLilBrUXTvyenBiuM2QtV8BB0C","s":"0","kt":"1","k":["DFs8BBx86uytIM0D2BhsE5rrqVIT8ef8mflpNceHo4XH"],"nt":"1","n":["EIf-ENw7PrM52w4H-S7NGU2qVIfraXVIlV9hEAaMHg7W"],"bt":"0","b":[],"c":[],"a":[]}',
    '12.1/icp_canonical.msg':
        '{"v":"KERI10JSON00012b_","t":"icp","d":"EAKCxMOuoRzREVHsHCkLilBrUXTvyenBiuM2QtV8BB0C","i":"EAKCxMOuoRzREVHsHCkLilBrUXTvyenBiuM2QtV8BB0C","s":"0","kt":"1","k":["DFs8BBx86uytIM0D2BhsE5rrqVIT8ef8mflpNceHo4XH"],"nt":"1","n":["EIf-ENw7PrM52w4H-S7NGU2qVIfraXVIlV9hEAaMHg7W"],"bt":"0","b":[],"c":[],"a":[]}-AABAAAPitVKfl6dG9dY4-7Ppg5tAANHsqEUptTfR05wLb0fbmKFt4DbZdBNjJaCDrEc7kAIqbLsCMCKf26-Onxz-DoP',
    '12.1/icp_canonical.msg_pipelined':
        '{"v":"KERI10JSON00012b_","t":"icp","d":"EAKCxMOuoRzREVHsHCkLilBrUXTvyenBiuM2QtV8BB0C","i":"EAKCxMOuoRzREVHsHCkLilBrUXTvyenBiuM2QtV8BB0C","s":"0","kt":"1","k":["DFs8BBx86uytIM0D2BhsE5rrqVIT8ef8mflpNceHo4XH"],"nt":"1","n":["EIf-ENw7PrM52w4H-S7NGU2qVIfraXVIlV9hEAaMHg7W"],"bt":"0","b":[],"c":[],"a":[]}-VAX-AABAAAPitVKfl6dG9dY4-7Ppg5tAANHsqEUptTfR05wLb0fbmKFt4DbZdBNjJaCDrEc7kAIqbLsCMCKf26-Onxz-DoP',
    '12.1/icp_nontrans_basic':
        '{"v":"KERI10JSON0000fd_","t":"icp","d":"EMW0zK3bagYPO6gx3w7Ua90f-I7x5kGIaI4Xeq9W8_As","i":"BFs8BBx86uytIM0D2BhsE5rrqVIT8ef8mflpNceHo4XH","s":"0","kt":"1","k":["BFs8BBx86uytIM0D2BhsE5rrqVIT8ef8mflpNceHo4XH"],"nt":"0","n":[],"bt":"0","b":[],"c":[],"a":[]}',
    '12.1/icp_trans_basic_no_next':
        '{"v":"KERI10JSON0000fd_","t":"icp","d":"EPLRRJFe2FHdXKVTkSEX4xb4x-YaPFJ2Xds1vhtNTd4n","i":"DFs8BBx86uytIM0D2BhsE5rrqVIT8ef8mflpNceHo4XH","s":"0","kt":"1","k":["DFs8BBx86uytIM0D2BhsE5rrqVIT8ef8mflpNceHo4XH"],"nt":"0","n":[],"bt":"0","b":[],"c":[],"a":[]}',
    '12.1/icp_trans_basic_next':
        '{"v":"KERI10JSON00012b_","t":"icp","d":"EJQUyxnzIAtmZPoq9f4fExeGN0qfJmaFnUEKTwIiTBPj","i":"DFs8BBx86uytIM0D2BhsE5rrqVIT8ef8mflpNceHo4XH","s":"0","kt":"1","k":["DFs8BBx86uytIM0D2BhsE5rrqVIT8ef8mflpNceHo4XH"],"nt":"1","n":["EIf-ENw7PrM52w4H-S7NGU2qVIfraXVIlV9hEAaMHg7W"],"bt":"0","b":[],"c":[],"a":[]}',
    '12.1/icp_intive':
        '{"v":"KERI10JSON000125_","t":"icp","d":"EIflL4H4134zYoRM6ls6Q086RLC_BhfNFh5uk-WxvhsL","i":"EIflL4H4134zYoRM6ls6Q086RLC_BhfNFh5uk-WxvhsL","s":"0","kt":1,"k":["DFs8BBx86uytIM0D2BhsE5rrqVIT8ef8mflpNceHo4XH"],"nt":1,"n":["EIf-ENw7PrM52w4H-S7NGU2qVIfraXVIlV9hEAaMHg7W"],"bt":0,"b":[],"c":[],"a":[]}',
    '12.1/rot':
        '{"v":"KERI10JSON000160_","t":"rot","d":"EFl8nvRCbN2xQJI75nBXp-gaXuHJw8zheVjwMN_rB-pb","i":"DFs8BBx86uytIM0D2BhsE5rrqVIT8ef8mflpNceHo4XH","s":"1","p":"EJQUyxnzIAtmZPoq9f4fExeGN0qfJmaFnUEKTwIiTBPj","kt":"1","k":["DB4GWvru73jWZKpNgMQp8ayDRin0NG0Ymn_RXQP_v-PQ"],"nt":"1","n":["EIsKL3B6Zz5ICGxCQp-SoLXjwOrdlSbLJrEn21c2zVaU"],"bt":"0","br":[],"ba":[],"a":[]}',
    '12.1/ixn':
        '{"v":"KERI10JSON0000cb_","t":"ixn","d":"EKKccCumVQdgxvsrSXvuTtjmS28Xqf3zRJ8T6peKgl9J","i":"DFs8BBx86uytIM0D2BhsE5rrqVIT8ef8mflpNceHo4XH","s":"2","p":"ECauhEzA4DJDXVDnNQiGQ0sKXa6sx_GgS8Ebdzm4E-kQ","a":[]}',
    '12.1/rct':
        '{"v":"KERI10JSON000091_","t":"rct","d":"EKKccCumVQdgxvsrSXvuTtjmS28Xqf3zRJ8T6peKgl9J","i":"DFs8BBx86uytIM0D2BhsE5rrqVIT8ef8mflpNceHo4XH","s":"2"}',
    '12.1/rct_trans.msg':
        '{"v":"KERI10JSON000091_","t":"rct","d":"EKKccCumVQdgxvsrSXvuTtjmS28Xqf3zRJ8T6peKgl9J","i":"DFs8BBx86uytIM0D2BhsE5rrqVIT8ef8mflpNceHo4XH","s":"2"}-FABEAKCxMOuoRzREVHsHCkLilBrUXTvyenBiuM2QtV8BB0C0AAAAAAAAAAAAAAAAAAAAAAAEAKCxMOuoRzREVHsHCkLilBrUXTvyenBiuM2QtV8BB0C-AABAAAPitVKfl6dG9dY4-7Ppg5tAANHsqEUptTfR05wLb0fbmKFt4DbZdBNjJaCDrEc7kAIqbLsCMCKf26-Onxz-DoP',
    '12.1/dip':
        '{"v":"KERI10JSON00015f_","t":"dip","d":"EN3PglLbr4mJblS4dyqbqlpUa735hVmLOhYUbUztxaiH","i":"EN3PglLbr4mJblS4dyqbqlpUa735hVmLOhYUbUztxaiH","s":"0","kt":"1","k":["DB4GWvru73jWZKpNgMQp8ayDRin0NG0Ymn_RXQP_v-PQ"],"nt":"1","n":["EIf-ENw7PrM52w4H-S7NGU2qVIfraXVIlV9hEAaMHg7W"],"bt":"0","b":[],"c":[],"a":[],"di":"EAdHxtdjCQUM-TVO8CgJAKb8ykXsFe4u9epTUQFCL7Yd"}',
    '12.1/drt':
        '{"v":"KERI10JSON000160_","t":"drt","d":"EMBBBkaLV7i6wNgfz3giib2ItrHsr548mtIflW0Hrbuv","i":"EN3PglLbr4mJblS4dyqbqlpUa735hVmLOhYUbUztxaiH","s":"4","p":"EANkcl_QewzrRSKH2p9zUskHI462CuIMS_HQIO132Z30","kt":"1","k":["DPLt4YqQsWZ5DPztI32mSyTJPRESONvE9KbETtCVYIeH"],"nt":"1","n":["EIsKL3B6Zz5ICGxCQp-SoLXjwOrdlSbLJrEn21c2zVaU"],"bt":"0","br":[],"ba":[],"a":[]}',
    '12.2/K1.icp':
        '{"v":"KERI10JSON00012b_","t":"icp","d":"ECx00jgfgDar_F0-AwUkTmJ73yabG7S5Ww1oJR8PiPPD","i":"ECx00jgfgDar_F0-AwUkTmJ73yabG7S5Ww1oJR8PiPPD","s":"0","kt":"1","k":["DB-fH5uto5o5XHZjNN3_W3PdT4MIyTCmQWDzMxMZV2kI"],"nt":"1","n":["EDycPu3dVNxY9YvZBtUXm9VWf60uI55dnshWk1Zxk2xf"],"bt":"0","b":[],"c":[],"a":[]}',
    '12.2/K1.icp.msg':
        '{"v":"KERI10JSON00012b_","t":"icp","d":"ECx00jgfgDar_F0-AwUkTmJ73yabG7S5Ww1oJR8PiPPD","i":"ECx00jgfgDar_F0-AwUkTmJ73yabG7S5Ww1oJR8PiPPD","s":"0","kt":"1","k":["DB-fH5uto5o5XHZjNN3_W3PdT4MIyTCmQWDzMxMZV2kI"],"nt":"1","n":["EDycPu3dVNxY9YvZBtUXm9VWf60uI55dnshWk1Zxk2xf"],"bt":"0","b":[],"c":[],"a":[]}-AABAADUqXohYA3LE-W10-N1pAjuwYJH8lqXK2ziPb4Ltk-Di5DY9lRhRxeIclj5dCgo4Oh1KUdz3cSmydyXL5_BaewF',
    '12.2/K1.rot':
        '{"v":"KERI10JSON000160_","t":"rot","d":"ELplehuHu92OPvYRYobYa6uUkp8yDeBceONhhXDG3AvY","i":"ECx00jgfgDar_F0-AwUkTmJ73yabG7S5Ww1oJR8PiPPD","s":"1","p":"ECx00jgfgDar_F0-AwUkTmJ73yabG7S5Ww1oJR8PiPPD","kt":"1","k":["DFmiD_SUKv8VjfP5AgHzXK0ejvUfoK-zoKJO2qmh238p"],"nt":"1","n":["EMYc2u50XLAdperbOcwxSlGO2RCfNsH9Qtg1YJiE9RIj"],"bt":"0","br":[],"ba":[],"a":[]}',
    '12.2/K1.rot.msg':
        '{"v":"KERI10JSON000160_","t":"rot","d":"ELplehuHu92OPvYRYobYa6uUkp8yDeBceONhhXDG3AvY","i":"ECx00jgfgDar_F0-AwUkTmJ73yabG7S5Ww1oJR8PiPPD","s":"1","p":"ECx00jgfgDar_F0-AwUkTmJ73yabG7S5Ww1oJR8PiPPD","kt":"1","k":["DFmiD_SUKv8VjfP5AgHzXK0ejvUfoK-zoKJO2qmh238p"],"nt":"1","n":["EMYc2u50XLAdperbOcwxSlGO2RCfNsH9Qtg1YJiE9RIj"],"bt":"0","br":[],"ba":[],"a":[]}-AABAABKl1ve0zMjnggJpSx73nMcc71JdFE6TTGCvl_UCuicNBstGmWupZPFjF-wP46gEf61ZCPXxO3kWW9xQrKZM68K',
    '12.2/K1.ixn':
        '{"v":"KERI10JSON0000cb_","t":"ixn","d":"EDv_8X0aokM7UCQ8ANZOSvjLZRNHbtDxcjXXOxA2f5aq","i":"ECx00jgfgDar_F0-AwUkTmJ73yabG7S5Ww1oJR8PiPPD","s":"2","p":"ELplehuHu92OPvYRYobYa6uUkp8yDeBceONhhXDG3AvY","a":[]}',
    '12.2/K1.ixn.msg':
        '{"v":"KERI10JSON0000cb_","t":"ixn","d":"EDv_8X0aokM7UCQ8ANZOSvjLZRNHbtDxcjXXOxA2f5aq","i":"ECx00jgfgDar_F0-AwUkTmJ73yabG7S5Ww1oJR8PiPPD","s":"2","p":"ELplehuHu92OPvYRYobYa6uUkp8yDeBceONhhXDG3AvY","a":[]}-AABAAA6Bs1mCn_bb8M4sEOH5_YmmIGxBIbZkK9MOdMVd6JFzWTxCbsSYwzmyes1MvKGMIzixBQIzZtycVbj7p-cxLUN',
    '12.3/K2.icp':
        '{"v":"KERI10JSON000188_","t":"icp","d":"EE9ZT9KcJPQzNKSWeesE2_bs4IlNlzbOgm5wxZBbyg41","i":"EE9ZT9KcJPQzNKSWeesE2_bs4IlNlzbOgm5wxZBbyg41","s":"0","kt":"1","k":["DB-fH5uto5o5XHZjNN3_W3PdT4MIyTCmQWDzMxMZV2kI"],"nt":"1","n":["EDycPu3dVNxY9YvZBtUXm9VWf60uI55dnshWk1Zxk2xf"],"bt":"2","b":["BA6vWwygEQLHqfaVDqG_-fXIGDqpY7CEsc0OpTaEeDmm","BGI1be3xJuuoinotzj15_QJIfhiojPlxtn5DdZw25VV2"],"c":[],"a":[]}',
    '12.3/K2.icp.msg(sig+wigs)':
        '{"v":"KERI10JSON000188_","t":"icp","d":"EE9ZT9KcJPQzNKSWeesE2_bs4IlNlzbOgm5wxZBbyg41","i":"EE9ZT9KcJPQzNKSWeesE2_bs4IlNlzbOgm5wxZBbyg41","s":"0","kt":"1","k":["DB-fH5uto5o5XHZjNN3_W3PdT4MIyTCmQWDzMxMZV2kI"],"nt":"1","n":["EDycPu3dVNxY9YvZBtUXm9VWf60uI55dnshWk1Zxk2xf"],"bt":"2","b":["BA6vWwygEQLHqfaVDqG_-fXIGDqpY7CEsc0OpTaEeDmm","BGI1be3xJuuoinotzj15_QJIfhiojPlxtn5DdZw25VV2"],"c":[],"a":[]}-AABAABisldoBFletKJkHxHjOCNOfTqj2qRfFVurg9e0tZZwuI3sq0GOZo5XNJrvZksGVJ11M9JDC4-gVMf9v6EWCjAE-BACAABlrJq7nO0F4CqF9dYC_bKkH4RnUuXjro8EoWm2GplQnNCuUtJ4eDVpVbc9o6Q8dwSSzABmdrZnr1f2xYFWZHgAABD7vmCbJE7xThvH0j4Y1D2KbiYZkBfbmvm7e0U4urDO-Ju-v4CbhEOVr0759EYmwI0X5OapttBfc9BOunz-wuAE',
    '12.3/K2.rct.msg(-C couples)':
        '{"v":"KERI10JSON000091_","t":"rct","d":"EE9ZT9KcJPQzNKSWeesE2_bs4IlNlzbOgm5wxZBbyg41","i":"EE9ZT9KcJPQzNKSWeesE2_bs4IlNlzbOgm5wxZBbyg41","s":"0"}-CACBA6vWwygEQLHqfaVDqG_-fXIGDqpY7CEsc0OpTaEeDmm0BBlrJq7nO0F4CqF9dYC_bKkH4RnUuXjro8EoWm2GplQnNCuUtJ4eDVpVbc9o6Q8dwSSzABmdrZnr1f2xYFWZHgABGI1be3xJuuoinotzj15_QJIfhiojPlxtn5DdZw25VV20BD7vmCbJE7xThvH0j4Y1D2KbiYZkBfbmvm7e0U4urDO-Ju-v4CbhEOVr0759EYmwI0X5OapttBfc9BOunz-wuAE',
    '12.3/K2.rct.msg(-B wigs)':
        '{"v":"KERI10JSON000091_","t":"rct","d":"EE9ZT9KcJPQzNKSWeesE2_bs4IlNlzbOgm5wxZBbyg41","i":"EE9ZT9KcJPQzNKSWeesE2_bs4IlNlzbOgm5wxZBbyg41","s":"0"}-BACAABlrJq7nO0F4CqF9dYC_bKkH4RnUuXjro8EoWm2GplQnNCuUtJ4eDVpVbc9o6Q8dwSSzABmdrZnr1f2xYFWZHgAABD7vmCbJE7xThvH0j4Y1D2KbiYZkBfbmvm7e0U4urDO-Ju-v4CbhEOVr0759EYmwI0X5OapttBfc9BOunz-wuAE',
    '12.4/W.icp':
        '{"v":"KERI10JSON000207_","t":"icp","d":"EPRiiOKnTPkN-D073ABckmoO8lPDEPtBbrmYi4ubIClK","i":"EPRiiOKnTPkN-D073ABckmoO8lPDEPtBbrmYi4ubIClK","s":"0","kt":["1/2","1/2","1/2"],"k":["DB-fH5uto5o5XHZjNN3_W3PdT4MIyTCmQWDzMxMZV2kI","DFmiD_SUKv8VjfP5AgHzXK0ejvUfoK-zoKJO2qmh238p","DLNLh2a8P7-wEjJKxInGJM5kdB3UbMO5kKcE1udCFIdr"],"nt":["1/2","1/2","1/2"],"n":["EO3rpTG_R854hSvmrZVx3_k2UhxGII7Tso_ZeW_jCPam","EF42oEWeqA0KuJMMXLd7C_tpc-bmVeTp_iKztS2hE4gt","EAnOHHaUOK1CHVsyk7rh3oJLyizQ308Ajel9MrDH9KxM"],"bt":"0","b":[],"c":[],"a":[]}',
    '12.4/W.icp.msg':
        '{"v":"KERI10JSON000207_","t":"icp","d":"EPRiiOKnTPkN-D073ABckmoO8lPDEPtBbrmYi4ubIClK","i":"EPRiiOKnTPkN-D073ABckmoO8lPDEPtBbrmYi4ubIClK","s":"0","kt":["1/2","1/2","1/2"],"k":["DB-fH5uto5o5XHZjNN3_W3PdT4MIyTCmQWDzMxMZV2kI","DFmiD_SUKv8VjfP5AgHzXK0ejvUfoK-zoKJO2qmh238p","DLNLh2a8P7-wEjJKxInGJM5kdB3UbMO5kKcE1udCFIdr"],"nt":["1/2","1/2","1/2"],"n":["EO3rpTG_R854hSvmrZVx3_k2UhxGII7Tso_ZeW_jCPam","EF42oEWeqA0KuJMMXLd7C_tpc-bmVeTp_iKztS2hE4gt","EAnOHHaUOK1CHVsyk7rh3oJLyizQ308Ajel9MrDH9KxM"],"bt":"0","b":[],"c":[],"a":[]}-AACAADgfXH2biqso33tSMlO0d2zYPX0CKXPH1x4wF77STYVsbaEQM0TvL7-WjDOuTP00YSaH_Ap3OTl2CHeXrm6sSQMACAnlBl_-0PkmOHB2vjmLdeLpe4ebUaAgin4RaQHHsB_sF8SZjuAwZTN9Gi-UpI9sybDADEDwMtCrlFiimJWyCkF',
    '12.4/W.rot':
        '{"v":"KERI10JSON0001ce_","t":"rot","d":"EF36qv6gPjnPjHq70L5l9II_bX74jA4u2L2sbn3zm2gg","i":"EPRiiOKnTPkN-D073ABckmoO8lPDEPtBbrmYi4ubIClK","s":"1","p":"EPRiiOKnTPkN-D073ABckmoO8lPDEPtBbrmYi4ubIClK","kt":["1/2","1/2","1/2"],"k":["DCngQY4xvorSMgGCUAeNyZIWBphyeWLoYtTltAq0ACJs","DEywWZAhc4F07zdvT7D0MexhPfXETNEUFmpon2nzIDUA","DEGSRoKtdR5-oq1ySLJx0po6Dlc-hP9156oDfuUkAbXb"],"nt":"1","n":["EEAr3ztqCg8ETFyitvSvsrwnq3_c_SwdR68_pECHtQNv"],"bt":"0","br":[],"ba":[],"a":[]}',
    '12.4/W.rot.msg':
        '{"v":"KERI10JSON0001ce_","t":"rot","d":"EF36qv6gPjnPjHq70L5l9II_bX74jA4u2L2sbn3zm2gg","i":"EPRiiOKnTPkN-D073ABckmoO8lPDEPtBbrmYi4ubIClK","s":"1","p":"EPRiiOKnTPkN-D073ABckmoO8lPDEPtBbrmYi4ubIClK","kt":["1/2","1/2","1/2"],"k":["DCngQY4xvorSMgGCUAeNyZIWBphyeWLoYtTltAq0ACJs","DEywWZAhc4F07zdvT7D0MexhPfXETNEUFmpon2nzIDUA","DEGSRoKtdR5-oq1ySLJx0po6Dlc-hP9156oDfuUkAbXb"],"nt":"1","n":["EEAr3ztqCg8ETFyitvSvsrwnq3_c_SwdR68_pECHtQNv"],"bt":"0","br":[],"ba":[],"a":[]}-AAC2AAAACB5QmCRy3EluNr89I2-7e7b-j_h0J036zQPLkzRwKAN2axpf08pGqgEPOjVwZpzyHBv9dk1KDT9GWNdL1sll-8G2AABAAB-O8QK8daa7fppTzDDCns5tdY5WaPMlxn7a1MzAhkkarXLVQLovf86Is1hnrMgDIMPRebG0INUqtjIne0ebkcP',
    '12.5/DEL.delegator.icp':
        '{"v":"KERI10JSON00012b_","t":"icp","d":"EJzqMZgFlM8Pln5YY5y1QMLeu0hfyx2cR3wQKPj33k8j","i":"EJzqMZgFlM8Pln5YY5y1QMLeu0hfyx2cR3wQKPj33k8j","s":"0","kt":"1","k":["DPVt9huWgXOMc72ch43YCPeKeysJjd6PqUiWynEqK4y8"],"nt":"1","n":["EI4wYhUF5uBi0bL50m_Vp2D2Aiw1n3t-AQRJmn-2XojQ"],"bt":"0","b":[],"c":[],"a":[]}',
    '12.5/DEL.delegator.icp.msg':
        '{"v":"KERI10JSON00012b_","t":"icp","d":"EJzqMZgFlM8Pln5YY5y1QMLeu0hfyx2cR3wQKPj33k8j","i":"EJzqMZgFlM8Pln5YY5y1QMLeu0hfyx2cR3wQKPj33k8j","s":"0","kt":"1","k":["DPVt9huWgXOMc72ch43YCPeKeysJjd6PqUiWynEqK4y8"],"nt":"1","n":["EI4wYhUF5uBi0bL50m_Vp2D2Aiw1n3t-AQRJmn-2XojQ"],"bt":"0","b":[],"c":[],"a":[]}-AABAAALB5T8g82SD-rD4wJg9MC3wk-B7RxGrhUBEiUUGYgpFUStJwq3VoOYrdgXWifU2SzGaddFr0yx5yZPaVeYJbYL',
    '12.5/DEL.dip':
        '{"v":"KERI10JSON00015f_","t":"dip","d":"EG-MFTBuk0zVZAIIZabWF1qL_44oBIbAF5jWL7K_s0Tn","i":"EG-MFTBuk0zVZAIIZabWF1qL_44oBIbAF5jWL7K_s0Tn","s":"0","kt":"1","k":["DFnJBkC8MVR1ddKeHJB4W6FG8xnUxOEdjWlowUCtRbre"],"nt":"1","n":["EKTj64KgmhZfi9sTa1uVq2zG-lL6qcurqoJ9onEVCjc6"],"bt":"0","b":[],"c":[],"a":[],"di":"EJzqMZgFlM8Pln5YY5y1QMLeu0hfyx2cR3wQKPj33k8j"}',
    '12.5/DEL.delegator.ixn':
        '{"v":"KERI10JSON00013a_","t":"ixn","d":"EErxUV3N-7CvFwNVnE_SANCVEwGbUETGHBtfAGoJJVgv","i":"EJzqMZgFlM8Pln5YY5y1QMLeu0hfyx2cR3wQKPj33k8j","s":"1","p":"EJzqMZgFlM8Pln5YY5y1QMLeu0hfyx2cR3wQKPj33k8j","a":[{"i":"EG-MFTBuk0zVZAIIZabWF1qL_44oBIbAF5jWL7K_s0Tn","s":"0","d":"EG-MFTBuk0zVZAIIZabWF1qL_44oBIbAF5jWL7K_s0Tn"}]}',
    '12.5/DEL.delegator.ixn.msg':
        '{"v":"KERI10JSON00013a_","t":"ixn","d":"EErxUV3N-7CvFwNVnE_SANCVEwGbUETGHBtfAGoJJVgv","i":"EJzqMZgFlM8Pln5YY5y1QMLeu0hfyx2cR3wQKPj33k8j","s":"1","p":"EJzqMZgFlM8Pln5YY5y1QMLeu0hfyx2cR3wQKPj33k8j","a":[{"i":"EG-MFTBuk0zVZAIIZabWF1qL_44oBIbAF5jWL7K_s0Tn","s":"0","d":"EG-MFTBuk0zVZAIIZabWF1qL_44oBIbAF5jWL7K_s0Tn"}]}-AABAABBdSXHCRI08nQeXMTRyQYgRrmFKoftoLs0VgEcvX-6uLlTt0G3u3vG8heQRR10xKTl3bKY9eXc3Ik8EMwi5JkK',
    '12.5/DEL.dip.msg':
        '{"v":"KERI10JSON00015f_","t":"dip","d":"EG-MFTBuk0zVZAIIZabWF1qL_44oBIbAF5jWL7K_s0Tn","i":"EG-MFTBuk0zVZAIIZabWF1qL_44oBIbAF5jWL7K_s0Tn","s":"0","kt":"1","k":["DFnJBkC8MVR1ddKeHJB4W6FG8xnUxOEdjWlowUCtRbre"],"nt":"1","n":["EKTj64KgmhZfi9sTa1uVq2zG-lL6qcurqoJ9onEVCjc6"],"bt":"0","b":[],"c":[],"a":[],"di":"EJzqMZgFlM8Pln5YY5y1QMLeu0hfyx2cR3wQKPj33k8j"}-AABAABThUHS9roLSBJb0TtJQXZUzqhc1R_1T3eqV8GDiFxjnn1utaQbAHfBrcGezGKKnoLfJbJ3kfFHgFxTYBcfAhgL-GAB0AAAAAAAAAAAAAAAAAAAAAABEErxUV3N-7CvFwNVnE_SANCVEwGbUETGHBtfAGoJJVgv',
    '12.5/DEL.drt':
        '{"v":"KERI10JSON000160_","t":"drt","d":"EGRKVCHAdL66wenr8IfSu-HWwKJONaywSyMrdly07Nyc","i":"EG-MFTBuk0zVZAIIZabWF1qL_44oBIbAF5jWL7K_s0Tn","s":"1","p":"EG-MFTBuk0zVZAIIZabWF1qL_44oBIbAF5jWL7K_s0Tn","kt":"1","k":["DBAIP5pO0tweW0Euk9Ld2XSCck4iQw7XC04ebfbVLJrb"],"nt":"1","n":["ENwHpqzVsy3A-J1iZ0ZK6PBxPp1EaV9QLLn-3jg2rSNE"],"bt":"0","br":[],"ba":[],"a":[]}',
    '12.6/icp_cbor_hex':
        'ad6176714b455249313043424f523030303066395f6174636963706164782c454f726d41304a652d36786a7055705075336a486e3354793178375f76634c79547641316b656f36636959416169782c454f726d41304a652d36786a7055705075336a486e3354793178375f76634c79547641316b656f366369594161736130626b746131616b81782c444673384242783836757974494d3044324268734535727271564954386566386d666c704e6365486f345848626e746131616e81782c4549662d454e773750724d35327734482d53374e4755327156496672615856496c5639684541614d486737576262746130616280616380616180',
    '12.6/icp_mgpk_hex':
        '8da176b14b45524931304d47504b3030303066395fa174a3696370a164d92c45444664425a6252694d7a4e2d3230504e5a6a65436d44656459366a564751484b4b515731744549554b4f5aa169d92c45444664425a6252694d7a4e2d3230504e5a6a65436d44656459366a564751484b4b515731744549554b4f5aa173a130a26b74a131a16b91d92c444673384242783836757974494d3044324268734535727271564954386566386d666c704e6365486f345848a26e74a131a16e91d92c4549662d454e773750724d35327734482d53374e4755327156496672615856496c5639684541614d48673757a26274a130a16290a16390a16190',
    '12.7/spec_v2_icp':
        '{"v":"KERICAACAAJSONAAKp.","t":"icp","d":"EPR7FWsN3tOM8PqfMap2FRfF4MFQ4v3ZXjBUcMVtvhmB","i":"EPR7FWsN3tOM8PqfMap2FRfF4MFQ4v3ZXjBUcMVtvhmB","s":"0","kt":"2","k":["DBFiIgoCOpJ_zW_OO0GdffhHfEvJWb1HxpDx95bFvufu","DG-YwInLUxzVDD5z8SqZmS2FppXSB-ZX_f2bJC_ZnsM5","DGIAk2jkC3xuLIe-DI9rcA0naevtZiKuU9wz91L_qBAV"],"nt":"2","n":["ELeFYMmuJb0hevKjhv97joA5bTfuA8E697cMzi8eoaZB","ENY9GYShOjeh7qZUpIipKRHgrWcoR2WkJ7Wgj4wZx1YT","EGyJ7y3TlewCW97dgBN-4pckhCqsni-zHNZ_G8zVerPG"],"bt":"3","b":["BGKV6v93ue5L5wsgk75t6j8TcdgABMN9x-eIyPi96J3B","BJfueFAYc7N_V-zmDEn2SPCoVFx3H20alWsNZKgsS1vt","BAPv2MnoiCsgOnklmFyfU07QDK_93NeH9iKfOy8V22aH","BA4PSatfQMw1lYhQoZkSSvOCrE0Sdw1hmmniDL-yDtrB"],"c":["DID"],"a":[]}',
}


if __name__ == "__main__":
    main()
