"""`hall init`: a hall directory with its config, secrets, TLS material and database."""

from __future__ import annotations

from pathlib import Path

from examkit import network
from hallserver.config import load, render_toml
from examkit.certificates import TlsPaths, make_hall_tls
from examkit.sealing import DataKey, write_secret
from hallserver.db import engine as engines
from hallserver.db import migrate
from hallserver.runtime import DATA_KEY_FILE

CONFIG_NAME = "hall.toml"


def init_hall(directory: Path, name: str = "Exam Hall", tls: bool = True,
              extra: dict[tuple[str, str], object] | None = None) -> list[str]:
    """Makes what a hall needs in `directory`; keeps whatever exists. Returns what it made."""
    directory.mkdir(parents=True, exist_ok=True)
    made: list[str] = []
    config_path = directory / CONFIG_NAME
    if not config_path.exists():
        overrides = {("hall", "name"): name, ("mdns", "name"): name, ("server", "tls"): tls,
                     **(extra or {})}
        config_path.write_text(render_toml(overrides), encoding="utf-8")
        made.append(str(config_path))
    config = load(config_path)
    key_path = config.secrets_dir / DATA_KEY_FILE
    if not key_path.exists():
        write_secret(key_path, DataKey.generate())
        made.append(f"{key_path} (0600)")
    config.secrets_dir.chmod(0o700)
    tls_paths = TlsPaths(config.tls_dir, config.secrets_dir)
    if not tls_paths.server_cert.exists():
        names = [*network.host_names(), f"{network.hall_label(config.mdns.name)}.local"]
        make_hall_tls(tls_paths, config.hall.name, names, network.certificate_addresses())
        made.append(f"{tls_paths.ca_cert} and {tls_paths.server_cert}")
    engine = engines.sync_engine(config.database_path)
    try:
        fresh = not config.database_path.exists()
        migrate.upgrade(engine)
        if fresh:
            made.append(str(config.database_path))
    finally:
        engine.dispose()
    return made
