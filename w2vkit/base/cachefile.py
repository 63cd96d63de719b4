"""One cache of values computed from a model (the row norms, the hubness of a view, a map's layout,
the à la carte transform of a table), kept in the user's cache (w2vkit.model.store's
Model.cache_file: never the model folder): `NAME.npy` and its stamp `NAME.sha256`.

The stamp holds the cache's key (what the values depend on: the vectors' checksum, the view, the
window, the table's content) and the sha256 of the array file as written. The values are believed
only when both files are regular files inside the folder (never read through a link), the stamp's
key is today's key, the array's header declares the shape and dtype expected (read before any data:
a 20 GB sparse file is refused from its size, w2vkit.base.records) and its checksum is the stamped
one. Anything else is a miss: the caller computes the values again and `keep`s them, which writes
both files atomically and never through a link (a read-only folder only costs the time).
"""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

from ..errors import OutputError
from .files import write_own_file
from .records import NPY_HEADER_BYTES, RecordError, array_header_of, npy_bytes_at_most

STAMP_SUFFIX = ".sha256"
MAX_STAMP_BYTES = 4096
MAX_LENGTHLESS_BYTES = 1 << 31  # a cache whose length is not known before reading it (2 GB: 500M tokens)


class StampedCache:
    """The cache at `path` (an .npy file in a folder w2vkit owns) for `key` (one line of text)."""

    def __init__(self, path: str | os.PathLike, key: str):
        self.path = Path(path)
        self.stamp = self.path.with_suffix(STAMP_SUFFIX)
        self.key = " ".join(str(key).split())

    def _stamp_text(self, data: bytes) -> str:
        return f"{self.key} {hashlib.sha256(data).hexdigest()}"

    def read(self, shape: tuple[int | None, ...], dtype="float32", most_bytes: int = MAX_LENGTHLESS_BYTES):
        """The cached array when it is sound and of `shape` and `dtype`; else None. A length of
        None in `shape` takes any (a table's tokens), the file then no larger than `most_bytes`."""
        import numpy as np

        from .trust import opened_inside

        try:  # (both files through the door: opened once, no link, bounded, read from the descriptor)
            with opened_inside(self.stamp.parent, self.stamp.name, "cache stamp", limit=MAX_STAMP_BYTES) as stamp:
                stamp_text = stamp.read_text()
            if None in shape:
                limit = most_bytes + NPY_HEADER_BYTES
            else:
                limit = npy_bytes_at_most(*shape, itemsize=np.dtype(dtype).itemsize)
            with opened_inside(self.path.parent, self.path.name, "cache", limit=limit) as kept:
                found, found_dtype, _ = array_header_of(kept.file, kept.size, kept.path, "cache")
                if len(found) != len(shape) or any(n is not None and n != f for n, f in zip(shape, found)):
                    return None
                if found_dtype != np.dtype(dtype) or (None in shape and kept.size > most_bytes):
                    return None
                data = kept.read_bytes()
            if stamp_text != self._stamp_text(data):
                return None
            return np.load(io.BytesIO(data), allow_pickle=False)
        except (OSError, ValueError, UnicodeDecodeError, RecordError):
            return None

    def keep(self, values) -> str | None:
        """Write `values` and their stamp; why not (one line naming the file), when the folder
        cannot take them."""
        import numpy as np

        buffer = io.BytesIO()
        np.save(buffer, np.ascontiguousarray(values), allow_pickle=False)
        data = buffer.getvalue()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_own_file(self.path, data)
            write_own_file(self.stamp, self._stamp_text(data))
        except OSError as e:
            return f"{self.path.parent}: cannot be written ({e.strerror})"
        except OutputError as e:
            return str(e)
        return None
