"""The analysis commands: `expand`, `axis` and `compare` (library: w2vkit.findings.analysis)."""

from __future__ import annotations

import click

from ..base.choices import (
    COMPARE_ANCHORS,
    COMPARE_METHODS,
    COMPARE_MIN_COUNT,
    COMPARE_NEIGHBOURS,
    COMPARE_RANK,
    COMPARE_RANKS,
)
from .options import (
    FORMAT_OPTION,
    MODEL_OPTION,
    SIMILARITY_OPTION,
    TOPN_OPTION,
    declared,
    declared_option,
    given,
    library_option,
    limited,
    picture_options,
    verbosity,
)
from .output import engine_for, info, plural, show, show_progress


@click.command()
@declared("expand")
@click.option(
    "--concepts",
    "concepts_file",
    default=None,
    metavar="FILE",
    help="Expand several concepts at once: 'concept<TAB>seed seed ...' per line; each word goes "
    "to the concept it is closest to.",
)
@click.option("--words", "words_file", default=None, metavar="FILE", help="Seed words, one a line (besides any SEED).")
@SIMILARITY_OPTION
@MODEL_OPTION
@FORMAT_OPTION
@verbosity
def expand(concepts_file, words_file, similarity, model_path, fmt, **values):
    """Expand a lexicon: the words this corpus uses for the concept of the SEED words.

    Candidates are ranked by cosine to the centroid of the seeds' unit vectors (seeds left out),
    with the seed each is nearest to, ready to curate (--format tsv gives a header row). With
    resampled members (train --bootstrap N): each candidate's recurrence (the share of members
    with it among their top -n), a 90% interval of its score, and in how many members it was found.

    \b
    Examples:
      w2vkit expand 刀 枪 剑 -n 30
      w2vkit expand 酒 茶 饭 --iterations 2 --format tsv > food.tsv
      w2vkit expand --words seeds.txt --skip-unknown --stable 0.5
      w2vkit expand --concepts concepts.tsv --format json
    """
    from ..findings.analysis import concepts_expansion
    from ..operations.declared import OPERATIONS
    from ..queries.words import listed_words

    values = given(**values)  # (an unset option is None; Operation.call leaves out the rest unset)
    if bool(values.get("seeds") or words_file) == bool(concepts_file):
        raise click.UsageError("give SEED words or --concepts FILE (one of the two; --words FILE gives seeds too)")
    engine = engine_for(model_path, similarity)
    if concepts_file:
        counts = {k: v for k, v in values.items() if k in ("topn", "min_count")}
        return show(concepts_expansion(engine, concepts_file, **counts), fmt)
    values["seeds"] = listed_words(engine.model, values.get("seeds", ()), words_file)
    show(OPERATIONS["expand"].call(engine, values), fmt)


POLE_MARKERS = ("--vs", "--y", "--y-vs")


def split_poles(tokens: list[str]) -> dict[str, list[str]]:
    """POS... --vs NEG... [--y POS... --y-vs NEG...] as lists (click gives options one value
    each, so the poles are read from the command line here)."""
    poles: dict[str, list[str]] = {"": [], **{m: [] for m in POLE_MARKERS}}
    current, seen = "", set()
    for token in tokens:
        if token in POLE_MARKERS:
            if current in seen and not poles[current]:
                raise click.UsageError(f"{current} needs words after it")
            current = token
            seen.add(token)
        elif token.startswith("-") and len(token) > 1:
            raise click.UsageError(f"no such option: {token}")
        else:
            poles[current].append(token)
    if current in seen and not poles[current]:
        raise click.UsageError(f"{current} needs words after it")
    return poles


WORDS_FILE_OPTION = click.option(
    "--words", "words_file", default=None, metavar="FILE", help="Words to place, one a line (besides any -w)."
)


