"""Monte Carlo forecasts: sample every ranged input, run each model, summarise the spread.

Every number given as a range ``[low, high]`` (uniform) or ``{low, mode, high}``
(triangular) is sampled by :func:`accord.scenario.compile`; each model runs batched on the
sampled :class:`~accord.scenario.Problem`. Per model and issue the summary gives the median,
the 80 % interval (10th and 90th percentiles), the mean and standard deviation, the
probability that the settlement falls in each labelled band of the issue's scale, and the
Spearman rank correlation of settlements between issues (how issues move together).

Reproducibility does not depend on how the work is split. The N draws are cut into blocks of
:data:`BLOCK_SIZE`; block k draws from ``SeedSequence(seed).spawn(...)[k]`` (itself split
into one stream for sampling and one for stochastic models), whatever the number of blocks
per chunk or the backend that runs the chunks. The first n draws of a run are the same for
every N ≥ n.

References
----------
O'Neill, M. E. (2015). PCG: a family of simple fast space-efficient statistically good
algorithms for random number generation. Harvey Mudd College, HMC-CS-2014-0905 (the
``SeedSequence`` design used for independent streams).
Spearman, C. (1904). The proof and measurement of association between two things. *American
Journal of Psychology* 15(1):72-101.
Hyndman, R. J. & Fan, Y. (1996). Sample quantiles in statistical packages. *The American
Statistician* 50(4):361-365 (the linear interpolation, type 7, used for the percentiles).
"""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import Any

import numpy as np

from accord.analysis.forecast import (
    Forecast,
    IssueForecast,
    ModelForecast,
    check_against_zone,
    concessions,
    ensemble_json,
    require_finite,
)
from accord.analysis.labels import few_draws
from accord.analysis.zone import Zone, zone
from accord.engines.local import Engine, InProcessExecutor, chunk_size, chunks
from accord.errors import InputError
from accord.frames import Tabular
from accord.models.base import ForecastModel, Outcome, model_label, parameters
from accord.scenario.compile import BoolArray, FloatArray, Problem, compile, label_for
from accord.scenario.schema import Issue, Scenario

BLOCK_SIZE = 250
DEFAULT_DRAWS = 2000
INTERVAL = (0.1, 0.9)

Progress = Callable[[int, int], None]


def new_seed() -> int:
    """A fresh random seed (32 bits), reported so the run can be repeated."""
    return secrets.randbits(32)


def block_seed(seed: int, index: int) -> np.random.SeedSequence:
    """Block ``index``'s seed: the same as ``SeedSequence(seed).spawn(n)[index]`` for any n."""
    return np.random.SeedSequence(entropy=seed, spawn_key=(index,))


def block_sizes(draws: int, block_size: int = BLOCK_SIZE) -> list[int]:
    """The sizes of the blocks ``draws`` is cut into."""
    full, rest = divmod(draws, block_size)
    return [block_size] * full + ([rest] if rest else [])


@dataclass(frozen=True)
class _Task:
    """What a worker needs to run blocks of draws (pickled to other processes)."""

    scenario: Scenario
    models: tuple[ForecastModel, ...]
    seed: int
    draws: int
    block_size: int


@dataclass(frozen=True)
class _Blocks:
    """The result of a chunk: per model, settlements on [0, 1] and feasibility, in order."""

    settlement: dict[str, FloatArray]
    feasible: dict[str, BoolArray]


def run_blocks(task: _Task, blocks: Sequence[int]) -> _Blocks:
    """Sample and run the given blocks of draws (the unit of work handed to executors)."""
    sizes = block_sizes(task.draws, task.block_size)
    settlement: dict[str, list[FloatArray]] = {model_label(m): [] for m in task.models}
    feasible: dict[str, list[BoolArray]] = {}
    for index in blocks:
        sampling, modelling = block_seed(task.seed, index).spawn(2)
        problem = compile(task.scenario, draws=sizes[index], rng=np.random.default_rng(sampling))
        for model in task.models:
            outcome = model.run(problem, rng=np.random.default_rng(modelling))
            require_finite(model_label(model), problem, outcome.settlement)
            settlement[model_label(model)].append(np.asarray(outcome.settlement, dtype=np.float64))
            flags = outcome.trace.get("feasible")
            if isinstance(flags, np.ndarray) and flags.shape == (problem.draws,):
                feasible.setdefault(model_label(model), []).append(flags.astype(bool))
    return _Blocks(
        {name: np.concatenate(parts) for name, parts in settlement.items()},
        {name: np.concatenate(parts) for name, parts in feasible.items()},
    )


