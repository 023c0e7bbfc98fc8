"""Exchange sessions from a maintained calendar (exchange-calendars' XNYS).

Only the live-data path needs this; it is imported lazily because the
calendar library takes most of a second to load and build. `data update`
stores the coming year's sessions and closes in the price cache, so an
offline build reads its "last completed session" from there (`StoredClock`)
without loading the library at all.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pandas as pd

# Yahoo's daily bar settles a few minutes after the close; before that it can still move.
SETTLE = timedelta(minutes=20)


class MarketClock:
    def __init__(self, exchange: str = "XNYS", start: str = "1990-01-01") -> None:
        import warnings

        import exchange_calendars

        with warnings.catch_warnings():
            # exchange-calendars 4.x trips a pandas 3 deprecation inside its own code; not ours to show users.
            warnings.filterwarnings("ignore", message="Series.values returning an ndarray")
            self._cal = exchange_calendars.get_calendar(exchange, start=start)

    def sessions(self, start: date, end: date) -> pd.DatetimeIndex:
        first, last = self._cal.first_session.date(), self._cal.last_session.date()
        start, end = max(start, first), min(end, last)
        if start > end:
            return pd.DatetimeIndex([])
        return self._cal.sessions_in_range(pd.Timestamp(start), pd.Timestamp(end))

    def closes(self, start: date, end: date) -> list[tuple[date, datetime]]:
        """(session, its close in UTC) for every session from start to end."""
        sessions = self.sessions(start, end)
        if not len(sessions):
            return []
        closes = self._cal.schedule.loc[sessions, "close"]
        return [(s.date(), c.to_pydatetime().astimezone(timezone.utc)) for s, c in zip(sessions, closes)]

    def last_completed_session(self, now: datetime) -> date:
        """The most recent session whose close (plus settling time) is before `now`."""
        return last_completed(self.closes(now.date() - timedelta(days=14), now.date()), now)

    def session_in_progress(self, now: datetime) -> date | None:
        """Today's session if it has opened (or is about to) but not yet settled: its bar is partial."""
        now = now.astimezone(timezone.utc)
        today = pd.Timestamp(now.date())
        if not self._cal.is_session(today):
            return None
        close = self._cal.session_close(today).to_pydatetime()
        return now.date() if now < close + SETTLE else None

    def describe_today(self, now: datetime) -> str:
        """What today's session is doing at `now`, for people: not a session, opens at, in progress, closed.

        (`session_in_progress` is deliberately wide, from midnight, because Yahoo can publish a partial
        bar before the open; this says what the market is actually doing.)"""
        now = now.astimezone(timezone.utc)
        today = pd.Timestamp(now.date())
        if not self._cal.is_session(today):
            return f"{now.date()} is not a trading day"
        opens = self._cal.session_open(today).to_pydatetime()
        close = self._cal.session_close(today).to_pydatetime()
        if now < opens:
            return f"today's session ({now.date()}) opens at {opens:%H:%M} UTC"
        if now < close:
            return f"today's session ({now.date()}) is in progress (closes at {close:%H:%M} UTC)"
        if now < close + SETTLE:
            return f"today's session ({now.date()}) closed at {close:%H:%M} UTC; its bar settles by " \
                   f"{close + SETTLE:%H:%M} UTC"
        return f"today's session ({now.date()}) is complete"


def last_completed(closes: list[tuple[date, datetime]], now: datetime) -> date:
    now = now.astimezone(timezone.utc)
    for session, close in reversed(closes):
        if close + SETTLE <= now:
            return session
    raise RuntimeError("no completed session in the last two weeks")  # only on a broken calendar


class StoredClock:
    """The closes `data update` saved in the cache; None from `of` when they do not cover `now`."""

    def __init__(self, closes: list[tuple[date, datetime]]) -> None:
        self._closes = closes

    @classmethod
    def of(cls, closes: list[tuple[date, datetime]], now: datetime) -> "StoredClock | None":
        if not closes or closes[0][0] > now.date() - timedelta(days=14) or closes[-1][0] < now.date():
            return None
        return cls(closes)

    def last_completed_session(self, now: datetime) -> date:
        start = now.date() - timedelta(days=14)
        return last_completed([(d, c) for d, c in self._closes if start <= d <= now.date()], now)
