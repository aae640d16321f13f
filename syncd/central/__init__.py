"""The central: receives every hall's signed batches, keeps each hall's log and its sessions.

- `config`: central.toml. `models`, `migrate`, `store`: the database (SQLite or PostgreSQL).
- `projection`: how events move a session (forward only; a completed session is final).
- `lineage`: epochs as branches of a hall's history.
- `receive`: one batch applied in one transaction. `halls`: enrollment and hellos.
- `queries`: what admins read. `app`, `views`, `serve`, `cli`: HTTP and the command line.
"""
