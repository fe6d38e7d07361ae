"""The structural spread for the report and the dashboard: what the actor list does to each model.

Kept apart from :mod:`accord.report.sections` (which registers the section) so the figure and
the table can be built and tested from a :class:`~accord.analysis.robustness.Robustness` alone.
"""

from __future__ import annotations

import html

import plotly.graph_objects as go

from accord.analysis.robustness import Robustness
from accord.scenario.schema import Scenario

PALETTE = ("#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2", "#9d755d")


def _share(value: float | None, low: float, high: float) -> float | None:
    return None if value is None else 100.0 * (value - low) / (high - low)


def spread_figure(result: Robustness, scenario: Scenario) -> go.Figure:
    """Per issue and model, the range over the variants (bar) and the baseline (marker).

    Values are shown as a share of each issue's scale (0 = its minimum, 100 = its maximum), so
    issues on different scales share one axis; hovering gives the values in the issue's unit.
    """
    figure = go.Figure()
    names = [issue.name for issue in scenario.issues]
    for index, model in enumerate(result.models):
        colour = PALETTE[index % len(PALETTE)]
        starts, widths, bases, hover = [], [], [], []
        for issue in scenario.issues:
            spread = result.spread(model, issue.id)
            low = _share(spread.low, issue.min, issue.max)
            high = _share(spread.high, issue.min, issue.max)
            starts.append(low)
            widths.append(None if low is None or high is None else max(high - low, 0.4))
            bases.append(_share(spread.baseline, issue.min, issue.max))
            moved = f"; most: {spread.most} → {spread.most_value:.4g}" if spread.most else ""
            hover.append(
                f"{model}: baseline {_cell(spread.baseline)}, variants {_cell(spread.low)} – "
                f"{_cell(spread.high)} {issue.unit}{moved}"
            )
        figure.add_trace(
            go.Bar(
                y=names,
                x=widths,
                base=starts,
                orientation="h",
                name=model,
                legendgroup=model,
                marker={"color": colour, "opacity": 0.55},
                hovertext=hover,
                hoverinfo="text",
                offsetgroup=model,
            )
        )
        figure.add_trace(
            go.Scatter(
                y=names,
                x=bases,
                mode="markers",
                name=f"{model} baseline",
                legendgroup=model,
                showlegend=False,
                marker={"color": colour, "symbol": "line-ns", "size": 14, "line": {"width": 2}},
                hoverinfo="skip",
            )
        )
    figure.update_layout(
        title={"text": html.escape("Forecast range over the structural variants")},
        barmode="group",
        xaxis={"title": {"text": "share of the issue's scale (%)"}, "range": [-2, 102]},
        yaxis={"autorange": "reversed"},
        height=160 + 26 * len(names) * max(1, len(result.models)) // 2,
        font={"family": "system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif"},
        template="plotly_white",
        margin={"l": 10, "r": 10, "t": 60, "b": 40},
    )
    return figure


def spread_table(result: Robustness, scenario: Scenario) -> str:
    """An HTML table: per issue, each model's baseline, range and the variant that moves it most."""
    rows = []
    for issue in scenario.issues:
        for index, model in enumerate(result.models):
            spread = result.spread(model, issue.id)
            cells = [
                html.escape(issue.name) if index == 0 else "",
                html.escape(model),
                _cell(spread.baseline),
                f"{_cell(spread.low)} – {_cell(spread.high)}",
                _cell(spread.width),
                html.escape(f"{spread.most} → {spread.most_value:.4g}") if spread.most else "—",
            ]
            rows.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
    head = "".join(
        f"<th>{name}</th>"
        for name in ("Issue", "Model", "Baseline", "Range over variants", "Spread", "Moved most by")
    )
    body = "".join(rows)
    return f"<table class='robustness'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _cell(value: float | None) -> str:
    return "—" if value is None else f"{value:.4g}"
