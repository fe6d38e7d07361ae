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
from accord.scenario.paths import is_block_path, replace_number
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
    red_line : FloatArray
        ``[B, A, I]`` red lines (the worst settlement each actor accepts) in ``[0, 1]``; NaN
        where none is given. The acceptable side is the side of the actor's position
        (see :mod:`accord.scenario.acceptance`).
    status_quo : FloatArray
        ``[B, I]`` status quo in ``[0, 1]``; NaN where none is given.
    party : BoolArray
        ``[A]`` whether the actor negotiates the deal (and so must agree to it).
    scale_min, scale_max : FloatArray
        ``[I]`` the issues' scales, to map results back to their units.
    veto : BoolArray or None
        ``[A]`` actors whose consent the deal needs besides the parties (``veto: true``).
    condition_low, condition_high : FloatArray or None
        ``[B, A, I]`` the actors' conditions (``requires``) on [0, 1]: no deal unless the issue
        settles at least ``condition_low`` / at most ``condition_high``; NaN where none.
    no_deal_outcome : FloatArray or None
        ``[B, I]`` the outcome if talks fail (``no_deal.outcome``, else the status quo).
    no_deal_cost : FloatArray or None
        ``[B, A]`` each actor's cost of no deal in utility on [0, 1] (points / 100); NaN for an
        actor without a utility condition.
    no_deal_war : BoolArray or None
        ``[A]`` actors whose no-deal outcome on the war's theatres comes from the war model.
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
    red_line: FloatArray
    status_quo: FloatArray
    party: BoolArray
    veto: BoolArray | None = None
    condition_low: FloatArray | None = None
    condition_high: FloatArray | None = None
    no_deal_outcome: FloatArray | None = None
    no_deal_cost: FloatArray | None = None
    no_deal_war: BoolArray | None = None

    @property
    def walk_away(self) -> FloatArray:
        """The red lines, under their deprecated name."""
        return self.red_line

    @property
    def veto_players(self) -> BoolArray:
        """``[A]`` the actors whose consent a deal needs: parties and ``veto`` actors."""
        return self.party | self.veto if self.veto is not None else self.party

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

        def part(array: FloatArray | None) -> FloatArray | None:
            return None if array is None else _frozen(array[index])

        return dataclasses.replace(
            self,
            capability=_frozen(self.capability[index]),
            position=_frozen(self.position[index]),
            salience=_frozen(self.salience[index]),
            red_line=_frozen(self.red_line[index]),
            status_quo=_frozen(self.status_quo[index]),
            condition_low=part(self.condition_low),
            condition_high=part(self.condition_high),
            no_deal_outcome=part(self.no_deal_outcome),
            no_deal_cost=part(self.no_deal_cost),
        )

    def first_draw_constraints(self) -> dict[str, Any]:
        """The first draw's veto players, conditions and no-deal data, as keyword arguments.

        For :meth:`from_arrays`, when a problem is rebuilt from arrays (levers, sensitivity).
        """

        def first(array: FloatArray | None) -> FloatArray | None:
            return None if array is None else array[:1]

        return {
            "veto": self.veto,
            "condition_low": first(self.condition_low),
            "condition_high": first(self.condition_high),
            "no_deal_outcome": first(self.no_deal_outcome),
            "no_deal_cost": first(self.no_deal_cost),
            "no_deal_war": self.no_deal_war,
        }

    @classmethod
    def concat(cls, problems: Sequence[Problem]) -> Problem:
        """Problems of the same actors and issues stacked along the draw axis."""

        def joined(name: str) -> FloatArray:
            return _frozen(np.concatenate([getattr(problem, name) for problem in problems]))

        def optional(name: str) -> FloatArray | None:
            arrays = [getattr(problem, name) for problem in problems]
            return None if any(array is None for array in arrays) else joined(name)

        return dataclasses.replace(
            problems[0],
            capability=joined("capability"),
            position=joined("position"),
            salience=joined("salience"),
            red_line=joined("red_line"),
            status_quo=joined("status_quo"),
            condition_low=optional("condition_low"),
            condition_high=optional("condition_high"),
            no_deal_outcome=optional("no_deal_outcome"),
            no_deal_cost=optional("no_deal_cost"),
        )

    @classmethod
    def from_arrays(
        cls,
        capability: npt.ArrayLike,
        position: npt.ArrayLike,
        salience: npt.ArrayLike,
        *,
        red_line: npt.ArrayLike | None = None,
        walk_away: npt.ArrayLike | None = None,
        status_quo: npt.ArrayLike | None = None,
        party: npt.ArrayLike | None = None,
        veto: npt.ArrayLike | None = None,
        condition_low: npt.ArrayLike | None = None,
        condition_high: npt.ArrayLike | None = None,
        no_deal_outcome: npt.ArrayLike | None = None,
        no_deal_cost: npt.ArrayLike | None = None,
        no_deal_war: npt.ArrayLike | None = None,
        scale_min: npt.ArrayLike | None = None,
        scale_max: npt.ArrayLike | None = None,
        actor_ids: Sequence[str] | None = None,
        issue_ids: Sequence[str] | None = None,
        scenario_id: str = "arrays",
    ) -> Problem:
        """Build a problem directly from arrays already on ``[0, 1]``.

        Accepts unbatched input (``capability [A]``, ``position [A, I]``) and adds the draw
        axis. Used by tests and by callers that generate problems programmatically.
        ``walk_away`` is the deprecated name of ``red_line``.
        """
        if red_line is None:
            red_line = walk_away
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

        def per_actor(values: npt.ArrayLike | None) -> FloatArray | None:
            if values is None:
                return None
            return _frozen(
                np.broadcast_to(np.asarray(values, dtype=np.float64), (batch, actors, issues))
            )

        walk = per_actor(red_line)
        if walk is None:
            walk = np.full((batch, actors, issues), np.nan)
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
            red_line=_frozen(walk),
            status_quo=_frozen(status),
            party=_frozen(np.zeros(actors, dtype=bool) if party is None else party, dtype=bool),
            veto=None if veto is None else _frozen(veto, dtype=bool),
            condition_low=per_actor(condition_low),
            condition_high=per_actor(condition_high),
            no_deal_outcome=None
            if no_deal_outcome is None
            else _frozen(np.broadcast_to(np.asarray(no_deal_outcome, float), (batch, issues))),
            no_deal_cost=None
            if no_deal_cost is None
            else _frozen(np.broadcast_to(np.asarray(no_deal_cost, float), (batch, actors))),
            no_deal_war=None if no_deal_war is None else _frozen(no_deal_war, dtype=bool),
        )


