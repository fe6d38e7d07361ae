"""``accord war | deal | ratify | simulate``: the war behind the table, deals, ratification, talks.

Each command is a thin call into :mod:`accord.dynamics` through
:func:`accord.cli.execution.run_command`, which records the run (``--record``, the default; the
deal's own terms go into the record, so ``accord runs verify`` needs no deal file); this module
only renders the results (rich tables, JSON via each result's ``to_json()``, or CSV).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import sys
from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import Annotated, Any

import numpy as np
import typer
from rich.table import Table

from accord.analysis import whatif
from accord.analysis.montecarlo import new_seed
from accord.cli.common import (
    ONE_MODEL_HELP,
    AsOfOption,
    ForceOption,
    FormatOption,
    OutOption,
    OutputFormat,
    SeedOption,
    SepOption,
    app,
    console,
    fail,
    json_text,
    parse_date,
    recorder,
    write_output,
    write_screen,
)
from accord.cli.execution import OverlayOption, RecordOption, SetOption, run_command
from accord.cli.progress import working
from accord.cli.shared_odds import shared_odds, tables_with_odds, with_odds
from accord.dynamics.common import interval
from accord.dynamics.deal import Deal, Valuation, deal_from_values, load_deal
from accord.dynamics.ratify import Ratification
from accord.dynamics.talks import MIN_AGREED_SHARE, STRATEGIES, Simulation
from accord.dynamics.war import WarAnalysis, evaluation_date
from accord.errors import InputError
from accord.report.numbers import span
from accord.scenario.compile import label_for
from accord.scenario.load import DEFAULT_SCENARIO, builtin_ids, load, resolve
from accord.scenario.schema import Scenario

ScenarioOrDeal = Annotated[
    str,
    typer.Argument(
        help="A scenario (built-in id or file); with one argument, a deal of the default scenario."
    ),
]
DealArgument = Annotated[
    str | None,
    typer.Argument(help="A deal file, or the id of a deal shipped with the scenario (28-point)."),
]
REGIME_HELP = (
    "an id from the scenario's war.regimes; ukraine-2025: current, us_cutoff, european_surge"
)
RegimeOption = Annotated[
    str | None,
    typer.Option(
        "--regime",
        help=f"Aid regime of the war ({REGIME_HELP}; default: the scenario's).",
        metavar="REGIME",
    ),
]
ModelOption = Annotated[
    str | None,
    typer.Option(
        "--model",
        "-m",
        help="Use this model's forecast as the deal; " + ONE_MODEL_HELP,
        metavar="SPEC",
    ),
]


class ProtocolChoice(StrEnum):
    """Protocols of simulated talks."""

    mediator = "mediator"
    sao = "sao"


def _draws_option(default_help: str) -> Any:
    return typer.Option("--draws", "-n", help=default_help, metavar="N")


def _date(scenario: Scenario, as_of: str | None) -> dt.date | None:
    """The evaluation date of a run: ``--as-of``, else the scenario's, else its war's."""
    date = parse_date(as_of)
    if date is None and scenario.war is not None:
        return evaluation_date(scenario, None)
    return date


def _whatif(
    scenario: Scenario, as_of: str | None, sets: list[str] | None, overlay: Any
) -> Scenario:
    """The scenario with the ``--set`` / ``--overlay`` changes applied (itself when none)."""
    changes = whatif.gather(sets or [], overlay)
    if not changes:
        return scenario
    return whatif.apply(whatif.current(scenario, parse_date(as_of)), changes)


def _emit(
    output: OutputFormat,
    out: Any,
    force: bool,
    data: Callable[[], dict[str, Any]],
    rows: Callable[[], Iterable[list[Any]]],
    tables: Callable[[], Iterable[Any]],
) -> None:
    if output is OutputFormat.json:
        write_output(json_text(data()), out, force)
    elif output is OutputFormat.csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        for row in rows():
            writer.writerow(row)
        write_output(buffer.getvalue(), out, force)
    else:
        screen = console()
        if out is not None:
            screen = recorder()
        for item in tables():
            screen.print(item)
        if out is not None:
            write_screen(screen, out, force)


def _band(values: Any, digits: int = 0, scale: float = 1.0) -> str:
    array = np.asarray(values, dtype=float) * scale
    if array.size == 1:
        return f"{float(array.reshape(-1)[0]):.{digits}f}"
    median, low, high = (float(v) for v in interval(array.reshape(-1)))
    if f"{low:.{digits}f}" == f"{high:.{digits}f}":
        return f"{median:.{digits}f}"
    return f"{median:.{digits}f} [{span(f'{low:.{digits}f}', f'{high:.{digits}f}')}]"


def _fixed(value: float, digits: int = 2) -> str:
    return f"{value:.{digits}f}"


def _months(text: str) -> str:
    """``180`` months as ``15 years``; anything else as months."""
    if text.isdigit() and int(text) >= 24 and int(text) % 12 == 0:
        return f"{int(text) // 12} years"
    return f"{text} months"


def _median(values: Any, digits: int = 1, scale: float = 1.0) -> str:
    return f"{float(np.median(np.asarray(values, dtype=float) * scale)):.{digits}f}"


def _percent(value: float) -> str:
    return f"{100 * value:.0f} %"


def _draws(value: int) -> int | None:
    if value < 0:
        raise InputError.single(None, f"--draws must be 0 or more, got {value}", path=("--draws",))
    return None if value == 0 else value


# ---------------------------------------------------------------------------------------- war


@app.command()
def war(
    scenario: Annotated[str, typer.Argument(help="A built-in scenario id or a file.")] = (
        DEFAULT_SCENARIO
    ),
    regime: Annotated[
        list[str] | None,
        typer.Option(
            "--regime",
            help=f"Aid regime ({REGIME_HELP}; repeatable; default: all).",
            metavar="REGIME",
        ),
    ] = None,
    months: Annotated[
        int | None, typer.Option(help="Months to show (default: the scenario's horizon).")
    ] = None,
    draws: Annotated[int, _draws_option("Draws from the ranges (0: point values).")] = 500,
    as_of: AsOfOption = None,
    seed: SeedOption = None,
    set_: SetOption = None,
    overlay: OverlayOption = None,
    record: RecordOption = True,
    output: FormatOption = OutputFormat.table,
    sep: SepOption = ",",
    out: OutOption = None,
    force: ForceOption = False,
) -> None:
    """The bargaining range month by month under each aid regime, and what it does to Nash."""
    try:
        loaded = load(scenario)
        options = {
            "regimes": regime or None,
            "months": months,
            "draws": _draws(draws),
            "seed": seed,
        }
        ran = run_command(
            "war",
            scenario,
            loaded,
            _date(loaded, as_of),
            options,
            sets=set_,
            overlay=overlay,
            record=record,
            label=f"war: {draws:,} draws",
        )
        result = ran.result
        assert isinstance(result, WarAnalysis)
        _emit(
            output,
            out,
            force,
            lambda: ran.results,
            lambda: _war_rows(result),
            lambda: _war_tables(result),
        )
    except InputError as error:
        fail(error)


def _names(scenario: Scenario) -> dict[str, str]:
    return {actor.id: actor.name for actor in scenario.actors}


def _war_tables(result: WarAnalysis) -> Iterable[Any]:
    war_block = result.sample.war
    names = _names(result.scenario)
    advancing, defending = names[war_block.advancing], names[war_block.defending]
    labels = result.month_labels()
    for path in result.paths.values():
        table = Table(
            title=f"{result.scenario.title}\nAid regime: {path.regime.name} — bargaining range "
            f"by month (median [80 % interval])",
            title_justify="left",
        )
        table.add_column("Month", no_wrap=True)
        for issue_id in result.sample.theatre_ids:
            issue = result.scenario.issue(issue_id)
            table.add_column(f"{issue.name} ({issue.unit}): expected line", justify="right")
            table.add_column(f"{advancing} accepts ≥", justify="right")
            table.add_column(f"{defending} accepts ≤", justify="right")
            table.add_column("P(zone)", justify="right")
        for t, label in enumerate(labels):
            cells = [label]
            for k in range(len(result.sample.theatre_ids)):
                cells += [
                    _band(result.to_units(path.line[:, t, k], k)),
                    _band(result.to_units(path.advancing[:, t, k], k)),
                    _band(result.to_units(path.defending[:, t, k], k, "high")),
                    _percent(float(path.zone[:, t, k].mean())),
                ]
            table.add_row(*cells)
        yield table
    yield _war_summary(result)
    if result.costs is not None:
        yield _cost_table(result)
    yield _pace_line(result)
    yield "Aid regimes: " + "; ".join(
        f"{path.regime.id} = {path.regime.name}" for path in result.paths.values()
    )
    for issue_id in result.sample.theatre_ids:
        stated = [
            f"{names[actor]} {value:g}"
            for actor in (war_block.advancing, war_block.defending)
            if (value := result.stated_walk_away(actor, issue_id)) is not None
        ]
        if stated:
            issue = result.scenario.issue(issue_id)
            yield (
                f"Stated walk-away points on {issue.name} ({issue.unit}): {', '.join(stated)}; "
                "the table gives what the battlefield implies."
            )


def _cost_table(result: WarAnalysis) -> Table:
    assert result.costs is not None
    data = result.costs.to_json(result)
    names = _names(result.scenario)
    issues = result.sample.theatre_ids
    table = Table(
        title=f"Walk-away points by the monthly cost of war ({data['month']}, aid regime "
        f"{data['regime']}, other numbers at their point values; cost in % of the contested "
        "area a month)",
        title_justify="left",
    )
    table.add_column("Side")
    table.add_column("Cost", justify="right")
    for issue_id in issues:
        table.add_column(result.scenario.issue(issue_id).name, justify="right")
    for actor, side in data["sides"].items():
        for point in side["points"]:
            marks = {side["range"]["low"]: " (low)", side["range"]["mode"]: " (mode)"}
            marks[side["range"]["high"]] = " (high)"
            mark = marks.get(point["cost"], "")
            table.add_row(
                names[actor],
                f"{point['cost']:g}{mark}",
                *(f"{point['walk_away'][issue]:g}" for issue in issues),
            )
        even = side["break_even"]
        table.add_row(
            names[actor],
            "break-even",
            *("—" if even[issue] is None else f"{even[issue]:.2f} %" for issue in issues),
            end_section=True,
        )
    return table


def _pace_line(result: WarAnalysis) -> str:
    bands = result.to_json()["pace"]
    text = "Pace of the front, km² a month (10th percentile, point value, 90th): " + "; ".join(
        f"{regime} {band['low']:,.0f}-{band['mode']:,.0f}-{band['high']:,.0f}"
        for regime, band in bands.items()
    )
    fit = result.sample.pace_fit
    if fit is not None:
        text += (
            f". Fitted on DeepState's {len(fit.months)} monthly gains from "
            f"{fit.months[0].start} to {fit.months[-1].end} (lognormal, half-life "
            f"{fit.half_life:g} months); the line is DeepState's of {result.sample.line_date}."
        )
    return text


def _war_summary(result: WarAnalysis) -> Table:
    war_block = result.sample.war
    names = _names(result.scenario)
    base = war_block.regime().id if war_block.regime().id in result.paths else None
    table = Table(
        title=f"Now ({result.date}): walk-away points and the Nash solution with them",
        title_justify="left",
    )
    table.add_column("Aid regime")
    first = result.sample.theatre_ids[0]
    issue = result.scenario.issue(first)
    table.add_column(f"{names[war_block.defending]}: {issue.name}", justify="right")
    if base is not None:
        table.add_column("shift vs " + base, justify="right")
    table.add_column(f"{names[war_block.advancing]}: {issue.name}", justify="right")
    for issue_id in result.sample.theatre_ids:
        table.add_column(f"Nash: {result.scenario.issue(issue_id).name}", justify="right")
    table.add_column("Nash feasible (share of draws)", justify="right")
    for path in result.paths.values():
        defending = result.to_units(path.defending[:, 0, 0], 0, "high")
        row = [path.regime.id, _band(defending)]
        if base is not None:
            reference = result.to_units(result.paths[base].defending[:, 0, 0], 0, "high")
            row.append(_band(defending - reference))
        row.append(_band(result.to_units(path.advancing[:, 0, 0], 0)))
        if path.nash is not None and path.nash_feasible is not None:
            units = result.problem.to_units(path.nash)
            for issue_id in result.sample.theatre_ids:
                row.append(_band(units[:, result.problem.issue_ids.index(issue_id)], 1))
            row.append(_percent(float(path.nash_feasible.mean())))
        else:
            row += ["—"] * (len(result.sample.theatre_ids) + 1)
        table.add_row(*row)
    return table


def _war_rows(result: WarAnalysis) -> Iterable[list[Any]]:
    yield [
        "scenario", "as_of", "regime", "month", "issue", "line", "advancing", "advancing_low",
        "advancing_high", "defending", "defending_low", "defending_high", "zone_probability",
    ]  # fmt: skip
    labels = result.month_labels()
    for regime_id, path in result.paths.items():
        for t, label in enumerate(labels):
            for k, issue_id in enumerate(result.sample.theatre_ids):
                line = interval(result.to_units(path.line[:, t, k], k))[0]
                adv = interval(result.to_units(path.advancing[:, t, k], k))
                dfd = interval(result.to_units(path.defending[:, t, k], k, "high"))
                yield [
                    result.scenario.id,
                    result.date.isoformat(),
                    regime_id,
                    label,
                    issue_id,
                    f"{float(line):.4g}",
                    *(f"{float(v):.4g}" for v in adv),
                    *(f"{float(v):.4g}" for v in dfd),
                    f"{float(path.zone[:, t, k].mean()):.4g}",
                ]


# --------------------------------------------------------------------------------------- deal


def _scenario_and_deal(
    first: str,
    second: str | None,
    model: str | None,
    as_of: str | None,
    seed: int | None,
    sets: list[str] | None = None,
    overlay: Any = None,
) -> tuple[str, Scenario, Deal]:
    """Resolve ``[SCENARIO] DEAL`` (one argument: a deal of the default scenario) or --model.

    Returns the scenario's reference, the scenario as loaded (the run applies the what-if
    changes) and the deal (checked against, or forecast on, the changed scenario).
    """
    scenario_ref: str = first
    deal_ref: str | None = second
    if second is None and model is None and not _is_scenario(first):
        scenario_ref, deal_ref = DEFAULT_SCENARIO, first
    original = load(scenario_ref)
    loaded = _whatif(original, as_of, sets, overlay)
    if model is not None:
        if deal_ref is not None:
            raise InputError.single(
                None, "give a deal or --model, not both", path=("--model",), hint="drop one"
            )
        from accord.analysis.forecast import forecast

        result = forecast(loaded, [model], date=parse_date(as_of), seed=seed)
        name, only = next(iter(result.models.items()))
        values = {issue: item.value for issue, item in only.issues.items()}
        return (
            scenario_ref,
            original,
            deal_from_values(
                loaded,
                values,
                deal_id=re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-") + "-forecast",
                title=f"{name} forecast",
            ),
        )
    if deal_ref is None:
        raise InputError.single(
            None,
            "no deal given",
            path=("DEAL",),
            hint="give a deal file or id (e.g. 28-point), or --model NAME",
        )
    return scenario_ref, original, load_deal(deal_ref, loaded)


def _deal_options(
    chosen: Deal, model: str | None, regime: str | None, draws: int | None, seed: int | None
) -> dict[str, Any]:
    """What a deal or ratify record keeps: the deal's terms, and the model that made them."""
    from accord.analysis.runs import deal_json, model_specs

    options: dict[str, Any] = {
        "deal": deal_json(chosen),
        "regime": regime,
        "draws": draws,
        "seed": seed,
    }
    if model is not None:
        options["model"] = model_specs([model])[0]
    return options


