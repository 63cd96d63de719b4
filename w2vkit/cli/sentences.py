"""Sentence vectors: `embed` and `search` (library: w2vkit.sentences.embed)."""

from __future__ import annotations

import click

from ..base.choices import DEFAULT_COLLECTION, INDEX_FLAT_BELOW, INDEX_KINDS, INDEX_METRICS, INDEX_UNITS
from .options import (
    FORMAT_OPTION,
    MODEL_OPTION,
    SENTENCE_METHOD_OPTION,
    SIMILARITY_OPTION,
    TOPN_OPTION,
    format_option,
    given,
    library_option,
    verbosity,
)
from .output import engine_for, info, plural, show, show_progress

# A table keeps to a line per hit: longer lines are cut to this many characters (tsv and json
# give the whole line).


@click.command()
@click.argument("source", default="-", metavar="[FILE|-]")
@SENTENCE_METHOD_OPTION
@format_option(["tsv", "json", "npy"], "tsv", help="tsv: a row of numbers per line; json; npy: a numpy matrix.")
@click.option("-o", "--output", default="-", show_default=True, metavar="FILE", help="Where to write (- is stdout).")
@SIMILARITY_OPTION
@MODEL_OPTION
@verbosity
def embed(source, method, fmt, output, similarity, model_path):
    """Sentence vectors: a text per line of FILE (or stdin) in, a vector per line out.

    Texts are segmented as the model's training text was; words the model lacks are left out
    (counted on stderr); a line with no known word gets a vector of zeros. With sif, the common
    component is estimated on the whole input, so give all the lines at once.

    \b
    Examples:
      w2vkit embed sentences.txt > vectors.tsv
      echo 孙悟空大闹天宫 | w2vkit embed --method mean --format json
      w2vkit embed lines.txt --format npy -o lines.npy
    """
    from ..sentences.embed import Embedder, check_embed_output, embed_file

    check_embed_output(output, source)  # before the model is even looked for
    model = engine_for(model_path, similarity).model
    method = Embedder(model, **given(method=method)).method  # (the library's default when not given)
    embedded, lines = embed_file(model, source, output, fmt, method)
    info(
        f"embedded {plural(lines, 'line')} ({method}, {embedded.vectors.shape[1]} dimensions); "
        f"{plural(embedded.unknown, 'unknown token')} left out, {plural(len(embedded.empty), 'line')} with no known word"
    )


@click.command()
@click.argument("query", required=False)
@click.option("--in", "source", default=None, metavar="FILE", help="The file whose lines are searched (- for stdin).")
@click.option(
    "--index",
    "index_path",
    default=None,
    metavar="DIR|milvus:…",
    help="Search an index built by w2vkit index instead: its folder, milvus:FILE.db or milvus://HOST:PORT.",
)
@click.option("--queries", "queries_file", default=None, metavar="FILE", help="With --index: one query per line.")
@click.option("--exact", is_flag=True, help="With --index: brute force, whatever the index's kind.")
@click.option(
    "--collection", default=None, metavar="NAME", help=f"With --index milvus:…: the collection [{DEFAULT_COLLECTION}]."
)
@SENTENCE_METHOD_OPTION
@TOPN_OPTION
@SIMILARITY_OPTION
@MODEL_OPTION
@FORMAT_OPTION
@verbosity
def search(query, source, index_path, queries_file, exact, collection, method, topn, similarity, model_path, fmt):
    """Rank the lines of a file by how close their meaning is to QUERY (cosine of sentence vectors).

    FILE may also name a built-in corpus (xiyouji). With --index, the lines (or paragraphs,
    chapters) embedded once by w2vkit index are searched, by the index's measure (cosine, ip, or
    l2: a distance, smaller is closer).

    \b
    Examples:
      w2vkit search 孙悟空大闹天宫 --in xiyouji -n 5
      w2vkit search "the king died" --in news.txt --format json
      w2vkit search 孙悟空大闹天宫 --index xiyouji-index
      w2vkit search --queries questions.txt --index milvus:xiyouji.db --format tsv
    """
    from ..sentences.searching import search as run

    if (source is None) == (index_path is None):
        raise click.UsageError("give --in FILE (embedded now) or --index DIR (built by w2vkit index)")
    if index_path is None and (queries_file or exact or collection):
        raise click.UsageError("--queries, --exact and --collection go with --index")
    if (query is None) == (queries_file is None):
        raise click.UsageError("give a QUERY, or --queries FILE with --index")
    engine = engine_for(model_path, similarity)
    if index_path is None:
        result = run(engine, query, source=source, progress=show_progress(), **given(method=method, topn=topn))
    else:
        from ..queries.words import read_word_list

        queries = [query] if query is not None else read_word_list([], queries_file)
        result = run(engine, queries, index=index_path, collection=collection, exact=exact, **given(topn=topn))
    show(result, fmt)


