"""Benchmark `capweekly build`: whole-process wall time and a per-stage breakdown.

    .venv/bin/python scripts/bench.py [--runs 7] [--source sample|csv] [--data-dir DIR] [--as-of DATE]

Reports medians over the runs (and the min/max), so one slow run does not
mislead. Timings are measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _stats(values: list[float]) -> str:
    return f"median {statistics.median(values) * 1000:7.0f} ms  (min {min(values) * 1000:.0f}, max {max(values) * 1000:.0f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--source", default="sample")
    parser.add_argument("--data-dir")
    parser.add_argument("--as-of")
    args = parser.parse_args()
    extra = ["--source", args.source]
    if args.data_dir:
        extra += ["--data-dir", args.data_dir]
    if args.as_of:
        extra += ["--as-of", args.as_of]
    capweekly = str(Path(sys.executable).with_name("capweekly"))

    walls: list[float] = []
    stages: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as out:
        for _ in range(args.runs):
            start = time.perf_counter()
            result = subprocess.run([capweekly, "build", *extra, "--out", out, "--timings"],
                                    cwd=ROOT, capture_output=True, text=True, check=True)
            walls.append(time.perf_counter() - start)
            for line in result.stderr.splitlines():
                if line.strip().endswith(" ms") and ":" in line:
                    name, value = line.split(":")
                    stages.setdefault(name.strip(), []).append(float(value.split()[0]) / 1000)

    imports = []
    for _ in range(args.runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import generator.pipeline"], cwd=ROOT, check=True)
        imports.append(time.perf_counter() - start)
    startup = []
    for _ in range(args.runs):
        start = time.perf_counter()
        subprocess.run([capweekly, "--help"], cwd=ROOT, check=True, capture_output=True)
        startup.append(time.perf_counter() - start)

    print(f"capweekly build {' '.join(extra)}  ({args.runs} runs)")
    print(f"  whole process     {_stats(walls)}")
    print(f"  capweekly --help  {_stats(startup)}")
    print(f"  python + imports  {_stats(imports)}")
    for name, values in stages.items():
        print(f"  stage {name:<11} {_stats(values)}")


if __name__ == "__main__":
    main()
