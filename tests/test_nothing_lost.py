"""Nothing the user had is lost: a run killed at any moment leaves the earlier output
intact; the tool never writes over its input, a folder or an unwritable path; and text
from the inputs that looks like a formula stays text in the output.

tests/test_cli.py has the basic refusals; the cases here go further.
"""

from __future__ import annotations

import dataclasses
import os
import random
import re
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from model.cli import main
from model.inputs.assumptions import Assumptions
from model.inputs.defaults import default_assumptions
from model.workbook.template import write_template
from tests.helpers import with_inputs

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
EARLIER = b"the earlier output, which must survive\n"

# The real command line, with the file writing slowed down to 4 KB every 20 ms, announcing
# on stdout when it starts, so that a signal can be sent while the temporary file grows.
_SLOW_WRITER = """
import sys, time
import model.workbook.output as output
def write_bytes_atomic(out, data):
    def write(fh):
        print("WRITING", flush=True)
        for i in range(0, len(data), 4096):
            fh.write(data[i:i + 4096])
            fh.flush()
            time.sleep(0.02)
    output.replace_atomically(out, write)
output.write_bytes_atomic = write_bytes_atomic
from model.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small assumptions workbook (12 months) so that a build takes little time."""
    path = tmp_path_factory.mktemp("src") / "small.xlsx"
    with path.open("wb") as fh:
        write_template(fh, with_inputs(default_assumptions(), horizon_months=12))
    return path


