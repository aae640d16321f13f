"""LAN presence: the hall announced over mDNS (on loopback only), discovery, and /join.

Every test keeps mDNS on the loopback interface: nothing here multicasts on a real network.
"""

from __future__ import annotations

import asyncio
import io
import json
import ssl
import urllib.request

import cairosvg
import pytest
import zxingcpp
from cryptography import x509
from PIL import Image
from zeroconf import ServiceStateChange
from zeroconf.asyncio import AsyncServiceBrowser, AsyncServiceInfo, AsyncZeroconf

from examkit.certificates import fingerprint
from hallserver.db import engine as engines
from hallserver.db import migrate
from hallserver.mdns import SERVICE_TYPE, Advert, from_service_info, to_service_info, txt_records
from tests.halls import make_hall
from tests.serving import HallProcess, ServedHall

LOOPBACK = ["127.0.0.1"]
SEE_SECONDS = 15.0


def announced_hall(directory, name="Hall A", tls=False):
    return make_hall(directory, candidates=1, tls=tls, mdns__enabled=True,
                     mdns__interfaces=LOOPBACK, mdns__name=name, hall__name=name)


def hall_id_of(config) -> str:
    engine = engines.sync_engine(config.database_path)
    with engine.connect() as connection:
        hall_id, _ = migrate.read_identity(connection)
    engine.dispose()
    return hall_id


class LoopbackBrowser:
    """A zeroconf browser bound to the loopback interface, as python-zeroconf's own tests do."""

    def __init__(self) -> None:
        self.zeroconf = AsyncZeroconf(interfaces=LOOPBACK)
        self.changes: list[tuple[str, ServiceStateChange]] = []
        self.resolved: dict[str, AsyncServiceInfo] = {}
        self._changed = asyncio.Event()
        self.browser = AsyncServiceBrowser(self.zeroconf.zeroconf, [SERVICE_TYPE],
                                           handlers=[self._on_change])

    def _on_change(self, zeroconf, service_type, name, state_change) -> None:
        self.changes.append((name, state_change))
        self._changed.set()

    async def wait_for(self, state: ServiceStateChange, hall_id: str) -> AsyncServiceInfo:
        """The record of the hall with this id, once its change of `state` was seen.

        Other halls may be announced on loopback by other tests: only the id is trusted.
        """
        async def seen() -> AsyncServiceInfo:
            checked = 0
            while True:
                for name, change in self.changes[checked:]:
                    info = self.resolved.get(name)
                    if info is None and change is not ServiceStateChange.Removed:
                        info = AsyncServiceInfo(SERVICE_TYPE, name)
                        if await info.async_request(self.zeroconf.zeroconf, 3000):
                            self.resolved[name] = info
                    if change is state and info is not None and info.properties.get(b"id") == hall_id.encode():
                        return info
                checked = len(self.changes)
                self._changed.clear()
                if checked == len(self.changes):
                    await self._changed.wait()
        return await asyncio.wait_for(seen(), SEE_SECONDS)

    async def close(self) -> None:
        await self.browser.async_cancel()
        await self.zeroconf.async_close()


async def test_serve_announces_the_hall_and_says_goodbye(tmp_path):
    config = announced_hall(tmp_path / "hall", tls=True)
    browser = LoopbackBrowser()
    try:
        with ServedHall(config) as served:
            info = await browser.wait_for(ServiceStateChange.Added, hall_id_of(config))
            assert info.port == served.port
            assert "127.0.0.1" in info.parsed_addresses()
            txt = {k.decode(): v.decode() for k, v in info.properties.items()}
            assert txt == {"v": "1", "id": hall_id_of(config), "path": "/", "tls": "1",
                           "fp": fingerprint(config.tls_dir / "server.crt")}
            assert info.server == "hall-a.local."
            served.stop()
            gone = await browser.wait_for(ServiceStateChange.Removed, hall_id_of(config))
            assert gone.name == info.name
    finally:
        await browser.close()


async def test_two_halls_of_one_name_are_both_listed(tmp_path):
    first = announced_hall(tmp_path / "first")
    second = announced_hall(tmp_path / "second")
    browser = LoopbackBrowser()
    try:
        with ServedHall(first) as one, ServedHall(second) as two:
            await browser.wait_for(ServiceStateChange.Added, hall_id_of(first))
            await browser.wait_for(ServiceStateChange.Added, hall_id_of(second))
            with HallProcess("discover", "--json", "--wait", "3", "--interface", "127.0.0.1") as found:
                assert found.wait() == 0, found.output
                listed = json.loads(found.output[found.output.index("{"):])
            ours = {hall_id_of(first), hall_id_of(second)}
            halls = {h["hall_id"]: h for h in listed["halls"] if h["hall_id"] in ours}
            assert set(halls) == ours
            assert {h["port"] for h in halls.values()} == {one.port, two.port}
            assert len({h["name"] for h in halls.values()}) == 2  # one was renamed on the clash
            one.stop()
            two.stop()
    finally:
        await browser.close()


def test_join_page_has_the_url_a_qr_code_of_it_and_the_fingerprint(tmp_path):
    config = make_hall(tmp_path / "hall", candidates=1, tls=True)
    with ServedHall(config) as served:
        context = served.ssl_context
        page = urllib.request.urlopen(served.url + "join", context=context).read().decode()
        facts = json.load(urllib.request.urlopen(served.url + "join.json", context=context))
        svg = urllib.request.urlopen(served.url + "join/qr.svg", context=context).read()
        served.stop()
    assert facts["url"] == f"https://127.0.0.1:{served.port}/"
    assert facts["url"] in page
    assert facts["fingerprint"] == fingerprint(config.tls_dir / "server.crt") in page
    png = cairosvg.svg2png(bytestring=svg, output_width=400)
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)).convert("L"))
    assert [code.text for code in decoded] == [facts["url"]]
    assert "<svg" in page  # the same QR code, inline on the printable page


def test_the_certificate_names_the_hall_dot_local(tmp_path):
    config = announced_hall(tmp_path / "hall", name="Hall B", tls=True)
    cert = x509.load_pem_x509_certificate((config.tls_dir / "server.crt").read_bytes())
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "hall-b.local" in names.get_values_for_type(x509.DNSName)
    context = ssl.create_default_context(cafile=config.tls_dir / "ca.crt")
    assert context  # the CA loads as a trust anchor


def test_txt_records_stay_within_their_limits():
    advert = Advert(name="Ħ" * 80, hall_id="a" * 32, port=8443, tls=True, fingerprint="f" * 64,
                    addresses=("127.0.0.1",), host_name="hall")
    info = to_service_info(advert)
    assert len(info.name.removesuffix("." + SERVICE_TYPE).encode()) <= 63
    assert all(len(f"{k}={v}".encode()) <= 255 for k, v in txt_records(advert).items())
    round_trip = from_service_info(info)
    assert round_trip is not None and round_trip.hall_id == "a" * 32 and round_trip.tls
    with pytest.raises(ValueError, match="TXT record id"):
        txt_records(Advert(**{**advert.__dict__, "hall_id": "x" * 300}))
