"""The self-contained HTML report: one file, no network, the same for the same inputs and seed.

plotly.js is inlined from the installed ``plotly`` package, figures are embedded as JSON with
fixed element ids, and nothing time-dependent is written, so two runs with the same inputs and
seed give byte-identical files. The dashboard reuses :func:`sections_payload` to show the same
sections.
"""

from __future__ import annotations

import functools
import html
import json
from pathlib import Path
from string import Template
from typing import Any, Literal

import plotly.offline

from accord import __version__
from accord.report.context import Context
from accord.report.sections import SectionOutput, key_numbers, render

TEMPLATES = Path(__file__).parent / "templates"


@functools.cache
def plotly_js() -> str:
    """The plotly.js bundle that ships with the installed plotly package."""
    return str(plotly.offline.get_plotlyjs())


@functools.cache
def _template(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


def script_json(data: Any) -> str:
    """JSON safe to place inside a ``<script>`` element (no ``</`` or ``<!--`` sequences)."""
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


def figure_json(output: SectionOutput) -> dict[str, Any]:
    """Element id -> plotly figure (``data`` and ``layout``) for one section's figures."""
    return {item.id: json.loads(item.figure.to_json()) for item in output.figures}


def sections_payload(context: Context) -> list[dict[str, Any]]:
    """The rendered sections as JSON-ready dicts: id, title, html and figures."""
    payload = []
    for section, output in render(context):
        payload.append(
            {
                "id": section.id,
                "title": section.title,
                "html": output.html,
                "figures": [
                    {
                        "id": item.id,
                        "caption": item.caption,
                        "figure": json.loads(item.figure.to_json()),
                    }
                    for item in output.figures
                ],
            }
        )
    return payload


def _figure_html(figure_id: str, caption: str) -> str:
    text = f"<figure><div id='{html.escape(figure_id)}' class='plot'></div>"
    if caption:
        text += f"<figcaption>{html.escape(caption)}</figcaption>"
    return text + "</figure>"


PlotlyMode = Literal["inline", "cdn"]


def plotly_tag(mode: PlotlyMode = "inline") -> str:
    """The ``<script>`` that loads plotly.js: inlined (offline, the default) or from its CDN.

    ``cdn`` makes the file about 4.5 MB smaller but needs a network connection to show charts.
    """
    if mode == "cdn":
        version = plotly.offline.get_plotlyjs_version()
        return (
            f'<script src="https://cdn.plot.ly/plotly-{version}.min.js" charset="utf-8"></script>'
        )
    return "<script>\n" + plotly_js() + "\n</script>"


def report_html(context: Context, *, plotly_mode: PlotlyMode = "inline") -> str:
    """The whole report as one HTML document (plotly.js inlined unless ``plotly_mode='cdn'``)."""
    scenario = context.scenario
    body: list[str] = []
    nav: list[str] = []
    figures: dict[str, Any] = {}
    for section in sections_payload(context):
        nav.append(f"<a href='#{section['id']}'>{html.escape(section['title'])}</a>")
        body.append(
            f"<section id='{section['id']}'><h2>{html.escape(section['title'])}</h2>"
            + section["html"]
            + "".join(_figure_html(f["id"], f["caption"]) for f in section["figures"])
            + "</section>"
        )
        figures.update({f["id"]: f["figure"] for f in section["figures"]})
    meta = [f"scenario <code>{html.escape(scenario.id)}</code>"]
    meta.append(f"as of {context.as_of.isoformat()}" if context.as_of else "all updates applied")
    meta.append(f"models: {html.escape(', '.join(context.forecast.models))}")
    if context.samples:
        meta.append(f"{context.draws:,} draws")
    meta.append(f"seed {context.seed}" if context.seed is not None else "no seed")
    footer = (
        "Forecasts are model outputs from the scenario's stated positions, saliences and "
        "capabilities, not predictions of fact. Map: Natural Earth; control shares: DeepState."
    )
    return Template(_template("report.html")).substitute(
        title=html.escape(f"{scenario.title} — accord report"),
        version=html.escape(__version__),
        style=_template("report.css"),
        plotly=plotly_tag(plotly_mode),
        keys=key_numbers(context),
        meta=" · ".join(meta),
        nav="".join(nav),
        body="\n".join(body),
        footer=footer,
        figures=script_json(figures),
        boot=_template("report.js"),
    )
