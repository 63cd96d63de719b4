"""Sentence vectors: `embed` and `search` (library: w2vkit.embed)."""

from __future__ import annotations

import click

from .options import FORMAT_OPTION, MODEL_OPTION, SENTENCE_METHOD_OPTION, TOPN_OPTION, format_option, verbosity
from .output import engine_for, info, plural, render, show_progress

# A table keeps to a line per hit: longer lines are cut to this many characters (tsv and json
# give the whole line).
TABLE_TEXT_CHARS = 60


@click.command()
@click.argument("source", default="-", metavar="[FILE|-]")
@SENTENCE_METHOD_OPTION
@format_option(["tsv", "json", "npy"], "tsv", help="tsv: a row of numbers per line; json; npy: a numpy matrix.")
@click.option("-o", "--output", default="-", show_default=True, metavar="FILE", help="Where to write (- is stdout).")
@MODEL_OPTION
@verbosity
def embed(source, method, fmt, output, model_path):
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
    from ..embed import check_embed_output, embed_file

    check_embed_output(output, source)  # before the model is even looked for
    embedded, lines = embed_file(engine_for(model_path).model, source, output, fmt, method)
    info(
        f"embedded {plural(lines, 'line')} ({method}, {embedded.vectors.shape[1]} dimensions); "
        f"{plural(embedded.unknown, 'unknown token')} left out, {plural(len(embedded.empty), 'line')} with no known word"
    )


@click.command()
@click.argument("query", required=False)
@click.option("--in", "source", default=None, metavar="FILE", help="The file whose lines are searched (- for stdin).")
@click.option(
    "--index", "index_path", default=None, metavar="DIR", help="Search an index built by w2vkit index instead."
)
@click.option("--queries", "queries_file", default=None, metavar="FILE", help="With --index: one query per line.")
@click.option("--exact", is_flag=True, help="With --index: brute force, whatever the index's kind.")
@SENTENCE_METHOD_OPTION
@TOPN_OPTION
@MODEL_OPTION
@FORMAT_OPTION
@verbosity
def search(query, source, index_path, queries_file, exact, method, topn, model_path, fmt):
    """Rank the lines of a file by how close their meaning is to QUERY (cosine of sentence vectors).

    FILE may also name a built-in corpus (xiyouji).

    \b
    Examples:
      w2vkit search 孙悟空大闹天宫 --in xiyouji -n 5
      w2vkit search "the king died" --in news.txt --format json
    """
    from ..embed import Embedder, search_file

    def shown(text):
        text = text.strip() if fmt == "table" else text
        return text if fmt != "table" or len(text) <= TABLE_TEXT_CHARS else text[:TABLE_TEXT_CHARS] + "…"

    if (source is None) == (index_path is None):
        raise click.UsageError("give --in FILE (embedded now) or --index DIR (built by w2vkit index)")
    if index_path is None and (queries_file or exact):
        raise click.UsageError("--queries and --exact go with --index")
    if (query is None) == (queries_file is None):
        raise click.UsageError("give a QUERY, or --queries FILE with --index")
    engine = engine_for(model_path)
    if index_path is not None:
        return _search_index(engine, index_path, query, queries_file, exact, topn, fmt, shown)
    found = search_file(Embedder(engine.model, method), query, source, topn, progress=show_progress())

    render(["line", "score", "text"], [(h.line, h.score, shown(h.text)) for h in found.hits], fmt, {"query": query})
    info(f"searched {plural(found.lines, 'line')} ({method}); {found.empty:,} blank or with no known word")


def _search_index(engine, index_path, query, queries_file, exact, topn, fmt, shown):
    from ..embed import Embedder
    from ..query import read_word_list
    from ..vectorindex import VectorIndex, search_index

    index = VectorIndex(index_path, engine.model)
    changed = index.changed_source()
    if changed:
        info(f"warning: {changed}")
    queries = [query] if query is not None else read_word_list([], queries_file)
    results = search_index(Embedder(engine.model, index.meta.get("method", "sif")), index, queries, topn, exact)
    many = len(queries) > 1
    rows = [(*([q] if many else []), h.line, h.score, shown(h.text)) for q, hits in zip(queries, results) for h in hits]
    render([*(["query"] if many else []), "line", "score", "text"], rows, fmt, {"queries": queries})
    kind = "flat" if exact else index.meta["kind"]
    info(f"searched {index.meta['lines']:,} indexed lines ({kind}) for {plural(len(queries), 'query')}")


@click.command()
@click.argument("source", metavar="FILE|-")
@click.option("-o", "--output", required=True, metavar="DIR", help="The index folder (new, empty, or an index).")
@click.option(
    "--kind",
    type=click.Choice(["auto", "flat", "ivf", "hnsw"]),
    default="auto",
    show_default=True,
    help="flat: exact (numpy); ivf, hnsw: approximate (Faiss, pip install 'w2vkit[index]'); auto: flat below "
    "200,000 lines, else ivf.",
)
@click.option("--half", is_flag=True, help="Store the vectors as float16 (half the disk and memory).")
@SENTENCE_METHOD_OPTION
@MODEL_OPTION
@verbosity
def index(source, output, kind, half, method, model_path):
    """Embed every line of FILE once into an index folder, for many searches (search --index).

    \b
    Examples:
      w2vkit index xiyouji -o xiyouji-index
      w2vkit index corpus.txt -o corpus-index --kind hnsw -m models/enwiki
      w2vkit search "the king died" --index corpus-index -n 5
    """
    from ..embed import Embedder
    from ..vectorindex import build_index

    engine = engine_for(model_path)
    built = build_index(Embedder(engine.model, method), source, output, kind, half, progress=show_progress())
    info(
        f"indexed {plural(built.lines, 'line')} ({built.empty:,} with no known word) as {built.kind} in "
        f"{built.seconds:.1f} s -> {built.path}/"
    )


COMMANDS = (embed, search, index)
