"""Cross-field rules of a scenario, each reported with the field path it concerns.

Pydantic checks the shape of each field; these rules check how fields refer to each other:
ids are unique and known, every actor has a position and a salience on every issue, numbers
fall inside their scale, and updates name fields that exist.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from accord.errors import ErrorDetail
from accord.scenario.schema import Number, Scenario

Path = tuple[str | int, ...]

ACTOR_FIELDS = ("capability", "position", "salience", "walk_away")
ISSUE_FIELDS = ("status_quo",)


def check(scenario: Scenario) -> list[ErrorDetail]:
    """Every cross-field problem of ``scenario``, in file order."""
    problems: list[ErrorDetail] = []
    problems += _duplicates(scenario)
    problems += _issues(scenario)
    problems += _actors(scenario)
    problems += _updates(scenario)
    problems += _source_references(scenario)
    return problems


def _duplicates(scenario: Scenario) -> Iterator[ErrorDetail]:
    for group in ("sources", "issues", "actors"):
        items = getattr(scenario, group)
        counts = Counter(item.id for item in items)
        seen: set[str] = set()
        for index, item in enumerate(items):
            if counts[item.id] > 1 and item.id in seen:
                yield ErrorDetail(
                    f"duplicate id {item.id!r} in {group}",
                    (group, index, "id"),
                    item.id,
                    hint="give every entry its own id",
                )
            seen.add(item.id)


def _outside(number: Number, low: float, high: float) -> float | None:
    """The first of value/low/mode/high outside [low, high], or None."""
    for candidate in (number.value, number.low, number.mode, number.high):
        if candidate is not None and not low <= candidate <= high:
            return candidate
    return None


def _scale_problem(
    number: Number, low: float, high: float, path: Path, what: str
) -> ErrorDetail | None:
    bad = _outside(number, low, high)
    if bad is None:
        return None
    return ErrorDetail(
        f"{what} {bad:g} is outside the scale [{low:g}, {high:g}]",
        path,
        bad,
        hint=f"use a number between {low:g} and {high:g}, or widen the scale",
    )


def _issues(scenario: Scenario) -> Iterator[ErrorDetail]:
    for index, issue in enumerate(scenario.issues):
        for anchor_index, anchor in enumerate(issue.anchors):
            if not issue.min <= anchor.value <= issue.max:
                yield ErrorDetail(
                    f"anchor {anchor.value:g} is outside the scale [{issue.min:g}, {issue.max:g}]",
                    ("issues", index, "anchors", anchor_index, "value"),
                    anchor.value,
                    hint="anchors label points on the issue's own scale",
                )
        for name in ("status_quo", "outcome"):
            number = getattr(issue, name)
            if number is not None:
                problem = _scale_problem(
                    number, issue.min, issue.max, ("issues", index, name), name.replace("_", " ")
                )
                if problem:
                    yield problem


def _actors(scenario: Scenario) -> Iterator[ErrorDetail]:
    issues = {issue.id: issue for issue in scenario.issues}
    scale = scenario.salience_scale
    for index, actor in enumerate(scenario.actors):
        base: Path = ("actors", index)
        if _negative(actor.capability):
            yield ErrorDetail(
                "capability must not be negative",
                (*base, "capability"),
                actor.capability.bounds()[0],
                hint="capabilities are non-negative weights; use 0 for an actor without clout",
            )
        for field in ("positions", "salience", "walk_away"):
            values: dict[str, Number] = getattr(actor, field)
            for issue_id, number in values.items():
                path = (*base, field, issue_id)
                issue = issues.get(issue_id)
                if issue is None:
                    yield ErrorDetail(
                        f"unknown issue id {issue_id!r}",
                        path,
                        issue_id,
                        hint=f"use one of: {', '.join(issues)}",
                    )
                    continue
                if field == "salience":
                    problem = _scale_problem(number, scale.min, scale.max, path, "salience")
                else:
                    what = "position" if field == "positions" else "walk-away point"
                    problem = _scale_problem(number, issue.min, issue.max, path, what)
                if problem:
                    yield problem
        for field in ("positions", "salience"):
            values = getattr(actor, field)
            missing = [issue_id for issue_id in issues if issue_id not in values]
            if missing:
                yield ErrorDetail(
                    f"actor {actor.id!r} has no {field.rstrip('s')} on issue"
                    f"{'s' if len(missing) > 1 else ''} {', '.join(missing)}",
                    (*base, field),
                    hint=f"add {field}: {{{missing[0]}: ...}} (every actor needs one per issue)",
                )


def _negative(number: Number) -> bool:
    return any(v is not None and v < 0 for v in (number.value, number.low, number.mode))


def parse_change_path(path: str, scenario: Scenario) -> tuple[str, str, str | None] | str:
    """Split an update path into ``(actor_or_issue, field, issue)``, or return an error text.

    For ``issue.ISSUE.status_quo`` the result is ``("issue:ISSUE", "status_quo", ISSUE)``.
    """
    parts = path.split(".")
    actor_ids = {actor.id for actor in scenario.actors}
    issue_ids = {issue.id for issue in scenario.issues}
    if parts[0] == "issue":
        if len(parts) != 3 or parts[2] not in ISSUE_FIELDS:
            return "issue changes are written issue.ISSUE.status_quo"
        if parts[1] not in issue_ids:
            return f"unknown issue id {parts[1]!r}; use one of: {', '.join(sorted(issue_ids))}"
        return (f"issue:{parts[1]}", parts[2], parts[1])
    if parts[0] not in actor_ids:
        return f"unknown actor id {parts[0]!r}; use one of: {', '.join(sorted(actor_ids))}"
    if len(parts) < 2 or parts[1] not in ACTOR_FIELDS:
        return (
            f"unknown field {parts[1] if len(parts) > 1 else ''!r}; "
            f"use one of: {', '.join(ACTOR_FIELDS)}"
        )
    if parts[1] == "capability":
        if len(parts) != 2:
            return "capability takes no issue: write ACTOR.capability"
        return (parts[0], "capability", None)
    if len(parts) != 3:
        return f"write ACTOR.{parts[1]}.ISSUE"
    if parts[2] not in issue_ids:
        return f"unknown issue id {parts[2]!r}; use one of: {', '.join(sorted(issue_ids))}"
    return (parts[0], parts[1], parts[2])


def _updates(scenario: Scenario) -> Iterator[ErrorDetail]:
    issues = {issue.id: issue for issue in scenario.issues}
    scale = scenario.salience_scale
    for index, update in enumerate(scenario.updates):
        if scenario.base_date and update.date < scenario.base_date:
            yield ErrorDetail(
                f"update dated {update.date} is before the scenario's base_date "
                f"{scenario.base_date}",
                ("updates", index, "date"),
                str(update.date),
                hint="updates describe changes after the base values",
            )
        for key, number in update.changes.items():
            path: Path = ("updates", index, "changes", key)
            parsed = parse_change_path(key, scenario)
            if isinstance(parsed, str):
                yield ErrorDetail(
                    f"bad change path {key!r}: {parsed}",
                    path,
                    key,
                    hint="paths are ACTOR.position.ISSUE, ACTOR.salience.ISSUE, "
                    "ACTOR.walk_away.ISSUE, ACTOR.capability or issue.ISSUE.status_quo",
                )
                continue
            _, field, issue_id = parsed
            if field == "capability":
                if _negative(number):
                    yield ErrorDetail(
                        "capability must not be negative", path, number.point, hint="use 0 or more"
                    )
                continue
            assert issue_id is not None
            issue = issues[issue_id]
            if field == "salience":
                problem = _scale_problem(number, scale.min, scale.max, path, "salience")
            else:
                problem = _scale_problem(
                    number, issue.min, issue.max, path, field.replace("_", " ")
                )
            if problem:
                yield problem
    if scenario.as_of and scenario.base_date and scenario.as_of < scenario.base_date:
        yield ErrorDetail(
            f"as_of {scenario.as_of} is before base_date {scenario.base_date}",
            ("as_of",),
            str(scenario.as_of),
            hint="the default evaluation date must not precede the base values",
        )


def numbers(scenario: Scenario) -> Iterator[tuple[Path, Number]]:
    """Every number in the scenario with its field path."""
    for index, issue in enumerate(scenario.issues):
        for name in ("status_quo", "outcome"):
            number = getattr(issue, name)
            if number is not None:
                yield ("issues", index, name), number
    for index, actor in enumerate(scenario.actors):
        yield ("actors", index, "capability"), actor.capability
        for field in ("positions", "salience", "walk_away"):
            for issue_id, number in getattr(actor, field).items():
                yield ("actors", index, field, issue_id), number
    for index, update in enumerate(scenario.updates):
        for key, number in update.changes.items():
            yield ("updates", index, "changes", key), number


def _source_references(scenario: Scenario) -> Iterator[ErrorDetail]:
    known = {source.id for source in scenario.sources}
    hint = (
        f"use one of: {', '.join(sorted(known))}" if known else "add it to the scenario's sources"
    )
    for path, number in numbers(scenario):
        for source_id in number.source:
            if source_id not in known:
                yield ErrorDetail(
                    f"unknown source id {source_id!r}", (*path, "source"), source_id, hint=hint
                )
    for index, update in enumerate(scenario.updates):
        for source_id in update.sources:
            if source_id not in known:
                yield ErrorDetail(
                    f"unknown source id {source_id!r}",
                    ("updates", index, "sources"),
                    source_id,
                    hint=hint,
                )


def unsourced(scenario: Scenario) -> list[ErrorDetail]:
    """Numbers that neither cite a source nor are marked estimates with a range.

    Built-in scenarios must return an empty list: every number carries its evidence.
    """
    problems: list[ErrorDetail] = []
    for path, number in numbers(scenario):
        if number.source:
            continue
        if number.estimate and number.is_ranged:
            continue
        if number.estimate:
            message = "estimate has no range"
            hint = "give an estimate a range [low, high] or {low, mode, high}"
        else:
            message = "number has no source and is not marked as an estimate"
            hint = "add source: [ID] or estimate: true with a range"
        problems.append(ErrorDetail(message, path, number.point, hint=hint))
    return problems
