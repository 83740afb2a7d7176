#!/usr/bin/env python3
"""
Generate keripy -> DKMS interop scenarios: CESR streams and keripy 1.1.17's verdict on them.

Usage (from the workspace root):

    target/interop-venv/bin/python interop/keripy/scenarios.py --out tests/vectors/keripy-1.1.17

For every scenario this writes NAME.cesr (the stream, exactly as fed to keripy) and NAME.json:

    {"description", "keripy_version", "stream_file", "messages": n,
     "expected": {"accepted": n, "escrowed_at_end": n, "rejected": n},
     "states": [{"prefix", "sn", "said", "keys", "next", "kt", "nt", "toad", "witnesses",
                 "delegator", "config", "last_est": {"sn", "said"}}],
     "divergence": null | "why we differ", "known_bug": null | "...", "ecdsa": bool,
     "verdicts": [one per message: "accepted" | "escrowed" | "rejected" | "duplicate"]}

keripy's verdict: the whole stream goes through one Parser(kvy=Kevery(db, lax=True)) (promiscuous:
no own identifiers), then Kevery.processEscrows() is called until nothing changes (at most 8 times),
then the key state is read from every Kever. A message is "accepted" when its event is in the
first-seen log (receipts: when the receipted event is accepted and holds at least one of the
receipt's signatures), "escrowed" when its SAID is still in one of keripy's escrows, else "rejected".

Deterministic: fixed salts (Salter.signers(temp=True)), fixed shuffles, and a fake clock patched
over keri.help.helping.nowUTC. Ed25519 files regenerate byte for byte; ECDSA signatures are random,
so the secp256k1/secp256r1 scenarios ("ecdsa": true) differ on every run and are only checked for
keripy's verdict, never compared byte for byte.
"""

import argparse
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import judge  # noqa: E402  (patches keripy's clock)
from judge import Msg  # noqa: E402

# The streams are made with keri 1.1.17 only; other versions judge them with rejudge.py.
assert judge.VERSION == "1.1.17", f"scenarios are made with keri 1.1.17, have {judge.VERSION} (use rejudge.py)"

from keri.core import eventing  # noqa: E402
from keri.core.coring import Counter, CtrDex, Diger, MtrDex, Salter, Seqner  # noqa: E402
from keri.core.eventing import SealEvent  # noqa: E402


KERIPY_VERSION = judge.VERSION
CLOCK = judge.CLOCK


# --------------------------------------------------------------------------------------------
# keys

def signers(salt, count, code=MtrDex.Ed25519_Seed, transferable=True):
    assert len(salt) == 16
    return Salter(raw=salt).signers(count=count, temp=True, code=code, transferable=transferable)


def keys(sgs):
    return [s.verfer.qb64 for s in sgs]


def digs(sgs):
    return [Diger(ser=s.verfer.qb64b).qb64 for s in sgs]


def sign(serder, sgs, idx=None, ondices=None):
    idx = list(idx) if idx is not None else list(range(len(sgs)))
    out = []
    for j, (s, i) in enumerate(zip(sgs, idx)):
        if ondices is None:
            out.append(s.sign(serder.raw, index=i))
        else:
            od = ondices[j]
            if od is None:
                out.append(s.sign(serder.raw, index=i, only=True))
            else:
                out.append(s.sign(serder.raw, index=i, ondex=od))
    return out


def wsign(serder, wits, idx=None):
    idx = list(idx) if idx is not None else list(range(len(wits)))
    return [w.sign(serder.raw, index=i) for w, i in zip(wits, idx)]


# --------------------------------------------------------------------------------------------
# messages

def ev(serder, sgs=None, *, idx=None, ondices=None, sigers=None, wits=None, widx=None,
       source=None, cigars=None):
    """A signed event: -A sigs, optional -B witness sigs, -C couples, and a -G source couple."""
    if sigers is None:
        sigers = sign(serder, sgs, idx=idx, ondices=ondices) if sgs else None
    wigers = wsign(serder, wits, widx) if wits else None
    raw = bytearray(eventing.messagize(serder, sigers=sigers, wigers=wigers, cigars=cigars))
    if source is not None:
        sn, said = source
        raw.extend(Counter(code=CtrDex.SealSourceCouples, count=1).qb64b)
        raw.extend(Seqner(sn=sn).qb64b)
        raw.extend(said.encode())
    return Msg(raw, serder)


def rct_wigs(event, wits, widx=None):
    """A witness receipt: rct body + -B indexed witness signatures over the event."""
    r = eventing.receipt(pre=event.pre, sn=event.sn, said=event.said)
    wigers = wsign(event, wits, widx)
    raw = eventing.messagize(r, wigers=wigers)
    return Msg(raw, r, rct_of=event.said, sigs=[w.qb64 for w in wigers])


def rct_couples(event, wits):
    """A non-transferable receipt: rct body + -C (prefix, signature) couples."""
    r = eventing.receipt(pre=event.pre, sn=event.sn, said=event.said)
    cigars = [w.sign(event.raw) for w in wits]
    raw = eventing.messagize(r, cigars=cigars)
    return Msg(raw, r, rct_of=event.said, sigs=[c.qb64 for c in cigars])


def seal(serder):
    return SealEvent(i=serder.pre, s="{:x}".format(serder.sn), d=serder.said)._asdict()


# --------------------------------------------------------------------------------------------
# scenarios

SCENARIOS = []


