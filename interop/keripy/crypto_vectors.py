#!/usr/bin/env python3
"""
Generate crypto known-answer vectors for dkms-crypto from keripy 1.1.17.

Usage (from the workspace root):

    /tmp/kerivenv/bin/python interop/keripy/crypto_vectors.py \
        --out crates/dkms-crypto/tests/vectors/keripy-1.1.17

Everything is deterministic: fixed salts, fixed messages, Ed25519 (which is
deterministic), ECDSA signatures made with RFC 6979 nonces (OpenSSL through
`cryptography`, `deterministic_signing=True`) instead of keripy's random
nonces, and Ed25519 edge cases built from fixed scalars with a small
pure-Python curve implementation. Two runs give byte-identical files.

Every acceptance flag written here comes from keripy itself: `Verfer.verify`
(libsodium `crypto_sign_verify_detached` for Ed25519, OpenSSL through
`cryptography` for ECDSA), `Diger`/`Saider.Digests` for digests and
`Salter.signers` for key derivation.
"""

import argparse
import hashlib
import json
import os

import keri
import pysodium
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, utils

from keri.core.coring import (Diger, Indexer, IdrDex, Matter, MtrDex, Saider,
                              Salter, Siger, Signer, Tiers, Verfer, Cigar)

assert keri.__version__ == "1.1.17", f"need keri 1.1.17, have {keri.__version__}"


def sodium_version():
    import ctypes
    fn = pysodium.sodium.sodium_version_string
    fn.restype = ctypes.c_char_p
    return fn().decode()


def hx(b):
    return bytes(b).hex()


def dump(out, name, obj):
    path = os.path.join(out, name)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=1, sort_keys=False, ensure_ascii=False)
        f.write("\n")
    return path


def pattern(n, mul=7, add=3):
    """Deterministic byte pattern of length n."""
    return bytes(((i * mul + add) & 0xFF) for i in range(n))


MESSAGES = [
    b"",
    b"abc",
    b"The quick brown fox jumps over the lazy dog",
    pattern(300),
    pattern(1024, 13, 1),
]

SALTS = [b"0123456789abcdef", b"abcdef0123456789", bytes(range(16))]


# --------------------------------------------------------------------------
# digests
# --------------------------------------------------------------------------

DIGEST_CODES = [
    ("Blake3_256", MtrDex.Blake3_256),
    ("Blake2b_256", MtrDex.Blake2b_256),
    ("Blake2s_256", MtrDex.Blake2s_256),
    ("SHA3_256", MtrDex.SHA3_256),
    ("SHA2_256", MtrDex.SHA2_256),
    ("Blake3_512", MtrDex.Blake3_512),
    ("Blake2b_512", MtrDex.Blake2b_512),
    ("SHA3_512", MtrDex.SHA3_512),
    ("SHA2_512", MtrDex.SHA2_512),
]


def keripy_digest(code, ser):
    """The digest keripy computes for `code` (Saider.Digests, as in SAIDs)."""
    klas, size, length = Saider.Digests[code]
    ckwa = dict(digest_size=size) if size else {}
    dkwa = dict(length=length) if length else {}
    return klas(ser, **ckwa).digest(**dkwa)


def digests():
    inputs = MESSAGES + [pattern(64), pattern(65), pattern(1000, 31, 5)]
    cases = []
    for msg in inputs:
        for name, code in DIGEST_CODES:
            raw = keripy_digest(code, msg)
            qb64 = Matter(raw=raw, code=code).qb64
            if code in (MtrDex.Blake3_256, MtrDex.Blake2b_256, MtrDex.Blake2s_256,
                        MtrDex.SHA3_256, MtrDex.SHA2_256) and msg:
                # 1.1 Diger (which refuses an empty ser) supports only the 256-bit codes: cross-check
                diger = Diger(ser=msg, code=code)
                assert diger.qb64 == qb64, (name, diger.qb64, qb64)
                assert diger.verify(msg)
            cases.append(dict(code=code, name=name, msg=hx(msg), qb64=qb64))
    # 512-bit codes are rejected by keripy 1.1's Diger (Saider only)
    diger_512 = {}
    for name, code in DIGEST_CODES[5:]:
        try:
            Diger(ser=b"abc", code=code)
            diger_512[code] = "accepted"
        except Exception as ex:  # noqa: BLE001
            diger_512[code] = type(ex).__name__
    return dict(
        note="qb64 of keripy's digest (Saider.Digests table) of msg for every DigDex code; "
             "256-bit ones cross-checked with Diger(ser=msg, code=code)",
        diger_rejects_512=diger_512,
        cases=cases)