def _is_scenario(reference: str) -> bool:
    if reference.lower() in (item.lower() for item in builtin_ids()):
        return True
    try:
        path = resolve(reference)
    except InputError:
        return False
    return path.suffix.lower() in (".csv",) or _looks_like_scenario(path.read_text(errors="ignore"))


def _looks_like_scenario(text: str) -> bool:
    return "actors:" in text or '"actors"' in text


@app.command()
def deal(
    scenario: ScenarioOrDeal = DEFAULT_SCENARIO,
    deal_file: DealArgument = None,
    model: ModelOption = None,
    regime: RegimeOption = None,
    draws: Annotated[int, _draws_option("Draws from the ranges (0: point values).")] = 1000,
    as_of: AsOfOption = None,
    seed: SeedOption = None,
    set_: SetOption = None,
    overlay: OverlayOption = None,
    record: RecordOption = True,
    output: FormatOption = OutputFormat.table,
    sep: SepOption = ",",
    out: OutOption = None,
    force: ForceOption = False,
) -> None:
    """What a deal is worth to every actor against fighting on, with and without breakdown."""
    try:
        reference, loaded, chosen = _scenario_and_deal(
            scenario, deal_file, model, as_of, seed, set_, overlay
        )
        ran = run_command(
            "deal",
            reference,
            loaded,
            _date(loaded, as_of),
            _deal_options(chosen, model, regime, _draws(draws), seed),
            sets=set_,
            overlay=overlay,
            record=record,
            label=f"deal: {draws:,} draws",
        )
        result = ran.result
        assert isinstance(result, Valuation)
        with working("deal: the shared odds"):
            shared = shared_odds(
                loaded, date=parse_date(as_of), runs=_draws(draws), seed=seed, regime=regime
            )
        _emit(
            output,
            out,
            force,
            with_odds(lambda: ran.results, shared),
            lambda: _deal_rows(result),
            tables_with_odds(lambda: _deal_tables(result), shared),
        )
    except InputError as error:
        fail(error)


