"""LAN presence over mDNS: the hall's advertisement (a cleanup context) and discovery of halls.

The service is `_examhall._tcp.local.`; its TXT records carry `v`, `id`, `path`, `tls` and `fp`
(CONTRACT.md). The TXT `id` is the hall's identity; the instance name is only a label, renamed by
zeroconf on a clash. Discovery is a hint, never trust: `fp` lets a client check it reached the
right hall. Records are converted both ways here alone (`to_service_info` / `from_service_info`).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

from aiohttp import web
from zeroconf import DNSQuestionType, IPVersion, ServiceStateChange
from zeroconf.asyncio import AsyncServiceBrowser, AsyncServiceInfo, AsyncZeroconf

from examkit import network
from hallserver.config import HallConfig
from examkit.certificates import TlsPaths, fingerprint
from hallserver.keys import CONFIG, LISTEN_PORT, STORAGE

_LOGGER = logging.getLogger(__name__)

SERVICE_TYPE = "_examhall._tcp.local."
TXT_VERSION = "1"
MAX_TXT_ENTRY = 255      # RFC 6763: one TXT string is at most 255 bytes
MAX_INSTANCE_NAME = 63   # RFC 6763: an instance name label is at most 63 bytes
READVERTISE_SECONDS = 30.0
LOOK_AROUND_SECONDS = 1.0  # how long a starting hall listens for the halls already announced


@dataclass(frozen=True)
class Advert:
    """What the hall announces about itself."""

    name: str
    hall_id: str
    port: int
    tls: bool
    fingerprint: str
    addresses: tuple[str, ...]
    host_name: str


@dataclass(frozen=True)
class DiscoveredHall:
    """A hall seen on the LAN."""

    name: str
    hall_id: str
    url: str
    addresses: tuple[str, ...]
    port: int
    tls: bool
    fingerprint: str
    version: str


def _instance_name(name: str) -> str:
    encoded = name.encode("utf-8")[:MAX_INSTANCE_NAME]
    return encoded.decode("utf-8", errors="ignore").replace(".", " ").strip() or "examhall"


def txt_records(advert: Advert) -> dict[str, str]:
    """The TXT records, each checked against the 255-byte limit."""
    records = {"v": TXT_VERSION, "id": advert.hall_id, "path": "/",
               "tls": "1" if advert.tls else "0", "fp": advert.fingerprint}
    for key, value in records.items():
        if len(f"{key}={value}".encode()) > MAX_TXT_ENTRY:
            raise ValueError(f"TXT record {key} is longer than {MAX_TXT_ENTRY} bytes")
    return records


def to_service_info(advert: Advert) -> AsyncServiceInfo:
    """The zeroconf record of an advert."""
    return AsyncServiceInfo(
        SERVICE_TYPE, f"{_instance_name(advert.name)}.{SERVICE_TYPE}", port=advert.port,
        properties=txt_records(advert), server=f"{advert.host_name}.local.",
        parsed_addresses=list(advert.addresses))


def _text(properties: dict, key: str) -> str:
    value = properties.get(key.encode())
    return value.decode("utf-8", errors="replace") if value else ""


def from_service_info(info: AsyncServiceInfo) -> DiscoveredHall | None:
    """A discovered hall, or None for a record that is not a v1 examhall advert."""
    properties = info.properties or {}
    if _text(properties, "v") != TXT_VERSION or not _text(properties, "id"):
        return None
    addresses = tuple(info.parsed_scoped_addresses(IPVersion.All))
    tls = _text(properties, "tls") == "1"
    host = addresses[0] if addresses else (info.server or "").rstrip(".")
    shown = f"[{host}]" if ":" in host else host
    url = f"{'https' if tls else 'http'}://{shown}:{info.port}{_text(properties, 'path') or '/'}"
    name = info.name.removesuffix(f".{SERVICE_TYPE}")
    return DiscoveredHall(name, _text(properties, "id"), url, addresses, info.port or 0, tls,
                          _text(properties, "fp"), _text(properties, "v"))


def announced_addresses(interfaces: tuple[str, ...]) -> tuple[str, ...]:
    """The configured interface addresses, or every LAN address (no loopback, link-local, VPN)."""
    if interfaces:
        return tuple(a for a in interfaces if _is_address(a))
    return tuple(network.lan_addresses())


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def zeroconf_for(interfaces: tuple[str, ...]) -> AsyncZeroconf:
    """One AsyncZeroconf on the configured interfaces (all LAN ones when empty)."""
    if interfaces:
        return AsyncZeroconf(interfaces=list(interfaces))
    return AsyncZeroconf(ip_version=IPVersion.All)


class Advertiser:
    """Keeps the hall announced, re-announcing when the machine's addresses change."""

    def __init__(self, config: HallConfig, advert: Advert) -> None:
        self._config, self.advert = config, advert
        self._zeroconf = zeroconf_for(config.mdns.interfaces)
        self._info = to_service_info(advert)

    @property
    def registered_name(self) -> str:
        """The instance name in use (zeroconf may have renamed it after a clash)."""
        return self._info.name

    async def start(self) -> None:
        """Learns which halls are announced already, then announces this one (renamed "-2"...
        if its name is taken)."""
        await self._look_around()
        # zeroconf answers with a task that broadcasts; waiting for it means we really announced.
        await (await self._zeroconf.async_register_service(self._info, allow_name_change=True))
        _LOGGER.info("announced on the LAN as %s", self._info.name)

    async def _look_around(self) -> None:
        # zeroconf's probes before announcing ask for answers by unicast, which some networks
        # lose and which reach only one of several mDNS sockets of one machine, so a clash of
        # names can go unseen. Asking first for answers by multicast fills zeroconf's cache with
        # every announced hall, and its check for a taken name looks in that cache.
        browser = AsyncServiceBrowser(self._zeroconf.zeroconf, [SERVICE_TYPE],
                                      handlers=[_ignore_change], question_type=DNSQuestionType.QM)
        try:
            await asyncio.sleep(LOOK_AROUND_SECONDS)
        finally:
            await browser.async_cancel()

    async def refresh(self) -> None:
        """Re-announces with the current addresses when they changed."""
        addresses = announced_addresses(self._config.mdns.interfaces)
        if addresses and addresses != self.advert.addresses:
            self.advert = Advert(**{**self.advert.__dict__, "addresses": addresses})
            name = self._info.name
            self._info = to_service_info(self.advert)
            self._info.name = name
            await (await self._zeroconf.async_update_service(self._info))
            _LOGGER.info("addresses changed; announced again at %s", ", ".join(addresses))

    async def stop(self) -> None:
        """Says goodbye, so browsers drop the hall at once, and closes zeroconf."""
        try:
            await (await self._zeroconf.async_unregister_service(self._info))
        except Exception as err:  # noqa: BLE001 - a failed goodbye must not stop the shutdown
            _LOGGER.warning("could not say goodbye on the LAN: %s", err)
        await self._zeroconf.async_close()


