"""Read a scenario from a built-in id or a file (YAML, JSON, KTAB CSV, actor CSV).

Errors never escape as tracebacks: YAML syntax errors, schema violations and cross-field
problems all become :class:`~accord.errors.InputError` with the file, the field path, the line
and column in the YAML/JSON source where we can find them, and a hint.
"""

from __future__ import annotations

import json
import os
import tempfile
import warnings
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from accord.errors import ErrorDetail, InputError
from accord.scenario import checks
from accord.scenario.schema import Scenario, ScenarioNotice

MAX_BYTES = 10 * 1024 * 1024
DEFAULT_SCENARIO = "ukraine-2025"
_BUILTIN_PACKAGE = "accord.scenario.builtin"
_SCENARIO_SUFFIXES = (".yaml", ".yml", ".json", ".csv")

Marks = dict[tuple[str | int, ...], tuple[int, int]]


class _Loader(yaml.SafeLoader):
    """Safe YAML without implicit timestamps.

    Dates stay text for pydantic to check, so a bad date is reported with its field path and
    line like any other bad value.
    """


_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def builtin_files() -> dict[str, Path]:
    """Built-in scenario id -> the file it is read from."""
    folder = resources.files(_BUILTIN_PACKAGE)
    found: dict[str, Path] = {}
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        name = entry.name
        if name.endswith(_SCENARIO_SUFFIXES) and not name.startswith("_"):
            found[name.rsplit(".", 1)[0]] = Path(str(entry))
    return found


def builtin_ids() -> list[str]:
    """Ids of the scenarios shipped with accord, the default first."""
    ids = sorted(builtin_files(), key=str.lower)
    return sorted(ids, key=lambda name: name != DEFAULT_SCENARIO)


def resolve(reference: str | os.PathLike[str]) -> Path:
    """Turn a built-in id or a path into a path, or raise a helpful error."""
    text = os.fspath(reference)
    builtins = {key.lower(): path for key, path in builtin_files().items()}
    if text.lower() in builtins and not Path(text).exists():
        return builtins[text.lower()]
    path = Path(text)
    if not path.exists():
        raise InputError.single(
            text,
            "no such file or built-in scenario",
            hint=f"give a path, or one of the built-in ids: {', '.join(builtin_ids())}",
        )
    if path.is_dir():
        raise InputError.single(
            text,
            "is a folder, not a scenario file",
            hint="give the path of a .yaml, .json or .csv file",
        )
    return path


def load(
    reference: str | os.PathLike[str] = DEFAULT_SCENARIO,
    *,
    scale_min: float | None = None,
    scale_max: float | None = None,
) -> Scenario:
    """Load and check a scenario from a built-in id or a file path.

    Parameters
    ----------
    reference
        A built-in id (see :func:`builtin_ids`) or a path to a ``.yaml``, ``.yml``, ``.json``
        or ``.csv`` file (KTAB's CSV or a one-issue ``actor,capability,position,salience`` CSV).
    scale_min, scale_max
        For a one-issue actor CSV: the issue's scale; by default the range of the positions.

    Raises
    ------
    InputError
        When the file cannot be read or the scenario is invalid.
    """
    path = resolve(reference)
    name = str(reference) if not Path(os.fspath(reference)).exists() else str(path)
    text = read_text(path, name)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        from accord.scenario.importers import import_csv

        return import_csv(text, name, scale_min=scale_min, scale_max=scale_max)
    if suffix in (".yaml", ".yml"):
        data, marks = parse_yaml(text, name)
    elif suffix == ".json":
        data, marks = parse_json(text, name)
    else:
        raise InputError.single(
            name,
            f"unsupported file type {suffix or '(none)'!r}",
            hint="accord reads YAML (.yaml/.yml), JSON (.json) and CSV (.csv: KTAB or "
            "actor,capability,position,salience)",
        )
    return parse(data, name, marks)


