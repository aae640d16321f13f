"""The join page: the hall's address, a QR code of it and the certificate fingerprint, to print
and pin up where mDNS does not reach (segmented networks, blocked multicast, old machines)."""

from __future__ import annotations

import html
import io

import segno
from aiohttp import web

from examkit import network
from examkit.certificates import TlsPaths, fingerprint
from hallserver.keys import CONFIG, LISTEN_PORT, STORAGE
from examkit.responses import json_response


def _join_facts(request: web.Request) -> dict[str, object]:
    config = request.app[CONFIG]
    port = request.app.get(LISTEN_PORT) or int(request.url.port or 0)
    urls = network.hall_urls(config.server.host, port, config.server.tls)
    cert = TlsPaths(config.tls_dir, config.secrets_dir).server_cert
    return {"hall_id": request.app[STORAGE].hall_id, "name": config.hall.name, "url": urls[0],
            "urls": urls, "fingerprint": fingerprint(cert) if cert.exists() else "",
            "local_name": f"{network.hall_label(config.mdns.name)}.local", "ca_url": f"{urls[0]}ca.crt"}


def qr_svg(url: str) -> str:
    """The URL as an SVG QR code (made by segno), to scale on paper or screen."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=8, border=4, xmldecl=False,
                                    light="#fff", svgns=True, title=f"QR code: {url}")
    return buffer.getvalue().decode("utf-8")


async def join_page(request: web.Request) -> web.Response:
    """GET /join: a printable page with the address, its QR code and the fingerprint."""
    facts = _join_facts(request)
    url, fp = html.escape(str(facts["url"])), html.escape(str(facts["fingerprint"]))
    others = "".join(f"<li><code>{html.escape(u)}</code></li>" for u in facts["urls"][1:])
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Join {html.escape(str(facts["name"]))}</title>
<link rel="stylesheet" href="/ui/join.css"></head>
<body><main class="join">
<h1>{html.escape(str(facts["name"]))}</h1>
<p class="lead">Open this address in the browser of your lab PC:</p>
<p class="url"><a href="{url}" data-hall-url>{url}</a></p>
<figure class="qr" data-qr>{qr_svg(str(facts["url"]))}<figcaption>Scan to open the hall</figcaption></figure>
<p>Also: <code>{html.escape(str(facts["local_name"]))}</code></p>
<ul class="others">{others}</ul>
<h2>Check it is this hall</h2>
<p>Certificate fingerprint (SHA-256):</p><p class="fingerprint"><code data-fingerprint>{fp}</code></p>
<p>First time on this PC? Install <a href="/ca.crt">the hall certificate</a> once.</p>
</main></body></html>"""
    return web.Response(text=page, content_type="text/html")


async def join_facts(request: web.Request) -> web.Response:
    """GET /join.json: the same facts for scripts."""
    return json_response(_join_facts(request))


async def join_qr(request: web.Request) -> web.Response:
    """GET /join/qr.svg: the QR code alone."""
    return web.Response(text=qr_svg(str(_join_facts(request)["url"])), content_type="image/svg+xml")
