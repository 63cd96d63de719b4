"""The query commands: `similar`, `similarity`, `analogy`, `doesnt-match` and `shell`
(library: w2vkit.queries.query; nothing here loads gensim)."""

from __future__ import annotations

import sys

import click

from .options import (
    FORMAT_OPTION,
    MODEL_OPTION,
    SIMILARITY_OPTION,
    declared,
    declared_option,
    verbosity,
)
from .output import engine_for, show


@click.command()
@declared("similar")
@SIMILARITY_OPTION
@MODEL_OPTION
@FORMAT_OPTION
@verbosity
def similar(similarity, model_path, fmt, **values):
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
    from ..operations.declared import OPERATIONS

    result = OPERATIONS["similar"].call(engine_for(model_path, similarity), values)
    show(result, fmt)


@click.command()
@declared("similarity")
@SIMILARITY_OPTION
@MODEL_OPTION
@FORMAT_OPTION
@verbosity
def similarity(similarity, model_path, fmt, **values):
    """Cosine similarity of each pair of words (with resampled members: the ensemble's estimate,
    the model's own cosine beside it, and a 90% interval).

    \b
    Examples:
      w2vkit similarity 孙悟空 猪八戒
      w2vkit similarity king queen man woman --format tsv
    """
    from ..operations.declared import OPERATIONS

    show(OPERATIONS["similarity"].call(engine_for(model_path, similarity), values), fmt)


@click.command()
@declared("analogy")
@SIMILARITY_OPTION
@MODEL_OPTION
@FORMAT_OPTION
@verbosity
def analogy(similarity, model_path, fmt, **values):
    """A + B - C: `analogy king woman man` answers queen.

    The order is spelled out because tools disagree: the word2vec C tool computes B - A + C and
    fastText A - B + C. The equation computed is printed on stderr.

    \b
    Examples:
      w2vkit analogy king woman man
      w2vkit analogy 国王 女人 男人 --method mul
    """
    from ..operations.declared import OPERATIONS

    show(OPERATIONS["analogy"].call(engine_for(model_path, similarity), values), fmt)


@click.command(name="doesnt-match")
@declared("doesnt-match")
@SIMILARITY_OPTION
@MODEL_OPTION
@FORMAT_OPTION
@verbosity
def doesnt_match(similarity, model_path, fmt, **values):
    """The word that fits least with the others (furthest from their mean).

    \b
    Examples:
      w2vkit doesnt-match 孙悟空 猪八戒 沙僧 金箍棒
      w2vkit doesnt-match breakfast lunch dinner car --format json
    """
    from ..operations.declared import OPERATIONS

    show(OPERATIONS["doesnt-match"].call(engine_for(model_path, similarity), values), fmt)


@click.command()
@declared_option("similar", "topn")
@declared_option("similar", "restrict_vocab")
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
    from .shell import run

    run(
        engine_for(model_path, similarity),
        sys.stdin,
        sys.stdout,
        topn=topn,
        restrict_vocab=restrict_vocab,
        fmt=fmt,
    )


COMMANDS = (similar, similarity, analogy, doesnt_match, shell)
