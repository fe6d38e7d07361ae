"""Benchmark accord's expected-utility model (EUM) on the EC car-emission case.

Run from the repository root (``../shared/data/eum`` must sit beside the checkout)::

    python benchmarks/bench_eum.py                      # best of 3; 1, 1,000 and 10,000 draws
    python benchmarks/bench_eum.py --compare HEAD~1     # and the model at a git revision

Each size is a batch of draws of the emission case (Bueno de Mesquita 1994; Scholz, Calbert &
Smith 2011, Table 1) with small noise on positions, saliences and capabilities (seeded
``numpy.random.Generator``), run for 10 rounds in the default ``scholz-code`` variant. The
batched model is timed (wall clock and CPU time, best of ``--repeat`` runs) beside a naive
per-draw loop written below (plain Python and NumPy, one draw at a time, the same algorithm,
run once), and, with ``--compare REVISION``, beside the model as it was at that git revision
(its ``eum.py``, and ``eum_kernels.py`` where it had one), run in the same process with
interleaved timings so that a noisy machine slows both alike; the script reports how far the
results differ and prints a markdown table. Reference: an open Python replication of the
Scholz et al. code needs 13.1 s for 10,000 draws on this machine; the target is under 0.2 s.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from accord.models import base
from accord.models.eum import ExpectedUtilityModel
from accord.scenario.compile import Problem

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "eum"
REFERENCE_SECONDS = 13.1  # open Python replication, 10,000 draws, this machine
TARGET_SECONDS = 0.2
TOLERANCE = 1e-12
ROUNDS = 10


def emission() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Capabilities, positions on [0, 1] (4-10 years) and saliences on [0, 1]."""
    with (DATA / "bdm1994_emission_standards.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    capability = np.array([float(row["capability"]) for row in rows])
    position = (np.array([float(row["position_years"]) for row in rows]) - 4.0) / 6.0
    salience = np.array([float(row["salience"]) for row in rows]) / 100.0
    return capability, position, salience


def sample(draws: int, seed: int = 0) -> Problem:
    """``draws`` noisy copies of the emission case (noise sd 0.02 on [0, 1], 5 % capability)."""
    capability, position, salience = emission()
    rng = np.random.default_rng(seed)
    shape = (draws, position.size)
    return Problem.from_arrays(
        np.clip(capability * (1.0 + rng.normal(0.0, 0.05, shape)), 0.0, None),
        np.clip(position + rng.normal(0.0, 0.02, shape), 0.0, 1.0)[:, :, None],
        np.clip(salience + rng.normal(0.0, 0.02, shape), 0.0, 1.0)[:, :, None],
    )


# --- the naive baseline: one draw at a time ---------------------------------------------------


def naive_probability(x: np.ndarray, w: np.ndarray, exponent: np.ndarray, span: float) -> Any:
    """P[i, j] = Σ_k max(0, w_k(d_kj^r_k − d_ki^r_k)) / Σ_{a,b,k} |w_k(d_kb^r_k − d_ka^r_k)|."""
    powered = (np.abs(x[:, None] - x[None, :]) / span) ** exponent[:, None]  # [k, j]
    votes = w[:, None, None] * (powered[:, None, :] - powered[:, :, None])  # [k, i, j]
    total = np.abs(votes).sum()
    return np.maximum(votes, 0.0).sum(axis=0) / total if total > 0 else np.zeros_like(powered)


def naive_round(x: np.ndarray, c: np.ndarray, s: np.ndarray, span: float) -> np.ndarray:
    """One scholz-code round for one draw (Q = 1, risk on)."""
    n = x.size
    span = max(span, x.max() - x.min())
    span = span if span > TOLERANCE else 1.0
    w = c * s
    d = np.minimum(np.abs(x[:, None] - x[None, :]) / span, 1.0)
    p1 = naive_probability(x, w, np.ones(n), span)
    linear = 2 * d * (1 - 2 * s[None, :] * (1 - p1))  # [c, t]: c challenging t at r = 1
    security = [sum(linear[j, i] for j in range(n) if j != i) for i in range(n)]
    high, low = max(security), min(security)
    scaled = [(2 * v - high - low) / (high - low) if high - low > TOLERANCE else 0.0
              for v in security]  # fmt: skip
    r = np.array([(1 - v / 3) / (1 + v / 3) for v in scaled])
    p = naive_probability(x, w, r, span)
    new = x.copy()
    for i in range(n):
        best: tuple[float, float, float, int] | None = None  # (rank, key, landing, j)
        for j in range(n):
            if i == j or abs(x[i] - x[j]) <= TOLERANCE:
                continue
            success = 2 - 4 * (0.5 - 0.5 * d[i, j]) ** r[i]
            failure = 2 - 4 * (0.5 + 0.5 * d[i, j]) ** r[i]
            settled = 2 - 4 * 0.5 ** r[i]
            a = s[j] * (p[i, j] * success + (1 - p[i, j]) * failure) + (1 - s[j]) * success
            b = s[i] * (p[j, i] * success + (1 - p[j, i]) * failure) + (1 - s[i]) * success
            a, b = a - settled, b - settled
            if a > TOLERANCE and b - a > TOLERANCE:
                offer = (0.0, d[i, j], x[j], j)
            elif a < -TOLERANCE and b > TOLERANCE and a + b > TOLERANCE:
                key = (abs(a) * x[i] + abs(b) * x[j]) / (abs(a) + abs(b))
                offer = (1.0, (key - x.min()) / span, x[j] - (x[j] - x[i]) * (1 - abs(a / b)), j)
            else:
                continue
            if best is None or (offer[0], offer[1]) < (best[0], best[1] - TOLERANCE) or (
                offer[0] == best[0] and abs(offer[1] - best[1]) <= TOLERANCE
                and offer[2] < best[2] - TOLERANCE
            ):  # fmt: skip
                best = offer
        if best is not None:
            new[i] = best[2]
    return new


def naive_forecast(x: np.ndarray, c: np.ndarray, s: np.ndarray) -> float:
    """Run up to ROUNDS rounds (stopping when nothing moves); the c·s-weighted median."""
    span = x.max() - x.min()
    for _ in range(ROUNDS):
        moved = naive_round(x, c, s, span)
        if np.array_equal(moved, x):
            break
        x = moved
    w = c * s if (c * s).sum() > 0 else np.ones_like(c)
    order = np.argsort(x, kind="stable")
    cumulative = np.cumsum(w[order])
    return float(x[order][np.argmax(cumulative >= cumulative[-1] / 2 * (1 - 1e-12))])


def naive(problem: Problem) -> np.ndarray:
    """The per-draw loop: every draw run alone, in Python."""
    forecasts = np.empty((problem.draws, 1))
    for b in range(problem.draws):
        x = problem.position[b, :, 0].copy()
        forecasts[b, 0] = naive_forecast(x, problem.capability[b], problem.salience[b, :, 0])
    return forecasts


# --- timing ---------------------------------------------------------------------------------


def load_revision(revision: str) -> Any:
    """Import the model as it was at a git revision, beside the installed one.

    Its files are written to a temporary folder and imported under other names (the model's
    import of its kernels redirected to the old kernels); its model class registers under the
    same name as the installed one, so the registry is restored afterwards.
    """
    root = Path(__file__).resolve().parents[1]
    folder = Path(tempfile.mkdtemp(prefix="eum_compared_"))

    def source(name: str) -> str | None:
        shown = subprocess.run(
            ["git", "show", f"{revision}:src/accord/models/{name}"],
            cwd=root, capture_output=True, text=True, check=False,
        )  # fmt: skip
        return shown.stdout if shown.returncode == 0 else None

    model = source("eum.py")
    if model is None:
        raise SystemExit(f"no src/accord/models/eum.py at git revision {revision!r}")
    kernels = source("eum_kernels.py")
    if kernels is not None:
        (folder / "eum_compared_kernels.py").write_text(kernels)
        _import(folder / "eum_compared_kernels.py")
        model = model.replace("from accord.models.eum_kernels", "from eum_compared_kernels")
    (folder / "eum_compared.py").write_text(model)
    return _import(folder / "eum_compared.py")


def _import(path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    saved = dict(base._REGISTRY)
    base._REGISTRY.pop("eum", None)
    try:
        spec.loader.exec_module(module)
    finally:
        base._REGISTRY.clear()
        base._REGISTRY.update(saved)
    return module


def best_of(
    runs: list[Callable[[], Any]], repeat: int, *, warm_up: bool = True
) -> list[tuple[float, float, Any]]:
    """Best wall time (time.perf_counter) and best CPU time (time.process_time) of ``repeat``
    runs of each callable, interleaved, after an untimed warm-up run of each. CPU time shows
    the work when the machine is shared."""
    results: list[Any] = [run() if warm_up else None for run in runs]
    wall, cpu = [np.inf] * len(runs), [np.inf] * len(runs)
    for _ in range(repeat):
        for k, run in enumerate(runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            results[k] = run()
            wall[k] = min(wall[k], time.perf_counter() - start)
            cpu[k] = min(cpu[k], time.process_time() - start_cpu)
    return [(float(wall[k]), float(cpu[k]), results[k]) for k in range(len(runs))]


def _runner(model: Any, problem: Problem) -> Callable[[], Any]:
    """A call of ``model.run(problem)`` (or of ``model(problem)`` for a plain function)."""
    run = model if callable(model) and not hasattr(model, "run") else model.run
    return lambda: run(problem)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 1000, 10000])
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--compare", metavar="REVISION", help="git revision to time side by side")
    parser.add_argument("--no-naive", action="store_true", help="skip the per-draw loop")
    args = parser.parse_args()

    models = [ExpectedUtilityModel(max_rounds=ROUNDS)]
    if args.compare:
        models.append(load_revision(args.compare).ExpectedUtilityModel(max_rounds=ROUNDS))
    print(f"EUM, emission case, scholz-code, up to {ROUNDS} rounds; best of {args.repeat}; "
          f"Python {platform.python_version()}, NumPy {np.__version__}\n")  # fmt: skip
    header = "| draws | accord wall (s) | accord CPU (s) |"
    if args.compare:
        header += f" {args.compare} wall (s) | CPU (s) | speed-up (CPU) | max abs diff |"
    if not args.no_naive:
        header += " naive loop (s) | speed-up | max abs diff |"
    print(header + " draws/s |")
    print("|---:" * (header.count("|") - 1) + "|---:|")
    for draws in args.sizes:
        problem = sample(draws, args.seed)
        timed = best_of([_runner(model, problem) for model in models], args.repeat)
        wall, cpu, outcome = timed[0]
        row = f"| {draws:,} | {wall:.4f} | {cpu:.4f} |"
        if args.compare:
            other_wall, other_cpu, other = timed[1]
            positions = (outcome.trace["positions"], other.trace["positions"])
            same = np.array_equal(outcome.settlement, other.settlement) and np.array_equal(
                *positions
            )
            difference = np.max(np.abs(positions[0] - positions[1]))
            exact = " (identical)" if same else ""
            row += f" {other_wall:.4f} | {other_cpu:.4f} | {other_cpu / cpu:.2f}× | "
            row += f"{difference:.1e}{exact} |"
        if not args.no_naive:
            ((slow, _, theirs),) = best_of([_runner(naive, problem)], 1, warm_up=False)
            difference = float(np.max(np.abs(outcome.settlement - theirs)))
            row += f" {slow:.3f} | {slow / wall:,.0f}× | {difference:.1e} |"
        print(row + f" {draws / wall:,.0f} |")
        if draws == 10000:
            print(f"\n10,000 draws: {REFERENCE_SECONDS / wall:.0f}× faster than the open Python "
                  f"replication ({REFERENCE_SECONDS} s); target under {TARGET_SECONDS} s: "
                  f"{'met' if wall < TARGET_SECONDS else 'not met'} ({wall:.3f} s).\n")  # fmt: skip


if __name__ == "__main__":
    main()
