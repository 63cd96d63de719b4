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
