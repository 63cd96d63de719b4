"""Shared fixtures: the built-in novel, generated English text, a small model and a CLI runner.

The suite stands on its own: the novel ships inside the package and English text is generated from
the corpus in gensim's own test data. Only tests marked `shared` read the real corpora and
evaluation sets of ../shared; they are left out of a plain `pytest` and run with `pytest -m shared`
(.ci/run runs both), failing with one line that says where to put the data when it is absent.
"""

import bz2
import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from w2vkit.text.reading.datasets import builtin_corpus

ROOT = Path(__file__).resolve().parents[1]
XIYOUJI = builtin_corpus("xiyouji")  # the packaged .txt.bz2


def _shared_dir() -> Path:
    """$W2VKIT_SHARED, else ../shared beside this checkout, else ../shared beside the repository
    it was cloned from when that is a local path (a clean clone in /tmp, as CI makes one)."""
    if os.environ.get("W2VKIT_SHARED"):
        return Path(os.environ["W2VKIT_SHARED"])
    beside = ROOT.parent / "shared"
    if beside.is_dir():
        return beside
    origin = subprocess.run(
        ["git", "-C", str(ROOT), "config", "--get", "remote.origin.url"], capture_output=True, text=True
    ).stdout.strip()
    if origin and (ROOT / origin).is_dir() and ((ROOT / origin).resolve().parent / "shared").is_dir():
        return (ROOT / origin).resolve().parent / "shared"
    return beside


SHARED = _shared_dir()


def shared_file(relative: str) -> Path:
    """A file of ../shared for a `shared` test; a one-line failure saying where it belongs if absent."""
    path = SHARED / relative
    if not path.is_file():
        pytest.fail(
            f"needs {relative} from the project's shared data: put the shared folder beside the "
            f"clone (looked in {SHARED}) or set W2VKIT_SHARED to it",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def xiyouji_path():
    return XIYOUJI


@pytest.fixture(scope="session")
def novel_text():
    with bz2.open(XIYOUJI, "rt", encoding="utf-8-sig") as f:
        return f.read()


def built_once(tmp_path_factory, name: str, build) -> Path:
    """A folder that build(folder) fills once for the whole run. Under pytest-xdist each worker is
    its own process and builds every session fixture again (the halves' model with members took
    45 s in each); the first worker to take the lock builds, the others wait and read the same
    folder (the pattern pytest-xdist's docs give)."""
    import shutil

    from filelock import FileLock

    base = tmp_path_factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder, done = root / f"built-{name}", root / f"built-{name}.done"
    with FileLock(str(root / f"built-{name}.lock")):
        if not done.is_file():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            build(folder)
            done.touch()
    return folder


def default_sigint() -> None:
    """preexec_fn for a child that a test interrupts: Ctrl-C handled as in a terminal even when the
    tests run as a background job (which starts with SIGINT ignored, and a child inherits that)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def engine_of(vectors):
    """An engine over made-up vectors (w2vkit.model.store.model_in_memory)."""
    from w2vkit.model.store import model_in_memory
    from w2vkit.queries.query import Engine

    return Engine(model_in_memory(vectors))


def text8_like(n_words: int) -> str:
    """English normalised like text8 (lowercase a-z words, one line), from the news corpus in
    gensim's test data, repeated to n_words."""
    import gensim

    source = Path(gensim.__file__).parent / "test" / "test_data" / "lee_background.cor"
    words = re.sub(r"[^a-z]+", " ", source.read_text(encoding="utf-8").lower()).split()
    return " ".join(words[i % len(words)] for i in range(n_words))


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def invoke(runner):
    """invoke(args, **kw): run the CLI in-process; stderr is captured separately from stdout."""
    from w2vkit.cli import cli

    def run(args, **kw):
        return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False, **kw)

    return run


def main_help_examples() -> list[list[str]]:
    """The `w2vkit ...` lines of the main --help, as argument lists."""
    from w2vkit.cli import cli

    text = CliRunner().invoke(cli, ["--help"]).stdout
    return [shlex.split(line.strip())[1:] for line in text.splitlines() if line.strip().startswith("w2vkit ")]