@dataclass(frozen=True)
class Band:
    """The part of an issue's scale nearest to one labelled anchor."""

    label: str
    anchor: float
    low: float
    high: float


def bands(issue: Issue) -> list[Band]:
    """The issue's labelled bands: each anchor's stretch between midpoints to its neighbours.

    A value exactly halfway between two anchors belongs to the lower one, as in
    :func:`accord.scenario.label_for`. Anchors at the same value keep the first label.
    """
    anchors: dict[float, str] = {}
    for anchor in sorted(issue.anchors, key=lambda item: item.value):
        anchors.setdefault(anchor.value, anchor.label)
    values = list(anchors)
    edges = [issue.min, *((a + b) / 2 for a, b in itertools.pairwise(values)), issue.max]
    return [Band(anchors[value], value, edges[k], edges[k + 1]) for k, value in enumerate(values)]


def band_probabilities(values: FloatArray, issue_bands: Sequence[Band]) -> FloatArray:
    """Share of ``values`` in each band (a value on an inner edge goes to the lower band)."""
    if not issue_bands:
        return np.zeros(0)
    inner = np.array([band.high for band in issue_bands[:-1]])
    index = np.searchsorted(inner, values, side="left")
    return np.bincount(index, minlength=len(issue_bands)) / max(len(values), 1)


def spearman(values: FloatArray) -> FloatArray:
    """Spearman's rank correlation between the columns of ``values`` [N, I].

    Ties get average ranks. Columns that do not vary correlate with nothing (NaN), except with
    themselves (1).
    """
    from scipy.stats import rankdata  # imported here: scipy.stats takes ~1 s to import

    ranks = rankdata(values, axis=0)
    centred = ranks - ranks.mean(axis=0)
    norm = np.sqrt((centred**2).sum(axis=0))
    with np.errstate(invalid="ignore", divide="ignore"):
        matrix = (centred.T @ centred) / np.outer(norm, norm)
    matrix = np.clip(matrix, -1.0, 1.0)
    np.fill_diagonal(matrix, 1.0)
    return matrix


@dataclass(frozen=True)
class IssueSummary:
    """The distribution of one model's settlement on one issue, in the issue's unit."""

    median: float
    low: float
    high: float
    mean: float
    sd: float
    label: str
    bands: tuple[tuple[Band, float], ...]


@dataclass(frozen=True)
class ModelSummary:
    """One model's summary over all draws."""

    issues: dict[str, IssueSummary]
    comovement: FloatArray
    deal_probability: float | None


