"""Global sensitivity of forecasts to a scenario's uncertain inputs: Sobol' and Morris.

The inputs are the scenario's ranged numbers (capabilities, positions, saliences, walk-away
points and status quo values given as ``[low, high]`` or ``{low, mode, high}``), each with
the distribution the Monte Carlo uses. The outputs are each issue's settlement under one
model. Inputs may be grouped per actor or per kind of input; a group's index measures the
inputs of the group moved together.

* **Sobol'** (variance-based): the first-order index S1 of an input is the share of the output
  variance it explains alone, the total index ST the share it takes part in, interactions
  included (Sobol' 2001). Estimated from Saltelli's cross-sampled design built on a scrambled
  Sobol' sequence, with the estimators of Saltelli et al. (2010) and bootstrap confidence
  intervals, through SALib (Herman & Usher 2017). It needs N·(D+2) model runs for D inputs
  (or groups).
* **Morris** (elementary effects): mu* is the mean absolute change of the output when one input
  moves across its range (in the output's unit), sigma the spread of those changes, a sign of
  interaction or non-linearity (Morris 1991; Campolongo, Cariboni & Saltelli 2007). It needs
  r·(D+1) runs for r trajectories: the screening method for slow models.

Inputs are sampled on the unit hypercube and mapped through each number's inverse CDF, the
map :func:`accord.scenario.compile` uses, so the indices describe the same uncertainty as the
Monte Carlo forecast. The tornado data are one-at-a-time swings: the settlement with one input
at its low and at its high end, every other input at its point value.

References
----------
Sobol', I. M. (2001). Global sensitivity indices for nonlinear mathematical models and their
Monte Carlo estimates. *Mathematics and Computers in Simulation* 55(1-3):271-280.
Saltelli, A., Annoni, P., Azzini, I., Campolongo, F., Ratto, M. & Tarantola, S. (2010).
Variance based sensitivity analysis of model output. Design and estimator for the total
sensitivity index. *Computer Physics Communications* 181(2):259-270.
Morris, M. D. (1991). Factorial sampling plans for preliminary computational experiments.
*Technometrics* 33(2):161-174.
Campolongo, F., Cariboni, J. & Saltelli, A. (2007). An effective screening design for
sensitivity analysis of large models. *Environmental Modelling & Software* 22(10):1509-1518.
Herman, J. & Usher, W. (2017). SALib: an open-source Python library for sensitivity analysis.
*Journal of Open Source Software* 2(9):97.
Ishigami, T. & Homma, T. (1990). An importance quantification technique in uncertainty
analysis for computer models. *Proc. ISUMA '90*, 398-403 (the test function).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from accord.analysis.labels import few_draws
from accord.engines.local import Engine, InProcessExecutor
from accord.errors import InputError
from accord.frames import Tabular
from accord.models.base import ForecastModel, parameters
from accord.scenario import checks
from accord.scenario.compile import FloatArray, Problem, compile
from accord.scenario.schema import Scenario

IntArray = npt.NDArray[np.intp]
Method = Literal["sobol", "morris"]
Grouping = Literal["none", "actor", "kind"]
Function = Callable[[FloatArray], FloatArray]
Progress = Callable[[int, int], None]

DEFAULT_SAMPLES = {"sobol": 512, "morris": 40}
MORRIS_LEVELS = 4
SAMPLES_PER_CHUNK = 16
ROWS_PER_CHUNK = 4096
_KIND_NAMES = {"positions": "position", "salience": "salience", "red_line": "red_line"}


@dataclass(frozen=True)
class Input:
    """One uncertain input: where it sits, and its distribution.

    ``name`` is its change path (``russia.position.donbas``), the grammar of ``--set``.
    ``mode`` is ``None`` for a uniform range.
    """

    name: str
    kind: str
    actor: str | None
    issue: str | None
    low: float
    high: float
    mode: float | None
    point: float

    def values(self, unit: FloatArray) -> FloatArray:
        """Map uniforms on [0, 1] to this input's distribution (its inverse CDF)."""
        return inverse_cdf(unit, self.low, self.high, self.mode)


def inverse_cdf(unit: FloatArray, low: float, high: float, mode: float | None) -> FloatArray:
    """Inverse CDF of the uniform (``mode=None``) or triangular distribution on [low, high]."""
    width = high - low
    if mode is None:
        return low + unit * width
    cut = (mode - low) / width
    left = low + np.sqrt(unit * width * (mode - low))
    right = high - np.sqrt((1 - unit) * width * (high - mode))
    return np.where(unit < cut, left, right)


