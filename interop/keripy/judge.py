"""
keripy's verdict on a CESR stream, for any supported keripy version (1.1.17 and 1.3.6).

Used by scenarios.py (generation, keri 1.1.17), rejudge.py (the committed streams judged again by
another keripy version) and check_ours.py (our KELs judged by keripy). Only keripy's public
objects are used: basing.Baser, eventing.Kevery, parsing.Parser, the Kever key states and the
database's escrow and receipt tables. Where those differ between versions, VERSION switches.

keripy's verdict: the whole stream goes through one Parser(kvy=Kevery(db, lax=True)) (promiscuous:
no own identifiers), then Kevery.processEscrows() is called until nothing changes (at most 8 times),
then the key state is read from every Kever. A message is "accepted" when its event is in the
first-seen log (receipts: when the receipted event is accepted and holds at least one of the
receipt's signatures), "escrowed" when its SAID is still in one of keripy's escrows, else "rejected";
a message accepted earlier in the same stream is a "duplicate".
"""

import datetime
import json

import lmdb

import keri
from keri.core import eventing, parsing
from keri.db import basing, dbing
from keri.help import helping

VERSION = keri.__version__
SUPPORTED = ("1.1.17", "1.3.6")
assert VERSION in SUPPORTED, f"keri {VERSION} is not one of {SUPPORTED}"


class FakeClock:
    """Replaces helping.nowUTC: a fixed instant, +1 s per call (escrow timeouts never fire)."""

    def __init__(self):
        self.base = datetime.datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=datetime.timezone.utc)
        self.ticks = 0

    def __call__(self):
        self.ticks += 1
        return self.base + datetime.timedelta(seconds=self.ticks)


CLOCK = FakeClock()
helping.nowUTC = CLOCK


class Msg:
    """One message of a scenario: its bytes and what identifies it for the verdict."""

    def __init__(self, raw, serder=None, *, ilk=None, pre=None, said=None, sn=None, rct_of=None,
                 garbage=False, sigs=None):
        self.raw = bytes(raw)
        self.ilk = ilk if ilk is not None else (serder.ilk if serder is not None else None)
        self.pre = pre if pre is not None else (serder.pre if serder is not None else None)
        self.said = said if said is not None else (serder.said if serder is not None else None)
        self.sn = sn if sn is not None else (serder.sn if serder is not None else None)
        self.rct_of = rct_of
        self.garbage = garbage
        # receipts: the qb64 of every signature the message carries (witness indexed signatures,
        # non-transferable couples' signatures, transferable group signatures, controller signatures)
        self.sigs = list(sigs) if sigs else []

    def meta(self):
        """What rejudge.py needs to judge this message again (stored in the scenario JSON)."""
        m = {"ilk": self.ilk, "prefix": self.pre, "said": self.said, "sn": self.sn,
             "rct_of": self.rct_of, "garbage": self.garbage}
        if self.sigs:
            m["sigs"] = self.sigs
        return m

    @classmethod
    def from_meta(cls, m):
        return cls(b"", ilk=m["ilk"], pre=m["prefix"], said=m["said"], sn=m["sn"], rct_of=m["rct_of"],
                   garbage=m["garbage"], sigs=m.get("sigs"))


# Escrows whose values hold the escrowed event's SAID (receipt escrows: the receipted SAID).
# Escrows keyed by (prefix, SAID), whose values are whole events (which name the prefix too).
if VERSION == "1.1.17":
    VALUE_ESCROWS = ("ooes", "pses", "pwes", "ldes", "uwes", "ures", "vres", "qnfs")
    KEY_ESCROWS = ("pdes", "dpwe", "dune", "dpub")
else:
    # 1.3.6: pdes is keyed by (prefix, sn) with the SAID as value; misfit and delegable escrows are new.
    VALUE_ESCROWS = ("ooes", "pses", "pwes", "ldes", "uwes", "ures", "vres", "qnfs", "pdes", "misfits",
                     "delegables")
    KEY_ESCROWS = ("dpwe", "dune", "dpub")


