"""Every route of the central's API with the role it needs: one table, read by the app and tests.

`reader` routes are open to readers and admins (pages by cookie, scripts by either token);
`admin` routes change what the central holds or sends, and answer 403 to a reader.
"""

from __future__ import annotations

from syncd.central import access, programme_views, sitting_views, views
from syncd.central.accounts import ADMIN, READER

API_ROUTES = (
    ("GET", "/api/halls", views.get_halls, READER),
    ("GET", "/api/halls/{hall_id}/events", views.get_hall_line, READER),
    ("GET", "/api/sessions", views.get_sessions, READER),
    ("GET", "/api/export.csv", views.get_export, READER),
    ("POST", "/api/halls", views.post_enroll_hall, ADMIN),
    ("POST", "/api/halls/{hall_id}/revoke", views.post_revoke_hall, ADMIN),
    ("GET", "/api/sittings", sitting_views.get_sittings, READER),
    ("POST", "/api/sittings", sitting_views.post_sitting, ADMIN),
    ("POST", "/api/sittings/{sitting_id}/change", sitting_views.post_sitting_change, ADMIN),
    ("POST", "/api/sittings/{sitting_id}/end", sitting_views.post_sitting_end, ADMIN),
    ("GET", "/api/sittings/progress", programme_views.get_sitting_progress, READER),
    ("GET", "/api/exams", programme_views.get_exams, READER),
    ("GET", "/api/results", programme_views.get_results, READER),
    ("GET", "/api/candidates/{registration_number}", programme_views.get_candidate, READER),
    ("GET", "/api/exports/{name}.{format}", programme_views.get_export, READER),
    ("GET", "/api/sittings/{sitting_id}/code", sitting_views.get_release_code, ADMIN),
    ("POST", "/api/sittings/{sitting_id}/release", sitting_views.post_release, ADMIN),
)

OPEN_ROUTES = (
    ("POST", "/v1/sync/hello", views.post_hello),     # signed by the hall
    ("POST", "/v1/sync/batch", views.post_batch),     # signed by the hall
    ("POST", "/v1/sync/down", views.post_down),       # signed by the hall; answer by the central
    ("GET", "/healthz", views.healthz),
    ("GET", "/api/settings", views.page_settings),
    ("POST", "/api/login", access.post_login),
    ("POST", "/api/logout", access.post_logout),      # needs a login; checks it itself
    ("GET", "/api/me", access.get_me),
)


def publishing_routes() -> list[tuple[str, str]]:
    """(method, path) of every route only an admin may use."""
    return [(method, path) for method, path, _, role in API_ROUTES if role == ADMIN]
