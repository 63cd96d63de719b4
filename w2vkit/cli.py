"""The ``w2vkit`` command line: parses options, calls the library, renders results.

Results go to stdout (a table by default, ``--format tsv|json`` for scripts); progress, summaries
and errors go to stderr. Library errors (w2vkit.errors) become one-line messages with exit code 1
(2 for usage errors); ``W2VKIT_DEBUG=1`` shows the traceback instead.
"""

from __future__ import annotations

import errno
import logging
import sys
from pathlib import Path

import click

from . import __version__
from .cli_analysis import COMMANDS as ANALYSIS_COMMANDS
from .cli_common import (
    FORMAT_OPTION,
    MODEL_OPTION,
    TOPN_OPTION,
    engine_for,
    format_option,
    info,
    load_model_for,
    plural,
    render,
    show_progress,
    verbosity,
)
from .countmodel import DEFAULT_COUNT_WEIGHT, DEFAULT_METHOD, HYBRID_MAX_TOKENS, METHODS, WEIGHTINGS
from .countmodel import CountOptions as _CountOptions
from .env import debug_enabled
from .errors import W2vkitError
from .render import terminal_safe, to_json

log = logging.getLogger("w2vkit")
COUNT_DEFAULTS = _CountOptions()


class W2vkitGroup(click.Group):
    """Turns library errors into one-line messages and exit codes."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except W2vkitError as e:
            if debug_enabled():
                raise
            click.echo(f"Error: {terminal_safe(str(e))}", err=True)
            ctx.exit(e.exit_code)
        except KeyboardInterrupt:
            if debug_enabled():
                raise
            click.echo("Interrupted; earlier results are left as they were.", err=True)
            ctx.exit(130)
        except BrokenPipeError:
            # `w2vkit similar x | head`: the reader went away; not an error worth a message.
            sys.stderr.close()
            ctx.exit(0)
        except OSError as e:
            if debug_enabled():
                raise
            if e.errno == errno.ENOSPC:  # wherever it happens: segmenting, training, caching
                where = f" writing {e.filename}" if e.filename else ""
                click.echo(
                    f"Error: no space left on the device{where}; free some space, or set W2VKIT_CACHE "
                    "or -o to another disk",
                    err=True,
                )
            else:
                where = f"{e.filename}: " if e.filename else ""
                click.echo(terminal_safe(f"Error: {where}{e.strerror or e}"), err=True)
            ctx.exit(1)
        except Exception as e:  # a bug: still one line unless debugging
            if debug_enabled():
                raise
            click.echo(
                terminal_safe(f"Error: unexpected {type(e).__name__}: {e} (run with W2VKIT_DEBUG=1 for details)"),
                err=True,
            )
            ctx.exit(1)


@click.group(cls=W2vkitGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="w2vkit")
def cli():
    """Train and query word2vec models from raw Chinese or English text.

    \b
    A session on the built-in demo corpus, 西游记 (Journey to the West; works offline):
      w2vkit segment xiyouji --audit 20
      w2vkit train xiyouji
      w2vkit similar 孙悟空
      w2vkit similarity 孙悟空 猪八戒
      w2vkit analogy 孙悟空 八戒 猪八戒
      w2vkit doesnt-match 行者 八戒 沙僧 金箍棒
      w2vkit plot 孙悟空 猪八戒 唐僧 沙僧 --neighbors 8
      w2vkit evaluate

    Your own text: `w2vkit train FILE|DIR...` (a directory is read recursively for .txt, .txt.gz,
    .txt.bz2). Built-in corpora: xiyouji. Queries use the newest model under ./models unless
    given -m DIR. Run `w2vkit COMMAND --help` for each command's options and examples.
    """


# --------------------------------------------------------------------------- segment


def segmentation_options(f):
    """Options shared by `segment` and `train` (which segments raw text the same way)."""
    decorators = [
        click.option(
            "--lang",
            type=click.Choice(["auto", "zh", "en"]),
            default="auto",
            show_default=True,
            help="Language; auto decides per file by its share of CJK characters.",
        ),
        click.option(
            "--engine",
            type=click.Choice(["fast", "jieba"]),
            default="fast",
            show_default=True,
            help="Chinese segmenter: fast (rjieba, Rust) or jieba (reference).",
        ),
        click.option(
            "--user-dict",
            "user_dicts",
            multiple=True,
            metavar="FILE|NAME",
            help="jieba-format dictionary ('word [freq] [tag]' per line), repeatable; built-in: xiyouji.",
        ),
        click.option(
            "--auto-dict/--no-auto-dict",
            default=True,
            show_default=True,
            help="Add a built-in dictionary when the text is recognisably its work.",
        ),
        click.option(
            "--discover/--no-discover",
            default=True,
            show_default=True,
            help="Without a dictionary: find the text's own words (names, titles) by frequency, "
            "cohesion and boundary freedom, and keep them whole.",
        ),
        click.option(
            "--hmm/--no-hmm",
            default=True,
            show_default=True,
            help="Let jieba's HMM find words missing from the dictionaries.",
        ),
        click.option(
            "--stopwords",
            multiple=True,
            metavar="zh|en|FILE",
            help="Drop these words (built-in list or a file, one word per line); repeatable.",
        ),
        click.option("--keep-punct", is_flag=True, help="Keep punctuation tokens."),
        click.option("--to-simplified", is_flag=True, help="Convert Traditional Chinese to Simplified (OpenCC)."),
        click.option(
            "--encoding",
            default=None,
            metavar="NAME",
            help="Force an input encoding (default: detect UTF-8/UTF-16 BOM/GB18030 per file).",
        ),
        click.option(
            "--lines",
            "lines",
            type=click.Choice(["paragraph", "sentence"]),
            default="paragraph",
            show_default=True,
            help="One output line per paragraph (up to --max-line-tokens; the context word2vec's "
            "window sees) or per sentence.",
        ),
        click.option(
            "--max-line-tokens",
            default=1000,
            show_default=True,
            type=click.IntRange(1),
            help="Cut output lines longer than this (gensim drops words past 10,000).",
        ),
        click.option(
            "--phrases",
            default=0,
            show_default=True,
            type=click.IntRange(0),
            metavar="N",
            help="Passes joining frequent collocations into one token (new_york; 2 is word2phrase's usual).",
        ),
        click.option(
            "--phrase-scoring",
            type=click.Choice(["default", "npmi"]),
            default="default",
            show_default=True,
            help="How --phrases scores a pair: word2phrase's formula, or normalised PMI.",
        ),
        click.option(
            "--phrase-threshold",
            type=float,
            default=None,
            help="Join pairs scoring above this [default: 10 with default scoring, 0.5 with npmi].",
        ),
    ]
    for d in reversed(decorators):
        f = d(f)
    return f


def _segment_options(
    lang,
    engine,
    user_dicts,
    auto_dict,
    discover,
    hmm,
    stopwords,
    keep_punct,
    to_simplified,
    encoding,
    lines,
    max_line_tokens,
    phrases,
    phrase_scoring,
    phrase_threshold,
):
    from .segment import SegmentOptions

    return SegmentOptions(
        lang=lang,
        engine=engine,
        user_dicts=tuple(user_dicts),
        auto_dict=auto_dict,
        hmm=hmm,
        stopwords=tuple(stopwords),
        keep_punct=keep_punct,
        to_simplified=to_simplified,
        encoding=encoding,
        max_line_tokens=max_line_tokens,
        discover=discover,
        sentences=lines == "sentence",
        phrases=phrases,
        phrase_scoring=phrase_scoring,
        phrase_threshold=phrase_threshold,
    )


@cli.command()
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
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1),
    default=None,
    help="Worker processes [default: all cores]; output is identical for any value.",
)
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
def segment(inputs, outdir, jobs, audit, discover_words_file, fmt, **seg):
    """Segment raw text into lines of space-separated tokens: a paragraph per line (--lines sentence: a sentence).

    INPUT is a file, a directory (searched recursively for .txt, .txt.gz, .txt.bz2), - for stdin,
    or the name of a built-in corpus: xiyouji (西游记, Journey to the West).

    \b
    Examples:
      w2vkit segment xiyouji                       # the built-in novel
      w2vkit segment corpora/ -o segmented/ --stopwords zh
      w2vkit segment big.txt.gz --lang en --jobs 2
      w2vkit segment novel.txt --user-dict xiyouji --audit 30   # words to add to your dictionary
      w2vkit segment novel.txt --discover-words novel.dict      # the text's own words, as a dictionary
    """
    from .files import check_not_input, check_writable
    from .pipeline import segment_corpus

    if discover_words_file:
        check_not_input(discover_words_file, inputs, "discovered words")
        check_writable(discover_words_file)
    options = _segment_options(**seg)
    result = segment_corpus(list(inputs), outdir, options, jobs=jobs, progress=show_progress(), audit=bool(audit))
    if discover_words_file:
        from .pipeline import write_new_words

        write_new_words(discover_words_file, result.new_words)
        info(f"wrote {plural(len(result.new_words), 'discovered word')} -> {discover_words_file}")
    if audit and result.new_words:
        info(
            f"{plural(len(result.new_words), 'new word')} found in the text and kept whole "
            f"(--no-discover to stop): "
            + " ".join(w.word for w in result.new_words[:audit])
            + (" …" if len(result.new_words) > audit else "")
        )
    if audit:
        info(
            f"the {audit} most frequent tokens no dictionary knows (words jieba's HMM made up; "
            "add the real ones to a --user-dict file):"
        )
    rows = [(i, w, c) for i, (w, c) in enumerate(result.top_unknown(audit), 1)]
    if fmt == "json":  # always one JSON object for scripts: the run, and the audit when asked
        summary = {
            "outdir": str(result.outdir),
            "files": [{"path": f.path, "output": f.output, "lines": f.lines, "tokens": f.tokens} for f in result.files],
            "lines": result.lines,
            "tokens": result.tokens,
            "distinct_tokens": result.distinct_tokens,
            "seconds": round(result.seconds, 3),
            "new_words": [w.word for w in result.new_words],
        }
        if audit:
            summary["unknown_tokens"] = len(result.unknown)
        render(["rank", "unknown_token", "count"], rows, fmt, summary)
    elif audit:
        render(["rank", "unknown_token", "count"], rows, fmt, {"unknown_tokens": len(result.unknown)})
    info(
        f"segmented {plural(len(result.files), 'file')}: {plural(result.lines, 'line')}, "
        f"{plural(result.tokens, 'token')}, {result.distinct_tokens:,} distinct "
        f"in {result.seconds:.1f} s -> {result.outdir}/"
    )


# --------------------------------------------------------------------------- train & model files


@cli.command()
@click.argument("inputs", nargs=-1, required=True, metavar="CORPUS...")
@click.option("-o", "--output", default=None, metavar="DIR", help="Model directory [default: models/<corpus name>].")
@click.option(
    "--arch",
    type=click.Choice(["cbow", "skipgram"]),
    default=None,
    help="Architecture [default: cbow; measured better on both corpora, see README].",
)
@click.option("--sg", "arch_flag", flag_value="skipgram", help="Same as --arch skipgram.")
@click.option("--cbow", "arch_flag", flag_value="cbow", help="Same as --arch cbow.")
@click.option(
    "--dim", default=None, type=click.IntRange(1), help="Vector size [default: 100 below 2M tokens, else 200]."
)
@click.option("--window", default=None, type=click.IntRange(1), help="Context window [default: 8].")
@click.option(
    "--min-count", default=5, show_default=True, type=click.IntRange(1), help="Ignore words seen fewer times."
)
@click.option(
    "--epochs",
    default=None,
    type=click.IntRange(1),
    help="Passes over the corpus [default: 80 below 2M tokens, else 10].",
)
@click.option("--negative", default=None, type=click.IntRange(0), help="Negative samples [default: 10].")
@click.option("--hs", is_flag=True, help="Hierarchical softmax (use with --negative 0).")
@click.option(
    "--sample",
    default=None,
    type=float,
    help="Down-sampling of frequent words [default: 1e-3 below 2M tokens, else 1e-4].",
)
@click.option(
    "--alpha",
    default=None,
    type=float,
    help="Initial learning rate [default: 0.05 for CBOW from 2M tokens, else gensim's 0.025].",
)
@click.option("--min-alpha", default=0.0001, show_default=True, type=float, help="Final learning rate.")
@click.option("--workers", default=None, type=click.IntRange(1), help="Training threads [default: all cores].")
@click.option("--seed", default=1, show_default=True, type=int, help="Random seed.")
@click.option(
    "--deterministic", is_flag=True, help="Bit-identical vectors on a rerun with the same seed (trains on one thread)."
)
@click.option("--max-vocab", default=None, type=click.IntRange(1), help="Keep at most this many words.")
@click.option(
    "--subwords/--no-subwords",
    default=None,
    help="Character n-grams (fastText's subword model) [default: on for Chinese, off for English].",
)
@click.option(
    "--min-n", default=2, show_default=True, type=click.IntRange(1), help="Shortest character n-gram, with subwords."
)
@click.option(
    "--max-n", default=3, show_default=True, type=click.IntRange(1), help="Longest character n-gram, with subwords."
)
@click.option(
    "--word-weight",
    default=None,
    metavar="W|gensim",
    help="With subwords: weight of a word's own vector against its n-grams' mean (0-1), "
    "or gensim's composition [default: 0.3; with --resume, the model's].",
)
@click.option(
    "--add-context/--no-add-context",
    default=None,
    help="Save each word's vector plus its context vector (w+c) [default: on from 2M tokens, off below].",
)
@click.option(
    "--remove-top",
    default=None,
    type=click.IntRange(0),
    metavar="N",
    help="Remove the mean and the top N principal directions from the vectors [default: 2 from 2M tokens, else 0].",
)
@click.option(
    "--method",
    type=click.Choice(list(METHODS)),
    default=None,
    help=f"word2vec (gensim), ppmi (a count model: PPMI + SVD) or hybrid (both side by side) "
    f"[default: {DEFAULT_METHOD} below {HYBRID_MAX_TOKENS // 1_000_000}M tokens, else word2vec].",
)
@click.option(
    "--count-weight",
    default=None,
    type=click.FloatRange(0, 1),
    metavar="W",
    help=f"hybrid: the count model's share of each cosine [default: {DEFAULT_COUNT_WEIGHT}].",
)
@click.option(
    "--count-dim", default=None, type=click.IntRange(1), help=f"Count model dimensions [default: {COUNT_DEFAULTS.dim}]."
)
@click.option(
    "--count-window",
    default=None,
    type=click.IntRange(1),
    help=f"Count model window [default: {COUNT_DEFAULTS.window}].",
)
@click.option(
    "--count-weighting",
    type=click.Choice(list(WEIGHTINGS)),
    default=None,
    help=f"How a context d words away counts: 1/d, (window-d+1)/window or 1 [default: {COUNT_DEFAULTS.weighting}].",
)
@click.option(
    "--count-eig",
    default=None,
    type=float,
    help=f"Power of the singular values in the count vectors [default: {COUNT_DEFAULTS.eig}].",
)
@click.option("--segmented", is_flag=True, help="CORPUS is already tokenised (space-separated).")
@click.option("--resume", default=None, metavar="DIR", help="Continue training this model on CORPUS.")
@segmentation_options
@click.option("-j", "--jobs", type=click.IntRange(1), default=None, help="Segmentation processes.")
@FORMAT_OPTION
@verbosity
def train(inputs, output, arch, arch_flag, word_weight, segmented, resume, jobs, fmt, **rest):
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
    """
    from dataclasses import fields

    from .train import TrainOptions, default_output
    from .train import train as run_train

    names = {f.name for f in fields(TrainOptions)}
    options = TrainOptions(
        arch=arch or arch_flag or "cbow",
        word_weight=_word_weight(word_weight),
        **{k: v for k, v in rest.items() if k in names},
    )
    seg = {k: v for k, v in rest.items() if k not in names}
    result = run_train(
        list(inputs),
        output or resume or default_output(list(inputs)),
        options,
        None if segmented else _segment_options(**seg),
        resume=resume,
        jobs=jobs,
        progress=show_progress(),
        max_line_tokens=seg["max_line_tokens"],
    )
    if fmt == "json":
        click.echo(to_json(result.to_dict()))
    o = result.options
    arch = f"{o.arch}+subwords({o.min_n}-{o.max_n})" if o.subwords else o.arch
    c = o.count_options()
    count = f"count model (PPMI+SVD) dim={c.dim} window={c.window}"
    what = {
        "word2vec": f"{arch} dim={o.dim} window={o.window} epochs={o.epochs}",
        "hybrid": f"{arch} dim={o.dim} window={o.window} epochs={o.epochs} + {count}, weight {o.count_weight}",
        "ppmi": count,
    }[o.method]
    info(
        f"trained {what} on "
        f"{plural(result.tokens, 'token')}{' (cached segmentation)' if result.cached_corpus else ''}: "
        f"{plural(result.vocab_size, 'word')} in {result.seconds:.1f} s "
        f"({result.words_per_second:,.0f} words/s) -> {result.model_dir}/"
    )


