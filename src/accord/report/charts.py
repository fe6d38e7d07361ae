"""Plotly figures shared by the HTML report and the dashboard.

Every function takes plain data (scenario objects, arrays in the issues' own units, or
documented dicts) and returns a :class:`plotly.graph_objects.Figure`; nothing here runs a model.
The report embeds ``figure.to_json()`` in the page and the dashboard sends the same JSON to the
browser, so both show identical figures. Figures carry no random ids or timestamps.
"""

from __future__ import annotations

import datetime as dt
import html
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from accord.report.numbers import span as span_text
from accord.scenario.schema import Issue, Scenario

PALETTE = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#17becf",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#393b79",
    "#637939",
    "#8c6d31",
    "#843c39",
    "#7b4173",
    "#e7969c",
    "#6b6ecf",
    "#9edae5",
    "#b5cf6b",
    "#ce6dbd",
    "#000000",
    "#c49c94",
)
FONT = {"family": "system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif"}
SALIENCE_COLORSCALE = "Viridis"
ROW_HEIGHT = 150


def _text(value: str) -> str:
    """Escape text from a scenario for plotly, which renders a subset of HTML in labels."""
    return html.escape(value, quote=False).replace("%{", "%&#123;")


def model_colour(index: int) -> str:
    """The colour of the ``index``-th model or actor: 22 distinct colours, then repeating."""
    return PALETTE[index % len(PALETTE)]


def _layout(figure: go.Figure, **layout: Any) -> go.Figure:
    settings: dict[str, Any] = {
        "font": FONT,
        "paper_bgcolor": "white",
        "plot_bgcolor": "#fbfbfb",
        "hoverlabel": {"align": "left"},
        "margin": {"l": 60, "r": 30, "t": 70, "b": 50},
    }
    figure.update_layout(**{**settings, **layout})
    return figure


def _wrap(text: str, width: int = 42) -> str:
    """A subplot title broken into lines of at most ``width`` characters, so it fits a phone."""
    return "<br>".join(_text(line) for line in textwrap.wrap(text, width)) or _text(text)


def _issue_title(issue: Issue) -> str:
    unit = f" ({issue.unit})" if issue.unit else ""
    return _wrap(f"{issue.name}{unit}")


def _stack(values: Sequence[float], span: float, gap: float = 0.16) -> list[int]:
    """Vertical slots so that actors (and their labels) near each other do not overlap.

    Actors closer than ``gap`` of the scale (about a label's width) go to different slots.
    """
    order = sorted(range(len(values)), key=lambda index: (values[index], index))
    slots = [0] * len(values)
    placed: list[tuple[float, int]] = []
    for index in order:
        taken = {slot for value, slot in placed if abs(values[index] - value) < gap * span}
        slot = next(s for s in range(len(values) + 1) if s not in taken)
        slots[index] = slot
        placed.append((values[index], slot))
    return slots


