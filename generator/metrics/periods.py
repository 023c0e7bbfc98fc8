"""Which sessions a period compares: the week rules every return uses.

A week runs Monday to Sunday and ends on its last trading session. For an
issue as of session S:

* "1w" compares S with the last session of the previous week;
* "Nw" with the last session of the week N weeks before S's week;
* "ytd" with the last session of the previous calendar year;
* "52w" and "3y" (156 weeks) follow the "Nw" rule.

Each series uses its own sessions (an FX pair trades on days stocks do not),
so a base is "the last session of *that* series on or before the target day".
A base before the series starts gives None: "not enough history", never a guess.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from generator.errors import DataError

PERIOD_WEEKS = {"1w": 1, "4w": 4, "13w": 13, "52w": 52, "3y": 156}
PERIODS = ("1w", "4w", "13w", "ytd", "52w", "3y")


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def period_target(session: date, period: str) -> date:
    """The last calendar day whose close the period's base may be."""
    if period == "ytd":
        return date(session.year - 1, 12, 31)
    weeks = PERIOD_WEEKS[period]
    return week_start(session) - timedelta(days=1 + 7 * (weeks - 1))


def weeks_target(session: date, weeks: int) -> date:
    return week_start(session) - timedelta(days=1 + 7 * (weeks - 1))


def last_on_or_before(index: pd.DatetimeIndex, day: date) -> pd.Timestamp | None:
    """The last timestamp in a sorted index on or before `day`, or None."""
    pos = index.searchsorted(pd.Timestamp(day), side="right") - 1
    return index[pos] if pos >= 0 else None


def resolve_session(index: pd.DatetimeIndex, as_of: date | None, what: str) -> pd.Timestamp:
    """The issue's session: the last one on or before `as_of` (default: the latest).

    Fails when the data ends before the requested week even starts, so an old
    issue is never passed off as the requested one.
    """
    if len(index) == 0:
        raise DataError(f"{what}: no sessions in common", "check that both files cover the same years")
    if as_of is None:
        return index[-1]
    session = last_on_or_before(index, as_of)
    if session is None:
        raise DataError(f"{what}: data starts {index[0].date()}, after --as-of {as_of}",
                        "pick a later --as-of")
    if session.date() < week_start(as_of):
        raise DataError(f"{what}: data ends {index[-1].date()}, before the week of --as-of {as_of}",
                        "update the data or pick an earlier --as-of")
    return session
