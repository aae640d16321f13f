"""The `hall` command speaks the operator's language: [hall] staff_language of its hall.toml,
EXAMHALL_LANGUAGE over it, English by default; what scripts read stays as it is; the catalog check
covers the commands' messages.

Real commands on real halls: click's runner on the real command group, `hall serve` as a process.
"""

from __future__ import annotations

import json
import re
from click.testing import CliRunner, Result

from hallserver.cli import main
from hallserver.config import HallConfig
from hallserver.i18n import catalogs
from hallserver.i18n.extract import extract_messages, unmarked_cli
from hallserver.setup_hall import CONFIG_NAME
from tests.halls import make_hall
from tests.serving import ServedHall
from tests.test_catalogs import LOCALES, _copy_with

PHYSICS = {"id": "PHY1", "title": "Physics", "duration_minutes": 45,
           "questions": [{"id": "1", "text": "g = ?", "options": {"A": "9.8", "B": "1"},
                          "answer": "A"}]}


def hall(config: HallConfig, *args: str, language: str | None = None) -> Result:
    """`hall ARGS... --config` on `config`'s hall; EXAMHALL_LANGUAGE set to `language`, or unset."""
    return CliRunner().invoke(main, [*args, "--config", str(config.base_dir / CONFIG_NAME)],
                              env={"EXAMHALL_LANGUAGE": language}, prog_name="hall",
                              catch_exceptions=False)


def _day(config: HallConfig, language: str | None = None) -> dict[str, Result]:
    """An exam, its candidates and a started sitting, as the operator makes them."""
    exam = config.base_dir / "physics.json"
    exam.write_text(json.dumps(PHYSICS), encoding="utf-8")
    listing = config.base_dir / "physics.csv"
    listing.write_text("registration_number,name,pin\nP001,Amal,1234\nP002,Basile,\n",
                       encoding="utf-8")
    done = {"exam": hall(config, "exam", "import", str(exam), language=language),
            "candidates": hall(config, "candidates", "import", str(listing), "--exam", "PHY1",
                               language=language)}
    made = hall(config, "sitting", "create", "--exam", "PHY1", "--starts", "2030-01-01T09:00",
                "--json", language=language)
    done["create"] = made
    done["start"] = hall(config, "sitting", "start", json.loads(made.output)["id"],
                         language=language)
    done["refusal"] = hall(config, "sitting", "report", json.loads(made.output)["id"], "-o",
                           str(config.base_dir / "register.txt"), language=language)
    return done


def test_a_french_hall_tells_its_operator_in_french(tmp_path):
    done = _day(make_hall(tmp_path / "hall", hall__staff_language="fr"))
    assert done["exam"].output == "examen PHY1 importé (Physics) : 1 questions, 45 minutes\n"
    assert done["candidates"].output.splitlines() == [
        "candidats de PHY1 : 2 ajouté(s), 0 mis à jour",
        "1 candidat(s) sans code PIN dans le fichier : `hall candidates pins PHY1`"]
    assert " démarrée à " in done["start"].output
    assert done["start"].output.endswith(": 0 présent(s), 2 absent(s)\n")
    refused = done["refusal"]
    assert refused.exit_code == 1
    assert refused.output == "Erreur : le registre s'écrit en .pdf ou en .csv\n"
    assert not (tmp_path / "hall" / "register.txt").exists()
    assert set(json.loads(done["create"].output)) == {"id"}   # --json stays as scripts read it


def test_an_arabic_hall_tells_its_operator_in_arabic(tmp_path):
    config = make_hall(tmp_path / "hall", hall__staff_language="ar")
    done = _day(config)
    assert done["exam"].output == "استُورد الامتحان PHY1 (Physics): الأسئلة 1، المدة 45 دقيقة\n"
    assert done["candidates"].output.startswith("المترشحون للامتحان PHY1: أُضيف 2، وحُدّث 0\n")
    assert "بدأت " in done["start"].output and "الغائبون 2" in done["start"].output
    assert done["refusal"].output == "خطأ: يُكتب السجل بصيغة \u200e.pdf أو \u200e.csv\n"
    slips = hall(config, "candidates", "slips", "PHY1", "-o", str(tmp_path / "slips.pdf"))
    assert slips.exit_code == 1 and "مترشحو PHY1 بلا رمز سري بعد: 1 (مثل P002)" in slips.output
    listed = hall(config, "exam", "list")
    assert "MTH101\tMathematics\tالأسئلة 20، الدرجة الكاملة 20، المدة 60 دقيقة" in listed.output


def test_english_by_default_and_the_variable_wins_over_the_hall(tmp_path):
    english = _day(make_hall(tmp_path / "en"))
    assert english["exam"].output == "imported exam PHY1 (Physics): 1 questions, 45 minutes\n"
    assert english["start"].output.endswith(": 0 checked in, 2 missing\n")
    assert english["refusal"].output == "Error: the register is written as .pdf or .csv\n"
    arabic = _day(make_hall(tmp_path / "fr", hall__staff_language="fr"), language="ar")
    assert arabic["exam"].output.startswith("استُورد الامتحان PHY1")
    french = _day(make_hall(tmp_path / "plain"), language="fr")
    assert french["refusal"].output == "Erreur : le registre s'écrit en .pdf ou en .csv\n"
    unknown = _day(make_hall(tmp_path / "xx"), language="xx")
    assert unknown["exam"].output == english["exam"].output


