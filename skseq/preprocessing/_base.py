"""What every window transformer shares: validation, tags and the chain step.

A window transformer never computes transformed windows itself.  ``fit``
learns a few numbers; ``transform`` returns the same lazy windows with one
more `WindowOperation` on their chain, and the operation does the work a
batch at a time wherever the windows are consumed.
"""

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from .._param_validation import fit_context
from .._validation import validate_windows

__all__ = ["WindowTransformer", "safe_scale"]


class WindowTransformer(TransformerMixin, BaseEstimator):
    """Base class: subclasses implement ``_fit`` and ``_make_operation``.

    ``_fit(windows)`` checks the parameters against the training windows and
    stores fitted attributes; ``_make_operation(windows)`` returns the fitted
    `WindowOperation` for the windows being transformed.
    """

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags

    @fit_context
    def fit(self, X, y=None):
        """Check the windows and learn what the transformation needs.

        Parameters
        ----------
        X : SequenceWindows or array-like with 2 or 3 dimensions
            Training windows of shape ``(n_windows, window_length,
            n_features)``; a 2-D array means one feature per step.
        y : None
            Ignored; targets are mapped by the estimator that ends the
            pipeline.

        Returns
        -------
        self : object
            The fitted transformer.
        """
        windows = validate_windows(self, X, reset=True)
        self._fit(windows)
        return self

    def transform(self, X):
        """Append this transformation to the windows' chain.

        Nothing is computed here: the windows stay lazy and are transformed a
        batch at a time when they are read.

        Parameters
        ----------
        X : SequenceWindows or array-like with 2 or 3 dimensions
            Windows with the layout seen in ``fit``.

        Returns
        -------
        X_transformed : SequenceWindows
            The same windows with one more operation on their chain.
        """
        windows = validate_windows(self, X, reset=False)
        return windows.with_operation(self._make_operation(windows))

    def _fit(self, windows):
        raise NotImplementedError

    def _make_operation(self, windows):
        raise NotImplementedError


def safe_scale(variance, mean, n_samples):
    """Standard deviations with those of constant features replaced by 1.

    The variance of a constant feature is rounding noise rather than zero;
    dividing by its square root would blow that noise up.  The bound is the
    one scikit-learn's StandardScaler uses.
    """
    eps = np.finfo(np.float64).eps
    upper_bound = n_samples * eps * variance + (n_samples * mean * eps) ** 2
    return np.where(variance <= upper_bound, 1.0, np.sqrt(variance))