def inputs(scenario: Scenario) -> list[Input]:
    """The ranged numbers of a scenario (as of its date), in file order.

    Only what models see counts: actors' capabilities, positions, saliences and walk-away
    points, and issues' status quo. Issue outcomes (results), updates (apply them first with
    :func:`accord.analysis.whatif.current`) and other blocks are left out.
    """
    found: list[Input] = []
    for path, number in checks.numbers(scenario):
        model_input = (path[0] == "issues" and path[-1] == "status_quo") or path[0] == "actors"
        if not number.is_ranged or not model_input:
            continue
        low, high = number.bounds()
        if path[0] == "issues":
            issue = scenario.issues[int(path[1])]
            name, kind, actor, issue_id = (
                f"issue.{issue.id}.status_quo",
                "status_quo",
                None,
                issue.id,
            )
        else:
            actor_id = scenario.actors[int(path[1])].id
            if path[2] == "capability":
                name, kind, actor, issue_id = f"{actor_id}.capability", "capability", actor_id, None
            else:
                kind = _KIND_NAMES[str(path[2])]
                issue_id = str(path[3])
                name, actor = f"{actor_id}.{kind}.{issue_id}", actor_id
        found.append(Input(name, kind, actor, issue_id, low, high, number.mode, number.point))
    return found


def group_names(items: Sequence[Input], grouping: Grouping) -> list[str] | None:
    """Each input's group under ``grouping`` (``None`` for no grouping)."""
    if grouping == "none":
        return None
    if grouping == "actor":
        return [item.actor or "status quo" for item in items]
    return [item.kind for item in items]


@dataclass(frozen=True)
class ScenarioFunction:
    """Input values ``[M, D]`` → each issue's settlement ``[M, I]`` in its unit, under a model.

    Starts from the scenario at its point values and overwrites the sampled inputs; picklable,
    so chunks can run in other processes.
    """

    base: Problem
    model: ForecastModel
    targets: tuple[tuple[str, tuple[int, ...]], ...]
    offset: FloatArray
    scale: FloatArray

    @classmethod
    def build(
        cls, scenario: Scenario, model: ForecastModel, items: Sequence[Input]
    ) -> ScenarioFunction:
        """The function for ``items`` of ``scenario``."""
        base = compile(scenario)
        actors = {actor: a for a, actor in enumerate(base.actor_ids)}
        issues = {issue: d for d, issue in enumerate(base.issue_ids)}
        salience = scenario.salience_scale
        targets: list[tuple[str, tuple[int, ...]]] = []
        offset: list[float] = []
        scale: list[float] = []
        for item in items:
            if item.kind == "capability":
                targets.append(("capability", (actors[str(item.actor)],)))
                offset.append(0.0)
                scale.append(1.0)
                continue
            column = issues[str(item.issue)]
            if item.kind == "salience":
                targets.append(("salience", (actors[str(item.actor)], column)))
                offset.append(salience.min)
                scale.append(salience.max - salience.min)
                continue
            if item.kind == "status_quo":
                targets.append(("status_quo", (column,)))
            else:
                targets.append((item.kind, (actors[str(item.actor)], column)))
            offset.append(float(base.scale_min[column]))
            scale.append(float(base.scale_max[column] - base.scale_min[column]))
        return cls(base, model, tuple(targets), np.array(offset), np.array(scale))

    def problem(self, values: FloatArray) -> Problem:
        """The problem with one draw per row of ``values``."""
        rows = values.shape[0]
        unit = (values - self.offset) / self.scale
        arrays: dict[str, FloatArray] = {}
        for name in ("capability", "position", "salience", "red_line", "status_quo"):
            source = getattr(self.base, name)
            arrays[name] = np.repeat(source, rows, axis=0)
        for column, (name, index) in enumerate(self.targets):
            key: tuple[Any, ...] = (slice(None), *index)
            arrays[name][key] = unit[:, column]
        return Problem.from_arrays(
            arrays["capability"],
            arrays["position"],
            arrays["salience"],
            red_line=arrays["red_line"],
            status_quo=arrays["status_quo"],
            party=self.base.party,
            **self.base.first_draw_constraints(),
            scale_min=self.base.scale_min,
            scale_max=self.base.scale_max,
            actor_ids=self.base.actor_ids,
            issue_ids=self.base.issue_ids,
            scenario_id=self.base.scenario_id,
        )

    def __call__(self, values: FloatArray) -> FloatArray:
        """Each issue's settlement, in its unit, per row of input values."""
        problem = self.problem(np.atleast_2d(values))
        return problem.to_units(self.model.run(problem, rng=0).settlement)


