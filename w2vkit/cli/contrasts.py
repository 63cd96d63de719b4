"""The contrast command: a word across groups and periods of one table (library:
w2vkit.findings.contrasts)."""

from __future__ import annotations

import click

from ..errors import UsageError
from .options import FORMAT_OPTION, MODEL_OPTION, SIMILARITY_OPTION, declared, picture_options, verbosity
from .output import engine_for, info, plural, show, show_progress


@click.command()
@declared("contrast")
@picture_options(
    "Draw each word's path through the ordered groups among its neighbours; for a number, its curve: the "
    "fitted vector's cosine to the --to words (else those gaining and losing most) across its range (.png, .svg, .pdf)."
)
@SIMILARITY_OPTION
@MODEL_OPTION
@FORMAT_OPTION
@verbosity
def contrast(output, font, similarity, model_path, fmt, **values):
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
    from ..operations.declared import OPERATIONS

    if output and values.get("ratio"):
        raise UsageError("-o draws the paths of the change; --ratio gives a table")
    if output and values.get("scan") is not None:
        raise UsageError("-o draws the paths of WORDs, not of a scan")
    engine = engine_for(model_path, similarity)  # (the model recorded as read: no picture may land in it)
    if output:
        from ..pictures.trajectoryplot import check_trajectory_output

        # before the work, not after: a folder, a read-only place, or a name (or a link) that is the
        # table, the font or inside the model is refused now
        check_trajectory_output(output, font, inputs=tuple(filter(None, [values.get("path")])))
    asked = {**values, "ordered": bool(output), "progress": show_progress()}
    result = OPERATIONS["contrast"].call(engine, asked)
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