# --------------------------------------------------------------------------
# salt-based derivation (Salter) and signing
# --------------------------------------------------------------------------

SEED_CODES = [("Ed25519", MtrDex.Ed25519_Seed),
              ("ECDSA_256k1", MtrDex.ECDSA_256k1_Seed),
              ("ECDSA_256r1", MtrDex.ECDSA_256r1_Seed)]

CURVES = {MtrDex.ECDSA_256k1_Seed: ec.SECP256K1(), MtrDex.ECDSA_256r1_Seed: ec.SECP256R1()}
ORDERS = {
    MtrDex.ECDSA_256k1_Seed: 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141,
    MtrDex.ECDSA_256r1_Seed: 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
}
SIG_CODES = {MtrDex.Ed25519_Seed: MtrDex.Ed25519_Sig,
             MtrDex.ECDSA_256k1_Seed: MtrDex.ECDSA_256k1_Sig,
             MtrDex.ECDSA_256r1_Seed: MtrDex.ECDSA_256r1_Sig}


def ecdsa_sign_rfc6979(seed_code, seed, msg):
    """r||s with an RFC 6979 nonce (SHA-256), as OpenSSL makes it: no low-S normalisation."""
    d = int.from_bytes(seed, "big")
    key = ec.derive_private_key(d, CURVES[seed_code])
    der = key.sign(msg, ec.ECDSA(hashes.SHA256(), deterministic_signing=True))
    r, s = utils.decode_dss_signature(der)
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def signer_entry(signer, msgs):
    """Seed, verfer and signatures (Ed25519 exact; ECDSA RFC 6979) checked by keripy."""
    code = signer.code
    e = dict(seed=signer.qb64, seed_raw=hx(signer.raw), verfer=signer.verfer.qb64)
    sigs = []
    for msg in msgs:
        if code == MtrDex.Ed25519_Seed:
            cigar = signer.sign(msg)
            raw = cigar.raw
        else:
            raw = ecdsa_sign_rfc6979(code, signer.raw, msg)
            # keripy's own (randomized) signature must verify too
            assert signer.verfer.verify(signer.sign(msg).raw, msg)
        assert signer.verfer.verify(raw, msg), "keripy rejects its own signature"
        sigs.append(dict(msg=hx(msg), cigar=Matter(raw=raw, code=SIG_CODES[code]).qb64))
    e["signatures"] = sigs
    return e


