"""Hosts of the talks (``talks.mediators``): they set when rounds happen, not what the text says.

Beardsley, Quinn, Biswas & Wilkenfeld (2006) tell three mediation styles apart, after Bercovitch
(1997): *facilitation* (a channel, a venue, messages passed), *formulation* (agenda, proposals)
and *manipulation* (leverage: deadlines, carrots and sticks). In the International Crisis
Behavior data manipulation has the strongest effect on reaching a formal agreement; facilitation
mainly on lasting tension reduction. In accord the lead mediator (``talks.mediator``) is the one
that formulates and manipulates: it drafts the single text and pulls it (``talks.pull``). The
hosts listed in ``talks.mediators`` are facilitators: they state no terms and draft nothing, so
they leave every simulated round (texts, acceptances, the round of agreement) as it is. What
they add is meetings: rounds of the talks were held at their venues on the listed dates. They
therefore enter the calendar on which ``accord odds`` dates the simulated rounds:

    rate(T) = base + H(T) / 3

rounds a month, where ``base`` is ``talks.rounds_per_month`` (the meetings the lead mediator
arranges elsewhere, shuttle and bilateral; 1 when not given) and H(T) the number of rounds the
hosts held in the three months before the evaluation date T. Only round dates on or before T
are read (the as-of rule), so a host contributes once it has held a round and for three months
after its last one. A host listed without dates is shown but adds nothing.

References
----------
Beardsley, K. C., Quinn, D. M., Biswas, B. & Wilkenfeld, J. (2006). Mediation style and crisis
outcomes. *Journal of Conflict Resolution* 50(1):58-86.
Bercovitch, J. (1997). Mediation in international conflict: an overview of theory, a review of
practice. In Zartman & Rasmussen (eds.), *Peacemaking in International Conflict*, USIP.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from accord.dynamics.common import filled
from accord.scenario.compile import FloatArray
from accord.scenario.schema import Host, Scenario

#: Days back from the evaluation date over which the hosts' rounds set the pace (three months).
WINDOW_DAYS = 91
#: Months in that window.
WINDOW_MONTHS = 3.0


@dataclass(frozen=True)
class HostRecord:
    """A host as of the evaluation date: the rounds it had held by then and those in the window."""

    host: Host
    held: tuple[dt.date, ...]
    recent: tuple[dt.date, ...]

    def to_json(self) -> dict[str, object]:
        """``{"id", "name", "role", "rounds": [dates held by then], "recent_rounds": n}``."""
        return {
            "id": self.host.id,
            "name": self.host.name,
            "role": self.host.role,
            "rounds": [day.isoformat() for day in self.held],
            "recent_rounds": len(self.recent),
        }


def took_part(scenario: Scenario, date: dt.date | None) -> tuple[HostRecord, ...]:
    """The hosts that had taken part by ``date``: a listed round on or before it, or no dates.

    ``date`` None reads every listed round.
    """
    if scenario.talks is None:
        return ()
    records = []
    for host in scenario.talks.mediators:
        held = tuple(sorted(day for day in host.rounds if date is None or day <= date))
        if host.rounds and not held:
            continue
        start = None if date is None else date - dt.timedelta(days=WINDOW_DAYS)
        recent = tuple(day for day in held if start is None or day > start)
        records.append(HostRecord(host, held, recent))
    return tuple(records)


def hosted_rate(scenario: Scenario, date: dt.date | None) -> float:
    """H(T) / 3: rounds a month the hosts held in the three months before ``date``."""
    return sum(len(record.recent) for record in took_part(scenario, date)) / WINDOW_MONTHS


def rounds_per_month(
    scenario: Scenario, date: dt.date | None, runs: int, generator: np.random.Generator
) -> FloatArray:
    """``[R]`` the talks' calendar in rounds a month: the base rate plus the hosts' rate.

    The base is ``talks.rounds_per_month`` drawn from ``generator`` (1 if absent), the hosts'
    rate :func:`hosted_rate` (see the module docstring).
    """
    talks = scenario.talks
    if talks is not None and talks.rounds_per_month is not None:
        base = filled([talks.rounds_per_month], 1.0, runs, generator)[:, 0]
    else:
        base = np.ones(runs)
    return np.asarray(base + hosted_rate(scenario, date))
