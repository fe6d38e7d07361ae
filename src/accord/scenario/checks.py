"""Cross-field rules of a scenario, each reported with the field path it concerns.

Pydantic checks the shape of each field; these rules check how fields refer to each other:
ids are unique and known, every actor has a position and a salience on every issue, numbers
fall inside their scale, and updates name fields that exist.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections import Counter
from collections.abc import Collection, Iterator

from accord.errors import ErrorDetail
from accord.scenario.paths import (
    BLOCKS,
    block_numbers,
    dated_limit,
    is_block_path,
    path_problem,
    replace_number,
)
from accord.scenario.schema import Issue, Number, Scenario, Veto
from accord.scenario.structure import bloc_errors

Path = tuple[str | int, ...]

ACTOR_FIELDS = ("capability", "position", "salience", "red_line")
#: Deprecated names of actor fields in update paths, and the field they now mean.
FIELD_ALIASES = {"walk_away": "red_line"}
MAX_SCALE = 1e12
"""Largest magnitude of a scale's ends: squares and sums of positions stay finite and exact."""
MIN_RELATIVE_WIDTH = 1e-9
"""Narrowest scale, relative to its magnitude: narrower ones lose positions to rounding."""
ISSUE_FIELDS = ("status_quo",)
MAX_LISTED_SOURCES = 12
"""A hint lists the scenario's source ids when it has at most this many."""
MAX_GUESSED_LENGTH = 64
"""Close ids are suggested only for an unknown id this short (the comparison is quadratic)..."""
MAX_GUESSES = 20
"""...and for the first this many unknown ids, so a file full of them is still checked quickly."""


def check(scenario: Scenario) -> list[ErrorDetail]:
    """Every cross-field problem of ``scenario``, in file order."""
    problems: list[ErrorDetail] = []
    problems += _duplicates(scenario)
    problems += _issues(scenario)
    problems += _actors(scenario)
    if not problems:
        problems += _weightless(scenario)
    problems += _updates(scenario)
    problems += _war(scenario)
    problems += _guarantees(scenario)
    problems += _ratification(scenario)
    problems += _talks(scenario)
    problems += _conditions(scenario)
    problems += _no_deal(scenario)
    problems += _events(scenario)
    problems += _source_references(scenario)
    problems += bloc_errors(scenario)
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


def scale_problem(low: float, high: float, path: Path) -> ErrorDetail | None:
    """Why a scale ``[low, high]`` is too wide or too narrow for finite arithmetic, if it is."""
    magnitude = max(abs(low), abs(high))
    if magnitude > MAX_SCALE:
        return ErrorDetail(
            f"scale [{low:g}, {high:g}] reaches beyond ±{MAX_SCALE:g}",
            path,
            hint=f"express the issue in a larger unit so that its ends lie within ±{MAX_SCALE:g}",
        )
    if high - low < MIN_RELATIVE_WIDTH * max(1.0, magnitude):
        return ErrorDetail(
            f"scale [{low:g}, {high:g}] is too narrow to tell positions apart",
            path,
            hint="widen the scale, or express the issue in a smaller unit",
        )
    return None


def _weightless(scenario: Scenario) -> Iterator[ErrorDetail]:
    """Issues on which no actor has both positive capability and positive salience.

    Every model weighs positions by capability and salience; with no weight at all the
    forecast is 0/0.
    """
    floor = scenario.salience_scale.min
    for index, issue in enumerate(scenario.issues):
        if not any(
            actor.capability.point > 0
            and issue.id in actor.salience
            and actor.salience[issue.id].point > floor
            for actor in scenario.actors
        ):
            yield ErrorDetail(
                f"no actor has both positive capability and salience above {floor:g} on "
                f"issue {issue.id!r}",
                ("issues", index),
                hint="give at least one actor a capability above 0 and a salience on this issue",
            )


def _issues(scenario: Scenario) -> Iterator[ErrorDetail]:
    scale = scenario.salience_scale
    problem = scale_problem(scale.min, scale.max, ("salience_scale",))
    if problem:
        yield problem
    for index, issue in enumerate(scenario.issues):
        problem = scale_problem(issue.min, issue.max, ("issues", index))
        if problem:
            yield problem
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
        elif _huge(actor.capability):
            yield _huge_capability((*base, "capability"), actor.capability)
        for field in ("positions", "salience", "red_line"):
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
                    what = "position" if field == "positions" else "red line"
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


def _huge(number: Number) -> bool:
    return any(v is not None and v > MAX_SCALE for v in (number.value, number.high, number.mode))


