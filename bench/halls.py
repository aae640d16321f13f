"""The bench's halls and servers: hall directories made with the real `hall` CLI, and `hall serve`
or the bare echo server run as processes of their own, with their URL, RSS and CPU time."""

from __future__ import annotations

import contextlib
import json
import re
import resource
import shutil
import signal
import sqlite3
import ssl
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psutil

from bench.load import BENCH_CONNECTIONS_PER_ADDRESS, EXAM, EXAM_ID, REPO


def credentials(n: int) -> tuple[str, str]:
    """Registration number and PIN of candidate n (1-based)."""
    return f"C{n:04d}", f"{1000 + n}"


def hall_command() -> list[str]:
    """The `hall` command of this Python environment."""
    exe = Path(sys.executable).parent / "hall"
    if exe.exists():
        return [str(exe)]
    found = shutil.which("hall")
    if found:
        return [found]
    return [sys.executable, "-c", "from hallserver.cli import main; main()"]


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value)


def set_toml(path: Path, changes: dict[tuple[str, str], Any]) -> None:
    """Changes `key = value` lines of hall.toml in place (the file `hall init` wrote)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    section, done = None, set()
    for i, line in enumerate(lines):
        header = re.match(r"\s*\[([^\]]+)\]\s*$", line)
        if header:
            section = header.group(1).strip()
            continue
        setting = re.match(r"\s*([A-Za-z0-9_]+)\s*=", line)
        if setting and (section, setting.group(1)) in changes:
            key = (section, setting.group(1))
            lines[i] = f"{key[1]} = {_toml_value(changes[key])}"
            done.add(key)
    missing = set(changes) - done
    if missing:
        raise RuntimeError(f"{path} has no setting {sorted(missing)}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


_TRUST: list[ssl.SSLContext] = []


def tls_trust() -> ssl.SSLContext:
    """The clients' TLS context: it trusts the CA of every hall this run made (as a lab PC that
    installed its hall's CA does), and nothing else."""
    if not _TRUST:
        _TRUST.append(ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT))  # verifies, trusts no CA yet
    return _TRUST[0]


def hall_tls_files(directory: Path) -> tuple[Path, Path, Path]:
    """CA certificate, server certificate and server key of a hall made by `hall init`."""
    return (directory / "tls" / "ca.crt", directory / "tls" / "server.crt",
            directory / "secrets" / "server.key")


def add_setting(path: Path, section: str, name: str, value: Any) -> None:
    """Sets `name = value` in `[section]` of hall.toml: in place where the file already has the
    setting (as `hall init` writes every one), else as a new line of the section."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index(f"[{section}]") + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("[")), len(lines))
    line = f"{name} = {_toml_value(value)}"
    found = [i for i in range(start, end) if lines[i].split("=")[0].strip() == name]
    if found:
        lines[found[0]] = line
    else:
        lines.insert(start, line)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def make_hall(directory: Path, candidates: int, pin_cost: int, log_file: Path, tls: bool = True,
              workers: int | None = None) -> Path:
    """A ready hall made with the real CLI; returns its hall.toml.

    Exam MTH101 (20 questions, options A-D); candidates C0001.. with PIN str(1000 + n). With `tls`
    (the default, as `hall init` makes a hall) it serves HTTPS with its own CA, which the clients
    of this process trust from then on. `workers`, when given, is `[server] workers`.
    """
    with open(log_file, "ab") as out:
        def cli(*args: str) -> None:
            subprocess.run([*hall_command(), *args], cwd=directory, check=True, stdout=out,
                           stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

        directory.parent.mkdir(parents=True, exist_ok=True)
        # A name of its own: CAs of the same name would shadow each other in the clients' trust.
        subprocess.run([*hall_command(), "init", str(directory), *([] if tls else ["--no-tls"]),
                        "--name", f"Bench Hall {directory.name}"],
                       check=True, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        config = directory / "hall.toml"
        set_toml(config, {("server", "host"): "127.0.0.1", ("server", "port"): 0,
                          ("mdns", "enabled"): False,
                          ("security", "pin_hash_log2_cost"): pin_cost})
        # Every simulated lab PC of the bench connects from 127.0.0.1: one address, many PCs.
        add_setting(config, "server", "connections_per_address", BENCH_CONNECTIONS_PER_ADDRESS)
        if workers is not None:
            add_setting(config, "server", "workers", workers)
        if tls:
            tls_trust().load_verify_locations(hall_tls_files(directory)[0])
        (directory / "exam.json").write_text(json.dumps(EXAM), encoding="utf-8")
        rows = "".join(f"{reg},Candidate {n},{pin}\n"
                       for n in range(1, candidates + 1) for reg, pin in [credentials(n)])
        (directory / "candidates.csv").write_text("registration_number,name,pin\n" + rows,
                                                  encoding="utf-8")
        cli("exam", "import", "exam.json", "--config", str(config))
        cli("candidates", "import", "candidates.csv", "--exam", EXAM_ID, "--config", str(config))
    return config


def raise_fd_limit() -> int:
    """Raises this process's open-file limit to the hard limit (children inherit it)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        return hard
    return soft


