"""w2vkit.text.corpus.items and w2vkit.evaluation.nextitem: item sequences taken verbatim, interaction tables grouped
and ordered, labels round-trip, names as queries, next-item evaluation by hand, and bad input in
one line each. Data: generated sequences with planted groups and known next items."""

import json

import numpy as np
import pytest

from w2vkit.errors import InputError
from w2vkit.evaluation.nextitem import _rank, evaluate_next_item
from w2vkit.model.itemfiles import read_labels
from w2vkit.text.corpus.items import ItemInput, Table, write_item_corpus

GROUPS = {g: [f"{g}:{i:02d}" for i in range(12)] for g in ("sci-fi", "drama", "comedy")}


def planted_sequences(rng, users=400):
    """Each user watches within one group (a few strays): items of a group co-occur."""
    out = []
    names = list(GROUPS)
    for _ in range(users):
        group = GROUPS[names[rng.integers(len(names))]]
        seq = list(rng.choice(group, size=8, replace=False))
        if rng.random() < 0.2:
            other = GROUPS[names[rng.integers(len(names))]]
            seq.insert(int(rng.integers(len(seq))), str(rng.choice(other)))
        out.append([str(s) for s in seq])
    return out


@pytest.fixture(scope="module")
def item_data(tmp_path_factory):
    folder = tmp_path_factory.mktemp("items")
    rng = np.random.default_rng(4)
    (folder / "seqs.txt").write_text("\n".join(" ".join(s) for s in planted_sequences(rng)) + "\n", encoding="utf-8")
    with open(folder / "labels.tsv", "w", encoding="utf-8") as f:
        for group, items in GROUPS.items():
            for i, item in enumerate(items):
                name = "Film sci-fi 0" if item == "comedy:11" else f"Film {group} {i}"  # (a remake: same title)
                f.write(f"{item}\tname\t{group}\n".replace("name", name))
    return folder


@pytest.fixture(scope="module")
def item_model(item_data, tmp_path_factory):
    from w2vkit.training.trainer import train
    from w2vkit.training.trainoptions import TrainOptions

    out = tmp_path_factory.mktemp("itemmodel") / "m"
    items = ItemInput(None, "last", str(item_data / "labels.tsv"))
    train([str(item_data / "seqs.txt")], out, TrainOptions(epochs=15, dim=16, seed=1, workers=1), None, items=items)
    return out


def test_ids_are_taken_verbatim(tmp_path):
    (tmp_path / "s.txt").write_text("A-1 b:2 http://x.y/z Ｆ１ e\u0301\n\nA-1 A-1\n", encoding="utf-8")
    corpus = write_item_corpus([str(tmp_path / "s.txt")], tmp_path / "out")
    assert corpus.path.read_text(encoding="utf-8").splitlines() == ["A-1 b:2 http://x.y/z Ｆ１ e\u0301", "A-1 A-1"]
    assert (corpus.tokens, corpus.sequences) == (7, 2)


def test_a_table_is_grouped_by_user_and_ordered_by_time_ties_in_file_order(tmp_path):
    (tmp_path / "t.csv").write_text("user,item,t\nu1,a,3\nu2,x,1\nu1,b,1\nu1,c,3\nu2,y,0\n", encoding="utf-8")
    corpus = write_item_corpus([str(tmp_path / "t.csv")], tmp_path / "out", Table("user", "item", "t"))
    assert corpus.path.read_text().splitlines() == ["b a c", "y x"]


def test_holdout_last_keeps_the_whole_sequence_aside(tmp_path):
    (tmp_path / "s.txt").write_text("a b c\nd\ne f\n", encoding="utf-8")
    corpus = write_item_corpus([str(tmp_path / "s.txt")], tmp_path / "out", holdout="last")
    assert corpus.path.read_text().splitlines() == ["a b", "d", "e"]
    assert corpus.held_out.read_text().splitlines() == ["a b c", "e f"]


@pytest.mark.parametrize(
    "content, table, message",
    [
        ("user,item\nu1,a\n", Table("user", "film", None), r"t\.csv: no column 'film'; its columns are 'user', 'item'"),
        ("user,item,t\nu1,a,soon\n", Table("user", "item", "t"), r"t\.csv:2: the time 'soon' is not a finite number"),
        ("user,item\nu1\n", Table("user", "item", None), r"t\.csv:2: 1 columns where the header has 2"),
        ("", Table("user", "item", None), r"t\.csv: empty; an interaction table needs a header row"),
        ("\n\n", None, r"no item sequences found"),
    ],
)
def test_bad_tables_and_empty_sequences_are_one_line(tmp_path, content, table, message):
    (tmp_path / "t.csv").write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        write_item_corpus([str(tmp_path / "t.csv")], tmp_path / "out", table)


