"""Built-in corpora: texts that ship inside the package, usable by name (`w2vkit train xiyouji`).

The demo corpus is the public-domain 西游记 (Journey to the West), bz2-compressed inside the package
(690 KB; 2.2 MB as text), byte for byte the public copy named below, checked by sha256 when used.
Only when the packaged file is missing (a stripped install) is the public copy downloaded, verified
and kept in the cache.
"""

from __future__ import annotations

import bz2
import hashlib
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from ...base.env import cache_root
from ...base.files import sha256_of, write_atomic
from ...errors import InputError

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "corpora"


@dataclass(frozen=True)
class BuiltinCorpus:
    name: str
    title: str
    packaged: str  # file name under data/corpora/
    sha256: str  # of the uncompressed text
    source: str  # where the same bytes are published
    licence: str


BUILTIN_CORPORA = {
    "xiyouji": BuiltinCorpus(
        name="xiyouji",
        title="西游记 Journey to the West (Wu Cheng'en, 16th c.), 100 chapters, 735,848 characters",
        packaged="xiyouji.txt.bz2",
        sha256="acd8762011876f79740f86ab1da855aab40e9690bf2ccbf14e456ddc91352b67",
        source="https://raw.githubusercontent.com/hexhero/book-txt/master/%E8%A5%BF%E6%B8%B8%E8%AE%B0.txt",
        licence="public domain",
    ),
}


def builtin_corpus(name: str, verify: bool = True) -> Path:
    """The path of a built-in corpus (a .txt.bz2 in the package, or a verified download)."""
    corpus = BUILTIN_CORPORA[name]
    packaged = DATA_DIR / corpus.packaged
    if packaged.is_file():
        if verify:
            with bz2.open(packaged, "rb") as f:
                digest = sha256_of(f)
            if digest != corpus.sha256:
                raise InputError(
                    f"{packaged}: the built-in corpus {name!r} is damaged (sha256 {digest}, "
                    f"expected {corpus.sha256}); reinstall w2vkit"
                )
        return packaged
    return _download(corpus)


def _download(corpus: BuiltinCorpus) -> Path:
    dest = cache_root() / "builtin" / f"{corpus.name}.txt"
    if dest.is_file() and sha256_of(dest) == corpus.sha256:
        return dest
    print(f"the built-in corpus {corpus.name!r} is not in this install; downloading it to {dest} ...", file=sys.stderr)
    try:
        with urllib.request.urlopen(corpus.source, timeout=60) as r:
            data = r.read()
    except OSError as e:
        raise InputError(
            f"cannot download {corpus.name!r} ({e}); put the text (UTF-8) at {dest} "
            f"and run again (source: {corpus.source})"
        ) from e
    digest = hashlib.sha256(data).hexdigest()
    if digest != corpus.sha256:
        raise InputError(
            f"downloaded {corpus.name!r} has sha256 {digest}, expected {corpus.sha256}; put the right file at {dest}"
        )
    write_atomic(dest, data)
    return dest


if __name__ == "__main__":
    # `python -m w2vkit.text.reading.datasets xiyouji` prints the path of the built-in corpus.
    try:
        for arg in sys.argv[1:] or ["xiyouji"]:
            print(builtin_corpus(arg))
    except (InputError, KeyError) as e:
        print(f"Error: {e}", file=sys.stderr)
        sys.exit(1)
