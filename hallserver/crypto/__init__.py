"""The hall's cryptography lives in the kernel it shares with the central: `examkit.passwords`
(scrypt for PINs and staff passwords), `examkit.sealing` (AES-GCM at rest) and
`examkit.certificates` (the CA and server certificate for HTTPS)."""
