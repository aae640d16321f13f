"""The load generator: real halls and servers as subprocesses, and aiohttp (or wrk) clients.

Everything runs on 127.0.0.1. Every loop here is bounded in time and in count and stops by itself.

Pieces (bench/run.py puts them together):

- `make_hall`: a hall directory made with the real `hall` CLI (init, exam import, candidates import).
- `ServerProcess`: `hall serve` or `bench.echo_server` as its own process; its URL, RSS and CPU time.
- `closed_loop` / `closed_loop_wrk`: N connections sending saves back to back, as fast as they go.
- `login_many` / `login_storm`: candidates logging in (a few at a time, or all at once).
- `open_loop`: simulated candidates on a schedule (answer changes every 3-8 s, autosave every 30 s),
  latency measured from when each request was *due*, so a slow server cannot hide its slowness by
  delaying the requests (no coordinated omission).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import math
import os
import random
import re
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import aiohttp

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
LUA_SCRIPT = BENCH_DIR / "closed_loop.lua"
EXAM_ID = "MTH101"
COOKIE = "examhall_candidate"
QUESTIONS = [str(n) for n in range(1, 21)]
OPTIONS = "ABCD"
SAVE_PATH = f"/student/exam/{EXAM_ID}/session/save"
PAPER_PATH = f"/student/exam/{EXAM_ID}"
RESTORE_PATH = f"/student/exam/{EXAM_ID}/session/restore"
CLOCK_PATH = f"/student/exam/{EXAM_ID}/session/clock"
SETTINGS_PATH = "/student/settings"
SAVED_MARK = b'"saved":true'  # in the hall's compact JSON (hallserver/web/answers.py)
REQUEST_TIMEOUT_S = 60.0

EXAM = {
    "id": EXAM_ID, "title": "Mathematics", "duration_minutes": 60,
    "questions": [
        {"id": q, "text": f"{q} + {q} = ?",
         "options": {"A": str(2 * int(q) - 1), "B": str(2 * int(q)), "C": str(2 * int(q) + 1),
                     "D": "none"},
         "answer": "B"}
        for q in QUESTIONS
    ],
}


def log(message: str) -> None:
    """Progress on stderr, with the time of day."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# Halls and server processes


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


