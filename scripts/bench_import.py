"""Benchmark the import of generator.formats, and its first use, against another revision.

    .venv/bin/python scripts/bench_import.py [--runs 11] [--against REV]

Times, in a fresh interpreter each run, (1) `import generator.formats` and (2) that import plus one call
of each word filter (ordinal, ordinal_word, number_word, plural): the word filters used to load inflect on
first use, so (2) is what a build paid (issue 24). With --against REV (e.g. a commit before a change) the same
two commands run on `git archive REV generator` in a scratch folder, the runs interleaved with this tree's so
a busy machine slows both alike; prints medians (min, max) and the ratio REV / this tree. Timings are measured
here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The formats lived in generator/render/filters.py before they moved below every layer: a revision of either
# shape can be compared.
_IMPORT = ("try:\n    import generator.formats as f\nexcept ImportError:\n    import generator.render.filters as f\n")
COMMANDS = {
    "import": _IMPORT,
    "import + first use": _IMPORT + "f.ordinal(2); f.ordinal_word(2); f.number_word(3); f.plural('week', 2)\n",
}


def _time(code: str, tree: Path) -> float:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # both trees get their .pyc
    env["PYTHONPATH"] = str(tree)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=tree, env=env, check=True)
    return time.perf_counter() - start


def _stats(values: list[float]) -> str:
    return f"median {statistics.median(values) * 1000:6.0f} ms  (min {min(values) * 1000:.0f}, max {max(values) * 1000:.0f})"


def _checkout(rev: str, folder: Path) -> Path:
    archive = subprocess.run(["git", "archive", rev, "generator"], cwd=ROOT, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--against", metavar="REV", help="a git revision to compare with (e.g. main)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        trees = {"this tree": ROOT}
        if args.against:
            trees[args.against] = _checkout(args.against, Path(scratch))
        for tree in trees.values():  # warm the disk cache and write the .pyc files, untimed
            _time(COMMANDS["import + first use"], tree)
        times = {(name, label): [] for name in COMMANDS for label in trees}
        for _ in range(args.runs):
            for name, code in COMMANDS.items():
                for label, tree in trees.items():
                    times[name, label].append(_time(code, tree))
    print(f"python -c ... ({args.runs} runs each, interleaved)")
    for name in COMMANDS:
        for label in trees:
            print(f"  {name:<19} {label:<12} {_stats(times[name, label])}")
        if args.against:
            ratio = statistics.median(times[name, args.against]) / statistics.median(times[name, "this tree"])
            print(f"  {name:<19} ratio {args.against} / this tree: {ratio:.2f}x")


if __name__ == "__main__":
    main()
