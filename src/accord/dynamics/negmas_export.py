"""Export a scenario to NegMAS, and run accord's negotiators inside NegMAS's SAO mechanism.

NegMAS (Mohammad & Greenwood et al.) is the reference library for automated negotiation. The
export gives its outcome space (one continuous issue per scenario issue, on the issue's own
scale, or on [0, 1]) and one linear additive utility function per party: issue weights are the
party's normalised saliences, and each issue's value function is a tent peaking at the party's
position, ``TriangularFun(p − span, p, p + span)``, which equals 1 − |x − p| / span on the
scale, so NegMAS's utility is accord's (:mod:`accord.dynamics.common`). The reserved value is the
utility of the party's no-deal point.

:func:`negotiator` wraps accord's time-dependent tactic and counter-proposal
(:mod:`accord.dynamics.talks`) as a NegMAS ``SAONegotiator`` that judges offers with the
exported utility function. Running those negotiators in ``SAOMechanism`` and accord's batched
``alternating`` protocol on the same table must give the same agreements, rounds and terms; the
regression test and ``benchmarks/bench_talks.py`` do exactly that.

NegMAS is optional: ``pip install negmas``.

References
----------
Mohammad, Y., Nakadai, S. & Greenwald, A. (2021). NegMAS: a platform for automated negotiations.
In *PRIMA 2020: Principles and Practice of Multi-Agent Systems*, Springer LNCS 12568:343-351.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from accord.dynamics.talks import EXPONENTS, STRATEGIES, Table, counter_offer
from accord.scenario.compile import FloatArray, Problem


def _negmas() -> Any:
    try:
        import negmas  # type: ignore[import-untyped, import-not-found, unused-ignore]
    except ImportError:  # pragma: no cover - exercised only without negmas
        raise ImportError(
            "NegMAS is not installed: pip install negmas (needed only for the export)"
        ) from None
    return negmas


@dataclass(frozen=True)
class NegmasScenario:
    """A scenario in NegMAS's terms: its issues and one utility function per party."""

    issues: list[Any]
    ufuns: dict[str, Any]
    low: FloatArray
    span: FloatArray

    def to_outcome(self, unit: FloatArray) -> tuple[float, ...]:
        """An outcome tuple from values on [0, 1]."""
        return tuple(float(v) for v in self.low + np.asarray(unit) * self.span)

    def to_unit(self, outcome: Sequence[float]) -> FloatArray:
        """Values on [0, 1] from an outcome tuple."""
        return (np.asarray(outcome, dtype=np.float64) - self.low) / self.span


def export(
    problem: Problem,
    parties: Sequence[str],
    table: Table,
    run: int = 0,
    *,
    unit_scale: bool = False,
) -> NegmasScenario:
    """The NegMAS outcome space and utility functions of ``parties`` in one run (draw).

    Parameters
    ----------
    problem
        The compiled scenario (issue names and scales).
    parties
        The parties, in ``table``'s order.
    table
        The protocols' arrays (:func:`accord.dynamics.talks.build_table`): positions,
        normalised saliences and reservation utilities.
    run
        Which run (draw) to export.
    unit_scale
        Put every issue on [0, 1] instead of its own scale.
    """
    negmas = _negmas()
    from negmas.preferences import LinearAdditiveUtilityFunction  # type: ignore[import-untyped, import-not-found, unused-ignore]
    from negmas.preferences.value_fun import TriangularFun  # type: ignore[import-untyped, import-not-found, unused-ignore]

    low = np.zeros(problem.n_issues) if unit_scale else np.asarray(problem.scale_min, dtype=float)
    span = (
        np.ones(problem.n_issues)
        if unit_scale
        else np.asarray(problem.scale_max - problem.scale_min, dtype=float)
    )
    issues = [
        negmas.make_issue((float(low[d]), float(low[d] + span[d])), name)
        for d, name in enumerate(problem.issue_ids)
    ]
    ufuns: dict[str, Any] = {}
    for p, party in enumerate(parties):
        ideal = low + table.ideal[run, p] * span
        values = [
            TriangularFun(
                start=float(ideal[d] - span[d]),
                middle=float(ideal[d]),
                end=float(ideal[d] + span[d]),
            )
            for d in range(problem.n_issues)
        ]
        ufuns[party] = LinearAdditiveUtilityFunction(
            values=values,
            weights=[float(w) for w in table.weight_issue[run, p]],
            issues=issues,
            reserved_value=float(table.reservation[run, p]),
            name=party,
        )
    return NegmasScenario(issues, ufuns, low, span)


def negotiator(
    exported: NegmasScenario, table: Table, run: int, party: int, name: str, deadline: int
) -> Any:
    """A NegMAS ``SAONegotiator`` playing accord's time-dependent tactic for one party.

    It accepts an offer whose utility (from NegMAS's utility function) reaches its aspiration
    and otherwise counter-proposes as :func:`accord.dynamics.talks.counter_offer` does.
    Tit-for-tat is not available here (it needs the other parties' aspirations).
    """
    _negmas()
    from negmas import ResponseType  # type: ignore[import-untyped, import-not-found, unused-ignore]
    from negmas.sao import SAONegotiator  # type: ignore[import-untyped, import-not-found, unused-ignore]

    code = int(table.strategy[run, party])
    if STRATEGIES[code] == "tit-for-tat":
        raise ValueError("tit-for-tat cannot run inside NegMAS; use a time-dependent tactic")
    exponent = EXPONENTS[STRATEGIES[code]]
    ideal = table.ideal[run, party]
    weight = table.weight_issue[run, party]
    reserve = float(table.reservation[run, party])
    ufun = exported.ufuns[name]

    def need(step: int) -> float:
        progress = step / max(deadline - 1, 1)
        level = reserve + (1.0 - reserve) * (1.0 - progress ** (1.0 / exponent))
        return max(level, reserve)

    class _Accord(SAONegotiator):  # type: ignore[misc]
        def respond(self, state: Any, source: str | None = None) -> Any:
            offered = float(ufun(state.current_offer))
            return (
                ResponseType.ACCEPT_OFFER
                if offered >= need(state.step)
                else ResponseType.REJECT_OFFER
            )

        def propose(self, state: Any, dest: str | None = None) -> Any:
            if state.current_offer is None:
                return exported.to_outcome(ideal)
            offer = exported.to_unit(state.current_offer)
            current = np.array(float(ufun(state.current_offer)))
            proposal = counter_offer(ideal, weight, offer, current, np.array(need(state.step)))
            return exported.to_outcome(proposal)

    return _Accord(name=name, ufun=ufun)


def run_sao(
    problem: Problem, parties: Sequence[str], table: Table, run: int, deadline: int
) -> tuple[FloatArray | None, int]:
    """One negotiation of ``run`` in NegMAS's ``SAOMechanism``.

    Returns the agreed terms on [0, 1] (None without agreement) and the 0-based round of the
    agreement (``deadline`` without one), as :func:`accord.dynamics.talks.alternating` does.
    """
    negmas = _negmas()
    exported = export(problem, parties, table, run, unit_scale=True)
    mechanism = negmas.SAOMechanism(issues=exported.issues, n_steps=deadline)
    for p, party in enumerate(parties):
        mechanism.add(negotiator(exported, table, run, p, party, deadline))
    mechanism.run()
    agreement = mechanism.state.agreement
    if agreement is None:
        return None, deadline
    # NegMAS's step counter has moved past the step in which the offer was agreed.
    return exported.to_unit(agreement), int(mechanism.state.step) - 1
