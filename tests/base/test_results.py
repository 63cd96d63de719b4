"""One query path (w2vkit.queries): every finding returns a Result whose to_dict() is what
--format json prints; members look words up by the model's keys (a Traditional query on a
--to-simplified model, a capitalised English query, an item's name all reach every member); the
ensemble's estimate lies inside its own interval; the public names check their arguments."""

import json

import numpy as np
import pytest
from conftest import WORDS, model_with_members

from w2vkit.base.results import Result
from w2vkit.model.store import load_model
from w2vkit.queries.ensemble import similar, similarity
from w2vkit.queries.query import Engine


def _with_segmentation(folder, segmentation):
    meta = json.loads((folder / "meta.json").read_text())
    meta["segmentation"] = segmentation
    (folder / "meta.json").write_text(json.dumps(meta))
    return folder


def test_the_python_api_and_the_cli_give_the_same_document(invoke, tmp_path):
    folder = model_with_members(tmp_path)
    engine = Engine(load_model(folder))
    cases = [
        (["similar", "w01", "-n", "5"], lambda: similar(engine, "w01", topn=5)),
        (["similarity", "w01", "w02"], lambda: similarity(engine, [("w01", "w02")])),
    ]
    from w2vkit.findings.analysis import expand
    from w2vkit.findings.axes import axis
    from w2vkit.findings.comparison import compare

    cases += [
        (["expand", "w01", "w02", "-n", "5"], lambda: expand(engine, ["w01", "w02"], topn=5)),
        (
            ["axis", "w01", "--vs", "w04", "-w", "w10", "-w", "w11"],
            lambda: axis(engine, ["w01"], ["w04"], ["w10", "w11"]),
        ),
        (["compare", folder, folder, "w10"], lambda: compare(engine, engine, ["w10"])),
    ]
    from w2vkit.evaluation.evaluate import run_evaluation

    pairs = tmp_path / "pairs.tsv"  # (evaluate: its Python call is its command's Result too)
    pairs.write_text("w01\tw02\t5\nw01\tw03\t3\nw02\tw04\t1\n", encoding="utf-8")
    cases += [(["evaluate", "--pairs", pairs], lambda: run_evaluation(engine, pairs=[str(pairs)]))]
    for args, call in cases:
        r = invoke([*args, "-m", folder, "--format", "json"] if args[0] != "compare" else [*args, "--format", "json"])
        assert r.exit_code == 0, (args, r.stderr)
        result = call()
        assert isinstance(result, Result)
        expected = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
        got = json.loads(r.stdout)
        for doc in (expected, got):
            doc["provenance"]["model"] = doc["provenance"]["model"].rstrip("/")
        # (the one thing the command line adds: itself, quoted as a shell reads it)
        asked = [*args, "-m", folder, "--format", "json"] if args[0] != "compare" else [*args, "--format", "json"]
        assert got["provenance"].pop("command_line") == " ".join(["w2vkit", *map(str, asked)])
        assert got == expected, args[0]
        assert got["provenance"]["vectors_sha256"] and "notes" in got


def test_the_printed_score_with_members_is_the_ensembles_and_lies_inside_its_interval(tmp_path):
    engine = Engine(load_model(model_with_members(tmp_path, noise=0.6)))
    for rank in ("ensemble", "model"):
        rows = similar(engine, "w01", topn=20, rank=rank).records()
        assert rows and all(r["low"] <= r["similarity"] <= r["high"] for r in rows if r["low"] is not None)
        assert any(r["similarity"] != r["model"] for r in rows)
    ranked = [r["similarity"] for r in similar(engine, "w01", topn=20, rank="ensemble").records()]
    assert ranked == sorted(ranked, reverse=True)
    by_model = [r["model"] for r in similar(engine, "w01", topn=20, rank="model").records()]
    assert by_model == sorted(by_model, reverse=True)


def _members_of(result):
    return [r["members"] for r in result.records()]


def test_a_traditional_query_reaches_the_members_of_a_to_simplified_model(tmp_path):
    words = ["孙悟空", "猪八戒", "沙和尚", "唐僧", "白龙马", *WORDS[5:]]
    base = np.random.default_rng(3).normal(size=(len(WORDS), 8)).astype(np.float32)
    folder = model_with_members(tmp_path, base=base)
    # the same model with Chinese words: rewrite the vocabularies (checksums as saved)
    from w2vkit.model.members import member_dir
    from w2vkit.model.store import save_model, write_model_files

    model = load_model(folder)
    meta = {"segmentation": {"lang": "zh", "to_simplified": True}}
    out = save_model(tmp_path / "zh", words, model.counts, np.asarray(model.vectors), meta)
    record = json.loads((folder / "meta.json").read_text())["members"]
    for k, entry in enumerate(record["members"], 1):
        member = load_model(member_dir(folder, k))
        target = member_dir(out, k)
        target.mkdir(parents=True)
        mine = [words[WORDS.index(w)] for w in member.words]
        entry["vectors_sha256"] = write_model_files(target, mine, member.counts, np.asarray(member.vectors), {})[
            "vectors_sha256"
        ]
    full = json.loads((out / "meta.json").read_text())
    full["members"] = record
    (out / "meta.json").write_text(json.dumps(full, ensure_ascii=False))
    engine = Engine(load_model(out))
    traditional = similar(engine, "孫悟空", topn=5)
    simplified = similar(engine, "孙悟空", topn=5)
    assert traditional.rows == simplified.rows and all(m == 6 for m in _members_of(traditional))
    assert traditional.to_dict()["query"][0]["key"] == "孙悟空"
    kept = similar(engine, "孫悟空", topn=5, stable=0.5)
    assert len(kept.rows) >= 1
    pair = similarity(engine, [("孫悟空", "豬八戒")]).records()[0]
    assert pair["members"] == 6 and pair["low"] is not None