def make_hall(directory: Path, candidates: int, pin_cost: int, log_file: Path) -> Path:
    """A ready hall made with the real CLI; returns its hall.toml.

    Exam MTH101 (20 questions, options A-D); candidates C0001.. with PIN str(1000 + n).
    """
    with open(log_file, "ab") as out:
        def cli(*args: str) -> None:
            subprocess.run([*hall_command(), *args], cwd=directory, check=True, stdout=out,
                           stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

        directory.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([*hall_command(), "init", str(directory), "--no-tls", "--name", "Bench Hall"],
                       check=True, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        config = directory / "hall.toml"
        set_toml(config, {("server", "host"): "127.0.0.1", ("server", "port"): 0,
                          ("mdns", "enabled"): False,
                          ("security", "pin_hash_log2_cost"): pin_cost})
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

    URL = re.compile(rb"http://127\.0\.0\.1:(\d+)/")

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
                self.base_url = f"http://127.0.0.1:{int(found.group(1))}"
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

    def cpu_seconds(self) -> float:
        """User + system CPU time of the process (all its threads), in seconds."""
        try:
            stat = Path(f"/proc/{self.pid}/stat").read_text()
        except OSError:
            return 0.0
        fields = stat[stat.rindex(")") + 2:].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

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


def echo_server(log_path: Path, durable: Path | None = None) -> ServerProcess:
    """The bare echo server; with `durable`, the one that also stores each body in that SQLite
    file before answering (the floor of a durable save)."""
    argv = [sys.executable, "-m", "bench.echo_server", "--port", "0"]
    if durable is not None:
        return ServerProcess("durable echo", [*argv, "--durable", str(durable)], REPO, log_path)
    return ServerProcess("echo server", argv, REPO, log_path)


def events_high_water(database: Path) -> int:
    """The last event sequence number committed to the hall's database (read-only, WAL-safe)."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)
    try:
        return connection.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0]
    finally:
        connection.close()


# --------------------------------------------------------------------------------------------
# Statistics


def percentile(ordered: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile of sorted values."""
    if not ordered:
        return None
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def latency_summary(seconds: list[float]) -> dict[str, float | None]:
    """p50/p90/p99/max/mean in milliseconds."""
    ordered = sorted(seconds)
    ms = lambda v: None if v is None else round(v * 1000, 2)  # noqa: E731
    return {"count": len(ordered), "p50_ms": ms(percentile(ordered, 50)),
            "p90_ms": ms(percentile(ordered, 90)), "p99_ms": ms(percentile(ordered, 99)),
            "max_ms": ms(ordered[-1] if ordered else None),
            "mean_ms": ms(sum(ordered) / len(ordered) if ordered else None)}


def machine_busy_seconds() -> float:
    """CPU time every process of the machine has used since boot (all cores), from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values) - idle) / os.sysconf("SC_CLK_TCK")


def wait_until_quiet(threshold: float = 0.3, max_wait: float = 180.0, sample: float = 2.0) -> float:
    """Waits (at most `max_wait` s) until the rest of the machine uses under `threshold` cores.

    Other work on the machine (a test run, a build) takes CPU from the servers and skews every
    figure. Returns the last busy figure seen, in cores.
    """
    deadline = time.monotonic() + max_wait
    warned = False
    while True:
        before, mine = machine_busy_seconds(), CpuWatch._own()
        time.sleep(sample)
        busy = max(0.0, (machine_busy_seconds() - before) - (CpuWatch._own() - mine)) / sample
        if busy < threshold or time.monotonic() >= deadline:
            if warned or busy >= threshold:
                log(f"  other processes use {busy:.2f} cores; "
                    + ("going on" if busy < threshold else "going on anyway (waited long enough)"))
            return round(busy, 2)
        if not warned:
            log(f"waiting for the machine to go quiet: other processes use {busy:.2f} cores "
                f"(at most {max_wait:.0f} s)")
            warned = True


def _all_processes() -> dict[int, tuple[str, float]]:
    """(name, CPU seconds) of every process on the machine, kernel threads included."""
    tick = os.sysconf("SC_CLK_TCK")
    out: dict[int, tuple[str, float]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        out[int(entry.name)] = (name, (int(fields[11]) + int(fields[12])) / tick)
    return out


class CpuWatch:
    """CPU used over a span, in cores: this process (and its finished children, i.e. wrk), some
    servers, and everything else on the machine ("other": noise that skews the figures, or kernel
    work such as the journal's share of each fsync), with the busiest other processes."""

    def __init__(self, servers: Sequence[ServerProcess] = ()) -> None:
        self.servers = servers
        self.wall = time.monotonic()
        self.machine = machine_busy_seconds()
        self.mine = self._own()
        self.theirs = [s.cpu_seconds() for s in servers]
        self.processes = _all_processes()

    @staticmethod
    def _own() -> float:
        """This process, plus its finished children (wrk)."""
        me = resource.getrusage(resource.RUSAGE_SELF)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime

    def shares(self) -> dict[str, float]:
        wall = max(time.monotonic() - self.wall, 1e-9)
        mine = self._own() - self.mine
        out = {"load_generator_cpu": round(mine / wall, 2)}
        accounted = mine
        for server, before in zip(self.servers, self.theirs, strict=True):
            used = server.cpu_seconds() - before
            accounted += used
            out[f"{server.name}_cpu"] = round(used / wall, 2)
        out["other_cpu"] = round(max(0.0, machine_busy_seconds() - self.machine - accounted) / wall, 2)
        ours = {os.getpid(), *(s.pid for s in self.servers)}
        used: dict[str, float] = {}
        for pid, (name, seconds) in _all_processes().items():
            if pid in ours or pid not in self.processes:
                continue
            delta = seconds - self.processes[pid][1]
            if delta > 0:
                used[name] = used.get(name, 0.0) + delta
        out["other_top"] = [(name, round(sec / wall, 2))  # type: ignore[assignment]
                            for name, sec in sorted(used.items(), key=lambda kv: -kv[1])[:4]
                            if sec / wall >= 0.01]
        return out


# --------------------------------------------------------------------------------------------
# Request bodies

# ~1 KB saves for the closed loop: every answer, plus a long list of marked questions as padding
# (marked_questions is a list of question ids; repeats are allowed).
_PADDING = [QUESTIONS[i % len(QUESTIONS)] for i in range(130)]


def closed_loop_body(variant: int) -> dict[str, Any]:
    """A ~1 KB save; different variants set different answers."""
    return {"answers": {q: OPTIONS[(variant + k) % 4] for k, q in enumerate(QUESTIONS)},
            "current_question": variant % len(QUESTIONS) + 1,
            "time_remaining": 3000 - variant % 97,
            "marked_questions": _PADDING}


def closed_loop_bodies(count: int = 8) -> list[bytes]:
    return [json.dumps(closed_loop_body(v)).encode() for v in range(count)]


def replayed_bodies(count: int = 8) -> list[bytes]:
    """The same saves sent again by a device that has since saved newer ones (device_seq 1,
    below every stamp the closed loop leaves): each is checked and merged, and changes nothing."""
    return [json.dumps({**closed_loop_body(v), "device_seq": 1}).encode() for v in range(count)]


# --------------------------------------------------------------------------------------------
# Clients


def client_session(limit: int = 0) -> aiohttp.ClientSession:
    """One shared session for many candidates: cookies are sent by hand, never kept in a jar."""
    connector = aiohttp.TCPConnector(limit=limit, limit_per_host=0, keepalive_timeout=120,
                                     enable_cleanup_closed=False)
    return aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar(),
                                 timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S))


def _headers(token: str | None, json_body: bool) -> dict[str, str]:
    headers = {}
    if token:
        headers["Cookie"] = f"{COOKIE}={token}"
    if json_body:
        headers["Content-Type"] = "application/json"
    return headers


@dataclass
class Candidate:
    """A simulated candidate: credentials, login token, and what the page holds."""

    n: int
    registration_number: str
    pin: str
    token: str | None = None
    device_seq: int = 0
    answers: dict[str, str] = field(default_factory=dict)
    current_question: int = 1

    @classmethod
    def numbered(cls, n: int) -> Candidate:
        return cls(n, *credentials(n))


async def _login(session: aiohttp.ClientSession, base_url: str, candidate: Candidate) -> tuple[bool, str]:
    body = json.dumps({"registration_number": candidate.registration_number,
                       "pin": candidate.pin}).encode()
    try:
        async with session.post(base_url + "/student/login", data=body,
                                headers=_headers(None, True)) as response:
            await response.read()
            if response.status != 200:
                return False, f"HTTP {response.status}"
            morsel = response.cookies.get(COOKIE)
            if morsel is None:
                return False, "no cookie"
            candidate.token = morsel.value
            candidate.device_seq = 0
            return True, ""
    except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as err:
        return False, type(err).__name__


async def login_many(base_url: str, candidates: Sequence[Candidate], concurrency: int = 32,
                     open_paper: bool = False) -> dict[str, Any]:
    """Logs in (and optionally opens the paper of) every candidate without a token, a few at a time."""
    todo = [c for c in candidates if c.token is None]
    errors: dict[str, int] = {}
    started = time.monotonic()
    queue: asyncio.Queue[Candidate] = asyncio.Queue()
    for candidate in todo:
        queue.put_nowait(candidate)
    async with client_session(limit=concurrency) as session:
        async def worker() -> None:
            while not queue.empty():
                candidate = queue.get_nowait()
                ok, why = await _login(session, base_url, candidate)
                if ok and open_paper:
                    async with session.get(base_url + PAPER_PATH,
                                           headers=_headers(candidate.token, False)) as response:
                        await response.read()
                        ok, why = response.status == 200, f"paper HTTP {response.status}"
                if not ok:
                    errors[why] = errors.get(why, 0) + 1
        await asyncio.gather(*(worker() for _ in range(min(concurrency, len(todo)) or 1)))
    seconds = time.monotonic() - started
    if errors:
        raise RuntimeError(f"logins failed: {errors}")
    return {"logged_in": len(todo), "seconds": round(seconds, 2)}


async def login_storm(base_url: str, candidates: Sequence[Candidate],
                      timeout: float = 600.0) -> dict[str, Any]:
    """Every candidate POSTs its login at the same instant, each on its own connection."""
    gate = asyncio.Event()
    done_at: list[float] = []
    errors: dict[str, int] = {}
    connector = aiohttp.TCPConnector(limit=0, limit_per_host=0)
    async with aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar(),
                                     timeout=aiohttp.ClientTimeout(total=timeout)) as session:
        async def one(candidate: Candidate) -> None:
            await gate.wait()
            ok, why = await _login(session, base_url, candidate)
            if ok:
                done_at.append(time.monotonic())
            else:
                errors[why] = errors.get(why, 0) + 1

        tasks = [asyncio.create_task(one(c)) for c in candidates]
        await asyncio.sleep(0.2)  # every task is waiting at the gate
        started = time.monotonic()
        gate.set()
        await asyncio.gather(*tasks)
    latencies = [t - started for t in done_at]
    return {"candidates": len(candidates), "logged_in": len(done_at),
            "errors": sum(errors.values()), "error_kinds": errors,
            "all_in_seconds": round(max(latencies), 2) if latencies else None,
            "first_in_seconds": round(min(latencies), 3) if latencies else None,
            "logins_per_second": round(len(done_at) / max(latencies), 1) if latencies else None,
            "login_latency": latency_summary(latencies)}


