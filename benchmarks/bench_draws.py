"""Draws per second for every model, and the speed-up of the process pool and of Dask.

Usage::

    python benchmarks/bench_draws.py                      # ukraine-2025, every model
    python benchmarks/bench_draws.py --scale-model smp --scale-draws 4000 --workers 1,2,4

Prints three markdown tables:

1. per model, draws per second of a Monte Carlo run in process (sampling included), and of
   the model alone on a pre-sampled problem: run as one batch, and as a naive loop over draws
   (one draw at a time), with the ratio of the two;
2. for one model, the time of the same run in process, in a process pool and on a Dask
   LocalCluster at 1, 2 and 4 workers (start-up, including a warm-up block per worker,
   reported apart), with the speed-up;
3. the machine it ran on.

Every run uses the same seed and the script checks that all backends return identical draws.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections.abc import Callable

import numpy as np

from accord.analysis import whatif
from accord.analysis.montecarlo import BLOCK_SIZE, MonteCarlo, simulate
from accord.engines import open_engine
from accord.errors import InputError
from accord.models.base import ForecastModel, get_model, registry
from accord.scenario import compile, load
from accord.scenario.schema import Scenario


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def scenario_for(reference: str) -> Scenario:
    try:
        return whatif.current(load(reference))
    except InputError:
        return whatif.current(load("emission-1994"))


def draws_for(model: ForecastModel, scenario: Scenario, target: float, ceiling: int) -> int:
    """Draws that take about ``target`` seconds (whole blocks, at least one)."""
    seconds = timed(lambda: simulate(scenario, [model], draws=BLOCK_SIZE, seed=0))
    blocks = int(target / max(seconds, 1e-6))
    return max(BLOCK_SIZE, min(ceiling, blocks * BLOCK_SIZE))


def model_rates(model: ForecastModel, scenario: Scenario, count: int) -> tuple[float, float]:
    """Draws per second of the model alone (no sampling): one batch, and one draw at a time."""
    problem = compile(scenario, draws=count, rng=0)
    batch = timed(lambda: model.run(problem, rng=0))
    loop = timed(lambda: [model.run(problem.take([k]), rng=0) for k in range(count)])
    return count / batch, count / loop


def per_model(scenario: Scenario, target: float, ceiling: int) -> list[str]:
    rows = [
        "| model | Monte Carlo draws | Monte Carlo draws/s (sampling included) "
        "| model alone, one batch, draws/s | model alone, naive loop, draws/s "
        "| batch ÷ loop |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in registry():
        model = get_model(name)
        draws = draws_for(model, scenario, target, ceiling)
        started = time.perf_counter()
        simulate(scenario, [model], draws=draws, seed=1)
        seconds = time.perf_counter() - started
        batched = draws / seconds
        batch, loop = model_rates(model, scenario, count=min(500, draws))
        rows.append(
            f"| {name} | {draws:,} | {batched:,.0f} | {batch:,.0f} | {loop:,.0f} | "
            f"{batch / loop:,.1f}× |"
        )
    return rows


def scale_out(scenario: Scenario, name: str, draws: int, workers: list[int]) -> list[str]:
    model = get_model(name)
    reference: MonteCarlo | None = None

    def run(**options: int) -> tuple[float, float]:
        nonlocal reference
        started = time.perf_counter()
        with open_engine(**options) as engine:  # type: ignore[arg-type]
            # Start every worker and import accord there, so start-up is timed apart.
            warm = BLOCK_SIZE * engine.parallelism
            simulate(scenario, [model], draws=warm, seed=0, engine=engine, blocks_per_chunk=1)
            ready = time.perf_counter()
            result = simulate(scenario, [model], draws=draws, seed=1, engine=engine)
            compute = time.perf_counter() - ready
        if reference is None:
            reference = result
        assert np.array_equal(result.settlement[name], reference.settlement[name]), options
        return ready - started, compute

    _, base = run()
    rows = [
        f"| backend ({name}, {draws:,} draws) | start-up s | run s | draws/s | speed-up |",
        "| --- | ---: | ---: | ---: | ---: |",
        f"| in process | 0.00 | {base:.2f} | {draws / base:,.0f} | 1.00× |",
    ]
    for option, label in (("jobs", "process pool"), ("workers", "Dask LocalCluster")):
        for count in workers:
            start, compute = run(**{option: count})
            rows.append(
                f"| {label}, {count} | {start:.2f} | {compute:.2f} | {draws / compute:,.0f} | "
                f"{base / compute:.2f}× |"
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="ukraine-2025")
    parser.add_argument("--target-seconds", type=float, default=3.0)
    parser.add_argument("--max-draws", type=int, default=200_000)
    parser.add_argument("--scale-model", default="smp")
    parser.add_argument("--scale-draws", type=int, default=4000)
    parser.add_argument("--workers", default="1,2,4")
    arguments = parser.parse_args()
    scenario = scenario_for(arguments.scenario)
    print(f"## Draws per second in process ({scenario.id}, as of {scenario.as_of})\n")
    print("\n".join(per_model(scenario, arguments.target_seconds, arguments.max_draws)))
    print("\n## Scale-out: same seed, identical draws on every backend\n")
    workers = [int(value) for value in arguments.workers.split(",")]
    print("\n".join(scale_out(scenario, arguments.scale_model, arguments.scale_draws, workers)))
    print(
        f"\nMachine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, NumPy {np.__version__}"
    )


if __name__ == "__main__":
    main()
