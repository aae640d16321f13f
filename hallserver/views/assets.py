"""GET /exam-assets/{exam_id}/{name}: the images of a candidate's exam, from the hall itself."""

from __future__ import annotations

from aiohttp import web

from hallserver.domain.content.assets import read_asset
from hallserver.domain.access.devices import Device
from hallserver.keys import STORAGE

# An image opened on its own (an SVG above all) runs nothing and loads nothing.
_ASSET_CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox"


async def exam_asset(request: web.Request, device: Device) -> web.Response:
    """GET /exam-assets/{exam_id}/{name}."""
    storage = request.app[STORAGE]
    asset = await storage.read(read_asset, device.candidate_id, request.match_info["exam_id"],
                            request.match_info["name"])
    etag = f'"{asset.sha256}"'
    headers = {"ETag": etag, "Cache-Control": "private, no-cache",
               "Content-Security-Policy": _ASSET_CSP, "Content-Disposition": "inline"}
    if request.headers.get("If-None-Match") == etag:
        return web.Response(status=304, headers=headers)
    return web.Response(body=asset.data, content_type=asset.media_type, headers=headers)
