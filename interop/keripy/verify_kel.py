"""Feed a CESR stream (e.g. from `keri kel export`) to keripy (1.1.17 or 1.3.6) and print its verdict.

Usage:  python verify_kel.py STREAM_FILE        (STREAM_FILE may be `-` for stdin)

A fresh temporary keripy database, a Parser and a Kevery (as in event_vectors.py) process
the whole stream, then the escrows once more. Printed on stdout, one JSON object:

  {"keripy": "1.1.17",               # the keri version that judged (1.3.6 under its venv)
   "events": n,                      # key events keripy logged (first-seen, all prefixes)
   "escrows": {"ooes": n, "pses": n, "pwes": n, "pdes": n, "ldes": n, "uwes": n},
   "identifiers": [{"prefix", "sn", "digest", "keys", "next", "kt", "nt", "toad",
                    "witnesses", "delegator", "config", "last_est": {"sn", "digest"}}]}

kt / nt are as in the event (hex string or list of weights); sn and toad are integers.
Exit status 0 when keripy accepted at least one identifier and left nothing in escrow.
"""

import json
import sys

import keri
from keri.core import eventing, parsing, routing
from keri.db import basing


def entries(db, dbi):
    dbi = getattr(dbi, "sdb", dbi)  # keri 1.3.6: some escrows are Subers over an lmdb database
    with db.env.begin(db=dbi) as txn:
        return txn.stat(dbi)["entries"]


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    path = sys.argv[1]
    stream = sys.stdin.buffer.read() if path == "-" else open(path, "rb").read()

    db = basing.Baser(name="verify_kel", temp=True, reopen=True)
    try:
        rtr = routing.Router()
        rvy = routing.Revery(db=db, rtr=rtr)
        kvy = eventing.Kevery(db=db, lax=True, rvy=rvy)
        kvy.registerReplyRoutes(rtr)
        parser = parsing.Parser(kvy=kvy, rvy=rvy)
        parser.parse(ims=bytearray(stream))
        kvy.processEscrows()

        idents = []
        events = 0
        for pre, kever in sorted(kvy.kevers.items()):
            ksr = kever.state()
            events += sum(1 for _ in db.clonePreIter(pre))
            idents.append({
                "prefix": ksr.i,
                "sn": int(ksr.s, 16),
                "digest": ksr.d,
                "keys": list(ksr.k),
                "next": list(ksr.n),
                "kt": ksr.kt,
                "nt": ksr.nt,
                "toad": int(ksr.bt, 16),
                "witnesses": list(ksr.b),
                "delegator": ksr.di or None,
                "config": list(ksr.c),
                "last_est": {"sn": int(ksr.ee.s, 16), "digest": ksr.ee.d},
            })
        escrows = {n: entries(db, getattr(db, n)) for n in ("ooes", "pses", "pwes", "pdes", "ldes", "uwes")}
        print(json.dumps({"keripy": keri.__version__, "events": events, "escrows": escrows,
                          "identifiers": idents}))
        ok = bool(idents) and not any(escrows.values())
        return 0 if ok else 1
    finally:
        db.close(clear=True)


if __name__ == "__main__":
    sys.exit(main())
