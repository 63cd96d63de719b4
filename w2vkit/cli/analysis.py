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
    EXPAND_GROW,
    EXPAND_MIN_COUNT,
    EXPAND_TOPN,
)
from .options import FORMAT_OPTION, MODEL_OPTION, TOPN_OPTION, FiniteFloatRange, limited, verbosity
from .output import (
    engine_for,
    ensemble_for,
    info,
    note_members,
    plural,
    render,
    show_progress,
    spread_cells,
    spread_columns,
)

MIN_COUNT_HELP = "Only words seen at least this often (rare words have noisy vectors)."


@click.command()
@click.argument("seeds", nargs=-1, metavar="SEED...")
@click.option(
    "-n", "--top", "topn", default=EXPAND_TOPN, show_default=True, type=limited("topn"), help="How many words."
)
@click.option("--min-count", default=EXPAND_MIN_COUNT, show_default=True, type=click.IntRange(1), help=MIN_COUNT_HELP)
@click.option(
    "--iterations",
    default=0,
    show_default=True,
    type=limited("iterations"),
    help=f"Rounds that add the {EXPAND_GROW} best candidates to the seeds and rank again.",
)
@click.option(
    "--concepts",
    "concepts_file",
    default=None,
    metavar="FILE",
    help="Expand several concepts at once: 'concept<TAB>seed seed ...' per line; each word goes "
    "to the concept it is closest to.",
)
@click.option("--words", "words_file", default=None, metavar="FILE", help="Seed words, one a line (besides any SEED).")
@click.option(
    "--stable",
    default=None,
    type=FiniteFloatRange(0, 1),
    metavar="P",
    help="With resampled members (train --bootstrap): keep candidates found in at least this share of them.",
)
@click.option(
    "--skip-unknown", is_flag=True, help="Leave out seeds the model cannot place (listed on stderr) instead of failing."
)
@MODEL_OPTION
@FORMAT_OPTION
@verbosity
def expand(seeds, topn, min_count, iterations, concepts_file, words_file, stable, skip_unknown, model_path, fmt):
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
    from ..findings.analysis import expand_concepts, read_concepts
    from ..findings.analysis import expand_findings as expand_rows
    from ..findings.stability import provenance
    from ..queries.query import listed_words

    if bool(seeds or words_file) == bool(concepts_file):
        raise click.UsageError("give SEED words or --concepts FILE (one of the two; --words FILE gives seeds too)")
    engine = engine_for(model_path)
    if concepts_file:
        rows = expand_concepts(engine, read_concepts(concepts_file), topn, min_count)
        columns = ["concept", "rank", "word", "score", "count", "nearest_seed"]
        ranks: dict[str, int] = {}
        table = []
        for c in rows:
            concept = str(c.concept)
            ranks[concept] = ranks.get(concept, 0) + 1
            table.append((concept, ranks[concept], c.word, c.score, c.count, c.nearest_seed))
        render(columns, table, fmt, {"concepts_file": concepts_file, "provenance": provenance(engine, topn=topn)})
        return
    seeds = listed_words(engine, seeds, words_file)
    ensemble = ensemble_for(engine)
    rows, spreads, skipped = expand_rows(engine, seeds, topn, min_count, iterations, stable, ensemble, skip_unknown)
    if skipped:
        info(f"skipped {plural(len(skipped), 'unknown seed')}: {' '.join(skipped)}")
    table = [
        (i, c.word, c.score, c.count, c.nearest_seed, *spread_cells(s))
        for i, (c, s) in enumerate(zip(rows, spreads), 1)
    ]
    payload = {"seeds": seeds, "skipped": skipped}
    payload["provenance"] = provenance(engine, topn=topn, min_count=min_count, iterations=iterations, stable=stable)
    render(["rank", "word", "score", "count", "nearest_seed", *spread_columns(ensemble)], table, fmt, payload)
    note_members(ensemble)
    used = [w for w in seeds if w not in skipped]
    info(f"{plural(len(rows), 'candidate')} for {' '.join(used)} (min count {min_count}, {iterations} iterations)")


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
SKIP_UNKNOWN_OPTION = click.option(
    "--skip-unknown", is_flag=True, help="Leave out words the model cannot place (listed on stderr) instead of failing."
)


