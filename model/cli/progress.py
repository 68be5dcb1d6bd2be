"""A progress bar for long runs: tqdm when it is installed, else a counter on stderr.

The library reports progress through a callback (``montecarlo.simulate(progress=...)``)
and never writes to the terminal itself: this bar is the command line's."""

from __future__ import annotations

import sys
from typing import Any


def progress_bar(total: int, desc: str) -> Progress:
    """The command line's tracker for ``montecarlo.simulate(progress=...)``."""
    return Progress(total, True, desc)


class Progress:
    """tqdm when it is installed, else a plain counter on stderr; silent when disabled."""

    def __init__(self, total: int, enabled: bool, desc: str = "simulating") -> None:
        self.total, self.enabled, self.desc = total, enabled, desc
        self.done = 0
        self._bar: Any = None
        self._shown = -1
        if enabled:
            try:
                from tqdm import tqdm
            except ImportError:
                return
            self._bar = tqdm(total=total, desc=desc, unit="month", file=sys.stderr,
                             leave=False)

    def update(self, k: int = 1) -> None:
        if not self.enabled:
            return
        self.done += k
        if self._bar is not None:
            self._bar.update(k)
            return
        pct = 100 * self.done // max(self.total, 1)
        if pct != self._shown:
            self._shown = pct
            print(f"\r{self.desc}: {pct:3d} %", end="", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
        elif self.enabled and self._shown >= 0:
            print("\r" + " " * (len(self.desc) + 8) + "\r", end="", file=sys.stderr, flush=True)
