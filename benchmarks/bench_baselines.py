"""Hands-On ML chapter 15 baselines, reproduced with skseq's estimators.

``generate_time_series(10_000, 60, random_state=42)``, split 7000 / 2000 /
1000 as in the book; MSE on the validation windows next to the book's numbers.

Run: ``python benchmarks/bench_baselines.py``
"""

import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _common import print_table  # noqa: E402

from skseq.datasets import generate_time_series  # noqa: E402
from skseq.forecasting import LinearWindowRegressor, NaiveForecaster  # noqa: E402

N_STEPS = 50


def hands_on_split(horizon, random_state=42):
    """Train and validation windows for ``horizon`` steps ahead."""
    series = generate_time_series(10_000, N_STEPS + horizon, random_state)
    X, Y = series[:, :N_STEPS], series[:, N_STEPS:, 0]
    Y = Y[:, 0] if horizon == 1 else Y
    return (X[:7000], Y[:7000]), (X[7000:9000], Y[7000:9000])


def evaluate(model, horizon):
    (X_train, y_train), (X_valid, y_valid) = hands_on_split(horizon)
    start = time.perf_counter()
    model.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    mse = float(np.mean((model.predict(X_valid) - y_valid) ** 2))
    return mse, seconds


def main():
    rows = []
    cases = [
        ("naive (last value)", NaiveForecaster(), 1, "0.020"),
        (
            "linear, closed form",
            LinearWindowRegressor(),
            1,
            "0.004 (Flatten+Dense, Adam, 20 epochs)",
        ),
        ("naive (last value)", NaiveForecaster(), 10, "-"),
        ("linear, multi-output", LinearWindowRegressor(), 10, "-"),
    ]
    for name, model, horizon, seed in cases:
        mse, seconds = evaluate(model, horizon)
        rows.append([name, horizon, f"{mse:.5f}", seed, f"{seconds:.3f}"])
    print_table(
        ["model", "steps ahead", "validation MSE", "Hands-On ML", "fit time (s)"], rows
    )


if __name__ == "__main__":
    main()
