"""The recurrent language model's network and its truncated-BPTT training.

The network reads token ids and the recurrent states to start from, and
returns next-token logits at every step together with the final states, so
that the caller can carry the states from one segment of a token stream to
the next (the book's ``TimeRNN(stateful=True)``).  Keras's own
``stateful=True`` keeps the state in variables that its JAX training step
does not update, so the state is passed in and out explicitly instead.
"""

import contextlib
import functools
import math
import time

import numpy as np

from ._backend import import_keras, quiet_keras_numpy_deprecation
from ._compiled import attach_compiled_functions, publish_compiled_functions

__all__ = [
    "build_language_network",
    "define_language_layers",
    "predicting",
    "state_sizes",
    "train_language_network",
]

_LAYER_CLASSES = {"simple": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}


@functools.cache
def define_language_layers():
    """Define (and register for unpickling) the tied embedding layer."""
    keras = import_keras()

    @keras.saving.register_keras_serializable(package="skseq")
    class TiedEmbedding(keras.layers.Layer):
        """An embedding that, called with ``reverse=True``, scores every token.

        ``reverse=True`` maps vectors of size ``output_dim`` to logits over
        the ``input_dim`` tokens with the transposed embedding matrix plus a
        bias per token: the input and output embeddings are one matrix
        (Press and Wolf, 2017; Inan et al., 2017).

        Parameters
        ----------
        input_dim : int
            Number of token ids.
        output_dim : int
            Size of a token vector.
        """

        def __init__(self, input_dim, output_dim, **kwargs):
            super().__init__(**kwargs)
            self.input_dim = int(input_dim)
            self.output_dim = int(output_dim)

        def build(self, input_shape=None):
            self.embeddings = self.add_weight(
                shape=(self.input_dim, self.output_dim),
                initializer=keras.initializers.RandomUniform(-0.1, 0.1),
                name="embeddings",
            )
            self.bias = self.add_weight(
                shape=(self.input_dim,), initializer="zeros", name="bias"
            )

        def call(self, inputs, reverse=False):
            ops = keras.ops
            if reverse:
                logits = ops.matmul(inputs, ops.transpose(self.embeddings))
                return logits + self.bias
            return ops.take(self.embeddings, ops.cast(inputs, "int32"), axis=0)

        def get_config(self):
            config = super().get_config()
            config.update(input_dim=self.input_dim, output_dim=self.output_dim)
            return config

    return TiedEmbedding


def state_sizes(cell, units):
    """Size of each recurrent state the network takes and returns, in order."""
    per_layer = 2 if cell == "lstm" else 1
    return [size for size in units for _ in range(per_layer)]


def build_language_network(
    keras, *, vocabulary_size, embedding_dim, units, cell, dropout, tie_weights
):
    """``[tokens, *states] -> [logits, *final states]``, uncompiled.

    ``Embedding -> Dropout -> (RNN -> Dropout) per layer -> [projection] ->
    output layer``.  With ``tie_weights`` the output layer is the embedding
    transposed, after a linear projection to ``embedding_dim`` when the last
    layer's ``units`` differ from it.
    """
    tied_embedding = define_language_layers()
    tokens = keras.Input(shape=(None,), dtype="int32", name="tokens")
    state_inputs = [
        keras.Input(shape=(size,), name=f"state_{index}")
        for index, size in enumerate(state_sizes(cell, units))
    ]
    embedding = tied_embedding(vocabulary_size, embedding_dim, name="embedding")
    x = embedding(tokens)
    x = keras.layers.Dropout(dropout, name="embedding_dropout")(x)
    layer_class = getattr(keras.layers, _LAYER_CLASSES[cell])
    per_layer = len(state_inputs) // len(units)
    state_outputs = []
    for depth, size in enumerate(units):
        initial = state_inputs[depth * per_layer : (depth + 1) * per_layer]
        x, *final = layer_class(
            size, return_sequences=True, return_state=True, name=f"{cell}_{depth}"
        )(x, initial_state=initial)
        state_outputs += final
        x = keras.layers.Dropout(dropout, name=f"dropout_{depth}")(x)
    if tie_weights:
        if units[-1] != embedding_dim:
            x = keras.layers.Dense(embedding_dim, use_bias=False, name="projection")(x)
        logits = embedding(x, reverse=True)
    else:
        logits = keras.layers.Dense(vocabulary_size, name="logits")(x)
    return keras.Model(
        [tokens, *state_inputs], [logits, *state_outputs], name="RNNLanguageModel"
    )


def zero_states(model, batch_size):
    """Zero initial states for ``batch_size`` streams of ``model``."""
    return [
        np.zeros((batch_size, tensor.shape[-1]), dtype="float32")
        for tensor in model.inputs[1:]
    ]


def _segments(inputs, targets, bptt_length):
    """Consecutive ``bptt_length``-step segments of the parallel streams."""
    for start in range(0, inputs.shape[1] - bptt_length + 1, bptt_length):
        stop = start + bptt_length
        yield inputs[:, start:stop], targets[:, start:stop]


