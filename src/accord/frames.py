"""Results for notebooks: tidy pandas tables, short representations and figures.

Every result type mixes in :class:`Tabular`, which gives it

* ``to_frame()``: a tidy :class:`pandas.DataFrame`, one row per observation, with the columns
  documented below;
* ``__repr__`` and ``_repr_html_``: one line (the kind of result, the scenario, its size), and in
  a notebook that line above the first rows of the frame, never the whole scenario;
* ``plot()``: the plotly figure the HTML report draws for that result (forecast positions,
  Monte Carlo distributions, timeline, sensitivity tornados, levers, the war's bargaining range
  for the first battlefield issue, a deal's value, ratification, simulated terms); backtests and
  precedents have no figure in the report, so ``plot()`` refers to ``to_frame()``.

Columns of ``to_frame()`` (values in each issue's unit unless said otherwise; ``low``/``high``
bound the 80 % interval, empty when not sampled):

``Forecast``
    model, issue, value, low, high, label, concedes_most
``MonteCarlo``
    model, issue, value (median), low, high, label, mean, sd, deal_probability
``Levers``
    model, rank, path, actor, kind, issue, change, new_value, gain, cost, net, method
``Sensitivity``
    issue, input, then the method's indices (Sobol': S1, S1_conf, ST, ST_conf; Morris: mu,
    mu_star, mu_star_conf, sigma), and the tornado's low, high, at_low, at_high, width
``Timeline``
    date, kind, model, issue, value, low, high, label, events
``WarAnalysis``
    regime, theatre, month, series (advancing, defending, line), value, low, high
``Valuation`` (deal)
    actor, name, party, measure (value, walk_away, surplus, surplus_with_risk), value, low,
    high, beats_walk_away
``Ratification``
    body, name, kind (veto, referendum, overall), value, low, high
``Simulation`` (simulated talks)
    issue, value (median agreed term), low, high, agreement_probability
``Backtest``
    scenario, issue, outcome, model, forecast, error, scaled_error (points of a 0-100 scale)
``Precedents``
    rank, id, name, country, date, overlap, context, and the other fields of each nearest
    agreement

Nothing here imports pandas or plotly until a method is called, so the command line starts
fast.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

ROWS_SHOWN = 10


class Tabular:
    """Mixin for result types: ``to_frame``, a short ``repr``, ``_repr_html_`` and ``plot``.

    The dataclasses that use it pass ``repr=False`` so that this ``__repr__`` is kept.
    """

    __slots__ = ()

    def to_frame(self) -> pd.DataFrame:
        """A tidy table of the result (columns: see :mod:`accord.frames`)."""
        return to_frame(self)

    def plot(self) -> go.Figure:
        """The plotly figure the HTML report draws for this result."""
        return plot(self)

    def __repr__(self) -> str:
        return describe(self)

    def _repr_html_(self) -> str:
        frame = self.to_frame()
        shown = frame.head(ROWS_SHOWN).to_html(index=False, na_rep="", float_format="{:.4g}".format)
        more = len(frame) - ROWS_SHOWN
        tail = f"<p>… {more} more rows: <code>.to_frame()</code></p>" if more > 0 else ""
        return f"<p><b>{html.escape(describe(self))}</b></p>{shown}{tail}"


def describe(result: Any) -> str:
    """One line naming the kind of result, its scenario and its size."""
    kind = type(result).__name__
    parts = []
    scenario = getattr(result, "scenario", None)
    if scenario is not None:
        parts.append(f"scenario={getattr(scenario, 'id', scenario)!r}")
    problem = getattr(result, "problem", None)
    as_of = getattr(problem, "as_of", None) or getattr(result, "date", None)
    if as_of is not None:
        parts.append(f"as_of={as_of!s}")
    for name in ("actor", "draws", "seed"):
        value = getattr(result, name, None)
        if value is not None and not callable(value):
            parts.append(f"{name}={value!s}")
    models = getattr(result, "models", None) or getattr(result, "settlement", None)
    if isinstance(models, Mapping | tuple) and models:
        parts.append(f"models={list(models)}")
    return f"<{kind} {' '.join(parts)}>" if parts else f"<{kind}>"


def to_frame(result: Any) -> pd.DataFrame:
    """The tidy table of ``result`` (dispatch on its type's name)."""
    import pandas as pd

    build = _FRAMES.get(type(result).__name__)
    if build is None:
        raise TypeError(f"no table for {type(result).__name__}")
    rows, columns = build(result)
    return pd.DataFrame(list(rows), columns=columns)


def plot(result: Any) -> go.Figure:
    """The report's figure for ``result`` (dispatch on its type's name)."""
    draw = _FIGURES.get(type(result).__name__)
    if draw is None:
        raise TypeError(
            f"the report draws no figure for {type(result).__name__}; use .to_frame() to plot it"
        )
    return draw(result)


Rows = tuple[Iterable[Mapping[str, Any]], list[str]]


def _forecast(result: Any) -> Rows:
    columns = ["model", "issue", "value", "low", "high", "label", "concedes_most"]
    rows = (
        {
            "model": name,
            "issue": issue,
            "value": item.value,
            "low": item.low,
            "high": item.high,
            "label": item.label,
            "concedes_most": item.concedes_most,
        }
        for name, model in result.models.items()
        for issue, item in model.issues.items()
    )
    return rows, columns


def _montecarlo(result: Any) -> Rows:
    columns = [
        "model", "issue", "value", "low", "high", "label", "mean", "sd", "deal_probability",
    ]  # fmt: skip
    rows = (
        {
            "model": name,
            "issue": issue,
            "value": item.median,
            "low": item.low,
            "high": item.high,
            "label": item.label,
            "mean": item.mean,
            "sd": item.sd,
            "deal_probability": summary.deal_probability,
        }
        for name, summary in result.summary.items()
        for issue, item in summary.issues.items()
    )
    return rows, columns


def _levers(result: Any) -> Rows:
    columns = [
        "model", "rank", "path", "actor", "kind", "issue", "change", "new_value", "gain", "cost",
        "net", "method",
    ]  # fmt: skip
    data = result.to_json()
    rows = (
        {"model": name, **{key: item[key] for key in columns[1:]}}
        for name, entry in data["models"].items()
        for item in entry["levers"]
    )
    return rows, columns


def _sensitivity(result: Any) -> Rows:
    data = result.to_json()
    rows: list[dict[str, Any]] = []
    columns = ["issue", "input"]
    for issue, output in data["outputs"].items():
        tornado = {item["name"]: item for item in output.get("tornado") or ()}
        for index in output.get("indices") or ():
            row: dict[str, Any] = {"issue": issue, "input": index["name"]}
            row.update({k: v for k, v in index.items() if k not in ("name", "members")})
            swing = tornado.get(index["name"], {})
            row.update({k: v for k, v in swing.items() if k != "name"})
            for key in row:
                if key not in columns:
                    columns.append(key)
            rows.append(row)
    return rows, columns


def _timeline(result: Any) -> Rows:
    columns = ["date", "kind", "model", "issue", "value", "low", "high", "label", "events"]
    rows = (
        {
            "date": point.date,
            "kind": point.kind,
            "model": name,
            "issue": issue,
            "value": item.value,
            "low": item.low,
            "high": item.high,
            "label": item.label,
            "events": "; ".join(point.events),
        }
        for point in result.points
        for name, per_issue in point.forecasts.items()
        for issue, item in per_issue.items()
    )
    return rows, columns


def _war(result: Any) -> Rows:
    columns = ["regime", "theatre", "month", "series", "value", "low", "high"]
    data = result.to_json()
    rows = (
        {
            "regime": regime,
            "theatre": theatre,
            "month": month,
            "series": series,
            "value": band["value"][k],
            "low": band["low"][k],
            "high": band["high"][k],
        }
        for regime, entry in data["regimes"].items()
        for theatre, paths in entry["theatres"].items()
        for series, band in paths.items()
        if isinstance(band, Mapping) and "value" in band
        for k, month in enumerate(data["months"])
    )
    return rows, columns


def _valuation(result: Any) -> Rows:
    columns = ["actor", "name", "party", "measure", "value", "low", "high", "beats_walk_away"]
    data = result.to_json()
    rows = (
        {
            "actor": actor,
            "name": entry["name"],
            "party": entry["party"],
            "measure": measure,
            "value": entry[measure]["value"],
            "low": entry[measure]["low"],
            "high": entry[measure]["high"],
            "beats_walk_away": entry["beats_walk_away"],
        }
        for actor, entry in data["actors"].items()
        for measure in ("value", "walk_away", "surplus", "surplus_with_risk")
        if isinstance(entry.get(measure), Mapping)
    )
    return rows, columns


def _ratification(result: Any) -> Rows:
    columns = ["body", "name", "kind", "value", "low", "high"]
    data = result.to_json()
    rows: list[dict[str, Any]] = [
        {"body": body, "name": entry["name"], "kind": "veto", **_band(entry["consent"])}
        for body, entry in data["vetoes"].items()
    ]
    if data.get("referendum"):
        rows.append(
            {
                "body": "referendum",
                "name": "Voters (referendum passes)",
                "kind": "referendum",
                **_band(data["referendum"]["passes"]),
            }
        )
    rows.append(
        {"body": "all", "name": "Ratified", "kind": "overall", **_band(data["probability"])}
    )
    return rows, columns


def _simulation(result: Any) -> Rows:
    columns = ["issue", "value", "low", "high", "agreement_probability"]
    data = result.to_json()
    rows = (
        {"issue": issue, **_band(entry), "agreement_probability": data["agreement_probability"]}
        for issue, entry in (data.get("terms") or {}).items()
    )
    return rows, columns


def _backtest(result: Any) -> Rows:
    columns = ["scenario", "issue", "outcome", "model", "forecast", "error", "scaled_error"]
    data = result.to_json()
    rows = (
        {
            "scenario": case["scenario"],
            "issue": case["issue"],
            "outcome": case["outcome"],
            "model": model,
            "forecast": value,
            "error": case["error"][model],
            "scaled_error": case["scaled"][model],
        }
        for case in data["cases"]
        for model, value in case["forecast"].items()
    )
    return rows, columns


def _precedents(result: Any) -> Rows:
    data = result.to_json()
    nearest = data.get("nearest") or []
    first = ["rank", "id", "name", "country", "date", "overlap", "context"]
    columns = first + [key for key in (nearest[0] if nearest else {}) if key not in first]
    rows = (
        {"rank": rank, **{k: _cell(v) for k, v in item.items()}}
        for rank, item in enumerate(nearest, start=1)
    )
    return rows, columns


def _band(entry: Mapping[str, Any]) -> dict[str, Any]:
    return {"value": entry.get("value"), "low": entry.get("low"), "high": entry.get("high")}


def _cell(value: Any) -> Any:
    return ", ".join(map(str, value)) if isinstance(value, list) else value


_FRAMES: dict[str, Callable[[Any], Rows]] = {
    "Forecast": _forecast,
    "MonteCarlo": _montecarlo,
    "Levers": _levers,
    "Sensitivity": _sensitivity,
    "Timeline": _timeline,
    "WarAnalysis": _war,
    "Valuation": _valuation,
    "Ratification": _ratification,
    "Simulation": _simulation,
    "Backtest": _backtest,
    "Precedents": _precedents,
}


def _plot_forecast(result: Any) -> go.Figure:
    from accord.report import charts

    values = {
        name: {issue: item.value for issue, item in model.issues.items()}
        for name, model in result.models.items()
    }
    return charts.positions_figure(result.scenario, values)


def _plot_montecarlo(result: Any) -> go.Figure:
    from accord.report import charts

    return charts.distribution_figure(list(result.scenario.issues), result.settlement)


def _plot_timeline(result: Any) -> go.Figure:
    import numpy as np

    from accord.report import charts

    points = [p for p in result.points if p.date is not None]
    issues = list(result.scenario.issues)
    values = {
        model: np.array([[p.forecasts[model][i.id].value for i in issues] for p in points])
        for model in result.models
    }
    events = [(p.date, "; ".join(p.events)) for p in points if p.events]
    return charts.timeline_figure(issues, [p.date for p in points], values, events=events)


def _plot_valuation(result: Any) -> go.Figure:
    from accord.report import charts

    return charts.deal_value_figure(result.to_json(), parties_only=True)


def _plot_simulation(result: Any) -> go.Figure:
    from accord.report import charts

    return charts.simulated_terms_figure(result.to_json(), list(result.scenario.issues))


def _plot_sensitivity(result: Any) -> go.Figure:
    from accord.report import charts

    outputs = {}
    for issue, output in result.outputs.items():
        top = sorted(output.tornado, key=lambda swing: -swing.width)[:8]
        rows = [
            {"name": swing.name, "low": swing.at_low, "high": swing.at_high}
            for swing in top
            if swing.width > 0
        ]
        if rows:
            outputs[issue] = {"base": output.base, "rows": rows}
    return charts.tornado_figure(outputs)


def _plot_levers(result: Any) -> go.Figure:
    from accord.report import charts

    name, entry = next(iter(result.to_json()["models"].items()))
    rows = [
        {
            "label": f"{item['path']}: {item['new_value'] - item['change']:.4g} → "
            f"{item['new_value']:.4g}",
            "effect": item["net"],
            "detail": f"change {item['change']:+.4g}, gain {item['gain']:.3g}, "
            f"cost {item['cost']:.3g}",
        }
        for item in entry["levers"][:10]
        if item["net"] is not None and item["net"] > 0
    ]
    return charts.levers_figure(
        rows,
        unit="net gain, points of a 0-100 scale",
        title=f"Levers for {result.actor} ({name} model)",
    )


def _plot_war(result: Any) -> go.Figure:
    """The first battlefield issue's bargaining range under each aid regime."""
    from accord.report import charts

    data = result.to_json()
    issue_id = result.sample.theatre_ids[0]
    issue = result.scenario.issue(issue_id)
    flipped = result.sample.gain_end[0] == "min"
    ranges = {}
    for regime in data["regimes"].values():
        theatre = regime["theatres"][issue_id]
        advancing, defending = theatre["advancing"]["value"], theatre["defending"]["value"]
        low, high = (defending, advancing) if flipped else (advancing, defending)
        ranges[regime["name"]] = {"low": low, "high": high, "line": theatre["line"]["value"]}
    return charts.bargaining_range_figure(
        data["months"],
        ranges,
        unit=issue.unit,
        title=f"{issue.name}: bargaining range by aid regime",
        scale=(issue.min, issue.max),
    )


def _plot_ratification(result: Any) -> go.Figure:
    from accord.report import charts

    data = result.to_json()
    band = data["probability"]
    body = {
        "name": data["deal"]["title"],
        "probability": band["value"],
        "low": min(band["low"], band["value"]),
        "high": max(band["high"], band["value"]),
        "rule": "; ".join(
            f"{b['who']}: {100 * b['probability']:.0f} %" for b in data["blockers"][:3]
        ),
    }
    return charts.ratification_figure([body])


_FIGURES: dict[str, Callable[[Any], go.Figure]] = {
    "Forecast": _plot_forecast,
    "MonteCarlo": _plot_montecarlo,
    "Timeline": _plot_timeline,
    "Valuation": _plot_valuation,
    "Simulation": _plot_simulation,
    "Sensitivity": _plot_sensitivity,
    "Levers": _plot_levers,
    "WarAnalysis": _plot_war,
    "Ratification": _plot_ratification,
}
