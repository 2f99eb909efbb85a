"""Hands-On ML chapter 15 baselines, reproduced with skseq's estimators.

``generate_time_series(10_000, 60, random_state=42)``, split 7000 / 2000 /
1000 as in the book; MSE on the validation windows next to the book's numbers.

Run: ``python benchmarks/bench_baselines.py``
"""

from _common import print_table
from _handson import HEADERS, validation_mse

from skseq.forecasting import LinearWindowRegressor, NaiveForecaster

# (name, model, steps ahead, Hands-On ML's validation MSE)
CASES = [
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


def main():
    rows = []
    for name, model, horizon, book in CASES:
        mse, seconds = validation_mse(model, horizon)
        rows.append([name, horizon, f"{mse:.5f}", book, f"{seconds:.3f}"])
    print_table(HEADERS, rows)


if __name__ == "__main__":
    main()
