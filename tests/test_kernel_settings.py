"""hall.toml and central.toml are declared and read one way (examkit.settings): what an operator
sees when a file is wrong, and the file a new installation starts from, are alike for both."""

from __future__ import annotations

import pytest

from examkit.errors import ConfigError
from hallserver import config as hall_config
from syncd.central import config as central_config

SERVICES = [pytest.param(hall_config, id="hall"), pytest.param(central_config, id="central")]


@pytest.mark.parametrize("service", SERVICES)
def test_every_setting_is_documented_in_the_file_a_service_starts_from(service, tmp_path):
    """Each setting has a sentence of help, and the rendered file reads back as the defaults."""
    text = service.render_toml()
    for setting in service.SETTINGS:
        assert len(setting.help) > 15 and f"# {setting.help}" in text, setting.name
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    assert service.load(path) == service.from_mapping({}, tmp_path)


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize(("text", "message"), [
    ('[server]\nport = "80"\n', "[server] port must be a whole number, not '80'"),
    ("[server]\nport = -1\n", "[server] port must be at least 0, not -1"),
    ("[server]\nprot = 80\n", "unknown setting [server] prot; known: host, port"),
    ("[serve]\nport = 80\n", "unknown section [serve]"),
    ("[server\n", "is not valid TOML"),
])
def test_a_wrong_file_is_refused_the_same_way_by_both(service, tmp_path, text, message):
    """The operator is told which key is wrong and why, in the same words on both services."""
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        service.load(path)


@pytest.mark.parametrize("service", SERVICES)
def test_a_missing_file_says_how_to_make_one(service, tmp_path):
    """No file: the message names the path and the command that makes it."""
    with pytest.raises(ConfigError, match="no config file at .* make one with `"):
        service.load(tmp_path / "absent.toml")