def test_a_label_file_with_a_duplicate_id_names_the_line(tmp_path):
    (tmp_path / "l.tsv").write_text("1\tToy Story\tAnimation\n2\tHeat\n1\tToy Story again\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"l\.tsv:3: the ID '1' is labelled twice"):
        read_labels(tmp_path / "l.tsv")
    (tmp_path / "m.tsv").write_text("1 Toy Story\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"m\.tsv:1: expected ID<TAB>name"):
        read_labels(tmp_path / "m.tsv")


def test_planted_groups_give_coherent_neighbours_and_labels_round_trip(item_model, item_data, invoke):
    from w2vkit.model.store import load_model
    from w2vkit.queries.query import Engine

    engine = Engine(load_model(item_model))
    assert engine.labels == read_labels(item_data / "labels.tsv")  # kept with the model, unchanged
    for item in ("sci-fi:00", "drama:03", "comedy:07"):
        near = [w for w, _ in engine.most_similar([item], topn=5)]
        assert sum(w.split(":")[0] == item.split(":")[0] for w in near) >= 4, (item, near)
    r = invoke(["similar", "Film drama 3", "-m", item_model, "-n", "3", "--format", "json"])
    assert r.exit_code == 0, r.stderr
    rows = json.loads(r.stdout)["results"]
    assert all(row["name"].startswith("Film drama") for row in rows)
    ambiguous = invoke(["similar", "film sci-fi 0", "-m", item_model])
    assert ambiguous.exit_code == 2
    assert (
        "'film sci-fi 0' names 2 items: sci-fi:00 Film sci-fi 0; comedy:11 Film sci-fi 0; give the ID"
        in ambiguous.stderr
    )


def test_next_item_evaluation_beats_popularity_on_planted_groups(item_model, invoke):
    r = invoke(["evaluate", "--next-item", "-m", item_model, "--format", "json"])
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    scores = {row["method"]: row["hit_rate@10"] for row in data["results"]}
    assert scores["item model"] > scores["most popular"] + 0.1
    assert data["coherence"] > data["coherence_chance"] + 0.3


def test_a_gone_training_corpus_is_said_in_the_results_note(item_model, invoke, tmp_path):
    """Without the training sequences (cache cleared) there is no co-occurrence baseline: the
    note of the result says why, so Python's to_dict() has it as the command's stderr does."""
    import shutil

    copy = tmp_path / "m"
    shutil.copytree(item_model, copy)
    meta = json.loads((copy / "meta.json").read_text(encoding="utf-8"))
    meta["corpus"]["cache"] = str(tmp_path / "gone" / "corpus.txt")
    (copy / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    r = invoke(["evaluate", "--next-item", "-m", copy, "--format", "json"])
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    note = [n for n in data["notes"] if "no co-occurrence baseline" in n["message"]]
    assert note and "is gone from the cache" in note[0]["message"] and data["no_baseline"] in note[0]["message"]
    assert "warning:" not in r.stderr and "co-occurrence" not in {row["method"] for row in data["results"]}


def test_ranks_and_exclusions_by_hand():
    scores = np.array([0.9, 0.8, 0.7, 0.6])
    assert _rank(scores, 2, np.array([0])) == 2  # item 0 was seen: excluded, so item 2 ranks second
    assert _rank(scores, 0, np.array([0])) == 0  # the target itself seen: a miss


def test_an_unknown_target_is_a_miss_for_every_method(item_model, tmp_path):
    from w2vkit.model.store import load_model
    from w2vkit.queries.query import Engine

    engine = Engine(load_model(item_model))
    result = evaluate_next_item(engine, [["sci-fi:00", "sci-fi:01", "nobody"], ["sci-fi:00", "sci-fi:01"]], k=10)
    assert result.unknown_targets == 1 and result.model.hit_rate <= 0.5 and result.popular.hit_rate <= 0.5


def test_cli_bad_item_inputs_are_one_line_before_any_work(invoke, tmp_path):
    (tmp_path / "s.txt").write_text("a b c\n" * 20, encoding="utf-8")
    (tmp_path / "dup.tsv").write_text("a\tA\na\tB\n", encoding="utf-8")
    r = invoke(["train", "--items", tmp_path / "s.txt", "--labels", tmp_path / "dup.tsv", "-o", tmp_path / "m"])
    assert (r.exit_code, r.stderr) == (
        1,
        f"Error: {tmp_path / 'dup.tsv'}:2: the ID 'a' is labelled twice; keep one line per ID\n",
    )
    assert not (tmp_path / "m").exists()
    r = invoke(["train", tmp_path / "s.txt", "--user", "u"])
    assert r.exit_code == 2 and r.stderr.endswith(
        "Error: --user, --item, --time, --holdout and --labels go with --items\n"
    )


def test_a_map_of_items_is_labelled_by_name_and_coloured_by_group(item_model, tmp_path):
    from w2vkit.model.store import load_model
    from w2vkit.pictures.plotting import plot
    from w2vkit.queries.query import Engine

    engine = Engine(load_model(item_model))
    result = plot(engine, tmp_path / "map.png", top=36, method="pca")
    assert result.groups == 3 and result.labels == 36  # sci-fi, drama, comedy; every point named


def test_an_html_map_of_items_shows_and_searches_id_and_name(item_model, tmp_path):
    import re

    from w2vkit.model.store import load_model
    from w2vkit.pictures.plotting import plot
    from w2vkit.queries.query import Engine

    engine = Engine(load_model(item_model))
    plot(engine, tmp_path / "map.html", top=36, method="pca")
    page = (tmp_path / "map.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'<script id="map-data" type="application/json">(.*?)</script>', page, re.S).group(1))
    assert all(re.fullmatch(r"\S+ Film .+", w) for w in data["words"])
    assert sorted(data["groups"][:3]) == ["comedy", "drama", "sci-fi"]


def test_a_folder_of_sequence_files_is_read_in_name_order(tmp_path):
    (tmp_path / "in" / "sub").mkdir(parents=True)
    (tmp_path / "in" / "b.txt").write_text("c d\n", encoding="utf-8")
    (tmp_path / "in" / "sub" / "a.txt").write_text("e f\n", encoding="utf-8")
    (tmp_path / "in" / "a.txt").write_text("a b\n", encoding="utf-8")
    (tmp_path / "in" / ".hidden").write_text("x y\n", encoding="utf-8")
    corpus = write_item_corpus([str(tmp_path / "in")], tmp_path / "out")
    assert corpus.path.read_text().splitlines() == ["a b", "c d", "e f"]


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "NaN"])
def test_a_time_that_is_not_finite_is_refused_with_its_line(invoke, tmp_path, value):
    table = tmp_path / "ratings.tsv"
    table.write_text(f"user\titem\ttime\nu1\ta\t1\nu1\tb\t{value}\nu2\ta\t3\n", encoding="utf-8")
    r = invoke(["train", "--items", table, "--user", "user", "--item", "item", "--time", "time", "-o", tmp_path / "m"])
    assert (r.exit_code, r.stderr) == (
        1,
        f"Error: {table}:3: the time {value!r} is not a finite number (seconds, or any sortable number)\n",
    )


def test_user_item_and_time_must_be_different_columns(invoke, tmp_path):
    table = tmp_path / "ratings.tsv"
    table.write_text("user\titem\nu1\ta\n", encoding="utf-8")
    r = invoke(["train", "--items", table, "--user", "item", "--item", "item", "-o", tmp_path / "m"])
    assert (r.exit_code, r.stderr) == (
        2,
        "Error: --user, --item and --time must name different columns, not 'item' and 'item'\n",
    )
    assert not (tmp_path / "m").exists()


def test_a_rejected_line_is_quoted_short(invoke, tmp_path):
    labels = tmp_path / "labels.tsv"
    labels.write_text("x" * 1_000_000 + "\n", encoding="utf-8")
    seqs = tmp_path / "s.txt"
    seqs.write_text("a b c\n" * 50, encoding="utf-8")
    r = invoke(["train", "--items", seqs, "--labels", labels, "-o", tmp_path / "m"])
    assert r.exit_code == 1 and len(r.stderr) < 300 and "(1,000,000 characters)" in r.stderr, r.stderr[:300]
