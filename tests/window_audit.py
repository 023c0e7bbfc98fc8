"""An independent recomputation of the column's windowed superlatives (issue 26, part 4: "every superlative verified
against the data"), from the raw CSVs with its own pandas code, on the window each sentence names as a reader reads
it. It shares no code with generator/: it reads the printed sentences, not metrics.json.

A claim disagrees when the printed "since <Month Year>" (or "in our data", or "larger than in N% of weeks") is not
what the data give on the window the words name:

* vix       the VIX's jump: "weekly" is Friday's close over last Friday's (week-end to week-end); "such jump" and "a
            rise to the week's peak" are the week's highest close over last Friday's, ranked against the same
            statistic; "one-day" is a session's close over the one before; an unnamed "a move larger than in N% of
            weeks" is read as weekly;
* four_week a "four-week" move: a close against the last close on or before the same weekday four weeks before, every
            session's window searched for the "since" (a Friday-only search hides August 2007);
* two_day   a "two-day" move over two sessions to the day named, every earlier pair of sessions searched, this
            week's before it included (the Friday-Monday pair of 2015-08-24);
* session   an index's one-day move: the figure printed is the move of the subject whose history gives the rarity
            ("for the S&P 500 index": the index's move, not SPY's);
* yield     the 10-year's weekly change in bp, week-end to week-end;
* edge      a "since" within a year of the series' first observation, told without saying where the data start;
* drawdown  "correction" for an index in a bear market from its peak: its lowest close since its highest close in the
            data 20% or more below it, and no close since 20% above that low (a bear market ends with a 20% rise).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
_MONTH = "(" + "|".join(MONTHS) + r") (\d{4})"
FAMILIES = ("vix", "four_week", "two_day", "session", "yield", "edge", "drawdown")


@dataclass(frozen=True)
class Miss:
    session: date
    family: str
    text: str
    expected: str


class Data:
    """The CSVs the audit reads, each column once."""

    def __init__(self, market_dir: Path):
        self.dir = Path(market_dir)
        self._cache: dict[tuple[str, str], pd.Series] = {}

    def __call__(self, ticker: str, column: str = "Adj Close") -> pd.Series:
        key = (ticker, column)
        if key not in self._cache:
            f = pd.read_csv(self.dir / f"{ticker}.csv", parse_dates=["Date"], index_col="Date")
            self._cache[key] = f[column].dropna().astype("float64")
        return self._cache[key]


def _month(text: str, after: str | None = None) -> tuple[int, int] | None:
    """The superlative's "since <Month Year>" (not a share's "of weeks since <start>"); with `after` (a pattern), the
    first one that follows it in the sentence (a VIX line tells its level's "since" and its jump's)."""
    found = list(re.finditer(r"(?<!of weeks )(?<!of days )since " + _MONTH, text))
    if after is not None:
        marks = [m.end() for m in re.finditer(after, text)]
        found = [m for m in found if any(k <= m.start() for k in marks)] or found
    m = found[0] if found else None
    return (int(m.group(2)), MONTHS.index(m.group(1)) + 1) if m else None


def _since(history: pd.Series, value: float) -> tuple[int, int] | None:
    """(year, month) of the last observation in `history` at least as extreme as `value` its way; None: none is."""
    hits = history[history >= value - 1e-9] if value > 0 else history[history <= value + 1e-9]
    return (hits.index[-1].year, hits.index[-1].month) if len(hits) else None


def _week(series: pd.Series, session: date) -> tuple[pd.Series, pd.Series]:
    """(closes before this week, closes this week to the session)."""
    day = pd.Timestamp(session)
    start = day - pd.Timedelta(days=day.weekday())
    return series.loc[:start - pd.Timedelta(days=1)], series.loc[start:day]


def _week_ends(series: pd.Series) -> pd.Series:
    return series.groupby(series.index.to_period("W-SUN")).tail(1)


def _agree(text: str, since: tuple[int, int] | None, after: str | None = None) -> bool:
    """The printed rarity matches the recomputed "since" (None: a record, "in our data")."""
    printed = _month(text, after)
    if since is None:
        return "in our data" in text
    return printed == since


def _share(text: str) -> int | None:
    m = re.search(r"larger than in (\d+)% of weeks", text)
    return int(m.group(1)) if m else (100 if "larger than in almost every week" in text else None)


# Where a VIX line's jump is named: its rarity is the "since" after it (the level's comes first in some lines).
JUMP = r"jump|climb|\d+% (?:above|from)"


def _vix(d: Data, session: date, text: str) -> str | None:
    vix = d("^VIX", "Close")
    before, week = _week(vix, session)
    if week.empty or before.empty:
        return None
    prev = float(before.iloc[-1])
    ends = _week_ends(vix.loc[:pd.Timestamp(session)])
    weekly = ends.pct_change().dropna()
    highs = vix.loc[:pd.Timestamp(session)].groupby(vix.loc[:pd.Timestamp(session)].index.to_period("W-SUN")).max()
    peaks = pd.Series(highs.to_numpy()[1:] / ends.to_numpy()[:-1] - 1, index=ends.index[1:])
    daily = vix.loc[:pd.Timestamp(session)].pct_change().dropna()
    if "one-day" in text or "single-day" in text or "in one session" in text:
        at = re.search(r"(Monday|Tuesday|Wednesday|Thursday|Friday)", text)
        day_moves = daily.loc[week.index[0]:]
        if at:
            day_moves = day_moves[[d.strftime("%A") == at.group(1) for d in day_moves.index]]
        if day_moves.empty:
            return None
        value = float(day_moves.max())
        history = daily.loc[:day_moves.idxmax()].iloc[:-1]
        ok = _agree(text, _since(history, value), JUMP)
        return None if ok else f"one-day {value:+.1%}, since {_since(history, value)}"
    if re.search(r"such jump|week's peak|from a Friday close", text):
        value, history = float(peaks.iloc[-1]), peaks.iloc[:-1]
        label = "peak-within-week"
    else:
        # "weekly", "over the week", or an unnamed "a move larger than in N% of weeks": Friday to Friday
        value, history = float(weekly.iloc[-1]), weekly.iloc[:-1]
        label = "weekly"
        printed = re.search(r"(\d+)% (?:above|from|to)|jumped (\d+)%|climbed (\d+)%", text)
        if printed is not None:
            shown = int(next(g for g in printed.groups() if g))
            if abs(shown - round(value * 100)) > 1:
                return f"weekly change {value:+.1%}, printed {shown}% (a peak within the week told as the week's)"
    share = _share(text)
    if share is not None:
        got = float(np.mean(history.abs().to_numpy() < abs(value)))
        ok = abs(round(got * 100) - share) <= 1 or (share == 100 and got >= 0.995)
        return None if ok else f"{label} {value:+.1%} beats {got:.1%} of weeks, printed {share}%"
    if _month(text) is None and "in our data" not in text:
        return None
    since = _since(history, value)
    return None if _agree(text, since, JUMP) else f"{label} {value:+.1%}, since {since}"


SUBJECTS = (("S&P 500 index", "^GSPC", "Close"), ("Russell 2000 index", "^RUT", "Close"),
            ("for the S&P 500", "^GSPC", "Close"), ("for the Russell 2000", "^RUT", "Close"),
            ("The S&P 500's", "^GSPC", "Close"), ("The Russell 2000's", "^RUT", "Close"),
            ("SPY", "SPY", "Adj Close"), ("IWM", "IWM", "Adj Close"), ("Large caps", "SPY", "Adj Close"),
            ("Small caps", "IWM", "Adj Close"), ("large caps", "SPY", "Adj Close"),
            ("small caps", "IWM", "Adj Close"))


def _subject(text: str) -> tuple[str, str] | None:
    """The series a move's rarity names: the long-history index when the words name it ("for the S&P 500 index")."""
    for name, ticker, column in SUBJECTS:
        if name in text:
            return ticker, column
    return None


