"""The closed-loop scenario of the bench (bench/run.py's `Bench` takes it in): the echo
ceilings (one process, and one per core), the durable echo and the hall's saves, same client,
same concurrency, back to back; each kind of request's server CPU alone; a py-spy profile."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench import clients, closed, halls, load
from bench.clients import Candidate
from bench.load import RESULTS_DIR, log

SETUP_PIN_COST = 10     # cheap hashes for halls whose logins are not what is measured


class ClosedLoopScenario:
    """The closed loop, for a bench that has `p`, `args`, `results`, `workdir`, `start`,
    `stop`, `quiet` and `make_hall` (bench/run.py's `Bench`)."""

    p: dict[str, Any]
    args: argparse.Namespace
    results: dict[str, Any]
    workdir: Path

    def closed(self) -> None:
        """Closed loop: the echo ceilings (one process, and one per core), durable echo and hall
        saves, same client, same concurrency, back to back; over HTTPS, then plain HTTP beside."""
        connections = self.args.connections
        transports = ["http"] if self.args.plain_http else ["https", "http"]
        if self.args.https_only:
            transports = ["https"]
        out: dict[str, Any] = {"connections": connections, "seconds": self.p["closed_seconds"],
                               "pin_cost": SETUP_PIN_COST, "cores": os.cpu_count() or 1,
                               "transports": transports}
        drivers = ["wrk", "python"] if closed.wrk_available() else ["python"]
        if "wrk" not in drivers:
            note = ("wrk not found: the closed loop uses the Python client only, which is itself "
                    "a bottleneck on 2 cores. Install it with `apt-get install wrk`.")
            log("NOTE: " + note)
            self.results["notes"].append(note)
        for index, transport in enumerate(transports):
            out[transport] = self._closed_transport(transport, drivers, first=index == 0)
        out["body_bytes"] = len(clients.closed_loop_bodies()[0])
        self.results["closed_loop"] = out

    def _closed_transport(self, transport: str, drivers: list[str], first: bool) -> dict[str, Any]:
        p, connections, cores = self.p, self.args.connections, os.cpu_count() or 1
        tls = transport == "https"
        config = self.make_hall(f"closed-{transport}", connections, SETUP_PIN_COST, tls=tls)
        hall_dir = config.parent if tls else None
        echo = self.start(halls.echo_server(self.workdir / f"echo-{transport}.log", tls_of=hall_dir))
        every_core = self.start(halls.echo_server(self.workdir / f"echo-all-{transport}.log",
                                                 tls_of=hall_dir, processes=cores))
        durable = self.start(halls.echo_server(self.workdir / f"durable-echo-{transport}.log",
                                              self.workdir / f"durable-echo-{transport}.db",
                                              tls_of=hall_dir))
        hall = self.start(halls.hall_server(config, self.workdir / f"hall-closed-{transport}.log"))
        candidates = [Candidate.numbered(n) for n in range(1, connections + 1)]
        log(f"logging in {connections} candidates and opening their papers")
        load.run_async(clients.login_many(hall.base_url, candidates, open_paper=True))
        tokens = [c.token or "" for c in candidates]
        bodies = clients.closed_loop_bodies()
        database = config.parent / "hall.db"
        out: dict[str, Any] = {}
        for client in drivers:
            self.quiet(max_wait=150)
            pair: dict[str, Any] = {}
            for target, server, check in (("echo", echo, None), ("echo_all", every_core, None),
                                          ("durable", durable, None),
                                          ("hall", hall, load.SAVED_MARK)):
                log(f"closed loop [{transport}, {client}] {server.name}: {connections} "
                    f"connections, {p['closed_warmup']:.0f}s warm-up + {p['closed_seconds']:.0f}s")
                figures = self._closed_run(client, server, server.base_url + load.SAVE_PATH,
                                           tokens, bodies, check,
                                           database if target == "hall" else None)
                pair[target] = figures
                log(f"  {figures['per_second']:.0f}/s  p50 {figures['p50_ms']} ms  "
                    f"p99 {figures['p99_ms']} ms  errors {figures['errors']}  "
                    f"(server CPU {figures['server_cpu']} cores, "
                    f"load generator {figures['load_generator_cpu']} cores)")
            hall_rate = pair["hall"]["per_second"]
            pair["ratio"] = round(hall_rate / max(pair["echo"]["per_second"], 1e-9), 3)
            pair["ratio_all_cores"] = round(hall_rate / max(pair["echo_all"]["per_second"], 1e-9), 3)
            pair["durable_ratio"] = round(pair["durable"]["per_second"]
                                          / max(pair["echo"]["per_second"], 1e-9), 3)
            log(f"  hall/echo on every core [{transport}, {client}]: {pair['ratio_all_cores']:.2f}; "
                f"hall/echo on one process: {pair['ratio']:.2f}; durable echo/echo: "
                f"{pair['durable_ratio']:.2f}")
            out[client] = pair
        out["hall_rss_mb"] = hall.rss_mb()
        if first and "wrk" in drivers:
            out["cpu_per_request_us"] = self._costs(echo, durable, hall, tokens, bodies)
        if first and self.args.profile:
            out["profile"] = self._profile(hall, tokens, bodies)
        for server in (hall, durable, every_core, echo):
            self.stop(server)
        return out

    def _closed_run(self, client: str, server: halls.ServerProcess, url: str, tokens: list[str],
                    bodies: list[bytes], check: bytes | None, database: Path | None) -> dict[str, Any]:
        p, connections = self.p, self.args.connections
        if client == "wrk":
            # wrk's warm-up is a separate short run inside closed_loop_wrk; count events after it.
            closed.closed_loop_wrk(url, tokens, bodies, connections, 0, p["closed_warmup"],
                                 check.decode() if check else None, self.workdir)
            before = halls.events_high_water(database) if database else 0
            cpu = load.CpuWatch([server])
            figures = closed.closed_loop_wrk(url, tokens, bodies, connections, 0, p["closed_seconds"],
                                           check.decode() if check else None, self.workdir)
        else:
            def python_run(seconds: float) -> dict[str, Any]:
                self.device_seq_base += 10_000_000
                return load.run_async(closed.closed_loop(
                    url, tokens, bodies, connections, 0, seconds, check, self.device_seq_base))
            python_run(p["closed_warmup"])
            before = halls.events_high_water(database) if database else 0
            cpu = load.CpuWatch([server])
            figures = python_run(p["closed_seconds"])
        figures.update(cpu.shares())
        figures["server_cpu"] = figures.get(f"{server.name}_cpu")
        if database is not None:
            committed = halls.events_high_water(database) - before
            figures["events_committed"] = committed
            figures["every_ack_on_disk"] = committed >= figures["ok"]
        return figures

    def _costs(self, echo: halls.ServerProcess, durable: halls.ServerProcess,
               hall: halls.ServerProcess, tokens: list[str],
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
                  clients.replayed_bodies(), load.SAVED_MARK.decode()),
                 ("POST session/save", hall, load.SAVE_PATH, bodies, load.SAVED_MARK.decode()))
        costs: dict[str, float | None] = {}
        self.quiet(max_wait=60)
        log(f"CPU per request: each kind alone under wrk for {seconds:.0f}s")
        for name, server, path, body_list, check in kinds:
            cpu = load.CpuWatch([server])
            figures = closed.closed_loop_wrk(server.base_url + path, tokens, body_list,
                                           self.args.connections, 0, seconds, check, self.workdir)
            used = cpu.shares()[f"{server.name}_cpu"]
            good = figures["per_second"] if not figures["errors"] else 0
            costs[name] = round(1e6 * used / good, 1) if good else None
            log(f"  {name}: {figures['per_second']:.0f}/s, {costs[name]} µs of server CPU each")
        return costs

    def _profile(self, hall: halls.ServerProcess, tokens: list[str], bodies: list[bytes]) -> dict[str, Any]:
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
        if closed.wrk_available():
            closed.closed_loop_wrk(url, tokens, bodies, self.args.connections, 0, seconds + 1,
                                 None, self.workdir)
        else:
            self.device_seq_base += 10_000_000
            load.run_async(closed.closed_loop(url, tokens, bodies, self.args.connections, 0,
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
