"""The central runs on another machine: it imports nothing of the hall, and its install extra
pulls none of the hall's libraries (mDNS, PDF, QR codes, HTML cleaning)."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
import textwrap

from packaging.requirements import Requirement

HALL_ONLY = {"zeroconf", "fpdf2", "segno", "nh3", "defusedxml", "aiohttp-sse", "pydantic",
             "prometheus-client", "psutil", "openpyxl"}

_IMPORT_THE_CENTRAL = textwrap.dedent("""
    import pkgutil, sys
    sys.modules["hallserver"] = None   # any import of the hall now fails
    import examkit, syncd.central, syncd.protocol, syncd.errors
    for package in (examkit, syncd.central):
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            # alembic's env.py runs only under alembic; the exam bank and its key corrections read
            # exam files with the hall's content reader (examhall[hall] beside [central], their
            # CLI commands only) until the kernel holds it.
            if ".migrations" not in module.name and module.name not in (
                    "syncd.central.bank", "syncd.central.corrections"):
                __import__(module.name)
    from syncd.central.cli import central
    try:
        central(["--help"])
    except SystemExit as done:
        assert done.code == 0, done.code
    libraries = ("zeroconf", "fpdf", "segno", "nh3", "defusedxml", "aiohttp_sse", "pydantic",
                 "prometheus_client", "psutil")
    print("loaded:", sorted(name for name in libraries if name in sys.modules))
""")


def test_the_central_starts_without_the_hall_installed():
    """Every module of the central and the kernel imports, and `syncd-central --help` answers,
    with `hallserver` made unimportable; none of the hall's libraries is loaded."""
    done = subprocess.run([sys.executable, "-c", _IMPORT_THE_CENTRAL], capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "The central server that halls push to" in done.stdout
    assert "loaded: []" in done.stdout


def _pulled(extra: str) -> set[str]:
    """The distributions `pip install examhall[extra]` asks for, by the package's metadata."""
    names = set()
    for line in importlib.metadata.requires("examhall") or []:
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate({"extra": extra}):
            names.add(requirement.name.lower())
    return names


def test_the_central_extra_does_not_pull_the_halls_libraries():
    """examhall[central] brings asyncpg and none of the hall's libraries; examhall[hall] does
    not bring asyncpg; both bring the kernel's."""
    central, hall = _pulled("central"), _pulled("hall")
    assert "asyncpg" in central and not central & HALL_ONLY
    assert HALL_ONLY <= hall and "asyncpg" not in hall
    assert {"aiohttp", "cryptography", "orjson"} <= central & hall
