"""Exchange sessions from a maintained calendar (exchange-calendars' XNYS).

Only the live-data path needs this; it is imported lazily because the
calendar library takes most of a second to load.
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

    def last_completed_session(self, now: datetime) -> date:
        """The most recent session whose close (plus settling time) is before `now`."""
        now = now.astimezone(timezone.utc)
        for session in reversed(self.sessions(now.date() - timedelta(days=14), now.date())):
            if self._cal.session_close(session).to_pydatetime() + SETTLE <= now:
                return session.date()
        raise RuntimeError("no completed session in the last two weeks")  # only on a broken calendar

    def session_in_progress(self, now: datetime) -> date | None:
        """Today's session if it has opened (or is about to) but not yet settled: its bar is partial."""
        now = now.astimezone(timezone.utc)
        today = pd.Timestamp(now.date())
        if not self._cal.is_session(today):
            return None
        close = self._cal.session_close(today).to_pydatetime()
        return now.date() if now < close + SETTLE else None
