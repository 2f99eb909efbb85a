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

from numbers import Integral

import numpy as np
from scipy.special import ndtri
from sklearn.utils.validation import check_is_fitted

from .._param_validation import Interval, StrOptions, fit_context, invalid_parameter
from .._quantiles import LevelRequest, interpolate_levels
from .._window_regressor import BaseWindowRegressor
from ..metrics import check_levels
from ..preprocessing import SequenceScaler, WindowNormalizer
from ..preprocessing._base import safe_scale
from ._backend import import_keras, quiet_keras_numpy_deprecation
from ._base import BaseKerasEstimator
from ._baselines import baseline_kernel, residual_scale, validated_ridge_alpha
from ._layers import monotone_quantiles, pinball_loss, window_baseline
from ._saving import variable_values
from ._training import TrainingData, as_floatx, keras_inputs

__all__ = ["BaseKerasForecaster"]

# Windows gathered per prediction batch (fewer when windows are long).
_PREDICT_WINDOWS = 1024

# Validation windows held out with early stopping at least (data
# permitting): the choice between the network and its baseline is made on
# them, and a few dozen overlapping windows are the least that tells a
# better forecaster from seed noise.
_MIN_VALIDATION_WINDOWS = 30

# Levels learned with ``loss="pinball"`` when ``quantiles`` is None: the
# ends of central 50 %, 80 % and 95 % intervals, and the median.
DEFAULT_QUANTILES = (0.025, 0.1, 0.25, 0.5, 0.75, 0.9, 0.975)


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
    inputs : callable or None, default=None
        ``inputs(batch)`` returns the network inputs of a `WindowBatch`:
        its windows and, for windows with known-ahead columns, its future
        block.  None: the windows alone.
    """

    def __init__(self, windows, y, encode, target_values, inputs=None):
        self.windows = windows
        self.y = y
        self.encode = encode
        self.target_values = target_values
        self.inputs = inputs

    def __len__(self):
        return len(self.windows)

    @property
    def window_shape(self):
        """``(window_length, channels)`` of the network's window input."""
        return self.windows.shape[1:]

    @property
    def future_shape(self):
        """``(horizon, n_known)`` of the network's future input, or None."""
        return None if self.inputs is None else self.windows.geometry.future_shape

    @property
    def nbytes(self):
        n_windows, length, channels = self.windows.shape
        # Every stage of the chain is held while a batch is gathered.
        stages = len(self.windows.operations) + 1
        future = int(np.prod(self.future_shape or 0))
        values = length * channels * stages + future + self.target_values
        return n_windows * values * 8

    def get(self, rows):
        batch = self.windows.batch(rows)
        x = batch.windows if self.inputs is None else self.inputs(batch)
        return x, self.encode(batch, self.y[rows])


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


