"""Every benchmark that needs nothing beside the clone starts and runs at a tiny size, so that a
moved function breaks the suite, not a reader's evening (issue 24). Marked slow: each runs in a
new process. Those that train on ../shared's texts for hours run with --tiny: a slice of the
built-in novel (benchmarks/tiny.py) or generated English, one epoch."""

import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def run(script, *args, timeout=900):
    out = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *map(str, args)], capture_output=True, text=True, timeout=timeout
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout


@pytest.mark.slow
def test_import_benchmark(tmp_path):
    out = run("import.py", "--words", 2000, "--dim", 16, "--rounds", 1)
    assert "w2vkit import" in out and "gensim load_word2vec_format" in out


@pytest.mark.slow
def test_query_benchmark(small_model):
    assert run("query.py", "--model", small_model, "--word", "行者", "--repeat", 1, "--big", 5000)


@pytest.mark.slow
def test_segment_benchmark(novel_slice):
    assert "jieba" in run("segment.py", "--corpus", novel_slice, "--times", 1, "--repeat", 1)


@pytest.mark.slow
def test_train_benchmark(novel_slice):
    assert "gensim" in run("train.py", "--corpus", novel_slice, "--repeat", 1, "--epochs", 3)


@pytest.mark.slow
def test_evaluate_benchmark(small_model):
    assert run("evaluate.py", "--model", small_model, "--restrict-vocab", 3000)


@pytest.mark.slow
def test_map_benchmark(small_model):
    assert "kept@10" in run("map.py", "-m", small_model, "--sizes", 200)


@pytest.mark.slow
def test_sentences_benchmark(small_model, novel_slice):
    assert run("sentences.py", "--model", small_model, "--text", novel_slice, "-n", 40)


@pytest.mark.slow
def test_unknown_words_benchmark(subword_model):
    assert run("unknown_words.py", subword_model, "--samples", 50)


@pytest.mark.slow
def test_count_model_english_benchmark(tmp_path):
    from conftest import text8_like

    corpus = tmp_path / "en.txt"  # generated English: the benchmark's own corpus is in ../shared
    corpus.write_text(text8_like(300_000), encoding="ascii")
    assert run("count_model_english.py", "--tiny", "--corpus", corpus, "--models", tmp_path / "models")


@pytest.mark.slow
def test_aliases_benchmark(tmp_path):
    assert "R@10" in run("aliases.py", "--tiny", "--json", tmp_path / "rows.json")


@pytest.mark.slow
def test_choose_defaults_benchmark():
    assert "xiyouji R@10" in run("choose_defaults.py", "--tiny")


@pytest.mark.slow
def test_count_model_benchmark(tmp_path):
    assert "xiyouji" in run("count_model.py", "--tiny", "--json", tmp_path / "rows.json")


@pytest.mark.slow
def test_english_levers_benchmark():
    out = run("english_levers.py", "--tiny")
    assert "dir1e-4        weight 0.25" in out


@pytest.mark.slow
def test_english_defaults_benchmark(tmp_path):
    from conftest import text8_like

    corpus = tmp_path / "en.txt"  # generated English: the benchmark's own corpus is in ../shared
    corpus.write_text(text8_like(300_000), encoding="ascii")
    out = run(
        "english_defaults.py", "--tiny", "--corpus", corpus, "--out", tmp_path / "rows.jsonl", "--post", "w,w+c abtt2"
    )
    assert "google" in out and len((tmp_path / "rows.jsonl").read_text().splitlines()) == 4


@pytest.mark.slow
def test_cluster_benchmark():
    assert "cluster / jobs" in run("cluster.py", "--tiny")


@pytest.mark.slow
def test_capacity_benchmark():
    assert "Projected time" in run("capacity.py", "--tiny")


def test_hostile_memory_benchmark():
    """The inputs of issue 34's item 10 at a hundredth of their size: each runs, within its bound."""
    out = run("hostile_memory.py", "--tiny")
    assert out.count(" met") == 5 and "NOT met" not in out


def test_bootstrap_benchmark():
    out = run("bootstrap.py", "--tiny")
    assert "with --bootstrap 2" in out and "cold similar" in out


@pytest.mark.slow
def test_bootstrap_jobs_pair_benchmark():
    out = run("bootstrap.py", "--tiny", "--jobs-pair")
    assert "--jobs 2" in out and "against --jobs 1" in out and "target <= 0.85x" in out


def test_calibration_benchmark():
    out = run("calibration.py", "--tiny")
    assert "fisher-t" in out and "share of words under" in out


def test_planted_change_benchmark():
    out = run("planted_change.py", "--tiny")
    assert "z-overlap" in out and "AP" in out


def test_items_benchmark():
    out = run("items.py", "--tiny")
    assert "item model" in out and "most popular" in out


