"""Simulated talks under a deadline: a mediator's single text, or stacked alternating offers.

Each party i values a deal x by the scenario's salience-weighted linear utility U_i(x) (see
:mod:`accord.dynamics.common`) and will not accept less than its reservation utility r_i, the
utility of no deal (the scenario's no-deal outcome, where the belligerents' points on the
battlefield issues are what each expects from fighting on, from :mod:`accord.dynamics.war`,
minus the cost of no deal where one is given). On top of that, its red lines and conditions
are hard (:mod:`accord.scenario.acceptance`): it accepts no text outside them, whatever its
utility, and none outside the red lines of a veto player who is not at the table (a parliament
with ``veto: true``), since the deal would need that player's consent too. Within these limits
it concedes over the R rounds of the talks by a time-dependent tactic (Faratin, Sierra &
Jennings 1998),

    a_i(t) = r_i + (1 − r_i) (1 − (t / (R − 1))^(1/e)),

Boulware (e = 0.2: firm until the deadline nears), linear (e = 1) or conceder (e = 5: gives way
early), or by relative tit-for-tat (Axelrod 1984; Faratin et al. 1998): it lowers its aspiration
by as much as the last move of the text raised its utility. A party accepts a text x when x
keeps its red lines and conditions and U_i(x) ≥ max(a_i(t), r_i). A party that rejects
counter-proposes: it restores the issues it cares most about (per unit of the scale) to its own
position, one after the other, until its utility reaches its aspiration: the cheapest way to
meet it, and what lets a mediator trade issues across parties (logrolling); the counter-proposal
is then brought inside its own red lines, so it never proposes what it would itself refuse.

Two protocols, both batched over runs (the only Python loops are over rounds and parties):

* ``mediator`` (Raiffa's single negotiating text, as the US ran these talks): the mediator opens
  with a text (its own position, or a draft such as the 28 points); each round every party
  accepts or rejects it; if all accept, it is the deal; otherwise the mediator redrafts each
  issue towards the rejecting parties' counter-proposals y_i (each party checks every draft
  against its red lines, as above), in proportion to their capability
  times their salience on it; the accepting parties hold the text where it is, and the mediator
  m (its weight times ``talks.pull``: a pushy mediator) pulls it back to its opening draft o:
  x_d ← x_d + [Σ_{i ∉ A, i ≠ m} w_i s_id (y_id − x_d) + w_m s_md (o_d − x_d)] / Σ_i w_i s_id.
* ``sao``: stacked alternating offers (Aydoğan et al. 2017), NegMAS's ``SAOMechanism``: parties
  act in turn; each accepts the offer on the table or replaces it with its counter-offer; an
  offer is agreed once every other party has accepted it in succession. The first proposer
  opens with its own position. Cross-checked step for step against NegMAS in
  ``tests/regression/test_negmas_crosscheck.py``.

Agreed deals are then put through :mod:`accord.dynamics.ratify` run by run.

References
----------
Raiffa, H. (1982). *The Art and Science of Negotiation*. Harvard University Press.
Faratin, P., Sierra, C. & Jennings, N. R. (1998). Negotiation decision functions for autonomous
agents. *Robotics and Autonomous Systems* 24(3-4):159-182.
Axelrod, R. (1984). *The Evolution of Cooperation*. Basic Books.
Aydoğan, R., Festen, D., Hindriks, K. V. & Jonker, C. M. (2017). Alternating offers protocols
for multilateral negotiation. In *Modern Approaches to Agent-based Complex Automated
Negotiation*, Springer, 153-167.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from accord.dynamics.common import filled, no_deal_points, reservation, streams, summary
from accord.dynamics.deal import Deal, battlefield, deal_hazard, deal_terms
from accord.dynamics.guarantees import sample_guarantees
from accord.dynamics.hosts import HostRecord, took_part
from accord.dynamics.ratify import (
    ceasefire_agreed,
    ceasefire_holds,
    fit_referendum,
    probability,
    sample_vetoes,
)
from accord.dynamics.war import WarSample, evaluation_date, sample_war
from accord.errors import InputError
from accord.frames import Tabular
from accord.scenario.acceptance import TOLERANCE, bounds
from accord.scenario.compile import FloatArray, Problem, RNGLike, as_of, compile
from accord.scenario.schema import Scenario

IntArray = npt.NDArray[np.int64]
STRATEGIES = ("boulware", "linear", "conceder", "tit-for-tat")
EXPONENTS = {"boulware": 0.2, "linear": 1.0, "conceder": 5.0}
TIT_FOR_TAT = STRATEGIES.index("tit-for-tat")
Protocol = Literal["mediator", "sao"]


#: Agreed terms are shown only when at least this share of runs agree: below it, a median of a
#: handful of agreements says nothing about where a deal would land.
MIN_AGREED_SHARE = 0.05


@dataclass(frozen=True, eq=False)
class Table:
    """The arrays the protocols run on, one row per run (R runs, P parties, I issues).

    Attributes
    ----------
    ideal, weight_issue : FloatArray
        ``[R, P, I]`` each party's position, and its saliences normalised to sum to 1.
    reservation : FloatArray
        ``[R, P]`` the utility of each party's no-deal point.
    weight : FloatArray
        ``[R, P]`` bargaining weight when the mediator redrafts.
    strategy : IntArray
        ``[R, P]`` index into :data:`STRATEGIES`.
    opening : FloatArray
        ``[R, I]`` the mediator's first text.
    mediator : int
        The mediator's column among the parties (-1: the mediator is not a party).
    floor, ceiling : FloatArray or None
        ``[R, P, I]`` the box each party accepts: its red lines and conditions, and those of
        the veto players not at the table (None: no limits).
    """

    ideal: FloatArray
    weight_issue: FloatArray
    reservation: FloatArray
    weight: FloatArray
    strategy: IntArray
    opening: FloatArray
    mediator: int = -1
    floor: FloatArray | None = None
    ceiling: FloatArray | None = None

    @property
    def runs(self) -> int:
        """Number of runs R."""
        return int(self.ideal.shape[0])

    def utility(self, outcome: FloatArray) -> FloatArray:
        """``[R, P]`` utilities of outcomes ``[R, I]``."""
        return 1.0 - (self.weight_issue * np.abs(outcome[:, None, :] - self.ideal)).sum(-1)

    def party_utility(self, party: int, outcome: FloatArray) -> FloatArray:
        """``[R]`` one party's utilities of outcomes ``[R, I]``."""
        loss = np.abs(outcome - self.ideal[:, party])
        loss *= self.weight_issue[:, party]
        return 1.0 - loss.sum(axis=-1)

    def inside(self, outcome: FloatArray) -> npt.NDArray[np.bool_]:
        """``[R, P]`` whether outcomes ``[R, I]`` keep each party's red lines and conditions."""
        if self.floor is None or self.ceiling is None:
            return np.ones(self.ideal.shape[:2], dtype=bool)
        point = outcome[:, None, :]
        kept = (point >= self.floor - TOLERANCE) & (point <= self.ceiling + TOLERANCE)
        return np.asarray(kept.all(axis=-1))

    def party_inside(self, party: int, outcome: FloatArray) -> npt.NDArray[np.bool_]:
        """``[R]`` whether outcomes ``[R, I]`` keep one party's red lines and conditions."""
        if self.floor is None or self.ceiling is None:
            return np.ones(self.ideal.shape[0], dtype=bool)
        kept = (outcome >= self.floor[:, party] - TOLERANCE) & (
            outcome <= self.ceiling[:, party] + TOLERANCE
        )
        return np.asarray(kept.all(axis=-1))

    def within(self, proposals: FloatArray, party: int | None = None) -> FloatArray:
        """Proposals brought inside the proposer's red lines (``[R, P, I]``, or one party's)."""
        if self.floor is None or self.ceiling is None:
            return proposals
        if party is None:
            return np.clip(proposals, self.floor, self.ceiling)
        return np.clip(proposals, self.floor[:, party], self.ceiling[:, party])

    @cached_property
    def priority(self) -> Priority:
        """Every party's issues by falling salience, for fast counter-proposals."""
        return Priority(self.weight_issue)

    def party_priority(self, party: int) -> Priority:
        """One party's issues by falling salience."""
        return Priority(self.weight_issue[:, party])