def escrow_blobs(db):
    """What keripy's escrows hold: the values of VALUE_ESCROWS, and the SAID part of the keys of
    KEY_ESCROWS (never a prefix: an inception's SAID equals its prefix, which keys other escrows)."""
    out = []
    for name in VALUE_ESCROWS + KEY_ESCROWS:
        h = getattr(db, name, None)
        if h is None:
            continue
        sdb = getattr(h, "sdb", h)
        if not isinstance(sdb, lmdb._Database):
            continue
        with db.env.begin(db=sdb, write=False) as txn:
            for k, v in txn.cursor().iternext(keys=True, values=True):
                if name in VALUE_ESCROWS:
                    out.append(bytes(v))
                else:
                    out.append(bytes(k).replace(b"\x00", b".").rsplit(b".", 1)[-1])
    return out


def escrow_counts(db):
    """Entries per escrow table (only the non-empty ones)."""
    out = {}
    for name in VALUE_ESCROWS + KEY_ESCROWS:
        h = getattr(db, name, None)
        sdb = getattr(h, "sdb", h)
        if h is None or not isinstance(sdb, lmdb._Database):
            continue
        with db.env.begin(db=sdb, write=False) as txn:
            n = txn.stat(sdb)["entries"]
        if n:
            out[name] = n
    return out


def snapshot(db, kvy):
    return (tuple(escrow_blobs(db)),
            tuple(sorted((p, k.sn, k.serder.said) for p, k in kvy.kevers.items())))


def run_keripy(stream, name):
    """The stream through one Parser + Kevery, then the escrows until nothing changes.
    Returns (db, kvy, notes): notes are what keripy's parser said when it stopped early."""
    db = basing.Baser(name="sc_" + name, temp=True, reopen=True)
    notes = []
    try:
        kvy = eventing.Kevery(db=db, lax=True)
        parser = parsing.Parser(kvy=kvy)
        ims = bytearray(stream)
        # Parser.parse() waits forever on a truncated message (it yields until more bytes come):
        # drive its generator ourselves and stop when it makes no progress.
        gen = parser.allParsator(ims=ims, framed=True, pipeline=False, kvy=kvy)
        last, stalls = len(ims), 0
        try:
            while stalls < 50:
                next(gen)
                stalls = stalls + 1 if len(ims) == last else 0
                last = len(ims)
        except StopIteration:
            pass
        except Exception as ex:  # noqa: BLE001 - a parser that stops is a verdict too
            notes.append(f"parser stopped: {type(ex).__name__}: {ex}")
        if ims:
            notes.append(f"left {len(ims)} bytes unparsed")
        for n in notes:
            print(f"  {name}: keripy {VERSION} {n}")
        before = snapshot(db, kvy)
        for _ in range(8):
            kvy.processEscrows()
            after = snapshot(db, kvy)
            if after == before:
                break
            before = after
        return db, kvy, notes
    except Exception:
        db.close(clear=True)
        raise


def receipt_counts(db, pre, said):
    """(witness/non-transferable receipt signatures, transferable validator receipts) stored for
    the event (pre, said): len(wigs) + len(rcts), len(vrcs)."""
    key = dbing.dgKey(pre.encode(), said.encode())
    return len(db.getWigs(key)) + len(db.getRcts(key)), len(db.getVrcs(key))


def verdicts(db, msgs):
    blobs = escrow_blobs(db)
    seen = set()
    out = []
    for m in msgs:
        if m.garbage:
            continue
        said = (m.said or "").encode()
        if m.ilk == "rct":
            target = m.rct_of.encode()
            fn = db.fons.get(keys=(m.pre, m.rct_of)) if m.pre else None
            stored = sum(receipt_counts(db, m.pre, m.rct_of)) if fn is not None else 0
            # the same receipt twice is a duplicate (re-judged messages have no bytes: their signatures)
            key = ("rct", m.raw) if m.raw else ("rct", m.rct_of, tuple(m.sigs))
            if fn is not None and stored > 0:
                v = "duplicate" if key in seen else "accepted"
            elif any(target in b for b in blobs):
                v = "escrowed"
            else:
                v = "rejected"
            seen.add(key)
        else:
            fn = db.fons.get(keys=(m.pre, m.said)) if (m.pre and m.said) else None
            key = ("ev", m.said)
            if fn is not None:
                v = "duplicate" if key in seen else "accepted"
            elif said and any(said in b for b in blobs):
                v = "escrowed"
            else:
                v = "rejected"
            seen.add(key)
        out.append(v)
    return out


def sith(tholder):
    s = tholder.sith
    if isinstance(s, str):
        return s
    return json.loads(json.dumps(s))


