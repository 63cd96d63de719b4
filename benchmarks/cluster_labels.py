"""How a map's k-means clusters are named (issue 93: "choose the cluster labelling by measurement"),
measured on models of several texts: each rule names a cluster by three of its words, and a name is
good when it says which region it is and a reader knows its words.

- **recovery**: each word of the map is given to the cluster whose name (the unit mean of its three
  words' vectors) is nearest it; the share given to its own cluster. A name that stands for its
  region recovers its words; one that stands for the middle of the map, or for a neighbouring
  region, does not. The reference: the clusters' own centres (the best any name could do).
- **known**: the median frequency rank of the named words among the map's words (1: the most
  frequent), lower being words a reader knows.

The rules: `frequent` (the three most frequent members: the rule before this benchmark), `central`
(the three members nearest the centre), `frequent-central` (of the cluster's 30 most frequent, the
three nearest its centre). Chosen on the first models given, checked on the last (held out).

    python benchmarks/cluster_labels.py MODEL... [--top 3000] [--clusters 8] [--seeds 3]
"""

import argparse
import statistics
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from w2vkit.base.vecmath import unit_rows  # noqa: E402
from w2vkit.model.store import load_model  # noqa: E402
from w2vkit.pictures.projection import choose_words, cluster_groups  # noqa: E402
from w2vkit.queries.query import Engine  # noqa: E402

SHORTLIST = 30  # frequent-central: the cluster's most frequent words it chooses among


def names(rule: str, unit: np.ndarray, groups: np.ndarray, k: int) -> list[list[int]]:
    """Each cluster's three named words (indices into the map's words, most frequent first)."""
    chosen = []
    for c in range(k):
        members = np.flatnonzero(groups == c)  # (in frequency order: the map's words are)
        centre = unit[members].mean(axis=0)
        if rule == "frequent":
            pick = members[:3]
        elif rule == "central":
            pick = members[np.argsort(-(unit[members] @ centre), kind="stable")[:3]]
        else:
            short = members[:SHORTLIST]
            pick = short[np.argsort(-(unit[short] @ centre), kind="stable")[:3]]
        chosen.append(sorted(int(i) for i in pick))
    return chosen


def recovery(unit: np.ndarray, groups: np.ndarray, centres: np.ndarray) -> float:
    return float(np.mean(np.argmax(unit @ unit_rows(centres).T, axis=1) == groups))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("models", nargs="+")
    parser.add_argument("--top", type=int, default=3000)
    parser.add_argument("--clusters", type=int, default=8)
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    rules = ("frequent", "central", "frequent-central")
    print(f"| model | seeds | {' | '.join(f'{r}: recovery, known' for r in rules)} | centres: recovery |")
    print("|---|---|" + "---|" * (len(rules) + 1))
    for path in args.models:
        engine = Engine(load_model(path))
        words = choose_words(engine, [], 0, args.top)[0]
        unit = unit_rows(np.asarray(engine.vectors[[engine.model.index[w] for w in words]], dtype=np.float32))
        found: dict[str, list[tuple[float, float]]] = {r: [] for r in (*rules, "centres")}
        for seed in range(args.seeds):
            groups = np.asarray(cluster_groups(engine, words, args.clusters, seed)[0])
            k = int(groups.max()) + 1
            centres = np.vstack([unit[groups == c].mean(axis=0) for c in range(k)])
            found["centres"].append((recovery(unit, groups, centres), 0.0))
            for rule in rules:
                named = names(rule, unit, groups, k)
                label_centres = np.vstack([unit[n].mean(axis=0) for n in named])
                known = statistics.median(i + 1 for n in named for i in n)
                found[rule].append((recovery(unit, groups, label_centres), known))
        cells = [
            f"{np.mean([r for r, _ in found[rule]]):.3f}, {np.mean([q for _, q in found[rule]]):.0f}" for rule in rules
        ]
        centre = np.mean([r for r, _ in found["centres"]])
        print(
            f"| {Path(path).parent.name}/{Path(path).name} ({len(words):,} words) | {args.seeds} | {' | '.join(cells)} | {centre:.3f} |"
        )


if __name__ == "__main__":
    main()
