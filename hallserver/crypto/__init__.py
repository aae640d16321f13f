"""All cryptography of the hall: the only package that imports `cryptography`.

- `sealing`: AES-GCM encryption of session data at rest, bound to each row's identity.
- `passwords`: slow hashes of PINs and staff passwords (scrypt).
- `certificates`: the hall CA and server certificate for HTTPS.
"""
