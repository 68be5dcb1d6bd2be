"""The ``finmodel`` command line.

``parser`` holds the arguments (argparse only); ``commands`` runs them. ``main``
imports ``commands`` only once the arguments parse, so ``finmodel --help`` and a
mistyped option answer without loading pandas, xlsxwriter or openpyxl. Both sit
at the top of the package: they may import anything below them, nothing imports
them.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from model.cli.parser import make_parser
from model.cli.stopping import Stopped, stop_signals_raise

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = make_parser().parse_args(argv)
    except SystemExit as e:  # --help, --version, or a usage error (already explained)
        return e.code if isinstance(e.code, int) else 2
    try:
        from model.cli import commands  # deferred for start-up time, not to hide a cycle
        with stop_signals_raise():
            return commands.run(args)
    except Stopped as e:  # SIGTERM or SIGHUP: the output being written is already removed
        print(e.message(), file=sys.stderr)
        return e.exit_code
    except ModuleNotFoundError as e:  # a dependency missing from this Python: say which
        missing = (e.name or "model").partition(".")[0]
        if missing == "model":
            raise
        print(f"finmodel: the package {missing!r} is not installed in "
              f"this Python ({sys.executable}); install finmodel with its dependencies in "
              'a virtual environment: python3 -m venv .venv && . .venv/bin/activate && '
              'pip install -e . (see the README)', file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
