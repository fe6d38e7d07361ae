"""The track record: replay the tool's dated probabilities and score them against outcomes.

:func:`replay` computes, at every dated update of a scenario (and its base date), the
probability of every event (scenario ``events:``, or extra ones from a file) that had not
resolved by then, using only the scenario as known on that date (:func:`accord.analysis.odds`).
:func:`score` scores the resolved ones: the Brier score (Brier 1950) and the log loss, each with
a bootstrap 90 % interval over events, against three baselines — always 0.5, always "no", and
the base rate in PA-X of comparable peace processes reaching such an agreement within the same
horizon — plus a reliability table once there are enough events.

An event is forecast at a date d when d is before its ``by`` date and before it resolved
(``resolved``, else ``by``); a row made after the outcome was known would be look-ahead.

References
----------
Brier, G. W. (1950). Verification of forecasts expressed in terms of probability. *Monthly
Weather Review* 78(1):1-3.
Bell, C. & Badanjak, S. (2019). Introducing PA-X: a new peace agreement database and dataset.
*Journal of Peace Research* 56(3):452-466.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import yaml
from pydantic import TypeAdapter, ValidationError

from accord.analysis.odds import odds
from accord.analysis.precedents import agreements, is_comparable, profile_for
from accord.errors import InputError
from accord.scenario.schema import Event, Scenario

#: Probabilities are clipped to [EPSILON, 1 − EPSILON] for the log loss.
EPSILON = 0.01
#: A reliability table needs at least this many scored rows.
RELIABILITY_ROWS = 10
#: PA-X stages that count as "a framework agreement" and as "a ceasefire".
FRAMEWORK_STAGES = ("SubComp",)
CEASEFIRE_STAGES = ("Cea", "SubComp")

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Row:
    """One dated probability of one event."""

    event: str
    as_of: dt.date
    by: dt.date
    probability: float
    low: float
    high: float

    def to_json(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "event": self.event,
            "as_of": self.as_of.isoformat(),
            "by": self.by.isoformat(),
            "probability": round(self.probability, 4),
            "low": round(self.low, 4),
            "high": round(self.high, 4),
        }

    @classmethod
    def from_json(cls, item: dict[str, Any]) -> Row:
        """The row :meth:`to_json` wrote (as kept in the run store)."""
        return cls(
            str(item["event"]),
            dt.date.fromisoformat(item["as_of"]),
            dt.date.fromisoformat(item["by"]),
            float(item["probability"]),
            float(item["low"]),
            float(item["high"]),
        )


def load_events(path: str, scenario: Scenario) -> list[Event]:
    """Events from a YAML/JSON file: a list, or a mapping with an ``events`` list."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except OSError as error:
        raise InputError.single(
            path, f"cannot read: {error.strerror}", hint="check the path"
        ) from None
    except yaml.YAMLError as error:
        raise InputError.single(path, f"is not YAML: {error}", hint="fix the syntax") from None
    items = data.get("events") if isinstance(data, dict) else data
    try:
        events = TypeAdapter(list[Event]).validate_python(items)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        raise InputError.single(
            path,
            f"events.{'.'.join(str(part) for part in first['loc'])}: {first['msg']}",
            hint="each event needs id, question, kind, by (and issue, value for issue events)",
        ) from None
    known = {issue.id for issue in scenario.issues}
    for event in events:
        if event.issue is not None and event.issue not in known:
            raise InputError.single(
                path,
                f"event {event.id}: unknown issue {event.issue!r}",
                hint=f"use one of: {', '.join(sorted(known))}",
            )
    return events


def gather_events(scenario: Scenario, path: str | None = None) -> list[Event]:
    """The scenario's events, then those of an extra file (``--events``) if one is given."""
    return list(scenario.events) + (load_events(path, scenario) if path else [])


def forecast_dates(scenario: Scenario) -> list[dt.date]:
    """The dates the ledger forecasts at: the base date and every update date."""
    dates = {update.date for update in scenario.updates}
    if scenario.base_date is not None:
        dates.add(scenario.base_date)
    return sorted(dates)


def open_at(event: Event, date: dt.date) -> bool:
    """Whether ``event`` was still open (not resolved, not past) at ``date``."""
    end = event.resolved or event.by
    return date < event.by and date < end


