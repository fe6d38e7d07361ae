"""Turn a :class:`Scenario` into a :class:`Problem`: NumPy arrays with a leading draw axis.

Two steps, kept apart because later analyses need each alone:

* :func:`as_of` applies the scenario's dated updates up to a date and returns a new scenario;
* :func:`compile` maps positions and saliences to ``[0, 1]`` and stacks them into arrays,
  either at their point values (one draw) or sampled from their ranges (``draws`` draws:
  uniform for ``[low, high]``, triangular for ``{low, mode, high}``).

Sampling draws one block of uniforms per array, in a fixed order, and maps them through each
number's inverse CDF, so a given generator state always yields the same draws.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from accord.errors import InputError
from accord.scenario.checks import parse_change_path
from accord.scenario.schema import Actor, Issue, Number, Scenario

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
RNGLike = int | np.random.Generator | None


def _frozen(array: npt.ArrayLike, dtype: Any = np.float64) -> Any:
    result = np.array(array, dtype=dtype)
    result.flags.writeable = False
    return result


@dataclass(frozen=True, eq=False)
class Problem:
    """A scenario in array form, the only input models see.

    Attributes
    ----------
    capability : FloatArray
        ``[B, A]`` non-negative weights.
    position : FloatArray
        ``[B, A, I]`` positions mapped to ``[0, 1]`` (0 = the issue's ``min``).
    salience : FloatArray
        ``[B, A, I]`` saliences mapped to ``[0, 1]``.
    walk_away : FloatArray
        ``[B, A, I]`` walk-away points in ``[0, 1]``; NaN where none is given.
    status_quo : FloatArray
        ``[B, I]`` status quo in ``[0, 1]``; NaN where none is given.
    party : BoolArray
        ``[A]`` whether the deal needs the actor's agreement.
    scale_min, scale_max : FloatArray
        ``[I]`` the issues' scales, to map results back to their units.
    """

    scenario_id: str
    as_of: dt.date | None
    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    scale_min: FloatArray
    scale_max: FloatArray
    capability: FloatArray
    position: FloatArray
    salience: FloatArray
    walk_away: FloatArray
    status_quo: FloatArray
    party: BoolArray

    @property
    def draws(self) -> int:
        """Number of draws B."""
        return int(self.capability.shape[0])

    @property
    def n_actors(self) -> int:
        """Number of actors A."""
        return len(self.actor_ids)

    @property
    def n_issues(self) -> int:
        """Number of issues I."""
        return len(self.issue_ids)

    def to_units(self, scaled: npt.ArrayLike) -> FloatArray:
        """Map values on ``[0, 1]`` (last axis = issues) back to each issue's unit."""
        span = self.scale_max - self.scale_min
        return np.asarray(scaled, dtype=np.float64) * span + self.scale_min

    def to_unit_scale(self, values: npt.ArrayLike) -> FloatArray:
        """Map values in the issues' units (last axis = issues) to ``[0, 1]``."""
        span = self.scale_max - self.scale_min
        return (np.asarray(values, dtype=np.float64) - self.scale_min) / span

    def take(self, draws: slice | Sequence[int] | npt.NDArray[np.integer[Any]]) -> Problem:
        """The same problem restricted to some draws (for chunked execution)."""
        index = draws if isinstance(draws, slice) else np.asarray(draws)
        return dataclasses.replace(
            self,
            capability=_frozen(self.capability[index]),
            position=_frozen(self.position[index]),
            salience=_frozen(self.salience[index]),
            walk_away=_frozen(self.walk_away[index]),
            status_quo=_frozen(self.status_quo[index]),
        )

    @classmethod
    def from_arrays(
        cls,
        capability: npt.ArrayLike,
        position: npt.ArrayLike,
        salience: npt.ArrayLike,
        *,
        walk_away: npt.ArrayLike | None = None,
        status_quo: npt.ArrayLike | None = None,
        party: npt.ArrayLike | None = None,
        scale_min: npt.ArrayLike | None = None,
        scale_max: npt.ArrayLike | None = None,
        actor_ids: Sequence[str] | None = None,
        issue_ids: Sequence[str] | None = None,
        scenario_id: str = "arrays",
    ) -> Problem:
        """Build a problem directly from arrays already on ``[0, 1]``.

        Accepts unbatched input (``capability [A]``, ``position [A, I]``) and adds the draw
        axis. Used by tests and by callers that generate problems programmatically.
        """
        position_array = np.asarray(position, dtype=np.float64)
        if position_array.ndim == 2:
            position_array = position_array[None]
        batch, actors, issues = position_array.shape
        capability_array = np.broadcast_to(
            np.asarray(capability, dtype=np.float64), (batch, actors)
        )
        salience_array = np.broadcast_to(
            np.asarray(salience, dtype=np.float64), (batch, actors, issues)
        )
        walk = (
            np.full((batch, actors, issues), np.nan)
            if walk_away is None
            else np.broadcast_to(np.asarray(walk_away, dtype=np.float64), (batch, actors, issues))
        )
        status = (
            np.full((batch, issues), np.nan)
            if status_quo is None
            else np.broadcast_to(np.asarray(status_quo, dtype=np.float64), (batch, issues))
        )
        return cls(
            scenario_id=scenario_id,
            as_of=None,
            actor_ids=tuple(actor_ids or (f"a{i}" for i in range(actors))),
            issue_ids=tuple(issue_ids or (f"i{d}" for d in range(issues))),
            scale_min=_frozen(np.zeros(issues) if scale_min is None else scale_min),
            scale_max=_frozen(np.ones(issues) if scale_max is None else scale_max),
            capability=_frozen(capability_array),
            position=_frozen(position_array),
            salience=_frozen(salience_array),
            walk_away=_frozen(walk),
            status_quo=_frozen(status),
            party=_frozen(np.zeros(actors, dtype=bool) if party is None else party, dtype=bool),
        )


def as_of(scenario: Scenario, date: dt.date | None = None) -> Scenario:
    """The scenario with every update dated on or before ``date`` applied, in date order.

    ``date`` defaults to the scenario's own ``as_of``; with neither, every update applies.
    A date before the scenario's ``base_date`` is an error.
    """
    date = date or scenario.as_of
    if date is not None and scenario.base_date is not None and date < scenario.base_date:
        raise InputError.single(
            scenario.id,
            f"as-of date {date} is before the scenario's base date {scenario.base_date}",
            path=("as_of",),
            hint=f"choose a date on or after {scenario.base_date}",
        )
    actors = {actor.id: actor for actor in scenario.actors}
    issues = {issue.id: issue for issue in scenario.issues}
    applied = sorted(
        (update for update in scenario.updates if date is None or update.date <= date),
        key=lambda update: update.date,
    )
    for update in applied:
        for key, number in update.changes.items():
            parsed = parse_change_path(key, scenario)
            assert not isinstance(parsed, str), parsed  # checked when the scenario loaded
            owner, field, issue_id = parsed
            if owner.startswith("issue:"):
                assert issue_id is not None
                issues[issue_id] = issues[issue_id].model_copy(update={field: number})
            else:
                actors[owner] = _change_actor(actors[owner], field, issue_id, number)
    return scenario.model_copy(
        update={
            "actors": [actors[actor.id] for actor in scenario.actors],
            "issues": [issues[issue.id] for issue in scenario.issues],
            "as_of": date,
        }
    )


def _change_actor(actor: Actor, field: str, issue_id: str | None, number: Number) -> Actor:
    if field == "capability":
        return actor.model_copy(update={"capability": number})
    attribute = "positions" if field == "position" else field
    assert issue_id is not None
    values = {**getattr(actor, attribute), issue_id: number}
    return actor.model_copy(update={attribute: values})


def compile(
    scenario: Scenario,
    *,
    date: dt.date | None = None,
    draws: int | None = None,
    rng: RNGLike = None,
) -> Problem:
    """Compile ``scenario`` as of ``date`` into arrays.

    Parameters
    ----------
    scenario
        A checked scenario.
    date
        Evaluation date; updates dated on or before it apply (default: the scenario's as_of).
    draws
        ``None`` for one draw at the point values; an integer to sample that many draws from
        the numbers' ranges.
    rng
        Seed or generator for sampling.
    """
    current = as_of(scenario, date)
    issues = current.issues
    actors = current.actors
    batch = 1 if draws is None else int(draws)
    if batch < 1:
        raise InputError.single(
            None,
            f"draws must be at least 1, got {batch}",
            path=("draws",),
            hint="use --draws 1 or more",
        )
    generator = None if draws is None else np.random.default_rng(rng)

    def sample(grid: list[list[Number | None]]) -> FloatArray:
        return sample_numbers(grid, batch, generator)

    low = np.array([issue.min for issue in issues])
    span = np.array([issue.max - issue.min for issue in issues])
    salience_scale = current.salience_scale
    capability = sample([[actor.capability] for actor in actors])[:, :, 0]
    position = sample([[actor.positions[issue.id] for issue in issues] for actor in actors])
    salience = sample([[actor.salience[issue.id] for issue in issues] for actor in actors])
    walk_away = sample([[actor.walk_away.get(issue.id) for issue in issues] for actor in actors])
    status_quo = sample([[issue.status_quo for issue in issues]])[:, 0, :]
    return Problem(
        scenario_id=current.id,
        as_of=current.as_of,
        actor_ids=tuple(actor.id for actor in actors),
        issue_ids=tuple(issue.id for issue in issues),
        scale_min=_frozen(low),
        scale_max=_frozen(low + span),
        capability=_frozen(capability),
        position=_frozen((position - low) / span),
        salience=_frozen(
            (salience - salience_scale.min) / (salience_scale.max - salience_scale.min)
        ),
        walk_away=_frozen((walk_away - low) / span),
        status_quo=_frozen((status_quo - low) / span),
        party=_frozen([actor.party for actor in actors], dtype=bool),
    )


def sample_numbers(
    grid: list[list[Number | None]], batch: int, generator: np.random.Generator | None
) -> FloatArray:
    """Point values, or draws, for a 2-D grid of numbers (None -> NaN); shape ``[B, R, C]``."""
    rows, columns = len(grid), len(grid[0]) if grid else 0
    point = np.full((rows, columns), np.nan)
    low = np.full((rows, columns), np.nan)
    mode = np.full((rows, columns), np.nan)
    high = np.full((rows, columns), np.nan)
    for r, row in enumerate(grid):
        for c, number in enumerate(row):
            if number is None:
                continue
            point[r, c] = number.point
            if number.is_ranged:
                low[r, c], high[r, c] = number.bounds()
                mode[r, c] = number.mode if number.mode is not None else np.nan
    result = np.broadcast_to(point, (batch, rows, columns)).copy()
    if generator is None:
        return result
    uniform = generator.random((batch, rows, columns))
    ranged = ~np.isnan(low)
    triangular = ranged & ~np.isnan(mode)
    flat = ranged & np.isnan(mode)
    width = high - low
    uniform_values = low + uniform * width
    result = np.where(flat, uniform_values, result)
    # Inverse CDF of the triangular distribution on [low, high] with the given mode.
    with np.errstate(invalid="ignore", divide="ignore"):
        cut = (mode - low) / width
        left = low + np.sqrt(uniform * width * (mode - low))
        right = high - np.sqrt((1 - uniform) * width * (high - mode))
        triangle_values = np.where(uniform < cut, left, right)
    return np.where(triangular, triangle_values, result)


def label_for(issue: Issue, value: float) -> str:
    """The label of the anchor nearest to ``value`` (empty when the issue has none)."""
    if not issue.anchors:
        return ""
    nearest = min(issue.anchors, key=lambda anchor: (abs(anchor.value - value), anchor.value))
    return nearest.label
