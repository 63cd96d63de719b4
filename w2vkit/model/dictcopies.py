"""The dictionaries and stopword lists a model's text was segmented with, kept inside the model.

A model must segment queries (`search`, `embed`, unknown words) and resumed training as its text
was segmented, wherever it is moved to. So training copies each dictionary and stopword list into
the model (`dicts/SHA256.txt`, named by content) and meta.json records the copy beside the name the
user gave and its sha256. Reading them back trusts nothing in meta.json: a copy is read only if it
is a regular file inside the model's `dicts/` (no link, no `..`), of bounded size, whose checksum
matches before a line of it is parsed; models saved before copies existed name a path, which is
read under the same checks (so a meta.json pointing at /etc/passwd or /proc/self/environ gets a
one-line error that echoes nothing of that file).

The files themselves; the segmentation options made from them are w2vkit.queries.segmentation's
(this layer does not segment), and how a name the user gave becomes a file is the caller's
(`resolvers`: w2vkit.text.segmenting.wordlists' resolve_dict and resolve_stopwords).
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path, PurePosixPath

from ..base.records import RecordError
from ..base.trust import kept_file
from ..errors import CorruptModelError

DICTS_DIR = "dicts"
# A dictionary of a few million words is tens of MB; anything larger is not one.
MAX_DICT_BYTES = 64 << 20
# segmentation's fields that name files, and what each file is
FIELDS = {"user_dicts": "dictionary", "stopwords": "stopword list"}


def read_bounded(path: Path, what: str, follow_links: bool) -> bytes:
    """The bytes of a regular file of at most MAX_DICT_BYTES (read at most that much plus one,
    whatever its stat says: /proc files claim size 0), or CorruptModelError naming it."""
    try:
        st = os.stat(path) if follow_links else os.lstat(path)
    except OSError as e:
        raise CorruptModelError(
            f"{path}: the {what} the model was segmented with cannot be read ({e.strerror})"
        ) from None
    if not stat.S_ISREG(st.st_mode):
        raise CorruptModelError(f"{path}: the {what} the model was segmented with is not a regular file; retrain")
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_DICT_BYTES + 1)
    except OSError as e:
        raise CorruptModelError(
            f"{path}: the {what} the model was segmented with cannot be read ({e.strerror})"
        ) from None
    if len(data) > MAX_DICT_BYTES:
        raise CorruptModelError(f"{path}: over {MAX_DICT_BYTES >> 20} MB, not a {what}; retrain the model")
    return data


def store_copies(segmentation: dict | None, resolvers: dict) -> tuple[dict | None, dict[str, bytes]]:
    """For a model being saved: its segmentation record with each dictionary and stopword list
    given a copy, and the copies (relative path -> bytes). The files are read now and must still
    be what the record's checksums say (else the text was segmented with another version).
    resolvers: field -> the function making a file's path from the name the user gave."""
    if not segmentation:
        return segmentation, {}
    record, files = dict(segmentation), {}
    for field, what in FIELDS.items():
        resolve = resolvers[field]
        entries = []
        for entry in segmentation.get(field) or []:
            data = read_bounded(resolve(entry["name"]), what, follow_links=True)
            sha = hashlib.sha256(data).hexdigest()
            if sha != entry.get("sha256"):
                raise CorruptModelError(f"{entry['name']}: the {what} changed while the model was trained; train again")
            copy = f"{DICTS_DIR}/{sha}.txt"
            files[copy] = data
            entries.append(dict(entry, copy=copy))
        record[field] = entries
    return record, files


def copies_of(model_dir: Path, segmentation: dict | None) -> dict[str, bytes]:
    """The copies a model holds (verified), to carry into a model derived from it (postprocess)."""
    files = {}
    for field, what in FIELDS.items():
        for entry in (segmentation or {}).get(field) or []:
            if isinstance(entry, dict) and entry.get("copy"):
                files[entry["copy"]] = read_bounded(verified_copy(model_dir, entry, what), what, follow_links=False)
    return files


def verified_copy(model_dir: Path, entry, what: str, resolve=None) -> Path:
    """The file of a segmentation entry (a dictionary or stopword list): its copy inside the model,
    or for a model saved before copies the recorded path (a built-in name through `resolve`),
    checksum checked; CorruptModelError naming the file otherwise."""
    meta = model_dir / "meta.json"
    if (
        not isinstance(entry, dict)
        or not isinstance(entry.get("name"), str)
        or not isinstance(entry.get("sha256"), str)
    ):
        raise CorruptModelError(f"{meta}: a {what} entry of segmentation should have a name and a sha256; retrain")
    copy = entry.get("copy")
    if copy is not None:
        parts = PurePosixPath(copy).parts if isinstance(copy, str) else ()
        if len(parts) != 2 or parts[0] != DICTS_DIR or parts[1] in ("..", ".") or "\\" in copy:
            raise CorruptModelError(f"{meta}: a {what} copy should be {DICTS_DIR}/NAME inside the model; retrain")
        try:  # (the one door for the files a record names: w2vkit.base.trust.kept_file)
            with kept_file(model_dir, copy, entry["sha256"], what=what, limit=MAX_DICT_BYTES) as kept:
                data = kept.read_bytes()
        except RecordError as e:
            raise CorruptModelError(f"{e}; retrain the model") from None
        return cached_copy(data, entry["sha256"], what)
    # a model saved before copies: the path (or built-in name) recorded at training, outside the model
    path = Path(entry["name"])
    if not path.is_absolute() and resolve is not None and entry["name"] in _builtin_names(what):
        path = resolve(entry["name"])
    data = read_bounded(path, what, follow_links=True)
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        raise CorruptModelError(
            f"{path}: not the {what} the model was segmented with (checksum differs); retrain the model"
        )
    return path


def cached_copy(data: bytes, sha256: str, what: str) -> Path:
    """A copy of a dictionary or stopword list read through the door, in the user's cache (named by
    its checksum): the segmenter reads its lists by name, and a name inside the model folder could
    point elsewhere by the time it is read; the cache is the user's own. A copy already there is
    written again only when it is not these bytes."""
    from ..base.env import cache_root
    from ..base.files import write_own_file
    from ..errors import OutputError

    path = cache_root() / DICTS_DIR / f"{sha256[:40]}.txt"
    try:
        if not (path.is_file() and not path.is_symlink() and path.read_bytes() == data):
            path.parent.mkdir(parents=True, exist_ok=True)
            write_own_file(path, data)
    except (OSError, OutputError) as e:
        raise CorruptModelError(f"{path}: the {what} the model keeps cannot be copied into the cache ({e})") from None
    return path


def _builtin_names(what: str) -> tuple[str, ...]:
    from ..base.choices import BUILTIN_DICTS, BUILTIN_STOPWORDS

    return BUILTIN_DICTS if what == "dictionary" else BUILTIN_STOPWORDS
