"""Custom Keras layers and losses, defined when first needed so skseq imports no Keras.

The classes are created (and registered for deserialisation) on the first
call of `custom_objects`, after `import_keras` has picked the backend.
"""

import functools

from ._backend import import_keras

__all__ = [
    "custom_objects",
    "layer_norm_simple_rnn_cell",
    "monotone_quantiles",
    "pinball_loss",
    "window_baseline",
]


@functools.cache
def _define_layers():
    keras = import_keras()

    @keras.saving.register_keras_serializable(package="skseq")
    class LayerNormSimpleRNNCell(keras.layers.Layer):
        """SimpleRNN cell whose pre-activation is layer-normalised.

        The cell of Hands-On ML's ``LNSimpleRNNCell``: the linear combination
        of input and state is normalised over the units at every time step,
        then passed through the activation, which keeps the state's scale
        steady along long sequences.

        Parameters
        ----------
        units : int
            Dimension of the state and the output.
        activation : str or callable, default="tanh"
            Applied after normalisation.
        """

        def __init__(self, units, activation="tanh", **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.activation_name = activation
            self.state_size = units
            self.output_size = units
            self.simple_rnn_cell = keras.layers.SimpleRNNCell(
                units, activation=None, dtype=self.dtype_policy
            )
            self.layer_norm = keras.layers.LayerNormalization(dtype=self.dtype_policy)
            self.activation = keras.activations.get(activation)

        def build(self, input_shape):
            self.simple_rnn_cell.build(input_shape)
            self.layer_norm.build((input_shape[0], self.units))
            self.built = True

        def call(self, inputs, states, training=False):
            outputs, _ = self.simple_rnn_cell(inputs, states, training=training)
            normalised = self.activation(self.layer_norm(outputs))
            return normalised, [normalised]

        def get_config(self):
            config = super().get_config()
            config.update(units=self.units, activation=self.activation_name)
            return config

    @keras.saving.register_keras_serializable(package="skseq")
    class WindowBaseline(keras.layers.Layer):
        """A fixed linear forecast from a window: the baseline a network corrects.

        ``outputs = sum over steps and channels of window * kernel + bias``,
        with a kernel of shape ``(window_length, channels, outputs)`` that is
        set once (a ridge fit, or the one-hot kernel of a naive forecast) and
        never trained.  With ``steps``, the same kernel is applied to the
        window ending at each listed step (the window's first value repeated
        before its start), giving ``(batch, len(steps), outputs)``: the
        baseline of every time step that seq2seq training scores.

        With ``future_shape``, the layer reads ``[window, future]`` and adds
        a second fixed linear map of the future block of known-ahead values,
        ``sum over steps and columns of future * future_kernel``.

        Parameters
        ----------
        outputs : int
            Forecast values per window.
        steps : list of int or None, default=None
            Window steps whose baselines are returned; None: the last step
            only, without a time axis.
        future_shape : tuple of int or None, default=None
            ``(horizon, n_known)`` of the future block it also reads.
        """

        def __init__(self, outputs, steps=None, future_shape=None, **kwargs):
            kwargs.setdefault("trainable", False)
            super().__init__(**kwargs)
            self.outputs = int(outputs)
            self.steps = None if steps is None else [int(s) for s in steps]
            self.future_shape = (
                None if future_shape is None else [int(n) for n in future_shape]
            )

        def build(self, input_shape):
            if self.future_shape is not None:
                input_shape = input_shape[0]
            length, channels = input_shape[1], input_shape[2]
            self.kernel = self.add_weight(
                shape=(length, channels, self.outputs),
                initializer="zeros",
                trainable=self.trainable,
                name="kernel",
            )
            self.bias = self.add_weight(
                shape=(self.outputs,),
                initializer="zeros",
                trainable=self.trainable,
                name="bias",
            )
            if self.future_shape is not None:
                self.future_kernel = self.add_weight(
                    shape=(*self.future_shape, self.outputs),
                    initializer="zeros",
                    trainable=self.trainable,
                    name="future_kernel",
                )

        def call(self, inputs):
            ops = keras.ops
            if self.future_shape is not None:
                inputs, future = inputs
                known = ops.einsum("bhk,hko->bo", future, self.future_kernel)
                return ops.einsum("blc,lco->bo", inputs, self.kernel) + (
                    self.bias + known
                )
            if self.steps is None:
                return ops.einsum("blc,lco->bo", inputs, self.kernel) + self.bias
            length = inputs.shape[1]
            before = ops.repeat(inputs[:, :1], length - 1, axis=1)
            padded = ops.concatenate([before, inputs], axis=1)
            per_step = ops.conv(padded, self.kernel, strides=1, padding="valid")
            return ops.take(per_step, self.steps, axis=1) + self.bias

        def compute_output_shape(self, input_shape):
            if self.future_shape is not None:
                return (input_shape[0][0], self.outputs)
            if self.steps is None:
                return (input_shape[0], self.outputs)
            return (input_shape[0], len(self.steps), self.outputs)

        def get_config(self):
            config = super().get_config()
            config.update(outputs=self.outputs, steps=self.steps)
            if self.future_shape is not None:
                config.update(future_shape=self.future_shape)
            return config

    @keras.saving.register_keras_serializable(package="skseq")
    class MonotoneQuantiles(keras.layers.Layer):
        """Quantiles that cannot cross: a centre plus cumulated positive gaps.

        Reads ``[centre, gaps]``: the forecast at the anchor level, of shape
        ``(..., outputs)``, and unconstrained gap scores of shape
        ``(..., outputs * (n_levels - 1))``.  Each gap between neighbouring
        levels is the softplus of its score, so the quantiles above the
        anchor are the centre plus running sums of gaps, those below it the
        centre minus them: ``(..., outputs, n_levels)``, increasing in the
        level whatever the weights.

        Parameters
        ----------
        n_levels : int
            Quantile levels per output.
        anchor : int
            Position of the centre's level among them.
        """

        def __init__(self, n_levels, anchor, **kwargs):
            super().__init__(**kwargs)
            self.n_levels = int(n_levels)
            self.anchor = int(anchor)

        def call(self, inputs):
            ops = keras.ops
            centre, scores = inputs
            outputs = centre.shape[-1]
            gaps = ops.softplus(
                ops.reshape(
                    scores, (-1, *centre.shape[1:-1], outputs, self.n_levels - 1)
                )
            )
            centre = ops.expand_dims(centre, -1)
            parts = []
            if self.anchor > 0:
                below = ops.flip(gaps[..., : self.anchor], axis=-1)
                parts.append(centre - ops.flip(ops.cumsum(below, axis=-1), axis=-1))
            parts.append(centre)
            if self.anchor < self.n_levels - 1:
                parts.append(centre + ops.cumsum(gaps[..., self.anchor :], axis=-1))
            return ops.concatenate(parts, axis=-1)

        def compute_output_shape(self, input_shape):
            return (*input_shape[0], self.n_levels)

        def get_config(self):
            config = super().get_config()
            config.update(n_levels=self.n_levels, anchor=self.anchor)
            return config

    @keras.saving.register_keras_serializable(package="skseq")
    class PinballLoss(keras.losses.Loss):
        """Pinball loss of quantile forecasts, averaged over their levels.

        ``y_pred`` has the levels on its last axis, one more axis than
        ``y_true``.  For level ``q`` and error ``e = y - f`` the loss is
        ``max(q * e, (q - 1) * e)``, minimised by the ``q``-quantile.

        Parameters
        ----------
        levels : list of float
            The levels of ``y_pred``'s last axis.
        """

        def __init__(self, levels, name="pinball", **kwargs):
            super().__init__(name=name, **kwargs)
            self.levels = [float(level) for level in levels]

        def call(self, y_true, y_pred):
            ops = keras.ops
            levels = ops.convert_to_tensor(self.levels, dtype=y_pred.dtype)
            error = ops.expand_dims(ops.cast(y_true, y_pred.dtype), -1) - y_pred
            loss = ops.maximum(levels * error, (levels - 1.0) * error)
            return ops.mean(loss, axis=-1)

        def get_config(self):
            config = super().get_config()
            config.update(levels=self.levels)
            return config

    return {
        "skseq>LayerNormSimpleRNNCell": LayerNormSimpleRNNCell,
        "skseq>WindowBaseline": WindowBaseline,
        "skseq>MonotoneQuantiles": MonotoneQuantiles,
        "skseq>PinballLoss": PinballLoss,
    }


def custom_objects():
    """Mapping of registered names to skseq's custom layer classes."""
    # The language model's layer lives with its network; defining it here
    # registers it before any saved network is read.
    from ._language import define_language_layers

    return {**_define_layers(), "skseq>TiedEmbedding": define_language_layers()}


def layer_norm_simple_rnn_cell(units):
    """A new `LayerNormSimpleRNNCell` with ``units`` units."""
    return _define_layers()["skseq>LayerNormSimpleRNNCell"](units)


def window_baseline(outputs, steps=None, name="baseline", future_shape=None):
    """A new `WindowBaseline` layer (its kernel is set after it is built)."""
    return _define_layers()["skseq>WindowBaseline"](
        outputs, steps=steps, future_shape=future_shape, name=name
    )


def monotone_quantiles(n_levels, anchor, name="quantiles"):
    """A new `MonotoneQuantiles` layer."""
    return _define_layers()["skseq>MonotoneQuantiles"](n_levels, anchor, name=name)


def pinball_loss(levels):
    """A new `PinballLoss` over ``levels``."""
    return _define_layers()["skseq>PinballLoss"](levels)
