#!/usr/bin/env python3
"""
Generate CESR known-answer vectors for dkms-cesr from keripy 1.1.17.

Usage (from the workspace root):

    /tmp/kerivenv/bin/python interop/keripy/cesr_vectors.py \
        --out crates/dkms-cesr/tests/vectors/keripy-1.1.17

(`cargo xtask vectors` runs exactly this with the venv python.)

Everything is deterministic: a fixed random.Random seed, fixed salts, and a
fake clock patched into keri.help.helping.nowUTC, so two runs produce
byte-identical files.  Every stream written is re-parsed by keripy's own
Parser (message by message, checking the exact number of bytes consumed) and,
for key event logs, by a real Kevery whose resulting key state is checked.
"""

import argparse
import datetime
import json
import os
import random
from dataclasses import asdict

import keri
from keri.core import coring, eventing, parsing, serdering
from keri.core.coring import (Counter, CtrDex, Indexer, Matter, MtrDex, IdrDex,
                              Salter, Seqner, Number, Dater, Bexter, Pather,
                              Prefixer, Saider, Siger, Diger, Signer, Tholder,
                              Serials)
from keri.db import basing, dbing
from keri.help import helping
from keri.peer import exchanging

assert keri.__version__ == "1.1.17", f"need keri 1.1.17, have {keri.__version__}"

SEED = 0x4B45524931313137  # "KERI1117"
KERIPY_VERSION = keri.__version__


# --------------------------------------------------------------------------
# deterministic clock
# --------------------------------------------------------------------------

class FakeClock:
    """Replaces helping.nowUTC: starts at a fixed instant, +1 s per call."""

    def __init__(self):
        self.base = datetime.datetime(2024, 1, 2, 3, 4, 5, 678901,
                                      tzinfo=datetime.timezone.utc)
        self.ticks = 0

    def __call__(self):
        self.ticks += 1
        return self.base + datetime.timedelta(seconds=self.ticks)


CLOCK = FakeClock()
helping.nowUTC = CLOCK


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------

def errname(ex):
    """Exception class name; non-builtin, non-keri exceptions are qualified."""
    t = type(ex)
    if t.__module__ in ("builtins", "keri.kering"):
        return t.__name__
    return f"{t.__module__}.{t.__name__}"


def dump(path, obj):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        json.dump(obj, f, indent=1, sort_keys=False, ensure_ascii=False)
        f.write("\n")


def codex_names(codex):
    """Map code -> list of names (in declaration order) for a keripy codex."""
    names = {}
    for name, code in asdict(codex).items():
        names.setdefault(code, []).append(name)
    return names


def try_call(fn):
    try:
        return fn(), None
    except Exception as ex:  # noqa: BLE001 - we record whatever keripy raises
        return None, ex


# --------------------------------------------------------------------------
# tables.json
# --------------------------------------------------------------------------

def gen_tables():
    mnames = codex_names(MtrDex)
    matter = []
    for code, sz in Matter.Sizes.items():
        names = mnames.get(code)
        matter.append(dict(code=code,
                           name="/".join(names) if names else None,
                           hs=sz.hs, ss=sz.ss, fs=sz.fs, ls=sz.ls))
    # codex codes absent from the size table would be a keripy bug: check
    for code in mnames:
        assert code in Matter.Sizes, code

    inames = codex_names(IdrDex)
    indexer = []
    for code, sz in Indexer.Sizes.items():
        names = inames.get(code)
        indexer.append(dict(code=code,
                            name="/".join(names) if names else None,
                            hs=sz.hs, ss=sz.ss, os=sz.os, fs=sz.fs, ls=sz.ls))

    cnames = codex_names(CtrDex)
    counter = []
    for code, sz in Counter.Sizes.items():
        names = cnames.get(code)
        counter.append(dict(code=code,
                            name="/".join(names) if names else None,
                            hs=sz.hs, ss=sz.ss, fs=sz.fs, ls=sz.ls))

    sets = {
        "NonTransDex": list(coring.NonTransDex),
        "DigDex": list(coring.DigDex),
        "PreDex": list(coring.PreDex),
        "IdrDex both codes": list(coring.IdxBthSigDex),
        "current-only codes": list(coring.IdxCrtSigDex),
        "IdxSigDex": list(coring.IdxSigDex),
        "NumDex": list(coring.NumDex),
        "BexDex": list(coring.BexDex),
        "SmallVrzDex": list(coring.SmallVrzDex),
        "LargeVrzDex": list(coring.LargeVrzDex),
    }
    return dict(keripy_version=KERIPY_VERSION,
                matter=matter,
                matter_hards=dict(Matter.Hards),
                indexer=indexer,
                indexer_hards=dict(Indexer.Hards),
                counter=counter,
                counter_hards=dict(Counter.Hards),
                sets=sets)


# --------------------------------------------------------------------------
# matter.json
# --------------------------------------------------------------------------

def matter_name(code):
    names = codex_names(MtrDex).get(code)
    return "/".join(names) if names else None


def matter_record(m, requested_code, **extra):
    """Build a vector record from a keripy Matter, checking round trips."""
    rec = dict(requested_code=requested_code, code=m.code,
               name=matter_name(m.code), raw=m.raw.hex(), qb64=m.qb64,
               qb2=m.qb2.hex())
    assert bytes.fromhex(rec["qb2"]) == coring.decodeB64(m.qb64b)
    # decode back in both domains
    back, ex = try_call(lambda: Matter(qb64b=m.qb64b))
    if ex is not None:
        rec["keripy_qb64_decode_fails"] = True
        rec["keripy_qb64_decode_error"] = errname(ex)
    else:
        assert back.code == m.code and back.raw == m.raw, (m.qb64,)
        assert back.qb64 == m.qb64
    back2, ex2 = try_call(lambda: Matter(qb2=m.qb2))
    if ex2 is not None:
        rec["keripy_qb2_decode_fails"] = True
        rec["keripy_qb2_decode_error"] = errname(ex2)
    else:
        assert back2.code == m.code and back2.raw == m.raw, (m.qb64,)
    rec.update(extra)
    return rec


VAR_FIRSTS = set("456789")


def gen_matter(rng):
    vectors = []
    skipped = []
    for code, sz in Matter.Sizes.items():
        if code[0] in VAR_FIRSTS:
            continue
        rs = Matter._rawSize(code)
        raws = [bytes(rs), b"\xff" * rs] + [rng.randbytes(rs) for _ in range(3)]
        for raw in raws:
            m, ex = try_call(lambda: Matter(raw=raw, code=code))
            if ex is not None:
                skipped.append(dict(code=code, raw=raw.hex(), error=errname(ex)))
                continue
            vectors.append(matter_record(m, code))

    # variable size families: request with the small lead-0 code (4x / 4x) and
    # record the code keripy normalises to; also request big codes directly.
    lengths = [0, 1, 2, 3, 4, 5, 6, 7, 100, 12284, 12285, 12286, 12287, 12288]
    big_lengths = [0, 1, 2, 3, 100]
    for fam in "ABCDE":
        small = "4" + fam
        big = "7AA" + fam
        for n in lengths:
            raw = rng.randbytes(n)
            m, ex = try_call(lambda: Matter(raw=raw, code=small))
            if ex is not None:
                skipped.append(dict(code=small, raw_len=n, error=errname(ex)))
                continue
            vectors.append(matter_record(m, small))
        # requesting a non-L0 selector: keripy recomputes the lead anyway
        for req in ("5" + fam, "6" + fam):
            raw = rng.randbytes(4)
            m, ex = try_call(lambda: Matter(raw=raw, code=req))
            if ex is None:
                vectors.append(matter_record(m, req))
        for n in big_lengths:
            raw = rng.randbytes(n)
            m, ex = try_call(lambda: Matter(raw=raw, code=big))
            if ex is not None:
                skipped.append(dict(code=big, raw_len=n, error=errname(ex)))
                continue
            vectors.append(matter_record(m, big))

    # reference primitive vectors (§1.12, §1.4)
    ref = "reference §1.12"
    for num in (0, 1, 0xffff, 0x10000, 2 ** 32, 2 ** 64):
        m = Number(num=num)
        vectors.append(matter_record(m, m.code, source=ref,
                                     input=f"Number(num={num})"))
    m = Seqner(sn=5)
    vectors.append(matter_record(m, m.code, source=ref, input="Seqner(sn=5)"))
    m = Seqner(sn=0)
    vectors.append(matter_record(m, m.code, source=ref, input="Seqner(sn=0)"))
    m = Dater(dts="2020-08-22T17:50:09.988921+00:00")
    vectors.append(matter_record(m, m.code, source=ref,
                                 input="Dater(dts='2020-08-22T17:50:09.988921+00:00')"))
    m = Salter(raw=b"0123456789abcdef")
    vectors.append(matter_record(m, m.code, source=ref,
                                 input="Salter(raw=b'0123456789abcdef')"))
    seed = bytes(range(32))
    signer = Signer(raw=seed, code=MtrDex.Ed25519_Seed, transferable=True)
    vectors.append(matter_record(signer, signer.code, source=ref,
                                 input="Signer(raw=bytes(range(32)))"))
    vectors.append(matter_record(signer.verfer, signer.verfer.code, source=ref,
                                 input="Signer(raw=bytes(range(32))).verfer"))
    cig = signer.sign(b"abc")
    vectors.append(matter_record(cig, cig.code, source=ref,
                                 input="Signer(raw=bytes(range(32))).sign(b'abc')"))
    for scode, label in ((MtrDex.ECDSA_256k1_Seed, "secp256k1"),
                         (MtrDex.ECDSA_256r1_Seed, "secp256r1")):
        s = Signer(raw=seed, code=scode, transferable=True)
        vectors.append(matter_record(s, s.code, source=ref,
                                     input=f"Signer(raw=bytes(range(32)), code={scode!r})"))
        vectors.append(matter_record(s.verfer, s.verfer.code, source=ref,
                                     input=f"{label} Signer(...).verfer"))
        if scode == MtrDex.ECDSA_256k1_Seed:
            sn = Signer(raw=seed, code=scode, transferable=False)
            vectors.append(matter_record(sn.verfer, sn.verfer.code, source=ref,
                                         input=f"{label} Signer(..., transferable=False).verfer"))
    for dcode in (MtrDex.Blake3_256, MtrDex.SHA3_256, MtrDex.SHA2_256,
                  MtrDex.Blake2b_256, MtrDex.Blake2s_256):
        d = Diger(ser=b"abc", code=dcode)
        vectors.append(matter_record(d, d.code, source=ref,
                                     input=f"Diger(ser=b'abc', code={dcode!r})"))
    for sith, label in (([["1/2", "1/2", "1/4", "1/4", "1/4"], ["1", "1"]],
                         "[['1/2','1/2','1/4','1/4','1/4'],['1','1']]"),
                        ("2", "'2'")):
        limen = Tholder(sith=sith).limen
        m = Matter(qb64b=limen)
        vectors.append(matter_record(m, m.code, source=ref,
                                     input=f"Tholder(sith={label}).limen"))
    for bext in ("-a-b", "abc", "ab", "a"):
        b = Bexter(bext=bext)
        vectors.append(matter_record(b, b.code, source="reference §1.4",
                                     input=f"Bexter(bext={bext!r})"))
    # tag codes as used in v1/v2 discussions (§1.7): values keripy accepts
    for code, qb64 in (("X", "XAcp"), ("Y", "YKERIAAA"), ("0J", "0JAA"),
                       ("1AAF", "1AAFabcd")):
        m = Matter(qb64=qb64)
        vectors.append(matter_record(m, code, source="reference §1.7",
                                     input=f"Matter(qb64={qb64!r})"))
    # Label1 'V' (§1.3): keripy encodes but cannot decode from qb64
    m = Matter(raw=b"\x41", code="V")
    vectors.append(matter_record(m, "V", source="reference §1.3",
                                 input="Matter(raw=b'A', code='V')"))
    assert vectors[-1]["qb64"] == "VABB" and vectors[-1].get("keripy_qb64_decode_fails")
    return dict(keripy_version=KERIPY_VERSION, vectors=vectors,
                keripy_refused=skipped)


