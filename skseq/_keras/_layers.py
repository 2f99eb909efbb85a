"""Custom Keras layers, defined when first needed so skseq imports no Keras.

The classes are created (and registered for deserialisation) on the first
call of `custom_objects`, after `import_keras` has picked the backend.
"""

import functools

from ._backend import import_keras

__all__ = ["custom_objects", "layer_norm_simple_rnn_cell"]


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

    return {"skseq>LayerNormSimpleRNNCell": LayerNormSimpleRNNCell}


def custom_objects():
    """Mapping of registered names to skseq's custom layer classes."""
    return dict(_define_layers())


def layer_norm_simple_rnn_cell(units):
    """A new `LayerNormSimpleRNNCell` with ``units`` units."""
    return _define_layers()["skseq>LayerNormSimpleRNNCell"](units)