def replay(
    scenario: Scenario,
    events: Sequence[Event] | None = None,
    *,
    runs: int = 500,
    seed: int = 0,
    progress: Progress | None = None,
) -> list[Row]:
    """Every open event's probability at every forecast date (see the module docstring)."""
    chosen = list(scenario.events if events is None else events)
    dates = forecast_dates(scenario)
    rows: list[Row] = []
    for step, date in enumerate(dates, start=1):
        live = [event for event in chosen if open_at(event, date)]
        for by in sorted({event.by for event in live}):
            group = [event for event in live if event.by == by]
            thresholds = {
                event.issue: (">=" if event.kind == "issue_at_least" else "<=", float(event.value))
                for event in group
                if event.issue is not None and event.value is not None
            }
            result = odds(scenario, date=date, by=by, runs=runs, seed=seed, thresholds=thresholds)
            for event in group:
                rows.append(_row(event, date, result))
        if progress is not None:
            progress(step, len(dates))
    return rows


@dataclass(frozen=True)
class Replay:
    """The rows of one :func:`replay`, as a recordable result."""

    rows: tuple[Row, ...]

    def to_json(self) -> dict[str, Any]:
        """``{"rows": [{"event", "as_of", "by", "probability", "low", "high"}]}``."""
        return {"rows": [row.to_json() for row in self.rows]}


def _row(event: Event, date: dt.date, result: Any) -> Row:
    if event.kind == "deal_signed":
        share = result.signed
    elif event.kind == "ratified":
        share = result.probability
    elif event.kind == "ceasefire":
        share = result.ceasefire
    else:
        item = result.issues[event.issue]
        return Row(event.id, date, event.by, item["probability"], item["low"], item["high"])
    return Row(event.id, date, event.by, share.probability, share.low, share.high)


