"""Compare accord's exchange model with the Decide reference, side by side, and time both.

The reference (PyPI ``decide-exchange-model`` 2022.1.28, GPL-3.0) runs as an outside program in
its own virtual environment; nothing of it is imported here. Set it up once::

    python3 -m venv /work/decide-venv && /work/decide-venv/bin/pip install decide-exchange-model

Then, from the repository root with accord's environment active::

    python benchmarks/bench_exchange.py                   # compare the cases, time 1,000 draws
    python benchmarks/bench_exchange.py --capture         # (re)write tests/data/exchange/*.json
    python benchmarks/bench_exchange.py --decide-python /path/to/decide-venv/bin/python

Each case is written in Decide's input format (``#A`` actors, ``#P``/``#M`` issues on 0-100,
``#D`` actor-issue rows with position, salience on [0, 1] and power) and run with
``decide-cli -m equal -p 0`` for 10 rounds (``benchmarks/decide_cli.py``, which runs inside the
reference's environment). The script reads back the exchanges of every round, the positions
(preference and voting) of every actor per round and the externalities of every exchange, and
compares them with accord's. ``--capture`` stores inputs and reference outputs as JSON for
``tests/regression/test_exchange_decide.py``, which then needs nothing outside the clone.

Timing: accord runs 1,000 jittered draws of each case in one batched call (best of 3); the
reference runs a sample of the same draws one CLI call each (that is how it is used: one input
file per run), and ``benchmarks/decide_cli.py`` also times its model's own computation inside
that process (without start-up and output writing); both are reported per 1,000 draws, and the
final positions of the sampled draws are compared.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from accord.models.exchange import ExchangeModel
from accord.scenario.compile import Problem

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "exchange"
WRAPPER = ROOT / "benchmarks" / "decide_cli.py"
DECIDE_PYTHON = Path(os.environ.get("DECIDE_PYTHON", "/work/decide-venv/bin/python"))
ROUNDS = 10


def _case(seed: int, actors: int, issues: int) -> dict[str, Any]:
    """A hand-made-looking case: positions on a grid of 5, saliences and capabilities varied."""
    rng = np.random.default_rng(seed)
    position = rng.integers(0, 21, (actors, issues)) * 0.05
    salience = np.round(rng.uniform(0.1, 1.0, (actors, issues)), 2)
    capability = np.round(rng.uniform(5, 100, actors), 0)
    return {
        "actors": [f"a{k}" for k in range(actors)],
        "issues": [f"i{d}" for d in range(issues)],
        "capability": capability.tolist(),
        "position": position.tolist(),
        "salience": salience.tolist(),
    }


CASES: dict[str, dict[str, Any]] = {
    "three-actors": {
        "actors": ["a0", "a1", "a2"],
        "issues": ["i0", "i1"],
        "capability": [40.0, 30.0, 30.0],
        "position": [[0.0, 0.0], [1.0, 1.0], [0.7, 0.2]],
        "salience": [[0.1, 0.9], [0.6, 0.5], [0.4, 0.3]],
    },
    "five-actors": _case(11, 5, 3),
    "six-actors": _case(5, 6, 3),
    "eight-actors": _case(7, 8, 4),
}


def problem_of(case: dict[str, Any], draws: int = 1, seed: int | None = None) -> Problem:
    """The case as a problem; ``seed`` jitters positions (sd 0.03) and saliences (sd 0.05)."""
    capability = np.array(case["capability"], dtype=float)[None].repeat(draws, axis=0)
    position = np.array(case["position"], dtype=float)[None].repeat(draws, axis=0)
    salience = np.array(case["salience"], dtype=float)[None].repeat(draws, axis=0)
    if seed is not None:
        rng = np.random.default_rng(seed)
        position = np.clip(position + rng.normal(0, 0.03, position.shape), 0, 1)
        salience = np.clip(salience + rng.normal(0, 0.05, salience.shape), 0.05, 1)
    problem = Problem.from_arrays(capability, position, salience)
    ids = {"actor_ids": tuple(case["actors"]), "issue_ids": tuple(case["issues"])}
    return dataclasses.replace(problem, **ids)


def write_decide_input(problem: Problem, draw: int, path: Path) -> None:
    """Decide's input format: tab-separated, quoted names, positions 0-100, power ≤ 100."""
    capability = problem.capability[draw] / problem.capability[draw].max() * 100
    lines = [f"'#A'\t'{actor}'\t'{actor}'\t''" for actor in problem.actor_ids]
    for issue in problem.issue_ids:
        lines.append(f"'#P'\t'{issue}'\t'{issue}'\t'{issue}'")
        lines += [f"'#M'\t'{issue}'\t0", f"'#M'\t'{issue}'\t100"]
    for a, actor in enumerate(problem.actor_ids):
        for d, issue in enumerate(problem.issue_ids):
            lines.append(
                f"'#D'\t'{actor}'\t'{issue}'\t{float(100 * problem.position[draw, a, d])!r}\t"
                f"{float(problem.salience[draw, a, d])!r}\t{float(capability[a])!r}"
            )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def run_decide(path: Path, out: Path, rounds: int = ROUNDS) -> tuple[float, float]:
    """Run the reference on one input file; return its wall time and its model's own time."""
    command = [
        str(DECIDE_PYTHON), str(WRAPPER), "--input_file", str(path), "--output_dir", str(out),
        "-i", str(rounds), "-m", "equal", "--start", "0", "--stop", "0", "--step", "0",
    ]  # fmt: skip
    start = time.perf_counter()
    environment = {**os.environ, "MPLBACKEND": "Agg", "DECIDE_TIMING": "1"}
    done = subprocess.run(command, check=True, capture_output=True, env=environment, text=True)
    wall = time.perf_counter() - start
    found = re.search(r"model seconds: ([0-9.]+)", done.stderr)
    return wall, float(found.group(1)) if found else float("nan")