def scrypt_seconds(log2_cost: int, repeats: int = 3) -> float:
    """How long one PIN hash of this cost takes here (the floor of a login), best of a few."""
    import hashlib

    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        hashlib.scrypt(b"1234", salt=b"0123456789abcdef", n=2**log2_cost, r=8, p=1,
                       maxmem=256 * 1024 * 1024, dklen=32)
        best = min(best, time.perf_counter() - started)
    return best


# --------------------------------------------------------------------------------------------
# Closed loop


async def closed_loop(url: str, tokens: Sequence[str], bodies: Sequence[bytes], connections: int,
                      warmup: float, duration: float, check: bytes | None,
                      device_seq_from: int | None) -> dict[str, Any]:
    """`connections` workers, each POSTing back to back; counts what completes in the window.

    Worker i is candidate tokens[i % len(tokens)]; with `device_seq_from`, its saves carry an
    increasing device_seq starting there (safe: one worker is one candidate, one request at a
    time; the caller starts each run above the last one's numbers).
    """
    loop = asyncio.get_running_loop()
    begin = loop.time()
    measure_from, stop_at = begin + warmup, begin + warmup + duration
    latencies: list[float] = []
    errors: dict[str, int] = {}
    prefixes = [b[:-1] for b in bodies]
    max_requests = int(duration + warmup + 1) * 100_000  # bound: far above what a core can do

    async with client_session(limit=connections) as session:
        async def worker(i: int) -> None:
            token = tokens[i % len(tokens)]
            headers = _headers(token, True)
            for seq in range(max_requests):
                sent = loop.time()
                if sent >= stop_at:
                    return
                if device_seq_from is not None:
                    body = (prefixes[seq % len(prefixes)]
                            + b', "device_seq": %d}' % (device_seq_from + seq))
                else:
                    body = bodies[seq % len(bodies)]
                why = ""
                try:
                    async with session.post(url, data=body, headers=headers) as response:
                        payload = await response.read()
                        if response.status != 200:
                            why = f"HTTP {response.status}"
                        elif check is not None and check not in payload:
                            why = "unexpected answer"
                except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as err:
                    why = type(err).__name__
                done = loop.time()
                if measure_from <= done <= stop_at:
                    if why:
                        errors[why] = errors.get(why, 0) + 1
                    else:
                        latencies.append(done - sent)

        await asyncio.gather(*(worker(i) for i in range(connections)))
    summary = latency_summary(latencies)
    return {"client": "python-aiohttp", "connections": connections, "seconds": duration,
            "ok": len(latencies), "per_second": round(len(latencies) / duration, 1),
            "errors": sum(errors.values()), "error_kinds": errors,
            "p50_ms": summary["p50_ms"], "p99_ms": summary["p99_ms"], "max_ms": summary["max_ms"]}