def four_week_changes(series: pd.Series) -> pd.Series:
    base = series.reindex(series.index - pd.Timedelta(days=28), method="ffill")
    base.index = series.index
    base = base[series.index - pd.Timedelta(days=28) >= series.index[0]]
    return (series.loc[base.index] / base - 1).dropna()


def _four_week(d: Data, session: date, text: str) -> str | None:
    if "10-year" in text:
        tnx = d("^TNX", "Close").loc[:pd.Timestamp(session)]
        base = tnx.reindex(tnx.index - pd.Timedelta(days=28), method="ffill")
        base.index = tnx.index
        changes = (tnx - base).dropna() / 100
    else:
        found = _subject(text)
        if found is None:
            return None
        changes = four_week_changes(d(*found).loc[:pd.Timestamp(session)])
    if changes.empty or changes.index[-1] < pd.Timestamp(session) - pd.Timedelta(days=6):
        return None
    value = float(changes.iloc[-1])
    since = _since(changes.iloc[:-1], value)
    return None if _agree(text, since) else f"four weeks {value:+.2%}, since {since} (every session's window)"


def _two_day(d: Data, session: date, text: str) -> str | None:
    found = _subject(text)
    m = re.search(r"two sessions to (?:Monday|Tuesday|Wednesday|Thursday|Friday), ([A-Z][a-z]{2}) (\d+)", text)
    if found is None or m is None:
        return None
    prices = d(*found).loc[:pd.Timestamp(session)]
    end = pd.Timestamp(f"{m.group(1)} {m.group(2)} {session.year}")
    if end > pd.Timestamp(session):
        end = end - pd.DateOffset(years=1)
    two = (prices / prices.shift(2) - 1).dropna()
    if end not in two.index:
        return f"no session {end.date()}"
    value = float(two.loc[end])
    since = _since(two.loc[:end].iloc[:-1], value)
    return None if _agree(text, since) else f"two sessions to {end.date()} {value:+.2%}, since {since}"


