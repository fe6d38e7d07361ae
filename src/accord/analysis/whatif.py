"""What-if changes: ``--set ACTOR.FIELD[.ISSUE]=VALUE`` and ``--overlay FILE.yaml``.

A what-if is one more update, applied after the scenario's dated updates as of the evaluation
date. Its paths use the grammar of scenario updates (``ACTOR.capability``,
``ACTOR.position.ISSUE``, ``ACTOR.salience.ISSUE``, ``ACTOR.red_line.ISSUE``,
``issue.ISSUE.status_quo``) and its values are numbers in the scenario format: a value, a range
``[low, high]`` or ``{low, mode, high}``. An overlay file holds the same in YAML::

    event: Washington raises pressure on Kyiv   # optional
    changes:
      us.salience.guarantees: 90
      ukraine.position.donbas: [20, 40]

Overlay changes apply first and ``--set`` after, so the command line has the last word. Every
change is checked like a scenario update (known ids, inside the scale, non-negative
capability); errors name the ``--set`` option or the overlay file and line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from accord.errors import ErrorDetail, InputError
from accord.scenario import checks
from accord.scenario.compile import as_of
from accord.scenario.load import locate, parse_yaml, read_text
from accord.scenario.paths import is_block_path
from accord.scenario.schema import Number, Scenario, Update

SET_OPTION = "--set"
_PATH_HINT = (
    "paths are ACTOR.position.ISSUE, ACTOR.salience.ISSUE, ACTOR.red_line.ISSUE, "
    "ACTOR.capability, issue.ISSUE.status_quo or a block number such as war.sides.ACTOR.cost "
    "(docs/scenario-format.md)"
)
_VALUE_HINT = "write a number, a range [low, high] or {low: L, mode: M, high: H}"


@dataclass(frozen=True)
class Change:
    """One what-if change: a path, its new number, and where it was given."""

    path: str
    number: Number
    origin: str = SET_OPTION
    line: int | None = None


def parse_set(text: str) -> Change:
    """Parse one ``--set PATH=VALUE`` option (the value in YAML: ``40``, ``[30, 50]``, ...)."""
    path, equals, raw = text.partition("=")
    path = path.strip()
    if not equals or not path or not raw.strip():
        raise InputError.single(
            SET_OPTION,
            f"{text!r} is not PATH=VALUE",
            hint="write e.g. --set ukraine.position.donbas=40",
        )
    try:
        value = yaml.safe_load(raw)
    except yaml.YAMLError:
        raise InputError.single(
            SET_OPTION, f"cannot read the value {raw.strip()!r}", path=(path,), hint=_VALUE_HINT
        ) from None
    return Change(path, _number(value, SET_OPTION, (path,), None), SET_OPTION)


def to_number(
    value: Any, origin: str, path: tuple[str | int, ...], line: int | None = None
) -> Number:
    """A what-if value (``40``, ``[30, 50]``, ``{low, mode, high}``) as a :class:`Number`.

    Raises the :class:`InputError` that ``--set`` gives, naming ``origin`` and ``path``.
    """
    return _number(value, origin, path, line)


def _number(value: Any, origin: str, path: tuple[str | int, ...], line: int | None) -> Number:
    if isinstance(value, str):
        raise InputError.single(
            origin, f"{value!r} is not a number", path=path, hint=_VALUE_HINT, line=line
        )
    try:
        return Number.model_validate(value)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        message = str(first["msg"]).removeprefix("Value error, ")
        raise InputError.single(
            origin, message, path=path, value=value, hint=_VALUE_HINT, line=line
        ) from None


def read_overlay(path: str | Path) -> list[Change]:
    """Read an overlay file: a YAML mapping of ``changes`` (optionally ``event``, ``note``)."""
    file = Path(path)
    name = str(path)
    if not file.is_file():
        raise InputError.single(name, "no such overlay file", hint="give the path of a YAML file")
    data, marks = parse_yaml(read_text(file, name), name)
    if not isinstance(data, dict):
        raise InputError.single(
            name,
            "an overlay is a mapping with a 'changes' entry",
            line=1,
            hint="see docs/sensitivity-and-levers.md",
        )
    unknown = sorted(set(map(str, data)) - {"changes", "event", "note"})
    if unknown:
        raise InputError(
            name,
            [
                locate(
                    ErrorDetail(
                        f"unknown field {unknown[0]!r}",
                        (unknown[0],),
                        hint="an overlay holds changes, and optionally event and note",
                    ),
                    marks,
                )
            ],
        )
    changes = data.get("changes")
    if not isinstance(changes, dict) or not changes:
        raise InputError(
            name,
            [
                locate(
                    ErrorDetail(
                        "'changes' must be a non-empty mapping of PATH: VALUE",
                        ("changes",),
                        hint="e.g. changes: {ukraine.position.donbas: 40}",
                    ),
                    marks,
                )
            ],
        )
    result: list[Change] = []
    for key, value in changes.items():
        line = marks.get(("changes", str(key)), (None, None))[0]
        result.append(
            Change(str(key), _number(value, name, ("changes", str(key)), line), name, line)
        )
    return result


def gather(sets: Sequence[str] = (), overlay: str | Path | None = None) -> list[Change]:
    """The changes of an ``--overlay`` file, then those of the ``--set`` options."""
    found = read_overlay(overlay) if overlay is not None else []
    return found + [parse_set(text) for text in sets]


def current(scenario: Scenario, date: dt.date | None = None) -> Scenario:
    """The scenario as of ``date`` with its updates applied and then dropped.

    This is what a run depends on (and what a run record stores and hashes): compiling it
    gives the same arrays as compiling ``scenario`` as of ``date``.
    """
    return as_of(scenario, date).model_copy(update={"updates": []})


def apply(scenario: Scenario, changes: Sequence[Change]) -> Scenario:
    """Apply ``changes`` to a scenario returned by :func:`current`, after checking them.

    Later changes to the same path win. Raises :class:`InputError` naming the option or the
    overlay file and line of the first bad change.
    """
    if not changes:
        return scenario
    merged: dict[str, Change] = {}
    for change in changes:
        merged[change.path] = change
    date = scenario.as_of or scenario.base_date or dt.date(1970, 1, 1)
    update = Update(
        date=date, event="what-if", changes={path: change.number for path, change in merged.items()}
    )
    trial = scenario.model_copy(update={"updates": [update]})
    for problem in checks.check(trial):
        path = problem.path
        if len(path) >= 4 and path[:3] == ("updates", 0, "changes"):
            change = merged[str(path[3])]
            hint = _PATH_HINT if "path" in problem.message else problem.hint
            where = (change.path,) if change.origin == SET_OPTION else ("changes", change.path)
            message = problem.message
            if message.startswith("update of "):  # the what-if update is not in the file
                message = message.split(": ", 1)[1]
            raise InputError.single(
                change.origin,
                message,
                path=(*where, *path[4:]),
                value=problem.value,
                hint=hint,
                line=change.line,
            )
    return current(trial, scenario.as_of)


def throughout(scenario: Scenario, changes: Sequence[Change]) -> Scenario:
    """``scenario`` (with its dated updates) with ``changes`` in force at every date.

    For commands that look at many dates (``accord timeline``): as of any date, the result
    gives what :func:`apply` gives on :func:`current` at that date, so a timeline point shows
    what ``accord forecast --as-of DATE --set ...`` shows. The changes go into the base values
    and replace the values that dated updates give to the same paths (those updates then
    move nothing there). Bad changes raise :class:`InputError` as in :func:`apply`.
    """
    if not changes:
        return scenario
    apply(current(scenario), changes)  # checks the changes, naming --set or the overlay line
    merged: dict[tuple[str, str, str | None], Change] = {}
    for change in changes:
        merged[_target(change.path, scenario)] = change
    start = scenario.base_date or min(
        (update.date for update in scenario.updates), default=dt.date(1970, 1, 1)
    )
    based = as_of(
        scenario.model_copy(
            update={
                "updates": [
                    Update(
                        date=start,
                        event="what-if",
                        changes={change.path: change.number for change in merged.values()},
                    )
                ]
            }
        ),
        start,
    )
    updates = [
        update.model_copy(
            update={
                "changes": {
                    path: merged[key].number
                    if (key := _target(path, scenario)) in merged
                    else value
                    for path, value in update.changes.items()
                }
            }
        )
        for update in scenario.updates
    ]
    return based.model_copy(update={"updates": updates, "as_of": scenario.as_of})


def _target(path: str, scenario: Scenario) -> tuple[str, str, str | None]:
    """What a change path changes, whatever alias it is written with."""
    if is_block_path(path, scenario):  # a number of a block (war, talks, ...): no aliases
        return ("block", path, None)
    parsed = checks.parse_change_path(path, scenario)
    assert not isinstance(parsed, str), parsed  # checked by apply()
    return parsed


def to_json(changes: Sequence[Change]) -> dict[str, Any]:
    """``{path: number}`` for records and JSON output (later changes win)."""
    merged: dict[str, Any] = {}
    for change in changes:
        merged[change.path] = change.number.model_dump(mode="json", exclude_defaults=True)
    return merged


def from_json(data: Mapping[str, Any]) -> list[Change]:
    """The inverse of :func:`to_json` (used to replay a recorded run)."""
    return [Change(path, Number.model_validate(value), "record") for path, value in data.items()]


def difference(
    baseline: Mapping[str, Mapping[str, float]], changed: Mapping[str, Mapping[str, float]]
) -> dict[str, dict[str, dict[str, float]]]:
    """Per model and issue: the baseline value, the what-if value and the change."""
    return {
        model: {
            issue: {
                "baseline": baseline[model][issue],
                "value": value,
                "change": value - baseline[model][issue],
            }
            for issue, value in issues.items()
        }
        for model, issues in changed.items()
        if model in baseline
    }