# --------------------------------------------------------------------------
# matter_invalid.json
# --------------------------------------------------------------------------

def with_lead(code, raw, lead):
    """qb64 text for a code with ps == 0, using explicit (possibly non-zero)
    lead bytes; works for fixed codes with ls > 0 and var codes."""
    hs, ss, fs, ls = Matter.Sizes[code]
    assert len(lead) == ls
    if fs is None:
        size = (len(raw) + ls) // 3
        both = code + coring.intToB64(size, l=ss)
    else:
        both = code
    return both + coring.encodeB64(lead + raw).decode()


def gen_matter_invalid(rng):
    good = {c: Matter(raw=rng.randbytes(Matter._rawSize(c)), code=c).qb64
            for c in ("A", "B", "D", "E", "M", "N", "0A", "0B", "0H", "1AAA",
                      "1AAG", "1AAK", "2AAA", "3AAA", "X", "V")}
    var4b = Matter(raw=rng.randbytes(12), code="4B").qb64   # 4BAE...
    var5b = Matter(raw=rng.randbytes(11), code="4B").qb64   # 5B...
    var6b = Matter(raw=rng.randbytes(10), code="4B").qb64   # 6B...
    assert var5b.startswith("5B") and var6b.startswith("6B")
    cases = []  # (input str, why)

    pad44 = "A" * 43
    for c in ("Z", "a", "b", "m", "z"):
        cases.append((c + pad44, f"unknown 1-char hard code {c!r}"))
    for c in ("0N", "0Z", "0a", "0z", "0-", "0_"):
        cases.append((c + "A" * 86, f"unknown 2-char hard code {c!r} (selector 0)"))
    for c in ("1AAN", "1AAZ", "1ABA", "1ZZZ", "2AAB", "2BAA", "3AAB", "3ZAA"):
        cases.append((c + "A" * 44, f"unknown 4-char hard code {c!r}"))
    for c in ("4F", "4Z", "5F", "6F", "4z"):
        cases.append((c + "AB" + "AAAA", f"unknown small variable-size code {c!r}"))
    for c in ("7AAF", "8AAF", "9AAF", "7ABA", "8ZZZ"):
        cases.append((c + "AAAB" + "AAAA", f"unknown big variable-size code {c!r}"))
    cases.append(("-AAB", "counter code start '-' where a Matter is expected"))
    cases.append(("-VAX" + "A" * 40, "counter code start '-' (pipeline counter)"))
    cases.append(("_AAA", "op code start '_' where a Matter is expected"))
    cases.append(("", "empty input"))
    cases.append(("0", "hard code truncated (selector 0 needs 2 chars)"))
    cases.append(("1AA", "hard code truncated (selector 1 needs 4 chars)"))
    cases.append(("7AA", "hard code truncated (selector 7 needs 4 chars)"))
    cases.append(("4B", "variable-size code missing its size chars (keripy: ValueError from "
                  "b64ToInt(''); a streaming decoder should report shortage)"))
    cases.append(("4BA", "variable-size code with only 1 of 2 size chars (keripy reads size 'A'=0 "
                  "and still reports shortage)"))
    cases.append(("7AAB", "big variable-size code missing its 4 size chars (keripy: ValueError from "
                  "b64ToInt(''); a streaming decoder should report shortage)"))
    for c, q in good.items():
        if c in ("1AAK", "V"):
            continue
        cases.append((q[:-1], f"truncated by one char ({c}, fs={len(q)})"))
    cases.append((good["B"][:20], "truncated to 20 chars (B)"))
    cases.append((var4b[:-1], "variable-size 4B truncated by one char"))
    cases.append((var4b[:-4], "variable-size 4B truncated by one quadlet"))
    cases.append(("4BAC" + "AAAA", "4B declares 2 quadlets, 1 present"))
    cases.append(("7AABAAAC" + "AAAA", "7AAB declares 2 quadlets, 1 present"))
    # non-zero pad bits: cs%4 == 1 -> second char must be A..P (2 pad bits)
    for c, q in (("M", good["M"]), ("B", good["B"]), ("E", good["E"]),
                 ("X", good["X"])):
        for ch in ("Q", "_"):
            bad = q[0] + ch + q[2:]
            cases.append((bad, f"cs%4=1 code {c}: first value char {ch!r} sets the 2 pad bits"))
    cases.append(("Xicp", "tag code X with tag 'icp': 'i' sets pad bits (reference §1.7)"))
    cases.append(("YKERI10", "Y needs 8 chars (truncated)"))
    cases.append(("YxERIAAA", "tag code Y: first value char 'x' sets pad bits"))
    # cs%4 == 2 -> third char must be A..D (4 pad bits)
    for c in ("0A", "0B", "0H"):
        q = good[c]
        for ch in ("E", "Q", "_"):
            bad = q[:2] + ch + q[3:]
            cases.append((bad, f"cs%4=2 code {c}: first value char {ch!r} sets the 4 pad bits"))
    cases.append(("0KEO", "tag code 0K with tag 'EO': 'E' sets pad bits (reference §1.7)"))
    cases.append(("0MKERI10", "tag code 0M with 'KERI10': 'K' sets pad bits"))
    # non-zero lead bytes (ps == 0, ls > 0)
    m2 = Matter(qb64=good["2AAA"])
    cases.append((with_lead("2AAA", m2.raw, b"\x01"), "2AAA (ls=1) with lead byte 0x01"))
    cases.append((with_lead("2AAA", m2.raw, b"\x80"), "2AAA (ls=1) with lead byte 0x80"))
    m3 = Matter(qb64=good["3AAA"])
    cases.append((with_lead("3AAA", m3.raw, b"\x00\x01"), "3AAA (ls=2) with lead bytes 0x0001"))
    cases.append((with_lead("3AAA", m3.raw, b"\x01\x00"), "3AAA (ls=2) with lead bytes 0x0100"))
    for c, n, lead in (("5B", 11, b"\x01"), ("6B", 10, b"\x00\x01"),
                       ("6B", 10, b"\xff\x00"), ("5A", 2, b"\x02"),
                       ("8AAB", 11, b"\x01"), ("9AAB", 10, b"\x00\x01"),
                       ("9AAB", 10, b"\x01\x00")):
        raw = rng.randbytes(n)
        cases.append((with_lead(c, raw, lead),
                      f"variable code {c} with non-zero lead byte(s) 0x{lead.hex()}"))
    # bad alphabet chars
    q = good["B"]
    for ch, why in (("=", "'=' padding char inside the value"),
                    (" ", "space inside the value"),
                    (".", "'.' inside the value"),
                    ("\n", "newline inside the value"),
                    ("\u00e9", "non-ASCII char (UTF-8 0xc3a9) inside the value")):
        cases.append((q[:10] + ch + q[11:], why))
    cases.append((q[:-1] + "=", "'=' as final char (std Base64 padding)"))
    cases.append(("\u00e9" + q[1:], "non-ASCII first char"))
    cases.append(("=" + q[1:], "'=' as code char"))
    cases.append((" " + q[1:], "space as code char"))
    # V (Label1): valid per reference, keripy 1.1.17 cannot decode it (bug)
    cases.append(("VABB", "Label1 'V' + raw 0x41: VALID per reference §1.3 but keripy 1.1.17 cannot decode V from qb64"))

    qb64_out = []
    lenient = []
    for inp, why in cases:
        data = inp.encode("utf-8")
        m, ex = try_call(lambda: Matter(qb64b=data))
        if ex is None:
            lenient.append(dict(input=inp, why=why,
                                keripy_decodes_as=dict(code=m.code, raw=m.raw.hex())))
            continue
        rec = dict(input=inp, error=errname(ex), why=why)
        if inp in ("VABB", "4B", "7AAB"):
            rec["keripy_quirk"] = True
        qb64_out.append(rec)
    # lenient alphabet: '+' '/' are accepted by Python's non-validating
    # urlsafe_b64decode; record them separately (NOT in the invalid list)
    for ch in ("+", "/"):
        inp = q[:10] + ch + q[11:]
        m, ex = try_call(lambda: Matter(qb64b=inp.encode()))
        if ex is None:
            lenient.append(dict(input=inp, why=f"std-Base64 char {ch!r} inside the value; "
                                "invalid CESR text but keripy 1.1.17 accepts it",
                                keripy_decodes_as=dict(code=m.code, raw=m.raw.hex())))
        else:
            qb64_out.append(dict(input=inp, error=errname(ex),
                                 why=f"std-Base64 char {ch!r} inside the value"))

    # binary domain
    bcases = []
    for c in ("Z", "a", "z"):
        bcases.append((coring.codeB64ToB2(c + "AAA") + bytes(30), f"unknown 1-char hard code {c!r}"))
    for c in ("0N", "0z", "0_"):
        bcases.append((coring.codeB64ToB2(c + "AA") + bytes(63), f"unknown 2-char hard code {c!r}"))
    for c in ("1AAN", "2AAB", "3AAB"):
        bcases.append((coring.codeB64ToB2(c) + bytes(33), f"unknown 4-char hard code {c!r}"))
    for c in ("4F", "5F", "4Z"):
        bcases.append((coring.codeB64ToB2(c + "AB") + bytes(3), f"unknown small variable-size code {c!r}"))
    for c in ("7AAF", "9AAF"):
        bcases.append((coring.codeB64ToB2(c + "AAAB") + bytes(3), f"unknown big variable-size code {c!r}"))
    bcases.append((coring.codeB64ToB2("-AAB"), "counter code start (0xf8 sextet) where a Matter is "
                   "expected (keripy 1.1.17 compares an int with b'\\xf8', so it reports "
                   "UnexpectedCodeError, not UnexpectedCountCodeError)"))
    bcases.append((coring.codeB64ToB2("_AAA"), "op code start (0xfc sextet) where a Matter is "
                   "expected (keripy reports UnexpectedCodeError, same int/bytes comparison bug)"))
    bcases.append((b"", "empty input"))
    for c, q2 in good.items():
        if c in ("1AAK", "V"):
            continue
        qb2 = Matter(qb64=q2).qb2
        bcases.append((qb2[:-1], f"truncated by one byte ({c}, {len(qb2)} bytes)"))
    bcases.append((coring.codeB64ToB2("1AAA")[:2], "hard code truncated (1AAA needs 3 bytes)"))
    bcases.append((coring.codeB64ToB2("0AAA")[:1], "hard code truncated (0A needs 2 bytes)"))
    bcases.append((Matter(qb64=var4b).qb2[:-1], "variable-size 4B truncated by one byte"))
    bcases.append((Matter(qb64=var4b).qb2[:2], "variable-size 4B: code+size truncated"))
    bcases.append((coring.decodeB64(b"4BACAAAA"), "4B declares 2 triplets, 1 present"))
    for inp, why in cases:
        if "pad bits" in why or "lead byte" in why:
            try:
                b = coring.decodeB64(inp.encode())
            except Exception:  # noqa: BLE001
                continue
            bcases.append((b, "binary of: " + why))
    qb2_out = []
    for data, why in bcases:
        m, ex = try_call(lambda: Matter(qb2=bytes(data)))
        if ex is None:
            lenient.append(dict(input_hex=bytes(data).hex(), why="qb2: " + why,
                                keripy_decodes_as=dict(code=m.code, raw=m.raw.hex())))
            continue
        qb2_out.append(dict(input_hex=bytes(data).hex(), error=errname(ex), why=why))
    return dict(keripy_version=KERIPY_VERSION, qb64=qb64_out, qb2=qb2_out,
                keripy_lenient=lenient)


