#!/usr/bin/env python3
"""Time keripy's own ingest of a KEL stream: Parser -> Kevery into a fresh temporary database.

Usage:

    python keripy_ingest.py STREAM.cesr [--runs N] [--expect-sn SN] [--nosync] [--json]

Each run opens a new temporary keripy database (`Baser(temp=True)`, LMDB under /tmp), builds a
`Kevery` (lax=True, as interop/keripy/kel_bench.py does) and a `Parser` over it, and times
`parser.parse(ims=bytearray(stream))`: CESR parsing, strict event checks, SAID checks,
Ed25519 verification (libsodium through pysodium) and the LMDB writes of every accepted event.
Opening and deleting the database is outside the timed span.

keripy commits every database write in its own LMDB transaction, and LMDB syncs each commit to
disk: on a disk with a few hundred syncs per second that, not the CPU, sets keripy's pace.
`--nosync` opens the LMDB environment with `sync=False, metasync=False` (the only change: a
wrapper around `lmdb.open` passing those two arguments), which shows the CPU-bound figure.

After each run every identifier's key state must have reached `--expect-sn` (default, for a
single-identifier stream: the number of events minus one, counted by keripy's own parse), with
nothing left in the out-of-order or partial-signature escrows. With `--json`, every
identifier's final state is printed as `state PREFIX SN SAID` lines before the JSON object (the
harness compares them with the stream's last event of each identifier).

Printed: one line per run and a summary (best, median, events/s, MB/s, peak RSS). With
`--json`, a single JSON object instead, which `benches/peers` (the Rust harness) reads when it
runs this script as one child process per measurement. Peak RSS is the process's
`ru_maxrss` (resource.getrusage, KiB on Linux): the interpreter, keripy and its imports
included; `rss_after_import_kib` gives the part that is there before any stream is read.
"""

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import sys
import time


def vm_kib(field):
    """A `VmXXX:` figure of /proc/self/status, in KiB (None off Linux)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


RSS_BEFORE_IMPORT = vm_kib("VmRSS")

import keri  # noqa: E402  (measured above: RSS before keripy is imported)
from keri.core import eventing, parsing  # noqa: E402
from keri.db import basing  # noqa: E402

RSS_AFTER_IMPORT = vm_kib("VmRSS")


def no_sync():
    """Make every LMDB environment keripy opens from now on skip the sync at commit."""
    import lmdb

    real_open = lmdb.open

    def open_nosync(path, **kwargs):
        kwargs.setdefault("sync", False)
        kwargs.setdefault("metasync", False)
        return real_open(path, **kwargs)

    lmdb.open = open_nosync


def cpu_seconds():
    """User + system CPU time of this process so far."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def temp_head(path):
    """The `keri_lmdb_*` directory keripy made under its temporary head directory for `path`."""
    path = os.path.abspath(path)
    while os.path.dirname(path) != path:
        if os.path.basename(path).startswith("keri_lmdb_"):
            return path
        path = os.path.dirname(path)
    return None


def one_run(stream, run):
    """Ingest `stream` once into a fresh temporary database.

    Returns (wall seconds, CPU seconds, [(prefix, sn, said)] sorted, escrowed).
    """
    db = basing.Baser(name=f"peers_bench_{os.getpid()}_{run}", temp=True, reopen=True)
    head = temp_head(db.path)
    try:
        kvy = eventing.Kevery(db=db, lax=True)
        parser = parsing.Parser(kvy=kvy)
        ims = bytearray(stream)
        cpu0 = cpu_seconds()
        start = time.perf_counter()
        parser.parse(ims=ims)
        secs = time.perf_counter() - start
        cpu = cpu_seconds() - cpu0
        states = sorted((pre, kever.sn, kever.serder.said) for pre, kever in kvy.kevers.items())
        if not states:
            raise SystemExit("keripy accepted no identifier")
        escrowed = 0
        for name in ("ooes", "pses"):
            dbi = getattr(db, name)
            with db.env.begin(db=dbi) as txn:
                escrowed += txn.stat(dbi)["entries"]
        return secs, cpu, states, escrowed
    finally:
        db.close(clear=True)
        # close(clear=True) empties the database directory but leaves keripy's temporary
        # head directory (and its empty subdirectories) behind.
        if head is not None:
            shutil.rmtree(head, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("stream")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--expect-sn", type=int, default=None)
    ap.add_argument("--expect-events", type=int, default=None)
    ap.add_argument("--nosync", action="store_true", help="LMDB sync=False, metasync=False")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if args.nosync:
        no_sync()

    with open(args.stream, "rb") as f:
        stream = f.read()

    times = []
    cpus = []
    last = None
    for run in range(args.runs):
        secs, cpu, states, escrowed = one_run(stream, run)
        times.append(secs)
        cpus.append(cpu)
        last = states[-1]
        sn = last[1]
        if args.expect_sn is not None and any(s[1] != args.expect_sn for s in states):
            bad = next(s for s in states if s[1] != args.expect_sn)
            raise SystemExit(f"keripy reached sn {bad[1]} for {bad[0]}, expected {args.expect_sn}")
        if escrowed:
            raise SystemExit(f"keripy left {escrowed} events in escrow")
        if not args.json:
            print(f"run {run + 1}: {secs:.3f} s wall, {cpu:.3f} s CPU, sn {sn}", flush=True)

    if args.expect_events is not None:
        events = args.expect_events
    elif len(states) == 1:
        events = last[1] + 1
    else:
        raise SystemExit("--expect-events is needed for a stream of several identifiers")
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    best = min(times)
    median = statistics.median(times)
    out = {
        "keripy": keri.__version__,
        "python": platform.python_version(),
        "stream": os.path.basename(args.stream),
        "lmdb_sync": not args.nosync,
        "bytes": len(stream),
        "events": events,
        "runs": times,
        "cpu_s": cpus,
        "best_s": best,
        "median_s": median,
        "identifiers": len(states),
        "prefix": last[0],
        "sn": last[1],
        "said": last[2],
        "peak_rss_kib": peak_kib,
        "rss_before_import_kib": RSS_BEFORE_IMPORT,
        "rss_after_import_kib": RSS_AFTER_IMPORT,
    }
    if args.json:
        for pre, sn, said in states:
            print(f"state {pre} {sn} {said}")
        print(json.dumps(out))
    else:
        print(f"keripy {keri.__version__} (Python {platform.python_version()}), "
              f"{out['stream']}: {events} events, {len(stream)} bytes, "
              f"LMDB sync {'off' if args.nosync else 'on'}")
        print(f"best {best:.3f} s = {events / best:,.0f} events/s, {len(stream) / best / 1e6:.2f} MB/s; "
              f"median {median:.3f} s = {events / median:,.0f} events/s")
        print(f"peak RSS {peak_kib / 1024:.1f} MiB (after imports, before the stream: "
              f"{(RSS_AFTER_IMPORT or 0) / 1024:.1f} MiB)")
        print(f"final state: {len(states)} identifier(s), the last by prefix: {last[0]} sn {last[1]} {last[2]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
