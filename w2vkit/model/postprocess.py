"""Post-processing of trained word vectors: two cheap steps from the literature, recorded in meta.json.

* **add context**: each word's vector plus its context (output) vector, both at unit length first
  ("w+c"; Levy, Goldberg and Dagan 2015 found it helps similarity tasks). Needs the context
  vectors, which only training has: a model trained by w2vkit keeps them in its gensim state.
* **remove top D**: subtract the mean vector and the projections on the D top principal
  directions ("all-but-the-top", Mu and Viswanath 2018): the common directions every word shares
  carry frequency, not meaning.

`w2vkit train` applies the steps its options ask for (defaults by corpus size, chosen with
benchmarks/english_defaults.py); `w2vkit postprocess` applies them to a saved model, trained or
imported, and writes a new model directory: never silently. Every applied step is listed in
meta.json under "postprocess", in order.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import ModelError, OptionError, UsageError
from .dictcopies import copies_of
from .gensimstate import load_state
from .modelfolder import GENSIM_DIR, prepare_model_output
from .store import load_model, save_model

# Rows per block when summing the covariance in float64: 8,192 x 300 x 8 bytes = 20 MB at a time
# (65,536 rows made the block the largest temporary, +50 MiB at peak on the English model).
_BLOCK = 8192


@dataclass(frozen=True)
class Steps:
    add_context: bool = False
    remove_top: int = 0

    def __post_init__(self):
        if self.remove_top < 0:
            raise OptionError("{remove_top} must be 0 or more", "remove_top")

    def __bool__(self) -> bool:
        return self.add_context or self.remove_top > 0

    def describe(self) -> list[dict]:
        """As recorded in meta.json["postprocess"]."""
        out: list[dict] = []
        if self.add_context:
            out.append({"step": "add_context"})
        if self.remove_top:
            out.append({"step": "remove_top", "components": self.remove_top})
        return out


def step_label(step: dict) -> str:
    """A step as recorded in meta.json["postprocess"], in words: "add context", "remove top 2"."""
    return "add context" if step["step"] == "add_context" else f"remove top {step.get('components')}"


def _row_norms(x: np.ndarray) -> np.ndarray:
    """Row lengths without a temporary the size of x (np.linalg.norm squares all of x first)."""
    norms = np.sqrt(np.einsum("ij,ij->i", x, x, dtype=np.float32))
    return np.maximum(norms, np.float32(1e-12), out=norms)


def add_context(vectors: np.ndarray, context: np.ndarray) -> np.ndarray:
    """unit(w) + unit(c) per row, as a new array (the only array the size of the vectors made)."""
    if context.shape != vectors.shape:
        raise ValueError(f"context vectors {context.shape} do not match word vectors {vectors.shape}")
    out = np.array(vectors, dtype=np.float32)
    out /= _row_norms(out)[:, None]
    context_norms = _row_norms(np.asarray(context, dtype=np.float32))
    for start in range(0, len(out), _BLOCK):  # blocks: no temporary the size of the vectors
        rows = slice(start, start + _BLOCK)
        out[rows] += np.asarray(context[rows], dtype=np.float32) / context_norms[rows, None]
    return out


def remove_top(vectors: np.ndarray, components: int, in_place: bool = False) -> np.ndarray:
    """The vectors minus their mean, minus their projections on the top `components` principal
    directions of the centred vectors (the eigenvectors of their covariance). With in_place (the
    caller owns a float32 array it no longer needs), the array itself is changed and returned.

    Everything runs in blocks of rows: on the English model (67,903 x 200) post-processing had
    added 237 MiB to training's peak RSS (279 -> 516 MiB) with whole-array temporaries."""
    dim = vectors.shape[1]
    if components >= dim:
        raise OptionError(f"{{remove_top}} {components}: the vectors have only {dim} dimensions", "remove_top")
    owned = in_place and isinstance(vectors, np.ndarray) and vectors.dtype == np.float32
    out = vectors if owned else np.array(vectors, dtype=np.float32)  # one copy at most
    mean = out.mean(axis=0, dtype=np.float64)
    top = np.zeros((dim, 0), dtype=np.float32)
    if components:
        cov = np.zeros((dim, dim))
        for start in range(0, len(out), _BLOCK):
            block = out[start : start + _BLOCK].astype(np.float64) - mean
            cov += block.T @ block
        _, eigvecs = np.linalg.eigh(cov)  # ascending eigenvalues
        top = eigvecs[:, ::-1][:, :components].astype(np.float32)
    mean32 = mean.astype(np.float32)
    for start in range(0, len(out), _BLOCK):
        block = out[start : start + _BLOCK]  # a view: changed in place
        block -= mean32
        if components:
            block -= (block @ top) @ top.T
    return out