class Priority:
    """Issues ranked by salience for each row of a ``[..., I]`` weight array.

    :meth:`ahead` gives, for each issue, the sum of a quantity over the issues ranked above it:
    the cumulative sum runs issue-major (I long vector additions) through precomputed flat
    gather indices, far faster than sorting or ``take_along_axis`` per call.
    """

    def __init__(self, weight: FloatArray) -> None:
        self.shape = weight.shape
        issues = weight.shape[-1]
        flat = weight.reshape(-1, issues)
        rows = flat.shape[0]
        order = np.argsort(-flat, axis=-1, kind="stable")  # [rows, I]
        rank = np.argsort(order, axis=-1, kind="stable")
        row = np.arange(rows)
        self.forward = (row[None, :] * issues + order.T).astype(np.intp)  # [I, rows]
        self.backward = (rank * rows + row[:, None]).astype(np.intp)  # [rows, I]

    def ahead(self, values: FloatArray) -> FloatArray:
        """Sum of ``values`` over the issues ranked strictly above each issue."""
        running = np.take(values.reshape(-1), self.forward)  # [I, rows], by rank
        for position in range(1, running.shape[0]):
            running[position] += running[position - 1]
        total = np.take(running.reshape(-1), self.backward).reshape(self.shape)
        total -= values.reshape(self.shape)
        return total