def _terms_table(scenario: Scenario, terms: Any, title: str) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("Issue", style="bold")
    table.add_column("Terms", justify="right")
    table.add_column("Nearest anchor", overflow="fold", max_width=70)
    for d, issue in enumerate(scenario.issues):
        values = terms[:, d]
        median = float(np.median(values))
        digits = 0 if issue.max - issue.min >= 100 else 1
        table.add_row(issue.name, _band(values, digits), label_for(issue, median))
    return table


def _deal_tables(result: Valuation) -> Iterable[Any]:
    units = result.problem.to_units(result.terms)
    yield _terms_table(result.scenario, units, f"{result.deal.title} — terms")
    table = Table(
        title="Value to each actor (0-100: share of its weighted stake met; medians, surplus "
        "with 80 % interval)",
        title_justify="left",
        caption="Beats: share of draws (deal-value model) in which the deal beats the actor's "
        "walk-away, not a calibrated probability.",
    )
    for column in (
        "Actor", "Party", "Deal", "Walk-away", "Surplus", "Beats (share)", "With risk",
        "Surplus with risk", "Beats (share)",
    ):  # fmt: skip
        table.add_column(column, justify="left" if column in ("Actor", "Party") else "right")
    order = sorted(range(result.problem.n_actors), key=lambda a: not result.problem.party[a])
    for a in order:
        actor = result.scenario.actor(result.problem.actor_ids[a])
        surplus = result.value[:, a] - result.no_deal[:, a]
        risky = result.with_risk[:, a] - result.no_deal[:, a]
        table.add_row(
            actor.name,
            "yes" if result.problem.party[a] else "",
            _median(result.value[:, a], 1, 100),
            _median(result.no_deal[:, a], 1, 100),
            _band(surplus, 1, 100),
            _percent(float((surplus > 0).mean())),
            _median(result.with_risk[:, a], 1, 100),
            _band(risky, 1, 100),
            _percent(float((risky > 0).mean())),
        )
    yield table
    provisions = ", ".join(result.deal.guarantee_terms) or "none"
    yield (
        f"Breakdown within {_months(_band(result.guarantees.horizon))}: "
        f"{_band(result.breakdown, 0, 100)} % (hazard ratio {_band(result.hazard_ratio, 2)}; "
        f"provisions: {provisions}; battlefield shortfall {_band(result.shortfall, 0, 100)} % "
        "of the contested area)."
    )
    parts = result.components()
    yield "Hazard ratio by provision (median): " + "; ".join(
        f"{name} {float(np.median(values)):.2f}" for name, values in parts.items()
    )
    sensitivity = result.sensitivity()
    if len(sensitivity) > 1:
        yield (
            "Breakdown by the battlefield-shortfall hazard ratio per 10 % (an unsourced "
            "estimate): "
            + "; ".join(
                f"{value:g}: {_band(values, 0, 100)} %" for value, values in sensitivity.items()
            )
        )
    if result.regime:
        yield (
            f"Walk-away: fighting on under the '{result.regime}' aid regime (battlefield issues) "
            "and the scenario's walk-away points or status quo elsewhere."
        )


