"""Honest labels for numbers computed from draws: shares of draws, and too few draws.

A share of Monte Carlo draws is the frequency of an outcome *under one model and the analyst's
input ranges*; it is not a calibrated probability of the event (only the ledger's scored odds
are checked against outcomes, :mod:`accord.analysis.ledger`). Every table of such shares says
so with :func:`share_label`. An interval or correlation estimated from few draws is noisy: the
Monte Carlo standard error of a share p from n draws is sqrt(p(1-p)/n), up to 0.035 at n = 200
(Robert & Casella 2004, *Monte Carlo Statistical Methods*, 2nd ed., Springer, §3.2), and the
standard error of a rank correlation near 0 is about 1/sqrt(n - 1), 0.07 at n = 200; below
:data:`FEW_DRAWS` the outputs carry :func:`few_draws` warnings.
"""

from __future__ import annotations

#: Below this many draws an interval or a correlation is flagged as resting on too few.
FEW_DRAWS = 200


def share_label(model: str) -> str:
    """``share of draws (model X)``: how a share of Monte Carlo draws is named in tables."""
    return f"share of draws (model {model})"


def few_draws(
    count: int,
    feeds: str = "these intervals and correlations",
    *,
    unit: str = "draws",
    option: str = "--draws",
) -> str | None:
    """A warning when fewer than :data:`FEW_DRAWS` draws feed ``feeds``; else ``None``.

    ``unit`` and ``option`` name what is counted and the option that sets it (e.g. Morris
    trajectories, ``--samples``).
    """
    if count >= FEW_DRAWS:
        return None
    return (
        f"only {count:,} {unit} feed {feeds} (fewer than {FEW_DRAWS}): their Monte Carlo "
        f"error is large; rerun with {option} {FEW_DRAWS} or more"
    )
