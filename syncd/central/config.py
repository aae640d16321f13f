"""central.toml: one table of every setting of the central (declared and read the kernel's way,
`examkit.settings`, as hall.toml is), read into a frozen mapping."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from examkit import settings
from examkit.settings import Setting

CONFIG_NAME = "central.toml"

SETTINGS: tuple[Setting, ...] = (
    Setting("central", "name", str, "Central", "The central's name, shown on its page."),
    Setting("central", "language", str, "en",
            "The language of the central's page until someone chooses one on their PC: a catalog "
            "of webui/locales, such as en, fr or ar."),
    Setting("server", "host", str, "0.0.0.0", "Address to listen on."),
    Setting("server", "port", int, 9443, "TCP port to listen on (0 picks a free one).", minimum=0),
    Setting("server", "tls", bool, True, "Serve HTTPS with the central's certificate (false: "
            "tests, or behind a TLS proxy)."),
    Setting("storage", "url", str, "central.db",
            "A SQLite file relative to central.toml, or a PostgreSQL URL "
            "(postgresql://user@host:5432/db): several centrals may share one PostgreSQL."),
    Setting("storage", "pool_size", int, 10, "Database connections of this process (PostgreSQL).",
            minimum=1),
    Setting("security", "secrets_dir", str, "secrets", "The central's data key and TLS key (0600)."),
    Setting("security", "tls_dir", str, "tls",
            "The central's certificate; halls pin its fingerprint."),
    Setting("sync", "max_batch_events", int, 2000, "Most events accepted in one batch.", minimum=1),
    Setting("sync", "max_batch_bytes", int, 8388608, "Largest batch accepted, in bytes.",
            minimum=1024),
    Setting("sync", "max_package_items", int, 500, "Most items sent down in one package.",
            minimum=1),
    Setting("sync", "max_package_bytes", int, 4194304,
            "Largest package sent down, about, in bytes (a single larger item still goes alone).",
            minimum=4096),
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


def from_mapping(data: dict[str, Any], base_dir: Path) -> CentralConfig:
    """Checks parsed TOML against the table; names the first bad key."""
    return CentralConfig(base_dir, settings.read_values(SETTINGS, data))


def load(path: Path) -> CentralConfig:
    """Reads central.toml."""
    return from_mapping(settings.read_toml(path, "make one with `syncd central init`"),
                        path.resolve().parent)


def render_toml(overrides: dict[tuple[str, str], Any] | None = None) -> str:
    """central.toml text with every setting and its help."""
    return settings.render_toml(SETTINGS, "examhall central configuration.", overrides)