# --------------------------------------------------------------------------
# indexer.json
# --------------------------------------------------------------------------

def indexer_record(ix, **extra):
    names = codex_names(IdrDex).get(ix.code)
    rec = dict(code=ix.code, name="/".join(names) if names else None,
               raw=ix.raw.hex(), index=ix.index, ondex=ix.ondex,
               qb64=ix.qb64, qb2=ix.qb2.hex())
    assert coring.decodeB64(ix.qb64b) == ix.qb2
    for back in (Indexer(qb64b=ix.qb64b), Indexer(qb2=ix.qb2)):
        assert (back.code, back.raw, back.index, back.ondex) == \
               (ix.code, ix.raw, ix.index, ix.ondex), ix.qb64
    rec.update(extra)
    return rec


def gen_indexer(rng):
    vectors = []
    both = set(coring.IdxBthSigDex)
    combos = {
        1: {"both": [(0, None), (5, None), (63, None), (63, 63)],
            "crt": [(0, None), (5, None), (63, None)]},
        "0": {"both": [(0, None), (1, 3), (63, 63), (0, 63), (63, 0)],
              "crt": [(0, None), (5, None), (63, None)]},
        "2": {"both": [(0, None), (1, 3), (70, 0), (64, 64), (4095, 4095), (0, 4095), (4095, 0)],
              "crt": [(0, None), (70, None), (4095, None)]},
        "3": {"both": [(0, None), (1, 3), (262143, 262143), (5, 262143)],
              "crt": [(0, None), (262143, None)]},
    }
    for code, sz in Indexer.Sizes.items():
        if code in ("0z", "1z", "4z"):
            continue  # test-only codes: listed in tables.json only
        rs = Indexer._rawSize(code)
        key = 1 if sz.hs == 1 else code[0]
        kind = "both" if code in both else "crt"
        for i, (index, ondex) in enumerate(combos[key][kind]):
            if i == 0:
                raw = bytes(rs)
            elif i == 1:
                raw = b"\xff" * rs
            else:
                raw = rng.randbytes(rs)
            ix = Indexer(raw=raw, code=code, index=index, ondex=ondex)
            vectors.append(indexer_record(ix))
    # reference §1.9 examples (raw = bytes 0..63) via Signer code selection
    raw = bytes(range(64))
    for code, index, ondex in (("A", 0, None), ("A", 5, None), ("B", 5, None),
                               ("2A", 1, 3), ("2B", 70, None)):
        vectors.append(indexer_record(Indexer(raw=raw, code=code, index=index, ondex=ondex),
                                      source="reference §1.9"))
    signer = Signer(raw=bytes(range(32)), transferable=True)
    for index, only, ondex in ((0, False, None), (5, True, None), (64, False, None),
                               (1, False, 3), (70, True, None)):
        s = signer.sign(b"abc", index=index, only=only, ondex=ondex)
        vectors.append(indexer_record(
            s, source="Signer.sign code selection",
            input=f"Signer(raw=bytes(range(32))).sign(b'abc', index={index}, only={only}, ondex={ondex})"))

    # invalid inputs
    sig = rng.randbytes(64)
    a0 = Indexer(raw=sig, code="A", index=0).qb64
    two_b = Indexer(raw=sig, code="2B", index=3).qb64
    two_a = Indexer(raw=sig, code="2A", index=3, ondex=7).qb64
    zero_b = Indexer(raw=rng.randbytes(114), code="0B", index=3).qb64
    three_b = Indexer(raw=rng.randbytes(114), code="3B", index=3).qb64
    cases = []
    cases.append((two_b[:4] + "AB" + two_b[6:], "2B (current-only) with non-zero ondex 1 (reference §1.9)"))
    cases.append((two_b[:4] + "__" + two_b[6:], "2B (current-only) with ondex 4095"))
    cases.append((zero_b[:3] + "B" + zero_b[4:], "0B (current-only) with non-zero ondex 1"))
    cases.append((three_b[:5] + "AAB" + three_b[8:], "3B (current-only) with non-zero ondex 1"))
    for c in ("G", "Z", "a", "z"):
        cases.append((c + "A" + a0[2:], f"unknown 1-char indexer code {c!r}"))
    for c in ("0C", "1A", "2G", "3C", "4A", "0y"):
        cases.append((c + "AAAA" + "A" * 150, f"unknown 2-char indexer code {c!r}"))
    for c in ("5A", "6A", "7A", "8A", "9A"):
        cases.append((c + "A" * 90, f"selector {c[0]!r} not an indexer hard-size char"))
    cases.append(("-AAB", "counter code where an indexed signature is expected"))
    cases.append(("_AAA", "op code where an indexed signature is expected"))
    cases.append(("", "empty input"))
    cases.append((a0[:-1], "A signature truncated by one char"))
    cases.append((a0[:1], "A code without index char"))
    cases.append((two_a[:-1], "2A signature truncated by one char"))
    cases.append((two_a[:5], "2A code+index truncated (no full ondex)"))
    cases.append((zero_b[:-1], "0B signature truncated by one char"))
    # pad bits: A..F have cs=2 -> 4 pad bits in 3rd char (A..D ok); 2A.. cs=6 -> same
    for q, c in ((a0, "A"), (two_a, "2A")):
        cs = Indexer.Sizes[c].hs + Indexer.Sizes[c].ss
        for ch in ("E", "_"):
            cases.append((q[:cs] + ch + q[cs + 1:], f"{c}: first value char {ch!r} sets the 4 pad bits"))
    m_e = Matter(raw=rng.randbytes(32), code="E").qb64
    m_1aaa = Matter(raw=rng.randbytes(33), code="1AAA").qb64
    m_0b = Matter(raw=sig, code="0B").qb64
    cases.append((m_1aaa, "Matter-only code 1AAA (secp256k1 key) where an indexed signature is expected"))
    cases.append(("MAAB", "Matter-only code M (Short number)"))
    cases.append((m_e, "Matter digest 'E...' (44 chars): read as indexer code E (fs=88), so it is short"))
    cases.append((m_0b, "Matter Ed25519 sig '0B...' (88 chars) where an indexed sig is expected: "
                  "0B is Ed448_Crt_Sig (fs=156) in the Indexer table; keripy trips on its non-zero ondex first"))
    qb64_out, qb2_out, lenient = [], [], []
    for inp, why in cases:
        ix, ex = try_call(lambda: Indexer(qb64b=inp.encode()))
        if ex is None:
            lenient.append(dict(input=inp, why=why,
                                keripy_decodes_as=dict(code=ix.code, index=ix.index, ondex=ix.ondex)))
            continue
        qb64_out.append(dict(input=inp, error=errname(ex), why=why))
        # binary form when the text is valid Base64 of whole quadlets
        if inp and len(inp) % 4 == 0 and not inp.startswith(("-", "_")):
            try:
                b = coring.decodeB64(inp.encode())
            except Exception:  # noqa: BLE001
                continue
            ix2, ex2 = try_call(lambda: Indexer(qb2=b))
            if ex2 is not None:
                qb2_out.append(dict(input_hex=b.hex(), error=errname(ex2), why="binary of: " + why))
            else:
                lenient.append(dict(input_hex=b.hex(), why="qb2: " + why,
                                    keripy_decodes_as=dict(code=ix2.code, index=ix2.index, ondex=ix2.ondex)))
    for data, why in ((coring.decodeB64(a0.encode())[:-1], "A signature truncated by one byte"),
                      (coring.decodeB64(two_a.encode())[:-1], "2A signature truncated by one byte"),
                      (coring.decodeB64(two_a.encode())[:4], "2A code+indices truncated"),
                      (coring.codeB64ToB2("-AAB"), "counter code start (keripy reports "
                       "UnexpectedCodeError: int/bytes comparison bug in Indexer._bexfil)"),
                      (coring.codeB64ToB2("_AAA"), "op code start (keripy reports UnexpectedCodeError)"),
                      (b"", "empty input")):
        ix2, ex2 = try_call(lambda: Indexer(qb2=data))
        if ex2 is not None:
            qb2_out.append(dict(input_hex=data.hex(), error=errname(ex2), why=why))
    return dict(keripy_version=KERIPY_VERSION, vectors=vectors,
                invalid=dict(qb64=qb64_out, qb2=qb2_out), keripy_lenient=lenient)


