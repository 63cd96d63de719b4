"""A query's nearest words among the background's own words, on request (`similar
--background-words N`, issue 60): words a model's background uses and its text does not (or too
rarely for the model's vocabulary), kept with a model trained with --background
(w2vkit.training.backgroundwords). They follow the text's own neighbours, each row saying it is
from the background; a query never answers with them otherwise.
"""

from __future__ import annotations

import numpy as np

from ..base.choices import BACKGROUND
from ..base.results import Result
from ..errors import CorruptModelError, OptionError
from .query import Engine
from .querytypes import Query


def add_background_neighbours(
    result: Result, engine: Engine, query: Query, n: int, min_neighbour_count: int | None
) -> None:
    """Append to `result` (similar's rows) the query's `n` nearest background-only words, each
    with its cosine in the background view, its count in the background, and a last column
    `from` ("text" for the rows already there, "background" for these); the cells a background
    word has no value for (members' estimates) are empty. The text's floor applies:
    `min_neighbour_count` on the background's counts (where it has them)."""
    from ..model.views import background_own_words

    if engine.model.meta.get("view") != BACKGROUND:
        raise OptionError(
            "{background_words} lists the background's own words in the background view, and this model answers "
            f"with its {engine.model.meta.get('view', 'mixed')} one: add {{similarity}} background (a model "
            "trained with train --background)",
            "background_words",
            "similarity",
        )
    words, counts, vectors, offset = background_own_words(engine.model)
    if offset + vectors.shape[1] != len(query.vector):  # (a record rewritten with its checksums)
        raise CorruptModelError(
            f"{engine.model.path}: the background's own words are {vectors.shape[1]} wide from column {offset}, and "
            f"the background view is {len(query.vector)}; retrain the model"
        )
    scores = np.asarray(vectors @ query.vector[offset:], dtype=np.float64)
    asked = {w.given for w in query.positive + query.negative}
    scores[[i for i, w in enumerate(words) if w in asked]] = -np.inf  # (an unknown query word the background has)
    if min_neighbour_count:  # (an imported model's words have no counts, 0: nothing to floor by)
        counts = np.asarray(counts)
        scores[(counts > 0) & (counts < min_neighbour_count)] = -np.inf
    top = [i for i in np.argsort(-scores, kind="stable")[:n] if np.isfinite(scores[i])]
    columns = result.columns
    result.columns = [*columns, "from"]
    result.rows = [(*row, "text") for row in result.rows]
    for rank, i in enumerate(top, 1):
        cells = {"rank": rank, "word": words[i], "count": int(counts[i]), "from": BACKGROUND}
        cells["model" if "model" in columns else "similarity"] = float(scores[i])
        result.rows.append(tuple(cells.get(c) for c in result.columns))
    result.fields["background_words"] = len(top)
    result.note(
        f"the last {len(top)} rows are the background's own words (the text's model has none of them), "
        "nearest the query in the background view; they have only its joint part, so their cosines run "
        "lower than the text's words'; their count is the background's",
        kind="info",
    )
