"""Hypothesis generators of malformed scenarios (YAML, JSON, actor CSV) and the fuzz oracle.

A case is a plausible scenario with some numbers pushed to their edges (zero, negative,
huge, tiny, NaN, infinity, off the scale), some fields replaced by junk or removed, written
as YAML, JSON or an actor CSV, and then damaged as text: snippets spliced in (anchors,
aliases, tags, brackets, control characters, long numbers, stray quotes and line endings),
slices cut out, lines doubled. The oracle: loading and forecasting either raises the
project's :class:`InputError` (which renders as one or two lines) or gives finite numbers
that strict JSON can hold, within 5 s of CPU time.
"""

from __future__ import annotations

import csv
import io
import json
import math
import random
import time
from dataclasses import dataclass
from typing import Any

import yaml
from hypothesis import strategies as st

from accord.analysis.forecast import forecast
from accord.errors import InputError
from accord.scenario.load import load_text

MODELS = ("compromise", "median", "nash", "eum")
SLOW_MODELS = ("smp",)
HANG_S = 5.0

EDGE_NUMBERS = [0, -1, 1, 100, 1e-300, 5e-324, 1e12, 1e13, 1e300, -1e308, 1e308, 2**63, -(2**70)]
SPECIAL = [math.nan, math.inf, -math.inf]
SNIPPETS = [
    "&a ",
    "*a",
    "*b",
    "&b [*a, *a, *a]",
    "!!float ",
    "!!int ",
    "!!binary ",
    "!!timestamp ",
    "!!python/object:os.system ",
    "<<: *a\n",
    "[",
    "]",
    "{",
    "}",
    "[" * 80,
    "{" * 80,
    ":",
    ": ",
    "- ",
    "\n- ",
    "'",
    '"',
    "#",
    "\r",
    "\r\n",
    "\t",
    "\x00",
    "\ufeff",
    "\u2028",
    "9" * 400,
    "1e999",
    "-1e308",
    ".nan",
    "NaN",
    "Infinity",
    "? ",
    "%YAML 1.1\n---\n",
    "---\n",
    "...\n",
    "actors:\n",
    "id: dup\n",
    "\n  - ",
    "a,b,c\n",
    ",,,\n",
    '"quoted, comma"',
]


ODD_NUMBERS = st.one_of(
    st.sampled_from(EDGE_NUMBERS),
    st.sampled_from(SPECIAL),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.builds(
        lambda low, high: {"low": low, "high": high},
        st.floats(min_value=-10, max_value=110),
        st.floats(min_value=-10, max_value=110),
    ),
    st.builds(
        lambda low, mode, high: {"low": low, "mode": mode, "high": high, "estimate": True},
        st.floats(min_value=0, max_value=100),
        st.floats(min_value=0, max_value=100),
        st.floats(min_value=0, max_value=100),
    ),
)
JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.text(max_size=12),
    st.lists(st.integers(min_value=-5, max_value=200), max_size=4),
    st.dictionaries(
        st.sampled_from(["value", "low", "high", "mode", "x"]), ODD_NUMBERS, max_size=3
    ),
    ODD_NUMBERS,
)
ODD_SHARE = 0.03
"""How often a number is odd (an edge, NaN, junk); most cases must reach the models."""


def count(chance: random.Random, most: int) -> int:
    """0 two times in three, else 1 to ``most``."""
    return 0 if chance.random() < 2 / 3 else chance.randint(1, most)


@st.composite
def scenario_data(draw: st.DrawFn) -> dict[str, Any]:
    """A scenario as data: 1-3 issues, 1-5 actors, a few numbers odd, a few fields mutated.

    Rates come from a seeded :class:`random.Random` drawn from Hypothesis (its own integers
    lean towards the ends of their range, which would make nearly every case odd).
    """
    chance = random.Random(draw(st.integers(0, 2**32 - 1)))

    def number(low: float = 0.0, high: float = 100.0) -> Any:
        if chance.random() < ODD_SHARE:
            return draw(ODD_NUMBERS)
        return round(chance.uniform(low, high), chance.choice([0, 1, 3, 12]))

    issues = []
    for index in range(chance.randint(1, 3)):
        low, high = (0, 100) if chance.random() < 0.8 else (-5, 5)
        if chance.random() < ODD_SHARE:
            low, high = draw(ODD_NUMBERS), draw(ODD_NUMBERS)
        issue: dict[str, Any] = {"id": f"i{index}", "name": f"Issue {index}"}
        issue.update({"min": low, "max": high})
        if chance.random() < 0.3:
            issue["anchors"] = [{"value": number(), "label": "anchor"}]
        issues.append(issue)

    def position(issue: dict[str, Any]) -> Any:
        bounds = (issue["min"], issue["max"])
        if all(isinstance(bound, int | float) for bound in bounds) and bounds[0] < bounds[1]:
            return number(float(bounds[0]), float(bounds[1]))
        return number()

    actors = []
    for index in range(chance.randint(1, 5)):
        actors.append(
            {
                "id": f"a{index}",
                "name": f"Actor {index}",
                "party": chance.random() < 0.5,
                "capability": number(),
                "positions": {issue["id"]: position(issue) for issue in issues},
                "salience": {issue["id"]: number() for issue in issues},
            }
        )
    data: dict[str, Any] = {
        "schema_version": 1,
        "id": "fuzz",
        "title": "Fuzz",
        "issues": issues,
        "actors": actors,
    }
    for _ in range(count(chance, 3)):
        _mutate(draw, data)
    return data