@click.command(context_settings={"ignore_unknown_options": True})
@click.argument("poles", nargs=-1, type=click.UNPROCESSED, metavar="POS... --vs NEG... [--y POS... --y-vs NEG...]")
@declared_option("axis", "words")
@WORDS_FILE_OPTION
@click.option(
    "--pairs",
    is_flag=True,
    help="The poles are pairs POS:NEG (慈悲:凶恶 好人:歹人): the direction is the mean of the pair offsets, "
    "and the anchor check compares the pairs.",
)
@click.option(
    "--texts",
    default=None,
    metavar="FILE",
    help="Score the lines (or --by chapter) of a raw text on the axis instead of words: each text's "
    "known words' mean unit vector, its cosine with the axis; in the file's order.",
)
@library_option(
    "--by",
    "text_unit",
    type=click.Choice(["line", "chapter"]),
    default="line",
    help="With --texts: score each line or each chapter (第…回, CHAPTER …).",
)
@declared_option("axis", "topn")
@declared_option("axis", "min_count")
@declared_option("axis", "skip_unknown")
@picture_options("Draw the words along the axis (.png, .svg, .pdf).")
@SIMILARITY_OPTION
@MODEL_OPTION
@FORMAT_OPTION
@verbosity
def axis(
    poles,
    words,
    words_file,
    pairs,
    texts,
    text_unit,
    topn,
    min_count,
    skip_unknown,
    output,
    font,
    similarity,
    model_path,
    fmt,
):
    """Project words on a concept axis from NEG to POS: each word's cosine with
    mean(unit POS) − mean(unit NEG).

    With no -w WORD, the vocabulary's two extremes (-n of each). With --y POS... --y-vs NEG...,
    a second axis: the words get both scores and -o draws them on the plane.

    Every row shows the word's count and whether its vector was composed from character n-grams.
    Placed words get the anchor check on stderr (JSON: "anchors"): whether the poles define one
    direction (PairDir), each pole word's count and how the scores move without it. With
    resampled members (train --bootstrap N): each score's 90% interval on another draw of the
    text, and the ranking's stability (mean Spearman between members).

    \b
    Examples:
      w2vkit axis 善 好 --vs 恶 坏 -w 孙悟空 -w 猪八戒 -w 唐僧 -w 沙僧 -w 牛魔王
      w2vkit axis --pairs 慈悲:凶恶 好人:歹人 善良:邪恶 --words characters.txt
      w2vkit axis rich wealthy --vs poor -n 15 --format tsv
      w2vkit axis 善 --vs 恶 -w 孙悟空 -w 唐僧 -w 牛魔王 --y 男 --y-vs 女 -o axes.png
      w2vkit axis 丞相 军师 --vs 将军 大将 --texts sanguo.txt --by chapter   # chapters on the axis
    """
    split = split_poles(list(poles))
    positive, negative = split[""], split["--vs"]
    y_positive, y_negative = split["--y"], split["--y-vs"]
    from ..findings.axes import axis as axis_result
    from ..findings.axes import parse_pairs
    from ..queries.words import listed_words

    if pairs:
        if negative:
            raise click.UsageError("with --pairs give POS:NEG pairs, not --vs")
        positive, negative = parse_pairs(positive)
    if not positive or not negative:
        raise click.UsageError("give the two poles: POS... --vs NEG... (or --pairs POS:NEG ...)")
    if bool(y_positive) != bool(y_negative):
        raise click.UsageError("a second axis needs both --y and --y-vs words")
    if texts and output:
        raise click.UsageError(
            "-o draws words on the axis; with --texts the scores are of lines or chapters: save them with "
            "--format tsv and plot them, or leave out --texts to draw words"
        )
    if texts and (words or words_file):
        raise click.UsageError("--texts scores lines or chapters, not words: give -w/--words or --texts, not both")
    engine = engine_for(model_path, similarity)
    if output:
        from ..pictures.axisplot import check_axis_output

        check_axis_output(output)  # before the scores, not after they are printed
    if texts:
        from ..findings.axes import text_axis

        show(text_axis(engine, positive, negative, texts, paired=pairs, **given(unit=text_unit)), fmt)
        return
    placed = listed_words(engine.model, words, words_file) or None
    result = axis_result(
        engine,
        positive,
        negative,
        placed,
        y_positive=y_positive,
        y_negative=y_negative,
        paired=pairs,
        **given(topn=topn, min_count=min_count, skip_unknown=skip_unknown),
    )
    show(result, fmt)
    if output:
        from ..pictures.axisplot import MAX_DRAWN_WORDS, draw_axis

        path = draw_axis(result, output, font=font)
        if "y_score" in result.columns or len(result.rows) <= MAX_DRAWN_WORDS:  # (else draw_axis said which)
            info(f"drew {plural(len(result.rows), 'word')} -> {path}")


