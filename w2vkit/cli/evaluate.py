"""`evaluate`: a model's scores on analogy, word-pair and alias sets (library: w2vkit.evaluation.evaluate)."""

from __future__ import annotations

import click

from ..base.choices import ANALOGY_METHODS, BUILTIN_SETS, DATA_ENV, DEFAULT_RESTRICT_VOCAB, NEXT_ITEM_K
from .options import FORMAT_OPTION, MODEL_OPTION, SIMILARITY_OPTION, given, library_option, limited, verbosity
from .output import engine_for, show


def builtin(kind: str) -> str:
    return ", ".join(name for name in BUILTIN_SETS if BUILTIN_SETS[name][2] == kind)


@click.command()
@MODEL_OPTION
@click.option(
    "--analogies",
    multiple=True,
    metavar="SET",
    help=f"Analogy set: a file, or {builtin('analogies')} (repeatable).",
)
@click.option(
    "--pairs",
    multiple=True,
    metavar="SET",
    help=f"Word-pair set: a file, or {builtin('pairs')} (repeatable).",
)
@click.option(
    "--groups",
    multiple=True,
    metavar="SET",
    help=f"Alias groups (one group of names per line): a file, or {builtin('groups')}.",
)
@library_option(
    "--restrict-vocab",
    default=DEFAULT_RESTRICT_VOCAB,
    type=click.IntRange(1),
    help="Only the N most frequent words answer and count as known (as published numbers)",
)
@library_option(
    "--method",
    type=click.Choice([*ANALOGY_METHODS, "both"]),
    default=ANALOGY_METHODS[0],
    help="Analogy method: 3CosAdd, 3CosMul or both",
)
@click.option(
    "--data-dir", default=None, metavar="DIR", help=f"Folder of the CA8 and wordsim sets [default: ${DATA_ENV}]."
)
@click.option("--sections", is_flag=True, help="Show the accuracy of every analogy section.")
@click.option(
    "--next-item",
    "next_item",
    is_flag=False,
    flag_value="",
    default=None,
    metavar="[FILE]",
    help="Item models: next-item hit rate@k and MRR against the most-popular and co-occurrence baselines, "
    "on FILE (history, then the item to predict, per line) or the sequences train --holdout last kept.",
)
@library_option("-k", "k", default=NEXT_ITEM_K, type=limited("k"), help="With --next-item: the k of hit rate@k")
@SIMILARITY_OPTION
@FORMAT_OPTION
@verbosity
def evaluate(
    model_path, analogies, pairs, groups, restrict_vocab, method, data_dir, sections, next_item, k, similarity, fmt
):
    """Score a model on analogy, word-similarity and alias benchmarks.

    With no set given, the sets for the model's language: google, wordsim353, simlex999 for
    English; CA8 and wordsim240/297 for Chinese (found with --data-dir or $W2VKIT_DATA), plus
    the alias groups of a novel w2vkit knows (xiyouji-aliases, sanguo-aliases, hongloumeng-aliases
    for Journey to the West, the Three Kingdoms, the Dream of the Red Chamber).

    \b
    Examples:
      w2vkit evaluate -m models/enwiki
      w2vkit evaluate -m models/xiyouji --data-dir ../shared/eval/zh
      w2vkit evaluate --analogies google --method both --restrict-vocab 30000 --format json
      w2vkit evaluate --pairs my-pairs.tsv --groups xiyouji-aliases
      w2vkit evaluate -m models/xiyouji --groups xiyouji-aliases --similarity mixed
    """
    from ..evaluation.evaluate import run_evaluation

    engine = engine_for(model_path, similarity)
    if next_item is not None:
        from ..evaluation.nextitem import run_next_item

        found = run_next_item(engine, next_item or None, **given(k=k))
        return show(found.as_result(engine.provenance(k=found.k)), fmt)
    methods = list(ANALOGY_METHODS) if method == "both" else [method] if method else None
    given_sets = dict(analogies=analogies, pairs=pairs, groups=groups, data_dir=data_dir, sections=sections)
    show(run_evaluation(engine, **given_sets, **given(restrict_vocab=restrict_vocab, methods=methods)), fmt)


COMMANDS = (evaluate,)
