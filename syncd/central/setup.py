"""`syncd central init`: a central directory with its config, keys, TLS material and database."""

from __future__ import annotations

import asyncio
import secrets
from pathlib import Path
from typing import Any

from examkit import network
from examkit.certificates import TlsPaths, fingerprint, make_hall_tls
from examkit.sealing import DataKey, write_secret
from syncd.central.app import ADMIN_TOKEN_FILE, READER_TOKEN_FILE
from syncd.central.config import CONFIG_NAME, CentralConfig, load, render_toml
from syncd.central.store import DATA_KEY_FILE, open_store
from syncd.protocol import public_key_hex
from syncd.signing import CENTRAL_SIGNING_KEY_FILE, ensure_signing_key, key_path, load_signing_key


def tls_paths(config: CentralConfig) -> TlsPaths:
    """Where the central's certificate and key live."""
    return TlsPaths(config.tls_dir, config.secrets_dir)


def certificate_fingerprint(config: CentralConfig) -> str:
    """SHA-256 of the central's certificate: what halls pin in [sync] central_fingerprint."""
    return fingerprint(tls_paths(config).server_cert)


def central_public_key(config: CentralConfig) -> str:
    """The central's signing key, public, hex: what halls learn with `syncd enroll --central-key`."""
    return public_key_hex(load_signing_key(config.secrets_dir, CENTRAL_SIGNING_KEY_FILE))


def init_central(directory: Path, overrides: dict[tuple[str, str], Any] | None = None) -> list[str]:
    """Makes what a central needs in `directory`; keeps whatever exists. Returns what it made."""
    directory.mkdir(parents=True, exist_ok=True)
    made: list[str] = []
    config_path = directory / CONFIG_NAME
    if not config_path.exists():
        config_path.write_text(render_toml(overrides), encoding="utf-8")
        made.append(str(config_path))
    config = load(config_path)
    for name, make in ((DATA_KEY_FILE, DataKey.generate),
                       (ADMIN_TOKEN_FILE, lambda: secrets.token_urlsafe(32).encode()),
                       (READER_TOKEN_FILE, lambda: secrets.token_urlsafe(32).encode())):
        if not (config.secrets_dir / name).exists():
            write_secret(config.secrets_dir / name, make())
            made.append(f"{config.secrets_dir / name} (0600)")
    if ensure_signing_key(config.secrets_dir, CENTRAL_SIGNING_KEY_FILE)[1]:
        made.append(f"{key_path(config.secrets_dir, CENTRAL_SIGNING_KEY_FILE)} (0600)")
    paths = tls_paths(config)
    if not paths.server_cert.exists():
        make_hall_tls(paths, config["central.name"], [*network.host_names(), "localhost"],
                      network.certificate_addresses())
        made.append(f"{paths.server_cert}")
    asyncio.run(_migrate(config))
    return made


async def _migrate(config: CentralConfig) -> None:
    store = await open_store(config)
    await store.close()
