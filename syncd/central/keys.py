"""Every web.AppKey of the central app, in one place."""

from __future__ import annotations

from aiohttp import web

from syncd.central.config import CentralConfig
from syncd.central.store import Store

CONFIG = web.AppKey("config", CentralConfig)
STORE = web.AppKey("store", Store)
ADMIN_TOKEN = web.AppKey("admin_token", str)
