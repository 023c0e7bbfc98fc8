"""The embedded sample market: deterministic, clearly synthetic, no files or network.

How it is made (so a reader of the demo knows what they are looking at):

* Sessions: weekdays from 2000-01-03 to SAMPLE_END, less an approximation of
  the NYSE holidays (pandas' holiday rules; Good Friday included).
* A market factor whose daily volatility follows a GARCH(1,1)-like recursion,
  so calm and stressed spells cluster; its drift follows broad regimes (bear
  markets in 2000-02, 2008, early 2020 and 2022, bull markets between).
* A size factor (small minus large) with its own regimes: small caps lead into
  2011, then lag for years, with a sharp relative run from late 2020 into
  early 2021 and short-lived relative rallies that fade. This puts the
  small/large ratio's all-time high in 2011, as on real total-return data.
* Each equity ticker = beta x market + size loading x size factor + its own
  noise; dividends make `close` drift below `adj_close`. Yields, volatility and
  FX are mean-reverting paths steered by the same regimes; ^RVX is the VIX times a drifting
  small-cap premium. Volume swells with the market's volatility.

Nothing here is market data; every output built from it says so.
"""

from __future__ import annotations

import zlib
from datetime import date
from typing import Sequence

import numpy as np
import pandas as pd

from generator.data.model import MarketData, MemberPrices, TickerHistory
from generator.errors import DataError

SAMPLE_START = date(2000, 1, 3)
SAMPLE_END = date(2025, 10, 31)
SEED = 20240712

# (start of regime, annualised market drift, annualised size drift, volatility multiplier)
_REGIMES = [
    ("2000-01-01", -0.12, 0.06, 1.3),
    ("2003-03-15", 0.16, 0.05, 0.8),
    ("2007-10-10", -0.10, -0.02, 1.2),
    ("2008-09-01", -0.45, 0.00, 2.4),
    ("2009-03-10", 0.30, 0.10, 1.4),
    ("2010-01-01", 0.12, 0.05, 0.9),
    ("2011-04-06", 0.10, -0.06, 1.0),
    ("2014-03-01", 0.12, -0.04, 0.8),
    ("2016-02-12", 0.15, 0.02, 0.8),
    ("2018-09-01", 0.06, -0.09, 1.1),
    ("2020-02-20", -1.30, -0.60, 3.2),
    ("2020-03-24", 0.55, 0.05, 1.6),
    ("2020-09-01", 0.25, 0.45, 1.1),
    ("2021-03-15", 0.12, -0.18, 0.9),
    ("2022-01-03", -0.22, -0.04, 1.3),
    ("2022-10-13", 0.20, -0.10, 1.0),
    ("2023-10-27", 0.25, 0.02, 0.9),
    ("2024-04-01", 0.15, -0.10, 0.8),
    ("2024-07-08", 0.10, 0.45, 1.1),
    ("2024-08-01", 0.12, -0.12, 1.0),
    ("2025-04-01", 0.18, -0.02, 1.2),
    ("2025-07-01", 0.14, 0.08, 0.8),
]

# Policy-rate-like anchors for the short yield (percent); the 10-year follows with a term premium.
_SHORT_RATE = [("2000-01-01", 5.5), ("2001-01-01", 6.0), ("2002-01-01", 1.7), ("2004-06-01", 1.0),
               ("2006-07-01", 5.0), ("2007-09-01", 4.8), ("2008-12-15", 0.1), ("2015-12-15", 0.2),
               ("2019-01-01", 2.4), ("2019-12-01", 1.6), ("2020-03-20", 0.05), ("2022-03-01", 0.3),
               ("2023-07-01", 5.3), ("2024-09-01", 5.1), ("2024-12-31", 4.3), ("2025-10-31", 3.9)]
_LONG_RATE = [("2000-01-01", 6.4), ("2003-06-01", 3.3), ("2006-07-01", 5.1), ("2008-12-15", 2.2),
              ("2010-04-01", 3.9), ("2012-07-01", 1.5), ("2013-12-31", 3.0), ("2016-07-01", 1.4),
              ("2018-10-01", 3.2), ("2020-03-09", 0.55), ("2021-03-31", 1.7), ("2022-10-21", 4.3),
              ("2023-10-19", 5.0), ("2023-12-27", 3.8), ("2024-04-25", 4.7), ("2024-09-16", 3.6),
              ("2025-01-14", 4.8), ("2025-10-31", 4.0)]
