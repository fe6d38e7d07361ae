"""The example notebook runs from top to bottom, as Jupyter would run it.

Its code cells are executed in order in one namespace (no kernel needed: the notebook uses no
magics); like Jupyter, a cell's last expression is evaluated and rendered, here through its
``_repr_html_`` where it has one, so the notebook representations are exercised too.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

NOTEBOOK = Path(__file__).resolve().parents[1] / "examples" / "notebook.ipynb"


def run_cell(source: str, namespace: dict[str, Any]) -> Any:
    tree = ast.parse(source)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, str(NOTEBOOK), "exec"), namespace)
    if last is None:
        return None
    value = eval(compile(ast.Expression(last.value), str(NOTEBOOK), "eval"), namespace)
    render = getattr(value, "_repr_html_", None)
    return render() if callable(render) else repr(value)


def test_notebook_runs_top_to_bottom() -> None:
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    namespace: dict[str, Any] = {"__name__": "__main__"}
    shown = [
        run_cell("".join(cell["source"]), namespace)
        for cell in notebook["cells"]
        if cell["cell_type"] == "code"
    ]
    assert all(not cell.get("outputs") for cell in notebook["cells"] if "outputs" in cell)
    columns = ["model", "issue", "value", "low", "high", "label"]
    assert list(namespace["frame"].columns[:6]) == columns
    assert set(namespace["variants"].to_frame()["model"]) == {
        "eum",
        "eum[variant=paper]",
        "eum[rounds=3]",
    }
    assert "&lt;Forecast scenario=&#x27;emission-1994&#x27;" in shown[0]
    assert "<table" in shown[0]
