"""Sealed papers: an exam encrypted under its sitting's own key, and that key wrapped under the
sitting's release code, so a hall can open the paper with the code alone, offline.

The paper is AES-GCM under the sitting key (32 random bytes), with `paper|sitting|exam` as
associated data. The sitting key travels wrapped: AES-GCM under a key derived from the release
code by scrypt (a salt of its own per sitting), with `sitting-key|sitting` as associated data, so
a wrong code fails authentication and a key wrapped for one sitting opens no other. The central
keeps the sitting key and the code; the hall keeps only the sealed paper and the wrapped key
until the central releases the key or someone types the code.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from examkit.release_codes import normalise

SCRYPT = {"n": 2 ** 15, "r": 8, "p": 1}   # ~0.1 s and 32 MiB a try: no guessing at speed
_NONCE = 12


class PaperDoesNotOpen(Exception):
    """A wrong key or code, or a damaged paper."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(body: dict[str, Any], name: str) -> bytes:
    return base64.b64decode(str(body[name]), validate=True)


def _code_key(code: str, salt: bytes, params: dict[str, int]) -> bytes:
    return Scrypt(salt=salt, length=32, n=params["n"], r=params["r"],
                  p=params["p"]).derive(normalise(code).encode("ascii"))


def _seal(key: bytes, plain: bytes, associated: bytes) -> bytes:
    nonce = os.urandom(_NONCE)
    return nonce + AESGCM(key).encrypt(nonce, plain, associated)


def _open(key: bytes, sealed: bytes, associated: bytes) -> bytes:
    try:
        return AESGCM(key).decrypt(sealed[:_NONCE], sealed[_NONCE:], associated)
    except (InvalidTag, ValueError) as err:
        raise PaperDoesNotOpen("wrong key, or damaged") from err


def _paper_aad(sitting_id: str, exam_id: str) -> bytes:
    return f"paper|{sitting_id}|{exam_id}".encode()


def _key_aad(sitting_id: str) -> bytes:
    return f"sitting-key|{sitting_id}".encode()


def new_sitting_key() -> bytes:
    """32 fresh random bytes."""
    return AESGCM.generate_key(bit_length=256)


@dataclass(frozen=True)
class SealedPaper:
    """What travels to the hall and stays there until release: no question in the clear."""

    sitting_id: str
    exam_id: str
    paper: bytes          # nonce + AES-GCM of the exam under the sitting key
    wrapped_key: bytes    # nonce + AES-GCM of the sitting key under the code's key
    salt: bytes
    kdf: dict[str, int]

    def to_json(self) -> dict[str, Any]:
        """The wire form (an item body's `sealed` field)."""
        return {"sitting_id": self.sitting_id, "exam_id": self.exam_id,
                "paper": _b64(self.paper), "wrapped_key": _b64(self.wrapped_key),
                "salt": _b64(self.salt), "kdf": {"name": "scrypt", **self.kdf}}

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> SealedPaper:
        """Parses the wire form; KeyError/ValueError when a field is missing or wrong."""
        kdf = body["kdf"]
        if kdf.get("name") != "scrypt":
            raise ValueError("a sealed paper's key is derived with scrypt")
        return cls(str(body["sitting_id"]), str(body["exam_id"]), _unb64(body, "paper"),
                   _unb64(body, "wrapped_key"), _unb64(body, "salt"),
                   {k: int(kdf[k]) for k in ("n", "r", "p")})


def seal_paper(sitting_id: str, exam_id: str, plain: bytes, sitting_key: bytes,
               code: str) -> SealedPaper:
    """The exam `plain` sealed under the sitting key, and the key wrapped under the code."""
    salt = os.urandom(16)
    return SealedPaper(sitting_id, exam_id, _seal(sitting_key, plain, _paper_aad(sitting_id, exam_id)),
                       _seal(_code_key(code, salt, SCRYPT), sitting_key, _key_aad(sitting_id)),
                       salt, dict(SCRYPT))


def unwrap_key(sealed: SealedPaper, code: str) -> bytes:
    """The sitting key from the release code; BadReleaseCode when mistyped (caught by its check
    symbol), PaperDoesNotOpen when it is another code."""
    return _open(_code_key(code, sealed.salt, sealed.kdf), sealed.wrapped_key,
                 _key_aad(sealed.sitting_id))


def open_paper(sealed: SealedPaper, sitting_key: bytes) -> bytes:
    """The exam in the clear; PaperDoesNotOpen with any other key."""
    return _open(sitting_key, sealed.paper, _paper_aad(sealed.sitting_id, sealed.exam_id))