def aspiration(table: Table, step: int, deadline: int) -> FloatArray:
    """Time-dependent aspiration ``[R, P]`` at ``step`` of ``deadline`` (Faratin et al. 1998).

    Tit-for-tat parties get the linear tactic's level here (their opening move).
    """
    progress = step / max(deadline - 1, 1)
    exponent = _EXPONENT_BY_CODE[table.strategy]
    r = table.reservation
    return r + (1.0 - r) * (1.0 - progress ** (1.0 / exponent))


_EXPONENT_BY_CODE = np.array(
    [EXPONENTS["boulware"], EXPONENTS["linear"], EXPONENTS["conceder"], EXPONENTS["linear"]]
)


class Concession:
    """Each party's aspiration, round by round (the state tit-for-tat needs).

    A tit-for-tat party makes the linear tactic's first move, then lowers its aspiration by
    the average concession (drop in aspiration) the other parties made in the previous round:
    it concedes as others concede (Axelrod 1984; Faratin et al. 1998). In the last round it,
    like every time-dependent tactic, asks only for its reservation utility: no better offer
    can come.
    """

    def __init__(self, table: Table, deadline: int) -> None:
        self.table = table
        self.deadline = deadline
        self.tit = table.strategy == TIT_FOR_TAT
        self.level: FloatArray | None = None
        self.drop: FloatArray | None = None

    def next(self, step: int) -> FloatArray:
        """Aspirations ``[R, P]`` for round ``step`` (call once per round, in order)."""
        timed = aspiration(self.table, step, self.deadline)
        if self.level is None:
            self.level = timed
            return timed
        level = timed
        if self.drop is not None:
            parties = self.drop.shape[1]
            others = (self.drop.sum(axis=1, keepdims=True) - self.drop) / max(parties - 1, 1)
            level = np.where(self.tit, np.clip(self.level - others, 0.0, 1.0), timed)
        if step >= self.deadline - 1:
            level = np.where(self.tit, self.table.reservation, level)
        self.drop = np.maximum(self.level - level, 0.0)
        self.level = level
        return level