def _issue_name(text: str) -> str:
    match = re.match(r"^(\S+) \[", text)
    return match.group(1) if match else text


def _block(lines: list[str], title: str) -> list[list[str]]:
    start = lines.index(title) + 2
    rows = []
    for line in lines[start:]:
        if not line.strip():
            break
        rows.append(line.split(";"))
    return rows


def read_decide(out: Path, problem: Problem) -> dict[str, Any]:
    """The reference's exchanges, positions per round and externalities, from its CSV output."""
    (folder,) = [p for p in out.iterdir() if p.is_dir()]
    (run,) = [p for p in folder.iterdir() if p.is_dir()]
    rounds: list[list[dict[str, Any]]] = []
    for k in range(1, ROUNDS + 1):
        (file,) = (run / "exchanges" / "0").glob(f"round.{k}.*.csv")
        rows = [line.split(";") for line in file.read_text().splitlines()[1:] if line.strip()]
        exchanges = []
        for row in rows:
            side = []
            for o in (0, 22):
                side.append(
                    {
                        "actor": row[o],
                        "issue": _issue_name(row[o + 1]),
                        "start": float(row[o + 6]),
                        "move": float(row[o + 7]),
                        "voting": float(row[o + 8]),
                        "gain": float(row[o + 16]),
                        "nbs0": float(row[o + 17]),
                        "nbs1": float(row[o + 18]),
                    }
                )
            exchanges.append({"i": side[0], "j": side[1]})
        text = (run / "externalities" / "0" / f"externalities.{k}.csv").read_text().splitlines()
        realized = _block(text, "Realizations")
        for exchange, row in zip(exchanges, realized, strict=True):
            exchange["third_party"] = sum(float(v) for v in row[4:8])
        rounds.append(exchanges)
    preference = np.zeros((ROUNDS, problem.n_actors, problem.n_issues))
    voting = np.zeros_like(preference)
    index = {actor: a for a, actor in enumerate(problem.actor_ids)}
    for d, issue in enumerate(problem.issue_ids):
        (file,) = (run / "issues" / "0" / "csv").glob(f"{issue} [[]*.csv")
        lines = file.read_text().splitlines()
        for target, title in (
            (preference, "Preference development MDS and all actors"),
            (voting, "Voting development MDS and all actors"),
        ):
            for row in _block(lines, title)[1:]:
                target[:, index[row[0]], d] = [float(v) for v in row[3 : 3 + ROUNDS]]
    return {"exchanges": rounds, "preference": preference.tolist(), "voting": voting.tolist()}


def accord_view(problem: Problem, draw: int = 0) -> dict[str, Any]:
    """accord's run of one draw in the reference's terms (positions on 0-100, gains × 100)."""
    outcome = ExchangeModel(max_rounds=ROUNDS).run(problem.take([draw]))
    trace = outcome.trace
    positions = 100 * np.asarray(trace["positions"])[0]
    voting = 100 * np.asarray(trace["voting"])[0]
    pad = ROUNDS + 1 - positions.shape[0]
    if pad > 0:
        positions = np.concatenate([positions, np.repeat(positions[-1:], pad, 0)])
        voting = np.concatenate([voting, np.repeat(voting[-1:], pad, 0)])
    rounds: list[list[dict[str, Any]]] = [[] for _ in range(ROUNDS)]
    for record in trace["exchanges"]:
        rounds[record["round"] - 1].append(record)
    return {
        "exchanges": rounds,
        "preference": positions[:ROUNDS],
        "voting": voting[1 : ROUNDS + 1],
        "settlement": 100 * outcome.settlement[0],
    }


