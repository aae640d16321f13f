"""Endpoints for everyone: health, the hall CA for lab PCs to trust."""

from __future__ import annotations

from aiohttp import web

from hallserver import __version__
from examkit.certificates import CA_CERT
from hallserver.domain.log import storage as disk
from hallserver.errors import NotFound, StorageUnavailable
from hallserver.keys import CONFIG, STORAGE
from examkit.responses import json_response


async def healthz(request: web.Request) -> web.Response:
    """GET /healthz: 200 while the database answers, 503 when it does not."""
    storage = request.app[STORAGE]
    try:
        sessions = await storage.read(disk.session_count)
    except Exception as err:  # noqa: BLE001 - any storage fault is "not healthy"
        raise StorageUnavailable("The hall's database does not answer.") from err
    return json_response({"status": "ok", "version": __version__, "hall_id": storage.hall_id,
                        "epoch": storage.epoch, "sessions": sessions,
                        "tls": request.app[CONFIG].server.tls})


async def ca_certificate(request: web.Request) -> web.FileResponse:
    """GET /ca.crt: the hall CA, for lab PCs to trust once."""
    path = request.app[CONFIG].tls_dir / CA_CERT
    if not path.exists():
        raise NotFound("This hall has no CA certificate; it was set up without TLS.")
    return web.FileResponse(path, headers={"Content-Type": "application/x-x509-ca-cert",
                                           "Content-Disposition": 'attachment; filename="examhall-ca.crt"'})
