#!/usr/bin/env python3
"""
The committed keripy 1.1.17 scenarios judged again by another keripy version (keri 1.3.6).

Usage (from the workspace root):

    target/interop-venv-1.3.6/bin/python interop/keripy/rejudge.py --dir tests/vectors/keripy-1.1.17 --write
    target/interop-venv-1.3.6/bin/python interop/keripy/rejudge.py --dir tests/vectors/keripy-1.1.17 --check

Every NAME.json of DIR names its stream (NAME.cesr, made by keripy 1.1.17) and its messages
("message_meta"). This runs judge.judge on the stream with the keripy installed here and
compares with 1.1.17's verdicts, key states and details. --write stores the result in the JSON
as "keripy_1_3_6": {"version", "verdicts", "expected", "same_as_1_1_17", "differences": [...],
"states" (only when they differ), the details that differ}. --check fails when the committed
"keripy_1_3_6" section is not what this keripy says now.
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import judge  # noqa: E402

FIELD = "keripy_" + judge.VERSION.replace(".", "_")
DETAILS = ("receipts", "trans_receipts", "source_seals", "exports", "receipt_sigs_stored", "stream_valid")


def wanted(doc):
    out = [k for k in ("receipts", "trans_receipts", "source_seals", "exports") if k in doc]
    if "receipt_sigs_stored" in doc and "receipts" not in out:
        out.append("trans_receipts")
    return out


def rejudge(folder, name):
    with open(os.path.join(folder, f"{name}.json"), encoding="utf-8") as f:
        doc = json.load(f)
    with open(os.path.join(folder, doc["stream_file"]), "rb") as f:
        stream = f.read()
    msgs = [judge.Msg.from_meta(m) for m in doc["message_meta"]]
    j = judge.judge(stream, msgs, f"rj_{name}", wanted(doc))
    mine = {"verdicts": j["verdicts"], "expected": j["expected"], "states": j["states"]}
    mine.update(j["details"])
    if "stream_valid" in doc:
        mine["stream_valid"] = all(v in ("accepted", "duplicate") for v in j["verdicts"])
    diffs = []
    for field in ("verdicts", "states") + DETAILS:
        if field not in doc and field not in mine:
            continue
        if field == "exports":
            continue  # the clone's first-seen timestamps depend on the number of clock calls
        if doc.get(field) != mine.get(field):
            diffs.append(field)
    out = {"version": judge.VERSION, "verdicts": j["verdicts"], "expected": j["expected"],
           "same_as_1_1_17": not diffs, "differences": diffs}
    for field in diffs:
        out[field] = mine.get(field)
    if "keripy_escrows_at_end" in doc:
        out["escrows_at_end"] = j["escrows"]
    if j["notes"]:
        out["notes"] = j["notes"]
    return doc, out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--dir", required=True, help="folder of scenario NAME.json + NAME.cesr")
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help=f"store the verdict as {FIELD} in each JSON")
    mode.add_argument("--check", action="store_true", help=f"fail unless each JSON's {FIELD} is today's")
    args = ap.parse_args(argv)
    names = sorted(f[:-5] for f in os.listdir(args.dir) if f.endswith(".json"))
    if not names:
        print(f"no scenarios in {args.dir}")
        return 1
    failed, differ = [], []
    for name in names:
        doc, out = rejudge(args.dir, name)
        if not out["same_as_1_1_17"]:
            differ.append(f"{name} ({', '.join(out['differences'])})")
        if args.write:
            doc[FIELD] = out
            with open(os.path.join(args.dir, f"{name}.json"), "w", encoding="utf-8", newline="\n") as f:
                json.dump(doc, f, indent=1)
                f.write("\n")
        elif doc.get(FIELD) != out:
            failed.append(name)
            print(f"FAIL {name}: keri {judge.VERSION} now says {json.dumps(out)}; committed "
                  f"{json.dumps(doc.get(FIELD))}")
    print(f"keri {judge.VERSION}: {len(names)} scenarios judged, {len(names) - len(differ)} as keri 1.1.17 did; "
          f"differ: {'; '.join(differ) if differ else 'none'}")
    if failed:
        print(f"{len(failed)} scenarios no longer match their committed {FIELD}: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
