"""Fuzzing the loader and the models: clean error or finite result, on every generated file.

The default run tries 2,000 cases with a fixed seed (about a minute on 2 cores);
``pytest -m fuzz`` tries 100,000 (the figure in the README's reliability table), or
``$ACCORD_FUZZ_CASES`` cases.
"""

from __future__ import annotations

import os
from collections import Counter

import pytest
from fuzzing import Case, cases, check
from hypothesis import HealthCheck, given, seed, settings

OUTCOMES: Counter[str] = Counter()
SETTINGS = {
    "deadline": None,
    "database": None,
    "suppress_health_check": list(HealthCheck),
    "print_blob": True,
}


@seed(20261208)
@settings(max_examples=2000, **SETTINGS)  # type: ignore[arg-type]
@given(cases())
def test_fuzz_2000_cases(case: Case) -> None:
    OUTCOMES[check(case)] += 1


def test_fuzz_reached_both_outcomes() -> None:
    # Runs after the fuzz test in file order: the generator exercises both the loader's
    # refusals and the models.
    if not OUTCOMES:
        pytest.skip("run with test_fuzz_2000_cases")
    assert OUTCOMES["refused"] > 0 and OUTCOMES["finite"] > 0


FUZZ_CASES = int(os.environ.get("ACCORD_FUZZ_CASES", "100000"))


@pytest.mark.fuzz
@seed(100_000)
@settings(max_examples=FUZZ_CASES, **SETTINGS)  # type: ignore[arg-type]
@given(cases())
def test_fuzz_100000_cases(case: Case) -> None:
    OUTCOMES[check(case)] += 1


@pytest.mark.fuzz
def test_fuzz_summary() -> None:
    print(f"fuzz outcomes: {dict(OUTCOMES)}")
