"""Shared fixtures: paths to the shared corpora and evaluation sets, and a CLI runner."""

import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]


def _shared_dir() -> Path:
    """$W2VKIT_SHARED, else ../shared beside this checkout, else ../shared beside the repository
    it was cloned from when that is a local path (a clean clone in /tmp, as CI makes one)."""
    if os.environ.get("W2VKIT_SHARED"):
        return Path(os.environ["W2VKIT_SHARED"])
    beside = ROOT.parent / "shared"
    if beside.is_dir():
        return beside
    origin = subprocess.run(["git", "-C", str(ROOT), "config", "--get", "remote.origin.url"],
                            capture_output=True, text=True).stdout.strip()
    if origin and (ROOT / origin).is_dir() and ((ROOT / origin).resolve().parent / "shared").is_dir():
        return (ROOT / origin).resolve().parent / "shared"
    return beside


SHARED = _shared_dir()
XIYOUJI = SHARED / "corpora" / "xiyouji.txt"
ENWIKI = SHARED / "corpora" / "enwiki-text8style-100M.txt.gz"
EVAL_ZH = SHARED / "eval" / "zh"


@pytest.fixture(scope="session")
def xiyouji_path():
    assert XIYOUJI.is_file(), f"shared corpus missing: {XIYOUJI} (set W2VKIT_SHARED to the folder holding corpora/ and eval/)"
    return XIYOUJI


@pytest.fixture
def runner():
    return CliRunner()


def invoke(runner, args, **kw):
    """Run the CLI in-process; stderr is captured separately from stdout."""
    from w2vkit.cli import cli

    return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False, **kw)


@pytest.fixture(scope="session", autouse=True)
def isolated_cache(tmp_path_factory):
    """Segmentation caches go to a temporary directory, never the user's ~/.cache."""
    old = os.environ.get("W2VKIT_CACHE")
    os.environ["W2VKIT_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if old is None:
        os.environ.pop("W2VKIT_CACHE", None)
    else:
        os.environ["W2VKIT_CACHE"] = old


@pytest.fixture(scope="session")
def novel_slice(xiyouji_path, tmp_path_factory):
    """The first ~20 chapters of the novel: enough for names to get meaningful vectors."""
    text = xiyouji_path.read_text(encoding="utf-8-sig")
    path = tmp_path_factory.mktemp("slice") / "xiyouji-part.txt"
    path.write_text(text[:150_000], encoding="utf-8")
    return path


# Plain word2vec: with 8 epochs on a slice, character n-grams (the default for Chinese) leave every
# vector close to one common direction (mean cosine 0.99), and the cross-checks against gensim need
# well-spread vectors. The subword default is tested on the whole novel in test_train.py.
SMALL_TRAIN = dict(dim=32, epochs=8, min_count=3, window=5, seed=7, deterministic=True, subwords=False)


@pytest.fixture(scope="session")
def small_model(novel_slice, tmp_path_factory):
    """One small model trained with a fixed seed, shared by the query and evaluate tests."""
    from w2vkit.train import TrainOptions, train

    out = tmp_path_factory.mktemp("models") / "small"
    train([str(novel_slice)], out, TrainOptions(**SMALL_TRAIN))
    return out
