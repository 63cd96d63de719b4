"""The commands that make and describe model directories: `train`, `postprocess`, `info`,
`export` and `import` (library: w2vkit.training.trainer, .postprocess, .modelinfo, .interop)."""

from __future__ import annotations

import click

from ..base.choices import (
    DEFAULT_TOP_WORDS,
    EXPORT_FORMATS,
    ITEM_DEFAULTS,
    SMALL_CORPUS_TOKENS,
)
from ..base.optiontable import TRAIN
from .options import (
    CLUSTER_OPTION,
    FORMAT_OPTION,
    JOBS_OPTION,
    MODEL_OPTION,
    SIMILARITY_OPTION,
    format_option,
    given,
    library_option,
    library_values,
    limited,
    segment_options,
    segmentation_options,
    table_options,
    verbosity,
    where_conditions,
)
from .output import info, load_model_for, plural, show, show_progress

SIZE = f"{SMALL_CORPUS_TOKENS // 1_000_000}M tokens"


@click.command()
@click.argument("inputs", nargs=-1, required=True, metavar="CORPUS...")
@click.option("-o", "--output", default=None, metavar="DIR", help="Model directory [default: models/<corpus name>].")
@click.option("--sg", "arch_flag", flag_value="skipgram", help="Same as --arch skipgram.")
@click.option("--cbow", "arch_flag", flag_value="cbow", help="Same as --arch cbow.")
@table_options(TRAIN)
@click.option(
    "--bootstrap",
    default=None,
    type=limited("members"),
    metavar="N",
    help="Also train N members on resamples of the text's documents (drawn with replacement), kept "
    "inside the model: findings then say how much they would move on another draw of the text.",
)
@click.option(
    "--seeds",
    default=None,
    type=limited("members"),
    metavar="N",
    help="Also train N members on the same text with other seeds (training noise alone, to set beside --bootstrap).",
)
@library_option(
    "--unit",
    default="auto",
    metavar="auto|chapter|paragraph|lines:K",
    help="With --bootstrap, the document drawn: chapters (第…回, CHAPTER …), each paragraph, or blocks of K "
    "lines; auto: chapters when the text has 8 or more headings, else ~200 blocks.",
)
@click.option("--segmented", is_flag=True, help="CORPUS is already tokenised (space-separated).")
@click.option(
    "--items",
    is_flag=True,
    help="CORPUS is sequences of item IDs (one sequence per line, IDs verbatim), or with --user and --item "
    "an interaction table (CSV/TSV with a header): Item2Vec, with defaults chosen for items "
    f"({', '.join(f'{k} {v}' for k, v in ITEM_DEFAULTS.items() if k in ('arch', 'window', 'epochs', 'dim'))}).",
)
@click.option("--user", "user_column", default=None, metavar="COLUMN", help="With --items: the table's user column.")
@click.option("--item", "item_column", default=None, metavar="COLUMN", help="With --items: the table's item column.")
@click.option(
    "--time", "time_column", default=None, metavar="COLUMN", help="With --items: order each user's items by it."
)
@click.option(
    "--holdout",
    type=click.Choice(["last"]),
    default=None,
    help="With --items: keep each sequence's last item out of training, for evaluate --next-item.",
)
@click.option(
    "--labels",
    "labels_file",
    default=None,
    metavar="FILE",
    help="With --items: ID<TAB>name[<TAB>group...] per line, kept with the model: outputs show names, "
    "queries take them, maps colour by group.",
)
@click.option(
    "--background",
    multiple=True,
    metavar="PATH",
    help="Related text read beside CORPUS (repeat for more; files, folders, tables, segmented as CORPUS is), "
    "or one w2vkit model of such text (trained, or vectors brought in with `w2vkit import`): "
    "the words and counts stay CORPUS's, the background informs a view that everyday words take from it and "
    "names from CORPUS (--similarity background, then the default).",
)
@click.option(
    "--background-where",
    "background_where",
    multiple=True,
    metavar="COLUMN=VALUE",
    help="The background table's rows (repeatable) [default: CORPUS's --where]: "
    "--where period=宋 --background poetry.tsv --background-where period=唐 reads 宋 rows beside 唐 rows.",
)
@click.option("--resume", default=None, metavar="DIR", help="Continue training this model on CORPUS.")
@click.option(
    "--no-resume-state",
    "no_resume_state",
    is_flag=True,
    help="Leave out gensim's training state (gensim/, most of a word2vec model's size): the model then "
    "cannot be resumed or given --add-context later. Models with a count part (the hybrid default, ppmi) "
    "never keep it: neither step applies to them.",
)
@segmentation_options
@JOBS_OPTION
@CLUSTER_OPTION
@FORMAT_OPTION
@verbosity
def train(
    inputs,
    output,
    arch_flag,
    bootstrap,
    seeds,
    unit,
    segmented,
    items,
    user_column,
    item_column,
    time_column,
    holdout,
    labels_file,
    background,
    background_where,
    resume,
    no_resume_state,
    jobs,
    cluster,
    fmt,
    **rest,
):
    """Train a Skip-gram or CBOW model on raw text (segmented and cached) or tokenised text.

    CORPUS is a file, a directory (searched recursively for .txt, .txt.gz, .txt.bz2) or the name
    of a built-in corpus: xiyouji (西游记, Journey to the West).

    \b
    Examples:
      w2vkit train xiyouji                                  # -> models/xiyouji/
      w2vkit train corpora/ -o models/mine --arch skipgram --dim 200
      w2vkit train enwiki.txt.gz --epochs 5 --min-count 10
      w2vkit train tokens.txt --segmented --seed 7 --deterministic
      w2vkit train novel.txt --no-subwords                  # plain word2vec on Chinese
      w2vkit train more.txt --resume models/xiyouji
      w2vkit train big/ --cluster tcp://10.0.0.5:8786      # segment on a Dask cluster
      w2vkit train sanguo.txt --bootstrap 10                # + 10 resampled members: findings with intervals
      w2vkit train sanguo.txt --background xiyouji.txt      # everyday words read beside another novel
    """
    from ..model.members import Resampling
    from ..training.trainer import train as run_train
    from ..training.trainoptions import TrainOptions

    if bootstrap and seeds:
        raise click.UsageError("give --bootstrap N or --seeds N, not both (train a second model for the other)")
    resampling = None
    if bootstrap or seeds:
        resampling = Resampling("bootstrap" if bootstrap else "seeds", bootstrap or seeds, **given(unit=unit))

    chosen = library_values(TRAIN, rest)
    item_input = None
    if items or user_column or item_column or time_column or holdout or labels_file:
        from ..text.corpus.items import ItemInput, Table

        if not items:
            raise click.UsageError("--user, --item, --time, --holdout and --labels go with --items")
        if bool(user_column) != bool(item_column) or (time_column and not user_column):
            raise click.UsageError("an interaction table needs both --user and --item (and --time to order them)")
        table = Table(user_column, item_column, time_column) if user_column else None
        item_input = ItemInput(table, holdout, labels_file)  # (options not given take the item defaults)
    if arch_flag and "arch" not in chosen:
        chosen["arch"] = arch_flag  # --sg, --cbow: --arch said shorter
    result = run_train(
        list(inputs),
        output,
        TrainOptions(**chosen),
        None if segmented or items else segment_options(rest),
        resume=resume,
        jobs=jobs,
        progress=show_progress(),
        keep_gensim=False if no_resume_state else None,
        items=item_input,
        **given(max_line_tokens=rest["max_line_tokens"]),
        cluster=cluster,
        resampling=resampling,
        background=list(background) or None,
        background_where=where_conditions(background_where, "--background-where") or None,
    )
    if fmt != "table":  # (the run's Result: its fields, and a row per pass with its loss; a table says it on stderr)
        show(result.result(), fmt)
    o = result.options
    arch = f"{o.arch}+subwords({o.min_n}-{o.max_n})" if o.subwords else o.arch
    c = o.count_options()
    dims = result.dimensions  # as saved (the count part may be smaller than asked: at most the vocabulary)
    count = f"count model (PPMI+SVD) dim={dims[-1]} window={c.window}"
    if c.dirichlet:
        count += f" Dirichlet-smoothed (pseudo-count {c.dirichlet:g})"
    narrow = c.narrow()
    if narrow is not None:
        count += f" and {narrow.window} ({c.narrow_share:g} of its cosine)"
    what = {
        "word2vec": f"{arch} dim={dims[0]} window={o.window} epochs={o.epochs}",
        "hybrid": f"{arch} dim={dims[0]} window={o.window} epochs={o.epochs} + {count}, weight {o.count_weight} "
        f"({sum(dims)} dimensions: {dims[0]} predictive + {dims[-1]} count, as info says)",
        "ppmi": count,
    }[str(o.method)]
    info(
        f"trained {what} on "
        f"{plural(result.tokens, 'token')}{' (cached segmentation)' if result.cached_corpus else ''}: "
        f"{plural(result.vocab_size, 'word')} in {result.seconds:.1f} s "
        f"({result.words_per_second:,.0f} words/s) -> {result.model_dir}/"
    )
    if result.background is not None:
        from ..queries.modelinfo import background_summary

        info(
            f"read beside a background: {background_summary(result.background)}; "
            "queries answer with its view (--similarity background) and the text's words only"
        )


