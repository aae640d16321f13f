"""One way to declare settings and read them, for hall.toml and central.toml alike.

A service declares every setting once, as a row of data (section, name, type, default, help,
and an optional minimum). From that table come the checks on a file (naming the first bad key
and why), the values, and the commented TOML a new installation starts from; a test per service
fails when its example file and its table disagree. Nothing here does I/O at import time.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from examkit.errors import ConfigError

Key = tuple[str, str]   # (section, name)


@dataclass(frozen=True)
class Setting:
    """One setting: where it lives, its type and default, and what it does."""

    section: str
    name: str
    type: type
    default: Any
    help: str
    minimum: float | None = None


def sections(table: tuple[Setting, ...]) -> tuple[str, ...]:
    """The sections of a table, in the order they are declared."""
    return tuple(dict.fromkeys(s.section for s in table))


def check(setting: Setting, value: Any) -> Any:
    """The value, if it is of the setting's type and above its minimum (lists become tuples)."""
    where = f"[{setting.section}] {setting.name}"
    expected = setting.type
    if expected is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise ConfigError(f"{where} must be a whole number, not {value!r}")
    if expected is bool and not isinstance(value, bool):
        raise ConfigError(f"{where} must be true or false, not {value!r}")
    if expected is str and not isinstance(value, str):
        raise ConfigError(f"{where} must be a string in quotes, not {value!r}")
    if expected is list:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where} must be a list of strings, not {value!r}")
        return tuple(value)
    if setting.minimum is not None and value < setting.minimum:
        raise ConfigError(f"{where} must be at least {setting.minimum:g}, not {value!r}")
    return value


def frozen(value: Any) -> Any:
    """A default as a frozen config holds it: lists as tuples."""
    return tuple(value) if isinstance(value, list) else value


def read_values(table: tuple[Setting, ...], data: dict[str, Any]) -> dict[Key, Any]:
    """Every setting's value from parsed TOML, defaults filled in; ConfigError names the first
    unknown section, unknown setting or bad value."""
    by_key = {(s.section, s.name): s for s in table}
    known_sections = sections(table)
    values = {key: frozen(s.default) for key, s in by_key.items()}
    for section, entries in data.items():
        if section not in known_sections:
            raise ConfigError(f"unknown section [{section}]; known sections: "
                              f"{', '.join(known_sections)}")
        if not isinstance(entries, dict):
            raise ConfigError(f"[{section}] must be a table of settings")
        for name, value in entries.items():
            setting = by_key.get((section, name))
            if setting is None:
                known = ", ".join(s.name for s in table if s.section == section)
                raise ConfigError(f"unknown setting [{section}] {name}; known: {known}")
            values[(section, name)] = check(setting, value)
    return values


def read_toml(path: Path, missing_hint: str) -> dict[str, Any]:
    """A settings file, parsed; ConfigError when it is absent (with the hint) or not TOML."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as err:
        raise ConfigError(f"no config file at {path}; {missing_hint}") from err
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path} is not valid TOML: {err}") from err


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(value)


def render_toml(table: tuple[Setting, ...], title: str, overrides: dict[Key, Any] | None = None,
                commented: bool = False) -> str:
    """A settings file with every setting and its help; `commented` comments out the defaults."""
    overrides = overrides or {}
    lines = [f"# {title} Every setting is shown with its default.", ""]
    for section in sections(table):
        lines.append(f"[{section}]")
        for s in (s for s in table if s.section == section):
            lines.append(f"# {s.help}")
            value = overrides.get((section, s.name), s.default)
            prefix = "# " if commented and (section, s.name) not in overrides else ""
            lines.append(f"{prefix}{s.name} = {_toml_value(value)}")
        lines.append("")
    return "\n".join(lines)


def write_value(path: Path, section: str, name: str, value: Any) -> None:
    """Sets `name = value` in `[section]` of a settings file, in place where the line exists (also
    commented out), else as a new line of the section (a new section at the end if none)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    line = f"{name} = {_toml_value(value)}"
    if f"[{section}]" not in (ln.strip() for ln in lines):
        lines += ["", f"[{section}]", line]
    else:
        start = [ln.strip() for ln in lines].index(f"[{section}]") + 1
        end = next((i for i in range(start, len(lines)) if lines[i].lstrip().startswith("[")),
                   len(lines))
        found = [i for i in range(start, end)
                 if lines[i].lstrip("# ").split("=")[0].strip() == name and "=" in lines[i]]
        if found:
            lines[found[0]] = line
        else:
            lines.insert(start, line)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
