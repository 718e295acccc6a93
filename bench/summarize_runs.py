#!/usr/bin/env python3
"""Summarise fe-train metrics JSON files as the Markdown rows of RESULTS.md.

Usage: summarize_runs.py DIR

Reads DIR/<dataset>-<row>-seed<N>.json (written by fe-train --metrics_json)
and prints, per dataset and row, the mean and standard deviation over seeds
of T1, U, S and H in percent, the mean wall time and the largest peak RSS.
"""

import glob
import json
import os
import re
import statistics
import sys


def main(directory):
    runs = {}
    for path in sorted(glob.glob(os.path.join(directory, "*.json"))):
        match = re.fullmatch(r"(.+?)-(.+)-seed(\d+)\.json", os.path.basename(path))
        if not match:
            continue
        with open(path) as f:
            metrics = json.load(f)
        runs.setdefault((match.group(1), match.group(2)), []).append(metrics)

    print("| dataset | row | seeds | T1 | U | S | H | epochs | wall time (s) | peak RSS (MiB) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for (dataset, row), values in sorted(runs.items()):
        cells = []
        for key in ("t1", "u", "s", "h"):
            numbers = [100 * v[key] for v in values]
            spread = statistics.stdev(numbers) if len(numbers) > 1 else 0.0
            cells.append(f"{statistics.mean(numbers):.1f} ± {spread:.1f}")
        seconds = statistics.mean(v["seconds"] for v in values)
        rss = max(v["peak_rss_mib"] for v in values)
        epochs = values[0]["epochs"]
        print(f"| {dataset} | {row} | {len(values)} | " + " | ".join(cells) +
              f" | {epochs} | {seconds:.0f} | {rss:.0f} |")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: summarize_runs.py DIR")
    main(sys.argv[1])
