#!/usr/bin/env python3
"""
DKMS -> keripy: feed the KELs our library built to keripy (1.1.17, or 1.3.6 under its own venv) and
compare its key state to ours.

Usage (from the workspace root):

    cargo run -p dkms-kel --example interop_kels -- OUT_DIR
    target/interop-venv/bin/python interop/keripy/check_ours.py OUT_DIR
    target/interop-venv-1.3.6/bin/python interop/keripy/check_ours.py OUT_DIR

For every OUT_DIR/NAME.json (written by the example: our verdict and key states, in the shape of
tests/vectors/keripy-1.1.17/*.json, plus "message_meta" naming each message) the stream NAME.cesr
goes through keripy's Parser + Kevery exactly as in scenarios.py (judge.py). keripy must accept every message
we accepted and reach the same key state for every identifier. Exits 1 on any difference, printing it.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import judge  # noqa: E402  (patches keripy's clock, checks the keri version)
from judge import Msg, run_keripy, states, verdicts  # noqa: E402


def check(folder, name):
    with open(os.path.join(folder, f"{name}.json"), encoding="utf-8") as f:
        doc = json.load(f)
    with open(os.path.join(folder, doc["stream_file"]), "rb") as f:
        stream = f.read()
    msgs = [Msg(b"%d" % i, ilk=m["ilk"], pre=m["prefix"], said=m["said"], sn=m["sn"],
                rct_of=m["said"] if m["ilk"] == "rct" else None)
            for i, m in enumerate(doc["message_meta"])]
    db, kvy, _ = run_keripy(stream, "ours_" + name)
    try:
        vs = verdicts(db, msgs)
        theirs = states(kvy)
    finally:
        db.close(clear=True)
    diffs = []
    accepted = vs.count("accepted")
    if accepted != doc["expected"]["accepted"]:
        bad = [f"{m.ilk} sn {m.sn} {m.said}: {v}" for m, v in zip(msgs, vs) if v != "accepted"]
        diffs.append(f"accepted: ours {doc['expected']['accepted']}, keripy {accepted} ({'; '.join(bad)})")
    if vs.count("escrowed") != doc["expected"]["escrowed_at_end"]:
        diffs.append(f"escrowed at end: ours {doc['expected']['escrowed_at_end']}, keripy {vs.count('escrowed')}")
    ours = {s["prefix"]: s for s in doc["states"]}
    keri = {s["prefix"]: s for s in theirs}
    if sorted(ours) != sorted(keri):
        diffs.append(f"identifiers: ours {sorted(ours)}, keripy {sorted(keri)}")
    for pre in sorted(set(ours) & set(keri)):
        for field, value in keri[pre].items():
            if ours[pre].get(field) != value:
                diffs.append(f"{pre} {field}: ours {json.dumps(ours[pre].get(field))}, keripy {json.dumps(value)}")
    return diffs


def main(argv):
    if len(argv) != 2:
        print(__doc__)
        return 2
    folder = argv[1]
    names = sorted(f[:-5] for f in os.listdir(folder) if f.endswith(".json"))
    if not names:
        print(f"no KELs in {folder}")
        return 1
    failed = 0
    for name in names:
        diffs = check(folder, name)
        if diffs:
            failed += 1
            print(f"FAIL {name}:")
            for d in diffs:
                print(f"    {d}")
        else:
            print(f"ok   {name}")
    print(f"{len(names) - failed} of {len(names)} of our KELs reach the same key state in keripy "
          f"{judge.VERSION}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