@click.command()
@click.argument("source", metavar="FILE|-")
@click.option(
    "-o",
    "--output",
    "--to",
    "output",
    required=True,
    metavar="DIR|milvus:…",
    help="The index folder (new, empty, or an index), or milvus:FILE.db (Milvus Lite) or milvus://HOST:PORT.",
)
@library_option(
    "--kind",
    type=click.Choice(INDEX_KINDS),
    default=INDEX_KINDS[0],
    help="flat: exact (numpy); ivf, hnsw: approximate (Faiss, pip install 'w2vkit[index]'); auto: flat below "
    f"{INDEX_FLAT_BELOW:,} units, else ivf.",
)
@library_option(
    "--metric",
    type=click.Choice(INDEX_METRICS),
    default=INDEX_METRICS[0],
    help="cosine; ip: inner product of the vectors as embedded; l2: Euclidean distance.",
)
@library_option(
    "--unit",
    type=click.Choice(INDEX_UNITS),
    default=INDEX_UNITS[0],
    help="What a hit is: a line, a paragraph (lines up to a blank one) or a chapter (第…回, CHAPTER …).",
)
@click.option("--half", is_flag=True, help="Store the vectors as float16 (half the disk and memory).")
@click.option(
    "--collection",
    default=DEFAULT_COLLECTION,
    show_default=True,
    metavar="NAME",
    help="With --to milvus:…: the collection (an alias, switched to the new index when it is complete).",
)
@SENTENCE_METHOD_OPTION
@SIMILARITY_OPTION
@MODEL_OPTION
@verbosity
def index(source, output, kind, metric, unit, half, collection, method, similarity, model_path):
    """Embed every line of FILE once into an index, for many searches (search --index).

    The index is a folder, or a collection in Milvus (pip install 'w2vkit[milvus]'): Milvus Lite in
    one file (milvus:FILE.db) or a Milvus server or cluster (milvus://HOST:PORT).

    \b
    Examples:
      w2vkit index xiyouji -o xiyouji-index
      w2vkit index corpus.txt -o corpus-index --kind hnsw -m models/enwiki
      w2vkit index xiyouji --unit chapter -o xiyouji-chapters
      w2vkit index xiyouji --to milvus:xiyouji.db
      w2vkit search "the king died" --index corpus-index -n 5
    """
    from ..sentences.embed import Embedder
    from ..sentences.vectorindex import build_index

    engine = engine_for(model_path, similarity)
    built = build_index(
        Embedder(engine.model, **given(method=method)),
        source,
        output,
        half=half,
        progress=show_progress(),
        collection=collection,
        **given(kind=kind, metric=metric, unit=unit),
    )
    where = f"{built.path} ({collection})" if isinstance(built.path, str) else f"{built.path}/"
    info(
        f"indexed {plural(built.lines, built.unit)} ({built.empty:,} with no known word) as {built.kind} "
        f"({built.metric}) in "
        f"{built.seconds:.1f} s -> {where}"
    )


COMMANDS = (embed, search, index)