# --------------------------------------------------------------------------
# counter.json
# --------------------------------------------------------------------------

def counter_record(c, **extra):
    names = codex_names(CtrDex).get(c.code)
    rec = dict(code=c.code, name="/".join(names) if names else None,
               count=c.count, qb64=c.qb64, qb2=c.qb2.hex())
    assert coring.decodeB64(c.qb64b) == c.qb2
    for back in (Counter(qb64b=c.qb64b), Counter(qb2=c.qb2)):
        assert (back.code, back.count) == (c.code, c.count)
    rec.update(extra)
    return rec


def gen_counter():
    vectors = []
    for code, sz in Counter.Sizes.items():
        mx = 64 ** sz.ss - 1
        counts = [0, 1, 63, 64, 4095 if sz.ss > 2 else None, mx]
        if code == CtrDex.BigAttachedMaterialQuadlets:
            counts.insert(-1, 100000)
        seen = set()
        for n in counts:
            if n is None or n in seen:
                continue
            seen.add(n)
            vectors.append(counter_record(Counter(code=code, count=n)))
    # protocol genus/version: keripy's semVerToB64
    for ver in ("1.0.0", "1.1.0", "2.0.0", "1.2.3"):
        b64 = Counter.semVerToB64(version=ver)
        c = Counter(code=CtrDex.KERIProtocolStack, countB64=b64)
        vectors.append(counter_record(c, version=ver, countB64=b64,
                                      input=f"Counter(code='--AAA', countB64=Counter.semVerToB64('{ver}'))"))
    ref = "reference §1.12"
    for code, n in ((CtrDex.ControllerIdxSigs, 1), (CtrDex.AttachedMaterialQuadlets, 23),
                    (CtrDex.BigAttachedMaterialQuadlets, 100000)):
        vectors.append(counter_record(Counter(code=code, count=n), source=ref))

    cases = []
    for c in ("-M", "-N", "-U", "-W", "-Z", "-a", "-z"):
        cases.append((c + "AB", f"unknown counter code {c!r} (in Hards, not in Sizes)"))
    for c in ("-0A", "-0B", "-0U", "-0Z"):
        cases.append((c + "AAAAB", f"unknown big counter code {c!r}"))
    cases.append(("--AAB" + "BAA", "unknown genus code '--AAB'"))
    cases.append(("--BAA" + "BAA", "unknown genus code '--BAA'"))
    cases.append(("-_AAABAA", "'-_' (keripy-main genus code) is not a 1.1 counter"))
    cases.append(("-", "one char (keripy: UnexpectedCodeError since '-' alone is not in Hards; "
                  "a streaming decoder should report shortage)"))
    cases.append(("-A", "hard code only, no count chars"))
    cases.append(("-AA", "truncated by one char"))
    cases.append(("-0VAAAA", "-0V truncated by one char"))
    cases.append(("-0", "big selector only"))
    cases.append(("--AAAB", "genus code truncated"))
    cases.append(("", "empty input"))
    cases.append(("AAAB", "Matter code 'A..' where a counter is expected"))
    cases.append(("BAAB", "Matter code 'B..' where a counter is expected"))
    cases.append(("0BAA", "Matter code '0B' where a counter is expected"))
    cases.append(("_AAA", "op code where a counter is expected"))
    cases.append(("{\"v\"", "JSON body start where a counter is expected"))
    qb64_out, qb2_out, lenient = [], [], []
    for inp, why in cases:
        c, ex = try_call(lambda: Counter(qb64b=inp.encode()))
        if ex is None:
            lenient.append(dict(input=inp, why=why, keripy_decodes_as=dict(code=c.code, count=c.count)))
        else:
            qb64_out.append(dict(input=inp, error=errname(ex), why=why))
            if inp == "-":
                qb64_out[-1]["keripy_quirk"] = True
    bcases = []
    for c in ("-MAB", "-ZAB", "-0AAAAB", "--AABBAA", "AAAB", "BAAB", "0BAA", "_AAA"):
        b = coring.codeB64ToB2(c) if len(c) % 4 == 0 else None
        if b is not None:
            bcases.append((b, f"binary of {c!r}"))
    bcases.append((coring.codeB64ToB2("-AAB")[:2], "-A truncated by one byte"))
    bcases.append((coring.codeB64ToB2("-0VAAAAA")[:5], "-0V truncated by one byte"))
    bcases.append((coring.codeB64ToB2("--AAABAA")[:5], "--AAA truncated by one byte"))
    bcases.append((b"", "empty input"))
    for data, why in bcases:
        c, ex = try_call(lambda: Counter(qb2=data))
        if ex is None:
            lenient.append(dict(input_hex=data.hex(), why=why, keripy_decodes_as=dict(code=c.code, count=c.count)))
        else:
            qb2_out.append(dict(input_hex=data.hex(), error=errname(ex), why=why))
    return dict(keripy_version=KERIPY_VERSION, vectors=vectors,
                invalid=dict(qb64=qb64_out, qb2=qb2_out), keripy_lenient=lenient)


# --------------------------------------------------------------------------
# streams
# --------------------------------------------------------------------------

class Grp:
    """An attachment group: counter code + items.  Items are keripy
    primitives (Matter/Indexer/Counter) or nested Grp.  count=None for -V/-L
    means "compute quadlets/triplets of the content"."""

    def __init__(self, code, items, count=None):
        self.code = code
        self.items = list(items)
        self.count = count

    def content(self, domain):
        out = bytearray()
        for it in self.items:
            if isinstance(it, Grp):
                out.extend(it.render(domain))
            elif domain == "text":
                out.extend(it.qb64b)
            else:
                out.extend(it.qb2)
        return out

    def counter(self, domain):
        content = self.content(domain)
        count = self.count
        if count is None:
            unit = 4 if domain == "text" else 3
            assert len(content) % unit == 0
            count = len(content) // unit
        return Counter(code=self.code, count=count), content

    def render(self, domain):
        ctr, content = self.counter(domain)
        head = ctr.qb64b if domain == "text" else ctr.qb2
        return bytes(head) + bytes(content)