def scenario(name, description, msgs, *, divergence=None, known_bug=None, ecdsa=False, details=()):
    """details: extra facts to record (judge.details: "receipts", "trans_receipts", "source_seals");
    scenarios with details also record "stream_valid" and keripy's parser notes."""
    SCENARIOS.append(dict(name=name, description=description, msgs=msgs, divergence=divergence,
                          known_bug=known_bug, ecdsa=ecdsa, details=tuple(details)))


def shuffled(msgs, seed):
    out = list(msgs)
    random.Random(seed).shuffle(out)
    return out


def kel_single(salt=b"scenario-single0", code=MtrDex.Ed25519_Seed, n_ixn=2):
    """icp, ixn, rot, ixn…, rot: one key at a time."""
    S = signers(salt, 4, code=code)
    icp = eventing.incept(keys=keys(S[0:1]), ndigs=digs(S[1:2]), code=MtrDex.Blake3_256)
    out = [ev(icp, S[0:1])]
    pre, prev = icp.pre, icp
    ixn = eventing.interact(pre=pre, dig=prev.said, sn=1)
    out.append(ev(ixn, S[0:1]))
    rot = eventing.rotate(pre=pre, keys=keys(S[1:2]), dig=ixn.said, sn=2, ndigs=digs(S[2:3]))
    out.append(ev(rot, S[1:2]))
    prev = rot
    for sn in range(3, 3 + n_ixn):
        ixn = eventing.interact(pre=pre, dig=prev.said, sn=sn)
        out.append(ev(ixn, S[1:2]))
        prev = ixn
    rot = eventing.rotate(pre=pre, keys=keys(S[2:3]), dig=prev.said, sn=prev.sn + 1, ndigs=digs(S[3:4]))
    out.append(ev(rot, S[2:3]))
    return out, S


