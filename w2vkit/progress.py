"""The one progress bar: tqdm on stderr, only on a terminal and when the caller wants it."""

from __future__ import annotations

import contextlib
import sys


def progress_bar(total: int | None, enabled: bool, desc: str, unit: str = "w", binary: bool = False, **kw):
    """A tqdm bar on stderr, or None when progress is off or stderr is not a terminal (logs and
    pipes get no carriage-return noise). binary: count bytes in KiB/MiB."""
    if not enabled or not sys.stderr.isatty():
        return None
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


@contextlib.contextmanager
def progress_callback(enabled: bool, desc: str, unit: str = "it"):
    """For work that reports progress as callback(done, total): such a callback drawing a bar,
    made on the first report (when the total is known) and closed on leaving; None when progress
    is off or stderr is not a terminal."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    bars = []

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
