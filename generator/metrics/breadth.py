"""Breadth of a small-cap universe, for every session at once.

The members' closes form one (sessions x members) matrix on the large-cap index's sessions (a member's gap
of up to five sessions inside its history is carried forward; before its first close and after its last it
has no data). Every measure below is computed for all sessions in a few array operations (no loop over
members or days in Python), and each comes with the number of members it was measured on, so a share is
never taken over members without data:

| measure          | a member counts when                            | measured on (each share's denominator)      |
|------------------|-------------------------------------------------|---------------------------------------------|
| below_reference  | its close is below its own closing high of the  | members with a close and 50+ closes in that |
|                  | reference year, once that year is over          | year                                        |
| above_200d       | its close is above its own 200-session average  | members with all of their last 200 closes   |
| new_highs / lows | its close is above its highest (below its       | members with a close and all 252 before it  |
|                  | lowest) close of the previous 252 sessions      |                                             |
| beat_large_13w   | its 65-session return beats the large-cap       | members with a close today and 65 sessions  |
|                  | index's total return over the same sessions     | ago                                         |

Closes are the data's total-return closes (adjusted close where it has one; the shared breadth files hold
only split- and dividend-adjusted closes), so a "high" is a high in total-return terms. The matrix is float32
(half the memory traffic of float64); the one comparison float32 could get wrong, a close sitting on its
200-day average (a price pinned by a pending takeover), is settled again in float64.

Rolling maxima, minima and sums use the van Herk/Gil-Werman scheme: running values inside blocks of the
window's length, forward and backward, so a window is one element-wise combine of two of them. A missing
close (NaN) spreads through its block, which is exactly "the window is not complete".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from generator.data.model import MemberPrices
from generator.metrics.periods import last_on_or_before, weeks_target

WINDOW_52W = 252
SMA_LONG = 200
WEEKS_13 = 65
MIN_YEAR_CLOSES = 50
FILL_LIMIT = 5
CHART_YEARS = 5  # the breadth chart's span (generator/charts/breadth.py)


@dataclass(frozen=True)
class BreadthHistory:
    """Every breadth count for every session (arrays aligned with `index`)."""

    index: pd.DatetimeIndex
    tickers: tuple[str, ...]
    reference_year: int
    with_data: np.ndarray        # members with a close that session
    below_reference: np.ndarray  # count below their reference-year high (0 until the year is over)
    reference_known: np.ndarray  # members measured for it (0 until the year is over)
    above_200d: np.ndarray
    known_200d: np.ndarray
    at_high: np.ndarray          # (sessions x members) bool: a new 52-week closing high that session
    at_low: np.ndarray
    known_52w: np.ndarray
    beat_large_13w: np.ndarray
    known_13w: np.ndarray

    def share(self, count: str, known: str) -> pd.Series:
        """A count as a share of the members measured for it; NaN where none were."""
        k = getattr(self, known).astype(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            return pd.Series(np.where(k > 0, getattr(self, count) / k, np.nan), index=self.index)

    def row(self, session: pd.Timestamp) -> int | None:
        """The row of the last session on or before `session` (within a week), or None."""
        at = last_on_or_before(self.index, session.date())
        if at is None or at < session - timedelta(days=7):
            return None
        return int(self.index.get_loc(at))

    def share_at(self, count: str, known: str, row: int | None) -> float | None:
        if row is None:
            return None
        k = int(getattr(self, known)[row])
        return float(getattr(self, count)[row]) / k if k else None


def _count(mask: np.ndarray) -> np.ndarray:
    """True cells per row (a byte sum: numpy's count_nonzero along an axis goes through int64)."""
    if not mask.size:
        return np.zeros(len(mask), dtype=np.int64)
    return np.add.reduce(mask.view(np.uint8), axis=1, dtype=np.int32).astype(np.int64)


def _scan(x: np.ndarray, w: int, op, reverse: bool, out: np.ndarray) -> np.ndarray:
    """Running `op` down the rows inside consecutive blocks of `w` rows (upward when `reverse`): one whole-row
    operation per row of a block, over every block at once (numpy's accumulate along axis 0 goes element by
    element)."""
    n, m = x.shape
    full = n - n % w
    parts = []
    if full:
        parts.append((x[:full].reshape(full // w, w, m), out[:full].reshape(full // w, w, m)))
    if full < n:
        parts.append((x[full:][None], out[full:][None]))
    for block, run in parts:
        k = block.shape[1]
        order = range(k - 1, -1, -1) if reverse else range(k)
        prev = order[0]
        run[:, prev] = block[:, prev]
        for i in order[1:]:
            op(run[:, prev], block[:, i], out=run[:, i])
            prev = i
    return out


def _rolling(x: np.ndarray, w: int, op, buffers: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """`op` over the `w` rows ending at each row from row w-1 on (len(x) - w + 1 rows), NaN when any is NaN;
    the result is a view of the second buffer."""
    n = len(x)
    forward, backward = _scan(x, w, op, False, buffers[0]), _scan(x, w, op, True, buffers[1])
    out = op(backward[:n - w + 1], forward[w - 1:], out=backward[:n - w + 1])
    if op is np.add:  # a window that is exactly one block: the combine above counted it twice
        out[0::w] = forward[w - 1::w]
    return out


def reference_highs(members: MemberPrices, year: int) -> np.ndarray:
    """Each member's highest close of `year`, NaN when it has fewer than MIN_YEAR_CLOSES closes that year."""
    rows = members.closes[members.index.year == year]
    if not len(rows):
        return np.full(len(members.tickers), np.nan)
    enough = np.count_nonzero(~np.isnan(rows), axis=0) >= MIN_YEAR_CLOSES
    top = np.max(np.where(np.isnan(rows), -np.inf, rows), axis=0)
    return np.where(enough, top, np.nan)


# A float32 running sum of k positive closes is within (k - 1) x 2**-24 of exact, relative to the sum
# (Higham, "Accuracy and Stability of Numerical Algorithms", 4.2); with k <= 200 and the final add and
# scaling, 1.3e-5 bounds the error of `w x close - sum`. A close nearer its average than that is settled
# again in float64.
_SUM_TOLERANCE = 1.3e-5


def _above_average(x: np.ndarray, sums: np.ndarray, w: int, scratch: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Per row from row w-1: members whose close is above the mean of their last `w` closes (`sums`, float32,
    NaN when a close is missing; overwritten). Closes within _SUM_TOLERANCE of their average are settled in
    float64 from the closes themselves."""
    rows = len(sums)
    diff = scratch[:rows]
    np.multiply(x[w - 1:], np.float32(w), out=diff)
    np.subtract(diff, sums, out=diff)                          # w x (close - average), NaN when unmeasured
    margin = np.multiply(sums, np.float32(_SUM_TOLERANCE), out=sums)
    flags = mask[:rows]
    with np.errstate(invalid="ignore"):
        np.greater(diff, margin, out=flags)                    # above beyond any rounding doubt
        counts = _count(flags)
        np.less_equal(np.abs(diff, out=diff), margin, out=flags)   # too close to call in float32
    doubtful = np.flatnonzero(_count(flags))
    if len(doubtful):
        r, c = np.nonzero(flags[doubtful])
        r = doubtful[r]
        window = x[r[:, None] + np.arange(w), c[:, None]].astype(np.float64)
        exact = x[r + w - 1, c].astype(np.float64) * w > window.sum(axis=1)
        np.add.at(counts, r, exact.astype(np.int64))
    return counts


def breadth_history(closes: np.ndarray, index: pd.DatetimeIndex, tickers, large_total_return: np.ndarray,
                    reference_year: int, reference_high: np.ndarray | None = None) -> BreadthHistory:
    """All breadth counts from a (sessions x members) matrix of closes (NaN where a member has none).

    `reference_high` (per member) is computed from `closes` when not given; pass it when the matrix starts
    after the reference year. Large temporaries are two float32 scratch matrices and one boolean, reused:
    a fresh 20 MB array costs as much as an arithmetic pass over it (the pages are faulted in)."""
    x = np.ascontiguousarray(closes, dtype=np.float32)
    n, m = x.shape
    nan = np.isnan(x)
    mask = np.empty_like(nan)
    zeros = lambda: np.zeros(n, dtype=np.int64)  # noqa: E731

    def measured(missing_rows: np.ndarray, out: np.ndarray, rows: slice) -> None:
        """Members with everything a measure needs: m minus those missing something."""
        out[rows] = m - _count(missing_rows)

    with_data = m - _count(nan)

    # below the reference-year closing high, from the first session after that year
    if reference_high is None:
        year_rows = x[index.searchsorted(pd.Timestamp(reference_year, 1, 1)):
                      index.searchsorted(pd.Timestamp(reference_year + 1, 1, 1))]
        enough = np.count_nonzero(~np.isnan(year_rows), axis=0) >= MIN_YEAR_CLOSES
        top = np.max(np.where(np.isnan(year_rows), -np.inf, year_rows), axis=0, initial=-np.inf)
        reference_high = np.where(enough, top, np.nan)
    ref_high = np.asarray(reference_high, dtype=np.float32)
    after = int(index.searchsorted(pd.Timestamp(reference_year + 1, 1, 1)))
    below, ref_known = zeros(), zeros()
    if after < n:
        with np.errstate(invalid="ignore"):
            np.less(x[after:], ref_high, out=mask[after:])
        below[after:] = _count(mask[after:])
        np.logical_or(nan[after:], np.isnan(ref_high), out=mask[after:])
        measured(mask[after:], ref_known, slice(after, None))

    at_high = np.zeros(x.shape, bool)
    at_low = np.zeros(x.shape, bool)
    known_52, above, known_200 = zeros(), zeros(), zeros()
    scratch = (np.empty_like(x), np.empty_like(x))
    if n > WINDOW_52W:
        # new 52-week closing highs and lows against the previous 252 sessions (all present)
        k = n - WINDOW_52W
        prior = _rolling(x, WINDOW_52W, np.maximum, scratch)[:k]   # row j: rows j .. j+251, before row j+252
        with np.errstate(invalid="ignore"):
            np.greater(x[WINDOW_52W:], prior, out=at_high[WINDOW_52W:])
        np.isnan(prior, out=mask[:k])
        np.logical_or(mask[:k], nan[WINDOW_52W:], out=mask[:k])
        measured(mask[:k], known_52, slice(WINDOW_52W, None))
        prior = _rolling(x, WINDOW_52W, np.minimum, scratch)[:k]
        with np.errstate(invalid="ignore"):
            np.less(x[WINDOW_52W:], prior, out=at_low[WINDOW_52W:])
    if n >= SMA_LONG:
        # above the 200-session average (all 200 closes present: a NaN sum says one is missing)
        sums = _rolling(x, SMA_LONG, np.add, scratch)
        k = len(sums)
        np.isnan(sums, out=mask[:k])
        measured(mask[:k], known_200, slice(SMA_LONG - 1, None))
        above[SMA_LONG - 1:] = _above_average(x, sums, SMA_LONG, scratch[0], mask)

    # beat the large-cap index's total return over 13 weeks (65 sessions)
    beat, known_13 = zeros(), zeros()
    if n > WEEKS_13:
        k = n - WEEKS_13
        large = np.asarray(large_total_return, dtype=np.float64)
        large_growth = (large[WEEKS_13:] / large[:-WEEKS_13]).astype(np.float32)
        bar = scratch[0][:k]
        np.multiply(x[:k], large_growth[:, None], out=bar)      # where the member had to get to
        with np.errstate(invalid="ignore"):
            np.greater(x[WEEKS_13:], bar, out=mask[:k])
        beat[WEEKS_13:] = _count(mask[:k])
        np.isnan(bar, out=mask[:k])                              # a NaN start (or large-cap growth) is unmeasured
        np.logical_or(mask[:k], nan[WEEKS_13:], out=mask[:k])
        measured(mask[:k], known_13, slice(WEEKS_13, None))

    return BreadthHistory(
        index=index, tickers=tuple(tickers), reference_year=reference_year,
        with_data=with_data, below_reference=below, reference_known=ref_known,
        above_200d=above, known_200d=known_200, at_high=at_high, at_low=at_low, known_52w=known_52,
        beat_large_13w=beat, known_13w=known_13)


def closes_matrix(members: MemberPrices, index: pd.DatetimeIndex) -> np.ndarray:
    """(sessions x members) float32 closes on `index`: rows placed by one lookup, gaps of up to FILL_LIMIT
    sessions inside a member's history carried forward, NaN before its first close and after its last."""
    pos = members.index.get_indexer(index)
    ok = pos >= 0
    out = np.full((len(index), len(members.tickers)), np.nan, dtype=np.float32)
    out[ok] = members.closes[pos[ok]]
    if not out.size:
        return out
    valid = ~np.isnan(out)
    has = valid.any(axis=0)
    first = valid.argmax(axis=0)
    last = len(index) - 1 - valid[::-1].argmax(axis=0)
    holes = len(index) - np.add.reduce(valid.view(np.uint8), axis=0, dtype=np.int32) - first - (len(index) - 1 - last)
    for j in np.nonzero(has & (holes > 0))[0]:  # the few members with a gap inside their history
        column = out[first[j]:last[j] + 1, j]
        rows = np.arange(len(column))
        seen = np.maximum.accumulate(np.where(np.isnan(column), -1, rows))
        fill = np.isnan(column) & (rows - seen <= FILL_LIMIT)
        column[fill] = column[seen[fill]]
    return out


def history_start(index: pd.DatetimeIndex, session: pd.Timestamp, weeks: int, years: int = 0) -> int:
    """The first row a breadth history needs to read `weeks` of weekly figures (or `years` of chart) back from
    `session`: that span and the 52-week lookback before it. Every measure at a row reads at most 252 rows
    back, so a longer matrix gives the same figures."""
    days = max(years * 366, (weeks + 1) * 7)
    return max(0, int(index.searchsorted(session - pd.Timedelta(days=days))) - WINDOW_52W - FILL_LIMIT)


def member_history(members: MemberPrices | None, large_total_return: pd.Series, reference_year: int,
                   min_members: int, weeks: int = 30, years: int = 0) -> BreadthHistory | None:
    """The breadth history of the members on the large-cap index's sessions, for the last `weeks` weeks (the
    issue's figures and its stance history) or `years` years (the chart), to the index's last session. None
    when fewer than `min_members` members have data."""
    if members is None or len(members.tickers) < min_members or large_total_return.empty:
        return None
    index = large_total_return.index
    start = history_start(index, index[-1], weeks, years)
    window = index[start:]
    return breadth_history(closes_matrix(members, window), window, members.tickers,
                           large_total_return.to_numpy()[start:], reference_year,
                           reference_highs(members, reference_year))


@dataclass(frozen=True)
class Breadth:
    """The week's breadth figures (metrics.json `breadth`). Shares are of the members measured for each."""

    members: int                          # members in the universe
    with_data: int                        # members with a close at the session
    missing: int                          # members the data does not have at all
    rejected: int                         # members whose data failed validation (skipped)
    below_reference_high: int | None      # None until the reference year is over
    reference_measured: int
    share_below: float | None
    share_below_4w_ago: float | None
    share_below_change_4w: float | None   # share_below - share_below_4w_ago
    above_200d: int
    measured_200d: int
    share_above_200d: float | None
    share_above_200d_4w_ago: float | None
    share_above_200d_change_4w: float | None
    new_highs: int                        # members with a new 52-week closing high on any session of the week
    new_lows: int
    net_new_highs: int
    measured_52w: int
    beat_large_13w: int
    measured_13w: int
    share_beat_large_13w: float | None


def breadth_at(h: BreadthHistory | None, members: MemberPrices | None, universe_size: int,
               session: pd.Timestamp, week_start: date, min_members: int) -> Breadth | None:
    """The week's figures, or None when fewer than `min_members` members have a close at the session."""
    if h is None or members is None:
        return None
    row = h.row(session)
    if row is None or h.with_data[row] < min_members:
        return None
    base = last_on_or_before(h.index, weeks_target(session.date(), 4))
    before = int(h.index.get_loc(base)) if base is not None else None
    week = slice(int(h.index.searchsorted(pd.Timestamp(week_start))), row + 1)
    highs, lows = int(h.at_high[week].any(axis=0).sum()), int(h.at_low[week].any(axis=0).sum())
    over = session.year > h.reference_year
    below_now = h.share_at("below_reference", "reference_known", row)
    below_then = h.share_at("below_reference", "reference_known", before)
    above_now = h.share_at("above_200d", "known_200d", row)
    above_then = h.share_at("above_200d", "known_200d", before)
    change = lambda now, then: now - then if now is not None and then is not None else None  # noqa: E731
    return Breadth(
        members=universe_size, with_data=int(h.with_data[row]), missing=len(members.missing),
        rejected=len(members.rejected),
        below_reference_high=int(h.below_reference[row]) if over and h.reference_known[row] else None,
        reference_measured=int(h.reference_known[row]),
        share_below=below_now, share_below_4w_ago=below_then, share_below_change_4w=change(below_now, below_then),
        above_200d=int(h.above_200d[row]), measured_200d=int(h.known_200d[row]),
        share_above_200d=above_now, share_above_200d_4w_ago=above_then,
        share_above_200d_change_4w=change(above_now, above_then),
        new_highs=highs, new_lows=lows, net_new_highs=highs - lows, measured_52w=int(h.known_52w[row]),
        beat_large_13w=int(h.beat_large_13w[row]), measured_13w=int(h.known_13w[row]),
        share_beat_large_13w=h.share_at("beat_large_13w", "known_13w", row),
    )


def breadth_change_4w(h: BreadthHistory | None, session: pd.Timestamp, min_members: int) -> float | None:
    """The stance's breadth reading: the 4-week change in the share above the 200-day average."""
    if h is None:
        return None
    row = h.row(session)
    base = last_on_or_before(h.index, weeks_target(session.date(), 4))
    if row is None or base is None or h.with_data[row] < min_members:
        return None
    now = h.share_at("above_200d", "known_200d", row)
    then = h.share_at("above_200d", "known_200d", int(h.index.get_loc(base)))
    return now - then if now is not None and then is not None else None
