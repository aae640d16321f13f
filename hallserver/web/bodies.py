"""Reading a request body as it arrives, inflating gzip or deflate ourselves, bounded as it goes.

aiohttp's own decompression is turned off (`HANDLER_ARGS`): it inflated a whole body on the event
loop, past the 413, so one 2 MiB gzip bomb (2 GiB inflated) froze every save for seconds. Here a
body is read chunk by chunk from the socket, each chunk is inflated with `max_length` no larger
than the room left under the limit, and reading stops as soon as the limit is passed: the work
per request is bounded by the limit, whatever the client sends.
"""

from __future__ import annotations

import zlib

from aiohttp import web

from hallserver.errors import BadRequest, TooLarge, UnsupportedMediaType

# Passed to every connection's request handler (web.Application(handler_args=...)).
HANDLER_ARGS = {"auto_decompress": False}

# Set on a request whose connection must close after the answer (read by `error_pages`).
CLOSE_CONNECTION = web.RequestKey("close_connection", bool)

# zlib window bits per Content-Encoding: gzip's header, zlib's header (RFC 1950).
_WBITS = {"gzip": 31, "x-gzip": 31, "deflate": 15}


def _inflater(request: web.Request) -> zlib._Decompress | None:
    encoding = request.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding in ("", "identity"):
        return None
    if encoding not in _WBITS:
        raise UnsupportedMediaType("The hall takes bodies plain, gzip or deflate; "
                                   "send this one in one of those.")
    return zlib.decompressobj(_WBITS[encoding])


def _too_large(request: web.Request, limit: int, inflated: bool = False) -> TooLarge:
    if inflated:
        # A bomb: stop reading; the rest is not even received, and the connection closes after
        # the 413. (A plain body too large is read on and dropped by aiohttp, for at most its
        # lingering time, so that an honest client gets to read the 413.)
        request.protocol.close()
        request[CLOSE_CONNECTION] = True
    return TooLarge(f"The request is larger than the {limit} bytes the hall accepts.",
                    max_bytes=limit)


def _corrupt() -> BadRequest:
    return BadRequest("The request body could not be decompressed: it is not valid gzip or "
                      "deflate.")


async def read_limited(request: web.Request, limit: int) -> bytes:
    """The body, inflated when compressed; TooLarge past `limit` bytes, raw or inflated."""
    inflater = _inflater(request)
    if (request.content_length or 0) > limit:
        raise _too_large(request, limit)
    body = bytearray()
    received = 0
    async for chunk in request.content.iter_any():
        received += len(chunk)
        if received > limit:
            raise _too_large(request, limit)
        if inflater is None:
            body += chunk
            continue
        room = limit - len(body)
        try:
            body += inflater.decompress(chunk, room + 1)
        except zlib.error as err:
            raise _corrupt() from err
        if len(body) > limit or inflater.unconsumed_tail:
            raise _too_large(request, limit, inflated=True)
    if inflater is not None and (not inflater.eof or inflater.unused_data):
        raise _corrupt()
    return bytes(body)
