"""Recurrent forecasters: stacked SimpleRNN/LSTM, GRU, and Conv1D + GRU.

Each class only builds its network; training, horizon strategies, target
mapping through window chains and pickling come from `BaseKerasForecaster`.
"""

from numbers import Integral, Real

from .._keras._forecaster import BaseKerasForecaster
from .._keras._networks import (
    conv_front_end,
    conv_output_steps,
    recurrent_layer_factory,
    recurrent_stack,
)
from .._param_validation import (
    Interval,
    LayerSizes,
    StrOptions,
    invalid_parameter,
    layer_sizes,
)

__all__ = ["ConvGRUForecaster", "GRUForecaster", "RNNForecaster"]

_TRAINING_PARAMETERS = """\
    strategy : {"multioutput", "recursive", "seq2seq"}, default="multioutput"
        How several target steps are forecast.  ``"multioutput"``: the last
        state predicts all ``horizon`` values at once.  ``"recursive"``: a
        one-step model is trained on the first target step and its forecasts
        are fed back as observations (univariate windows of consecutive
        steps with ``delay=1`` only).  ``"seq2seq"``: every time step is
        trained on the ``horizon`` values that follow it and the forecast is
        the last step's output (Hands-On ML's best multi-step model).
        Windows with known-ahead columns need ``"multioutput"``: their
        future block is concatenated to the last state.
    scaling : {"standard", "window"} or None, default="standard"
        Scaling of inputs and targets inside the forecaster, reversed on the
        forecasts.  ``"standard"``: every feature standardised with the mean
        and standard deviation of the training windows (a `SequenceScaler`
        fitted in ``fit``).  ``"window"``: every window and feature by its
        own mean and standard deviation (``WindowNormalizer("zscore")``).
        None: the network sees the windows as given (as in the books, which
        put a `SequenceScaler` in front).  ``"standard"`` is the default:
        on the real series of ``benchmarks/bench_real_series.py`` it beat
        ``"window"`` (airline MAE 14.0 against 38.7), which hides the level
        that the linear baseline extrapolates.
    baseline : {"linear", "last", "seasonal_last"} or None, default="linear"
        A fixed linear forecast that the network corrects: its output is the
        baseline plus a correction that starts at zero, so the untrained
        network forecasts the baseline.  ``"linear"``: a ridge regression on
        the (scaled) training windows, penalised by a tenth of their number
        (a least-squares fit would leave the network no gradient to start
        from).  ``"last"``: the last value of each target; ``"seasonal_last"``:
        the value ``period`` steps before each target step.  With
        ``strategy="seq2seq"`` the baseline of every time step is fitted and
        applied on the window ending there.  None: the plain network of the
        books.  With ``early_stopping``, a network that ends no better on its
        validation windows than the baseline (for ``"linear"``, the ridge
        whose penalty does best on those windows) is replaced by that
        baseline, refitted on every window; ``uses_network_`` says which.
    period : int or None, default=None
        Season length, in steps, of ``baseline="seasonal_last"``.
    epochs : int, default=20
        Passes over the training windows.
    batch_size : int, default=32
        Windows per gradient step.
    optimizer : str or keras.optimizers.Optimizer, default="adam"
        Keras optimizer name, or an instance used as a template (a copy is
        trained).
    learning_rate : float, default=0.003
        Learning rate of the optimizer (overrides an instance's own).  Three
        times Keras's Adam default: in the 20 epochs of the defaults, 0.001
        leaves Hands-On ML's networks under-trained (10-step seq2seq MSE
        0.009 to 0.012 instead of 0.004 to 0.007).
    loss : str or callable, default="mse"
        Keras loss, computed in the space of the transformed targets.
        ``"pinball"`` trains the network to forecast the quantiles of
        ``quantiles`` (and the median, the point forecast) at once, with
        the pinball loss averaged over the levels; ``predict(X,
        quantiles=...)`` and ``predict(X, coverage=...)`` then return them.
        The quantiles are a median plus cumulated positive gaps, so they
        never cross; the gaps start at those of a normal distribution of
        the baseline's training errors.  With ``early_stopping``, every
        level but the median is then shifted by the conformal quantile of
        its errors on the validation windows, since quantiles fitted on the
        training windows are too narrow on new ones (on the hourly Newark
        temperatures, 80 % intervals covered 0.666 without it).  Not with
        ``strategy="recursive"``.
    quantiles : array-like of float or None, default=None
        Levels learned with ``loss="pinball"``, strictly increasing in
        (0, 1); the median is always added.  None: 0.025, 0.1, 0.25, 0.5,
        0.75, 0.9 and 0.975 (central 50 %, 80 % and 95 % intervals).  Must
        be None with another loss.
    early_stopping : bool, default=True
        Hold out the last windows (in time order, never shuffled into
        training), stop when their loss has not improved for
        ``n_iter_no_change`` epochs, keep the weights of the best epoch, and
        compare the network with its baseline on them.
    validation_fraction : float, default=0.1
        Fraction of the windows held out when ``early_stopping=True``; at
        least 30 windows are held out while that leaves two thirds to train
        on, so that the choice between network and baseline is not made on a
        handful of windows.
    n_iter_no_change : int, default=5
        Epochs without improvement of the validation loss before stopping.
    callbacks : list of keras.callbacks.Callback or None, default=None
        Extra Keras callbacks; each ``fit`` uses deep copies, so the
        parameter is left untouched.
    warm_start : bool, default=False
        When True and the estimator was fitted on windows and targets of the
        same shapes, ``fit`` continues training the existing network (and
        its optimizer state) and appends to ``history_``.  Otherwise every
        ``fit`` builds a fresh network.
    random_state : int, RandomState instance or None, default=None
        Seed of weight initialisation, dropout and shuffling; an int makes
        two fits identical.  The global random state of Python, NumPy and
        Keras is restored after ``fit``.
    verbose : int, default=0
        0 is silent in ``fit`` and ``predict``; 1 shows Keras progress bars;
        2 prints one line per epoch.
"""

