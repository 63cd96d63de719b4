"""A whole-model map's places and clusters are kept beside the model (the one cache class) and
are the ones a fresh projection gives; a changed model or word list is a miss."""

import numpy as np
import pytest

from w2vkit.model.store import load_model, save_model
from w2vkit.pictures import projection
from w2vkit.pictures.projection import cluster_groups, project, whole_map_layout
from w2vkit.queries.query import Engine


def _model(tmp_path, n=400, seed=0):
    rng = np.random.default_rng(seed)
    words = [f"词{i:04d}" for i in range(n)]
    path = save_model(
        tmp_path / f"m{seed}", words, np.arange(n, 0, -1), rng.normal(size=(n, 16)).astype(np.float32), {}
    )
    return Engine(load_model(path))


def test_the_layout_is_kept_and_read_back_without_projecting(tmp_path, monkeypatch):
    engine = _model(tmp_path)
    chosen = list(engine.model.words[:300])
    first = whole_map_layout(engine, chosen, "pca", 0)
    fresh = project(np.asarray(engine.vectors[:300], dtype=np.float32), "pca", 0)
    assert np.allclose(first, fresh)
    kept = engine.model.cache_file("layout-pca.npy")  # (the model's cache: never its folder)
    assert kept.is_file() and kept.with_suffix(".sha256").is_file() and not (engine.model.path / kept.name).exists()

    def refuse(*args, **kwargs):
        raise AssertionError("projected again")

    monkeypatch.setattr(projection, "project", refuse)
    assert np.array_equal(whole_map_layout(engine, chosen, "pca", 0), first)
    # another word list is another layout: computed, not read
    monkeypatch.undo()
    other = whole_map_layout(engine, chosen[:250], "pca", 0)
    assert other.shape == (250, 2)
    assert np.allclose(other, project(np.asarray(engine.vectors[:250], dtype=np.float32), "pca", 0))


def test_a_tampered_layout_is_a_miss(tmp_path):
    engine = _model(tmp_path)
    chosen = list(engine.model.words)
    first = whole_map_layout(engine, chosen, "pca", 0)
    np.save(engine.model.cache_file("layout-pca.npy"), np.zeros_like(first))
    assert np.allclose(whole_map_layout(engine, chosen, "pca", 0), first)


def test_clusters_are_kept_and_equal_a_fresh_k_means(tmp_path):
    from sklearn.cluster import MiniBatchKMeans

    from w2vkit.base.vecmath import unit_rows

    engine = _model(tmp_path)
    words = list(engine.model.words)
    groups, names = cluster_groups(engine, words, 5)
    assert engine.model.cache_file("clusters.npy").is_file()
    unit = unit_rows(np.asarray(engine.vectors, dtype=np.float32))
    want = MiniBatchKMeans(n_clusters=5, random_state=0, n_init=3, batch_size=2048).fit(unit).predict(unit)
    assert groups == want.tolist()
    # each named by three of its 30 most frequent words, those nearest its centre, most frequent first
    for c, name in enumerate(names):
        members = [i for i, g in enumerate(groups) if g == c]
        centre = unit[members].mean(axis=0)
        nearest = sorted(members[:30], key=lambda i: -float(unit[i] @ centre))[:3]
        assert name.split() == [words[i] for i in sorted(nearest)], (c, name)
    assert cluster_groups(engine, words, 5) == (groups, names)
    assert len(set(cluster_groups(engine, words, 3)[0])) == 3  # (another k: computed again)


def test_clusters_of_many_words_are_fitted_on_the_most_frequent(tmp_path, monkeypatch):
    from sklearn.cluster import MiniBatchKMeans

    from w2vkit.base.vecmath import unit_rows

    monkeypatch.setattr(projection, "CLUSTER_FIT", 100)
    engine = _model(tmp_path)
    words = list(engine.model.words)
    unit = unit_rows(np.asarray(engine.vectors, dtype=np.float32))
    fitted = MiniBatchKMeans(n_clusters=4, random_state=0, n_init=3, batch_size=2048).fit(unit[:100])
    assert cluster_groups(engine, words, 4)[0] == fitted.predict(unit).tolist()


@pytest.mark.umap
def test_a_umap_layout_keeps_neighbours_and_is_the_same_for_a_seed(tmp_path):
    """plot --method umap (the umap extra): umap-learn's layout, repeatable for a seed, and kept
    beside the model for a whole-model map; its neighbourhoods those of the vectors (scikit-learn's
    trustworthiness, against a random layout's)."""
    from sklearn.manifold import trustworthiness

    engine = _model_in_clusters(tmp_path)
    words = list(engine.model.words)
    unit = np.asarray(engine.vectors, dtype=np.float32)
    epochs = []  # (its progress: the explorer's waiting page shows it)
    first = project(unit, "umap", 0, lambda done, total: epochs.append((done, total)))
    assert first.shape == (len(words), 2) and np.array_equal(first, project(unit, "umap", 0))
    assert epochs and epochs[-1][0] == epochs[-1][1] > 100 and [d for d, _ in epochs] == sorted(d for d, _ in epochs)
    rng = np.random.default_rng(0)
    assert trustworthiness(unit, first, n_neighbors=10, metric="cosine") > 0.9
    assert trustworthiness(unit, rng.normal(size=first.shape), n_neighbors=10, metric="cosine") < 0.7
    kept = whole_map_layout(engine, words, "umap", 0)
    assert np.allclose(kept, first) and engine.model.cache_file("layout-umap.npy").is_file()


def _model_in_clusters(tmp_path, n=300):
    rng = np.random.default_rng(2)
    centres = rng.normal(size=(6, 16)) * 3
    vectors = (centres[rng.integers(0, 6, n)] + rng.normal(size=(n, 16))).astype(np.float32)
    words = [f"词{i:04d}" for i in range(n)]
    return Engine(load_model(save_model(tmp_path / "clustered", words, np.arange(n, 0, -1), vectors, {})))


def test_umap_without_its_extra_is_refused_before_any_work(monkeypatch):
    import importlib.util

    from w2vkit.errors import UsageError
    from w2vkit.pictures.projection import check_method

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "umap" else real(name, *a))
    with pytest.raises(UsageError, match=r"umap needs umap-learn: pip install 'w2vkit\[umap\]'"):
        check_method("umap")
    assert check_method("pca") == "pca"


def test_frequency_bands_are_the_powers_of_ten_of_the_counts(tmp_path):
    from w2vkit.pictures.projection import frequency_groups

    engine = _model(tmp_path)  # (counts 400 down to 1)
    words = list(engine.model.words)
    groups, names = frequency_groups(engine, words)
    assert names == ["100-999 times", "10-99 times", "1-9 times"]
    counts = [int(engine.model.counts[engine.model.index[w]]) for w in words]
    assert all(names[g].startswith(f"{10 ** (len(str(c)) - 1):,}-") for g, c in zip(groups, counts))


def test_a_large_t_sne_reports_its_iterations_to_a_callback():
    """Issue 76: the explorer's page shows how far a t-SNE has got: `progress` may be a function
    (done, total), called as openTSNE iterates, up to the total."""
    from w2vkit.base.choices import LARGE_MAP

    rng = np.random.default_rng(0)
    reports = []
    xy = project(rng.normal(size=(LARGE_MAP, 10)).astype(np.float32), "tsne", 0, lambda d, t: reports.append((d, t)))
    assert xy.shape == (LARGE_MAP, 2)
    done = [d for d, _ in reports]
    assert len(reports) > 10 and done == sorted(done) and len({t for _, t in reports}) == 1
    assert done[-1] == reports[-1][1]
