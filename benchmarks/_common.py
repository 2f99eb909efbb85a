"""Small helpers shared by the benchmark scripts."""

import json
import resource
import subprocess
import sys


def peak_rss_mb():
    """Peak resident set size of this process so far, in MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # ru_maxrss is in kilobytes on Linux and in bytes on macOS.
    return peak / 1e6 if sys.platform == "darwin" else peak / 1e3


def print_table(headers, rows):
    """Print rows as an aligned Markdown table."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |"
        for row in cells
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    print("\n".join(lines), flush=True)


def run_in_fresh_process(script, *args):
    """Run ``script`` with ``args`` in a new Python process; return its result.

    A fresh process has a peak RSS of its own.  The script must print its
    result as JSON on its last line of output.
    """
    out = subprocess.run(
        [sys.executable, script, *map(str, args)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])
