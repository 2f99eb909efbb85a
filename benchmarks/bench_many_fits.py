"""Memory over many consecutive fits in one process (a grid search's life).

Fits a tiny ``GRUForecaster`` ``n_fits`` times in one process and prints the
resident set size every 25 fits; the goal is growth below 100 MB over 300.
By default later fits share the compiled steps of the first (skseq's
behaviour on JAX); ``--compile-every-fit`` turns sharing off, as before it
existed, so that each fit compiles its own.

Run: ``python benchmarks/bench_many_fits.py [n_fits] [--compile-every-fit]``
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from _common import print_table  # noqa: E402

from skseq._keras import _compiled  # noqa: E402
from skseq.datasets import generate_time_series  # noqa: E402
from skseq.forecasting import GRUForecaster  # noqa: E402


def current_rss_mb():
    """Resident set size now (not the peak), from /proc."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def main(n_fits=300, share=True):
    if not share:
        _compiled._CACHE.max_architectures = 0
    series = generate_time_series(64, 21, random_state=0)
    X, y = series[:, :20], series[:, -1, 0]
    rows, start, first = [], time.perf_counter(), None
    for fit in range(1, n_fits + 1):
        GRUForecaster(units=(4,), epochs=1, random_state=fit).fit(X, y).predict(X)
        if fit == 1:
            first = current_rss_mb()
        if fit == 1 or fit % 25 == 0:
            rss = current_rss_mb()
            rows.append(
                [
                    fit,
                    f"{rss:.0f}",
                    f"{rss - first:+.0f}",
                    f"{time.perf_counter() - start:.0f}",
                ]
            )
    print_table(["fits", "RSS (MB)", "growth since fit 1 (MB)", "elapsed (s)"], rows)


if __name__ == "__main__":
    arguments = [arg for arg in sys.argv[1:] if arg != "--compile-every-fit"]
    main(*(int(arg) for arg in arguments), share="--compile-every-fit" not in sys.argv)
