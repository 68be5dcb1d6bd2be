"""Output targets that must be refused, and file-system faults while writing.

Each case runs the real command line in a subprocess: a special file or a symbolic link
is never replaced, a read-only file is honoured even as root, a full disk (a real, tiny
tmpfs), the file-size limit (RLIMIT_FSIZE in the child) and names too long get a one-line
message naming the path and the cause, never "internal error", and nothing is left behind.
"""

from __future__ import annotations

import os
import resource
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from model.inputs.defaults import default_assumptions
from model.workbook.template import write_template
from tests.helpers import with_inputs

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
EARLIER = b"the earlier output, which must survive\n"


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("src") / "small.xlsx"
    with path.open("wb") as fh:
        write_template(fh, with_inputs(default_assumptions(), horizon_months=12))
    return path


def _build(*args: str, limit: int | None = None, cwd: Path | None = None
           ) -> subprocess.CompletedProcess[str]:
    def fsize() -> None:
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return subprocess.run([sys.executable, "-m", "model", "build", *args], env=ENV,
                          capture_output=True, text=True, timeout=120, preexec_fn=fsize,
                          cwd=cwd)


def _one_clear_line(r: subprocess.CompletedProcess[str], path: Path, cause: str) -> None:
    assert r.returncode in (1, 2), r.stderr
    assert "internal error" not in r.stderr and "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert str(path) in lines[0] and cause in lines[0], lines[0]
    assert "Wrote" not in r.stdout


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_a_fifo_is_refused_and_stays_a_fifo(source: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.xlsx"
    os.mkfifo(fifo)
    r = _build(str(source), "-o", str(fifo))
    _one_clear_line(r, fifo, "named pipe")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert _leftovers(tmp_path) == []


def test_a_device_is_refused_and_stays_a_device(source: Path, tmp_path: Path) -> None:
    """A character device made here (the null device's numbers), so a regression could
    only ever replace this copy, never /dev/null."""
    dev = tmp_path / "null.xlsx"
    try:
        os.mknod(dev, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, OSError) as e:
        pytest.skip(f"cannot make a device node here: {e}")
    r = _build(str(source), "-o", str(dev))
    _one_clear_line(r, dev, "a device")
    assert stat.S_ISCHR(dev.lstat().st_mode)


@pytest.mark.parametrize("to", ["file", "fifo", "nothing"])
def test_a_symbolic_link_is_refused_and_left_as_it_was(to: str, source: Path,
                                                       tmp_path: Path) -> None:
    target = tmp_path / "real.xlsx"
    if to == "file":
        target.write_bytes(EARLIER)
    elif to == "fifo":
        os.mkfifo(target)
    link = tmp_path / "link.xlsx"
    link.symlink_to(target)
    r = _build(str(source), "-o", str(link))
    _one_clear_line(r, link, "symbolic link")
    assert link.is_symlink() and os.readlink(link) == str(target)
    if to == "file":
        assert target.read_bytes() == EARLIER
    assert _leftovers(tmp_path) == []


def test_a_read_only_file_is_honoured_even_by_root(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "model.xlsx"
    out.write_bytes(EARLIER)
    out.chmod(0o444)
    r = _build(str(source), "-o", str(out))
    _one_clear_line(r, out, "read-only")
    assert out.read_bytes() == EARLIER and stat.S_IMODE(out.stat().st_mode) == 0o444


def test_compare_with_the_output_itself_is_refused(source: Path, tmp_path: Path) -> None:
    old = tmp_path / "old.xlsx"
    shutil.copy(source, old)
    before = old.read_bytes()
    r = _build(str(source), "--compare", str(old), "-o", str(old))
    _one_clear_line(r, old, "refusing to write over an input workbook")
    assert old.read_bytes() == before


def test_the_file_size_limit_gets_a_clear_line(source: Path, tmp_path: Path) -> None:
    """RLIMIT_FSIZE in the child: writing past it fails with EFBIG (Python ignores
    SIGXFSZ), and the half-written temporary file is removed."""
    out = tmp_path / "model.xlsx"
    out.write_bytes(EARLIER)
    r = _build(str(source), "-o", str(out), limit=20_000)
    _one_clear_line(r, out, "File too large (EFBIG)")
    assert out.read_bytes() == EARLIER
    assert _leftovers(tmp_path) == []


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 64 KB tmpfs, mounted for the test (needs root; skipped otherwise)."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mnt)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs to fill: {r.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", str(mnt)], check=True)


def test_a_full_disk_gets_a_clear_line(source: Path, tiny_disk: Path) -> None:
    out = tiny_disk / "model.xlsx"
    out.write_bytes(EARLIER)
    r = _build(str(source), "-o", str(out))
    _one_clear_line(r, out, "No space left on device (ENOSPC)")
    assert out.read_bytes() == EARLIER
    assert _leftovers(tiny_disk) == []


def test_a_long_name_that_fits_is_written(source: Path, tmp_path: Path) -> None:
    """250 characters fit a file system's 255, but not with a temporary file's prefix
    and suffix around them: the temporary name is kept short."""
    out = tmp_path / ("m" * 245 + ".xlsx")
    r = _build(str(source), "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert out.stat().st_size > 0 and _leftovers(tmp_path) == []


def test_a_name_too_long_gets_a_clear_line(source: Path, tmp_path: Path) -> None:
    out = tmp_path / ("m" * 300 + ".xlsx")
    r = _build(str(source), "-o", str(out))
    _one_clear_line(r, out, "File name too long (ENAMETOOLONG)")
    assert _leftovers(tmp_path) == []
