"""Scenarios: the file format, loading and importing, and compiling to arrays."""

from accord.scenario.compile import Problem, as_of, compile, label_for
from accord.scenario.load import DEFAULT_SCENARIO, builtin_ids, dump, load, parse
from accord.scenario.schema import Actor, Anchor, Issue, Number, Scenario, Source, Update

__all__ = [
    "DEFAULT_SCENARIO",
    "Actor",
    "Anchor",
    "Issue",
    "Number",
    "Problem",
    "Scenario",
    "Source",
    "Update",
    "as_of",
    "builtin_ids",
    "compile",
    "dump",
    "label_for",
    "load",
    "parse",
]
