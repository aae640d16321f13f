"""HTTP plumbing shared by every view: middlewares, request parsing, cookies.

Middlewares, outermost first (`setup_middlewares` keeps this order):
1. `headers`: security headers on every answer, errors included (so it wraps the next one).
2. `errors`: turns every error into the one JSON shape (`examkit.responses` renders it), so nothing below answers ad hoc.
3. `csrf`: refuses state-changing requests from other sites before any handler runs.
"""