def _session(d: Data, session: date, text: str) -> str | None:
    found = _subject(text)
    m = re.search(r"([+−-]?\d+\.\d)%", text)
    day = re.search(r"(Monday|Tuesday|Wednesday|Thursday|Friday)", text)
    if found is None or m is None or day is None:
        return None
    prices = d(*found).loc[:pd.Timestamp(session)]
    daily = prices.pct_change().dropna()
    _, week = _week(daily, session)
    week = week[[x.strftime("%A") == day.group(1) for x in week.index]]
    if week.empty:
        return None
    value = float(week.iloc[-1])
    printed = [abs(float(x.replace("−", "-"))) for x in re.findall(r"([+−-]?\d+\.\d)%", text)]
    if all(abs(round(abs(value) * 100, 1) - p) > 0.051 for p in printed):
        return f"{found[0]} moved {value:+.2%} that day, printed {printed[0]}%"
    since = _since(daily.loc[:week.index[-1]].iloc[:-1], value)
    return None if _agree(text, since) else f"{found[0]} {value:+.2%}, since {since}"


def _yield(d: Data, session: date, text: str) -> str | None:
    tnx = _week_ends(d("^TNX", "Close").loc[:pd.Timestamp(session)])
    if tnx.index[-1] < pd.Timestamp(session) - pd.Timedelta(days=6):
        return None
    weekly = tnx.diff().dropna()
    value = float(weekly.iloc[-1])
    since = _since(weekly.iloc[:-1], value)
    return None if _agree(text, since) else f"10-year weekly {value * 100:+.0f} bp, since {since}"


# The series' first observations, for the data's edge.
STARTS = {"^VIX": "^VIX", "^TNX": "^TNX", "SPY": "SPY", "IWM": "IWM", "^GSPC": "^GSPC", "^RUT": "^RUT"}


def _edge(d: Data, text: str, ticker: str) -> str | None:
    printed = _month(text)
    if printed is None or "data from" in text or "early in our data" in text:
        return None
    first = d(ticker, "Close").index[0]
    since = pd.Timestamp(year=printed[0], month=printed[1], day=28)
    return f"since {printed} within a year of {ticker}'s start {first.date()}" if (since - first).days < 365 else None


def _drawdown(d: Data, session: date, text: str) -> str | None:
    if not re.search(r"in a correction|correction territory", text):
        return None
    out = []
    for name, ticker in (("SPY", "^GSPC"), ("IWM", "^RUT"), ("Large caps", "^GSPC"), ("large caps", "^GSPC")):
        if name in text.split("correction")[0]:
            # (on the index, as reporters measure a bear market: the fund's price drops by its dividends)
            close = d(ticker, "Close").loc[:pd.Timestamp(session)]
            fall = float(close.iloc[-1] / close.max() - 1)
            after = close.loc[close.idxmax():]
            low = float(after.min())
            cycle = low / close.max() - 1 <= -0.20 and after.loc[after.idxmin():].max() / low - 1 < 0.20
            if cycle:
                out.append(f"{ticker} {fall:.1%} below its highest close, not 20% above its bear-market low, called a"
                           " correction")
            break
    return "; ".join(out) or None


def audit(d: Data, session: date, sentences, keys=()) -> list[Miss]:
    """Every windowed superlative of one issue that the raw data do not bear out on the window it names."""
    out: list[Miss] = []
    for i, text in enumerate(sentences):
        key = keys[i] if i < len(keys) else ""
        checks: list[tuple[str, str | None]] = []
        if "VIX" in text and re.search(r"\bjump|\bclimb", text) and (_month(text) or "in our data" in text
                                                                      or _share(text) is not None):
            checks.append(("vix", _vix(d, session, text)))
            checks.append(("edge", _edge(d, text, "^VIX") if "one-day" in text or "single-day" in text
                           or "in one session" in text or "such jump" in text or "weekly" in text else None))
        if re.search(r"four-week|four weeks since|four weeks in our data", text) and (
                _month(text) or "in our data" in text):
            checks.append(("four_week", _four_week(d, session, text)))
            checks.append(("edge", _edge(d, text, "^TNX" if "10-year" in text else
                                         (_subject(text) or ("SPY", ""))[0])))
        if re.search(r"two-day|two sessions to", text) and (_month(text) or "in our data" in text):
            checks.append(("two_day", _two_day(d, session, text)))
        if re.search(r"one-day (?:gain|fall)|single-day (?:gain|loss)", text) and "VIX" not in text \
                and (_month(text) or "in our data" in text) and not re.search(r" and .*(?:SPY|IWM)", text):
            checks.append(("session", _session(d, session, text)))
            checks.append(("edge", _edge(d, text, (_subject(text) or ("SPY", ""))[0])))
        if "10-year" in text and re.search(r"weekly (?:rise|drop|move)", text) and _month(text):
            checks.append(("yield", _yield(d, session, text)))
            checks.append(("edge", _edge(d, text, "^TNX")))
        checks.append(("drawdown", _drawdown(d, session, text)))
        if key.startswith("headline/"):
            # a headline has no room for the data's start: the brief and the standfirst tell it
            checks = [c for c in checks if c[0] != "edge"]
        out += [Miss(session, family, text, expected) for family, expected in checks if expected]
    return out