def _deal_rows(result: Valuation) -> Iterable[list[Any]]:
    data = result.to_json()
    yield [
        "scenario", "deal", "actor", "party", "value", "walk_away", "surplus", "beats",
        "with_risk", "surplus_with_risk", "beats_with_risk", "breakdown",
    ]  # fmt: skip
    for actor_id, item in data["actors"].items():
        yield [
            data["scenario"],
            data["deal"]["id"],
            actor_id,
            int(item["party"]),
            item["value"]["value"],
            item["walk_away"]["value"],
            item["surplus"]["value"],
            item["beats_walk_away"],
            item["with_risk"]["value"],
            item["surplus_with_risk"]["value"],
            item["beats_walk_away_with_risk"],
            data["breakdown"]["probability"]["value"],
        ]


# ------------------------------------------------------------------------------------- ratify


@app.command(name="ratify")
def ratify_command(
    scenario: ScenarioOrDeal = DEFAULT_SCENARIO,
    deal_file: DealArgument = None,
    model: ModelOption = None,
    regime: RegimeOption = None,
    draws: Annotated[int, _draws_option("Posterior and scenario draws.")] = 2000,
    as_of: AsOfOption = None,
    seed: SeedOption = None,
    set_: SetOption = None,
    overlay: OverlayOption = None,
    record: RecordOption = True,
    output: FormatOption = OutputFormat.table,
    sep: SepOption = ",",
    out: OutOption = None,
    force: ForceOption = False,
) -> None:
    """The probability a deal is ratified, and who would block it."""
    try:
        if draws < 1:
            raise InputError.single(
                None, f"--draws must be at least 1, got {draws}", path=("--draws",)
            )
        reference, loaded, chosen = _scenario_and_deal(
            scenario, deal_file, model, as_of, seed, set_, overlay
        )
        ran = run_command(
            "ratify",
            reference,
            loaded,
            _date(loaded, as_of),
            _deal_options(chosen, model, regime, draws, seed),
            sets=set_,
            overlay=overlay,
            record=record,
            label=f"ratify: {draws:,} draws",
        )
        result = ran.result
        assert isinstance(result, Ratification)
        with working("ratify: the shared odds"):
            shared = shared_odds(
                loaded, date=parse_date(as_of), runs=draws, seed=seed, regime=regime
            )
        _emit(
            output,
            out,
            force,
            with_odds(lambda: ran.results, shared),
            lambda: _ratify_rows(result),
            tables_with_odds(lambda: _ratify_tables(result), shared),
        )
    except InputError as error:
        fail(error)


