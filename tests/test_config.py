"""hall.toml: every setting documented, defaults for everything, bad files named precisely."""

from __future__ import annotations

from pathlib import Path

import pytest

from hallserver.config import SETTINGS, defaults, load, render_toml
from hallserver.errors import ConfigError

EXAMPLE = Path(__file__).resolve().parent.parent / "hall.toml.example"


def test_the_example_documents_every_setting_as_the_code_declares_it():
    assert EXAMPLE.read_text(encoding="utf-8") == render_toml(), (
        "hall.toml.example is out of date: regenerate it with `hall config-example > hall.toml.example`")
    for setting in SETTINGS:
        assert setting.help.strip(), f"[{setting.section}] {setting.name} has no help text"


def test_the_example_loads_to_the_defaults(tmp_path):
    path = tmp_path / "hall.toml"
    path.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    assert load(path) == defaults(tmp_path)


def test_an_empty_file_gives_every_default(tmp_path):
    path = tmp_path / "hall.toml"
    path.write_text("", encoding="utf-8")
    config = load(path)
    assert config.server.port == 8443 and config.server.tls is True
    assert config.database_path == tmp_path / "hall.db"


@pytest.mark.parametrize(("text", "named"), [
    ("[server]\nport = \"eighty\"\n", "[server] port must be a whole number"),
    ("[server]\nprot = 80\n", "unknown setting [server] prot"),
    ("[sever]\nport = 80\n", "unknown section [sever]"),
    ("[server]\ntls = 1\n", "[server] tls must be true or false"),
    ("[storage]\nmax_batch = 0\n", "[storage] max_batch must be at least 1"),
    ("[mdns]\ninterfaces = \"lo\"\n", "[mdns] interfaces must be a list of strings"),
    ("[server\nport = 80\n", "is not valid TOML"),
])
def test_a_wrong_file_names_the_key_and_why(tmp_path, text, named):
    path = tmp_path / "hall.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=named.replace("[", r"\[").replace("]", r"\]")):
        load(path)


def test_a_missing_file_says_how_to_make_one(tmp_path):
    with pytest.raises(ConfigError, match="hall init"):
        load(tmp_path / "nowhere.toml")