_FITTED_ATTRIBUTES = """\
    model_ : keras.Model
        The trained network.
    history_ : dict of str to list of float
        Loss per epoch (``"loss"``, and ``"val_loss"`` with early stopping).
    loss_curve_ : list of float
        Training loss per epoch.
    n_iter_ : int
        Epochs run (summed over warm-started fits).
    n_features_in_ : int
        Window length seen in ``fit`` (``X.shape[1]``, scikit-learn's
        convention for the second axis).
    n_channels_ : int
        Features per step.
    window_length_ : int
        Steps per window.
    horizon_ : int
        Target steps per window.
    n_outputs_ : int
        Columns of ``y`` (``horizon_`` times the number of target columns).
    scaler_ : SequenceScaler, WindowNormalizer or None
        The fitted scaling of ``scaling``.
    uses_network_ : bool
        False when the network did no better than its baseline on the
        validation windows and the forecaster forecasts with the baseline
        alone (the network's correction set to zero).
    baseline_loss_ : float or None
        Validation loss of the baseline the network was compared with (None
        without a baseline or early stopping).
    ridge_alpha_ : float or None
        Penalty of that ridge, chosen on the validation windows
        (``baseline="linear"`` with early stopping only).
    quantile_levels_ : ndarray or None
        The levels learned with ``loss="pinball"``, the median included
        (None with another loss).
    quantile_shifts_ : ndarray of shape (n_outputs, n_levels)
        With ``loss="pinball"``: how far each learned quantile is moved, in
        the network's (scaled) target units, so that it holds its level on
        the validation windows (zero without early stopping, and for the
        median).
    known_columns_ : tuple of int
        Feature columns known ahead, whose future blocks the network reads
        (``make_windows(..., known_ahead=...)``); empty when there are none.
    future_length_ : int
        Steps of those future blocks (0 without).
"""


def _fill_doc(cls):
    cls.__doc__ = cls.__doc__.replace(
        "    %(training_parameters)s\n", _TRAINING_PARAMETERS
    ).replace("    %(fitted_attributes)s\n", _FITTED_ATTRIBUTES)
    return cls


_DROPOUT = [Interval(Real, 0, 1, closed="left")]
_POSITIVE_INT = [Interval(Integral, 1, None, closed="left")]


