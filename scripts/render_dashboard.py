"""Render the default model's Dashboard to PNG with LibreOffice, for the README.

    python scripts/render_dashboard.py      # writes docs/dashboard-*.png

Needs LibreOffice (soffice) and pdftoppm (poppler-utils). The pictures are of the
real output: the default model built by finmodel, printed by LibreOffice.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from model import compute  # noqa: E402
from model.workbook.pdf import write_pdf  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        results = compute()
        pdf = write_pdf(results, Path(tmp) / "dashboard.xlsx")
        subprocess.run(["pdftoppm", "-r", "80", "-f", "1", "-l", "2", "-png", str(pdf),
                        str(Path(tmp) / "page")], check=True)
        for i, name in ((1, "figures"), (2, "charts")):
            page = Path(tmp) / f"page-{i}.png"
            (ROOT / "docs" / f"dashboard-{name}.png").write_bytes(page.read_bytes())
            print(f"wrote docs/dashboard-{name}.png")


if __name__ == "__main__":
    main()