def counter_offer(
    ideal: FloatArray,
    weight: FloatArray,
    offer: FloatArray,
    current: FloatArray,
    need: FloatArray,
    priority: Priority | None = None,
) -> FloatArray:
    """The party's counter-proposal to ``offer``: its most salient issues first.

    The party restores issues to its own position in order of salience (the utility it gains
    per unit of the scale) until its utility reaches ``need``, the last one only partly. This is
    the cheapest way, in distance from the text, to meet its aspiration, and it is what makes
    the mediator's redrafts trade issues across parties (logrolling).

    Parameters
    ----------
    ideal, weight
        ``[..., I]`` the party's position and its normalised saliences.
    offer
        ``[..., I]`` the text on the table.
    current, need
        ``[...]`` the party's utility of ``offer`` and the utility it asks for.
    priority
        The issues ranked by ``weight`` (:class:`Priority`; built when not given).
    """
    gap = ideal - offer
    gain = np.abs(gap)
    gain *= weight
    ranked = priority if priority is not None else Priority(np.broadcast_to(weight, gain.shape))
    before = ranked.ahead(gain)
    wanted = np.maximum(need - current, 0.0)[..., None]
    with np.errstate(divide="ignore", invalid="ignore"):
        fraction = (wanted - before) / gain
    fraction = np.where(gain > 0, np.clip(fraction, 0.0, 1.0), 0.0)
    return offer + fraction * gap


@dataclass(frozen=True, eq=False)
class Talks:
    """What the protocols return, per run.

    Attributes
    ----------
    agreed : BoolArray
        ``[R]`` whether the parties agreed before the deadline.
    rounds : IntArray
        ``[R]`` the round of agreement (the deadline where none).
    terms : FloatArray
        ``[R, I]`` the agreed deal on [0, 1] (NaN where none).
    holdouts : BoolArray
        ``[R, P]`` the parties that rejected the last text of a failed run.
    """

    agreed: npt.NDArray[np.bool_]
    rounds: IntArray
    terms: FloatArray
    holdouts: npt.NDArray[np.bool_]


def _mediated(table: Table, deadline: int) -> Talks:
    """Single-text mediation, batched over runs; see the module docstring.

    The mediator redrafts each issue towards the rejecting parties' counter-proposals in
    proportion to their weight times their salience on that issue, so each issue moves most
    towards those who care most about it. The parties that accept hold the text where it is;
    the mediator (its weight multiplied by its pull) keeps pulling it back to its opening draft.
    """
    runs, parties = table.runs, table.ideal.shape[1]
    text = table.opening.copy()
    done = np.zeros(runs, dtype=bool)
    rounds = np.full(runs, deadline)
    terms = np.full_like(text, np.nan)
    holdouts = np.zeros((runs, parties), dtype=bool)
    concession = Concession(table, deadline)
    priority = table.priority
    drafting = (np.arange(parties) == table.mediator)[None, :, None]
    pull_issue = table.weight[:, :, None] * table.weight_issue  # [R, P, I]
    total = pull_issue.sum(axis=1)  # [R, I]
    total = np.where(total > 0, total, 1.0)
    for step in range(deadline):
        current = table.utility(text)
        need = np.maximum(concession.next(step), table.reservation)
        accept = (current >= need) & table.inside(text)
        success = accept.all(axis=1) & ~done
        rounds[success] = step
        terms[success] = text[success]
        done |= success
        holdouts = np.where(done[:, None], holdouts, ~accept)
        if done.all():
            break
        counters = table.within(
            counter_offer(
                table.ideal, table.weight_issue, text[:, None, :], current, need, priority
            )
        )
        counters = np.where(drafting, table.opening[:, None, :], counters)
        pull = np.where(accept[:, :, None] & ~drafting, 0.0, pull_issue)
        move = (pull * (counters - text[:, None, :])).sum(axis=1) / total
        text = np.where(done[:, None], text, text + move)
    return Talks(done, rounds, terms, holdouts & ~done[:, None])