def _word_weight(value: str | None) -> float | str | None:
    if value is None or value == "gensim":
        return value
    try:
        return float(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a number from 0 to 1 or 'gensim'", param_hint="'--word-weight'"
        ) from None


@cli.command()
@click.argument("model_dir", metavar="MODEL")
@click.option("-o", "--output", required=True, metavar="DIR", help="Model directory to create.")
@click.option("--add-context", is_flag=True, help="Add each word's context vector (w2vkit-trained models only).")
@click.option(
    "--remove-top",
    default=0,
    type=click.IntRange(0),
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
    from .postprocess import Steps, postprocess_model

    steps = Steps(add_context, remove_top)
    path, meta = postprocess_model(model_dir, output, steps)
    done = ", ".join(_step_name(s) for s in steps.describe())
    info(f"{done}: {plural(meta['vocab_size'], 'word')} in {meta['timings']['postprocess_seconds']:.1f} s -> {path}/")


def _step_name(step: dict) -> str:
    return "add context" if step["step"] == "add_context" else f"remove top {step.get('components')}"


@cli.command(name="info")
@MODEL_OPTION
@click.option("--top", default=20, show_default=True, type=click.IntRange(0), help="Most frequent words to show.")
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
    model = load_model_for(model_path, verify=True if verify else None)
    meta = model.meta
    if fmt == "json":
        click.echo(
            to_json(
                {
                    "path": str(model.path),
                    "meta": meta,
                    "top_words": [[w, int(c)] for w, c in zip(model.words[:top], model.counts[:top])],
                }
            )
        )
        return
    hp = meta.get("hyperparameters", {})
    lines = [
        f"model       {model.path}",
        f"vocabulary  {len(model):,} words x {model.dim} dimensions",
        f"format      w2vkit v{meta.get('format_version')} (w2vkit {meta.get('w2vkit_version')}, "
        f"gensim {meta.get('gensim_version', '-')})",
    ]
    method = hp.get("method") or "word2vec"
    if method != "word2vec":
        c = meta.get("count_model") or {}
        lines.append(
            f"method      {method}"
            + (f", count weight {hp.get('count_weight')}" if method == "hybrid" else "")
            + f" (count model: dim {c.get('dim')}, window {c.get('window')}, {c.get('weighting')}, "
            f"eig {c.get('eig')}{', w+c' if c.get('add_context') else ''})"
        )
    if "arch" in hp and method != "ppmi":
        arch = (
            f"{hp['arch']}+subwords({hp['min_n']}-{hp['max_n']}, word weight {hp.get('word_weight')})"
            if hp.get("subwords")
            else hp["arch"]
        )
        lines.append(
            f"training    {arch} window={hp['window']} epochs={hp['epochs']} "
            f"negative={hp['negative']} min_count={hp['min_count']} sample={hp['sample']}"
            + (f" alpha={hp['alpha']}" if hp.get("alpha") else "")
        )
    if meta.get("postprocess"):
        lines.append("postprocess " + ", ".join(_step_name(s) for s in meta["postprocess"]))
    corpus = meta.get("corpus")
    if corpus:
        lines.append(
            f"corpus      {plural(corpus['tokens'], 'token')} from "
            + ", ".join(Path(i["path"]).name for i in corpus["inputs"])
        )
    if meta.get("source"):
        lines.append(f"imported    from {meta['source']['path']}")
    timings = meta.get("timings", {})
    if "train_seconds" in timings:
        lines.append(f"timings     {timings['train_seconds']:.1f} s training, {timings['words_per_second']:,} words/s")
    losses = meta.get("losses_per_epoch")
    if losses:
        lines.append(f"loss        first epoch {losses[0]:,.0f}, last {losses[-1]:,.0f}")
    if top:
        lines.append("top words   " + " ".join(model.words[:top]))
    click.echo(terminal_safe("\n".join(lines), keep_newlines=True))


@cli.command(name="export")
@MODEL_OPTION
@format_option(["word2vec-bin", "word2vec-txt", "projector"], "word2vec-bin", "File format.")
@click.option("-o", "--output", required=True, metavar="PATH", help="Output file (a directory for projector).")
@verbosity
def export_cmd(model_path, fmt, output):
    """Export vectors for other tools: word2vec binary/text, or TensorFlow Embedding Projector TSVs.

    \b
    Examples:
      w2vkit export --format word2vec-bin -o xiyouji.bin
      w2vkit export --format projector -o projector/    # vectors.tsv + metadata.tsv
    """
    from .interop import export_model

    model = load_model_for(model_path)
    paths = export_model(model, fmt, output)
    info(f"exported {plural(len(model), 'word')} -> " + ", ".join(str(p) for p in paths))


@cli.command(name="import")
@click.argument("file", metavar="FILE")
@click.option("-o", "--output", required=True, metavar="DIR", help="Model directory to create.")
@click.option("--limit", default=None, type=click.IntRange(1), help="Read only the first N vectors.")
@click.option("--binary/--text", default=None, help="File format [default: by extension, .bin is binary].")
@verbosity
def import_cmd(file, output, limit, binary):
    """Import word2vec binary/text or fastText .vec vectors (GoogleNews, Tencent, ...).

    \b
    Examples:
      w2vkit import GoogleNews-vectors-negative300.bin -o models/google --limit 500000
      w2vkit import cc.zh.300.vec -o models/fasttext-zh
    """
    from .interop import import_word2vec

    path, meta = import_word2vec(file, output, limit=limit, binary=binary, progress=show_progress())
    bad = meta["keys_with_bad_utf8"]
    info(
        f"imported {plural(meta['imported_words'], 'word')} x {meta['hyperparameters']['dim']} "
        f"in {meta['timings']['import_seconds']:.1f} s -> {path}/"
        + (f" ({bad} keys had invalid UTF-8, repaired with U+FFFD)" if bad else "")
    )


# --------------------------------------------------------------------------- queries

RESTRICT_OPTION = click.option(
    "--restrict-vocab",
    type=click.IntRange(1),
    default=None,
    metavar="N",
    help="Search only the N most frequent words (fast on large imported models).",
)


@cli.command()
@click.argument("words", nargs=-1, required=True, metavar="WORD...")
@click.option("--minus", multiple=True, metavar="WORD", help="Subtract this word (repeatable).")
@TOPN_OPTION
@RESTRICT_OPTION
@MODEL_OPTION
@FORMAT_OPTION
@verbosity
def similar(words, minus, topn, restrict_vocab, model_path, fmt):
    """Nearest neighbours of a word, or of the sum of WORDs minus the --minus words.

    \b
    Examples:
      w2vkit similar 孙悟空
      w2vkit similar king woman --minus man -n 5
      w2vkit similar paris --format json --restrict-vocab 30000
    """
    results = engine_for(model_path).most_similar(list(words), list(minus), topn, restrict_vocab)
    rows = [(i, w, s) for i, (w, s) in enumerate(results, 1)]
    render(["rank", "word", "similarity"], rows, fmt, {"positive": list(words), "negative": list(minus)})


@cli.command()
@click.argument("source", default="-", metavar="[FILE|-]")
@click.option(
    "--method",
    type=click.Choice(["sif", "mean"]),
    default="sif",
    show_default=True,
    help="sif: smooth-inverse-frequency weights minus the common component; mean: the words' unit vectors averaged.",
)
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
    from .embed import Embedder, read_texts, write_vectors
    from .files import atomic_output, check_not_input, check_writable

    check_not_input(output, [source], "vectors")
    check_writable(output)
    engine = engine_for(model_path)
    texts = read_texts(source)
    embedded = Embedder(engine.model, method).embed(texts)
    with atomic_output(output) as f:
        write_vectors(embedded, fmt, f)
    info(
        f"embedded {plural(len(texts), 'line')} ({method}, {embedded.vectors.shape[1]} dimensions); "
        f"{plural(embedded.unknown, 'unknown token')} left out, {plural(len(embedded.empty), 'line')} with no known word"
    )


@cli.command()
@click.argument("query")
@click.option("--in", "source", required=True, metavar="FILE", help="The file whose lines are searched (- for stdin).")
@click.option("--method", type=click.Choice(["sif", "mean"]), default="sif", show_default=True, help="As for embed.")
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
    from .embed import Embedder, search_file

    engine = engine_for(model_path)
    found = search_file(Embedder(engine.model, method), query, source, topn, progress=show_progress())

    def shown(text):  # a table keeps to a line per hit; tsv and json give the whole line
        text = text.strip() if fmt == "table" else text
        return text if fmt != "table" or len(text) <= 60 else text[:60] + "…"

    render(["line", "score", "text"], [(h.line, h.score, shown(h.text)) for h in found.hits], fmt, {"query": query})
    info(f"searched {plural(found.lines, 'line')} ({method}); {found.empty:,} blank or with no known word")


@cli.command()
@click.argument("words", nargs=-1, required=True, metavar="A B [C D ...]")
@MODEL_OPTION
@FORMAT_OPTION
@verbosity
def similarity(words, model_path, fmt):
    """Cosine similarity of each pair of words.

    \b
    Examples:
      w2vkit similarity 孙悟空 猪八戒
      w2vkit similarity king queen man woman --format tsv
    """
    if len(words) % 2:
        raise click.UsageError("give words in pairs: A B [C D ...]")
    engine = engine_for(model_path)
    rows = [(a, b, engine.similarity(a, b)) for a, b in zip(words[::2], words[1::2])]
    render(["a", "b", "similarity"], rows, fmt)


@cli.command()
@click.argument("a")
@click.argument("b")
@click.argument("c")
@click.option(
    "--method",
    type=click.Choice(["add", "mul"]),
    default="add",
    show_default=True,
    help="3CosAdd (most_similar) or 3CosMul (most_similar_cosmul).",
)
@TOPN_OPTION
@RESTRICT_OPTION
@MODEL_OPTION
@FORMAT_OPTION
@verbosity
def analogy(a, b, c, method, topn, restrict_vocab, model_path, fmt):
    """A + B - C: `analogy king woman man` answers queen.

    The order is spelled out because tools disagree: the word2vec C tool computes B - A + C and
    fastText A - B + C. The equation computed is printed on stderr.

    \b
    Examples:
      w2vkit analogy king woman man
      w2vkit analogy 国王 女人 男人 --method mul
    """
    results = engine_for(model_path).analogy(a, b, c, method, topn, restrict_vocab)
    if results:
        info(f"{a} + {b} − {c} ≈ {results[0][0]} {results[0][1]:.2f}")
    rows = [(i, w, s) for i, (w, s) in enumerate(results, 1)]
    render(["rank", "word", "score"], rows, fmt, {"equation": f"{a} + {b} - {c}", "method": method})


@cli.command(name="doesnt-match")
@click.argument("words", nargs=-1, required=True, metavar="W1 W2 W3...")
@MODEL_OPTION
@FORMAT_OPTION
@verbosity
def doesnt_match(words, model_path, fmt):
    """The word that fits least with the others (furthest from their mean).

    \b
    Examples:
      w2vkit doesnt-match 孙悟空 猪八戒 沙僧 金箍棒
      w2vkit doesnt-match breakfast lunch dinner car --format json
    """
    odd, ranked = engine_for(model_path).doesnt_match(list(words))
    info(f"{odd} doesn't match " + " ".join(w for w in words if w != odd))
    render(["word", "similarity_to_mean"], ranked, fmt, {"doesnt_match": odd})


@cli.command()
@TOPN_OPTION
@RESTRICT_OPTION
@MODEL_OPTION
@FORMAT_OPTION
@verbosity
def shell(topn, restrict_vocab, model_path, fmt):
    """Interactive queries with the model kept loaded.

    \b
    At the prompt:
      孙悟空              neighbours
      king + woman - man  neighbours of an expression
      孙悟空 ~ 猪八戒     cosine similarity
      :help, :quit, Ctrl-D
    """
    from .shell import run

    run(engine_for(model_path), sys.stdin, sys.stdout, topn, restrict_vocab, fmt)


# --------------------------------------------------------------------------- plot


@cli.command()
@click.argument("words", nargs=-1, metavar="[WORD...]")
@click.option(
    "-k",
    "--neighbors",
    default=10,
    show_default=True,
    type=click.IntRange(1),
    help="Neighbours shown around each WORD.",
)
@click.option(
    "--top",
    default=None,
    type=click.IntRange(3),
    help="Without WORDs: how many frequent words to map [default: 300 for an image, 5,000 for .html].",
)
@click.option(
    "--method",
    type=click.Choice(["tsne", "pca"]),
    default="tsne",
    show_default=True,
    help="t-SNE (scikit-learn; openTSNE from 2,000 words) or the faster PCA.",
)
@click.option(
    "-o",
    "--output",
    default=None,
    metavar="FILE",
    help="Image (.png, .svg, .pdf) or interactive map (.html) [default: plots/<model>-<method>.png].",
)
@click.option("--font", default=None, metavar="PATH", help="Font file for the labels of an image (a CJK font).")
@click.option("--seed", default=0, show_default=True, type=int, help="Seed for a reproducible t-SNE.")
@MODEL_OPTION
@verbosity
def plot(words, neighbors, top, method, output, font, seed, model_path):
    """Draw a 2-D map of the vector space with labelled words.

    \b
    Which output to use:
      .png/.svg/.pdf  a picture to put in a report: up to a few hundred labels
                      (larger maps label the most frequent words that fit)
      .html           one self-contained page to explore thousands of words offline:
                      pan, zoom, hover, search a word to see its nearest neighbours
      export --format projector   TensorFlow's Embedding Projector (3-D, PCA/UMAP
                      live), when you can upload files to its web page

    \b
    Examples:
      w2vkit plot                                   # the 300 most frequent words
      w2vkit plot 孙悟空 猪八戒 唐僧 沙僧 --neighbors 8 -o characters.png
      w2vkit plot king queen paris --method pca -o map.svg
      w2vkit plot --top 20000 -o map.html           # explore in a browser
    """
    from .plot import output_format
    from .plot import plot as draw

    engine = engine_for(model_path)
    out = output or f"plots/{engine.model.path.name}-{method}.png"
    html = output_format(out) == "html"
    top = top or (5000 if html else 300)
    if method == "tsne":
        info(
            f"t-SNE of {'the ' + format(top, ',') + ' most frequent words' if not words else 'the words and their neighbours'}..."
        )
    bar = []

    def progress(done, total):
        if not show_progress():
            return
        if not bar:
            from tqdm import tqdm

            bar.append(tqdm(total=total, desc="t-SNE", unit="it", file=sys.stderr, dynamic_ncols=True))
        bar[0].n = done
        bar[0].refresh()

    try:
        result = draw(engine, out, words, neighbors, top, method, font, seed, progress=progress)
    finally:
        if bar:
            bar[0].close()
    # (a missing CJK font is warned about once, by the library's logger)
    labelled = f" (labelled the {result.labels:,} most frequent that fit)" if result.labels < result.points else ""
    info(
        f"plotted {plural(result.points, 'word')}{labelled} in {result.groups} group{'s' if result.groups != 1 else ''} "
        f"({result.seconds:.1f} s, font {result.font_source or 'matplotlib default, no CJK glyphs'}) "
        f"-> {result.path}"
    )


# --------------------------------------------------------------------------- evaluate


@cli.command()
@MODEL_OPTION
@click.option(
    "--analogies",
    multiple=True,
    metavar="SET",
    help="Analogy set: a file, or google, ca8-morphological, ca8-semantic (repeatable).",
)
@click.option(
    "--pairs",
    multiple=True,
    metavar="SET",
    help="Word-pair set: a file, or wordsim353, simlex999, wordsim240, wordsim297 (repeatable).",
)
@click.option(
    "--groups",
    multiple=True,
    metavar="SET",
    help="Alias groups (one group of names per line): a file, or xiyouji-aliases, sanguo-aliases, hongloumeng-aliases.",
)
@click.option(
    "--restrict-vocab",
    default=30000,
    show_default=True,
    type=click.IntRange(1),
    help="Only the N most frequent words answer and count as known (as published numbers).",
)
@click.option(
    "--method",
    type=click.Choice(["add", "mul", "both"]),
    default="add",
    show_default=True,
    help="Analogy method: 3CosAdd, 3CosMul or both.",
)
@click.option(
    "--data-dir", default=None, metavar="DIR", help="Folder of the CA8 and wordsim sets [default: $W2VKIT_DATA]."
)
@click.option("--sections", is_flag=True, help="Show the accuracy of every analogy section.")
@FORMAT_OPTION
@verbosity
def evaluate(model_path, analogies, pairs, groups, restrict_vocab, method, data_dir, sections, fmt):
    """Score a model on analogy, word-similarity and alias benchmarks.

    With no set given, the sets for the model's language: google, wordsim353, simlex999 for
    English; CA8 and wordsim240/297 for Chinese (found with --data-dir or $W2VKIT_DATA), plus
    xiyouji-aliases / sanguo-aliases / hongloumeng-aliases for a model of Journey to the West /
    the Three Kingdoms / the Dream of the Red Chamber.

    \b
    Examples:
      w2vkit evaluate -m models/enwiki
      w2vkit evaluate -m models/xiyouji --data-dir ../shared/eval/zh
      w2vkit evaluate --analogies google --method both --restrict-vocab 30000 --format json
      w2vkit evaluate --pairs my-pairs.tsv --groups xiyouji-aliases
    """
    from .evaluate import REPORT_COLUMNS, default_sets, report_rows, run_evaluation

    engine = engine_for(model_path)
    skipped = []
    if not (analogies or pairs or groups):
        choice = default_sets(engine, data_dir)
        skipped = choice.skipped
        analogies, pairs, groups = choice.analogies, choice.pairs, choice.groups
        reasons: dict[str, list[str]] = {}
        for name, why in choice.skipped:
            reasons.setdefault(why, []).append(name)
        for why, names in reasons.items():
            info(f"skipped {', '.join(names)}: {why}")
        if not (analogies or pairs or groups):
            raise click.UsageError(
                "no evaluation set for this model could be found; name one with --analogies, --pairs or --groups"
            )
    report = run_evaluation(
        engine, analogies, pairs, groups, restrict_vocab, ["add", "mul"] if method == "both" else [method], data_dir
    )
    report["skipped"] = [{"set": name, "reason": why} for name, why in skipped]
    if fmt == "json":
        click.echo(to_json(report))
    else:
        render(list(REPORT_COLUMNS), report_rows(report, sections), fmt)
    info(f"model {engine.model.path}, restrict_vocab={restrict_vocab}")


for _command in ANALYSIS_COMMANDS:
    cli.add_command(_command)


def main():
    cli(prog_name="w2vkit")
