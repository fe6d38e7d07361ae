"""The dashboard's "Track record" tab: the replayed record of a scenario's events, cached.

A replay runs the odds at every forecast date of the scenario (seconds), and its result depends
only on the scenario, the draws and the seed, so :class:`TrackCache` keeps the payload per
scenario (by content hash) and settings; the tab's later visits cost nothing. The figure and
tables are the report's (:mod:`accord.report.track`).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from typing import Any

from accord.analysis.ledger import track_record
from accord.report.track import score_table, summary, track_figure
from accord.scenario.schema import Scenario

#: Default draws per forecast date of the tab (as the report's).
TRACK_DRAWS = 100
#: Most draws a client may ask for.
MAX_TRACK_DRAWS = 1000
#: Payloads kept (least recently used dropped first).
CACHE_SIZE = 16


def scenario_key(scenario: Scenario) -> str:
    """A content hash of the scenario: uploaded scenarios with the same content share it."""
    text = json.dumps(scenario.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def track_payload(scenario: Scenario, *, runs: int, seed: int) -> dict[str, Any]:
    """``{"scenario", "events", "html", "figure", "record"}`` for the tab."""
    record = track_record(scenario, runs=runs, seed=seed)
    text = (
        summary(record) + score_table(record)
        if record.events
        else "<p>This scenario has no events to forecast: add an <code>events:</code> block "
        "(docs/forecasting.md).</p>"
    )
    return {
        "scenario": scenario.id,
        "events": len(record.events),
        "html": text,
        "figure": json.loads(track_figure(record).to_json()),
        "record": record.to_json(),
    }


class TrackCache:
    """Track-record payloads by (scenario hash, draws, seed), computed once each."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[tuple[str, int, int], dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self.computed = 0

    def get(self, scenario: Scenario, *, runs: int, seed: int) -> dict[str, Any]:
        """The payload, from the cache or computed (outside the lock) and kept."""
        key = (scenario_key(scenario), runs, seed)
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        payload = track_payload(scenario, runs=runs, seed=seed)
        with self._lock:
            self.computed += 1
            self._items[key] = payload
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return payload
