"""SIGTERM and SIGHUP as an exception while a command runs, so that whatever it was
writing is cleaned up (the library removes its temporary file on any exception) and the
command ends with a clear line and exit code 128 + the signal. Only the command line
touches signal handlers: the library changes no process state."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

STOP_SIGNALS = tuple(getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n))


class Stopped(BaseException):
    """SIGTERM or SIGHUP arrived. A BaseException, like KeyboardInterrupt, so that no
    ``except Exception`` on the way up swallows it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum

    def message(self) -> str:
        name = signal.Signals(self.signum).name
        return (f"finmodel: stopped by signal {self.signum} ({name}); a file being written "
                "was removed and the file it would have replaced is unchanged")


def _raise(signum: int, frame: object) -> None:
    raise Stopped(signum)


@contextmanager
def stop_signals_raise() -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP raise ``Stopped``; the earlier handlers are
    put back after it. Only the main thread may set handlers: elsewhere nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    earlier: dict[int, Any] = {s: signal.signal(s, _raise) for s in STOP_SIGNALS}
    try:
        yield
    finally:
        for s, handler in earlier.items():
            signal.signal(s, handler)
