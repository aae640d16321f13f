"""Every web.AppKey of the hall app, in one place."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from hallserver.clock import Clock
from hallserver.config import HallConfig
from hallserver.runtime import ExamShelf, Logins, Room, Storage
from hallserver.metrics import HallMetrics
from hallserver.processes.supervisor import Workers

CONFIG = web.AppKey("config", HallConfig)
CLOCK = web.AppKey("clock", Clock)
# The hall's services (hallserver/runtime), each under its own key:
STORAGE = web.AppKey("storage", Storage)
EXAMS = web.AppKey("exams", ExamShelf)
LOGINS = web.AppKey("logins", Logins)
ROOM = web.AppKey("room", Room)
LISTEN_PORT = web.AppKey("listen_port", int)  # set by `hall serve` once its socket is bound
METRICS = web.AppKey("metrics", HallMetrics)
WORKERS = web.AppKey("workers", Workers)  # set when TLS runs on worker processes
PAGES = web.AppKey("pages", Path)  # the folder of every page (examkit.pages)
