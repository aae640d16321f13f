"""Session data at rest: AES-GCM with the row's identity as associated data.

A sealed value is `b"\x01" + key_id (4 bytes) + nonce (12) + ciphertext+tag`. The version byte and
key id let a later key rotation read old rows; the associated data (session id, or hall, epoch and
seq for an event) means ciphertext copied to another row fails to open.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

FORMAT_VERSION = 1
_HEADER = 1 + 4 + 12


class SealError(Exception):
    """A sealed value failed to open: wrong key, wrong row, or damaged bytes."""


class DataKey:
    """The hall's data key: seals and opens session data."""

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("a data key is 32 bytes")
        self._aead = AESGCM(key)
        self.key_id = hashlib.sha256(b"examhall key id" + key).digest()[:4]

    @classmethod
    def generate(cls) -> bytes:
        """32 fresh random bytes."""
        return AESGCM.generate_key(bit_length=256)

    @classmethod
    def from_file(cls, path: Path) -> DataKey:
        """Loads the key file made by `hall init`."""
        return cls(path.read_bytes())

    def seal(self, plaintext: bytes, associated: bytes) -> bytes:
        """Encrypts, binding the ciphertext to `associated` (the row's identity)."""
        nonce = os.urandom(12)
        body = self._aead.encrypt(nonce, plaintext, associated)
        return bytes([FORMAT_VERSION]) + self.key_id + nonce + body

    def open(self, sealed: bytes, associated: bytes) -> bytes:
        """Decrypts a value sealed for the same row; raises SealError otherwise."""
        if len(sealed) < _HEADER + 16 or sealed[0] != FORMAT_VERSION:
            raise SealError("not a sealed value of a known format")
        if sealed[1:5] != self.key_id:
            raise SealError("sealed with another key")
        try:
            return self._aead.decrypt(sealed[5:17], sealed[17:], associated)
        except InvalidTag as err:
            raise SealError("does not open: damaged, or moved from another row") from err


def write_secret(path: Path, data: bytes) -> None:
    """Writes a secret file readable by its owner alone; never overwrites one."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