def _as_from_a_terminal() -> None:
    """In the child before it starts: Ctrl-C (SIGINT) as in a terminal's foreground job.
    pytest started in the background by a shell without job control (CI, `cmd &` in a
    script) ignores SIGINT, and a child inherits that: it would then finish its write
    instead of being interrupted, and the SIGINT tests failed in such runs only."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT, signal.SIGTERM, signal.SIGHUP],
                         ids=["SIGKILL", "SIGINT", "SIGTERM", "SIGHUP"])
def test_killed_while_writing_leaves_the_earlier_output(sig: signal.Signals, source: Path,
                                                        tmp_path: Path) -> None:
    out = tmp_path / "model.xlsx"
    out.write_bytes(EARLIER)
    proc = subprocess.Popen([sys.executable, "-c", _SLOW_WRITER, "build", str(source),
                             "-o", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=ENV, preexec_fn=_as_from_a_terminal)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "WRITING"
    time.sleep(0.05)
    partial = _temp_files(tmp_path)
    assert len(partial) == 1, "the output is written to a temporary file beside the target"
    assert (tmp_path / partial[0]).stat().st_size > 0
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=30)
    assert out.read_bytes() == EARLIER
    if sig == signal.SIGINT:  # Ctrl-C: a clean exit that also removes the temporary file
        assert proc.returncode == 130
        assert "interrupted" in stderr and "Traceback" not in stderr
        assert _temp_files(tmp_path) == []
    elif sig in (signal.SIGTERM, signal.SIGHUP):  # also cleaned up, exit 128 + signal
        assert proc.returncode == 128 + sig
        assert "stopped by signal" in stderr and "Traceback" not in stderr
        assert _temp_files(tmp_path) == []
    else:  # nothing runs after SIGKILL: the half-written temporary file stays, hidden
        assert proc.returncode == -signal.SIGKILL
        assert all(name.startswith(".model.xlsx.") for name in _temp_files(tmp_path))


@pytest.mark.slow
def test_killed_at_random_moments_leaves_old_or_new_never_half(source: Path,
                                                               tmp_path: Path) -> None:
    """The real command line, killed at random moments across a whole run: the target
    always holds the earlier bytes or the complete new output (builds are reproducible,
    so the complete output is known byte for byte)."""
    rng = random.Random(4)
    start = time.perf_counter()
    complete = tmp_path / "complete.xlsx"
    r = subprocess.run([sys.executable, "-m", "model", "build", str(source), "-o",
                        str(complete)], env=ENV, capture_output=True)
    duration = time.perf_counter() - start
    assert r.returncode == 0
    new_bytes = complete.read_bytes()
    outcomes = {"earlier": 0, "new": 0}
    for i in range(8):
        folder = tmp_path / f"run{i}"
        folder.mkdir()
        out = folder / "model.xlsx"
        out.write_bytes(EARLIER)
        sig = (signal.SIGKILL, signal.SIGINT)[i % 2]
        proc = subprocess.Popen([sys.executable, "-m", "model", "build", str(source), "-o",
                                 str(out)], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, env=ENV, preexec_fn=_as_from_a_terminal)
        time.sleep(rng.uniform(0.3, 1.1) * duration)
        proc.send_signal(sig)
        proc.wait(timeout=30)
        data = out.read_bytes()
        assert data in (EARLIER, new_bytes), f"run {i}: a half-written output"
        outcomes["earlier" if data == EARLIER else "new"] += 1
        if sig == signal.SIGINT:
            assert _temp_files(folder) == []
    print(f"killed 8 runs of {duration:.2f} s at random moments: {outcomes}")


# ---------------------------------------------------------------- refusals


def _refused(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


def test_refuses_a_link_to_its_input(source: Path, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in.xlsx"
    src.write_bytes(source.read_bytes())
    before = src.read_bytes()
    (tmp_path / "symlink.xlsx").symlink_to(src)
    os.link(src, tmp_path / "hardlink.xlsx")
    (tmp_path / "sub").mkdir()
    for out in ("symlink.xlsx", "hardlink.xlsx", "sub/../in.xlsx"):
        err = _refused(["build", str(src), "-o", str(tmp_path / out)], capsys)
        assert "input" in err
    assert src.read_bytes() == before
    assert (tmp_path / "symlink.xlsx").is_symlink()
    assert _temp_files(tmp_path) == []


def test_refuses_an_output_folder_that_does_not_exist(source: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    err = _refused(["build", str(source), "-o", str(tmp_path / "nowhere" / "m.xlsx")], capsys)
    assert "does not exist" in err
    assert not (tmp_path / "nowhere").exists()


def test_refuses_a_read_only_output_file(source: Path, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "model.xlsx"
    out.write_bytes(EARLIER)
    out.chmod(0o444)
    err = _refused(["build", str(source), "-o", str(out)], capsys)
    assert "read-only" in err
    assert out.read_bytes() == EARLIER


def test_a_failed_write_leaves_nothing_behind(source: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """A disk that fills up half-way: the earlier output stays, the temporary file goes."""
    import model.workbook.output

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(model.workbook.output.os, "fsync", full_disk)
    out = tmp_path / "model.xlsx"
    out.write_bytes(EARLIER)
    assert main(["build", str(source), "-o", str(out)]) != 0
    assert "Traceback" not in capsys.readouterr().err
    assert out.read_bytes() == EARLIER
    assert _temp_files(tmp_path) == []


def test_output_keeps_the_permissions_of_the_file_it_replaces(source: Path,
                                                              tmp_path: Path) -> None:
    out = tmp_path / "model.xlsx"
    out.write_bytes(EARLIER)
    out.chmod(0o640)
    assert main(["build", str(source), "-o", str(out)]) == 0
    assert out.stat().st_mode & 0o777 == 0o640


# ---------------------------------------------------------------- formula injection

EVIL = '=HYPERLINK("http://evil.example","click")'
TEXTS = (EVIL, "+1+2", "-3+4", "@SUM(1)")


def _malicious(a: Assumptions) -> Assumptions:
    """Party labels and tier names that a spreadsheet would take for formulas."""
    parties = tuple(dataclasses.replace(p, label=TEXTS[i % len(TEXTS)])
                    for i, p in enumerate(a.parties))
    tiers = tuple(dataclasses.replace(t, name=TEXTS[(i + 1) % len(TEXTS)])
                  for i, t in enumerate(a.tiers))
    return dataclasses.replace(a, parties=parties, tiers=tiers)


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    src = tmp_path / "evil.xlsx"
    with src.open("wb") as fh:
        write_template(fh, _malicious(with_inputs(default_assumptions(), horizon_months=12)))
    out = tmp_path / "model.xlsx"
    assert main(["build", str(src), "-o", str(out)]) == 0

    wb = openpyxl.load_workbook(out, data_only=False)  # formulas as formulas
    found: dict[str, int] = {t: 0 for t in TEXTS}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value in found:
                    assert c.data_type == "s", f"{ws.title}!{c.coordinate} is {c.data_type}"
                    found[c.value] += 1
                if c.data_type == "f":
                    assert "evil.example" not in str(c.value)
                    assert "HYPERLINK" not in str(c.value).upper()
    assert all(found.values()), f"each text is in the output as text: {found}"

    with zipfile.ZipFile(out) as z:
        for name in z.namelist():
            xml = z.read(name).decode("utf-8", "replace")
            for formula in re.findall(r"<f[^>]*>(.*?)</f>", xml, flags=re.S):
                assert "HYPERLINK" not in formula.upper() and "evil.example" not in formula
            assert "<hyperlink" not in xml, f"{name} has a hyperlink"
