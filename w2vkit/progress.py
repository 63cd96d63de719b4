"""The one progress bar: tqdm on stderr, only on a terminal and when the caller wants it."""

from __future__ import annotations

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
