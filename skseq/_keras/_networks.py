"""Builders of the recurrent and convolutional parts of the forecasters.

Each builder takes the ``keras`` module (imported by the caller with the
chosen backend) and a symbolic tensor, and returns the next tensor.
"""

import numpy as np

from ._layers import layer_norm_simple_rnn_cell

__all__ = [
    "conv_front_end",
    "conv_output_steps",
    "recurrent_layer_factory",
    "recurrent_stack",
]


def recurrent_stack(x, make_layer, units, *, return_sequences):
    """Stack one recurrent layer per entry of ``units``.

    Every layer but the last returns its whole sequence, which the next one
    reads; the last returns only its final state unless ``return_sequences``.
    """
    for depth, layer_units in enumerate(units):
        last = depth == len(units) - 1
        x = make_layer(layer_units, return_sequences or not last)(x)
    return x


def recurrent_layer_factory(
    keras,
    *,
    cell,
    dropout=0.0,
    recurrent_dropout=0.0,
    bidirectional=False,
    layer_norm=False,
):
    """``make_layer(units, return_sequences)`` for `recurrent_stack`.

    Parameters
    ----------
    keras : module
    cell : {"simple", "lstm", "gru"}
        ``SimpleRNN``, ``LSTM`` or ``GRU`` layers.
    dropout, recurrent_dropout : float
        Dropout of each layer's inputs and of its state, while training.
    bidirectional : bool
        Wrap each layer in ``Bidirectional``.
    layer_norm : bool
        Layer-normalised SimpleRNN cells (Hands-On ML's ``LNSimpleRNNCell``;
        ``cell="simple"`` only, without dropout).
    """
    layer_classes = {
        "simple": keras.layers.SimpleRNN,
        "lstm": keras.layers.LSTM,
        "gru": keras.layers.GRU,
    }

    def make_layer(units, return_sequences):
        if layer_norm:
            layer = keras.layers.RNN(
                layer_norm_simple_rnn_cell(units), return_sequences=return_sequences
            )
        else:
            layer = layer_classes[cell](
                units,
                dropout=dropout,
                recurrent_dropout=recurrent_dropout,
                return_sequences=return_sequences,
            )
        return keras.layers.Bidirectional(layer) if bidirectional else layer

    return make_layer


def conv_output_steps(window_length, *, kernel_size, strides, padding):
    """Crop and alignment of a strided ``Conv1D`` over windows.

    Output step ``i`` of the convolution has seen the window up to some input
    step; seq2seq training must give it that step's targets (Hands-On ML's
    ``Y_train[:, 3::2]`` for kernel 4, stride 2).  The first ``crop`` steps
    are dropped so that the last output step ends exactly on the last window
    step, whose targets are the forecast.

    Returns
    -------
    crop : int
        Leading window steps to drop.
    steps : ndarray of int
        For each output step, the index of the last window step it has seen.
    """
    if padding == "causal":
        crop = (window_length - 1) % strides
        last_seen = np.arange(crop, window_length, strides)
    else:
        if window_length < kernel_size:
            raise ValueError(
                f"Received windows of {window_length} steps (X has "
                f"{window_length} feature(s) in scikit-learn's 2-D layout), but "
                f"`kernel_size`={kernel_size} with padding='valid' needs at least "
                f"{kernel_size} steps; use longer windows, a smaller kernel_size "
                "or padding='causal'."
            )
        crop = (window_length - kernel_size) % strides
        last_seen = np.arange(crop + kernel_size - 1, window_length, strides)
    return crop, last_seen


def conv_front_end(keras, x, *, filters, kernel_size, strides, padding, crop):
    """``Conv1D`` over the windows, after dropping ``crop`` leading steps."""
    if crop:
        x = keras.layers.Cropping1D((crop, 0))(x)
    return keras.layers.Conv1D(filters, kernel_size, strides=strides, padding=padding)(
        x
    )