def positions_figure(
    scenario: Scenario,
    forecasts: Mapping[str, Mapping[str, float]],
    *,
    issues: Sequence[str] | None = None,
) -> go.Figure:
    """Actors along each issue's labelled scale, with each model's forecast marked.

    One row per issue. Each actor is a marker at its position (point value), with area
    proportional to its capability and colour by its salience on that issue (on the
    scenario's salience scale). Each model's forecast is a vertical line; the status quo, where
    given, a dotted grey line; the scale's labelled anchors are grey triangles under the axis
    (hover for the label).

    Parameters
    ----------
    scenario
        The scenario as of the evaluation date (updates applied).
    forecasts
        Model name -> issue id -> forecast value in the issue's unit.
    issues
        Issue ids to show (default: all, in scenario order).
    """
    chosen = [scenario.issue(i) for i in issues] if issues else list(scenario.issues)
    stacks = {
        issue.id: _stack(
            [a.positions[issue.id].point for a in scenario.actors], issue.max - issue.min
        )
        for issue in chosen
    }
    heights = [max(stacks[issue.id]) + 3.0 for issue in chosen]
    pixels = 17.0 * sum(heights) + 55.0 * len(chosen)
    figure = make_subplots(
        rows=len(chosen),
        cols=1,
        subplot_titles=[_issue_title(issue) for issue in chosen],
        vertical_spacing=45.0 / pixels,
        row_heights=heights,
    )
    capabilities = [actor.capability.point for actor in scenario.actors]
    largest = max(max(capabilities), 1e-12)
    scale = scenario.salience_scale
    for row, issue in enumerate(chosen, start=1):
        span = issue.max - issue.min
        positions = [actor.positions[issue.id].point for actor in scenario.actors]
        saliences = [actor.salience[issue.id].point for actor in scenario.actors]
        slots = stacks[issue.id]
        top = max(slots) + 0.8
        right = issue.min + 0.8 * span
        figure.add_trace(
            go.Scatter(
                x=positions,
                y=slots,
                mode="markers+text",
                name="actors",
                text=[_text(_short(actor.name)) for actor in scenario.actors],
                textposition=["middle left" if x > right else "middle right" for x in positions],
                textfont={"size": 9, "color": "#444"},
                customdata=np.column_stack([capabilities, saliences]),
                hovertext=[_text(actor.name) for actor in scenario.actors],
                hovertemplate="<b>%{hovertext}</b><br>position %{x:.4g}<br>"
                "capability %{customdata[0]:.3g}<br>salience %{customdata[1]:.3g}<extra></extra>",
                marker={
                    "size": capabilities,
                    "sizemode": "area",
                    "sizeref": 2.0 * largest / 34.0**2,
                    "sizemin": 3,
                    "color": saliences,
                    "coloraxis": "coloraxis",
                    "line": {"width": 0.6, "color": "#333"},
                },
                showlegend=False,
                meta={"issue": issue.id, "role": "actors"},
            ),
            row=row,
            col=1,
        )
        if issue.anchors:
            figure.add_trace(
                go.Scatter(
                    x=[anchor.value for anchor in issue.anchors],
                    y=[-0.9] * len(issue.anchors),
                    mode="markers",
                    marker={"symbol": "triangle-up", "size": 9, "color": "#9a9a9a"},
                    hovertext=[_text(f"{a.value:g}: {a.label}") for a in issue.anchors],
                    hoverinfo="text",
                    name="anchors",
                    showlegend=False,
                    meta={"issue": issue.id, "role": "anchors"},
                ),
                row=row,
                col=1,
            )
        if issue.status_quo is not None:
            value = issue.status_quo.point
            figure.add_trace(
                go.Scatter(
                    x=[value, value],
                    y=[-0.9, top],
                    mode="lines",
                    line={"color": "#888", "dash": "dot", "width": 1.5},
                    name="status quo",
                    legendgroup="status quo",
                    showlegend=row == 1,
                    hovertext=f"status quo {value:.4g}",
                    hoverinfo="text",
                    meta={"issue": issue.id, "role": "status_quo"},
                ),
                row=row,
                col=1,
            )
        for index, (model, values) in enumerate(forecasts.items()):
            if issue.id not in values:
                continue
            value = float(values[issue.id])
            figure.add_trace(
                go.Scatter(
                    x=[value, value],
                    y=[-0.9, top],
                    mode="lines",
                    line={"color": model_colour(index), "width": 2.2},
                    name=_text(model),
                    legendgroup=model,
                    showlegend=row == 1,
                    hovertext=_text(f"{model}: {value:.4g}"),
                    hoverinfo="text",
                    meta={"issue": issue.id, "role": "forecast", "model": model},
                ),
                row=row,
                col=1,
            )
        pad = 0.04 * span
        figure.update_xaxes(
            range=[issue.min - pad, issue.max + pad],
            tickvals=[anchor.value for anchor in issue.anchors] or None,
            zeroline=False,
            row=row,
            col=1,
        )
        figure.update_yaxes(visible=False, range=[-1.3, top + 0.4], row=row, col=1)
    return _layout(
        figure,
        title={"text": "Where the actors stand and where the models settle"},
        height=round(pixels) + 150,
        margin={"l": 40, "r": 30, "t": 120, "b": 40},
        coloraxis={
            "colorscale": SALIENCE_COLORSCALE,
            "cmin": scale.min,
            "cmax": scale.max,
            "colorbar": {
                "title": {"text": "salience"},
                "thickness": 12,
                "len": 0.3,
                "y": 1.0,
                "yanchor": "top",
            },
        },
        legend={"orientation": "h", "y": 1.0 + 40.0 / pixels, "yanchor": "bottom", "x": 0.0},
    )


