"""Run the Decide reference's ``decide-cli`` (``decide-exchange-model`` 2022.1.28).

This file runs **in the reference's own virtual environment** (never in accord's), as an outside
program: ``/path/to/decide-venv/bin/python benchmarks/decide_cli.py --input_file … ``. It only
works around two faults of the published command line so that it runs headless: it never calls
``before_model`` (so its SQLite observer fails), and it forces matplotlib's Qt backend. Nothing
of the reference is copied; its own ``decide.cli.main`` does the work.
"""

import sys

import decide.cli as cli
import matplotlib.pyplot

matplotlib.pyplot.switch_backend("Agg")
_init_event_handlers = cli.init_event_handlers


def init_event_handlers(model, output_directory, database_file, write_csv=True):
    handler = _init_event_handlers(model, output_directory, database_file, write_csv)
    handler.before_model()
    return handler


cli.init_event_handlers = init_event_handlers

if __name__ == "__main__":
    sys.exit(cli.main())