def gen_basic():
    msgs, S = kel_single()
    scenario("single_key", "one Ed25519 key, self-addressing prefix: icp, ixn, rot, ixn, ixn, rot", msgs)

    # transferable basic prefix (D…) and non-transferable basic prefix (B…)
    T = signers(b"scenario-basic00", 3)
    icp = eventing.incept(keys=keys(T[0:1]), ndigs=digs(T[1:2]))
    assert icp.pre == T[0].verfer.qb64
    rot = eventing.rotate(pre=icp.pre, keys=keys(T[1:2]), dig=icp.said, sn=1, ndigs=digs(T[2:3]))
    ixn = eventing.interact(pre=icp.pre, dig=rot.said, sn=2)
    scenario("basic_transferable", "transferable basic prefix (i = k[0], code D): icp, rot, ixn",
             [ev(icp, T[0:1]), ev(rot, T[1:2]), ev(ixn, T[1:2])])

    N = signers(b"scenario-nontran", 1, transferable=False)
    icp = eventing.incept(keys=keys(N))
    assert icp.pre.startswith("B")
    ixn = eventing.interact(pre=icp.pre, dig=icp.said, sn=1)
    scenario("non_transferable", "non-transferable basic prefix (code B), then an ixn it may not make",
             [ev(icp, N), ev(ixn, N)])

    # multi-key numeric thresholds
    M = signers(b"scenario-multi00", 9)
    icp = eventing.incept(keys=keys(M[0:3]), isith="2", ndigs=digs(M[3:6]), nsith="2",
                          code=MtrDex.Blake3_256)
    ixn = eventing.interact(pre=icp.pre, dig=icp.said, sn=1)
    rot = eventing.rotate(pre=icp.pre, keys=keys(M[3:6]), dig=ixn.said, sn=2, isith="2",
                          ndigs=digs(M[6:9]), nsith="3")
    ixn2 = eventing.interact(pre=icp.pre, dig=rot.said, sn=3)
    scenario("multi_key_numeric", "3 keys, kt = nt = 2 (then nt = 3); signatures by 2 or 3 keys",
             [ev(icp, M[0:3]), ev(ixn, [M[0], M[2]], idx=[0, 2]), ev(rot, [M[4], M[5]], idx=[1, 2]),
              ev(ixn2, M[3:6])])

    # weighted thresholds, single and multi clause
    W = signers(b"scenario-weight0", 10)
    kt = [["1/2", "1/2", "1/2"], ["1", "1"]]
    icp = eventing.incept(keys=keys(W[0:5]), isith=kt, ndigs=digs(W[5:8]), nsith=["1/2", "1/2", "1/2"],
                          code=MtrDex.Blake3_256)
    ixn = eventing.interact(pre=icp.pre, dig=icp.said, sn=1)
    rot = eventing.rotate(pre=icp.pre, keys=keys(W[5:8]), dig=ixn.said, sn=2, isith=["1/2", "1/2", "1/2"],
                          ndigs=digs(W[8:10]), nsith=["1", "1/2"])
    ixn2 = eventing.interact(pre=icp.pre, dig=rot.said, sn=3)
    scenario("weighted_thresholds",
             "weighted kt with two clauses [[1/2,1/2,1/2],[1,1]], weighted nt; rot to a one-clause weighted kt",
             [ev(icp, [W[0], W[2], W[4]], idx=[0, 2, 4]), ev(ixn, [W[0], W[1], W[3]], idx=[0, 1, 3]),
              ev(rot, [W[5], W[7]], idx=[0, 2]), ev(ixn2, [W[6], W[7]], idx=[1, 2])])

    # partial / reserve rotation with big (2A) codes, reference §7.2
    P = signers(b"scenario-partial", 9)
    icp = eventing.incept(keys=keys(P[0:3]), isith=["1/2", "1/2", "1/2"], ndigs=digs(P[3:6]),
                          nsith=["1/2", "1/2", "1/2"], code=MtrDex.Blake3_256)
    # expose P5 and P3 (reserve P4 stays committed-unexposed), add a fresh key P6
    rot = eventing.rotate(pre=icp.pre, keys=keys([P[5], P[3], P[6]]), dig=icp.said, sn=1,
                          isith=["1/2", "1/2", "1/2"], ndigs=digs([P[4], P[7]]), nsith=["1/2", "1/2"])
    ixn = eventing.interact(pre=icp.pre, dig=rot.said, sn=2)
    # rotate into the reserved key P4 (committed at sn 1, ondex 0) and P7 (ondex 1)
    rot2 = eventing.rotate(pre=icp.pre, keys=keys([P[7], P[4]]), dig=ixn.said, sn=3,
                           isith=["1/2", "1/2"], ndigs=digs(P[8:9]), nsith="1")
    scenario("partial_rotation",
             "reserve rotation: expose 2 of 3 committed keys in a new order plus a new key (2A dual "
             "indexed signatures), then rotate to the reserved key",
             [ev(icp, [P[0], P[2]], idx=[0, 2]),
              ev(rot, [P[5], P[3]], idx=[0, 1], ondices=[2, 0]),
              ev(ixn, [P[5], P[6]], idx=[0, 2]),
              ev(rot2, [P[7], P[4]], idx=[0, 1], ondices=[1, 0])])

    # ECDSA keys
    for name, code in (("secp256k1", MtrDex.ECDSA_256k1_Seed), ("secp256r1", MtrDex.ECDSA_256r1_Seed)):
        msgs, _ = kel_single(salt=f"scenario-{name}"[:16].ljust(16, "0").encode(), code=code, n_ixn=1)
        scenario(f"ecdsa_{name}", f"{name} keys (ECDSA, randomized signatures): icp, ixn, rot, ixn, rot",
                 msgs, ecdsa=True)

    # EO: interactions are forbidden
    E = signers(b"scenario-estonly", 3)
    icp = eventing.incept(keys=keys(E[0:1]), ndigs=digs(E[1:2]), cnfg=["EO"], code=MtrDex.Blake3_256)
    ixn = eventing.interact(pre=icp.pre, dig=icp.said, sn=1)
    rot = eventing.rotate(pre=icp.pre, keys=keys(E[1:2]), dig=icp.said, sn=1, ndigs=digs(E[2:3]))
    scenario("establishment_only", "EO config: the ixn at sn 1 is dropped, the rot at sn 1 is accepted",
             [ev(icp, E[0:1]), ev(ixn, E[0:1]), ev(rot, E[1:2])])

    # abandonment: rotation to an empty next set
    A = signers(b"scenario-abandon", 3)
    icp = eventing.incept(keys=keys(A[0:1]), ndigs=digs(A[1:2]), code=MtrDex.Blake3_256)
    rot = eventing.rotate(pre=icp.pre, keys=keys(A[1:2]), dig=icp.said, sn=1, ndigs=[], nsith="0")
    ixn = eventing.interact(pre=icp.pre, dig=rot.said, sn=2)
    rot2 = eventing.rotate(pre=icp.pre, keys=keys(A[2:3]), dig=rot.said, sn=2, ndigs=digs(A[0:1]))
    scenario("abandonment", "rot with empty n abandons the identifier: a later ixn and rot are dropped",
             [ev(icp, A[0:1]), ev(rot, A[1:2]), ev(ixn, A[1:2]), ev(rot2, A[2:3])])

    # recovery: a rotation supersedes interactions after the last establishment event
    R = signers(b"scenario-recover", 3)
    icp = eventing.incept(keys=keys(R[0:1]), ndigs=digs(R[1:2]), code=MtrDex.Blake3_256)
    ixn1 = eventing.interact(pre=icp.pre, dig=icp.said, sn=1)
    ixn2 = eventing.interact(pre=icp.pre, dig=ixn1.said, sn=2)
    ixn3 = eventing.interact(pre=icp.pre, dig=ixn2.said, sn=3)
    rot = eventing.rotate(pre=icp.pre, keys=keys(R[1:2]), dig=ixn1.said, sn=2, ndigs=digs(R[2:3]))
    ixn3b = eventing.interact(pre=icp.pre, dig=rot.said, sn=3)
    scenario("recovery_rotation",
             "icp, ixn 1, ixn 2, ixn 3, then a rot at sn 2 (prior = ixn 1) supersedes ixn 2 and 3; ixn 3 again",
             [ev(icp, R[0:1]), ev(ixn1, R[0:1]), ev(ixn2, R[0:1]), ev(ixn3, R[0:1]), ev(rot, R[1:2]),
              ev(ixn3b, R[1:2])])
    return msgs


