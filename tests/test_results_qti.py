"""`hall results export --format qti`: one QTI 2.1 assessmentResult per completed session, with the
structure the imsqti_result_v2p1 schema requires, and the scores the hall gave."""

from __future__ import annotations

import zipfile

from hallserver.domain.content.qti.results_report import RESULT
from hallserver.domain.content.qti.xml import children, child, local, parse_xml
from tests.exams_fixtures import hall_cli, ok
from tests.test_results import SAT, sat_hall  # noqa: F401  (the fixture)

R = f"{{{RESULT}}}"


def _required(element, *names: str) -> None:
    for name in names:
        assert element.get(name), f"{local(element)} lacks its required {name}"


def _check_structure(root) -> None:
    """The schema's required parts, in its order: context, testResult, itemResults."""
    assert root.tag == R + "assessmentResult"
    order = [local(e) for e in root]
    assert order[0] == "context" and order.count("context") == 1
    assert order[1:] == ["testResult"] + ["itemResult"] * (len(order) - 2)
    for session in children(child(root, "context"), "sessionIdentifier"):
        _required(session, "sourceID", "identifier")
    _required(child(root, "testResult"), "identifier", "datestamp")
    for item in children(root, "itemResult"):
        _required(item, "identifier", "datestamp", "sessionStatus")
        assert item.get("sessionStatus") in ("initial", "pendingSubmission", "pendingResponseProcessing", "final")
        for variable in item:
            _required(variable, "identifier", "cardinality")
            if local(variable) == "responseVariable":
                assert local(variable[0]) == "candidateResponse"  # required, even when empty


def _outcomes(element) -> dict[str, str]:
    return {o.get("identifier"): child(o, "value").text for o in children(element, "outcomeVariable")}


def test_qti_results_hold_each_candidates_responses_and_scores(sat_hall, tmp_path):  # noqa: F811
    output = tmp_path / "results.zip"
    done = ok(hall_cli(sat_hall, "results", "export", "--format", "qti", "-o", str(output)))
    assert "wrote 3 QTI assessmentResult(s)" in done.output
    with zipfile.ZipFile(output) as package:
        files = {name: parse_xml(package.read(name), name) for name in package.namelist()}
    assert set(files) == {"KIND1/K1.xml", "KIND1/K2.xml", "KIND1/K3.xml"}  # K4 has not finished
    for name, root in files.items():
        _check_structure(root)
        registration = name.split("/")[1].removesuffix(".xml")
        answers, total = SAT[registration]
        assert child(root, "context").get("sourcedId") == registration
        test = _outcomes(child(root, "testResult"))
        assert (float(test["SCORE"]), float(test["MAXSCORE"])) == (total, 4)
        items = {i.get("identifier"): i for i in children(root, "itemResult")}
        assert list(items) == ["c1", "m1", "t1", "t2"]
        multiple = child(items["m1"], "responseVariable")
        assert (multiple.get("cardinality"), multiple.get("baseType")) == ("multiple", "identifier")
        given = [v.text for v in children(child(multiple, "candidateResponse"), "value")]
        assert given == answers["m1"]
        assert sum(float(_outcomes(i)["SCORE"]) for i in items.values()) == total


def test_qti_results_need_a_file_to_write(sat_hall):  # noqa: F811
    result = hall_cli(sat_hall, "results", "export", "--format", "qti")
    assert result.exit_code != 0 and "give it with -o FILE.zip" in result.output
