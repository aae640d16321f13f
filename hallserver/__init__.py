"""examhall's hall server: durable, encrypted, resumable exam sessions over a LAN."""

__version__ = "0.1.0"