def compare(problem: Problem, reference: dict[str, Any], draw: int = 0) -> dict[str, Any]:
    """Largest differences between accord and the reference (positions on 0-100)."""
    ours = accord_view(problem, draw)
    same_exchanges = True
    worst_exchange = 0.0
    count = 0
    for mine, theirs in zip(ours["exchanges"], reference["exchanges"], strict=True):
        if len(mine) != len(theirs):
            same_exchanges = False
            continue
        for record, row in zip(mine, theirs, strict=True):
            count += 1
            names = (record["i"], record["i_issue"], record["j"], record["j_issue"])
            theirs = (row["i"]["actor"], row["i"]["issue"], row["j"]["actor"], row["j"]["issue"])
            if names != theirs:
                same_exchanges = False
                continue
            third = sum(record["externalities"].values()) * 100
            numbers = [
                (100 * record["i_from"], row["i"]["start"]),
                (100 * record["i_to"], row["i"]["voting"]),
                (100 * record["j_from"], row["j"]["start"]),
                (100 * record["j_to"], row["j"]["voting"]),
                (100 * record["gain"], row["i"]["gain"]),
                (third, row["third_party"]),
            ]
            worst_exchange = max([worst_exchange] + [abs(a - b) for a, b in numbers])
    preference = np.abs(ours["preference"] - np.asarray(reference["preference"])).max()
    voting = np.abs(ours["voting"] - np.asarray(reference["voting"])).max()
    return {
        "exchanges": count,
        "same_exchanges": same_exchanges,
        "exchange_diff": worst_exchange,
        "preference_diff": float(preference),
        "voting_diff": float(voting),
    }


def reference_of(problem: Problem, draw: int = 0) -> tuple[dict[str, Any], tuple[float, float]]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "case.csv"
        write_decide_input(problem, draw, path)
        seconds = run_decide(path, Path(folder) / "out")
        return read_decide(Path(folder) / "out", problem), seconds


def capture() -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    for name, case in CASES.items():
        problem = problem_of(case)
        reference, _ = reference_of(problem)
        data = {
            "source": "decide-exchange-model 2022.1.28, decide-cli -m equal -p 0 -i 10 "
            "(benchmarks/bench_exchange.py --capture)",
            "input": case,
            "reference": reference,
        }
        (DATA / f"{name}.json").write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {DATA / f'{name}.json'}: {compare(problem, reference)}")


def best_of(run: Any, repeat: int = 3) -> float:
    run()
    best = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return float(best)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--capture", action="store_true", help="rewrite tests/data/exchange")
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--sample", type=int, default=5, help="reference runs per case")
    parser.add_argument("--decide-python", type=Path, default=None)
    args = parser.parse_args()
    global DECIDE_PYTHON
    if args.decide_python is not None:
        DECIDE_PYTHON = args.decide_python
    if args.capture:
        capture()
        return
    print("| case | actors × issues | exchanges | same exchanges | max diff: exchanges | "
          "positions | voting positions |")  # fmt: skip
    print("|---|---|---:|---|---:|---:|---:|")
    for name, case in CASES.items():
        problem = problem_of(case)
        reference, _ = reference_of(problem)
        found = compare(problem, reference)
        print(
            f"| {name} | {problem.n_actors} × {problem.n_issues} | {found['exchanges']} | "
            f"{'yes' if found['same_exchanges'] else 'NO'} | {found['exchange_diff']:.1e} | "
            f"{found['preference_diff']:.1e} | {found['voting_diff']:.1e} |"
        )
    print()
    print(f"| case | accord, {args.draws:,} draws (s) | reference per draw: wall (s) | "
          f"of which its model (s) | reference, {args.draws:,} draws: wall (s) | speed-up | "
          f"speed-up on the model's own time | sampled draws agree to |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, case in CASES.items():
        problem = problem_of(case, args.draws, seed=1)
        ours = best_of(lambda problem=problem: ExchangeModel(max_rounds=ROUNDS).run(problem))
        walls, models, worst = [], [], 0.0
        for draw in range(args.sample):
            reference, (wall, model) = reference_of(problem, draw)
            walls.append(wall)
            models.append(model)
            worst = max(worst, compare(problem, reference, draw)["preference_diff"])
        wall, model = float(np.mean(walls)), float(np.mean(models))
        print(
            f"| {name} | {ours:.3f} | {wall:.2f} | {model:.3f} | {wall * args.draws:,.0f} | "
            f"{wall * args.draws / ours:,.0f}× | {model * args.draws / ours:,.0f}× | {worst:.1e} |"
        )


if __name__ == "__main__":
    main()
