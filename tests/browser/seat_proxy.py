"""Another seat on one machine: a TCP forwarder whose connections reach the hall from 127.0.0.2.

The hall tells PCs apart by their address (a login again from the same address is the same PC
restarted). Every browser context of a test comes from 127.0.0.1; a spare PC's context goes
through this forwarder instead, and the hall sees it at another address, as on a real LAN.
"""

from __future__ import annotations

import socket
import threading
from types import TracebackType

SPARE_SEAT = "127.0.0.2"


class SeatProxy:
    """Listens on 127.0.0.1 (a port of its own) and forwards to the hall from `source`."""

    def __init__(self, hall_port: int, source: str = SPARE_SEAT) -> None:
        self.hall_port = hall_port
        self.source = source
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.url = f"http://localhost:{self.port}/"
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, name="seat-proxy", daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            try:
                upstream = socket.create_connection(("127.0.0.1", self.hall_port), timeout=10,
                                                    source_address=(self.source, 0))
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._sockets += [client, upstream]
            for reader, writer in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(reader, writer), daemon=True).start()

    @staticmethod
    def _pump(reader: socket.socket, writer: socket.socket) -> None:
        try:
            while chunk := reader.recv(65536):
                writer.sendall(chunk)
        except OSError:
            pass
        finally:
            for end in (reader, writer):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        """Stops listening and cuts every connection."""
        self.listener.close()
        with self._lock:
            for sock in self._sockets:
                sock.close()

    def __enter__(self) -> SeatProxy:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()
