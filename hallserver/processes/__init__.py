"""The hall on every core: TLS on worker processes, everything else on one core process.

`hall serve` with `[server] workers` above 1 (and HTTPS on) runs:

- **the core** (the `hall serve` process itself): the whole hall app, the one writer on the
  database, the session book, the log, the live feed, alerts, metrics, mDNS. It listens only on a
  local socket in a private directory (`peers`), never on the network.
- **workers** (`relay`; `[server] workers`, by default 0: one per core): each listens on the hall's port (SO_REUSEPORT,
  so the kernel spreads connections over them), does the TLS handshakes and the encryption, and
  pipes each connection's plain bytes to the core, first telling it the PC's address.

TLS is what a hall's CPU spends most on besides its own work (handshakes in a reconnect storm,
encrypting every paper at a sitting's start), and it parallelises perfectly. Everything a request
changes still happens on one process, so every acknowledgement still follows its commit, the
console sees every save, `/metrics` counts every request once, and sessions, leases and the clock
behave exactly as with one process.

Failure: a worker that dies (`kill -9`) is started again by the core; its PCs reconnect, as after
a LAN blink. If the core dies, every worker sees its pipe from the core close and stops at once,
saying why: the hall stops whole, never half-alive, and its service manager starts it again.
"""
