"""Headless LibreOffice: recalculate a workbook, or print it to PDF."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

import openpyxl
from openpyxl.cell.read_only import EmptyCell

from model.recalc.cells import EngineError, RecalcError, to_serial

__all__ = ["convert_libreoffice", "libreoffice_available", "recalc_libreoffice",
           "recalc_values_libreoffice"]

_LO_FILTER = "xlsx:Calc MS Excel 2007 XML"

# 0 = always recalculate, 1 = never, 2 = prompt (LibreOffice's default is 1 for
# OOXML, 2 in newer versions; neither recalculates in headless mode).
_LO_REGISTRY = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
           xmlns:xs="http://www.w3.org/2001/XMLSchema"
           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
  <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
  <prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def libreoffice_available() -> bool:
    """True if a ``soffice`` or ``libreoffice`` executable is on PATH."""
    return _soffice() is not None


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def recalc_libreoffice(src: Path, out_dir: Path, timeout: float = 180) -> Path:
    """Open ``src`` in headless LibreOffice, recalculate everything, save as xlsx.

    Returns ``out_dir / (src.stem + '.xlsx')``. See ``convert_libreoffice``."""
    return convert_libreoffice(src, out_dir, "xlsx", timeout)


_TARGETS = {"xlsx": _LO_FILTER, "pdf": "pdf:calc_pdf_Export"}


def convert_libreoffice(src: Path, out_dir: Path, target: str = "xlsx",
                        timeout: float = 180) -> Path:
    """Open ``src`` in headless LibreOffice, recalculate everything, save as ``target``
    (xlsx or pdf).

    Returns ``out_dir / (src.stem + '.' + target)``.  ``out_dir`` must not be the folder
    of ``src`` (ValueError), so the source file can never be overwritten.

    LibreOffice keeps cached values of xlsx files on load unless told otherwise, so
    each call creates a throw-away user profile whose registrymodifications.xcu sets
    ``Calc/Formula/Load/OOXMLRecalcMode`` (and ``ODFRecalcMode``) to 0 = "always
    recalculate", and passes it with ``-env:UserInstallation``.  A private profile
    also makes concurrent calls safe (one soffice process per profile) and keeps
    them independent of a desktop LibreOffice that might be running.

    soffice exits 0 even when conversion fails, so success is judged by the output
    file existing.  Raises RecalcError (with soffice's output) on failure/timeout.
    """
    src = Path(src).resolve()
    out_dir = Path(out_dir).resolve()
    if not src.is_file():
        raise FileNotFoundError(src)
    if out_dir == src.parent:
        raise ValueError(f"out_dir must differ from the folder of {src}")
    exe = _soffice()
    if exe is None:
        raise RecalcError("LibreOffice (soffice) is not installed")
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"{src.stem}.{target}"
    out.unlink(missing_ok=True)

    profile = Path(tempfile.mkdtemp(prefix="lo-profile-"))
    try:
        (profile / "user").mkdir()
        (profile / "user" / "registrymodifications.xcu").write_text(
            _LO_REGISTRY, encoding="utf-8"
        )
        cmd = [
            exe,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
            "--convert-to", _TARGETS[target],
            "--outdir", str(out_dir),
            str(src),
        ]  # fmt: skip
        env = {**os.environ, "HOME": str(profile)}
        stdout, stderr, code = _run(cmd, env, timeout)
        if not out.is_file():
            raise RecalcError(
                f"LibreOffice did not produce {out} (exit code {code})\n"
                f"command: {cmd}\nstdout: {stdout}\nstderr: {stderr}"
            )
        return out
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def _run(cmd: list[str], env: dict[str, str], timeout: float) -> tuple[str, str, int]:
    """Run cmd in its own process group; on timeout kill the whole group.

    ``soffice`` is a shell script that starts ``oosplash`` and ``soffice.bin``;
    killing only the direct child would leave soffice.bin running.
    """
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=env,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        stdout, stderr = proc.communicate()
        raise RecalcError(
            f"LibreOffice timed out after {timeout}s\ncommand: {cmd}\n"
            f"stdout: {stdout}\nstderr: {stderr}"
        ) from None
    return stdout, stderr, proc.returncode


def recalc_values_libreoffice(
    src: Path, tmp_dir: Path
) -> dict[tuple[str, str], object]:
    """Recalculate ``src`` with LibreOffice and return ``{(sheet, 'B12'): value}``.

    The recalculated copy is written to a fresh sub-folder of ``tmp_dir`` (left in
    place for inspection) so ``tmp_dir`` may be the folder of ``src``.  Every
    non-empty cell of every sheet is returned, not only formula cells.

    Values as read by openpyxl from LibreOffice's output: numbers int/float,
    booleans bool, text str; date-formatted cells are converted back from
    datetime to Excel serial numbers (float); error cells (``t="e"``) become
    :class:`EngineError`.
    """
    Path(tmp_dir).mkdir(parents=True, exist_ok=True)
    out_dir = Path(tempfile.mkdtemp(prefix="recalc-", dir=tmp_dir))
    out = recalc_libreoffice(Path(src), out_dir)
    wb = openpyxl.load_workbook(out, read_only=True, data_only=True)
    try:
        result: dict[tuple[str, str], object] = {}
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    if isinstance(c, EmptyCell):
                        continue
                    value = c.value
                    if c.data_type == "e" and isinstance(value, str):
                        value = EngineError(value)
                    result[(ws.title, c.coordinate)] = to_serial(value)
        return result
    finally:
        wb.close()