def _ratify_tables(result: Ratification) -> Iterable[Any]:
    data = result.to_json()
    band = data["probability"]
    yield (
        f"{result.deal.title}: P(signed) = {data['p_signed']:.2f} "
        "(share of draws in which every veto player accepts it)"
    )
    low, high = f"{band['low']:.2f}", f"{band['high']:.2f}"
    yield (
        f"P(ratified | signed) = {band['value']:.2f} (80 % interval {span(low, high)})"
        + (
            "; P(signed and ratified) = " + f"{data['signed_and_ratified']:.2f}"
            if result.conditioned
            else "; no draw is signed, so it is evaluated as if the deal were signed"
        )
    )
    ceasefire = data["ceasefire"]
    rule = result.scenario.ratification.ceasefire if result.scenario.ratification else None
    who = f"veto players' red lines on {rule.issue}" if rule else "assumed, no rule"
    yield (
        f"Ceasefire before the vote (needed in {ceasefire['needed']:.0%} of draws): agreed "
        f"{ceasefire['agreed']:.2f} ({who}), holds {ceasefire['holds']:.2f}, "
        f"in force {ceasefire['in_force']:.2f}"
    )
    table = Table(title="Veto points (given signed)", title_justify="left")
    table.add_column("Veto point", overflow="fold", max_width=40)
    table.add_column("Rule", overflow="fold", max_width=60)
    table.add_column("Applies", justify="right")
    table.add_column("P(block)", justify="right")
    for item in data["veto_points"]:
        table.add_row(
            item["name"], item["rule"], f"{item['applies']:.2f}", f"{item['p_block']:.2f}"
        )
        for route in item.get("routes", []):
            table.add_row(
                f"  or: {route['name']}",
                route["rule"],
                f"{route['share']:.2f}",
                f"{1 - route['approval']:.2f}",
            )
    yield table
    yield (
        "Routes (or:) are alternatives: Applies is the chance the route is taken, and the veto "
        "point's P(block) is 1 − Σ share × approval."
    )
    fit = result.fit
    if fit is not None and data["referendum"] is not None:
        referendum = data["referendum"]
        yield (
            f"Referendum: yes share {_band(result.yes_share[result.weights > 0], 2)}, "
            f"P(yes above {fit.referendum.majority:.0%}) "
            f"{_band(result.passes[result.weights > 0], 2)}, "
            f"turnout reaches {fit.referendum.turnout_threshold:.0%}: "
            f"{referendum['turnout_valid']:.2f}"
        )
    if fit is not None:
        polls = Table(
            title=f"Referendum model fitted to {len(fit.polls)} polls "
            f"(effective draws {fit.effective_draws:.0f} of {fit.proposals})",
            title_justify="left",
        )
        polls.add_column("Poll")
        polls.add_column("Question", overflow="fold", max_width=60)
        polls.add_column("Accept", justify="right")
        polls.add_column("Fitted", justify="right")
        for poll in fit.polls:
            observed = (
                f"{poll['accept']:.2f}"
                if poll["accept"] is not None
                else f"≤ {poll['accept_at_most']:.2f}"
            )
            fitted = poll["fitted"]
            polls.add_row(
                poll["date"],
                poll["question"],
                observed,
                f"{fitted['value']:.2f} [{span(_fixed(fitted['low']), _fixed(fitted['high']))}]",
            )
        yield polls
        yield (
            f"logit(accept) = α + β·loss: α = {_band(fit.alpha, 2)}, β = {_band(fit.beta, 1)}, "
            f"wording noise τ = {_band(fit.tau, 2)}. Few polls: the interval, not the point, "
            "is the result."
        )


