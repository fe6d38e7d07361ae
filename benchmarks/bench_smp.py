"""Benchmark accord's SMP against KAPSARC's ``smpc`` (KTAB) on KTAB's example scenarios.

Run from the repository root (``../shared/data/ktab`` must sit beside the checkout)::

    python benchmarks/bench_smp.py            # best of 3, a batch of 100 draws of a040

Prints markdown tables: wall time per scenario with the ratio to smpc's -O2 build on the same
kind of machine (``references/models.md`` §5), the scaling curve over N = 40, 80, 160 actors,
and draws per second for a batch of perturbed a040 draws, batched versus a per-draw loop.

Reference: Wise, B., Lester, S. et al. (2015-2019), KTAB: Kinetic Theory of Agent Bargaining,
KAPSARC, github.com/KAPSARC/KTAB.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

import accord.scenario as scenario
from accord.models.base import Outcome
from accord.models.smp import SMPModel
from accord.scenario.compile import Problem

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ktab"
SMPC_SECONDS = {  # smpc -O2, 2 cores, from references/models.md §5
    "SOE-Policy": 2.35,
    "dummyData_6Dim": 4.34,
    "SOE-Competitive": 10.25,
    "dummyData-a040": 8.59,
    "dummyData-a080": 82.0,
}
CASES = ["SOE-Policy", "dummyData_6Dim", "SOE-Competitive", "dummyData-a040", "dummyData-a080"]
SCALING = ["dummyData-a040", "dummyData-a080", "dummyData-a160"]


def load(name: str) -> Problem:
    return scenario.compile(scenario.load(str(DATA / f"{name}.csv")))


def best_of(run: Callable[[], Outcome], repeat: int) -> tuple[float, Outcome]:
    """Best wall time of ``repeat`` runs (time.perf_counter) and the last outcome."""
    best, outcome = np.inf, run()  # one warm-up run, not timed
    for _ in range(repeat):
        start = time.perf_counter()
        outcome = run()
        best = min(best, time.perf_counter() - start)
    return float(best), outcome


def perturbed(problem: Problem, draws: int, seed: int = 0) -> Problem:
    """``draws`` copies of ``problem`` with positions jittered by N(0, 0.02), clipped to [0, 1]."""
    rng = np.random.default_rng(seed)
    shape = (draws, problem.n_actors, problem.n_issues)
    position = np.clip(problem.position + rng.normal(0.0, 0.02, shape), 0.0, 1.0)
    return Problem.from_arrays(
        np.broadcast_to(problem.capability, shape[:2]),
        position,
        np.broadcast_to(problem.salience, shape),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per case (best of)")
    parser.add_argument("--draws", type=int, default=100, help="draws in the a040 batch")
    args = parser.parse_args()
    model = SMPModel()

    print("| scenario | actors × dims | steps | accord (s) | smpc (s) | speed-up |")
    print("|---|---|---:|---:|---:|---:|")
    for name in CASES:
        problem = load(name)
        seconds, outcome = best_of(lambda problem=problem: model.run(problem), args.repeat)
        smpc = SMPC_SECONDS[name]
        print(
            f"| {name} | {problem.n_actors} × {problem.n_issues} | "
            f"{int(outcome.diagnostics['steps'][0])} | {seconds:.3f} | {smpc:.2f} | "
            f"{smpc / seconds:,.0f}× |"
        )

    print()
    print("| N (dummyData-aNNN) | steps | accord (s) | ms per step | smpc (s) |")
    print("|---:|---:|---:|---:|---:|")
    for name in SCALING:
        problem = load(name)
        seconds, outcome = best_of(lambda problem=problem: model.run(problem), args.repeat)
        steps = int(outcome.diagnostics["steps"][0])
        smpc = SMPC_SECONDS.get(name)
        print(
            f"| {problem.n_actors} | {steps} | {seconds:.3f} | {1000 * seconds / steps:.1f} | "
            f"{'—' if smpc is None else f'{smpc:.2f}'} |"
        )

    batch = perturbed(load("dummyData-a040"), args.draws)
    batched, outcome = best_of(lambda: model.run(batch), args.repeat)
    start = time.perf_counter()
    for draw in range(batch.draws):
        model.run(batch.take([draw]))
    looped = time.perf_counter() - start
    steps = outcome.diagnostics["steps"]
    print()
    print(f"Batch: {args.draws} draws of dummyData-a040 (positions ± N(0, 0.02)), ")
    print(f"{int(steps.min())}-{int(steps.max())} steps per draw.")
    print()
    print("| mode | seconds | draws per second |")
    print("|---|---:|---:|")
    print(f"| batched (one call) | {batched:.2f} | {args.draws / batched:.1f} |")
    print(f"| per-draw loop | {looped:.2f} | {args.draws / looped:.1f} |")
    print(f"| smpc (one run each) | {8.59 * args.draws:.0f} | {1 / 8.59:.2f} |")


if __name__ == "__main__":
    main()