def wrk_available() -> str | None:
    return shutil.which("wrk")


def closed_loop_wrk(url: str, tokens: Sequence[str], bodies: Sequence[bytes], connections: int,
                    warmup: float, duration: float, check: str | None, workdir: Path) -> dict[str, Any]:
    """The same closed loop driven by wrk (one thread): a C client, so the server is the limit.

    wrk sends each request with the next candidate cookie in turn, so saves carry no device_seq
    (two connections may hold the same candidate's saves at once; without a device_seq every
    save applies). With no `bodies` it sends GETs.
    """
    cookies_file, bodies_file = workdir / "wrk-cookies.txt", workdir / "wrk-bodies.txt"
    cookies_file.write_text("\n".join(tokens) + "\n", encoding="utf-8")
    bodies_file.write_text("\n".join(b.decode() for b in bodies) + "\n", encoding="utf-8")
    bodies_arg = str(bodies_file) if bodies else "-"

    def run(seconds: float) -> dict[str, Any]:
        argv = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s",
                "-s", str(LUA_SCRIPT), url, "--", str(cookies_file), bodies_arg, check or "-"]
        finished = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60,
                                  stdin=subprocess.DEVNULL)
        for line in finished.stdout.splitlines():
            if line.startswith("BENCHJSON "):
                return json.loads(line[len("BENCHJSON "):])
        raise RuntimeError(f"wrk failed ({finished.returncode}): {finished.stdout}{finished.stderr}")

    if warmup > 0:
        run(warmup)
    result = run(duration)
    seconds = result["duration_us"] / 1e6
    errors = result["bad"] + sum(v for k, v in result["errors"].items() if k != "status")
    ok = result["requests"] - result["bad"]
    lat = result["latency_us"]
    return {"client": "wrk", "connections": connections, "seconds": round(seconds, 2), "ok": ok,
            "per_second": round(ok / seconds, 1), "errors": errors,
            "error_kinds": {**{k: v for k, v in result["errors"].items() if v},
                            **({"bad_answer": result["bad"]} if result["bad"] else {})},
            "p50_ms": round(lat["p50"] / 1000, 2), "p99_ms": round(lat["p99"] / 1000, 2),
            "max_ms": round(lat["max"] / 1000, 2)}


