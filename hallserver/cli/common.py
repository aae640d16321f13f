"""What every `hall` command shares: the --config option, loading it, opening the database."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import click
from sqlalchemy.engine import Connection, Engine

from hallserver.config import HallConfig, load, locate
from examkit.sealing import DataKey
from hallserver.db import engine as engines
from hallserver.db import migrate
from hallserver.db.writer import Batch
from hallserver.domain.log.events import EventLog
from hallserver.runtime import DATA_KEY_FILE
from hallserver.errors import ConfigError, HallError
from examkit.pages import require_pages  # noqa: F401 - the hall's commands name it here

T = TypeVar("T")

config_option = click.option(
    "--config", "config_path", metavar="PATH",
    help="The hall's hall.toml (default: $HALL_CONFIG, else ./hall.toml).")


def hall_config(config_path: str | None) -> HallConfig:
    """The config, or a clear error naming the file and the bad key."""
    try:
        return load(locate(config_path))
    except ConfigError as err:
        raise click.ClickException(str(err)) from err


def open_database(config: HallConfig) -> Engine:
    """A blocking engine on the hall database, upgraded to the current schema."""
    engine = engines.sync_engine(config.database_path, config.storage.busy_timeout_ms)
    migrate.upgrade(engine)
    return engine


def data_key(config: HallConfig) -> DataKey:
    """The hall's data key, for commands that decrypt."""
    return DataKey.from_file(config.secrets_dir / DATA_KEY_FILE)


def failure(err: HallError) -> click.ClickException:
    """A domain error as the command's error message."""
    return click.ClickException(err.message)


def staged_write(config: HallConfig, step: Callable[[Connection, Batch, EventLog, float], T]) -> T:
    """Runs a domain step that stages its writes and events, and writes them in one transaction
    (as the serving hall's write path would); a domain error becomes the command's error."""
    try:
        with open_database(config).begin() as connection:
            hall_id, epoch = migrate.read_identity(connection)
            batch = Batch()
            done = step(connection, batch, EventLog(data_key(config), hall_id, epoch), time.time())
            batch.flush(connection)
            return done
    except HallError as err:
        raise failure(err) from err
