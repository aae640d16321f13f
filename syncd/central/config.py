"""central.toml: one table of every setting of the central, read into a frozen dataclass."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hallserver.errors import ConfigError

CONFIG_NAME = "central.toml"

# (section, name, type, default, help)
SETTINGS: tuple[tuple[str, str, type, Any, str], ...] = (
    ("central", "name", str, "Central", "The central's name, shown on its page."),
    ("server", "host", str, "0.0.0.0", "Address to listen on."),
    ("server", "port", int, 9443, "TCP port to listen on (0 picks a free one)."),
    ("server", "tls", bool, True, "Serve HTTPS with the central's certificate (false: tests, or "
     "behind a TLS proxy)."),
    ("storage", "url", str, "central.db",
     "A SQLite file relative to central.toml, or a PostgreSQL URL "
     "(postgresql://user@host:5432/db): several centrals may share one PostgreSQL."),
    ("storage", "pool_size", int, 10, "Database connections of this process (PostgreSQL)."),
    ("security", "secrets_dir", str, "secrets", "The central's data key and TLS key (0600)."),
    ("security", "tls_dir", str, "tls", "The central's certificate; halls pin its fingerprint."),
    ("sync", "max_batch_events", int, 2000, "Most events accepted in one batch."),
    ("sync", "max_batch_bytes", int, 8388608, "Largest batch accepted, in bytes."),
)


@dataclass(frozen=True)
class CentralConfig:
    """Every setting of the central, flat, plus the directory relative paths start from."""

    base_dir: Path
    values: dict[tuple[str, str], Any]

    def __getitem__(self, key: str) -> Any:
        section, name = key.split(".")
        return self.values[(section, name)]

    def with_values(self, **changes: Any) -> CentralConfig:
        """A copy with `section__name=value` changes (the CLI's --host and --port)."""
        values = dict(self.values)
        values.update({tuple(k.split("__")): v for k, v in changes.items()})  # type: ignore[misc]
        return CentralConfig(self.base_dir, values)

    @property
    def database_url(self) -> str:
        """The SQLAlchemy URL: aiosqlite for a file, asyncpg for PostgreSQL."""
        url = self["storage.url"]
        for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
            if url.startswith(prefix):
                return "postgresql+asyncpg://" + url[len(prefix):]
        if url.startswith("sqlite"):
            return url.replace("sqlite://", "sqlite+aiosqlite://", 1) if "+" not in url else url
        return f"sqlite+aiosqlite:///{self.base_dir / url}"

    @property
    def secrets_dir(self) -> Path:
        """The directory of the central's keys."""
        return self.base_dir / self["security.secrets_dir"]

    @property
    def tls_dir(self) -> Path:
        """The directory of the central's certificate."""
        return self.base_dir / self["security.tls_dir"]


def _check(kind: type, where: str, value: Any) -> Any:
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise ConfigError(f"{where} must be a whole number, not {value!r}")
    if not isinstance(value, kind):
        raise ConfigError(f"{where} must be of type {kind.__name__}, not {value!r}")
    return value


def from_mapping(data: dict[str, Any], base_dir: Path) -> CentralConfig:
    """Checks parsed TOML against the table; names the first bad key."""
    table = {(s, n): (t, d) for s, n, t, d, _ in SETTINGS}
    values = {key: default for key, (_, default) in table.items()}
    for section, entries in data.items():
        if not isinstance(entries, dict):
            raise ConfigError(f"[{section}] must be a table of settings")
        for name, value in entries.items():
            if (section, name) not in table:
                raise ConfigError(f"unknown setting [{section}] {name}")
            values[(section, name)] = _check(table[(section, name)][0], f"[{section}] {name}", value)
    return CentralConfig(base_dir, values)


def load(path: Path) -> CentralConfig:
    """Reads central.toml."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise ConfigError(f"no central config at {path}; make one with `syncd central init`") from err
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path} is not valid TOML: {err}") from err
    return from_mapping(data, path.resolve().parent)


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(value)


def render_toml(overrides: dict[tuple[str, str], Any] | None = None) -> str:
    """central.toml text with every setting and its help."""
    overrides = overrides or {}
    lines = ["# examhall central configuration. Every setting is shown with its default."]
    section = None
    for s, name, _, default, help_text in SETTINGS:
        if s != section:
            lines += ["", f"[{s}]"]
            section = s
        lines += [f"# {help_text}", f"{name} = {_toml(overrides.get((s, name), default))}"]
    return "\n".join(lines) + "\n"
