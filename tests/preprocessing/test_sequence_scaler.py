import numpy as np
import pandas as pd
import pytest

from skseq import SequenceWindows, make_windows
from skseq.preprocessing import SeasonalDifferencer, SequenceScaler


def _frame(n_steps=60, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "a": np.linspace(0.0, 30.0, n_steps) + rng.normal(size=n_steps),
            "b": 5.0 + 3.0 * rng.normal(size=n_steps),
            "c": np.full(n_steps, 7.0),
        }
    )


def test_scaler_statistics_are_those_of_the_window_values():
    X, _ = make_windows(_frame(), window_length=6, target="a")
    scaler = SequenceScaler().fit(X)
    values = np.asarray(X).reshape(-1, 3)
    np.testing.assert_allclose(scaler.mean_, values.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(scaler.var_, values.var(axis=0), rtol=1e-12)
    np.testing.assert_allclose(scaler.scale_[:2], values[:, :2].std(axis=0))
    assert scaler.scale_[2] == 1.0  # constant column is not scaled
    assert scaler.n_samples_seen_ == len(values)
    assert (scaler.n_features_in_, scaler.n_channels_) == (6, 3)


def test_scaler_streams_batches_without_materialising(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("fit materialised all windows")

    gathered = []
    batch = SequenceWindows.batch

    def recording_batch(self, rows=slice(None)):
        result = batch(self, rows)
        gathered.append(len(result.windows))
        return result

    X, _ = make_windows(_frame(500), window_length=7, target="a")
    expected = np.asarray(X).reshape(-1, 3)
    monkeypatch.setattr(SequenceWindows, "rows_per_batch", lambda self: 7)
    monkeypatch.setattr(SequenceWindows, "batch", recording_batch)
    monkeypatch.setattr(SequenceWindows, "__array__", refuse)
    scaler = SequenceScaler().fit(X)
    assert max(gathered) == 7
    assert sum(gathered) == len(X)
    np.testing.assert_allclose(scaler.mean_, expected.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(scaler.var_, expected.var(axis=0), rtol=1e-10)


def test_scaler_is_accurate_far_from_zero(monkeypatch):
    rng = np.random.default_rng(1)
    series = 1e8 + rng.normal(size=3000)
    X, _ = make_windows(series, window_length=10)
    monkeypatch.setattr(SequenceWindows, "rows_per_batch", lambda self: 10)
    scaler = SequenceScaler().fit(X)
    values = np.asarray(X).ravel()
    np.testing.assert_allclose(scaler.scale_, values.std(), rtol=1e-7)


def test_scaler_learns_from_training_windows_only():
    X, _ = make_windows(np.arange(100.0), window_length=5)
    scaler = SequenceScaler().fit(X[:10])
    # Window i averages i + 2; the whole series averages 49.5.
    assert scaler.mean_[0] == pytest.approx(np.asarray(X[:10]).mean())
    assert scaler.mean_[0] == pytest.approx(6.5)
    Xt = scaler.transform(X[10:20])
    np.testing.assert_allclose(
        Xt.take(), (np.asarray(X[10:20]) - scaler.mean_) / scaler.scale_
    )


@pytest.mark.parametrize(
    ("with_mean", "with_std", "expected"),
    [
        (True, True, [[-1.0, 1.0], [1.0, -1.0]]),
        (False, True, [[1.0, 3.0], [3.0, 1.0]]),
        (True, False, [[-2.0, 2.0], [2.0, -2.0]]),
        (False, False, [[2.0, 6.0], [6.0, 2.0]]),
    ],
)
def test_scaler_exact_values(with_mean, with_std, expected):
    X, y = make_windows(np.array([2.0, 6.0, 2.0, 10.0]), window_length=2)
    Xt = SequenceScaler(with_mean=with_mean, with_std=with_std).fit_transform(X)
    np.testing.assert_allclose(Xt.take()[:, :, 0], expected)
    center = 4.0 if with_mean else 0.0
    scale = 2.0 if with_std else 1.0
    np.testing.assert_allclose(
        Xt.batch().forward_targets(y), (np.array([2.0, 10.0]) - center) / scale
    )


@pytest.mark.parametrize("target", ["a", "b", ["b", "a"]])
def test_scaler_targets_are_the_scaled_series(target):
    frame = _frame()
    X, y = make_windows(frame, window_length=4, horizon=3, delay=2, target=target)
    Xt = SequenceScaler().fit_transform(X)
    columns = [target] if isinstance(target, str) else target
    scaled = (frame - Xt.operations[0].center) / Xt.operations[0].scale
    # Window i ends at step 3 + i; its targets are steps 5 + i, 6 + i, 7 + i.
    rows = np.arange(len(y))[:, None] + 5 + np.arange(3)
    expected = scaled[columns].to_numpy()[rows].reshape(len(y), -1)
    batch = Xt.batch()
    np.testing.assert_allclose(batch.forward_targets(y), expected)
    np.testing.assert_allclose(batch.inverse_targets(expected), y)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_scaler_keeps_the_windows_dtype(dtype):
    X = np.random.default_rng(0).normal(size=(20, 5)).astype(dtype)
    Xt = SequenceScaler().fit_transform(X)
    assert Xt.dtype == dtype
    assert Xt.take().dtype == dtype


def test_scaler_targets_need_a_target_column():
    X = np.random.default_rng(0).normal(size=(10, 4, 2))
    Xt = SequenceScaler().fit_transform(X)
    assert Xt.take().shape == (10, 4, 2)
    with pytest.raises(ValueError, match="needs to know which feature is the target"):
        Xt.check_horizon(1)
    with pytest.raises(ValueError, match="needs to know which feature is the target"):
        Xt.batch().forward_targets(np.zeros(10))


@pytest.mark.parametrize("name", ["with_mean", "with_std"])
def test_scaler_bad_parameters(name):
    with pytest.raises(
        ValueError,
        match=rf"The '{name}' parameter of SequenceScaler must be .* Got 'y' instead",
    ):
        SequenceScaler(**{name: "y"}).fit(np.ones((3, 2)))


def test_scaler_learns_from_windows_already_transformed():
    X, _ = make_windows(np.arange(50.0) ** 2, window_length=5)
    differenced = SeasonalDifferencer(period=1).fit_transform(X)
    scaler = SequenceScaler().fit(differenced)
    values = differenced.take().ravel()
    np.testing.assert_allclose(scaler.mean_, [values.mean()])
    np.testing.assert_allclose(scaler.scale_, [values.std()])


def test_scaler_refuses_values_whose_variance_overflows():
    X = np.array([[1e300, -1e300, 1e300], [-1e300, 1e300, -1e300]])
    with pytest.raises(ValueError, match=r"feature\(s\) \[0\]: their mean or var"):
        SequenceScaler().fit(X)
