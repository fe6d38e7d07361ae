"""Where chunks of work run: in process, in a process pool, or on a Dask cluster.

Every analysis that scales out hands its work to a :class:`concurrent.futures.Executor` as a
``map`` over chunks, so one code path serves every backend; :func:`open_engine` picks the
backend from the ``--jobs`` / ``--workers`` / ``--scheduler`` options.
"""

from accord.engines.local import Engine, InProcessExecutor, chunks, open_engine

__all__ = ["Engine", "InProcessExecutor", "chunks", "open_engine"]
