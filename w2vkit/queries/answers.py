"""Analogy and doesn't-match as Results (w2vkit.base.results): the rows, the question in the
fields, the answer and any warning as notes, and provenance naming the model and the view."""

from __future__ import annotations

from ..base.choices import ANALOGY_METHODS, DEFAULT_TOPN
from ..base.results import Result
from .arguments import words_argument
from .query import Engine


def analogy(
    engine: Engine,
    a: str,
    b: str,
    c: str,
    *,
    method: str = ANALOGY_METHODS[0],
    topn: int = DEFAULT_TOPN,
    restrict_vocab: int | None = None,
) -> Result:
    """The words nearest a + b − c (`analogy(engine, "king", "woman", "man")` answers queen), by
    3CosAdd ("add", gensim's most_similar) or 3CosMul ("mul", most_similar_cosmul).

    Parameters
    ----------
    engine : Engine
        The model's engine (its view decides what similar means).
    a, b, c : str
        The words of a + b − c.
    method : {"add", "mul"}
        3CosAdd or 3CosMul.
    topn : int
        How many answers.
    restrict_vocab : int, optional
        Only the most frequent words answer.

    Returns
    -------
    Result
        Rows (rank, word, score); fields equation and method; the answer as a note.
    """
    for name, word in (("a", a), ("b", b), ("c", c)):
        words_argument(name, [word])
    found = engine.analogy(a, b, c, method, topn, restrict_vocab)
    provenance = engine.provenance(method=method, topn=topn, restrict_vocab=restrict_vocab)
    rows = [(rank, word, score) for rank, (word, score) in enumerate(found, 1)]
    result = Result(
        "analogy", ["rank", "word", "score"], rows, {"equation": f"{a} + {b} - {c}", "method": method}, [], provenance
    )
    if len({a, b, c}) < 3:
        result.note(
            f"a word is given twice in {a} + {b} - {c}; the given words are never answers, so the answer is "
            "some other word"
        )
    if found:
        result.note(f"{a} + {b} − {c} ≈ {found[0][0]} {found[0][1]:.2f}", kind="info")
    return result


def doesnt_match(engine: Engine, words: list[str]) -> Result:
    """The word furthest from the mean of `words` (gensim's doesnt_match), and each word's cosine
    with that mean, lowest first.

    Parameters
    ----------
    engine : Engine
        The model's engine.
    words : list of str
        Two different words at least.

    Returns
    -------
    Result
        Rows (word, similarity_to_mean); the field doesnt_match; the answer as a note.
    """
    odd, ranked = engine.doesnt_match(words)
    result = Result(
        "doesnt-match",
        ["word", "similarity_to_mean"],
        list(ranked),
        {"doesnt_match": odd},
        [],
        engine.provenance(),
    )
    result.note(f"{odd} doesn't match " + " ".join(w for w in words_argument("words", words) if w != odd), kind="info")
    return result
