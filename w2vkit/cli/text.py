"""`segment`: raw text in, a folder of segmented text out (library: w2vkit.text.segmenting.pipeline)."""

from __future__ import annotations

import click

from .options import (
    CLUSTER_OPTION,
    FORMAT_OPTION,
    JOBS_OPTION,
    MODEL_OPTION,
    declared,
    segment_options,
    segmentation_options,
    verbosity,
)
from .output import engine_for, info, plural, show, show_progress


@click.command()
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option(
    "-o",
    "--output",
    "outdir",
    default="segmented",
    show_default=True,
    help="Output directory; mirrors the inputs, one .txt per input, plus manifest.json.",
)
@segmentation_options
@JOBS_OPTION
@CLUSTER_OPTION
@click.option(
    "--audit",
    type=click.IntRange(0),
    default=0,
    metavar="N",
    help="Print the N most frequent tokens no dictionary knows (words the HMM invented), "
    "and the words discovery found.",
)
@click.option(
    "--discover-words",
    "discover_words_file",
    default=None,
    metavar="FILE",
    help="Write the words discovery found to FILE, as a dictionary for --user-dict.",
)
@FORMAT_OPTION
@verbosity
def segment(inputs, outdir, jobs, cluster, audit, discover_words_file, fmt, **seg):
    """Segment raw text into lines of space-separated tokens: a paragraph per line (--lines sentence: a sentence).

    INPUT is a file, a directory (searched recursively for .txt, .txt.gz, .txt.bz2), - for stdin,
    or the name of a built-in corpus: xiyouji (西游记, Journey to the West).

    \b
    Examples:
      w2vkit segment xiyouji                       # the built-in novel
      w2vkit segment corpora/ -o segmented/ --stopwords zh
      w2vkit segment big.txt.gz --lang en --jobs 2
      w2vkit segment big/ --cluster tcp://10.0.0.5:8786   # on a Dask cluster's workers
      w2vkit segment novel.txt --user-dict xiyouji --audit 30   # words to add to your dictionary
      w2vkit segment novel.txt --discover-words novel.dict      # the text's own words, as a dictionary
    """
    from ..text.segmenting.discover import check_new_words_output
    from ..text.segmenting.pipeline import segment_corpus

    if discover_words_file:
        check_new_words_output(discover_words_file, inputs, outdir)
    result = segment_corpus(
        list(inputs),
        outdir,
        segment_options(seg),
        jobs=jobs,
        progress=show_progress(),
        audit=bool(audit),
        cluster=cluster,
    )
    if discover_words_file:
        from ..text.segmenting.discover import write_new_words

        write_new_words(discover_words_file, result.new_words)
        info(f"wrote {plural(len(result.new_words), 'discovered word')} -> {discover_words_file}")
    # (a table of the unknown tokens with --audit; JSON always, one object for scripts; else the notes)
    show(result.as_result(audit or 0), fmt, with_rows=bool(audit) or fmt == "json")


@click.command()
@declared("kwic")
@MODEL_OPTION
@FORMAT_OPTION
@verbosity
def kwic(model_path, fmt, **values):
    """Keyword in context: the passages a WORD occurs in, with their line and chapter.

    With --in FILE, the raw text (the word found as written); else the segmented text the model
    (-m, or the newest) was trained on, the word found as a whole token, as training saw it, its
    lines numbered as the raw file numbers them. With --in TABLE and -m MODEL (the model trained on
    the table), the rows as that model read them (notes dropped, script simplified, segmented): the
    occurrences contrast counts.

    \b
    Examples:
      w2vkit kwic 庞统 -m models/sanguo            # where the model's 庞统 comes from
      w2vkit kwic 酒 --in xiyouji.txt -n 20
      w2vkit kwic 孔明 -m models/sanguo --format tsv > passages.tsv
      w2vkit kwic 酒 --in poetry.tsv.gz --where period=宋 -n 20   # a table's rows of one group
      w2vkit kwic 梦 --in poetry.tsv.gz --where period=唐 -m models/poetry   # as the model read them
      w2vkit kwic 行者 --near 八戒                  # the two used together
      w2vkit kwic 月 --in poetry.tsv.gz --where period=宋 -m models/poetry --typical   # how 宋 uses 月
      w2vkit kwic 月 --in poems.tsv -m models/poems --typical --at year=1100   # nearest the fitted 月 of 1100
      w2vkit kwic 梅 --in poetry.tsv.gz --where period=宋 --columns author,title   # who wrote each
      w2vkit kwic 刀 -m models/sanguo --background  # the text's passages, then its background's
    """
    from ..operations.declared import OPERATIONS
    from ..text.reading.tables import is_table

    source = values.get("source")
    # (a raw file is searched as written, without a model; a table with -m, as that model read it)
    wanted = source is None or (model_path is not None and (values.get("typical") or is_table(source)))
    show(OPERATIONS["kwic"].call(engine_for(model_path) if wanted else None, values), fmt)


COMMANDS = (segment, kwic)
