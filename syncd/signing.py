"""Ed25519 signing keys, made once in a secrets directory (0600), never overwritten: the hall's
(`sync.key`, signs what it sends up) and the central's (`central-sign.key`, signs packages)."""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from examkit.sealing import write_secret

SIGNING_KEY_FILE = "sync.key"
CENTRAL_SIGNING_KEY_FILE = "central-sign.key"


def key_path(secrets_dir: Path, name: str = SIGNING_KEY_FILE) -> Path:
    """Where a signing key lives (the hall's by default)."""
    return secrets_dir / name


def ensure_signing_key(secrets_dir: Path,
                       name: str = SIGNING_KEY_FILE) -> tuple[Ed25519PrivateKey, bool]:
    """The key, made if there is none yet; and whether it was made now."""
    path = key_path(secrets_dir, name)
    if path.exists():
        return load_signing_key(secrets_dir, name), False
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    try:
        write_secret(path, pem)
    except FileExistsError:  # another process made it first: theirs stands
        return load_signing_key(secrets_dir, name), False
    return key, True


def load_signing_key(secrets_dir: Path, name: str = SIGNING_KEY_FILE) -> Ed25519PrivateKey:
    """A key; FileNotFoundError when it was not made yet (`syncd enroll`, `syncd central init`)."""
    path = key_path(secrets_dir, name)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 key")
    return key
