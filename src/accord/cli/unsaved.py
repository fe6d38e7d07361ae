"""Run records that could not be saved: the reasons, and the exit status that reports them.

Kept apart from :mod:`accord.cli.execution` so the console script can read them without
importing the analyses (``accord --help`` and ``--version`` must start fast).
"""

from __future__ import annotations

EXIT_UNSAVED = 3
"""Exit status when the results were printed (or written) but their run record was not saved."""
UNSAVED: list[str] = []
"""Why records of this process were not saved; the console script reports them at exit."""
