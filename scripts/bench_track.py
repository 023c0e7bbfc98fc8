"""Benchmark the stance's track record (generator/metrics/track.py): the full computation cold and cached, the
record as known at one week, and what it adds to a build.

    .venv/bin/python scripts/bench_track.py [--runs 5] [--data-dir ../shared/data/market]
        [--breadth-dir ../shared/data/breadth] [--as-of 2024-07-12]

1. `stance.compute_table` over all history (every week's readings, raw and published call), with and without
   the breadth universe's members; `stance_table` read back from the disk cache.
2. `record_at` for one week (the cost every week of a `capweekly factcheck` history run pays), over 50 weeks
   spread across the history, and that cost times the history's weeks.
3. What a build adds: `compute_metrics` with the record against the same call with the record switched off,
   and drawing the track-record chart (SVG and PNG).
Each figure is the median of `--runs` (CPU seconds of this process beside wall seconds: the machine is
shared, and CPU time is what the code costs). Timings are measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _timed(fn, runs: int) -> tuple[float, float]:
    walls, cpus = [], []
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus)


def _line(name: str, figures: tuple[float, float], scale: float = 1000, unit: str = "ms") -> None:
    wall, cpu = figures
    print(f"  {name:58} wall {wall * scale:8.1f} {unit}   cpu {cpu * scale:8.1f} {unit}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--data-dir", default=str(ROOT.parent / "shared" / "data" / "market"))
    parser.add_argument("--breadth-dir", default=str(ROOT.parent / "shared" / "data" / "breadth"))
    parser.add_argument("--as-of", default="2024-07-12")
    args = parser.parse_args()

    import pandas as pd
    import yaml

    from generator.charts.style import ChartOutput
    from generator.charts.track import draw_track_record
    from generator.data import load_prices
    from generator.history import week_sessions
    import generator.metrics as metrics_module
    from generator.metrics import compute_metrics, stance, track
    from generator.pipeline import cut_at, pick_session
    from generator.settings import load_settings

    folder = Path(tempfile.mkdtemp(prefix="bench_track-"))

    def settings_with(**breadth):
        raw = yaml.safe_load((ROOT / "settings.yaml").read_text(encoding="utf-8"))
        raw["breadth"].update(breadth)
        raw["data"]["cache_dir"] = str(folder / "cache")
        path = folder / f"settings-{len(breadth)}.yaml"
        path.write_text(yaml.safe_dump(raw), encoding="utf-8")
        return load_settings(path)

    plain = settings_with()
    with_members = settings_with(data_dir=args.breadth_dir) if Path(args.breadth_dir).is_dir() else None
    market = load_prices(plain, "csv", args.data_dir)
    print(f"data: {args.data_dir}, {len(stance.compute_table(market, plain).ends)} weeks; runs: {args.runs}")

    print("1. the full record")
    _line("compute_table, no breadth members", _timed(lambda: stance.compute_table(market, plain), args.runs))
    if with_members is not None:
        full = load_prices(with_members, "csv", args.data_dir)
        print(f"   breadth members with data: {len(full.members.tickers) if full.members else 0}")
        _line("compute_table, with breadth members", _timed(lambda: stance.compute_table(full, with_members),
                                                            args.runs))
    else:
        full, with_members = market, plain
    table = stance.stance_table(full, with_members)                   # writes the disk cache
    _line("stance_table from the disk cache", _timed(lambda: stance.stance_table(full, with_members), args.runs))
    fresh = lambda: type(full)(full.source, full.description, full.histories, full.retrieved_at,  # noqa: E731
                               full.missing, full.notes, full.expected_session, full.members).fingerprint()
    _line("the data hash of the full market (once per process)", _timed(fresh, args.runs))

    print("2. the record as known at one week")
    weeks = week_sessions(full, with_members, pd.Timestamp("2001-06-01").date(), None)
    sample = weeks[:: max(1, len(weeks) // 50)]
    sessions = metrics_module.pair_ratio(full, with_members.pair.small, with_members.pair.large).index
    per_week = _timed(lambda: [track.record_at(table, track.pair_prices(full, with_members, sessions), w)
                               for w in sample], args.runs)
    per_week = (per_week[0] / len(sample), per_week[1] / len(sample))
    _line(f"record_at, one week (mean over {len(sample)} weeks)", per_week)
    _line(f"   x {len(weeks)} weeks of a history run", (per_week[0] * len(weeks), per_week[1] * len(weeks)),
          scale=1, unit="s ")

    print("3. what a build adds")
    session = pick_session(full, with_members, pd.Timestamp(args.as_of).date())
    cut = cut_at(full, session)
    original = metrics_module.record_at
    table = stance.stance_table(full, with_members) if stance.stance_table(full, with_members).covers(session) \
        else stance.stance_table(cut, with_members)
    compute_metrics(cut, with_members, session, table)                # warm: imports
    on, off = [], []
    for _ in range(args.runs):                                        # interleaved, so load hits both alike
        on.append(_timed(lambda: compute_metrics(cut, with_members, session, table), 1))
        metrics_module.record_at = lambda *a, **k: None
        try:
            off.append(_timed(lambda: compute_metrics(cut, with_members, session, table), 1))
        finally:
            metrics_module.record_at = original
    median = lambda pairs: (statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs))  # noqa
    with_track, without = median(on), median(off)
    _line("compute_metrics with the record", with_track)
    _line("compute_metrics without it", without)
    _line("   added", (with_track[0] - without[0], with_track[1] - without[1]))
    m = compute_metrics(cut, with_members, session, table)
    names = (with_members.pair.small_name, with_members.pair.large_name)
    _line("track-record chart (SVG + PNG)", _timed(lambda: draw_track_record(m, names, ChartOutput(folder / "charts")),
                                                   args.runs))


if __name__ == "__main__":
    main()
