"""The environment w2vkit runs in: its environment variables, the cache folder and the number of
processors it may use. The bottom layer: imports nothing from w2vkit."""

from __future__ import annotations

import os
from pathlib import Path

CACHE_ENV = "W2VKIT_CACHE"  # segmented corpora and downloads (default ~/.cache/w2vkit)
DEBUG_ENV = "W2VKIT_DEBUG"  # 1: show tracebacks instead of one-line errors
CLUSTER_ENV = "W2VKIT_CLUSTER"  # a Dask scheduler's address (or local:N) to segment on


def cache_root() -> Path:
    """$W2VKIT_CACHE, else $XDG_CACHE_HOME/w2vkit, else ~/.cache/w2vkit."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "w2vkit"


def default_jobs() -> int:
    """The processors this process may run on (its affinity where the OS tells it)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def debug_enabled() -> bool:
    return os.environ.get(DEBUG_ENV, "") not in ("", "0")


def exit_with_parent(parent: int, every: float = 0.5) -> None:
    """In a worker process: end it (exit code 1) as soon as its parent, process `parent`, is gone,
    from a daemon thread that polls getppid (a killed parent's children are handed to another
    process). A worker blocked writing to a pipe that no one reads would otherwise live forever:
    forked siblings hold each other's pipe ends, so the write never fails."""
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(1)

    threading.Thread(target=watch, name="w2vkit-exit-with-parent", daemon=True).start()
