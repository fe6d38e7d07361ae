"""Derive the monthly cost-of-war ranges of ukraine-2025's ``war.sides``, dated, from refusals.

Usage::

    python scripts/derive_war_costs.py [SCENARIO]

Kyiv turned down Moscow's terms on Donbas (the rest of Donetsk and Luhansk, the "Anchorage
formula") and Moscow turned down Kyiv's (a ceasefire on the current line) at each of these
dates, while the war went on: the scenario's base date, 18 Nov 2025 (the Istanbul terms of
2 Jun 2025 still stood, refused by each side: S38, S39, S106), 2 Dec 2025 (Witkoff and Kushner
in Moscow, S18; public on 3 Dec, S19), 28 Dec 2025 (Mar-a-Lago; Moscow rejects a ceasefire,
S76), 23 Jan 2026 (Abu Dhabi round 1, S82; public on 24 Jan, S84) and 17 Feb 2026 (Geneva round
3; public on 18 Feb, S93). :func:`accord.dynamics.war_costs.dated_revealed_costs` conditions a
flat prior on [0, 5] % on each side's cost being below its break-even at every refusal known by
a date, over draws of the war block's other numbers as of each refusal; for each date a refusal
became public the script prints the 10th, 50th and 90th percentiles, which the scenario takes as
low, mode and high: the base value and the dated updates of ``war.sides.ACTOR.cost``
(docs/war-and-ratification.md).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from accord.dynamics.war_costs import dated_revealed_costs  # noqa: E402
from accord.scenario import load  # noqa: E402

#: (date of the refusal, date it was public, sources).
REFUSALS = [
    (dt.date(2025, 11, 18), dt.date(2025, 11, 18), "S38, S39, S106"),
    (dt.date(2025, 12, 2), dt.date(2025, 12, 3), "S18, S19"),
    (dt.date(2025, 12, 28), dt.date(2025, 12, 28), "S76"),
    (dt.date(2026, 1, 23), dt.date(2026, 1, 24), "S82, S84"),
    (dt.date(2026, 2, 17), dt.date(2026, 2, 18), "S93"),
]


def main(argv: list[str]) -> int:
    """Print each side's cost range known at each date (and the share of the prior kept)."""
    scenario = load(argv[0] if argv else "ukraine-2025")
    dates = [refusal for refusal, _, _ in REFUSALS]
    for prior_high in (4.0, 5.0, 6.0):
        ranges = dated_revealed_costs(scenario, dates, prior_high=prior_high)
        for (_, public, sources), costs in zip(REFUSALS, ranges, strict=True):
            for actor, kept in costs.items():
                low, mode, high = np.percentile(kept, [10, 50, 90])
                share = kept.size / (20 * 4000)
                print(
                    f"prior [0, {prior_high:g}] known {public} ({sources}) {actor}: "
                    f"kept {share:.0%}; "
                    f"10th {low:.2f}, median {mode:.2f}, 90th {high:.2f} % a month"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
