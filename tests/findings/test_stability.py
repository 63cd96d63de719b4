"""w2vkit.findings.stability, w2vkit.model.members, w2vkit.text.corpus.documents and w2vkit.findings.axes's anchor check: recurrence
and intervals against a brute-force computation over the members, the anchor statistics against a
hand computation, members trained reproducibly, an interrupted bootstrap, and bad input."""

import json

import numpy as np
import pytest
from conftest import WORDS, default_sigint, model_with_members

from w2vkit.base.intervals import interval, t_quantile
from w2vkit.model.members import member_dir
from w2vkit.model.store import load_model, save_model
from w2vkit.queries.query import Engine


def unit(v):
    return v / np.linalg.norm(v)


def test_t_quantiles_match_scipy():
    from scipy.stats import t

    for df in (1, 2, 3, 5, 9, 20, 99):
        for p in (0.9, 0.95, 0.975):
            assert t_quantile(p, df) == pytest.approx(t.ppf(p, df), rel=1.5e-3)


def test_an_interval_needs_two_values_and_widens_with_fewer():
    assert interval([0.5]) is None
    few = interval([0.4, 0.5, 0.6])
    many = interval([0.4, 0.5, 0.6] * 5)
    assert few[0] < many[0] < 0.5 < many[1] < few[1]


def test_a_member_swapped_in_from_elsewhere_is_refused(tmp_path):
    from w2vkit.errors import CorruptModelError
    from w2vkit.model.members import load_members

    folder = model_with_members(tmp_path, members=2)
    other = save_model(tmp_path / "other", WORDS, np.ones(len(WORDS)), np.eye(len(WORDS), 8, dtype=np.float32), {})
    for name in ("vectors.npy", "vocab.tsv", "meta.json"):
        (member_dir(folder, 2) / name).write_bytes((other / name).read_bytes())
    with pytest.raises(CorruptModelError, match="not the member this model was saved with"):
        load_members(load_model(folder))


def test_similar_with_members_shows_recurrence_and_stable_filters(invoke, tmp_path):
    folder = model_with_members(tmp_path)
    r = invoke(["similar", "w01", "-m", folder, "-n", "5", "--format", "tsv"])
    assert r.exit_code == 0, r.stderr
    rows = [line.split("\t") for line in r.stdout.splitlines()]
    assert rows[0] == ["rank", "word", "similarity", "model", "count", "recurrence", "low", "high", "members"]
    recurrence = {row[1]: float(row[5]) for row in rows[1:]}
    assert all(float(row[6]) <= float(row[2]) <= float(row[7]) for row in rows[1:])  # the estimate: inside
    r = invoke(["similar", "w01", "-m", folder, "-n", "5", "--format", "tsv", "--stable", "0.5"])
    kept = [line.split("\t")[1] for line in r.stdout.splitlines()[1:]]
    assert kept == [w for w, rec in recurrence.items() if rec >= 0.5]


# ------------------------------------------------------------------ axes: the anchor check


def test_paired_direction_is_the_mean_of_the_offsets_and_pairdir_is_by_hand(tmp_path):
    from w2vkit.findings.axes import axis, axis_vector

    folder = model_with_members(tmp_path, members=3)
    engine = Engine(load_model(folder))
    pos, neg = ["w01", "w02", "w03"], ["w04", "w05", "w06"]
    u = {w: engine.lookup(w).vector.astype(np.float64) for w in pos + neg}
    offsets = [u[a] - u[b] for a, b in zip(pos, neg)]
    assert axis_vector(engine, pos, neg) == pytest.approx(unit(np.mean(offsets, axis=0)), abs=1e-6)
    result = axis(engine, pos, neg, ["w10", "w11", "w12", "w13"], paired=True)
    anchors = result.fields["anchors"]
    units = [unit(o) for o in offsets]
    cosines = [float(units[i] @ units[j]) for i in range(3) for j in range(i + 1, 3)]
    assert anchors["pair_dir"] == pytest.approx(np.mean(cosines), abs=1e-6)
    contribution = (float(units[0] @ units[1]) + float(units[0] @ units[2])) / 2
    assert anchors["pairs"][0] == {
        "positive": "w01",
        "negative": "w04",
        "contribution": pytest.approx(contribution, abs=1e-6),
    }
    assert anchors["counts"] == {w: int(engine.model.counts[engine.model.index[w]]) for w in pos + neg}
    # unpaired: every POS x NEG combination
    pooled = axis(engine, pos, neg, ["w10", "w11", "w12", "w13"])
    assert len(pooled.fields["anchors"]["pairs"]) == 9
    # the engine's members come with it: every finding gets their spread
    assert result.fields["ranking_stability"] is not None and pooled.records()[0]["members"] == 3


