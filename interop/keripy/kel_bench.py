#!/usr/bin/env python3
"""
Generate the keripy-made KEL streams used by the benches (issue 9/10):
a single-key KEL of N events (icp, then interactions) and a KEL with a rotation
every 100 events, each accepted by keripy 1.1.17's Kevery before it is written.

Usage (from the workspace root):

    /tmp/kerivenv/bin/python interop/keripy/kel_bench.py --out benches/data/keripy-1.1.17

Deterministic: fixed salt, Salter.signers(temp=True), no clock in KEL events.
"""

import argparse
import json
import os

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
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
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
    with open(os.path.join(args.out, "streams.json"), "w") as f:
        json.dump(meta, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
