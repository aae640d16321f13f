"""A central with an exam programme to look at: an admin `ada`, a reader `rex`, MTH101 and three
candidates in the bank with PINs, and two halls that only push (Leeds, York)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.halls import EXAM
from tests.sync.processes import ServedCentral, syncd_ok
from tests.sync.reporting_hall import ReportingHall
from tests.sync.test_central_accounts import user_add

ADMIN = ("ada", "plans-the-exams")
READER = ("rex", "reads-the-results")
CANDIDATES = "registration_number,name\nC-1,Ada Obi\nC-2,Bola Ade\nC-3,Chi Eze\n"


def programme(central: ServedCentral, tmp_path: Path) -> tuple[ReportingHall, ReportingHall]:
    """Accounts, the bank (MTH101, C-1..C-3 with PINs) and the halls Leeds and York."""
    for (name, password), role in ((ADMIN, "admin"), (READER, "reader")):
        code, output = user_add(central, name, role, password)
        assert code == 0, output
    config = str(central.directory / "central.toml")
    exam_file, csv_file = tmp_path / "exam.json", tmp_path / "candidates.csv"
    exam_file.write_text(json.dumps(EXAM), encoding="utf-8")
    csv_file.write_text(CANDIDATES, encoding="utf-8")
    syncd_ok("central", "exam", "import", str(exam_file), "--config", config)
    syncd_ok("central", "candidates", "import", str(csv_file), "--exam", "MTH101",
             "--config", config)
    syncd_ok("central", "candidates", "pins", "--exam", "MTH101", "--config", config)
    return ReportingHall(central, "Leeds Hall"), ReportingHall(central, "York Hall")
