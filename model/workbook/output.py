"""Write files so that nothing the user had is lost.

The workbook is built in memory, written to a temporary file in the target's
folder and renamed into place: a crash or Ctrl-C at any moment leaves either
the previous file or the new one, never a half-written file. The temporary file
is removed on any exception that passes through (the command line turns SIGTERM
and SIGHUP into one); this module changes no process state: no signal handlers,
no umask.
"""

from __future__ import annotations

import errno
import io
import os
import secrets
import stat
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from model.errors import FinmodelError
from model.workbook.writer import write_model

if TYPE_CHECKING:
    from model.core.results import Results


class OutputError(FinmodelError):
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


def replace_atomically(out: Path, write: Callable[[IO[bytes]], None]) -> None:
    """Call ``write`` on a temporary file beside ``out``, then rename it into place.

    The temporary file is removed on any failure or interruption that raises (Ctrl-C;
    SIGTERM and SIGHUP once the command line turns them into exceptions); a file-system
    fault (a full disk, the file-size limit, a name too long) becomes an
    OutputError naming the path and the cause."""
    folder = out.parent if str(out.parent) else Path(".")
    tmp: Path | None = None
    try:
        fd, tmp = _create_temporary(folder, out.name)
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        if out.exists():
            os.chmod(tmp, out.stat().st_mode & 0o777)
        os.replace(tmp, out)
        tmp = None
    except OSError as e:
        raise OutputError(f"{out}: cannot write the output: {_cause(e)}; "
                          "nothing was changed") from None
    finally:  # also on Ctrl-C, and on the command line's exception for SIGTERM or SIGHUP
        if tmp is not None:
            tmp.unlink(missing_ok=True)
    _sync_folder(folder)


def _create_temporary(folder: Path, name: str) -> tuple[int, Path]:
    """A new hidden file beside the target, opened for writing. Created with mode 0o666
    less the process's umask (the kernel applies it), as a new output would be, so the
    umask is never read or changed. A short prefix: the temporary name must fit where
    the target's name fits."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) \
        | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        path = folder / f".{name[:40]}.{secrets.token_hex(4)}.tmp"
        try:
            return os.open(path, flags, 0o666), path
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary file name", str(folder))


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
