"""The statistics of resampled members that every finding shares: a prediction interval for the
value a model trained on one more resample would give, and the estimate inside it.

Values (cosines, axis scores: in [-1, 1]) are Fisher-transformed (z = atanh, clipped to
±0.999999); the **estimate** is the members' mean in z, transformed back, and the **interval**
mean(z) ± t(n-1) · sd(z) · sqrt(1 + 1/n), transformed back, so the estimate always lies inside its
own interval. Raw percentiles of a few members are not 90% intervals for a new draw (6 members'
5th-95th percentiles covered a 7th resample's value 63% of the time); this interval's calibration
is measured in benchmarks/calibration.py (docs/findings.md).

Plain math, below the query layer: `similar` with members uses it without loading the findings.
"""

from __future__ import annotations

import math
from statistics import NormalDist

LEVEL = 0.90
CLIP = 0.999999


def t_quantile(p: float, df: int) -> float:
    """Student's t quantile: exact for 1 and 2 degrees of freedom, else Abramowitz & Stegun 26.7.5
    from the normal quantile (within 0.15% of scipy.stats.t.ppf from 3, tested), written out so a
    query does not import scipy.stats (0.6 s)."""
    if df == 1:
        return math.tan(math.pi * (p - 0.5))
    if df == 2:
        return (2 * p - 1) / math.sqrt(2 * p * (1 - p))
    z = NormalDist().inv_cdf(p)
    v = float(df)
    return (
        z
        + (z**3 + z) / (4 * v)
        + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * v**2)
        + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * v**3)
        + (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / (92160 * v**4)
    )


def _fisher(values) -> list[float]:
    return [math.atanh(max(-CLIP, min(CLIP, v))) for v in values if v is not None and math.isfinite(v)]


def estimate(values) -> float | None:
    """The members' mean in Fisher z, transformed back (None without a finite value)."""
    z = _fisher(values)
    return math.tanh(sum(z) / len(z)) if z else None


def interval(values, level: float = LEVEL) -> tuple[float, float] | None:
    """The prediction interval (module docstring) of the members' values; None with fewer than 2."""
    z = _fisher(values)
    n = len(z)
    if n < 2:
        return None
    mean = sum(z) / n
    sd = math.sqrt(sum((x - mean) ** 2 for x in z) / (n - 1))
    half = t_quantile(0.5 + level / 2, n - 1) * sd * math.sqrt(1 + 1 / n)
    return math.tanh(mean - half), math.tanh(mean + half)