def _short(name: str, limit: int = 16) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def trajectory_figure(
    model: str,
    issues: Sequence[Issue],
    actor_names: Sequence[str],
    positions: npt.ArrayLike,
    series: Mapping[str, npt.ArrayLike] | None = None,
) -> go.Figure:
    """Positions round by round for a round-based model (EUM, SMP), one row per issue.

    Parameters
    ----------
    model
        The model's name (for the title).
    issues
        The issues, in the order of the last axis.
    actor_names
        Names in the order of the actor axis.
    positions
        ``[T, A, I]`` positions in the issues' units, round 0 the input.
    series
        Optional per-round summaries ``name -> [T, I]`` (e.g. EUM's ``median`` and ``mean``),
        drawn as thick dashed lines.
    """
    array = np.asarray(positions, dtype=np.float64)
    rounds = list(range(array.shape[0]))
    figure = make_subplots(
        rows=len(issues),
        cols=1,
        subplot_titles=[_issue_title(issue) for issue in issues],
        vertical_spacing=min(0.3 / max(len(issues), 1), 0.12),
    )
    for row, issue in enumerate(issues, start=1):
        column = row - 1
        for a, name in enumerate(_text(n) for n in actor_names):
            figure.add_trace(
                go.Scatter(
                    x=rounds,
                    y=array[:, a, column],
                    mode="lines+markers",
                    marker={"size": 4},
                    line={"color": model_colour(a), "width": 1.3},
                    name=name,
                    legendgroup=name,
                    showlegend=row == 1,
                    hovertemplate=f"{name}<br>round %{{x}}: %{{y:.4g}}<extra></extra>",
                    meta={"issue": issue.id, "actor": name},
                ),
                row=row,
                col=1,
            )
        for s, (key, values) in enumerate((series or {}).items()):
            data = np.asarray(values, dtype=np.float64)
            figure.add_trace(
                go.Scatter(
                    x=rounds,
                    y=data[:, column],
                    mode="lines",
                    line={"color": "#111", "width": 3, "dash": ("dash", "dot", "dashdot")[s % 3]},
                    name=_text(key),
                    legendgroup=f"series-{key}",
                    showlegend=row == 1,
                    hovertemplate=f"{_text(key)}<br>round %{{x}}: %{{y:.4g}}<extra></extra>",
                    meta={"issue": issue.id, "series": key},
                ),
                row=row,
                col=1,
            )
        figure.update_yaxes(range=[issue.min, issue.max], row=row, col=1)
        figure.update_xaxes(title={"text": "round"} if row == len(issues) else None, row=row, col=1)
    return _layout(
        figure,
        title={"text": f"{_text(model)}: positions round by round"},
        height=ROW_HEIGHT * len(issues) + 140,
        legend={"font": {"size": 10}},
    )