# --------------------------------------------------------------------------------------------
# Open loop


class OpenLoopRecord(NamedTuple):
    """One request of the open loop. A tuple of plain values, which the garbage collector stops
    tracking: tens of thousands of them must not slow the generator's own collections."""

    kind: str
    due: float
    sent: float
    done: float
    error: str


@contextlib.contextmanager
def quiet_collector() -> Iterator[None]:
    """Keeps the generator's garbage collector from pausing its event loop while it measures:
    what exists now is frozen out of collections, and young collections become rare."""
    gc.collect()
    gc.freeze()
    before = gc.get_threshold()
    gc.set_threshold(50_000, 20, 10)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


class _LagProbe:
    """How late this process's event loop wakes up: the load generator's own overload."""

    def __init__(self, interval: float = 0.05) -> None:
        self.interval, self.lags = interval, []

    async def run(self, stop_at: float) -> None:
        loop = asyncio.get_running_loop()
        while True:
            expected = loop.time() + self.interval
            if expected >= stop_at:
                return
            await asyncio.sleep(self.interval)
            self.lags.append(max(0.0, loop.time() - expected))


async def open_loop(base_url: str, candidates: Sequence[Candidate], duration: float, ramp: float,
                    seed: int, servers: Sequence[ServerProcess] = (), label: str = "",
                    progress_every: float = 5.0, change_every: tuple[float, float] = (3.0, 8.0),
                    autosave_every: float = 30.0,
                    records_out: list[OpenLoopRecord] | None = None) -> dict[str, Any]:
    """Candidates behaving as candidates do, for `duration` seconds.

    Each candidate (already logged in) opens the paper and restores its session at a moment
    spread over the first `ramp` seconds; then it changes an answer every 3-8 s (random), each
    change a save, and autosaves its whole page every 30 s. Latency is measured from when a
    request was due to when its answer arrived. `records_out`, if given, receives every request
    (kind, due, sent, done in this event loop's clock; error) for closer study.
    """
    loop = asyncio.get_running_loop()
    rng = random.Random(seed)
    records: list[OpenLoopRecord] = []
    error_samples: list[str] = []
    failed = 0
    t0 = loop.time() + 0.5
    stop_at = t0 + duration
    max_requests = int(duration / change_every[0]) + int(duration / autosave_every) + 8

    async with client_session(limit=0) as session:
        async def request(kind: str, method: str, path: str, candidate: Candidate,
                          body: dict[str, Any] | None, due: float) -> None:
            nonlocal failed
            sent = loop.time()
            why = ""
            data = None if body is None else json.dumps(body).encode()
            try:
                async with session.request(method, base_url + path, data=data,
                                           headers=_headers(candidate.token, data is not None)) as r:
                    payload = await r.read()
                    if r.status != 200:
                        why = f"{kind}: HTTP {r.status}"
                        if len(error_samples) < 5:
                            error_samples.append(f"{why} {payload[:200]!r}")
                    elif kind in ("change", "autosave") and SAVED_MARK not in payload:
                        why = f"{kind}: not saved"
            except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as err:
                why = f"{kind}: {type(err).__name__}"
                if len(error_samples) < 5:
                    error_samples.append(f"{why} {err}")
            records.append(OpenLoopRecord(kind, due, sent, loop.time(), why))
            if why:
                failed += 1

        async def sleep_until(when: float) -> None:
            delay = when - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)

        async def candidate_run(candidate: Candidate, start: float) -> None:
            crng = random.Random(rng.random())
            await sleep_until(start)
            await request("paper", "GET", PAPER_PATH, candidate, None, start)
            await request("restore", "GET", RESTORE_PATH, candidate, None, loop.time())
            next_change = start + crng.uniform(*change_every)
            next_autosave = start + autosave_every
            for _ in range(max_requests):
                due = min(next_change, next_autosave)
                if due >= stop_at:
                    return
                await sleep_until(due)
                candidate.device_seq += 1
                remaining = max(0, 3600 - int(loop.time() - t0))
                if next_change <= next_autosave:
                    question = crng.choice(QUESTIONS)
                    option = crng.choice(OPTIONS)
                    candidate.answers[question] = option
                    candidate.current_question = int(question)
                    body = {"answers": {question: option}, "current_question": int(question),
                            "device_seq": candidate.device_seq, "time_remaining": remaining}
                    kind = "change"
                    next_change = due + crng.uniform(*change_every)
                else:
                    body = {"answers": dict(candidate.answers),
                            "current_question": candidate.current_question,
                            "marked_questions": [], "device_seq": candidate.device_seq,
                            "time_remaining": remaining}
                    kind = "autosave"
                    next_autosave = due + autosave_every
                await request(kind, "POST", SAVE_PATH, candidate, body, due)

        async def progress() -> None:
            seen = 0
            while True:
                await asyncio.sleep(progress_every)
                now = loop.time()
                if now >= stop_at:
                    return
                window = records[seen:]
                seen = len(records)
                lat = sorted(r.done - r.due for r in window)
                p99 = percentile(lat, 99)
                log(f"  {label} t={now - t0:5.1f}s  {len(window) / progress_every:7.0f} req/s  "
                    f"p99 {p99 * 1000 if p99 is not None else 0:7.1f} ms  errors {failed}")

        probe = _LagProbe()
        cpu = CpuWatch(servers)
        spacing = ramp / max(1, len(candidates))
        order = list(candidates)
        rng.shuffle(order)
        with quiet_collector():
            tasks = [asyncio.create_task(candidate_run(c, t0 + i * spacing))
                     for i, c in enumerate(order)]
            watchers = [asyncio.create_task(probe.run(stop_at)), asyncio.create_task(progress())]
            await asyncio.gather(*tasks)
        shares = cpu.shares()
        for watcher in watchers:
            watcher.cancel()
        await asyncio.gather(*watchers, return_exceptions=True)

    if records_out is not None:
        records_out.extend(records)
    elapsed = max(r.done for r in records) - t0 if records else duration
    errors: dict[str, int] = {}
    for r in records:
        if r.error:
            errors[r.error] = errors.get(r.error, 0) + 1
    by_kind = {}
    for kind in ("paper", "restore", "change", "autosave"):
        by_kind[kind] = latency_summary([r.done - r.due for r in records if r.kind == kind and not r.error])
    everything = latency_summary([r.done - r.due for r in records if not r.error])
    saves = [r for r in records if r.kind in ("change", "autosave")]
    lags = sorted(probe.lags)
    send_delay = sorted(r.sent - r.due for r in records)
    return {
        "candidates": len(candidates), "seconds": round(elapsed, 1), "ramp_seconds": ramp,
        "requests": len(records), "saves": len(saves),
        "requests_per_second": round(len(records) / max(elapsed, 1e-9), 1),
        "saves_per_second_steady": round(
            sum(1 for r in saves if r.due >= t0 + ramp) / max(duration - ramp, 1e-9), 1),
        "errors": sum(errors.values()), "error_kinds": errors, "error_samples": error_samples,
        "latency": everything, "by_kind": by_kind,
        "client_send_delay_p99_ms": round((percentile(send_delay, 99) or 0) * 1000, 2),
        "client_loop_lag_p99_ms": round((percentile(lags, 99) or 0) * 1000, 2),
        "client_loop_lag_max_ms": round((lags[-1] if lags else 0) * 1000, 2),
        **shares,
    }