def delegation_kels(dnd=False):
    D = signers(b"scenario-delegtr" if not dnd else b"scenario-delegdn", 3)
    C = signers(b"scenario-delegte", 4)
    dicp = eventing.incept(keys=keys(D[0:1]), ndigs=digs(D[1:2]), cnfg=["DND"] if dnd else [],
                           code=MtrDex.Blake3_256)
    dip = eventing.delcept(keys=keys(C[0:1]), delpre=dicp.pre, ndigs=digs(C[1:2]))
    dixn = eventing.interact(pre=dicp.pre, dig=dicp.said, sn=1, data=[seal(dip)])
    drt = eventing.deltate(pre=dip.pre, keys=keys(C[1:2]), dig=dip.said, sn=1, ndigs=digs(C[2:3]))
    # the delegator approves the drt in a rotation of its own
    drot = eventing.rotate(pre=dicp.pre, keys=keys(D[1:2]), dig=dixn.said, sn=2, ndigs=digs(D[2:3]),
                           data=[seal(drt)])
    cixn = eventing.interact(pre=dip.pre, dig=drt.said, sn=2)
    msgs = [ev(dicp, D[0:1]), ev(dixn, D[0:1]), ev(dip, C[0:1], source=(1, dixn.said)),
            ev(drot, D[1:2]), ev(drt, C[1:2], source=(2, drot.said)), ev(cixn, C[1:2])]
    return msgs


def gen_delegation():
    msgs = delegation_kels()
    scenario("delegation",
             "delegator icp; ixn anchoring the dip seal; dip with -G source couple; delegator rot anchoring "
             "the drt; drt with -G; delegate ixn", msgs)
    scenario("delegation_out_of_order",
             "the delegation scenario with the delegate's events before the delegator's (escrow, then accept)",
             [msgs[2], msgs[4], msgs[5], msgs[0], msgs[1], msgs[3]])
    dnd = delegation_kels(dnd=True)
    scenario("delegation_dnd", "the delegator has DND: the dip and everything after it is dropped", dnd)
    return msgs


def gen_witnesses():
    C = signers(b"scenario-witnes0", 4)
    Wt = signers(b"scenario-witnes1", 5, transferable=False)
    wits = keys(Wt[0:3])
    icp = eventing.incept(keys=keys(C[0:1]), ndigs=digs(C[1:2]), wits=wits, toad=2, code=MtrDex.Blake3_256)
    ixn = eventing.interact(pre=icp.pre, dig=icp.said, sn=1)
    # witness rotation: cut w1, add w3 and w4, toad 3 of [w0, w2, w3, w4]
    rot = eventing.rotate(pre=icp.pre, keys=keys(C[1:2]), dig=ixn.said, sn=2, ndigs=digs(C[2:3]),
                          wits=wits, cuts=[wits[1]], adds=keys(Wt[3:5]), toad=3)
    new = [Wt[0], Wt[2], Wt[3], Wt[4]]
    ixn2 = eventing.interact(pre=icp.pre, dig=rot.said, sn=3)
    indexed = [ev(icp, C[0:1], wits=Wt[0:3]), ev(ixn, C[0:1], wits=[Wt[0], Wt[2]], widx=[0, 2]),
               ev(rot, C[1:2], wits=new[0:3]), ev(ixn2, C[1:2], wits=new[1:4], widx=[1, 2, 3])]
    scenario("witnesses_indexed",
             "3 witnesses, toad 2, -B indexed witness signatures on every event; a rot cuts one witness, adds "
             "two, toad 3", indexed)
    receipts = [ev(icp, C[0:1]), rct_wigs(icp, [Wt[0]], [0]), rct_couples(icp, [Wt[2]]),
                ev(ixn, C[0:1]), rct_wigs(ixn, [Wt[1], Wt[2]], [1, 2]),
                ev(rot, C[1:2]), rct_wigs(rot, [Wt[0], Wt[3]], [0, 2]), rct_couples(rot, [Wt[4]]),
                ev(ixn2, C[1:2]), rct_wigs(ixn2, [Wt[2]], [1])]
    scenario("witness_receipts",
             "the witnessed KEL with events first and rct receipts after (-B indexed and -C couples); the "
             "last ixn gets only one of three receipts and stays partially witnessed", receipts)
    scenario("witness_receipts_in_order",
             "the witnessed KEL, each event followed by enough receipts to meet its toad",
             receipts[:8])
    scenario("witness_receipts_early",
             "receipts arriving before their events (unverified receipt escrow)",
             [receipts[1], receipts[0], receipts[2], receipts[4], receipts[3]])
    return indexed


def gen_order(single, delegation, witnessed):
    scenario("out_of_order", "the single_key KEL shuffled", shuffled(single, 7))
    scenario("out_of_order_reversed", "the single_key KEL in reverse order", list(reversed(single)))
    # many identifiers interleaved
    kels = []
    for i in range(6):
        msgs, _ = kel_single(salt=f"interleave-{i:05d}".encode(), n_ixn=1 + i % 3)
        kels.append(msgs)
    inter = []
    for j in range(max(len(k) for k in kels)):
        for k in kels:
            if j < len(k):
                inter.append(k[j])
    scenario("interleaved", "6 identifiers, events interleaved round-robin", inter)
    allm = [m for k in kels for m in k] + delegation + witnessed
    scenario("interleaved_shuffled", "6 identifiers, the delegation and the witnessed KEL, all shuffled",
             shuffled(allm, 11))


# --------------------------------------------------------------------------------------------
# invalid variants

def mutate_char(raw, at):
    b = bytearray(raw)
    c = chr(b[at])
    b[at] = ord("A" if c != "A" else "B")
    return bytes(b)


def bad_sig(m):
    """Flip one character inside the first signature's body (not its code)."""
    atc = m.raw.index(b"-AAB") + 4
    return Msg(mutate_char(m.raw, atc + 10), ilk=m.ilk, pre=m.pre, said=m.said, sn=m.sn)


