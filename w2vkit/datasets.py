"""Getting the public-domain demo corpus (Journey to the West) onto a machine that lacks it.

Only the README's demo script calls this; tests never download anything.
"""

from __future__ import annotations

import hashlib
import os
import sys
import urllib.request
from pathlib import Path

from .errors import InputError

XIYOUJI_URL = "https://raw.githubusercontent.com/hexhero/book-txt/master/%E8%A5%BF%E6%B8%B8%E8%AE%B0.txt"
XIYOUJI_SHA256 = "acd8762011876f79740f86ab1da855aab40e9690bf2ccbf14e456ddc91352b67"


def ensure_xiyouji(candidates: list[str], dest: str = "corpora/xiyouji.txt") -> Path:
    """The first existing candidate path, else a verified download to dest."""
    for c in candidates:
        if c and Path(c).is_file():
            return Path(c)
    dest_path = Path(dest)
    if dest_path.is_file() and _sha256(dest_path.read_bytes()) == XIYOUJI_SHA256:
        return dest_path
    print(f"downloading Journey to the West to {dest_path} ...", file=sys.stderr)
    try:
        with urllib.request.urlopen(XIYOUJI_URL, timeout=60) as r:
            data = r.read()
    except OSError as e:
        raise InputError(f"cannot download the novel ({e}); put 西游记 (UTF-8) at {dest_path} "
                         f"and run again (source: {XIYOUJI_URL})") from e
    if _sha256(data) != XIYOUJI_SHA256:
        raise InputError(f"downloaded novel has sha256 {_sha256(data)}, expected {XIYOUJI_SHA256}; "
                         f"put the right file at {dest_path}")
    dest_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest_path.with_name(f".{dest_path.name}.tmp-{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, dest_path)
    return dest_path


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


if __name__ == "__main__":
    try:
        print(ensure_xiyouji(sys.argv[1:]))
    except InputError as e:
        print(f"Error: {e}", file=sys.stderr)
        sys.exit(1)
