"""Custom Keras layers, defined when first needed so skseq imports no Keras.

The classes are created (and registered for deserialisation) on the first
call of `custom_objects`, after `import_keras` has picked the backend.
"""

import functools

from ._backend import import_keras

__all__ = ["custom_objects", "layer_norm_simple_rnn_cell", "window_baseline"]


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

        Parameters
        ----------
        outputs : int
            Forecast values per window.
        steps : list of int or None, default=None
            Window steps whose baselines are returned; None: the last step
            only, without a time axis.
        """

        def __init__(self, outputs, steps=None, **kwargs):
            kwargs.setdefault("trainable", False)
            super().__init__(**kwargs)
            self.outputs = int(outputs)
            self.steps = None if steps is None else [int(s) for s in steps]

        def build(self, input_shape):
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

        def call(self, inputs):
            ops = keras.ops
            if self.steps is None:
                return ops.einsum("blc,lco->bo", inputs, self.kernel) + self.bias
            length = inputs.shape[1]
            before = ops.repeat(inputs[:, :1], length - 1, axis=1)
            padded = ops.concatenate([before, inputs], axis=1)
            per_step = ops.conv(padded, self.kernel, strides=1, padding="valid")
            return ops.take(per_step, self.steps, axis=1) + self.bias

        def compute_output_shape(self, input_shape):
            if self.steps is None:
                return (input_shape[0], self.outputs)
            return (input_shape[0], len(self.steps), self.outputs)

        def get_config(self):
            config = super().get_config()
            config.update(outputs=self.outputs, steps=self.steps)
            return config

    return {
        "skseq>LayerNormSimpleRNNCell": LayerNormSimpleRNNCell,
        "skseq>WindowBaseline": WindowBaseline,
    }


def custom_objects():
    """Mapping of registered names to skseq's custom layer classes."""
    return dict(_define_layers())


def layer_norm_simple_rnn_cell(units):
    """A new `LayerNormSimpleRNNCell` with ``units`` units."""
    return _define_layers()["skseq>LayerNormSimpleRNNCell"](units)


def window_baseline(outputs, steps=None, name="baseline"):
    """A new `WindowBaseline` layer (its kernel is set after it is built)."""
    return _define_layers()["skseq>WindowBaseline"](outputs, steps=steps, name=name)