def gen_invalid(single):
    S = signers(b"scenario-single0", 4)
    icp, ixn1, rot2, ixn3 = single[0], single[1], single[2], single[3]

    scenario("invalid_bad_signature", "single_key with one flipped signature character on the ixn at sn 3: "
             "it and everything after it are dropped or wait out of order",
             [icp, ixn1, rot2, bad_sig(ixn3)] + single[4:])

    # wrong SAID: one character of d changed (body otherwise intact, signature over the new body)
    raw = ixn1.raw
    body_end = raw.index(b"-AAB")
    body = raw[:body_end]
    at = body.index(b'"d":"') + 5 + 20
    bad = mutate_char(body, at)
    sig = S[0].sign(bad, index=0)
    msg = bad + Counter(code=CtrDex.ControllerIdxSigs, count=1).qb64b + sig.qb64b
    said = bad[body.index(b'"d":"') + 5: body.index(b'"d":"') + 5 + 44].decode()
    scenario("invalid_wrong_said", "the ixn at sn 1 with one SAID character changed (re-signed), mid-stream",
             [icp, Msg(msg, ilk="ixn", pre=icp.pre, said=said, sn=1)] + single[2:],
             divergence="keripy's Parser flushes the rest of the stream after a body whose SAID does not "
                        "verify, dropping the 4 valid events after it; DKMS drops only that message and the "
                        "later events wait out of order for the missing ixn. Same key state")
    # the same defect on the last message: nothing after it to flush
    last = single[-1]
    lraw = last.raw
    lbody = lraw[:lraw.index(b"-AAB")]
    dat = lbody.index(b'"d":"') + 5
    lbad = mutate_char(lbody, dat + 20)
    lmsg = lbad + Counter(code=CtrDex.ControllerIdxSigs, count=1).qb64b + S[2].sign(lbad, index=0).qb64b
    scenario("invalid_wrong_said_last", "single_key with one SAID character of the last rot changed (re-signed)",
             single[:-1] + [Msg(lmsg, ilk="rot", pre=icp.pre, said=lbad[dat:dat + 44].decode(), sn=last.sn)])

    # wrong prior digest (a valid, signed ixn whose p is not the prior event)
    pre = icp.pre
    e0 = eventing.interact(pre=pre, dig=ixn1.said, sn=1)  # p = its own predecessor's successor
    scenario("invalid_wrong_prior", "an ixn at sn 1 whose p names a different event (correct SAID, signed)",
             [icp, ev(e0, S[0:1])])

    # sn gap
    s_gap = eventing.interact(pre=pre, dig=ixn1.said, sn=3)
    scenario("invalid_sn_gap", "an ixn at sn 3 while the KEL ends at sn 1: it waits out of order",
             [icp, ixn1, ev(s_gap, S[0:1])])

    # unmet thresholds
    M = signers(b"scenario-multi00", 9)
    micp = eventing.incept(keys=keys(M[0:3]), isith="2", ndigs=digs(M[3:6]), nsith="2", code=MtrDex.Blake3_256)
    mixn = eventing.interact(pre=micp.pre, dig=micp.said, sn=1)
    mrot = eventing.rotate(pre=micp.pre, keys=keys(M[3:6]), dig=micp.said, sn=1, isith="2",
                           ndigs=digs(M[6:9]), nsith="2")
    scenario("invalid_unmet_threshold",
             "kt = 2: an inception signed by 2 keys, an ixn signed by 1 (partially signed); a rot exposing only "
             "one next key (prior nt = 2 unmet)",
             [ev(micp, M[0:3]), ev(mixn, M[1:2], idx=[1]), ev(mrot, [M[3]], idx=[0])])
    W = signers(b"scenario-weight0", 10)
    wicp = eventing.incept(keys=keys(W[0:3]), isith=["1/2", "1/4", "1/4"], ndigs=digs(W[3:6]),
                           nsith=["1/2", "1/2", "1/2"], code=MtrDex.Blake3_256)
    scenario("invalid_unmet_weighted", "kt = [1/2,1/4,1/4] inception signed by keys 1 and 2 (weight 1/2)",
             [ev(wicp, W[1:3], idx=[1, 2])])
    scenario("invalid_same_key_twice",
             "kt = 2 inception signed twice by key 0 (codes A and 2A): keripy counts it twice",
             [Msg(eventing.messagize(micp, sigers=[M[0].sign(micp.raw, index=0),
                                                   M[0].sign(micp.raw, index=0, ondex=1)]), micp)],
             divergence="numeric thresholds count distinct signing keys in DKMS (reference §6.1): one key "
                        "signing under two codes does not meet kt = 2; keripy accepts it")

    # duplicity: a second, different ixn at an accepted sn; a second icp for the same basic prefix
    other = eventing.interact(pre=pre, dig=icp.said, sn=1, data=[{"d": icp.said}])
    scenario("invalid_duplicitous_ixn", "a second, different ixn at sn 1 after the first was accepted",
             [icp, ixn1, ev(other, S[0:1]), rot2])
    T = signers(b"scenario-basic00", 3)
    b1 = eventing.incept(keys=keys(T[0:1]), ndigs=digs(T[1:2]))
    b2 = eventing.incept(keys=keys(T[0:1]), ndigs=digs(T[2:3]))
    assert b1.pre == b2.pre and b1.said != b2.said
    scenario("invalid_duplicitous_icp", "two different inceptions of the same basic prefix",
             [ev(b1, T[0:1]), ev(b2, T[0:1])])

    # truncation and garbage
    last = single[-1]
    scenario("invalid_truncated", "single_key with its last message cut in half",
             single[:-1] + [Msg(last.raw[: len(last.raw) // 2], ilk=last.ilk, pre=last.pre, said=last.said,
                                sn=last.sn)])
    scenario("invalid_garbage", "single_key with garbage bytes between the 2nd and 3rd messages",
             single[:2] + [Msg(b"#garbage!#", garbage=True)] + single[2:],
             divergence="both drop the message the garbage follows (it is read as part of its attachments); "
                        "keripy's Parser then flushes the rest of the stream, while DKMS resumes framing at "
                        "the next message (docs/interop.md, CESR table), so the later events wait out of "
                        "order for the dropped one. Same key state")

    # witnessed event below its toad
    C = signers(b"scenario-witnes0", 4)
    Wt = signers(b"scenario-witnes1", 5, transferable=False)
    wicp = eventing.incept(keys=keys(C[0:1]), ndigs=digs(C[1:2]), wits=keys(Wt[0:3]), toad=2,
                           code=MtrDex.Blake3_256)
    scenario("invalid_unmet_toad", "3 witnesses, toad 2, one witness signature: partially witnessed",
             [ev(wicp, C[0:1], wits=[Wt[1]], widx=[1])])
    scenario("invalid_bad_witness_signature",
             "3 witnesses, toad 2, two witness signatures of which one is corrupted",
             [Msg(mutate_char(ev(wicp, C[0:1], wits=[Wt[0], Wt[1]]).raw, -10), wicp)])

    # delegation without the anchor
    deleg = delegation_kels()
    scenario("invalid_delegation_unanchored",
             "a dip whose delegator never anchors it (the delegator's ixn is missing)",
             [deleg[0], deleg[2]])


# --------------------------------------------------------------------------------------------
# behaviours where DKMS differed from keripy (each made by keripy, judged by keripy)

def vrct(event, validator_est, vsgs, idx=None):
    """A transferable (validator) receipt as keripy makes one: rct body + -F group (the validator's
    prefix, the sn and SAID of its latest establishment event, -A indexed signatures over the event)."""
    r = eventing.receipt(pre=event.pre, sn=event.sn, said=event.said)
    sl = SealEvent(i=validator_est.pre, s="{:x}".format(validator_est.sn), d=validator_est.said)
    sigers = sign(event, vsgs, idx=idx)
    raw = eventing.messagize(r, sigers=sigers, seal=sl)
    return Msg(raw, r, rct_of=event.said, sigs=[s.qb64 for s in sigers])


def gen_differences():
    # a. integer thresholds (intive=True): kt, nt, bt are JSON integers
    I = signers(b"scenario-intive0", 9)
    icp = eventing.incept(keys=keys(I[0:2]), isith="2", ndigs=digs(I[2:4]), nsith="1", intive=True,
                          code=MtrDex.Blake3_256)
    assert isinstance(icp.ked["kt"], int) and isinstance(icp.ked["nt"], int) and isinstance(icp.ked["bt"], int)
    ixn = eventing.interact(pre=icp.pre, dig=icp.said, sn=1)
    rot = eventing.rotate(pre=icp.pre, keys=keys(I[2:4]), dig=ixn.said, sn=2, isith="1", ndigs=digs(I[4:7]),
                          nsith="2", intive=True)
    assert isinstance(rot.ked["kt"], int) and isinstance(rot.ked["bt"], int)
    ixn2 = eventing.interact(pre=icp.pre, dig=rot.said, sn=3)
    scenario("intive_thresholds",
             "keripy's intive=True: kt, nt and bt are JSON integers (icp kt 2 nt 1, rot kt 1 nt 2); icp, ixn, "
             "rot, ixn",
             [ev(icp, I[0:2]), ev(ixn, I[0:2]), ev(rot, I[3:4], idx=[1], ondices=[1]), ev(ixn2, I[3:4], idx=[1])],
             details=("receipts",))
    C = signers(b"scenario-intivew", 4)
    Wt = signers(b"scenario-intivwt", 3, transferable=False)
    wicp = eventing.incept(keys=keys(C[0:1]), ndigs=digs(C[1:2]), wits=keys(Wt), toad=2, intive=True,
                           code=MtrDex.Blake3_256)
    assert wicp.ked["bt"] == 2 and wicp.ked["kt"] == 1
    wixn = eventing.interact(pre=wicp.pre, dig=wicp.said, sn=1)
    wrot = eventing.rotate(pre=wicp.pre, keys=keys(C[1:2]), dig=wixn.said, sn=2, ndigs=digs(C[2:3]),
                           wits=keys(Wt), cuts=[], adds=[], toad=3, intive=True)
    assert wrot.ked["bt"] == 3
    scenario("intive_thresholds_witnessed",
             "intive=True with 3 witnesses: icp bt 2 (JSON integer) then rct receipts (-C couples, -B indexed); "
             "ixn; rot to bt 3 with its receipts",
             [ev(wicp, C[0:1]), rct_couples(wicp, Wt[0:1]), rct_wigs(wicp, [Wt[2]], [2]),
              ev(wixn, C[0:1], wits=Wt[0:2]),
              ev(wrot, C[1:2]), rct_wigs(wrot, Wt[0:2]), rct_couples(wrot, Wt[2:3])],
             details=("receipts",))

    # b. a transferable validator receipt before the validator's own KEL
    A = signers(b"scenario-trcptA0", 3)
    B = signers(b"scenario-trcptB0", 3)
    aicp = eventing.incept(keys=keys(A[0:1]), ndigs=digs(A[1:2]), code=MtrDex.Blake3_256)
    aixn = eventing.interact(pre=aicp.pre, dig=aicp.said, sn=1)
    bicp = eventing.incept(keys=keys(B[0:1]), ndigs=digs(B[1:2]), code=MtrDex.Blake3_256)
    scenario("trans_receipt_before_validator",
             "controller A's icp and ixn; validator B's transferable receipts (rct + -F group naming B's icp) of "
             "both; then B's own icp: keripy escrows the receipts (vres) and applies them (vrcs) once B's KEL "
             "arrives",
             [ev(aicp, A[0:1]), ev(aixn, A[0:1]), vrct(aicp, bicp, B[0:1]), vrct(aixn, bicp, B[0:1]),
              ev(bicp, B[0:1])],
             details=("trans_receipts",))

    # c. the abandoning rotation sent twice
    X = signers(b"scenario-abandrs", 3)
    xicp = eventing.incept(keys=keys(X[0:1]), ndigs=digs(X[1:2]), code=MtrDex.Blake3_256)
    xrot = eventing.rotate(pre=xicp.pre, keys=keys(X[1:2]), dig=xicp.said, sn=1, ndigs=[], nsith="0")
    rmsg = ev(xrot, X[1:2])
    scenario("abandonment_resend",
             "icp, then the final abandoning rot (empty n, nt 0), then the same rot again byte for byte",
             [ev(xicp, X[0:1]), rmsg, rmsg], details=())

    # d. anchors that look like seals but are not: keripy treats a as opaque data
    D = signers(b"scenario-anchors", 3)
    dicp = eventing.incept(keys=keys(D[0:1]), ndigs=digs(D[1:2]), code=MtrDex.Blake3_256)
    datas = [
        [{"d": "EAbc"}],                                              # kli interact --data '[{"d":"EAbc"}]'
        [{"i": dicp.pre, "s": "01", "d": dicp.said}],                  # an event seal with a leading zero in s
        [{"s": "zz", "d": "x"}],                                       # s not hex, d not a digest
        [{"foo": "bar", "n": 1, "nested": {"i": "x"}}],                # unknown keys
        ["just a string", 42, True, None, [1, 2]],                     # strings, integers, a list
        [3.5, {"f": -0.25}],                                           # floating-point numbers
        [{"i": dicp.pre, "s": "0", "d": dicp.said}, {"d": "EAbc"}],    # a real seal next to a bad one
    ]
    msgs = [ev(dicp, D[0:1])]
    prev = dicp
    for sn, data in enumerate(datas, start=1):
        e = eventing.interact(pre=dicp.pre, dig=prev.said, sn=sn, data=data)
        msgs.append(ev(e, D[0:1]))
        prev = e
    drot = eventing.rotate(pre=dicp.pre, keys=keys(D[1:2]), dig=prev.said, sn=prev.sn + 1, ndigs=digs(D[2:3]),
                           data=[{"d": "EAbc"}, "x"])
    dixn = eventing.interact(pre=dicp.pre, dig=drot.said, sn=drot.sn + 1)
    msgs += [ev(drot, D[1:2]), ev(dixn, D[1:2])]
    scenario("anchors_as_data",
             "ixn events whose a holds seal-shaped data that is not a valid seal ({d: EAbc} as kli interact "
             "--data makes it, s with a leading zero, s not hex, unknown keys, strings and numbers), a rot with "
             "such data, then a plain ixn: keripy accepts them all",
             msgs, details=("receipts",))

    # e. a witness receipt that also carries a controller signature group (-A)
    Ce = signers(b"scenario-rctctl0", 3)
    We = signers(b"scenario-rctctlw", 2, transferable=False)
    eicp = eventing.incept(keys=keys(Ce[0:1]), ndigs=digs(Ce[1:2]), wits=keys(We), toad=2, code=MtrDex.Blake3_256)
    eixn = eventing.interact(pre=eicp.pre, dig=eicp.said, sn=1)

    def rct_ctl(event, wigers=None, cigars=None):
        r = eventing.receipt(pre=event.pre, sn=event.sn, said=event.said)
        sigers = sign(event, Ce[0:1])
        raw = eventing.messagize(r, sigers=sigers, wigers=wigers, cigars=cigars)
        assert raw[len(r.raw):].startswith(b"-AAB")
        carried = [s.qb64 for s in sigers] + [w.qb64 for w in wigers or []] + [c.qb64 for c in cigars or []]
        return Msg(raw, r, rct_of=event.said, sigs=carried)

    scenario("rct_with_controller_sigs",
             "2 witnesses, toad 2: the icp unwitnessed, then an rct with -A (the controller's signature) and -B "
             "(both witnesses); the ixn, then an rct with -A and -C (both witnesses' couples)",
             [ev(eicp, Ce[0:1]), rct_ctl(eicp, wigers=wsign(eicp, We)),
              ev(eixn, Ce[0:1]), rct_ctl(eixn, cigars=[w.sign(eixn.raw) for w in We])],
             details=("receipts",))

    # f. a witness receipt whose indexed signature names a witness index past the witness list
    Cf = signers(b"scenario-rctidx0", 3)
    Wf = signers(b"scenario-rctidxw", 4, transferable=False)
    ficp = eventing.incept(keys=keys(Cf[0:1]), ndigs=digs(Cf[1:2]), wits=keys(Wf[0:3]), toad=2,
                           code=MtrDex.Blake3_256)
    fixn = eventing.interact(pre=ficp.pre, dig=ficp.said, sn=1)
    scenario("receipt_index_out_of_range",
             "3 witnesses, toad 2, icp and ixn each with 2 -B witness signatures (toad met); then an rct of the "
             "icp whose -B signature has index 5 (by the third witness) and an rct of the ixn with index 3 (by "
             "an unlisted key): keripy skips the bad index, the stream stays valid",
             [ev(ficp, Cf[0:1], wits=Wf[0:2]), ev(fixn, Cf[0:1], wits=Wf[1:3], widx=[1, 2]),
              rct_wigs(ficp, [Wf[2]], [5]), rct_wigs(fixn, [Wf[3]], [3])],
             details=("receipts",))
    scenario("receipt_index_out_of_range_early",
             "the out-of-range rct of the icp (-B index 5) before the icp, which carries 2 -B witness signatures "
             "(toad met); then the ixn, complete",
             [rct_wigs(ficp, [Wf[2]], [5]), ev(ficp, Cf[0:1], wits=Wf[0:2]),
              ev(fixn, Cf[0:1], wits=Wf[1:3], widx=[1, 2])],
             details=("receipts",))

    # g. delegated dip and drt with their -G source seal couples, as kli sends them
    scenario("delegation_source_seals",
             "the delegation KELs (dip and drt with -G source seal couples): source_seals is the couple keripy "
             "stored for each delegated event (db.aess), exports its kel export clone (cloneEvtMsg)",
             delegation_kels(), details=("source_seals", "exports"))

    # h. a forged rotation placed before its predecessor
    S = signers(b"scenario-forged0", 4)
    F = signers(b"scenario-forgedF", 2)
    sicp = eventing.incept(keys=keys(S[0:1]), ndigs=digs(S[1:2]), code=MtrDex.Blake3_256)
    sixn = eventing.interact(pre=sicp.pre, dig=sicp.said, sn=1)
    srot = eventing.rotate(pre=sicp.pre, keys=keys(S[1:2]), dig=sixn.said, sn=2, ndigs=digs(S[2:3]))
    sixn3 = eventing.interact(pre=sicp.pre, dig=srot.said, sn=3)
    forged = eventing.rotate(pre=sicp.pre, keys=keys(F[0:1]), dig=sixn.said, sn=2, ndigs=digs(F[1:2]))
    assert forged.said != srot.said
    scenario("forged_rotation_reordered",
             "icp, then a forged rot at sn 2 (right prior: the ixn at sn 1; keys not committed at sn 0, signed "
             "by the forger's key) before that ixn, then the valid ixn, rot and ixn",
             [ev(sicp, S[0:1]), ev(forged, F[0:1]), ev(sixn, S[0:1]), ev(srot, S[1:2]), ev(sixn3, S[1:2])],
             divergence="a forged rotation that conflicts with the accepted one is not evidence of duplicity "
                        "unless signed by those in control at its place: DKMS rejects it (bad_signature) where "
                        "keripy keeps it in its likely-duplicitous escrow",
             details=("receipts",))


# --------------------------------------------------------------------------------------------

def write(out, sc):
    name = sc["name"]
    msgs = sc["msgs"]
    stream = b"".join(m.raw for m in msgs)
    j = judge.judge(stream, msgs, name, sc["details"])
    vs, st = j["verdicts"], j["states"]
    doc = {
        "description": sc["description"],
        "keripy_version": KERIPY_VERSION,
        "stream_file": f"{name}.cesr",
        "messages": len(vs),
        "expected": j["expected"],
        "states": st,
        "divergence": sc["divergence"],
        "known_bug": sc["known_bug"],
        "ecdsa": sc["ecdsa"],
        "verdicts": vs,
    }
    if sc["details"]:
        doc.update(j["details"])
        # every message accepted (or a duplicate of an accepted one), nothing rejected or escrowed
        doc["stream_valid"] = all(v in ("accepted", "duplicate") for v in vs)
        doc["keripy_escrows_at_end"] = j["escrows"]
        if j["notes"]:
            doc["keripy_notes"] = j["notes"]
    # what rejudge.py needs to judge the stream again with another keripy version
    doc["message_meta"] = [m.meta() for m in msgs if not m.garbage]
    with open(os.path.join(out, f"{name}.cesr"), "wb") as f:
        f.write(stream)
    with open(os.path.join(out, f"{name}.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    e = doc["expected"]
    print(f"  {name}: {len(vs)} messages, accepted {e['accepted']}, escrowed {e['escrowed_at_end']}, "
          f"rejected {e['rejected']}, duplicates {e['duplicates']}, {len(st)} states")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--out", required=True, help="output folder")
    args = ap.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    single = gen_basic()
    single, _ = kel_single()
    delegation = gen_delegation()
    witnessed = gen_witnesses()
    gen_order(single, delegation, witnessed)
    gen_invalid(single)
    gen_differences()
    names = set()
    for sc in SCENARIOS:
        assert sc["name"] not in names, sc["name"]
        names.add(sc["name"])
        write(args.out, sc)
    print(f"wrote {len(SCENARIOS)} scenarios to {args.out}")


if __name__ == "__main__":
    main()
