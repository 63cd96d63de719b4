"""The one progress bar: tqdm on stderr on a terminal; in a log (stderr a file or a pipe) a
line at a steady pace instead; nothing when the caller does not want it (-q)."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable

LOG_EVERY_SECONDS = 30.0  # in a log: a line when this long and LOG_EVERY_SHARE of the work have passed
LOG_EVERY_SHARE = 0.10
SECONDS_ENV = "W2VKIT_PROGRESS_SECONDS"  # (the interval, for tests and impatient logs)


class LogProgress:
    """What a bar shows, as a line in a log: `train: 42% (1.2M/2.9M w), 310k w/s, ETA 5 s`,
    every LOG_EVERY_SHARE of the work or LOG_EVERY_SECONDS, whichever comes later (with no total:
    every LOG_EVERY_SECONDS), and one line at the end if there was one before (a short job stays
    silent). The part of tqdm's interface w2vkit uses."""

    def __init__(self, total, desc: str, unit: str, binary: bool):
        self.total, self.desc, self.unit, self.binary = total or None, desc, unit, binary
        self.n = 0
        self.postfix = ""
        self.started = self.last_time = time.monotonic()
        self.last_n = 0
        env = os.environ.get(SECONDS_ENV, "")
        self.every = float(env) if env.replace(".", "", 1).isdigit() else LOG_EVERY_SECONDS
        self.closed = False
        self.lines = 0

    def update(self, k: int = 1) -> None:
        self.n += k
        self.refresh()

    def set_postfix_str(self, text: str, refresh: bool = True) -> None:
        self.postfix = text

    def refresh(self) -> None:
        now = time.monotonic()
        if now - self.last_time < self.every:
            return
        if self.total and (self.n - self.last_n) < LOG_EVERY_SHARE * self.total and self.n < self.total:
            return
        self._line(now)

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            if self.lines and self.n > self.last_n:  # (a short job, or one already shown at its end: none)
                self._line(time.monotonic(), done=True)

    def _line(self, now: float, done: bool = False) -> None:
        self.last_time, self.last_n = now, self.n
        self.lines += 1
        elapsed = max(now - self.started, 1e-9)
        rate = self.n / elapsed
        parts = [
            f"{self.desc}: " + (f"{self.n / self.total:.0%} ({_amount(self.n, self.binary)}/" if self.total else "")
        ]
        parts[0] += _amount(self.total if self.total else self.n, self.binary) + (
            f" {self.unit})" if self.total else f" {self.unit}"
        )
        parts.append(f"{_amount(rate, self.binary)} {self.unit}/s")
        if done:
            parts.append(f"done in {elapsed:.0f} s")
        elif self.total and rate > 0:
            parts.append(f"ETA {max(0.0, (self.total - self.n) / rate):.0f} s")
        if self.postfix:
            parts.append(self.postfix)
        print(", ".join(parts), file=sys.stderr, flush=True)


def _amount(x: float, binary: bool) -> str:
    base = 1024 if binary else 1000
    for prefix in ("", "k", "M", "G"):
        if abs(x) < base or prefix == "G":
            return f"{x:.0f}{prefix}" if prefix == "" else f"{x:.1f}{prefix}"
        x /= base
    return f"{x:.1f}"


def progress_bar(total: int | None, enabled: bool, desc: str, unit: str = "w", binary: bool = False, **kw):
    """A tqdm bar on stderr on a terminal; a LogProgress (a line now and then, no carriage-return
    noise) when stderr is a file or a pipe; None when progress is off. binary: bytes in KiB/MiB."""
    if not enabled:
        return None
    if not sys.stderr.isatty():
        return LogProgress(total, desc, unit, binary)
    from tqdm import tqdm

    return tqdm(
        total=total or None,
        unit=unit,
        unit_scale=True,
        unit_divisor=1024 if binary else 1000,
        desc=desc,
        file=sys.stderr,
        dynamic_ncols=True,
        **kw,
    )


def counted_with_bar(results, total: int, enabled: bool, desc: str, unit: str = "it") -> list:
    """The results as a list, a progress bar over them as they come (a line now and then in a log)."""
    bar = progress_bar(total, enabled and total > 1, desc, unit=unit)
    out = []
    for result in results:
        out.append(result)
        if bar is not None:
            bar.update(1)
    if bar is not None:
        bar.close()
    return out


@contextlib.contextmanager
def progress_callback(enabled: bool | Callable[[int, int], None], desc: str, unit: str = "it"):
    """For work that reports progress as callback(done, total): such a callback drawing a bar,
    made on the first report (when the total is known) and closed on leaving; None when progress
    is off. `enabled` may itself be such a callback (the explorer's waiting page): it is called
    instead of a bar."""
    if callable(enabled):
        yield enabled
        return
    if not enabled:
        yield None
        return
    bars: list = []

    def report(done: int, total: int) -> None:
        if not bars:
            bars.append(progress_bar(total, True, desc, unit))
        bars[0].n = done
        bars[0].refresh()

    try:
        yield report
    finally:
        for bar in bars:
            bar.close()
