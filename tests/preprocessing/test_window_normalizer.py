import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from skseq import make_windows
from skseq.preprocessing import WindowNormalizer


@pytest.mark.parametrize(
    ("method", "windows", "targets"),
    [
        ("last", [[-2, 0], [-4, 0], [2, 0]], [[4, 2], [-2, -2], [0, 4]]),
        ("mean", [[-1, 1], [-2, 2], [1, -1]], [[5, 3], [0, 0], [-1, 3]]),
        ("zscore", [[-1, 1], [-1, 1], [1, -1]], [[5, 3], [0, 0], [-1, 3]]),
    ],
)
def test_normalizer_exact_values(method, windows, targets):
    # Windows [1, 3], [3, 7], [7, 5]; targets [7, 5], [5, 5], [5, 9].
    X, y = make_windows([1.0, 3.0, 7.0, 5.0, 5.0, 9.0], window_length=2, horizon=2)
    Xt = WindowNormalizer(method=method).fit_transform(X)
    np.testing.assert_allclose(Xt.take()[:, :, 0], windows)
    batch = Xt.batch()
    np.testing.assert_allclose(batch.forward_targets(y), targets)
    np.testing.assert_allclose(batch.inverse_targets(np.array(targets, float)), y)


def test_normalizer_uses_each_feature_and_the_target_column():
    series = np.column_stack([np.arange(10.0), 100.0 + 2.0 * np.arange(10.0)])
    X, y = make_windows(series, window_length=3, horizon=2, target=[1, 0])
    Xt = WindowNormalizer(method="mean").fit_transform(X)
    np.testing.assert_allclose(Xt.take()[0], [[-1.0, -2.0], [0.0, 0.0], [1.0, 2.0]])
    # Window 0 means: 1 and 102; targets at steps 3 and 4, step-major (b, a).
    np.testing.assert_array_equal(y[0], [106.0, 3.0, 108.0, 4.0])
    np.testing.assert_allclose(Xt.batch().forward_targets(y)[0], [4.0, 2.0, 6.0, 3.0])


def test_normalizer_zscore_leaves_constant_windows_unscaled():
    X, y = make_windows(np.array([2.0, 2.0, 2.0, 5.0]), window_length=3)
    Xt = WindowNormalizer(method="zscore").fit_transform(X)
    np.testing.assert_array_equal(Xt.take()[0, :, 0], [0.0, 0.0, 0.0])
    np.testing.assert_allclose(Xt.batch().forward_targets(y), [3.0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("method", ["last", "mean", "zscore"])
def test_normalizer_keeps_dtype_and_works_on_plain_arrays(dtype, method):
    X = np.random.default_rng(0).normal(size=(6, 4)).astype(dtype)
    Xt = WindowNormalizer(method=method).fit(X).transform(X)
    assert Xt.take().dtype == dtype
    assert Xt.shape == (6, 4, 1)
    center = X.mean(axis=1, keepdims=True) if method != "last" else X[:, -1:]
    scale = X.std(axis=1, keepdims=True) if method == "zscore" else 1.0
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(Xt.take()[:, :, 0], (X - center) / scale, rtol=rtol)


def test_normalizer_records_layout_and_needs_fit():
    X = np.ones((5, 4))
    with pytest.raises(NotFittedError, match="This WindowNormalizer instance is"):
        WindowNormalizer().transform(X)
    normalizer = WindowNormalizer().fit(X)
    assert (normalizer.n_features_in_, normalizer.n_channels_) == (4, 1)
    with pytest.raises(ValueError, match="X has 3 features"):
        normalizer.transform(np.ones((5, 3)))


@pytest.mark.parametrize("method", ["median", None, 1])
def test_normalizer_bad_method(method):
    message = r"The 'method' parameter of WindowNormalizer must be a str among "
    with pytest.raises(ValueError, match=message + r".* Got " + repr(method)):
        WindowNormalizer(method=method).fit(np.ones((3, 2)))