def saltelli_rows(a: FloatArray, b: FloatArray, group_of: IntArray, groups: int) -> FloatArray:
    """Saltelli's design without second-order rows, in SALib's order.

    Per base sample: A, then A with group k's columns taken from B (k = 1..G), then B.

    ``group_of`` is each column's group index. Equal to SALib's ``sobol.sample`` (before
    scaling), built with array operations instead of nested loops.
    """
    n, d = a.shape
    block = np.repeat(a[:, None, :], groups + 2, axis=1)
    mask = group_of[None, :] == np.arange(groups)[:, None]  # [G, D]
    block[:, 1 : groups + 1, :] = np.where(mask[None], b[:, None, :], a[:, None, :])
    block[:, groups + 1, :] = b
    return block.reshape(n * (groups + 2), d)


def _evaluate_sobol(
    function: Function,
    items: Sequence[Input],
    group_of: IntArray,
    groups: int,
    base: tuple[FloatArray, FloatArray],
) -> FloatArray:
    rows = saltelli_rows(base[0], base[1], group_of, groups)
    return np.asarray(function(_to_values(rows, items)), dtype=np.float64)


def _evaluate_rows(function: Function, items: Sequence[Input], unit: FloatArray) -> FloatArray:
    return np.asarray(function(_to_values(unit, items)), dtype=np.float64)


def _to_values(unit: FloatArray, items: Sequence[Input]) -> FloatArray:
    return np.column_stack([item.values(unit[:, j]) for j, item in enumerate(items)])


@dataclass(frozen=True)
class Index:
    """One input's (or group's) sensitivity for one output.

    ``values`` holds ``S1``, ``S1_conf``, ``ST``, ``ST_conf`` (Sobol') or ``mu``, ``mu_star``,
    ``mu_star_conf``, ``sigma`` (Morris); confidence half-widths at 95 %.
    """

    name: str
    members: tuple[str, ...]
    values: dict[str, float]


@dataclass(frozen=True)
class Swing:
    """A tornado bar: the output with one input at its low and at its high end."""

    name: str
    low: float
    high: float
    at_low: float
    at_high: float

    @property
    def width(self) -> float:
        """How far the output moves between the two ends."""
        return abs(self.at_high - self.at_low)


@dataclass(frozen=True)
class OutputSensitivity:
    """Ranked indices and tornado bars for one output (an issue)."""

    name: str
    base: float
    variance: float
    indices: list[Index]
    tornado: list[Swing]


@dataclass(frozen=True, repr=False)
class Sensitivity(Tabular):
    """The result of :func:`analyse` or :func:`sensitivity`."""

    method: Method
    samples: int
    evaluations: int
    seed: int
    inputs: list[Input]
    groups: list[str] | None
    outputs: dict[str, OutputSensitivity]
    context: dict[str, Any]

    @property
    def warnings(self) -> tuple[str, ...]:
        """Too few samples behind the indices' confidence intervals (:mod:`.labels`)."""
        if self.method == "sobol":
            warning = few_draws(
                self.samples, "the Sobol' indices' confidence intervals", option="--samples"
            )
        else:
            warning = few_draws(
                self.samples,
                "each input's mu* confidence interval (read the ranking, not the values)",
                unit="Morris trajectories",
                option="--samples",
            )
        return (warning,) if warning else ()

    @property
    def key(self) -> str:
        """The index the tables are ranked by."""
        return "ST" if self.method == "sobol" else "mu_star"

    def to_json(self) -> dict[str, Any]:
        """Ranked indices and tornado data per output, plus the run's settings."""
        return {
            **self.context,
            "method": self.method,
            "samples": self.samples,
            "evaluations": self.evaluations,
            "seed": self.seed,
            "ranked_by": self.key,
            "warnings": list(self.warnings),
            "inputs": [
                {
                    "name": item.name,
                    "kind": item.kind,
                    "low": item.low,
                    "mode": item.mode,
                    "high": item.high,
                    "point": item.point,
                }
                for item in self.inputs
            ],
            "outputs": {
                name: {
                    "base": _round(output.base),
                    "variance": _round(output.variance),
                    "indices": [
                        {"name": index.name, "members": list(index.members)}
                        | {key: _round(value) for key, value in index.values.items()}
                        for index in output.indices
                    ],
                    "tornado": [
                        {
                            "name": swing.name,
                            "low": swing.low,
                            "high": swing.high,
                            "at_low": _round(swing.at_low),
                            "at_high": _round(swing.at_high),
                            "width": _round(swing.width),
                        }
                        for swing in output.tornado
                    ],
                }
                for name, output in self.outputs.items()
            },
        }