def _alternating(table: Table, deadline: int) -> Talks:
    """Stacked alternating offers (NegMAS's SAO), batched over runs.

    At every step the parties act in turn; at its turn a party accepts the standing offer
    (which is agreed once every other party has accepted it in succession) or replaces it with
    its counter-proposal, which counts as its own acceptance. The first party opens with its own
    position. Aspirations are updated once per step.
    """
    runs, parties = table.runs, table.ideal.shape[1]
    offer = np.full((runs, table.ideal.shape[2]), np.nan)
    acceptances = np.zeros(runs, dtype=np.int64)
    done = np.zeros(runs, dtype=bool)
    rounds = np.full(runs, deadline)
    terms = np.full_like(offer, np.nan)
    holdouts = np.zeros((runs, parties), dtype=bool)
    concession = Concession(table, deadline)
    priorities = [table.party_priority(k) for k in range(parties)]
    row = np.arange(runs)
    for step in range(deadline):
        need_all = np.maximum(concession.next(step), table.reservation)
        for k in range(parties):
            live = ~done
            empty = np.isnan(offer[:, 0])
            standing = np.where(empty[:, None], table.ideal[:, k], offer)
            current = table.party_utility(k, standing)
            need = need_all[:, k]
            accept = live & ~empty & (current >= need) & table.party_inside(k, standing)
            acceptances = np.where(accept, acceptances + 1, acceptances)
            agreed = accept & (acceptances == parties)
            rounds[agreed] = step
            terms[agreed] = offer[agreed]
            done |= agreed
            reject = live & ~accept
            holdouts[row[reject], k] = True
            holdouts[row[accept], k] = False
            proposal = table.within(
                np.where(
                    empty[:, None],
                    table.ideal[:, k],
                    counter_offer(
                        table.ideal[:, k],
                        table.weight_issue[:, k],
                        standing,
                        current,
                        need,
                        priorities[k],
                    ),
                ),
                k,
            )
            offer = np.where(reject[:, None], proposal, offer)
            acceptances = np.where(reject, 1, acceptances)
        if done.all():
            break
    return Talks(done, rounds, terms, holdouts & ~done[:, None])


CHUNK = 8192


def _in_chunks(kernel: Callable[[Table, int], Talks], table: Table, deadline: int) -> Talks:
    """Run ``kernel`` on cache-sized blocks of runs (runs are independent; same results)."""
    if table.runs <= CHUNK:
        return kernel(table, deadline)
    parts = []
    for start in range(0, table.runs, CHUNK):
        rows = slice(start, start + CHUNK)
        parts.append(
            kernel(
                Table(
                    ideal=table.ideal[rows],
                    weight_issue=table.weight_issue[rows],
                    reservation=table.reservation[rows],
                    weight=table.weight[rows],
                    strategy=table.strategy[rows],
                    opening=table.opening[rows],
                    mediator=table.mediator,
                    floor=None if table.floor is None else table.floor[rows],
                    ceiling=None if table.ceiling is None else table.ceiling[rows],
                ),
                deadline,
            )
        )
    return Talks(
        agreed=np.concatenate([part.agreed for part in parts]),
        rounds=np.concatenate([part.rounds for part in parts]),
        terms=np.concatenate([part.terms for part in parts]),
        holdouts=np.concatenate([part.holdouts for part in parts]),
    )


def mediated(table: Table, deadline: int) -> Talks:
    """Single-text mediation, batched over runs; see the module docstring and :func:`_mediated`."""
    return _in_chunks(_mediated, table, deadline)


def alternating(table: Table, deadline: int) -> Talks:
    """Stacked alternating offers (NegMAS's SAO), batched over runs; see :func:`_alternating`."""
    return _in_chunks(_alternating, table, deadline)


