"""The sections of the report and the dashboard, in a registry.

A section is a function that takes a :class:`~accord.report.context.Context` and returns a
:class:`SectionOutput` (an HTML fragment and figures), or ``None`` when what it shows is absent
(no sampled draws, no round-based model, a scenario without the map's issues, an analysis that
has not run). The report and the dashboard render whatever the registry yields, in order, so a
new capability adds its section here and both pick it up.

Every string from a scenario is escaped before it enters HTML.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import plotly.graph_objects as go

from accord.analysis.forecast import ensemble
from accord.errors import InputError
from accord.models.base import registry
from accord.report import charts, structure, track
from accord.report import map as oblast_map
from accord.report.context import Context, with_intervals
from accord.report.numbers import span
from accord.report.terminal import format_value, shown_unit
from accord.scenario.checks import numbers
from accord.scenario.compile import label_for
from accord.scenario.schema import Issue


@dataclass(frozen=True)
class Figure:
    """A figure with a stable id (used as the HTML element id) and a caption."""

    id: str
    figure: go.Figure
    caption: str = ""


@dataclass(frozen=True)
class SectionOutput:
    """What a section renders: an HTML fragment (already escaped) and its figures."""

    html: str
    figures: tuple[Figure, ...] = ()


Builder = Callable[[Context], SectionOutput | None]


@dataclass(frozen=True)
class Section:
    """A named part of the report; sections show in increasing ``order``."""

    id: str
    title: str
    order: int
    build: Builder = field(repr=False)


_SECTIONS: dict[str, Section] = {}


def section(identifier: str, title: str, order: int) -> Callable[[Builder], Builder]:
    """Decorator: register a section builder under ``identifier`` at position ``order``."""

    def register(builder: Builder) -> Builder:
        if identifier in _SECTIONS:
            raise ValueError(f"a section {identifier!r} is already registered")
        _SECTIONS[identifier] = Section(identifier, title, order, builder)
        return builder

    return register


def sections() -> tuple[Section, ...]:
    """Every registered section, in order."""
    return tuple(sorted(_SECTIONS.values(), key=lambda item: (item.order, item.id)))


def render(context: Context) -> Iterator[tuple[Section, SectionOutput]]:
    """Each section that applies to ``context``, with its output."""
    for item in sections():
        output = item.build(context)
        if output is not None:
            yield item, output


# --- helpers ----------------------------------------------------------------------------------

esc = html.escape


def _names(context: Context) -> dict[str, str]:
    return {actor.id: actor.name for actor in context.scenario.actors}


def _point_forecasts(context: Context) -> dict[str, dict[str, float]]:
    return {
        name: {issue: item.value for issue, item in model.issues.items()}
        for name, model in context.forecast.models.items()
    }


def _and(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def key_numbers(context: Context) -> str:
    """The report's first screen: per issue, the middle forecast and the models' spread."""
    cells = []
    for issue in context.current.issues:
        values = [model.issues[issue.id].value for model in context.forecast.models.values()]
        middle = _middle(context, issue)
        text = f"<div><b>{esc(format_value(middle, issue))}</b>{esc(issue.name)}"
        if len(values) > 1:
            low, high = min(values), max(values)
            bare = [
                format_value(v, issue).removesuffix(shown_unit(issue)).strip() for v in (low, high)
            ]
            text += f"<br><span class='note'>models: {esc(span(*bare))}</span>"
        cells.append(text + "</div>")
    return "<div class='keys' id='key-numbers'>" + "".join(cells) + "</div>"


def _middle(context: Context, issue: Issue) -> float:
    values = [model.issues[issue.id].value for model in context.forecast.models.values()]
    return float(np.median(values))


def _no_deal(context: Context, model: str) -> list[str]:
    """Actors whose walk-away point blocks any deal in the Nash model (first draw)."""
    trace = context.forecast.models[model].outcome.trace
    if "feasible" not in trace or bool(np.asarray(trace["feasible"])[0]):
        return []
    names = _names(context)
    blocked = np.asarray(trace["blocked_by"])[0]
    return [
        names[a]
        for a, flag in zip(context.forecast.problem.actor_ids, blocked, strict=True)
        if flag
    ]


def _bare(value: float, issue: Issue) -> str:
    """A value at its issue's precision, without the unit."""
    return format_value(value, issue).removesuffix(f" {issue.unit}" if issue.unit else "")


def _date(context: Context) -> str:
    return f"{context.as_of:%-d %B %Y}" if context.as_of else "with every update applied"


# --- sections ---------------------------------------------------------------------------------