def test_checking_an_exam_file_without_a_hall_in_french(tmp_path):
    exam = tmp_path / "physics.json"
    exam.write_text(json.dumps(PHYSICS), encoding="utf-8")
    checked = CliRunner().invoke(main, ["exam", "check", str(exam)], prog_name="hall",
                                 env={"EXAMHALL_LANGUAGE": "fr"})
    assert checked.exit_code == 0, checked.output
    assert "  durée : 45 minutes" in checked.output
    assert "    1 : choice, 2 options, 1 point(s)" in checked.output
    assert checked.output.endswith("importerait 1 question(s)\n")


def test_the_help_stays_english_and_names_the_variable():
    shown = CliRunner().invoke(main, ["--help"], env={"EXAMHALL_LANGUAGE": "fr"})
    assert "EXAMHALL_LANGUAGE" in shown.output and "Show this message and exit." in shown.output


def test_hall_serve_says_it_is_serving_in_the_hall_language(tmp_path):
    config = make_hall(tmp_path / "hall", hall__staff_language="ar")
    with ServedHall(config) as served:
        served.wait_for_line(re.escape("اضغط Ctrl+C للإيقاف."))
        assert 'examhall: القاعة «Test Hall» تعمل' in served.output
        assert f"اطبع {served.url}join وعلّقها." in served.output
        served.stop()
    assert "examhall: جارٍ الإيقاف؛ إكمال عمليات الحفظ الجارية" in served.output


def test_the_commands_messages_are_in_the_catalogs_and_checked(tmp_path):
    """Every message the commands print is extracted with the pages'; one missing from French
    fails the check."""
    template = extract_messages(LOCALES.parent)
    started = "started {name} at {time}: {checked_in} checked in, {missing} missing"
    assert ("cli/sittings.py", None) in [(name, None) for name, _ in template[started].locations]
    assert 'hall "{name}" is serving' in template   # the banner `hall serve` prints

    def drop(catalog):
        del catalog[started]

    locales = _copy_with(tmp_path, "fr", drop)
    assert [str(p) for p in catalogs.check_all(locales)] == [f"fr: {started!r}: missing"]

    def rename(catalog):
        catalog["Error: {error}"].string = "خطأ: {message}"

    locales = _copy_with(tmp_path / "again", "ar", rename)
    assert [str(p) for p in catalogs.check_all(locales)] == [
        "ar: 'Error: {error}': placeholders ['message'] instead of ['error']"]



def test_the_check_finds_words_a_command_prints_outside_the_catalogs(tmp_path):
    """A new command's English line (an echo, a refusal) is reported; marked ones, output for
    scripts and values alone are not; the commands as they are have none."""
    module = tmp_path / "release.py"
    module.write_text(
        'click.echo(f"released {code} for {name}")\n'
        'raise click.ClickException("no such sitting")\n'
        'click.echo(say._("started {name}", name=name))\n'
        'click.echo(json.dumps(found))\n'
        'click.echo(f"{name}\\t{role}")\n', encoding="utf-8")
    assert unmarked_cli([module]) == [("cli/release.py", "released for"),
                                      ("cli/release.py", "no such sitting")]
    assert unmarked_cli() == []


def test_syncd_tells_the_hall_operator_in_the_hall_language(tmp_path):
    """`syncd enroll` and `syncd status` on a French hall; the same in Arabic by the variable."""
    from syncd.cli import main as syncd

    config = make_hall(tmp_path / "hall", hall__staff_language="fr")
    toml = str(config.base_dir / CONFIG_NAME)
    enrolled = CliRunner().invoke(syncd, ["enroll", "--config", toml], env={"EXAMHALL_LANGUAGE": None})
    assert enrolled.exit_code == 0, enrolled.output
    assert "clé publique:" in enrolled.output
    assert "Sur le central : syncd central enroll-hall " in enrolled.output
    assert "clé du central: pas encore connue ; lancez `syncd enroll --central-key HEX`" in enrolled.output
    status = CliRunner().invoke(syncd, ["status", "--config", toml], env={"EXAMHALL_LANGUAGE": "ar"})
    assert "الخدمة:" in status.output and "لا تعمل" in status.output
    machine = CliRunner().invoke(syncd, ["status", "--json", "--config", toml])
    assert json.loads(machine.output)["daemon_running"] is False


def test_syncd_central_speaks_its_own_language(tmp_path):
    """`syncd central ...` follows [central] language (and the variable over it)."""
    from examkit.settings import write_value
    from syncd.cli import main as syncd

    def central(*args: str, language: str | None = None) -> Result:
        return CliRunner().invoke(syncd, ["central", *args], env={"EXAMHALL_LANGUAGE": language})

    made = central("init", str(tmp_path / "central"), "--no-tls", language="ar")
    assert made.exit_code == 0, made.output
    assert "مفتاح المركز (تتعلمه القاعات بالأمر `syncd enroll --central-key`): " in made.output
    toml = str(tmp_path / "central" / "central.toml")
    write_value(tmp_path / "central" / "central.toml", "central", "language", "fr")
    refused = central("revoke-hall", "nowhere", "--config", toml)
    assert refused.exit_code == 1
    assert refused.output == "Erreur : aucune salle nowhere n'est inscrite ici\n"
    exam = tmp_path / "physics.json"
    exam.write_text(json.dumps(PHYSICS), encoding="utf-8")
    imported = central("exam", "import", str(exam), "--config", toml)
    assert imported.output == "examen PHY1 importé (Physics) : 1 questions, 45 minutes\n"
    assert central("exam", "import", str(exam), "--config", toml, language="en").output == (
        "replaced exam PHY1 (Physics): 1 questions, 45 minutes\n")
