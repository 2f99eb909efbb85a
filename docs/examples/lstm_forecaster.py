"""An LSTM forecaster: the example of docs/extending.rst, checked by a test."""

from numbers import Real

from skseq.base import BaseKerasForecaster, Interval, LayerSizes


class LSTMForecaster(BaseKerasForecaster):
    """Stacked LSTM layers read the window; a Dense layer forecasts."""

    _parameter_constraints = {
        **BaseKerasForecaster._parameter_constraints,
        "units": [LayerSizes()],
        "dropout": [Interval(Real, 0, 1, closed="left")],
    }

    # The network's parameters, then the training contract's, all stored as
    # given (scikit-learn's rule: no logic in __init__).
    def __init__(self, *, units=(32,), dropout=0.0, strategy="multioutput",
                 scaling="standard", baseline="linear", period=None, epochs=20,
                 batch_size=32, optimizer="adam", learning_rate=0.003,
                 loss="mse", quantiles=None, early_stopping=True,
                 validation_fraction=0.1,
                 n_iter_no_change=5, callbacks=None, warm_start=False,
                 random_state=None, verbose=0):  # fmt: skip
        self.units, self.dropout, self.strategy = units, dropout, strategy
        self.scaling, self.baseline, self.period = scaling, baseline, period
        self.epochs = epochs
        self.batch_size, self.optimizer = batch_size, optimizer
        self.learning_rate, self.loss, self.quantiles = learning_rate, loss, quantiles
        self.early_stopping, self.n_iter_no_change = early_stopping, n_iter_no_change
        self.validation_fraction, self.callbacks = validation_fraction, callbacks
        self.warm_start, self.random_state = warm_start, random_state
        self.verbose = verbose

    def _network_body(self, keras, inputs, return_sequences):
        units = (self.units,) if isinstance(self.units, int) else self.units
        x = inputs
        for depth, layer_units in enumerate(units):
            last = depth == len(units) - 1
            x = keras.layers.LSTM(
                layer_units,
                dropout=self.dropout,
                return_sequences=return_sequences or not last,
            )(x)
        return x
