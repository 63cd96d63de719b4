"""The query commands: `similar`, `similarity`, `analogy`, `doesnt-match` and `shell`
(library: w2vkit.queries.query; nothing here loads gensim)."""

from __future__ import annotations

import sys

import click

from ..base.choices import (
    ANALOGY_METHODS,
    HUBNESS_CHOICES,
    NEIGHBOUR_MIN_COUNT,
    SIMILAR_BACKGROUND_WORDS,
    SIMILAR_HUBNESS,
)
from .options import (
    FORMAT_OPTION,
    MODEL_OPTION,
    RANK_OPTION,
    RESTRICT_OPTION,
    SIMILARITY_OPTION,
    TOPN_OPTION,
    FiniteFloatRange,
    given,
    library_option,
    limited,
    verbosity,
)
from .output import engine_for, show

STABLE_OPTION = click.option(
    "--stable",
    default=None,
    type=FiniteFloatRange(0, 1),
    metavar="P",
    help="With resampled members (train --bootstrap): keep results found in at least this share of them.",
)


@click.command()
@click.argument("words", nargs=-1, required=True, metavar="WORD...")
@click.option("--minus", multiple=True, metavar="WORD", help="Subtract this word (repeatable).")
@TOPN_OPTION
@RESTRICT_OPTION
@STABLE_OPTION
@RANK_OPTION
@library_option(
    "--hubness",
    type=click.Choice(HUBNESS_CHOICES),
    default=SIMILAR_HUBNESS,
    help="csls: rank by CSLS, so that hubs (words near everything) sink (docs/findings.md)",
)
@click.option(
    "--min-neighbour-count",
    "--min-neighbor-count",
    "min_neighbour_count",
    type=limited("min_neighbour_count"),
    default=NEIGHBOUR_MIN_COUNT,
    metavar="N",
    help="Hide neighbours seen fewer than N times (the query word may be rare); says how many it hid.",
)
@library_option(
    "--background-words",
    type=limited("background_words"),
    default=SIMILAR_BACKGROUND_WORDS,
    metavar="N",
    help="After the text's neighbours, the N nearest words of the background the text lacks (a model "
    "trained with --background), each row saying where it is from.",
)
@SIMILARITY_OPTION
@MODEL_OPTION
@FORMAT_OPTION
@verbosity
def similar(
    words,
    minus,
    topn,
    restrict_vocab,
    stable,
    rank,
    hubness,
    min_neighbour_count,
    background_words,
    similarity,
    model_path,
    fmt,
):
    """Nearest neighbours of a word, or of the sum of WORDs minus the --minus words.

    \b
    With resampled members (train --bootstrap N) the similarity shown is the ensemble's estimate
    (the members' mean, inside its own 90% interval), the model's own cosine is the column
    `model`, and each neighbour shows its recurrence (the share of members that have it in their
    top -n), the interval (low, high) and in how many members both words were found.

    \b
    Examples:
      w2vkit similar 孙悟空
      w2vkit similar king woman --minus man -n 5
      w2vkit similar paris --format json --restrict-vocab 30000
      w2vkit similar 孔明 --stable 0.5        # neighbours found in half the members or more
      w2vkit similar 孔明 --rank ensemble      # ordered by the members' mean
      w2vkit similar 酒 --hubness csls --min-neighbour-count 10
      w2vkit similar 孔明 --similarity topical     # names and aliases: words of the same scenes
      w2vkit similar 刀 --background-words 5       # and 5 words only its background uses
    """
    from ..queries.ensemble import similar as find_similar

    result = find_similar(
        engine_for(model_path, similarity),
        list(words),
        list(minus),
        restrict_vocab=restrict_vocab,
        stable=stable,
        min_neighbour_count=min_neighbour_count,
        **given(topn=topn, rank=rank, hubness=hubness, background_words=background_words),
    )
    show(result, fmt)


@click.command()
@click.argument("words", nargs=-1, required=True, metavar="A B [C D ...]")
@SIMILARITY_OPTION
@MODEL_OPTION
@FORMAT_OPTION
@verbosity
def similarity(words, similarity, model_path, fmt):
    """Cosine similarity of each pair of words (with resampled members: the ensemble's estimate,
    the model's own cosine beside it, and a 90% interval).

    \b
    Examples:
      w2vkit similarity 孙悟空 猪八戒
      w2vkit similarity king queen man woman --format tsv
    """
    if len(words) % 2:
        raise click.UsageError("give words in pairs: A B [C D ...]")
    from ..queries.ensemble import similarity as find_similarity

    show(find_similarity(engine_for(model_path, similarity), list(zip(words[::2], words[1::2]))), fmt)


@click.command()
@click.argument("a")
@click.argument("b")
@click.argument("c")
@library_option(
    "--method",
    type=click.Choice(ANALOGY_METHODS),
    default=ANALOGY_METHODS[0],
    help="3CosAdd (most_similar) or 3CosMul (most_similar_cosmul)",
)
@TOPN_OPTION
@RESTRICT_OPTION
@SIMILARITY_OPTION
@MODEL_OPTION
@FORMAT_OPTION
@verbosity
def analogy(a, b, c, method, topn, restrict_vocab, similarity, model_path, fmt):
    """A + B - C: `analogy king woman man` answers queen.

    The order is spelled out because tools disagree: the word2vec C tool computes B - A + C and
    fastText A - B + C. The equation computed is printed on stderr.

    \b
    Examples:
      w2vkit analogy king woman man
      w2vkit analogy 国王 女人 男人 --method mul
    """
    from ..queries.answers import analogy as answer

    engine = engine_for(model_path, similarity)
    show(answer(engine, a, b, c, restrict_vocab=restrict_vocab, **given(method=method, topn=topn)), fmt)


@click.command(name="doesnt-match")
@click.argument("words", nargs=-1, required=True, metavar="W1 W2 W3...")
@SIMILARITY_OPTION
@MODEL_OPTION
@FORMAT_OPTION
@verbosity
def doesnt_match(words, similarity, model_path, fmt):
    """The word that fits least with the others (furthest from their mean).

    \b
    Examples:
      w2vkit doesnt-match 孙悟空 猪八戒 沙僧 金箍棒
      w2vkit doesnt-match breakfast lunch dinner car --format json
    """
    from ..queries.answers import doesnt_match as answer

    show(answer(engine_for(model_path, similarity), list(words)), fmt)


@click.command()
@TOPN_OPTION
@RESTRICT_OPTION
@SIMILARITY_OPTION
@MODEL_OPTION
@FORMAT_OPTION
@verbosity
def shell(topn, restrict_vocab, similarity, model_path, fmt):
    """Interactive queries with the model kept loaded.

    \b
    At the prompt:
      孙悟空              neighbours
      king + woman - man  neighbours of an expression
      孙悟空 ~ 猪八戒     cosine similarity
      :help, :quit, Ctrl-D
    """
    from ..queries.shell import run

    run(
        engine_for(model_path, similarity),
        sys.stdin,
        sys.stdout,
        restrict_vocab=restrict_vocab,
        fmt=fmt,
        **given(topn=topn),
    )


COMMANDS = (similar, similarity, analogy, doesnt_match, shell)
