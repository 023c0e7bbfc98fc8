"""Seconds a week of the whole-history run (metrics, words, fact-check, agreement audit; no charts or PDF),
against the same weeks with the pandas primitives it replaced, in one process, alternating.

The run (tests/test_history.py, `capweekly factcheck`) computes some 1,290 real weeks twice per suite, so its
cost a week is most of the suite's time. The baseline swaps back the three pandas idioms the fast path
replaced (issue 24): calendar weeks by `to_period("W-SUN")`, pairwise joins by
`pd.concat(join="inner").dropna()`, and value_at by `in` and `.loc` (change_since's own binary search is not
swapped back, so the ratio understates the gain). Both arms must give identical words.

    .venv/bin/python scripts/bench_history.py [--weeks 40] [--rounds 3] [--data-dir ../shared/data/market]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import generator.metrics.indicators as indicators  # noqa: E402
import generator.metrics.series as series  # noqa: E402
from generator.data import load_prices  # noqa: E402
from generator.history import _run, week_sessions  # noqa: E402
from generator.metrics.stance import stance_table  # noqa: E402
from generator.settings import load_settings  # noqa: E402


def _weekly_last(s):
    if s.empty:
        return s
    weeks = s.index.to_period("W-SUN")
    return s.loc[~pd.Series(weeks, index=s.index).duplicated(keep="last").to_numpy()]


def _inner_join(a, b):
    both = pd.concat([a, b], axis=1, join="inner").dropna()
    both.columns = range(2)
    return both


def _value_at(s, session):
    if session not in s.index:
        return None
    return series._clean(float(s.loc[session]))


@contextlib.contextmanager
def pandas_baseline():
    """The pandas idioms, patched into every module that imported the fast ones."""
    swaps = {"weekly_last": _weekly_last, "inner_join": _inner_join, "value_at": _value_at}
    saved = []
    for module in list(sys.modules.values()):
        name = getattr(module, "__name__", "") or ""
        if not name.startswith("generator."):
            continue
        for attr, slow in swaps.items():
            if hasattr(module, attr):
                saved.append((module, attr, getattr(module, attr)))
                setattr(module, attr, slow)
    try:
        yield
    finally:
        for module, attr, fast in saved:
            setattr(module, attr, fast)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--weeks", type=int, default=40)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--data-dir", default=str(ROOT.parent / "shared" / "data" / "market"))
    args = ap.parse_args()
    settings = load_settings(ROOT / "tests" / "fixtures" / "settings.yaml")
    market = load_prices(settings, "csv", args.data_dir)
    calls = stance_table(market, settings)
    sessions = week_sessions(market, settings, date(2001, 1, 1), None)
    step = max(1, len(sessions) // args.weeks)
    weeks = sessions[::step][:args.weeks]   # spread over every era
    _run(market, settings, weeks[:2], calls)        # warm
    fast, slow = [], []
    for round_ in range(args.rounds):
        # each arm on a fresh copy of the market (no index a previous arm already hashed), in alternating order
        for arm in (("fast", "slow") if round_ % 2 == 0 else ("slow", "fast")):
            fresh = load_prices(settings, "csv", args.data_dir)
            with pandas_baseline() if arm == "slow" else contextlib.nullcontext():
                start = time.perf_counter()
                words = [w.sentences for w in _run(fresh, settings, weeks, calls)]
                (slow if arm == "slow" else fast).append((time.perf_counter() - start) / len(weeks))
            if round_ == 0 and arm == "fast":
                reference = words
            assert words == reference, "the two arms wrote different words"
    f, s = statistics.median(fast), statistics.median(slow)
    print(f"{len(weeks)} weeks, {args.rounds} rounds: {f:.3f} s a week (pandas idioms {s:.3f} s), "
          f"ratio {f / s:.2f}; whole real history (~1,290 weeks) about {f * 1290:.0f} s on one core")


if __name__ == "__main__":
    main()