def sigs_group(code, sigers):
    return Grp(code, sigers, count=len(sigers))


class Stream:
    def __init__(self, name, description):
        self.name = name
        self.description = description
        self.buf = bytearray()
        self.messages = []

    def add(self, serder, groups=(), raw_groups=()):
        """groups: list of (Grp, domain).  raw_groups: extra already-rendered
        top-level groups as (bytes, code, count, domain) appended after."""
        body = dict(offset=len(self.buf), length=len(serder.raw), kind=serder.kind,
                    ilk=serder.ilk, said=serder.said)
        self.buf.extend(serder.raw)
        gl = []
        for g, domain in groups:
            data = g.render(domain)
            ctr, _ = g.counter(domain)
            gl.append(dict(offset=len(self.buf), length=len(data), code=ctr.code,
                           count=ctr.count, domain=domain))
            self.buf.extend(data)
        for data, code, count, domain in raw_groups:
            gl.append(dict(offset=len(self.buf), length=len(data), code=code,
                           count=count, domain=domain))
            self.buf.extend(data)
        self.messages.append(dict(body=body, groups=gl))
        return self

    def msg_bytes(self, i):
        m = self.messages[i]
        start = m["body"]["offset"]
        end = m["groups"][-1]["offset"] + m["groups"][-1]["length"] if m["groups"] \
            else start + m["body"]["length"]
        return bytes(self.buf[start:end])

    def end_of(self, i):
        m = self.messages[i]
        if m["groups"]:
            return m["groups"][-1]["offset"] + m["groups"][-1]["length"]
        return m["body"]["offset"] + m["body"]["length"]


class Recorder:
    """Stub handler (Kevery/Revery/Exchanger) that records dispatches."""

    def __init__(self, inner=None):
        self.inner = inner
        self.calls = []

    def __getattr__(self, name):
        if not name.startswith("process"):
            raise AttributeError(name)

        def fn(*args, **kwa):
            self.calls.append(name)
            if self.inner is not None:
                return getattr(self.inner, name)(*args, **kwa)
            return None
        return fn


def drive(ims, max_spins=50, **handlers):
    """Run keripy's msgParsator over ims until it is empty.
    Returns (list of consumed end offsets, outcome) where outcome is None on
    success, 'stall' if keripy waits for more bytes, or the exception."""
    total = len(ims)
    parser = parsing.Parser(framed=True)
    ends = []
    while ims:
        gen = parser.msgParsator(ims=ims, framed=True, pipeline=False, **handlers)
        spins = 0
        try:
            while True:
                next(gen)
                spins += 1
                if spins > max_spins:
                    ends.append(-(total - len(ims)) - 1)  # marker: bytes consumed so far
                    return ends, "stall"
        except StopIteration:
            pass
        except Exception as ex:  # noqa: BLE001
            ends.append(-(total - len(ims)) - 1)
            return ends, ex
        ends.append(total - len(ims))
    return ends, None


def verify_stream(st, **handlers):
    ends, outcome = drive(bytearray(st.buf), **handlers)
    ends = [e for e in ends if e >= 0]
    if outcome is not None:
        raise AssertionError(f"keripy failed on {st.name}: {outcome!r} after {ends}")
    expect = [st.end_of(i) for i in range(len(st.messages))]
    assert ends == expect, (st.name, ends, expect)
    return True


def write_stream(outdir, st, keripy_parses, extra=None):
    sdir = os.path.join(outdir, "streams")
    os.makedirs(sdir, exist_ok=True)
    with open(os.path.join(sdir, st.name + ".cesr"), "wb") as f:
        f.write(bytes(st.buf))
    doc = dict(description=st.description, keripy_version=KERIPY_VERSION,
               keripy_parses=keripy_parses, size=len(st.buf))
    if extra:
        doc.update(extra)
    doc["messages"] = st.messages
    dump(os.path.join(sdir, st.name + ".json"), doc)


def signers(salt, count, transferable=True):
    return Salter(raw=salt).signers(count=count, temp=True, transferable=transferable)


def sign_all(serder, sgrs, **kwa):
    return [s.sign(serder.raw, index=i, **kwa) for i, s in enumerate(sgrs)]


def ndig(signer):
    return Diger(ser=signer.verfer.qb64b).qb64


def new_kevery(name):
    db = basing.Baser(name=name, temp=True, reopen=True)
    return db, eventing.Kevery(db=db, lax=True)


# ---- a. single-key KEL --------------------------------------------------

def build_single(kind=Serials.json):
    ss = signers(b"dkms-single-salt", 6)
    icp = eventing.incept(keys=[ss[0].verfer.qb64], ndigs=[ndig(ss[1])], code=MtrDex.Blake3_256,
                          kind=kind)
    pre = icp.pre
    evts = [(icp, [ss[0]])]
    rot = eventing.rotate(pre=pre, keys=[ss[1].verfer.qb64], dig=icp.said, sn=1,
                          ndigs=[ndig(ss[2])], kind=kind)
    evts.append((rot, [ss[1]]))
    prev = rot
    for sn in (2, 3, 4):
        ixn = eventing.interact(pre=pre, dig=prev.said, sn=sn,
                                data=[dict(i=pre, s=f"{sn:x}", d=prev.said)] if sn == 3 else [],
                                kind=kind)
        evts.append((ixn, [ss[1]]))
        prev = ixn
    return pre, evts


def kel_single(outdir):
    pre, evts = build_single()
    st = Stream("kel_single", "Single-key KEL: icp, rot, ixn, ixn, ixn (sn 0..4). "
                "Each body is followed by one text-domain -A group with one Ed25519 'A' indexed "
                "signature. Salt b'dkms-single-salt', Salter.signers(temp=True).")
    for serder, sgrs in evts:
        sigers = sign_all(serder, sgrs)
        st.add(serder, [(sigs_group(CtrDex.ControllerIdxSigs, sigers), "text")])
        # our assembly must equal keripy's messagize
        i = len(st.messages) - 1
        assert st.msg_bytes(i) == bytes(eventing.messagize(serder, sigers=sigers))
    db, kvy = new_kevery("single")
    verify_stream(st, kvy=kvy)
    assert kvy.kevers[pre].sn == 4
    db.close(clear=True)
    write_stream(outdir, st, True, dict(prefix=pre, final_sn=4))
    return pre, evts


# ---- b. weighted multisig with partial rotation ----------------------------

def kel_multisig(outdir):
    ss = signers(b"dkms-multisigslt", 9)
    w3 = ["1/2", "1/2", "1/2"]
    icp = eventing.incept(keys=[s.verfer.qb64 for s in ss[0:3]], isith=w3,
                          ndigs=[ndig(s) for s in ss[3:6]], nsith=w3, code=MtrDex.Blake3_256)
    pre = icp.pre
    st = Stream("kel_multisig_weighted",
                "3-key weighted KEL. icp keys S0,S1,S2 kt=nt=['1/2','1/2','1/2'], next H(S3),H(S4),H(S5); "
                "signed by S0 (A idx 0) and S2 (A idx 2). rot: keys [S5,S3,S6] (S4 kept in reserve, "
                "S6 new), next [H(S4),H(S7),H(S8)]; signatures 2A idx0/ondex2 (S5), 2A idx1/ondex0 (S3) "
                "and a current-only B idx2 (S6). ixn signed by S5,S3 (A idx 0, 1) and S6 (A idx 2). "
                "Salt b'dkms-multisigslt'.")
    sig_icp = [ss[0].sign(icp.raw, index=0), ss[2].sign(icp.raw, index=2)]
    st.add(icp, [(sigs_group(CtrDex.ControllerIdxSigs, sig_icp), "text")])
    rot = eventing.rotate(pre=pre, keys=[ss[5].verfer.qb64, ss[3].verfer.qb64, ss[6].verfer.qb64],
                          dig=icp.said, sn=1, isith=w3,
                          ndigs=[ndig(ss[4]), ndig(ss[7]), ndig(ss[8])], nsith=w3)
    sig_rot = [ss[5].sign(rot.raw, index=0, ondex=2),
               ss[3].sign(rot.raw, index=1, ondex=0),
               ss[6].sign(rot.raw, index=2, only=True)]
    assert [s.code for s in sig_rot] == ["2A", "2A", "B"], [s.code for s in sig_rot]
    st.add(rot, [(sigs_group(CtrDex.ControllerIdxSigs, sig_rot), "text")])
    ixn = eventing.interact(pre=pre, dig=rot.said, sn=2)
    sig_ixn = [ss[5].sign(ixn.raw, index=0), ss[3].sign(ixn.raw, index=1),
               ss[6].sign(ixn.raw, index=2)]
    st.add(ixn, [(sigs_group(CtrDex.ControllerIdxSigs, sig_ixn), "text")])
    for i, (s, sg) in enumerate(((icp, sig_icp), (rot, sig_rot), (ixn, sig_ixn))):
        assert st.msg_bytes(i) == bytes(eventing.messagize(s, sigers=sg))
    db, kvy = new_kevery("multisig")
    verify_stream(st, kvy=kvy)
    assert kvy.kevers[pre].sn == 2
    db.close(clear=True)
    write_stream(outdir, st, True, dict(prefix=pre, final_sn=2))


# ---- c. witnessed KEL ------------------------------------------------------

