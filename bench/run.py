"""Runs the hall benchmarks and prints a table of figures (see bench/README.md).

    python -m bench.run                       # everything, ~10 minutes
    python -m bench.run --quick               # a short smoke run, ~3 minutes
    python -m bench.run --scenario closed     # one or more of: closed storm open capacity
                                              #   reconnect sitting

Every hall serves HTTPS with its own CA and certificate, as `hall init` makes it (--plain-http:
plain HTTP, the old way); the closed loop also gives plain-HTTP figures beside. Servers run as
their own processes on 127.0.0.1 (the bare echo server, on one core and on every core, and `hall
serve`); this process is the load generator. Figures go to stdout and bench/results/latest.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

from bench import clients, closed, halls, load, open_loop, sitting, waves
from bench.closed_scenario import SETUP_PIN_COST, ClosedLoopScenario
from bench.report import render
from bench.targets import CAPACITY_P99_TARGET_MS, OPEN_P99_TARGET_MS
from bench.clients import Candidate
from bench.load import RESULTS_DIR, log

SCENARIOS = ("closed", "storm", "open", "capacity", "reconnect", "sitting")
REAL_PIN_COST = 14      # the default pin_hash_log2_cost, for the login storm
NOISY_CORES = 0.3       # other processes using more than this during a failed step: try it again
BASE_STEPS = (1_000, 2_000, 5_000, 10_000, 15_000, 20_000, 30_000, 40_000, 50_000)


def _profiles(quick: bool) -> dict[str, Any]:
    if quick:
        return {"closed_warmup": 1.0, "closed_seconds": 4.0, "storm_candidates": 200,
                "open_seconds": 20.0, "open_ramp": 5.0, "step_steady": 10.0, "max_candidates": 2_000,
                "wave_candidates": 200}
    return {"closed_warmup": 3.0, "closed_seconds": 15.0, "storm_candidates": 1_000,
            "open_seconds": 60.0, "open_ramp": 5.0, "step_steady": 30.0, "max_candidates": 20_000,
            "wave_candidates": 1_000}


def _machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    wrk = closed.wrk_available()
    wrk_version = ""
    if wrk:
        wrk_version = subprocess.run([wrk, "--version"], capture_output=True, text=True,
                                     stdin=subprocess.DEVNULL).stdout.split("\n")[0].split(" Copyright")[0].strip()
    try:
        engine_source = (load.REPO / "hallserver" / "db" / "engine.py").read_text(encoding="utf-8")
    except OSError:
        engine_source = ""
    return {"cores": os.cpu_count(), "cpu": model, "python": platform.python_version(),
            "aiohttp": aiohttp.__version__, "wrk": wrk_version or None,
            "hall_synchronous_full": "PRAGMA synchronous = FULL" in engine_source}


class Bench(ClosedLoopScenario):
    """One run: a work directory, the servers it started, and the figures."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.p = _profiles(args.quick)
        if args.max_candidates:
            self.p["max_candidates"] = args.max_candidates
        if args.wave_candidates:
            self.p["wave_candidates"] = args.wave_candidates
        self.tls = not args.plain_http
        self.workdir = Path(tempfile.mkdtemp(prefix="examhall-bench-"))
        self.servers: list[halls.ServerProcess] = []
        self.results: dict[str, Any] = {
            "started": time.strftime("%Y-%m-%d %H:%M:%S"), "quick": args.quick,
            "machine": _machine(), "settings": dict(self.p), "notes": [],
            "transport": "http" if args.plain_http else "https", "workers": args.workers}
        self.device_seq_base = 0

    # -- plumbing

    def quiet(self, max_wait: float = 180.0) -> None:
        """Waits (bounded) for other work on the machine to stop, unless --no-wait."""
        if not self.args.no_wait:
            load.wait_until_quiet(max_wait=max_wait)

    def start(self, server: halls.ServerProcess) -> halls.ServerProcess:
        server.start()
        self.servers.append(server)
        log(f"{server.name} is up at {server.base_url} (pid {server.pid})")
        return server

    def stop(self, server: halls.ServerProcess) -> None:
        server.stop()
        if server in self.servers:
            self.servers.remove(server)

    def stop_all(self) -> None:
        for server in list(self.servers):
            self.stop(server)

    def make_hall(self, name: str, candidates: int, cost: int, tls: bool | None = None) -> Path:
        started = time.monotonic()
        tls = self.tls if tls is None else tls
        log(f"setting up hall '{name}': {candidates} candidates, PIN hash cost 2^{cost}, "
            f"{'HTTPS' if tls else 'plain HTTP'} (hall init, exam import, candidates import)")
        config = halls.make_hall(self.workdir / name, candidates, cost,
                                self.workdir / f"{name}-setup.log", tls=tls,
                                workers=self.args.workers)
        log(f"  hall '{name}' ready in {time.monotonic() - started:.1f}s")
        return config

    # -- scenarios

    def storm(self) -> None:
        """1,000 candidates log in at once against real-cost PIN hashes."""
        count = self.args.storm_candidates or self.p["storm_candidates"]
        config = self.make_hall("storm", count, REAL_PIN_COST)
        hall = self.start(halls.hall_server(config, self.workdir / "hall-storm.log"))
        self.quiet(max_wait=150)
        one_hash = clients.scrypt_seconds(REAL_PIN_COST)
        log(f"login storm: {count} candidates POST /student/login at once "
            f"(one PIN hash at cost 2^{REAL_PIN_COST} takes {one_hash * 1000:.0f} ms here)")
        cpu = load.CpuWatch([hall])
        figures = load.run_async(clients.login_storm(
            hall.base_url, [Candidate.numbered(n) for n in range(1, count + 1)]))
        figures.update(cpu.shares())
        figures["pin_cost"] = REAL_PIN_COST
        figures["one_hash_ms"] = round(one_hash * 1000, 1)
        cores = os.cpu_count() or 1
        figures["hash_floor_seconds"] = round(count * one_hash / cores, 1)
        log(f"  all {figures['logged_in']}/{count} in after {figures['all_in_seconds']} s, "
            f"errors {figures['errors']} (floor: {count} hashes / {cores} cores = "
            f"{figures['hash_floor_seconds']} s)")
        figures["hall_rss_mb"] = hall.rss_mb()
        self.results["login_storm"] = figures
        self.stop(hall)

    def reconnect(self) -> None:
        """A LAN blink: every logged-in candidate's connection dropped at once; each PC comes
        back within 2 s with a fresh TLS handshake and resends a save of 5 answers."""
        self._wave("reconnect", open_paper=True, wave=waves.reconnect_storm, what="all saved",
                   saying=f"{{count}} PCs connected, all dropped at once, each back within 2 s "
                          f"with a new TLS handshake and a save of {waves.ANSWERS_PER_RESEND} "
                          "answers")

    def sitting(self) -> None:
        """The start of a sitting: every candidate checked in and waiting on the check-in page
        (a long poll of the notices each, on a connection of its own); the invigilator starts
        the sitting from the console; the time until every candidate has the paper."""
        count = self.p["wave_candidates"]
        config = self.make_hall("sitting", count, SETUP_PIN_COST)
        sitting_id = sitting.plan(config, self.workdir / "sitting-setup.log")
        hall = self.start(halls.hall_server(config, self.workdir / "hall-sitting.log"))
        candidates = [Candidate.numbered(n) for n in range(1, count + 1)]
        log(f"logging in {count} candidates: each is checked in and waits (setup, not measured)")
        load.run_async(clients.login_many(hall.base_url, candidates))
        self.quiet(max_wait=150)
        log(f"sitting: {count} pages wait on the check-in page; the invigilator starts the sitting")
        cpu = load.CpuWatch([hall])

        async def wave() -> dict[str, Any]:
            async with sitting.console(hall.base_url, sitting_id) as start:
                return await waves.sitting_start(hall.base_url, candidates, start)

        figures = load.run_async(wave())
        figures.update(cpu.shares())
        figures["hall_rss_mb"] = hall.rss_mb()
        self._say_wave("  every paper out", figures)
        log(f"  start request answered in {figures['start_request_ms']} ms; every page told "
            f"after {figures['notified']['all_done_seconds']} s")
        self.results["sitting"] = figures
        self.stop(hall)

    def _wave(self, name: str, open_paper: bool, wave: Any, what: str, saying: str) -> None:
        count = self.p["wave_candidates"]
        config = self.make_hall(name, count, SETUP_PIN_COST)
        hall = self.start(halls.hall_server(config, self.workdir / f"hall-{name}.log"))
        candidates = [Candidate.numbered(n) for n in range(1, count + 1)]
        log(f"logging in {count} candidates{' and opening their papers' if open_paper else ''} "
            "(setup, not measured)")
        load.run_async(clients.login_many(hall.base_url, candidates, open_paper=open_paper))
        self.quiet(max_wait=150)
        log(f"{name}: " + saying.format(count=count))
        cpu = load.CpuWatch([hall])
        figures = load.run_async(wave(hall.base_url, candidates))
        figures.update(cpu.shares())
        figures["hall_rss_mb"] = hall.rss_mb()
        self._say_wave(f"  {what}", figures)
        self.results[name] = figures
        self.stop(hall)

    @staticmethod
    def _say_wave(what: str, figures: dict[str, Any]) -> None:
        lat = figures["latency"]
        log(f"{what} after {figures['all_done_seconds']} s: {figures['ok']}/"
            f"{figures['candidates']} ok, p50 {lat['p50_ms']} ms, p99 {lat['p99_ms']} ms, "
            f"errors {figures['errors']} {figures['error_kinds'] or ''}; hall CPU "
            f"{figures.get('hall serve_cpu')} cores")
        if figures["error_samples"]:
            log(f"  first errors: {figures['error_samples']}")

    def open_and_capacity(self, run_open: bool, run_capacity: bool) -> None:
        """The open loop at 1,000 candidates, then more and more candidates until it does not hold."""
        p = self.p
        first_step = self.args.open_candidates
        steps = [first_step]
        if run_capacity:
            steps = [first_step, *(n for n in BASE_STEPS if first_step < n <= p["max_candidates"])]
            if p["max_candidates"] > steps[-1]:
                steps.append(p["max_candidates"])
        config = self.make_hall("open", max(steps), SETUP_PIN_COST)
        hall = self.start(halls.hall_server(config, self.workdir / "hall-open.log"))
        candidates = [Candidate.numbered(n) for n in range(1, max(steps) + 1)]
        capacity: list[dict[str, Any]] = []
        for index, count in enumerate(steps):
            first = index == 0
            if first and run_open:
                seconds, ramp = p["open_seconds"], p["open_ramp"]
            else:
                ramp = min(20.0, max(5.0, count / 1000))
                seconds = ramp + p["step_steady"]
            group = candidates[:count]
            new = sum(1 for c in group if c.token is None)
            if new:
                log(f"logging in {new} more candidates (setup, not measured)")
                done = load.run_async(clients.login_many(hall.base_url, group, concurrency=32))
                log(f"  {done['logged_in']} logins in {done['seconds']} s")
            self.quiet(max_wait=150)
            name = "open loop" if first and run_open else "capacity step"
            log(f"{name}: {count} candidates for {seconds:.0f}s (pages opened over {ramp:.0f}s; "
                f"an answer change every 3-8 s, an autosave every 30 s)")
            figures = self._step(hall, group, seconds, ramp, count)
            p99 = figures["latency"]["p99_ms"] or 0.0
            if not figures["holds"] and figures.get("other_cpu", 0) > NOISY_CORES:
                log(f"  did not hold while other processes used {figures['other_cpu']} cores; "
                    "measuring this step once more")
                self.quiet(max_wait=150)
                noisy = figures
                figures = self._step(hall, group, seconds, ramp, count)
                figures["first_try_while_noisy"] = {
                    k: noisy[k] for k in ("latency", "errors", "other_cpu", "other_top")}
                p99 = figures["latency"]["p99_ms"] or 0.0
            log(f"  {figures['requests']} requests ({figures['saves_per_second_steady']:.0f} saves/s "
                f"steady): p50 {figures['latency']['p50_ms']} ms  p99 {p99} ms  "
                f"max {figures['latency']['max_ms']} ms  errors {figures['errors']}  "
                f"hall RSS {figures['hall_rss_mb'].get('VmRSS', 0):.0f} MiB  "
                f"hall CPU {figures.get('hall serve_cpu')}  load generator CPU "
                f"{figures['load_generator_cpu']}")
            if figures["error_samples"]:
                log(f"  first errors: {figures['error_samples']}")
            if first and run_open:
                self.results["open_loop"] = {**figures, "pin_cost": SETUP_PIN_COST,
                                             "meets_target": figures["errors"] == 0
                                             and p99 < OPEN_P99_TARGET_MS}
            capacity.append({"candidates": count, **figures})
            if run_capacity and not figures["holds"] and not self.args.all_steps:
                log(f"  {count} candidates do not hold (p99 < {CAPACITY_P99_TARGET_MS:.0f} ms and "
                    "no error); stopping the steps")
                break
        if run_capacity:
            held = [s["candidates"] for s in capacity if s["holds"]]
            self.results["capacity"] = {
                "steps": capacity, "max_holding": max(held) if held else 0,
                "tried_up_to": capacity[-1]["candidates"], "pin_cost": SETUP_PIN_COST,
                "rss_mb_at_1000": capacity[0]["hall_rss_mb"].get("VmRSS")}
        self.stop(hall)

    def _step(self, hall: halls.ServerProcess, group: list[Candidate], seconds: float,
              ramp: float, count: int) -> dict[str, Any]:
        figures = load.run_async(open_loop.open_loop(
            hall.base_url, group, seconds, ramp, seed=count, servers=[hall], label=f"[{count}]"))
        figures["hall_rss_mb"] = hall.rss_mb()
        p99 = figures["latency"]["p99_ms"] or 0.0
        figures["holds"] = figures["errors"] == 0 and p99 < CAPACITY_P99_TARGET_MS
        return figures

    # -- the run

    def run(self) -> int:
        chosen = self.args.scenario or list(SCENARIOS)
        log(f"examhall bench: {', '.join(chosen)}{' (quick)' if self.args.quick else ''}; "
            f"work directory {self.workdir}")
        log(f"this machine: {self.results['machine']['cores']} cores; the servers and this load "
            "generator share them")
        status = 0
        quiet = self.quiet
        try:
            quiet()
            log("timing CPU-bound loops alone and one per core at once (effective cores)")
            self.results["machine"].update(load.effective_cores())
            if "closed" in chosen:
                self.closed()
            if "storm" in chosen:
                self.storm()
            if "reconnect" in chosen:
                self.reconnect()
            if "sitting" in chosen:
                self.sitting()
            if "open" in chosen or "capacity" in chosen:
                self.open_and_capacity("open" in chosen, "capacity" in chosen)
        except KeyboardInterrupt:
            log("interrupted; stopping the servers")
            self.results["interrupted"] = True
            status = 130
        except Exception as err:
            log(f"FAILED: {err}")
            for server in self.servers:
                log(f"--- last lines of {server.name} ({server.log_path}):\n{server.tail()}")
            self.results["failed"] = repr(err)
            status = 1
        finally:
            self.stop_all()
        self.results["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        latest = RESULTS_DIR / "latest.json"
        latest.write_text(json.dumps(self.results, indent=2), encoding="utf-8")
        print(render(self.results))
        log(f"figures written to {latest}")
        if self.args.keep:
            log(f"kept the halls and server logs in {self.workdir}")
        else:
            shutil.rmtree(self.workdir, ignore_errors=True)
        return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short runs (a smoke test of the bench)")
    parser.add_argument("--scenario", action="append", choices=SCENARIOS,
                        help="run only this scenario (repeatable); default: all")
    parser.add_argument("--connections", type=int, default=200, help="closed-loop connections")
    parser.add_argument("--storm-candidates", type=int, help="candidates in the login storm")
    parser.add_argument("--max-candidates", type=int, help="largest capacity step")
    parser.add_argument("--open-candidates", type=int, default=1_000,
                        help="candidates in the open loop, the first capacity step (default 1,000)")
    parser.add_argument("--wave-candidates", type=int,
                        help="candidates in the reconnect and sitting waves (default 1,000)")
    parser.add_argument("--workers", type=int,
                        help="the halls' [server] workers (default: the hall's own, one per core)")
    parser.add_argument("--plain-http", action="store_true",
                        help="every hall serves plain HTTP (hall init --no-tls), as before")
    parser.add_argument("--https-only", action="store_true",
                        help="the closed loop without its plain-HTTP figures")
    parser.add_argument("--all-steps", action="store_true",
                        help="go on with the capacity steps after one fails")
    parser.add_argument("--profile", action="store_true",
                        help="also profile the hall with py-spy under the closed loop")
    parser.add_argument("--keep", action="store_true", help="keep the halls and server logs")
    parser.add_argument("--no-wait", action="store_true",
                        help="do not wait for other processes on the machine to go quiet")
    args = parser.parse_args(argv)
    limit = halls.raise_fd_limit()
    if limit < 8_192:
        log(f"NOTE: the open-file limit is {limit}; big steps may run out of sockets")
    os.chdir(load.REPO)
    return Bench(args).run()


if __name__ == "__main__":
    sys.exit(main())
