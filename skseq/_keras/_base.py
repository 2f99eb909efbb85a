"""The training contract shared by every skseq Keras estimator.

`BaseKerasEstimator` validates hyper-parameters, builds and compiles a fresh
network in every ``fit`` (unless warm-starting), trains it on materialised or
streamed data with a seeded, side-effect-free random state, records a plain
history, predicts in padded batches and pickles the network as data.

A subclass provides only what is specific to it:

* ``_training_data(X, y)``: validate the input, record input attributes and
  return a `~skseq._keras._data.TrainingData` of network inputs and encoded
  targets;
* ``_build_network(keras, data)``: an uncompiled ``keras.Model`` for it;
* ``_parameter_constraints``: this class's, plus the subclass's own;
* optionally ``_check_params()`` for rules that tie several parameters.
"""

import copy
import numbers
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator

from .._param_validation import HasMethods, Interval, invalid_parameter
from .._validation import check_random_seed
from ._backend import import_keras, seeded
from ._compiled import attach_compiled_functions, publish_compiled_functions
from ._saving import PicklesKerasModel
from ._training import as_floatx, fit_network, keras_inputs, split_rows, take_rows

__all__ = ["BaseKerasEstimator"]

# Predictions are computed in chunks of at most this many rows, each padded
# to a power of two (at least _MIN_PREDICT_ROWS) so that a compiled predict
# function is reused across calls of different sizes.
_MAX_PREDICT_ROWS = 1024
_MIN_PREDICT_ROWS = 32


def _padded_rows(n_rows):
    power_of_two = 1 << (n_rows - 1).bit_length()
    return min(_MAX_PREDICT_ROWS, max(_MIN_PREDICT_ROWS, power_of_two))


