"""What the bench's pieces share: the bench exam and the hall's paths, progress lines,
statistics (percentiles, the CPU the servers and the rest of the machine use, how many cores the
machine really has) and the reading of a py-spy profile.

The pieces (bench/run.py puts them together; every loop is bounded in time and in count, and
everything runs on 127.0.0.1):

- halls.py: hall directories made with the real `hall` CLI (serving HTTPS with its own CA and
  certificate as `hall init` makes them, or plain HTTP), and `hall serve` or the bare echo server
  as processes of their own.
- clients.py: simulated candidates and their logins (a few at a time, or all at once).
- closed.py: N connections sending saves back to back (aiohttp, or wrk).
- open_loop.py: candidates on a schedule, latency from when each request was due.
- waves.py, sitting.py: the reconnect storm and the start of a sitting.
"""

from __future__ import annotations

import asyncio
import math
import os
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bench.halls import ServerProcess

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
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
SAVED_MARK = b'"saved":true'  # in the hall's compact JSON (hallserver/examkit/responses.py)
REQUEST_TIMEOUT_S = 60.0
BENCH_CONNECTIONS_PER_ADDRESS = 100_000

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
        ours = {os.getpid(), *(p.pid for s in self.servers for p in s.processes())}
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
