"""Which model a query uses when none is named: --model, then $W2VKIT_MODEL, then the most
recently trained model under ./models."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import ModelNotFoundError
from .modelfolder import META

MODEL_ENV = "W2VKIT_MODEL"


def find_model(explicit: str | None = None, models_root: str | os.PathLike = "models") -> Path:
    """--model, then $W2VKIT_MODEL, then the most recently trained model under ./models."""
    return choose_model(explicit, models_root)[0]


def choose_model(explicit: str | None = None, models_root: str | os.PathLike = "models") -> tuple[Path, str]:
    """The model to use and how it was chosen: "explicit", "$W2VKIT_MODEL" or "newest"."""
    if explicit:
        return Path(explicit), "explicit"
    if os.environ.get(MODEL_ENV):
        return Path(os.environ[MODEL_ENV]), f"${MODEL_ENV}"
    return _newest_model(Path(models_root)), "newest"


def _newest_model(root: Path) -> Path:
    candidates = [p.parent for p in root.glob(f"*/{META}")] if root.is_dir() else []
    if not candidates:
        raise ModelNotFoundError(
            f"no model given and none under {root}/; train one with `w2vkit train CORPUS` "
            f"or pass {{model_path}} DIR (or set {MODEL_ENV})",
            "model_path",
        )
    return max(candidates, key=lambda p: (p / META).stat().st_mtime)
