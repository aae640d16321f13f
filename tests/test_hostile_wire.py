"""On the wire, under the app: every refusal in the one JSON shape, and no connection held for ever.

A real `hall serve` (TLS, as deployed: in one process, and with two worker processes) with a
2-second header timeout and 16 connections per address, spoken to over raw sockets.
"""

from __future__ import annotations

import asyncio
import json

import pytest

from tests.halls import make_hall
from tests.hostile import raw_exchange
from tests.serving import ServedHall

HEADER_TIMEOUT = 2
PER_ADDRESS = 16
SECRET = b"examhall_candidate=SECRET-COOKIE-VALUE"


@pytest.fixture(scope="module", params=[1, 2], ids=["one-process", "two-workers"])
def hall(tmp_path_factory, request):
    config = make_hall(tmp_path_factory.mktemp("wire") / "hall", tls=True,
                       server__workers=request.param,
                       server__header_timeout_seconds=HEADER_TIMEOUT,
                       server__connections_per_address=PER_ADDRESS)
    with ServedHall(config) as served:
        yield served
        served.stop()


def _answer(raw: bytes) -> tuple[int, dict[str, str], dict]:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, json.loads(body)


def _request(line: bytes, *headers: bytes) -> bytes:
    return b"\r\n".join([line, b"Host: hall", b"Cookie: " + SECRET, *headers, b"", b""])


@pytest.mark.parametrize("request_bytes", [
    _request(b"GET /healthz HTTP/1.1", b"X-Long: " + b"a" * 9000),
    _request(b"GET /healthz HTTP/1.1", *(b"X-%d: 1" % n for n in range(130))),
    _request(b"GET /" + b"a" * 9000 + b" HTTP/1.1"),
    _request(b"GET /healthz HTTP/1.1", b"Content-Length: 1", b"Content-Length: 2"),
], ids=["header-over-8190", "130-headers", "url-over-8190", "two-lengths"])
async def test_what_the_parser_refuses_is_json_and_echoes_nothing(hall, request_bytes):
    raw = await raw_exchange(hall.port, request_bytes, ssl=hall.ssl_context)
    status, headers, body = _answer(raw)
    assert status == 400 and headers["Content-Type"] == "application/json"
    assert set(body) == {"error"} and body["error"]["code"] == "bad_request"
    assert b"SECRET" not in raw and b"aaaa" not in raw and b"X-" not in raw.split(b"\r\n\r\n")[1]


async def test_a_connection_dripping_its_headers_is_closed(hall):
    loop = asyncio.get_running_loop()
    reader, writer = await asyncio.open_connection("127.0.0.1", hall.port, ssl=hall.ssl_context)
    started = loop.time()
    answer = asyncio.ensure_future(reader.read())
    try:
        for byte in _request(b"GET /healthz HTTP/1.1", b"X-Drip: " + b"d" * 100):
            if answer.done():
                break
            writer.write(bytes([byte]))
            await asyncio.wait([answer], timeout=0.05)  # a byte every 50 ms: 14 s in all
        raw = await asyncio.wait_for(answer, 5)
    finally:
        writer.close()
    took = loop.time() - started
    assert HEADER_TIMEOUT - 0.1 <= took < HEADER_TIMEOUT + 3, took
    status, _, body = _answer(raw)
    assert status == 408 and body["error"]["code"] == "request_timeout"


async def test_half_a_tls_hello_is_not_held(hall):
    loop = asyncio.get_running_loop()
    reader, writer = await asyncio.open_connection("127.0.0.1", hall.port)
    started = loop.time()
    writer.write(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03")  # a ClientHello's first bytes
    try:
        assert await asyncio.wait_for(reader.read(), HEADER_TIMEOUT + 5) == b""
    finally:
        writer.close()
    assert loop.time() - started >= HEADER_TIMEOUT - 0.1


async def test_connections_from_one_address_are_bounded(hall):
    context = hall.ssl_context
    held = [await asyncio.open_connection("127.0.0.1", hall.port, ssl=context)
            for _ in range(PER_ADDRESS)]
    try:
        raw = await raw_exchange(hall.port, b"", ssl=context, timeout=HEADER_TIMEOUT / 2)
        status, _, body = _answer(raw)
        assert status == 503 and body["error"]["code"] == "too_many_connections"
    finally:
        for _, writer in held:
            writer.close()
            await writer.wait_closed()
    healthz = await raw_exchange(hall.port, b"GET /healthz HTTP/1.1\r\nHost: hall\r\n"
                                 b"Connection: close\r\n\r\n", ssl=context)
    assert _answer(healthz)[0] == 200
