"""Render forecasts for the terminal (rich tables) and as CSV."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any

import numpy as np
from rich.markup import escape
from rich.table import Table

from accord.analysis.forecast import Forecast, ensemble, scaled_trace_keys
from accord.report.numbers import span, unsigned_zero
from accord.scenario.schema import Issue


def shown_unit(issue: Issue) -> str:
    """The unit written after a value: none for a bare scale ("of 100") or a long unit."""
    unit = issue.unit or ""
    if len(unit) > 16 or re.fullmatch(r"(?:out )?of [\d,.]+", unit):
        return ""
    return unit


def format_value(value: float, issue: Issue) -> str:
    """A value with sensible precision for its issue's scale, and its unit."""
    span = issue.max - issue.min
    digits = 0 if span >= 100 else 1 if span >= 10 else 2
    grouping = "" if (issue.unit or "").casefold() in ("year", "years") else ","  # 2031, not 2,031
    text = unsigned_zero(f"{value:{grouping}.{digits}f}")
    unit = shown_unit(issue)
    return f"{text} {unit}" if unit else text


def _actor_names(forecast: Forecast) -> dict[str, str]:
    return {actor.id: actor.name for actor in forecast.scenario.actors}


def no_deal_notes(forecast: Forecast) -> list[str]:
    """One line per model whose forecast is "no deal", naming the parties left short.

    For Nash: no outcome beats every party's disagreement point.
    """
    names = _actor_names(forecast)
    notes = []
    for model in forecast.models.values():
        trace = model.outcome.trace
        if "feasible" not in trace or bool(np.asarray(trace["feasible"])[0]):
            continue
        short = np.asarray(trace["blocked_by"])[0]
        blocked = [
            names[a] for a, flag in zip(forecast.problem.actor_ids, short, strict=True) if flag
        ]
        notes.append(
            f"{model.name}: no deal — no outcome keeps within the red lines and beats no deal for "
            f"{' and '.join(blocked)}; its values (marked ✗) are the closest it gets."
        )
    return notes


def _range(low: float, high: float, issue: Issue) -> str:
    low_text, high_text = (
        format_value(v, issue).removesuffix(shown_unit(issue)).strip() for v in (low, high)
    )
    return span(low_text, high_text)


def zone_headline(forecast: Forecast) -> list[str]:
    """The zone-of-agreement verdict, printed before any model's numbers (empty: none)."""
    if forecast.zone is None:
        return []
    first, *rest = forecast.zone.verdict_lines()
    lines = [f"[bold]Zone of agreement:[/bold] {escape(first)}"]
    lines += [f"  • {escape(line)}" for line in rest]
    outside = [name for name, model in forecast.models.items() if not model.in_zone]
    if outside and forecast.zone.veto_players:
        lines.append(
            "Values marked ✗ lie outside the zone: a veto player named in the last column would "
            "reject them, so they are not a landing point but where that model's reading of the "
            "talks goes."
        )
    return lines


def _rejected(names: dict[str, str], rejected: tuple[str, ...], in_zone: bool | None) -> str:
    if in_zone is None:
        return ""
    if in_zone and not rejected:
        return "✓ in zone"
    if not rejected:
        return "✗ zone empty"
    return "✗ " + ", ".join(names.get(actor, actor) for actor in rejected)


