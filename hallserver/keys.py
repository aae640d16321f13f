"""Every web.AppKey of the hall app, in one place."""

from __future__ import annotations

from aiohttp import web

from hallserver.clock import Clock
from hallserver.config import HallConfig
from hallserver.domain.hall import Hall
from hallserver.metrics import HallMetrics

CONFIG = web.AppKey("config", HallConfig)
CLOCK = web.AppKey("clock", Clock)
HALL = web.AppKey("hall", Hall)
LISTEN_PORT = web.AppKey("listen_port", int)  # set by `hall serve` once its socket is bound
METRICS = web.AppKey("metrics", HallMetrics)
