"""Benchmark `capweekly build`: whole-process wall time and a per-stage breakdown.

    .venv/bin/python scripts/bench.py [--runs 7] [--source sample|csv|cache] [--data-dir DIR] [--as-of DATE]
    .venv/bin/python scripts/bench.py --source csv --data-dir ../shared/data/market --as-of 2024-07-12 --peer

`--peer` alternates each build with a peer on the same data: QuantStats' HTML tearsheet of the small-cap ETF
against the large-cap one (adjusted closes up to --as-of), as a whole process, and reports the ratio of the
medians (issue 24's speed bar: a full issue, HTML, PDF, email, charts and metrics, at 0.35x or less of
QuantStats' HTML alone). QuantStats is in the bench extra (`pip install -e .[bench]`).

`--source cache` is the Friday case, "from cached data": the real CSV history in
--data-dir is first written into a yfinance price cache (through the same refresh
code a download goes through), then each run is `capweekly build --offline`.
Reports medians over the runs (and the min/max), so one slow run does not
mislead. Timings are measured here, never asserted in tests.

Each whole process is also measured in CPU seconds (user + system, its forked printer and helper included, from
the kernel's accounting of finished children): on a machine shared with other work the wall-clock ratio moves with
the load, while the CPU figures say how much work each side did.

The package is byte-compiled first, as an installed one is (pip compiles what it installs, QuantStats
included): a checkout run with PYTHONDONTWRITEBYTECODE=1 would otherwise compile every module of ours again
on each run (about 0.3 s of a build on an idle machine) and measure that instead of the build.
"""

from __future__ import annotations

import argparse
import compileall
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(command: list[str], **kwargs) -> tuple[float, float, subprocess.CompletedProcess]:
    """(wall seconds, CPU seconds of the process and its waited-for descendants, result)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, **kwargs)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), result


def _stats(values: list[float]) -> str:
    return f"median {statistics.median(values) * 1000:7.0f} ms  (min {min(values) * 1000:.0f}, max {max(values) * 1000:.0f})"


def fill_cache(data_dir: str, folder: Path) -> Path:
    """A settings file whose yfinance cache holds the CSV history, as `data update` would leave it."""
    import yaml

    sys.path.insert(0, str(ROOT))
    from datetime import timezone

    from generator.data import load_prices
    from generator.data.yahoo import FetchResult, YFinanceSource
    from generator.settings import load_settings

    raw = yaml.safe_load((ROOT / "settings.yaml").read_text())
    raw["data"]["cache_dir"] = str(folder / "cache")
    raw["templates_dir"] = raw.get("templates_dir") and str(ROOT / raw["templates_dir"])
    path = folder / "settings.yaml"
    path.write_text(yaml.safe_dump(raw))
    settings = load_settings(path)
    market = load_prices(settings, "csv", data_dir)

    class FromCsv:  # the Fetcher interface, answered from the CSV files
        def fetch(self, tickers, start, end):
            return FetchResult(frames={t: market[t].frame for t in tickers if t in market.histories})

    last = max(h.frame.index[-1] for h in market.histories.values()).to_pydatetime()
    source = YFinanceSource(settings, now=last.replace(hour=23, tzinfo=timezone.utc), fetcher=FromCsv())
    bad = [u for u in source.update(list(market.histories)) if u.status in ("failed", "rejected")]
    if bad:
        raise SystemExit(f"could not fill the cache: {bad}")
    return path


# The peer: QuantStats' HTML tearsheet, IWM against SPY, from the same CSV folder and the same last day.
PEER = """
import sys, warnings
import pandas as pd
import quantstats as qs
warnings.simplefilter("ignore")
folder, as_of, small, large, out = sys.argv[1:6]
def returns(ticker):
    closes = pd.read_csv(f"{folder}/{ticker}.csv", index_col="Date", parse_dates=True)["Adj Close"]
    return closes.loc[:as_of].pct_change().dropna().rename(ticker)
qs.reports.html(returns(small), benchmark=returns(large), output=out, title=f"{small} against {large}")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--source", default="sample")
    parser.add_argument("--data-dir")
    parser.add_argument("--as-of")
    parser.add_argument("--peer", action="store_true", help="Alternate with QuantStats' HTML tearsheet (csv source).")
    args = parser.parse_args()
    if args.peer and not (args.source == "csv" and args.data_dir and args.as_of):
        raise SystemExit("--peer needs --source csv, --data-dir and --as-of (the peer reads the same CSV files)")
    scratch = tempfile.TemporaryDirectory()
    if args.source == "cache":
        if not args.data_dir:
            raise SystemExit("--source cache needs --data-dir (the CSV history to put in the cache)")
        settings_file = fill_cache(args.data_dir, Path(scratch.name))
        extra = ["--settings", str(settings_file), "--source", "yfinance", "--offline"]
    else:
        extra = ["--source", args.source]
        if args.data_dir:
            extra += ["--data-dir", args.data_dir]
    if args.as_of:
        extra += ["--as-of", args.as_of]
    capweekly = str(Path(sys.executable).with_name("capweekly"))
    compileall.compile_dir(ROOT / "generator", quiet=1)  # the bytecode an install would have (see above)

    walls: list[float] = []
    peers: list[float] = []
    cpus: list[float] = []
    peer_cpus: list[float] = []
    stages: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as out:
        for _ in range(args.runs):
            if args.peer:
                wall, cpu, _ = _run([sys.executable, "-c", PEER, args.data_dir, args.as_of, "IWM", "SPY",
                                     str(Path(out) / "quantstats.html")], cwd=ROOT, capture_output=True, check=True)
                peers.append(wall)
                peer_cpus.append(cpu)
            wall, cpu, result = _run([capweekly, "build", *extra, "--out", out, "--timings"],
                                     cwd=ROOT, capture_output=True, text=True, check=True)
            walls.append(wall)
            cpus.append(cpu)
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
    if peers:
        print(f"  QuantStats html   {_stats(peers)}")
        print(f"  ratio (medians)   {statistics.median(walls) / statistics.median(peers):.2f}x QuantStats' time")
    print(f"  build CPU         {_stats(cpus)}")
    if peers:
        print(f"  QuantStats CPU    {_stats(peer_cpus)}")
        print(f"  CPU ratio         {statistics.median(cpus) / statistics.median(peer_cpus):.2f}x QuantStats' CPU")
    print(f"  capweekly --help  {_stats(startup)}")
    print(f"  python + imports  {_stats(imports)}")
    for name, values in stages.items():
        print(f"  stage {name:<11} {_stats(values)}")


if __name__ == "__main__":
    main()
