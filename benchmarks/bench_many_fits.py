"""Memory over many consecutive fits in one process (a grid search's life).

Fits a tiny ``GRUForecaster`` (one epoch on 64 windows, then a ``predict``)
``n_fits`` times in one process and prints the resident set size after fits
1, 25, 100, 200 and 300, in two modes:

* ``same``: the same architecture every fit (``units=(4,)``), only
  ``random_state`` changes: later fits can share the compiled steps of the
  first (skseq's behaviour on JAX).
* ``changing``: a different architecture every fit (``units=(1,)``,
  ``(2,)``, ... ``(n_fits,)``, as a grid search over ``units``): every fit
  compiles steps of its own.

Each mode runs in a fresh process.  The goal is growth below 100 MB over
300 fits in both modes.
``--compile-every-fit`` turns sharing off
(``skseq.set_config(share_compiled_steps=False)``), so that each fit
compiles its own steps.

Run: ``python benchmarks/bench_many_fits.py [n_fits] [--mode same|changing|both]
[--compile-every-fit]`` (300 fits and both modes by default; the changing mode
takes about 20 minutes on 2 busy CPU cores, the same mode under a minute).
"""

import argparse
import json
import os
import time

from _common import PLAIN_NETWORK, print_table, run_in_fresh_process

import skseq
from skseq.datasets import generate_time_series
from skseq.forecasting import GRUForecaster

CHECKPOINTS = (1, 25, 100, 200, 300)


def current_rss_mb():
    """Resident set size now (not the peak), from /proc."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def forecaster(mode, fit):
    """The ``fit``-th forecaster (counting from 1) of ``mode``."""
    units = fit if mode == "changing" else 4
    # The plain network: the cost of building and compiling is measured.
    return GRUForecaster(units=(units,), epochs=1, random_state=fit, **PLAIN_NETWORK)


def many_fits(mode, n_fits):
    """Table rows (RSS and time at the checkpoints) of ``n_fits`` fits."""
    series = generate_time_series(64, 21, random_state=0)
    X, y = series[:, :20], series[:, -1, 0]
    checkpoints = {fit for fit in CHECKPOINTS if fit <= n_fits} | {n_fits}
    rows, start, first = [], time.perf_counter(), None
    for fit in range(1, n_fits + 1):
        forecaster(mode, fit).fit(X, y).predict(X)
        if fit == 1:
            first = current_rss_mb()
        if fit in checkpoints:
            rss = current_rss_mb()
            elapsed = time.perf_counter() - start
            rows.append(
                [mode, fit, f"{rss:.0f}", f"{rss - first:+.0f}", f"{elapsed:.0f}"]
            )
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n_fits", nargs="?", type=int, default=300)
    parser.add_argument("--mode", choices=["same", "changing", "both"], default="both")
    parser.add_argument(
        "--compile-every-fit",
        action="store_true",
        help="do not share compiled steps between fits of one architecture",
    )
    parser.add_argument(
        "--in-this-process", action="store_true", help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    skseq.set_config(share_compiled_steps=not args.compile_every_fit)
    if args.in_this_process:
        print(json.dumps(many_fits(args.mode, args.n_fits)))
        return
    # Each mode in a fresh process, so that its memory is its own.
    extra = ["--compile-every-fit"] if args.compile_every_fit else []
    rows = []
    for mode in ["same", "changing"] if args.mode == "both" else [args.mode]:
        rows += run_in_fresh_process(
            __file__, args.n_fits, "--mode", mode, "--in-this-process", *extra
        )
        _, fits, _, growth, elapsed = rows[-1]
        print(f"{mode}: {growth} MB over {fits} fits ({elapsed} s)", flush=True)
    print(f"\nskseq.get_config(): {skseq.get_config()}")
    print_table(
        ["architecture", "fits", "RSS (MB)", "growth since fit 1 (MB)", "elapsed (s)"],
        rows,
    )


if __name__ == "__main__":
    main()