def strategy_codes(
    parties: Sequence[str],
    chosen: Mapping[str, str],
    runs: int,
    generator: np.random.Generator,
) -> IntArray:
    """``[R, P]`` strategy indices: the chosen one per party, or sampled uniformly per run."""
    codes = generator.integers(0, len(STRATEGIES), size=(runs, len(parties)))
    for p, party in enumerate(parties):
        name = chosen.get(party, "sampled")
        if name != "sampled":
            if name not in STRATEGIES:
                raise InputError.single(
                    None,
                    f"unknown strategy {name!r} for {party}",
                    path=("--strategy",),
                    value=name,
                    hint=f"use one of: {', '.join(STRATEGIES)}, sampled",
                )
            codes[:, p] = STRATEGIES.index(name)
    return codes


@dataclass(frozen=True, eq=False, repr=False)
class Simulation(Tabular):
    """The result of :func:`simulate`."""

    scenario: Scenario
    problem: Problem
    parties: tuple[str, ...]
    protocol: str
    deadline: int
    regime: str | None
    strategy: IntArray
    talks: Talks
    ratified: FloatArray
    hosts: tuple[HostRecord, ...] = ()

    def to_json(self, bins: int = 20) -> dict[str, Any]:
        """Figure-ready: P(agreement), rounds, terms (quantiles and histograms), ratification.

        ``{"scenario", "as_of", "runs", "protocol", "deadline", "regime", "parties",
        "agreement_probability", "rounds": {"value", "low", "high", "counts": [per round]},
        "terms": {ISSUE: {"value", "low", "high", "edges", "counts"}}, "ratified_given_agreement",
        "agreed_and_ratified", "holdouts": {PARTY: share of failed runs},
        "strategies": {PARTY: {STRATEGY: share}}, "mediators": [{"id", "name", "role",
        "rounds", "recent_rounds"}]}``: ``mediators`` are the hosts (``talks.mediators``) that
        had held a round by the evaluation date (:mod:`accord.dynamics.hosts`).
        """
        talks = self.talks
        agreed = talks.agreed
        units = self.problem.to_units(talks.terms[agreed])
        terms: dict[str, Any] = {}
        for d, issue_id in enumerate(self.problem.issue_ids):
            issue = self.scenario.issue(issue_id)
            counts, edges = np.histogram(units[:, d], bins=bins, range=(issue.min, issue.max))
            entry: dict[str, Any] = (
                summary(units[:, d], 4)
                if agreed.mean() >= MIN_AGREED_SHARE
                else {"value": None, "low": None, "high": None}
            )
            entry.update({"edges": [float(e) for e in edges], "counts": counts.tolist()})
            terms[issue_id] = entry
        failed = ~agreed
        # Without a ratification block there is nothing to ratify: None, not NaN.
        ratifiable = self.scenario.ratification is not None
        rounds = np.bincount(talks.rounds[agreed], minlength=self.deadline).tolist()
        return {
            "scenario": self.scenario.id,
            "as_of": self.problem.as_of.isoformat() if self.problem.as_of else None,
            "runs": int(agreed.size),
            "protocol": self.protocol,
            "deadline": self.deadline,
            "regime": self.regime,
            "parties": list(self.parties),
            "agreement_probability": round(float(agreed.mean()), 4),
            "rounds": {
                **(
                    summary(talks.rounds[agreed].astype(float), 2)
                    if agreed.any()
                    else {"value": None}
                ),
                "counts": rounds,
            },
            "terms": terms,
            "ratified_given_agreement": round(float(np.nanmean(self.ratified[agreed])), 4)
            if agreed.any() and ratifiable
            else None,
            "agreed_and_ratified": round(float(np.nansum(self.ratified) / agreed.size), 4)
            if ratifiable
            else None,
            "holdouts": {
                party: round(float(talks.holdouts[failed, p].mean()), 4) if failed.any() else 0.0
                for p, party in enumerate(self.parties)
            },
            "strategies": {
                party: {
                    name: round(float((self.strategy[:, p] == s).mean()), 4)
                    for s, name in enumerate(STRATEGIES)
                }
                for p, party in enumerate(self.parties)
            },
            "mediators": [record.to_json() for record in self.hosts],
        }


