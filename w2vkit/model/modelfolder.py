"""A model directory as a folder on disk: what w2vkit may write into one, and how a new model
takes the place of an old one. A model is built in a staging folder beside its target and swapped
in with one rename (renameat2 RENAME_EXCHANGE on Linux), so a kill at any moment leaves the
previous model loadable. Only a w2vkit model (or an empty directory) is ever replaced:
check_model_output refuses any other existing path, and one that holds, is, or lies inside an
input, before the work starts, and publish checks again just before the swap. (What the files
hold: w2vkit.model.store.)
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import stat
import time
from collections.abc import Iterator
from pathlib import Path

from ..base.choices import PLOT_METHODS, SIMILARITIES
from ..base.files import check_writable, input_conflict, pid_suffix, real_path, remove_stale
from ..base.records import RecordError, read_json
from ..errors import OutputError
from .itemfiles import ITEMS_DIR

log = logging.getLogger(__name__)

VECTORS = "vectors.npy"
VOCAB = "vocab.tsv"
META = "meta.json"
DROPPED = "dropped.tsv"
GENSIM_DIR = "gensim"
DICTS_DIR = "dicts"  # (w2vkit.model.dictcopies fills it)
_VIEW_FILES = (
    ("view-", ".npy"),
    ("hubness-", ".npy"),
    ("hubness-", ".sha256"),
    ("norms-", ".npy"),
    ("norms-", ".sha256"),
)
# Everything w2vkit writes into a model directory (subwords.py's n-gram table and query.py's norm
# cache included); a directory holding anything else is not replaced.
MODEL_ENTRIES = frozenset(
    {
        VECTORS,
        VOCAB,
        META,
        DROPPED,
        GENSIM_DIR,
        DICTS_DIR,
        ITEMS_DIR,
        "members",
        "ngrams.npy",
        "ngrams.tsv",
        "norms.npy",
        "norms.sha256",
        "hubness.npy",  # (CSLS's r, w2vkit.base.vecmath.neighbour_means: each word's mean cosine with its 10 nearest)
        "hubness.sha256",
        "alacarte.npy",  # (w2vkit.findings.alacarte: the contrast's transform, kept with the model)
        "alacarte.sha256",
        "alacarte-fit.npy",  # (what the transform's fit rests on: words, contexts, R²)
        "alacarte-fit.sha256",
        "alacarte.json",  # (its stamp before w2vkit 0.9)
        "table-tokens.npy",  # (w2vkit.findings.tabledocs: the last table's rows as the model cut them)
        "table-tokens.sha256",
        # (w2vkit.pictures.projection: a whole-model map's places by each method, and its clusters)
        *(f"layout-{method}{suffix}" for method in PLOT_METHODS for suffix in (".npy", ".sha256")),
        "clusters.npy",
        "clusters.sha256",
        "background-words.tsv",  # (w2vkit.training.backgroundwords: the background's own words)
        "background-words.npy",
        "metadata.tsv",  # (w2vkit.model.metadata: the columns a user brought with the vectors)
        # each kind of similarity's view (w2vkit.model.views) and its hubness and norm caches
        *(f"{prefix}{view}{suffix}" for view in SIMILARITIES for prefix, suffix in _VIEW_FILES),
    }
)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    AT_FDCWD, RENAME_EXCHANGE = -100, 2
    res = renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE)
    return res == 0


def staging_dir(target: Path) -> Path:
    """A fresh sibling directory to build a model in before publish()."""
    target = Path(target)
    _remove_stale_staging(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.parent / f".{target.name}.tmp-{os.getpid()}-{time.monotonic_ns()}"
        tmp.mkdir()
    except OSError as e:
        raise OutputError(f"{target}: cannot write ({e.strerror}); choose another -o") from e
    return tmp


@contextlib.contextmanager
def staged_model(target: str | os.PathLike) -> Iterator[Path]:
    """The one way a model folder is written: a staging folder (staging_dir) to write its files
    into, published as `target` when the block ends without error (publish) and removed whatever
    happens; an OSError that names no file (a write to an open file on a full disk) is given the
    target's name, so the message says where."""
    target = Path(target)
    tmp = staging_dir(target)
    try:
        yield tmp
        publish(tmp, target)
    except OSError as e:
        if e.filename is None and e.errno is not None:  # (not a format error: gzip's BadGzipFile is an OSError)
            raise OSError(e.errno, e.strerror, str(target)) from e
        raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _remove_stale_staging(target: Path) -> None:
    """Delete staging directories left by killed runs (their process is gone)."""
    remove_stale(target.parent, f".{target.name}.tmp-*", lambda name: pid_suffix(name, ".tmp-"))


