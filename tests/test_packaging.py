"""What the package ships: the MIT licence pyproject.toml names, the marker that its type
hints are for users too (PEP 561), and the version written in one place."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import model

ROOT = Path(__file__).resolve().parent.parent


def test_the_licence_is_the_one_pyproject_names() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "MIT"
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License") and "the finmodel authors" in text
    assert "THE SOFTWARE IS PROVIDED \"AS IS\"" in text


def test_the_package_ships_its_type_hints() -> None:
    assert (ROOT / "model" / "py.typed").is_file()
    wheel = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["hatch"]["build"][
        "targets"]["wheel"]
    assert wheel["packages"] == ["model"]  # the whole folder, py.typed with it


def test_the_version_is_written_once() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in pyproject["project"]
    assert pyproject["project"]["dynamic"] == ["version"]
    assert pyproject["tool"]["hatch"]["version"]["path"] == "model/__init__.py"
    assert re.fullmatch(r"\d+\.\d+\.\d+", model.__version__)
    r = subprocess.run([sys.executable, "-m", "model", "--version"], capture_output=True,
                       text=True, cwd=ROOT, timeout=60)
    assert r.returncode == 0 and r.stdout.strip() == f"finmodel {model.__version__}"
