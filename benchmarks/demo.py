"""skseq demo: baselines and a recurrent network on Hands-On ML's series.

Trains on ``generate_time_series(10_000, 51, random_state=42)`` (7000 series
for training, 2000 for validation), prints one table of validation MSE and
R², and writes a forecast plot when matplotlib is installed.

Run: ``make demo`` (or ``python benchmarks/demo.py [--out DIR]``).
"""

import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _common import print_table  # noqa: E402

from skseq.datasets import generate_time_series  # noqa: E402
from skseq.forecasting import (  # noqa: E402
    GRUForecaster,
    LinearWindowRegressor,
    NaiveForecaster,
)


def models():
    """The models of the table: two baselines and a recurrent network."""
    yield "NaiveForecaster()", NaiveForecaster()
    yield "LinearWindowRegressor()", LinearWindowRegressor()
    yield "GRUForecaster(random_state=0)", GRUForecaster(random_state=0)


def write_plot(out_dir, X, y, predictions):
    """Three validation series, their next value and each model's forecast."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no plot (pip install 'skseq[plot]').")
        return None
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.5), sharey=True)
    steps = np.arange(X.shape[1])
    for ax, i in zip(axes, range(3)):
        ax.plot(steps, X[i, :, 0], ".-", color="0.4", label="observed")
        ax.plot(steps[-1] + 1, y[i], "o", color="black", label="truth")
        for marker, (name, pred) in zip("xs^", predictions.items()):
            ax.plot(steps[-1] + 1, pred[i], marker, label=name)
        ax.set_xlabel("step")
        ax.set_title(f"validation series {i}")
    axes[0].legend(loc="lower left", fontsize="small")
    path = os.path.join(out_dir, "demo_forecast.png")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out", help="folder for the plot")
    args = parser.parse_args(argv)
    series = generate_time_series(10_000, 51, random_state=42)
    X_train, y_train = series[:7000, :50], series[:7000, -1, 0]
    X_valid, y_valid = series[7000:9000, :50], series[7000:9000, -1, 0]
    rows, predictions = [], {}
    for name, model in models():
        start = time.perf_counter()
        model.fit(X_train, y_train)
        seconds = time.perf_counter() - start
        pred = model.predict(X_valid)
        predictions[name.split("(")[0]] = pred
        mse = float(np.mean((pred - y_valid) ** 2))
        rows.append(
            [
                name,
                f"{mse:.5f}",
                f"{model.score(X_valid, y_valid):.4f}",
                f"{seconds:.1f}",
            ]
        )
    print("Hands-On ML ch. 15 series, 1 step ahead, 2000 validation windows\n")
    print_table(["model", "MSE", "R²", "fit time (s)"], rows)
    os.makedirs(args.out, exist_ok=True)
    path = write_plot(args.out, X_valid, y_valid, predictions)
    if path:
        print(f"\nforecast plot written to {path}")


if __name__ == "__main__":
    main()