def prepare_model_output(target, inputs=()) -> None:
    """check_model_output, saying on stderr (w2vkit's log) when a model will be replaced."""
    if check_model_output(target, inputs):
        log.info("%s: holds a w2vkit model, which will be replaced", target)


def check_model_output(target, inputs=()) -> bool:
    """Whether target may receive a model: True when it holds a w2vkit model that will be
    replaced, False when it does not exist yet or is an empty directory. Raises OutputError for
    anything else (a file, a directory holding other things) and for a target that is, holds or
    lies inside one of `inputs`, saying why and what to do."""
    target = Path(target)
    why = input_conflict(target, inputs)
    if why:
        raise OutputError(f"{target}: {why}; write the model to a directory outside the inputs")
    check_writable(target)
    real = real_path(target)
    if not os.path.lexists(real):
        return False
    if not real.is_dir():
        raise OutputError(f"{target}: exists and is not a directory; choose another output directory")
    try:
        entries = sorted(os.listdir(real))
    except OSError as e:
        raise OutputError(f"{target}: cannot read ({e.strerror}); choose another output directory") from e
    if not entries:
        return False
    foreign = [e for e in entries if e not in MODEL_ENTRIES and not _is_our_temp(e)]
    if foreign or not _looks_like_model(real):
        shown = foreign[0] if foreign else entries[0]
        raise OutputError(
            f"{target}: is a directory that is not a w2vkit model (it holds {shown!r}"
            f"{f' and {len(entries) - 1:,} more' if len(entries) > 1 else ''}); w2vkit replaces only "
            "its own models: choose a new or empty directory"
        )
    return True


def _is_our_temp(name: str) -> bool:
    """A temporary file of an atomic write into a model directory (`.norms.npy.tmp-PID`)."""
    return name.startswith(".") and ".tmp-" in name and name[1:].split(".tmp-")[0] in MODEL_ENTRIES


def _looks_like_model(directory: Path) -> bool:
    try:
        meta = read_json(directory / META, "model record") if is_regular_file(directory / META) else None
    except RecordError:
        meta = None
    if isinstance(meta, dict) and meta.get("format") == "w2vkit-model":
        return True
    # A model whose meta.json was damaged or removed may still be replaced by a new one.
    return (directory / VECTORS).is_file() and (directory / VOCAB).is_file()


def is_regular_file(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def publish(tmp: Path, target: Path) -> None:
    """Replace target with the fully written tmp directory in one atomic step (only a w2vkit model
    or an empty directory is replaced, see check_model_output)."""
    for p in sorted(tmp.rglob("*")):  # gensim/ too
        if p.is_file():
            with open(p, "rb") as f:
                os.fsync(f.fileno())
        elif p.is_dir():
            _fsync_dir(p)
    _fsync_dir(tmp)
    check_model_output(target)  # again: it may have changed while the model was computed
    if target.is_symlink():  # the link stays a link, to the new model
        target = real_path(target)
    if target.exists():
        if _exchange(tmp, target):
            shutil.rmtree(tmp, ignore_errors=True)  # tmp now holds the old model
        else:  # no atomic exchange: the old model is moved aside for a moment
            old = target.parent / f".{target.name}.old-{os.getpid()}"
            os.rename(target, old)
            os.rename(tmp, target)
            shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(tmp, target)
    _fsync_dir(target.parent)