def salter_vectors():
    cases = []
    # temp (test) tier: every algorithm, both transferabilities, paths and starts
    for salt in SALTS:
        salter = Salter(raw=salt)
        for alg, code in SEED_CODES:
            for transferable in (True, False):
                for path, start, count in (("", 0, 3), ("abc", 0, 2), ("", 9, 8), ("wit/", 250, 2)):
                    signers = salter.signers(count=count, start=start, path=path, code=code,
                                             transferable=transferable, temp=True)
                    msgs = [b"abc"] if (path, start) != ("", 0) else MESSAGES[:3]
                    cases.append(dict(
                        salt=salter.qb64, tier="temp", algorithm=alg, code=code,
                        transferable=transferable, path=path, start=start, count=count,
                        paths=[f"{path}{i + start:x}" for i in range(count)],
                        signers=[signer_entry(s, msgs) for s in signers]))
    # production tiers, one Ed25519 seed each (libsodium interactive/moderate/sensitive)
    salter = Salter(raw=SALTS[0])
    for tier in (Tiers.low, Tiers.med, Tiers.high):
        signers = salter.signers(count=1, start=0, path="", tier=tier, temp=False)
        cases.append(dict(salt=salter.qb64, tier=tier, algorithm="Ed25519",
                          code=MtrDex.Ed25519_Seed, transferable=True, path="", start=0,
                          count=1, paths=["0"], signers=[signer_entry(s, [b"abc"]) for s in signers]))
    # a Salter's default tier is low
    assert Salter(raw=SALTS[1]).signers(count=1)[0].qb64 == \
        Salter(raw=SALTS[1]).signers(count=1, tier=Tiers.low)[0].qb64
    # raw stretch with an empty path (signer(path="") uses it)
    stretch = []
    for tier, temp in (("temp", True), (Tiers.low, False)):
        for path in ("", "0", "a", "ff", "path/with/slashes", "\u00e9t\u00e9"):
            raw = salter.stretch(size=32, path=path, tier=None if temp else tier, temp=temp)
            stretch.append(dict(salt=salter.qb64, tier=tier, path=path, seed_raw=hx(raw)))
    tiers = dict(temp=dict(opslimit=1, memlimit=8192),
                 low=dict(opslimit=2, memlimit=67108864),
                 med=dict(opslimit=3, memlimit=268435456),
                 high=dict(opslimit=4, memlimit=1073741824))
    return dict(
        note="Salter(raw=salt).signers(count, start, path, code, transferable, tier|temp=True); "
             "Ed25519 signatures are exact (deterministic); ECDSA ones use RFC 6979 nonces, "
             "keripy verifies them. `paths` are the Argon2id passwords keripy used.",
        tiers=tiers, stretch=stretch, cases=cases)


def indexed_vectors():
    """Signer.sign(ser, index, only, ondex): the code keripy picks and the exact Siger."""
    salter = Salter(raw=SALTS[0])
    msg = b"indexed signature test"
    cases = []
    for alg, code in SEED_CODES:
        signer = salter.signer(code=code, path="idx", temp=True)
        for index, only, ondex in ((0, False, None), (5, False, None), (5, True, None),
                                   (63, False, None), (63, True, None), (64, False, None),
                                   (64, True, None), (70, True, None), (1, False, 3),
                                   (3, False, 3), (0, False, 4095), (4095, False, None),
                                   (4095, True, None), (7, True, 9)):
            siger = signer.sign(msg, index=index, only=only, ondex=ondex)
            entry = dict(algorithm=alg, seed=signer.qb64, verfer=signer.verfer.qb64,
                         msg=hx(msg), index=index, only=only, ondex=ondex,
                         siger_code=siger.code, siger_index=siger.index,
                         siger_ondex=siger.ondex)
            if code == MtrDex.Ed25519_Seed:
                entry["siger"] = siger.qb64
            else:
                raw = ecdsa_sign_rfc6979(code, signer.raw, msg)
                entry["siger"] = Siger(raw=raw, code=siger.code, index=siger.index,
                                       ondex=siger.ondex).qb64
            assert signer.verfer.verify(Siger(qb64=entry["siger"]).raw, msg)
            cases.append(entry)
        for index, only, ondex in ((4096, False, None), (4096, True, None), (1, False, 4096)):
            try:
                signer.sign(msg, index=index, only=only, ondex=ondex)
                err = None
            except Exception as ex:  # noqa: BLE001
                err = type(ex).__name__
            cases.append(dict(algorithm=alg, seed=signer.qb64, verfer=signer.verfer.qb64,
                              msg=hx(msg), index=index, only=only, ondex=ondex, error=err))
    return dict(note="Signer.sign(msg, index, only, ondex) -> Siger; `error` when keripy raises",
                cases=cases)


# --------------------------------------------------------------------------
# Ed25519 edge cases against libsodium (pure-Python curve arithmetic)
# --------------------------------------------------------------------------