def distribution_figure(issues: Sequence[Issue], samples: Mapping[str, npt.ArrayLike]) -> go.Figure:
    """Monte Carlo distributions of each model's forecast, one row per issue.

    Parameters
    ----------
    issues
        The issues, in the order of the last axis.
    samples
        Model name -> ``[B, I]`` forecasts in the issues' units, one row per draw.

    Each model gets a horizontal violin of its draws with markers at the 10th, 50th and 90th
    percentiles (the 80 % interval and the median).
    """
    figure = make_subplots(
        rows=len(issues),
        cols=1,
        subplot_titles=[_issue_title(issue) for issue in issues],
        vertical_spacing=min(0.3 / max(len(issues), 1), 0.12),
    )
    for row, issue in enumerate(issues, start=1):
        for index, (model, values) in enumerate(samples.items()):
            column = np.asarray(values, dtype=np.float64)[:, row - 1]
            low, middle, high = np.quantile(column, [0.1, 0.5, 0.9])
            colour = model_colour(index)
            figure.add_trace(
                go.Violin(
                    x=column,
                    y=[model] * len(column),
                    orientation="h",
                    side="positive",
                    width=1.6,
                    points=False,
                    line={"color": colour, "width": 1},
                    fillcolor=colour,
                    opacity=0.35,
                    name=_text(model),
                    legendgroup=model,
                    showlegend=False,
                    hoverinfo="skip",
                    meta={"issue": issue.id, "model": model, "role": "draws"},
                ),
                row=row,
                col=1,
            )
            figure.add_trace(
                go.Scatter(
                    x=[low, middle, high],
                    y=[model] * 3,
                    mode="lines+markers",
                    marker={
                        "symbol": ["line-ns", "diamond", "line-ns"],
                        "size": [12, 9, 12],
                        "color": colour,
                        "line": {"width": 2, "color": colour},
                    },
                    line={"color": colour, "width": 2},
                    name=_text(model),
                    showlegend=False,
                    hovertemplate=f"{_text(model)}<br>%{{x:.4g}}<extra></extra>",
                    meta={"issue": issue.id, "model": model, "role": "interval"},
                ),
                row=row,
                col=1,
            )
        figure.update_xaxes(range=[issue.min, issue.max], row=row, col=1)
    return _layout(
        figure,
        title={"text": "Uncertainty: forecasts over the sampled draws (80 % interval and median)"},
        height=ROW_HEIGHT * len(issues) + 120,
    )


def interval_figure(
    issues: Sequence[Issue], intervals: Mapping[str, Mapping[str, tuple[float, float, float]]]
) -> go.Figure:
    """Each model's interval per issue, on a common 0-100 % axis of each issue's scale.

    ``intervals`` maps model -> issue id -> ``(low, middle, high)`` in the issue's unit; the
    figure places them at ``100 * (value - min) / (max - min)`` so issues with different units
    share one axis, and hover shows the values in units.
    """
    figure = go.Figure()
    names = [_text(issue.name) for issue in issues]
    for index, (model, per_issue) in enumerate(intervals.items()):
        xs, lows, highs, hover, ys = [], [], [], [], []
        for issue in issues:
            if issue.id not in per_issue:
                continue
            low, middle, high = per_issue[issue.id]
            span = issue.max - issue.min
            x = 100 * (middle - issue.min) / span
            xs.append(x)
            lows.append(x - 100 * (low - issue.min) / span)
            highs.append(100 * (high - issue.min) / span - x)
            ys.append(_text(issue.name))
            hover.append(
                _text(
                    f"{model}: {middle:.4g} [{span_text(f'{low:.4g}', f'{high:.4g}')}] "
                    f"{issue.unit}".strip()
                )
            )
        figure.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="markers",
                marker={"color": model_colour(index), "size": 9},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": highs,
                    "arrayminus": lows,
                    "color": model_colour(index),
                },
                name=_text(model),
                hovertext=hover,
                hoverinfo="text",
                meta={"model": model},
            )
        )
    figure.update_xaxes(range=[-2, 102], title={"text": "% of each issue's scale"})
    figure.update_yaxes(categoryorder="array", categoryarray=list(reversed(names)))
    return _layout(
        figure,
        title={"text": "Forecasts with 80 % intervals"},
        height=60 + 34 * len(issues) + 80,
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom"},
    )


