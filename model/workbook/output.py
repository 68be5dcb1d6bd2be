"""Write files so that nothing the user had is lost.

The workbook is built in memory, written to a temporary file in the target's
folder and renamed into place: a crash or Ctrl-C at any moment leaves either
the previous file or the new one, never a half-written file.
"""

from __future__ import annotations

import errno
import io
import os
import signal
import stat
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from model.workbook.writer import write_model

if TYPE_CHECKING:
    from model.core.results import Results


class OutputError(Exception):
    """The output path cannot be used: the message says why."""


def check_target(out: Path, inputs: tuple[Path, ...] = ()) -> None:
    """Refuse a folder, a special file (FIFO, device, socket), a symbolic link, the tool's
    own inputs, a read-only file (for root too), or a place we cannot write."""
    try:
        _check_target(out, inputs)
    except OSError as e:  # a name too long, a loop of links, ...
        raise OutputError(f"{out}: cannot use this output path: {_cause(e)}") from None


def _check_target(out: Path, inputs: tuple[Path, ...]) -> None:
    for src in inputs:
        if src.exists() and out.exists() and os.path.samefile(src, out) \
                or src.resolve() == out.resolve():
            raise OutputError(f"{out}: refusing to write over an input workbook; "
                              "choose another output name with -o")
    try:
        st = out.lstat()
    except FileNotFoundError:
        st = None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise OutputError(f"{out}: expected a file name for the output, found a folder")
    if st is not None and stat.S_ISLNK(st.st_mode):
        raise OutputError(f"{out}: expected a regular file for the output, found a symbolic "
                          "link (it would be replaced by a file, not followed); name the "
                          "real file instead")
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise OutputError(f"{out}: expected a regular file for the output, found "
                          f"{_kind(st.st_mode)}")
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"{out}: the folder {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise OutputError(f"{out}: the folder {parent} is not writable")
    # os.access says yes to root whatever the mode: the mode bits are the owner's word.
    if st is not None and (not os.access(out, os.W_OK) or not st.st_mode & 0o222):
        raise OutputError(f"{out}: the existing file is read-only")


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a device"),
                       (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "a special file"


def _cause(e: OSError) -> str:
    name = errno.errorcode.get(e.errno or 0, "")
    text = e.strerror or str(e)
    return f"{text} ({name})" if name else text


class _Stopped(SystemExit):
    """SIGTERM or SIGHUP while the output was being written."""


def _stop(signum: int, frame: object) -> None:
    raise _Stopped(128 + signum)


def replace_atomically(out: Path, write: Callable[[IO[bytes]], None]) -> None:
    """Call ``write`` on a temporary file beside ``out``, then rename it into place.

    The temporary file is removed on any failure, on Ctrl-C and on SIGTERM or SIGHUP;
    a file-system fault (a full disk, the file-size limit, a name too long) becomes an
    OutputError naming the path and the cause."""
    folder = out.parent if str(out.parent) else Path(".")
    handlers = _catch_stop_signals()
    tmp: Path | None = None
    try:
        # A short prefix: the temporary name must fit where the target's name fits.
        fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name[:40]}.", suffix=".tmp",
                                        dir=folder)
        tmp = Path(tmp_name)
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        if out.exists():
            os.chmod(tmp, out.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, out)
        tmp = None
    except _Stopped as e:
        print(f"finmodel: stopped by signal {int(e.code) - 128}; {out} was not changed",  # type: ignore[arg-type]
              file=sys.stderr)
        raise
    except OSError as e:
        raise OutputError(f"{out}: cannot write the output: {_cause(e)}; "
                          "nothing was changed") from None
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        _restore(handlers)
    _sync_folder(folder)


_STOP_SIGNALS = tuple(getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n))


def _catch_stop_signals() -> dict[int, Any]:
    """Turn SIGTERM and SIGHUP into an exception while a temporary file exists (only
    the main thread may set signal handlers; elsewhere they stay as they are)."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    return {s: signal.signal(s, _stop) for s in _STOP_SIGNALS}


def _restore(handlers: dict[int, Any]) -> None:
    for s, h in handlers.items():
        signal.signal(s, h)


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
