"""Cross-check: accord's batched stacked alternating offers against NegMAS's SAOMechanism.

The same negotiators (accord's time-dependent tactics and counter-proposals, judging offers
with the utility functions exported to NegMAS) run once inside NegMAS's ``SAOMechanism`` and
once in accord's batched ``alternating`` protocol. Agreement, round and terms must coincide for
every run. Needs ``pip install negmas``; skipped without it.
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pytest

negmas = pytest.importorskip("negmas")

from accord.dynamics.common import reference  # noqa: E402
from accord.dynamics.deal import battlefield  # noqa: E402
from accord.dynamics.negmas_export import export, run_sao  # noqa: E402
from accord.dynamics.talks import Table, alternating, build_table  # noqa: E402
from accord.dynamics.war import sample_war  # noqa: E402
from accord.scenario import Problem, compile, load  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore")


def compare(problem: Problem, parties: tuple[str, ...], table: Table, deadline: int) -> int:
    ours = alternating(table, deadline)
    agreements = 0
    for run in range(table.runs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            terms, step = run_sao(problem, parties, table, run, deadline)
        assert (terms is not None) == bool(ours.agreed[run]), run
        if terms is not None:
            agreements += 1
            assert step == ours.rounds[run], run
            np.testing.assert_allclose(terms, ours.terms[run], rtol=0, atol=1e-9)
    return agreements


def test_random_three_party_problems_match_negmas_step_for_step() -> None:
    rng = np.random.default_rng(20251202)
    runs = 40
    problem = Problem.from_arrays(
        rng.uniform(0.5, 2, (runs, 3)),
        rng.random((runs, 3, 4)),
        rng.random((runs, 3, 4)),
        status_quo=rng.random((runs, 4)),
        actor_ids=["a", "b", "c"],
        party=[True, True, True],
    )
    parties = ("a", "b", "c")
    table = build_table(problem, reference(problem), parties, rng.integers(0, 3, (runs, 3)))
    agreements = compare(problem, parties, table, deadline=12)
    assert 10 <= agreements < runs  # both outcomes, at various rounds, are exercised


def test_ukraine_three_parties_match_negmas() -> None:
    ukraine = load("ukraine-2025")
    runs = 20
    problem = compile(ukraine, draws=runs, rng=5)
    war = sample_war(ukraine, runs, np.random.default_rng(6))
    walk = np.full((runs, problem.n_issues), np.nan)
    no_deal = battlefield(ukraine, problem, war, "us_cutoff", walk, ukraine.as_of)[0]
    parties = ("us", "ukraine", "russia")
    codes = np.random.default_rng(7).integers(0, 3, (runs, 3))
    # NegMAS's utility functions know reservation values, not red lines: compare the protocol
    # itself, without the red lines accord adds on top (tests/unit/test_talks.py covers those).
    table = dataclasses.replace(
        build_table(problem, no_deal, parties, codes), floor=None, ceiling=None
    )
    assert compare(problem, parties, table, deadline=20) >= 5


def test_exported_utility_functions_equal_accords() -> None:
    ukraine = load("ukraine-2025")
    problem = compile(ukraine, draws=3, rng=1)
    parties = ("us", "ukraine", "russia", "eu")
    table = build_table(problem, reference(problem), parties, np.zeros((3, 4), dtype=int))
    exported = export(problem, parties, table, run=2)
    assert [issue.name for issue in exported.issues] == list(problem.issue_ids)
    assert exported.issues[4].min_value == 400 and exported.issues[4].max_value == 1000
    outcomes = np.random.default_rng(0).random((50, problem.n_issues))
    for p, party in enumerate(parties):
        ufun = exported.ufuns[party]
        assert ufun.reserved_value == pytest.approx(table.reservation[2, p])
        for row in range(50):
            expected = (
                1 - (table.weight_issue[2, p] * np.abs(outcomes[row] - table.ideal[2, p])).sum()
            )
            assert float(ufun(exported.to_outcome(outcomes[row]))) == pytest.approx(
                expected, abs=1e-12
            )
