"""Slow hashes for PINs and staff passwords: scrypt, with the cost stored in each hash.

Format: `scrypt$<log2 n>$<r>$<p>$<salt hex>$<hash hex>`. hashlib's scrypt (OpenSSL) releases the
GIL, so the server verifies in a thread pool and a login storm uses every core.
"""

from __future__ import annotations

import hashlib
import hmac
import os

_R, _P, _LENGTH = 8, 1, 32


def _derive(secret: str, salt: bytes, log2_n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(secret.encode("utf-8"), salt=salt, n=2**log2_n, r=r, p=p,
                          maxmem=256 * 1024 * 1024, dklen=_LENGTH)


def hash_secret(secret: str, log2_cost: int) -> str:
    """A new slow hash of a PIN or password."""
    salt = os.urandom(16)
    digest = _derive(secret, salt, log2_cost, _R, _P)
    return f"scrypt${log2_cost}${_R}${_P}${salt.hex()}${digest.hex()}"


def verify_secret(secret: str, stored: str) -> bool:
    """True when `secret` matches the stored hash; False for a wrong one or a damaged hash."""
    try:
        scheme, log2_n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        actual = _derive(secret, bytes.fromhex(salt), int(log2_n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(actual, bytes.fromhex(digest))


def dummy_hash(log2_cost: int) -> str:
    """A hash no PIN matches, verified for unknown candidates so timing does not tell them apart."""
    return hash_secret(os.urandom(16).hex(), log2_cost)