def forecast_table(forecast: Forecast) -> Table:
    """Per issue and model: the forecast, its anchor, the actors' range, who concedes, the zone.

    The last column says whether the veto players accept the value (the zone of agreement).
    """
    scenario = forecast.scenario
    as_of = forecast.problem.as_of
    title = f"{scenario.title} — forecast"
    if as_of:
        title += f" as of {as_of}"
    elif scenario.updates:
        title += " (all updates)"
    table = Table(title=title, show_lines=False, expand=False)
    table.add_column("Issue", style="bold", overflow="fold", max_width=22)
    table.add_column("Model")
    table.add_column("Forecast", justify="right", no_wrap=True)
    table.add_column("Nearest anchor", overflow="fold", min_width=30, max_width=52)
    table.add_column("Actors' range", no_wrap=True)
    table.add_column("Concedes most (vote reading)", overflow="fold", max_width=20)
    if forecast.zone is not None:
        table.add_column("Zone: rejected by", overflow="fold", max_width=24)
    names = _actor_names(forecast)
    infeasible = _no_deal(forecast)
    for issue in scenario.issues:
        low, high = forecast.position_range(issue.id)
        for row, model in enumerate(forecast.models.values()):
            item = model.issues[issue.id]
            value = format_value(item.value, issue)
            if item.low is not None and item.high is not None:
                value += f" [{_range(item.low, item.high, issue)}]"
            if model.name in infeasible or item.in_zone is False:
                value = "✗ " + value
            cells = [
                issue.name if row == 0 else "",
                model.name,
                value,
                item.label,
                _range(low, high, issue) if row == 0 else "",
                names.get(item.concedes_most or "", "—"),
            ]
            if forecast.zone is not None:
                cells.append(_rejected(names, item.rejected_by, item.in_zone))
            table.add_row(*cells, end_section=row == len(forecast.models) - 1)
    return table


def _no_deal(forecast: Forecast) -> set[str]:
    """Models whose forecast is "no deal" (marked ✗ in the table, ``no_deal`` in CSV)."""
    return {
        name
        for name, model in forecast.models.items()
        if "feasible" in model.outcome.trace
        and not bool(np.asarray(model.outcome.trace["feasible"])[0])
    }


