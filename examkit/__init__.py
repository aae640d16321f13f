"""The kernel the hall and the central share; it imports neither of them.

- `chain`: the canonical byte form of an event body and the hash chain over it.
- `errors`: the base of every error a client can act on, and `ConfigError`.
- `responses`: JSON responses, and the one JSON error shape rendered from any error.
- `sealing`: AES-GCM sealing of data at rest, and secret files.
- `certificates`: a CA and a server certificate for HTTPS, and the TLS contexts.
- `network`: the machine's names and LAN addresses.
- `settings`: one way to declare settings as data and read them from a TOML file.

- `passwords`: slow hashes of PINs and passwords (scrypt).
- `throttle`: login throttling that draws on wrong attempts only.
- `times`: ISO 8601 in UTC, as every export writes times.
- `csrf`: refusing state-changing requests that come from another site.

The hall (`hallserver`) and the central (`syncd.central`) both import this package; the central
imports nothing of `hallserver`, so a central host installs only `examhall[central]`.
"""
