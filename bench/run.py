"""Runs the hall benchmarks and prints a table of figures (see bench/README.md).

    python -m bench.run                       # everything, ~10 minutes
    python -m bench.run --quick               # a short smoke run, ~3 minutes
    python -m bench.run --scenario closed     # one or more of: closed storm open capacity

Servers run as their own processes on 127.0.0.1 (the bare echo server and `hall serve`); this
process is the load generator. Figures go to stdout and to bench/results/latest.json.
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

from bench import load
from bench.load import Candidate, log

RESULTS_DIR = load.BENCH_DIR / "results"
SCENARIOS = ("closed", "storm", "open", "capacity")
SETUP_PIN_COST = 10     # cheap hashes for halls whose logins are not what is measured
REAL_PIN_COST = 14      # the default pin_hash_log2_cost, for the login storm
OPEN_P99_TARGET_MS = 50.0
CAPACITY_P99_TARGET_MS = 100.0
NOISY_CORES = 0.3       # other processes using more than this during a failed step: try it again
BASE_STEPS = (1_000, 2_000, 5_000, 10_000, 15_000, 20_000, 30_000, 40_000, 50_000)


def _profiles(quick: bool) -> dict[str, Any]:
    if quick:
        return {"closed_warmup": 1.0, "closed_seconds": 4.0, "storm_candidates": 200,
                "open_seconds": 20.0, "open_ramp": 5.0, "step_steady": 10.0, "max_candidates": 2_000}
    return {"closed_warmup": 3.0, "closed_seconds": 15.0, "storm_candidates": 1_000,
            "open_seconds": 60.0, "open_ramp": 5.0, "step_steady": 30.0, "max_candidates": 20_000}


def _machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    wrk = load.wrk_available()
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


class Bench:
    """One run: a work directory, the servers it started, and the figures."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.p = _profiles(args.quick)
        if args.max_candidates:
            self.p["max_candidates"] = args.max_candidates
        self.workdir = Path(tempfile.mkdtemp(prefix="examhall-bench-"))
        self.servers: list[load.ServerProcess] = []
        self.results: dict[str, Any] = {
            "started": time.strftime("%Y-%m-%d %H:%M:%S"), "quick": args.quick,
            "machine": _machine(), "settings": dict(self.p), "notes": []}
        self.device_seq_base = 0

    # -- plumbing

    def quiet(self, max_wait: float = 180.0) -> None:
        """Waits (bounded) for other work on the machine to stop, unless --no-wait."""
        if not self.args.no_wait:
            load.wait_until_quiet(max_wait=max_wait)

    def start(self, server: load.ServerProcess) -> load.ServerProcess:
        server.start()
        self.servers.append(server)
        log(f"{server.name} is up at {server.base_url} (pid {server.pid})")
        return server

    def stop(self, server: load.ServerProcess) -> None:
        server.stop()
        if server in self.servers:
            self.servers.remove(server)

    def stop_all(self) -> None:
        for server in list(self.servers):
            self.stop(server)

    def make_hall(self, name: str, candidates: int, cost: int) -> Path:
        started = time.monotonic()
        log(f"setting up hall '{name}': {candidates} candidates, PIN hash cost 2^{cost} "
            "(hall init, exam import, candidates import)")
        config = load.make_hall(self.workdir / name, candidates, cost, self.workdir / f"{name}-setup.log")
        log(f"  hall '{name}' ready in {time.monotonic() - started:.1f}s")
        return config

    # -- scenarios

    def closed(self) -> None:
        """Closed loop: echo ceiling, durable echo and hall saves, same client, same concurrency,
        back to back."""
        p, connections = self.p, self.args.connections
        config = self.make_hall("closed", connections, SETUP_PIN_COST)
        echo = self.start(load.echo_server(self.workdir / "echo.log"))
        durable = self.start(load.echo_server(self.workdir / "durable-echo.log",
                                              self.workdir / "durable-echo.db"))
        hall = self.start(load.hall_server(config, self.workdir / "hall-closed.log"))
        candidates = [Candidate.numbered(n) for n in range(1, connections + 1)]
        log(f"logging in {connections} candidates and opening their papers")
        load.run_async(load.login_many(hall.base_url, candidates, open_paper=True))
        tokens = [c.token or "" for c in candidates]
        bodies = load.closed_loop_bodies()
        database = config.parent / "hall.db"
        out: dict[str, Any] = {"connections": connections, "body_bytes": len(bodies[0]),
                               "seconds": p["closed_seconds"], "pin_cost": SETUP_PIN_COST}
        clients = ["wrk", "python"] if load.wrk_available() else ["python"]
        if "wrk" not in clients:
            note = ("wrk not found: the closed loop uses the Python client only, which is itself "
                    "a bottleneck on 2 cores. Install it with `apt-get install wrk`.")
            log("NOTE: " + note)
            self.results["notes"].append(note)
        for client in clients:
            self.quiet(max_wait=150)
            pair: dict[str, Any] = {}
            for target, server, url, check in (
                    ("echo", echo, echo.base_url + load.SAVE_PATH, None),
                    ("durable", durable, durable.base_url + load.SAVE_PATH, None),
                    ("hall", hall, hall.base_url + load.SAVE_PATH, load.SAVED_MARK)):
                log(f"closed loop [{client}] {target}: {connections} connections, "
                    f"{p['closed_warmup']:.0f}s warm-up + {p['closed_seconds']:.0f}s")
                figures = self._closed_run(client, server, url, tokens, bodies, check, database
                                           if target == "hall" else None)
                pair[target] = figures
                log(f"  {figures['per_second']:.0f}/s  p50 {figures['p50_ms']} ms  "
                    f"p99 {figures['p99_ms']} ms  errors {figures['errors']}  "
                    f"(server CPU {figures['server_cpu']} cores, "
                    f"load generator {figures['load_generator_cpu']} cores)")
            ceiling = max(pair["echo"]["per_second"], 1e-9)
            pair["ratio"] = round(pair["hall"]["per_second"] / ceiling, 3)
            pair["durable_ratio"] = round(pair["durable"]["per_second"] / ceiling, 3)
            log(f"  ratio hall/echo [{client}]: {pair['ratio']:.2f}; durable echo/echo: "
                f"{pair['durable_ratio']:.2f}")
            out[client] = pair
        out["hall_rss_mb"] = hall.rss_mb()
        if "wrk" in clients:
            out["cpu_per_request_us"] = self._costs(echo, durable, hall, tokens, bodies)
        if self.args.profile:
            out["profile"] = self._profile(hall, tokens, bodies)
        self.results["closed_loop"] = out
        self.stop(hall)
        self.stop(durable)
        self.stop(echo)

    def _closed_run(self, client: str, server: load.ServerProcess, url: str, tokens: list[str],
                    bodies: list[bytes], check: bytes | None, database: Path | None) -> dict[str, Any]:
        p, connections = self.p, self.args.connections
        if client == "wrk":
            # wrk's warm-up is a separate short run inside closed_loop_wrk; count events after it.
            load.closed_loop_wrk(url, tokens, bodies, connections, 0, p["closed_warmup"],
                                 check.decode() if check else None, self.workdir)
            before = load.events_high_water(database) if database else 0
            cpu = load.CpuWatch([server])
            figures = load.closed_loop_wrk(url, tokens, bodies, connections, 0, p["closed_seconds"],
                                           check.decode() if check else None, self.workdir)
        else:
            def python_run(seconds: float) -> dict[str, Any]:
                self.device_seq_base += 10_000_000
                return load.run_async(load.closed_loop(
                    url, tokens, bodies, connections, 0, seconds, check, self.device_seq_base))
            python_run(p["closed_warmup"])
            before = load.events_high_water(database) if database else 0
            cpu = load.CpuWatch([server])
            figures = python_run(p["closed_seconds"])
        figures.update(cpu.shares())
        figures["server_cpu"] = figures.get(f"{server.name}_cpu")
        if database is not None:
            committed = load.events_high_water(database) - before
            figures["events_committed"] = committed
            figures["every_ack_on_disk"] = committed >= figures["ok"]
        return figures

    def _costs(self, echo: load.ServerProcess, durable: load.ServerProcess,
               hall: load.ServerProcess, tokens: list[str],
               bodies: list[bytes]) -> dict[str, float | None]:
        """The server's CPU per answered request, each kind alone under wrk: where a save's cost
        goes (aiohttp and the middlewares, the candidate's cookie, reads, a save's checks and
        merge without a change to store, and a save that stores one)."""
        seconds = max(2.0, self.p["closed_seconds"] / 3)
        kinds = (("echo POST", echo, load.SAVE_PATH, bodies, None),
                 ("durable echo POST", durable, load.SAVE_PATH, bodies, None),
                 ("GET /student/settings", hall, load.SETTINGS_PATH, [], None),
                 ("GET session/clock", hall, load.CLOCK_PATH, [], None),
                 ("GET session/restore", hall, load.RESTORE_PATH, [], None),
                 ("GET the paper", hall, load.PAPER_PATH, [], None),
                 ("POST session/save, a replay that changes nothing", hall, load.SAVE_PATH,
                  load.replayed_bodies(), load.SAVED_MARK.decode()),
                 ("POST session/save", hall, load.SAVE_PATH, bodies, load.SAVED_MARK.decode()))
        costs: dict[str, float | None] = {}
        self.quiet(max_wait=60)
        log(f"CPU per request: each kind alone under wrk for {seconds:.0f}s")
        for name, server, path, body_list, check in kinds:
            cpu = load.CpuWatch([server])
            figures = load.closed_loop_wrk(server.base_url + path, tokens, body_list,
                                           self.args.connections, 0, seconds, check, self.workdir)
            used = cpu.shares()[f"{server.name}_cpu"]
            good = figures["per_second"] if not figures["errors"] else 0
            costs[name] = round(1e6 * used / good, 1) if good else None
            log(f"  {name}: {figures['per_second']:.0f}/s, {costs[name]} µs of server CPU each")
        return costs

    def _profile(self, hall: load.ServerProcess, tokens: list[str], bodies: list[bytes]) -> dict[str, Any]:
        spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
        if not Path(spy).exists():
            note = "--profile: py-spy not found (pip install py-spy); no profile taken."
            log(note)
            return {"error": note}
        seconds = max(5, int(self.p["closed_seconds"]))
        raw = RESULTS_DIR / "hall-closed-loop.pyspy.txt"
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        log(f"profiling the hall with py-spy for {seconds}s under the closed loop (not measured)")
        proc = subprocess.Popen([spy, "record", "--pid", str(hall.pid), "--duration", str(seconds),
                                 "--rate", "250", "--format", "raw", "--nonblocking",
                                 "--output", str(raw)], stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        time.sleep(1.0)
        url = hall.base_url + load.SAVE_PATH
        if load.wrk_available():
            load.closed_loop_wrk(url, tokens, bodies, self.args.connections, 0, seconds + 1,
                                 None, self.workdir)
        else:
            self.device_seq_base += 10_000_000
            load.run_async(load.closed_loop(url, tokens, bodies, self.args.connections, 0,
                                            seconds + 1, None, self.device_seq_base))
        try:
            _, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
        if proc.returncode != 0 or not raw.exists():
            message = f"py-spy failed: {err.decode(errors='replace')[-500:]}"
            log(message)
            return {"error": message}
        top = load.top_functions(raw)
        top["raw_stacks"] = str(raw)
        return top

    def storm(self) -> None:
        """1,000 candidates log in at once against real-cost PIN hashes."""
        count = self.args.storm_candidates or self.p["storm_candidates"]
        config = self.make_hall("storm", count, REAL_PIN_COST)
        hall = self.start(load.hall_server(config, self.workdir / "hall-storm.log"))
        self.quiet(max_wait=150)
        one_hash = load.scrypt_seconds(REAL_PIN_COST)
        log(f"login storm: {count} candidates POST /student/login at once "
            f"(one PIN hash at cost 2^{REAL_PIN_COST} takes {one_hash * 1000:.0f} ms here)")
        cpu = load.CpuWatch([hall])
        figures = load.run_async(load.login_storm(
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

    def open_and_capacity(self, run_open: bool, run_capacity: bool) -> None:
        """The open loop at 1,000 candidates, then more and more candidates until it does not hold."""
        p = self.p
        steps = [1_000]
        if run_capacity:
            steps = [n for n in BASE_STEPS if n <= p["max_candidates"]]
            if p["max_candidates"] not in steps and p["max_candidates"] > steps[-1]:
                steps.append(p["max_candidates"])
        config = self.make_hall("open", max(steps), SETUP_PIN_COST)
        hall = self.start(load.hall_server(config, self.workdir / "hall-open.log"))
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
                done = load.run_async(load.login_many(hall.base_url, group, concurrency=32))
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

    def _step(self, hall: load.ServerProcess, group: list[Candidate], seconds: float,
              ramp: float, count: int) -> dict[str, Any]:
        figures = load.run_async(load.open_loop(
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


# --------------------------------------------------------------------------------------------
# The table


def _f(value: Any, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def render(results: dict[str, Any]) -> str:
    machine = results["machine"]
    lines = ["", "=" * 78,
             f"examhall bench  {results['started']}{'  (QUICK)' if results['quick'] else ''}",
             f"machine: {machine['cores']} cores, {machine['cpu']}; Python {machine['python']}, "
             f"aiohttp {machine['aiohttp']}, {machine['wrk'] or 'no wrk'}",
             f"effective cores with every core busy: {machine.get('effective_cores')} of "
             f"{machine.get('reported_cores')} (CPU-bound loops alone vs. one per core at once)",
             f"hall storage: SQLite WAL, synchronous=FULL: {machine['hall_synchronous_full']}",
             "The load generator runs on the same machine and takes CPU from the servers.",
             "=" * 78]
    closed = results.get("closed_loop")
    if closed:
        lines += ["", f"CLOSED LOOP  {closed['connections']} connections saving back to back, "
                      f"{closed['body_bytes']}-byte JSON bodies, {_f(closed['seconds'], 0)} s each",
                  f"  {'client':<8}{'server':<7}{'ok/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}"
                  f"{'errors':>8}{'srv CPU':>9}{'gen CPU':>9}{'other':>7}"]
        for client in ("wrk", "python"):
            pair = closed.get(client)
            if not pair:
                continue
            for target in ("echo", "durable", "hall"):
                f = pair.get(target)
                if not f:
                    continue
                server_cpu = f.get("server_cpu")
                lines.append(f"  {client:<8}{target:<7}{_f(f['per_second'], 0):>9}{_f(f['p50_ms']):>9}"
                             f"{_f(f['p99_ms']):>9}{_f(f['max_ms']):>9}{_f(f['errors']):>8}"
                             f"{_f(server_cpu, 2):>9}{_f(f['load_generator_cpu'], 2):>9}"
                             f"{_f(f.get('other_cpu'), 2):>7}")
            hall = pair["hall"]
            if "durable_ratio" in pair:
                lines.append(f"  {client:<8}ratio durable echo/echo = {pair['durable_ratio']:.2f} "
                             "(storing the body alone, as the hall stores a save)")
            lines.append(f"  {client:<8}ratio hall/echo = {pair['ratio']:.2f} (target >= 0.50: "
                         f"{'met' if pair['ratio'] >= 0.5 else 'NOT met'}); saves committed "
                         f"{_f(hall.get('events_committed'))} >= acknowledged {_f(hall['ok'])}: "
                         f"{hall.get('every_ack_on_disk')}")
        costs = closed.get("cpu_per_request_us")
        if costs:
            lines.append("  server CPU per answered request, each kind alone under wrk (µs): "
                         + ", ".join(f"{name} {_f(value, 0)}" for name, value in costs.items()))
        rss = closed.get("hall_rss_mb", {})
        lines.append(f"  hall RSS after the closed loop: {_f(rss.get('VmRSS'), 0)} MiB "
                     f"(PIN cost 2^{closed['pin_cost']} for setup)")
        profile = closed.get("profile")
        if profile and "self" in profile:
            lines.append(f"  hall profile (py-spy, {profile['samples']} samples; "
                         f"% of samples, own time):")
            for name, share in profile["self"][:10]:
                lines.append(f"    {share:5.1f}%  {name[:100]}")
            lines.append("  where the time goes (% of samples, inclusive):")
            for label, share in profile["areas"]:
                lines.append(f"    {share:5.1f}%  {label}")
    storm = results.get("login_storm")
    if storm:
        lat = storm["login_latency"]
        lines += ["", f"LOGIN STORM  {storm['candidates']} candidates POST /student/login at once, "
                      f"PIN hash cost 2^{storm['pin_cost']} (the default)",
                  f"  all in after {_f(storm['all_in_seconds'], 2)} s; {storm['logged_in']} logged in, "
                  f"errors {storm['errors']} {storm['error_kinds'] or ''}",
                  f"  {_f(storm['logins_per_second'])} logins/s; login latency p50 {_f(lat['p50_ms'], 0)} ms, "
                  f"p99 {_f(lat['p99_ms'], 0)} ms",
                  f"  one hash here {storm['one_hash_ms']} ms -> floor {storm['hash_floor_seconds']} s "
                  f"on {machine['cores']} cores; hall CPU {storm.get('hall serve_cpu')} cores, "
                  f"other {storm.get('other_cpu')}"]
    opened = results.get("open_loop")
    if opened:
        lat = opened["latency"]
        lines += ["", f"OPEN LOOP  {opened['candidates']} candidates for {_f(opened['seconds'], 0)} s "
                      f"(answer change every 3-8 s, autosave every 30 s; PIN cost 2^{opened['pin_cost']} "
                      "for setup)",
                  f"  {opened['requests']:,} requests, {_f(opened['saves_per_second_steady'], 0)} saves/s "
                  f"steady; latency from when due: p50 {_f(lat['p50_ms'])} ms, p99 {_f(lat['p99_ms'])} ms, "
                  f"max {_f(lat['max_ms'])} ms; errors {opened['errors']}",
                  f"  target p99 < {OPEN_P99_TARGET_MS:.0f} ms and no error: "
                  f"{'met' if opened['meets_target'] else 'NOT met'}; hall RSS "
                  f"{_f(opened['hall_rss_mb'].get('VmRSS'), 0)} MiB",
                  "  by kind (p50/p99 ms): " + ", ".join(
                      f"{k} {_f(v['p50_ms'])}/{_f(v['p99_ms'])}" for k, v in opened["by_kind"].items()
                      if v["count"])]
    capacity = results.get("capacity")
    if capacity:
        lines += ["", f"CAPACITY  candidates per hall server, p99 < {CAPACITY_P99_TARGET_MS:.0f} ms "
                      "and no error (aim: 10,000)",
                  f"  {'cands':>7}{'secs':>6}{'req/s':>8}{'saves/s':>9}{'p50 ms':>10}{'p99 ms':>10}"
                  f"{'max ms':>10}{'errors':>7}{'RSS MiB':>8}{'hall CPU':>9}{'gen CPU':>8}{'gen lag':>8}{'other':>6}  holds"]
        for s in capacity["steps"]:
            lat = s["latency"]
            lines.append(
                f"  {s['candidates']:>7,}{_f(s['seconds'], 0):>6}{_f(s['requests_per_second'], 0):>8}"
                f"{_f(s['saves_per_second_steady'], 0):>9}{_f(lat['p50_ms']):>10}{_f(lat['p99_ms']):>10}"
                f"{_f(lat['max_ms']):>10}{s['errors']:>7}{_f(s['hall_rss_mb'].get('VmRSS'), 0):>8}"
                f"{_f(s.get('hall serve_cpu'), 2):>9}{_f(s['load_generator_cpu'], 2):>8}"
                f"{_f(s['client_loop_lag_p99_ms']):>8}{_f(s.get('other_cpu'), 2):>6}"
                f"  {'yes' if s['holds'] else 'NO'}")
        lines.append(f"  most candidates held: {capacity['max_holding']:,} (tried up to "
                     f"{capacity['tried_up_to']:,}); hall RSS at 1,000: "
                     f"{_f(capacity['rss_mb_at_1000'], 0)} MiB")
        lines.append("  gen CPU = load generator's CPU in cores; gen lag = p99 lateness of its event "
                     "loop (ms): when high, the generator, not the hall, is the limit")
    lines.append("CPU columns are in cores; 'other' is what the rest of the machine used meanwhile "
                 "(noise: it takes CPU from the servers)")
    for note in results.get("notes", []):
        lines.append(f"NOTE: {note}")
    if results.get("failed"):
        lines.append(f"FAILED: {results['failed']}")
    lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short runs (a smoke test of the bench)")
    parser.add_argument("--scenario", action="append", choices=SCENARIOS,
                        help="run only this scenario (repeatable); default: all")
    parser.add_argument("--connections", type=int, default=200, help="closed-loop connections")
    parser.add_argument("--storm-candidates", type=int, help="candidates in the login storm")
    parser.add_argument("--max-candidates", type=int, help="largest capacity step")
    parser.add_argument("--all-steps", action="store_true",
                        help="go on with the capacity steps after one fails")
    parser.add_argument("--profile", action="store_true",
                        help="also profile the hall with py-spy under the closed loop")
    parser.add_argument("--keep", action="store_true", help="keep the halls and server logs")
    parser.add_argument("--no-wait", action="store_true",
                        help="do not wait for other processes on the machine to go quiet")
    args = parser.parse_args(argv)
    limit = load.raise_fd_limit()
    if limit < 8_192:
        log(f"NOTE: the open-file limit is {limit}; big steps may run out of sockets")
    os.chdir(load.REPO)
    return Bench(args).run()


if __name__ == "__main__":
    sys.exit(main())