P = 2 ** 255 - 19
L = 2 ** 252 + 27742317777372353535851937790883648493
D = (-121665 * pow(121666, P - 2, P)) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)


def inv(x):
    return pow(x, P - 2, P)


def padd(a, b):
    (x1, y1), (x2, y2) = a, b
    t = D * x1 * x2 * y1 * y2 % P
    x3 = (x1 * y2 + x2 * y1) * inv(1 + t) % P
    y3 = (y1 * y2 + x1 * x2) * inv(1 - t) % P
    return (x3, y3)


def pneg(a):
    return ((-a[0]) % P, a[1])


IDENT = (0, 1)


def pmul(k, a):
    r = IDENT
    k = k % (8 * L)
    while k:
        if k & 1:
            r = padd(r, a)
        a = padd(a, a)
        k >>= 1
    return r


def recover_x(y, sign):
    if y >= P:
        return None
    x2 = (y * y - 1) * inv(D * y * y + 1) % P
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P != 0:
        x = x * SQRT_M1 % P
    if (x * x - x2) % P != 0:
        return None
    if (x & 1) != sign:
        x = P - x
    return x


def decode_point(b, allow_noncanonical=True):
    v = int.from_bytes(b, "little")
    sign = v >> 255
    y = v & ((1 << 255) - 1)
    if y >= P:
        if not allow_noncanonical:
            return None
        y -= P
    x = recover_x(y, sign)
    if x is None:
        # sign bit set with x == 0: decoders differ; treat as the x = 0 point
        x2 = recover_x(y, 0)
        if x2 == 0:
            return (0, y)
        return None
    return (x, y)


def encode_point(pt):
    x, y = pt
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


def enc_y(y, sign=0):
    return (y | (sign << 255)).to_bytes(32, "little")


BY = 4 * inv(5) % P
B = (recover_x(BY, 0), BY)


def hram(r_bytes, a_bytes, msg):
    return int.from_bytes(hashlib.sha512(r_bytes + a_bytes + msg).digest(), "little") % L


def point_order(pt):
    for o in (1, 2, 4, 8):
        if pmul(o, pt) == IDENT:
            return o
    return None


def torsion8():
    """A point of order exactly 8: the torsion part of a non-subgroup point."""
    y = 2
    while True:
        x = recover_x(y, 0)
        if x is not None:
            t = pmul(L, (x, y))
            if point_order(t) == 8:
                return t
        y += 1


def scalar_from(label):
    return int.from_bytes(hashlib.sha512(label).digest(), "little") % L


def sodium_ok(pk, sig, msg):
    try:
        pysodium.crypto_sign_verify_detached(sig, msg, pk)
        return True
    except Exception:  # noqa: BLE001
        return False


def keripy_ok(pk, sig, msg, code=MtrDex.Ed25519):
    """Verfer.verify as keripy runs it (catches everything, returns a bool)."""
    return Verfer(raw=pk, code=code).verify(sig, msg)