def test_axis_with_members_reports_intervals_and_ranking_stability(invoke, tmp_path):
    folder = model_with_members(tmp_path)
    r = invoke(
        [
            "axis",
            "--pairs",
            "w01:w04",
            "w02:w05",
            "-w",
            "w10",
            "-w",
            "w11",
            "-w",
            "w12",
            "-m",
            folder,
            "--format",
            "json",
        ]
    )
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["paired"] and data["anchors"]["pair_dir"] is not None
    assert data["ranking_stability"] is not None and "ranking stability across 6 members" in r.stderr
    assert all(row["low"] <= row["high"] and row["members"] == 6 for row in data["results"])


@pytest.mark.parametrize(
    "args, message",
    [
        (["axis", "--pairs", "w01w04", "-w", "w10"], "Error: 'w01w04': a pair is POS:NEG, e.g. 慈悲:凶恶\n"),
        (["axis", "--pairs", "w01:w04", "--vs", "w05"], "Error: with --pairs give POS:NEG pairs, not --vs\n"),
        (
            ["axis", "w01", "--vs", "w04", "-w", "w10 w11"],
            "Error: 'w10 w11' holds a space or comma and is not a "
            "phrase of the model: give each word on its own (-w A -w B, or --words FILE with one a line)\n",
        ),
        (["axis", "w01", "--vs", "w04", "--words", "missing.txt"], "Error: missing.txt: no such words file\n"),
        (["similar", "w01", "--stable", "2"], None),
    ],
)
def test_bad_input_to_the_new_options_is_one_line(invoke, tmp_path, args, message):
    folder = model_with_members(tmp_path, members=2)
    r = invoke([*args, "-m", folder])
    assert r.exit_code == (1 if "--words" in args else 2), r.stderr  # (a missing file: a runtime error)
    if message is None:
        assert r.stderr.splitlines()[-1].startswith("Error: Invalid value for '--stable'")
    else:
        assert r.stderr.splitlines()[-1] + "\n" == message


