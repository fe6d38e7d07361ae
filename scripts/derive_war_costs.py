"""Derive the monthly cost-of-war ranges of ukraine-2025's ``war.sides`` from revealed refusals.

Usage::

    python scripts/derive_war_costs.py [SCENARIO]

Kyiv turned down Moscow's terms on Donbas (the rest of Donetsk and Luhansk, the "Anchorage
formula") and Moscow turned down Kyiv's (a ceasefire on the current line) at each of these
dates, while the war went on: 2 Dec 2025 (Witkoff and Kushner in Moscow, S18, S19), 28 Dec 2025
(Mar-a-Lago; Moscow rejects a ceasefire, S76), 23 Jan 2026 (Abu Dhabi round 1, S82, S84) and
17 Feb 2026 (Geneva round 3, S93). :func:`accord.dynamics.war_costs.revealed_costs` conditions a
flat prior on [0, 5] % on each side's cost being below its break-even at every one of them, over
draws of the war block's other numbers; the script prints the 10th, 50th and 90th percentiles,
which the scenario takes as low, mode and high (docs/war-and-ratification.md).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from accord.dynamics.war_costs import revealed_costs  # noqa: E402
from accord.scenario import load  # noqa: E402

REFUSALS = [dt.date(2025, 12, 2), dt.date(2025, 12, 28), dt.date(2026, 1, 23), dt.date(2026, 2, 17)]


def main(argv: list[str]) -> int:
    """Print each side's cost range consistent with the refusals (and the share kept)."""
    scenario = load(argv[0] if argv else "ukraine-2025")
    for prior_high in (4.0, 5.0, 6.0):
        costs = revealed_costs(scenario, REFUSALS, prior_high=prior_high)
        for actor, kept in costs.items():
            low, mode, high = np.percentile(kept, [10, 50, 90])
            share = kept.size / (20 * 4000)
            print(
                f"prior [0, {prior_high:g}] {actor}: kept {share:.0%}; "
                f"10th {low:.2f}, median {mode:.2f}, 90th {high:.2f} % a month"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
