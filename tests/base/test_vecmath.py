"""The package's one PCA (w2vkit.base.vecmath.principal_plane) against scikit-learn's."""

import numpy as np
import pytest

from w2vkit.base.vecmath import principal_plane


@pytest.mark.parametrize("shape", [(5000, 40), (30, 40)])  # (tall: the covariance path; wide: the SVD)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_plane_is_scikit_learns_pca_with_its_signs(shape, dtype):
    from sklearn.decomposition import PCA

    rng = np.random.default_rng(4)
    data = (rng.normal(size=shape) * np.linspace(3, 0.5, shape[1]) + 2).astype(dtype)
    want = PCA(n_components=2, svd_solver="full").fit_transform(data.astype(np.float64))
    got = principal_plane(data)
    # (scikit-learn turns each axis so its largest loading is positive, as principal_plane does)
    assert np.allclose(got, want, atol=1e-4 * np.abs(want).max())


def test_row_neighbours_are_scikit_learns_in_any_number_of_blocks(monkeypatch):
    """The one block loop of "each row's k nearest rows" against scikit-learn's brute-force cosine
    neighbours, in one block and in many; zero rows are no one's neighbour and have none."""
    from sklearn.neighbors import NearestNeighbors

    from w2vkit.base import vecmath

    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(300, 16)).astype(np.float32)
    vectors[7] = 0
    unit = vecmath.unit_rows(vectors)
    live = np.flatnonzero(unit.any(axis=1))
    fitted = NearestNeighbors(n_neighbors=6, metric="cosine", algorithm="brute").fit(unit[live])
    distances, found = fitted.kneighbors(unit[live])
    for elements in (1 << 20, 300 * 2):  # (one block; blocks of 2 rows)
        monkeypatch.setattr(vecmath, "NEIGHBOUR_BLOCK_ELEMENTS", elements)
        reports: list[int] = []
        indices, cosines = vecmath.row_neighbours(unit, 5, report=lambda done, total, seen=reports: seen.append(done))
        np.testing.assert_array_equal(indices[live], live[found[:, 1:]])
        np.testing.assert_allclose(cosines[live], 1 - distances[:, 1:], atol=1e-5)
        assert (indices[7] == -1).all() and 7 not in indices
        some, _ = vecmath.row_neighbours(unit, 5, rows=[3, 250])
        np.testing.assert_array_equal(some, indices[[3, 250]])
    assert reports and reports == sorted(reports)  # (150 blocks: said how far, in order)
