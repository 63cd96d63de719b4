"""The one door for the records and arrays w2vkit reads back: every JSON record (a model's
meta.json, a member's, an index's, the corpus cache's, a segment folder's manifest, a cache's stamp
record) and every .npy array it did not just compute.

A record or an array is data an attacker or an accident may have shaped, so each is checked before
anything is believed:

* `read_json(path)`: a regular file (no FIFO, no device), its size bounded before it is read
  (MAX_RECORD_BYTES), UTF-8, parsed with nesting bounded (a record nested 200,000 deep gives one
  line, not a RecursionError), and of the type the caller expects (an object, by default).
  `parse_json(text)` is the same for a line of a JSON Lines table.
* `load_array(path)`: numpy's header is read first, the dtype must be numeric (never object, so
  never pickle), the shape what the caller expects, and the file's size exactly the header plus the
  data it declares; a 20 GB sparse file claiming to be a cache is refused from its size and header
  alone, never read.

Errors are `RecordError` (an InputError) naming the file and what to do; callers whose files are
caches catch it and compute the values again.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

from ..errors import InputError

# The largest record w2vkit writes is an index's or a model's meta.json with its checksums (a few
# KB; a model with 100 members: ~60 KB). 64 MB leaves room for any honest record and none for a
# memory bomb.
MAX_RECORD_BYTES = 64 << 20
# Deeper than any record w2vkit writes (5 levels) or a table row a person makes; shallow enough
# that the parser's C recursion never nears Python's limit.
MAX_NESTING = 100
NUMERIC_KINDS = "fiub"


class RecordError(InputError):
    """A record or an array w2vkit reads back cannot be believed: "WHERE: REASON" (`reason` alone
    is kept for messages that name the file themselves)."""

    def __init__(self, where, reason: str):
        super().__init__(f"{where}: {reason}")
        self.where, self.reason = str(where), reason


def regular_file_size(path: str | os.PathLike, what: str = "file") -> int:
    """The size of the regular file at `path` (links followed); RecordError for anything else."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise RecordError(path, f"the {what} is missing") from None
    except OSError as e:
        raise RecordError(path, f"the {what} cannot be read ({e.strerror})") from None
    if not stat.S_ISREG(st.st_mode):
        raise RecordError(path, f"the {what} is not a regular file")
    return st.st_size


def nesting_depth(text: str) -> int:
    """How deeply `text`'s JSON arrays and objects nest, brackets inside strings ignored.

    Written by hand because the json module has no depth limit short of a RecursionError, which
    leaves a deep document's cost to the interpreter's stack. This scan is linear and only runs on
    text that has brackets at all."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_NESTING:
                    return deepest
        elif ch in "]}":
            depth -= 1
    return deepest


def parse_json(text: str, where: str, expect: type | tuple[type, ...] | None = dict) -> Any:
    """`text` parsed as JSON, of type `expect` (None: any), or RecordError naming `where` (a path,
    or path:line)."""
    try:
        value = json.loads(text)
    except RecursionError:
        value = None
        deep = True
    except ValueError as e:
        raise RecordError(where, f"not valid JSON ({str(e)[:80]})") from None
    else:
        deep = False
    if deep or ((text.count("[") + text.count("{")) > MAX_NESTING and nesting_depth(text) > MAX_NESTING):
        raise RecordError(where, f"JSON nested more than {MAX_NESTING} levels deep")
    if expect is not None and not isinstance(value, expect):
        names = " or ".join(t.__name__ for t in (expect if isinstance(expect, tuple) else (expect,)))
        shown = {"dict": "an object", "list": "an array"}.get(names, names)
        raise RecordError(where, f"a JSON {type(value).__name__}, not {shown}")
    return value


def read_json(
    path: str | os.PathLike,
    what: str = "record",
    expect: type | tuple[type, ...] | None = dict,
    limit: int = MAX_RECORD_BYTES,
) -> Any:
    """The JSON record at `path`, checked as the module docstring says; RecordError otherwise."""
    size = regular_file_size(path, what)
    if size > limit:
        raise RecordError(path, f"{size:,} bytes, more than any {what} w2vkit writes ({limit:,})")
    try:
        with open(path, "rb") as f:
            data = f.read(limit + 1)
        text = data.decode("utf-8")
    except OSError as e:
        raise RecordError(path, f"the {what} cannot be read ({e.strerror})") from None
    except UnicodeDecodeError:
        raise RecordError(path, f"the {what} is not UTF-8 text") from None
    return parse_json(text, str(path), expect)


def array_header(path: str | os.PathLike, what: str = "array") -> tuple[tuple[int, ...], Any, int]:
    """The (shape, dtype, data offset) numpy's header at `path` declares, checked: a numeric dtype,
    C order, and a file exactly as long as the header and the data it declares."""
    import numpy as np

    size = regular_file_size(path, what)
    try:
        with open(path, "rb") as f:
            version = np.lib.format.read_magic(f)
            if version == (1, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
            elif version in ((2, 0), (3, 0)):
                shape, fortran, dtype = np.lib.format.read_array_header_2_0(f)
            else:
                raise ValueError(f"version {version}")
            offset = f.tell()
    except (ValueError, OSError, EOFError) as e:
        raise RecordError(path, f"the {what} is not a numpy array file ({str(e)[:60]})") from None
    if dtype.kind not in NUMERIC_KINDS or dtype.hasobject or dtype.fields is not None:
        raise RecordError(path, f"the {what} holds {dtype}, not numbers")
    if fortran and len(shape) > 1:
        raise RecordError(path, f"the {what} is in Fortran order, not as w2vkit writes it")
    count = 1
    for n in shape:
        count *= int(n)
    if offset + count * dtype.itemsize != size:
        raise RecordError(
            path, f"the {what} declares {shape} {dtype} ({count * dtype.itemsize:,} bytes) in a file of {size:,}"
        )
    return tuple(int(n) for n in shape), dtype, offset


def load_array(
    path: str | os.PathLike,
    what: str = "array",
    *,
    shape: tuple[int | None, ...] | None = None,
    dtype: Any = None,
    mmap: bool = False,
):
    """The array at `path`, its header checked (`expect_header`) before a byte of data is read:
    `shape` the expected one (None for a free axis), `dtype` the expected one (None: any number).
    Memory-mapped with mmap=True."""
    expect_header(path, what, shape=shape, dtype=dtype)
    return read_array(path, what, mmap=mmap)


def expect_header(path: str | os.PathLike, what: str, *, shape=None, dtype: Any = None) -> None:
    """numpy's header at `path` checked (`array_header`: a numeric dtype, C order, the file's size
    exactly the header and its data), and of the `shape` (None for a free axis) and `dtype` expected;
    RecordError naming the file otherwise."""
    import numpy as np

    found, found_dtype, _ = array_header(path, what)
    if dtype is not None and found_dtype != np.dtype(dtype):
        raise RecordError(path, f"the {what} holds {found_dtype}, not {np.dtype(dtype)}")
    if shape is not None and (
        len(found) != len(shape) or any(want is not None and want != got for want, got in zip(shape, found))
    ):
        expected = tuple("any" if n is None else n for n in shape)
        raise RecordError(path, f"the {what} has shape {found}, not {expected}")


def read_array(path: str | os.PathLike, what: str, *, mmap: bool = False):
    """The array at `path` (its header checked by expect_header first), memory-mapped with mmap=True."""
    import numpy as np

    try:
        return np.load(Path(path), mmap_mode="r" if mmap else None, allow_pickle=False)
    except (ValueError, OSError, EOFError) as e:
        raise RecordError(path, f"the {what} cannot be read ({str(e)[:60]})") from None
