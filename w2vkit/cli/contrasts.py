"""The contrast command: a word across groups and periods of one table (library:
w2vkit.findings.contrast)."""

from __future__ import annotations

import click

from ..base.choices import (
    CONTRAST_BOOTSTRAP,
    CONTRAST_LEVEL,
    CONTRAST_MIN_OCCURRENCES,
    CONTRAST_PERMUTATIONS,
    CONTRAST_WINDOW,
    SCAN_MIN_OCCURRENCES,
    SCAN_RANK,
    SCAN_RANKS,
    SCAN_TOP,
)
from ..errors import UsageError
from .options import (
    FORMAT_OPTION,
    MODEL_OPTION,
    SIMILARITY_OPTION,
    given,
    library_option,
    limited,
    picture_options,
    table_option,
    text_column_option,
    verbosity,
    where_conditions,
    where_option,
)
from .output import engine_for, info, plural, show, show_progress


@click.command()
@click.argument("words", nargs=-1, metavar="WORD...")
@table_option("The table (TSV, CSV, JSON Lines, .gz): a row a document.", required=True)
@click.option(
    "--by",
    required=True,
    multiple=True,
    metavar="COLUMN",
    help="A column whose values are the groups (period, party); repeat it, or give a number (year, year:number), "
    "for a regression on several covariates (period:levels takes numbers as groups; count:log a skewed number's logarithm; "
    "period*length adds both and how period's term differs with length).",
)
@click.option(
    "--to",
    default=None,
    metavar="W1,W2",
    help="Words whose cosine with each group's vector is given, with an interval (columns cos_W…); words joined by + "
    "are one concept (隐+逸+孤: the unit mean of theirs).",
)
@click.option(
    "--ratio",
    is_flag=True,
    help="For two groups: the nearest-neighbour ratio of each WORD (which neighbours belong more to one group's "
    "use than the other's), with p, q and an interval, instead of the change.",
)
@click.option(
    "--at",
    multiple=True,
    metavar="COLUMN=VALUE[,…]",
    help="A regression's fitted vector at these values, with its nearest words (repeatable): --at year=700.",
)
@click.option(
    "--block",
    default=None,
    metavar="COLUMN",
    help="Permute and resample whole blocks of rows (author, collection, chapter) [default: each row].",
)
@click.option(
    "--groups", default=None, metavar="A,B,C", help="The groups to contrast, in order (each with the one before)."
)
@click.option(
    "--split-blocks",
    is_flag=True,
    help="A block that spans groups (an author of two periods) becomes a block per group; in a regression, a block "
    "a number varies inside stays whole and p comes from a wild bootstrap of whole blocks.",
)
@text_column_option("The column holding the text")
@where_option("Only the rows whose COLUMN is VALUE (repeatable): a contrast inside one collection, say.")
@click.option(
    "--baseline",
    multiple=True,
    metavar="COLUMN=VALUE",
    help="In a regression, the level a covariate of levels is measured against (repeatable) [default: its first "
    "value in the table].",
)
@library_option(
    "--rank",
    type=click.Choice(SCAN_RANKS),
    default=SCAN_RANK,
    help="A scan's order: the changes that hold (q < 0.05) first, each part by its interval's lower bound; the "
    "lower bound alone; or the change",
)
@library_option("--window", default=CONTRAST_WINDOW, type=limited("contrast_window"), help="Context words each side")
@library_option(
    "--permutations",
    default=f"{CONTRAST_PERMUTATIONS}; a scan: 99 first, all for the undecided words",
    type=limited("permutations"),
    help="Permutations for p",
)
@library_option("--bootstrap", default=CONTRAST_BOOTSTRAP, type=limited("bootstrap"), help="Draws for the interval")
@library_option(
    "--level",
    default=CONTRAST_LEVEL,
    type=limited("level"),
    help="The coverage of every interval and band (0.95 where a journal asks; 90% is where the null harness holds "
    "them: docs/findings.md)",
)
@library_option(
    "--min-occurrences",
    default=CONTRAST_MIN_OCCURRENCES,
    type=limited("min_occurrences"),
    help="Fewer occurrences in a group give a note, not a number",
)
@click.option(
    "--scan",
    default=None,
    is_flag=False,
    flag_value=SCAN_MIN_OCCURRENCES,
    type=limited("scan"),
    metavar="[N]",
    help="Instead of WORDs: every word seen N times in each group (the --top most frequent), most changed first "
    f"[N alone: {SCAN_MIN_OCCURRENCES}].",
)
@library_option("--top", "top", default=SCAN_TOP, type=limited("scan_top"), help="With --scan: at most this many words")
@click.option(
    "-j",
    "--jobs",
    default=None,
    type=limited("jobs"),
    help="Words contrasted at once in worker processes [default: one at a time]; the numbers are the same.",
)
@library_option("--seed", default=0, type=limited("seed"), help="For permutations and draws")
@picture_options(
    "Draw each word's path through the ordered groups among its neighbours; for a number, its curve: the "
    "fitted vector's cosine to the --to words (else those gaining and losing most) across its range (.png, .svg, .pdf)."
)
@SIMILARITY_OPTION
@MODEL_OPTION
@FORMAT_OPTION
@verbosity
def contrast(
    words,
    table,
    by,
    block,
    split_blocks,
    groups,
    text_column,
    where,
    baseline,
    to,
    ratio,
    at,
    rank,
    window,
    permutations,
    bootstrap,
    level,
    min_occurrences,
    scan,
    top,
    jobs,
    seed,
    output,
    font,
    similarity,
    model_path,
    fmt,
):
    """How WORDs are used in each group of a table's documents, and how much that changes between
    groups: embedding regression with à la carte vectors (conText's method, in Python).

    Each occurrence gets a vector (a transform, learned once per model, of the mean of its context's
    vectors); a group's vector is their mean. The change from the previous group (--groups in order,
    or numeric values) or from the rest is 1 − the debiased cosine of the two, with a 90% interval
    (bootstrap over blocks), a permutation p (the blocks' group labels shuffled) and a
    Benjamini–Hochberg q over the words. Each group also lists its nearest words and the context
    words most typical of it. Train the model on the same table first.

    \b
    Examples:
      w2vkit train poetry.tsv.gz --tokens chars --strip-notes --to-simplified -o models/poetry
      w2vkit contrast 月 酒 春 --in poetry.tsv.gz --by period --groups 唐,宋,元 --block author --split-blocks -m models/poetry
      w2vkit contrast 月 酒 --in poetry.tsv.gz --by period --groups 唐,宋,元 --block author --split-blocks -o paths.png
      w2vkit contrast 月 --in poetry.tsv.gz --by period --groups 唐,宋 --block author --split-blocks --ratio
      w2vkit contrast 天下 --in speeches.csv --by party --block speaker --format json
      w2vkit contrast --scan --in poetry.tsv.gz --by period --groups 唐,宋 --block author -m models/poetry
      w2vkit contrast 月 --in poems.tsv --by year --by collection --block author --at year=700 --at year=1200
      w2vkit contrast 月 --in poems.tsv --by year --block author --to 梅,酒,秋 -o 月-by-year.png
      w2vkit contrast 月 --in poems.tsv --by 'period*length:log' --block author --split-blocks
    """
    from ..findings.contrast import contrast as run

    points = [where_conditions(a.split(","), "--at") for a in at]
    if bool(words) == (scan is not None):
        raise UsageError("give WORDs or --scan N (one of the two)")
    if output and ratio:
        raise UsageError("-o draws the paths of the change; --ratio gives a table")
    if output and scan is not None:
        raise UsageError("-o draws the paths of WORDs, not of a scan")
    engine = engine_for(model_path, similarity)  # (the model recorded as read: no picture may land in it)
    if output:
        from ..pictures.trajectoryplot import check_trajectory_output

        # before the work, not after: a folder, a read-only place, or a name (or a link) that is the
        # table, the font or inside the model is refused now
        check_trajectory_output(output, font, inputs=(table,))
    result = run(
        engine,
        list(words),
        table,
        by=list(by) if len(by) > 1 else by[0],
        block=block,
        groups=groups.split(",") if groups is not None else None,
        scan=scan,
        split_blocks=split_blocks,
        where=where,
        baseline=where_conditions(baseline, "--baseline") or None,
        at=points or None,
        to=[w.strip() for w in to.split(",") if w.strip()] if to is not None else None,
        ratio=ratio,
        jobs=jobs,
        ordered=bool(output),
        progress=show_progress(),
        **given(
            window=window,
            permutations=permutations,
            bootstrap=bootstrap,
            level=level,
            min_occurrences=min_occurrences,
            top=top,
            text_column=text_column,
            seed=seed,
            rank=rank,
        ),
    )
    show(result, fmt)
    if output:
        if "curves" in result.fields:  # (a regression: its numbers' curves)
            from ..pictures.curveplot import draw_curves

            path, drawn = draw_curves(result.fields["curves"], output, font=font), result.fields["curves"]
        else:
            from ..pictures.trajectoryplot import draw_trajectories

            path, drawn = (
                draw_trajectories(result.fields["trajectories"], output, font=font),
                result.fields["trajectories"],
            )
        from ..pictures.trajectoryplot import MAX_PANELS

        info(f"drew {plural(len(drawn[:MAX_PANELS]), 'curve' if 'curves' in result.fields else 'path')} -> {path}")


COMMANDS = (contrast,)
