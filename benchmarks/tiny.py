"""What the benchmarks' --tiny runs share: a slice of the built-in novel and one quick epoch, so
that tests/test_benchmarks.py can start every benchmark from a clean clone in seconds (a moved
function then breaks the suite, not a reader's evening). Tiny runs measure nothing."""

import tempfile
from pathlib import Path

TINY_CHARS = 75_000  # about the first 10 chapters
WHOLE_TINY_CHARS = 150_000  # about the first 20
TINY_EPOCHS = 1
TINY_DIM = 16
# TrainOptions for a tiny run (aliases.py, count_model.py).
TINY_TRAIN = dict(epochs=TINY_EPOCHS, dim=TINY_DIM)


def tiny_novel(chars: int = TINY_CHARS) -> str:
    """A file holding the first `chars` characters of the built-in 西游记 (a run that needs 行者, who
    is named so from chapter 14, or two halves written alike, asks for WHOLE_TINY_CHARS)."""
    from w2vkit.text.reading.datasets import builtin_corpus
    from w2vkit.text.reading.inputs import open_text, paragraphs

    stream, first = open_text(str(builtin_corpus("xiyouji")))
    text, size = [], 0
    for para in paragraphs(stream, first):
        text.append(para)
        size += len(para)
        if size >= chars:
            break
    stream.close()
    path = Path(tempfile.mkdtemp(prefix="w2vkit-tiny-")) / "xiyouji-tiny.txt"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    return str(path)


def tiny_model(folder: Path) -> str:
    """A tiny model of tiny_novel() in folder/m (contrast.py, regression.py)."""
    from w2vkit.text.segmenting.segment import SegmentOptions
    from w2vkit.training.trainer import train
    from w2vkit.training.trainoptions import TrainOptions

    train([tiny_novel()], folder / "m", TrainOptions(**TINY_TRAIN), SegmentOptions())
    return str(folder / "m")
