"""The capacity table of docs/cluster.md: measured rates on this machine, projected.

Measures, with 1 and with 2 cores, each step's rate in tokens per second:
- segmentation of Chinese (the novel repeated --times times) and of English (--english, the
  text8-style Wikipedia of ../shared), w2vkit.text.segmenting.pipeline.segment_corpus;
- training of the default model for large corpora (from 50M tokens: word2vec, CBOW, dim 200;
  Chinese with character n-grams), one epoch, on the segmented text above; the default runs
  10 epochs.
Then projects the time of each step for 1, 10 and 100 GB of text: on this machine's 2 cores, on
16 and 64 cores (assuming the measured 1 -> 2 core efficiency holds, an upper bound: gensim's
threads share one process), and segmentation on a Dask cluster of 16 or 64 one-core workers (the
measured per-core rate, unless one client cannot feed them: --client-rate, characters per second,
from benchmarks/cluster.py). Prints a Markdown table.

    python benchmarks/capacity.py [--english PATH] [--times 4] [--client-rate 4.0e6]
    python benchmarks/capacity.py --tiny
"""

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tiny import tiny_novel  # noqa: E402

from w2vkit.text.reading.datasets import builtin_corpus  # noqa: E402

ENGLISH = ROOT.parent / "shared" / "corpora" / "enwiki-text8style-100M.txt.gz"
GB = 1 << 30
EPOCHS = 10  # the default for large corpora (w2vkit.base.choices.LARGE_CORPUS_DEFAULTS)


def novel_file(times: int, dest: Path, tiny: bool) -> Path:
    import bz2

    if tiny:
        return Path(tiny_novel())
    data = bz2.decompress(builtin_corpus("xiyouji").read_bytes()).removeprefix(b"\xef\xbb\xbf")
    with open(dest, "wb") as f:
        for _ in range(times):
            f.write(data)
    return dest


def text_bytes(path: Path) -> int:
    import gzip

    if path.suffix == ".gz":
        with gzip.open(path, "rb") as f:
            return sum(len(b) for b in iter(lambda: f.read(1 << 24), b""))
    return path.stat().st_size


def segment_rate(path: Path, jobs: int, out: Path) -> dict:
    from w2vkit.text.segmenting.pipeline import segment_corpus

    started = time.perf_counter()
    result = segment_corpus([str(path)], out, jobs=jobs)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "tokens": result.tokens, "output": out / result.files[0].output}


def train_rate(segmented: Path, workers: int, model: Path, lang: str, epochs: int, dim: int) -> float:
    from w2vkit.training.trainer import train
    from w2vkit.training.trainoptions import TrainOptions

    options = TrainOptions(epochs=epochs, workers=workers, method="word2vec", dim=dim, subwords=lang == "zh")
    result = train([str(segmented)], model, options, seg_options=None, keep_gensim=False)
    return result.tokens * epochs / result.train_seconds


def duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


def projected(rate1: float, rate2: float, cores: int) -> float:
    """Tokens/s on `cores` cores if each added core gives what the second one gave."""
    return rate1 + (rate2 - rate1) * (cores - 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--english", default=str(ENGLISH))
    parser.add_argument("--times", type=int, default=4, help="the novel repeated (4: 3M Chinese tokens)")
    parser.add_argument("--client-rate", type=float, default=None, help="characters/s one client feeds")
    parser.add_argument("--tiny", action="store_true", help="a slice of the novel only: checks that it runs")
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    rates = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        texts = {"zh": novel_file(args.times, tmp / "novel.txt", args.tiny)}
        if not args.tiny:
            texts["en"] = Path(args.english)
        for lang, path in texts.items():
            row = rates[lang] = {"bytes": text_bytes(path)}
            for jobs in (1, 2):
                seg = segment_rate(path, jobs, tmp / f"seg-{lang}-{jobs}")
                row[f"segment_{jobs}"] = seg["tokens"] / seg["seconds"]
                row["tokens"] = seg["tokens"]
                print(f"{lang}: segment, {jobs} core(s): {row[f'segment_{jobs}']:,.0f} tokens/s", file=sys.stderr)
            for workers in (1, 2):
                epochs, dim = (1, 16) if args.tiny else (1, 200)
                model = tmp / f"model-{lang}-{workers}"
                row[f"train_{workers}"] = train_rate(seg["output"], workers, model, lang, epochs, dim)
                print(f"{lang}: train, {workers} core(s): {row[f'train_{workers}']:,.0f} tokens/s", file=sys.stderr)
    print("Measured (tokens per second; training: one epoch of the default large-corpus model):\n")
    print("| text | tokens per MB | segment 1 core | segment 2 cores | train 1 core | train 2 cores |")
    print("|---|---|---|---|---|---|")
    names = {"zh": "Chinese (the novel)", "en": "English (Wikipedia, text8-style)"}
    for lang, r in rates.items():
        print(
            f"| {names[lang]} | {r['tokens'] / r['bytes'] * 1e6:,.0f} | {r['segment_1']:,.0f} | "
            f"{r['segment_2']:,.0f} | {r['train_1']:,.0f} | {r['train_2']:,.0f} |"
        )
    print(f"\nProjected time of each step (training: {EPOCHS} epochs, the default):\n")
    print(
        "| text | size | tokens | segment: 2 / 16 / 64 cores | segment: cluster of 16 / 64 workers "
        "| train: 2 / 16 / 64 cores |"
    )
    print("|---|---|---|---|---|---|")
    for lang, r in rates.items():
        chars_per_token = r["bytes"] / r["tokens"] / (3 if lang == "zh" else 1)  # UTF-8: 3 bytes a hanzi
        for size in (1, 10, 100):
            tokens = size * GB * r["tokens"] / r["bytes"]
            seg = [tokens / projected(r["segment_1"], r["segment_2"], c) for c in (2, 16, 64)]
            per_worker = r["segment_1"]
            feed = args.client_rate / chars_per_token if args.client_rate else float("inf")
            cluster = [tokens / min(per_worker * n, feed) for n in (16, 64)]
            train = [tokens * EPOCHS / projected(r["train_1"], r["train_2"], c) for c in (2, 16, 64)]
            print(
                f"| {lang} | {size} GB | {tokens / 1e9:.2f}B | {' / '.join(map(duration, seg))} | "
                f"{' / '.join(map(duration, cluster))} | {' / '.join(map(duration, train))} |"
            )
    if args.json:
        Path(args.json).write_text(json.dumps(rates, indent=2))


if __name__ == "__main__":
    main()
