"""Every web.AppKey of the central app, in one place."""

from __future__ import annotations

from aiohttp import web
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from examkit.throttle import LoginThrottle
from syncd.central.config import CentralConfig
from syncd.central.store import Store

CONFIG = web.AppKey("config", CentralConfig)
STORE = web.AppKey("store", Store)
ADMIN_TOKEN = web.AppKey("admin_token", str)
READER_TOKEN = web.AppKey("reader_token", str)
THROTTLE = web.AppKey("throttle", LoginThrottle)
DUMMY_HASH = web.AppKey("dummy_hash", str)
SIGN_KEY = web.AppKey("sign_key", Ed25519PrivateKey)
