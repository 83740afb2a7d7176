#!/usr/bin/env python3
"""
Differential testing of the DKMS engine against keripy on mutated keripy streams.

    cargo run -p dkms-kel --example differential -- SEED COUNT DIR        # streams + our results
    target/interop-venv/bin/python       interop/keripy/differential.py judge DIR   # keri 1.1.17
    target/interop-venv-1.3.6/bin/python interop/keripy/differential.py judge DIR   # keri 1.3.6
    python3 interop/keripy/differential.py compare DIR                   # any Python, no keripy

`judge` runs every stream of DIR/ours.json through keripy exactly as judge.py does for the
committed scenarios (one Parser + Kevery(lax=True) per stream, then processEscrows() until
nothing changes), all in this one process, and writes DIR/keripy_<version>.json: the key state of
every identifier, which of the stream's events are in keripy's first-seen log, which are in which
of its escrows (and which receipts), the receipts stored per accepted event, and a verdict per
message.

`compare` sets each keripy version's result beside ours (the same fields, computed the same way
by the `differential` example) and puts every stream in one category: `same`, or a documented
difference (docs/interop.md) that a rule below explains, or `UNEXPLAINED`. It prints a table of
categories with counts, details of each unexplained stream, and exits 1 if there is one.
"""

import argparse
import contextlib
import io
import json
import os
import sys
import time
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))

# ---------------------------------------------------------------------------------------------
# judge (needs keripy)


def event_tables(judge):
    """keripy's escrows of key events, and its escrows of receipts."""
    receipts = ("ures", "vres", "uwes")
    events = tuple(t for t in judge.VALUE_ESCROWS + judge.KEY_ESCROWS if t not in receipts + ("qnfs",))
    return events, receipts


def table_blobs(judge, db):
    """{escrow name: [blob]} as judge.escrow_blobs reads them, per table."""
    import lmdb

    out = {}
    for name in judge.VALUE_ESCROWS + judge.KEY_ESCROWS:
        h = getattr(db, name, None)
        sdb = getattr(h, "sdb", h)
        if h is None or not isinstance(sdb, lmdb._Database):
            continue
        blobs = []
        with db.env.begin(db=sdb, write=False) as txn:
            for k, v in txn.cursor().iternext(keys=True, values=True):
                if name in judge.VALUE_ESCROWS:
                    blobs.append(bytes(v))
                else:
                    blobs.append(bytes(k).replace(b"\x00", b".").rsplit(b".", 1)[-1])
        out[name] = blobs
    return out


def keripy_result(judge, entry, stream):
    events_t, receipts_t = event_tables(judge)
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink):
        db, kvy, notes = judge.run_keripy(stream, "df_" + entry["name"])
    try:
        blobs = table_blobs(judge, db)
        metas = [m for m in entry["meta"] if not m["garbage"]]
        accepted, receipts, vrcs, escrowed, rct_escrowed = set(), {}, {}, {}, set()
        for m in metas:
            pre, said = m["prefix"], m["said"]
            if not (pre and said):
                continue
            if m["ilk"] == "rct":
                if any(said.encode() in b for t in receipts_t for b in blobs.get(t, ())):
                    rct_escrowed.add(said)
                continue
            if db.fons.get(keys=(pre, said)) is not None:
                accepted.add((pre, said))
                receipts[said], vrcs[said] = judge.receipt_counts(db, pre, said)
            tables = sorted(t for t in events_t for b in blobs.get(t, ()) if said.encode() in b)
            if tables:
                escrowed.setdefault(said, {"prefix": pre, "said": said, "escrows": sorted(set(tables))})
        seen, verdicts = set(), []
        for m in metas:
            pre, said = m["prefix"] or "", m["said"] or ""
            if m["ilk"] == "rct":
                held = receipts.get(said, 0) + vrcs.get(said, 0)
                v = ("accepted" if (pre, said) in accepted and held > 0
                     else "escrowed" if said in rct_escrowed else "rejected")
            else:
                v = ("duplicate" if (pre, said) in accepted and said in seen
                     else "accepted" if (pre, said) in accepted
                     else "escrowed" if said in escrowed else "rejected")
                seen.add(said)
            verdicts.append(v)
        return {
            "states": judge.states(kvy),
            "accepted": sorted([p, s] for p, s in accepted),
            "escrowed": [escrowed[s] for s in sorted(escrowed)],
            "receipts_escrowed": sorted(rct_escrowed),
            "receipts": receipts,
            "vrcs": vrcs,
            "verdicts": verdicts,
            "notes": notes,
        }
    finally:
        db.close(clear=True)


