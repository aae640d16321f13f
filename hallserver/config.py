"""The hall's settings: one table of every setting, read from hall.toml into frozen dataclasses.

Each setting is declared once, as data (section, name, type, default, help), the way the kernel
(`examkit.settings`) declares and reads settings for the hall and the central alike. The
dataclasses, the checks on a file, and `hall.toml.example` all come from that table, and a test
fails when the example and the table disagree. Nothing here does I/O at import time.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from examkit import settings
from examkit.errors import ConfigError
from examkit.settings import Setting, frozen

ENV_VAR = "HALL_CONFIG"

SETTINGS: tuple[Setting, ...] = (
    Setting("hall", "name", str, "Exam Hall", "The hall's name, shown on pages and announced on the LAN."),
    Setting("hall", "language", str, "en",
            "The language of the login page until a candidate chooses one (an exam's own language "
            "wins on its pages): a catalog of webui/locales, such as en, fr or ar."),
    Setting("hall", "staff_language", str, "en",
            "The language of the staff pages (console, admin pages), of the register and login "
            "slips printed for the hall, until a member of staff chooses one on their PC, and of "
            "what the hall command tells the operator (EXAMHALL_LANGUAGE wins): a catalog of "
            "webui/locales, such as en, fr or ar."),
    Setting("server", "host", str, "0.0.0.0", "Address to listen on. 0.0.0.0 listens on every interface."),
    Setting("server", "port", int, 8443, "TCP port to listen on (0 picks a free one).", minimum=0),
    Setting("server", "tls", bool, True,
            "Serve HTTPS with the hall's certificate. false serves plain HTTP: only for tests on "
            "loopback, or behind a TLS proxy."),
    Setting("server", "workers", int, 0,
            "Processes that take the PCs' TLS off the hall's core process: 0 is one per core of "
            "this machine; 1 serves everything from one process (which may serve better on a "
            "machine busy with other work). Plain HTTP always uses one.",
            minimum=0),
    Setting("server", "max_body_bytes", int, 262144,
            "Largest request body accepted, after decompression; larger bodies get 413.", minimum=1024),
    Setting("server", "header_timeout_seconds", int, 10,
            "A connection that has not sent a request's headers (or finished its TLS handshake) "
            "this long after it began them is closed.", minimum=1),
    Setting("server", "connections_per_address", int, 4096,
            "Most connections open at once from one address; more are refused with 503. A hall "
            "of 1,000 PCs behind one NAT address holds about 3,000.", minimum=1),
    Setting("storage", "database", str, "hall.db",
            "The SQLite database file, relative to the directory of hall.toml."),
    Setting("storage", "busy_timeout_ms", int, 5000,
            "How long a write waits for another process's lock before giving up.", minimum=0),
    Setting("storage", "max_batch", int, 256,
            "Most saves committed in one transaction (group commit).", minimum=1),
    Setting("storage", "readers", int, 4, "Read connections to the database.", minimum=1),
    Setting("storage", "retention_days", int, 90,
            "`hall storage purge` removes log events older than this, once the central holds "
            "them (never an event it has not acknowledged).", minimum=1),
    Setting("storage", "backup_dir", str, "backups",
            "Where backups made from the admin page go, relative to hall.toml.", ),
    Setting("security", "secrets_dir", str, "secrets",
            "Directory of the data key and private keys (mode 0700, files 0600), relative to hall.toml."),
    Setting("security", "tls_dir", str, "tls",
            "Directory of the hall CA and server certificate, relative to hall.toml."),
    Setting("security", "pin_hash_log2_cost", int, 14,
            "scrypt cost (log2 N) for PINs and passwords. Each step doubles the work of a login.",
            minimum=10),
    Setting("security", "login_failures_per_candidate", int, 5,
            "Wrong PINs allowed for one registration number before it must wait.", minimum=1),
    Setting("security", "login_failures_per_address", int, 100,
            "Wrong logins allowed from one address (a whole hall may share one) before it must wait.",
            minimum=1),
    Setting("security", "login_lockout_seconds", int, 60,
            "How long an exhausted allowance takes to refill completely.", minimum=1),
    Setting("security", "release_code_failures", int, 5,
            "Wrong release codes allowed per sealed sitting, and per member of staff, on the "
            "console before more must wait (a mistyped symbol does not count).", minimum=1),
    Setting("security", "release_code_lockout_seconds", int, 300,
            "How long an exhausted release-code allowance takes to refill completely.", minimum=1),
    Setting("exam", "grace_seconds", int, 5,
            "Saves still accepted this long after a deadline, for requests already on the wire.",
            minimum=0),
    Setting("exam", "autosave_seconds", int, 30, "How often the exam page saves on its own.", minimum=5),
    Setting("exam", "show_score", bool, False, "Show candidates their score when they submit."),
    Setting("invigilation", "silent_after_seconds", int, 120,
            "Alert when a candidate in progress has not saved for this long.", minimum=10),
    Setting("invigilation", "failed_saves_alert", int, 3,
            "Alert when a candidate's page reports this many failed saves in a row.", minimum=1),
    Setting("invigilation", "moves_need_approval", bool, False,
            "A login on another PC waits for an invigilator's approval before it takes the "
            "session over."),
    Setting("invigilation", "show_scores", bool, False,
            "Show candidates' scores to invigilators on the console (admins always see them)."),
    Setting("mdns", "enabled", bool, True, "Announce the hall on the LAN over mDNS."),
    Setting("mdns", "name", str, "Hall A", "The announced name; the TXT id is the identity."),
    Setting("mdns", "interfaces", list, [],
            'Interfaces to announce on. Empty: every LAN interface; ["127.0.0.1"] for tests on one machine.'),
    Setting("sync", "central_url", str, "", 'The central server, e.g. "https://central.example.org:9443".'),
    Setting("sync", "central_fingerprint", str, "",
            "SHA-256 of the central's certificate, hex: pins it."),
    Setting("sync", "central_ca", str, "",
            "PEM file of the CA that signed the central's certificate, relative to hall.toml. "
            "Empty: the system's CAs (a fingerprint, when set, pins the certificate instead)."),
    Setting("sync", "state_dir", str, "sync",
            "syncd's own files (its note of the central, its lock), relative to hall.toml."),
    Setting("sync", "batch_max_events", int, 500, "Most events sent in one batch.", minimum=1),
    Setting("sync", "batch_max_bytes", int, 1048576,
            "Largest batch sent, about, in bytes (a single larger event still goes alone).",
            minimum=4096),
    Setting("sync", "interval_ms", int, 2000,
            "How often `syncd run` looks for new events once the central holds everything.",
            minimum=50),
    Setting("sync", "timeout_seconds", int, 30,
            "How long one request to the central may take before it counts as failed.", minimum=1),
    Setting("sync", "backoff_initial_ms", int, 500,
            "First wait after a failed exchange; it doubles (with jitter) on each failure.",
            minimum=10),
    Setting("sync", "backoff_max_seconds", int, 300,
            "Longest wait between attempts while the uplink or the central is down.", minimum=1),
    Setting("sync", "central_public_key", str, "",
            "The central's signing key, hex (`syncd enroll --central-key` writes it): what comes "
            "down is applied only when it verifies. Empty: syncd fetches nothing."),
    Setting("sync", "down_max_items", int, 200, "Most items asked for in one package.", minimum=1),
    Setting("sync", "down_max_bytes", int, 4194304,
            "Largest package asked for, about, in bytes (a single larger item still comes alone).",
            minimum=4096),
)


def _section_class(section: str) -> type:
    fields = [(s.name, s.type, dataclasses.field(default=frozen(s.default)))
              for s in SETTINGS if s.section == section]
    return dataclasses.make_dataclass(f"{section.title()}Config", fields, frozen=True)


SECTIONS: tuple[str, ...] = settings.sections(SETTINGS)
_CLASSES = {section: _section_class(section) for section in SECTIONS}


@dataclass(frozen=True)
class HallConfig:
    """Every setting, by section, plus the directory the relative paths are taken from."""

    base_dir: Path
    hall: Any
    server: Any
    storage: Any
    security: Any
    exam: Any
    invigilation: Any
    mdns: Any
    sync: Any

    @property
    def database_path(self) -> Path:
        """The SQLite file."""
        return self.base_dir / self.storage.database

    @property
    def secrets_dir(self) -> Path:
        """The directory of keys, readable by the service user alone."""
        return self.base_dir / self.security.secrets_dir

    @property
    def tls_dir(self) -> Path:
        """The directory of the hall CA and server certificate."""
        return self.base_dir / self.security.tls_dir

    def replace(self, section: str, **changes: Any) -> HallConfig:
        """A copy with some settings of one section changed (tests and `hall demo` use it)."""
        updated = dataclasses.replace(getattr(self, section), **changes)
        return dataclasses.replace(self, **{section: updated})


def from_mapping(data: dict[str, Any], base_dir: Path) -> HallConfig:
    """Builds the config from parsed TOML, naming the first bad key and why."""
    values = settings.read_values(SETTINGS, data)
    built = {section: _CLASSES[section](**{name: value for (where, name), value in values.items()
                                           if where == section})
             for section in SECTIONS}
    return HallConfig(base_dir=base_dir, **built)


def defaults(base_dir: Path) -> HallConfig:
    """Every setting at its default."""
    return from_mapping({}, base_dir)


def load(path: Path) -> HallConfig:
    """Reads hall.toml; relative paths in it are taken from its directory."""
    data = settings.read_toml(path, "make one with `hall init`")
    try:
        return from_mapping(data, path.resolve().parent)
    except ConfigError as err:
        raise ConfigError(f"{path}: {err}") from err


def locate(explicit: str | None) -> Path:
    """The config file: --config, else $HALL_CONFIG, else ./hall.toml."""
    return Path(explicit or os.environ.get(ENV_VAR) or "hall.toml")


def render_toml(overrides: dict[tuple[str, str], Any] | None = None, commented: bool = False) -> str:
    """hall.toml text with every setting and its help; `hall init` and the example use it."""
    return settings.render_toml(SETTINGS, "examhall hall configuration.", overrides, commented)