def simulate(
    scenario: Scenario,
    *,
    runs: int = 1000,
    deadline: int | None = None,
    protocol: Protocol = "mediator",
    strategies: Mapping[str, str] | None = None,
    regime: str | None = None,
    opening: Deal | None = None,
    date: dt.date | None = None,
    rng: RNGLike = None,
) -> Simulation:
    """Simulate ``runs`` talks at once, each with its own draw of the scenario's ranges.

    Parameters
    ----------
    scenario
        A scenario; its ``talks`` block names the mediator, strategies and pull, its ``war``
        block gives the battlefield walk-away points, its ``ratification`` block the vote.
    runs
        Number of simulated talks.
    deadline
        Rounds before the talks end (default: ``talks.deadline``, else 20).
    protocol
        ``"mediator"`` (single text) or ``"sao"`` (stacked alternating offers).
    strategies
        Party id -> strategy, overriding the scenario's; ``"sampled"`` draws one per run.
    regime
        Aid regime of the battlefield model (default: the war's default).
    opening
        A deal the mediator opens with (default: the mediator's own position).
    date
        Evaluation date (default: the scenario's as_of).
    rng
        Seed or generator.
    """
    if runs < 1:
        raise InputError.single(None, f"--runs must be at least 1, got {runs}", path=("--runs",))
    settings = scenario.talks
    rounds = int(deadline or (settings.deadline if settings else 20))
    if rounds < 1:
        raise InputError.single(
            None, f"--deadline must be at least 1, got {rounds}", path=("--deadline",)
        )
    if protocol not in ("mediator", "sao"):
        raise InputError.single(
            None, f"unknown protocol {protocol!r}", path=("--protocol",), hint="mediator or sao"
        )
    when = evaluation_date(scenario, date) if scenario.war else (date or scenario.as_of)
    current = as_of(scenario, when)
    settings = current.talks  # its numbers (pull) as of the date
    streams_ = streams(rng, 8)
    problem = compile(current, date=when, draws=runs, rng=streams_[0])
    walk_reference = no_deal_points(problem)
    war = None
    regime_id = None
    if current.war is not None:
        war = sample_war(current, runs, streams_[1], date=when)
        regime_id = (
            current.war.regime(regime).id if regime is None else _known_regime(current, regime)
        )
        neutral = np.full((runs, problem.n_issues), np.nan)
        fighting, _, _ = battlefield(current, problem, war, regime_id, neutral, when)
        walk_reference = no_deal_points(problem, fighting)
    parties = _parties(problem)
    mediator = settings.mediator if settings else parties[0]
    pull = filled([settings.pull if settings else None], 1.0, runs, streams_[2])[:, 0]
    chosen = {**(settings.strategies if settings else {}), **(strategies or {})}
    codes = strategy_codes(parties, chosen, runs, streams_[3])
    text = None if opening is None else deal_terms(current, opening, runs, streams_[4])
    table = build_table(problem, walk_reference, parties, codes, text, mediator, pull)
    outcome = mediated(table, rounds) if protocol == "mediator" else alternating(table, rounds)
    ratified = _ratification(current, problem, war, regime_id, outcome, opening, when, streams_[5:])
    return Simulation(
        current,
        problem,
        parties,
        protocol,
        rounds,
        regime_id,
        codes,
        outcome,
        ratified,
        took_part(current, when),
    )