class ServerProcess:
    """A server as its own process: started, its URL read from its first lines, stopped by SIGTERM."""

    URL = re.compile(rb"(https?)://127\.0\.0\.1:(\d+)/")

    def __init__(self, name: str, argv: list[str], cwd: Path, log_path: Path) -> None:
        self.name, self.argv, self.cwd, self.log_path = name, argv, cwd, log_path
        self.proc: subprocess.Popen | None = None
        self.base_url = ""

    def start(self, timeout: float = 60.0) -> str:
        """Starts it and waits (bounded) for the URL it prints."""
        self._out = open(self.log_path, "wb")
        self.proc = subprocess.Popen(self.argv, cwd=self.cwd, stdout=self._out,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.URL.search(self.log_path.read_bytes())
            if found:
                scheme, port = found.group(1).decode(), int(found.group(2))
                self.base_url = f"{scheme}://127.0.0.1:{port}"
                return self.base_url
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"{self.name} did not start; its output:\n{self.tail()}")

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def rss_mb(self) -> dict[str, float]:
        """VmRSS and VmHWM (peak) of the process, in MiB."""
        values: dict[str, float] = {}
        try:
            for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                key, _, rest = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    values[key] = int(rest.split()[0]) / 1024
        except OSError:
            pass
        return values

    def processes(self) -> list[psutil.Process]:
        """The server's process and every process under it (an echo per core, a hall's workers)."""
        try:
            top = psutil.Process(self.pid)
            return [top, *top.children(recursive=True)]
        except psutil.Error:
            return []

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server's processes (all their threads), in seconds."""
        total = 0.0
        for process in self.processes():
            with contextlib.suppress(psutil.Error):
                times = process.cpu_times()
                total += times.user + times.system
        return total

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM, then SIGKILL if it has not stopped within `timeout`."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        if getattr(self, "_out", None) is not None:
            self._out.close()
            self._out = None


def hall_server(config: Path, log_path: Path) -> ServerProcess:
    return ServerProcess("hall serve", [*hall_command(), "serve", "--config", str(config),
                                        "--port", "0"], config.parent, log_path)


def echo_server(log_path: Path, durable: Path | None = None, tls_of: Path | None = None,
                processes: int = 1) -> ServerProcess:
    """The bare echo server; with `durable`, the one that also stores each body in that SQLite
    file before answering (the floor of a durable save). With `tls_of` (a hall directory) it
    serves HTTPS with that hall's certificate; with `processes` > 1, one process per core on one
    port (SO_REUSEPORT)."""
    argv = [sys.executable, "-m", "bench.echo_server", "--port", "0"]
    name = "echo server"
    if tls_of is not None:
        argv += ["--tls-of", str(tls_of)]
    if processes > 1:
        argv += ["--processes", str(processes)]
        name = f"echo server x{processes}"
    if durable is not None:
        argv += ["--durable", str(durable)]
        name = "durable echo"
    return ServerProcess(name, argv, REPO, log_path)


def events_high_water(database: Path) -> int:
    """The last event sequence number committed to the hall's database (read-only, WAL-safe)."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)
    try:
        return connection.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0]
    finally:
        connection.close()
