"""Which view each family of commands should answer with (issue 57): every view a model has, scored
on the task of each family, so that the one default rule (w2vkit.model.views.with_view) is checked
family by family rather than assumed.

 * evaluate: CA8 analogies (morphological and semantic, 3CosAdd, pooled over the questions the
   model covers) and the text's alias groups (recall@10), as `w2vkit evaluate` scores them;
 * sentences (embed, search, index): which second half continues a passage's first half
   (benchmarks/sentences.py's task, SIF), recall@10;
 * findings (expand, and the centroids axis and compare build): expand's precision@10 from 3
   seeds of a category (5 draws of seeds per category, benchmarks/data's category files);
 * queries (similar, similarity, analogy, doesnt-match, plot): benchmarks/similarity.py.

    python benchmarks/view_families.py --model models/xiyouji --text xiyouji \\
        --groups xiyouji-aliases --data-dir ../shared/eval/zh
    python benchmarks/view_families.py --model models/poems --text poems.tsv --text-column text \\
        --categories benchmarks/data/zh-classical-categories.txt
    python benchmarks/view_families.py --tiny
"""

import argparse
import random
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from ensemble import read_categories  # noqa: E402
from sentences import chinese_pairs, scores, table_texts  # noqa: E402

from w2vkit.evaluation.evaluate import run_evaluation  # noqa: E402
from w2vkit.findings.analysis import expand  # noqa: E402
from w2vkit.model.store import load_model  # noqa: E402
from w2vkit.queries.query import Engine  # noqa: E402
from w2vkit.sentences.embed import Embedder, read_texts  # noqa: E402

EVERYDAY = ROOT / "benchmarks" / "data" / "zh-everyday-categories.txt"
SEEDS, DRAWS, MIN_KNOWN = 3, 5, 5


def categories_of(path) -> dict[str, list[str]]:
    """Each category's words (benchmarks/ensemble.py reads the file as word -> category)."""
    out: dict[str, list[str]] = {}
    for word, name in read_categories(Path(path)).items():
        out.setdefault(name, []).append(word)
    return out


def evaluate_family(engine: Engine, groups: str | None, data_dir: str | None) -> tuple[float | None, float | None]:
    analogies = ("ca8-morphological", "ca8-semantic") if data_dir else ()
    if not analogies and not groups:
        return None, None
    report = run_evaluation(engine, analogies=analogies, groups=[groups] if groups else (), data_dir=data_dir).fields
    found = report.get("analogies") or []
    used = sum(a["answered"] for a in found)
    accuracy = sum(a["correct"] for a in found) / used if used else None
    recall = report["groups"][0]["recall_at_10"] if report.get("groups") else None
    return accuracy, recall


def sentences_family(engine: Engine, pairs) -> float:
    embedded = Embedder(engine.model, "sif").embed([a for a, _ in pairs] + [b for _, b in pairs])
    vectors = np.asarray(embedded.vectors)
    return scores(vectors[: len(pairs)], vectors[len(pairs) :])["recall@10"]


def findings_family(engine: Engine, categories: dict[str, list[str]]) -> float:
    index, counts = engine.model.index, engine.model.counts
    hits = total = 0
    for words in categories.values():
        known = [w for w in words if w in index and counts[index[w]] >= 5]
        if len(known) < MIN_KNOWN:
            continue
        rng, members = random.Random(1), set(words)
        for _ in range(DRAWS):
            found = [row[1] for row in expand(engine, rng.sample(known, SEEDS), topn=10).rows]
            hits += sum(w in members for w in found)
            total += len(found)
    return hits / total if total else float("nan")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model")
    p.add_argument("--text", help="the text the passages are cut from (a file or a built-in corpus)")
    p.add_argument("--text-column", help="a table's column holding the text")
    p.add_argument("--groups", help="an alias-group set (a name or a file)")
    p.add_argument("--data-dir", help="the folder of the CA8 sets")
    p.add_argument("--categories", default=str(EVERYDAY))
    p.add_argument("-n", type=int, default=2000, help="passages for the sentence task")
    p.add_argument("--tiny", action="store_true", help="a tiny model of a slice of the novel: runs, measures nothing")
    args = p.parse_args()
    if args.tiny:
        from tiny import tiny_novel

        from w2vkit.training.trainer import train
        from w2vkit.training.trainoptions import TrainOptions

        args.text = tiny_novel()
        args.model = str(Path(tempfile.mkdtemp(prefix="w2vkit-views-")) / "m")
        train([args.text], args.model, TrainOptions(dim=16, epochs=1, count_dim=8))
        args.groups, args.n = "xiyouji-aliases", 200
    if not args.model or not args.text:
        p.error("give --model and --text (or --tiny)")
    texts = table_texts(args.text, args.text_column) if args.text_column else read_texts(args.text)
    pairs = chinese_pairs(texts, args.n, np.random.default_rng(1))
    categories = categories_of(args.categories)
    model = load_model(args.model)
    print(f"model {args.model}; {len(pairs)} passages; categories {Path(args.categories).name}")
    print(f"{'view':<13} {'evaluate: CA8':>13} {'aliases R@10':>12} {'sentences R@10':>14} {'expand P@10':>11}")
    for view in ["mixed", *sorted(model.meta.get("views") or {})]:
        engine = Engine(model, similarity=view)
        accuracy, recall = evaluate_family(engine, args.groups, args.data_dir)
        cells = [f"{x:.3f}" if x is not None else "n/a" for x in (accuracy, recall)]
        cells += [f"{sentences_family(engine, pairs):.3f}", f"{findings_family(engine, categories):.3f}"]
        print(f"{view:<13} {cells[0]:>13} {cells[1]:>12} {cells[2]:>14} {cells[3]:>11}")


if __name__ == "__main__":
    main()
