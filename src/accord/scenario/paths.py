"""Dotted paths to the numbers of a scenario's optional blocks, for dated updates.

An update's ``changes`` may set any number of the ``war``, ``guarantees``, ``ratification``,
``talks`` and ``no_deal`` blocks by a dotted path: fields by name, list items by their ``id``
(sides by ``actor``, theatres by ``issue``), mapping entries by key, e.g.
``war.sides.russia.cost``, ``guarantees.terms.monitoring.hazard_ratio``,
``ratification.referendum.undecided`` or ``war.regimes.us_cutoff.cost_factor.ukraine``.

This module walks those blocks generically (so a number added to the schema is addressable
without a change here), checks a path (naming the keys that may follow where it goes wrong) and
returns a scenario with one number replaced. Actor and issue paths
(:func:`accord.scenario.checks.parse_change_path`) are separate and take precedence: a block
name is read as a block only when no actor has that id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from accord.scenario.schema import Number, Scenario

#: The scenario's blocks whose numbers dated updates may address by a dotted path.
BLOCKS = ("war", "guarantees", "ratification", "talks", "no_deal")
#: The field that names a list item in a path, tried in this order.
ITEM_KEYS = ("id", "actor", "issue")

IndexPath = tuple[str | int, ...]


def is_block_path(path: str, scenario: Scenario) -> bool:
    """Whether an update path addresses a block (not an actor or ``issue.ISSUE...``)."""
    head = path.split(".", 1)[0]
    return head in BLOCKS and all(actor.id != head for actor in scenario.actors)


def _item_key(item: Any, index: int) -> str:
    for name in ITEM_KEYS:
        value = getattr(item, name, None)
        if isinstance(value, str):
            return value
    return str(index)


def _contains_number(node: Any) -> bool:
    if isinstance(node, Number):
        return True
    return any(_contains_number(child) for _, child in _children(node).values())


def _children(node: Any) -> dict[str, tuple[str | int, Any]]:
    """``{key: (index-path step, child)}`` of a model, list or mapping that holds numbers."""
    found: dict[str, tuple[str | int, Any]]
    if isinstance(node, BaseModel) and not isinstance(node, Number):
        found = {name: (name, getattr(node, name)) for name in type(node).model_fields}
    elif isinstance(node, list):
        found = {_item_key(item, i): (i, item) for i, item in enumerate(node)}
    elif isinstance(node, dict):
        found = {str(key): (key, value) for key, value in node.items()}
    else:
        return {}
    return {key: entry for key, entry in found.items() if _contains_number(entry[1])}


def block_numbers(scenario: Scenario) -> Iterator[tuple[str, IndexPath, Number]]:
    """Every number of the blocks: ``(dotted path, index path, number)``, in file order."""

    def walk(node: Any, dotted: tuple[str, ...], index: IndexPath) -> Iterator[Any]:
        if isinstance(node, Number):
            yield ".".join(dotted), index, node
            return
        for key, (step, child) in _children(node).items():
            yield from walk(child, (*dotted, key), (*index, step))

    for block in BLOCKS:
        node = getattr(scenario, block)
        if node is not None:
            yield from walk(node, (block,), (block,))


def path_problem(path: str, scenario: Scenario) -> str | None:
    """Why ``path`` names no number of the scenario's blocks (None when it does)."""
    parts = path.split(".")
    if parts[0] not in BLOCKS:
        return f"unknown block {parts[0]!r}; use one of: {', '.join(BLOCKS)}"
    node: Any = getattr(scenario, parts[0])
    if node is None:
        return f"the scenario has no {parts[0]} block"
    for depth, part in enumerate(parts[1:], start=1):
        children = _children(node)
        if isinstance(node, Number) or part not in children:
            where = ".".join(parts[:depth])
            if isinstance(node, Number):
                return f"{where} is a number; nothing follows it"
            return f"unknown key {part!r} after {where}; use one of: {', '.join(children)}"
        node = children[part][1]
    if not isinstance(node, Number):
        return f"{path} is not a number; continue with one of: {', '.join(_children(node))}"
    return None


def index_path(path: str, scenario: Scenario) -> IndexPath:
    """The field path (list indices, as error locations use) of a valid block path."""
    parts = path.split(".")
    node: Any = getattr(scenario, parts[0])
    steps: list[str | int] = [parts[0]]
    for part in parts[1:]:
        step, node = _children(node)[part]
        steps.append(step)
    return tuple(steps)


def replace_number(scenario: Scenario, path: str, number: Number) -> Scenario:
    """A copy of ``scenario`` with the number at a valid block path replaced by ``number``."""
    parts = path.split(".")

    def put(node: Any, rest: list[str]) -> Any:
        if not rest:
            return number
        step, child = _children(node)[rest[0]]
        new = put(child, rest[1:])
        if isinstance(node, BaseModel):
            return node.model_copy(update={str(step): new})
        if isinstance(node, list):
            return [new if i == step else item for i, item in enumerate(node)]
        return {**node, step: new}

    block = getattr(scenario, parts[0])
    return scenario.model_copy(update={parts[0]: put(block, parts[1:])})


def dated_limit(index: IndexPath, scenario: Scenario) -> tuple[dt.date, str] | None:
    """The date a base number of a block describes, where it has its own (else None).

    A referendum poll's numbers describe the poll (its ``date``); the war's ``control``
    describes ``war.as_of``. Other base numbers describe the scenario's ``base_date``.
    """
    if index[:3] == ("ratification", "referendum", "polls") and len(index) > 3:
        referendum = scenario.ratification.referendum if scenario.ratification else None
        if referendum is not None:
            poll = referendum.polls[int(index[3])]
            return poll.date, f"poll {poll.id} of {poll.date}"
    if index[:2] == ("war", "control") and scenario.war is not None:
        return scenario.war.as_of, f"the war's control of {scenario.war.as_of}"
    return None
