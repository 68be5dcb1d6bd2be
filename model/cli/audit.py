"""`finmodel audit MODEL.xlsx`: rebuild the model from the file and compare, cell by cell.

The comparison lives in ``model.analysis.audit``; this command gives it the writer
that rebuilds a model in memory, prints the report and sets the exit code: 0 when
the model is intact, 1 when it is not, 2 when the file is not a model.
"""

from __future__ import annotations

import argparse

from model.analysis import audit, buildrecord
from model.analysis.buildrecord import BuildRecord
from model.core import engine
from model.inputs.assumptions import Assumptions
from model.workbook.output import workbook_bytes
from model.workbook.sharing import Sharing
from model.workbook.writer import write_model

EXIT_INTACT, EXIT_NOT_INTACT = 0, 1


def rebuild(a: Assumptions, record: BuildRecord) -> bytes:
    """The model finmodel builds for ``a`` with the options the record holds."""
    results = engine.run(a)
    settings = buildrecord.settings_of(record.settings)
    sharing = Sharing(values_only=record.values_only, protect=record.protect)
    return workbook_bytes(lambda buf: write_model(results, buf, analysis=settings,
                                                  sharing=sharing))


def cmd_audit(args: argparse.Namespace) -> int:
    report = audit.audit(args.path, rebuild)
    print(report.text(limit=None if args.all else audit.LIMIT))
    return EXIT_INTACT if report.intact else EXIT_NOT_INTACT