def cmd_judge(folder):
    import lmdb  # noqa: PLC0415 - keripy's dependency, only this command needs it

    # keripy commits every write with an fsync: hundreds of throw-away databases then take minutes
    # of disk waits. Nothing here outlives the process, so the databases need not be durable.
    lmdb_open = lmdb.open
    lmdb.open = lambda *a, **kw: lmdb_open(*a, **{**kw, "sync": False, "metasync": False})
    sys.path.insert(0, HERE)
    import judge  # noqa: PLC0415 - needs keripy, only this command does

    with open(os.path.join(folder, "ours.json"), encoding="utf-8") as f:
        doc = json.load(f)
    start = time.monotonic()
    out = {"version": judge.VERSION, "seed": doc["seed"], "streams": {}}
    for entry in doc["streams"]:
        with open(os.path.join(folder, entry["name"] + ".cesr"), "rb") as f:
            stream = f.read()
        out["streams"][entry["name"]] = keripy_result(judge, entry, stream)
    path = os.path.join(folder, f"keripy_{judge.VERSION.replace('.', '_')}.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f)
    print(f"differential: keri {judge.VERSION} judged {len(doc['streams'])} streams in "
          f"{time.monotonic() - start:.1f} s -> {path}")
    return 0


# ---------------------------------------------------------------------------------------------
# compare (plain Python)

def escrow_said_set(result, accepted):
    """SAIDs of events waiting in an escrow that are not accepted."""
    return {e["said"] for e in result["escrowed"] if e["said"] not in accepted}


def differences(theirs, ours, *, verdicts=True):
    """Where keripy's result and ours differ: [(field, detail)]."""
    out = []
    t_states = {s["prefix"]: s for s in theirs["states"]}
    o_states = {s["prefix"]: s for s in ours["states"]}
    if set(t_states) != set(o_states):
        out.append(("identifiers", f"keripy {sorted(t_states)}, ours {sorted(o_states)}"))
    for pre in sorted(set(t_states) & set(o_states)):
        for field, value in t_states[pre].items():
            if o_states[pre].get(field) != value:
                out.append(("state." + field, f"{pre}: keripy {value}, ours {o_states[pre].get(field)}"))
    t_acc = {tuple(a) for a in theirs["accepted"]}
    o_acc = {tuple(a) for a in ours["accepted"]}
    if t_acc != o_acc:
        out.append(("accepted", f"keripy only {sorted(t_acc - o_acc)}, ours only {sorted(o_acc - t_acc)}"))
    t_said = {s for _, s in t_acc}
    o_said = {s for _, s in o_acc}
    t_esc, o_esc = escrow_said_set(theirs, t_said), escrow_said_set(ours, o_said)
    if t_esc != o_esc:
        t_tab = {e["said"]: e["escrows"] for e in theirs["escrowed"]}
        o_tab = {e["said"]: e["escrows"] for e in ours["escrowed"]}
        out.append(("escrowed", f"keripy {len(t_esc)} ours {len(o_esc)}: keripy only "
                    f"{[(s, t_tab[s]) for s in sorted(t_esc - o_esc)]}, ours only "
                    f"{[(s, o_tab[s]) for s in sorted(o_esc - t_esc)]}"))
    if theirs["receipts_escrowed"] != ours["receipts_escrowed"]:
        out.append(("receipts_escrowed", f"keripy {theirs['receipts_escrowed']}, ours {ours['receipts_escrowed']}"))
    for field in ("receipts", "vrcs"):
        for said in sorted(set(theirs[field]) & set(ours[field])):
            if theirs[field][said] != ours[field][said]:
                out.append((field, f"{said}: keripy {theirs[field][said]}, ours {ours[field][said]}"))
    if verdicts and theirs["verdicts"] != ours["verdicts"]:
        out.append(("verdicts", f"keripy {theirs['verdicts']}, ours {ours['verdicts']}"))
    return out


def restrict(entry, result, drop):
    """The result without the identifiers in `drop` (and their events, receipts and messages)."""
    prefix_of = {m["said"]: m["prefix"] for m in entry["meta"] if not m["garbage"] and m["ilk"] != "rct"}
    metas = [m for m in entry["meta"] if not m["garbage"]]
    keep = lambda said: prefix_of.get(said) not in drop  # noqa: E731
    return {
        "states": [s for s in result["states"] if s["prefix"] not in drop],
        "accepted": [a for a in result["accepted"] if a[0] not in drop],
        "escrowed": [e for e in result["escrowed"] if e["prefix"] not in drop],
        "receipts_escrowed": [s for s in result["receipts_escrowed"] if keep(s)],
        "receipts": {s: n for s, n in result["receipts"].items() if keep(s)},
        "vrcs": {s: n for s, n in result["vrcs"].items() if keep(s)},
        "verdicts": [v for m, v in zip(metas, result["verdicts"]) if m["prefix"] not in drop],
    }


def cut_position(entry, j):
    """Number of non-garbage messages before chunk j (the verdicts of the cut stream)."""
    return sum(1 for m in entry["meta"][:j] if not m["garbage"])


def only_copies_accepted(entry, theirs, j):
    """Every message from chunk j on that keripy accepted is a byte-for-byte copy of one before j."""
    metas = [(i, m) for i, m in enumerate(entry["meta"]) if not m["garbage"]]
    return all(v != "accepted" or i < j or (m["copy_of"] is not None and m["copy_of"] < j)
               for (i, m), v in zip(metas, theirs["verdicts"]))


# Each rule: (category, documentation, function(entry, theirs) -> bool). The first that holds
# names the stream's category; each rule must hold for the whole result, not one field.


def rule_flush(entry, theirs):
    """keripy's parser flushes the rest of a stream at an unreadable message (garbage, a body
    whose SAID does not verify, a truncated message); we drop only that message and go on, so the
    later events are lost in keripy but processed here (accepted, or escrowed out of order).
    Holds when keripy's whole result is ours on the stream cut before such a message, and every
    message from there on that keripy calls accepted is a copy of an earlier one."""
    for j, cut in sorted(entry["cuts"].items(), key=lambda kv: int(kv[0])):
        k = cut_position(entry, int(j))
        if differences(theirs, cut["result"], verdicts=False):
            continue
        if theirs["verdicts"][:k] != cut["result"]["verdicts"]:
            continue
        if not only_copies_accepted(entry, theirs, int(j)):
            continue
        return True
    return False


def rule_likely_duplicitous(entry, theirs, ours=None):
    """A rotation that does not verify against the key state at its place (a forged rotation,
    or one given another message's signatures) at or below the accepted sequence number:
    keripy leaves it in its likely-duplicitous escrow (`ldes`) where it stays until it times out;
    we reject it (scenario forged_rotation_reordered). Holds when the only difference is events
    that keripy holds in `ldes` only and we reject."""
    ours = ours if ours is not None else entry["ours"]
    t_tab = {e["said"]: e["escrows"] for e in theirs["escrowed"]}
    t_acc = {s for _, s in theirs["accepted"]}
    o_acc = {s for _, s in ours["accepted"]}
    extra = escrow_said_set(theirs, t_acc) - escrow_said_set(ours, o_acc)
    if not extra or any(t_tab[s] != ["ldes"] for s in extra):
        return False
    # Without those events in keripy's escrow, everything else must be the same.
    trimmed = dict(theirs)
    trimmed["escrowed"] = [e for e in theirs["escrowed"] if e["said"] not in extra]
    metas = [m for m in entry["meta"] if not m["garbage"]]
    trimmed["verdicts"] = [("rejected" if (m["said"] in extra and m["ilk"] != "rct" and v == "escrowed") else v)
                           for m, v in zip(metas, theirs["verdicts"])]
    return not differences(trimmed, ours)


def rule_flush_and_likely_duplicitous(entry, theirs):
    """Both of the above in one stream: keripy's result is ours on the stream cut before an
    unreadable message, except for events keripy holds in `ldes` only."""
    for j, cut in entry["cuts"].items():
        k = cut_position(entry, int(j))
        sub = dict(entry)
        sub["meta"] = entry["meta"][:int(j)]
        head = dict(theirs)
        head["verdicts"] = theirs["verdicts"][:k]
        if not only_copies_accepted(entry, theirs, int(j)):
            continue
        if rule_likely_duplicitous(sub, head, cut["result"]):
            return True
    return False


def rule_same_key_twice(entry, theirs):
    """An event whose controller signatures name one key index twice (codes `A` and `2A`):
    keripy counts both toward a numeric threshold and accepts it, we count the key once and hold
    it partially signed (scenario invalid_same_key_twice). Holds when keripy accepted every such
    event that we did not, and the results agree on every other identifier."""
    twice = [m for m in entry["meta"] if not m["garbage"] and m.get("same_index_twice") and m["ilk"] != "rct"]
    if not twice:
        return False
    t_acc = {tuple(a) for a in theirs["accepted"]}
    o_acc = {tuple(a) for a in entry["ours"]["accepted"]}
    drop = {m["prefix"] for m in twice if (m["prefix"], m["said"]) in t_acc - o_acc}
    if not drop:
        return False
    return not differences(restrict(entry, theirs, drop), restrict(entry, entry["ours"], drop))


RULES = [
    ("keripy flushes the stream after an unreadable message", rule_flush),
    ("forged/mis-signed rotation kept in keripy's likely-duplicitous escrow", rule_likely_duplicitous),
    ("both: flush + likely-duplicitous escrow", rule_flush_and_likely_duplicitous),
    ("one key's signature attached twice counts once here (kt not met)", rule_same_key_twice),
]


def classify(entry, theirs):
    diffs = differences(theirs, entry["ours"])
    if not diffs:
        return "same", diffs
    for name, rule in RULES:
        if rule(entry, theirs):
            return name, diffs
    return "UNEXPLAINED", diffs


def cmd_compare(folder, versions, show):
    with open(os.path.join(folder, "ours.json"), encoding="utf-8") as f:
        doc = json.load(f)
    failed = 0
    for version in versions:
        path = os.path.join(folder, f"keripy_{version.replace('.', '_')}.json")
        with open(path, encoding="utf-8") as f:
            theirs = json.load(f)
        counts, by_source, unexplained = Counter(), {}, []
        for entry in doc["streams"]:
            cat, diffs = classify(entry, theirs["streams"][entry["name"]])
            counts[cat] += 1
            by_source.setdefault(cat, Counter())[entry["source"]] += 1
            if cat == "UNEXPLAINED":
                unexplained.append((entry, diffs))
        print(f"\nkeri {version} vs DKMS: {len(doc['streams'])} mutated streams (seed {doc['seed']})")
        width = max(len(c) for c in counts)
        for cat, n in sorted(counts.items(), key=lambda kv: (kv[0] == "same", -kv[1])):
            print(f"  {cat:<{width}}  {n:5}")
        for entry, diffs in unexplained[:show]:
            print(f"\n  UNEXPLAINED {entry['name']}.cesr (from {entry['source']}: {'; '.join(entry['mutations'])})")
            print(f"    keripy verdicts: {theirs['streams'][entry['name']]['verdicts']}")
            print(f"    our verdicts:    {entry['ours']['verdicts']}")
            print(f"    our errors: {[(e['offset'], e['kind'], e['error']) for e in entry['ours']['report']['errors']]}")
            for field, detail in diffs:
                print(f"    {field}: {detail}")
        failed += len(unexplained)
    if failed:
        print(f"\ndifferential: {failed} streams differ from keripy in a way no documented rule explains")
        return 1
    print("\ndifferential: every difference is explained by a documented rule")
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    sub = ap.add_subparsers(dest="cmd", required=True)
    j = sub.add_parser("judge", help="keripy's result on every stream (run with a keripy venv's Python)")
    j.add_argument("dir")
    c = sub.add_parser("compare", help="compare keripy's results with ours (any Python)")
    c.add_argument("dir")
    c.add_argument("--versions", default="1.1.17,1.3.6")
    c.add_argument("--show", type=int, default=10, help="unexplained streams to print in detail")
    args = ap.parse_args(argv)
    if args.cmd == "judge":
        return cmd_judge(args.dir)
    return cmd_compare(args.dir, args.versions.split(","), args.show)


if __name__ == "__main__":
    sys.exit(main())