@dataclass(frozen=True, eq=False, repr=False)
class MonteCarlo(Tabular):
    """The draws of a Monte Carlo run and their summaries.

    Attributes
    ----------
    scenario
        The scenario as evaluated (as of its date, what-if changes applied).
    problem
        The scenario compiled at its point values (for scales and the actors' range).
    seed
        The seed that reproduces the run.
    settlement
        Per model, ``[N, I]`` settlements in the issues' units.
    feasible
        Per model that reports it (Nash), ``[N]`` whether a deal exists in each draw.
    """

    scenario: Scenario
    problem: Problem
    seed: int
    settlement: dict[str, FloatArray]
    feasible: dict[str, BoolArray] = field(default_factory=dict)
    model_parameters: dict[str, dict[str, Any]] = field(default_factory=dict)
    zone: Zone | None = None
    kinds: dict[str, str] = field(default_factory=dict)

    @property
    def draws(self) -> int:
        """Number of draws N."""
        first = next(iter(self.settlement.values()))
        return int(first.shape[0])

    @cached_property
    def summary(self) -> dict[str, ModelSummary]:
        """Per model: per-issue distributions, co-movement and the chance of a deal."""
        result: dict[str, ModelSummary] = {}
        for name, values in self.settlement.items():
            issues: dict[str, IssueSummary] = {}
            for column, issue_id in enumerate(self.problem.issue_ids):
                issue = self.scenario.issue(issue_id)
                column_values = values[:, column]
                low, median, high = np.quantile(column_values, [INTERVAL[0], 0.5, INTERVAL[1]])
                issue_bands = bands(issue)
                shares = band_probabilities(column_values, issue_bands)
                issues[issue_id] = IssueSummary(
                    median=float(median),
                    low=float(low),
                    high=float(high),
                    mean=float(column_values.mean()),
                    sd=float(column_values.std(ddof=1)) if len(column_values) > 1 else 0.0,
                    label=label_for(issue, float(median)),
                    bands=tuple(zip(issue_bands, (float(p) for p in shares), strict=True)),
                )
            flags = self.feasible.get(name)
            result[name] = ModelSummary(
                issues,
                spearman(values),
                None if flags is None else float(flags.mean()),
            )
        return result

    @property
    def warnings(self) -> tuple[str, ...]:
        """Too few draws for the intervals, band shares and co-movement (:mod:`.labels`)."""
        warning = few_draws(self.draws, "the 80 % intervals, outcome-band shares and co-movement")
        return (warning,) if warning else ()

    def medians(self) -> dict[str, dict[str, float]]:
        """Per model and issue, the median settlement."""
        return {
            name: {issue: item.median for issue, item in summary.issues.items()}
            for name, summary in self.summary.items()
        }

    def to_json(self) -> dict[str, Any]:
        """DESIGN.md's forecast layout: ``value`` is the median, ``low``/``high`` the 80 % interval.

        Adds per issue ``mean``, ``sd`` and ``bands``, and per model ``comovement`` (and
        ``deal_probability`` for models that can find no deal), and ``ensemble``: per issue the
        band across models (min–max of their medians, and the envelope of their intervals),
        and ``warnings`` (too few draws). A band's ``probability`` is a share of draws under
        that model, not a calibrated probability (:mod:`accord.analysis.labels`).
        """
        models: dict[str, Any] = {}
        for name, summary in self.summary.items():
            entry: dict[str, Any] = {
                "issues": {
                    issue_id: {
                        "value": _round(item.median),
                        "label": item.label,
                        "low": _round(item.low),
                        "high": _round(item.high),
                        "mean": _round(item.mean),
                        "sd": _round(item.sd),
                        "bands": [
                            {
                                "label": band.label,
                                "from": band.low,
                                "to": band.high,
                                "probability": _round(share),
                            }
                            for band, share in item.bands
                        ],
                    }
                    for issue_id, item in summary.issues.items()
                },
                "comovement": {
                    "method": "spearman",
                    "issues": list(self.problem.issue_ids),
                    "matrix": [[_round(float(v)) for v in row] for row in summary.comovement],
                },
                "trace": {},
            }
            if summary.deal_probability is not None:
                entry["deal_probability"] = _round(summary.deal_probability)
            models[name] = entry
        point = self.to_forecast()
        for name, entry in models.items():
            checked = point.models[name]
            entry.update(
                {
                    "kind": checked.kind,
                    "in_zone": checked.in_zone,
                    "rejected_by": list(checked.rejected_by),
                }
            )
            for issue_id, item in entry["issues"].items():
                item["in_zone"] = checked.issues[issue_id].in_zone
                item["rejected_by"] = list(checked.issues[issue_id].rejected_by)
        result: dict[str, Any] = {
            "scenario": self.scenario.id,
            "as_of": self.problem.as_of.isoformat() if self.problem.as_of else None,
            "seed": self.seed,
            "draws": self.draws,
        }
        if self.zone is not None:
            result["zone"] = self.zone.to_json()
            result["verdict"] = self.zone.verdict()
        result["models"] = models
        result["ensemble"] = ensemble_json(point, intervals=True)
        result["warnings"] = list(self.warnings)
        return result

    def to_forecast(self) -> Forecast:
        """The medians and 80 % intervals as a :class:`Forecast`, for the forecast renderers.

        Who concedes most is judged at the median, from the actors' point-value positions.
        """
        results: dict[str, ModelForecast] = {}
        for name, summary in self.summary.items():
            median = np.array([[summary.issues[i].median for i in self.problem.issue_ids]])
            concession = concessions(self.problem, self.problem.to_unit_scale(median))[0]
            issues: dict[str, IssueForecast] = {}
            for column, issue_id in enumerate(self.problem.issue_ids):
                item = summary.issues[issue_id]
                by_actor = {
                    actor: float(concession[a, column])
                    for a, actor in enumerate(self.problem.actor_ids)
                }
                most = max(by_actor, key=lambda actor: by_actor[actor])
                issues[issue_id] = IssueForecast(
                    item.median,
                    item.label,
                    item.low,
                    item.high,
                    most if by_actor[most] > 0 else None,
                    by_actor,
                )
            outcome = Outcome(name, self.problem.to_unit_scale(self.settlement[name]))
            results[name] = check_against_zone(
                ModelForecast(name, issues, outcome, {}),
                self.kinds.get(name, "collective-choice"),
                self.problem,
                self.zone,
            )
        return Forecast(self.scenario, self.problem, results, self.seed, self.zone)