def test_a_capitalised_english_query_reaches_the_members(tmp_path):
    folder = _with_segmentation(model_with_members(tmp_path), {"lang": "en"})
    engine = Engine(load_model(folder))
    upper, lower = similar(engine, "W01", topn=5), similar(engine, "w01", topn=5)
    assert upper.rows == lower.rows and all(m == 6 for m in _members_of(upper))
    from w2vkit.findings.analysis import expand
    from w2vkit.findings.axes import axis

    assert all(m == 6 for m in _members_of(expand(engine, ["W01", "W02"], topn=5)))
    result = axis(engine, ["W01", "W02"], ["W04"], ["W10", "w11"])
    assert all(r["members"] == 6 for r in result.records())


def test_an_item_name_reaches_the_members(invoke, tmp_path):
    seqs = tmp_path / "seqs.txt"
    rng = np.random.default_rng(0)
    seqs.write_text("\n".join(" ".join(f"i{x}" for x in rng.integers(0, 30, 15)) for _ in range(400)) + "\n")
    labels = tmp_path / "labels.tsv"
    labels.write_text("".join(f"i{k}\tFilm Number {k}\n" for k in range(30)), encoding="utf-8")
    r = invoke(
        [
            "train",
            "--items",
            seqs,
            "--labels",
            labels,
            "-o",
            tmp_path / "m",
            "--epochs",
            "2",
            "--bootstrap",
            "2",
            "--unit",
            "lines:20",
        ]
    )
    assert r.exit_code == 0, r.stderr
    engine = Engine(load_model(tmp_path / "m"))
    by_name, by_id = similar(engine, "film number 7", topn=5), similar(engine, "i7", topn=5)
    assert by_name.rows == by_id.rows and all(m == 2 for m in _members_of(by_name))
    r = invoke(["similar", "Film Number 7", "-m", tmp_path / "m", "-v"])
    assert "Film Number 7: the item i7 (its name in the labels)" in r.stderr


def test_a_cold_similar_without_members_imports_no_findings_module(small_model):
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from w2vkit.cli import cli\n"
        "try:\n"
        f"    cli.main(['similar', '行者', '-m', {str(small_model)!r}], prog_name='w2vkit')\n"
        "except SystemExit as e:\n"
        "    assert e.code == 0, e.code\n"
        "found = sorted(m for m in sys.modules if m.startswith('w2vkit.findings') or m == 'gensim')\n"
        "print(found, file=sys.__stderr__)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stderr.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize(
    "call, error, name",
    [
        (lambda e: Engine(None), TypeError, "model"),
        (lambda e: e.most_similar(["w"], topn="5"), TypeError, "topn"),
        (lambda e: e.most_similar(["行者"], topn=-1), ValueError, "topn"),
        (lambda e: e.most_similar([123]), TypeError, "positive"),
        (lambda e: e.similarity("行者", 5), TypeError, "b"),
        (lambda e: similar(e, "行者", topn=0), ValueError, "topn"),
        (lambda e: similar("models/x", "行者"), TypeError, "engine"),
    ],
)
def test_public_calls_check_their_arguments(small_model, call, error, name):
    engine = Engine(load_model(small_model))
    with pytest.raises(error, match=name):
        call(engine)


def test_one_string_is_one_word_not_its_characters(small_model):
    engine = Engine(load_model(small_model))
    assert engine.most_similar("行者", topn=3) == engine.most_similar(["行者"], topn=3)


@pytest.mark.parametrize(
    "kwargs, error, name",
    [
        (dict(resampling="bootstrap"), TypeError, "resampling"),
        (dict(options={"epochs": 1}), TypeError, "options"),
        (dict(inputs=[]), ValueError, "inputs"),
        (dict(inputs=[5]), TypeError, "inputs"),
    ],
)
def test_train_checks_its_arguments_before_any_work(tmp_path, kwargs, error, name):
    from w2vkit.training.trainer import train

    inputs = kwargs.pop("inputs", ["xiyouji"])
    with pytest.raises(error, match=name):
        train(inputs, tmp_path / "m", **kwargs)
    assert not (tmp_path / "m").exists()


def test_resampling_checks_its_fields():
    from w2vkit.model.members import Resampling

    with pytest.raises(TypeError, match="unit"):
        Resampling(unit=5)
    with pytest.raises(TypeError, match="count"):
        Resampling(count="10")


def test_rank_ensemble_on_a_model_without_members_says_so(invoke, small_model):
    """Issue 57: --rank ensemble on a model without members said nothing."""
    r = invoke(["similar", "行者", "-n", "3", "--rank", "ensemble", "-m", small_model])
    assert r.exit_code == 0, r.stderr
    assert "warning: --rank=ensemble needs resampled members; this model has none, so the model ranks" in r.stderr
    plain = invoke(["similar", "行者", "-n", "3", "-m", small_model])
    assert plain.stdout == r.stdout and "--rank=ensemble" not in plain.stderr