_FX = [("2000-01-01", 102.0), ("2007-06-01", 123.0), ("2011-10-31", 76.0), ("2015-06-01", 125.0),
       ("2020-12-31", 103.0), ("2022-10-21", 151.0), ("2023-01-16", 128.0), ("2024-07-10", 161.5),
       ("2024-09-16", 140.5), ("2025-01-10", 158.0), ("2025-10-31", 152.0)]

# ticker: (market beta, size loading, tech loading, own annual vol, dividend yield, start price)
_EQUITIES = {
    "SPY": (1.00, 0.00, 0.00, 0.010, 0.017, 145.0),
    "^GSPC": (1.00, 0.00, 0.00, 0.010, 0.0, 1455.0),
    "IWM": (1.12, 1.00, -0.05, 0.030, 0.013, 48.0),
    "^RUT": (1.12, 1.00, -0.05, 0.030, 0.0, 496.0),
    "IJR": (1.05, 0.85, -0.05, 0.030, 0.014, 21.0),
    "RSP": (1.00, 0.35, -0.25, 0.020, 0.017, 40.0),
    "QQQ": (1.18, -0.15, 0.90, 0.040, 0.006, 98.0),
    "XLK": (1.20, -0.20, 1.00, 0.050, 0.008, 30.0),
    "XLI": (1.05, 0.35, -0.10, 0.060, 0.018, 28.0),
    "XLY": (1.10, 0.30, 0.10, 0.070, 0.013, 27.0),
    "XLV": (0.75, 0.10, -0.20, 0.070, 0.016, 29.0),
    "XLF": (1.15, 0.30, -0.30, 0.080, 0.020, 23.0),
    "XLE": (0.90, 0.25, -0.40, 0.160, 0.030, 26.0),
    "HYG": (0.30, 0.10, 0.00, 0.030, 0.055, 100.0),
    "IEF": (0.00, 0.00, 0.00, 0.030, 0.025, 80.0),
    "TLT": (0.00, 0.00, 0.00, 0.060, 0.030, 85.0),
    "LQD": (0.10, 0.00, 0.00, 0.040, 0.040, 95.0),
}
_BOND_DURATION = {"IEF": 7.5, "TLT": 17.0, "LQD": 8.5, "HYG": 3.5}
LEVELS = ("^TNX", "^IRX", "^VIX", "JPY=X", "^RVX")
TICKERS = tuple(_EQUITIES) + LEVELS


def sample_sessions(start: date = SAMPLE_START, end: date = SAMPLE_END) -> pd.DatetimeIndex:
    from pandas.tseries.holiday import (AbstractHolidayCalendar, GoodFriday, Holiday, USLaborDay,
                                        USMartinLutherKingJr, USMemorialDay, USPresidentsDay,
                                        USThanksgivingDay, nearest_workday)

    class _ApproxNyse(AbstractHolidayCalendar):
        rules = [
            Holiday("New Year", month=1, day=1, observance=nearest_workday),
            USMartinLutherKingJr, USPresidentsDay, GoodFriday, USMemorialDay,
            Holiday("Juneteenth", month=6, day=19, start_date="2022-01-01", observance=nearest_workday),
            Holiday("Independence Day", month=7, day=4, observance=nearest_workday),
            USLaborDay, USThanksgivingDay,
            Holiday("Christmas", month=12, day=25, observance=nearest_workday),
        ]

    days = pd.bdate_range(start, end)
    return days.difference(_ApproxNyse().holidays(start, end))


def _rng(name: str) -> np.random.Generator:
    # One stream per ticker: adding a ticker never changes the others' paths.
    return np.random.default_rng([SEED, zlib.crc32(name.encode())])


def _piecewise(index: pd.DatetimeIndex, anchors: list[tuple[str, float]]) -> np.ndarray:
    # Compare in one unit: pandas 3 indexes may be in microseconds, Timestamp.value is ns.
    x = pd.DatetimeIndex([pd.Timestamp(d) for d, _ in anchors]).as_unit("ns").asi8.astype("float64")
    y = np.array([v for _, v in anchors])
    return np.interp(index.as_unit("ns").asi8.astype("float64"), x, y)


