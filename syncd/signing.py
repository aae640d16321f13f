"""The hall's Ed25519 signing key: made once in the hall's secrets directory (0600), never overwritten."""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hallserver.crypto.sealing import write_secret

SIGNING_KEY_FILE = "sync.key"


def key_path(secrets_dir: Path) -> Path:
    """Where the hall's signing key lives."""
    return secrets_dir / SIGNING_KEY_FILE


def ensure_signing_key(secrets_dir: Path) -> tuple[Ed25519PrivateKey, bool]:
    """The hall's key, made if there is none yet; and whether it was made now."""
    path = key_path(secrets_dir)
    if path.exists():
        return load_signing_key(secrets_dir), False
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    try:
        write_secret(path, pem)
    except FileExistsError:  # another process made it first: theirs stands
        return load_signing_key(secrets_dir), False
    return key, True


def load_signing_key(secrets_dir: Path) -> Ed25519PrivateKey:
    """The hall's key; FileNotFoundError when `syncd enroll` has not made it yet."""
    key = serialization.load_pem_private_key(key_path(secrets_dir).read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{key_path(secrets_dir)} is not an Ed25519 key")
    return key
