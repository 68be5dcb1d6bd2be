"""Write files so that nothing the user had is lost.

The workbook is built in memory, written to a temporary file in the target's
folder and renamed into place: a crash or Ctrl-C at any moment leaves either
the previous file or the new one, never a half-written file.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from model.workbook.writer import write_model

if TYPE_CHECKING:
    from model.core.engine import Results


class OutputError(Exception):
    """The output path cannot be used: the message says why."""


def check_target(out: Path, inputs: tuple[Path, ...] = ()) -> None:
    """Refuse a folder, the tool's own input, or a place we cannot write."""
    if out.is_dir():
        raise OutputError(f"{out}: expected a file name for the output, found a folder")
    for src in inputs:
        if src.exists() and out.exists() and os.path.samefile(src, out) \
                or src.resolve() == out.resolve():
            raise OutputError(f"{out}: refusing to write over the input workbook; "
                              "choose another output name with -o")
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"{out}: the folder {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise OutputError(f"{out}: the folder {parent} is not writable")
    if out.exists() and not os.access(out, os.W_OK):
        raise OutputError(f"{out}: the existing file is read-only")


def replace_atomically(out: Path, write: Callable[[IO[bytes]], None]) -> None:
    """Call ``write`` on a temporary file beside ``out``, then rename it into place."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp",
                                    dir=out.parent if str(out.parent) else ".")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        if out.exists():
            os.chmod(tmp, out.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _sync_folder(tmp.parent)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable, so a power cut cannot bring the old file back."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # some file systems cannot sync a folder
        pass
    finally:
        os.close(fd)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_bytes_atomic(out: Path, data: bytes) -> None:
    def write(fh: IO[bytes]) -> None:
        fh.write(data)
    replace_atomically(out, write)


def workbook_bytes(write: Callable[[Any], object]) -> bytes:
    """Build a workbook in memory with a writer that takes a binary buffer."""
    buf = io.BytesIO()
    write(buf)
    return buf.getvalue()


def write_atomic(results: Results, out: Path, inputs: tuple[Path, ...] = (),
                 extras: Sequence[Any] = (), analysis: Any = None, sharing: Any = None) -> int:
    """Write the model workbook for results to ``out``; returns its size in bytes.

    ``extras`` are extra-sheet writers passed on to ``writer.write_model``."""
    check_target(out, inputs)
    data = workbook_bytes(lambda buf: write_model(results, buf, extras, analysis=analysis,
                                                  sharing=sharing))
    write_bytes_atomic(out, data)
    return len(data)