@click.command()
@click.argument("model_dir", metavar="MODEL")
@click.option("-o", "--output", required=True, metavar="DIR", help="Model directory to create.")
@click.option("--add-context", is_flag=True, help="Add each word's context vector (w2vkit-trained models only).")
@library_option(
    "--remove-top",
    default=0,
    type=limited("remove_top"),
    metavar="N",
    help="Remove the mean and the top N principal directions.",
)
@verbosity
def postprocess(model_dir, output, add_context, remove_top):
    """Post-process a model's vectors into a new model: w+c and/or all-but-the-top.

    Steps already applied (by `train` or an earlier run) are listed in meta.json under
    "postprocess"; this command adds to that list. Imported models have no context vectors, so
    only --remove-top applies to them.

    \b
    Examples:
      w2vkit postprocess models/google -o models/google-abtt3 --remove-top 3
      w2vkit postprocess models/enwiki -o models/enwiki-wc --add-context
    """
    from ..model.postprocess import Steps, postprocess_model, step_label

    steps = Steps(add_context, **given(remove_top=remove_top))
    path, meta = postprocess_model(model_dir, output, steps)
    done = ", ".join(step_label(s) for s in steps.describe())
    info(f"{done}: {plural(meta['vocab_size'], 'word')} in {meta['timings']['postprocess_seconds']:.1f} s -> {path}/")