def tornado_figure(
    outputs: Mapping[str, Mapping[str, Any]], *, title: str = "What moves each forecast most"
) -> go.Figure:
    """Sensitivity tornados: how far each outcome moves when one input goes low and high.

    Parameters
    ----------
    outputs
        Panel title (e.g. an issue's name) -> a dict with ``base`` (the outcome with every input
        at its point value), ``rows`` (one dict per input: ``name``, ``low`` and ``high``, the
        outcome with that input at the low and at the high end of its range) and optionally
        ``range`` (the axis range, e.g. the issue's scale). One panel per output; bars are
        sorted by swing ``|high - low|``, largest on top, starting at the base.
    title
        Figure title.
    """
    names = list(outputs)
    figure = make_subplots(
        rows=max(len(names), 1),
        cols=1,
        subplot_titles=[_wrap(name) for name in names],
        vertical_spacing=min(0.35 / max(len(names), 1), 0.12),
    )
    total_bars = 0
    for row, name in enumerate(names, start=1):
        output = outputs[name]
        base = float(output["base"])
        ordered = sorted(
            output["rows"], key=lambda item: abs(float(item["high"]) - float(item["low"]))
        )
        total_bars += len(ordered)
        labels = [_text(str(item["name"])) for item in ordered]
        for key, colour, label in (
            ("low", "#4c78a8", "input at its low end"),
            ("high", "#e45756", "input at its high end"),
        ):
            values = [float(item[key]) for item in ordered]
            figure.add_trace(
                go.Bar(
                    y=labels,
                    x=[value - base for value in values],
                    base=[base] * len(values),
                    orientation="h",
                    marker={"color": colour},
                    name=label,
                    legendgroup=key,
                    showlegend=row == 1,
                    customdata=values,
                    hovertemplate="%{y}<br>" + label + ": %{customdata:.4g}<extra></extra>",
                    meta={"output": name, "end": key},
                ),
                row=row,
                col=1,
            )
        figure.add_vline(x=base, line={"color": "#333", "width": 1}, row=row, col=1)
        if "range" in output:
            figure.update_xaxes(range=list(output["range"]), row=row, col=1)
    height = 130 + 24 * total_bars + 60 * len(names)
    return _layout(
        figure,
        title={"text": _text(title)},
        barmode="overlay",
        height=height,
        margin={"l": 230, "r": 30, "t": 110, "b": 40},
        showlegend=True,
        legend={"orientation": "h", "y": 1.0 + 35.0 / (height - 150), "yanchor": "bottom"},
    )


def levers_figure(
    rows: Sequence[Mapping[str, Any]], *, unit: str = "", title: str = ""
) -> go.Figure:
    """Levers ranked by effect: what change to one input moves the outcome most.

    Parameters
    ----------
    rows
        One dict per lever with ``label`` (what changes, e.g. "US salience on Donbas +20") and
        ``effect`` (the change in the outcome, in its unit); optional ``detail`` for hover.
    unit, title
        Axis unit and figure title.
    """
    ordered = sorted(rows, key=lambda row: abs(float(row["effect"])))
    effects = [float(row["effect"]) for row in ordered]
    figure = go.Figure(
        go.Bar(
            y=[_text(str(row["label"])) for row in ordered],
            x=effects,
            orientation="h",
            marker={"color": ["#e45756" if value > 0 else "#4c78a8" for value in effects]},
            hovertext=[_text(str(row.get("detail", row["label"]))) for row in ordered],
            hoverinfo="text+x",
            name="effect",
        )
    )
    return _layout(
        figure,
        title={"text": _text(title) if title else "Levers: the changes that move the outcome most"},
        xaxis={"title": {"text": f"change in the forecast ({unit})" if unit else "change"}},
        height=120 + 28 * len(rows),
    )


