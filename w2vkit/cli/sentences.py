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
@click.argument("query")
@click.option("--in", "source", required=True, metavar="FILE", help="The file whose lines are searched (- for stdin).")
@SENTENCE_METHOD_OPTION
@TOPN_OPTION
@MODEL_OPTION
@FORMAT_OPTION
@verbosity
def search(query, source, method, topn, model_path, fmt):
    """Rank the lines of a file by how close their meaning is to QUERY (cosine of sentence vectors).

    FILE may also name a built-in corpus (xiyouji).

    \b
    Examples:
      w2vkit search 孙悟空大闹天宫 --in xiyouji -n 5
      w2vkit search "the king died" --in news.txt --format json
    """
    from ..embed import Embedder, search_file

    engine = engine_for(model_path)
    found = search_file(Embedder(engine.model, method), query, source, topn, progress=show_progress())

    def shown(text):
        text = text.strip() if fmt == "table" else text
        return text if fmt != "table" or len(text) <= TABLE_TEXT_CHARS else text[:TABLE_TEXT_CHARS] + "…"

    render(["line", "score", "text"], [(h.line, h.score, shown(h.text)) for h in found.hits], fmt, {"query": query})
    info(f"searched {plural(found.lines, 'line')} ({method}); {found.empty:,} blank or with no known word")


COMMANDS = (embed, search)
