"""Keras forecasters over windows: horizon strategies and target mapping.

`BaseKerasForecaster` turns windows and targets into network inputs and
targets for one of three horizon strategies, and network outputs back into
forecasts in original units:

* ``"multioutput"``: the last state predicts all ``horizon`` values at once;
* ``"recursive"``: a one-step model whose forecasts are appended to the raw
  window, which goes through the window chain again, ``horizon`` times;
* ``"seq2seq"``: every time step is trained on the ``horizon`` values that
  follow it (Hands-On ML); the forecast is the last step's output.

Targets go forward through the windows' chain before training and
predictions come back through its inverse, so a pipeline of window
transformers and a forecaster predicts in the units of ``y``.
"""

import numpy as np
from sklearn.base import RegressorMixin

from .._validation import horizon_of, validate_targets, validate_windows
from .._windows import WindowBatch
from ._base import BaseKerasEstimator
from ._params import check_choice
from ._training import TrainingData

__all__ = ["BaseKerasForecaster"]

STRATEGIES = ("multioutput", "recursive", "seq2seq")

# Windows gathered per prediction batch (fewer when windows are long).
_PREDICT_WINDOWS = 1024


class WindowTrainingData(TrainingData):
    """Transformed windows and encoded targets of a forecaster's training set.

    Parameters
    ----------
    windows : SequenceWindows
    y : ndarray of shape (n_windows, n_outputs)
        Targets in original units.
    encode : callable
        ``encode(batch, y_rows)`` returns the network targets of a
        `WindowBatch`.
    target_values : int
        Values per window in the encoded targets (for the size estimate).
    """

    def __init__(self, windows, y, encode, target_values):
        self.windows = windows
        self.y = y
        self.encode = encode
        self.target_values = target_values

    def __len__(self):
        return len(self.windows)

    @property
    def nbytes(self):
        n_windows, length, channels = self.windows.shape
        # Every stage of the chain is held while a batch is gathered.
        stages = len(self.windows.operations) + 1
        return n_windows * (length * channels * stages + self.target_values) * 8

    def get(self, rows):
        batch = self.windows.batch(rows)
        return batch.windows, self.encode(batch, self.y[rows])


def _rebatch(raw, template):
    """`WindowBatch` of raw windows through ``template``'s chain."""
    stages = [raw]
    for operation, geometry in zip(template.operations, template.geometries):
        stages.append(operation.transform(stages[-1], geometry))
    return WindowBatch(stages, template.geometries, template.operations)


def _check_recursive_geometry(windows):
    """Raise unless forecasts can be fed back as the next raw observation."""
    raw = windows.batch(slice(0, 1)).geometries[0]
    length = raw.window_length
    problems = []
    if raw.n_features != 1 or raw.target_columns != (0,):
        problems.append(f"{raw.n_features} features")
    if raw.delay != 1:
        problems.append(f"delay={raw.delay}")
    if tuple(raw.offsets) != tuple(range(1 - length, 1)):
        problems.append("steps that are not consecutive (sampling_rate > 1)")
    if problems:
        raise ValueError(
            "strategy='recursive' feeds each forecast back as the next "
            "observation, so it needs univariate windows of consecutive steps "
            f"with delay=1; got windows with {', '.join(problems)}. Use "
            "strategy='multioutput' or strategy='seq2seq'."
        )


def seq2seq_positions(geometry, horizon, steps):
    """Where the seq2seq targets of every time step sit.

    Values are laid out as the window's steps followed by the ``horizon``
    targets.  Entry ``[i, k]`` is the position of the ``k``-th value after
    window step ``steps[i]`` (at offset ``offsets[steps[i]] + delay + k``).

    Returns
    -------
    positions : ndarray of int, shape (len(steps), horizon)
    """
    offsets = np.asarray(geometry.offsets)
    target_offsets = geometry.target_offsets(horizon)
    known = {
        int(offset): i
        for i, offset in enumerate(np.concatenate([offsets, target_offsets]))
    }
    needed = offsets[np.asarray(steps)][:, np.newaxis] + target_offsets
    missing = sorted({int(o) for o in needed.ravel() if int(o) not in known})
    if missing:
        raise ValueError(
            "strategy='seq2seq' trains every time step on the values that follow "
            f"it, read from the window and from y; with window steps at offsets "
            f"{offsets[0]}..{offsets[-1]} and delay={geometry.delay}, the values "
            f"at offsets {missing[:5]} are in neither. Use windows of consecutive "
            "steps with delay=1, or strategy='multioutput'."
        )
    return np.vectorize(known.__getitem__, otypes=[np.intp])(needed)