def bargaining_range_figure(
    times: Sequence[str | float | dt.date],
    ranges: Mapping[str, Mapping[str, Sequence[float | None]]],
    *,
    unit: str = "",
    time_label: str = "month",
    title: str = "Bargaining range over time",
    scale: tuple[float, float] | None = None,
) -> go.Figure:
    """The settlements both sides prefer to fighting on, over time, one band per scenario.

    Parameters
    ----------
    times
        The x values (months, dates or labels) ``[T]``.
    ranges
        Band name (e.g. an aid regime) -> ``{"low": [T], "high": [T]}``, the ends of the
        bargaining range in the issue's unit, and optionally ``"line"`` ``[T]`` (the expected
        front line or settlement), drawn dashed. Where ``low > high`` (or either is missing) no
        deal beats fighting and the band has a gap; ``layout.meta["no_deal"]`` lists those
        times per band.
    unit, time_label, title
        Axis titles and figure title.
    scale
        The issue's ``(min, max)`` for the y axis.

    Notes
    -----
    Fearon (1995): when war is costly, both sides prefer any split in ``[p - c_A, p + c_B]`` to
    fighting; bargaining while fighting (Powell 2004) moves that range as the front moves.

    References
    ----------
    Fearon, J. D. (1995). Rationalist explanations for war. International Organization 49(3).
    Powell, R. (2004). Bargaining and learning while fighting. AJPS 48(2).
    """
    xs = [t.isoformat() if isinstance(t, dt.date) else t for t in times]
    figure = go.Figure()
    gaps: dict[str, list[bool]] = {}
    for index, (name, band) in enumerate(ranges.items()):
        lows = np.array([np.nan if v is None else v for v in band["low"]], dtype=np.float64)
        highs = np.array([np.nan if v is None else v for v in band["high"]], dtype=np.float64)
        empty = ~(lows <= highs)
        gaps[name] = [bool(flag) for flag in empty]
        lows, highs = np.where(empty, np.nan, lows), np.where(empty, np.nan, highs)
        colour = model_colour(index)
        label = _text(name)
        figure.add_trace(
            go.Scatter(
                x=xs,
                y=lows,
                mode="lines",
                line={"color": colour, "width": 1},
                name=f"{label}: low",
                legendgroup=name,
                showlegend=False,
                meta={"band": name, "end": "low"},
            )
        )
        figure.add_trace(
            go.Scatter(
                x=xs,
                y=highs,
                mode="lines",
                line={"color": colour, "width": 1},
                fill="tonexty",
                opacity=0.5,
                name=label,
                legendgroup=name,
                meta={"band": name, "end": "high"},
            )
        )
        if band.get("line") is not None:
            figure.add_trace(
                go.Scatter(
                    x=xs,
                    y=[np.nan if v is None else v for v in band["line"]],
                    mode="lines",
                    line={"color": colour, "width": 2, "dash": "dash"},
                    name=f"{label}: expected line",
                    legendgroup=name,
                    meta={"band": name, "end": "line"},
                )
            )
    return _layout(
        figure,
        title={"text": _text(title)},
        xaxis={"title": {"text": time_label}},
        yaxis={"title": {"text": _text(unit)}, "range": list(scale) if scale else None},
        height=520,
        legend={"orientation": "h", "y": -0.2, "yanchor": "top", "x": 0.0},
        margin={"l": 60, "r": 30, "t": 70, "b": 40},
        meta={"no_deal": gaps},
    )


def ratification_figure(
    bodies: Sequence[Mapping[str, Any]], *, overall: float | None = None
) -> go.Figure:
    """Probabilities of approval as horizontal bars (deals, or the veto players of one deal).

    ``bodies``: one dict per bar with ``name`` and ``probability`` (0-1), and optional ``low``/
    ``high`` (an interval) and ``rule`` (e.g. "two-thirds of the Senate") for hover.
    ``overall`` (0-1), if given, is drawn as a dashed line: e.g. the probability that every
    body ratifies. Bars keep the given order, top to bottom.
    """
    names = [_text(str(body["name"])) for body in bodies]
    values = [float(body["probability"]) for body in bodies]
    error = None
    if bodies and all("low" in body and "high" in body for body in bodies):
        error = {
            "type": "data",
            "symmetric": False,
            "array": [float(b["high"]) - float(b["probability"]) for b in bodies],
            "arrayminus": [float(b["probability"]) - float(b["low"]) for b in bodies],
        }
    figure = go.Figure(
        go.Bar(
            y=names,
            x=values,
            orientation="h",
            error_x=error,
            marker={"color": "#59a14f"},
            hovertext=[_text(str(body.get("rule", body["name"]))) for body in bodies],
            hoverinfo="text+x",
            name="ratifies",
        )
    )
    if overall is not None:
        figure.add_vline(
            x=float(overall),
            line={"dash": "dash", "color": "#333"},
            annotation_text=f"all ratify: {100 * float(overall):.0f} %",
        )
    return _layout(
        figure,
        title={"text": "Ratification: probability of approval"},
        xaxis={"range": [0, 1], "tickformat": ".0%"},
        yaxis={"autorange": "reversed", "automargin": True},
        height=140 + 42 * len(bodies),
        meta={"overall": overall},
    )


