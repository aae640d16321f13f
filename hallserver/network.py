"""The machine's names and LAN addresses, for the certificate, the printed URLs and mDNS."""

from __future__ import annotations

import ipaddress
import socket

import ifaddr


def host_names() -> list[str]:
    """The host name, `<host>.local` and localhost."""
    host = socket.gethostname().split(".")[0] or "examhall"
    return [host, f"{host}.local", "localhost"]


def lan_addresses() -> list[str]:
    """IPv4 and IPv6 addresses of LAN interfaces: no loopback, link-local or multicast."""
    found: list[str] = []
    for adapter in ifaddr.get_adapters():
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
