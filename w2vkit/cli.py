"""The ``w2vkit`` command line: parses options, calls the library, renders results.

Results go to stdout (a table by default, ``--format tsv|json`` for scripts); progress, summaries
and errors go to stderr. Library errors (w2vkit.errors) become one-line messages with exit code 1
(2 for usage errors); ``W2VKIT_DEBUG=1`` shows the traceback instead.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import sys

import click

from . import __version__
from .errors import W2vkitError

log = logging.getLogger("w2vkit")


def _debug() -> bool:
    return os.environ.get("W2VKIT_DEBUG", "") not in ("", "0")


class W2vkitGroup(click.Group):
    """Turns library errors into one-line messages and exit codes."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except W2vkitError as e:
            if _debug():
                raise
            click.echo(f"Error: {e}", err=True)
            ctx.exit(e.exit_code)
        except KeyboardInterrupt:
            if _debug():
                raise
            click.echo("Interrupted; earlier results are left as they were.", err=True)
            ctx.exit(130)
        except BrokenPipeError:
            # `w2vkit similar x | head`: the reader went away; not an error worth a message.
            sys.stderr.close()
            ctx.exit(0)
        except Exception as e:  # a bug: still one line unless debugging
            if _debug():
                raise
            click.echo(
                f"Error: unexpected {type(e).__name__}: {e} (run with W2VKIT_DEBUG=1 for details)",
                err=True,
            )
            ctx.exit(1)


def verbosity(f):
    """-q/-v on every command: -q silences progress and summaries, -v shows debug messages."""

    @click.option("-q", "--quiet", is_flag=True, help="Print only results and errors.")
    @click.option("-v", "--verbose", count=True, help="More messages on stderr (-vv for debug).")
    @functools.wraps(f)
    def wrapper(*args, quiet, verbose, **kwargs):
        level = logging.WARNING if quiet else (logging.DEBUG if verbose > 1 else logging.INFO)
        logging.basicConfig(format="%(message)s", stream=sys.stderr, level=level, force=True)
        ctx = click.get_current_context()
        ctx.meta["quiet"] = quiet
        return f(*args, **kwargs)

    return wrapper


def _quiet() -> bool:
    return click.get_current_context().meta.get("quiet", False)


def info(message: str) -> None:
    """A message for the user on stderr, silenced by -q."""
    if not _quiet():
        click.echo(message, err=True)


def show_progress() -> bool:
    return not _quiet() and sys.stderr.isatty()


FORMAT_OPTION = click.option(
    "--format", "fmt", type=click.Choice(["table", "tsv", "json"]), default="table",
    show_default=True, help="Output format: aligned table, tab-separated, or JSON for scripts.",
)