def _round(value: float) -> float | None:
    return round(value, 10) if np.isfinite(value) else None


def simulate(
    scenario: Scenario,
    models: Sequence[ForecastModel],
    *,
    draws: int = DEFAULT_DRAWS,
    seed: int | None = None,
    engine: Engine | None = None,
    blocks_per_chunk: int | None = None,
    block_size: int = BLOCK_SIZE,
    progress: Progress | None = None,
) -> MonteCarlo:
    """Run ``models`` on ``draws`` samples of ``scenario``'s ranged inputs.

    Parameters
    ----------
    scenario
        The scenario to evaluate, as returned by :func:`accord.analysis.whatif.current` (its
        dated updates already applied) or any scenario whose updates should all apply.
    models
        Model instances.
    draws
        Number of draws N.
    seed
        Seed of the run; ``None`` draws a fresh one (reported in the result).
    engine
        Where chunks run (default: in process); see :func:`accord.engines.open_engine`.
    blocks_per_chunk
        Blocks of draws per chunk handed to the executor (default: one in process, else about
        four chunks per worker). Does not change the results.
    block_size
        Draws per seeded block. Changing it changes the draws; keep the default.
    progress
        Called with (draws done, draws in all) as chunks finish.
    """
    if draws < 1:
        raise InputError.single(
            None,
            f"--draws must be at least 1, got {draws}",
            path=("--draws",),
            hint="use --draws 2000",
        )
    if not models:
        raise InputError.single(
            None, "no model to run", path=("--model",), hint="see `accord models`"
        )
    seed = new_seed() if seed is None else int(seed)
    if seed < 0:
        raise InputError.single(
            None, f"--seed must not be negative, got {seed}", path=("--seed",), hint="use 0 or more"
        )
    engine = engine or Engine(InProcessExecutor(), "in process", 1)
    sizes = block_sizes(draws, block_size)
    per_chunk = blocks_per_chunk or chunk_size(len(sizes), engine.parallelism)
    work = chunks(list(range(len(sizes))), per_chunk)
    task = _Task(scenario, tuple(models), seed, draws, block_size)
    parts: list[_Blocks] = []
    done = 0
    for part, blocks in zip(
        engine.executor.map(partial(run_blocks, task), work), work, strict=True
    ):
        parts.append(part)
        done += sum(sizes[index] for index in blocks)
        if progress is not None:
            progress(done, draws)
    point = compile(scenario)
    settlement = {
        model_label(model): point.to_units(
            np.concatenate([part.settlement[model_label(model)] for part in parts])
        )
        for model in models
    }
    feasible = {
        name: np.concatenate([part.feasible[name] for part in parts])
        for name in (parts[0].feasible if parts else {})
    }
    return MonteCarlo(
        scenario,
        point,
        seed,
        settlement,
        feasible,
        {model_label(model): parameters(model) for model in models},
        zone=zone(scenario, draws=draws, seed=seed, problem=point),
        kinds={model_label(model): model.traits.kind for model in models},
    )