@click.command(name="info")
@MODEL_OPTION
@library_option("--top", default=DEFAULT_TOP_WORDS, type=click.IntRange(0), help="Most frequent words to show")
@click.option("--verify", is_flag=True, help="Check the vectors' sha256 even for large models.")
@format_option(["table", "json"], help="Output format: the aligned layout, or JSON for scripts.")
@verbosity
def info_cmd(model_path, top, verify, fmt):
    """Show a model's metadata, size, most frequent words and training summary.

    \b
    Examples:
      w2vkit info
      w2vkit info --model models/xiyouji --format json
    """
    from ..base.render import terminal_safe
    from ..queries.modelinfo import model_record, summary_lines

    model = load_model_for(model_path, verify=True if verify else None)
    if fmt == "json":
        show(model_record(model, **given(top=top)), fmt)
    else:
        click.echo(terminal_safe("\n".join(summary_lines(model, **given(top=top))), keep_newlines=True))


@click.command(name="export")
@MODEL_OPTION
@format_option(EXPORT_FORMATS, EXPORT_FORMATS[0], "File format.")
@click.option("-o", "--output", required=True, metavar="PATH", help="Output file (a directory for projector).")
@SIMILARITY_OPTION
@verbosity
def export_cmd(model_path, fmt, output, similarity):
    """Export vectors for other tools: word2vec binary/text, or TensorFlow Embedding Projector TSVs.
    The vectors are those w2vkit's queries answer with (the view --similarity names, by the same
    default), so gensim's most_similar on the file agrees with `w2vkit similar`.

    \b
    Examples:
      w2vkit export --format word2vec-bin -o xiyouji.bin
      w2vkit export --format projector -o projector/    # vectors.tsv + metadata.tsv
      w2vkit export --format word2vec-txt -o xiyouji.txt --similarity mixed   # the model's own vectors
    """
    from ..model.interop import export_model
    from ..model.views import with_view

    model = with_view(load_model_for(model_path), similarity)
    paths = export_model(model, fmt, output)
    view = model.meta.get("view", "mixed")
    info(f"exported {plural(len(model), 'word')} ({view} vectors) -> " + ", ".join(str(p) for p in paths))


@click.command(name="import")
@click.argument("file", metavar="FILE")
@click.option("-o", "--output", required=True, metavar="DIR", help="Model directory to create.")
@click.option("--limit", default=None, type=click.IntRange(1), help="Read only the first N vectors.")
@click.option("--binary/--text", default=None, help="File format [default: by its content, .bin is binary].")
@click.option(
    "--metadata",
    metavar="TSV",
    help="A row per vector, as the Embedding Projector takes it (one column: the word; several: a header, the "
    "word first): its columns colour maps (plot --by COLUMN, explore).",
)
@verbosity
def import_cmd(file, output, limit, binary, metadata):
    """Import word2vec binary/text or fastText .vec vectors (GoogleNews, Tencent, ...), or the
    Embedding Projector's vectors.tsv with its metadata.tsv.

    \b
    Examples:
      w2vkit import GoogleNews-vectors-negative300.bin -o models/google --limit 500000
      w2vkit import cc.zh.300.vec -o models/fasttext-zh
      w2vkit import vectors.tsv --metadata metadata.tsv -o models/mine
      w2vkit plot -m models/mine --by genre -o map.html    # coloured by a column of the metadata
    """
    from ..model.interop import import_word2vec

    path, meta = import_word2vec(file, output, limit=limit, binary=binary, progress=show_progress(), metadata=metadata)
    bad, twice = meta["keys_with_bad_utf8"], meta.get("keys_given_twice", 0)
    info(
        f"imported {plural(meta['imported_words'], 'word')} x {meta['hyperparameters']['dim']} "
        f"in {meta['timings']['import_seconds']:.1f} s -> {path}/"
        + (f" ({bad} keys had invalid UTF-8, repaired with U+FFFD)" if bad else "")
        + (f" ({plural(twice, 'word')} given more than once: the first vector of each kept)" if twice else "")
    )


COMMANDS = (train, postprocess, info_cmd, export_cmd, import_cmd)