def _round(value: float) -> float | None:
    return round(float(value), 10) if np.isfinite(value) else None


def _seeds(seed: int) -> tuple[int, int, np.random.SeedSequence]:
    """Seeds for the design, the bootstrap and per-chunk model streams, from one seed."""
    sequence = np.random.SeedSequence(seed)
    design, bootstrap = (int(v) or 1 for v in sequence.generate_state(2))  # SALib ignores 0
    return design, bootstrap, sequence


def analyse(
    function: Function,
    items: Sequence[Input],
    outputs: Sequence[str],
    *,
    method: Method = "sobol",
    samples: int | None = None,
    groups: Sequence[str] | None = None,
    seed: int = 0,
    resamples: int = 100,
    engine: Engine | None = None,
    progress: Progress | None = None,
) -> Sensitivity:
    """Sobol' or Morris indices of each output of ``function`` over ``items``.

    Parameters
    ----------
    function
        Maps input values ``[M, D]`` (in the inputs' own units) to outputs ``[M, K]``. Must be
        picklable to run on another engine than in process.
    items
        The uncertain inputs and their distributions.
    outputs
        Names of the K outputs.
    method
        ``"sobol"`` (first and total order) or ``"morris"`` (elementary effects).
    samples
        Sobol': base samples N (a power of two; N·(G+2) runs). Morris: trajectories r
        (r·(G+1) runs). Default :data:`DEFAULT_SAMPLES`.
    groups
        A group name per input, or ``None`` for one index per input.
    seed
        Seeds the design and the bootstrap.
    resamples
        Bootstrap resamples for the confidence intervals.
    engine
        Where chunks of runs go (default: in process).
    progress
        Called with (runs done, runs in all).
    """
    from SALib.analyze import morris as morris_analyze  # type: ignore[import-untyped]
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import morris as morris_sample  # type: ignore[import-untyped]
    from scipy.stats import qmc

    if not items:
        raise InputError.single(
            None,
            "the scenario has no ranged inputs to analyse",
            hint="give some numbers a range [low, high] or {low, mode, high}",
        )
    count = samples or DEFAULT_SAMPLES[method]
    if count < 2:
        raise InputError.single(
            None,
            f"--samples must be at least 2, got {count}",
            path=("--samples",),
            hint="use --samples 64 or more",
        )
    if method == "sobol" and count & (count - 1):
        raise InputError.single(
            None,
            f"--samples {count} is not a power of two",
            path=("--samples",),
            hint="Sobol' sequences balance only at powers of two: use 128, 256, 512, ...",
        )
    engine = engine or Engine(InProcessExecutor(), "in process", 1)
    names = [item.name for item in items]
    problem: dict[str, Any] = {
        "num_vars": len(items),
        "names": names,
        "bounds": [[0.0, 1.0]] * len(items),
    }
    if groups is not None:
        problem["groups"] = list(groups)
    order = list(dict.fromkeys(groups)) if groups is not None else names
    group_of = (
        np.array([order.index(g) for g in groups], dtype=np.intp)
        if groups is not None
        else np.arange(len(items), dtype=np.intp)
    )
    design_seed, bootstrap_seed, _ = _seeds(seed)
    work: list[Any]
    task: Callable[[Any], FloatArray]
    if method == "sobol":
        base = qmc.Sobol(d=2 * len(items), scramble=True, seed=design_seed).random(count)
        a, b = base[:, : len(items)], base[:, len(items) :]
        starts = range(0, count, SAMPLES_PER_CHUNK)
        work = [(a[s : s + SAMPLES_PER_CHUNK], b[s : s + SAMPLES_PER_CHUNK]) for s in starts]
        total = count * (len(order) + 2)
        task = partial(_evaluate_sobol, function, tuple(items), group_of, len(order))
        design: FloatArray | None = None
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            design = morris_sample.sample(
                problem, count, num_levels=MORRIS_LEVELS, seed=design_seed
            )
        total = design.shape[0]
        work = [design[s : s + ROWS_PER_CHUNK] for s in range(0, total, ROWS_PER_CHUNK)]
        task = partial(_evaluate_rows, function, tuple(items))
    results: list[FloatArray] = []
    done = 0
    for part in engine.executor.map(task, work):
        results.append(part)
        done += part.shape[0]
        if progress is not None:
            progress(done, total)
    y = np.concatenate(results)
    point = np.array([[item.point for item in items]])
    low_rows = np.repeat(point, len(items), axis=0)
    high_rows = low_rows.copy()
    np.fill_diagonal(low_rows, [item.low for item in items])
    np.fill_diagonal(high_rows, [item.high for item in items])
    swings = np.asarray(function(np.vstack([point, low_rows, high_rows])), dtype=np.float64)
    base_output, at_low, at_high = swings[0], swings[1 : len(items) + 1], swings[len(items) + 1 :]
    members = {
        name: tuple(n for n, g in zip(names, groups or names, strict=True) if g == name)
        for name in order
    }
    per_output: dict[str, OutputSensitivity] = {}
    for k, output in enumerate(outputs):
        column = y[:, k]
        variance = float(column.var())
        indices: list[Index] = []
        if variance > 1e-24 * max(1.0, float(np.abs(column).max()) ** 2):
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                if method == "sobol":
                    found = sobol_analyze.analyze(
                        problem,
                        column,
                        calc_second_order=False,
                        num_resamples=resamples,
                        seed=bootstrap_seed,
                    )
                    keys = ("S1", "S1_conf", "ST", "ST_conf")
                else:
                    assert design is not None
                    found = morris_analyze.analyze(
                        problem,
                        design,
                        column,
                        num_resamples=resamples,
                        num_levels=MORRIS_LEVELS,
                        seed=bootstrap_seed,
                    )
                    keys = ("mu", "mu_star", "mu_star_conf", "sigma")
            for g, name in enumerate(order):
                indices.append(
                    Index(
                        name, members[name], {key: float(np.asarray(found[key])[g]) for key in keys}
                    )
                )
        else:
            keys = (
                ("S1", "S1_conf", "ST", "ST_conf")
                if method == "sobol"
                else ("mu", "mu_star", "mu_star_conf", "sigma")
            )
            indices = [Index(name, members[name], dict.fromkeys(keys, 0.0)) for name in order]
            variance = 0.0  # rounding noise only: the output does not vary
        rank_key = "ST" if method == "sobol" else "mu_star"
        indices.sort(
            key=lambda index: (-np.nan_to_num(index.values[rank_key], nan=-np.inf), index.name)
        )
        tornado = [
            Swing(item.name, item.low, item.high, float(at_low[j, k]), float(at_high[j, k]))
            for j, item in enumerate(items)
        ]
        tornado.sort(key=lambda swing: (-swing.width, swing.name))
        per_output[output] = OutputSensitivity(
            output, float(base_output[k]), variance, indices, tornado
        )
    return Sensitivity(
        method,
        count,
        total,
        seed,
        list(items),
        list(groups) if groups is not None else None,
        per_output,
        {},
    )