def read_text(path: Path, name: str) -> str:
    """Read a text input file, refusing files over 10 MB, binary files and non-UTF-8 text."""
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise InputError.single(
            name,
            f"file is {size / 1e6:.1f} MB, over the 10 MB limit",
            hint="scenario files are small; check that this is the right file",
        )
    raw = path.read_bytes()
    if b"\x00" in raw[:8192]:
        raise InputError.single(
            name, "is a binary file, not YAML, JSON or CSV", hint="give a text scenario file"
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError.single(
            name, f"is not UTF-8 text (byte {error.start})", hint="save the file as UTF-8"
        ) from None


def parse(data: Any, name: str, marks: Marks | None = None) -> Scenario:
    """Validate already-parsed data (a dict) into a checked :class:`Scenario`."""
    marks = marks or {}
    if not isinstance(data, dict):
        raise InputError.single(
            name,
            f"top level is a {type(data).__name__}, not a mapping",
            hint="a scenario file is a mapping with id, title, issues and actors",
            line=1,
        )
    try:
        with warnings.catch_warnings(record=True) as notices:
            warnings.simplefilter("always", ScenarioNotice)
            scenario = Scenario.model_validate(data)
    except ValidationError as error:
        raise InputError(
            name, [locate(detail, marks) for detail in pydantic_details(error)]
        ) from None
    _renamed_fields_notice(name, [str(notice.message) for notice in notices])
    problems = checks.check(scenario)
    if problems:
        raise InputError(name, [locate(problem, marks) for problem in problems])
    return scenario


def _renamed_fields_notice(name: str, messages: list[str]) -> None:
    """One notice per file for actors that still say ``walk_away`` (read as ``red_line``)."""
    actors = [message.split(":", 1)[0].removeprefix("actor ") for message in messages]
    if actors:
        warnings.warn(
            f"{name}: walk_away is deprecated and was read as red_line (actors: "
            f"{', '.join(actors)}); `accord convert {name} NEW.yaml` rewrites the file",
            ScenarioNotice,
            stacklevel=3,
        )


def pydantic_details(error: ValidationError) -> Iterator[ErrorDetail]:
    """Turn pydantic's validation errors into located, hinted error details."""
    for item in error.errors(include_url=False):
        path = tuple(item["loc"])
        kind = item["type"]
        message = str(item["msg"]).removeprefix("Value error, ")
        value = item.get("input")
        hint: str | None = None
        if kind == "missing":
            message = f"missing required field {path[-1]!r}"
            hint = "add it (see `accord schema`)"
            value = None
        elif kind == "extra_forbidden":
            message = f"unknown field {path[-1]!r}"
            hint = "remove it or check its spelling (see `accord schema`)"
            value = None
        elif kind.startswith("date"):
            hint = "write dates as YYYY-MM-DD"
        elif kind == "too_short":
            message = f"{path[-1]} must not be empty"
            hint = "a scenario needs at least one issue and one actor"
            value = None
        elif kind == "string_pattern_mismatch":
            message = "ids may hold only letters, digits, '_' and '-'"
            hint = "rename it, e.g. 'united_states'"
        elif kind == "literal_error":
            hint = None
        elif kind in ("float_parsing", "float_type"):
            hint = "write a number, a range [low, high] or {low, mode, high}"
        elif kind == "value_error":
            hint = (
                "numbers are finite; a range is [low, high] with low <= high, and a value or "
                "mode lies inside it"
            )
        yield ErrorDetail(message, path, value, hint)


def locate(problem: ErrorDetail, marks: Marks) -> ErrorDetail:
    """Attach the line and column of the deepest known prefix of the problem's path."""
    path = problem.path
    while path:
        if path in marks:
            line, column = marks[path]
            return ErrorDetail(
                problem.message, problem.path, problem.value, problem.hint, line, column
            )
        path = path[:-1]
    return problem


def parse_yaml(text: str, name: str) -> tuple[Any, Marks]:
    """Parse YAML safely; return the data and the line/column of every field path."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        reason = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise InputError.single(
            name,
            f"YAML syntax error: {reason}",
            hint="check indentation, colons and quotes near this line",
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        ) from None
    if node is None:
        raise InputError.single(
            name, "file is empty", hint="a scenario needs id, title, issues and actors", line=1
        )
    try:
        data = _Loader(text).construct_document(node)
    except yaml.YAMLError as error:  # pragma: no cover - compose catches nearly everything
        raise InputError.single(name, f"YAML error: {error}") from None
    marks: Marks = {}
    _collect_marks(node, (), marks)
    return data, marks


def _collect_marks(node: yaml.Node, path: tuple[str | int, ...], marks: Marks) -> None:
    marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            key_text = key.value if isinstance(key, yaml.ScalarNode) else str(key)
            _collect_marks(value, (*path, key_text), marks)
            marks[(*path, key_text)] = (key.start_mark.line + 1, key.start_mark.column + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _collect_marks(item, (*path, index), marks)


def parse_json(text: str, name: str) -> tuple[Any, Marks]:
    """Parse JSON; return the data and the line/column of every field path."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError.single(
            name,
            f"JSON syntax error: {error.msg}",
            hint="check commas, brackets and quotes near this line",
            line=error.lineno,
            column=error.colno,
        ) from None
    # JSON is a subset of YAML: reuse YAML's composer for line numbers of valid JSON.
    try:
        _, marks = parse_yaml(text, name)
    except InputError:
        marks = {}
    return data, marks


def dump(scenario: Scenario, path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
    """Write ``scenario`` as YAML (or JSON for a ``.json`` path), atomically.

    Refuses to replace an existing file unless ``overwrite`` is true.
    """
    target = Path(path)
    if target.exists() and not overwrite:
        raise InputError.single(
            str(target), "already exists", hint="choose another name, or pass --force to replace it"
        )
    if target.suffix.lower() not in (".yaml", ".yml", ".json"):
        raise InputError.single(
            str(target),
            "output must be .yaml, .yml or .json",
            hint="name the output file e.g. scenario.yaml",
        )
    data = scenario.model_dump(mode="json", exclude_defaults=True, by_alias=True)
    data = {"schema_version": scenario.schema_version, **data}
    if target.suffix.lower() == ".json":
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    else:
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    write_atomic(target, text)
    return target


def write_atomic(target: Path, text: str) -> None:
    """Write ``text`` to ``target`` through a temporary file and a rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
