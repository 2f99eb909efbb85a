"""Networks of one architecture share compiled steps, with fresh-fit results."""

import pickle

import numpy as np
import pytest
from numpy.testing import assert_array_equal

import skseq
from skseq import make_windows
from skseq._keras import _compiled, import_keras
from skseq.classification import SentimentRNNClassifier
from skseq.forecasting import GRUForecaster, RNNForecaster

keras = import_keras()
pytestmark = pytest.mark.skipif(
    keras.backend.backend() != "jax", reason="compiled steps are shared on JAX only"
)


@pytest.fixture(scope="module")
def windows():
    t = np.arange(200)
    series = np.sin(2 * np.pi * t / 17) + 0.1 * np.random.default_rng(0).normal(
        size=len(t)
    )
    X, y = make_windows(series, window_length=10)
    return X, y


@pytest.fixture(autouse=True)
def empty_cache():
    skseq.clear_keras_caches()
    yield
    skseq.clear_keras_caches()


def fresh_fit(make, *args):
    """Fit with nothing to share, as the first fit of a process does."""
    skseq.clear_keras_caches()
    return make().fit(*args)


def test_second_network_runs_first_networks_functions(windows):
    first = GRUForecaster(units=(4,), epochs=1, random_state=0).fit(*windows)
    first.predict(windows[0][:3])
    second = GRUForecaster(units=(4,), epochs=1, random_state=1).fit(*windows)
    assert second.model_ is not first.model_
    assert second.model_.train_function is first.model_.train_function
    second.predict(windows[0][:3])
    assert second.model_.predict_function is first.model_.predict_function


@pytest.mark.parametrize(
    "make",
    [
        lambda: GRUForecaster(units=(4,), epochs=2, random_state=3),
        # Early stopping also runs the shared validation step and restores
        # the best weights; dropout draws from each network's own seeds.
        lambda: RNNForecaster(
            units=(4, 4),
            epochs=3,
            early_stopping=True,
            n_iter_no_change=1,
            random_state=5,
        ),
    ],
)
def test_shared_functions_give_results_of_a_fresh_fit(make, windows):
    X, y = windows
    expected = fresh_fit(make, X, y)
    # A network of another seed runs the same steps in between.
    make().set_params(random_state=11).fit(X, y).predict(X[:2])
    shared = make().fit(X, y)
    assert shared.model_.train_function is expected.model_.train_function
    assert shared.history_ == expected.history_
    assert_array_equal(shared.predict(X[-20:]), expected.predict(X[-20:]))


def test_classifier_shares_and_matches_a_fresh_fit():
    texts = ["a fine film", "dull and slow", "fine fun", "slow dull plot"] * 10
    labels = ["pos", "neg", "pos", "neg"] * 10

    def make():
        return SentimentRNNClassifier(
            units=4, embedding_dim=4, epochs=2, dropout=0.2, random_state=0
        )

    expected = fresh_fit(make, texts, labels)
    shared = make().fit(texts, labels)
    assert shared.model_.train_function is expected.model_.train_function
    assert_array_equal(shared.predict_proba(texts), expected.predict_proba(texts))


@pytest.mark.parametrize(
    "other",
    [
        {"units": (5,)},
        {"learning_rate": 0.01},
        {"loss": "mae"},
        {"dropout": 0.1},
    ],
)
def test_other_architectures_or_settings_compile_their_own(other, windows):
    first = GRUForecaster(units=(4,), epochs=1, random_state=0).fit(*windows)
    params = {"units": (4,), "epochs": 1, "random_state": 0, **other}
    second = GRUForecaster(**params).fit(*windows)
    assert second.model_.train_function is not first.model_.train_function


def test_unpickled_network_predicts_with_shared_function(windows):
    X, y = windows
    model = GRUForecaster(units=(4,), epochs=1, random_state=0).fit(X, y)
    expected = model.predict(X[:5])
    restored = pickle.loads(pickle.dumps(model))
    assert_array_equal(restored.predict(X[:5]), expected)
    assert restored.model_.predict_function is model.model_.predict_function


def test_new_architectures_past_the_bound_start_a_new_generation(windows):
    jax = pytest.importorskip("jax")
    cleared = []
    original = jax.clear_caches
    jax.clear_caches = lambda: (cleared.append(True), original())
    try:
        with skseq.config_context(max_compiled_architectures=2):
            models = [
                GRUForecaster(units=(units,), epochs=1, random_state=0)
                .fit(*windows)
                .model_
                for units in (2, 3)
            ]
            assert not cleared
            again = GRUForecaster(units=(3,), epochs=1, random_state=1).fit(*windows)
            assert again.model_.train_function is models[1].train_function
            assert not cleared
            # A third new architecture: JAX's caches and skseq's are cleared.
            GRUForecaster(units=(4,), epochs=1, random_state=0).fit(*windows)
            assert cleared == [True]
            fresh = GRUForecaster(units=(3,), epochs=1, random_state=1).fit(*windows)
            assert fresh.model_.train_function is not models[1].train_function
    finally:
        jax.clear_caches = original


def test_sharing_can_be_turned_off(windows):
    first = GRUForecaster(units=(4,), epochs=1, random_state=0).fit(*windows)
    with skseq.config_context(share_compiled_steps=False):
        second = GRUForecaster(units=(4,), epochs=1, random_state=0).fit(*windows)
    assert second.model_.train_function is not first.model_.train_function
    assert second.history_ == first.history_


def test_clear_keras_caches_forgets_shared_steps(windows):
    first = GRUForecaster(units=(4,), epochs=1, random_state=0).fit(*windows)
    skseq.clear_keras_caches()
    second = GRUForecaster(units=(4,), epochs=1, random_state=0).fit(*windows)
    assert second.model_.train_function is not first.model_.train_function
    assert_array_equal(second.predict(windows[0]), first.predict(windows[0]))


def test_recompiled_network_gets_steps_of_its_new_settings(windows):
    X, y = windows
    model = GRUForecaster(units=(4,), epochs=1, random_state=0, warm_start=True)
    model.fit(X, y)
    mse_step = model.model_.train_function
    # Recompiling with another loss must not bring back the MSE step.
    model.model_.compile(optimizer="adam", loss="mae", jit_compile=True)
    _compiled.attach_compiled_functions(keras, model.model_)
    assert model.model_.train_function is not mse_step


def test_network_without_plain_config_is_not_shared(windows):
    model = GRUForecaster(units=(4,), epochs=1, random_state=0).fit(*windows)
    network = model.model_
    network.compile(optimizer="adam", loss=lambda y_true, y_pred: y_true - y_pred)
    assert _compiled._architecture_key(keras, network) is None