def _ignore_change(**_change: object) -> None:
    """A browser needs a handler; looking around only fills the cache."""


async def _keep_fresh(advertiser: Advertiser) -> None:
    while True:
        await asyncio.sleep(READVERTISE_SECONDS)
        await advertiser.refresh()


def hall_advert(app: web.Application) -> Advert | None:
    """What this hall announces, or None when mDNS is off or the app has no socket of its own."""
    config = app[CONFIG]
    port = app.get(LISTEN_PORT)
    if not config.mdns.enabled or port is None:
        return None
    cert = TlsPaths(config.tls_dir, config.secrets_dir).server_cert
    return Advert(name=config.mdns.name, hall_id=app[STORAGE].hall_id, port=port,
                  tls=config.server.tls, fingerprint=fingerprint(cert) if cert.exists() else "",
                  addresses=announced_addresses(config.mdns.interfaces),
                  host_name=network.hall_label(config.mdns.name))


async def lan_presence(app: web.Application) -> AsyncIterator[None]:
    """Cleanup context: the hall is announced while it serves, and says goodbye when it stops."""
    advert = hall_advert(app)
    if advert is None:
        yield
        return
    advertiser = Advertiser(app[CONFIG], advert)
    await advertiser.start()
    refresher = asyncio.create_task(_keep_fresh(advertiser), name="examhall-mdns")
    yield
    refresher.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await refresher
    await advertiser.stop()


async def discover(wait_seconds: float, interfaces: tuple[str, ...] = ()) -> list[DiscoveredHall]:
    """Every hall that answers within `wait_seconds`."""
    zeroconf = zeroconf_for(interfaces)
    names: set[str] = set()

    def on_change(zeroconf, service_type: str, name: str, state_change: ServiceStateChange) -> None:
        if state_change is not ServiceStateChange.Removed:
            names.add(name)

    browser = AsyncServiceBrowser(zeroconf.zeroconf, [SERVICE_TYPE], handlers=[on_change])
    try:
        await asyncio.sleep(wait_seconds)  # browsing is listening: answers come in over this time
        found = []
        for name in sorted(names):
            info = AsyncServiceInfo(SERVICE_TYPE, name)
            if await info.async_request(zeroconf.zeroconf, 1500):
                hall = from_service_info(info)
                if hall is not None:
                    found.append(hall)
        return found
    finally:
        await browser.async_cancel()
        await zeroconf.async_close()