class BaseKerasForecaster(BaseWindowRegressor, BaseKerasEstimator):
    """Keras network from windows to forecasts in original units.

    The base class of `~skseq.forecasting.GRUForecaster` and its siblings,
    and of forecasters you write yourself (see *Adding a forecaster* in the
    documentation).  It owns ``fit``, ``predict``, the horizon strategies,
    the mapping of targets through window chains, training, seeding and
    pickling.  A subclass provides:

    * ``__init__`` listing every parameter (its own, ``strategy``,
      ``scaling``, ``baseline``, ``period``, and those of
      `BaseKerasEstimator`) and storing them unchanged;
    * ``_parameter_constraints``:
      ``{**BaseKerasForecaster._parameter_constraints, ...}`` plus its own;
    * ``_network_body(keras, inputs, return_sequences)``: Keras layers from
      the window tensor ``inputs`` of shape ``(batch, steps, channels)`` to
      a tensor the output ``Dense`` layer reads: ``(batch, features)``, or
      ``(batch, steps, features)`` when ``return_sequences``.  With a
      ``baseline``, that layer is the correction, added to the fixed
      baseline forecast and starting at zero;
    * ``_sequence_steps(window_length)``, only when the body's output steps
      are not the window steps (a strided convolution).

    A custom Keras layer used in the body must be importable from a module
    (not defined inside a function), so that a pickled estimator can be
    loaded again.

    Windows with known-ahead columns (``make_windows(..., known_ahead=...)``)
    give the network a second input, each window's future block: it is
    standardised with the mean and standard deviation of the training blocks
    (unless ``scaling=None``), flattened and concatenated to the body's
    output before the output ``Dense`` layer, and the ``"linear"`` baseline
    is the ridge on the window and the block together.  The body sees the
    window only, so a subclass needs nothing for this.  Only
    ``strategy="multioutput"`` reads future blocks.
    """

    _reads_known_future = True

    _predict_rows_per_batch = _PREDICT_WINDOWS

    _parameter_constraints = {
        **BaseKerasEstimator._parameter_constraints,
        "strategy": [StrOptions({"multioutput", "recursive", "seq2seq"})],
        "scaling": [None, StrOptions({"window", "standard"})],
        "baseline": [None, StrOptions({"linear", "last", "seasonal_last"})],
        "period": [None, Interval(Integral, 1, None, closed="left")],
        "quantiles": [None, "array-like"],
    }

    _min_validation_samples = _MIN_VALIDATION_WINDOWS

    def _check_params(self):
        if self.baseline == "seasonal_last" and self.period is None:
            raise invalid_parameter(
                self, "period", "an int >= 1 with baseline='seasonal_last'", None
            )
        quantiles = self._quantiles_parameter()
        if self.loss != "pinball":
            if quantiles is not None:
                raise ValueError(
                    f"The `quantiles` parameter of {type(self).__name__} sets the "
                    "levels learned with loss='pinball'; got "
                    f"quantiles={quantiles!r} with loss={self.loss!r}. Set "
                    "loss='pinball', or quantiles=None."
                )
            return
        check_levels(DEFAULT_QUANTILES if quantiles is None else quantiles, "quantiles")
        if self.strategy == "recursive":
            raise invalid_parameter(
                self,
                "strategy",
                "'multioutput' or 'seq2seq' with loss='pinball' (a recursive "
                "forecast feeds back single values, not quantiles)",
                self.strategy,
            )

    def _quantile_levels(self):
        """Levels the network learns: ``quantiles`` and the median (None
        without ``loss="pinball"``)."""
        if self.loss != "pinball":
            return None
        quantiles = self._quantiles_parameter()
        levels = DEFAULT_QUANTILES if quantiles is None else quantiles
        return np.union1d(check_levels(levels, "quantiles"), [0.5])

    def _quantiles_parameter(self):
        # A forecaster of one's own written before ``quantiles`` existed
        # does not list it: it learns the default levels with "pinball".
        return getattr(self, "quantiles", None)

    def _loss(self):
        levels = self._quantile_levels()
        return self.loss if levels is None else pinball_loss(levels)

    def _network_output_shape(self, target_shape):
        levels = self._quantile_levels()
        if levels is None:
            return target_shape
        return (*target_shape, len(levels))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # Any sequence network reading unrelated tabular columns as a time
        # series (as the generic checks do) with few epochs scores poorly.
        tags.regressor_tags.poor_score = True
        return tags

    @fit_context
    def fit(self, X, y):
        """Train a fresh network (or continue with ``warm_start``).

        Parameters
        ----------
        X : SequenceWindows or ndarray of shape (n_windows, window_length, n_channels)
            Windows, oldest first; 2-D means one feature.  The window chain
            of a `SequenceWindows` maps ``y`` before training.
        y : array-like of shape (n_windows,) or (n_windows, n_outputs)
            Targets following each window, in original units.

        Returns
        -------
        self : object
            The fitted forecaster.
        """
        return self._fit(X, y)

    def predict(self, X, *, quantiles=None, coverage=None):
        """Forecasts, or (with ``loss="pinball"``) their quantiles or intervals.

        Parameters
        ----------
        X : SequenceWindows or ndarray of shape (n_windows, window_length, n_channels)
            Windows with the length, features and target layout seen in
            ``fit``.
        quantiles : array-like of float, optional
            Levels, strictly increasing, within the range of the learned
            levels ``quantile_levels_``; levels between two learned ones
            are interpolated linearly.
        coverage : float or array-like of float, optional
            Coverage of central intervals, each in (0, 1): coverage ``c`` is
            the interval between the quantiles ``(1 - c) / 2`` and
            ``(1 + c) / 2``.  Not together with ``quantiles``.

        Returns
        -------
        y_pred : ndarray
            Forecasts shaped like the ``y`` given to ``fit`` (the median
            with ``loss="pinball"``); with ``quantiles``,
            ``y_pred.shape + (n_levels,)``; with a float ``coverage``,
            ``y_pred.shape + (2,)`` (lower, upper), with several,
            ``y_pred.shape + (n_coverages, 2)``.
        """
        if quantiles is None and coverage is None:
            return super().predict(X)
        check_is_fitted(self)
        request = LevelRequest(quantiles, coverage)
        learned = getattr(self, "quantile_levels_", None)
        if learned is None:
            raise ValueError(
                f"{type(self).__name__} was fitted with loss={self.loss!r}, which "
                "forecasts no quantiles: fit it with loss='pinball' (levels in "
                "`quantiles`), or wrap it in ConformalForecaster."
            )
        values = self._predict_values(X, self._predict_quantile_batch, len(learned))
        values = interpolate_levels(
            values, learned, request.levels, owner=type(self).__name__
        )
        return request.arrange(values[:, 0] if self._y_ndim == 1 else values)

    def _sequence_steps(self, window_length):
        """Window step whose targets each output step of the body learns."""
        return np.arange(window_length)

    def _network_body(self, keras, inputs, return_sequences):
        raise NotImplementedError

    def _build_network(self, keras, data):
        target_shape = data.sample_shapes[1]
        inputs = keras.Input(shape=data.window_shape)
        seq2seq = self.strategy == "seq2seq"
        hidden = self._network_body(keras, inputs, return_sequences=seq2seq)
        future = None
        if data.future_shape is not None:
            future = keras.Input(shape=data.future_shape, name="future")
            flat = keras.layers.Flatten(name="flat_future")(future)
            hidden = keras.layers.Concatenate(name="with_future")([hidden, flat])
        n_outputs = target_shape[-1]
        n_train = len(data) - self._n_validation(len(data))
        baseline_weights = None
        if self.baseline is None:
            outputs = keras.layers.Dense(n_outputs)(hidden)
        else:
            # The correction starts at zero, so the untrained network
            # forecasts exactly its baseline and training only ever moves
            # away from it.
            correction = keras.layers.Dense(
                n_outputs, kernel_initializer="zeros", name=_CORRECTION
            )(hidden)
            steps = self._sequence_steps(data.window_shape[0]) if seq2seq else None
            base = window_baseline(
                n_outputs, steps=steps, future_shape=data.future_shape
            )
            baseline = base(inputs if future is None else [inputs, future])
            baseline_weights = self._baseline_weights(data, n_train)
            base.set_weights(baseline_weights)
            outputs = keras.layers.Add(name="forecast")([baseline, correction])
        if self._quantile_levels() is not None:
            outputs = self._quantile_head(
                keras, data, n_train, hidden, outputs, baseline_weights
            )
        model_inputs = inputs if future is None else [inputs, future]
        return keras.Model(model_inputs, outputs, name=type(self).__name__)

    def _quantile_head(self, keras, data, n_train, hidden, centre, baseline):
        """Monotone quantiles around ``centre``, the median forecast.

        The gaps between neighbouring levels start (zero kernel) at those of
        a normal distribution whose scale is the spread of the baseline's
        (or, without one, the targets') training errors, so that the
        untrained network forecasts the baseline with Gaussian intervals.
        """
        levels = self._quantile_levels()
        n_outputs = centre.shape[-1]
        spread = keras.layers.Dense(
            n_outputs * (len(levels) - 1), kernel_initializer="zeros", name=_SPREAD
        )
        scores = spread(hidden)
        spread.set_weights(
            self._spread_weights(data, n_train, baseline, spread.kernel.shape[0])
        )
        anchor = int(np.flatnonzero(levels == 0.5)[0])
        return monotone_quantiles(len(levels), anchor)([centre, scores])

    def _spread_weights(self, data, n_rows, baseline, n_hidden):
        """Kernel and bias of the spread layer: Gaussian gaps for the errors
        of ``baseline`` ([kernel, bias], None: the targets' mean) on the
        first ``n_rows`` rows."""
        levels = self._quantile_levels()
        scale = residual_scale(data, n_rows, baseline, self._baseline_steps(data))
        gaps = np.outer(scale, np.diff(ndtri(levels)))
        # The inverse of softplus, so that softplus(bias) is the gap.
        bias = np.log(np.expm1(np.maximum(gaps, 1e-6))).ravel()
        return [np.zeros((n_hidden, bias.size)), bias]

    def _baseline_weights(self, data, n_train, alpha=None):
        """Weights of the baseline, fitted on the first ``n_train`` rows."""
        return baseline_kernel(
            self.baseline,
            data,
            n_train,
            data.windows.geometry,
            horizon=1 if self.strategy == "recursive" else self.horizon_,
            period=self.period,
            steps=self._baseline_steps(data),
            alpha=alpha,
        )

    def _baseline_steps(self, data):
        """Window steps with a seq2seq target (None for other strategies)."""
        if self.strategy != "seq2seq":
            return None
        return self._sequence_steps(data.windows.shape[1])

    def _after_training(self, data, history, continuing):
        shifts = self._choose_network_or_baseline(data, history)
        if self._quantile_levels() is not None:
            if shifts is None:
                shifts = self._calibration_shifts(data)
            self.quantile_shifts_ = shifts

    def _calibration_shifts(self, data):
        """Shift of every learned quantile, measured on the validation windows.

        Quantiles fitted on the training windows are usually too narrow on
        new ones.  The validation windows are held out anyway, so each
        level's quantile is moved by the same level's quantile of ``y``
        minus it there (conformalized quantile regression on the validation
        windows; the finite-sample rank where the windows allow, the most
        extreme error otherwise).  The median, the point forecast, is left
        as trained.

        Returns
        -------
        shifts : ndarray of shape (n_outputs, n_levels)
            In the network's target units; zero without validation windows.
        """
        levels = self._quantile_levels()
        n_validation = self._n_validation(len(data))
        shifts = np.zeros((self.n_outputs_, len(levels)))
        if n_validation == 0:
            return shifts
        x, y = data.get(slice(len(data) - n_validation, len(data)))
        outputs = np.asarray(self._predict_network(x), dtype=np.float64)
        if self.strategy == "seq2seq":
            outputs, y = outputs[:, -1], y[:, -1]
        errors = np.sort(np.asarray(y, np.float64)[..., np.newaxis] - outputs, axis=0)
        n = len(errors)
        for k, level in enumerate(levels):
            if level == 0.5:
                continue
            position = round((n + 1) * level, 9)
            rank = np.ceil(position) if level > 0.5 else np.floor(position)
            rank = int(np.clip(rank, 1, n))
            shifts[:, k] = errors[rank - 1, :, k]
        return shifts

    def _choose_network_or_baseline(self, data, history):
        """Keep the trained network, or fall back to its baseline.

        Returns
        -------
        shifts : ndarray or None
            On a fallback with quantiles, the calibration shifts of the
            baseline measured before it is refitted on every window (the
            validation windows are new to it only until then); else None.
        """
        self.uses_network_ = True
        self.baseline_loss_ = self.ridge_alpha_ = None
        validation = history.history.get("val_loss")
        if self.baseline is None or not validation:
            return None
        # The network is compared on its validation windows with its
        # baseline alone, fitted on the same training windows; for "linear",
        # the ridge whose penalty does best on those windows rather than the
        # penalised one the network corrected.
        n_train = len(data) - self._n_validation(len(data))
        if self.baseline == "linear":
            self.ridge_alpha_ = validated_ridge_alpha(
                data, n_train, self._baseline_steps(data)
            )
        layers = [self.model_.get_layer(name) for name in ("baseline", _CORRECTION)]
        if self._quantile_levels() is not None:
            layers.append(self.model_.get_layer(_SPREAD))
        trained = [variable_values(layer.weights) for layer in layers]
        self._set_baseline_alone(data, n_train)
        x, y = data.get(slice(n_train, len(data)))
        keras = import_keras()
        floatx = keras.config.floatx()
        with quiet_keras_numpy_deprecation():
            loss = self.model_.evaluate(
                keras_inputs(as_floatx(keras, x)), y.astype(floatx), verbose=0
            )
        self.baseline_loss_ = float(np.ravel(loss)[0])
        if self.baseline_loss_ <= min(validation):
            # Not better than the baseline on held-out time: forecast with
            # the baseline alone, refitted on every window (the newest
            # ones, held out so far, matter most to a forecast).  Its
            # quantiles keep the gaps and shifts measured out of sample.
            shifts = None
            if self._quantile_levels() is not None:
                shifts = self._calibration_shifts(data)
            self._set_baseline_alone(data, len(data), refit_spread=False)
            self.uses_network_ = False
            return shifts
        for layer, weights in zip(layers, trained):
            layer.set_weights(weights)
        return None

    def _set_baseline_alone(self, data, n_rows, refit_spread=True):
        """Make the network its baseline, fitted on the first ``n_rows`` rows.

        The correction is zeroed and, with quantiles and ``refit_spread``,
        the gaps are the Gaussian ones of the baseline's errors on those
        rows.
        """
        weights = self._baseline_weights(data, n_rows, alpha=self.ridge_alpha_)
        self.model_.get_layer("baseline").set_weights(weights)
        _zero(self.model_.get_layer(_CORRECTION))
        if refit_spread and self._quantile_levels() is not None:
            spread = self.model_.get_layer(_SPREAD)
            spread.set_weights(
                self._spread_weights(data, n_rows, weights, spread.kernel.shape[0])
            )

    # -- targets ---------------------------------------------------------------
    def _training_data(self, X, y):
        windows, y = self._validate_fit_data(X, y, horizon_of_windows=False)
        self.quantile_levels_ = self._quantile_levels()
        continuing = self.warm_start and getattr(self, "model_", None) is not None
        if not (continuing and hasattr(self, "scaler_")):
            # A warm start keeps the scale its network was trained in.
            self.scaler_ = _make_scaler(self.scaling)
            if self.scaler_ is not None:
                self.scaler_.fit(windows)
        if not (continuing and hasattr(self, "_future_scaling")):
            self._future_scaling = self._fit_future_scaling(windows)
        if self.scaler_ is not None:
            windows = self.scaler_.transform(windows)
        if windows.geometry.known_columns and self.strategy != "multioutput":
            raise ValueError(
                f"strategy={self.strategy!r} cannot read known-ahead inputs: "
                f"these windows carry column(s) {list(windows.geometry.known_columns)} "
                "known over the horizon, which only strategy='multioutput' feeds "
                "to the network. Use strategy='multioutput', or make the windows "
                "without known_ahead."
            )
        n_targets = self.n_outputs_ // self.horizon_
        if self.strategy == "recursive":
            _check_recursive_geometry(windows)
            windows.check_horizon(1)
            return WindowTrainingData(windows, y, self._encode_first_step, n_targets)
        windows.check_horizon(self.horizon_)
        if self.strategy == "seq2seq":
            geometry = windows.geometry
            self._target_columns = list(
                geometry.require_target_columns("strategy='seq2seq'")
            )
            steps = self._sequence_steps(geometry.window_length)
            self._seq2seq_positions = seq2seq_positions(geometry, self.horizon_, steps)
            return WindowTrainingData(
                windows, y, self._encode_sequences, len(steps) * self.n_outputs_
            )
        self._sequence_steps(windows.shape[1])
        inputs = self._network_inputs if windows.geometry.known_columns else None
        return WindowTrainingData(
            windows, y, self._encode_all_steps, self.n_outputs_, inputs=inputs
        )

    def _fit_future_scaling(self, windows):
        """Mean and scale of each known-ahead column over the training blocks.

        None without future blocks, or with ``scaling=None`` (the network
        then reads them as given).
        """
        known = windows.geometry.known_columns
        if not known or self.scaling is None:
            return None
        count, mean, m2 = 0, np.zeros(len(known)), np.zeros(len(known))
        # Block by block (pairwise merge): the blocks of every window
        # together can be far larger than the series.
        for start in range(0, len(windows), 4096):
            block = windows.take_future(slice(start, start + 4096))
            values = block.reshape(-1, len(known)).astype(np.float64)
            n, block_mean = len(values), values.mean(axis=0)
            delta = block_mean - mean
            m2 += ((values - block_mean) ** 2).sum(axis=0)
            m2 += delta**2 * count * n / (count + n)
            mean = mean + delta * n / (count + n)
            count += n
        return mean, safe_scale(m2 / count, mean, count)

    def _network_inputs(self, batch):
        """A batch's windows, with its (standardised) future block if any."""
        if batch.future is None:
            return batch.windows
        future = batch.future
        if self._future_scaling is not None:
            center, scale = self._future_scaling
            future = (future - center) / scale
        return batch.windows, future

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
    def _own_operations(self, windows):
        return windows if self.scaler_ is None else self.scaler_.transform(windows)

    def _predict_batch(self, batch):
        if self.strategy == "recursive":
            return self._predict_recursive(batch)
        outputs = self._network_forecasts(batch)
        levels = getattr(self, "quantile_levels_", None)
        if levels is not None:
            # The point forecast of a quantile network is its median.
            outputs = outputs[..., int(np.flatnonzero(levels == 0.5)[0])]
        return batch.inverse_targets(outputs)

    def _predict_quantile_batch(self, batch):
        outputs = self._network_forecasts(batch)
        values = np.stack(
            [batch.inverse_targets(outputs[..., k]) for k in range(outputs.shape[-1])],
            axis=-1,
        )
        # Every operation of a window chain maps values increasingly, so
        # this only undoes rounding (rearrangement keeps quantiles valid).
        return np.sort(values, axis=-1)

    def _network_forecasts(self, batch):
        """Network outputs of the last step, ``(n_windows, n_outputs[, n_levels])``."""
        outputs = np.asarray(
            self._predict_network(self._network_inputs(batch)), dtype=np.float64
        )
        if self.strategy == "seq2seq":
            outputs = outputs[:, -1]
        outputs = outputs.reshape(len(outputs), self.n_outputs_, *outputs.shape[2:])
        shifts = getattr(self, "quantile_shifts_", None)
        if getattr(self, "quantile_levels_", None) is not None and shifts is not None:
            outputs = outputs + shifts
        return outputs

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
            current = batch.with_raw_windows(raw)
        return np.concatenate(forecasts, axis=1)


_CORRECTION = "correction"
_SPREAD = "spread"


def _zero(layer):
    """Set a layer's weights to zero (the correction: the baseline alone)."""
    for variable in layer.weights:
        variable.assign(np.zeros(variable.shape, variable.dtype))


def _make_scaler(scaling):
    """The window transformer a forecaster applies to its inputs and targets.

    Appended to the windows' chain, so that the targets are scaled with the
    inputs and the forecasts mapped back, like a transformer in a pipeline.
    """
    if scaling == "standard":
        return SequenceScaler()
    if scaling == "window":
        return WindowNormalizer(method="zscore")
    return None