def _huge_capability(path: Path, number: Number) -> ErrorDetail:
    return ErrorDetail(
        f"capability is over {MAX_SCALE:g}",
        path,
        number.bounds()[1],
        hint="only ratios of capabilities matter: divide them all by the same factor",
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
    if len(parts) >= 2 and parts[1] in FIELD_ALIASES:
        parts[1] = FIELD_ALIASES[parts[1]]
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
            if is_block_path(key, scenario):
                yield from _block_change(scenario, update.date, key, number, path)
                continue
            parsed = parse_change_path(key, scenario)
            if isinstance(parsed, str):
                yield ErrorDetail(
                    f"update of {update.date}: bad change path {key!r}: {parsed}",
                    path,
                    key,
                    hint="paths are ACTOR.position.ISSUE, ACTOR.salience.ISSUE, "
                    "ACTOR.red_line.ISSUE, ACTOR.capability, issue.ISSUE.status_quo or a "
                    f"number of a block ({', '.join(BLOCKS)}), e.g. war.sides.ACTOR.cost",
                )
                continue
            _, field, issue_id = parsed
            if field == "capability":
                if _negative(number):
                    yield ErrorDetail(
                        "capability must not be negative", path, number.point, hint="use 0 or more"
                    )
                elif _huge(number):
                    yield _huge_capability(path, number)
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


def _block_change(
    scenario: Scenario, date: dt.date, key: str, number: Number, path: Path
) -> Iterator[ErrorDetail]:
    """Problems of an update's change to a block number.

    A bad path, or a value its block's rules reject (checked on the scenario with the change
    applied, reporting only problems the base scenario does not have).
    """
    problem = path_problem(key, scenario)
    if problem is not None:
        yield ErrorDetail(
            f"update of {date}: bad change path {key!r}: {problem}",
            path,
            key,
            hint="a block path names fields, list items by their id (sides by actor, theatres "
            "by issue) and mapping keys, e.g. war.sides.ACTOR.cost or "
            "guarantees.terms.TERM.hazard_ratio",
        )
        return
    rules = {
        "war": _war,
        "guarantees": _guarantees,
        "ratification": _ratification,
        "talks": _talks,
        "no_deal": _no_deal,
    }[key.split(".", 1)[0]]
    before = {detail.message for detail in rules(scenario)}
    for detail in rules(replace_number(scenario, key, number)):
        if detail.message not in before:
            yield ErrorDetail(
                f"update of {date}, {key}: {detail.message}",
                path,
                detail.value,
                hint=detail.hint,
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
        for field in ("positions", "salience", "red_line"):
            for issue_id, number in getattr(actor, field).items():
                yield ("actors", index, field, issue_id), number
        for position, condition in enumerate(actor.requires):
            for name in ("at_least", "at_most"):
                bound = getattr(condition, name)
                if bound is not None:
                    yield ("actors", index, "requires", position, name), bound
    for index, update in enumerate(scenario.updates):
        for key, number in update.changes.items():
            yield ("updates", index, "changes", key), number
    yield from _dynamics_numbers(scenario)


def _dynamics_numbers(scenario: Scenario) -> Iterator[tuple[Path, Number]]:
    """Every number of the optional war, guarantees, ratification and talks blocks."""
    war = scenario.war
    if war is not None:
        for index, region in enumerate(war.control):
            yield ("war", "control", index, "area_km2"), region.area_km2
            yield ("war", "control", index, "held"), region.held
        for index, theatre in enumerate(war.theatres):
            yield ("war", "theatres", index, "advance_share"), theatre.advance_share
            if theatre.handover_pace_factor is not None:
                yield (
                    ("war", "theatres", index, "handover_pace_factor"),
                    theatre.handover_pace_factor,
                )
        for index, regime in enumerate(war.regimes):
            for name in ("advance", "advance_factor"):
                number = getattr(regime, name)
                if number is not None:
                    yield ("war", "regimes", index, name), number
            for actor_id, factor in regime.cost_factor.items():
                yield ("war", "regimes", index, "cost_factor", actor_id), factor
        for index, side in enumerate(war.sides):
            for name in ("cost", "belief", "casualties", "spending"):
                number = getattr(side, name)
                if number is not None:
                    yield ("war", "sides", index, name), number
        for name in ("discount_rate", "horizon", "learning"):
            number = getattr(war, name)
            if number is not None:
                yield ("war", name), number
    guarantees = scenario.guarantees
    if guarantees is not None:
        for name in (
            "horizon",
            "baseline",
            "shape",
            "strength_hazard_ratio",
            "shortfall_hazard_ratio",
        ):
            number = getattr(guarantees, name)
            if number is not None:
                yield ("guarantees", name), number
        for index, term in enumerate(guarantees.terms):
            yield ("guarantees", "terms", index, "hazard_ratio"), term.hazard_ratio
    ratification = scenario.ratification
    if ratification is not None:
        referendum = ratification.referendum
        if referendum is not None:
            base: Path = ("ratification", "referendum")
            for name in ("turnout", "ceasefire_months", "undecided", "campaign_error"):
                number = getattr(referendum, name)
                if number is not None:
                    yield (*base, name), number
            for index, poll in enumerate(referendum.polls):
                for name in ("accept", "reject"):
                    number = getattr(poll, name)
                    if number is not None:
                        yield (*base, "polls", index, name), number
                for issue_id, number in poll.terms.items():
                    yield (*base, "polls", index, "terms", issue_id), number
        for index, veto in enumerate(ratification.vetoes):
            for name in ("min", "max", "approval"):
                number = getattr(veto, name)
                if number is not None:
                    yield ("ratification", "vetoes", index, name), number
            for number_index, route in enumerate(veto.routes):
                for name in ("share", "approval"):
                    path = ("ratification", "vetoes", index, "routes", number_index, name)
                    yield path, getattr(route, name)
    if scenario.talks is not None and scenario.talks.pull is not None:
        yield ("talks", "pull"), scenario.talks.pull
    if scenario.talks is not None and scenario.talks.rounds_per_month is not None:
        yield ("talks", "rounds_per_month"), scenario.talks.rounds_per_month
    if scenario.no_deal is not None:
        for issue_id, number in scenario.no_deal.outcome.items():
            yield ("no_deal", "outcome", issue_id), number
        for actor_id, entry in scenario.no_deal.actors.items():
            if entry.cost is not None:
                yield ("no_deal", "actors", actor_id, "cost"), entry.cost


def _below(number: Number, low: float, *, strict: bool = False) -> float | None:
    """The first of value/low/mode/high below ``low`` (or at it, when ``strict``), or None."""
    for candidate in (number.value, number.low, number.mode, number.high):
        if candidate is not None and (candidate < low or (strict and candidate == low)):
            return candidate
    return None


def _at_least(
    number: Number | None, low: float, path: Path, what: str, strict: bool = False
) -> ErrorDetail | None:
    """An error if ``number`` goes below ``low`` (or reaches it, when ``strict``)."""
    if number is None:
        return None
    bad = _below(number, low, strict=strict)
    if bad is None:
        return None
    relation = "greater than" if strict else "at least"
    return ErrorDetail(
        f"{what} must be {relation} {low:g}", path, bad, hint=f"use a number {relation} {low:g}"
    )


def _within(
    number: Number | None, low: float, high: float, path: Path, what: str
) -> ErrorDetail | None:
    if number is None:
        return None
    return _scale_problem(number, low, high, path, what)


def _unknown(value: str, known: Collection[str], path: Path, what: str) -> ErrorDetail | None:
    if value in known:
        return None
    return ErrorDetail(
        f"unknown {what} id {value!r}",
        path,
        value,
        hint=f"use one of: {', '.join(sorted(known))}" if known else f"define the {what} first",
    )


def _repeated(ids: list[str], path: tuple[str, ...], what: str) -> Iterator[ErrorDetail]:
    seen: set[str] = set()
    for index, item_id in enumerate(ids):
        if item_id in seen:
            yield ErrorDetail(
                f"duplicate {what} id {item_id!r}",
                (*path, index, "id"),
                item_id,
                hint="give every entry its own id",
            )
        seen.add(item_id)


def _present(*problems: ErrorDetail | None) -> Iterator[ErrorDetail]:
    yield from (problem for problem in problems if problem is not None)


def _war(scenario: Scenario) -> Iterator[ErrorDetail]:
    war = scenario.war
    if war is None:
        return
    actors = {actor.id for actor in scenario.actors}
    issues = {issue.id for issue in scenario.issues}
    base: Path = ("war",)
    yield from _present(
        _unknown(war.advancing, actors, (*base, "advancing"), "actor"),
        _unknown(war.defending, actors, (*base, "defending"), "actor"),
    )
    if war.advancing == war.defending:
        yield ErrorDetail(
            "the advancing and defending sides are the same actor",
            (*base, "defending"),
            war.defending,
            hint="name the two sides of the war",
        )
    belligerents = {war.advancing, war.defending}
    side_ids = [side.actor for side in war.sides]
    if set(side_ids) != belligerents:
        yield ErrorDetail(
            f"sides name {', '.join(side_ids)}, not the advancing and defending actors",
            (*base, "sides"),
            hint=f"give one entry for each of {war.advancing} and {war.defending}",
        )
    theatre_issues = [theatre.issue for theatre in war.theatres]
    yield from _repeated([region.id for region in war.control], ("war", "control"), "region")
    yield from _repeated(theatre_issues, ("war", "theatres"), "theatre")
    yield from _repeated([regime.id for regime in war.regimes], ("war", "regimes"), "regime")
    for index, region in enumerate(war.control):
        path: Path = (*base, "control", index)
        yield from _present(
            _at_least(region.area_km2, 0, (*path, "area_km2"), "area", strict=True),
            _within(region.held, 0, 100, (*path, "held"), "held share"),
        )
        if region.theatre is not None:
            yield from _present(
                _unknown(region.theatre, set(theatre_issues), (*path, "theatre"), "theatre")
            )
    for index, theatre in enumerate(war.theatres):
        path = (*base, "theatres", index)
        yield from _present(
            _unknown(theatre.issue, issues, (*path, "issue"), "issue"),
            _within(theatre.advance_share, 0, 1, (*path, "advance_share"), "advance share"),
            _at_least(
                theatre.handover_pace_factor,
                0,
                (*path, "handover_pace_factor"),
                "handover pace factor",
                strict=True,
            ),
        )
        contested = sum(
            region.area_km2.point * (1 - region.held.point / 100)
            for region in war.control
            if region.theatre == theatre.issue
        )
        if contested <= 0:
            yield ErrorDetail(
                f"theatre {theatre.issue!r} has no contested area",
                path,
                hint="assign at least one region not wholly held (theatre: ISSUE in control)",
            )
    shares = sum(theatre.advance_share.point for theatre in war.theatres)
    if shares > 1 + 1e-9:
        yield ErrorDetail(
            f"advance shares of the theatres add up to {shares:g}, more than 1",
            (*base, "theatres"),
            shares,
            hint="they split the front-wide advance; the rest falls outside the theatres",
        )
    for index, regime in enumerate(war.regimes):
        path = (*base, "regimes", index)
        yield from _present(
            _at_least(regime.advance, 0, (*path, "advance"), "advance"),
            _at_least(regime.advance_factor, 0, (*path, "advance_factor"), "advance factor"),
        )
        if (regime.advance is None) == (regime.advance_factor is None):
            yield ErrorDetail(
                f"regime {regime.id!r} needs exactly one of advance and advance_factor",
                path,
                hint="advance: km² a month; advance_factor: a multiple of the pace fitted to "
                "war.series",
            )
        elif regime.advance_factor is not None and war.series is None:
            yield ErrorDetail(
                f"regime {regime.id!r} scales the fitted pace but the war has no series",
                (*path, "advance_factor"),
                hint="add war: series: {source: deepstate} or give advance in km² a month",
            )
        for actor_id, factor in regime.cost_factor.items():
            yield from _present(
                _unknown(actor_id, belligerents, (*path, "cost_factor", actor_id), "side"),
                _at_least(factor, 0, (*path, "cost_factor", actor_id), "cost factor"),
            )
    if war.default_regime is not None:
        regimes = {regime.id for regime in war.regimes}
        yield from _present(
            _unknown(war.default_regime, regimes, (*base, "default_regime"), "regime")
        )
    for index, side in enumerate(war.sides):
        path = (*base, "sides", index)
        yield from _present(
            _unknown(side.actor, actors, (*path, "actor"), "actor"),
            _at_least(side.cost, 0, (*path, "cost"), "cost"),
            _at_least(side.belief, 0, (*path, "belief"), "belief", strict=True),
            _at_least(side.casualties, 0, (*path, "casualties"), "casualties"),
            _at_least(side.spending, 0, (*path, "spending"), "spending"),
        )
    yield from _present(
        _within(war.discount_rate, 0, 1, (*base, "discount_rate"), "discount rate"),
        _at_least(war.horizon, 0, (*base, "horizon"), "horizon", strict=True),
        _within(war.horizon, 0, 600, (*base, "horizon"), "horizon (months)"),
        _within(war.learning, 0, 1, (*base, "learning"), "learning rate"),
    )


def _guarantees(scenario: Scenario) -> Iterator[ErrorDetail]:
    guarantees = scenario.guarantees
    if guarantees is None:
        return
    base: Path = ("guarantees",)
    issues = {issue.id for issue in scenario.issues}
    yield from _present(
        _at_least(guarantees.horizon, 0, (*base, "horizon"), "horizon", strict=True),
        _within(guarantees.baseline, 0, 0.999, (*base, "baseline"), "baseline probability"),
        _at_least(guarantees.baseline, 0, (*base, "baseline"), "baseline", strict=True),
        _at_least(guarantees.shape, 0, (*base, "shape"), "shape", strict=True),
        _at_least(
            guarantees.strength_hazard_ratio,
            0,
            (*base, "strength_hazard_ratio"),
            "hazard ratio",
            strict=True,
        ),
        _at_least(
            guarantees.shortfall_hazard_ratio,
            0,
            (*base, "shortfall_hazard_ratio"),
            "hazard ratio",
            strict=True,
        ),
    )
    if guarantees.issue is not None:
        yield from _present(_unknown(guarantees.issue, issues, (*base, "issue"), "issue"))
    if guarantees.strength_hazard_ratio is not None and guarantees.issue is None:
        yield ErrorDetail(
            "strength_hazard_ratio needs the issue that measures the guarantee",
            (*base, "issue"),
            hint="add issue: ISSUE (e.g. guarantees)",
        )
    yield from _repeated([term.id for term in guarantees.terms], ("guarantees", "terms"), "term")
    for index, term in enumerate(guarantees.terms):
        yield from _present(
            _at_least(
                term.hazard_ratio,
                0,
                (*base, "terms", index, "hazard_ratio"),
                "hazard ratio",
                strict=True,
            )
        )


def _ratification(scenario: Scenario) -> Iterator[ErrorDetail]:
    ratification = scenario.ratification
    if ratification is None:
        return
    actors = {actor.id for actor in scenario.actors}
    issues = {issue.id: issue for issue in scenario.issues}
    referendum = ratification.referendum
    if referendum is not None:
        base: Path = ("ratification", "referendum")
        yield from _present(
            _unknown(referendum.actor, actors, (*base, "actor"), "actor"),
            _within(referendum.turnout, 0, 1, (*base, "turnout"), "turnout"),
            _within(referendum.undecided, 0, 0.99, (*base, "undecided"), "undecided share"),
            _at_least(referendum.campaign_error, 0, (*base, "campaign_error"), "campaign error"),
            _at_least(
                referendum.ceasefire_months, 0, (*base, "ceasefire_months"), "ceasefire length"
            ),
        )
        for index, issue_id in enumerate(referendum.issues):
            yield from _present(_unknown(issue_id, issues, (*base, "issues", index), "issue"))
        yield from _repeated(
            [poll.id for poll in referendum.polls], ("ratification", "referendum", "polls"), "poll"
        )
        for index, poll in enumerate(referendum.polls):
            path: Path = (*base, "polls", index)
            yield from _present(
                _within(poll.accept, 0, 1, (*path, "accept"), "accept share"),
                _within(poll.reject, 0, 1, (*path, "reject"), "reject share"),
            )
            if poll.accept is not None and poll.reject is not None:
                total = poll.accept.point + poll.reject.point
                if total > 1 + 1e-9:
                    yield ErrorDetail(
                        f"accept and reject add up to {total:g}, more than 1",
                        path,
                        total,
                        hint="give shares of all respondents (0-1)",
                    )
            for issue_id, number in poll.terms.items():
                issue = issues.get(issue_id)
                if issue is None:
                    yield from _present(
                        _unknown(issue_id, issues, (*path, "terms", issue_id), "issue")
                    )
                    continue
                yield from _present(
                    _scale_problem(number, issue.min, issue.max, (*path, "terms", issue_id), "term")
                )
    yield from _repeated(
        [veto.id for veto in ratification.vetoes], ("ratification", "vetoes"), "veto"
    )
    if ratification.ceasefire is not None:
        base = ("ratification", "ceasefire")
        rule = ratification.ceasefire
        issue = issues.get(rule.issue)
        if issue is None:
            yield from _present(_unknown(rule.issue, issues, (*base, "issue"), "issue"))
        else:
            for name in ("at_most", "at_least"):
                value = getattr(rule, name)
                if value is not None and not issue.min <= value <= issue.max:
                    yield ErrorDetail(
                        f"{name} {value:g} is outside the scale [{issue.min:g}, {issue.max:g}]",
                        (*base, name),
                        value,
                        hint="use a value on the issue's own scale",
                    )
    for index, veto in enumerate(ratification.vetoes):
        path = ("ratification", "vetoes", index)
        yield from _veto_terms(veto, issues, path, referendum is not None)
        issue = issues.get(veto.issue) if veto.issue is not None else None
        if veto.issue is not None and issue is None:
            yield from _present(_unknown(veto.issue, issues, (*path, "issue"), "issue"))
        elif issue is not None:
            yield from _present(
                _within(veto.min, issue.min, issue.max, (*path, "min"), "veto limit"),
                _within(veto.max, issue.min, issue.max, (*path, "max"), "veto limit"),
            )
            if veto.applies_from is not None and not issue.min <= veto.applies_from <= issue.max:
                yield ErrorDetail(
                    f"applies_from {veto.applies_from:g} is outside the scale "
                    f"[{issue.min:g}, {issue.max:g}]",
                    (*path, "applies_from"),
                    veto.applies_from,
                    hint="use a value on the issue's own scale",
                )
        yield from _present(_within(veto.approval, 0, 1, (*path, "approval"), "approval"))
        for actor_index, actor_id in enumerate(veto.actors):
            yield from _present(_unknown(actor_id, actors, (*path, "actors", actor_index), "actor"))
        if (
            veto.min is None
            and veto.max is None
            and veto.approval is None
            and not veto.routes
            and not veto.referendum
        ):
            yield ErrorDetail(
                f"veto {veto.id!r} has no limit and no approval probability",
                path,
                hint="give min, max, approval or routes",
            )
        if veto.needs_ceasefire and ratification.ceasefire is None and referendum is None:
            yield ErrorDetail(
                f"veto {veto.id!r} needs a ceasefire but the block defines none",
                (*path, "needs_ceasefire"),
                hint="add ratification: ceasefire: {issue: ..., at_most: ...}",
            )


def _veto_terms(
    veto: Veto, issues: dict[str, Issue], path: Path, has_referendum: bool
) -> Iterator[ErrorDetail]:
    """The triggers, routes and referendum flag of one veto point."""
    if veto.referendum and not has_referendum:
        yield ErrorDetail(
            f"veto {veto.id!r} is the referendum but the block has no referendum",
            (*path, "referendum"),
            hint="add ratification: referendum: ..., or drop referendum: true",
        )
    if veto.referendum and (veto.approval is not None or veto.routes):
        yield ErrorDetail(
            f"veto {veto.id!r}: the referendum's consent is the fitted vote",
            (*path, "approval" if veto.approval is not None else "routes"),
            hint="drop approval and routes from the referendum's veto point",
        )
    if veto.routes and veto.approval is not None:
        yield ErrorDetail(
            f"veto {veto.id!r} has both approval and routes",
            (*path, "approval"),
            hint="give approval per route, or one approval without routes",
        )
    for index, trigger in enumerate(veto.applies_when):
        where: Path = (*path, "applies_when", index)
        issue = issues.get(trigger.issue)
        if issue is None:
            yield from _present(_unknown(trigger.issue, issues, (*where, "issue"), "issue"))
            continue
        for name in ("at_least", "at_most"):
            value = getattr(trigger, name)
            if value is not None and not issue.min <= value <= issue.max:
                yield ErrorDetail(
                    f"{name} {value:g} is outside the scale [{issue.min:g}, {issue.max:g}]",
                    (*where, name),
                    value,
                    hint="use a value on the issue's own scale",
                )
    routes_path = tuple(str(part) for part in (*path, "routes"))
    yield from _repeated([route.id for route in veto.routes], routes_path, "route")
    for index, route in enumerate(veto.routes):
        where = (*path, "routes", index)
        yield from _present(
            _within(route.approval, 0, 1, (*where, "approval"), "approval"),
            _at_least(route.share, 0, (*where, "share"), "route share"),
        )


def _talks(scenario: Scenario) -> Iterator[ErrorDetail]:
    talks = scenario.talks
    if talks is None:
        return
    actors = {actor.id for actor in scenario.actors}
    yield from _present(
        _unknown(talks.mediator, actors, ("talks", "mediator"), "actor"),
        _at_least(talks.pull, 0, ("talks", "pull"), "pull", strict=True),
    )
    for actor_id in talks.strategies:
        yield from _present(_unknown(actor_id, actors, ("talks", "strategies", actor_id), "actor"))
    for index, host in enumerate(talks.mediators):
        if host.id in actors:
            yield ErrorDetail(
                f"mediator {host.id!r} is also an actor",
                ("talks", "mediators", index, "id"),
                host.id,
                hint="a host without a vote is not an actor; drop one of the two",
            )


def _conditions(scenario: Scenario) -> Iterator[ErrorDetail]:
    issues = {issue.id: issue for issue in scenario.issues}
    for index, actor in enumerate(scenario.actors):
        for position, condition in enumerate(actor.requires):
            path: Path = ("actors", index, "requires", position)
            issue = issues.get(condition.issue)
            if issue is None:
                yield ErrorDetail(
                    f"unknown issue id {condition.issue!r}",
                    (*path, "issue"),
                    condition.issue,
                    hint=f"use one of: {', '.join(issues)}",
                )
                continue
            for name in ("at_least", "at_most"):
                bound = getattr(condition, name)
                if bound is not None:
                    yield from _present(
                        _scale_problem(
                            bound, issue.min, issue.max, (*path, name), name.replace("_", " ")
                        )
                    )
            if (
                condition.at_least is not None
                and condition.at_most is not None
                and condition.at_least.point > condition.at_most.point
            ):
                yield ErrorDetail(
                    f"condition asks at least {condition.at_least.point:g} and at most "
                    f"{condition.at_most.point:g}",
                    path,
                    condition.at_least.point,
                    hint="at_least must not exceed at_most",
                )


def _no_deal(scenario: Scenario) -> Iterator[ErrorDetail]:
    no_deal = scenario.no_deal
    if no_deal is None:
        return
    issues = {issue.id: issue for issue in scenario.issues}
    actors = {actor.id for actor in scenario.actors}
    for issue_id, number in no_deal.outcome.items():
        issue = issues.get(issue_id)
        if issue is None:
            yield ErrorDetail(
                f"unknown issue id {issue_id!r}",
                ("no_deal", "outcome", issue_id),
                issue_id,
                hint=f"use one of: {', '.join(issues)}",
            )
            continue
        yield from _present(
            _scale_problem(
                number, issue.min, issue.max, ("no_deal", "outcome", issue_id), "no-deal outcome"
            )
        )
    for actor_id, entry in no_deal.actors.items():
        path: Path = ("no_deal", "actors", actor_id)
        yield from _present(_unknown(actor_id, actors, path, "actor"))
        if entry.from_ == "war" and scenario.war is None:
            yield ErrorDetail(
                "from: war needs the scenario's war block",
                (*path, "from"),
                "war",
                hint="add a war: block, or give cost: instead",
            )
    if no_deal.actors:
        theatres = {theatre.issue for theatre in scenario.war.theatres} if scenario.war else set()
        missing = [
            issue.id
            for issue in scenario.issues
            if issue.id not in no_deal.outcome
            and issue.status_quo is None
            and issue.id not in theatres
        ]
        if missing:
            yield ErrorDetail(
                f"no-deal outcome unknown on {', '.join(missing)}",
                ("no_deal", "outcome"),
                missing[0],
                hint="give no_deal.outcome (or the issue's status_quo) on every issue, so each "
                "actor's utility of no deal is defined",
            )


def _events(scenario: Scenario) -> Iterator[ErrorDetail]:
    issues = {issue.id: issue for issue in scenario.issues}
    seen: set[str] = set()
    for index, event in enumerate(scenario.events):
        path: Path = ("events", index)
        if event.id in seen:
            yield ErrorDetail(
                f"duplicate event id {event.id!r}", (*path, "id"), event.id, hint="rename it"
            )
        seen.add(event.id)
        if event.issue is not None:
            issue = issues.get(event.issue)
            if issue is None:
                yield ErrorDetail(
                    f"unknown issue id {event.issue!r}",
                    (*path, "issue"),
                    event.issue,
                    hint=f"use one of: {', '.join(issues)}",
                )
            elif event.value is not None and not issue.min <= event.value <= issue.max:
                yield ErrorDetail(
                    f"value {event.value:g} is outside the scale [{issue.min:g}, {issue.max:g}]",
                    (*path, "value"),
                    event.value,
                    hint="events are stated on the issue's own scale",
                )
        if event.resolved is not None and event.outcome is None:
            yield ErrorDetail(
                "a resolved event needs its outcome",
                (*path, "outcome"),
                None,
                hint="give outcome: true or false, or drop resolved",
            )


def citations(scenario: Scenario) -> Iterator[tuple[Path, list[str]]]:
    """Every list of source ids in the scenario, with the path of the field that holds it.

    Numbers cite in ``source``; updates and events in ``sources``; a condition, the no-deal
    block, a referendum poll, the ceasefire rule, a veto point and its routes and a talks
    mediator in ``source``.
    """
    for path, number in numbers(scenario):
        yield (*path, "source"), number.source
    for index, update in enumerate(scenario.updates):
        yield ("updates", index, "sources"), update.sources
    for index, actor in enumerate(scenario.actors):
        for position, condition in enumerate(actor.requires):
            yield ("actors", index, "requires", position, "source"), condition.source
    if scenario.no_deal is not None:
        yield ("no_deal", "source"), scenario.no_deal.source
    referendum = scenario.ratification.referendum if scenario.ratification else None
    for index, poll in enumerate(referendum.polls if referendum else []):
        yield ("ratification", "referendum", "polls", index, "source"), poll.source
    ratification = scenario.ratification
    if ratification is not None and ratification.ceasefire is not None:
        yield ("ratification", "ceasefire", "source"), ratification.ceasefire.source
    for index, veto in enumerate(ratification.vetoes if ratification else []):
        yield ("ratification", "vetoes", index, "source"), veto.source
        for position, route in enumerate(veto.routes):
            yield ("ratification", "vetoes", index, "routes", position, "source"), route.source
    for index, host in enumerate(scenario.talks.mediators if scenario.talks else []):
        yield ("talks", "mediators", index, "source"), host.source
    for index, event in enumerate(scenario.events):
        yield ("events", index, "sources"), event.sources


def _source_references(scenario: Scenario) -> Iterator[ErrorDetail]:
    """Source ids that name no entry of the scenario's ``sources``, wherever they are cited."""
    known = {source.id for source in scenario.sources}
    ordered = sorted(known)
    listed = (
        f"one of: {', '.join(ordered)}"
        if len(ordered) <= MAX_LISTED_SOURCES
        else f"one of its {len(ordered)} ids ({ordered[0]} ... {ordered[-1]})"
    )
    unknown = 0
    for path, source_ids in citations(scenario):
        for source_id in source_ids:
            if source_id not in known:
                unknown += 1
                guess = _close_ids(source_id, ordered) if unknown <= MAX_GUESSES else ""
                yield ErrorDetail(
                    f"unknown source id {source_id!r}",
                    path,
                    source_id,
                    hint=f"{guess}use {listed}, or add it to the scenario's sources"
                    if known
                    else "add it to the scenario's sources",
                )


def _close_ids(source_id: str, ordered: list[str]) -> str:
    """``did you mean ID? `` for known ids close to ``source_id`` (short ids only), or nothing."""
    if len(source_id) > MAX_GUESSED_LENGTH:
        return ""
    close = [item for item in ordered if item.casefold() == source_id.casefold()]
    close = close or difflib.get_close_matches(source_id, ordered, n=3, cutoff=0.6)
    return f"did you mean {' or '.join(close)}? " if close else ""


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


def _base_numbers(scenario: Scenario) -> Iterator[tuple[Path, Number]]:
    """The numbers that hold before any update: issues' status quo and the actors' values."""
    for index, issue in enumerate(scenario.issues):
        if issue.status_quo is not None:
            yield ("issues", index, "status_quo"), issue.status_quo
    for index, actor in enumerate(scenario.actors):
        yield ("actors", index, "capability"), actor.capability
        for field in ("positions", "salience", "red_line"):
            for issue_id, number in getattr(actor, field).items():
                yield ("actors", index, field, issue_id), number
        for position, condition in enumerate(actor.requires):
            for name in ("at_least", "at_most"):
                bound = getattr(condition, name)
                if bound is not None:
                    path: Path = ("actors", index, "requires", position, name)
                    yield (
                        path,
                        bound.model_copy(update={"source": [*bound.source, *condition.source]}),
                    )


def look_ahead(scenario: Scenario) -> list[ErrorDetail]:
    """Values that cite a source published after the date they describe.

    A base value (before any update) must not cite a source dated after ``base_date``: the
    actors' and issues' values and every number of the war, guarantees, ratification, talks and
    no_deal blocks (walked generically, :func:`accord.scenario.paths.block_numbers`). Two kinds
    of base number carry their own date instead: a referendum poll's numbers (and its sources)
    describe the poll's ``date``, the war's ``control`` describes ``war.as_of``. An update must
    not cite, in its ``sources`` or in any of its changes, a source dated after its own date.
    Otherwise an evaluation as of that date would use what was not yet known. Sources without a
    date are not checked.
    """
    dated = {source.id: source.date for source in scenario.sources if source.date is not None}
    problems: list[ErrorDetail] = []

    def late(
        path: Path, source_ids: list[str], limit: dt.date, what: str, name: str | None = None
    ) -> None:
        for source_id in source_ids:
            published = dated.get(source_id)
            if published is not None and published > limit:
                target = f"a dated update on or after {published}"
                if name is not None:
                    target += f" (changes: {{{name}: ...}})"
                problems.append(
                    ErrorDetail(
                        f"{what} {name or _dotted(path, scenario)} cites {source_id}, dated "
                        f"{published}, after {limit}",
                        path,
                        source_id,
                        hint=f"move the value into {target}, or cite a source dated on or "
                        f"before {limit}",
                    )
                )

    if scenario.base_date is not None:
        for path, number in _base_numbers(scenario):
            late(path, number.source, scenario.base_date, "base value")
        for dotted, where, number in block_numbers(scenario):
            own = dated_limit(where, scenario)
            if own is None:
                late(where, number.source, scenario.base_date, "base value", dotted)
            else:
                late(where, number.source, own[0], f"value of {own[1]}:", dotted)
    referendum = scenario.ratification.referendum if scenario.ratification else None
    for position, poll in enumerate(referendum.polls if referendum else []):
        poll_path: Path = ("ratification", "referendum", "polls", position, "source")
        name = f"ratification.referendum.polls.{poll.id}.source"
        late(poll_path, poll.source, poll.date, "poll dated", name)
    for index, update in enumerate(scenario.updates):
        late(("updates", index, "sources"), update.sources, update.date, f"update of {update.date}")
        for key, number in update.changes.items():
            late(
                ("updates", index, "changes", key),
                number.source,
                update.date,
                f"update of {update.date}",
            )
    return problems


def _dotted(path: Path, scenario: Scenario) -> str:
    """A readable name for a value path: ``ukraine.position.donbas`` rather than indices."""
    if path[0] == "actors" and len(path) >= 3:
        actor = scenario.actors[int(path[1])].id
        field = {"positions": "position"}.get(str(path[2]), str(path[2]))
        return ".".join([actor, field, *(str(part) for part in path[3:])])
    if path[0] == "issues":
        return f"issue.{scenario.issues[int(path[1])].id}.{path[2]}"
    if path[0] == "updates" and len(path) == 4:
        return str(path[3])
    return "sources"
