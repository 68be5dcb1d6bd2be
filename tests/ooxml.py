"""Validate a generated workbook against the Open XML schemas with ``openxml-audit``
(the Open XML SDK's schema checks, pure Python, no network).

``assert_valid_ooxml(path)`` runs the real command line, ``openxml-audit -f office2010
-o json FILE``, and fails with the first errors when there are any. Reuse it for every
kind of workbook the tool writes.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

FORMAT = "office2010"


def audit(path: Path, fmt: str = FORMAT) -> dict[str, object]:
    """openxml-audit's JSON verdict for one file."""
    exe = shutil.which("openxml-audit")
    cmd = [exe] if exe else [sys.executable, "-m", "openxml_audit"]
    r = subprocess.run([*cmd, "-f", fmt, "-o", "json", "-m", "0", str(path)],
                       capture_output=True, text=True, timeout=600)
    if not r.stdout.strip():
        pytest.fail(f"openxml-audit gave no report (exit {r.returncode}): {r.stderr[-2000:]}")
    report = json.loads(r.stdout)
    return report[0] if isinstance(report, list) else report  # type: ignore[no-any-return]


def assert_valid_ooxml(path: Path, fmt: str = FORMAT) -> None:
    report = audit(path, fmt)
    errors = report.get("errors") or []
    assert report.get("error_count") == 0 and not errors, \
        f"{path.name}: {report.get('error_count')} schema errors ({fmt}), the first: " \
        + json.dumps(errors[:5], indent=1)[:3000]