@pytest.fixture(scope="session")
def main_help_session(tmp_path_factory, isolated_cache):
    """A folder where the main --help's `segment` and `train` examples ran as written (defaults,
    the whole built-in novel): trained once for the tests that need the default model, since it
    is the slowest step of the suite."""
    from w2vkit.cli import cli

    folder = tmp_path_factory.mktemp("main-help")
    old = os.getcwd()
    os.chdir(folder)
    try:
        for args in [e for e in main_help_examples() if e[0] in ("segment", "train")]:
            r = CliRunner().invoke(cli, args, catch_exceptions=False)
            assert r.exit_code == 0, f"w2vkit {shlex.join(args)} -> {r.exit_code}: {r.stderr}"
    finally:
        os.chdir(old)
    return folder


@pytest.fixture(scope="session", autouse=True)
def isolated_cache(tmp_path_factory):
    """Segmentation caches go to a temporary directory, never the user's ~/.cache."""
    old = os.environ.get("W2VKIT_CACHE")
    # (one for both xdist workers: a model built once for both names its corpus in this cache,
    # and w2vkit reads a corpus only from inside the cache it is given)
    os.environ["W2VKIT_CACHE"] = str(built_once(tmp_path_factory, "cache", lambda folder: None))
    yield
    if old is None:
        os.environ.pop("W2VKIT_CACHE", None)
    else:
        os.environ["W2VKIT_CACHE"] = old


@pytest.fixture(scope="session")
def novel_slice(novel_text, tmp_path_factory):
    """The first ~20 chapters of the novel: enough for names to get meaningful vectors."""

    def build(folder):
        (folder / "xiyouji-part.txt").write_text(novel_text[:150_000], encoding="utf-8")

    return built_once(tmp_path_factory, "slice", build) / "xiyouji-part.txt"


# Plain word2vec, 40 epochs, negative 10: the cross-checks against gensim need well-spread vectors,
# and on a 150k-character slice 8 epochs left them near-parallel (mean cosine 0.986, ties at the
# 10th neighbour); these settings give 0.37 (test_query checks it). The subword and hybrid defaults
# are tested on the whole novel in training/test_trainer.py, the count model in test_countmodel.py.
SMALL_TRAIN = dict(
    dim=32, epochs=40, negative=10, min_count=3, window=5, seed=7, deterministic=True, subwords=False, method="word2vec"
)


@pytest.fixture(scope="session")
def small_model(novel_slice, tmp_path_factory):
    """One small model trained with a fixed seed, shared by the query and evaluate tests."""
    from w2vkit.training.trainer import train
    from w2vkit.training.trainoptions import TrainOptions

    return (
        built_once(
            tmp_path_factory, "small", lambda f: train([str(novel_slice)], f / "small", TrainOptions(**SMALL_TRAIN))
        )
        / "small"
    )


@pytest.fixture(scope="session")
def views_model(novel_slice, tmp_path_factory):
    """A small hybrid model with its topical and paradigmatic views (w2vkit.model.views)."""
    from w2vkit.training.trainer import train
    from w2vkit.training.trainoptions import TrainOptions

    options = TrainOptions(dim=16, epochs=1, min_count=3, seed=2, count_dim=8)
    return built_once(tmp_path_factory, "views", lambda f: train([str(novel_slice)], f / "m", options)) / "m"


@pytest.fixture(scope="module")
def engine(small_model):
    """A query engine over small_model (one per test module: some tests change its caches)."""
    from w2vkit.model.store import load_model
    from w2vkit.queries.query import Engine

    return Engine(load_model(small_model))


@pytest.fixture(scope="session")
def subword_model(novel_slice, tmp_path_factory):
    """A small model with character n-grams (gensim's own composition, cross-checked in test_subwords)."""
    from w2vkit.training.trainer import train
    from w2vkit.training.trainoptions import TrainOptions

    opts = TrainOptions(
        dim=32,
        epochs=5,
        min_count=3,
        seed=3,
        deterministic=True,
        subwords=True,
        word_weight="gensim",
        method="word2vec",
    )
    return built_once(tmp_path_factory, "subword", lambda f: train([str(novel_slice)], f / "m", opts)) / "m"


