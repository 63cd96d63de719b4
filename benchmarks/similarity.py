"""Kinds of similarity as shipped (issue 50): for each text, the product's model trained on the whole
text (views included, timed) and one independent model on a resample of its documents (chapters of
a novel, rows of a table), then, per kind of similarity (topical, paradigmatic, mixed = the
model's own vectors, the answer before views): alias recall@10, category precision@10, stability
(top-10 shared with the resample model answering the same way), milliseconds per query (warm), and
the training seconds, with the share the views took.

Texts: the novels of benchmarks/ensemble.py (红楼梦 held out: not looked at when the views were
chosen) and `poetry`: 30,000 poems of 全唐诗 and 全宋诗 drawn from ../shared/corpora/poetry.tsv.gz
(characters as tokens, notes stripped, simplified; categories of benchmarks/data/
zh-classical-categories.txt, no alias set), also not looked at when choosing.

    python benchmarks/similarity.py [--texts xiyouji,sanguo,hongloumeng,poetry] [--keep DIR]
    python benchmarks/similarity.py --before /tmp/before     # also: a novel's training, before views
    python benchmarks/similarity.py --tiny
"""

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from ensemble import TEXTS, read_categories, read_groups  # noqa: E402
from neighbours import LEVERS, measure  # noqa: E402

from w2vkit.base.choices import BACKGROUND, SIMILARITIES  # noqa: E402

KINDS = tuple(kind for kind in SIMILARITIES if kind != BACKGROUND)  # (a background's view: benchmarks/background.py)
from w2vkit.model.store import load_model  # noqa: E402
from w2vkit.queries.query import Engine  # noqa: E402

POETRY = ROOT.parent / "shared" / "corpora" / "poetry.tsv.gz"
CLASSICAL = ROOT / "benchmarks" / "data" / "zh-classical-categories.txt"
POETRY_OPTIONS = ["--tokens", "chars", "--strip-notes", "--to-simplified"]


def poetry_tables(folder: Path, size: int = 30_000) -> tuple[Path, Path]:
    """A sample of 唐 and 宋 poems as a table, and a resample of its rows (with replacement)."""
    rng = np.random.default_rng(50)
    with gzip.open(POETRY, "rt", encoding="utf-8") as f:
        header = f.readline()
        rows = [line for line in f if line.split("\t", 1)[0] in ("唐", "宋")]
    sample = [rows[i] for i in sorted(rng.choice(len(rows), size, replace=False))]
    resample = [sample[i] for i in sorted(rng.integers(0, size, size))]
    paths = folder / "sample.tsv", folder / "resample.tsv"
    for path, lines in zip(paths, (sample, resample)):
        path.write_text(header + "".join(lines), encoding="utf-8")
    return paths


EXTRA_TRAIN: list[str] = []  # (--tiny: one epoch, 16 dimensions)


def train_cli(checkout: Path, corpus: str, out: Path, extra: list[str]) -> float:
    """`w2vkit train` of `checkout` (seed 1), in its own process; its wall seconds."""
    extra = [*extra, *EXTRA_TRAIN]
    env = dict(os.environ, PYTHONPATH=str(checkout))
    started = time.perf_counter()
    command = [sys.executable, "-m", "w2vkit", "train", corpus, "-o", str(out), "--seed", "1", "-q", *extra]
    subprocess.run(command, env=env, check=True)
    return time.perf_counter() - started


def novel_resample(model_path: Path, folder: Path) -> Path:
    from w2vkit.text.corpus.documents import draw_resample, find_documents, write_resample

    corpus_file = Path(load_model(model_path).meta["corpus"]["cache"])
    documents = find_documents(corpus_file, "auto")
    draw = draw_resample(documents, np.random.default_rng([777, 0]))
    write_resample(corpus_file, documents, draw, folder / "resample.txt")
    return folder / "resample.txt"


def models(text: str, folder: Path) -> dict:
    """The text's model and its resample model (reused when kept), and the training seconds."""
    folder.mkdir(parents=True, exist_ok=True)
    boot, other = folder / "boot", folder / "other0"
    figures = {}
    if text == "poetry":
        sample, resample = poetry_tables(folder)
        corpus, extra = str(sample), POETRY_OPTIONS
    else:
        corpus = TEXTS[text][0] if text != "hongloumeng" else hongloumeng()
        extra = []
    if not (boot / "meta.json").exists():
        figures["train_s"] = train_cli(ROOT, corpus, boot, extra)
    if not (other / "meta.json").exists():
        resample = resample if text == "poetry" else novel_resample(boot, folder)
        train_cli(ROOT, str(resample), other, extra if text == "poetry" else ["--segmented"])
    views = load_model(boot).meta.get("views") or {}
    figures["views_s"] = sum(
        sum(v["count_model"].get(k, 0) for k in ("count_seconds", "svd_seconds")) for v in views.values()
    )
    return {"boot": boot, "other": other, "corpus": corpus, "extra": extra, **figures}


def hongloumeng() -> str:
    from aliases import hongloumeng_path

    return hongloumeng_path()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--texts", default="xiyouji,sanguo,hongloumeng,poetry")
    p.add_argument("--keep", default=None, help="keep (and reuse) the models here")
    p.add_argument("--before", default=None, help="a checkout before views: a novel's training time with it")
    p.add_argument("--tiny", action="store_true")
    p.add_argument("--json", default=None)
    args = p.parse_args()
    figures = {}
    with tempfile.TemporaryDirectory() as tmp:
        keep = Path(args.keep or tmp)
        texts = args.texts.split(",")
        if args.tiny:
            from tiny import TINY_DIM, TINY_EPOCHS, tiny_novel

            TEXTS["xiyouji"] = (tiny_novel(), TEXTS["xiyouji"][1])
            EXTRA_TRAIN.extend(["--epochs", str(TINY_EPOCHS), "--dim", str(TINY_DIM)])
            texts = ["xiyouji"]
        for text in texts:
            m = models(text, keep / text)
            groups = read_groups(TEXTS[text][1]) if text in TEXTS else []
            categories = read_categories(CLASSICAL if text == "poetry" else None)
            figures[text] = {"train_s": m.get("train_s"), "views_s": m["views_s"]}
            for kind in KINDS:
                engine = Engine(load_model(m["boot"]), similarity=kind)
                other = Engine(load_model(m["other"]), similarity=kind)
                figures[text][kind] = measure(engine, [other], groups, categories, LEVERS["cosine"])
                print(f"  {text} {kind}: {figures[text][kind]}", flush=True)
            if args.before and text != "poetry":
                before = train_cli(Path(args.before), m["corpus"], keep / text / "before", m["extra"])
                after = train_cli(ROOT, m["corpus"], keep / text / "after", m["extra"])
                figures[text]["train_before_s"], figures[text]["train_after_s"] = before, after
                print(f"  {text} training: before views {before:.1f} s, now {after:.1f} s ({after / before:.2f}x)")
    print(f"{'text':<12} {'similarity':<13} {'aliases':>8} {'categories':>11} {'stability':>10} {'query ms':>9}")
    for text, rows in figures.items():
        for kind in KINDS:
            f = rows[kind]
            fmt = lambda v: "n/a" if v is None else f"{v:.3f}"  # noqa: E731
            print(
                f"{text:<12} {kind:<13} {fmt(f['aliases']):>8} {fmt(f['categories']):>11} "
                f"{fmt(f['stability']):>10} {f['query_ms']:>9.2f}"
            )
        train = rows["train_s"]
        print(f"{text:<12} training {train or float('nan'):.1f} s, of which the views {rows['views_s']:.1f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
