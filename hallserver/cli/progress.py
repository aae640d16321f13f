"""Progress bars for long commands: on a terminal, to stderr; silent when not on one.

click's own bar still prints its label once when the output is not a terminal; scripts and logs
want nothing, so off a terminal the bar is a stand-in that only counts.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Protocol

import click


class Bar(Protocol):
    """What a command calls as work is done."""

    def update(self, n_steps: int) -> None:
        """Records `n_steps` more done."""


class _Silent:
    def update(self, n_steps: int) -> None:
        """Nothing to show."""


@contextmanager
def progress(length: int, label: str) -> Iterator[Bar]:
    """A bar of `length` steps on a terminal's stderr; nothing at all elsewhere."""
    if length <= 0 or not sys.stderr.isatty():
        yield _Silent()
        return
    with click.progressbar(length=length, label=label, file=sys.stderr) as bar:
        yield bar


@contextmanager
def progress_of(label: str) -> Iterator[Callable[[int, int], None]]:
    """A bar for work whose size is learnt as it starts: call it with (done, total)."""
    with ExitStack() as stack:
        bars: list[Bar] = []
        shown = [0]

        def report(done: int, total: int) -> None:
            if not bars:
                bars.append(stack.enter_context(progress(total, label)))
            bars[0].update(done - shown[0])
            shown[0] = done
        yield report
