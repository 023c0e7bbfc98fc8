"""The yfinance source against a fake `yfinance.download`: no network, ever."""

import json
import sqlite3
import subprocess
import sys
import textwrap
from datetime import date, datetime, timezone

import numpy as np
import pandas as pd
import pytest
import yfinance
from curl_cffi.requests.exceptions import Timeout
from yfinance.exceptions import YFRateLimitError

from generator.data.cache import PriceCache
from generator.data.yahoo import DOWNLOAD_ARGS, Fetcher, YFinanceSource, normalise
from generator.errors import DataError
from generator.pipeline import build_issue
from generator.settings import Tickers
from tests.conftest import ROOT, SETTINGS
from tests.fake_yahoo import FakeDownload, truth

TICKERS = ["IWM", "SPY", "XLK", "^TNX", "JPY=X"]
AFTER_CLOSE = datetime(2025, 10, 31, 21, 0, tzinfo=timezone.utc)   # Friday, 17:00 New York
MID_SESSION = datetime(2025, 10, 31, 15, 0, tzinfo=timezone.utc)   # Friday, 11:00 New York


@pytest.fixture(scope="module")
def market():
    return truth(TICKERS)


@pytest.fixture()
def live(settings, tmp_path):
    data = settings.data.model_copy(update={"cache_dir": str(tmp_path / "cache"), "history_start": date(2020, 1, 2),
                                            "source": "yfinance"})
    return settings.model_copy(update={"data": data, "tickers": Tickers(sectors=["XLK"], long_yield="^TNX",
                                                                        fx="JPY=X")})


@pytest.fixture()
def sleeps():
    return []


def source(live, sleeps, now=AFTER_CLOSE, offline=False):
    return YFinanceSource(live, offline=offline, now=now, fetcher=Fetcher(retries=3, backoff=2.0, timeout=5,
                                                                           sleep=sleeps.append))


def install(monkeypatch, fake: FakeDownload) -> FakeDownload:
    monkeypatch.setattr(yfinance, "download", fake)
    return fake


def cut(market, last: str):
    return {t: f.loc[:last] for t, f in market.items()}


def statuses(report):
    return {u.ticker: u.status for u in report}


# --- shapes -----------------------------------------------------------------

def test_normalise_multiindex_single_flat_and_ticker_first(market):
    fake = FakeDownload(market)
    both = fake(["IWM", "SPY"], start="2025-10-01", end="2025-11-01", **DOWNLOAD_ARGS)
    assert isinstance(both.columns, pd.MultiIndex) and both.columns.names == ["Price", "Ticker"]
    out = normalise(both, ["IWM", "SPY"])
    assert list(out["IWM"].columns) == ["open", "high", "low", "close", "adj_close", "volume", "split"]
    assert out["IWM"]["adj_close"].iloc[-1] == market["IWM"]["Adj Close"].iloc[-1]
    single = fake(["IWM"], start="2025-10-01", end="2025-11-01")
    assert normalise(single, ["IWM"])["IWM"].equals(out["IWM"])
    flat = single.droplevel(1, axis=1)  # multi_level_index=False for one ticker
    assert normalise(flat, ["IWM"])["IWM"].equals(out["IWM"])
    ticker_first = both.swaplevel(0, 1, axis=1)  # group_by='ticker'
    assert normalise(ticker_first, ["IWM", "SPY"])["SPY"].equals(out["SPY"])


def test_union_index_rows_are_not_kept(market):
    fx = market["JPY=X"].copy()
    fx.loc[pd.Timestamp("2025-10-13")] = fx.iloc[-1]  # FX trades on Columbus Day; stocks do too, but make a gap
    data = dict(market, **{"JPY=X": fx.sort_index()})
    extra_day = pd.Timestamp("2025-10-11")  # a Saturday only FX has
    data["JPY=X"].loc[extra_day] = fx.iloc[-1]
    raw = FakeDownload({k: v.sort_index() for k, v in data.items()})(["IWM", "JPY=X"], start="2025-10-01",
                                                                    end="2025-11-01")
    out = normalise(raw, ["IWM", "JPY=X"])
    assert extra_day not in out["IWM"].index and extra_day in out["JPY=X"].index


# --- refresh ------------------------------------------------------------------

