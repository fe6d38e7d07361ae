"""Rerun the golden cases, show what changed, and (with ``--write``) store the new snapshots.

Usage, from the repository root with the project's environment active::

    python tests/golden/regenerate.py                 # every case: what would change
    python tests/golden/regenerate.py war --write     # store the war case again

Review the printed changes before writing, and say in the commit why the numbers moved.
"""

from __future__ import annotations

import argparse

import golden


def main() -> None:
    known = golden.cases()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "names", nargs="*", help=f"cases to rerun (default: all): {', '.join(known)}"
    )
    parser.add_argument("--write", action="store_true", help="store the new snapshots")
    parser.add_argument("--show", type=int, default=20, help="changes shown per case")
    args = parser.parse_args()
    unknown = sorted(set(args.names) - known.keys())
    if unknown:
        parser.error(f"unknown case(s): {', '.join(unknown)}")
    for name in args.names or known:
        value = golden.run(known[name])
        if golden.path_of(name).exists():
            changes = list(golden.differences(golden.load(name), value))
            status = f"{len(changes)} change(s)" if changes else "unchanged"
        else:
            changes, status = [], "new"
        print(f"{name}: {status}")
        for line in changes[: args.show]:
            print(f"  {line}")
        if len(changes) > args.show:
            print(f"  … and {len(changes) - args.show} more")
        if args.write and status != "unchanged":
            golden.store(name, value)
            print(f"  stored {golden.path_of(name).relative_to(golden.HERE.parents[1])}")


if __name__ == "__main__":
    main()
