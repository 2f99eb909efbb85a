"""The Hands-On ML chapter 15 task shared by the forecasting benchmarks.

``generate_time_series(10_000, 50 + horizon, random_state=42)``: 50 steps in,
``horizon`` steps out, the first 7000 series train and the next 2000 validate,
as in the book.
"""

import numpy as np
from _common import timed

from skseq.datasets import generate_time_series

N_STEPS = 50
HEADERS = ["model", "steps ahead", "validation MSE", "Hands-On ML", "fit time (s)"]


def hands_on_split(horizon, random_state=42):
    """Train and validation windows for ``horizon`` steps ahead."""
    series = generate_time_series(10_000, N_STEPS + horizon, random_state)
    X, Y = series[:, :N_STEPS], series[:, N_STEPS:, 0]
    Y = Y[:, 0] if horizon == 1 else Y
    return (X[:7000], Y[:7000]), (X[7000:9000], Y[7000:9000])


def validation_mse(model, horizon):
    """Fit ``model`` on the training windows; its validation MSE and fit seconds."""
    (X_train, y_train), (X_valid, y_valid) = hands_on_split(horizon)
    _, seconds = timed(model.fit, X_train, y_train)
    mse = float(np.mean((model.predict(X_valid) - y_valid) ** 2))
    return mse, seconds