def build_witnessed():
    ss = signers(b"dkms-witnessed-c", 3)
    ws = signers(b"dkms-witnesses-c", 3, transferable=False)
    watcher = signers(b"dkms-watcher-slt", 1, transferable=False)[0]
    wits = [w.verfer.qb64 for w in ws]
    icp = eventing.incept(keys=[ss[0].verfer.qb64], ndigs=[ndig(ss[1])], wits=wits, toad=2,
                          code=MtrDex.Blake3_256)
    pre = icp.pre
    ixn = eventing.interact(pre=pre, dig=icp.said, sn=1)
    return ss, ws, watcher, icp, ixn


def kel_witnessed(outdir):
    ss, ws, watcher, icp, ixn = build_witnessed()
    pre = icp.pre
    st = Stream("kel_witnessed",
                "Witnessed KEL: icp with 3 non-transferable witnesses, bt (toad) = 2. "
                "icp carries -A (controller) and -B with witness sigs of W0, W1 (indices 0, 1). "
                "Then rct of icp with -C couple from W2 (witness) and a non-witness watcher. "
                "ixn (sn 1) with -A and -B (W0, W1, W2), then rct of ixn with -C couples from the "
                "3 witnesses. Salts b'dkms-witnessed-c' (controller), b'dkms-witnesses-c' (witnesses), "
                "b'dkms-watcher-slt' (watcher).")
    sig = [ss[0].sign(icp.raw, index=0)]
    wig = [ws[0].sign(icp.raw, index=0), ws[1].sign(icp.raw, index=1)]
    st.add(icp, [(sigs_group(CtrDex.ControllerIdxSigs, sig), "text"),
                 (sigs_group(CtrDex.WitnessIdxSigs, wig), "text")])
    assert st.msg_bytes(0) == bytes(eventing.messagize(icp, sigers=sig, wigers=wig))
    rct = eventing.receipt(pre=pre, sn=0, said=icp.said)
    cigs = [ws[2].sign(icp.raw), watcher.sign(icp.raw)]
    st.add(rct, [(Grp(CtrDex.NonTransReceiptCouples,
                      [x for c in cigs for x in (c.verfer, c)], count=len(cigs)), "text")])
    assert st.msg_bytes(1) == bytes(eventing.messagize(rct, cigars=cigs))
    sig2 = [ss[0].sign(ixn.raw, index=0)]
    wig2 = [w.sign(ixn.raw, index=i) for i, w in enumerate(ws)]
    st.add(ixn, [(sigs_group(CtrDex.ControllerIdxSigs, sig2), "text"),
                 (sigs_group(CtrDex.WitnessIdxSigs, wig2), "text")])
    rct2 = eventing.receipt(pre=pre, sn=1, said=ixn.said)
    cigs2 = [w.sign(ixn.raw) for w in ws]
    st.add(rct2, [(Grp(CtrDex.NonTransReceiptCouples,
                       [x for c in cigs2 for x in (c.verfer, c)], count=len(cigs2)), "text")])
    db, kvy = new_kevery("witnessed")
    verify_stream(st, kvy=kvy)
    assert kvy.kevers[pre].sn == 1
    db.close(clear=True)
    write_stream(outdir, st, True, dict(prefix=pre, final_sn=1))
    return st


# ---- d. delegation ---------------------------------------------------------

def build_delegated():
    ds = signers(b"dkms-delegator-d", 3)
    es = signers(b"dkms-delegate-d0", 3)
    r = []  # list of (serder, sigers, extra groups)
    dicp = eventing.incept(keys=[ds[0].verfer.qb64], ndigs=[ndig(ds[1])], code=MtrDex.Blake3_256)
    dpre = dicp.pre
    r.append((dicp, [ds[0].sign(dicp.raw, index=0)], []))
    dip = eventing.delcept(keys=[es[0].verfer.qb64], delpre=dpre, ndigs=[ndig(es[1])],
                           code=MtrDex.Blake3_256)
    epre = dip.pre
    ixn1 = eventing.interact(pre=dpre, dig=dicp.said, sn=1,
                             data=[dict(i=epre, s="0", d=dip.said)])
    r.append((ixn1, [ds[0].sign(ixn1.raw, index=0)], []))
    r.append((dip, [es[0].sign(dip.raw, index=0)],
              [Grp(CtrDex.SealSourceCouples, [Seqner(sn=1), Saider(qb64=ixn1.said)], count=1)]))
    drt = eventing.deltate(pre=epre, keys=[es[1].verfer.qb64], dig=dip.said, sn=1,
                           ndigs=[ndig(es[2])])
    ixn2 = eventing.interact(pre=dpre, dig=ixn1.said, sn=2,
                             data=[dict(i=epre, s="1", d=drt.said)])
    r.append((ixn2, [ds[0].sign(ixn2.raw, index=0)], []))
    r.append((drt, [es[1].sign(drt.raw, index=0)],
              [Grp(CtrDex.SealSourceCouples, [Seqner(sn=2), Saider(qb64=ixn2.said)], count=1)]))
    eixn = eventing.interact(pre=epre, dig=drt.said, sn=2)
    r.append((eixn, [es[1].sign(eixn.raw, index=0)], []))
    return dpre, epre, r


def kel_delegated(outdir):
    dpre, epre, evts = build_delegated()
    st = Stream("kel_delegated",
                "Delegation: delegator icp; delegator ixn (sn 1) anchoring the dip seal; delegate dip "
                "with -A and -G (Seqner 1 + SAID of that ixn); delegator ixn (sn 2) anchoring the drt; "
                "delegate drt with -A and -G (Seqner 2 + SAID); delegate ixn (sn 2). Salts "
                "b'dkms-delegator-d', b'dkms-delegate-d0'.")
    for serder, sigers, extra in evts:
        st.add(serder, [(sigs_group(CtrDex.ControllerIdxSigs, sigers), "text")] +
               [(g, "text") for g in extra])
    db, kvy = new_kevery("delegated")
    verify_stream(st, kvy=kvy)
    assert kvy.kevers[dpre].sn == 2 and kvy.kevers[epre].sn == 2
    assert kvy.kevers[epre].delegator == dpre
    db.close(clear=True)
    write_stream(outdir, st, True, dict(delegator=dpre, delegate=epre))


# ---- e. replay (cloneEvtMsg) -------------------------------------------------

def parse_replay_message(raw, offset):
    """Split one cloneEvtMsg output into body + its single -V group."""
    serder = serdering.SerderKERI(raw=bytes(raw))
    rest = bytes(raw[serder.size:])
    ctr = Counter(qb64b=rest)
    assert ctr.code == CtrDex.AttachedMaterialQuadlets
    glen = Counter.Sizes[ctr.code].fs + ctr.count * 4
    assert glen == len(rest)
    # list the nested group codes (for the description), by walking with keripy
    return serder, rest, ctr


def kel_replay(outdir):
    # source database: delegation + witnessed KEL + receipts
    db, kvy = new_kevery("replaysrc")
    dpre, epre, devts = build_delegated()
    src = Stream("tmp", "")
    for serder, sigers, extra in devts:
        src.add(serder, [(sigs_group(CtrDex.ControllerIdxSigs, sigers), "text")] +
                [(g, "text") for g in extra])
    ss, ws, watcher, icp, ixn = build_witnessed()
    wpre = icp.pre
    sig = [ss[0].sign(icp.raw, index=0)]
    wig = [ws[0].sign(icp.raw, index=0), ws[1].sign(icp.raw, index=1), ws[2].sign(icp.raw, index=2)]
    src.add(icp, [(sigs_group(CtrDex.ControllerIdxSigs, sig), "text"),
                  (sigs_group(CtrDex.WitnessIdxSigs, wig), "text")])
    rct = eventing.receipt(pre=wpre, sn=0, said=icp.said)
    cig = watcher.sign(icp.raw)
    src.add(rct, [(Grp(CtrDex.NonTransReceiptCouples, [cig.verfer, cig], count=1), "text")])
    # transferable receipt of the witnessed icp by the delegator (-F on rct)
    dicp = devts[0][0]
    dsigner = signers(b"dkms-delegator-d", 1)[0]
    tsig = dsigner.sign(icp.raw, index=0)
    src.add(rct, [(Grp(CtrDex.TransIdxSigGroups,
                       [Prefixer(qb64=dpre), Seqner(sn=0), Saider(qb64=dicp.said),
                        sigs_group(CtrDex.ControllerIdxSigs, [tsig])], count=1), "text")])
    wixn_sig = [ss[0].sign(ixn.raw, index=0)]
    wixn_wig = [w.sign(ixn.raw, index=i) for i, w in enumerate(ws)]
    src.add(ixn, [(sigs_group(CtrDex.ControllerIdxSigs, wixn_sig), "text"),
                  (sigs_group(CtrDex.WitnessIdxSigs, wixn_wig), "text")])
    verify_stream(src, kvy=kvy)
    assert db.getVrcs(dbing.dgKey(wpre, icp.said))

    st = Stream("kel_replay_pipelined",
                "Replay (keripy Baser.cloneEvtMsg via clonePreIter) of: the delegator KEL "
                "(icp, ixn, ixn), the delegate KEL (dip, drt with -G, ixn) and a witnessed KEL "
                "(icp with 3 witness sigs, a non-witness -C receipt and a -D transferable receipt "
                "from the delegator; ixn). Each message is body + ONE top-level -V group wrapping "
                "-A, then -B (witnessed), -G (delegated establishment events), -D, -C, and -E "
                "(first-seen ordinal + datetime; datetimes come from a fixed fake clock).")
    for pre in (dpre, epre, wpre):
        for fn, msg in enumerate(db.clonePreIter(pre=pre, fn=0)):
            serder, rest, ctr = parse_replay_message(msg, len(st.buf))
            # nested codes (informational), walk with keripy Counter
            codes = []
            pos = 4
            while pos < len(rest):
                c = Counter(qb64b=rest[pos:])
                codes.append(c.code)
                pos += 4
                # skip the items of this group using keripy primitives
                sub = bytearray(rest[pos:])
                n0 = len(sub)
                for _ in range(c.count):
                    if c.code in (CtrDex.ControllerIdxSigs, CtrDex.WitnessIdxSigs):
                        Siger(qb64b=sub, strip=True)
                    elif c.code == CtrDex.NonTransReceiptCouples:
                        Matter(qb64b=sub, strip=True); Matter(qb64b=sub, strip=True)
                    elif c.code == CtrDex.TransReceiptQuadruples:
                        for _k in range(3):
                            Matter(qb64b=sub, strip=True)
                        Siger(qb64b=sub, strip=True)
                    elif c.code in (CtrDex.FirstSeenReplayCouples, CtrDex.SealSourceCouples):
                        Matter(qb64b=sub, strip=True); Matter(qb64b=sub, strip=True)
                    else:
                        raise AssertionError(c.code)
                pos += n0 - len(sub)
            st.add(serder, raw_groups=[(rest, ctr.code, ctr.count, "text")])
            st.messages[-1]["groups"][0]["nested_codes"] = codes
    db.close(clear=True)
    alls = [c for m in st.messages for c in m["groups"][0]["nested_codes"]]
    for need in ("-A", "-B", "-C", "-D", "-E", "-G"):
        assert need in alls, need
    db2, kvy2 = new_kevery("replaydst")
    verify_stream(st, kvy=kvy2)
    assert kvy2.kevers[dpre].sn == 2 and kvy2.kevers[epre].sn == 2 and kvy2.kevers[wpre].sn == 1
    db2.close(clear=True)
    write_stream(outdir, st, True, dict(prefixes=[dpre, epre, wpre],
                                        note="groups[].nested_codes lists the groups inside each -V "
                                             "(informational; not top-level groups)"))


