"""The machine's names and LAN addresses, for the certificate, the printed URLs and mDNS
(the hall), and the central's certificate."""

from __future__ import annotations

import ipaddress
import re
import socket

import ifaddr


def host_names() -> list[str]:
    """The host name, `<host>.local` and localhost."""
    host = socket.gethostname().split(".")[0] or "examhall"
    return [host, f"{host}.local", "localhost"]


# Tunnels and virtual bridges are not the hall's LAN: lab PCs cannot reach the hall through them.
_NOT_LAN = ("tun", "tap", "wg", "ppp", "tailscale", "zt", "utun", "docker", "veth", "virbr", "br-")


def hall_label(hall_name: str) -> str:
    """The hall's DNS label: "Hall A" answers as hall-a.local."""
    label = re.sub(r"[^a-z0-9]+", "-", hall_name.lower()).strip("-")
    return (label or "examhall")[:63].rstrip("-")


def lan_addresses() -> list[str]:
    """IPv4 and IPv6 addresses of LAN interfaces: no loopback, link-local, multicast or VPN."""
    found: list[str] = []
    for adapter in ifaddr.get_adapters():
        if adapter.nice_name.startswith(_NOT_LAN) or str(adapter.name).startswith(_NOT_LAN):
            continue
        for ip in adapter.ips:
            text = ip.ip if isinstance(ip.ip, str) else ip.ip[0]
            address = ipaddress.ip_address(text.split("%")[0])
            if address.is_loopback or address.is_link_local or address.is_multicast:
                continue
            found.append(str(address))
    return found


def certificate_addresses() -> list[str]:
    """Every address the server certificate should name."""
    return ["127.0.0.1", "::1", *lan_addresses()]


def hall_urls(host: str, port: int, tls: bool) -> list[str]:
    """Where browsers reach a hall listening on host:port: each LAN address, then loopback."""
    scheme = "https" if tls else "http"
    wildcard = host in ("0.0.0.0", "::", "")
    hosts = [*lan_addresses(), "127.0.0.1"] if wildcard else [host]
    return [f"{scheme}://{f'[{h}]' if ':' in h else h}:{port}/" for h in hosts]
