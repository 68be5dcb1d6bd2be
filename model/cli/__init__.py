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
    from model.cli import commands  # deferred for start-up time, not to hide a cycle
    try:
        with stop_signals_raise():
            return commands.run(args)
    except Stopped as e:  # SIGTERM or SIGHUP: the output being written is already removed
        print(e.message(), file=sys.stderr)
        return e.exit_code


if __name__ == "__main__":
    sys.exit(main())
