"""The central's own page loads whole: the page, its script and the shared layer it imports."""

from __future__ import annotations

from pathlib import Path

import pytest

from syncd.central.app import create_central_app
from syncd.central.config import load as load_central
from syncd.central.setup import init_central

WEBUI = Path(__file__).resolve().parent.parent.parent / "webui"


@pytest.fixture
def central_toml(tmp_path) -> Path:
    """A new central (SQLite), made outside the test's event loop as `syncd central init` does."""
    init_central(tmp_path / "central", {("server", "tls"): False})
    return tmp_path / "central" / "central.toml"


async def test_the_central_serves_its_page_and_the_shared_layer_it_imports(central_toml,
                                                                          aiohttp_client):
    app = create_central_app(load_central(central_toml))
    client = await aiohttp_client(app)
    page = await client.get("/", allow_redirects=True)
    assert page.status == 200 and ">examhall central</title>" in await page.text()
    for path in ("/ui/central/central.js", "/ui/shared/api.js", "/ui/shared/dom.js",
                 "/ui/shared/format.js", "/ui/shared/device-store.js"):
        response = await client.get(path)
        assert response.status == 200, path
        assert await response.read() == (WEBUI / path[4:]).read_bytes()


async def test_the_central_page_answers_at_its_folder_and_wears_the_halls_styles(central_toml,
                                                                                 aiohttp_client):
    client = await aiohttp_client(create_central_app(load_central(central_toml)))
    page = await client.get("/ui/central/", allow_redirects=True)
    assert page.status == 200, "the address the README gives answers with the page"
    text = await page.text()
    assert ">examhall central</title>" in text
    assert 'href="../shared/base.css"' in text, "the page wears the hall's shared styles"
    style = await client.get("/ui/shared/base.css")
    assert style.status == 200 and await style.read() == (WEBUI / "shared/base.css").read_bytes()
