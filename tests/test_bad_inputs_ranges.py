"""Every numeric option has a range the work can honour, checked before any work by the library's
option classes (the CLI and Python refuse the same values) and shown in --help (issue 34.7-8)."""

import math

import numpy as np
import pytest

from w2vkit.base.limits import LIMITS
from w2vkit.base.optiontable import TRAIN
from w2vkit.errors import OptionError
from w2vkit.training.trainoptions import TrainOptions

NUMERIC = [name for name, option in TRAIN.items() if option.kind == "number"]


@pytest.fixture
def text(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("孙悟空 大闹 天宫。\n" * 30, encoding="utf-8")
    return path


# values click's own types let through (NaN compares false with both bounds) or that used to crash,
# hang or write a broken model
@pytest.mark.parametrize(
    "flag, value, name",
    [
        ("--alpha", "nan", "alpha"),
        ("--min-alpha", "nan", "min_alpha"),
        ("--sample", "nan", "sample"),
        ("--count-eig", "nan", "count_eig"),
        ("--count-weight", "nan", "count_weight"),
    ],
)
def test_nan_is_refused_before_any_work_naming_the_flag(invoke, text, tmp_path, flag, value, name):
    low, high, _, why = LIMITS[name]
    r = invoke(["train", text, "-o", tmp_path / "m", flag, value])
    assert (r.exit_code, r.stderr) == (2, f"Error: {flag} must be a number from {low:g} to {high:g} ({why}), not nan\n")
    assert not (tmp_path / "m").exists()


@pytest.mark.parametrize(
    "flag, value",
    [
        ("--epochs", "3000000000"),
        ("--window", "100000"),
        ("--alpha", "inf"),
        ("--alpha", "-1"),
        ("--alpha", "1e30"),
        ("--min-alpha", "-1"),
        ("--sample", "-1"),
        ("--count-eig", "inf"),
        ("--count-eig", "1e308"),
        ("--count-window", "100000"),
        ("--workers", "100000"),
        ("--dim", "1000000"),
        ("--seed", "-1"),
        ("--count-dim", "0"),
    ],
)
def test_out_of_range_values_are_usage_errors_before_any_work(invoke, text, tmp_path, flag, value):
    r = invoke(["train", text, "-o", tmp_path / "m", flag, value])
    assert r.exit_code == 2, r.stderr
    last = r.stderr.splitlines()[-1]
    assert last.startswith(f"Error: Invalid value for '{flag}': ") and "is not in the range" in last, r.stderr
    assert "unexpected" not in r.stderr and not (tmp_path / "m").exists()


def test_the_library_refuses_what_the_command_line_refuses():
    for name in NUMERIC:
        low, high, integer, _ = LIMITS[name]
        for bad in [low - 1, high + 1] + ([] if integer else [math.nan, math.inf]) + ([2.5] if integer else []):
            with pytest.raises(OptionError) as e:
                TrainOptions(**{name: bad})
            assert e.value.params == (name,), (name, bad)
        TrainOptions(**{name: low}, hs=name == "negative", **({"min_n": 1} if name == "max_n" else {}))  # fine
        extra = {"count_window": {"count_weighting": "linear"}, "min_n": {"max_n": high}}.get(name, {})
        TrainOptions(**{name: high}, **extra)


def test_help_shows_the_ranges(invoke):
    out = invoke(["train", "--help"]).stdout
    assert "[1<=x<=10000]" in out and "[1e-06<=x<=1.0]" in out


@pytest.mark.parametrize(
    "args",
    [
        ["expand", "悟空", "--iterations", "1000000"],
        ["expand", "悟空", "-n", "0"],
        ["axis", "悟空", "--vs", "八戒", "-n", "100000000"],
        ["compare", "M", "M", "-k", "100000000"],
        ["plot", "--neighbors", "100000"],
    ],
)
def test_query_and_finding_ranges_are_usage_errors(invoke, small_model, args):
    args = [str(small_model) if a == "M" else a for a in args]
    if args[0] != "compare":
        args += ["-m", small_model]
    r = invoke(args)
    assert r.exit_code == 2 and "is not in the range" in r.stderr.splitlines()[-1], r.stderr


@pytest.mark.parametrize("finding", ["expand", "axis"])
@pytest.mark.parametrize("min_count", [0, -5, True, 2.5])
def test_the_findings_min_count_is_checked_in_python_as_on_the_command_line(engine, finding, min_count):
    """--min-count is 1 or more on the command line (click's range); the library says the same."""
    from w2vkit.findings.analysis import expand
    from w2vkit.findings.axes import axis

    run = {
        "expand": lambda: expand(engine, ["行者"], min_count=min_count),
        "axis": lambda: axis(engine, ["行者"], ["八戒"], min_count=min_count),
    }
    with pytest.raises(OptionError, match="min_count must be an integer from 1 to"):
        run[finding]()


def test_iterations_that_would_swallow_the_vocabulary_stop_and_say_why(invoke, small_model):
    from w2vkit.model.store import load_model
    from w2vkit.queries.query import Engine

    counts = np.asarray(load_model(small_model).counts)
    min_count = int(np.sort(counts)[-40])  # ~40 words are candidates
    r = invoke(["expand", "悟空", "--iterations", "20", "--min-count", min_count, "-m", small_model, "--format", "tsv"])
    assert r.exit_code == 0, r.stderr
    assert (
        "warning: stopped after" in r.stderr
        and "(fewer --iterations, or a lower --min-count)" in r.stderr
        and f"seen {min_count}+ times were left" in r.stderr
    )
    rows = r.stdout.splitlines()[1:]
    assert 0 < len(rows) <= 20
    assert Engine  # (imported for the engine the CLI builds)


def test_seeds_that_cancel_out_are_an_error_not_zeros(invoke, tmp_path):
    from w2vkit.model.store import save_model

    vectors = np.array([[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, 0, 1]], dtype=np.float32)
    model = save_model(tmp_path / "m", ["a", "b", "c", "d"], [9, 9, 9, 9], vectors, {})
    r = invoke(["expand", "a", "b", "-m", model, "--min-count", "1"])
    assert (r.exit_code, r.stderr) == (
        2,
        "Error: the words a b have zero or cancelling vectors: their sum is the zero vector, which has no neighbours; "
        "give other words\n",
    )


def test_the_whole_vocabulary_on_an_axis_is_linear_not_quadratic(tmp_path):
    """-n as large as the vocabulary: each word once (the old code rebuilt a set per word: this
    took minutes at 30,000 words)."""
    from w2vkit.findings.axes import axis
    from w2vkit.model.store import load_model, save_model
    from w2vkit.queries.query import Engine

    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(30_000)]
    save_model(tmp_path / "m", words, np.full(len(words), 10), rng.normal(size=(len(words), 8)).astype(np.float32), {})
    result = axis(Engine(load_model(tmp_path / "m")), ["w0"], ["w1"], None, topn=30_000, min_count=1)
    scored = [r["word"] for r in result.records()]
    assert len(scored) == len(set(scored)) == 29_998


