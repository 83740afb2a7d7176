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


def run_eager(judge, entry, stream):
    """keripy fed one message at a time, with processEscrows() after each until nothing changes
    (as a keripy node whose Kevery runs its escrows between messages; judge.run_keripy runs them
    once the whole stream is parsed)."""
    from keri.core import eventing, parsing
    from keri.db import basing

    db = basing.Baser(name="dfe_" + entry["name"], temp=True, reopen=True)
    kvy = eventing.Kevery(db=db, lax=True)
    parser = parsing.Parser(kvy=kvy)
    ims = bytearray()
    gen = parser.allParsator(ims=ims, framed=True, pipeline=False, kvy=kvy)
    at, notes = 0, []
    try:
        for m in entry["meta"]:
            ims.extend(stream[at:at + m["len"]])
            at += m["len"]
            last, stalls = len(ims), 0
            while ims and stalls < 50:
                next(gen)
                stalls = stalls + 1 if len(ims) == last else 0
                last = len(ims)
            before = judge.snapshot(db, kvy)
            for _ in range(8):
                kvy.processEscrows()
                after = judge.snapshot(db, kvy)
                if after == before:
                    break
                before = after
    except StopIteration:
        notes.append("parser stopped")
    except Exception as ex:  # noqa: BLE001 - a parser that stops is a verdict too
        notes.append(f"parser stopped: {type(ex).__name__}: {ex}")
    return db, kvy, notes