def test_first_update_is_one_batched_call_with_explicit_arguments(monkeypatch, live, sleeps, market):
    fake = install(monkeypatch, FakeDownload(market))
    report = source(live, sleeps).update(TICKERS)
    assert len(fake.calls) == 1
    call = fake.calls[0]
    assert sorted(call["tickers"]) == sorted(TICKERS)
    for key, value in DOWNLOAD_ARGS.items():
        assert call[key] == value, key
    assert call["auto_adjust"] is False and call["actions"] is True and call["start"] == "2020-01-02"
    assert set(statuses(report).values()) == {"new"}
    with PriceCache.open(live.resolve(live.data.cache_dir) / "prices.sqlite") as cache:
        frame = cache.read("IWM")
    assert frame.index[-1] == pd.Timestamp("2025-10-31")
    assert np.allclose(frame["close"], market["IWM"]["Close"]) and np.allclose(frame["adj_close"], market["IWM"]["Adj Close"])


def test_incremental_refresh_fetches_the_tail_plus_overlap(monkeypatch, live, sleeps, market):
    install(monkeypatch, FakeDownload(cut(market, "2025-10-24")))
    source(live, sleeps, now=datetime(2025, 10, 24, 21, tzinfo=timezone.utc)).update(TICKERS)
    fake = install(monkeypatch, FakeDownload(market))
    report = source(live, sleeps).update(TICKERS)
    assert len(fake.calls) == 1
    assert fake.calls[0]["start"] == "2025-10-20"  # the last 5 cached sessions are re-read
    added = {u.ticker: u.rows_added for u in report}
    assert added == {t: 5 for t in TICKERS} and set(statuses(report).values()) == {"ok"}


def test_readjusted_history_is_refetched_in_full(monkeypatch, live, sleeps, market):
    install(monkeypatch, FakeDownload(cut(market, "2025-10-24")))
    source(live, sleeps, now=datetime(2025, 10, 24, 21, tzinfo=timezone.utc)).update(TICKERS)
    readjusted = dict(market)
    iwm = market["IWM"].copy()
    iwm["Adj Close"] *= 0.99  # an ex-dividend date re-scales all earlier adjusted closes
    iwm.loc[iwm.index[-1], "Adj Close"] = market["IWM"]["Adj Close"].iloc[-1]
    readjusted["IWM"] = iwm
    fake = install(monkeypatch, FakeDownload(readjusted))
    report = source(live, sleeps).update(TICKERS)
    assert [c["tickers"] for c in fake.calls][1:] == [["IWM"]]
    assert fake.calls[1]["start"] == "2020-01-02"
    iwm_update = next(u for u in report if u.ticker == "IWM")
    assert iwm_update.status == "refetched" and "re-adjusted" in iwm_update.note
    with PriceCache.open(live.resolve(live.data.cache_dir) / "prices.sqlite") as cache:
        assert np.allclose(cache.read("IWM")["adj_close"], iwm["Adj Close"])


def test_partial_bar_of_a_session_in_progress_is_dropped(monkeypatch, live, sleeps, market):
    install(monkeypatch, FakeDownload(cut(market, "2025-10-30"), partial_row=date(2025, 10, 31)))
    report = source(live, sleeps, now=MID_SESSION).update(TICKERS)
    iwm = next(u for u in report if u.ticker == "IWM")
    assert iwm.last == date(2025, 10, 30) and "partial bar for 2025-10-31 dropped" in iwm.note


def test_unknown_ticker_is_a_failure_not_a_silent_drop(monkeypatch, live, sleeps, market):
    install(monkeypatch, FakeDownload(market, missing={"XLK"}))
    report = source(live, sleeps).update(TICKERS)
    xlk = next(u for u in report if u.ticker == "XLK")
    assert xlk.status == "failed" and "possibly delisted" in xlk.note
    assert sleeps == []  # not retried: a missing ticker is not transient


def test_missing_required_ticker_fails_the_build(monkeypatch, live, sleeps, market, tmp_path):
    install(monkeypatch, FakeDownload(market, missing={"IWM"}))
    with pytest.raises(DataError, match=r"could not refresh IWM: no data returned \(possibly delisted"):
        build_issue(live, market=source(live, sleeps).load(["IWM", "SPY"], ["XLK"], ["^TNX"]), out_dir=tmp_path)


@pytest.mark.parametrize("first", [YFRateLimitError(), Timeout("Operation timed out after 5000 milliseconds"),
                                   "log:YFRateLimitError('Too Many Requests. Rate limited. Try after a while.')"])
def test_transient_errors_are_retried_with_backoff(monkeypatch, live, sleeps, market, first):
    fake = install(monkeypatch, FakeDownload(market, script=[first, first]))
    report = source(live, sleeps).update(TICKERS)
    assert len(fake.calls) == 3 and sleeps == [2.0, 4.0]
    assert set(statuses(report).values()) == {"new"}