@_fill_doc
class RNNForecaster(BaseKerasForecaster):
    """Stacked SimpleRNN (or LSTM) forecaster, as in Hands-On ML chapter 15.

    ``units=(20, 20)`` is the book's deep RNN: two recurrent layers of 20
    units, the last state read by a ``Dense`` layer with one output per
    target value.  ``layer_norm=True`` normalises each cell's pre-activation
    over its units at every time step (the book's ``LNSimpleRNNCell``).

    Parameters
    ----------
    units : int or tuple of int, default=(20, 20)
        Units of each recurrent layer, input side first.
    cell : {"simple", "lstm"}, default="simple"
        ``SimpleRNN`` or ``LSTM`` layers.
    layer_norm : bool, default=False
        Use layer-normalised SimpleRNN cells (``cell="simple"`` only).
    %(training_parameters)s

    Attributes
    ----------
    %(fitted_attributes)s

    See Also
    --------
    GRUForecaster : GRU layers, with dropout and bidirectional options.
    ConvGRUForecaster : A strided Conv1D front end before GRU layers.
    NaiveForecaster : The last observed value, a baseline to beat.

    Examples
    --------
    >>> import numpy as np
    >>> from skseq import make_windows
    >>> from skseq.forecasting import RNNForecaster
    >>> X, y = make_windows(np.sin(np.arange(100) / 4), window_length=16, horizon=2)
    >>> model = RNNForecaster(units=(4,), epochs=2, random_state=0).fit(X, y)
    >>> model.predict(X[-3:]).shape
    (3, 2)
    >>> len(model.loss_curve_)
    2
    """

    _parameter_constraints = {
        **BaseKerasForecaster._parameter_constraints,
        "units": [LayerSizes()],
        "cell": [StrOptions({"simple", "lstm"})],
        "layer_norm": ["boolean"],
    }

    def __init__(
        self,
        *,
        units=(20, 20),
        cell="simple",
        layer_norm=False,
        strategy="multioutput",
        scaling="standard",
        baseline="linear",
        period=None,
        epochs=20,
        batch_size=32,
        optimizer="adam",
        learning_rate=0.003,
        loss="mse",
        quantiles=None,
        early_stopping=True,
        validation_fraction=0.1,
        n_iter_no_change=5,
        callbacks=None,
        warm_start=False,
        random_state=None,
        verbose=0,
    ):
        self.scaling = scaling
        self.baseline = baseline
        self.period = period
        self.epochs = epochs
        self.batch_size = batch_size
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.loss = loss
        self.quantiles = quantiles
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.callbacks = callbacks
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose
        self.units = units
        self.cell = cell
        self.layer_norm = layer_norm
        self.strategy = strategy

    def _check_params(self):
        super()._check_params()
        if self.layer_norm and self.cell != "simple":
            raise invalid_parameter(
                self, "layer_norm", "False with cell='lstm'", self.layer_norm
            )

    def _network_body(self, keras, inputs, return_sequences):
        make_layer = recurrent_layer_factory(
            keras, cell=self.cell, layer_norm=bool(self.layer_norm)
        )
        return recurrent_stack(
            inputs,
            make_layer,
            layer_sizes(self.units),
            return_sequences=return_sequences,
        )


@_fill_doc
class GRUForecaster(BaseKerasForecaster):
    """Stacked GRU forecaster with dropout and bidirectional options.

    GRU layers (Chollet, *Deep Learning with Python*, chapter 6) read the
    window; a ``Dense`` layer maps the last state to the targets.
    ``dropout`` and ``recurrent_dropout`` regularise the inputs and the
    state of every layer.

    Parameters
    ----------
    units : int or tuple of int, default=(32,)
        Units of each GRU layer, input side first.
    dropout : float, default=0.0
        Fraction of each layer's input units dropped while training.
    recurrent_dropout : float, default=0.0
        Fraction of each layer's recurrent state dropped while training.
    bidirectional : bool, default=False
        Read each window in both directions and concatenate the states.
    %(training_parameters)s

    Attributes
    ----------
    %(fitted_attributes)s

    See Also
    --------
    RNNForecaster : SimpleRNN or LSTM layers.
    ConvGRUForecaster : A strided Conv1D front end before GRU layers.

    Examples
    --------
    >>> import numpy as np
    >>> from skseq import make_windows
    >>> from skseq.forecasting import GRUForecaster
    >>> X, y = make_windows(np.sin(np.arange(100) / 4), window_length=16, horizon=2)
    >>> model = GRUForecaster(units=(4,), epochs=2, random_state=0).fit(X, y)
    >>> model.predict(X[-3:]).shape
    (3, 2)
    """

    _parameter_constraints = {
        **BaseKerasForecaster._parameter_constraints,
        "units": [LayerSizes()],
        "dropout": _DROPOUT,
        "recurrent_dropout": _DROPOUT,
        "bidirectional": ["boolean"],
    }

    def __init__(
        self,
        *,
        units=(32,),
        dropout=0.0,
        recurrent_dropout=0.0,
        bidirectional=False,
        strategy="multioutput",
        scaling="standard",
        baseline="linear",
        period=None,
        epochs=20,
        batch_size=32,
        optimizer="adam",
        learning_rate=0.003,
        loss="mse",
        quantiles=None,
        early_stopping=True,
        validation_fraction=0.1,
        n_iter_no_change=5,
        callbacks=None,
        warm_start=False,
        random_state=None,
        verbose=0,
    ):
        self.scaling = scaling
        self.baseline = baseline
        self.period = period
        self.epochs = epochs
        self.batch_size = batch_size
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.loss = loss
        self.quantiles = quantiles
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.callbacks = callbacks
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose
        self.units = units
        self.dropout = dropout
        self.recurrent_dropout = recurrent_dropout
        self.bidirectional = bidirectional
        self.strategy = strategy

    def _network_body(self, keras, inputs, return_sequences):
        make_layer = recurrent_layer_factory(
            keras,
            cell="gru",
            dropout=float(self.dropout),
            recurrent_dropout=float(self.recurrent_dropout),
            bidirectional=bool(self.bidirectional),
        )
        return recurrent_stack(
            inputs,
            make_layer,
            layer_sizes(self.units),
            return_sequences=return_sequences,
        )


