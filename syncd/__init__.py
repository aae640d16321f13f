"""syncd: replication of a hall's events log to a central server, and the central that receives it.

- `protocol`: the wire format (versioned), canonical bytes, Ed25519 signing and checking.
- `signing`: the hall's Ed25519 key on disk.
- `hall_log`: read-only access to the hall database (syncd never writes it).
- `state`: syncd's own files beside the hall: its note of the central, the lock, the epoch signal.
- `client`: HTTPS to the central, with the certificate pinned or checked against a CA.
- `push`: hello, batch, acknowledge, back off; `syncd once` and `syncd run` drive it.
- `central/`: the receiving aiohttp app and its store (SQLite or PostgreSQL).

Two roles, two machines. `central/`, `protocol` and `errors` import nothing of `hallserver` (only
the kernel, `examkit`): the central installs `examhall[central]` and runs `syncd-central`
(tests/test_kernel_roles.py holds it to that). The hall side (`hall_log`, `state`, `daemon`,
`cli`) runs beside `hall serve` on the hall's PC and is part of the hall's role: it reads the
hall's hall.toml, schema and identity through `hallserver` on purpose (one definition of each, read
only; syncd never writes the hall database), and installs with `examhall[hall]`.
"""