class BaseKerasForecaster(RegressorMixin, BaseKerasEstimator):
    """Windows in, forecasts in original units out (private base class).

    Subclasses implement ``_network_body(keras, inputs, return_sequences)``
    and, when their output steps are not the window steps,
    ``_sequence_steps(window_length)``.
    """

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.target_tags.multi_output = True
        # Any sequence network reading unrelated tabular columns as a time
        # series (as the generic checks do) with few epochs scores poorly.
        tags.regressor_tags.poor_score = True
        return tags

    def _check_network_params(self):
        check_choice(self.strategy, "strategy", STRATEGIES)

    def _sequence_steps(self, window_length):
        """Window step whose targets each output step of the body learns."""
        return np.arange(window_length)

    def _network_body(self, keras, inputs, return_sequences):
        raise NotImplementedError

    def _build_network(self, keras, data):
        input_shape, target_shape = data.sample_shapes
        inputs = keras.Input(shape=input_shape)
        hidden = self._network_body(
            keras, inputs, return_sequences=self.strategy == "seq2seq"
        )
        outputs = keras.layers.Dense(target_shape[-1])(hidden)
        return keras.Model(inputs, outputs, name=type(self).__name__)

    # -- targets ---------------------------------------------------------------
    def _training_data(self, X, y):
        windows = validate_windows(self, X, reset=True)
        y = validate_targets(y, windows)
        self.horizon_ = horizon_of(y, windows)
        self.n_outputs_ = 1 if y.ndim == 1 else y.shape[1]
        self._y_ndim = y.ndim
        n_targets = self.n_outputs_ // self.horizon_
        if self.strategy == "recursive":
            _check_recursive_geometry(windows)
            windows.check_horizon(1)
            return WindowTrainingData(
                windows, y.reshape(len(y), -1), self._encode_first_step, n_targets
            )
        windows.check_horizon(self.horizon_)
        if self.strategy == "seq2seq":
            geometry = windows.geometry
            self._target_columns = list(
                geometry.require_target_columns("strategy='seq2seq'")
            )
            steps = self._sequence_steps(geometry.window_length)
            self._seq2seq_positions = seq2seq_positions(geometry, self.horizon_, steps)
            return WindowTrainingData(
                windows,
                y.reshape(len(y), -1),
                self._encode_sequences,
                len(steps) * self.n_outputs_,
            )
        self._sequence_steps(windows.shape[1])
        return WindowTrainingData(
            windows, y.reshape(len(y), -1), self._encode_all_steps, self.n_outputs_
        )

    def _encode_all_steps(self, batch, y):
        return batch.forward_targets(y).reshape(len(y), -1)

    def _encode_first_step(self, batch, y):
        first = y.reshape(len(y), self.horizon_, -1)[:, 0, :]
        return batch.forward_targets(first).reshape(len(y), -1)

    def _encode_sequences(self, batch, y):
        targets = batch.forward_targets(y).reshape(len(y), self.horizon_, -1)
        observed = batch.windows[:, :, self._target_columns]
        values = np.concatenate([observed, targets], axis=1)
        per_step = values[:, self._seq2seq_positions]
        return per_step.reshape(len(y), per_step.shape[1], -1)

    # -- prediction ------------------------------------------------------------
    def _predict_windows(self, X):
        windows = validate_windows(self, X, reset=False)
        predictions = np.empty((len(windows), self.n_outputs_))
        rows_per_batch = min(_PREDICT_WINDOWS, windows.rows_per_batch())
        for rows, batch in windows.iter_batches(rows_per_batch):
            predictions[rows] = self._predict_batch(batch)
        return predictions[:, 0] if self._y_ndim == 1 else predictions

    def _predict_batch(self, batch):
        if self.strategy == "recursive":
            return self._predict_recursive(batch)
        outputs = self._predict_network(batch.windows)
        if self.strategy == "seq2seq":
            outputs = outputs[:, -1]
        outputs = np.asarray(outputs, dtype=np.float64).reshape(len(outputs), -1)
        return batch.inverse_targets(outputs)

    def _predict_recursive(self, batch):
        # The recursion runs in original units: each forecast is appended to
        # the raw window, which then goes through the whole chain again, so
        # that stateful or window-relative operations stay consistent.
        raw = np.asarray(batch.stages[0], dtype=np.float64)
        current = batch
        forecasts = []
        for _ in range(self.horizon_):
            step = np.asarray(self._predict_network(current.windows), np.float64)
            value = current.inverse_targets(step.reshape(len(step), 1))
            forecasts.append(value)
            raw = np.concatenate([raw[:, 1:], value[:, :, np.newaxis]], axis=1)
            current = _rebatch(raw, batch)
        return np.concatenate(forecasts, axis=1)
