"""Benchmark breadth: the history computation alone, and what a 600-member universe adds to a cached build.

    .venv/bin/python scripts/bench_breadth.py [--runs 5] [--members 2000] [--years 10]
        [--data-dir ../shared/data/market] [--breadth-dir ../shared/data/breadth] [--as-of 2024-07-12]

1. `breadth_history` for a synthetic (sessions x members) matrix of closes (2,000 members x 10 years of
   sessions by default; some members list late, some stop early), pinned to one core; and `closes_matrix`,
   which builds that matrix from the members' own dates. Median of `--runs`.
2. `capweekly build --offline` from a yfinance price cache filled (through the same refresh and validation a
   download goes through) with the real market history of --data-dir, and a 600-member universe: every real
   member file in --breadth-dir (its partial_2024-03 folder included), topped up to 600 with synthetic members
   from the embedded sample's generator. The same cache is then built from with no universe. Whole-process
   medians of `--runs`, runs interleaved.
Timings are measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _ms(values: list[float]) -> str:
    return (f"median {statistics.median(values) * 1000:7.1f} ms  (min {min(values) * 1000:.1f}, "
            f"max {max(values) * 1000:.1f}, {len(values)} runs)")


def bench_history(members: int, years: int, runs: int) -> None:
    import numpy as np
    import pandas as pd

    from generator.data.model import MemberPrices
    from generator.metrics.breadth import breadth_history, closes_matrix

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    sessions = 252 * years
    index = pd.bdate_range("2015-01-02", periods=sessions)
    rng = np.random.default_rng(12)
    closes = 20 * np.exp(np.cumsum(rng.normal(0.0002, 0.025, (members, sessions)), axis=1))
    starts = np.where(rng.random(members) < 0.2, rng.integers(0, sessions - 300, members), 0)
    ends = np.where(rng.random(members) < 0.1, rng.integers(300, sessions, members), sessions)
    days = index.as_unit("ns").asi8
    group = MemberPrices.from_arrays({f"M{j:04d}": (days[starts[j]:ends[j]], closes[j, starts[j]:ends[j]])
                                      for j in range(members)})
    large = 100 * np.exp(np.cumsum(rng.normal(0.0003, 0.011, sessions)))
    matrix_times, history_times = [], []
    for _ in range(runs):
        t = time.perf_counter()
        x = closes_matrix(group, index)
        matrix_times.append(time.perf_counter() - t)
        t = time.perf_counter()
        breadth_history(x, index, group.tickers, large, 2021)
        history_times.append(time.perf_counter() - t)
    print(f"breadth history, {members} members x {sessions} sessions ({years} years), one core")
    print(f"  breadth_history          {_ms(history_times)}")
    print(f"  closes_matrix            {_ms(matrix_times)}")
    print(f"  both                     {_ms([a + b for a, b in zip(history_times, matrix_times)])}")


def fill_cache(data_dir: Path, breadth_dir: Path, folder: Path, size: int = 600) -> tuple[Path, Path, dict]:
    """Two settings files over one filled cache: with a `size`-member universe, and with none."""
    from datetime import timezone

    import yaml

    from generator.data import load_prices
    from generator.data.csv_folder import read_ticker_csv
    from generator.data.sample import generate_members, _factors
    from generator.data.yahoo import FetchResult, YFinanceSource
    from generator.settings import load_settings

    real = {p.stem: p for p in sorted(breadth_dir.glob("*.csv"))}
    real.update({p.stem: p for p in sorted((breadth_dir / "partial_2024-03").glob("*.csv")) if p.stem not in real})
    real.pop("universe_match", None)
    real = {t: p for t, p in real.items() if not t.startswith("universe-")}
    names = list(real)[:size]
    synthetic = [f"SYN{i:03d}" for i in range(size - len(names))]
    (folder / "universe.txt").write_text("# as of: 2021-03-10\n" + "\n".join(names + synthetic) + "\n")

    raw = yaml.safe_load((ROOT / "settings.yaml").read_text())
    raw["data"]["cache_dir"] = str(folder / "cache")
    raw["breadth"].update({"universe": str(folder / "universe.txt"), "data_dir": None})
    with_path = folder / "with.yaml"
    with_path.write_text(yaml.safe_dump(raw))
    raw["breadth"]["universe"] = []
    without_path = folder / "without.yaml"
    without_path.write_text(yaml.safe_dump(raw))

    settings = load_settings(with_path)
    market = load_prices(settings.model_copy(update={"breadth": settings.breadth.model_copy(
        update={"universe": []})}), "csv", data_dir)
    frames = {t: market[t].frame for t in market.histories}
    for t, path in real.items():
        if t in names:
            frames[t] = read_ticker_csv(path, t).frame
    index = market[settings.pair.large].frame.index
    if synthetic:
        made = generate_members(synthetic, index, _factors(index))
        for j, t in enumerate(synthetic):
            frames[t] = __import__("pandas").DataFrame({"close": made.closes[:, j]}, index=index).dropna()

    class FromCsv:  # the Fetcher interface, answered from the files
        sleep = staticmethod(lambda seconds: None)

        def fetch(self, tickers, start, end):
            return FetchResult(frames={t: frames[t].loc[str(start):] for t in tickers if t in frames})

    last = max(h.frame.index[-1] for h in market.histories.values()).to_pydatetime()
    source = YFinanceSource(settings, now=last.replace(hour=23, tzinfo=timezone.utc), fetcher=FromCsv())
    report = source.update(list(market.histories), members=names + synthetic)
    core_bad = [u for u in report if not u.member and u.status in ("failed", "rejected")]
    if core_bad:
        raise SystemExit(f"could not fill the cache: {core_bad}")
    members = [u for u in report if u.member]
    stats = {"universe": size, "real": len(names), "synthetic": len(synthetic),
             "cached": sum(1 for u in members if u.status not in ("failed", "rejected")),
             "rejected": [f"{u.ticker}: {u.note[:80]}" for u in members if u.status in ("failed", "rejected")]}
    return with_path, without_path, stats


def bench_build(data_dir: Path, breadth_dir: Path, as_of: str, runs: int) -> None:
    capweekly = str(Path(sys.executable).with_name("capweekly"))
    with tempfile.TemporaryDirectory() as scratch:
        with_path, without_path, stats = fill_cache(data_dir, breadth_dir, Path(scratch))
        walls: dict[str, list[float]] = {"with": [], "without": []}
        cpus: dict[str, list[float]] = {"with": [], "without": []}
        stages: dict[str, dict[str, list[float]]] = {"with": {}, "without": {}}
        for _ in range(runs):
            for name, path in (("without", without_path), ("with", with_path)):
                start, used = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
                result = subprocess.run([capweekly, "build", "--settings", str(path), "--source", "yfinance",
                                         "--offline", "--as-of", as_of, "--out", str(Path(scratch) / name),
                                         "--timings"], cwd=ROOT, capture_output=True, text=True)
                walls[name].append(time.perf_counter() - start)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpus[name].append(after.ru_utime + after.ru_stime - used.ru_utime - used.ru_stime)
                if result.returncode:
                    raise SystemExit(result.stderr)
                for line in result.stderr.splitlines():
                    if line.strip().endswith(" ms") and ":" in line:
                        stage, value = line.split(":")
                        stages[name].setdefault(stage.strip(), []).append(float(value.split()[0]) / 1000)
    print(f"cached offline build as of {as_of}: {stats['universe']}-member universe ({stats['real']} real member "
          f"files, {stats['synthetic']} synthetic; {stats['cached']} passed validation into the cache) "
          "vs no universe")
    for problem in stats["rejected"][:10]:
        print(f"  rejected at fill: {problem}")
    for name in ("without", "with"):
        print(f"  {name + ' breadth':<16} whole process {_ms(walls[name])}")
        print(f"  {'':<16} CPU (all processes) {_ms(cpus[name])}")
        for stage, values in stages[name].items():
            print(f"      stage {stage:<11} {_ms(values)}")
    extra = statistics.median(walls["with"]) - statistics.median(walls["without"])
    print(f"  breadth adds {extra * 1000:.0f} ms wall, "
          f"{(statistics.median(cpus['with']) - statistics.median(cpus['without'])) * 1000:.0f} ms CPU "
          "(median with - median without)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data" / "market")
    parser.add_argument("--breadth-dir", type=Path, default=ROOT.parent / "shared" / "data" / "breadth")
    parser.add_argument("--as-of", default="2024-07-12")
    parser.add_argument("--skip-build", action="store_true", help="Only the breadth history benchmark.")
    args = parser.parse_args()
    if not args.skip_build:
        if not (args.data_dir / "IWM.csv").is_file() or not args.breadth_dir.is_dir():
            raise SystemExit(f"need the market CSVs in {args.data_dir} and member CSVs in {args.breadth_dir}")
        bench_build(args.data_dir, args.breadth_dir, args.as_of, args.runs)  # first: the history pins one core
    bench_history(args.members, args.years, args.runs)


if __name__ == "__main__":
    main()
