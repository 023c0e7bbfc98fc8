"""The yfinance source: one batched download, a local cache, incremental refresh.

The boundary with Yahoo is `yfinance.download`, called with every argument
that changes its behaviour spelled out (see DOWNLOAD_ARGS) and looked up at
call time, so tests replace it with a fake returning frames shaped exactly as
the pinned yfinance returns them. yfinance >= 0.2.5x catches per-ticker
errors itself, logs them and returns empty columns; older versions and some
failures raise instead. Both paths are handled: rate limits, timeouts and
connection errors are retried with backoff, an empty ticker with no transient
error is "no data (possibly delisted)", and nothing is written to the cache
unless it passed validation.
"""

from __future__ import annotations

import logging
import re
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from typing import Callable, Iterator, Sequence

import numpy as np
import pandas as pd

from generator.data.cache import CacheCorrupt, PriceCache
from generator.data.calendar import MarketClock, StoredClock
from generator.data.model import COLUMNS, MarketData, MemberPrices, TickerHistory
from generator.data.validate import (Kind, drop_partial, kind_of, member_basis, member_problems, reconcile,
                                     validate_history)
from generator.errors import DataError

DOWNLOAD_ARGS = dict(
    interval="1d",
    auto_adjust=False,      # keep both Close (quoted) and Adj Close (total return)
    back_adjust=False,
    actions=True,           # Stock Splits tells a real split from a bad print
    repair=False,           # never let the library rewrite prices silently
    keepna=False,
    group_by="column",      # columns are (Price, Ticker)
    multi_level_index=True,  # even for one ticker
    threads=True,
    progress=False,         # our own progress display
    ignore_tz=True,         # daily bars: tz-naive dates
    rounding=False,
    prepost=False,
)
_RENAME = {"Open": "open", "High": "high", "Low": "low", "Close": "close", "Adj Close": "adj_close",
           "Volume": "volume", "Stock Splits": "split"}
# No network at all: retrying cannot help, so fail at once and point to --offline.
_OFFLINE = re.compile(r"could not resolve|name or service not known|temporary failure in name resolution|"
                      r"network is unreachable|no route to host|nodename nor servname", re.I)
_TRANSIENT = re.compile(r"rate.?limit|too many requests|timed? ?out|timeout|connection|resolve|network|"
                        r"temporar|curl|ssl|reset by peer|502|503|504", re.I)


@dataclass
class FetchResult:
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)  # ticker -> reason


@contextmanager
def _captured_yfinance_errors() -> Iterator[list[str]]:
    """yfinance reports per-ticker failures only through its logger; listen to it."""
    messages: list[str] = []

    class _Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    logger = logging.getLogger("yfinance")
    handler = _Collect(level=logging.ERROR)
    previous = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False  # its own messages go to our report, not raw to the terminal
    try:
        yield messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = previous


def normalise(frame: pd.DataFrame | None, tickers: Sequence[str]) -> dict[str, pd.DataFrame]:
    """Split a yfinance download into one tidy frame per ticker (empty when absent)."""
    out = {t: pd.DataFrame(columns=list(_RENAME.values()), index=pd.DatetimeIndex([], name="date"), dtype="float64")
           for t in tickers}
    if frame is None or frame.empty:
        return out
    if isinstance(frame.columns, pd.MultiIndex):
        price_level = 0 if set(frame.columns.get_level_values(0)) & set(_RENAME) else 1
        present = {str(t).upper(): t for t in frame.columns.get_level_values(1 - price_level)}
        parts = {t: frame.xs(present[t.upper()], axis=1, level=1 - price_level)
                 for t in tickers if t.upper() in present}
    elif len(tickers) == 1:
        parts = {tickers[0]: frame}
    else:
        raise DataError("yfinance returned flat columns for several tickers", "check the pinned yfinance version")
    for t, part in parts.items():
        part = part.rename(columns=_RENAME)[[c for c in _RENAME.values() if c in part.rename(columns=_RENAME)]]
        index = pd.DatetimeIndex(part.index)
        if index.tz is not None:
            index = index.tz_localize(None)
        part = part.set_axis(index.normalize().rename("date")).astype("float64")
        prices = [c for c in ("open", "high", "low", "close", "adj_close") if c in part]
        part = part.loc[part[prices].notna().any(axis=1)]  # union-index rows where this ticker did not trade
        out[t] = part[~part.index.duplicated(keep="last")].sort_index()
    return out


