"""Read a scenario from a built-in id or a file (YAML, JSON, KTAB CSV, actor CSV).

Errors never escape as tracebacks: YAML syntax errors, schema violations and cross-field
problems all become :class:`~accord.errors.InputError` with the file, the field path, the line
and column in the YAML/JSON source where we can find them, and a hint.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
import threading
import warnings
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from pydantic import ValidationError

from accord.errors import ErrorDetail, InputError
from accord.scenario import checks
from accord.scenario.schema import Scenario, ScenarioNotice

MAX_BYTES = 10 * 1024 * 1024
MAX_DEPTH = 64
"""Deepest nesting of lists and mappings a scenario file may have."""
MAX_ALIASES = 1000
"""Most YAML aliases (``*name``) a file may use."""
MAX_NODES = 1_000_000
"""Most values a YAML document may hold once every alias is expanded (the alias-bomb bound)."""
MAX_NUMBER_CHARS = 100
"""Longest number literal accepted; Python refuses integers over 4,300 digits anyway."""
DEFAULT_SCENARIO = "ukraine-2025"
_BUILTIN_PACKAGE = "accord.scenario.builtin"
_SCENARIO_SUFFIXES = (".yaml", ".yml", ".json", ".csv")

Marks = dict[tuple[str | int, ...], tuple[int, int]]


class _Loader(yaml.SafeLoader):
    """Safe YAML without implicit timestamps, and with bounded nesting.

    Dates stay text for pydantic to check, so a bad date is reported with its field path and
    line like any other bad value. PyYAML composes nested nodes recursively, so a file nested
    deeper than :data:`MAX_DEPTH` is refused while it is composed, before Python's recursion
    limit is reached.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0
        self.aliases = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        """Compose one node, counting nesting depth and aliases."""
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                event = self.peek_event()  # type: ignore[no-untyped-call]
                raise _LimitError(
                    f"more than {MAX_ALIASES:,} aliases (*name)",
                    event.start_mark,
                    "write the values out, or use fewer anchors and aliases",
                )
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                event = self.peek_event()  # type: ignore[no-untyped-call]
                raise _LimitError(
                    f"nested more than {MAX_DEPTH} levels deep",
                    event.start_mark,
                    "a scenario is a few levels deep; check the file's structure",
                )
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _LimitError(Exception):
    """A YAML document over one of the loader's bounds, with where it was noticed."""

    def __init__(self, message: str, mark: yaml.Mark | None, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark
        self.hint = hint


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
    return load_text(
        read_text(path, name), name, path.suffix, scale_min=scale_min, scale_max=scale_max
    )


def load_text(
    text: str,
    name: str,
    suffix: str,
    *,
    scale_min: float | None = None,
    scale_max: float | None = None,
) -> Scenario:
    """Load and check a scenario from the text of a file with the given suffix.

    What :func:`load` does once the file is read; the dashboard calls it on uploads.
    """
    suffix = suffix.lower()
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
    """Read a text input file, refusing files over 10 MB, binary files and non-UTF-8 text.

    The size is checked before anything is read.
    """
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise InputError.single(
            name,
            f"file is {size / 1e6:.1f} MB, over the 10 MB limit",
            hint="scenario files are small; check that this is the right file",
        )
    with path.open("rb") as stream:
        return decode(stream.read(MAX_BYTES + 1), name)


def decode(raw: bytes, name: str) -> str:
    """The UTF-8 text of a file's bytes, refusing more than 10 MB, binary files and other text."""
    if len(raw) > MAX_BYTES:
        raise InputError.single(
            name,
            "file is over the 10 MB limit",
            hint="scenario files are small; check that this is the right file",
        )
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
    """Parse YAML safely; return the data and the line/column of every field path.

    Bounded before anything is built from the document: nesting (:data:`MAX_DEPTH`), aliases
    (:data:`MAX_ALIASES`, and :data:`MAX_NODES` values once expanded, so a few hundred bytes of
    nested aliases cannot expand to billions), number literals (:data:`MAX_NUMBER_CHARS`) and
    duplicate keys (YAML would silently keep the last).
    """
    _too_deep(name, text)
    loader: _Loader | None = None
    try:
        loader = _Loader(text)
        node = loader.get_single_node()
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
    except _LimitError as error:
        raise _limit(name, error) from None
    finally:
        if loader is not None:
            loader.dispose()
    if node is None:
        raise InputError.single(
            name, "file is empty", hint="a scenario needs id, title, issues and actors", line=1
        )
    try:
        _inspect(node)
    except _LimitError as error:
        raise _limit(name, error) from None
    try:
        data = _Loader(text).construct_document(node)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise InputError.single(
            name,
            f"YAML error: {getattr(error, 'problem', None) or error}",
            hint="use plain mappings, lists, text and numbers",
            line=mark.line + 1 if mark else None,
        ) from None
    marks: Marks = {}
    _collect_marks(node, (), marks, set())
    return data, marks


def _limit(name: str, error: _LimitError) -> InputError:
    mark = error.mark
    return InputError.single(
        name,
        error.message,
        hint=error.hint,
        line=mark.line + 1 if mark else None,
        column=mark.column + 1 if mark else None,
    )


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [item for pair in node.value for item in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_BUILT_TAGS = {
    f"tag:yaml.org,2002:{name}" for name in ("int", "float", "bool", "null", "binary", "timestamp")
}


def _check_node(node: yaml.Node, constructor: yaml.SafeLoader) -> None:
    """Refuse duplicate keys, over-long numbers and scalars their tag cannot build."""
    if isinstance(node, yaml.MappingNode):
        seen: dict[tuple[str, str], yaml.Node] = {}
        for key, _ in node.value:
            if not isinstance(key, yaml.ScalarNode) or key.value == "<<":
                continue
            first = seen.setdefault((key.tag, key.value), key)
            if first is not key:
                raise _LimitError(
                    f"duplicate key {key.value!r} (first on line {first.start_mark.line + 1})",
                    key.start_mark,
                    "keep one of them: YAML would silently drop the first",
                )
    elif isinstance(node, yaml.ScalarNode) and node.tag in _BUILT_TAGS:
        if node.tag in (_INT_TAG, _FLOAT_TAG) and len(node.value) > MAX_NUMBER_CHARS:
            raise _LimitError(
                f"a number of {len(node.value):,} characters",
                node.start_mark,
                f"write numbers in at most {MAX_NUMBER_CHARS} characters (e.g. 1.5e9)",
            )
        try:
            constructor.construct_object(node)
        except Exception as error:  # PyYAML's constructors raise many kinds
            reason = getattr(error, "problem", None) or str(error)
            raise _LimitError(
                f"cannot read {node.value!r} as {node.tag.rsplit(':', 1)[-1]} ({reason})",
                node.start_mark,
                "write a plain number or text without a !! tag",
            ) from None


def _inspect(root: yaml.Node) -> None:
    """Walk the node graph once (aliases are shared nodes), bounding its expanded size."""
    constructor = _Loader("")
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    active: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        key = id(node)
        children = _children(node)
        if not leaving:
            if key in size:
                continue
            if key in active:
                raise _LimitError(
                    "an alias refers to a value that contains it",
                    node.start_mark,
                    "a scenario cannot contain itself; write the values out",
                )
            _check_node(node, constructor)
            active.add(key)
            stack.append((node, True))
            stack.extend((child, False) for child in children)
            continue
        active.discard(key)
        size[key] = 1 + sum(size[id(child)] for child in children)
        depth[key] = 1 + max((depth[id(child)] for child in children), default=0)
        if size[key] > MAX_NODES:
            raise _LimitError(
                f"aliases expand to more than {MAX_NODES:,} values",
                node.start_mark,
                "write the values out, or use fewer nested anchors and aliases",
            )
        if depth[key] > MAX_DEPTH:
            raise _LimitError(
                f"nested more than {MAX_DEPTH} levels deep once aliases are expanded",
                node.start_mark,
                "a scenario is a few levels deep; check the file's structure",
            )


def _collect_marks(
    node: yaml.Node, path: tuple[str | int, ...], marks: Marks, seen: set[int]
) -> None:
    """Line and column of every field path; an alias's contents are located once only."""
    marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            key_text = key.value if isinstance(key, yaml.ScalarNode) else str(key)
            _collect_marks(value, (*path, key_text), marks, seen)
            marks[(*path, key_text)] = (key.start_mark.line + 1, key.start_mark.column + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _collect_marks(item, (*path, index), marks, seen)


class _DuplicateKey(Exception):
    pass


def _bracket_depth(text: str) -> tuple[int, int] | None:
    """Where brackets first nest deeper than :data:`MAX_DEPTH` (line, column), if anywhere.

    Counts every ``[``/``{`` against ``]``/``}`` (never below zero), in one vectorised pass.
    PyYAML's scanner takes time quadratic in the depth of flow collections, and Python's JSON
    parser recurses, so deep nesting is refused before either sees the text. Brackets inside
    quoted text count too: a scenario never holds 64 unclosed ones.
    """
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    steps = (np.isin(codes, (0x5B, 0x7B))).astype(np.int64) - np.isin(codes, (0x5D, 0x7D))
    if not steps.any():
        return None
    total = np.cumsum(steps)
    depth = total - np.minimum.accumulate(np.minimum(total, 0))
    over = np.flatnonzero(depth > MAX_DEPTH)
    if over.size == 0:
        return None
    start = int(over[0])
    return text.count("\n", 0, start) + 1, start - text.rfind("\n", 0, start)


def _too_deep(name: str, text: str) -> None:
    deep = _bracket_depth(text)
    if deep is not None:
        raise InputError.single(
            name,
            f"nested more than {MAX_DEPTH} levels deep",
            hint="a scenario is a few levels deep; check the file's structure",
            line=deep[0],
            column=deep[1],
        )


def _json_int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise ValueError(f"a number of {len(text):,} characters")
    return int(text)


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) < len(pairs):
        raise _DuplicateKey
    return result


def parse_json(text: str, name: str) -> tuple[Any, Marks]:
    """Parse JSON; return the data and the line/column of every field path.

    The same bounds as :func:`parse_yaml`: nesting is measured before parsing (Python's JSON
    parser recurses), long integers and duplicate keys are refused.
    """
    _too_deep(name, text)
    try:
        data = json.loads(text, parse_int=_json_int, object_pairs_hook=_json_object)
    except json.JSONDecodeError as error:
        raise InputError.single(
            name,
            f"JSON syntax error: {error.msg}",
            hint="check commas, brackets and quotes near this line",
            line=error.lineno,
            column=error.colno,
        ) from None
    except ValueError as error:
        raise InputError.single(
            name,
            f"JSON error: {error}",
            hint=f"write numbers in at most {MAX_NUMBER_CHARS} characters (e.g. 1.5e9)",
        ) from None
    except _DuplicateKey:
        data = _DuplicateKey
    # JSON is a subset of YAML: reuse YAML's composer for line numbers (and duplicate keys).
    try:
        _, marks = parse_yaml(text, name)
    except InputError as error:
        if data is _DuplicateKey and "duplicate key" in str(error):
            raise
        marks = {}
    if data is _DuplicateKey:
        raise InputError.single(
            name, "duplicate key in an object", hint="keep one of them: JSON keeps only the last"
        )
    return data, marks


def check_target(target: Path, overwrite: bool, *, option: str = "--out") -> None:
    """Refuse an output path that cannot or must not be written, before any work is done.

    An existing file (a dangling symbolic link counts) needs ``overwrite``; a folder, a path
    whose folder is missing, and a path under a file are refused outright.
    """
    fix = f"choose another {option}"
    if target.is_dir():
        raise InputError.single(str(target), "is a folder", hint=f"{fix}, naming a file in it")
    if (target.exists() or target.is_symlink()) and not overwrite:
        what = "is a link to a missing file" if not target.exists() else "already exists"
        raise InputError.single(str(target), what, hint=f"{fix}, or pass --force to replace it")
    parent = target.parent
    if not parent.exists():
        raise InputError.single(
            str(target), f"folder {parent} does not exist", hint=f"create it, or {fix}"
        )
    if not parent.is_dir():
        raise InputError.single(str(target), f"{parent} is a file, not a folder", hint=fix)


def dump(scenario: Scenario, path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
    """Write ``scenario`` as YAML (or JSON for a ``.json`` path), atomically.

    Refuses to replace an existing file unless ``overwrite`` is true.
    """
    target = Path(path)
    check_target(target, overwrite, option="output")
    if target.suffix.lower() not in (".yaml", ".yml", ".json"):
        raise InputError.single(
            str(target),
            "output must be .yaml, .yml or .json",
            hint="name the output file e.g. scenario.yaml",
        )
    data = scenario.model_dump(mode="json", exclude_defaults=True, by_alias=True)
    data = {"schema_version": scenario.schema_version, **data}
    if target.suffix.lower() == ".json":
        text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    else:
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    write_atomic(target, text)
    return target


_UMASK_LOCK = threading.Lock()


def _new_file_mode() -> int:
    """The mode a new file gets under the process's umask (0666 less the umask)."""
    with _UMASK_LOCK:
        mask = os.umask(0o022)
        os.umask(mask)
    return 0o666 & ~mask


def write_atomic(target: Path, text: str) -> None:
    """Write ``text`` to ``target`` through a temporary file and a rename.

    The result keeps the permission bits of the file it replaces (or those a new file gets
    under the umask), not the 0600 of the temporary file. A write that fails (a full disk, a
    read-only folder) leaves the old file as it was and is reported as an :class:`InputError`
    naming the file and the reason.
    """
    try:
        mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else _new_file_mode()
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    except OSError as error:
        raise _write_error(target, error) from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise _write_error(target, error) from None
        raise


def _write_error(target: Path, error: OSError) -> InputError:
    reason = error.strerror or str(error)
    return InputError.single(
        str(target),
        f"cannot write: {reason}; nothing was written",
        hint="free some space or choose a writable folder, then run it again",
    )