def ed25519_edge():
    T8 = torsion8()
    small = [pmul(k, T8) for k in range(8)]  # all 8 small-order points
    assert len({encode_point(p) for p in small}) == 8
    seed = bytes(range(32))
    h = hashlib.sha512(seed).digest()
    a = int.from_bytes(h[:32], "little")
    a &= (1 << 254) - 8
    a |= 1 << 254
    A = pmul(a, B)
    Ab = encode_point(A)
    pk, _ = pysodium.crypto_sign_seed_keypair(seed)
    assert pk == Ab
    cases = []

    def add(name, pkb, sigb, msg, why):
        ok = sodium_ok(pkb, sigb, msg)
        assert ok == keripy_ok(pkb, sigb, msg)
        cases.append(dict(name=name, pk=hx(pkb), sig=hx(sigb), msg=hx(msg),
                          libsodium=ok, why=why))

    def sign_with(a_scalar, a_bytes, msg, r_label):
        r = scalar_from(r_label + msg)
        Rb = encode_point(pmul(r, B))
        hh = hram(Rb, a_bytes, msg)
        return Rb + ((r + hh * a_scalar) % L).to_bytes(32, "little")

    msg = b"edge case message"
    good = pysodium.crypto_sign_detached(msg, seed + pk)
    add("valid", pk, good, msg, "honest libsodium signature")
    add("valid_other_msg", pk, good, msg + b"!", "message changed")
    R_b, s = good[:32], int.from_bytes(good[32:], "little")
    add("s_plus_l", pk, R_b + (s + L).to_bytes(32, "little"), msg,
        "S + L: same value mod L, non-canonical S (malleability)")
    s_hi = (s + 2 * L) if s + 2 * L < 2 ** 256 else s + L
    add("s_plus_2l", pk, R_b + s_hi.to_bytes(32, "little"), msg, "S + 2L, non-canonical S")
    add("s_equals_l", pk, R_b + L.to_bytes(32, "little"), msg, "S = L")
    add("s_top_bit", pk, R_b + (s | (1 << 255)).to_bytes(32, "little"), msg, "S with bit 255 set")
    add("s_all_ff", pk, R_b + b"\xff" * 32, msg, "S = 2^256 - 1")
    add("sig_zero", pk, bytes(64), msg, "all-zero signature (R = non-canonical? y=0, S=0)")

    # small-order public keys with signatures that satisfy the cofactorless equation
    for i, T in enumerate(small):
        Tb = encode_point(T)
        m = b"small order key %d" % i
        order = point_order(T)
        sig = None
        for tries in range(200):
            sc = scalar_from(b"sk%d-%d" % (i, tries))
            for k in range(order):
                R = padd(pmul(sc, B), pneg(pmul(k, T)))
                Rb = encode_point(R)
                hh = hram(Rb, Tb, m)
                if (hh - k) % order == 0:
                    sig = Rb + sc.to_bytes(32, "little")
                    break
            if sig:
                break
        assert sig is not None
        # sanity: cofactorless equation holds
        Rb = sig[:32]
        assert padd(pmul(sc, B), pneg(pmul(hram(Rb, Tb, m), T))) == decode_point(Rb)
        add(f"small_order_key_{i}_order{order}", Tb, sig, m,
            "public key of small order; signature satisfies sB = R + hA")
        # same point, other encodings (sign bit flipped where x = 0; non-canonical y)
        y = T[1]
        if T[0] == 0:
            add(f"small_order_key_{i}_negzero", enc_y(y, 1), sig, m,
                "small-order key with x = 0 encoded with the sign bit set")
        if y + P < 2 ** 255:
            add(f"small_order_key_{i}_noncanonical", enc_y(y + P, T[0] & 1), sig, m,
                "small-order key with non-canonical y + p")

    # small-order R (identity) with a prime-order key: s = h*a satisfies sB = R + hA
    m = b"identity R"
    for name, Rb in (("identity", enc_y(1)), ("identity_noncanonical", enc_y(1 + P)),
                     ("identity_negzero", enc_y(1, 1))):
        hh = hram(Rb, Ab, m)
        add(f"small_order_r_{name}", Ab, Rb + (hh * a % L).to_bytes(32, "little"), m,
            "R of small order (identity); sB = R + hA holds")

    # mixed-order key A' = aB + T8: honest signatures verify only when 8 | h (cofactorless)
    Am = padd(A, T8)
    Amb = encode_point(Am)
    for j in range(24):
        m = b"mixed order key %d" % j
        sig = sign_with(a, Amb, m, b"mix")
        hh = hram(sig[:32], Amb, m)
        add(f"mixed_key_honest_{j}_h_mod8_{hh % 8}", Amb, sig, m,
            "key aB + T8; signature made as if honest; holds cofactorless iff h = 0 mod 8")
    # mixed key, R crafted to absorb the torsion: R' = rB - hT8 (always holds cofactorless)
    for j in range(4):
        m = b"mixed order key crafted %d" % j
        r = scalar_from(b"crafted%d" % j)
        found = None
        for t in range(64):
            for k in range(8):
                R = padd(pmul(r + t, B), pneg(pmul(k, T8)))
                Rb = encode_point(R)
                hh = hram(Rb, Amb, m)
                if hh % 8 == k:
                    found = (Rb, (r + t + hh * a) % L)
                    break
            if found:
                break
        Rb, sv = found
        add(f"mixed_key_mixed_r_{j}", Amb, Rb + sv.to_bytes(32, "little"), m,
            "key aB + T8, R = rB - hT8: mixed-order R and A, cofactorless equation holds")
    # mixed key with small-order R: R = -hT8, s = h*a
    for j in range(4):
        m = b"mixed order key small r %d" % j
        for k in range(1, 8):
            Rb = encode_point(pneg(pmul(k, T8)))
            hh = hram(Rb, Amb, m)
            if hh % 8 == k:
                add(f"mixed_key_small_r_{j}", Amb, Rb + (hh * a % L).to_bytes(32, "little"), m,
                    "key aB + T8, R = -hT8 of small order; cofactorless equation holds")
                break

    # non-canonical key encodings (y >= p) that decode to points of large order
    for y in range(2, 19):
        x = recover_x(y, 0)
        if x is None or point_order((x, y)) is not None:
            continue
        nb = enc_y(y + P)
        m = b"non-canonical key %d" % y
        # signature as a lax decoder would check it (with the reduced point's discrete log
        # unknown nobody can make a valid one; record that libsodium rejects at all)
        add(f"noncanonical_key_y{y}", nb, sign_with(a, nb, m, b"nc"), m,
            "public key with y + p encoding (y < 19)")
    # key with sign bit flipped (a different, valid point: -A)
    add("key_negated", bytes(Ab[:31]) + bytes([Ab[31] ^ 0x80]), good, msg, "key -A")
    # key not on the curve
    y = 2
    while recover_x(y, 0) is not None:
        y += 1
    add("key_not_on_curve", enc_y(y), good, msg, "y with no x on the curve")

    # non-canonical R: a valid signature with R re-encoded is impossible unless y(R) < 19;
    # instead R = (y + p) encodings and off-curve R with the honest S
    for y in range(2, 19):
        if recover_x(y, 0) is not None:
            add(f"noncanonical_r_y{y}", pk, enc_y(y + P) + good[32:], msg, "R with y + p encoding")
            break
    y = 2
    while recover_x(y, 0) is not None:
        y += 1
    add("r_not_on_curve", pk, enc_y(y) + good[32:], msg, "R not on the curve")
    # R with its sign bit flipped
    add("r_negated", pk, bytes(good[:31]) + bytes([good[31] ^ 0x80]) + good[32:], msg, "R -> -R")

    return dict(
        note="Ed25519 acceptance by libsodium 1.0.18 crypto_sign_verify_detached (what keripy's "
             "Verfer uses); every case also run through keripy's Verfer.verify with the same result",
        cases=cases)