def test_skip_unknown_answers_the_rest(invoke, tmp_path):
    folder = model_with_members(tmp_path, members=2)
    r = invoke(
        ["axis", "w01", "--vs", "w04", "-w", "w10", "-w", "nope", "-m", folder, "--skip-unknown", "--format", "json"]
    )
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["skipped"] == ["nope"] and "skipped 1 unknown word: nope" in r.stderr
    r = invoke(["expand", "w01", "nope", "-m", folder, "--skip-unknown", "--min-count", "1", "--format", "json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["skipped"] == ["nope"]


# ------------------------------------------------------------------ documents


def test_documents_are_chapters_when_the_text_has_headings(tmp_path):
    from w2vkit.text.corpus.documents import draw_resample, find_documents, write_resample

    lines = ["前言 一句"]
    for n in ("一", "二", "三", "四", "五", "六", "七", "八", "九"):
        lines += [f"第{n}回 标题 {n}", f"正文 {n} 甲", f"正文 {n} 乙"]
    corpus = tmp_path / "c.txt"
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    docs = find_documents(corpus)
    assert docs.unit == "chapter" and len(docs) == 10 and docs.titles[1] == "第一回标题一"
    assert list(docs.starts[:3]) == [0, 1, 4]
    rng = np.random.default_rng(0)
    draw = draw_resample(docs, rng)
    out = tmp_path / "r.txt"
    write_resample(corpus, docs, draw, out)
    expected = "".join("\n".join(lines[docs.starts[d] : docs.starts[d + 1]]) + "\n" for d in draw)
    assert out.read_text(encoding="utf-8") == expected
    assert find_documents(corpus, "lines:4").unit == "lines:4" and len(find_documents(corpus, "lines:4")) == 7
    assert len(find_documents(corpus, "paragraph")) == len(lines)


def test_a_bad_unit_is_one_line(invoke, tmp_path, novel_slice):
    r = invoke(["train", novel_slice, "-o", tmp_path / "m", "--bootstrap", "2", "--unit", "pages"])
    assert (r.exit_code, r.stderr) == (
        2,
        "Error: --unit must be auto, chapter, paragraph or lines:K (K lines a document), not 'pages'\n",
    )
    r = invoke(["train", novel_slice, "-o", tmp_path / "m", "--bootstrap", "2", "--seeds", "2"])
    assert r.exit_code == 2 and r.stderr.endswith(
        "give --bootstrap N or --seeds N, not both (train a second model for the other)\n"
    )
    r = invoke(["train", novel_slice, "-o", tmp_path / "m", "--bootstrap", "1"])
    assert r.exit_code == 2 and "Invalid value for '--bootstrap'" in r.stderr
    assert not (tmp_path / "m").exists()


# ------------------------------------------------------------------ training members


TINY = ["--dim", "8", "--epochs", "1", "--method", "word2vec", "--no-subwords", "--deterministic"]


def test_members_are_reproducible_under_deterministic(invoke, novel_slice, tmp_path):
    runs = []
    for name in ("a", "b"):
        r = invoke(["train", novel_slice, "-o", tmp_path / name, "--bootstrap", "2", "--unit", "lines:20", *TINY])
        assert r.exit_code == 0, r.stderr
        runs.append(tmp_path / name)
    for k in (1, 2):
        a, b = member_dir(runs[0], k), member_dir(runs[1], k)
        assert (a / "vectors.npy").read_bytes() == (b / "vectors.npy").read_bytes()
        assert (
            json.loads((a / "meta.json").read_text())["member"]["draw"]
            == json.loads((b / "meta.json").read_text())["member"]["draw"]
        )
    first, second = (json.loads((member_dir(runs[0], k) / "meta.json").read_text())["member"]["draw"] for k in (1, 2))
    assert first != second  # each member its own draw
    assert sorted(p.name for p in member_dir(runs[0], 1).iterdir()) == ["meta.json", "vectors.npy", "vocab.tsv"]


def test_an_interrupted_bootstrap_leaves_the_earlier_model_usable(invoke, novel_slice, tmp_path, monkeypatch):
    import w2vkit.training.trainer as train_module

    out = tmp_path / "m"
    assert invoke(["train", novel_slice, "-o", out, *TINY]).exit_code == 0
    before = (out / "vectors.npy").read_bytes()
    real_fit, calls = train_module.fit, []

    def fit_then_interrupt(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:  # the model, member 1, then Ctrl-C in member 2
            raise KeyboardInterrupt
        return real_fit(*args, **kwargs)

    import w2vkit.training.memberwork as member_module

    monkeypatch.setattr(train_module, "fit", fit_then_interrupt)
    monkeypatch.setattr(member_module, "fit", fit_then_interrupt)
    r = invoke(["train", novel_slice, "-o", out, "--bootstrap", "3", "--unit", "lines:20", *TINY])
    assert r.exit_code == 130
    assert (
        "interrupted while training member 2 of 3: the model and the members trained so far were not saved" in r.stderr
    )
    assert (out / "vectors.npy").read_bytes() == before and not (out / "members").exists()
    assert invoke(["similar", "行者", "-m", out]).exit_code == 0
    assert not list(tmp_path.glob(".m.tmp-*"))


def test_members_trained_two_at_a_time_are_the_serial_ones(invoke, novel_slice, tmp_path):
    """--jobs 2: the same draws and, with --deterministic, bit-identical members (issue 51)."""
    import numpy as np

    args = ["--bootstrap", "3", "--unit", "lines:20", "--deterministic", *TINY]
    assert invoke(["train", novel_slice, "-o", tmp_path / "serial", *args]).exit_code == 0
    r = invoke(["train", novel_slice, "-o", tmp_path / "parallel", "--jobs", "2", *args])
    assert r.exit_code == 0 and "2 at a time" in r.stderr, r.stderr
    for k in (1, 2, 3):
        a, b = member_dir(tmp_path / "serial", k), member_dir(tmp_path / "parallel", k)
        assert (
            json.loads((a / "meta.json").read_text())["member"] == json.loads((b / "meta.json").read_text())["member"]
        )
        assert np.array_equal(np.load(a / "vectors.npy"), np.load(b / "vectors.npy"))
    assert invoke(["similar", "行者", "-m", tmp_path / "parallel"]).exit_code == 0


def _descendants(pid: int) -> set[int]:
    """The processes under pid (read from /proc: children of children too)."""
    import os

    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    parents[int(entry)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


@pytest.mark.parametrize("how", [["--jobs", "2"], ["--cluster", "local:2"]])
def test_ctrl_c_while_members_train_in_parallel_kills_them_and_keeps_nothing(novel_slice, tmp_path, how):
    import os
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "par-out"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "w2vkit",
            "train",
            str(novel_slice),
            "-o",
            str(out),
            "--bootstrap",
            "6",
            *how,
            "--unit",
            "lines:20",
            "--epochs",
            "3",
        ],
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=default_sigint,  # (a background job's tests start with SIGINT ignored)
    )
    for line in proc.stderr:
        if "training 6 members" in line:
            break
    time.sleep(2)
    workers = _descendants(proc.pid)
    assert workers, "no worker process was running"
    os.killpg(proc.pid, signal.SIGINT)
    rest = proc.stderr.read()
    assert proc.wait(timeout=60) == 130, rest
    assert "the model and the members trained so far were not saved" in rest
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(os.path.exists(f"/proc/{p}") for p in workers):
        time.sleep(0.2)
    assert not [p for p in workers if os.path.exists(f"/proc/{p}")], "worker processes were left behind"
    assert not out.exists() and not list(tmp_path.glob(".par-out.tmp-*"))


def test_more_members_at_once_than_cores_is_refused_before_any_work(invoke, novel_slice, tmp_path, monkeypatch):
    monkeypatch.setattr("w2vkit.base.env.default_jobs", lambda: 2)
    r = invoke(["train", novel_slice, "-o", tmp_path / "m", "--bootstrap", "3", "--jobs", "3", *TINY])
    assert (r.exit_code, r.stderr.splitlines()[-1]) == (
        2,
        "Error: --jobs 3 trains more members at once than this machine has cores (2); they would only wait for "
        "each other: give at most 2",
    )
    assert not (tmp_path / "m").exists()


def test_a_member_folder_that_is_a_link_is_refused_even_to_the_same_member(tmp_path):
    """A member is read only from a folder inside the model: a link, even to an identical copy
    (whose checksum would match), is one line (w2vkit.base.trust.inside)."""
    import shutil

    from w2vkit.errors import CorruptModelError
    from w2vkit.model.members import load_members

    folder = model_with_members(tmp_path, members=2)
    outside = tmp_path / "elsewhere"
    shutil.copytree(member_dir(folder, 2), outside)
    shutil.rmtree(member_dir(folder, 2))
    member_dir(folder, 2).symlink_to(outside, target_is_directory=True)
    with pytest.raises(CorruptModelError, match="a link on the way to the member's folder; .*retrain the model"):
        load_members(load_model(folder))
