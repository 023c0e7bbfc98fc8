"""The ratio's history since its peak: failed relative breakouts, and the 2020-21 analogue.

A breakout episode is a run of closes above the 200-session average. Runs
shorter than MIN_SESSIONS are noise and ignored; runs separated by fewer
than MERGE_GAP sessions below the average are one episode (a brief dip is
not a new breakout). An episode that ends (the ratio closes back below)
within `limit_weeks` of its start has *failed*; one that lasted longer is
*sustained*; one still running at the session is *current*.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from generator.metrics.series import inner_join

MIN_SESSIONS = 3
MERGE_GAP = 5


@dataclass(frozen=True)
class Breakout:
    start: date
    end: date | None       # first close back below the average; None while it lasts
    weeks: float
    peak_excess: float     # highest ratio / average - 1 during the episode
    gain: float            # highest ratio during the episode / ratio at its start - 1
    # closes below the average inside the episode: runs are merged across dips shorter than MERGE_GAP
    # sessions, so "above since <start>" is true only when this is 0
    dips: int = 0


@dataclass(frozen=True)
class BreakoutHistory:
    since: date
    limit_weeks: int
    failed: tuple[Breakout, ...]
    sustained: tuple[Breakout, ...]
    current: Breakout | None
    # The ratio was above its average at the peak and has not closed below it since: there has been no
    # move above the average *since* the peak, only the one the peak belongs to.
    above_since_peak: bool = False


@dataclass(frozen=True)
class Analogue:
    low_date: date
    low: float
    high_date: date
    high: float
    run: float            # high / low - 1
    weeks: float


def _runs(above: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) positions of runs of True, merged across short gaps, short runs dropped."""
    runs: list[list[int]] = []
    i, n = 0, len(above)
    while i < n:
        if above[i]:
            j = i
            while j + 1 < n and above[j + 1]:
                j += 1
            if runs and i - runs[-1][1] - 1 < MERGE_GAP:
                runs[-1][1] = j
            else:
                runs.append([i, j])
            i = j + 1
        else:
            i += 1
    return [(a, b) for a, b in runs if b - a + 1 >= MIN_SESSIONS]


def breakout_history(ratio: pd.Series, average: pd.Series, since: pd.Timestamp, session: pd.Timestamp,
                     limit_weeks: int) -> BreakoutHistory:
    window = inner_join(ratio, average).loc[since:session]
    r, a = window.iloc[:, 0].to_numpy(), window.iloc[:, 1].to_numpy()
    dates = window.index
    failed, sustained, current, above_since_peak = [], [], None, False
    for first, last in _runs(r > a):
        ended = last + 1 < len(dates)
        if first == 0:
            # the run the peak itself belongs to began before the peak: not a breakout since the peak
            above_since_peak = not ended
            continue
        end = dates[last + 1] if ended else None
        span_end = end if end is not None else dates[last]
        weeks = (span_end - dates[first]).days / 7
        episode = Breakout(dates[first].date(), end.date() if end is not None else None, weeks,
                           float(np.max(r[first:last + 1] / a[first:last + 1]) - 1),
                           float(np.max(r[first:last + 1]) / r[first] - 1),
                           int(np.sum(r[first:last + 1] <= a[first:last + 1])))
        if not ended:
            current = episode
        elif weeks <= limit_weeks:
            failed.append(episode)
        else:
            sustained.append(episode)
    return BreakoutHistory(since.date(), limit_weeks, tuple(failed), tuple(sustained), current, above_since_peak)


def analogue_run(ratio: pd.Series, start: date, end: date, session: pd.Timestamp) -> Analogue | None:
    """The largest low-to-later-high rise of the ratio inside [start, end], once that window is over."""
    if session < pd.Timestamp(end):
        return None
    window = ratio.loc[pd.Timestamp(start):pd.Timestamp(end)]
    if len(window) < 20:
        return None
    values = window.to_numpy()
    running_low = np.minimum.accumulate(values)
    gains = values / running_low - 1
    hi = int(np.argmax(gains))
    lo = int(np.argmax(values[: hi + 1] == running_low[hi]))
    return Analogue(window.index[lo].date(), float(values[lo]), window.index[hi].date(), float(values[hi]),
                    float(gains[hi]), (window.index[hi] - window.index[lo]).days / 7)