def test_persistent_rate_limit_fails_naming_tickers_and_keeps_the_cache(monkeypatch, live, sleeps, market, tmp_path):
    install(monkeypatch, FakeDownload(cut(market, "2025-10-24")))
    source(live, sleeps, now=datetime(2025, 10, 24, 21, tzinfo=timezone.utc)).update(TICKERS)
    path = live.resolve(live.data.cache_dir) / "prices.sqlite"
    before = path.read_bytes()
    fake = install(monkeypatch, FakeDownload(market, script=[YFRateLimitError()] * 10))
    with pytest.raises(DataError) as err:
        source(live, sleeps).load(["IWM", "SPY"], ["XLK", "^TNX", "JPY=X"], ["^TNX"])
    assert "IWM, SPY" in err.value.message and "YFRateLimitError" in err.value.message
    assert "--offline" in err.value.one_line()
    assert len(fake.calls) == 4 and sleeps == [2.0, 4.0, 8.0]  # bounded: 1 try + 3 retries
    assert path.read_bytes() == before


def test_no_network_fails_fast_with_a_pointer_to_offline(monkeypatch, live, sleeps, market):
    error = "log:ConnectionError('Failed to perform, curl: (6) Could not resolve host: query2.finance.yahoo.com.')"
    fake = install(monkeypatch, FakeDownload(market, script=[error] * 5))
    with pytest.raises(DataError, match="no network") as err:
        source(live, sleeps).load(["IWM", "SPY"], [], [])
    assert len(fake.calls) == 1 and sleeps == []
    assert "--offline" in err.value.one_line() and "csv/sample" in err.value.one_line()


def test_invalid_download_is_rejected_and_not_cached(monkeypatch, live, sleeps, market):
    install(monkeypatch, FakeDownload(cut(market, "2025-10-24")))
    source(live, sleeps, now=datetime(2025, 10, 24, 21, tzinfo=timezone.utc)).update(TICKERS)
    bad = dict(market)
    spy = market["SPY"].copy()
    spy.loc["2025-10-29", ["Close", "Adj Close", "Open", "High", "Low"]] *= 3  # a bad print, no split
    bad["SPY"] = spy
    install(monkeypatch, FakeDownload(bad))
    report = source(live, sleeps).update(TICKERS)
    spy_update = next(u for u in report if u.ticker == "SPY")
    assert spy_update.status == "rejected" and "implausible one-day move" in spy_update.note
    with PriceCache.open(live.resolve(live.data.cache_dir) / "prices.sqlite") as cache:
        assert cache.catalogue()["SPY"].last == date(2025, 10, 24)  # kept as it was
        assert cache.catalogue()["IWM"].last == date(2025, 10, 31)


# --- cache integrity ---------------------------------------------------------------

def test_cache_survives_a_crash_mid_write(monkeypatch, live, sleeps, market, tmp_path):
    install(monkeypatch, FakeDownload(cut(market, "2025-10-24")))
    source(live, sleeps, now=datetime(2025, 10, 24, 21, tzinfo=timezone.utc)).update(TICKERS)
    path = live.resolve(live.data.cache_dir) / "prices.sqlite"
    with PriceCache.open(path) as cache:
        before = {t: cache.read(t) for t in TICKERS}
    tail = tmp_path / "tail.pkl"
    pd.to_pickle(normalise(FakeDownload(market)(TICKERS, start="2025-10-20", end="2025-11-01"), TICKERS), tail)
    child = textwrap.dedent(f"""
        import os, pandas as pd
        from generator.data.cache import PriceCache
        frames = pd.read_pickle({str(tail)!r})
        cache = PriceCache.open(__import__("pathlib").Path({str(path)!r}))
        calls = []
        original = PriceCache._refresh_meta
        def crash_on_third(self, *a, **k):
            calls.append(1)
            if len(calls) == 3:
                os._exit(9)  # killed mid-transaction: two tickers written, not committed
            return original(self, *a, **k)
        PriceCache._refresh_meta = crash_on_third
        cache.write({{t: (f, False) for t, f in frames.items()}}, "2025-10-31T21:00:00+00:00")
    """)
    done = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True)
    assert done.returncode == 9, done.stderr
    with PriceCache.open(path) as cache:
        assert {t: c.last for t, c in cache.catalogue().items()} == {t: date(2025, 10, 24) for t in TICKERS}
        for t in TICKERS:
            pd.testing.assert_frame_equal(cache.read(t), before[t])