@pytest.fixture
def read_only_dir(tmp_path):
    """A real read-only folder: mode 0555 for an ordinary user; for root (who writes through file
    modes, as in CI) a read-only tmpfs mounted there."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(folder)], capture_output=True, text=True
    )
    assert mounted.returncode == 0, f"root needs mount(8) for a read-only folder: {mounted.stderr}"
    yield folder
    subprocess.run(["umount", str(folder)], check=True)


WORDS = [f"w{i:02d}" for i in range(40)]


def model_with_members(tmp_path, members=6, seed=0, name="m", base=None, noise=0.4):
    """A model of 40 words and `members` members (noisy copies; member k lacks word w39 when k is
    even), saved as train --bootstrap saves them."""
    import json

    import numpy as np

    from w2vkit.model.members import member_dir
    from w2vkit.model.store import save_model, write_model_files

    rng = np.random.default_rng(seed)
    base = rng.normal(size=(len(WORDS), 8)).astype(np.float32) if base is None else base
    folder = save_model(tmp_path / name, WORDS, np.arange(len(WORDS), 0, -1) + 100, base, {})
    record = {"kind": "bootstrap", "unit": "chapter", "documents": 10, "members": []}
    for k in range(1, members + 1):
        words = WORDS if k % 2 else WORDS[:-1]
        vectors = base[: len(words)] + noise * rng.normal(size=(len(words), 8)).astype(np.float32)
        target = member_dir(folder, k)
        target.mkdir(parents=True)
        saved = write_model_files(target, words, np.arange(len(words), 0, -1) + 100, vectors, {})
        record["members"].append({"path": f"members/{k:02d}", "vectors_sha256": saved["vectors_sha256"]})
    meta = json.loads((folder / "meta.json").read_text())
    meta["members"] = record
    (folder / "meta.json").write_text(json.dumps(meta))
    return folder


# The explorer's tests (tests/explore): a small table made of the novel's lines (two halves, blocks
# of 20 lines) and a model trained on it with resampled members, so that the page has intervals,
# passages and groups to show.
HOSTILE_GROUP = "<img src=x onerror=window.__pwned=1>"
HOSTILE_TEXT = "<script>window.__pwned=2</script>\x1b[31m孙悟空"


def write_table(path, lines, groups=("前", "后"), hostile=False):
    """A TSV of the lines: column half (the first half of the lines, then the second), chapter
    (blocks of 20 lines) and text; hostile: a group named as markup and a row of markup."""
    rows = [line.strip().replace("\t", " ") for line in lines if line.strip()]
    if hostile:
        rows[len(rows) // 2 + 1] = HOSTILE_TEXT + rows[len(rows) // 2 + 1]
        groups = (groups[0], HOSTILE_GROUP)
    with open(path, "w", encoding="utf-8") as f:
        f.write("half\tchapter\ttext\n")
        half = len(rows) // 2
        for i, text in enumerate(rows):
            first = i < half  # (blocks of 20 lines inside each half: a block lies in one group)
            f.write(
                f"{groups[0] if first else groups[1]}\t{'a' if first else 'b'}{(i if first else i - half) // 20:03d}\t{text}\n"
            )
    return path


def train_on_table(table, out, members=3):
    from w2vkit.model.members import Resampling
    from w2vkit.training.trainer import train
    from w2vkit.training.trainoptions import TrainOptions

    options = TrainOptions(dim=32, epochs=5, min_count=3, seed=3, deterministic=True)
    train([str(table)], out, options, resampling=Resampling("bootstrap", members) if members else None)
    return out


@pytest.fixture(scope="session")
def halves(novel_slice, tmp_path_factory):
    """(model folder, table): the novel's first 150,000 characters as a table of two halves, and
    a model trained on it with 3 resampled members."""

    def build(folder):
        table = write_table(folder / "halves.tsv", novel_slice.read_text(encoding="utf-8").splitlines())
        train_on_table(table, folder / "model")

    folder = built_once(tmp_path_factory, "halves", build)
    return folder / "model", folder / "halves.tsv"


# A text read beside a background (train --background): tests/training/test_background.py and
# the background's own words' tests share these models.
BACKGROUND_QUICK = ["--epochs", "2", "--dim", "24", "--min-count", "3", "--seed", "3", "-q"]


@pytest.fixture(scope="session")
def background_texts(novel_text, tmp_path_factory):
    """A part of the novel (the text) and another part of it (the background)."""

    def build(folder):
        (folder / "text.txt").write_text(novel_text[:60_000], encoding="utf-8")
        (folder / "background.txt").write_text(novel_text[200_000:320_000], encoding="utf-8")

    folder = built_once(tmp_path_factory, "background", build)
    return folder / "text.txt", folder / "background.txt"


@pytest.fixture(scope="session")
def background_beside(background_texts, tmp_path_factory):
    """A model of the text read beside the background (2 members), and one of the text alone."""
    text, background = background_texts

    def build(folder):
        with_background = cli_run(
            ["train", text, "--background", background, "-o", folder / "with", "--bootstrap", "2", *BACKGROUND_QUICK]
        )
        assert with_background.exit_code == 0, with_background.output
        alone = cli_run(["train", text, "-o", folder / "alone", *BACKGROUND_QUICK])
        assert alone.exit_code == 0, alone.output

    folder = built_once(tmp_path_factory, "background-models", build)
    return folder / "with", folder / "alone"


@pytest.fixture(scope="session")
def background_model_beside(background_texts, tmp_path_factory):
    """A model of the background text (another dimension: 16), and a model of the text read
    beside it."""
    text, background = background_texts

    def build(folder):
        args = ["train", background, "-o", folder / "background", *BACKGROUND_QUICK, "--dim", "16"]
        assert cli_run(args).exit_code == 0
        args = ["train", text, "--background", folder / "background", "-o", folder / "with", *BACKGROUND_QUICK[:-1]]
        made = cli_run(args)  # (without -q: the summary line)
        assert made.exit_code == 0, made.output
        assert "read beside a background: the model " in made.stderr

    folder = built_once(tmp_path_factory, "background-model", build)
    return folder / "background", folder / "with"


def cli_run(args):
    """The CLI run in-process, as a fixture that builds something runs it (stderr apart)."""
    from w2vkit.cli import cli

    return CliRunner().invoke(cli, [str(a) for a in args])


# Floats one computation reaches along two paths (a table filtered by --where or written out by hand,
# a scan ranked two ways, a contrast with and without --to) agree to rounding, not bit for bit:
# OpenBLAS picks its kernels by processor (AVX-512, AVX2, SSE3), and their blocking and alignment
# round float32 products differently. Relative 1e-5 is some 100 float32 roundings.
SAME_COMPUTATION = {"rel": 1e-5, "abs": 1e-7}


def assert_close(a, b, rel: float = SAME_COMPUTATION["rel"], abs: float = SAME_COMPUTATION["abs"], path="") -> None:
    """JSON-like values equal, their floats within `rel` and `abs` of each other (SAME_COMPUTATION)."""
    import math

    if isinstance(a, float) or isinstance(b, float):
        assert a is not None and b is not None and math.isclose(a, b, rel_tol=rel, abs_tol=abs), (path, a, b)
    elif isinstance(a, dict):
        assert isinstance(b, dict) and set(a) == set(b), (path, sorted(a), sorted(b))
        for k in a:
            assert_close(a[k], b[k], rel, abs, f"{path}.{k}")
    elif isinstance(a, (list, tuple)):
        assert isinstance(b, (list, tuple)) and len(a) == len(b), (path, a, b)
        for i, (x, y) in enumerate(zip(a, b)):
            assert_close(x, y, rel, abs, f"{path}[{i}]")
    else:
        assert a == b, (path, a, b)