@section("summary", "Summary", 10)
def summary(context: Context) -> SectionOutput:
    """The forecast in plain words: per issue, where the models put it and who concedes."""
    scenario = context.scenario
    models = list(context.forecast.models)
    names = _names(context)
    when = f"as of {_date(context)}" if context.as_of else _date(context)
    lines = [
        f"<p>{esc(scenario.title)}: {len(scenario.actors)} actors, {len(scenario.issues)} issues, "
        f"forecast {esc(when)} by {len(models)} model{'s' if len(models) != 1 else ''} "
        f"({esc(', '.join(models))})"
        + (f", with {context.draws:,} draws from the scenario's ranges" if context.samples else "")
        + ".</p>",
        "<ul class='summary'>",
    ]
    agreement = context.forecast.zone
    if agreement is not None:
        first, *rest = agreement.verdict_lines()
        verdict = [f"<p class='verdict'><b>Zone of agreement:</b> {esc(first)}</p>"]
        if rest:
            verdict.append("<ul class='verdict'>")
            verdict += [f"<li>{esc(line)}</li>" for line in rest]
            verdict.append("</ul>")
        lines[0:0] = verdict
    disputed: list[str] = []
    for issue in context.current.issues:
        per_model = {m: context.forecast.models[m].issues[issue.id].value for m in models}
        low_model = min(per_model, key=lambda m: per_model[m])
        high_model = max(per_model, key=lambda m: per_model[m])
        middle = _middle(context, issue)
        span = issue.max - issue.min
        outside = [
            m for m in models if context.forecast.models[m].issues[issue.id].in_zone is False
        ]
        rejecting = sorted(
            {a for m in outside for a in context.forecast.models[m].issues[issue.id].rejected_by}
        )
        same = len(models) == 1 or per_model[high_model] - per_model[low_model] < 0.005 * span
        if outside and len(outside) == len(models):
            where = (
                "has no forecast inside the zone of agreement: the models' readings "
                + (
                    f"put it at {format_value(middle, issue)}"
                    if same
                    else f"run from {format_value(per_model[low_model], issue)} ({low_model}) "
                    f"to {format_value(per_model[high_model], issue)} ({high_model})"
                )
                + (
                    f", which {', '.join(names.get(a, a) for a in rejecting)} would reject"
                    if rejecting
                    else ", and the zone is empty"
                )
            )
        elif same:
            where = f"settles at {format_value(middle, issue)}"
        else:
            where = (
                f"lands between {format_value(per_model[low_model], issue)} ({low_model}) and "
                f"{format_value(per_model[high_model], issue)} ({high_model}); the middle "
                f"forecast is {format_value(middle, issue)}"
            )
            if outside:
                where += (
                    f" (outside the zone of agreement: {', '.join(outside)}, rejected by "
                    f"{', '.join(names.get(a, a) for a in rejecting) or 'a veto player'})"
                )
        text = f"<li><b>{esc(issue.name)}</b> {esc(where)}"
        label = label_for(issue, middle)
        if label and not (outside and len(outside) == len(models)):
            text += f", nearest to “{esc(label)}”"
        concede = [context.forecast.models[m].issues[issue.id].concedes_most for m in models]
        counted = {a: concede.count(a) for a in concede if a}
        if counted:
            actor = max(counted, key=lambda a: (counted[a], a))
            text += (
                f". Read as a vote, {esc(names.get(actor, actor))} concedes most"
                f" ({counted[actor]} of {len(models)} models)"
            )
        if len(models) > 1 and per_model[high_model] - per_model[low_model] > 0.25 * span:
            disputed.append(issue.name)
        lines.append(text + ".</li>")
    lines.append("</ul>")
    if disputed:
        lines.append(
            f"<p><em>The models disagree widely on {esc(_and(disputed))}</em> (their forecasts "
            "are more than a quarter of the scale apart), so the model matters there.</p>"
        )
    for model in models:
        blocked = _no_deal(context, model)
        if blocked:
            lines.append(
                f"<p>{esc(model)}: no outcome keeps within the red lines and beats no deal for "
                f"{esc(', '.join(blocked))}; its numbers are the closest it gets.</p>"
            )
    territory = _territory_sentence(context)
    if territory:
        lines.append(f"<p>{territory}</p>")
    return SectionOutput("\n".join(lines))


def _territory_sentence(context: Context) -> str:
    try:
        oblast_map.check_rules(context.current)
    except InputError:
        return ""
    control = oblast_map.basis(date=context.as_of)
    now = oblast_map.territory(None, oblast_map.Deal("Now"), control)
    values = {
        rule.issue: _middle(context, context.current.issue(rule.issue)) for rule in oblast_map.RULES
    }
    after = oblast_map.territory(
        context.current, oblast_map.Deal("middle forecast", values), control
    )
    total = oblast_map.ukraine_area_km2()
    text = (
        f"Territory: Russia controls {now.russian_now_km2:,.0f} km² "
        f"({100 * now.russian_now_km2 / total:.1f} % of Ukraine; {control.label}). "
        f"At the models' middle forecasts ("
        + ", ".join(f"{esc(context.current.issue(k).name)} {v:.0f}" for k, v in values.items())
        + f") that would be {after.russian_after_km2:,.0f} km² "
        f"({100 * after.russian_after_km2 / total:.1f} %)"
    )
    if after.demilitarised_km2 >= 0.5:
        text += f", with {after.demilitarised_km2:,.0f} km² left as a demilitarised zone"
    return text + "."