# ---- f. binary attachments ---------------------------------------------------

def kel_binary(outdir):
    pre, evts = build_single()
    st = Stream("kel_binary_attachments",
                "Same events as kel_single but every attachment group in the binary domain (qb2). "
                "The rot (sn 1) uses a binary -V pipeline group (count = bytes/3) wrapping a binary -A. "
                "The final message is a rct of the icp followed by a TEXT -C group (watcher 0) and then "
                "a BINARY -C group (watcher 1) after the same body.")
    for serder, sgrs in evts:
        sigers = sign_all(serder, sgrs)
        g = sigs_group(CtrDex.ControllerIdxSigs, sigers)
        if serder.ilk == "rot":
            g = Grp(CtrDex.AttachedMaterialQuadlets, [g])
        st.add(serder, [(g, "binary")])
    icp = evts[0][0]
    rct = eventing.receipt(pre=pre, sn=0, said=icp.said)
    w = signers(b"dkms-watchers-f0", 2, transferable=False)
    c0, c1 = w[0].sign(icp.raw), w[1].sign(icp.raw)
    st.add(rct, [(Grp(CtrDex.NonTransReceiptCouples, [c0.verfer, c0], count=1), "text"),
                 (Grp(CtrDex.NonTransReceiptCouples, [c1.verfer, c1], count=1), "binary")])
    db, kvy = new_kevery("binary")
    verify_stream(st, kvy=kvy)
    assert kvy.kevers[pre].sn == 4
    assert len(db.getRcts(dbing.dgKey(pre, icp.said))) == 2
    db.close(clear=True)
    write_stream(outdir, st, True, dict(prefix=pre, final_sn=4))


# ---- g. CBOR / MGPK ------------------------------------------------------------

def kel_kind(outdir, kind):
    ss = signers(b"dkms-kinds-salt0", 3)
    icp = eventing.incept(keys=[ss[0].verfer.qb64], ndigs=[ndig(ss[1])], code=MtrDex.Blake3_256,
                          kind=kind)
    pre = icp.pre
    ixn = eventing.interact(pre=pre, dig=icp.said, sn=1, data=[dict(i=pre, s="0", d=icp.said)],
                            kind=kind)
    name = "kel_cbor" if kind == Serials.cbor else "kel_mgpk"
    st = Stream(name, f"icp + ixn with {kind} bodies, each followed by a text -A group. "
                "Salt b'dkms-kinds-salt0'.")
    for s in (icp, ixn):
        st.add(s, [(sigs_group(CtrDex.ControllerIdxSigs, [ss[0].sign(s.raw, index=0)]), "text")])
    db, kvy = new_kevery(name)
    verify_stream(st, kvy=kvy)
    assert kvy.kevers[pre].sn == 1
    db.close(clear=True)
    write_stream(outdir, st, True, dict(prefix=pre, final_sn=1))


# ---- h. misc groups -------------------------------------------------------------

def misc_groups(outdir):
    a = signers(b"dkms-misc-alice0", 2)
    b = signers(b"dkms-misc-bob000", 2)
    aicp = eventing.incept(keys=[a[0].verfer.qb64], ndigs=[ndig(a[1])], code=MtrDex.Blake3_256)
    bicp = eventing.incept(keys=[b[0].verfer.qb64], ndigs=[ndig(b[1])], code=MtrDex.Blake3_256)
    apre, bpre = aicp.pre, bicp.pre
    A = lambda s: sigs_group(CtrDex.ControllerIdxSigs, [a[0].sign(s.raw, index=0)])  # noqa: E731
    B = lambda s: sigs_group(CtrDex.ControllerIdxSigs, [b[0].sign(s.raw, index=0)])  # noqa: E731

    def bob_tsg(s):
        return Grp(CtrDex.TransIdxSigGroups,
                   [Prefixer(qb64=bpre), Seqner(sn=0), Saider(qb64=bicp.said), B(s)], count=1)

    st = Stream("misc_groups",
                "Assorted attachment groups. Alice and Bob are single-key transferable AIDs (salts "
                "b'dkms-misc-alice0', b'dkms-misc-bob000'). Messages: 0 Alice icp -A; 1 Bob icp -A; "
                "2 rct of Alice icp with a -F group (Bob pre + Seqner 0 + Bob icp SAID + nested -A); "
                "3 Alice ixn with -A, then -D (Bob trans receipt quadruple), then -I (seal source "
                "triple, pre+Seqner+SAID of Bob's icp; ignored by keripy for KEL events); "
                "4 qry (route 'logs') by Bob with -H (Bob pre + nested -A), as messagize(seal=SealLast); "
                "5 exn from Bob with -F, then -L (pathed material from exchange(embeds=...): Pather "
                "['e','evt'] + the embedded ixn's -A group), then -K (root Pather '-' + 2 x -J groups "
                "built by keripy proofize: each -J = Pather + -F group); "
                "6 exn from Bob with -F then a single -J (Pather + -A group, proofize sadsigers). "
                "Sad-path signatures are over the exn body raw (format vectors; keripy 1.1.17's parser "
                "collects but does not verify them).")
    st.add(aicp, [(A(aicp), "text")])
    st.add(bicp, [(B(bicp), "text")])
    rct = eventing.receipt(pre=apre, sn=0, said=aicp.said)
    # the -F signature is over the receipted event (Alice icp)
    st.add(rct, [(Grp(CtrDex.TransIdxSigGroups,
                      [Prefixer(qb64=bpre), Seqner(sn=0), Saider(qb64=bicp.said),
                       sigs_group(CtrDex.ControllerIdxSigs, [b[0].sign(aicp.raw, index=0)])],
                      count=1), "text")])
    aixn = eventing.interact(pre=apre, dig=aicp.said, sn=1)
    quad = Grp(CtrDex.TransReceiptQuadruples,
               [Prefixer(qb64=bpre), Seqner(sn=0), Saider(qb64=bicp.said),
                b[0].sign(aixn.raw, index=0)], count=1)
    trip = Grp(CtrDex.SealSourceTriples,
               [Prefixer(qb64=bpre), Seqner(sn=0), Saider(qb64=bicp.said)], count=1)
    st.add(aixn, [(A(aixn), "text"), (quad, "text"), (trip, "text")])
    qry = eventing.query(route="logs", query=dict(i=apre, src=bpre),
                         stamp="2024-01-02T03:04:05.678901+00:00")
    qsig = [b[0].sign(qry.raw, index=0)]
    hgrp = Grp(CtrDex.TransLastIdxSigGroups,
               [Prefixer(qb64=bpre), sigs_group(CtrDex.ControllerIdxSigs, qsig)], count=1)
    st.add(qry, [(hgrp, "text")])
    assert st.msg_bytes(4) == bytes(eventing.messagize(qry, sigers=qsig,
                                                       seal=eventing.SealLast(i=bpre)))
    # exn with embedded Alice ixn (gives -L), -F, and -K/-J from proofize
    aixn_msg = eventing.messagize(aixn, sigers=[a[0].sign(aixn.raw, index=0)])
    exn, end = exchanging.exchange(route="/dkms/test", payload=dict(m="hello"), sender=bpre,
                                   date="2024-01-02T03:04:05.678901+00:00",
                                   embeds=dict(evt=aixn_msg))
    lctr = Counter(qb64b=bytes(end))
    assert lctr.code == CtrDex.PathedMaterialQuadlets and len(end) == 4 + 4 * lctr.count
    sadtsgs = [(Pather(path=["a"]), Prefixer(qb64=bpre), Seqner(sn=0), Saider(qb64=bicp.said),
                [b[0].sign(exn.raw, index=0)]),
               (Pather(path=["e", "evt"]), Prefixer(qb64=bpre), Seqner(sn=0), Saider(qb64=bicp.said),
                [b[0].sign(exn.raw, index=0)])]
    proof = bytes(eventing.proofize(sadtsgs=sadtsgs))
    kctr = Counter(qb64b=proof)
    assert kctr.code == CtrDex.SadPathSigGroup and kctr.count == 2
    st.add(exn, [(bob_tsg(exn), "text")],
           raw_groups=[(bytes(end), lctr.code, lctr.count, "text"),
                       (proof, kctr.code, kctr.count, "text")])
    exn2, _ = exchanging.exchange(route="/dkms/test2", payload=dict(m="again"), sender=bpre,
                                  date="2024-01-02T03:04:06.678901+00:00")
    proof2 = bytes(eventing.proofize(sadtsgs=[], sadsigers=[(Pather(path=["a", "m"]),
                                                             [b[0].sign(exn2.raw, index=0)])]))
    jctr = Counter(qb64b=proof2)
    assert jctr.code == CtrDex.SadPathSig and jctr.count == 1
    st.add(exn2, [(bob_tsg(exn2), "text")], raw_groups=[(proof2, jctr.code, jctr.count, "text")])

    db, kevery = new_kevery("misc")
    kvy = Recorder(kevery)
    exc = Recorder()
    verify_stream(st, kvy=kvy, exc=exc)
    assert kevery.kevers[apre].sn == 1 and bpre in kevery.kevers
    assert kvy.calls == ["processEvent", "processEvent", "processReceiptTrans", "processEvent",
                         "processReceiptQuadruples", "processQuery"], kvy.calls
    assert exc.calls == ["processEvent", "processEvent"], exc.calls
    assert db.getVrcs(dbing.dgKey(apre, aixn.said)), "trans receipt quadruple not stored"
    db.close(clear=True)
    write_stream(outdir, st, True, dict(
        alice=apre, bob=bpre,
        keripy_dispatch=dict(kevery=kvy.calls, exchanger=exc.calls),
        note="exn messages were dispatched to a recording stub Exchanger; the -J/-K/-L content "
             "was extracted by keripy's parser without error"))