def render(columns: list[str], rows: list[tuple], fmt: str, payload: dict | None = None) -> None:
    """Print rows as a table, TSV or JSON (one object: ``payload`` plus the rows)."""
    if fmt == "json":
        obj = dict(payload or {})
        obj["results"] = [dict(zip(columns, row)) for row in rows]
        click.echo(json.dumps(obj, ensure_ascii=False, indent=2))
        return
    cells = [[_cell(v) for v in row] for row in rows]
    if fmt == "tsv":
        click.echo("\t".join(columns))
        for row in cells:
            click.echo("\t".join(row))
        return
    widths = [_width(c) for c in columns]
    for row in cells:
        widths = [max(w, _width(v)) for w, v in zip(widths, row)]
    lines = ["  ".join(_pad(c, w) for c, w in zip(columns, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in cells:
        lines.append("  ".join(_pad(v, w) for v, w in zip(row, widths)).rstrip())
    click.echo("\n".join(lines))


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _cell(v) -> str:
    if isinstance(v, float):
        return f"{v:.4f}"
    if isinstance(v, int):
        return str(v)
    return str(v)


def _width(s: str) -> int:
    """Display width: CJK and full-width characters take two columns."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _pad(s: str, width: int) -> str:
    return s + " " * (width - _width(s))


@click.group(cls=W2vkitGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="w2vkit")
def cli():
    """Train and query word2vec models from raw Chinese or English text.

    \b
    A typical session, on Journey to the West:
      w2vkit segment corpora/xiyouji.txt --user-dict xiyouji
      w2vkit train corpora/xiyouji.txt
      w2vkit similar 孙悟空
      w2vkit similarity 孙悟空 猪八戒
      w2vkit analogy king woman man
      w2vkit plot 孙悟空 猪八戒 --neighbors 8
      w2vkit evaluate

    Run `w2vkit COMMAND --help` for each command's options.
    """


# --------------------------------------------------------------------------- segment

def segmentation_options(f):
    """Options shared by `segment` and `train` (which segments raw text the same way)."""
    decorators = [
        click.option("--lang", type=click.Choice(["auto", "zh", "en"]), default="auto",
                     show_default=True, help="Language; auto decides per file by its share of CJK characters."),
        click.option("--engine", type=click.Choice(["fast", "jieba"]), default="fast",
                     show_default=True, help="Chinese segmenter: fast (rjieba, Rust) or jieba (reference)."),
        click.option("--user-dict", "user_dicts", multiple=True, metavar="FILE|NAME",
                     help="jieba-format dictionary ('word [freq] [tag]' per line), repeatable; "
                          "built-in: xiyouji."),
        click.option("--hmm/--no-hmm", default=True, show_default=True,
                     help="Let jieba's HMM find words missing from the dictionaries."),
        click.option("--stopwords", multiple=True, metavar="zh|en|FILE",
                     help="Drop these words (built-in list or a file, one word per line); repeatable."),
        click.option("--keep-punct", is_flag=True, help="Keep punctuation tokens."),
        click.option("--to-simplified", is_flag=True, help="Convert Traditional Chinese to Simplified (OpenCC)."),
        click.option("--encoding", default=None, metavar="NAME",
                     help="Force an input encoding (default: detect UTF-8/UTF-16 BOM/GB18030 per file)."),
        click.option("--max-line-tokens", default=1000, show_default=True, type=click.IntRange(1),
                     help="Cut output lines longer than this (gensim drops words past 10,000)."),
    ]
    for d in reversed(decorators):
        f = d(f)
    return f


def _segment_options(lang, engine, user_dicts, hmm, stopwords, keep_punct, to_simplified, encoding,
                     max_line_tokens):
    from .segment import SegmentOptions

    return SegmentOptions(
        lang=lang, engine=engine, user_dicts=tuple(user_dicts), hmm=hmm, stopwords=tuple(stopwords),
        keep_punct=keep_punct, to_simplified=to_simplified, encoding=encoding,
        max_line_tokens=max_line_tokens,
    )


@cli.command()
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("-o", "--output", "outdir", default="segmented", show_default=True,
              help="Output directory; mirrors the inputs, one .txt per input, plus manifest.json.")
@segmentation_options
@click.option("-j", "--jobs", type=click.IntRange(1), default=None,
              help="Worker processes [default: all cores]; output is identical for any value.")
@click.option("--audit", type=click.IntRange(0), default=0, metavar="N",
              help="Print the N most frequent tokens no dictionary knows (words the HMM invented).")
@FORMAT_OPTION
@verbosity
def segment(inputs, outdir, jobs, audit, fmt, **seg):
    """Segment raw text into one sentence of space-separated tokens per line.

    INPUT is a file, a directory (searched recursively for .txt, .txt.gz, .txt.bz2) or - for stdin.

    \b
    Examples:
      w2vkit segment ../shared/corpora/xiyouji.txt --user-dict xiyouji
      w2vkit segment corpora/ -o segmented/ --stopwords zh
      w2vkit segment big.txt.gz --lang en --jobs 2
      w2vkit segment novel.txt --user-dict xiyouji --audit 30   # words to add to your dictionary
    """
    from .segment import segment_corpus

    options = _segment_options(**seg)
    result = segment_corpus(list(inputs), outdir, options, jobs=jobs, progress=show_progress(),
                            audit=bool(audit))
    if audit:
        rows = [(i, w, c) for i, (w, c) in enumerate(result.top_unknown(audit), 1)]
        render(["rank", "token", "count"], rows, fmt, {"unknown_tokens": len(result.unknown)})
    info(
        f"segmented {plural(len(result.files), 'file')}: {plural(result.lines, 'line')}, "
        f"{plural(result.tokens, 'token')}, {result.distinct_tokens:,} distinct "
        f"in {result.seconds:.1f} s -> {result.outdir}/"
    )


def main():
    cli(prog_name="w2vkit")