def test_index_benchmark():
    out = run("index.py", "--tiny")
    assert "flat" in out and "search --in" in out


@pytest.mark.slow
def test_ensemble_benchmark():
    out = run("ensemble.py", "--tiny")
    assert "outside: model" in out and "xiyouji" in out


@pytest.mark.slow
def test_query_path_benchmark():
    out = run("query_path.py", "--tiny")
    assert "cold similar, no members" in out and "findings modules now: none" in out


@pytest.mark.slow
def test_contrast_benchmark():
    out = run("contrast.py", "--tiny")
    assert "rows split at random, rows permuted" in out and "at p < 0.05" in out


@pytest.mark.slow
def test_nulls_benchmark():
    out = run("nulls.py", "--tiny")
    for kind in ("levels (group change)", "uniform", "skewed", "log-skewed", "alike within blocks", "correlated"):
        assert kind in out, kind
    assert "90% interval excludes the null" in out and "refused" not in out
    assert "--to cosines' difference" in out and "the ratio" in out


@pytest.mark.slow
def test_coverage_benchmark_tells_where_the_truth_fell(small_model):
    """coverage.py's rows: each share that holds δ and the two that miss it add up to the whole."""
    for direction in ("random", "use"):
        out = run("coverage.py", "--model", small_model, "--words", 12, "--seeds", 1, "--multiples", "0,2",
                  "--permutations", 19, "--bootstrap", 10, "--direction", direction)  # fmt: skip
        rows = [line.split() for line in out.splitlines() if line.startswith(("uniform", "alike"))]
        assert {(r[0], r[1]) for r in rows} == {(c, m) for c in ("uniform", "alike") for m in ("0", "2")}
        for row in rows:
            held, below, above = (float(row[i].rstrip("%")) for i in (4, 6, 7))
            assert abs(held + below + above - 100) < 0.2, row


@pytest.mark.slow
def test_coverage_of_the_to_difference_and_the_ratio_benchmark():
    out = run("coverage_to.py", "--draws", 3, "--multiples", "0,2", "--permutations", 19, "--bootstrap", 10)
    for stat, way in (("cos_vs", "given"), ("cos", "given"), ("ratio", "given"), ("curve", "band")):
        assert any(line.split()[:1] == [stat] and way in line for line in out.splitlines()), (stat, way)


@pytest.mark.slow
def test_regression_benchmark():
    out = run("regression.py", "--tiny")
    assert "no change, year:" in out and "no change, era:" in out and "at p < 0.05" in out


@pytest.mark.slow
def test_neighbours_benchmark():
    out = run("neighbours.py", "--tiny")
    assert "csls" in out and "floor 10" in out


@pytest.mark.slow
def test_similarity_benchmark():
    out = run("similarity.py", "--tiny")
    assert "xiyouji      topical" in out and "paradigmatic" in out and "of which the views" in out


@pytest.mark.slow
@pytest.mark.explore
def test_explore_benchmark(small_model):
    out = run("explore.py", "--model", small_model, "--big", 3000, "--members", 2, "--no-browser")
    assert "further questions" in out and "gensim most_similar" in out


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.explore
def test_atlas_benchmark():
    out = run("atlas.py", "--words", 3000)
    assert "first PCA layout" in out and "layout kept" in out and "every point every frame (reference)" in out
    assert "similar with the map open" in out


@pytest.mark.slow
def test_passes_benchmark(novel_slice, tmp_path):
    import gzip

    lines = [line.strip() for line in novel_slice.read_text(encoding="utf-8").splitlines() if line.strip()]
    table = tmp_path / "poems.tsv.gz"  # (a table shaped as the poetry's, of the novel's paragraphs)
    with gzip.open(table, "wt", encoding="utf-8") as f:
        f.write("period\tcollection\tauthor\ttitle\ttext\n")
        f.writelines(f"唐\tc\ta{i % 9}\tt\t{line[:60]}\n" for i, line in enumerate(lines[:400]))
    out = run("passes.py", "curve", "--poetry", table, "--sizes", 0.004, 0.008, "--rounds", 2)
    assert sum(line.startswith("round ") for line in out.splitlines()) == 4
    verdicts = [line.split(":")[0] for line in out.splitlines() if "rising with size:" in line]
    assert verdicts == ["seconds rising with size", "CPU seconds rising with size"] and "medians of the rounds" in out


@pytest.mark.slow
def test_background_benchmark():
    out = run("background.py", "--tiny")
    assert "w2vkit: background" in out and "alone: topical" in out and "w2vkit: a model as background" in out


@pytest.mark.slow
def test_view_families_benchmark():
    out = run("view_families.py", "--tiny")
    assert "sentences R@10" in out and all(view in out for view in ("mixed", "topical", "paradigmatic"))
