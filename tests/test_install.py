"""examhall as an operator installs it: a wheel built from the sources, installed into a fresh
virtual environment outside the checkout, serving every page from `hall demo`; and refusing to
start, with a clear message, when an install lacks its pages.

Slow-ish (about a minute: pip builds the wheel in an isolated build environment). The fresh
environment gets examhall from the wheel alone (`--no-deps --no-index`); its dependencies come from
this test run's environment through a path file, so the test needs no registry beyond the build.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import aiohttp
import pytest

from tests.serving import HallProcess

pytestmark = pytest.mark.slow

CHECKOUT = Path(__file__).resolve().parent.parent
BUILD_SECONDS = 240
# Not copied into the build: what a fresh clone does not have either.
NOT_SOURCES = shutil.ignore_patterns(".git", ".venv", "venv", "build", "*.egg-info", "__pycache__",
                                     ".pytest_cache", ".hypothesis", "results", "node_modules")
PAGES = {  # what a browser asks for first, and a line its HTML must hold
    "/": "Log in to your exam",   # / lands a lab PC on the candidates' login
    "/ui/student/index.html": "Log in to your exam",
    "/ui/student/exam.html": ">Your exam — examhall</title>",
    "/ui/staff/index.html": ">Staff login — examhall</title>",
}
SCRIPTS = ("/ui/student/login.js", "/ui/shared/api.js", "/ui/shared/base.css")


def run(*args: str | Path, cwd: Path) -> str:
    """Runs a command to completion; fails with its output when it fails."""
    done = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True,
                          timeout=BUILD_SECONDS, check=False)
    assert done.returncode == 0, f"{args} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment (outside the checkout) with examhall installed from its wheel."""
    where = tmp_path_factory.mktemp("install")
    sources = where / "examhall-src"
    shutil.copytree(CHECKOUT, sources, symlinks=True, ignore=NOT_SOURCES)
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", where / "dist", ".",
        cwd=sources)
    (wheel,) = (where / "dist").glob("examhall-*.whl")
    environment = where / "venv"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    run(python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", wheel, cwd=where)
    site = run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])",
               cwd=where).strip()
    # Dependencies only: a plain path line (the editable examhall of this run is not loaded,
    # because .pth files inside an added path are not read).
    (Path(site) / "examhall-test-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return environment


def test_the_wheel_carries_every_page(installed):
    python = installed / "bin" / "python"
    pages = Path(run(python, "-c", "from examkit.pages import required; print(required())",
                     cwd=installed).strip())
    assert installed in pages.parents, f"the pages came from {pages}, not the installed wheel"
    shipped = sorted(p.relative_to(pages) for p in pages.rglob("*") if p.is_file())
    in_checkout = sorted(p.relative_to(CHECKOUT / "webui")
                         for p in (CHECKOUT / "webui").rglob("*") if p.is_file())
    assert shipped == in_checkout


async def test_hall_demo_from_the_wheel_serves_the_candidates_pages(installed, tmp_path):
    with HallProcess("demo", "--port", "0", "--directory", str(tmp_path / "demo"), cwd=tmp_path,
                     program=installed / "bin" / "hall") as demo:
        port = int(demo.wait_for_line(r"http://127\.0\.0\.1:(\d+)/").group(1))
        async with aiohttp.ClientSession(f"http://127.0.0.1:{port}") as browser:
            for path, line in PAGES.items():
                async with browser.get(path) as response:
                    assert response.status == 200, path
                    assert response.content_type == "text/html", path
                    assert line in await response.text(), path
            for path in SCRIPTS:
                async with browser.get(path) as response:
                    assert response.status == 200, path
                    assert await response.read() == (CHECKOUT / "webui" / path[4:]).read_bytes()
        demo.stop()


def test_an_install_without_its_pages_refuses_to_serve(installed, tmp_path):
    python = installed / "bin" / "python"
    pages = Path(run(python, "-c", "from examkit.pages import pages_dir; print(pages_dir())",
                     cwd=installed).strip())
    (pages / "student" / "index.html").unlink()
    with HallProcess("demo", "--port", "0", "--directory", str(tmp_path / "demo"), cwd=tmp_path,
                     program=installed / "bin" / "hall") as demo:
        code = demo.wait()
    assert code == 1
    assert "the pages are missing" in demo.output and "student/index.html" in demo.output
    assert not (tmp_path / "demo").exists(), "it refused before making a demo hall"
