import numpy as np
import pandas as pd
import pytest

from skseq import make_windows
from skseq.preprocessing import SeasonalDifferencer

SQUARES = np.arange(12.0) ** 2


@pytest.mark.parametrize(
    ("period", "first_window", "offsets"),
    [
        (1, [1.0, 3.0, 5.0, 7.0], (-3, -2, -1, 0)),
        (2, [4.0, 8.0, 12.0], (-2, -1, 0)),
        (4, [16.0], (0,)),
    ],
)
def test_differencer_exact_values(period, first_window, offsets):
    # Window 0 is [0, 1, 4, 9, 16]; its targets are 25 and 36.
    X, y = make_windows(SQUARES, window_length=5, horizon=2)
    Xt = SeasonalDifferencer(period=period).fit_transform(X)
    np.testing.assert_array_equal(Xt.take()[0, :, 0], first_window)
    assert Xt.geometry.offsets == offsets
    assert Xt.shape == (len(y), len(first_window), 1)
    targets = {1: [9.0, 11.0], 2: [16.0, 20.0], 4: [24.0, 32.0]}[period]
    np.testing.assert_array_equal(Xt.batch().forward_targets(y)[0], targets)


def test_differencer_on_sampled_windows():
    X, y = make_windows(SQUARES, window_length=3, sampling_rate=2, delay=2)
    Xt = SeasonalDifferencer(period=2).fit_transform(X)
    # Window 0 is [0, 4, 16] at offsets (-4, -2, 0); its target is 36.
    np.testing.assert_array_equal(Xt.take()[0, :, 0], [4.0, 12.0])
    assert Xt.geometry.offsets == (-2, 0)
    np.testing.assert_array_equal(Xt.batch().forward_targets(y)[0], 36.0 - 16.0)


def test_differencer_on_plain_2d_array():
    X = np.arange(12.0).reshape(3, 4) ** 2
    Xt = SeasonalDifferencer(period=2).fit(X).transform(X)
    np.testing.assert_array_equal(Xt.take()[:, :, 0], X[:, 2:] - X[:, :-2])


def _differenced(values, period):
    """``x[t] - x[t - period]`` for the whole series, NaN where undefined."""
    out = np.full_like(values, np.nan)
    out[period:] = values[period:] - values[:-period]
    return out


GEOMETRIES = [
    # window_length, sampling_rate, delay, horizon, period
    (6, 1, 1, 1, 1),
    (6, 1, 1, 5, 2),  # horizon > period: recursive
    (8, 1, 1, 9, 3),
    (10, 1, 3, 2, 4),  # delay > 1, every reference in the window
    (10, 1, 2, 3, 4),
    (5, 2, 2, 1, 2),  # sampled windows: the reference must be a window step
    (5, 3, 3, 1, 6),
    (6, 2, 2, 1, 4),
]


@pytest.mark.parametrize(
    ("window_length", "sampling_rate", "delay", "horizon", "period"), GEOMETRIES
)
@pytest.mark.parametrize("target", ["a", ["b", "a"]])
def test_differencer_matches_the_differenced_series(
    window_length, sampling_rate, delay, horizon, period, target
):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(60, 2)).cumsum(axis=0), columns=["a", "b"])
    X, y = make_windows(
        frame,
        window_length=window_length,
        horizon=horizon,
        delay=delay,
        sampling_rate=sampling_rate,
        target=target,
    )
    Xt = SeasonalDifferencer(period=period).fit_transform(X)
    Xt.check_horizon(horizon)
    z = _differenced(frame.to_numpy(), period)
    ends = (window_length - 1) * sampling_rate + np.arange(len(y))
    window_rows = ends[:, None] + np.array(Xt.geometry.offsets)
    np.testing.assert_allclose(Xt.take(), z[window_rows])
    columns = [frame.columns.get_loc(c) for c in np.atleast_1d(target)]
    target_rows = ends[:, None] + delay + np.arange(horizon)
    expected = z[target_rows][:, :, columns].reshape(y.shape)
    batch = Xt.batch()
    np.testing.assert_allclose(batch.forward_targets(y), expected, atol=1e-12)
    np.testing.assert_allclose(batch.inverse_targets(expected), y, atol=1e-12)


@pytest.mark.parametrize(
    ("delay", "horizon", "period", "target_number"),
    [(5, 1, 2, 1), (2, 3, 3, 3), (3, 4, 3, 2)],
)
def test_differencer_gap_between_window_and_targets_raises(
    delay, horizon, period, target_number
):
    X, y = make_windows(SQUARES, window_length=5, delay=delay, horizon=horizon)
    Xt = SeasonalDifferencer(period=period).fit_transform(X)
    message = rf"cannot map target {target_number} of the horizon .* falls in the gap"
    with pytest.raises(ValueError, match=message):
        Xt.check_horizon(horizon)
    with pytest.raises(ValueError, match=message):
        Xt.batch().forward_targets(y)


def test_differencer_reference_between_sampled_steps_raises():
    X, y = make_windows(SQUARES, window_length=4, sampling_rate=2)
    Xt = SeasonalDifferencer(period=4).fit_transform(X)
    with pytest.raises(ValueError, match="needs the value 3 step.* not a step"):
        Xt.check_horizon(1)


def test_differencer_period_not_a_multiple_of_the_sampling_raises():
    X, _ = make_windows(SQUARES, window_length=4, sampling_rate=2)
    with pytest.raises(ValueError, match=r"`period`=3 is not a multiple .* 2 series"):
        SeasonalDifferencer(period=3).fit(X)


@pytest.mark.parametrize(("sampling_rate", "period"), [(1, 5), (1, 7), (2, 10)])
def test_differencer_period_longer_than_window_raises(sampling_rate, period):
    X, _ = make_windows(SQUARES, window_length=5, sampling_rate=sampling_rate)
    with pytest.raises(ValueError, match=rf"`period`={period} leaves nothing"):
        SeasonalDifferencer(period=period).fit(X)


def test_differencer_checks_the_windows_it_transforms():
    differencer = SeasonalDifferencer(period=3).fit(np.ones((4, 5)))
    X, _ = make_windows(np.arange(30.0), window_length=5, sampling_rate=2)
    with pytest.raises(ValueError, match="not a multiple"):
        differencer.transform(X)


@pytest.mark.parametrize("period", [0, -1, 1.5, "24", None, True])
def test_differencer_bad_period(period):
    with pytest.raises(
        ValueError,
        match=r"'period' parameter of SeasonalDifferencer .* \[1, inf\)\. Got",
    ):
        SeasonalDifferencer(period=period).fit(np.ones((3, 4)))
