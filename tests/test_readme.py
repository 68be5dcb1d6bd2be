"""The README's Python example runs as written."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_python_api_example_runs(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Python API", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)  # type: ignore[union-attr]
    (tmp_path / "templates").mkdir()
    (tmp_path / "output").mkdir()
    shutil.copy(ROOT / "templates" / "assumptions.xlsx", tmp_path / "templates")
    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        namespace: dict[str, object] = {}
        exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - our own README
    finally:
        os.chdir(here)
    assert (tmp_path / "output" / "amendment.xlsx").exists()
    assert namespace["df"].shape[1] == 120  # type: ignore[attr-defined]
