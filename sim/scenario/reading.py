"""Reading scenario files: YAML to a merged mapping, and validation errors to one line.

Files compose by ``extends: base/actors.yaml`` (or a list): base files merge under the file,
mappings key by key, ``events`` lists concatenated, other values replaced. Every failure - a
missing or binary file, a YAML syntax error, a wrong type, an unknown key - is a
:class:`~sim.scenario.errors.ScenarioError` naming the file, the field and the reason.
"""

from __future__ import annotations

import fnmatch
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from sim.scenario.errors import ScenarioError
from sim.scenario.schema import DriverSeries, ScenarioFile


def validation_message(exc: ValidationError, renamed: dict[str, str] | None = None) -> tuple[str, str]:
    """The first error of a pydantic validation as (field path, reason), for one line.

    ``renamed`` maps keys a format no longer takes to their new names, so that an old key is
    rejected with a message naming the new one. A key of ``renamed`` is a bare key (anywhere)
    or a field path with ``*`` for any part (``interventions.*.start``). Odd keys in the path
    (blank, with line breaks) are quoted, so that the message stays one line.
    """
    def new_name(error) -> str | None:
        if error["type"] != "extra_forbidden" or not error["loc"]:
            return None
        key, where = str(error["loc"][-1]), ".".join(str(part) for part in error["loc"])
        return next((name for old, name in (renamed or {}).items()
                     if old == key or ("." in old and fnmatch.fnmatchcase(where, old))), None)

    errors = exc.errors()
    error = next((e for e in errors if new_name(e)), errors[0])  # an old key explains a "missing" new one
    parts = [str(part) for part in error["loc"]]
    loc = ".".join(part if part and part.isprintable() and part == part.strip() else repr(part) for part in parts)
    message = " ".join(error["msg"].removeprefix("Value error, ").split())
    if error["type"] == "extra_forbidden":
        new = new_name(error)
        message = f"unknown key {parts[-1] if parts else ''!r}" + (f": the key is now {new!r}" if new else "")
    elif error["type"] == "missing":
        message = "required but missing"
    return loc, message


#: Keys of the scenario format that were renamed, for a message that names the new key.
RENAMED = {"interventions.*.start": "from", "interventions.*.end": "to"}


def read_yaml_mapping(path: Path) -> dict[str, Any]:
    """Read a YAML file that must hold one mapping; every failure is one line."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError(path, "", "no such file") from None
    except IsADirectoryError:
        raise ScenarioError(path, "", "is a directory, not a file") from None
    except OSError as exc:
        raise ScenarioError(path, "", f"cannot be read ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(path, "", f"is not UTF-8 text (byte {exc.start})") from None
    if "\x00" in text:
        raise ScenarioError(path, "", "is binary, not YAML text")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        where = f"line {mark.line + 1}" if mark is not None else "YAML"
        raise ScenarioError(path, where, f"YAML syntax error: {problem}") from None
    if not isinstance(data, dict):
        kind = "empty" if data is None else type(data).__name__
        raise ScenarioError(path, "", f"must hold a YAML mapping at the top level, found {kind}")
    for key in data:
        if not isinstance(key, str):
            raise ScenarioError(path, str(key), "top-level keys must be text")
    return data



def merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """``over`` laid on ``base``: mappings merge key by key, event lists concatenate."""
    merged = dict(base)
    for key, value in over.items():
        if key == "events" and isinstance(value, list) and isinstance(merged.get(key), list):
            merged[key] = merged[key] + value
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def resolve_extends(path: Path, seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """Read a file and merge in what it extends, base first."""
    path = path.resolve()
    if path in seen:
        raise ScenarioError(path, "extends", "extends itself through a cycle")
    data = read_yaml_mapping(path)
    bases = data.get("extends")
    if bases is None:
        return data
    if isinstance(bases, str):
        bases = [bases]
    if not isinstance(bases, list) or not all(isinstance(b, str) for b in bases):
        raise ScenarioError(path, "extends", "must be a file name or a list of file names")
    merged: dict[str, Any] = {}
    for base in bases:
        merged = merge(merged, resolve_extends(path.parent / base, seen + (path,)))
    merged.pop("name", None)
    merged.pop("title", None)
    merged.pop("description", None)
    return merge(merged, data)


def read_scenario_file(path: Path) -> ScenarioFile:
    """One scenario file, its bases merged in, validated."""
    data = resolve_extends(path)
    try:
        return ScenarioFile.model_validate(data)
    except ValidationError as exc:
        loc, message = validation_message(exc, RENAMED)
        raise ScenarioError(path, loc or "(top level)", message) from None


def drivers_merged(files: list[ScenarioFile]) -> dict[str, DriverSeries]:
    """The driver series of chained period files: later files' points added to earlier ones'."""
    drivers: dict[str, DriverSeries] = {}
    for spec in files:
        for name, series in spec.drivers.items():
            if name in drivers:
                points = {**drivers[name].points, **series.points}
                series = series.model_copy(update={"points": dict(sorted(points.items()))})
            drivers[name] = series
    return drivers
