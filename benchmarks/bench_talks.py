"""Benchmark simulated talks: accord's batched protocols against NegMAS's SAO mechanism.

Run from the repository root (needs ``pip install negmas``)::

    python benchmarks/bench_talks.py                 # 30 NegMAS negotiations, 100,000 batched

The problem is the same for both engines: the three principal parties of ``ukraine-2025``
(United States, Ukraine, Russia) over its ten issues, one draw of the scenario per negotiation,
battlefield walk-away points under the US cut-off, time-dependent tactics (Boulware, linear,
conceder) drawn per party and run, a deadline of 20 rounds. NegMAS runs each negotiation in its
``SAOMechanism`` with accord's negotiators (:mod:`accord.dynamics.negmas_export`), so both engines
play the same game and reach the same agreements; the table checks that they do, measures
negotiations per second side by side, and gives the ratio. For reference it also times NegMAS
with its own stock ``AspirationNegotiator`` on the same exported problem (a different game:
NegMAS's tactic, not accord's), the mediator protocol, and the whole ``simulate`` (sampling,
the war model and ratification of every agreed deal).

Reference: Mohammad, Y., Nakadai, S. & Greenwald, A. (2021), NegMAS: a platform for automated
negotiations, PRIMA 2020, LNCS 12568.
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from accord.dynamics.deal import battlefield
from accord.dynamics.negmas_export import export, run_sao
from accord.dynamics.talks import Table, alternating, build_table, mediated, simulate
from accord.dynamics.war import sample_war
from accord.scenario import Problem, compile, load

PARTIES = ("us", "ukraine", "russia")
DEADLINE = 20


def setup(runs: int, seed: int = 0) -> tuple[Problem, Table]:
    ukraine = load("ukraine-2025")
    problem = compile(ukraine, draws=runs, rng=seed)
    war = sample_war(ukraine, runs, np.random.default_rng(seed + 1))
    empty = np.full((runs, problem.n_issues), np.nan)
    no_deal = battlefield(ukraine, problem, war, "us_cutoff", empty, ukraine.as_of)[0]
    codes = np.random.default_rng(seed + 2).integers(0, 3, (runs, len(PARTIES)))
    return problem, build_table(problem, no_deal, PARTIES, codes)


def best_of(run: Callable[[], Any], repeat: int) -> float:
    run()  # warm-up, not timed
    best = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return float(best)


def ratio(value: float) -> str:
    return f"{value:,.0f}×" if value >= 10 else f"{value:.2f}×"


def stock(problem: Problem, table: Table, count: int) -> float:
    """Seconds per negotiation of NegMAS's own AspirationNegotiator on the same problem."""
    from negmas.sao import (  # type: ignore[import-untyped, import-not-found, unused-ignore]
        AspirationNegotiator,
        SAOMechanism,
    )

    total = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for run in range(count):
            exported = export(problem, PARTIES, table, run)
            mechanism = SAOMechanism(issues=exported.issues, n_steps=DEADLINE)
            for party in PARTIES:
                mechanism.add(AspirationNegotiator(name=party, ufun=exported.ufuns[party]))
            start = time.perf_counter()
            mechanism.run()
            total += time.perf_counter() - start
    return total / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--negmas", type=int, default=30, help="NegMAS negotiations to time")
    parser.add_argument("--runs", type=int, default=100_000, help="batched accord runs")
    parser.add_argument("--stock", type=int, default=5, help="NegMAS stock negotiations")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    problem, table = setup(args.negmas)
    ours = alternating(table, DEADLINE)
    start = time.perf_counter()
    agree = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for run in range(args.negmas):
            terms, step = run_sao(problem, PARTIES, table, run, DEADLINE)
            agree += terms is not None
            same = (terms is None) == (not ours.agreed[run]) and (
                terms is None
                or (step == ours.rounds[run] and np.allclose(terms, ours.terms[run], atol=1e-9))
            )
            if not same:
                raise SystemExit(f"run {run}: NegMAS and accord disagree")
    negmas_seconds = (time.perf_counter() - start) / args.negmas
    stock_seconds = stock(problem, table, args.stock)

    _, big = setup(args.runs, seed=10)
    sao_seconds = best_of(lambda: alternating(big, DEADLINE), args.repeat) / args.runs
    mediator_seconds = best_of(lambda: mediated(big, DEADLINE), args.repeat) / args.runs
    ukraine = load("ukraine-2025")
    full_runs = min(args.runs, 10_000)
    full_seconds = best_of(lambda: simulate(ukraine, runs=full_runs, rng=1), 1) / full_runs

    print(
        f"3-party problem (US, Ukraine, Russia; 10 issues; deadline {DEADLINE} rounds); "
        f"NegMAS and accord agree on all {args.negmas} checked negotiations "
        f"({agree} agreements).\n"
    )
    print(
        "| engine | protocol | negotiations | per negotiation | negotiations/s "
        "| vs NegMAS (same negotiators) | vs NegMAS stock |"
    )
    print("|---|---|---:|---:|---:|---:|---:|")
    rows = [
        ("NegMAS SAOMechanism, accord's negotiators", "stacked alternating offers",
         args.negmas, negmas_seconds),
        ("NegMAS SAOMechanism, stock AspirationNegotiator", "stacked alternating offers",
         args.stock, stock_seconds),
        ("accord, batched", "stacked alternating offers", args.runs, sao_seconds),
        ("accord, batched", "mediator, single text", args.runs, mediator_seconds),
        ("accord `simulate`", "mediator + war + ratification", full_runs, full_seconds),
    ]  # fmt: skip
    for engine, protocol, count, seconds in rows:
        print(
            f"| {engine} | {protocol} | {count:,} | {seconds * 1e3:.3g} ms | "
            f"{1 / seconds:,.0f} | {ratio(negmas_seconds / seconds)} | "
            f"{ratio(stock_seconds / seconds)} |"
        )


if __name__ == "__main__":
    main()