# ---- invalid streams -------------------------------------------------------------

def invalid_streams(outdir):
    pre, evts = build_single()
    icp, sg = evts[0]
    sig = sg[0].sign(icp.raw, index=0)
    good = bytes(eventing.messagize(icp, sigers=[sig]))
    body = bytes(icp.raw)
    a_grp = bytes(good[len(body):])
    ixn, isg = evts[2]
    good_ixn = bytes(eventing.messagize(ixn, sigers=[isg[0].sign(ixn.raw, index=0)]))
    cases = []
    cases.append(("truncated_body", body[:-10],
                  "body shorter than the size in its version string"))
    cases.append(("truncated_body_short", body[:20],
                  "fewer than 29 bytes: version string cannot even be located"))
    vs = icp.ked["v"]
    size = int(vs[10:16], 16)
    for delta, nm in ((-1, "vs_size_too_small"), (+1, "vs_size_too_large")):
        bad_vs = vs[:10] + f"{size + delta:06x}" + "_"
        bad = body.replace(vs.encode(), bad_vs.encode(), 1) + a_grp
        cases.append((nm, bad, f"version string size {size + delta:#x} but body is {size:#x} bytes"))
    # version string beyond offset 12
    sad = dict(icp.ked)
    pad = {"xxxxxxxxx": "y"}
    pad.update(sad)
    raw = json.dumps(pad, separators=(",", ":"), ensure_ascii=False).encode()
    raw = raw.replace(vs.encode(), (vs[:10] + f"{len(raw):06x}_").encode())
    assert raw.index(b"KERI10") > 12
    cases.append(("vs_beyond_offset_12", raw + a_grp,
                  f"version string starts at byte {raw.index(b'KERI10')} (> 12)"))
    pad = {"x": ""}  # '{"x":"","v":"' puts the version string at byte 13
    pad.update(sad)
    raw = json.dumps(pad, separators=(",", ":"), ensure_ascii=False).encode()
    raw = raw.replace(vs.encode(), (vs[:10] + f"{len(raw):06x}_").encode())
    off = raw.index(b"KERI10")
    cases.append((f"vs_at_offset_{off}", raw + a_grp,
                  f"version string at byte {off} (> 12), extra leading field"))
    cases.append(("unknown_counter", body + b"-ZAB" + a_grp[4:],
                  "unknown counter code -Z in the attachments"))
    cases.append(("unknown_counter_binary", body + coring.codeB64ToB2("-ZAB") +
                  coring.decodeB64(a_grp[4:]), "unknown counter code -Z (binary domain)"))
    cases.append(("truncated_attachment_group", body + a_grp[:-4],
                  "-AAB announces one signature but it is 4 chars short at end of stream"))
    cases.append(("attachment_count_too_large_then_next_message", body + b"-AAC" + a_grp[4:] + good_ixn,
                  "-AAC announces 2 signatures, only 1 present before the next message body"))
    inner = a_grp
    vbad = Counter(code=CtrDex.AttachedMaterialQuadlets, count=len(inner) // 4 + 5).qb64b + inner
    cases.append(("pipeline_count_too_large", body + vbad,
                  "-V count 5 quadlets larger than what follows"))
    vbad2 = Counter(code=CtrDex.AttachedMaterialQuadlets, count=len(inner) // 4 + 1).qb64b + inner + good_ixn
    cases.append(("pipeline_count_too_large_then_next_message", body + vbad2,
                  "-V count 1 quadlet too large: it swallows the first quadlet of the next message"))
    vsmall = Counter(code=CtrDex.AttachedMaterialQuadlets, count=len(inner) // 4 - 1).qb64b + inner
    cases.append(("pipeline_count_too_small", body + vsmall,
                  "-V count 1 quadlet too small: content inside the -V frame is truncated"))
    cases.append(("attachment_at_stream_start", a_grp + good,
                  "stream starts with a counter (cold start must be a message body)"))
    cases.append(("binary_counter_at_stream_start", coring.decodeB64(a_grp) + good,
                  "stream starts with a binary counter"))
    cases.append(("garbage_byte_at_start", b"\x00" + good, "0x00 byte at stream start (tritet 0b000)"))
    cases.append(("garbage_byte_between_messages", good + b"!" + good_ixn,
                  "'!' (tritet 0b001, looks like text counter) between two messages"))
    cases.append(("garbage_byte_in_attachments", body + b"-AAB" + b"\xff" + a_grp[5:],
                  "0xff byte inside a text signature"))
    cases.append(("matter_where_counter_expected", body + a_grp[4:],
                  "signature without its -A counter"))
    cases.append(("key_event_without_signatures", body,
                  "well-framed icp with no attachments at end of stream: keripy keeps waiting for "
                  "attachments"))
    cases.append(("key_event_without_signatures_then_next_message", body + good_ixn,
                  "icp with no attachments followed by another message: keripy rejects key events "
                  "without -A (ValidationError), the stream is not flushed"))
    spaced = body.replace(b'","t":', b'", "t":', 1)
    spaced = spaced.replace(vs.encode(), (vs[:10] + f"{len(spaced):06x}_").encode())
    cases.append(("non_canonical_json", spaced + a_grp,
                  "extra space in the JSON body (size adjusted): keripy re-serializes and rejects"))
    bad_proto = body.replace(b"KERI10JSON", b"KERI20JSON", 1) + a_grp
    cases.append(("unsupported_version", bad_proto, "version string says KERI 2.0 in v1 format"))

    out = []
    for name, data, why in cases:
        kvy = Recorder()
        ends, outcome = drive(bytearray(data), kvy=kvy)
        if outcome is None:
            beh = "parsed without error"
        elif outcome == "stall":
            beh = "waits for more bytes (ShortageError internally; stream never completes)"
        else:
            beh = f"raises {errname(outcome)}"
        done = [e for e in ends if e >= 0]
        consumed = -ends[-1] - 1 if ends and ends[-1] < 0 else (done[-1] if done else 0)
        out.append(dict(name=name, input_hex=data.hex(), why=why,
                        keripy=dict(behaviour=beh, messages_completed=len(done),
                                    bytes_consumed=consumed,
                                    dispatched=kvy.calls)))
    sdir = os.path.join(outdir, "streams")
    os.makedirs(sdir, exist_ok=True)
    dump(os.path.join(sdir, "invalid.json"), out)
    return out


# --------------------------------------------------------------------------

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--out", required=True, help="output folder")
    args = ap.parse_args(argv)
    out = args.out
    os.makedirs(out, exist_ok=True)
    rng = random.Random(SEED)

    dump(os.path.join(out, "tables.json"), gen_tables())
    dump(os.path.join(out, "matter.json"), gen_matter(rng))
    dump(os.path.join(out, "matter_invalid.json"), gen_matter_invalid(rng))
    dump(os.path.join(out, "indexer.json"), gen_indexer(rng))
    dump(os.path.join(out, "counter.json"), gen_counter())

    kel_single(out)
    kel_multisig(out)
    kel_witnessed(out)
    kel_delegated(out)
    kel_replay(out)
    kel_binary(out)
    kel_kind(out, Serials.cbor)
    kel_kind(out, Serials.mgpk)
    misc_groups(out)
    invalid_streams(out)
    print(f"wrote vectors to {out}")


if __name__ == "__main__":
    main()
