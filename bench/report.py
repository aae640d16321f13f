"""The bench's table of figures: what bench/run.py prints at the end of a run (and keeps in
bench/results/latest.json)."""

from __future__ import annotations

from typing import Any

from bench.targets import CAPACITY_P99_TARGET_MS, OPEN_P99_TARGET_MS



def _f(value: Any, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


TARGET_NAMES = {"echo": "echo", "echo_all": "echo*N", "durable": "durable", "hall": "hall"}


def _render_closed(closed: dict[str, Any]) -> list[str]:
    cores = closed.get("cores", "N")
    lines = ["", f"CLOSED LOOP  {closed['connections']} connections saving back to back, "
                 f"{closed['body_bytes']}-byte JSON bodies, {_f(closed['seconds'], 0)} s each; "
                 f"echo*N = the bare echo on every core ({cores} processes, one port)",
             f"  {'via':<6}{'client':<8}{'server':<9}{'ok/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
             f"{'max ms':>9}{'errors':>8}{'srv CPU':>9}{'gen CPU':>9}{'other':>7}"]
    for transport in closed.get("transports", []):
        per_client = closed[transport]
        for client in ("wrk", "python"):
            pair = per_client.get(client)
            if not pair:
                continue
            for target, label in TARGET_NAMES.items():
                f = pair[target]
                lines.append(
                    f"  {transport:<6}{client:<8}{label:<9}{_f(f['per_second'], 0):>9}"
                    f"{_f(f['p50_ms']):>9}{_f(f['p99_ms']):>9}{_f(f['max_ms']):>9}"
                    f"{_f(f['errors']):>8}{_f(f.get('server_cpu'), 2):>9}"
                    f"{_f(f['load_generator_cpu'], 2):>9}{_f(f.get('other_cpu'), 2):>7}")
            hall = pair["hall"]
            lines.append(
                f"  {transport:<6}{client:<8}hall/echo*N = {pair['ratio_all_cores']:.2f} (target "
                f">= 0.50: {'met' if pair['ratio_all_cores'] >= 0.5 else 'NOT met'}); hall/echo "
                f"= {pair['ratio']:.2f}; durable echo/echo = {pair['durable_ratio']:.2f}; saves "
                f"committed {_f(hall.get('events_committed'))} >= acknowledged {_f(hall['ok'])}: "
                f"{hall.get('every_ack_on_disk')}")
        costs = per_client.get("cpu_per_request_us")
        if costs:
            lines.append(f"  {transport}: server CPU per answered request, each kind alone under "
                         "wrk (µs): " + ", ".join(f"{name} {_f(value, 0)}"
                                                  for name, value in costs.items()))
        rss = per_client.get("hall_rss_mb", {})
        lines.append(f"  {transport}: hall RSS after the closed loop: {_f(rss.get('VmRSS'), 0)} "
                     f"MiB (PIN cost 2^{closed['pin_cost']} for setup)")
        profile = per_client.get("profile")
        if profile and "self" in profile:
            lines.append(f"  hall profile (py-spy, {profile['samples']} samples; "
                         f"% of samples, own time):")
            lines += [f"    {share:5.1f}%  {name[:100]}" for name, share in profile["self"][:10]]
            lines.append("  where the time goes (% of samples, inclusive):")
            lines += [f"    {share:5.1f}%  {label}" for label, share in profile["areas"]]
    return lines


def _render_wave(title: str, figures: dict[str, Any], done: str) -> list[str]:
    lat = figures["latency"]
    lines = ["", title,
             f"  {done} after {_f(figures['all_done_seconds'], 2)} s; {figures['ok']:,} of "
             f"{figures['candidates']:,} ok, errors {figures['errors']} "
             f"{figures['error_kinds'] or ''}",
             f"  latency from when due: p50 {_f(lat['p50_ms'])} ms, p99 {_f(lat['p99_ms'])} ms, "
             f"max {_f(lat['max_ms'])} ms; hall CPU {_f(figures.get('hall serve_cpu'), 2)} cores, "
             f"load generator {_f(figures.get('load_generator_cpu'), 2)}, other "
             f"{_f(figures.get('other_cpu'), 2)}"]
    opening = figures.get("opening")
    if opening:
        lines.append(f"  whole opening (paper, then restore): p99 "
                     f"{_f(opening['latency']['p99_ms'])} ms, all open after "
                     f"{_f(opening['all_done_seconds'], 2)} s, errors {opening['errors']}")
    return lines


def render(results: dict[str, Any]) -> str:
    machine = results["machine"]
    lines = ["", "=" * 78,
             f"examhall bench  {results['started']}{'  (QUICK)' if results['quick'] else ''}",
             f"machine: {machine['cores']} cores, {machine['cpu']}; Python {machine['python']}, "
             f"aiohttp {machine['aiohttp']}, {machine['wrk'] or 'no wrk'}",
             f"effective cores with every core busy: {machine.get('effective_cores')} of "
             f"{machine.get('reported_cores')} (CPU-bound loops alone vs. one per core at once)",
             f"hall storage: SQLite WAL, synchronous=FULL: {machine['hall_synchronous_full']}",
             f"halls serve {results.get('transport', 'http').upper()} (own CA and certificate as "
             f"`hall init` makes them); [server] workers: "
             f"{results.get('workers') or 'the default, one per core'}",
             "The load generator runs on the same machine and takes CPU from the servers.",
             "=" * 78]
    closed = results.get("closed_loop")
    if closed:
        lines += _render_closed(closed)
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
    reconnect = results.get("reconnect")
    if reconnect:
        lines += _render_wave(
            f"RECONNECT  {reconnect['candidates']:,} PCs' connections dropped at once; each back "
            f"within {reconnect['reconnect_within_seconds']:.0f} s (new TLS handshake) with a save "
            f"of {reconnect['answers_per_save']} answers (target: all saved within 3 s, no error)",
            reconnect, "all saved")
    started = results.get("sitting")
    if started:
        lines += _render_wave(
            f"SITTING  {started['candidates']:,} candidates checked in and waiting; the invigilator "
            f"starts the sitting (start request {_f(started['start_request_ms'])} ms; every page "
            f"told after {_f(started['notified']['all_done_seconds'])} s); time from the start "
            "until every candidate has the paper (target: within 5 s, no error)",
            started, "every paper out")
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