def keripy_result(judge, entry, stream, eager=False):
    events_t, receipts_t = event_tables(judge)
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink):
        if eager:
            db, kvy, notes = run_eager(judge, entry, stream)
        else:
            db, kvy, notes = judge.run_keripy(stream, "df_" + entry["name"])
    try:
        blobs = table_blobs(judge, db)
        metas = [m for m in entry["meta"] if not m["garbage"]]
        accepted, receipts, vrcs, escrowed, rct_escrowed, held = set(), {}, {}, {}, set(), {}
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
                held[said] = judge.receipt_counts(db, pre, said)[0]
                escrowed.setdefault(said, {"prefix": pre, "said": said, "escrows": sorted(set(tables))})
        seen, verdicts = set(), []
        for m in metas:
            pre, said = m["prefix"] or "", m["said"] or ""
            if m["ilk"] == "rct":
                stored = receipts.get(said, 0) + vrcs.get(said, 0)
                v = ("accepted" if (pre, said) in accepted and stored > 0
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
            "held": held,
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
        result = keripy_result(judge, entry, stream)
        # keripy again with its escrows run after each message, where the verdicts differ
        # (rule EAGER of `compare`)
        result["eager"] = (keripy_result(judge, entry, stream, eager=True)
                           if differences(result, entry["ours"]) else None)
        out["streams"][entry["name"]] = result
    path = os.path.join(folder, f"keripy_{judge.VERSION.replace('.', '_')}.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f)
    print(f"differential: keri {judge.VERSION} judged {len(doc['streams'])} streams in "
          f"{time.monotonic() - start:.1f} s -> {path}")
    return 0


# ---------------------------------------------------------------------------------------------
# compare (plain Python)

def escrow_said_set(result):
    """SAIDs of events waiting in an escrow that are not accepted."""
    accepted = {s for _, s in result["accepted"]}
    return {e["said"] for e in result["escrowed"] if e["said"] not in accepted}


def differences(theirs, ours):
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
    t_esc, o_esc = escrow_said_set(theirs), escrow_said_set(ours)
    if t_esc != o_esc:
        t_tab = {e["said"]: e["escrows"] for e in theirs["escrowed"]}
        o_tab = {e["said"]: e["escrows"] for e in ours["escrowed"]}
        out.append(("escrowed events", f"keripy {len(t_esc)} ours {len(o_esc)}: keripy only "
                    f"{[(s, t_tab[s]) for s in sorted(t_esc - o_esc)]}, ours only "
                    f"{[(s, o_tab[s]) for s in sorted(o_esc - t_esc)]}"))
    if sorted(theirs["receipts_escrowed"]) != sorted(ours["receipts_escrowed"]):
        out.append(("escrowed receipts (receipted SAIDs)",
                    f"keripy {theirs['receipts_escrowed']}, ours {ours['receipts_escrowed']}"))
    for field in ("receipts", "vrcs"):
        for said in sorted(set(theirs[field]) & set(ours[field])):
            if theirs[field][said] != ours[field][said]:
                out.append((field, f"{said}: keripy {theirs[field][said]}, ours {ours[field][said]}"))
    if theirs["verdicts"] != ours["verdicts"]:
        out.append(("verdicts", f"keripy {theirs['verdicts']}, ours {ours['verdicts']}"))
    return out


def messages(entry, result):
    """The non-garbage messages a result's verdicts are about, with their verdicts."""
    metas = [m for m in entry["meta"] if not m["garbage"]]
    return list(zip(metas, result["verdicts"]))


def restrict(entry, result, drop):
    """The result without the identifiers in `drop` (and their events, receipts and messages)."""
    prefix_of = {m["said"]: m["prefix"] for m in entry["meta"] if not m["garbage"] and m["ilk"] != "rct"}
    keep = lambda said: prefix_of.get(said) not in drop  # noqa: E731
    return dict(result, **{
        "states": [s for s in result["states"] if s["prefix"] not in drop],
        "accepted": [a for a in result["accepted"] if a[0] not in drop],
        "escrowed": [e for e in result["escrowed"] if e["prefix"] not in drop],
        "receipts_escrowed": [s for s in result["receipts_escrowed"] if keep(s)],
        "receipts": {s: n for s, n in result["receipts"].items() if keep(s)},
        "vrcs": {s: n for s, n in result["vrcs"].items() if keep(s)},
        "verdicts": [v for m, v in messages(entry, result) if m["prefix"] not in drop],
    })


# Documented differences (docs/interop.md, "Differential harness"). Each is a function
# (entry, theirs, ours) -> (theirs, ours, applied): when its precondition holds on the streams'
# results it removes exactly the difference it explains; `compare` calls a stream explained when
# no difference is left after the rules that applied.


def rule_likely_duplicitous(entry, theirs, ours):
    """An event that does not verify against the key state at a sequence number keripy has already
    accepted (a forged rotation, one given another message's signatures): keripy leaves it in its
    likely-duplicitous escrow (`ldes`) until it times out; we reject it (scenario
    forged_rotation_reordered). Precondition: keripy holds it in `ldes` only, we neither accepted
    nor hold it."""
    t_tab = {e["said"]: e["escrows"] for e in theirs["escrowed"]}
    o_all = {s for _, s in ours["accepted"]} | {e["said"] for e in ours["escrowed"]}
    extra = {s for s in escrow_said_set(theirs) if t_tab[s] == ["ldes"] and s not in o_all}
    if not extra:
        return theirs, ours, False
    theirs = dict(theirs, escrowed=[e for e in theirs["escrowed"] if e["said"] not in extra],
                  verdicts=[("rejected" if m["ilk"] != "rct" and m["said"] in extra and v == "escrowed" else v)
                            for m, v in messages(entry, theirs)])
    return theirs, ours, True


def rule_dnd_early(entry, theirs, ours):
    """A delegated inception naming a delegator whose inception says `DND`, before the
    delegator's anchoring event: keripy escrows it for the delegator's approval (`pdes`, with its
    signatures in `pses`) and would reject it when the anchor arrives; we reject it at once,
    since no anchor can make it valid. Precondition: keripy holds it in delegation or
    partially-signed escrows only, and we rejected that message for the DND rule."""
    dnd = {m["said"] for m in entry["meta"]
           if not m["garbage"] and "does not delegate (DND)" in (m.get("our_error") or "")}
    t_tab = {e["said"]: e["escrows"] for e in theirs["escrowed"]}
    extra = {s for s in escrow_said_set(theirs) - escrow_said_set(ours)
             if s in dnd and set(t_tab[s]) <= {"pdes", "pses", "dpwe", "dune", "dpub", "delegables"}}
    if not extra:
        return theirs, ours, False
    theirs = dict(theirs, escrowed=[e for e in theirs["escrowed"] if e["said"] not in extra],
                  verdicts=[("rejected" if m["ilk"] != "rct" and m["said"] in extra and v == "escrowed" else v)
                            for m, v in messages(entry, theirs)])
    return theirs, ours, True


def rule_same_key_twice(entry, theirs, ours):
    """An event whose controller signatures name one key index twice (codes `A` and `2A`):
    keripy counts both toward a numeric threshold and accepts it, we count the key once and hold
    it partially signed (scenario invalid_same_key_twice). Precondition: keripy accepted such an
    event and we did not; the identifiers of those events are then left out of the comparison."""
    t_acc = {tuple(a) for a in theirs["accepted"]}
    o_acc = {tuple(a) for a in ours["accepted"]}
    drop = {m["prefix"] for m in entry["meta"]
            if not m["garbage"] and m.get("same_index_twice") and m["ilk"] != "rct"
            and (m["prefix"], m["said"]) in t_acc - o_acc}
    if not drop:
        return theirs, ours, False
    return restrict(entry, theirs, drop), restrict(entry, ours, drop), True


def rule_receipts_held_by_escrowed_event(entry, theirs, ours):
    """Receipts of an event that is escrowed (e.g. partially witnessed) on both sides: keripy
    verifies them against the escrowed event at once, keeps the valid witness signatures on it
    (`wigs`) and drops the receipt from its receipt escrows (`uwes`, `ures`), so judge.py calls
    such a receipt rejected; we keep each receipt in its own unverified-receipt entry and verify
    it when the event is accepted. Precondition: the receipted event is escrowed, not accepted,
    on both sides; only those receipts' verdicts and receipt-escrow entries are set aside."""
    held = escrow_said_set(theirs) & escrow_said_set(ours)
    msgs_t, msgs_o = messages(entry, theirs), messages(entry, ours)
    if not any(m["ilk"] == "rct" and m["said"] in held and vt != vo
               for (m, vt), (_, vo) in zip(msgs_t, msgs_o)) and \
            not held & (set(theirs["receipts_escrowed"]) ^ set(ours["receipts_escrowed"])):
        return theirs, ours, False
    fix = lambda r: dict(r, receipts_escrowed=[s for s in r["receipts_escrowed"] if s not in held],  # noqa: E731
                         verdicts=[("escrowed" if m["ilk"] == "rct" and m["said"] in held else v)
                                   for m, v in messages(entry, r)])
    return fix(theirs), fix(ours), True


def rule_not_transferable(entry, theirs, ours):
    """An interaction or rotation of a non-transferable (basic-prefix) identifier before its
    inception: keripy escrows it out of order (`ooes`; its Kever would drop it once the
    inception is there); we refuse it when parsing, as the prefix code already says the
    identifier cannot have later events (docs/interop.md, basic prefixes). Precondition: keripy
    holds it in `ooes` only and we rejected that message for this rule."""
    refused = {m["said"] for m in entry["meta"]
               if not m["garbage"] and "non-transferable identifier has no" in (m.get("our_error") or "")}
    t_tab = {e["said"]: e["escrows"] for e in theirs["escrowed"]}
    extra = {s for s in escrow_said_set(theirs) - escrow_said_set(ours) if s in refused and t_tab[s] == ["ooes"]}
    if not extra:
        return theirs, ours, False
    theirs = dict(theirs, escrowed=[e for e in theirs["escrowed"] if e["said"] not in extra],
                  verdicts=[("rejected" if m["ilk"] != "rct" and m["said"] in extra and v == "escrowed" else v)
                            for m, v in messages(entry, theirs)])
    return theirs, ours, True


def rule_unsigned_receipt(entry, theirs, ours):
    """An `rct` that carries no receipt signature at all (only groups a receipt does not use,
    e.g. the controller's `-A`) for an event not accepted yet: keripy's escrowUReceipt stores one
    entry per signature, so nothing of it waits; we keep the message in the unverified-receipt
    escrow until its event is accepted or it expires. Precondition: the rct message carries no
    `-B`/`-C`/`-D`/`-F` group (meta receipt_sigs = 0), and that is the only difference."""
    empty = {m["said"] for m in entry["meta"] if not m["garbage"] and m["ilk"] == "rct" and m.get("receipt_sigs") == 0}
    signed = {m["said"] for m in entry["meta"] if not m["garbage"] and m["ilk"] == "rct" and m.get("receipt_sigs")}
    only_empty = empty - signed - set(theirs["receipts_escrowed"])
    extra = [s for s in ours["receipts_escrowed"] if s in only_empty]
    if not extra:
        return theirs, ours, False
    ours = dict(ours, receipts_escrowed=[s for s in ours["receipts_escrowed"] if s not in extra],
                verdicts=[("rejected" if m["ilk"] == "rct" and m["said"] in extra and v == "escrowed"
                           and m.get("receipt_sigs") == 0 else v) for m, v in messages(entry, ours)])
    return theirs, ours, True


def rule_stale_receipt_escrow(entry, theirs, ours):
    """A witness receipt that arrived before its event, when the event is then accepted without
    it (e.g. its witness index is beyond the list, scenario receipt_index_out_of_range_early):
    keripy's `processEscrowUnverWitness` looks for the event only in its partially-witnessed
    escrow, so the receipt stays in `uwes` until it times out; we apply it to the accepted event
    (skipping what does not count) and it leaves our escrow. Precondition: the receipted event is
    accepted on both sides (the receipts stored for it are compared as usual)."""
    accepted = {s for _, s in theirs["accepted"]} & {s for _, s in ours["accepted"]}
    stale = [s for s in theirs["receipts_escrowed"] if s in accepted and s not in ours["receipts_escrowed"]]
    if not stale:
        return theirs, ours, False
    return dict(theirs, receipts_escrowed=[s for s in theirs["receipts_escrowed"] if s not in stale]), ours, True


RULES = [
    ("one key's signature twice counts once here", rule_same_key_twice),
    ("keripy keeps a mis-signed event in ldes", rule_likely_duplicitous),
    ("DND delegator: rejected here, escrowed in keripy", rule_dnd_early),
    ("keripy moves receipts onto the escrowed event", rule_receipts_held_by_escrowed_event),
    ("keripy leaves a used receipt in uwes", rule_stale_receipt_escrow),
    ("non-transferable ixn/rot: refused here, ooes in keripy", rule_not_transferable),
    ("rct without receipt signatures waits here", rule_unsigned_receipt),
]
EAGER = "escrow timing: keripy with processEscrows after each message agrees"
FLUSH = "keripy flushes the stream at an unreadable message"


def cut_view(entry, theirs, j):
    """keripy's result for comparison with ours on the stream cut before chunk j: its verdicts on
    the messages before j, provided nothing from j on counted in keripy (each later message is
    rejected, or names an event or receipt that a message before j named too)."""
    before = [m for m in entry["meta"][:j] if not m["garbage"]]
    named = {m["said"] for m in before}
    k = len(before)
    tail = messages(entry, theirs)[k:]
    if any(v != "rejected" and m["said"] not in named for m, v in tail):
        return None
    return dict(theirs, verdicts=theirs["verdicts"][:k])


def classify(entry, theirs):
    """(category, differences left unexplained)."""
    full = differences(theirs, entry["ours"])
    if not full:
        return "same", []
    candidates = [([], theirs, entry["ours"])]
    for j, cut in sorted(entry["cuts"].items(), key=lambda kv: int(kv[0])):
        view = cut_view(entry, theirs, int(j))
        if view is not None:
            candidates.append(([FLUSH], view, cut["result"]))
    # only for streams we read whole: fed one message at a time, keripy's parser no longer
    # flushes the rest of the stream, which is the first rule's business
    if theirs.get("eager") is not None and not entry["cuts"]:
        candidates.append(([EAGER], theirs["eager"], entry["ours"]))
    for applied, t, o in candidates:
        applied = list(applied)
        for name, rule in RULES:
            t, o, did = rule(entry, t, o)
            if did:
                applied.append(name)
        if applied and not differences(t, o):
            return " + ".join(applied), []
    return "UNEXPLAINED", full


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
