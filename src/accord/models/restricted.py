"""Collective-choice models run inside the zone of agreement (the ``within_zone`` option).

The faithful ports (compromise, median, eum, smp) read talks as a vote in which nobody can
refuse. With ``within_zone=True`` they are told who can: every actor's position is first moved
into the box that the veto players' red lines and conditions leave open (per draw and issue,
see :mod:`accord.scenario.acceptance`), the model runs on those positions, and its settlement is
held inside the same box. On an issue where the box is empty the model runs unrestricted and the
forecast's zone check reports it. No-deal utility conditions are not applied here: they couple
the issues, while these models solve each issue alone.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from accord.models.base import ForecastModel, Outcome
from accord.scenario.acceptance import bounds
from accord.scenario.compile import Problem, RNGLike


def run_within_zone(model: ForecastModel, problem: Problem, rng: RNGLike = None) -> Outcome:
    """Run ``model`` (with ``within_zone`` off) with positions and settlement kept in the zone.

    ``Outcome.diagnostics["zone_open"]`` ``[B, I]`` says where the box was open.
    """
    low, high = bounds(problem)
    veto = problem.veto_players
    if not veto.any():
        return model.run(problem, rng=rng)
    floor = low[:, veto].max(axis=1)  # [B, I]
    ceiling = high[:, veto].min(axis=1)
    is_open = floor <= ceiling
    lower = np.where(is_open, floor, 0.0)[:, None, :]
    upper = np.where(is_open, ceiling, 1.0)[:, None, :]
    position = np.clip(problem.position, lower, upper)
    position.flags.writeable = False
    outcome = model.run(dataclasses.replace(problem, position=position), rng=rng)
    settlement = np.clip(outcome.settlement, lower[:, 0, :], upper[:, 0, :])
    diagnostics: dict[str, Any] = {**outcome.diagnostics, "zone_open": is_open}
    return dataclasses.replace(outcome, settlement=settlement, diagnostics=diagnostics)