def timeline_figure(
    issues: Sequence[Issue],
    dates: Sequence[dt.date],
    values: Mapping[str, npt.ArrayLike],
    *,
    events: Sequence[tuple[dt.date, str]] = (),
    marker: dt.date | None = None,
) -> go.Figure:
    """How each model's forecast moved across the scenario's dated updates.

    Parameters
    ----------
    issues
        The issues, in the order of the last axis.
    dates
        Evaluation dates ``[D]``.
    values
        Model name -> ``[D, I]`` forecasts in the issues' units.
    events
        ``(date, text)`` for each update, drawn as grey ticks with the event on hover.
    marker
        A date to mark with a dotted vertical line (e.g. the report's evaluation date).
    """
    figure = make_subplots(
        rows=len(issues),
        cols=1,
        subplot_titles=[_issue_title(issue) for issue in issues],
        vertical_spacing=min(0.3 / max(len(issues), 1), 0.12),
        shared_xaxes=True,
    )
    xs = [date.isoformat() for date in dates]
    for row, issue in enumerate(issues, start=1):
        for index, (model, data) in enumerate(values.items()):
            array = np.asarray(data, dtype=np.float64)
            figure.add_trace(
                go.Scatter(
                    x=xs,
                    y=array[:, row - 1],
                    mode="lines+markers",
                    line={"color": model_colour(index), "shape": "hv"},
                    name=_text(model),
                    legendgroup=model,
                    showlegend=row == 1,
                    meta={"issue": issue.id, "model": model},
                ),
                row=row,
                col=1,
            )
        if events:
            figure.add_trace(
                go.Scatter(
                    x=[date.isoformat() for date, _ in events],
                    y=[issue.min] * len(events),
                    mode="markers",
                    marker={"symbol": "line-ns-open", "size": 10, "color": "#999"},
                    hovertext=[_text(text) for _, text in events],
                    hoverinfo="text+x",
                    name="updates",
                    showlegend=False,
                ),
                row=row,
                col=1,
            )
        figure.update_yaxes(range=[issue.min, issue.max], row=row, col=1)
        if marker is not None:
            figure.add_vline(
                x=marker.isoformat(), line={"color": "#444", "dash": "dot"}, row=row, col=1
            )
    return _layout(
        figure,
        title={"text": "Forecasts across the dated updates"},
        height=ROW_HEIGHT * len(issues) + 120,
    )


# ------------------------------------------------------------------------------------------------
# Issue 6 (accord.dynamics): the value of a deal to each actor and the outcomes of simulated talks.
# Both take a result's ``to_json()`` (accord.dynamics.deal.Valuation, accord.dynamics.talks.
# Simulation), so the report and the dashboard can draw them from stored JSON as well.
# ------------------------------------------------------------------------------------------------