def _ratify_rows(result: Ratification) -> Iterable[list[Any]]:
    yield ["scenario", "deal", "component", "probability", "low", "high"]
    data = result.to_json()
    probability = data["probability"]
    yield [
        data["scenario"], data["deal"]["id"], "ratified", probability["value"],
        probability["low"], probability["high"],
    ]  # fmt: skip
    yield [data["scenario"], data["deal"]["id"], "signed", data["p_signed"], "", ""]
    yield [data["scenario"], data["deal"]["id"], "ceasefire_in_force",
           data["ceasefire"]["in_force"], "", ""]  # fmt: skip
    for item in data["blockers"]:
        yield [data["scenario"], data["deal"]["id"], f"blocked_by:{item['id']}",
               item["probability"], "", ""]  # fmt: skip


# ----------------------------------------------------------------------------------- simulate


@app.command(name="simulate")
def simulate_command(
    scenario: Annotated[str, typer.Argument(help="A built-in scenario id or a file.")] = (
        DEFAULT_SCENARIO
    ),
    draws: Annotated[
        int, _draws_option("Simulated talks, each with its own draw of the ranges.")
    ] = 1000,
    runs: Annotated[
        int | None,
        typer.Option("--runs", hidden=True, help="Deprecated: use -n/--draws.", metavar="N"),
    ] = None,
    deadline: Annotated[
        int | None, typer.Option(help="Rounds before the talks end (default: the scenario's).")
    ] = None,
    protocol: Annotated[
        ProtocolChoice,
        typer.Option(help="mediator (single negotiating text) or sao (alternating offers)."),
    ] = ProtocolChoice.mediator,
    strategy: Annotated[
        list[str] | None,
        typer.Option(
            "--strategy",
            help=f"ACTOR=TACTIC ({', '.join(STRATEGIES)}, sampled); repeatable.",
            metavar="ACTOR=TACTIC",
        ),
    ] = None,
    regime: RegimeOption = None,
    opening: Annotated[
        str | None,
        typer.Option(help="A deal the mediator opens with (e.g. 28-point).", metavar="DEAL"),
    ] = None,
    as_of: AsOfOption = None,
    seed: SeedOption = None,
    set_: SetOption = None,
    overlay: OverlayOption = None,
    record: RecordOption = True,
    output: FormatOption = OutputFormat.table,
    sep: SepOption = ",",
    out: OutOption = None,
    force: ForceOption = False,
) -> None:
    """Simulated talks under a deadline: P(agreement), terms, rounds, P(ratified)."""
    try:
        if runs is not None:
            sys.stderr.write("note: --runs is deprecated; use -n/--draws (the same number)\n")
            draws = runs
        original = load(scenario)
        loaded = _whatif(original, as_of, set_, overlay)
        chosen: dict[str, str] = {}
        for item in strategy or []:
            actor, sep, name = item.partition("=")
            if not sep or not actor or not name:
                raise InputError.single(
                    None,
                    f"--strategy {item!r} is not ACTOR=TACTIC",
                    path=("--strategy",),
                    hint="e.g. --strategy russia=boulware",
                )
            chosen[actor] = name
        known = {actor.id for actor in loaded.actors}
        for actor in chosen:
            if actor not in known:
                raise InputError.single(
                    None,
                    f"unknown actor {actor!r} in --strategy",
                    path=("--strategy",),
                    hint=f"use one of: {', '.join(sorted(known))}",
                )
        from accord.analysis.runs import deal_json

        opening_deal = load_deal(opening, loaded) if opening else None
        if seed is None:  # one seed for the talks and the shared odds, printed with them
            seed = new_seed()
        options = {
            "runs": draws,
            "deadline": deadline,
            "protocol": protocol.value,
            "strategies": chosen,
            "regime": regime,
            "opening": None if opening_deal is None else deal_json(opening_deal),
            "seed": seed,
        }
        ran = run_command(
            "simulate",
            scenario,
            original,
            _date(original, as_of),
            options,
            sets=set_,
            overlay=overlay,
            record=record,
            label=f"simulate: {draws:,} talks",
        )
        result = ran.result
        assert isinstance(result, Simulation)
        with working("simulate: the shared odds"):
            shared = shared_odds(
                loaded,
                date=parse_date(as_of),
                runs=draws,
                seed=seed,
                regime=regime,
                simulation=result,
            )
        _emit(
            output,
            out,
            force,
            with_odds(lambda: ran.results, shared),
            lambda: _simulate_rows(result),
            tables_with_odds(lambda: _simulate_tables(result), shared),
        )
    except InputError as error:
        fail(error)


