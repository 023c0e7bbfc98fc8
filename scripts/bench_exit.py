"""How long a build's process takes to end once the command is done: the entry point (`generator.cli.run`, which
freezes the command's objects out of the cyclic collector) against plain `main()` (a full shutdown collection).

    .venv/bin/python scripts/bench_exit.py [--runs 5]

Each run builds the sample issue in a fresh process; the arms alternate. Reports the median whole-process wall
time and the median teardown (from the command's end, stamped on stderr, to the process's exit).
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
ARMS = {
    "run (freeze)": "from generator.cli import run as command",
    "main (plain)": "from generator.cli import main as command",
}
CODE = """
import sys, time
{arm}
try:
    command()
finally:
    sys.stderr.write(f"COMMAND-END {{time.time()}}\\n")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    wall: dict[str, list[float]] = {arm: [] for arm in ARMS}
    teardown: dict[str, list[float]] = {arm: [] for arm in ARMS}
    with tempfile.TemporaryDirectory() as scratch:
        for run in range(args.runs):
            for arm, line in ARMS.items():
                started = time.time()
                done = subprocess.run([sys.executable, "-c", CODE.format(arm=line), "build", "--source", "sample",
                                       "--out", f"{scratch}/{run}", "--settings", "tests/fixtures/settings.yaml"],
                                      cwd=ROOT, capture_output=True, text=True)
                ended = time.time()
                if done.returncode:
                    raise SystemExit(f"{arm}: exit {done.returncode}\n{done.stderr}")
                stamp = float(done.stderr.rsplit("COMMAND-END ", 1)[1].split()[0])
                wall[arm].append(ended - started)
                teardown[arm].append(ended - stamp)
    for arm in ARMS:
        print(f"{arm:>13}: wall median {statistics.median(wall[arm]):.2f} s, teardown median "
              f"{statistics.median(teardown[arm]) * 1000:.0f} ms (min {min(teardown[arm]) * 1000:.0f}, "
              f"max {max(teardown[arm]) * 1000:.0f})")
    first, second = ARMS
    print(f"wall ratio {first} / {second}: {statistics.median(wall[first]) / statistics.median(wall[second]):.2f}")


if __name__ == "__main__":
    main()