@click.command(context_settings={"ignore_unknown_options": True})
@click.argument("poles", nargs=-1, type=click.UNPROCESSED, metavar="POS... --vs NEG... [--y POS... --y-vs NEG...]")
@click.option("-w", "--word", "words", multiple=True, metavar="WORD", help="A word to place on the axis (repeatable).")
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
@click.option(
    "--by",
    "text_unit",
    type=click.Choice(["line", "chapter"]),
    default="line",
    show_default=True,
    help="With --texts: score each line or each chapter (第…回, CHAPTER …).",
)
@TOPN_OPTION
@click.option("--min-count", default=EXPAND_MIN_COUNT, show_default=True, type=click.IntRange(1), help=MIN_COUNT_HELP)
@SKIP_UNKNOWN_OPTION
@click.option("-o", "--output", default=None, metavar="FILE", help="Draw the words along the axis (.png, .svg, .pdf).")
@click.option("--font", default=None, metavar="PATH", help="Font file for the labels (a CJK font).")
@MODEL_OPTION
@FORMAT_OPTION
@verbosity
def axis(
    poles, words, words_file, pairs, texts, text_unit, topn, min_count, skip_unknown, output, font, model_path, fmt
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
    from ..findings.axes import axis_scores, parse_pairs
    from ..findings.stability import provenance
    from ..queries.query import listed_words

    if pairs:
        if negative:
            raise click.UsageError("with --pairs give POS:NEG pairs, not --vs")
        positive, negative = parse_pairs(positive)
    if not positive or not negative:
        raise click.UsageError("give the two poles: POS... --vs NEG... (or --pairs POS:NEG ...)")
    if bool(y_positive) != bool(y_negative):
        raise click.UsageError("a second axis needs both --y and --y-vs words")
    engine = engine_for(model_path)
    if output:
        from ..pictures.axisplot import check_axis_output

        check_axis_output(output)  # before the scores, not after they are printed
    if texts:
        from ..findings.axes import axis_vector, score_texts

        scored = score_texts(engine, axis_vector(engine, positive, negative), texts, text_unit)
        rows = [(t.document, t.score, t.tokens) for t in scored]
        render(
            [text_unit, "score", "known_tokens"],
            rows,
            fmt,
            {
                "positive": positive,
                "negative": negative,
                "texts": texts,
                "provenance": provenance(engine, by=text_unit),
            },
        )
        info(f"scored {plural(len(rows), text_unit)} of {texts} (the mean unit vector of each one's known words)")
        return
    placed = listed_words(engine, words, words_file)
    ensemble = ensemble_for(engine)
    result = axis_scores(
        engine,
        positive,
        negative,
        placed or None,
        topn=topn,
        min_count=min_count,
        paired=pairs,
        ensemble=ensemble,
        skip_unknown=skip_unknown,
    )
    if result.skipped:
        info(f"skipped {plural(len(result.skipped), 'unknown word')}: {' '.join(result.skipped)}")
    y_result = None
    if y_positive:
        y_result = axis_scores(engine, list(y_positive), list(y_negative), [w for w, _ in result.scores])
    y = dict(y_result.scores) if y_result else {}
    columns = ["word", "score"] + (["y_score"] if y_result else []) + ["count", "composed"]
    columns += ["low", "high", "members", "stability"] if ensemble else []
    rows = []
    for r in result.rows:
        cells = (*spread_cells(r.spread, with_recurrence=False)[1:], r.stability) if ensemble else ()
        rows.append((r.word, r.score, *([y[r.word]] if y_result else []), r.count, r.composed, *cells))
    payload = {"positive": positive, "negative": negative, "paired": pairs, "extremes": result.extremes}
    if result.anchors is not None:
        a = result.anchors
        payload["anchors"] = {
            "pair_dir": a.pair_dir,
            "pairs": [{"positive": p, "negative": n, "contribution": c} for p, n, c in a.pairs],
            "counts": a.counts,
            "leave_one_out": a.leave_one_out,
        }
        moved = {w: r for w, r in a.leave_one_out.items() if r is not None}
        worst = min(moved, key=lambda w: moved[w]) if moved else None
        info(
            (f"anchors: PairDir {a.pair_dir:.2f}" if a.pair_dir is not None else "anchors: one pair")
            + (f"; without {worst} the ranking keeps Spearman {moved[worst]:.2f}" if worst else "")
        )
        for line in a.warnings:
            info(line)
    if ensemble:
        from ..findings.stability import UNSTABLE_BELOW

        unstable = [r.word for r in result.rows if r.stability is not None and r.stability < UNSTABLE_BELOW]
        if unstable:
            info(
                f"unstable ({plural(len(unstable), 'word')} whose neighbours recur in under {UNSTABLE_BELOW:.0%} of "
                f"the members: their place owes much to which documents were drawn): {' '.join(unstable)}"
            )
        payload["ranking_stability"] = result.ranking_stability
        if result.ranking_stability is not None:
            info(f"ranking stability across {len(ensemble)} members: mean Spearman {result.ranking_stability:.2f}")
    if result.skipped:
        payload["skipped"] = result.skipped
    if y_result:
        payload.update(y_positive=list(y_positive), y_negative=list(y_negative))
    payload["provenance"] = provenance(engine, topn=topn, min_count=min_count, pairs=pairs)
    render(columns, rows, fmt, payload)
    note_members(ensemble)
    if output:
        from ..pictures.axisplot import draw_axis

        path = draw_axis(result, output, y_result, font=font)
        info(f"drew {plural(len(rows), 'word')} -> {path}")


@click.command()
@click.argument("model_a", metavar="MODEL_A")
@click.argument("model_b", metavar="MODEL_B")
@click.argument("words", nargs=-1, metavar="[WORD...]")
@click.option("--words", "words_file", default=None, metavar="FILE", help="Words to compare, one a line.")
@click.option(
    "--by",
    type=click.Choice(COMPARE_METHODS),
    default=COMPARE_METHODS[0],
    show_default=True,
    help="cosine: B rotated onto A (Procrustes), the cosine of each word's two vectors; overlap: no "
    "rotation, the share of its nearest neighbours the two agree on; referencing: MODEL_A and MODEL_B "
    "are two raw text files, one word2vec model is trained over both with each WORD tagged in B, and "
    "its two forms compared (temporal referencing; needs the words).",
)
@click.option(
    "--anchors",
    default=COMPARE_ANCHORS,
    show_default=True,
    type=limited("anchors"),
    help="Fit the rotation on this many most frequent shared words (never the compared words).",
)
@click.option(
    "-k",
    "--neighbors",
    "k",
    default=COMPARE_NEIGHBOURS,
    show_default=True,
    type=limited("k"),
    help="Neighbours compared per word.",
)
@TOPN_OPTION
@click.option(
    "--min-count",
    default=COMPARE_MIN_COUNT,
    show_default=True,
    type=click.IntRange(1),
    help="With no WORD: only words seen this often in both models.",
)
@click.option("--least-moved", is_flag=True, help="With no WORD: the words that moved least.")
@click.option(
    "--rank",
    type=click.Choice(COMPARE_RANKS),
    default=COMPARE_RANK,
    show_default=True,
    help="With no WORD and a noise floor: order the moved words by the change itself, or by z (the "
    "change against the word's noise floor; found planted changes less precisely, docs/findings.md).",
)
@FORMAT_OPTION
@verbosity
def compare(model_a, model_b, words, words_file, by, anchors, k, topn, min_count, least_moved, rank, fmt):
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
    from ..findings.comparison import compare as run_compare
    from ..findings.stability import provenance
    from ..model.store import load_model
    from ..queries.query import Engine, listed_words

    a, b = Engine(load_model(model_a)), Engine(load_model(model_b))
    given = listed_words(a, words, words_file)
    result = run_compare(
        a,
        b,
        given or None,
        anchors=anchors,
        k=k,
        topn=topn,
        min_count=min_count,
        by=by,
        least_moved=least_moved,
        rank=rank,
    )
    if by == "cosine" and not result.aligned:
        info(
            f"the models have {a.model.dim} and {b.model.dim} dimensions: no rotation between them, "
            "compared by neighbour overlap only"
        )
    elif result.aligned:
        info(f"rotated {model_b} onto {model_a} on {result.anchors:,} of {result.shared:,} shared words")
    if not result.noise_floor:
        info(
            "no noise floor: without resampled members in both models a word's change cannot be told from "
            "a redraw of the text; train both with --bootstrap 10"
        )
    elif result.unstable:
        info(
            f"too unstable to judge ({plural(len(result.unstable), 'word')}: they move as much within a text): "
            + " ".join(r.word for r in result.unstable[:20])
            + (" …" if len(result.unstable) > 20 else "")
        )
    listing = fmt != "json"
    table = [
        (
            r.word,
            *([r.z] if result.noise_floor else []),
            r.cosine,
            r.overlap,
            r.count_a,
            r.count_b,
            " ".join(r.neighbours_a) if listing else r.neighbours_a,
            " ".join(r.neighbours_b) if listing else r.neighbours_b,
        )
        for r in result.rows
    ]
    columns = [
        "word",
        *(["z"] if result.noise_floor else []),
        "cosine",
        "overlap",
        "count_a",
        "count_b",
        "neighbours_a",
        "neighbours_b",
    ]
    payload = {
        "model_a": model_a,
        "model_b": model_b,
        "aligned": result.aligned,
        "anchors": result.anchors,
        "by": by,
        "noise_floor": result.noise_floor,
        "unstable": [r.word for r in result.unstable],
        "provenance": provenance(a, model_b=model_b, anchors=anchors, k=k, topn=topn, min_count=min_count, rank=rank),
    }
    render(columns, table, fmt, payload)


def _compare_texts(text_a, text_b, words, words_file, k, fmt):
    from .. import __version__
    from ..findings.referencing import compare_texts
    from ..queries.query import read_word_list

    result = compare_texts([text_a], [text_b], read_word_list(words, words_file), k=k, progress=show_progress())
    info(
        f"temporal referencing: one word2vec model over both texts ({result.tokens_a:,} + {result.tokens_b:,} "
        f"tokens) in {result.seconds:.0f} s; no noise floor (one model, no members)"
    )
    if result.missing:
        info(f"below the minimum count in one of the texts, not compared: {' '.join(result.missing)}")
    listing = fmt != "json"
    table = [
        (
            r.word,
            r.cosine,
            r.overlap,
            r.count_a,
            r.count_b,
            " ".join(r.neighbours_a) if listing else r.neighbours_a,
            " ".join(r.neighbours_b) if listing else r.neighbours_b,
        )
        for r in result.rows
    ]
    columns = ["word", "cosine", "overlap", "count_a", "count_b", "neighbours_a", "neighbours_b"]
    payload = {
        "text_a": text_a,
        "text_b": text_b,
        "by": "referencing",
        "missing": result.missing,
        "provenance": {"w2vkit": __version__, "k": k, "words": len(result.rows) + len(result.missing)},
    }
    render(columns, table, fmt, payload)


COMMANDS = (expand, axis, compare)
