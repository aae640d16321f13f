"""What a hostile PC on the hall's LAN sends: compression bombs, raw bytes on a socket."""

from __future__ import annotations

import asyncio
import socket
from ssl import SSLContext

_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"


class _Bits:
    """Deflate's bit order: fields least significant bit first, Huffman codes most first."""

    def __init__(self) -> None:
        self.value, self.count = 0, 0

    def put(self, value: int, width: int) -> None:
        self.value |= value << self.count
        self.count += width

    def code(self, code: int, width: int) -> None:
        self.put(int(f"{code:0{width}b}"[::-1], 2), width)

    def literal(self, byte: int) -> None:
        if byte < 144:
            self.code(0x30 + byte, 8)
        else:
            self.code(0x190 + byte - 144, 9)

    def repeat_last(self) -> None:
        self.code(0xC5, 8)  # length 258 (symbol 285, fixed code 11000101)
        self.code(0, 5)  # distance 1

    def take_bytes(self) -> bytes:
        """The whole bytes written so far (the count must be a multiple of 8)."""
        assert self.count % 8 == 0
        out = self.value.to_bytes(self.count // 8, "little")
        self.value, self.count = 0, 0
        return out


def gzip_bomb(prefix: bytes, size: int) -> bytes:
    """A gzip body of about `size` bytes: `prefix`, then '1's, inflating ~159 times larger.

    Built by hand (one fixed-Huffman block of 258-byte matches) in milliseconds, where zlib
    takes half a minute to compress its 1,000-fold bombs. Its trailer is left off: a server
    finds that out only once it has inflated everything.
    """
    bits = _Bits()
    bits.put(1, 1)  # the final block
    bits.put(1, 2)  # fixed Huffman codes
    for byte in prefix + b"1":
        bits.literal(byte)
    while bits.count % 8:
        bits.repeat_last()
    head = bits.take_bytes()
    for _ in range(8):  # 8 matches of 13 bits: a 13-byte pattern, the same each time
        bits.repeat_last()
    pattern = bits.take_bytes()
    repeats = max(0, size - len(head)) // len(pattern)
    return _GZIP_HEADER + head + pattern * repeats


async def raw_exchange(port: int, data: bytes, ssl: SSLContext | None = None,
                       timeout: float = 10.0) -> bytes:
    """Sends `data` on a fresh connection, then reads until the hall closes it."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=ssl)
    try:
        writer.write(data)
        await writer.drain()
        return await asyncio.wait_for(reader.read(), timeout)
    finally:
        writer.close()


def post_raw(port: int, path: str, headers: dict[str, str], body: bytes) -> int | None:
    """POSTs with a blocking socket (run it in a thread: it keeps the test's loop free).

    The status the hall answered, or None when it closed the connection before answering.
    """
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(body)}",
             "Connection: close", *(f"{k}: {v}" for k, v in headers.items())]
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        try:
            sock.sendall("\r\n".join(lines).encode() + b"\r\n\r\n" + body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # it may stop reading once it has answered; the answer is still there
        try:
            head = sock.recv(64)
        except ConnectionResetError:
            return None
    return int(head.split()[1]) if head.startswith(b"HTTP/1.1 ") else None
