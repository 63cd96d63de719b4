"""The one door for the records and arrays w2vkit reads back: every JSON record (a model's
meta.json, a member's, an index's, the corpus cache's, a segment folder's manifest, a cache's stamp
record) and every .npy array it did not just compute.

A record or an array is data an attacker or an accident may have shaped, so each is checked before
anything is believed:

* `read_json(path)`: a regular file (no FIFO, no device), its size bounded before it is read
  (MAX_RECORD_BYTES), UTF-8, parsed with nesting bounded (a record nested 200,000 deep gives one
  line, not a RecursionError), and of the type the caller expects (an object, by default).
  `parse_json(text)` is the same for a line of a JSON Lines table.
* an array (`array_from`, from a file opened once): numpy's header is read first, the dtype must be numeric (never object, so
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


# numpy writes a header of at most a few hundred bytes (and reads at most 10,000 by default).
NPY_HEADER_BYTES = 1 << 16


def npy_bytes_at_most(*shape: object, itemsize: int = 4) -> int:
    """The most bytes an .npy file of `shape` (ints; anything else counts as 0) takes: the door's
    size bound for an array whose record gives its shape."""
    count = 1
    for n in shape:
        count *= n if isinstance(n, int) and not isinstance(n, bool) and n > 0 else 0
    return count * itemsize + NPY_HEADER_BYTES


def array_header_of(
    f, size: int, where, what: str = "array", *, shape=None, dtype: Any = None
) -> tuple[tuple[int, ...], Any, int]:
    """The (shape, dtype, data offset) numpy's header declares in the open binary file `f` of `size`
    bytes, checked: a numeric dtype, C order, a file exactly as long as the header and the data it
    declares, and of the `shape` (None for a free axis) and `dtype` expected (when given)."""
    import numpy as np

    try:
        f.seek(0)
        version = np.lib.format.read_magic(f)
        if version == (1, 0):
            found, fortran, found_dtype = np.lib.format.read_array_header_1_0(f)
        elif version in ((2, 0), (3, 0)):
            found, fortran, found_dtype = np.lib.format.read_array_header_2_0(f)
        else:
            raise ValueError(f"version {version}")
        offset = f.tell()
    except (ValueError, OSError, EOFError) as e:
        raise RecordError(where, f"the {what} is not a numpy array file ({str(e)[:60]})") from None
    if found_dtype.kind not in NUMERIC_KINDS or found_dtype.hasobject or found_dtype.fields is not None:
        raise RecordError(where, f"the {what} holds {found_dtype}, not numbers")
    if fortran and len(found) > 1:
        raise RecordError(where, f"the {what} is in Fortran order, not as w2vkit writes it")
    count = 1
    for n in found:
        count *= int(n)
    if offset + count * found_dtype.itemsize != size:
        raise RecordError(
            where,
            f"the {what} declares {found} {found_dtype} ({count * found_dtype.itemsize:,} bytes) in a file of {size:,}",
        )
    found = tuple(int(n) for n in found)
    if dtype is not None and found_dtype != np.dtype(dtype):
        raise RecordError(where, f"the {what} holds {found_dtype}, not {np.dtype(dtype)}")
    if shape is not None and (
        len(found) != len(shape) or any(want is not None and want != got for want, got in zip(shape, found))
    ):
        expected = tuple("any" if n is None else n for n in shape)
        raise RecordError(where, f"the {what} has shape {found}, not {expected}")
    return found, found_dtype, offset


def array_from(f, size: int, where, what: str, *, shape=None, dtype: Any = None, mmap: bool = False):
    """The array numpy's header declares in the open binary file `f` (checked by array_header_of
    first), read from that file, or memory-mapped from its descriptor with mmap=True: never opened
    again by name."""
    import numpy as np

    found, found_dtype, offset = array_header_of(f, size, where, what, shape=shape, dtype=dtype)
    nbytes = size - offset
    try:
        if mmap and nbytes:
            return np.memmap(f, dtype=found_dtype, mode="r", offset=offset, shape=found, order="C")
        f.seek(offset)
        data = bytearray(nbytes)
        if f.readinto(data) != nbytes:
            raise EOFError("the file ended early")
        return np.frombuffer(data, dtype=found_dtype).reshape(found)
    except (ValueError, OSError, EOFError) as e:
        raise RecordError(where, f"the {what} cannot be read ({str(e)[:60]})") from None
