"""Training data for Keras: one array when small, shuffled batches when large.

An estimator describes its samples as a `TrainingData` (how to gather the
network inputs and encoded targets of any rows).  Small data are gathered
once and handed to ``model.fit`` as arrays, which is exactly what a Keras user
would write; large data are streamed through a `keras.utils.PyDataset` that
gathers one shuffled batch at a time, so memory stays O(batch).
"""

import functools
import math

import numpy as np

from ._backend import import_keras, quiet_keras_numpy_deprecation

__all__ = [
    "MATERIALISE_BYTES",
    "TrainingData",
    "as_floatx",
    "fit_network",
    "keras_inputs",
    "split_rows",
    "take_rows",
]

# Data whose gathered arrays (every stage of a window chain included) stay
# under this size are materialised once; above it they are streamed.
MATERIALISE_BYTES = 256 * 2**20


class TrainingData:
    """Samples a network trains on, gathered by rows (the protocol).

    Subclasses implement `__len__`, `nbytes` and `get`.  Rows are in time
    order: validation takes the last ones.
    """

    def __len__(self):
        raise NotImplementedError

    @property
    def nbytes(self):
        """Bytes needed to gather all rows at once (an estimate)."""
        raise NotImplementedError

    def get(self, rows):
        """Network inputs and encoded targets of ``rows`` (slice or int array).

        Returns
        -------
        x : ndarray of shape (n_rows, ...), or a tuple of them
            The network's input, or its inputs for a network of several.
        y : ndarray of shape (n_rows, ...)
        """
        raise NotImplementedError

    @functools.cached_property
    def sample_shapes(self):
        """Shapes of one input (a tuple of them for several) and one target."""
        x, y = self.get(slice(0, 1))
        if isinstance(x, tuple):
            return tuple(part.shape[1:] for part in x), y.shape[1:]
        return x.shape[1:], y.shape[1:]


def as_floatx(keras, array):
    """``array`` (or each array of a tuple of network inputs) in Keras floats."""
    if isinstance(array, tuple):
        return tuple(as_floatx(keras, part) for part in array)
    return np.asarray(array, dtype=keras.config.floatx())


def keras_inputs(x):
    """Network inputs as Keras takes them: a list for a network of several."""
    return list(x) if isinstance(x, tuple) else x


def take_rows(array, rows):
    """``array[rows]``, or that of each array of a tuple of network inputs."""
    if isinstance(array, tuple):
        return tuple(part[rows] for part in array)
    return array[rows]


@functools.cache
def _batch_sequence_class():
    keras = import_keras()

    class BatchSequence(keras.utils.PyDataset):
        """Batches of `TrainingData` rows, reshuffled every epoch when asked."""

        def __init__(self, data, rows, batch_size, shuffle_seed=None):
            # One worker: batches are gathered in the training thread, in a
            # reproducible order.
            super().__init__(workers=1, use_multiprocessing=False)
            self.data = data
            self.rows = rows
            self.batch_size = batch_size
            self._rng = (
                None if shuffle_seed is None else np.random.RandomState(shuffle_seed)
            )
            self._order = rows

        def __len__(self):
            return math.ceil(len(self.rows) / self.batch_size)

        def on_epoch_begin(self):
            if self._rng is not None:
                self._order = self._rng.permutation(self.rows)

        def __getitem__(self, index):
            start = index * self.batch_size
            x, y = self.data.get(self._order[start : start + self.batch_size])
            return keras_inputs(as_floatx(keras, x)), as_floatx(keras, y)

    return BatchSequence


def split_rows(n_samples, n_validation):
    """Training and validation rows: validation is the last, newest part."""
    if not n_validation:
        return np.arange(n_samples), None
    if n_validation >= n_samples:
        raise ValueError(
            f"early_stopping holds out {n_validation} of the training samples "
            "for validation and needs at least one more to train on, got "
            f"n_samples = {n_samples}; give more samples or set "
            "early_stopping=False."
        )
    n_train = n_samples - n_validation
    return np.arange(n_train), np.arange(n_train, n_samples)


def _materialised(keras, data, train_rows, validation_rows):
    x, y = data.get(slice(None))
    x, y = as_floatx(keras, x), as_floatx(keras, y)
    n_train = len(train_rows)
    validation = None
    if validation_rows is not None:
        validation = (keras_inputs(take_rows(x, slice(n_train, None))), y[n_train:])
    return (keras_inputs(take_rows(x, slice(None, n_train))), y[:n_train]), validation


def fit_network(
    keras,
    model,
    data,
    *,
    epochs,
    batch_size,
    n_validation,
    callbacks,
    verbose,
    class_weight=None,
):
    """Train ``model`` on ``data``; return the Keras ``History``.

    The last ``n_validation`` rows (0 for none) are held out for validation
    and never shuffled into training.  Shuffling draws from NumPy's global
    state, so the caller's seeding makes the run reproducible.
    ``class_weight`` (class index to weight, or None) is passed to
    ``model.fit``.
    """
    train_rows, validation_rows = split_rows(len(data), n_validation)
    options = dict(
        epochs=epochs, callbacks=callbacks, verbose=verbose, class_weight=class_weight
    )
    if data.nbytes <= MATERIALISE_BYTES:
        (x, y), validation = _materialised(keras, data, train_rows, validation_rows)
        with quiet_keras_numpy_deprecation():
            return model.fit(
                x,
                y,
                batch_size=batch_size,
                shuffle=True,
                validation_data=validation,
                **options,
            )
    sequence = _batch_sequence_class()
    # Drawn from the global state that the caller seeded, like Keras's own
    # shuffling of arrays.
    seed = int(np.random.randint(2**31 - 1))  # noqa: NPY002
    train = sequence(data, train_rows, batch_size, shuffle_seed=seed)
    validation = None
    if validation_rows is not None:
        validation = sequence(data, validation_rows, batch_size)
    with quiet_keras_numpy_deprecation():
        return model.fit(train, validation_data=validation, **options)
