"""Exam content for tests: the shared QTI samples where they lie, empty halls, the CLI, logins."""

from __future__ import annotations

import sqlite3
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from click.testing import CliRunner, Result

from hallserver.cli import main
from hallserver.config import HallConfig, load
from hallserver.setup_hall import CONFIG_NAME, init_hall
from tests.halls import TEST_SETTINGS

SAMPLES = Path(__file__).parents[1].parent / "shared" / "qti-samples"
# Tests that read them ask for it: skipped with the reason where they are absent (CI: failed).
needs_samples = pytest.mark.usefixtures("qti_samples")
MIX = SAMPLES / "test-interaction-mix"
MIX_TEST = MIX / "interaction_mix_sachsen.xml"
MIX_EXAM = "InteractionMixSachsen_1901710679"
# The items of the interaction mix the hall takes, in the test's order.
MIX_TAKEN = ["Choicetruefalse_176040516", "Choicemultiple_2014410822", "Choicemultiple_871212949",
             "Order_913967682", "Matchsingle_143114773", "Matchmultiple_1038910213",
             "TextEntry_883368511", "TextEntrynumeric_770468849", "Hottext_801974120"]


def empty_hall(directory: Path, **settings: Any) -> HallConfig:
    """A new hall (config, keys, database) with no exam and no candidate."""
    extra = {**TEST_SETTINGS, **{tuple(k.split("__")): v for k, v in settings.items()}}
    init_hall(directory, name="Test Hall", tls=False, extra=extra)
    return load(directory / CONFIG_NAME)


def hall_cli(config: HallConfig | None, *args: str) -> Result:
    """`hall ARGS... --config <the hall's>` through the real command group."""
    where = ["--config", str(config.base_dir / CONFIG_NAME)] if config is not None else []
    return CliRunner().invoke(main, [*args, *where], prog_name="hall", catch_exceptions=False)


def ok(result: Result) -> Result:
    """Asserts a command succeeded; returns its result."""
    assert result.exit_code == 0, result.output
    return result


def count(config: HallConfig, table: str) -> int:
    """Rows of a table of the hall database."""
    connection = sqlite3.connect(config.database_path)
    try:
        return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
    finally:
        connection.close()


def add_candidates(config: HallConfig, exam_id: str, rows: list[tuple[str, str, str]]) -> None:
    """Imports candidates (registration number, name, PIN) for an exam through the CLI."""
    path = config.base_dir / f"candidates-{exam_id}.csv"
    path.write_text("registration_number,name,pin\n" + "".join(f"{r},{n},{p}\n" for r, n, p in rows),
                    encoding="utf-8")
    ok(hall_cli(config, "candidates", "import", str(path), "--exam", exam_id))


async def sign_in(client: TestClient, registration: str, pin: str) -> dict[str, Any]:
    """Logs a candidate in; asserts it worked."""
    response = await client.post("/student/login", json={"registration_number": registration,
                                                         "pin": pin})
    assert response.status == 200, await response.text()
    return await response.json()


def png(width: int = 2, height: int = 1) -> bytes:
    """A real (tiny, grey) PNG image."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
