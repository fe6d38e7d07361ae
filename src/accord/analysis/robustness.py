"""Structural robustness: how much each forecast owes to the way the actors are listed.

Median, EUM, SMP and compromise read a negotiation as a weighted vote among the listed actors,
and Nash as a bargain among its parties, so a forecast can move when one actor is dropped, when
only the parties are kept, or when an institution and its members (or a government and its
public) speak as one. :func:`robustness` reruns every model on these variants of the scenario,
as of one date and at the numbers' point values:

* ``leave-out``: each actor removed in turn;
* ``parties-only``: only the ``party: true`` actors (skipped when there are none, or when every
  actor is a party);
* ``bloc``: each declared bloc merged into one actor (the rule of
  :mod:`accord.scenario.structure`).

For each model and issue it reports the baseline, the range over the variants, and the variant
that moves the forecast most. The JSON layout (``accord robustness -f json``) is
``{"variants": [{"name", "kind", "actors", "models": {NAME: {ISSUE_ID: value}}}], ...}``, with the
baseline and a per-model, per-issue summary alongside.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from accord.errors import InputError
from accord.models.base import ForecastModel, get_model, registry
from accord.scenario.compile import as_of, compile
from accord.scenario.schema import Scenario
from accord.scenario.structure import leave_out, merge_bloc, parties_only

VariantKind = Literal["leave-out", "parties-only", "bloc"]
Progress = Callable[[int, int], None]
Values = dict[str, dict[str, float | None]]


@dataclass(frozen=True)
class Variant:
    """One structural variant and every model's forecast on it (issue units).

    Attributes
    ----------
    name : str
        ``"without ID"``, ``"parties only"`` or ``"bloc ID"``.
    kind : str
        ``"leave-out"``, ``"parties-only"`` or ``"bloc"``.
    actors : tuple of str
        The actors removed (leave-out, parties-only) or merged (bloc).
    models : dict
        Model name → issue id → forecast, ``None`` where the model could not run.
    errors : dict
        Model name → why it could not run on this variant.
    """

    name: str
    kind: VariantKind
    actors: tuple[str, ...]
    models: Values
    errors: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Spread:
    """One model's structural spread on one issue."""

    baseline: float | None
    low: float | None
    high: float | None
    most: str | None
    most_value: float | None

    @property
    def width(self) -> float | None:
        """``high - low``, or ``None`` where no variant ran."""
        return None if self.low is None or self.high is None else self.high - self.low


@dataclass(frozen=True)
class Robustness:
    """The result of :func:`robustness`."""

    scenario_id: str
    as_of: dt.date | None
    models: tuple[str, ...]
    issues: tuple[str, ...]
    units: dict[str, str]
    baseline: Values
    variants: tuple[Variant, ...]

    def spread(self, model: str, issue: str) -> Spread:
        """Baseline, range over the variants and the variant that moves the forecast most."""
        base = self.baseline[model][issue]
        ran = [
            (variant.name, value)
            for variant in self.variants
            if (value := variant.models[model][issue]) is not None
        ]
        if not ran:
            return Spread(base, None, None, None, None)
        values = [value for _, value in ran]
        if base is None:
            return Spread(base, min(values), max(values), None, None)
        name, value = max(ran, key=lambda item: abs(item[1] - base))
        if abs(value - base) <= 1e-9 * max(1.0, abs(base)):
            return Spread(base, min(values), max(values), None, None)
        return Spread(base, min(values), max(values), name, value)

    def to_json(self) -> dict[str, Any]:
        """Variants, baseline and summary, JSON-ready."""
        return {
            "scenario": self.scenario_id,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "baseline": self.baseline,
            "variants": [
                {
                    "name": variant.name,
                    "kind": variant.kind,
                    "actors": list(variant.actors),
                    "models": variant.models,
                    **({"errors": variant.errors} if variant.errors else {}),
                }
                for variant in self.variants
            ],
            "summary": {
                model: {
                    issue: {
                        "baseline": spread.baseline,
                        "low": spread.low,
                        "high": spread.high,
                        "spread": spread.width,
                        "most": spread.most,
                        "most_value": spread.most_value,
                    }
                    for issue in self.issues
                    for spread in [self.spread(model, issue)]
                }
                for model in self.models
            },
        }


def structural_variants(
    scenario: Scenario,
) -> list[tuple[str, VariantKind, tuple[str, ...], Scenario]]:
    """Every variant of an as-of scenario: ``(name, kind, actors, variant scenario)``."""
    variants: list[tuple[str, VariantKind, tuple[str, ...], Scenario]] = [
        (f"without {actor.id}", "leave-out", (actor.id,), leave_out(scenario, actor.id))
        for actor in scenario.actors
        if len(scenario.actors) > 1
    ]
    others = tuple(actor.id for actor in scenario.actors if not actor.party)
    if others and len(others) < len(scenario.actors):
        variants.append(("parties only", "parties-only", others, parties_only(scenario)))
    for bloc in scenario.blocs:
        variants.append(
            (f"bloc {bloc.id}", "bloc", tuple(bloc.members), merge_bloc(scenario, bloc))
        )
    return variants


def robustness(
    scenario: Scenario,
    models: Sequence[str | ForecastModel] | None = None,
    *,
    date: dt.date | None = None,
    seed: int | None = None,
    progress: Progress | None = None,
) -> Robustness:
    """Rerun each model on every structural variant of ``scenario`` as of ``date``.

    Parameters
    ----------
    scenario
        A loaded (checked) scenario.
    models
        Model names or instances (default: every registered model).
    date
        Evaluation date (default: the scenario's ``as_of``); updates up to it apply first.
    seed
        Passed to stochastic models.
    progress
        Called with ``(runs done, runs in all)`` after each model run.

    Returns
    -------
    Robustness
        Baseline and per-variant forecasts in the issues' units.
    """
    current = as_of(scenario, date)
    base = current.model_copy(update={"updates": []})
    chosen = [get_model(m) if isinstance(m, str) else m for m in (models or list(registry()))]
    variants = structural_variants(base)
    total = (1 + len(variants)) * len(chosen)
    done = 0

    def run(variant: Scenario) -> tuple[Values, dict[str, str]]:
        nonlocal done
        problem = compile(variant, date=current.as_of)
        values: Values = {}
        errors: dict[str, str] = {}
        for model in chosen:
            try:
                outcome = model.run(problem, rng=seed)
                settled = problem.to_units(outcome.settlement)[0]
                values[model.name] = {
                    issue: float(settled[column]) for column, issue in enumerate(problem.issue_ids)
                }
            except InputError as error:
                errors[model.name] = error.render(limit=1)
                values[model.name] = dict.fromkeys(problem.issue_ids)
            done += 1
            if progress is not None:
                progress(done, total)
        return values, errors

    baseline, _ = run(base)
    results = []
    for name, kind, actors, variant in variants:
        values, errors = run(variant)
        results.append(Variant(name, kind, actors, values, errors))
    return Robustness(
        scenario_id=scenario.id,
        as_of=current.as_of,
        models=tuple(model.name for model in chosen),
        issues=tuple(issue.id for issue in scenario.issues),
        units={issue.id: issue.unit for issue in scenario.issues},
        baseline=baseline,
        variants=tuple(results),
    )