def _simulate_tables(result: Simulation) -> Iterable[Any]:
    data = result.to_json()
    names = _names(result.scenario)
    agreed = result.talks.agreed
    lines = [
        f"{result.scenario.title}: {data['runs']} simulated talks ({result.protocol}, deadline "
        f"{result.deadline} rounds"
        + (f", aid regime '{result.regime}'" if result.regime else "")
        + ")",
        f"P(agreement before the deadline) = {data['agreement_probability']:.2f} "
        "(share of simulated runs under the talks model)",
    ]
    if agreed.any():
        rounds = result.talks.rounds[agreed]
        lines.append(f"Rounds taken: {_band(rounds)} (median [80 %])")
        if data["ratified_given_agreement"] is None:
            lines.append("Ratification not modelled: the scenario has no ratification block.")
        else:
            lines.append(
                f"P(ratified | agreed) = {data['ratified_given_agreement']:.2f}; "
                f"P(agreed and ratified) = {data['agreed_and_ratified']:.2f}"
            )
    if result.hosts:
        lines.append(
            "Hosts (no vote; they add rounds to the talks' calendar, not terms): "
            + "; ".join(
                f"{record.host.name} ("
                + (", ".join(day.isoformat() for day in record.held) or "no dates listed")
                + ")"
                for record in result.hosts
            )
        )
    if agreed.any() and agreed.mean() < MIN_AGREED_SHARE:
        lines.append(
            f"Agreed terms not shown: only {agreed.mean():.1%} of runs agree (fewer than "
            f"{MIN_AGREED_SHARE:.0%}), too few to say where a deal would land."
        )
    yield "\n".join(lines)
    if agreed.mean() >= MIN_AGREED_SHARE:
        units = result.problem.to_units(result.talks.terms[agreed])
        yield _terms_table(result.scenario, units, "Agreed terms (median [80 %] of agreed runs)")
    table = Table(title="Parties", title_justify="left")
    table.add_column("Party")
    table.add_column("Tactics (share of runs)")
    table.add_column("Held out at the deadline", justify="right")
    for party in result.parties:
        tactics = ", ".join(
            f"{name} {share:.0%}" for name, share in data["strategies"][party].items() if share > 0
        )
        table.add_row(names.get(party, party), tactics, _percent(data["holdouts"][party]))
    yield table


def _simulate_rows(result: Simulation) -> Iterable[list[Any]]:
    data = result.to_json()
    yield ["scenario", "issue", "value", "low", "high", "agreement_probability"]
    for issue_id, item in data["terms"].items():
        yield [
            data["scenario"], issue_id, item["value"], item["low"], item["high"],
            data["agreement_probability"],
        ]  # fmt: skip