def test_half_written_cache_file_is_detected_and_rebuilt(monkeypatch, live, sleeps, market, tmp_path):
    install(monkeypatch, FakeDownload(market))
    src = source(live, sleeps)
    src.update(TICKERS)
    path = src.cache_path
    blob = path.read_bytes()
    path.write_bytes(blob[: len(blob) // 2])
    with pytest.raises(DataError, match="price cache is damaged"):
        source(live, sleeps, offline=True).load(["IWM", "SPY"], [], [])
    report = src.update(TICKERS)
    assert report[0].status == "rebuilt" and "moved to prices.sqlite.corrupt-" in report[0].note
    assert {u.status for u in report[1:]} == {"new"}
    assert list(path.parent.glob("prices.sqlite.corrupt-*"))


def _tamper_one_price(path, ticker: str, day: str) -> None:
    """Change one stored adjusted close by 50%, the way a bad disk or a stray tool might."""
    from generator.data.cache import decode_frame, encode_frame

    with sqlite3.connect(path) as db:
        frame = decode_frame(db.execute("SELECT data FROM frames WHERE ticker = ?", (ticker,)).fetchone()[0])
        frame.loc[day, "adj_close"] *= 1.5
        db.execute("UPDATE frames SET data = ? WHERE ticker = ?", (encode_frame(frame), ticker))


def test_tampered_rows_fail_their_checksum(monkeypatch, live, sleeps, market, tmp_path):
    install(monkeypatch, FakeDownload(market))
    src = source(live, sleeps)
    src.update(TICKERS)
    _tamper_one_price(src.cache_path, "SPY", "2024-07-11")
    with pytest.raises(DataError, match="cached rows of SPY do not match their checksum"):
        build_issue(live, source="yfinance", offline=True, out_dir=tmp_path)
    fake = install(monkeypatch, FakeDownload(market))
    src.update(TICKERS)
    assert fake.calls[0]["tickers"] == ["SPY"] and fake.calls[0]["start"] == "2020-01-02"


def test_truncated_frame_blob_is_reported_not_decoded(monkeypatch, live, sleeps, market):
    install(monkeypatch, FakeDownload(market))
    src = source(live, sleeps)
    src.update(TICKERS)
    with sqlite3.connect(src.cache_path) as db:
        db.execute("UPDATE frames SET data = substr(data, 1, 1000) WHERE ticker = 'IWM'")
    with pytest.raises(DataError, match="cached rows of IWM do not match their checksum"):
        source(live, sleeps, offline=True).load(["IWM", "SPY"], [], [])


def test_a_cache_from_before_frames_is_read_from_its_rows_then_moved(monkeypatch, live, sleeps, market):
    """Caches written by earlier versions hold a row per day in `prices`."""
    from generator.data.cache import VALUE_COLUMNS, checksum

    install(monkeypatch, FakeDownload(cut(market, "2025-10-24")))
    src = source(live, sleeps, now=datetime(2025, 10, 24, 21, tzinfo=timezone.utc))
    src.update(TICKERS)
    with PriceCache.open(src.cache_path) as cache:
        current = {t: cache.read(t) for t in TICKERS}
    with sqlite3.connect(src.cache_path) as db:  # rewrite it the old way: rows, no frames
        for t, frame in current.items():
            db.executemany(f"INSERT INTO prices VALUES (?, ?, {', '.join('?' * len(VALUE_COLUMNS))})",
                           [(t, day.strftime("%Y-%m-%d"), *(None if np.isnan(v) else float(v) for v in row))
                            for day, row in zip(frame.index, frame[list(VALUE_COLUMNS)].to_numpy())])
        db.execute("DELETE FROM frames")
    with PriceCache.open(src.cache_path) as cache:
        for t in TICKERS:
            legacy = cache.read(t)
            pd.testing.assert_frame_equal(legacy, current[t])
            assert checksum(legacy) == checksum(current[t])
    install(monkeypatch, FakeDownload(market))
    report = source(live, sleeps).update(TICKERS)
    assert {u.status for u in report} == {"ok"} and all(u.rows_added == 5 for u in report)
    with sqlite3.connect(src.cache_path) as db:
        assert db.execute("SELECT COUNT(*) FROM prices").fetchone()[0] == 0
        assert db.execute("SELECT COUNT(*) FROM frames").fetchone()[0] == len(TICKERS)
    with PriceCache.open(src.cache_path) as cache:
        for t in TICKERS:
            expected = market[t].loc[:"2025-10-31"]
            assert cache.read(t).index[-1] == pd.Timestamp("2025-10-31") and len(cache.read(t)) == len(expected)


# --- building from the cache -------------------------------------------------------

def test_offline_rebuild_makes_no_network_call_and_repeats_numbers(monkeypatch, live, sleeps, market, tmp_path):
    install(monkeypatch, FakeDownload(market))
    source(live, sleeps).update(TICKERS)

    def no_network(*args, **kwargs):
        raise AssertionError("network used")

    monkeypatch.setattr(yfinance, "download", no_network)
    first = build_issue(live, source="yfinance", offline=True, as_of=date(2024, 7, 12), out_dir=tmp_path / "a")
    again = build_issue(live, source="yfinance", offline=True, as_of=date(2024, 7, 12), out_dir=tmp_path / "b")
    a = (first.folder / "metrics.json").read_text()
    assert a == (again.folder / "metrics.json").read_text()
    doc = json.loads(a)
    assert doc["source"] == "yfinance" and doc["as_of"] == "2024-07-12"
    assert doc["provenance"]["retrieved_at"] == "2025-10-31T21:00:00+00:00"
    html = (first.folder / "report.html").read_text()
    assert "Yahoo Finance via yfinance" in html and doc["provenance"]["data_sha256"] in html


def test_stale_cache_refuses_the_latest_issue_but_builds_a_past_week(monkeypatch, live, sleeps, market, tmp_path):
    install(monkeypatch, FakeDownload(cut(market, "2025-10-24")))
    source(live, sleeps, now=datetime(2025, 10, 24, 21, tzinfo=timezone.utc)).update(TICKERS)
    later = source(live, sleeps, now=datetime(2025, 11, 3, 22, tzinfo=timezone.utc), offline=True)
    with pytest.raises(DataError, match=r"stale data, last bar 2025-10-24 but the last completed session is 2025-11-03"):
        build_issue(live, market=later.load(["IWM", "SPY"], [], []), out_dir=tmp_path)
    built = build_issue(live, market=later.load(["IWM", "SPY"], [], []), as_of=date(2025, 10, 24), out_dir=tmp_path)
    assert built.folder.name == "2025-10-24"
    assert not (tmp_path / "2025-11-03").exists()


# --- the stored exchange schedule -----------------------------------------------------

def test_stored_schedule_agrees_with_the_calendar_hour_by_hour():
    from datetime import timedelta

    from generator.data.calendar import MarketClock, StoredClock

    clock = MarketClock()
    closes = clock.closes(date(2025, 10, 1), date(2026, 1, 31))
    # Thanksgiving (closed), Black Friday (early close at 13:00 New York), Christmas, weekends
    now = datetime(2025, 11, 20, 0, 30, tzinfo=timezone.utc)
    while now < datetime(2026, 1, 5, tzinfo=timezone.utc):
        stored = StoredClock.of(closes, now)
        assert stored is not None
        assert stored.last_completed_session(now) == clock.last_completed_session(now), now
        now += timedelta(minutes=50)
    assert StoredClock.of(closes, datetime(2026, 2, 2, tzinfo=timezone.utc)) is None  # beyond what was stored
    assert StoredClock.of(closes, datetime(2025, 10, 5, tzinfo=timezone.utc)) is None  # too close to its start
    assert StoredClock.of([], now) is None


def test_offline_build_reads_the_stored_schedule_without_the_calendar_library(monkeypatch, live, sleeps, market):
    install(monkeypatch, FakeDownload(market))
    source(live, sleeps).update(TICKERS)
    with PriceCache.open(source(live, sleeps).cache_path) as cache:
        stored = cache.schedule()
    assert stored[0][0] <= date(2025, 10, 2) and stored[-1][0] >= date(2026, 10, 30)
    assert (date(2025, 11, 28), datetime(2025, 11, 28, 18, 0, tzinfo=timezone.utc)) in stored  # early close
    assert date(2025, 11, 27) not in {d for d, _ in stored}  # Thanksgiving
    probe = textwrap.dedent(f"""
        import sys
        from datetime import datetime, timezone
        from generator.data.yahoo import YFinanceSource
        from generator.settings import load_settings
        settings = load_settings({str(SETTINGS)!r})
        settings = settings.model_copy(update={{"data": settings.data.model_copy(update={{
            "cache_dir": {str(live.resolve(live.data.cache_dir))!r}, "source": "yfinance"}})}})
        src = YFinanceSource(settings, offline=True, now=datetime(2025, 11, 3, 22, tzinfo=timezone.utc))
        data = src.load(["IWM", "SPY"], [], [])
        print(data.expected_session, "exchange_calendars" in sys.modules)
    """)
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT)  # this code
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["2025-11-03", "False"]
