"""What the `syncd central` commands share: the --config option, the config, a store to use."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import click

from examkit.errors import ConfigError
from examkit.words import Words, operator_language, words
from syncd.central.config import CONFIG_NAME, CentralConfig, load
from syncd.central.store import Store, open_store
from syncd.errors import SyncError

T = TypeVar("T")
ENV_VAR = "CENTRAL_CONFIG"
central_config_option = click.option(
    "--config", "config_path", metavar="PATH",
    help="The central's central.toml (default: $CENTRAL_CONFIG, else ./central.toml).")


def config(config_path: str | None) -> CentralConfig:
    """central.toml, or a clear error naming the file and the bad key."""
    try:
        return load(Path(config_path or os.environ.get(ENV_VAR) or CONFIG_NAME))
    except ConfigError as err:
        raise click.ClickException(str(err)) from err


def central_words(central: CentralConfig | None) -> Words:
    """The operator's words: EXAMHALL_LANGUAGE, else [central] language, else English."""
    return words(operator_language(central["central.language"] if central else None))


def with_store(central: CentralConfig, fn: Callable[[Store], Awaitable[T]]) -> T:
    """Runs `fn(store)` on the central's database; a sync error becomes the command's error."""
    async def run() -> T:
        store = await open_store(central)
        try:
            return await fn(store)
        finally:
            await store.close()
    try:
        return asyncio.run(run())
    except SyncError as err:
        raise click.ClickException(err.message) from err