@dataclass(frozen=True)
class Score:
    """Scores of the resolved events' rows, with baselines (see :func:`score`)."""

    brier: float | None
    log_loss: float | None
    brier_interval: tuple[float, float] | None
    n: int
    events: int
    baselines: dict[str, dict[str, float | None]]
    rows: list[dict[str, Any]]
    reliability: list[dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        """``{"brier", "log_loss", "n", "baselines", "events", ...}`` (docs/forecasting.md)."""
        return {
            "brier": _rounded(self.brier),
            "log_loss": _rounded(self.log_loss),
            "brier_interval": None
            if self.brier_interval is None
            else [round(v, 4) for v in self.brier_interval],
            "n": self.n,
            "resolved_events": self.events,
            "baselines": self.baselines,
            "events": self.rows,
            "reliability": self.reliability,
        }


def score(
    scenario: Scenario, rows: Sequence[Row], events: Sequence[Event], *, seed: int = 0
) -> Score:
    """Brier score and log loss of every row of a resolved event, against baselines.

    Each event weighs the same whatever the number of dates it was forecast at: a row's weight
    is one over its event's number of rows. Intervals: 90 % bootstrap over events.
    """
    outcome = {event.id: event.outcome for event in events if event.outcome is not None}
    by_id = {event.id: event for event in events}
    scored = [row for row in rows if row.event in outcome]
    if not scored:
        return Score(None, None, None, 0, 0, {}, [], [])
    ids = sorted({row.event for row in scored})
    counts = {event_id: sum(row.event == event_id for row in scored) for event_id in ids}
    p = np.array([row.probability for row in scored])
    y = np.array([float(bool(outcome[row.event])) for row in scored])
    w = np.array([1.0 / counts[row.event] for row in scored])
    group = np.array([ids.index(row.event) for row in scored])
    base_rates = np.array([_pax_rate(scenario, by_id[row.event], row) for row in scored])
    candidates = {
        "always 0.5": np.full(p.size, 0.5),
        "always no": np.zeros(p.size),
        "PA-X base rate": base_rates,
    }
    baselines = {
        name: {"brier": _rounded(_brier(q, y, w)), "log_loss": _rounded(_log_loss(q, y, w))}
        for name, q in candidates.items()
    }
    generator = np.random.default_rng(seed)
    draws = []
    for _ in range(1000):
        chosen = generator.integers(0, len(ids), len(ids))
        mask_weight = np.bincount(chosen, minlength=len(ids))[group] * w
        draws.append(_brier(p, y, mask_weight))
    low, high = np.quantile(draws, [0.05, 0.95])
    return Score(
        brier=_brier(p, y, w),
        log_loss=_log_loss(p, y, w),
        brier_interval=(float(low), float(high)),
        n=len(scored),
        events=len(ids),
        baselines=baselines,
        rows=[{**row.to_json(), "outcome": outcome[row.event]} for row in scored],
        reliability=_reliability(p, y) if len(scored) >= RELIABILITY_ROWS else [],
    )


@dataclass(frozen=True)
class TrackRecord:
    """A scenario's replayed rows, its events and their score: what a track record shows."""

    events: tuple[Event, ...]
    rows: tuple[Row, ...]
    score: Score
    runs: int
    seed: int

    def to_json(self) -> dict[str, Any]:
        """``{"runs", "seed", "events": [...], "rows": [...], "score": {...}}``."""
        return {
            "runs": self.runs,
            "seed": self.seed,
            "events": [event.model_dump(mode="json") for event in self.events],
            "rows": [row.to_json() for row in self.rows],
            "score": self.score.to_json(),
        }


def track_record(
    scenario: Scenario,
    events: Sequence[Event] | None = None,
    *,
    runs: int = 100,
    seed: int = 0,
    progress: Progress | None = None,
) -> TrackRecord:
    """Replay every event at every forecast date and score the resolved ones.

    The report and the dashboard call this with few draws: each row's Monte Carlo error is in
    its ``low``/``high``; ``accord ledger replay`` stores a finer replay.
    """
    chosen = tuple(scenario.events if events is None else events)
    rows = tuple(replay(scenario, chosen, runs=runs, seed=seed, progress=progress))
    return TrackRecord(chosen, rows, score(scenario, rows, chosen, seed=seed), runs, seed)


def _brier(p: Any, y: Any, w: Any) -> float:
    return float(np.sum(w * (p - y) ** 2) / np.sum(w))


def _log_loss(p: Any, y: Any, w: Any) -> float:
    q = np.clip(p, EPSILON, 1 - EPSILON)
    return float(-np.sum(w * (y * np.log(q) + (1 - y) * np.log(1 - q))) / np.sum(w))


def _reliability(p: Any, y: Any) -> list[dict[str, Any]]:
    """Forecasts in five bins of width 0.2: mean forecast against observed frequency."""
    table = []
    edges = np.linspace(0, 1, 6)
    for low, high in itertools.pairwise(edges):
        inside = (p >= low) & ((p < high) | (high == 1.0))
        if inside.any():
            table.append(
                {
                    "bin": f"{low:.1f} to {high:.1f}",
                    "rows": int(inside.sum()),
                    "forecast": round(float(p[inside].mean()), 4),
                    "observed": round(float(y[inside].mean()), 4),
                }
            )
    return table


def _pax_rate(scenario: Scenario, event: Event, row: Row) -> float:
    """The PA-X base rate of an event over its row's horizon.

    The share of comparable PA-X agreements followed, in the same process, by a framework (or,
    for ceasefire events, a ceasefire) agreement within the horizon: a base rate for "talks at
    this stage produce such an agreement within h months". Issue events use the framework rate.
    """
    months = max(0.0, (row.by - row.as_of).days / (365.25 / 12))
    stages = CEASEFIRE_STAGES if event.kind == "ceasefire" else FRAMEWORK_STAGES
    return pax_base_rate(scenario, stages, months)


def pax_base_rate(scenario: Scenario, stages: Sequence[str], months: float) -> float:
    """P(an agreement of ``stages`` follows within ``months``), over comparable PA-X processes."""
    profile = profile_for(scenario)
    pool = [item for item in agreements() if is_comparable(item, profile)]
    by_process: dict[str, list[tuple[dt.date, str]]] = {}
    for item in pool:
        day = _date(item.date)
        if day is not None:
            by_process.setdefault(item.process, []).append((day, item.stage))
    hits = total = 0
    horizon = dt.timedelta(days=months * 365.25 / 12)
    for entries in by_process.values():
        for day, _ in entries:
            total += 1
            hits += any(day < other <= day + horizon and s in stages for other, s in entries)
    return hits / total if total else 0.5


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(float(value), 4)