def _mutate(draw: st.DrawFn, data: dict[str, Any]) -> None:
    """Replace, remove or add one field somewhere in ``data``."""
    target: Any = data
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        if isinstance(target, dict) and target:
            key = draw(st.sampled_from(sorted(target, key=str)))
            if not isinstance(target[key], dict | list):
                break
            target = target[key]
        elif isinstance(target, list) and target:
            target = target[draw(st.integers(min_value=0, max_value=len(target) - 1))]
        else:
            break
    action = draw(st.sampled_from(["replace", "remove", "add"]))
    if isinstance(target, dict) and target:
        key = draw(st.sampled_from(sorted(target, key=str)))
        if action == "remove":
            del target[key]
        elif action == "replace":
            target[key] = draw(JUNK)
        else:
            target[draw(st.sampled_from(["extra", "note", "walk_away", "updates", "x"]))] = draw(
                JUNK
            )
    elif isinstance(target, list):
        if action == "remove" and target:
            target.pop()
        else:
            target.append(draw(JUNK))


def _actor_csv(data: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["actor", "capability", "position", "salience"])
    first_issue = "i0"
    for actor in data.get("actors", []) if isinstance(data.get("actors"), list) else []:
        if not isinstance(actor, dict):
            writer.writerow([str(actor)])
            continue
        positions = actor.get("positions")
        salience = actor.get("salience")
        writer.writerow(
            [
                actor.get("name", ""),
                _cell(actor.get("capability")),
                _cell(positions.get(first_issue) if isinstance(positions, dict) else positions),
                _cell(salience.get(first_issue) if isinstance(salience, dict) else salience),
            ]
        )
    return out.getvalue()


def _cell(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("value", value.get("low", ""))
    return "" if value is None else str(value)


def _text(data: dict[str, Any], suffix: str) -> str:
    if suffix == ".json":
        return json.dumps(data, indent=1)
    if suffix == ".csv":
        return _actor_csv(data)
    return yaml.safe_dump(data, sort_keys=False, width=80)


@dataclass(frozen=True)
class Case:
    """One generated input file."""

    text: str
    suffix: str
    slow_models: bool

    def __repr__(self) -> str:
        return f"Case(suffix={self.suffix!r}, text={self.text[:2000]!r})"


@st.composite
def cases(draw: st.DrawFn) -> Case:
    """A generated file: scenario data, written in one format, maybe damaged as text."""
    suffix = draw(st.sampled_from([".yaml", ".yaml", ".json", ".csv"]))
    text = _text(draw(scenario_data()), suffix)
    for _ in range(count(random.Random(draw(st.integers(0, 2**32 - 1))), 3)):
        position = draw(st.integers(min_value=0, max_value=len(text)))
        kind = draw(st.sampled_from(["insert", "insert", "cut", "double"]))
        if kind == "insert":
            text = text[:position] + draw(st.sampled_from(SNIPPETS)) + text[position:]
        elif kind == "cut":
            end = draw(st.integers(min_value=position, max_value=min(len(text), position + 40)))
            text = text[:position] + text[end:]
        else:
            start = text.rfind("\n", 0, position) + 1
            stop = text.find("\n", position)
            line = text[start : stop if stop >= 0 else len(text)]
            text = text[:start] + line + "\n" + text[start:]
    slow = draw(st.integers(min_value=0, max_value=49)) == 0
    return Case(text, suffix, slow)


def check(case: Case) -> str:
    """The fuzz oracle; returns ``"refused"`` or ``"finite"``, or fails the test."""
    # CPU time, not wall time: a hang burns CPU, while a busy shared machine only stretches
    # the wall clock.
    started = time.process_time()
    outcome = _outcome(case)
    seconds = time.process_time() - started
    assert seconds < HANG_S, f"took {seconds:.1f} s of CPU"
    return outcome


def _outcome(case: Case) -> str:
    try:
        scenario = load_text(case.text, f"fuzz{case.suffix}", case.suffix)
    except InputError as error:
        rendered = error.render(limit=1)
        assert rendered and len(rendered.splitlines()) <= 2
        return "refused"
    models = MODELS + (SLOW_MODELS if case.slow_models else ())
    try:
        result = forecast(scenario, list(models))
    except InputError as error:
        assert "non-finite forecast" in str(error)
        return "refused"
    for model in result.models.values():
        for item in model.issues.values():
            assert math.isfinite(item.value), (model.name, item)
    json.dumps(result.to_json(), allow_nan=False)
    return "finite"