def _regime_arrays(index: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    starts = pd.DatetimeIndex([pd.Timestamp(s) for s, *_ in _REGIMES])
    pos = np.clip(starts.searchsorted(index, side="right") - 1, 0, len(_REGIMES) - 1)
    table = np.array([r[1:] for r in _REGIMES])
    return table[pos, 0] / 252, table[pos, 1] / 252, table[pos, 2]


def _factors(index: pd.DatetimeIndex) -> dict[str, np.ndarray]:
    n = len(index)
    mkt_drift, size_drift, vol_mult = _regime_arrays(index)
    rng = _rng("factors")
    shocks = rng.standard_normal((3, n))
    # GARCH(1,1)-style clustering around a regime-dependent base volatility.
    base = 0.0095 * vol_mult
    var = np.empty(n)
    ret = np.empty(n)
    var[0] = base[0] ** 2
    for t in range(n):
        if t:
            var[t] = 0.06 * base[t] ** 2 + 0.10 * ret[t - 1] ** 2 + 0.84 * var[t - 1]
        ret[t] = np.sqrt(var[t]) * shocks[0, t]
    market = mkt_drift - 0.025 / 252 + ret  # regimes list price-like drifts; this trims them to total-return scale
    size = size_drift + 0.0045 * np.sqrt(vol_mult) * shocks[1]
    tech = 0.0002 + 0.006 * shocks[2]
    return {"market": market, "size": size, "tech": tech, "vol": np.sqrt(var)}


def _ou_path(rng: np.random.Generator, target: np.ndarray, speed: float, noise: float) -> np.ndarray:
    out = np.empty_like(target)
    out[0] = target[0]
    shocks = rng.standard_normal(len(target)) * noise
    for t in range(1, len(target)):
        out[t] = out[t - 1] + speed * (target[t] - out[t - 1]) + shocks[t]
    return out


def _ohlc(rng: np.random.Generator, close: np.ndarray, daily_vol: np.ndarray) -> dict[str, np.ndarray]:
    gap = rng.standard_normal(len(close)) * daily_vol * 0.35
    open_ = np.concatenate([[close[0]], close[:-1]]) * np.exp(gap)
    span = np.abs(rng.standard_normal(len(close))) * daily_vol * 0.6
    high = np.maximum(open_, close) * np.exp(span)
    low = np.minimum(open_, close) * np.exp(-np.abs(rng.standard_normal(len(close))) * daily_vol * 0.6)
    return {"open": open_, "high": high, "low": low}


def generate_members(tickers: Sequence[str], index: pd.DatetimeIndex, f: dict[str, np.ndarray]) -> MemberPrices:
    """Synthetic small caps for the breadth universe, as one matrix: each is beta x market + size loading x size
    factor + its own drift and noise (no dividends), from its own seeded stream (adding a member never changes
    the others). About a fifth list later than the sample's start, at a date of their own (staggered IPOs)."""
    n, m = len(index), len(tickers)
    daily = np.empty((m, n))  # a member per row while building: contiguous rows and a fast cumsum
    price, start = np.empty(m), np.zeros(m, dtype=np.int64)
    for j, ticker in enumerate(tickers):
        rng = _rng("universe/" + ticker)
        beta, size = rng.uniform(0.9, 1.4), rng.uniform(0.8, 1.4)
        vol, drift, price[j] = rng.uniform(0.25, 0.50), rng.normal(0.0, 0.04), rng.uniform(8, 60)
        if rng.random() < 0.2:
            start[j] = rng.integers(260, n - 600)
        row = daily[j]
        rng.standard_normal(n, out=row)
        row *= vol / np.sqrt(252)
        row += beta * f["market"] + size * f["size"] + drift / 252
        row -= 0.5 * row.var()
    np.cumsum(daily, axis=1, out=daily)
    np.exp(daily, out=daily)
    daily *= price[:, None]
    for j in np.flatnonzero(start).tolist():
        daily[j, :start[j]] = np.nan
    return MemberPrices(tuple(tickers), index.rename("date"), np.ascontiguousarray(daily.T, dtype=np.float32), (), (),
                        "Embedded synthetic sample (not market data)")


def generate_sample_market(end: date = SAMPLE_END, members: Sequence[str] = ()) -> tuple[dict[str, pd.DataFrame],
                                                                                      MemberPrices | None]:
    """Every sample ticker as a frame with yfinance-like columns (see module doc), and the breadth members'
    closes as one matrix (None without members)."""
    index = sample_sessions(SAMPLE_START, end)
    f = _factors(index)
    long_rate = _ou_path(_rng("^TNX"), _piecewise(index, _LONG_RATE), 0.02, 0.055)
    short_rate = np.maximum(_ou_path(_rng("^IRX"), _piecewise(index, _SHORT_RATE), 0.05, 0.02), -0.05)
    d_long = np.diff(long_rate, prepend=long_rate[0]) / 100
    frames: dict[str, pd.DataFrame] = {}
    for ticker, (beta, size, tech, own_vol, div, start) in _EQUITIES.items():
        rng = _rng(ticker)
        own = rng.standard_normal(len(index)) * own_vol / np.sqrt(252)
        if ticker in ("^RUT", "^GSPC"):
            own = rng.standard_normal(len(index)) * 0.0005
        daily = beta * f["market"] + size * f["size"] + tech * f["tech"] + own
        if ticker in _BOND_DURATION:
            daily = daily + 0.035 / 252 - _BOND_DURATION[ticker] * d_long
        adj = start * np.exp(np.cumsum(daily - 0.5 * daily.var()))
        # The quoted price leaves dividends out, so it grows more slowly than the
        # total-return series; as in yfinance, both agree on the last session.
        close = adj * np.exp(div * (len(index) - 1 - np.arange(len(index))) / 252)
        cols = {**_ohlc(rng, close, f["vol"] * max(beta, 0.3)), "close": close}
        if not ticker.startswith("^"):
            cols["adj_close"] = adj
        # Volume swells with the market's volatility (heavy trading in sell-offs), around a lognormal day-to-day
        cols["volume"] = np.round(rng.lognormal(16.5 if ticker in ("SPY", "QQQ") else 15.0, 0.3, len(index))
                                  * (f["vol"] / f["vol"].mean()) ** 0.8)
        frames[ticker] = pd.DataFrame(cols, index=index)

    vix = 100 * np.sqrt(252) * f["vol"] * 1.15 + _ou_path(_rng("^VIX"), np.zeros(len(index)), 0.1, 0.6)
    fx = np.exp(_ou_path(_rng("JPY=X"), np.log(_piecewise(index, _FX)), 0.015, 0.0045))
    # ^RVX: small-cap volatility, usually 15-40% above the VIX; the premium drifts (cheap or dear small-cap
    # protection for weeks at a time) and widens with the size factor's own volatility.
    premium = 1.25 + _ou_path(_rng("^RVX"), np.zeros(len(index)), 0.03, 0.012)
    rvx = np.maximum(vix, 9.0) * np.clip(premium, 0.95, 1.7) + 1.5
    for ticker, level in (("^TNX", long_rate), ("^IRX", short_rate), ("^VIX", np.maximum(vix, 9.0)), ("JPY=X", fx),
                          ("^RVX", rvx)):
        rng = _rng(ticker + "/ohlc")
        spread = np.abs(rng.standard_normal(len(index))) * 0.004 * np.abs(level)
        frames[ticker] = pd.DataFrame({"open": level, "high": level + spread, "low": level - spread,
                                       "close": level}, index=index)
    for frame in frames.values():
        frame.index.name = "date"
    return frames, generate_members(list(dict.fromkeys(members)), index, f) if members else None


class SampleSource:
    """The embedded sample; the breadth universe's members are synthesised too, whatever their names."""

    name = "sample"

    def load(self, required: Sequence[str], optional: Sequence[str], levels: Sequence[str],
             members: Sequence[str] = ()) -> MarketData:
        unknown = [t for t in required if t not in TICKERS]
        if unknown:
            raise DataError(f"the sample data has no ticker {unknown[0]}",
                            f"sample tickers: {', '.join(TICKERS)}; use --source csv for others")
        frames, group = generate_sample_market(members=members)
        wanted = list(dict.fromkeys([*required, *optional]))
        histories = {t: TickerHistory(t, frames[t], "sample") for t in wanted if t in frames}
        missing = tuple(t for t in wanted if t not in frames)
        return MarketData("sample", "Embedded synthetic sample (not market data)", histories, None, missing,
                          members=group)
