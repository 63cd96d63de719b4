"""What `info` says about a model: its metadata, as a Result (its JSON) or a few aligned lines."""

from __future__ import annotations

from pathlib import Path

from ..base.choices import DEFAULT_TOP_WORDS, DEFAULT_VIEWS, MIXED, SIMILARITIES
from ..base.results import Result
from ..model.members import describe_members
from ..model.postprocess import step_label
from ..model.store import Model
from ..model.views import view_file


def model_record(model: Model, top: int = DEFAULT_TOP_WORDS) -> Result:
    """The model as a Result (`info --format json` prints its to_dict()): its path, the sizes of its
    parts and its meta.json as fields, and a row per one of its `top` most frequent words."""
    from .. import __version__

    rows = [(rank, w, int(c)) for rank, (w, c) in enumerate(zip(model.words[:top], model.counts[:top]), 1)]
    fields = {"path": str(model.path), "sizes": part_sizes(model.path), "meta": model.meta}
    made = {"model": str(model.path), "vectors_sha256": model.meta.get("vectors_sha256"), "w2vkit_version": __version__}
    return Result("info", ["rank", "word", "count"], rows, fields, provenance=made)


def summary_lines(model: Model, top: int = DEFAULT_TOP_WORDS) -> list[str]:
    """The model in a few lines for people: size, format, how it was trained or imported, timings,
    loss, and its `top` most frequent words. Fields a model lacks (an imported one has no
    training) are left out."""
    meta = model.meta
    hp = meta.get("hyperparameters", {})
    layout = (meta.get("count_model") or {}).get("layout") or {}
    parts = f": {layout['predictive_dim']} predictive + {layout['count_dim']} count" if layout else ""
    lines = [
        f"model       {model.path}",
        f"vocabulary  {len(model):,} words x {model.dim} dimensions{parts}",
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
            f"eig {c.get('eig')}{', w+c' if c.get('add_context') else ''}"
            + (f", Dirichlet-smoothed PPMI (pseudo-count {c['dirichlet']:g})" if c.get("dirichlet") else "")
            + (
                f"; beside it a narrow count, window {c.get('narrow_window')}, {c['narrow_share']:g} of its cosine"
                if c.get("narrow_share")
                else ""
            )
            + ")"
        )
    if "arch" in hp and method != "ppmi":
        arch = (
            f"{hp['arch']}+subwords({hp.get('min_n')}-{hp.get('max_n')}, word weight {hp.get('word_weight')})"
            if hp.get("subwords")
            else hp["arch"]
        )
        lines.append(
            f"training    {arch} window={hp.get('window')} epochs={hp.get('epochs')} "
            f"negative={hp.get('negative')} min_count={hp.get('min_count')} sample={hp.get('sample')}"
            + (f" alpha={hp['alpha']}" if hp.get("alpha") else "")
        )
    if meta.get("postprocess"):
        lines.append("postprocess " + ", ".join(step_label(s) for s in meta["postprocess"]))
    corpus = meta.get("corpus")
    if corpus:
        names = ", ".join(_input_name(i) for i in corpus.get("inputs", [])) or "resampled documents"
        tokens = corpus["tokens"]
        lines.append(f"corpus      {tokens:,} token{'' if tokens == 1 else 's'} from {names}")
    background = meta.get("background")
    views = meta.get("views")
    if background:  # (w2vkit.training.background, and its own words: w2vkit.training.backgroundwords)
        own = ((views or {}).get("background") or {}).get("own_words") if isinstance(views, dict) else None
        kept = f"; {own['count']:,} of its own words kept (similar --background-words)" if isinstance(own, dict) else ""
        lines.append(f"background  {background_summary(background)}, read beside the corpus{kept}")
    if isinstance(views, dict) and views:  # (w2vkit.model.views)
        kinds = ", ".join(
            f"{name} (from the background model)"
            if v.get("from") == "model"
            else f"{name} (count window {(v.get('count_model') or {}).get('window')}, weight {v.get('weight')})"
            for name, v in views.items()
            if isinstance(v, dict)
        )
        default = next((kind for kind in DEFAULT_VIEWS if kind in views), MIXED)
        lines.append(f"similarity  {kinds}, mixed (its vectors): --similarity [default: {default}]")
    members = describe_members(model)
    if members:
        lines.append(f"members     {members}")
    if meta.get("source"):
        lines.append(f"imported    from {meta['source']['path']}")
    timings = meta.get("timings", {})
    if "train_seconds" in timings:
        lines.append(f"timings     {timings['train_seconds']:.1f} s training, {timings['words_per_second']:,} words/s")
    losses = meta.get("losses_per_epoch")
    if losses:
        lines.append(f"loss        first epoch {losses[0]:,.0f}, last {losses[-1]:,.0f}")
    lines.append("files       " + ", ".join(f"{name} {_size(n)}" for name, n in part_sizes(model.path).items()))
    if "gensim_sha256" not in meta and meta.get("hyperparameters"):
        lines.append("            no training state: cannot be resumed or given postprocess --add-context")
    if top:
        lines.append("top words   " + " ".join(model.words[:top]))
    return lines


PARTS = {  # the parts of a model folder, in the words `info` uses
    "vectors": ("vectors.npy", "vocab.tsv"),
    "n-grams": ("ngrams.npy", "ngrams.tsv"),
    "members": ("members",),
    "training state": ("gensim",),
    "dictionaries": ("dicts",),
    "views": tuple(view_file(name) for name in SIMILARITIES[1:]),
}


def part_sizes(path: Path) -> dict[str, int]:
    """Bytes on disk of each part of a model folder that it has."""
    sizes = {}
    for part, names in PARTS.items():
        total, found = 0, False
        for name in names:
            p = Path(path) / name
            if p.is_file() and not p.is_symlink():
                total, found = total + p.stat().st_size, True
            elif p.is_dir() and not p.is_symlink():
                found = True
                total += sum(f.stat().st_size for f in p.rglob("*") if f.is_file() and not f.is_symlink())
        if found:
            sizes[part] = total
    return sizes


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{n / 1e3:.0f} kB"


def _input_name(record: dict) -> str:
    """An input as info names it: the file (a table by its own name), with the rows chosen."""
    name = Path(record.get("table") or record["path"]).name
    where = record.get("where") or {}
    return name + (f" (rows with {', '.join(f'{k}={v}' for k, v in where.items())})" if where else "")


def background_summary(background: dict) -> str:
    """A background record (w2vkit.training.background) in words: its texts and tokens, or the
    model whose vectors it is."""
    if background.get("model"):
        m = background["model"]
        size = f", {background['tokens']:,} tokens" if background.get("tokens") else ""
        return (
            f"the model {m['path']} ({m.get('words', 0):,} words, dim {m.get('dim')}, its {m.get('view')} "
            f"vectors{size}, sha256 {m['vectors_sha256'][:12]}…)"
        )
    names = ", ".join(f"{_input_name(i)} (sha256 {i['sha256'][:12]}…)" for i in background.get("inputs") or [])
    return f"{background['tokens']:,} tokens from {names}"