def forecast_csv(forecast: Forecast, *, intervals: bool = False) -> str:
    """One row per model and issue: value in the issue's unit, label, interval and flags.

    With two or more models, per issue an ``ensemble`` row whose ``low``/``high`` are the
    lowest and highest model value (no ``value``: the band is the models' disagreement), and
    with sampled ``intervals`` an ``ensemble-envelope`` row spanning the models' intervals.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "scenario",
            "as_of",
            "model",
            "issue",
            "value",
            "unit",
            "label",
            "low",
            "high",
            "concedes_most",
            "no_deal",
            "kind",
            "converged",
            "in_zone",
            "rejected_by",
        ]
    )
    as_of = forecast.problem.as_of.isoformat() if forecast.problem.as_of else ""
    no_deal = _no_deal(forecast)
    for model in forecast.models.values():
        for issue in forecast.scenario.issues:
            item = model.issues[issue.id]
            writer.writerow(
                [
                    forecast.scenario.id,
                    as_of,
                    model.name,
                    issue.id,
                    f"{item.value:.6g}",
                    issue.unit,
                    item.label,
                    "" if item.low is None else f"{item.low:.6g}",
                    "" if item.high is None else f"{item.high:.6g}",
                    item.concedes_most or "",
                    int(model.name in no_deal),
                    model.kind,
                    "" if model.converged is None else str(model.converged).lower(),
                    "" if item.in_zone is None else str(item.in_zone).lower(),
                    " ".join(item.rejected_by),
                ]
            )
    if len(forecast.models) > 1:
        bands = ensemble(forecast, intervals=intervals)
        for issue in forecast.scenario.issues:
            band = bands[issue.id]
            rows = [("ensemble", band.low, band.high)]
            if band.envelope_low is not None and band.envelope_high is not None:
                rows.append(("ensemble-envelope", band.envelope_low, band.envelope_high))
            for name, low, high in rows:
                label = f"spread across {band.models} models"
                ends = [f"{low:.6g}", f"{high:.6g}"]
                head = [forecast.scenario.id, as_of, name, issue.id, "", issue.unit, label]
                writer.writerow([*head, *ends, "", "", "", "", "", ""])
    return out.getvalue()


def ensemble_table(forecast: Forecast, *, intervals: bool = False) -> Table | None:
    """Per issue, the spread across models: lowest to highest value, and the intervals' envelope.

    ``None`` with fewer than two models (no spread to show).
    """
    if len(forecast.models) < 2:
        return None
    bands = ensemble(forecast, intervals=intervals)
    sampled = intervals and any(band.envelope_low is not None for band in bands.values())
    table = Table(title=f"Spread across the {len(forecast.models)} models (model ensemble)")
    table.add_column("Issue", style="bold", overflow="fold", max_width=28)
    table.add_column("Lowest to highest model value")
    if sampled:
        table.add_column("Envelope of the models' 80 % intervals")
    for issue in forecast.scenario.issues:
        band = bands[issue.id]
        row = [escape(issue.name), _range(band.low, band.high, issue)]
        if sampled and band.envelope_low is not None and band.envelope_high is not None:
            row.append(_range(band.envelope_low, band.envelope_high, issue))
        table.add_row(*row)
    table.caption = (
        "How far the models disagree: each model's interval covers only its own reading of "
        "the talks, so the spread across models is uncertainty no single interval shows."
    )
    return table


def trace_tables(forecast: Forecast) -> Iterable[Table]:
    """Per model and issue, a round-by-round table of positions and summary series."""
    names = _actor_names(forecast)
    problem = forecast.problem
    for model in forecast.models.values():
        trace = model.outcome.trace
        scaled = scaled_trace_keys(trace)
        if "positions" not in trace:
            continue
        positions = problem.to_units(trace["positions"][0])  # [T, A, I]
        series = [key for key in trace.get("series", ()) if key in scaled]
        extra = [key for key in ("fractional_change",) if key in trace]
        for column, issue_id in enumerate(problem.issue_ids):
            issue = forecast.scenario.issue(issue_id)
            table = Table(title=f"{model.name}: {issue.name} ({issue.unit or 'scale'}) by round")
            table.add_column("Round", justify="right")
            for key in series + extra:
                table.add_column(key.replace("_", " "), justify="right")
            for actor in problem.actor_ids:
                table.add_column(names.get(actor, actor), justify="right")
            summaries = {key: problem.to_units(trace[key][0]) for key in series}
            for step in range(positions.shape[0]):
                cells = [str(step)]
                cells += [_cell(summaries[key][step, column]) for key in series]
                cells += [_cell(np.asarray(trace[key])[0, step]) for key in extra]
                cells += [_cell(v) for v in positions[step, :, column]]
                table.add_row(*cells)
            yield table


def trace_events(forecast: Forecast) -> Iterable[str]:
    """Lines describing each accepted offer, for models that record them (first draw)."""
    names = _actor_names(forecast)
    problem = forecast.problem
    for model in forecast.models.values():
        yield from _exchange_lines(forecast, model.name, model.outcome.trace.get("exchanges"))
        events: Any = model.outcome.trace.get("events")
        if not events:
            continue
        for column, per_issue in enumerate(events):
            issue = forecast.scenario.issue(problem.issue_ids[column])
            span = issue.max - issue.min
            for per_round in per_issue:
                for event in per_round:
                    old = issue.min + span * float(event["old"])
                    new = issue.min + span * float(event["new"])
                    yield (
                        f"{model.name} · {issue.name} · round {event['round']}: "
                        f"{names.get(event['target'], event['target'])} accepts "
                        f"{event['kind']} with "
                        f"{names.get(event['challenger'], event['challenger'])}"
                        f", {old:.4f} → {new:.4f}"
                    )


def _cell(value: Any) -> str:
    """Trace values with four decimals throughout, so a column's numbers line up."""
    number = float(value)
    return "" if not np.isfinite(number) else f"{number:.4f}"


def _exchange_lines(forecast: Forecast, model: str, records: Any) -> Iterable[str]:
    """One line per exchange of an exchange model (first draw)."""
    names = _actor_names(forecast)
    for record in records or ():
        moves = []
        for side in ("i", "j"):
            issue = forecast.scenario.issue(record[f"{side}_issue"])
            span = issue.max - issue.min
            old = issue.min + span * float(record[f"{side}_from"])
            new = issue.min + span * float(record[f"{side}_to"])
            actor = names.get(record[side], record[side])
            moves.append(f"{actor} on {issue.name} {old:.4g} → {new:.4g}")
        yield (
            f"{model} · round {record['round']}: {moves[0]}, for {moves[1]} "
            f"(gain {float(record['gain']):.4g} each)"
        )
