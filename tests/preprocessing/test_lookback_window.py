import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from skseq import make_windows
from skseq.preprocessing import LookbackWindow


@pytest.mark.parametrize(
    ("length", "sampling_rate", "first_window", "offsets"),
    [
        (None, 1, [0, 1, 2, 3, 4, 5], (-5, -4, -3, -2, -1, 0)),
        (3, 1, [3, 4, 5], (-2, -1, 0)),
        (3, 2, [1, 3, 5], (-4, -2, 0)),
        (2, 5, [0, 5], (-5, 0)),
        (None, 2, [1, 3, 5], (-4, -2, 0)),
        (None, 3, [2, 5], (-3, 0)),
        (1, 1, [5], (0,)),
    ],
)
def test_lookback_keeps_last_steps(length, sampling_rate, first_window, offsets):
    X, _ = make_windows(np.arange(10.0), window_length=6)
    lookback = LookbackWindow(length=length, sampling_rate=sampling_rate)
    Xt = lookback.fit_transform(X)
    assert Xt.shape == (4, len(first_window), 1)
    assert lookback.length_ == len(first_window)
    np.testing.assert_array_equal(Xt.take()[0, :, 0], first_window)
    np.testing.assert_array_equal(Xt.take()[3, :, 0], np.add(first_window, 3))
    assert Xt.geometry.offsets == offsets


def test_lookback_on_sampled_windows_counts_window_steps():
    X, _ = make_windows(np.arange(20.0), window_length=5, sampling_rate=2)
    Xt = LookbackWindow(length=2, sampling_rate=2).fit_transform(X)
    np.testing.assert_array_equal(Xt.take()[0, :, 0], [4.0, 8.0])
    assert Xt.geometry.offsets == (-4, 0)


def test_lookback_leaves_targets_and_features_alone():
    series = np.arange(40.0).reshape(20, 2)
    X, y = make_windows(series, window_length=5, horizon=3, target=1)
    Xt = LookbackWindow(length=2).fit_transform(X)
    assert not Xt.changes_targets
    np.testing.assert_array_equal(Xt.take(), np.asarray(X)[:, -2:])
    batch = Xt.batch()
    np.testing.assert_array_equal(batch.forward_targets(y), y)
    np.testing.assert_array_equal(batch.inverse_targets(y), y)


def test_lookback_on_plain_2d_array():
    X = np.arange(12.0).reshape(3, 4)
    Xt = LookbackWindow(length=2).fit(X).transform(X)
    assert Xt.shape == (3, 2, 1)
    np.testing.assert_array_equal(Xt.take()[:, :, 0], X[:, 2:])


def test_lookback_longer_than_window_raises():
    X, _ = make_windows(np.arange(10.0), window_length=6)
    with pytest.raises(ValueError, match="needs windows of at least 11 steps, but X"):
        LookbackWindow(length=6, sampling_rate=2).fit(X)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"length": 0}, r"'length' parameter .* \[1, inf\)\. Got 0 instead"),
        ({"length": 2.5}, r"'length' parameter .* \[1, inf\)\. Got 2\.5 instead"),
        ({"sampling_rate": 0}, r"'sampling_rate' parameter .*\. Got 0 instead"),
        ({"sampling_rate": True}, r"'sampling_rate' parameter .*\. Got True instead"),
    ],
)
def test_lookback_bad_parameters(params, message):
    X = np.ones((4, 6))
    with pytest.raises(ValueError, match=message):
        LookbackWindow(**params).fit(X)


def test_lookback_checks_window_length_and_fitting():
    X = np.ones((4, 6))
    with pytest.raises(NotFittedError, match="This LookbackWindow instance is not"):
        LookbackWindow().transform(X)
    lookback = LookbackWindow(length=2).fit(X)
    with pytest.raises(ValueError, match="X has 5 features"):
        lookback.transform(np.ones((4, 5)))