@_fill_doc
class ConvGRUForecaster(BaseKerasForecaster):
    """A strided ``Conv1D`` front end followed by stacked GRU layers.

    The convolution shortens the sequence by ``strides`` and detects local
    patterns, which lets the GRUs see further back (Hands-On ML: 20 filters,
    kernel 4, stride 2, "valid" padding, then two GRU layers of 20 units).
    With ``strategy="seq2seq"`` each convolution output step is trained on
    the targets of the last window step it has seen; leading window steps
    are dropped so that the last output step ends on the last window step.

    Parameters
    ----------
    filters : int, default=20
        Convolution filters.
    kernel_size : int, default=4
        Steps seen by each filter.
    strides : int, default=2
        Steps between filter positions.
    padding : {"valid", "causal"}, default="valid"
        ``"valid"`` uses only full windows of ``kernel_size`` steps;
        ``"causal"`` pads the start so that short windows work too.
        ("same" is not offered: it lets an output step see later inputs.)
    units : int or tuple of int, default=(20, 20)
        Units of each GRU layer.
    %(training_parameters)s

    Attributes
    ----------
    %(fitted_attributes)s

    See Also
    --------
    GRUForecaster : GRU layers without the convolution.
    RNNForecaster : SimpleRNN or LSTM layers.

    Examples
    --------
    >>> import numpy as np
    >>> from skseq import make_windows
    >>> from skseq.forecasting import ConvGRUForecaster
    >>> X, y = make_windows(np.sin(np.arange(100) / 4), window_length=16, horizon=2)
    >>> model = ConvGRUForecaster(filters=4, units=(4,), strategy="seq2seq",
    ...                           epochs=2, random_state=0).fit(X, y)
    >>> model.predict(X[-3:]).shape
    (3, 2)
    """

    _parameter_constraints = {
        **BaseKerasForecaster._parameter_constraints,
        "filters": _POSITIVE_INT,
        "kernel_size": _POSITIVE_INT,
        "strides": _POSITIVE_INT,
        "padding": [StrOptions({"valid", "causal"})],
        "units": [LayerSizes()],
    }

    def __init__(
        self,
        *,
        filters=20,
        kernel_size=4,
        strides=2,
        padding="valid",
        units=(20, 20),
        strategy="multioutput",
        scaling="standard",
        baseline="linear",
        period=None,
        epochs=20,
        batch_size=32,
        optimizer="adam",
        learning_rate=0.003,
        loss="mse",
        quantiles=None,
        early_stopping=True,
        validation_fraction=0.1,
        n_iter_no_change=5,
        callbacks=None,
        warm_start=False,
        random_state=None,
        verbose=0,
    ):
        self.scaling = scaling
        self.baseline = baseline
        self.period = period
        self.epochs = epochs
        self.batch_size = batch_size
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.loss = loss
        self.quantiles = quantiles
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.callbacks = callbacks
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose
        self.filters = filters
        self.kernel_size = kernel_size
        self.strides = strides
        self.padding = padding
        self.units = units
        self.strategy = strategy

    def _conv_layout(self, window_length):
        return conv_output_steps(
            window_length,
            kernel_size=int(self.kernel_size),
            strides=int(self.strides),
            padding=self.padding,
        )

    def _sequence_steps(self, window_length):
        return self._conv_layout(window_length)[1]

    def _network_body(self, keras, inputs, return_sequences):
        crop, _ = self._conv_layout(inputs.shape[1])
        features = conv_front_end(
            keras,
            inputs,
            filters=int(self.filters),
            kernel_size=int(self.kernel_size),
            strides=int(self.strides),
            padding=self.padding,
            crop=crop,
        )
        make_layer = recurrent_layer_factory(keras, cell="gru")
        return recurrent_stack(
            features,
            make_layer,
            layer_sizes(self.units),
            return_sequences=return_sequences,
        )