class Fetcher:
    """Bounded retries with exponential backoff around one batched `yfinance.download`."""

    def __init__(self, retries: int = 4, backoff: float = 2.0, timeout: float = 20.0,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.retries, self.backoff, self.timeout, self.sleep = retries, backoff, timeout, sleep

    def fetch(self, tickers: Sequence[str], start: date, end: date) -> FetchResult:
        import yfinance

        result = FetchResult()
        pending = list(dict.fromkeys(tickers))
        for attempt in range(self.retries + 1):
            transient: dict[str, str] = {}
            with _captured_yfinance_errors() as logged, warnings.catch_warnings():
                warnings.simplefilter("ignore")  # the library's own deprecation noise is not the user's business
                try:
                    raw = yfinance.download(pending, start=start.isoformat(), end=end.isoformat(),
                                            timeout=self.timeout, **DOWNLOAD_ARGS)
                except Exception as exc:  # the library raises assorted network errors
                    raw, transient = None, {t: f"{type(exc).__name__}: {exc}" for t in pending}
            frames = normalise(raw, pending)
            for t in pending:
                if t in transient:
                    continue
                if not frames[t].empty:
                    result.frames[t] = frames[t]
                    continue
                reason = next((m for m in logged if re.search(rf"['\"]{re.escape(t)}['\"]", m, re.I)), "")
                if _TRANSIENT.search(reason):
                    transient[t] = reason.split(":", 1)[-1].strip()
                else:
                    result.failed[t] = "no data returned (possibly delisted or a wrong symbol)"
            pending = list(transient)
            if not pending or any(_OFFLINE.search(reason) for reason in transient.values()):
                break
            if attempt < self.retries:
                self.sleep(self.backoff * 2 ** attempt)
        for t in pending:
            if _OFFLINE.search(transient[t]):
                result.failed[t] = "no network: Yahoo Finance could not be reached"
            else:
                result.failed[t] = f"download failed after {attempt + 1} tries ({transient[t][:100]})"
        return result


@dataclass(frozen=True)
class TickerUpdate:
    ticker: str
    status: str  # ok | new | refetched | unchanged | failed | rejected
    first: date | None
    last: date | None
    rows_added: int
    note: str = ""
    member: bool = False  # a breadth-universe member: its failure is counted, never fatal


# Breadth members are downloaded this many to a yfinance.download call, with a pause between calls, so 600
# of them do not arrive at Yahoo as one burst (rate limits are retried with backoff inside each call too).
MEMBER_BATCH = 100
MEMBER_PAUSE_SECONDS = 1.0


def member_summary(report: Sequence[TickerUpdate]) -> str | None:
    """One line for the members that could not be refreshed, or None."""
    members = [u for u in report if u.member]
    bad = [u for u in members if u.status in ("failed", "rejected")]
    if not bad:
        return None
    failed = [u.ticker for u in bad if u.status == "failed"]
    rejected = [u for u in bad if u.status == "rejected"]
    parts = []
    if failed:
        parts.append(f"{len(failed)} failed ({', '.join(failed[:8])}{' ...' if len(failed) > 8 else ''})")
    if rejected:
        parts.append(f"{len(rejected)} rejected by validation (e.g. {rejected[0].ticker}: "
                     f"{rejected[0].note.split(';')[0]})")
    return (f"breadth: {len(bad)} of {len(members)} universe members not refreshed: {'; '.join(parts)}; "
            "they are skipped (or their earlier cached history used), never fatal")


def _overlap_start(cached: pd.DataFrame, overlap: int) -> date:
    return cached.index[max(0, len(cached) - overlap)].date()


def refresh_cache(cache: PriceCache, tickers: Sequence[str], kinds: dict[str, Kind], *, fetcher: Fetcher,
                  now: datetime, in_progress: date | None, history_start: date, overlap: int,
                  max_daily_move: float, sessions: pd.DatetimeIndex | None = None,
                  progress: Callable[[int], None] = lambda done: None) -> list[TickerUpdate]:
    """Bring every ticker up to date; write all good results in one transaction."""
    catalogue = cache.catalogue()
    end = now.date() + timedelta(days=1)  # yfinance's end is exclusive
    cached: dict[str, pd.DataFrame] = {}
    for t in tickers:
        if t in catalogue:
            try:
                cached[t] = cache.read(t)
            except CacheCorrupt:
                pass  # refetched in full below
    full = [t for t in tickers if t not in cached]
    tails = [t for t in tickers if t in cached]
    fetched = FetchResult()
    if full:
        got = fetcher.fetch(full, history_start, end)
        fetched.frames.update(got.frames), fetched.failed.update(got.failed)
        progress(len(full))
    if tails:
        start = min(_overlap_start(cached[t], overlap) for t in tails)
        got = fetcher.fetch(tails, start, end)
        fetched.frames.update(got.frames), fetched.failed.update(got.failed)
        progress(len(tails))

    readjusted = []
    for t in tails:
        frame = fetched.frames.get(t)
        if frame is None:
            continue
        old = cached[t]
        if not (reconcile(old["adj_close"], frame.get("adj_close", frame["close"])) if "adj_close" in old and
                old["adj_close"].notna().any() else reconcile(old["close"], frame["close"])):
            readjusted.append(t)
    if readjusted:
        got = fetcher.fetch(readjusted, history_start, end)
        for t in readjusted:
            fetched.frames.pop(t, None)
        fetched.frames.update(got.frames), fetched.failed.update(got.failed)

    updates: dict[str, tuple[pd.DataFrame, bool]] = {}
    report: list[TickerUpdate] = []
    for t in tickers:
        old = cached.get(t)
        if t in fetched.failed:
            report.append(TickerUpdate(t, "failed", old.index[0].date() if old is not None else None,
                                       old.index[-1].date() if old is not None else None, 0, fetched.failed[t]))
            continue
        frame, dropped = drop_partial(fetched.frames[t], in_progress)
        notes = [f"partial bar for {in_progress} dropped (session in progress)"] if dropped else []
        is_full = t in full or t in readjusted
        if is_full or old is None:
            combined = frame
        else:
            combined = pd.concat([old.loc[old.index < frame.index[0]], frame]) if len(frame) else old
        problems = [p for p in validate_history(_history(t, combined), kinds[t], splits=combined.get("split"),
                                                max_daily_move=max_daily_move, sessions=sessions)
                    if p.severity == "error"]
        if problems:
            report.append(TickerUpdate(t, "rejected", old.index[0].date() if old is not None else None,
                                       old.index[-1].date() if old is not None else None, 0,
                                       "; ".join(p.message for p in problems) + "; cache left as it was"))
            continue
        added = len(combined) if old is None else int((combined.index > old.index[-1]).sum())
        status = "new" if t in full and old is None else "refetched" if is_full else "ok" if added else "unchanged"
        if t in readjusted:
            notes.append("history re-adjusted (dividend or split): full history refetched")
        updates[t] = (combined if is_full else frame, is_full)
        report.append(TickerUpdate(t, status, combined.index[0].date(), combined.index[-1].date(), added,
                                   "; ".join(notes)))
    if updates:
        cache.write(updates, now.astimezone(timezone.utc).isoformat(timespec="seconds"))
    return report


def _history(ticker: str, frame: pd.DataFrame) -> TickerHistory:
    """The cached frame as the build sees it: only the price columns that hold data."""
    cols = [c for c in COLUMNS if c in frame and frame[c].notna().any()]
    return TickerHistory(ticker, frame[cols], "yfinance cache")


class YFinanceSource:
    name = "yfinance"

    def __init__(self, settings, *, offline: bool = False, now: datetime | None = None,
                 fetcher: Fetcher | None = None) -> None:
        self.settings = settings
        self.offline = offline
        self.now = now or datetime.now(timezone.utc)
        d = settings.data
        self.fetcher = fetcher or Fetcher(d.retries, d.backoff_seconds, d.timeout_seconds)
        self.cache_path = settings.resolve(d.cache_dir) / "prices.sqlite"

    def update(self, tickers: Sequence[str], clock=None,
               progress: Callable[[int], None] = lambda done: None,
               members: Sequence[str] = ()) -> list[TickerUpdate]:
        """Refresh `tickers` (one batched download) and then the breadth `members`, MEMBER_BATCH to a call, each
        batch committed on its own. A member that fails or is rejected is reported with member=True."""

        clock = clock or MarketClock()
        d, b = self.settings.data, self.settings.breadth
        members = [t for t in dict.fromkeys(members) if t not in set(tickers)]
        cache, note = PriceCache.open_or_rebuild(self.cache_path)
        in_progress = clock.session_in_progress(self.now)
        with cache:
            report = refresh_cache(
                cache, tickers, {t: kind_of(t, self.settings) for t in tickers}, fetcher=self.fetcher,
                now=self.now, in_progress=in_progress,
                history_start=d.history_start, overlap=d.overlap_sessions, max_daily_move=d.max_daily_move,
                sessions=clock.sessions(d.history_start, self.now.date()), progress=progress) if tickers else []
            sessions = clock.sessions(b.history_start, self.now.date()) if members else None
            for i in range(0, len(members), MEMBER_BATCH):
                if i:
                    self.fetcher.sleep(MEMBER_PAUSE_SECONDS)
                batch = members[i:i + MEMBER_BATCH]
                done = refresh_cache(
                    cache, batch, {t: "equity" for t in batch}, fetcher=self.fetcher, now=self.now,
                    in_progress=in_progress, history_start=b.history_start, overlap=d.overlap_sessions,
                    max_daily_move=b.max_daily_move, sessions=sessions, progress=progress)
                report += [replace(u, member=True) for u in done]
            if any(u.status not in ("failed", "rejected") for u in report):
                # for offline builds: the last completed session without loading the calendar library
                cache.write_schedule(clock.closes(self.now.date() - timedelta(days=30),
                                                  self.now.date() + timedelta(days=400)))
        if note:
            report.insert(0, TickerUpdate("(cache)", "rebuilt", None, None, 0, note))
        return report

    def load(self, required: Sequence[str], optional: Sequence[str], levels: Sequence[str],
             members: Sequence[str] = ()) -> MarketData:

        wanted = list(dict.fromkeys([*required, *optional]))
        clock = None
        notes: list[str] = []
        if not self.offline:
            clock = MarketClock()
            report = self.update(wanted, clock, members=members)
            summary = member_summary(report)
            notes += [summary] if summary else []
            report = [u for u in report if not u.member]
            failed = [u for u in report if u.status in ("failed", "rejected")]
            hard = [u for u in failed if u.ticker in required]
            if hard:
                by_reason: dict[str, list[str]] = {}
                for u in hard:
                    by_reason.setdefault(u.note, []).append(u.ticker)
                names = "; ".join(f"{', '.join(ts)}: {reason}" for reason, ts in by_reason.items())
                raise DataError(f"yfinance: could not refresh {names}; the previous cache is unchanged",
                                "check the network and retry, build from the cache with --offline, "
                                "or use --source csv/sample")
            notes += [f"{u.ticker}: {u.status}: {u.note}" for u in report if u.note]
        if not self.cache_path.exists():
            raise DataError(f"{self.cache_path}: no price cache yet",
                            "run `capweekly data update` (needs network) or use --source sample/csv")
        try:
            cache = PriceCache.open(self.cache_path)
        except CacheCorrupt as exc:
            raise DataError(exc.message, "run `capweekly data update` to rebuild it") from None
        # Freshness of the pair is judged by the pipeline, which knows the requested week;
        # optional tickers are dropped there when they lag the session.
        histories: dict[str, TickerHistory] = {}
        missing: list[str] = []
        fetched_at: list[str] = []
        with cache:
            sessions: MarketClock | StoredClock = clock or StoredClock.of(cache.schedule(), self.now) or MarketClock()
            expected = sessions.last_completed_session(self.now)
            catalogue = cache.catalogue()
            for t in wanted:
                problems = []
                if t not in catalogue:
                    problems = [f"{t}: not in the cache (run `capweekly data update`)"]
                else:
                    try:
                        frame = cache.read(t)
                    except CacheCorrupt as exc:
                        problems = [exc.message]
                    else:
                        history = _history(t, frame)
                        kind = kind_of(t, self.settings)
                        found = validate_history(history, kind, splits=frame["split"],
                                                 max_daily_move=self.settings.data.max_daily_move)
                        notes += [p.line() for p in found if p.severity == "warning"]
                        problems = [p.line() for p in found if p.severity == "error"]
                if problems and t in required:
                    raise DataError(problems[0], "run `capweekly data update`, or pick another --as-of")
                if problems:
                    notes += [f"{p} (section data unavailable)" for p in problems]
                    missing.append(t)
                    continue
                histories[t] = history
                if t in required:
                    fetched_at.append(catalogue[t].fetched_at)
            group = read_members(cache, members, self.settings.breadth.max_daily_move) if members else None
        if group is not None and group.rejected:
            notes.append(f"breadth: {len(group.rejected)} cached universe members failed validation and are skipped "
                         f"({', '.join(group.rejected[:8])}{' ...' if len(group.rejected) > 8 else ''}; "
                         "`capweekly data update` refetches them)")
        return MarketData("yfinance", "Yahoo Finance via yfinance (local cache)", histories,
                          min(fetched_at) if fetched_at else None, tuple(missing), tuple(notes), expected, group)


def read_members(cache: PriceCache, members: Sequence[str], max_daily_move: float) -> MemberPrices:
    """The breadth members from the cache as one matrix: one query per 500, checksums and validation on arrays
    (generator.data.validate.member_problems), never a DataFrame per member. Members not cached are missing;
    damaged or invalid ones are rejected. Neither is fatal."""

    compact, stale, damaged = cache.read_closes(members)
    full, broken = cache.read_arrays(stale)  # a cache written before compact closes: frames, validated in full
    damaged.update(broken)
    columns: dict[str, tuple] = {}
    rejected = set(damaged)
    for t, (days, closes) in compact.items():
        # validated in full when it entered the cache (refresh_cache); here only what a damaged store could break
        with np.errstate(invalid="ignore"):
            bad = len(days) == 0 or bool(np.isnan(closes).any() or (closes <= 0).any()
                                         or (np.diff(days) <= 0).any())
        if bad:
            rejected.add(t)
        else:
            columns[t] = (days, closes)
    for t, (days, values) in full.items():
        if member_problems(days, values, max_daily_move):
            rejected.add(t)
        else:
            columns[t] = (days, member_basis(values))
    known = set(compact) | set(full) | set(damaged)
    order = {t: i for i, t in enumerate(dict.fromkeys(members))}
    columns = dict(sorted(columns.items(), key=lambda item: order[item[0]]))
    return MemberPrices.from_arrays(columns, [t for t in order if t not in known], [t for t in order if t in rejected],
                                    "Yahoo Finance via yfinance (local cache)")