def as_of(scenario: Scenario, date: dt.date | None = None) -> Scenario:
    """The scenario with every update dated on or before ``date`` applied, in date order.

    Updates change actors, issues' status quo and, by dotted paths
    (:mod:`accord.scenario.paths`), any number of the war, guarantees, ratification, talks and
    no_deal blocks; every module reads those blocks from the scenario this returns.

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
    blocks = scenario
    for update in applied:
        for key, number in update.changes.items():
            if is_block_path(key, scenario):
                blocks = replace_number(blocks, key, number)
                continue
            parsed = parse_change_path(key, scenario)
            assert not isinstance(parsed, str), parsed  # checked when the scenario loaded
            owner, field, issue_id = parsed
            if owner.startswith("issue:"):
                assert issue_id is not None
                issues[issue_id] = issues[issue_id].model_copy(update={field: number})
            else:
                actors[owner] = _change_actor(actors[owner], field, issue_id, number)
    return blocks.model_copy(
        update={
            "actors": [actors[actor.id] for actor in scenario.actors],
            "issues": [issues[issue.id] for issue in scenario.issues],
            "as_of": date,
        }
    )


def _change_actor(actor: Actor, field: str, issue_id: str | None, number: Number) -> Actor:
    if field == "capability":
        return actor.model_copy(update={"capability": number})
    attribute = {"position": "positions", "walk_away": "red_line"}.get(field, field)
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
    red_line = sample([[actor.red_line.get(issue.id) for issue in issues] for actor in actors])
    status_quo = sample([[issue.status_quo for issue in issues]])[:, 0, :]
    conditions_low, conditions_high = _conditions(actors, issues)
    condition_low = sample(conditions_low)
    condition_high = sample(conditions_high)
    no_deal = current.no_deal
    outcome_numbers = [
        (no_deal.outcome.get(issue.id) if no_deal else None) or issue.status_quo for issue in issues
    ]
    no_deal_outcome = sample([outcome_numbers])[:, 0, :]
    entries = [no_deal.actors.get(actor.id) if no_deal else None for actor in actors]
    no_deal_cost = sample([[entry.cost if entry else None for entry in entries]])[:, 0, :]
    from_war = [entry is not None and entry.from_ == "war" for entry in entries]
    # An actor whose no-deal outcome comes from the war has a utility condition even at no cost.
    no_deal_cost = np.where(np.isnan(no_deal_cost) & np.array(from_war), 0.0, no_deal_cost)
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
        red_line=_frozen((red_line - low) / span),
        status_quo=_frozen((status_quo - low) / span),
        party=_frozen([actor.party for actor in actors], dtype=bool),
        veto=_frozen([actor.veto for actor in actors], dtype=bool),
        condition_low=_frozen((condition_low - low) / span),
        condition_high=_frozen((condition_high - low) / span),
        no_deal_outcome=_frozen((no_deal_outcome - low) / span),
        no_deal_cost=_frozen(no_deal_cost / 100.0),
        no_deal_war=_frozen(from_war, dtype=bool),
    )


def _conditions(
    actors: Sequence[Actor], issues: Sequence[Issue]
) -> tuple[list[list[Number | None]], list[list[Number | None]]]:
    """Per actor and issue the tightest ``at_least`` and ``at_most`` condition (None: none)."""
    low: list[list[Number | None]] = []
    high: list[list[Number | None]] = []
    for actor in actors:
        low_row: list[Number | None] = []
        high_row: list[Number | None] = []
        for issue in issues:
            mine = [condition for condition in actor.requires if condition.issue == issue.id]
            floors = [c.at_least for c in mine if c.at_least is not None]
            ceilings = [c.at_most for c in mine if c.at_most is not None]
            low_row.append(max(floors, key=lambda n: n.point) if floors else None)
            high_row.append(min(ceilings, key=lambda n: n.point) if ceilings else None)
        low.append(low_row)
        high.append(high_row)
    return low, high


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