@section("forecast", "Forecast", 20)
def forecast_table(context: Context) -> SectionOutput:
    """Per issue and model: forecast (and interval), anchor, range, who concedes, the zone.

    The last column names the veto players that would reject the value.
    """
    names = _names(context)
    models = list(context.forecast.models.values())
    zoned = context.forecast.zone is not None
    rows = [
        "<table id='forecast-table' class='forecast'>",
        "<thead><tr><th>Issue</th><th>Model</th><th>Forecast</th><th>Nearest anchor</th>"
        "<th>Actors' range</th><th>Concedes most (vote reading)</th>"
        + ("<th>Zone: rejected by</th>" if zoned else "")
        + "</tr></thead><tbody>",
    ]
    for issue in context.current.issues:
        low, high = context.forecast.position_range(issue.id)
        for index, model in enumerate(models):
            item = model.issues[issue.id]
            value = format_value(item.value, issue)
            interval = context.interval(model.name, issue.id)
            if interval is not None:
                value += f" [{span(_bare(interval[0], issue), _bare(interval[1], issue))}]"
            first = index == 0
            if item.in_zone is False:
                value = "✗ " + value
            verdict = ""
            if zoned:
                verdict = (
                    "✓ in zone"
                    if item.in_zone and not item.rejected_by
                    else "✗ "
                    + (", ".join(names.get(a, a) for a in item.rejected_by) or "zone empty")
                )
            classes = ("first " if first else "") + ("outside" if item.in_zone is False else "")
            rows.append(
                f"<tr class='{classes.strip()}'"
                f" data-issue='{esc(issue.id)}' data-model='{esc(model.name)}' "
                f"data-value='{item.value:.10g}' data-in-zone='{str(item.in_zone).lower()}'>"
                + (f"<th rowspan='{len(models)}'>{esc(issue.name)}</th>" if first else "")
                + f"<td>{esc(model.name)}</td><td class='num'>{esc(value)}</td>"
                f"<td>{esc(item.label)}</td>"
                + (
                    f"<td rowspan='{len(models)}'>{esc(format_value(low, issue))} – "
                    f"{esc(format_value(high, issue))}</td>"
                    if first
                    else ""
                )
                + f"<td>{esc(names.get(item.concedes_most or '', '—'))}</td>"
                + (f"<td>{esc(verdict)}</td>" if zoned else "")
                + "</tr>"
            )
    rows.append("</tbody></table>")
    note = (
        "<p class='note'>Forecasts at the scenario's point values"
        + (
            f"; in brackets the 80 % interval over {context.draws:,} draws from its ranges"
            if context.samples
            else ""
        )
        + ". ✗ marks a value outside the zone of agreement: the veto players named in the last "
        "column would reject it, so it is where that model's reading of the talks goes, not "
        "where a deal can land. “Concedes most”: the largest salience-weighted distance between "
        "an actor's position and the forecast, a reading of the talks as a vote.</p>"
    )
    return SectionOutput("\n".join(rows) + note + _ensemble_table(context))