class BaseKerasEstimator(PicklesKerasModel, BaseEstimator):
    """Base class of the Keras estimators: training, prediction, pickling.

    Not for direct use; see `~skseq.forecasting.GRUForecaster` and the other
    subclasses, which document the parameters.
    """

    # Parameters of the training contract; each subclass adds its network's
    # (``{**BaseKerasEstimator._parameter_constraints, ...}``) and lists them
    # all in its own ``__init__``.
    _parameter_constraints = {
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "optimizer": [str, HasMethods(["apply_gradients", "get_config"])],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "loss": [str, callable],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "callbacks": [None, list, tuple],
        "warm_start": ["boolean"],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # An int seed makes fits repeatable; None or a RandomState do not.
        tags.non_deterministic = not isinstance(self.random_state, numbers.Integral)
        return tags

    # -- hooks ---------------------------------------------------------------
    def _training_data(self, X, y):
        raise NotImplementedError

    def _build_network(self, keras, data):
        raise NotImplementedError

    def _check_params(self):
        """Raise for parameters that are valid alone but not together."""

    def _loss(self):
        """The Keras loss to compile with; a classifier derives it from ``y``."""
        return self.loss

    def _network_output_shape(self, target_shape):
        """Shape of one sample of the network's output, for targets of this shape."""
        return target_shape

    def _class_weight(self):
        """Keras ``class_weight`` of the training data (None: all weigh 1)."""
        return None

    # -- fitting -------------------------------------------------------------
    def _fit(self, X, y):
        """Build (or reuse) the network and train it; return self.

        The parameters' constraints are checked by ``fit_context`` on the
        subclass's ``fit``.
        """
        self._check_params()
        keras = import_keras()
        data = self._training_data(X, y)
        # Too few samples to hold some out: say so before any work.
        split_rows(len(data), self._n_validation(len(data)))
        seed = check_random_seed(self.random_state)
        with seeded(keras, seed):
            model = self._warm_model(keras, data)
            continuing = model is not None
            if model is None:
                model = self._compile(keras, self._build_network(keras, data))
            attach_compiled_functions(keras, model)
            history = fit_network(
                keras,
                model,
                data,
                epochs=self.epochs,
                batch_size=self.batch_size,
                n_validation=self._n_validation(len(data)),
                callbacks=self._fit_callbacks(keras),
                verbose=min(self.verbose, 2),
                class_weight=self._class_weight(),
            )
        publish_compiled_functions(keras, model)
        _check_finite_loss(self, history.history)
        self.model_ = model
        self._record_history(history.history, continuing)
        self._after_training(data, history, continuing)
        return self

    # The fewest validation samples held out with early stopping, data
    # permitting (see `_n_validation`).
    _min_validation_samples = 1

    def _n_validation(self, n_samples):
        """Samples held out for validation: the last ones, 0 without early stopping.

        ``validation_fraction`` of them, but at least
        ``_min_validation_samples`` while that leaves two thirds for
        training.
        """
        if not self.early_stopping:
            return 0
        wanted = int(round(self.validation_fraction * n_samples))
        floor = min(self._min_validation_samples, n_samples // 3)
        return max(1, wanted, floor)

    def _after_training(self, data, history, continuing):
        """Settle the fitted network once training has ended (a hook).

        ``continuing`` is True when a warm start trained an existing network.
        """

    def _warm_model(self, keras, data):
        """The fitted network when warm-starting on data of the same shapes."""
        model = getattr(self, "model_", None)
        if not self.warm_start or model is None:
            return None
        input_shape, target_shape = data.sample_shapes
        if _input_shapes(model) != _input_shapes(input_shape) or tuple(
            model.output_shape[1:]
        ) != tuple(self._network_output_shape(target_shape)):
            return None
        if not model.compiled:
            self._compile(keras, model)
        return model

    def _make_optimizer(self, keras):
        optimizer = self.optimizer
        if isinstance(optimizer, keras.optimizers.Optimizer):
            # A copy, so that the parameter is never trained itself.
            config = optimizer.get_config()
            config["learning_rate"] = self.learning_rate
            return type(optimizer).from_config(config)
        if not isinstance(optimizer, str):
            raise invalid_parameter(
                self, "optimizer", "a Keras optimizer name or instance", optimizer
            )
        try:
            return keras.optimizers.get(
                {
                    "class_name": optimizer,
                    "config": {"learning_rate": self.learning_rate},
                }
            )
        except ValueError:
            raise invalid_parameter(
                self,
                "optimizer",
                "a Keras optimizer name such as 'adam' or 'rmsprop'",
                optimizer,
            ) from None

    def _compile(self, keras, model):
        loss = self._loss()
        if isinstance(loss, str):
            try:
                keras.losses.get(loss)
            except ValueError:
                raise invalid_parameter(
                    self,
                    "loss",
                    "a Keras loss name such as 'mse' or 'mae', or a callable",
                    loss,
                ) from None
        # Eager JAX is hundreds of times slower: keep its jit on explicitly.
        jit_compile = True if keras.backend.backend() == "jax" else "auto"
        model.compile(
            optimizer=self._make_optimizer(keras), loss=loss, jit_compile=jit_compile
        )
        return model

    def _fit_callbacks(self, keras):
        # Deep copies: a callback keeps state and a reference to its model, and
        # the parameter must look the same after fit as before.
        callbacks = [copy.deepcopy(callback) for callback in self.callbacks or ()]
        if not all(isinstance(c, keras.callbacks.Callback) for c in callbacks):
            raise invalid_parameter(
                self, "callbacks", "None or a list of Keras callbacks", self.callbacks
            )
        if self.early_stopping:
            callbacks.append(
                keras.callbacks.EarlyStopping(
                    monitor="val_loss",
                    patience=self.n_iter_no_change,
                    restore_best_weights=True,
                    verbose=int(self.verbose > 0),
                )
            )
        return callbacks

    def _record_history(self, history, continuing):
        history = {
            key: [float(value) for value in values] for key, values in history.items()
        }
        if continuing and hasattr(self, "history_"):
            keys = list(self.history_) + [k for k in history if k not in self.history_]
            history = {
                key: self.history_.get(key, []) + history.get(key, []) for key in keys
            }
        self.history_ = history
        self.loss_curve_ = list(history["loss"])
        self.n_iter_ = len(self.loss_curve_)

    # -- prediction ------------------------------------------------------------
    def _predict_network(self, x):
        """Network outputs for inputs ``x`` (a tuple for several), in padded chunks."""
        keras = import_keras()
        x = as_floatx(keras, x)
        n_rows = len(x[0]) if isinstance(x, tuple) else len(x)
        compiling = self.model_.predict_function is None
        if compiling:
            attach_compiled_functions(keras, self.model_)
        starts = range(0, n_rows, _MAX_PREDICT_ROWS)
        progress = None
        if self.verbose and len(starts) > 1:
            progress = keras.utils.Progbar(len(starts))
        outputs = []
        for step, start in enumerate(starts):
            rows = min(_MAX_PREDICT_ROWS, n_rows - start)
            chunk = take_rows(x, slice(start, start + rows))
            padding = _padded_rows(rows) - rows
            if padding:
                chunk = _pad(chunk, padding)
            output = self.model_.predict_on_batch(keras_inputs(chunk))
            outputs.append(np.asarray(output)[:rows])
            if progress is not None:
                progress.update(step + 1)
        if compiling:
            publish_compiled_functions(keras, self.model_)
        return np.concatenate(outputs)


def _pad(chunk, padding):
    """``chunk`` (or each array of a tuple) with its last row repeated."""
    if isinstance(chunk, tuple):
        return tuple(_pad(part, padding) for part in chunk)
    return np.concatenate([chunk, np.repeat(chunk[-1:], padding, 0)])


def _input_shapes(shapes):
    """Per-sample input shapes of a model (or of `TrainingData`), comparable.

    A model of several inputs has a list of shapes with a batch axis; the
    data, a tuple of shapes without.
    """
    if hasattr(shapes, "input_shape"):
        shapes = shapes.input_shape
        if isinstance(shapes, list):
            return tuple(tuple(shape[1:]) for shape in shapes)
        return tuple(shapes[1:])
    if shapes and isinstance(shapes[0], tuple):
        return tuple(tuple(shape) for shape in shapes)
    return tuple(shapes)


def _check_finite_loss(estimator, history):
    """Raise when training diverged: a NaN or infinite loss in ``history``."""
    for name, values in history.items():
        bad = [epoch for epoch, value in enumerate(values, 1) if not np.isfinite(value)]
        if bad:
            raise ValueError(
                f"{type(estimator).__name__} diverged: the {name} became "
                f"{values[bad[0] - 1]} in epoch {bad[0]}, so the network's forecasts "
                "would be NaN. Scale the inputs and targets (e.g. SequenceScaler in "
                "front of the network) or lower `learning_rate`."
            )