def sensitivity(
    scenario: Scenario,
    model: ForecastModel,
    *,
    method: Method = "sobol",
    samples: int | None = None,
    grouping: Grouping = "none",
    seed: int = 0,
    resamples: int = 100,
    engine: Engine | None = None,
    progress: Progress | None = None,
) -> Sensitivity:
    """Sensitivity of each issue's settlement under ``model`` to ``scenario``'s ranged inputs.

    ``scenario`` is evaluated as given: pass :func:`accord.analysis.whatif.current` of a
    scenario (dated updates applied, what-if changes too) to analyse it as of a date.
    """
    items = inputs(scenario)
    function = ScenarioFunction.build(scenario, model, items)
    result = analyse(
        function,
        items,
        list(function.base.issue_ids),
        method=method,
        samples=samples,
        groups=group_names(items, grouping),
        seed=seed,
        resamples=resamples,
        engine=engine,
        progress=progress,
    )
    context = {
        "scenario": scenario.id,
        "as_of": scenario.as_of.isoformat() if scenario.as_of else None,
        "model": model.name,
        "parameters": parameters(model),
        "grouping": grouping,
        "units": {issue.id: issue.unit for issue in scenario.issues},
    }
    return Sensitivity(
        result.method,
        result.samples,
        result.evaluations,
        result.seed,
        result.inputs,
        result.groups,
        result.outputs,
        context,
    )
