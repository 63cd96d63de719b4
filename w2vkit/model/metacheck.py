"""meta.json's fields checked on load: each field w2vkit reads has the type it expects (and the
fields `info` and the queries need are there), so an edited or damaged meta.json is one line
naming the file and the field, not a KeyError or TypeError from deep inside a command. Only types
and presence are checked here (a few dozen fields: microseconds); values that need the vectors
(checksums, non-finite rows) are store's, scanned by `info --verify`.

A spec is a type or a tuple of types, a dict (a nested object: its keys' specs; a key starting
with "!" must be present when the object is; the key "*" alone: any keys, each value that spec),
or a one-element list (a list of that spec)."""

from __future__ import annotations

from ..base.choices import MIXED, SIMILARITIES
from ..errors import CorruptModelError

NONE = type(None)
NUMBER = (int, float)
MAYBE_INT = (int, NONE)
MAYBE_NUMBER = (int, float, NONE)
POSITIVE = "positive"  # an int of at least 1
# a segmented text's copy in the corpus cache, as the model's corpus and its background record it
# (w2vkit.text.corpus.corpuscache.model_corpus reads it only through its checks)
CACHE_RECORD = {"cache": str, "cache_sha256": str, "cache_bytes": int, "cache_lines": int, "file_starts": [POSITIVE]}

SCHEMA: dict = {
    "format_version": int,
    "vocab_size": int,
    "dim": int,
    "vectors_sha256": str,
    "vocab_sha256": str,
    "vocab_bytes": int,
    "dropped_bytes": int,
    "dropped_sha256": str,
    "w2vkit_version": str,
    "gensim_version": (str, NONE),
    "hyperparameters": {
        "arch": str,
        "dim": MAYBE_INT,
        "window": MAYBE_INT,
        "min_count": int,
        "epochs": MAYBE_INT,
        "negative": MAYBE_INT,
        "sample": MAYBE_NUMBER,
        "alpha": MAYBE_NUMBER,
        "seed": int,
        "subwords": (bool, NONE),
        "min_n": int,
        "max_n": int,
        "word_weight": (int, float, str, NONE),
        "method": (str, NONE),
        "count_weight": MAYBE_NUMBER,
        "remove_top": MAYBE_INT,
    },
    "segmentation": {
        "lang": str,
        "engine": str,
        "user_dicts": [(dict, str)],
        "stopwords": [(dict, str)],
        "max_line_tokens": POSITIVE,
        "new_words": [(str, list)],
        "phrases": int,
    },
    "corpus": {
        "inputs": [{"!path": str, "table": str, "table_sha256": str, "where": {"*": str}}],
        "!tokens": int,
        **CACHE_RECORD,
    },  # (a member: tokens only)
    "ngrams": {"count": int, "min_n": int, "max_n": int, "dim": int},
    "count_model": {
        "dim": int,
        "window": int,
        "narrow_share": NUMBER,
        "dirichlet": MAYBE_NUMBER,
        "narrow_window": int,
        "layout": {"!predictive_dim": int, "!count_dim": int},
    },
    "timings": {"train_seconds": NUMBER, "words_per_second": NUMBER},
    "source": {"!path": str},
    "postprocess": [{"!step": str}],
    "losses_per_epoch": [NUMBER],
    "members": {
        "!kind": str,
        "!members": [{"!path": str, "!vectors_sha256": str, "seed": int}],
        "unit": str,
        "documents": POSITIVE,
        "lines": POSITIVE,
        "seconds": NUMBER,
    },
    # each kind of similarity's view (w2vkit.model.views): only the known kinds, each an object
    "views": {kind: {"!sha256": str, "!bytes": int} for kind in SIMILARITIES if kind != MIXED},
    "member": {"!number": POSITIVE, "seed": int, "draw": [int]},
    # the texts read beside the model's (w2vkit.training.background)
    # (texts: inputs, tokens and their cache copy; a model: which, and its tokens when trained)
    "background": {
        "inputs": [{"!path": str, "!sha256": str}],
        "model": {"!path": str, "!vectors_sha256": str, "dim": int, "words": int, "view": str},
        "tokens": POSITIVE,
        **CACHE_RECORD,
    },
    "items": {"sequences": int, "cut": int, "labels": str, "labels_sha256": str, "holdout": str, "labelled": int},
    # the metadata a user brought with the vectors (w2vkit.model.metadata): its file and columns
    "metadata": {"!file": str, "!sha256": str, "!columns": [str]},
}


