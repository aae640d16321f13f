"""The hall's guard against cross-site request forgery (the rule is the kernel's `examkit.csrf`).

JSON bodies are required on top of it (see `parsing`), which a plain cross-site form cannot send.
"""

from __future__ import annotations

from examkit.csrf import csrf_middleware as _guard
from hallserver.errors import Forbidden


def _refuse() -> Forbidden:
    return Forbidden("This request came from another site; the hall only takes changes from its "
                     "own pages.")


csrf_middleware = _guard(_refuse)
