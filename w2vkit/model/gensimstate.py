"""A model's gensim training state (the `gensim/` folder a trained model keeps for --resume and
postprocess --add-context): its checksum recorded in meta.json when saved, checked before anything
there is unpickled, and loading it with the gensim class it was trained with."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ..base.files import sha256_of
from ..base.records import read_json
from ..errors import CorruptModelError, ModelError
from .modelfolder import GENSIM_DIR, META

STATE_FILE = "model"


def model_class(subwords: bool):
    """gensim's FastText for a model with character n-grams, else Word2Vec."""
    from gensim.models import FastText, Word2Vec

    return FastText if subwords else Word2Vec


def has_state(path: Path) -> bool:
    return (Path(path) / GENSIM_DIR / STATE_FILE).is_file()


def load_state(path: Path, meta: dict, missing: str, *params: str):
    """The verified gensim model saved in a w2vkit model at path; `missing` is said (ModelError,
    naming `params` as its {fields}) when it has none."""
    path = Path(path)
    if not has_state(path):
        raise ModelError(f"{path}: {missing}", *params)
    state = verify_gensim_state(path, meta)
    return model_class(bool((meta.get("hyperparameters") or {}).get("subwords"))).load(str(state))


def save_state(gensim_model, directory: Path) -> None:
    """Save the gensim model under directory/gensim/ and record its checksum in meta.json."""
    (directory / GENSIM_DIR).mkdir()
    gensim_model.save(str(directory / GENSIM_DIR / STATE_FILE))
    record_gensim_state(directory)


def gensim_state_sha256(directory: Path) -> str:
    """One sha256 over the files of a model's gensim/ folder (names and contents, sorted)."""
    h = hashlib.sha256()
    root = directory / GENSIM_DIR
    for f in sorted(p for p in root.rglob("*") if p.is_file()):
        h.update(f.relative_to(root).as_posix().encode() + b"\0" + bytes.fromhex(sha256_of(f)))
    return h.hexdigest()


def record_gensim_state(directory: Path) -> None:
    """Add the gensim/ folder's checksum to meta.json, so that --resume can check it before it
    unpickles anything there."""
    meta = read_json(directory / META, "model record")  # (written by this run a moment ago)
    meta["gensim_sha256"] = gensim_state_sha256(directory)
    with open(directory / META, "w", encoding="utf-8") as f:
        json.dump(meta, f, ensure_ascii=False, indent=2)


def verify_gensim_state(path: Path, meta: dict) -> Path:
    """The pickle of the training state, after checking it is the one the model was saved with."""
    expected = meta.get("gensim_sha256")
    if not expected:
        raise CorruptModelError(
            f"{path}: its training state has no checksum in {META} (saved by w2vkit "
            "before 0.3.0); w2vkit will not unpickle it: train a new model instead"
        )
    import os

    from ..base.records import RecordError
    from ..base.trust import inside

    root = path / GENSIM_DIR
    # (the pickle and its arrays are read only from inside the model, through the one door's rule:
    # every entry lstat-ed, a link refused before anything is hashed)
    entries = [GENSIM_DIR]
    for folder, dirs, files in os.walk(root):  # (os.walk follows no link to a folder)
        entries += [(Path(folder) / name).relative_to(path).as_posix() for name in sorted(dirs + files)]
    for relative in entries:
        try:
            inside(path, relative, "training state file")
        except RecordError as e:
            raise CorruptModelError(f"{e}; w2vkit will not unpickle it: train a new model instead") from None
    if gensim_state_sha256(path) != expected:
        raise CorruptModelError(
            f"{path / GENSIM_DIR}: does not match the checksum in {META} (changed or "
            "replaced); w2vkit will not unpickle it: train a new model instead"
        )
    return path / GENSIM_DIR / STATE_FILE