def check_meta(meta: dict, where, schema: dict = SCHEMA) -> None:
    """Raise CorruptModelError naming `where` (meta.json's path) and the first field whose type
    (or presence) is not what w2vkit reads."""
    problem = _problem(meta, schema, "")
    views = meta.get("views") if isinstance(meta, dict) and schema is SCHEMA else None
    if problem is None and isinstance(views, dict):
        unknown = [k for k in views if k not in schema["views"]]
        if unknown:
            problem = f"field 'views' names {unknown[0]!r}, not a kind of similarity ({', '.join(schema['views'])})"[
                :200
            ]
    background = meta.get("background") if isinstance(meta, dict) and schema is SCHEMA else None
    if problem is None and isinstance(background, dict) and "model" not in background:
        missing = [k for k in ("inputs", "tokens") if k not in background]  # (texts: both; a model: its record)
        if missing:
            problem = (
                f"field 'background.{missing[0]}' is missing (a background is texts with their tokens, or a model)"
            )
    if problem:
        raise CorruptModelError(f"{where}: {problem}; retrain or re-import the model")


def _problem(value, spec, name: str) -> str | None:
    if isinstance(spec, dict):
        if not isinstance(value, dict):
            return f"field {name!r} should be an object, not {_kind(value)}" if name else "not a JSON object"
        if list(spec) == ["*"]:  # (a mapping: any keys, each value of one spec)
            return next(
                (p for k, v in value.items() if (p := _problem(v, spec["*"], f"{name}.{k}"[:80])) is not None), None
            )
        for key, inner in spec.items():
            required = key.startswith("!")
            key = key.lstrip("!")
            field = f"{name}.{key}" if name else key
            if key not in value:
                if required:
                    return f"field {field!r} is missing"
                continue
            if value[key] is None and not required and not _allows_none(inner):
                continue  # (an absent value, as older models record it)
            problem = _problem(value[key], inner, field)
            if problem:
                return problem
        return None
    if isinstance(spec, list):
        if not isinstance(value, list):
            return f"field {name!r} should be a list, not {_kind(value)}"
        for n, item in enumerate(value):
            problem = _problem(item, spec[0], f"{name}[{n}]")
            if problem:
                return problem
        return None
    if spec == POSITIVE:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            return f"field {name!r} should be a whole number of at least 1, not {value!r}"[:200]
        return None
    kinds = spec if isinstance(spec, tuple) else (spec,)
    if isinstance(value, bool) and bool not in kinds:  # (a bool is an int to Python, not to meta.json)
        return f"field {name!r} should be {_names(kinds)}, not a boolean"
    if not isinstance(value, kinds):
        return f"field {name!r} should be {_names(kinds)}, not {_kind(value)}"
    return None


def _allows_none(spec) -> bool:
    return isinstance(spec, tuple) and NONE in spec


def _kind(value) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", NONE: "null"}.get(
        type(value), "a number" if isinstance(value, (int, float)) else type(value).__name__
    )


def _names(kinds) -> str:
    words = {dict: "an object", list: "a list", str: "a string", int: "a whole number", float: "a number"}
    named = [words.get(k, "") for k in kinds if k is not NONE and k is not bool]
    if bool in kinds:
        named.append("true or false")
    if float in kinds and int in kinds:
        named.remove("a whole number")
    return " or ".join(n for n in named if n) + (" (or null)" if NONE in kinds else "")