def states(kvy):
    out = []
    for pre in sorted(kvy.kevers):
        k = kvy.kevers[pre]
        cnfg = []
        if k.estOnly:
            cnfg.append("EO")
        if k.doNotDelegate:
            cnfg.append("DND")
        out.append({
            "prefix": pre,
            "sn": k.sn,
            "said": k.serder.said,
            "keys": [v.qb64 for v in k.verfers],
            "next": [d.qb64 for d in k.ndigers],
            "kt": sith(k.tholder),
            "nt": sith(k.ntholder) if k.ntholder else "0",
            "toad": k.toader.num,
            "witnesses": list(k.wits),
            "delegator": getattr(k, "delegator", None) or getattr(k, "delpre", None) or None,  # 1.3.6: delpre
            "config": cnfg,
            "last_est": {"sn": k.lastEst.s, "said": k.lastEst.d},
        })
    return out


def expected(vs):
    return {
        "accepted": vs.count("accepted"),
        "escrowed_at_end": vs.count("escrowed"),
        "rejected": vs.count("rejected"),
        "duplicates": vs.count("duplicate"),
    }


def events_of(msgs):
    """(prefix, SAID) of every key event message, in stream order, without repeats."""
    out = []
    for m in msgs:
        if m.garbage or m.ilk == "rct" or not (m.pre and m.said):
            continue
        if (m.pre, m.said) not in out:
            out.append((m.pre, m.said))
    return out


def details(db, msgs, wanted):
    """Extra per-event facts a scenario asks for (`wanted` names them):
    "receipts": {said: witness receipt signatures stored}, "trans_receipts": {said: vrcs entries},
    "source_seals": {said: the -G couple keripy stored for a delegated event (db.aess), as text},
    "exports": {said: the attachments of keripy's export clone of the event (db.cloneEvtMsg)}."""
    out = {}
    evs = events_of(msgs)
    if "receipts" in wanted or "trans_receipts" in wanted:
        if "receipts" in wanted:
            out["receipts"] = {s: receipt_counts(db, p, s)[0] for p, s in evs}
        # for every receipt message (in stream order): how many of the signatures it carries
        # keripy stored for the receipted event (wigs, rcts, vrcs)
        per = []
        for m in msgs:
            if m.ilk != "rct" or m.garbage:
                continue
            key = dbing.dgKey(m.pre.encode(), m.rct_of.encode())
            held = b"".join(bytes(v) for v in db.getWigs(key) + db.getRcts(key) + db.getVrcs(key))
            # matched by the signature body (the last 86 characters of a 64-byte signature's qb64):
            # keripy stores a witness's non-transferable couple as an indexed witness signature
            per.append({"receipted": m.rct_of, "carried": len(m.sigs),
                        "stored": sum(1 for s in m.sigs if s[-86:].encode() in held)})
        out["receipt_sigs_stored"] = per
    if "trans_receipts" in wanted:
        out["trans_receipts"] = {s: receipt_counts(db, p, s)[1] for p, s in evs}
    if "source_seals" in wanted:
        seals = {}
        for p, s in evs:
            raw = db.getAes(dbing.dgKey(p.encode(), s.encode()))
            if raw is not None:
                seals[s] = "-GAB" + bytes(raw).decode()
        out["source_seals"] = seals
    if "exports" in wanted:
        # keripy's clone of each accepted event as `kli kel export` writes it: the attachments after
        # the body (-A signatures, -G source couple, -E first-seen replay couple, …)
        exports = {}
        for p, s in evs:
            fn = db.fons.get(keys=(p, s))
            if fn is None:
                continue
            raw = bytes(db.cloneEvtMsg(pre=p.encode(), fn=int(fn.sn), dig=s.encode()))
            body = bytes(db.getEvt(dbing.dgKey(p.encode(), s.encode())))
            exports[s] = raw[len(body):].decode()
        out["exports"] = exports
    return out


def judge(stream, msgs, name, wanted=()):
    """keripy's whole verdict on a stream, as stored in the scenario JSON."""
    db, kvy, notes = run_keripy(stream, name)
    try:
        vs = verdicts(db, msgs)
        return {"verdicts": vs, "expected": expected(vs), "states": states(kvy),
                "details": details(db, msgs, wanted), "notes": notes, "escrows": escrow_counts(db)}
    finally:
        db.close(clear=True)