def build_table(
    problem: Problem,
    no_deal: FloatArray,
    parties: Sequence[str],
    strategy: IntArray,
    opening: FloatArray | None = None,
    mediator: str | None = None,
    pull: FloatArray | None = None,
) -> Table:
    """The protocols' arrays for ``parties`` of ``problem``, one run per draw.

    ``no_deal`` ``[R, A, I]`` is every actor's no-deal outcome (reservation utilities are its
    utilities, minus the cost of no deal where given); ``opening`` defaults to the mediator's
    position; the mediator's weight is multiplied by ``pull``. Each party's box is its red
    lines and conditions, narrowed by those of the veto players not among ``parties``.
    """
    index = [problem.actor_ids.index(party) for party in parties]
    weight = problem.capability[:, index].copy()
    column = list(parties).index(mediator) if mediator is not None and mediator in parties else -1
    if column >= 0 and pull is not None:
        weight[:, column] *= pull
    salience = problem.salience[:, index]
    totals = salience.sum(axis=-1, keepdims=True)
    ideal = problem.position[:, index]
    if opening is None:
        anchor = mediator if mediator is not None else parties[0]
        opening = problem.position[:, problem.actor_ids.index(anchor)].copy()
    low, high = bounds(problem)
    absent = problem.veto_players.copy()
    absent[index] = False
    floor = np.maximum(low[:, index], low[:, absent].max(axis=1, initial=0.0)[:, None, :])
    ceiling = np.minimum(high[:, index], high[:, absent].min(axis=1, initial=1.0)[:, None, :])
    return Table(
        ideal=ideal,
        weight_issue=salience / np.where(totals > 0, totals, 1.0),
        reservation=reservation(problem, no_deal)[:, index],
        weight=weight,
        strategy=strategy,
        opening=opening,
        mediator=column,
        floor=floor,
        ceiling=ceiling,
    )


def _known_regime(scenario: Scenario, regime: str) -> str:
    assert scenario.war is not None
    known = [item.id for item in scenario.war.regimes]
    if regime not in known:
        raise InputError.single(
            None,
            f"unknown aid regime {regime!r}",
            path=("--regime",),
            value=regime,
            hint=f"use one of: {', '.join(known)}",
        )
    return regime


def _parties(problem: Problem) -> tuple[str, ...]:
    mask = problem.party if problem.party.any() else problem.capability.max(axis=0) > 0
    return tuple(actor for actor, flag in zip(problem.actor_ids, mask, strict=True) if flag)


def _ratification(
    scenario: Scenario,
    problem: Problem,
    war: WarSample | None,
    regime: str | None,
    talks: Talks,
    opening: Deal | None,
    when: dt.date | None,
    generators: Sequence[np.random.Generator],
) -> FloatArray:
    """P(ratified) ``[R]`` of each agreed deal (NaN where none was agreed)."""
    runs = talks.agreed.size
    result = np.full(runs, np.nan)
    if scenario.ratification is None or not talks.agreed.any():
        return result
    terms = np.where(talks.agreed[:, None], talks.terms, problem.status_quo)
    terms = np.where(np.isnan(terms), 0.5, terms)
    guarantees = sample_guarantees(scenario, runs, generators[0])
    shortfall = np.zeros(runs)
    if war is not None and regime is not None:
        shortfall = battlefield(scenario, problem, war, regime, terms, when)[2]
    provisions = [
        term for term in (opening.guarantee_terms if opening else []) if term in guarantees.terms
    ]
    ratio = deal_hazard(guarantees, problem.issue_ids, terms, provisions, shortfall)
    fit = None
    holds = np.ones(runs)
    referendum = scenario.ratification.referendum
    if referendum is not None:
        fit = fit_referendum(
            scenario,
            date=when,
            draws=runs,
            rng=generators[1],
            proposals=min(max(20 * runs, 40_000), 100_000),
        )
        if referendum.ceasefire_months is not None:
            months = filled([referendum.ceasefire_months], 0.0, runs, generators[2])[:, 0]
            holds = ceasefire_holds(guarantees, ratio, months)
    vetoes = sample_vetoes(scenario, runs, generators[2])
    agreed = ceasefire_agreed(problem, scenario.ratification.ceasefire)
    total = probability(
        fit, vetoes, terms, problem.to_units(terms), holds, average=False, agreed=agreed
    )[0]
    result[talks.agreed] = total[talks.agreed]
    return result