_BURN = "import time\nt = time.perf_counter()\nx = 0\nfor i in range(%d):\n    x += i\nprint(time.perf_counter() - t)\n"


def effective_cores(loops: int = 10_000_000) -> dict[str, float]:
    """How many cores' worth of work this machine does when every core is busy.

    One CPU-bound Python loop alone, then one per core at once: sum of (alone / together).
    A shared or throttled VM shows fewer effective cores than it reports.
    """
    def burn(count: int) -> list[float]:
        procs = [subprocess.Popen([sys.executable, "-c", _BURN % loops], stdout=subprocess.PIPE,
                                  stdin=subprocess.DEVNULL, text=True) for _ in range(count)]
        return [float(p.communicate(timeout=120)[0]) for p in procs]

    cores = os.cpu_count() or 1
    alone = min(burn(1)[0], burn(1)[0])
    together = burn(cores)
    return {"reported_cores": cores, "one_loop_alone_s": round(alone, 3),
            "effective_cores": round(sum(alone / t for t in together), 2)}


def run_async(coro: Any) -> Any:
    return asyncio.run(coro)


# Where a save's time goes, by the functions that mark each part (inclusive time).
PROFILE_AREAS = (
    ("HTTP request handling, all of it (aiohttp _handle_request)", "RequestHandler._handle_request"),
    ("  body parsing + pydantic validation (read_json)", "read_json"),
    ("  JSON answers (json_response)", "json_response"),
    ("write transactions on the loop thread (writer _apply)", "_apply"),
    ("  event log append: canonical JSON, SHA-256, seal", "EventLog.append"),
    ("  session rows: seal the whole session (SessionBook.stage)", "SessionBook.stage"),
    ("  SQL statements of the batch (Batch.flush)", "Batch.flush"),
    ("aiosqlite worker thread (SQLite, commit, fsync)", "_connection_worker_thread"),
    ("event loop waiting in epoll (idle)", "EpollSelector.select"),
)


def top_functions(collapsed: Path, limit: int = 15) -> dict[str, Any]:
    """From py-spy's raw (collapsed) stacks: the functions with the most samples, self and total,
    and the share of the parts of a save named in PROFILE_AREAS."""
    own: dict[str, int] = {}
    total: dict[str, int] = {}
    samples = 0
    for line in collapsed.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        samples += count
        frames = stack.split(";")
        own[frames[-1]] = own.get(frames[-1], 0) + count
        for frame in set(frames):
            total[frame] = total.get(frame, 0) + count

    def top(table: dict[str, int]) -> list[tuple[str, float]]:
        best = sorted(table.items(), key=lambda kv: -kv[1])[:limit]
        return [(name, round(100 * n / max(samples, 1), 1)) for name, n in best]

    by_name: dict[str, int] = {}
    for frame, count in total.items():
        name = frame.split(" (", 1)[0]
        by_name[name] = by_name.get(name, 0) + count  # a function on several lines: summed
    areas = [(label, round(100 * by_name.get(name, 0) / max(samples, 1), 1))
             for label, name in PROFILE_AREAS]
    return {"samples": samples, "self": top(own), "total": top(total), "areas": areas}


