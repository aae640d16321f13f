"""The OpenAPI document holds: requests made from it, with no cookie, a candidate's and a staff
member's, get no 5xx, only documented statuses and content types, and bodies that match it.

A bounded schemathesis run (a few examples per operation and identity) against a real `hall
serve`; the whole run stays well under a minute.
"""

from __future__ import annotations

import json
import urllib.request

import pytest
import requests
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import openapi
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance, response_schema_conformance, status_code_conformance,
)

from tests.halls import add_staff_member, make_hall
from tests.serving import ServedHall

EXAMPLES = 5
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
# Half the cases name what exists (so 200s are checked too), half what the fuzzer made up.
KNOWN = {"exam_id": "MTH101", "registration_number": "C0001"}


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    config = make_hall(tmp_path_factory.mktemp("fuzz") / "hall")
    add_staff_member(config, "ada", "admin", "ada-password")
    with ServedHall(config) as served:
        yield served
        served.stop()


def _cookie(hall: ServedHall, path: str, body: dict) -> str:
    request = urllib.request.Request(hall.url + path.lstrip("/"), json.dumps(body).encode(),
                                     {"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return response.headers["Set-Cookie"].split(";")[0]


@pytest.fixture(scope="module")
def cookies(hall) -> dict[str, str | None]:
    return {"no cookie": None,
            "candidate": _cookie(hall, "/student/login", {"registration_number": "C0001",
                                                          "pin": "1001"}),
            "staff": _cookie(hall, "/staff/login", {"name": "ada", "password": "ada-password"})}


def _operations(hall: ServedHall):
    with urllib.request.urlopen(hall.url + "api/openapi.json") as response:
        document = json.load(response)
    schema = openapi.from_dict(document)
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("who", ["no cookie", "candidate", "staff"])
def test_the_hall_answers_as_its_openapi_document_says(hall, cookies, who):
    cookie = cookies[who]
    session = requests.Session()
    operations = [op for op in _operations(hall)
                  if not (cookie and op.path.endswith("/logout"))  # would end the login
                  and op.path != "/staff/live"]  # an endless stream: see test_staff
    for operation in operations:
        _fuzz(operation, hall.url, session, {"Cookie": cookie} if cookie else {})


def _fuzz(operation, base_url: str, session: requests.Session, headers: dict[str, str]) -> None:
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def run(case) -> None:
        for name, value in KNOWN.items():
            if name in (case.path_parameters or {}) and len(str(case.path_parameters[name])) % 2:
                case.path_parameters[name] = value
        case.call_and_validate(base_url=base_url.rstrip("/"), session=session, headers=headers,
                               checks=CHECKS)

    run()
