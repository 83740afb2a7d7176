#!/usr/bin/env python3
"""
Generate the keripy-made KEL streams used by the benches (issue 9/10):
single-key KELs of 1,000 and 10,000 events (icp, then interactions), and the multi-identifier
workload multi_2000.cesr: 2,000 identifiers, each icp, ixn, rot, ixn, ixn (one Ed25519 key, no
witnesses), interleaved round-robin by step (every identifier's icp, then every identifier's first
ixn, then every rot, ...), 10,000 events. Each stream is accepted by keripy 1.1.17's Kevery (every
identifier at its last event) before it is written, and listed in streams.json.

Usage (from the workspace root):

    target/interop-venv/bin/python interop/keripy/kel_bench.py --out benches/data/keripy-1.1.17
    # a multi-identifier workload of any size, outside the committed folder (not listed in streams.json):
    target/interop-venv/bin/python interop/keripy/kel_bench.py --out /tmp/multi --multi 100000 [--no-check]

Deterministic: fixed salts, Salter.signers(temp=True), no clock in KEL events; identifier i of
every multi workload has the same keys and events whatever N is (salt "dkms-multi" + i, 6 digits).
"""

import argparse
import json
import os
import time

import keri
from keri.core import coring, eventing, parsing
from keri.core.coring import Diger, MtrDex, Salter
from keri.db import basing

assert keri.__version__ == "1.1.17", f"need keri 1.1.17, have {keri.__version__}"


def ndig(signer):
    return Diger(ser=signer.verfer.qb64b).qb64


def single_key(n):
    """icp + (n-1) ixn, all signed by one Ed25519 key."""
    salter = Salter(raw=b"dkms-bench-salt!")
    ss = salter.signers(count=2, path="bench", temp=True)
    icp = eventing.incept(keys=[ss[0].verfer.qb64], ndigs=[ndig(ss[1])], code=MtrDex.Blake3_256)
    out = bytearray(eventing.messagize(icp, sigers=[ss[0].sign(icp.raw, index=0)]))
    prev = icp
    for sn in range(1, n):
        ixn = eventing.interact(pre=icp.pre, dig=prev.said, sn=sn)
        out.extend(eventing.messagize(ixn, sigers=[ss[0].sign(ixn.raw, index=0)]))
        prev = ixn
    return icp.pre, prev, bytes(out)


def multi(n_ids):
    """n_ids identifiers, each icp, ixn, rot, ixn, ixn (one Ed25519 key), round-robin by step.
    Returns (stream, {prefix: last event})."""
    assert 0 < n_ids <= 1_000_000
    kels = []
    for i in range(n_ids):
        salter = Salter(raw=b"dkms-multi%06d" % i)
        ss = salter.signers(count=3, path="multi", temp=True)
        icp = eventing.incept(keys=[ss[0].verfer.qb64], ndigs=[ndig(ss[1])], code=MtrDex.Blake3_256)
        ixn1 = eventing.interact(pre=icp.pre, dig=icp.said, sn=1)
        rot = eventing.rotate(pre=icp.pre, keys=[ss[1].verfer.qb64], dig=ixn1.said, sn=2, ndigs=[ndig(ss[2])])
        ixn3 = eventing.interact(pre=icp.pre, dig=rot.said, sn=3)
        ixn4 = eventing.interact(pre=icp.pre, dig=ixn3.said, sn=4)
        kels.append([(icp, ss[0]), (ixn1, ss[0]), (rot, ss[1]), (ixn3, ss[1]), (ixn4, ss[1])])
    out = bytearray()
    for step in range(5):
        for kel in kels:
            serder, signer = kel[step]
            out.extend(eventing.messagize(serder, sigers=[signer.sign(serder.raw, index=0)]))
    return bytes(out), {kel[0][0].pre: kel[-1][0] for kel in kels}


def check_multi(stream, lasts):
    db = basing.Baser(name="bench_multi", temp=True, reopen=True)
    try:
        kvy = eventing.Kevery(db=db, lax=True)
        parsing.Parser(kvy=kvy).parse(ims=bytearray(stream))
        assert len(kvy.kevers) == len(lasts), (len(kvy.kevers), len(lasts))
        for pre, last in lasts.items():
            k = kvy.kevers[pre]
            assert (k.sn, k.serder.said) == (last.sn, last.said), pre
    finally:
        db.close(clear=True)


def write_multi(out, n_ids, check_it=True):
    t = time.monotonic()
    stream, lasts = multi(n_ids)
    made = time.monotonic() - t
    if check_it:
        t = time.monotonic()
        check_multi(stream, lasts)
        checked = time.monotonic() - t
    name = f"multi_{n_ids}.cesr"
    with open(os.path.join(out, name), "wb") as f:
        f.write(stream)
    pres = list(lasts)
    meta = {"identifiers": n_ids, "events": 5 * n_ids, "bytes": len(stream), "first_prefix": pres[0],
            "last_prefix": pres[-1], "final_sn": 4, "last_said": lasts[pres[-1]].said,
            "keripy_accepts": check_it}
    print(f"{name}: {n_ids} identifiers, {5 * n_ids} events, {len(stream)} bytes; made in {made:.1f} s"
          + (f", keripy accepted it in {checked:.1f} s" if check_it else ", not checked by keripy"))
    return name, meta


def check(stream, pre, last):
    db = basing.Baser(name="bench", temp=True, reopen=True)
    kvy = eventing.Kevery(db=db, lax=True)
    parsing.Parser(kvy=kvy).parse(ims=bytearray(stream))
    assert kvy.kevers[pre].sn == last.sn, (kvy.kevers[pre].sn, last.sn)
    assert kvy.kevers[pre].serder.said == last.said
    db.close(clear=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--multi", type=int, metavar="N",
                    help="only write multi_N.cesr (N identifiers) to --out, not listed in streams.json")
    ap.add_argument("--no-check", action="store_true", help="with --multi: skip keripy's check (slow for big N)")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    if args.multi is not None:
        write_multi(args.out, args.multi, check_it=not args.no_check)
        return
    meta = {"keripy_version": keri.__version__, "streams": {}}
    for n in (1000, 10000):
        pre, last, stream = single_key(n)
        check(stream, pre, last)
        name = f"kel_single_key_{n // 1000}k.cesr"
        with open(os.path.join(args.out, name), "wb") as f:
            f.write(stream)
        meta["streams"][name] = {"events": n, "bytes": len(stream), "prefix": pre,
                                 "final_sn": last.sn, "final_said": last.said,
                                 "keripy_accepts": True}
    name, m = write_multi(args.out, 2000)
    meta["streams"][name] = m
    with open(os.path.join(args.out, "streams.json"), "w") as f:
        json.dump(meta, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