def deal_value_figure(valuation: Mapping[str, Any], *, parties_only: bool = False) -> go.Figure:
    """Each actor's value of a deal against its walk-away point, with and without breakdown risk.

    One row per actor (parties first): the walk-away point (value of fighting on or of no
    deal), the deal's value with the 80 % interval of its surplus as an error bar, and the
    value once the chance that the deal breaks down is priced in (Fortna 2004). Values are
    0-100, the share of the actor's salience-weighted stake the outcome meets.
    ``layout.meta["beats"]`` maps each actor to P(deal beats walk-away).
    """
    actors = [
        (actor_id, item)
        for actor_id, item in valuation["actors"].items()
        if item["party"] or not parties_only
    ]
    actors.sort(key=lambda pair: not pair[1]["party"])
    names = [_text(str(item["name"])) for _, item in actors]
    walk = [float(item["walk_away"]["value"]) for _, item in actors]
    value = [float(item["value"]["value"]) for _, item in actors]
    risky = [float(item["with_risk"]["value"]) for _, item in actors]
    surplus = [item["surplus"] for _, item in actors]
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=walk, y=names, mode="markers", name="walk-away (fight on / no deal)",
            marker={"symbol": "line-ns", "size": 16, "line": {"width": 3, "color": "#444"}},
        )
    )  # fmt: skip
    figure.add_trace(
        go.Scatter(
            x=value,
            y=names,
            mode="markers",
            name="deal",
            marker={"size": 11, "color": model_colour(0)},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": [float(s["high"]) - float(s["value"]) for s in surplus],
                "arrayminus": [float(s["value"]) - float(s["low"]) for s in surplus],
            },
        )
    )
    figure.add_trace(
        go.Scatter(
            x=risky, y=names, mode="markers", name="deal with breakdown risk",
            marker={"size": 9, "symbol": "diamond-open", "color": model_colour(1)},
        )
    )  # fmt: skip
    breakdown = valuation["breakdown"]["probability"]
    height, top, bottom = 190 + 30 * len(actors), 70, 110  # legend below the axis title
    return _layout(
        figure,
        title={
            "text": f"{_text(str(valuation['deal']['title']))}: value against walk-away "
            f"(breakdown risk {100 * float(breakdown['value']):.0f} %)"
        },
        xaxis={"title": {"text": "share of the actor's weighted stake met (0-100)"}},
        yaxis={"autorange": "reversed", "automargin": True},
        height=height,
        margin={"l": 60, "r": 30, "t": top, "b": bottom},
        legend={"orientation": "h", "x": 0.0, "yanchor": "top", "y": -62 / (height - top - bottom)},
        meta={"beats": {actor_id: item["beats_walk_away"] for actor_id, item in actors}},
    )


def simulated_terms_figure(simulation: Mapping[str, Any], issues: Sequence[Issue]) -> go.Figure:
    """Histograms of the terms agreed in simulated talks, one panel per issue.

    ``simulation`` is :meth:`accord.dynamics.talks.Simulation.to_json`; the title gives the
    probability of agreement before the deadline and of ratification once agreed.
    ``layout.meta`` holds both probabilities.
    """
    rows = max(1, (len(issues) + 1) // 2)
    figure = make_subplots(
        rows=rows,
        cols=2,
        subplot_titles=[_wrap(issue.name) for issue in issues],
        vertical_spacing=min(0.12, 0.6 / rows),
    )
    for index, issue in enumerate(issues):
        terms = simulation["terms"][issue.id]
        edges = np.asarray(terms["edges"], dtype=np.float64)
        figure.add_trace(
            go.Bar(
                x=(edges[:-1] + edges[1:]) / 2,
                y=terms["counts"],
                width=np.diff(edges),
                marker={"color": model_colour(index)},
                name=_text(issue.name),
                showlegend=False,
                meta={"issue": issue.id},
            ),
            row=index // 2 + 1,
            col=index % 2 + 1,
        )
        figure.update_xaxes(
            range=[issue.min, issue.max], title_text=_text(issue.unit),
            row=index // 2 + 1, col=index % 2 + 1,
        )  # fmt: skip
    agreement = float(simulation["agreement_probability"])
    ratified = simulation.get("ratified_given_agreement")
    title = (
        f"Simulated talks ({simulation['runs']:,} runs, {simulation['protocol']}, deadline "
        f"{simulation['deadline']} rounds): P(agreement) {100 * agreement:.0f} %"
    )
    if ratified is not None:
        title += f", P(ratified | agreed) {100 * float(ratified):.0f} %"
    return _layout(
        figure,
        title={"text": title},
        height=ROW_HEIGHT * 1.3 * rows + 120,
        meta={"agreement": agreement, "ratified_given_agreement": ratified},
    )
