"""What a contrast is asked, checked once by w2vkit.findings.contrasts and handed down whole (to the
regression it answers with) instead of as a second signature of twenty arguments."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ContrastQuestion:
    """A contrast's question as the regression reads it: the words, the table's label (its path, or
    what a DataFrame is called in messages), the covariates `by` names, and how the blocks,
    permutations, draws and intervals are taken (w2vkit.findings.contrasts's arguments,
    checked there); `picture`: a curve is to be drawn."""

    words: list[str]
    path: str
    by: list[str]
    block: str | None
    text_column: str
    window: int
    permutations: int
    bootstrap: int
    min_occurrences: int
    seed: int
    level: float
    split_blocks: bool = False
    where: dict[str, str] | None = None
    at: list[dict[str, str]] | None = None
    to: list[str] | None = None
    baseline: dict[str, str] | None = None
    picture: bool = False
