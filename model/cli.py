"""The `finmodel` command line.

Exit codes: 0 success; 2 bad input (a message names the file, sheet, cell,
what was expected and what was found); 1 anything else. No traceback is shown
unless FINMODEL_DEBUG=1.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .assumptions import Assumptions

EXIT_OK, EXIT_ERROR, EXIT_BAD_INPUT = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="finmodel",
        description="Turn an assumptions workbook into a live-formula Excel model of the "
                    "OpenAI-Microsoft partnership.")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    init = sub.add_parser("init", help="write a fresh assumptions workbook")
    init.add_argument("path", type=Path, help="where to write it (.xlsx)")
    init.add_argument("--force", action="store_true", help="replace an existing file")
    init.set_defaults(run=cmd_init)

    check = sub.add_parser("check", help="validate an assumptions workbook only")
    check.add_argument("path", type=Path)
    check.set_defaults(run=cmd_check)

    build = sub.add_parser("build", help="build the model workbook")
    build.add_argument("path", type=Path, nargs="?",
                       help="assumptions or model workbook (default: the shipped template)")
    build.add_argument("-o", "--out", type=Path,
                       help="output path (default: output/<stem>-model.xlsx)")
    build.add_argument("--scenario", metavar="NAME",
                       help="the scenario selected in the model (default: the first)")
    build.set_defaults(run=cmd_build)
    return p


def cmd_init(args: argparse.Namespace) -> int:
    from .assumptions import default_assumptions
    from .inputsheets import write_template
    from .output import check_target, replace_atomically
    out: Path = args.path
    if out.exists() and not args.force:
        print(f"finmodel: {out} already exists; use --force to replace it", file=sys.stderr)
        return EXIT_BAD_INPUT
    check_target(out)
    replace_atomically(out, lambda fh: write_template(fh, default_assumptions()))
    print(f"Wrote {out}")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from . import load
    a = load(args.path)
    print(f"{args.path}: OK ({a.horizon} months from {a.start_month:%Y-%m}, "
          f"{len(a.parties)} parties, {len(a.tiers)} tiers)")
    return EXIT_OK


def default_output(source: Path) -> Path:
    stem = source.stem
    if stem.endswith("-model"):
        stem = stem[: -len("-model")]
    return Path("output") / f"{stem}-model.xlsx"


def cmd_build(args: argparse.Namespace) -> int:
    from . import default_template, load
    from .engine import run
    from .output import write_atomic
    from .report import headline_table
    source: Path = args.path or default_template()
    out: Path = args.out or default_output(source)
    if args.out is None:
        out.parent.mkdir(parents=True, exist_ok=True)
    a = select_scenario(load(source), args.scenario, source)
    results = run(a)
    size = write_atomic(results, out, inputs=(source,))
    print(f"Wrote {out} ({size / 1024:,.0f} KB, {results.timeline.n} months)")
    print(headline_table(results))
    return EXIT_OK


def select_scenario(a: Assumptions, name: str | None, source: Path) -> Assumptions:
    """The assumptions with a scenario selected by name; exit 2 if there is no such one."""
    from .errors import InputError, Problem
    if name is None:
        return a
    names = a.scenarios.names if a.scenarios else ()
    if name not in names:
        raise InputError(str(source), [Problem(
            "Scenarios", "row 1", "one of the scenarios " + ", ".join(f"'{n}'" for n in names)
            if names else "a Scenarios sheet", f"'{name}'")])
    return a.with_scenario(name)


def _guard(run: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    from .errors import InputError, ModelValueError
    from .output import OutputError
    try:
        return run(args)
    except InputError as e:
        print(e.message(), file=sys.stderr)
        return EXIT_BAD_INPUT
    except (ModelValueError, OutputError) as e:
        print(f"finmodel: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("finmodel: interrupted; nothing was written", file=sys.stderr)
        return 130
    except Exception as e:
        if os.environ.get("FINMODEL_DEBUG"):
            raise
        print(f"finmodel: internal error: {type(e).__name__}: {e}\n"
              "Set FINMODEL_DEBUG=1 to see the traceback.", file=sys.stderr)
        return EXIT_ERROR


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return _guard(args.run, args)


if __name__ == "__main__":
    sys.exit(main())