def test_compare_overlap_counts_the_neighbours_there_are(small_model):
    from w2vkit.findings.comparison import compare
    from w2vkit.model.store import load_model
    from w2vkit.queries.query import Engine

    engine = Engine(load_model(small_model))
    for k in (10, 1000):
        [row] = compare(engine, engine, ["悟空"], k=k).records()
        assert row["overlap"] == 1.0  # a model against itself agrees on every neighbour it has


def test_training_that_needs_more_memory_than_there_is_says_so_before_allocating(invoke, text, tmp_path, monkeypatch):
    import w2vkit.training.fitting as fitting

    monkeypatch.setattr(fitting, "available_memory", lambda: 1 << 20)  # a machine with 1 MB free
    r = invoke(["train", text, "-o", tmp_path / "m", "--dim", "64", "--epochs", "1", "--min-count", "1"])
    assert r.exit_code == 1, r.stderr
    # (one error line, after train's line on what it expects)
    errors = [line for line in r.stderr.splitlines() if line.startswith("Error: ")]
    assert errors == [r.stderr.splitlines()[-1]] and errors[0].startswith("Error: training needs about ")
    assert "more than the 0.0 GiB available; lower --dim" in errors[0]
    assert not (tmp_path / "m").exists()


def test_the_public_api_refuses_one_string_where_a_list_belongs(small_model, tmp_path):
    """A string is iterable: taken per character, "/abs/path.txt" walked "/" (issue 37.13). A path
    where paths belong is refused; a word where words belong is one word (issue 47)."""
    import w2vkit
    from w2vkit.errors import UsageError
    from w2vkit.findings.analysis import expand
    from w2vkit.findings.axes import axis
    from w2vkit.findings.comparison import compare
    from w2vkit.model.store import load_model
    from w2vkit.queries.query import Engine
    from w2vkit.text.segmenting.pipeline import segment_corpus
    from w2vkit.text.segmenting.segment import SegmentOptions

    engine = Engine(load_model(small_model))
    calls = [
        lambda: w2vkit.train(str(tmp_path / "a.txt")),
        lambda: segment_corpus(str(tmp_path / "a.txt"), tmp_path / "out"),
        lambda: SegmentOptions(user_dicts="xiyouji"),
    ]
    for call in calls:
        with pytest.raises(UsageError, match="not one (string|path)"):
            call()
    assert [c["word"] for c in expand(engine, "行者")] == [c["word"] for c in expand(engine, ["行者"])]
    assert axis(engine, "行者", "八戒").fields["positive"] == ["行者"]
    assert [r["word"] for r in compare(engine, engine, "行者")] == ["行者"]
    assert not (tmp_path / "out").exists() and not (tmp_path / "models").exists()
