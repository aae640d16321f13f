"""Central accounts: made with `syncd central user add`, logged in on the central's pages by cookie;
readers see, admins publish; the admin token for scripts, a read-only token for read-only ones;
wrong passwords throttled, right ones never; cross-site changes refused.

Each test runs a real central (`syncd central serve`, HTTPS) on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import subprocess
from typing import Any

import aiohttp
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from syncd.central.routes import publishing_routes
from tests.sync.processes import SYNCD, ServedCentral, _env, syncd

ADMIN_PASSWORD, READER_PASSWORD = "plans-the-exams", "reads-the-results"


def user_add(central: ServedCentral, name: str, role: str, password: str) -> tuple[int, str]:
    """`syncd central user add NAME --role ROLE --password-stdin`, the password piped in."""
    done = subprocess.run(
        [str(SYNCD), "central", "user", "add", name, "--role", role, "--password-stdin",
         "--config", str(central.directory / "central.toml")],
        input=password + "\n", env=_env(), capture_output=True, text=True, timeout=60)
    return done.returncode, done.stdout + done.stderr


def _new_hall_key() -> str:
    return Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw,
                                                                 PublicFormat.Raw).hex()


def publishing_requests() -> dict[tuple[str, str], tuple[str, dict[str, Any] | None]]:
    """An example request for every route only an admin may use: (url path, JSON body)."""
    return {
        ("POST", "/api/halls"): ("/api/halls", {"hall_id": "hall-b", "public_key": _new_hall_key()}),
        ("POST", "/api/halls/{hall_id}/revoke"): ("/api/halls/hall-a/revoke", {}),
        ("POST", "/api/sittings"): ("/api/sittings", {
            "hall_id": "hall-a", "exam_id": "MTH101", "starts": "2030-01-01T09:00"}),
        ("POST", "/api/sittings/{sitting_id}/change"): ("/api/sittings/s1/change", {"name": "X"}),
        ("POST", "/api/sittings/{sitting_id}/end"): ("/api/sittings/s1/end", {}),
        ("GET", "/api/sittings/{sitting_id}/code"): ("/api/sittings/s1/code", None),
        ("POST", "/api/sittings/{sitting_id}/release"): ("/api/sittings/s1/release", {}),
    }


class Browser:
    """A client of the central that keeps cookies, as a browser on its pages does."""

    def __init__(self, central: ServedCentral, token: str | None = None) -> None:  # noqa: D107
        self.central, self.token = central, token
        ssl: Any = aiohttp.Fingerprint(bytes.fromhex(central.fingerprint))
        self.client = aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=ssl),
                                            cookie_jar=aiohttp.CookieJar(unsafe=True))

    async def request(self, method: str, path: str, body: Any = None,
                      **headers: str) -> tuple[int, Any, aiohttp.ClientResponse]:
        """(status, JSON or text, response)."""
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        async with self.client.request(method, self.central.url + path, json=body,
                                       headers=headers) as response:
            data = (await response.json() if response.content_type == "application/json"
                    else await response.text())
            return response.status, data, response

    async def log_in(self, name: str, password: str) -> tuple[int, Any, aiohttp.ClientResponse]:
        """POST /api/login."""
        return await self.request("POST", "/api/login", {"name": name, "password": password})

    async def close(self) -> None:  # noqa: D102
        await self.client.close()


@pytest.fixture
def accounts(central: ServedCentral) -> ServedCentral:
    """The central with an admin `ada`, a reader `rex`, and an enrolled hall `hall-a`."""
    for name, role, password in (("ada", "admin", ADMIN_PASSWORD),
                                 ("rex", "reader", READER_PASSWORD)):
        code, output = user_add(central, name, role, password)
        assert code == 0 and f"added: {role} {name}" in output, output
    config = str(central.directory / "central.toml")
    code, output = syncd("central", "enroll-hall", "hall-a", _new_hall_key(), "--name",
                         "Hall A, Leeds", "--config", config)
    assert code == 0, output
    listed = syncd("central", "halls", "--config", config)[1]
    assert listed.startswith("Hall A, Leeds  hall-a"), "a hall shows by name from enrollment"
    return central


async def _hall_states(central: ServedCentral) -> dict[str, str]:
    halls = (await central.api().get("/api/halls"))["halls"]
    return {h["hall_id"]: h["state"] for h in halls}


async def test_a_reader_cannot_publish_by_page_or_token_and_an_admin_can(accounts):
    central = accounts
    reader, admin = Browser(central), Browser(central)
    reader_token = (central.directory / "secrets" / "reader.token").read_text().strip()
    reader_script = Browser(central, token=reader_token)
    admin_script = Browser(central, token=central.token)
    try:
        status, me, response = await reader.log_in("rex", READER_PASSWORD)
        assert (status, me) == (200, {"name": "rex", "role": "reader"})
        cookie = response.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=Strict" in cookie
        assert (await admin.log_in("ada", ADMIN_PASSWORD))[0] == 200

        requests = publishing_requests()
        assert set(requests) == set(publishing_routes()), "a publishing route has no example"
        before = await _hall_states(central)
        for who in (reader, reader_script):
            for (method, _), (path, body) in requests.items():
                status, error, _ = await who.request(method, path, body)
                assert status == 403 and error["error"]["code"] == "not_admin", (path, error)
        assert await _hall_states(central) == before, "a reader's request changed something"

        # Readers read: halls, sessions, the export; by cookie and by the read-only token.
        for who in (reader, reader_script):
            assert (await who.request("GET", "/api/halls"))[0] == 200
            status, text, _ = await who.request("GET", "/api/export.csv")
            assert status == 200 and text.startswith("hall_id,")

        path, body = requests[("POST", "/api/halls")]
        assert (await admin.request("POST", path, body))[0] == 200
        path, body = requests[("POST", "/api/halls/{hall_id}/revoke")]
        assert (await admin_script.request("POST", path, body))[0] == 200
        assert await _hall_states(central) == {"hall-a": "revoked", "hall-b": "enrolled"}

        # Logged out, the cookie no longer opens anything.
        assert (await admin.request("POST", "/api/logout"))[0] == 200
        assert (await admin.request("GET", "/api/halls"))[0] == 401
    finally:
        for client in (reader, admin, reader_script, admin_script):
            await client.close()


async def test_wrong_passwords_are_throttled_and_a_right_one_never_is(accounts):
    central = accounts
    browser = Browser(central)
    try:
        statuses = [(await browser.log_in("ada", "not-the-password"))[0] for _ in range(8)]
        assert statuses[:5] == [401] * 5 and set(statuses[5:]) == {429}
        status, error, _ = await browser.log_in("ada", "still-wrong")
        assert status == 429 and error["error"]["retry_after"] > 0
        status, me, _ = await browser.log_in("ada", ADMIN_PASSWORD)
        assert (status, me["role"]) == (200, "admin")
        assert (await browser.request("GET", "/api/me"))[1]["name"] == "ada"
    finally:
        await browser.close()


async def test_a_change_from_another_site_is_refused_though_logged_in(accounts):
    central = accounts
    admin, nobody = Browser(central), Browser(central)
    try:
        assert (await admin.log_in("ada", ADMIN_PASSWORD))[0] == 200
        status, error, _ = await admin.request("POST", "/api/halls/hall-a/revoke", {},
                                               Origin="https://evil.example")
        assert status == 403 and error["error"]["code"] == "cross_site"
        assert await _hall_states(central) == {"hall-a": "enrolled"}
        assert (await nobody.request("GET", "/api/halls"))[0] == 401
    finally:
        await admin.close()
        await nobody.close()


def test_user_add_refuses_a_taken_name_a_short_password_and_an_unknown_role(accounts):
    code, output = user_add(accounts, "ada", "admin", "another-password")
    assert code != 0 and "already an account called ada" in output
    code, output = user_add(accounts, "sam", "reader", "short")
    assert code != 0 and "at least 8 characters" in output
    code, output = user_add(accounts, "sam", "owner", "long-enough-password")
    assert code != 0 and "owner" in output