@click.command()
@click.argument("model_a", metavar="MODEL_A")
@click.argument("model_b", metavar="MODEL_B")
@click.argument("words", nargs=-1, metavar="[WORD...]")
@click.option("--words", "words_file", default=None, metavar="FILE", help="Words to compare, one a line.")
@library_option(
    "--by",
    type=click.Choice(COMPARE_METHODS),
    default=COMPARE_METHODS[0],
    help="cosine: B rotated onto A (Procrustes), the cosine of each word's two vectors; overlap: no "
    "rotation, the share of its nearest neighbours the two agree on; referencing: MODEL_A and MODEL_B "
    "are two raw text files, one word2vec model is trained over both with each WORD tagged in B, and "
    "its two forms compared (temporal referencing; needs the words).",
)
@library_option(
    "--anchors",
    default=COMPARE_ANCHORS,
    type=limited("anchors"),
    help="Fit the rotation on this many most frequent shared words (never the compared words)",
)
@library_option(
    "-k",
    "--neighbors",
    "k",
    default=COMPARE_NEIGHBOURS,
    type=limited("k"),
    help="Neighbours compared per word",
)
@TOPN_OPTION
@library_option(
    "--min-count",
    default=COMPARE_MIN_COUNT,
    type=click.IntRange(1),
    help="With no WORD: only words seen this often in both models",
)
@click.option("--least-moved", is_flag=True, help="With no WORD: the words that moved least.")
@library_option(
    "--rank",
    type=click.Choice(COMPARE_RANKS),
    default=COMPARE_RANK,
    help="With no WORD and a noise floor: order the moved words by the change itself, or by z (the "
    "change against the word's noise floor; found planted changes less precisely, docs/findings.md).",
)
@SIMILARITY_OPTION
@FORMAT_OPTION
@verbosity
def compare(model_a, model_b, words, words_file, by, anchors, k, topn, min_count, least_moved, rank, similarity, fmt):
    """Compare two models word by word: how each WORD's meaning differs between two texts.

    For each word: the cosine of its two vectors (B rotated onto A on their most frequent shared
    words, the compared words left out of the anchors), the share of its nearest neighbours the
    models agree on, its counts in both texts, and both neighbour lists. With no WORD, the shared
    words that moved most. When both models have resampled members (train --bootstrap), each
    change is held against the word's noise floor, how much it moves within each text: z, the
    change in standard deviations of the within-text variation, stands beside it, and words too
    unstable to judge are set apart. Models of different dimensions are compared by neighbour
    overlap.

    \b
    Examples:
      w2vkit compare models/xiyouji models/sanguo 酒 马 将军
      w2vkit compare models/sanguo-1 models/sanguo-2 -n 30 --format tsv
      w2vkit compare models/half1 models/half2 --by overlap
      w2vkit compare half1.txt half2.txt --by referencing 孔明 关公 天子
    """
    if by == "referencing":
        return _compare_texts(model_a, model_b, words, words_file, k, fmt)
    from ..findings.comparison import compare as run
    from ..model.store import load_model
    from ..queries.query import Engine
    from ..queries.words import listed_words

    a, b = (Engine(load_model(m), similarity=similarity) for m in (model_a, model_b))
    listed = listed_words(a.model, words, words_file)
    result = run(
        a,
        b,
        listed or None,
        least_moved=least_moved,
        **given(anchors=anchors, k=k, topn=topn, min_count=min_count, by=by, rank=rank),
    )
    show(result, fmt)


def _compare_texts(text_a, text_b, words, words_file, k, fmt):
    from ..findings.referencing import compare_texts
    from ..queries.words import read_word_list

    listed = read_word_list(words, words_file)
    result = compare_texts([text_a], [text_b], listed, progress=show_progress(), **given(k=k))
    show(result.as_result(text_a, text_b, result.k), fmt)


COMMANDS = (expand, axis, compare)