def _ensemble_table(context: Context) -> str:
    """Per issue, the spread across models (and the envelope of their sampled intervals)."""
    if len(context.forecast.models) < 2:
        return ""
    sampled = bool(context.samples)
    bands = ensemble(with_intervals(context), intervals=sampled)
    rows = []
    for issue in context.current.issues:
        band = bands[issue.id]
        cells = [esc(issue.name), span(_bare(band.low, issue), _bare(band.high, issue))]
        if sampled and band.envelope_low is not None and band.envelope_high is not None:
            cells.append(span(_bare(band.envelope_low, issue), _bare(band.envelope_high, issue)))
        rows.append(
            f"<tr data-issue='{esc(issue.id)}' data-low='{band.low:.10g}' "
            f"data-high='{band.high:.10g}'><th>{cells[0]}</th>"
            + "".join(f"<td class='num'>{esc(cell)}</td>" for cell in cells[1:])
            + "</tr>"
        )
    head = "<th>Issue</th><th>Lowest to highest model value</th>" + (
        "<th>Envelope of the models' 80 % intervals</th>" if sampled else ""
    )
    return (
        f"<h3>Spread across the {len(context.forecast.models)} models</h3>"
        "<p class='note'>Each model's interval covers only its own reading of the talks; how far "
        "the models disagree is uncertainty that no single interval shows.</p>"
        f"<table id='ensemble-table' class='forecast'><thead><tr>{head}</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )


@section("positions", "Where the actors stand", 30)
def positions(context: Context) -> SectionOutput:
    """The actor-issue position map with every model's forecast."""
    figure = charts.positions_figure(context.current, _point_forecasts(context))
    return SectionOutput(
        "<p>Each marker is an actor at its position; its area is the actor's capability and its "
        "colour the salience of the issue to it. Vertical lines: each model's forecast; dotted: "
        "the status quo; grey triangles: the scale's labelled points (hover for the label).</p>",
        (Figure("fig-positions", figure),),
    )


@section("uncertainty", "Uncertainty", 40)
def uncertainty(context: Context) -> SectionOutput | None:
    """Monte Carlo distributions and 80 % intervals, when the context has sampled draws."""
    if not context.samples:
        return None
    issues = list(context.current.issues)
    intervals = {}
    for model, values in context.samples.items():
        quantiles = np.quantile(values, [0.1, 0.5, 0.9], axis=0)
        intervals[model] = {
            issue.id: (float(quantiles[0, d]), float(quantiles[1, d]), float(quantiles[2, d]))
            for d, issue in enumerate(issues)
        }
    ranged = sum(1 for _, number in numbers(context.scenario) if number.is_ranged)
    return SectionOutput(
        f"<p>{context.draws:,} draws from the scenario's {ranged} ranged numbers (uniform for "
        "[low, high], triangular for {low, mode, high}), seed "
        f"{esc(str(context.seed)) if context.seed is not None else 'none (not reproducible)'}. "
        "Bars: the 10th to 90th percentile of each model's forecast, diamond: the median.</p>",
        (
            Figure("fig-intervals", charts.interval_figure(issues, intervals)),
            Figure("fig-distributions", charts.distribution_figure(issues, context.samples)),
        ),
    )


@section("trajectories", "Round by round", 50)
def trajectories(context: Context) -> SectionOutput | None:
    """Per-round positions of round-based models (trace ``positions`` ``[B, T, A, I]``)."""
    problem = context.forecast.problem
    names = _names(context)
    figures = []
    for model in context.forecast.models.values():
        trace = model.outcome.trace
        if "positions" not in trace:
            continue
        positions = problem.to_units(np.asarray(trace["positions"])[0])
        series = {
            key: problem.to_units(np.asarray(trace[key])[0])
            for key in trace.get("series", ())
            if key in trace
        }
        figures.append(
            Figure(
                f"fig-trajectory-{model.name}",
                charts.trajectory_figure(
                    model.name,
                    list(context.current.issues),
                    [names[a] for a in problem.actor_ids],
                    positions,
                    series,
                ),
                f"{model.name}: each actor's position after each round (round 0 is the input).",
            )
        )
    if not figures:
        return None
    return SectionOutput(
        "<p>How the round-based models move the actors, round by round.</p>", tuple(figures)
    )


TRADES_SHOWN = 60
"""The report lists at most this many exchanges per model (all are in the JSON trace)."""


@section("trades", "Issue trades", 55)
def trades(context: Context) -> SectionOutput | None:
    """Every exchange of the exchange models: who gives ground where, for what, and the gain."""
    names = _names(context)
    issues = {issue.id: issue for issue in context.current.issues}
    parts = []
    for model in context.forecast.models.values():
        records = model.outcome.trace.get("exchanges")
        if not records:
            continue
        rows = [
            f"<p>{esc(model.name)}: {len(records):,} exchanges in "
            f"{max(int(r['round']) for r in records)} rounds (first {TRADES_SHOWN} shown). In "
            "each, the first actor gives ground on its issue in return for the second giving "
            "ground on the other; the gain is in salience × share-of-scale units, the same for "
            "both; “others” sums what the shift of the two outcomes does to everyone else.</p>",
            f"<table class='forecast' data-model='{esc(model.name)}'><thead><tr><th>Round</th>"
            "<th>Gives ground</th><th>On</th><th>From → to</th><th>In return</th><th>On</th>"
            "<th>From → to</th><th>Gain</th><th>Others</th></tr></thead><tbody>",
        ]
        for record in records[:TRADES_SHOWN]:
            cells = [str(record["round"])]
            for side in ("i", "j"):
                issue = issues[record[f"{side}_issue"]]
                span = issue.max - issue.min
                old = issue.min + span * float(record[f"{side}_from"])
                new = issue.min + span * float(record[f"{side}_to"])
                cells += [
                    esc(names.get(record[side], record[side])),
                    esc(issue.name),
                    f"{esc(format_value(old, issue))} → {esc(format_value(new, issue))}",
                ]
            others = sum(float(v) for v in record["externalities"].values())
            cells += [f"{float(record['gain']):.4f}", f"{others:+.4f}"]
            rows.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
        rows.append("</tbody></table>")
        parts.append("\n".join(rows))
    if not parts:
        return None
    return SectionOutput("\n".join(parts))


@section("linkage", "Trades that could open a deal", 56)
def trades_that_open(context: Context) -> SectionOutput | None:
    """Two-issue trades among the veto players, and the smallest package better than no deal."""
    from accord.analysis.linkage import linkage

    if not any(actor.party or actor.veto for actor in context.scenario.actors):
        return None
    result = linkage(context.scenario, date=context.as_of)
    names = result.names
    rows = [
        f"<p>{esc(result.verdict())}</p>",
        "<table class='forecast' id='linkage-table'><thead><tr><th>Gives ground</th><th>On</th>"
        "<th>From → to</th><th>In return</th><th>On</th><th>From → to</th><th>Gain each</th>"
        "</tr></thead><tbody>",
    ]
    for trade in result.trades[:TRADES_SHOWN]:
        cells = [
            names.get(trade.giver, trade.giver),
            names.get(f"issue:{trade.give_issue}", trade.give_issue),
            f"{trade.give_from:.4g} → {trade.give_to:.4g}",
            names.get(trade.taker, trade.taker),
            names.get(f"issue:{trade.take_issue}", trade.take_issue),
            f"{trade.take_from:.4g} → {trade.take_to:.4g}",
            f"{trade.gain:.4f}",
        ]
        rows.append("<tr>" + "".join(f"<td>{esc(cell)}</td>" for cell in cells) + "</tr>")
    rows.append("</tbody></table>")
    if result.package is not None:
        rows.append(
            "<p>The smallest package every veto player prefers to no deal (least movement from "
            "the compromise forecast):</p><table class='forecast'><thead><tr><th>Issue</th>"
            "<th>Compromise forecast</th><th>Package</th><th>Crosses the red lines of</th>"
            "</tr></thead><tbody>"
        )
        for issue, value in result.package.outcome.items():
            crossed = ", ".join(names.get(a, a) for a in result.package.crosses.get(issue, ()))
            cells = [
                names.get(f"issue:{issue}", issue),
                f"{result.package.baseline[issue]:.4g}",
                f"{value:.4g}",
                crossed or "—",
            ]
            rows.append("<tr>" + "".join(f"<td>{esc(cell)}</td>" for cell in cells) + "</tr>")
        rows.append("</tbody></table>")
    rows.append(
        "<p class='note'>Trades: the equal-gain exchanges of Stokman's exchange model among the "
        "veto players at the scenario's positions (gain in salience × share of the scale, the "
        "same for both). Package: a linear programme over all issues; no deal as in the zone "
        "of agreement, else the status quo.</p>"
    )
    return SectionOutput("\n".join(rows))


@section("map", "Territory", 60)
def territory_map(context: Context) -> SectionOutput | None:
    """Ukraine's oblasts now, under each model's forecast and under reference deals."""
    try:
        oblast_map.check_rules(context.current)
    except InputError:
        return None
    control = oblast_map.basis(date=context.as_of)
    views = [
        oblast_map.territory(None, oblast_map.Deal(f"Now ({control.date:%-d %b %Y})"), control)
    ]
    for name, model in context.forecast.models.items():
        values = {rule.issue: model.issues[rule.issue].value for rule in oblast_map.RULES}
        label = ", ".join(f"{k} {v:.0f}" for k, v in values.items())
        views.append(
            oblast_map.territory(
                context.current, oblast_map.Deal(f"{name} forecast ({label})", values), control
            )
        )
    views += [oblast_map.territory(context.current, deal, control) for deal in oblast_map.presets()]
    rows = "".join(
        f"<tr><td>{esc(view.deal.name)}</td>"
        f"<td class='num'>{view.russian_after_km2:,.0f}</td>"
        f"<td class='num'>{100 * view.russian_after_km2 / oblast_map.ukraine_area_km2():.1f} %</td>"
        f"<td class='num'>{view.change_km2:+,.0f}</td>"
        f"<td class='num'>{view.demilitarised_km2:,.0f}</td></tr>"
        for view in views
    )
    rules = "".join(
        f"<li><b>{esc(context.current.issue(rule.issue).name)}</b>: {esc(rule.meaning)}.</li>"
        for rule in oblast_map.RULES
    )
    drawn = ""
    if context.control is not None:
        when = f" of {context.control.date:%-d %b %Y}" if context.control.date else ""
        drawn = (
            f" The dark area and black line are the occupied area and the front line of the map "
            f"you gave{when} ({esc(Path(context.control.file).name)}, "
            f"{context.control.total_km2:,.0f} km²)."
        )
    text = (
        "<p>Choose a view in the map's menu. Areas use the official oblast areas (Ukraine: "
        f"{oblast_map.ukraine_area_km2():,.0f} km²); the control shares are "
        f"{esc(control.label)}. Hatched oblasts hold a demilitarised zone.{drawn}</p>"
        "<table id='territory-table' class='forecast'><thead><tr><th>View</th>"
        "<th>Russian-held km²</th><th>% of Ukraine</th><th>Change km²</th>"
        "<th>Demilitarised km²</th></tr></thead><tbody>" + rows + "</tbody></table>"
        f"<p class='note'>How issue values become territory:</p><ul class='note'>{rules}"
        "<li>The model forecasts leave out the return of areas Russia holds in Kharkiv, Sumy, "
        "Dnipropetrovsk and Mykolaiv oblasts; the 28-point view includes it.</li></ul>"
    )
    return SectionOutput(
        text,
        (
            Figure(
                "fig-map",
                oblast_map.map_figure(views, control=context.control),
                oblast_map.ATTRIBUTION,
            ),
        ),
    )


def _input_label(context: Context, path: str) -> str:
    """``russia.position.donbas`` -> ``Russia: position on Rest of Donbas``."""
    names = _names(context)
    parts = path.split(".")
    if parts[0] == "issue" and len(parts) == 3:
        return f"{_issue_name(context, parts[1])}: status quo"
    actor = names.get(parts[0], parts[0])
    if len(parts) == 2:
        return f"{actor}: {parts[1]}"
    if len(parts) == 3:
        return f"{actor}: {parts[1].replace('_', ' ')} on {_issue_name(context, parts[2])}"
    return path


def _issue_name(context: Context, issue_id: str) -> str:
    return next((i.name for i in context.scenario.issues if i.id == issue_id), issue_id)


@section("timeline", "Across the dated updates", 70)
def forecast_timeline(context: Context) -> SectionOutput | None:
    """Each model's forecast at the base date and after every dated update."""
    found = context.extras.get("timeline")
    if found is None:
        return None
    points = [p for p in found.points if p.date is not None]
    if len(points) < 2:
        return None
    issues = list(found.scenario.issues)
    values = {
        model: np.array([[p.forecasts[model][i.id].value for i in issues] for p in points])
        for model in found.models
    }
    events = [(p.date, "; ".join(p.events)) for p in points if p.events]
    figure = charts.timeline_figure(
        issues, [p.date for p in points], values, events=events, marker=context.as_of
    )
    names = _names(context)
    lines = []
    largest = found.largest_moves()
    for issue in issues:
        best = None
        for model in found.models:
            item = largest[model][issue.id]
            if item is not None and (best is None or abs(item[1].delta) > abs(best[2].delta)):
                best = (model, item[0], item[1])
        if best is None:
            continue
        model, step, move = best
        driver = names.get(move.driver or "", move.driver or "")
        lines.append(
            f"<li><b>{esc(issue.name)}</b>: the largest move was {esc(model)}'s on "
            f"{step.date:%-d %b %Y} ({esc('; '.join(step.events))}): "
            f"{esc(format_value(move.before, issue))} → {esc(format_value(move.after, issue))}"
            + (f", mostly from {esc(driver)}'s changes" if driver else "")
            + ".</li>"
        )
    text = (
        f"<p>Forecasts at the base values and after each of the scenario's "
        f"{len(context.scenario.updates)} dated updates (the scenario's own values; what-if "
        "edits are not applied here). Grey ticks mark the updates; hover for the event.</p>"
    )
    if lines:
        text += "<ul class='summary'>" + "".join(lines) + "</ul>"
    return SectionOutput(text, (Figure("fig-timeline", figure),))


@section("sensitivity", "What the forecast is most sensitive to", 75)
def sensitivity_screen(context: Context) -> SectionOutput | None:
    """Morris screening of the ranged inputs: a tornado per issue (top inputs)."""
    found = context.extras.get("sensitivity")
    if found is None:
        return None
    outputs = {}
    for issue in context.current.issues:
        output = found.outputs.get(issue.id)
        if output is None or not output.tornado:
            continue
        top = sorted(output.tornado, key=lambda swing: -swing.width)[:8]
        if all(swing.width == 0 for swing in top):
            continue
        outputs[issue.name] = {
            "base": output.base,
            "rows": [
                {
                    "name": _input_label(context, swing.name),
                    "low": swing.at_low,
                    "high": swing.at_high,
                }
                for swing in top
                if swing.width > 0
            ],
        }
    if not outputs:
        return None
    model = found.context.get("model", "")
    return SectionOutput(
        f"<p>Morris elementary-effects screen (Morris 1991; Campolongo et al. 2007) of the "
        f"{len(found.inputs)} ranged inputs for the {esc(model)} model, {found.samples} "
        f"trajectories, seed {found.seed}. Each bar shows the {esc(model)} forecast with one "
        "input at the low (blue) and the high (red) end of its range, the others at their "
        "point values; the eight widest per issue.</p>",
        (Figure("fig-tornado", charts.tornado_figure(outputs)),),
    )


@section("robustness", "How much the forecast owes to the actor list", 76)
def structural_spread(context: Context) -> SectionOutput | None:
    """Each model rerun leaving each actor out, with the parties only and with blocs merged."""
    found = context.extras.get("robustness")
    if found is None:
        return None
    kinds = {variant.kind for variant in found.variants}
    blocs = sum(1 for variant in found.variants if variant.kind == "bloc")
    return SectionOutput(
        f"<p>Every model rerun on {len(found.variants)} variants of the actor list: each actor "
        "left out in turn"
        + (", the parties alone" if "parties-only" in kinds else "")
        + (f", and each of the {blocs} declared blocs merged into one actor" if blocs else "")
        + " (docs/robustness.md). A wide range means the forecast depends on who is listed, not "
        "only on what they want.</p>" + structure.spread_table(found, context.current),
        (Figure("fig-robustness", structure.spread_figure(found, context.current)),),
    )


@section("levers", "Levers", 80)
def parties_levers(context: Context) -> SectionOutput | None:
    """For each party, the single changes that move the compromise forecast its way most."""
    found = context.extras.get("levers")
    if not found:
        return None
    names = _names(context)
    figures = []
    for actor, result in found.items():
        data = result.to_json()
        for model, entry in data["models"].items():
            rows = [
                {
                    "label": f"{_input_label(context, item['path'])}: "
                    f"{item['new_value'] - item['change']:.4g} → {item['new_value']:.4g}",
                    "effect": item["net"],
                    "detail": f"{item['path']}: change {item['change']:+.4g}, gain "
                    f"{item['gain']:.3g}, cost {item['cost']:.3g}",
                }
                for item in entry["levers"][:10]
                if item["net"] is not None and item["net"] > 0
            ]
            if not rows:
                continue
            figures.append(
                Figure(
                    f"fig-levers-{actor}",
                    charts.levers_figure(
                        rows,
                        unit="net gain, points of a 0-100 scale",
                        title=f"Levers for {names.get(actor, actor)} ({model} model)",
                    ),
                )
            )
    if not figures:
        return None
    step = next(iter(found.values())).step
    return SectionOutput(
        f"<p>For each party: the single changes of {step:g} % of a scale (a position, a "
        "salience, or 10 % more capability) that move the compromise forecast furthest toward "
        "its positions, weighted by its saliences, less what it gives up by moving its own "
        "positions.</p>",
        tuple(figures),
    )


@section("war", "The war and the bargaining range", 85)
def bargaining_range(context: Context) -> SectionOutput | None:
    """Per battlefield issue, the range both sides prefer to fighting, month by month."""
    found = context.extras.get("war")
    if found is None:
        return None
    data = found.to_json()
    figures = []
    rows = []
    for k, issue_id in enumerate(found.sample.theatre_ids):
        issue = context.current.issue(issue_id)
        flipped = found.sample.gain_end[k] == "min"
        ranges = {}
        for regime in data["regimes"].values():
            theatre = regime["theatres"][issue_id]
            advancing, defending = theatre["advancing"]["value"], theatre["defending"]["value"]
            low, high = (defending, advancing) if flipped else (advancing, defending)
            ranges[regime["name"]] = {"low": low, "high": high, "line": theatre["line"]["value"]}
            rows.append(
                f"<tr><td>{esc(issue.name)}</td><td>{esc(regime['name'])}</td>"
                f"<td class='num'>{100 * theatre['zone_probability'][0]:.0f} %</td>"
                f"<td class='num'>{esc(_bare(low[0], issue))} – {esc(_bare(high[0], issue))}</td>"
                "</tr>"
            )
        figures.append(
            Figure(
                f"fig-war-{issue_id}",
                charts.bargaining_range_figure(
                    data["months"],
                    ranges,
                    unit=issue.unit,
                    title=f"{issue.name}: bargaining range by aid regime",
                    scale=(issue.min, issue.max),
                ),
            )
        )
    if not figures:
        return None
    war = found.sample.war
    names = _names(context)
    text = (
        f"<p>Each band spans the settlements that both {esc(names.get(war.advancing, ''))} "
        f"(the advancing side) and {esc(names.get(war.defending, ''))} prefer to fighting on, "
        "month by month, given the front's expected movement and the costs of war under each "
        "aid regime (Fearon 1995; bargaining while fighting: Powell 2004); dashed: the expected "
        f"front line. Medians over {found.sample.draws} draws. Where a band has a gap, no deal "
        "beats fighting.</p><table class='forecast'><thead><tr><th>Issue</th><th>Aid regime"
        "</th><th>P(range exists) now</th><th>Range now</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )
    return SectionOutput(text, tuple(figures))


@section("deals", "What each deal is worth", 86)
def deal_values(context: Context) -> SectionOutput | None:
    """Each shipped deal, and the models' middle forecast, valued by every party."""
    found = context.extras.get("deals")
    if not found:
        return None
    rows, figures = [], []
    for deal_id, valuation in found.items():
        data = valuation.to_json()
        parties = [item for item in data["actors"].values() if item["party"]]
        better = [item["name"] for item in parties if item["beats_walk_away"] >= 0.5]
        worse = [item["name"] for item in parties if item["beats_walk_away"] < 0.5]
        risk = data["breakdown"]["probability"]
        rows.append(
            f"<tr><td>{esc(data['deal']['title'])}</td>"
            f"<td>{esc(', '.join(better)) or '—'}</td><td>{esc(', '.join(worse)) or '—'}</td>"
            f"<td class='num'>{100 * risk['value']:.0f} % ({100 * risk['low']:.0f}–"
            f"{100 * risk['high']:.0f} %)</td></tr>"
        )
        figure = charts.deal_value_figure(data, parties_only=True)
        figures.append(Figure(f"fig-deal-{deal_id}", figure))
    draws = data["draws"]  # the same for every deal
    text = (
        "<p>What each deal is worth to every party, as the share of its salience-weighted "
        "stake the deal meets (0-100), against its walk-away point: the value of fighting on "
        "under the war's default aid regime where the scenario has a war, else of no deal. A "
        f"party is better off when the deal beats its walk-away point in at least half of "
        f"{draws:,} draws of the scenario's ranges. The breakdown risk is the chance that the "
        "deal collapses within the guarantees' horizon (Fortna 2004), priced into the figures' "
        "diamonds. The last row is the models' middle forecast as a deal.</p>"
        "<table class='forecast'><thead><tr><th>Deal</th><th>Better off than walking away</th>"
        "<th>Worse off</th><th>Breakdown risk (80 % interval)</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )
    return SectionOutput(text, tuple(figures))


@section("ratification", "Ratification", 87)
def ratification(context: Context) -> SectionOutput | None:
    """The probability that each shipped deal, and the models' middle forecast, is ratified."""
    found = context.extras.get("ratification")
    if not found:
        return None
    bodies = []
    rows = []
    for result in found.values():
        data = result.to_json()
        band = data["probability"]
        bodies.append(
            {
                "name": data["deal"]["title"],
                "probability": band["value"],
                "low": min(band["low"], band["value"]),
                "high": max(band["high"], band["value"]),
                "rule": "; ".join(
                    f"{b['who']}: {100 * b['probability']:.0f} %" for b in data["blockers"][:3]
                ),
            }
        )
        top = data["blockers"][0] if data["blockers"] else None
        rows.append(
            f"<tr><td>{esc(data['deal']['title'])}</td>"
            f"<td class='num'>{100 * band['value']:.0f} %</td>"
            "<td class='num'>"
            + span(f"{100 * band['low']:.0f}", f"{100 * band['high']:.0f}")
            + " %</td>"
            f"<td>{esc(top['who']) if top else '—'}"
            + (f" ({100 * top['probability']:.0f} %)" if top else "")
            + "</td></tr>"
        )
    figure = charts.ratification_figure(bodies)
    text = (
        "<p>The probability that each deal is ratified: every veto player consents and, where "
        "the scenario has one, the referendum passes with a valid turnout while the ceasefire "
        "holds (the mean over draws; bars: 80 % intervals). The last row is the models' middle "
        "forecast as a deal.</p><table class='forecast'><thead><tr><th>Deal</th><th>P(ratified)"
        "</th><th>80 % interval</th><th>Most likely to block it</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )
    return SectionOutput(text, (Figure("fig-ratification", figure),))


@section("talks", "Simulated talks", 88)
def simulated_talks(context: Context) -> SectionOutput | None:
    """Talks simulated under the deadline: how often they agree, on what, and who holds out."""
    simulation = context.extras.get("talks")
    if simulation is None:
        return None
    data = simulation.to_json()
    issues = [context.current.issue(issue_id) for issue_id in data["terms"]]
    rows = []
    for issue in issues:
        term = data["terms"][issue.id]
        if term["value"] is None:
            continue
        rows.append(
            f"<tr><td>{esc(issue.name)}</td><td class='num'>{format_value(term['value'], issue)}"
            f"</td><td class='num'>{format_value(term['low'], issue)} – "
            f"{format_value(term['high'], issue)}</td></tr>"
        )
    names = _names(context)
    holdouts = sorted(data["holdouts"].items(), key=lambda pair: -pair[1])
    held = ", ".join(f"{esc(names.get(p, p))} {100 * share:.0f} %" for p, share in holdouts)
    ratified = data["ratified_given_agreement"]
    text = (
        f"<p>{data['runs']:,} simulated talks ({esc(data['protocol'])} protocol, "
        f"{data['deadline']} rounds before the deadline), each on its own draw of the "
        f"scenario's ranges: the parties agree in {100 * data['agreement_probability']:.0f} % "
        "of them"
        + (
            f", and {100 * ratified:.0f} % of the agreements would be ratified"
            if ratified is not None
            else ""
        )
        + f". Where the talks fail, who holds out: {held or '—'}.</p>"
    )
    if rows:
        text += (
            "<table class='forecast'><thead><tr><th>Issue</th><th>Agreed terms (median)</th>"
            "<th>80 % interval</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
        )
    figure = charts.simulated_terms_figure(data, issues)
    return SectionOutput(text, (Figure("fig-talks", figure),))


@section("track", "Track record", 89)
def track_record(context: Context) -> SectionOutput | None:
    """The scenario's events: replayed probabilities over time, outcomes, and their score."""
    found = context.extras.get("track")
    if found is None:
        return None
    return SectionOutput(
        track.summary(found) + track.score_table(found),
        (Figure("fig-track", track.track_figure(found, as_of=context.as_of)),),
    )


@section("assumptions", "Assumptions", 900)
def assumptions(context: Context) -> SectionOutput:
    """What the numbers rest on: the date, the updates applied, the models, the estimates."""
    scenario = context.scenario
    items = []
    applied = [u for u in scenario.updates if context.as_of is None or u.date <= context.as_of]
    later = len(scenario.updates) - len(applied)
    if scenario.updates:
        items.append(
            f"<li>Evaluated {esc(_date(context))}: {len(applied)} of {len(scenario.updates)} dated "
            f"updates applied"
            + (f" ({later} later one{'s' if later != 1 else ''} ignored)" if later else "")
            + ".<ul>"
            + "".join(f"<li>{u.date.isoformat()}: {esc(u.event)}</li>" for u in applied)
            + "</ul></li>"
        )
    if context.changes:
        items.append(
            "<li>What-if changes on top of the scenario: "
            + ", ".join(
                f"<code>{esc(change.path)}</code> = {change.number.point:.4g}"
                for change in context.changes
            )
            + ".</li>"
        )
    for name, message in context.extras.get("failed", {}).items():
        items.append(f"<li>The {esc(name)} analysis failed and is left out: {esc(message)}</li>")
    every = list(numbers(scenario))
    estimates = sum(1 for _, number in every if number.estimate)
    ranged = sum(1 for _, number in every if number.is_ranged)
    items.append(
        f"<li>{len(every)} numbers: {estimates} are the analysts' estimates and {ranged} carry a "
        "range" + (", sampled for the intervals" if context.samples else "") + ".</li>"
    )
    models = registry()
    for name in context.forecast.models:
        cls = models.get(name)
        if cls is not None:
            items.append(
                f"<li><b>{esc(name)}</b>: {esc(cls.summary)}. <i>{esc(cls.citation)}</i></li>"
            )
    if scenario.description:
        items.append(f"<li>Scenario: {esc(scenario.description)}</li>")
    if scenario.licence:
        items.append(f"<li>Data: {esc(scenario.licence)}</li>")
    return SectionOutput("<ul class='assumptions'>" + "".join(items) + "</ul>")


@section("sources", "Sources", 910)
def sources(context: Context) -> SectionOutput | None:
    """The scenario's sources, numbered, with dates and links."""
    if not context.scenario.sources:
        return None
    items = []
    for source in context.scenario.sources:
        title = esc(source.title)
        if source.url and source.url.startswith(("https://", "http://")):
            title = f"<a href='{esc(source.url)}' rel='noreferrer noopener'>{title}</a>"
        parts = [f"<span class='sid'>[{esc(source.id)}]</span> {title}"]
        if source.publisher:
            parts.append(esc(source.publisher))
        if source.date:
            parts.append(source.date.isoformat())
        if source.note:
            parts.append(f"<span class='note'>{esc(source.note)}</span>")
        items.append(f"<li id='source-{esc(source.id)}'>" + ", ".join(parts) + "</li>")
    return SectionOutput("<ol class='sources'>" + "".join(items) + "</ol>")