# --------------------------------------------------------------------------
# ECDSA edge cases against keripy (OpenSSL via cryptography)
# --------------------------------------------------------------------------

def ecdsa_verify(code, pk, sig, msg):
    """keripy Verfer.verify; 'error:<Name>' when keripy raises instead of answering."""
    try:
        return Verfer(raw=pk, code=code).verify(sig, msg)
    except Exception as ex:  # noqa: BLE001
        return "error:" + type(ex).__name__


def ecdsa_edge():
    cases = []
    for alg, seed_code, ver_code in (("ECDSA_256k1", MtrDex.ECDSA_256k1_Seed, MtrDex.ECDSA_256k1),
                                     ("ECDSA_256r1", MtrDex.ECDSA_256r1_Seed, MtrDex.ECDSA_256r1)):
        n = ORDERS[seed_code]
        signer = Signer(raw=bytes(range(1, 33)), code=seed_code)
        pk = signer.verfer.raw
        msg = b"ecdsa edge case"

        def add(name, pkb, sig, m, why):
            cases.append(dict(algorithm=alg, name=name, verfer_code=ver_code, pk=hx(pkb),
                              sig=hx(sig), msg=hx(m), keripy=ecdsa_verify(ver_code, pkb, sig, m),
                              why=why))

        sig = ecdsa_sign_rfc6979(seed_code, signer.raw, msg)
        r, s = int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big")
        lo, hi = min(s, n - s), max(s, n - s)
        add("rfc6979", pk, sig, msg, "RFC 6979 signature as OpenSSL makes it")
        add("low_s", pk, r.to_bytes(32, "big") + lo.to_bytes(32, "big"), msg, "s <= n/2")
        add("high_s", pk, r.to_bytes(32, "big") + hi.to_bytes(32, "big"), msg, "s > n/2 (n - s)")
        add("other_msg", pk, sig, msg + b"!", "message changed")
        add("r_zero", pk, bytes(32) + sig[32:], msg, "r = 0")
        add("s_zero", pk, sig[:32] + bytes(32), msg, "s = 0")
        add("r_is_n", pk, n.to_bytes(32, "big") + sig[32:], msg, "r = n")
        add("s_is_n", pk, sig[:32] + n.to_bytes(32, "big"), msg, "s = n")
        add("s_plus_n", pk, sig[:32] + ((s + n) % 2 ** 256).to_bytes(32, "big"), msg,
            "s + n (mod 2^256)")
        add("r_plus_n", pk, ((r + n) % 2 ** 256).to_bytes(32, "big") + sig[32:], msg,
            "r + n (mod 2^256)")
        add("all_ff", pk, b"\xff" * 64, msg, "r = s = 2^256 - 1")
        # keys
        add("key_other_parity", bytes([pk[0] ^ 1]) + pk[1:], sig, msg, "compressed key, -Q")
        bad = bytearray(pk)
        for xb in range(256):
            bad[32] = xb
            try:
                ec.EllipticCurvePublicKey.from_encoded_point(CURVES[seed_code], bytes(bad))
            except ValueError:
                break
        add("key_not_on_curve", bytes(bad), sig, msg, "x with no point on the curve")
        add("key_prefix_04", b"\x04" + pk[1:], sig, msg, "bad SEC1 tag 0x04 in 33 bytes")
        add("key_prefix_00", b"\x00" + pk[1:], sig, msg, "bad SEC1 tag 0x00")
        add("key_zero_x", b"\x02" + bytes(32), sig, msg, "x = 0")
        # many honest signatures, half of them high-S as OpenSSL makes them
        for j in range(16):
            m = b"ecdsa message %d" % j
            sg = ecdsa_sign_rfc6979(seed_code, signer.raw, m)
            sj = int.from_bytes(sg[32:], "big")
            add(f"honest_{j}_{'high' if sj > n // 2 else 'low'}_s", pk, sg, m,
                "RFC 6979 signature, s as produced")
            flip = sg[:32] + (n - sj).to_bytes(32, "big")
            add(f"honest_{j}_flipped_s", pk, flip, m, "same signature with s -> n - s")
    return dict(
        note="keripy Verfer.verify (cryptography/OpenSSL, SHA-256, r||s big-endian). "
             "'keripy' is true/false, or 'error:<Exception>' when keripy raises",
        cases=cases)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    meta = dict(keripy=keri.__version__,
                libsodium=sodium_version(),
                generator="interop/keripy/crypto_vectors.py")
    for name, fn in (("digests.json", digests), ("salter.json", salter_vectors),
                     ("indexed.json", indexed_vectors), ("ed25519_edge.json", ed25519_edge),
                     ("ecdsa_edge.json", ecdsa_edge)):
        obj = dict(meta)
        obj.update(fn())
        path = dump(args.out, name, obj)
        print(f"wrote {path}: {len(obj.get('cases', []))} cases")


if __name__ == "__main__":
    main()
