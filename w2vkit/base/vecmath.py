"""Small numpy helpers shared by every layer that compares vectors. numpy is imported on first
use, so that modules the command line loads for --help can import these at their top."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

# Below this length a row counts as zero: dividing by it would only magnify rounding noise.
TINY_NORM = 1e-12


def unit_rows(x: np.ndarray) -> np.ndarray:
    """Each row of x at unit length, as float32 (a zero row stays zero)."""
    import numpy as np

    x = np.asarray(x, dtype=np.float32)
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), TINY_NORM)


def unit_vector(v: np.ndarray) -> np.ndarray:
    """v at unit length, as float32 (a zero vector stays zero)."""
    import numpy as np

    v = np.asarray(v, dtype=np.float32)
    return v / max(float(np.linalg.norm(v)), TINY_NORM)
