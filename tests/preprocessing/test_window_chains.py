import pickle
import re
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.pipeline import make_pipeline

from skseq import SequenceWindows, TargetTransformWarning, make_windows
from skseq.preprocessing import (
    LookbackWindow,
    SeasonalDifferencer,
    SequenceScaler,
    WindowNormalizer,
)

TRANSFORMERS = [
    LookbackWindow(length=3),
    LookbackWindow(length=2, sampling_rate=2),
    SequenceScaler(),
    SequenceScaler(with_mean=False),
    WindowNormalizer(method="last"),
    WindowNormalizer(method="mean"),
    WindowNormalizer(method="zscore"),
    SeasonalDifferencer(period=1),
    SeasonalDifferencer(period=2),
]


def _series(n_steps=80, n_features=2, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n_steps, n_features)).cumsum(axis=0) + 10.0


def _round_trip(Xt, y):
    batch = Xt.batch()
    return batch.inverse_targets(batch.forward_targets(y))


@pytest.mark.parametrize(
    "steps",
    [
        [SeasonalDifferencer(period=2), SequenceScaler()],
        [LookbackWindow(length=6), WindowNormalizer(method="mean"), SequenceScaler()],
        [
            LookbackWindow(length=7, sampling_rate=1),
            SeasonalDifferencer(period=3),
            WindowNormalizer(method="zscore"),
        ],
        [SeasonalDifferencer(period=1), SeasonalDifferencer(period=2)],
        [
            WindowNormalizer(method="last"),
            SeasonalDifferencer(period=4),
            SequenceScaler(),
        ],
    ],
    ids=repr,
)
@pytest.mark.parametrize(("horizon", "target"), [(1, 0), (5, 1), (7, [1, 0])])
def test_chain_inverse_undoes_forward(steps, horizon, target):
    X, y = make_windows(_series(), window_length=8, horizon=horizon, target=target)
    Xt = make_pipeline(*[clone(step) for step in steps]).fit_transform(X)
    assert len(Xt.operations) == len(steps)
    Xt.check_horizon(horizon)
    forward = Xt.batch().forward_targets(y)
    assert forward.shape == y.shape
    assert not np.allclose(forward, y)
    np.testing.assert_allclose(_round_trip(Xt, y), y, rtol=1e-10, atol=1e-10)


def test_chain_on_sampled_windows_inverse_undoes_forward():
    # Steps 3 apart, then every 2nd of them: 6 apart, like the period.
    X, y = make_windows(
        _series(), window_length=9, sampling_rate=3, delay=6, target=[1, 0]
    )
    steps = [
        LookbackWindow(length=5, sampling_rate=2),
        SeasonalDifferencer(period=6),
        WindowNormalizer(method="zscore"),
        SequenceScaler(),
    ]
    Xt = make_pipeline(*steps).fit_transform(X)
    assert Xt.geometry.offsets == (-18, -12, -6, 0)
    Xt.check_horizon(1)
    np.testing.assert_allclose(_round_trip(Xt, y), y, rtol=1e-10, atol=1e-10)


@st.composite
def _problems(draw):
    n_features = draw(st.integers(1, 3))
    sampling_rate = draw(st.sampled_from([1, 1, 2, 3]))
    geometry = {
        "window_length": draw(st.integers(2, 10)),
        "sampling_rate": sampling_rate,
        "horizon": draw(st.integers(1, 6)),
        "delay": draw(st.sampled_from([1, 1, 1, 2, 3, 4])),
        "target": list(range(draw(st.integers(1, n_features)))),
    }
    # Periods are drawn as multiples of the spacing, which is what the
    # differencer accepts; the rest of the geometry may still reject them.
    differencers = st.integers(1, 4).map(
        lambda k: SeasonalDifferencer(period=k * sampling_rate)
    )
    step = st.one_of(st.sampled_from(TRANSFORMERS), differencers)
    steps = draw(st.lists(step, min_size=1, max_size=3))
    return n_features, geometry, steps, draw(st.integers(0, 2**16))


# The reasons a geometry may refuse a chain; any other error is a bug.
_REFUSALS = "needs windows|leaves nothing|not a multiple|falls in the gap|not a step"


def _fit_chain(X, steps, horizon):
    """The transformed windows, or None when the geometry does not allow it."""
    try:
        Xt = make_pipeline(*[clone(step) for step in steps]).fit_transform(X)
        Xt.check_horizon(horizon)
    except ValueError as error:
        message = str(error)
    else:
        return Xt
    assert re.search(_REFUSALS, message), message
    return None


@settings(
    max_examples=100,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(_problems())
def test_any_chain_inverse_undoes_forward(problem):
    n_features, geometry, steps, seed = problem
    series = _series(60, n_features, seed)
    X, y = make_windows(series, **geometry)
    Xt = _fit_chain(X, steps, geometry["horizon"])
    assume(Xt is not None)
    np.testing.assert_allclose(_round_trip(Xt, y), y, rtol=1e-9, atol=1e-9)


def test_transformed_windows_pickle_small_with_their_operations():
    series = _series(5000, 2)
    X, y = make_windows(series, window_length=200, horizon=3, target=1)
    pipeline = make_pipeline(
        LookbackWindow(length=150), SeasonalDifferencer(period=24), SequenceScaler()
    )
    Xt = pipeline.fit_transform(X[:3000])[100:]
    payload = pickle.dumps(Xt)
    assert len(payload) < 1.2 * series.nbytes  # windows would be about 150x that
    restored = pickle.loads(payload)
    assert isinstance(restored, SequenceWindows)
    assert [type(op) for op in restored.operations] == [
        type(op) for op in Xt.operations
    ]
    np.testing.assert_array_equal(restored.take(), Xt.take())
    np.testing.assert_array_equal(
        restored.batch().forward_targets(y[100:3000]),
        Xt.batch().forward_targets(y[100:3000]),
    )


@pytest.mark.parametrize("transformer", TRANSFORMERS, ids=repr)
def test_materialising_warns_only_when_targets_change(transformer):
    X, _ = make_windows(_series(), window_length=6, target=0)
    Xt = clone(transformer).fit_transform(X)
    if Xt.changes_targets:
        operation = type(Xt.operations[0]).__name__
        with pytest.warns(TargetTransformWarning, match=f"transformed by {operation}"):
            array = np.asarray(Xt)
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            array = np.asarray(Xt)
    np.testing.assert_array_equal(array, Xt.take())


@pytest.mark.parametrize("transformer", TRANSFORMERS, ids=repr)
def test_transformers_on_plain_2d_arrays(transformer):
    X = _series(40, 1)[:, 0].reshape(8, 5)
    transformer = clone(transformer).fit(X)
    Xt = transformer.transform(X)
    assert isinstance(Xt, SequenceWindows)
    assert Xt.take().shape[::2] == (8, 1)
    assert transformer.n_features_in_ == 5
    y = np.arange(8.0)
    np.testing.assert_allclose(_round_trip(Xt, y), y)


@pytest.mark.parametrize("transformer", TRANSFORMERS, ids=repr)
def test_transform_is_lazy_and_agrees_with_batches(transformer):
    X, _ = make_windows(_series(), window_length=6, target=0)
    Xt = clone(transformer).fit(X[:40]).transform(X)
    assert Xt.take().shape == Xt.shape
    subset = Xt[[3, 10, 50]]
    np.testing.assert_array_equal(subset.take(), Xt.take()[[3, 10, 50]])
