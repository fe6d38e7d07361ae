"""The track record for the report and the dashboard: replayed probabilities and their score.

Kept apart from :mod:`accord.report.sections` (which registers the section) so the figure and
the tables can be built and tested from a :class:`~accord.analysis.ledger.TrackRecord` alone,
and so the dashboard's "Track record" tab draws the same figure as the report.
"""

from __future__ import annotations

import datetime as dt
import html

import plotly.graph_objects as go

from accord.analysis.ledger import TrackRecord
from accord.report.charts import FONT, model_colour

#: Marker symbols of a resolved event's outcome.
OUTCOME_SYMBOLS = {True: "star", False: "x"}


def track_figure(record: TrackRecord, *, as_of: dt.date | None = None) -> go.Figure:
    """One line per event: its probability at each forecast date, and its outcome when known.

    The outcome is drawn at the date it became known (``resolved``, else ``by``), at 1 (yes,
    a star) or 0 (no, a cross), in the event's colour; a dashed line marks ``as_of`` (the
    report's evaluation date) when given. ``layout.meta`` lists the events drawn.
    """
    figure = go.Figure()
    drawn = []
    for index, event in enumerate(record.events):
        rows = [row for row in record.rows if row.event == event.id]
        if not rows and event.outcome is None:
            continue
        drawn.append(event.id)
        colour = model_colour(index)
        name = html.escape(f"{event.id}: {event.question}", quote=False)
        if rows:
            figure.add_trace(
                go.Scatter(
                    x=[row.as_of.isoformat() for row in rows],
                    y=[row.probability for row in rows],
                    mode="lines+markers",
                    name=_short(name),
                    legendgroup=event.id,
                    line={"color": colour, "shape": "hv"},
                    marker={"size": 5},
                    customdata=[[row.low, row.high] for row in rows],
                    hovertemplate=(
                        f"{html.escape(event.id)} as of %{{x}}: %{{y:.3f}} "
                        "(80 % interval %{customdata[0]:.3f} to %{customdata[1]:.3f})"
                        "<extra></extra>"
                    ),
                )
            )
        if event.outcome is not None:
            when = event.resolved or event.by
            figure.add_trace(
                go.Scatter(
                    x=[when.isoformat()],
                    y=[1.0 if event.outcome else 0.0],
                    mode="markers",
                    name=f"{html.escape(event.id)}: {'yes' if event.outcome else 'no'}",
                    legendgroup=event.id,
                    showlegend=not rows,
                    marker={
                        "color": colour,
                        "size": 13,
                        "symbol": OUTCOME_SYMBOLS[event.outcome],
                        "line": {"width": 1, "color": colour},
                    },
                    hovertemplate=(
                        f"{html.escape(event.id)} resolved {when.isoformat()}: "
                        f"{'yes' if event.outcome else 'no'}<extra></extra>"
                    ),
                )
            )
    if as_of is not None:
        figure.add_vline(x=as_of.isoformat(), line={"dash": "dash", "color": "#777", "width": 1})
    figure.update_layout(
        title={"text": "Replayed probabilities of the scenario's events"},
        xaxis={"title": {"text": "forecast date (only data of that date)"}, "type": "date"},
        yaxis={"title": {"text": "probability"}, "range": [-0.05, 1.05]},
        font=FONT,
        template="plotly_white",
        legend={"orientation": "h", "y": -0.25},
        height=460,
        margin={"l": 60, "r": 20, "t": 60, "b": 40},
        meta={"events": drawn, "runs": record.runs},
    )
    return figure


def score_table(record: TrackRecord) -> str:
    """An HTML table: accord's Brier score and log loss against the baselines."""
    score = record.score
    if score.n == 0 or score.brier is None or score.log_loss is None:
        return "<p>No resolved event to score yet.</p>"
    rows: list[tuple[str, float | None, float | None]] = [("accord", score.brier, score.log_loss)]
    rows += [(name, v["brier"], v["log_loss"]) for name, v in score.baselines.items()]
    body = "".join(
        f"<tr><td>{html.escape(name)}</td><td class='num'>{_cell(brier)}</td>"
        f"<td class='num'>{_cell(loss)}</td></tr>"
        for name, brier, loss in rows
    )
    return (
        "<table class='forecast' id='track-score'><thead><tr><th>Forecaster</th>"
        "<th>Brier score</th><th>Log loss</th></tr></thead><tbody>" + body + "</tbody></table>"
    )


def summary(record: TrackRecord) -> str:
    """One paragraph: what was replayed and how it scores (escaped HTML)."""
    score = record.score
    dates = len({row.as_of for row in record.rows})
    text = (
        f"<p>Every event of the scenario replayed at each of its {dates} forecast dates (the "
        "base date and every dated update), each time with only the data known on that date, "
        f"from {record.runs:,} draws (seed {record.seed}; <code>accord ledger replay</code> "
        "stores a finer replay). Lines: the probability over time; a star marks an event that "
        "happened, a cross one that did not, at the date it was known."
    )
    if score.n and score.brier is not None and score.brier_interval is not None:
        low, high = score.brier_interval
        text += (
            f" Over {score.n} dated forecasts of {score.events} resolved events the Brier score "
            f"is {score.brier:.3f} (90 % interval {low:.3f} to {high:.3f}; lower is better), "
            "against the baselines below."
        )
    return text + "</p>"


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _cell(value: float | None) -> str:
    return "—" if value is None else f"{value:.4f}"