def apply(vectors: np.ndarray, steps: Steps, context: np.ndarray | None = None) -> np.ndarray:
    """The steps in their fixed order: context first (it changes the directions), then remove_top."""
    out = vectors
    if steps.add_context:
        if context is None:
            raise ValueError("add_context needs the context vectors")
        out = add_context(out, context)
    if steps.remove_top:
        out = remove_top(out, steps.remove_top, in_place=out is not vectors)
    return np.ascontiguousarray(out, dtype=np.float32)


def context_vectors(gensim_model) -> np.ndarray | None:
    """The context (output) vectors of a trained gensim model, rows in its vocabulary order;
    None with hierarchical softmax alone (its output vectors belong to tree nodes, not words)."""
    syn1neg = getattr(gensim_model, "syn1neg", None)
    if syn1neg is None or not len(syn1neg):
        return None
    return np.asarray(syn1neg, dtype=np.float32)


def _saved_context(path: Path, model) -> np.ndarray:
    """The context vectors from a w2vkit model's verified gensim state."""
    gensim_model = load_state(
        path,
        model.meta,
        f"has no context vectors (an imported model, or its {GENSIM_DIR}/ folder was removed); "
        "only {remove_top} applies to it",
        "remove_top",
    )
    context = context_vectors(gensim_model)
    if context is None:
        raise ModelError(f"{path}: was trained with hierarchical softmax alone, which has no context vectors")
    if list(gensim_model.wv.index_to_key) != model.words:
        raise ModelError(f"{path}: its gensim state does not hold the same words as vocab.tsv; retrain the model")
    return context


def postprocess_model(source, output, steps: Steps) -> tuple[Path, dict]:
    """Apply the steps to the model at `source` and save the result as a new model at `output`."""
    if not steps:
        raise OptionError("nothing to do: give {add_context} and/or {remove_top} N", "add_context", "remove_top")
    source, output = Path(source), Path(output)
    if output.resolve() == source.resolve():
        raise UsageError(f"{output}: is the model being read; write the result to another directory")
    prepare_model_output(output, [source])
    started = time.perf_counter()
    model = load_model(source, mmap=True)
    done = model.meta.get("postprocess") or []
    if steps.add_context and any(s.get("step") == "add_context" for s in done):
        raise UsageError(f"{source}: its context vectors were already added")
    method = (model.meta.get("hyperparameters") or {}).get("method")
    if steps.add_context and method in ("ppmi", "hybrid"):
        # a ppmi model has no word2vec context vectors; a hybrid's count part has its own w+c
        # (the count model's add_context), and its predictive part is only half of each row
        raise UsageError(
            f"{source}: a {method} model's vectors are not word2vec's alone, so word2vec's context vectors "
            "cannot be added; train with {method} word2vec {add_context}, or use {remove_top} only",
            "method",
            "add_context",
            "remove_top",
        )
    context = _saved_context(source, model) if steps.add_context else None
    vectors = apply(model.vectors, steps, context)
    meta = {
        k: v
        for k, v in model.meta.items()
        # (no n-gram table: its vectors would not be in the post-processed space, w2vkit.model.subwords;
        # no views and no members: their files stay with the source, and their vectors are not
        # post-processed, so the new model answers with its own vectors, and says so in info)
        if k
        not in ("gensim_sha256", "vectors_sha256", "vocab_sha256", "vocab_size", "dim", "ngrams", "views", "members")
    }
    meta["postprocess"] = done + steps.describe()
    meta["postprocessed_from"] = {"path": str(source), "vectors_sha256": model.meta.get("vectors_sha256")}
    meta["timings"] = dict(meta.get("timings") or {}, postprocess_seconds=round(time.perf_counter() - started, 3))
    meta["vocab_size"] = len(model.words)  # (write_meta sets it again; the caller reports it)
    extra = copies_of(model.path, model.meta.get("segmentation"))
    save_model(output, model.words, model.counts, vectors, meta, dropped=model.dropped_counts(), extra_files=extra)
    return output, meta