def train_language_network(
    keras,
    model,
    streams,
    *,
    optimizer,
    epochs,
    bptt_length,
    carry_state,
    validate=None,
    n_iter_no_change=None,
    verbose=0,
):
    """Train ``model`` by truncated BPTT on parallel token streams.

    Parameters
    ----------
    keras : module
    model : keras.Model
        From `build_language_network`; trained in place.
    streams : ndarray of int32, shape (batch_size, n_steps + 1)
        Row ``i`` is the ``i``-th consecutive part of the training stream;
        step ``t`` is the input whose target is step ``t + 1``.
    optimizer : keras.optimizers.Optimizer
    epochs : int
    bptt_length : int
        Steps per segment: gradients flow back at most this far.
    carry_state : bool
        Start each segment from the final states of the previous one
        (computed without dropout), or from zeros.
    validate : callable or None
        Called after each epoch, returns the mean validation loss.  With
        ``n_iter_no_change``, training stops after that many epochs without
        improvement and the weights of the best epoch are restored.
    verbose : int
        0 silent, 1 a progress bar per epoch, 2 a line per epoch.

    Returns
    -------
    history : dict of str to list of float
        ``"loss"`` (mean training loss per token), ``"val_loss"`` when
        validating, and ``"seconds"`` (time of each epoch).
    """
    train_model = keras.Model(model.inputs, model.outputs[0])
    state_model = keras.Model(model.inputs, model.outputs[1:])
    train_model.compile(
        optimizer=optimizer,
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        jit_compile=_jit_compile(keras),
    )
    attach_compiled_functions(keras, train_model)
    with predicting(keras, state_model), predicting(keras, model):
        history = _train(
            keras,
            model,
            train_model,
            state_model,
            streams,
            epochs=epochs,
            bptt_length=bptt_length,
            carry_state=carry_state,
            validate=validate,
            n_iter_no_change=n_iter_no_change,
            verbose=verbose,
        )
    publish_compiled_functions(keras, train_model)
    return history


def _jit_compile(keras):
    # Eager JAX is hundreds of times slower: keep its jit on explicitly.
    return True if keras.backend.backend() == "jax" else "auto"


@contextlib.contextmanager
def predicting(keras, model):
    """Predict with ``model`` in a block, reusing compiled steps of its architecture.

    A network that only predicts is compiled without loss or optimizer, so
    that networks of one architecture share their compiled prediction step
    (`attach_compiled_functions`), as the fits of a grid search do.
    """
    if not model.compiled:
        model.compile(jit_compile=_jit_compile(keras))
    if model.predict_function is None:
        attach_compiled_functions(keras, model)
    try:
        yield model
    finally:
        publish_compiled_functions(keras, model)


def _train(
    keras,
    model,
    train_model,
    state_model,
    streams,
    *,
    epochs,
    bptt_length,
    carry_state,
    validate,
    n_iter_no_change,
    verbose,
):
    inputs, targets = streams[:, :-1], streams[:, 1:]
    n_segments = inputs.shape[1] // bptt_length
    history = {"loss": [], "seconds": []}
    best = (math.inf, None, 0)
    for epoch in range(epochs):
        start = time.perf_counter()
        progress = keras.utils.Progbar(n_segments) if verbose == 1 else None
        states = zero_states(model, len(streams))
        losses = []
        for step, (x, y) in enumerate(_segments(inputs, targets, bptt_length)):
            if carry_state:
                next_states = state_model.predict_on_batch([x, *states])
                next_states = [np.asarray(s) for s in _as_list(next_states)]
            with quiet_keras_numpy_deprecation():
                losses.append(float(train_model.train_on_batch([x, *states], y)))
            if carry_state:
                states = next_states
            if progress is not None:
                progress.update(step + 1, [("loss", losses[-1])])
        history["loss"].append(float(np.mean(losses)))
        if not np.isfinite(history["loss"][-1]):
            break
        if validate is not None:
            history.setdefault("val_loss", []).append(float(validate()))
        history["seconds"].append(time.perf_counter() - start)
        if verbose:
            _print_epoch(epoch, epochs, history)
        if validate is not None and n_iter_no_change is not None:
            loss = history["val_loss"][-1]
            if loss < best[0]:
                best = (loss, [np.array(v.value) for v in model.weights], epoch)
            elif epoch - best[2] >= n_iter_no_change:
                break
    if best[1] is not None:
        for variable, value in zip(model.weights, best[1]):
            variable.assign(value)
    return history


def _as_list(outputs):
    return list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]


def _print_epoch(epoch, epochs, history):
    parts = [f"Epoch {epoch + 1}/{epochs}", f"loss {history['loss'][-1]:.4f}"]
    if "val_loss" in history:
        parts.append(f"val_loss {history['val_loss'][-1]:.4f}")
    parts.append(f"{history['seconds'][-1]:.1f} s")
    print(" - ".join(parts), flush=True)


def stream_logits(model, tokens, *, chunk_length=256):
    """Logits after each token of one stream, read in chunks carrying the state.

    Parameters
    ----------
    model : keras.Model
        From `build_language_network`.
    tokens : ndarray of int, shape (n_tokens,)

    Yields
    ------
    start : int
        Position in ``tokens`` of the chunk's first token.
    logits : ndarray of shape (chunk, vocabulary_size)
        Scores of the token following each of the chunk's tokens.
    """
    states = zero_states(model, 1)
    for start in range(0, len(tokens), chunk_length):
        chunk = tokens[start : start + chunk_length]
        # Fixed-size chunks reuse one compiled function; the padding comes
        # after the real tokens, so it cannot change their outputs.
        padded = np.zeros((1, chunk_length), dtype="int32")
        padded[0, : len(chunk)] = chunk
        if len(chunk) < chunk_length:
            logits, *_ = _as_list(model.predict_on_batch([padded, *states]))
            yield start, np.asarray(logits)[0, : len(chunk)]
            return
        logits, *states = _as_list(model.predict_on_batch([padded, *states]))
        states = [np.asarray(state) for state in states]
        yield start, np.asarray(logits)[0]
