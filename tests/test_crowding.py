"""Crowding and hedging gauges (issue 15): the RVX-VIX spread, volume against its average, CFTC positioning.

Real data: ../shared/data/market (IWM with volume, the VIX) and ../shared/data/positioning (^RVX.csv, the CFTC
Traders in Financial Futures rows for the Russell E-mini, code 239742); the tests that need them skip without.
Every expected number is computed here again with plain pandas (or read off the file's own line), never with
the code under test.
"""

from __future__ import annotations

import re

import csv
import dataclasses
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from generator.commentary.crowding import COT_LOW, HEDGE_DEAR, VOLUME_SURGE
from generator.commentary.factcheck import Rendered, fact_check, plain
from generator.commentary.words import _Speaker, word_names, write_words
from generator.data import with_positioning
from generator.data.cot import read_cot_file, release_date
from generator.data.csv_folder import CsvFolderSource
from generator.errors import DataError, SettingsError
from generator.metrics import compute_metrics
from generator.metrics.crowding import cot_reading, crowding_at
from generator.pipeline import cut_at
from generator.render.environment import make_environment
from generator.settings import load_settings
from tests.conftest import MARKET_DIR, ROOT, SETTINGS

POSITIONING = ROOT.parent / "shared" / "data" / "positioning"
RVX = POSITIONING / "^RVX.csv"
COT = POSITIONING / "cot_russell_emini.csv"
WEEKS = ["2020-03-20", "2021-02-12", "2024-07-19"]


@pytest.fixture(autouse=True)
def _lifted(no_length_budget):
    """These tests read every crowding sentence, which a quiet week's budget cuts, as it should in an issue."""


def _need(*paths: Path) -> None:
    for p in paths:
        if not p.is_file():
            pytest.skip(f"real data not found at {p} (it ships beside the repo in ../shared, not in it)")


def _settings(**positioning):
    s = load_settings(SETTINGS)
    # breadth is not what these tests are about: one member keeps the csv loads small
    return s.model_copy(update={"positioning": s.positioning.model_copy(update=positioning),
                                "breadth": s.breadth.model_copy(update={"universe": ["IWM"], "min_members": 1})})


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    _need(MARKET_DIR / "IWM.csv", RVX, COT)
    folder = tmp_path_factory.mktemp("market")
    for f in MARKET_DIR.glob("*.csv"):
        (folder / f.name).symlink_to(f)
    (folder / RVX.name).symlink_to(RVX)
    s = _settings(cot=True, cot_file=str(COT))
    market = CsvFolderSource(folder).load([s.pair.small, s.pair.large], s.optional_tickers(), s.tickers.levels(), [])
    return with_positioning(market, s), s


def _close(path: Path) -> pd.Series:
    frame = pd.read_csv(path, index_col="Date", parse_dates=True)
    return frame["Close"]


# --- the gauges on real data, computed again by hand ------------------------------------------------------

@pytest.mark.parametrize("day", WEEKS)
def test_hedging_gauge_on_real_weeks(real, day):
    market, s = real
    session = pd.Timestamp(day)
    c = crowding_at(market.upto(session), s, session)
    rvx, vix = _close(RVX).loc[:day], _close(MARKET_DIR / "^VIX.csv").loc[:day]
    both = pd.DataFrame({"rvx": rvx, "vix": vix}).dropna()
    spread = (both["rvx"] - both["vix"]).iloc[-252:]
    assert c.hedge_date == session.date()
    assert c.small_vol_level == pytest.approx(both["rvx"].iloc[-1])
    assert c.hedge_spread == pytest.approx(spread.iloc[-1])
    assert c.hedge_ratio == pytest.approx(both["rvx"].iloc[-1] / both["vix"].iloc[-1])
    assert c.hedge_percentile == pytest.approx((spread <= spread.iloc[-1]).mean())


def test_hedging_gauge_hand_checked():
    """2021-02-12, read off the files' own lines: ^RVX.csv 31.38, ^VIX.csv 19.97 -> 11.41 points."""
    _need(MARKET_DIR / "IWM.csv", RVX)
    from generator.metrics.crowding import hedging

    out = hedging(_close(RVX), _close(MARKET_DIR / "^VIX.csv"), pd.Timestamp("2021-02-12"), 252)
    assert out[0] == 31.38 and out[1] == pytest.approx(19.97, abs=1e-6)
    assert out[2] == pytest.approx(11.41, abs=1e-6)
    assert out[4] > HEDGE_DEAR  # a premium in the top fifth of its year: "paying up to hedge"


@pytest.mark.parametrize("day", WEEKS)
def test_volume_gauge_on_real_weeks(real, day):
    market, s = real
    session = pd.Timestamp(day)
    c = crowding_at(market.upto(session), s, session)
    volume = pd.read_csv(MARKET_DIR / "IWM.csv", index_col="Date", parse_dates=True)["Volume"].loc[:day]
    week, base = volume.iloc[-5:].mean(), volume.iloc[-55:-5].mean()
    assert c.volume_week == pytest.approx(week) and c.volume_average == pytest.approx(base)
    assert c.volume_ratio == pytest.approx(week / base - 1)
    ratios = [volume.iloc[i - 4:i + 1].mean() / volume.iloc[i - 54:i - 4].mean() - 1
              for i in range(len(volume) - 252, len(volume))]
    assert c.volume_percentile == pytest.approx(np.mean(np.array(ratios) <= ratios[-1]))


def test_volume_surge_in_march_2020(real):
    market, s = real
    c = crowding_at(market.upto(pd.Timestamp("2020-03-20")), s, pd.Timestamp("2020-03-20"))
    assert c.volume_ratio > VOLUME_SURGE and c.volume_percentile > 0.9


# --- CFTC positioning ---------------------------------------------------------------------------------------

def _cot_rows() -> list[dict]:
    with COT.open(newline="") as fh:
        return [{k.strip(): v.strip() for k, v in row.items()} for row in csv.DictReader(fh)]


def test_cot_net_share_and_percentile_hand_checked(real):
    """The report of Tuesday 2021-02-09 (released Friday 2021-02-12), from the raw row: open interest 569,233,
    asset managers 248,136 long and 137,108 short, leveraged funds 80,276 long and 168,961 short."""
    market, s = real
    rows = {r["Report_Date_as_YYYY-MM-DD"]: r for r in _cot_rows()}
    row = rows["2021-02-09"]
    oi = float(row["Open_Interest_All"])
    am = (float(row["Asset_Mgr_Positions_Long_All"]) - float(row["Asset_Mgr_Positions_Short_All"])) / oi
    lm = (float(row["Lev_Money_Positions_Long_All"]) - float(row["Lev_Money_Positions_Short_All"])) / oi
    assert (oi, am) == (569233.0, pytest.approx(111028 / 569233))
    assert lm == pytest.approx(-88685 / 569233)
    c = crowding_at(market.upto(pd.Timestamp("2021-02-12")), s, pd.Timestamp("2021-02-12"))
    assert c.cot_report_date == date(2021, 2, 9) and c.cot_release_date == date(2021, 2, 12)
    assert c.asset_mgr_net_share == pytest.approx(am) and c.lev_money_net_share == pytest.approx(lm)
    # the three years of reports up to it (2018-02-10 .. 2021-02-09), by hand
    window = [r for d, r in rows.items() if "2018-02-10" <= d <= "2021-02-09"]

    def share(r, side):
        return (float(r[f"{side}_Positions_Long_All"]) - float(r[f"{side}_Positions_Short_All"])) \
            / float(r["Open_Interest_All"])

    assert c.cot_window_reports == len(window)
    assert c.asset_mgr_percentile == pytest.approx(np.mean([share(r, "Asset_Mgr") <= am for r in window]))
    assert c.lev_money_percentile == pytest.approx(np.mean([share(r, "Lev_Money") <= lm for r in window]))
    assert c.lev_money_percentile <= COT_LOW  # leveraged funds crowded short in February 2021


def test_release_rule_no_look_ahead(real):
    market, s = real
    cot = market.cot
    # Thursday: that week's Tuesday report is not out yet
    assert cot_reading(cot, pd.Timestamp("2021-02-11"), 3, 52)["report"] == date(2021, 2, 2)
    assert cot_reading(cot, pd.Timestamp("2021-02-12"), 3, 52)["report"] == date(2021, 2, 9)
    # July 4 (a Thursday) in 2019: the report of Tuesday July 2 came out on Monday July 8
    assert release_date(date(2019, 7, 2)) == date(2019, 7, 8)
    assert cot_reading(cot, pd.Timestamp("2019-07-05"), 3, 52)["report"] == date(2019, 6, 25)
    assert cot_reading(cot, pd.Timestamp("2019-07-08"), 3, 52)["report"] == date(2019, 7, 2)
    # cutting the market at a session keeps no unreleased report, and the percentile only sees the released
    for day in ("2019-07-05", "2020-03-19", "2024-07-19"):
        session = pd.Timestamp(day)
        cut = market.upto(session).cot
        assert (cut["release"] <= session).all()
        assert cot_reading(cut, session, 3, 52) == cot_reading(cot, session, 3, 52)
    assert cot_reading(cot, pd.Timestamp("2017-08-17"), 3, 52) is None  # the first report is released on 08-18


def test_stale_reading_is_said_to_be_stale(real):
    """The file has no reports from 2022-08-23 to 2023-12-26: in June 2023 the latest is ten months old."""
    market, s = real
    session = pd.Timestamp("2023-06-16")
    cut = cut_at(market, session)
    m = compute_metrics(cut, s, session)
    assert m.crowding.cot_stale and m.crowding.cot_report_date == date(2022, 8, 16)
    assert m.crowding.cot_age_weeks == 43
    _, w, _ = write_words(m, cut, s, make_environment(None))
    crowd = {r.sentence.key: r.text for r in w.rendered if r.sentence.words == "crowding"}
    assert "cot_stale" in crowd and not {"cot_high", "cot_low", "cot_middle"} & set(crowd)
    assert "43 weeks" in crowd["cot_stale"] and "August 16, 2022" in crowd["cot_stale"]
    assert not [f for f in w.flags if f.section == "risks"]
    # four days after a report, the same gauge is current
    fresh = crowding_at(market.upto(pd.Timestamp("2024-07-19")), s, pd.Timestamp("2024-07-19"))
    assert not fresh.cot_stale and fresh.cot_age_days == 3


# --- bad input --------------------------------------------------------------------------------------------

def test_cot_file_errors_name_file_and_field(tmp_path):
    _need(COT)
    header = COT.read_text().splitlines()[0]
    wrong = tmp_path / "legacy.txt"
    wrong.write_text(header.replace("Asset_Mgr_Positions_Long_All", "NonComm_Positions_Long_All") + "\n")
    with pytest.raises(DataError, match=r"legacy\.txt: line 1: no Asset_Mgr_Positions_Long_All column"):
        read_cot_file(wrong)
    lines = COT.read_text().splitlines()
    bad = tmp_path / "bad.txt"
    bad.write_text("\n".join([lines[0], lines[1], lines[2].replace("2017-08-22", "22/08/2017")]) + "\n")
    with pytest.raises(DataError, match=r"bad\.txt: line 3: unparseable Report_Date_as_YYYY-MM-DD"):
        read_cot_file(bad)
    with pytest.raises(DataError, match="no rows with CFTC_Contract_Market_Code 23977A"):
        read_cot_file(COT, "23977A")


def test_cot_on_without_file_is_a_settings_error(tmp_path):
    text = re.sub(r"^  cot: false\b", "  cot: true", SETTINGS.read_text(), flags=re.M)
    assert "  cot: true" in text
    path = tmp_path / "settings.yaml"
    path.write_text(text)
    with pytest.raises(SettingsError, match="positioning"):
        load_settings(path)


# --- sentences ----------------------------------------------------------------------------------------------

def _crowding(w) -> dict[str, str]:
    return {r.sentence.key: r.text for r in w.rendered if r.sentence.words == "crowding"}


def test_every_gauge_absent_says_so_and_the_build_succeeds(tmp_path):
    from generator.data import load_prices
    from generator.pipeline import build_issue

    s = _settings(cot=True, cot_file=str(tmp_path / "no-such-cftc-file.txt"))
    market = load_prices(s, source="sample")
    assert any("no-such-cftc-file.txt" in n for n in market.notes) and market.cot is None
    # no ^RVX and no volume either
    small = market[s.pair.small]
    histories = {t: h for t, h in market.histories.items() if t != "^RVX"}
    histories[s.pair.small] = dataclasses.replace(small, frame=small.frame.drop(columns="volume"))
    bare = dataclasses.replace(market, histories=histories, missing=market.missing + ("^RVX",))
    session = pd.Timestamp("2024-07-12")
    cut = cut_at(bare, session)
    m = compute_metrics(cut, s, session)
    c = m.crowding
    assert (c.hedge_spread, c.volume_ratio, c.cot_report_date, c.cot_loaded) == (None, None, None, False)
    assert (c.hedge_in_data, c.volume_in_data) == (False, False)
    _, w, _ = write_words(m, cut, s, make_environment(None))
    crowd = _crowding(w)
    assert list(crowd) == ["crowding_unavailable"]
    text = crowd["crowding_unavailable"]
    # series the data set never holds are a standing gap, told on the about page, not in every issue (issue 26);
    # a settings file that is missing is news for the editor
    assert "^RVX" not in text and "trading volume" not in text
    assert "CFTC file named in settings.yaml is missing" in text
    built = build_issue(s, market=bare, as_of=session.date(), out_dir=tmp_path / "out")
    html = (built.folder / "report.html").read_text()
    assert "Some crowding gauges are unavailable this week" in html
    assert not [f for f in built.open_flags if f.section == "risks"]


def test_a_series_gone_missing_this_week_is_a_data_note(settings):
    """^RVX in the data but without a quote in the week (its history stops a month before): the note names the
    hedging gauge; the same data set without ^RVX at all says nothing of it (a standing gap)."""
    from generator.data import load_prices

    market = load_prices(settings, source="sample")
    session = pd.Timestamp("2024-07-12")
    rvx = market["^RVX"]
    stopped = dataclasses.replace(rvx, frame=rvx.frame.loc[:"2024-06-07"])
    notes = {}
    for name, histories in (("stopped", {**market.histories, "^RVX": stopped}),
                            ("absent", {t: h for t, h in market.histories.items() if t != "^RVX"})):
        cut = cut_at(dataclasses.replace(market, histories=histories), session)
        _, w, _ = write_words(compute_metrics(cut, settings, session), cut, settings, make_environment(None))
        notes[name] = _crowding(w).get("crowding_unavailable", "")
    assert "^RVX" in notes["stopped"] and "hedging gauge" in notes["stopped"]
    assert "^RVX" not in notes["absent"]


def test_sample_build_shows_the_gauges(settings, monkeypatch):
    import generator.commentary.words as words_module

    monkeypatch.setattr(words_module, "MAX_WORDS", 10_000)  # every gauge's sentence, none trimmed for length
    monkeypatch.setattr(words_module, "HARD_MAX", 10_000)  # nor a second core gauge for the hard limit
    from generator.data import load_prices

    s = _settings()
    market = load_prices(s, source="sample")
    session = pd.Timestamp("2024-07-12")
    cut = cut_at(market, session)
    m = compute_metrics(cut, s, session)
    assert 0 < m.crowding.hedge_spread < 15 and m.crowding.hedge_percentile is not None
    assert m.crowding.volume_ratio is not None and not m.crowding.cot_configured
    _, w, doc = write_words(m, cut, s, make_environment(None))
    keys = list(_crowding(w))
    assert keys[0].startswith("hedge_") and keys[1].startswith("volume_") and len(keys) == 2  # cot off: silent
    assert doc["crowding"]["hedge_spread"] == m.crowding.hedge_spread
    assert not [f for f in w.flags if f.section == "risks"]


def _variants_flags(env, s, m, doc, rendered: list[Rendered]) -> list[str]:
    """Fact-check the other phrasings (key__2, key__3) of every crowding sentence, with the same declaration."""
    say = _Speaker(env, word_names(s, m))
    problems = []
    for r in rendered:
        for suffix in ("__2", "__3"):
            other = dataclasses.replace(r.sentence, key=r.sentence.key + suffix)
            text = plain(say(other, doc))
            for f in fact_check([Rendered(other, text, 0)], doc, names=[m.small, m.large]):
                problems.append(f"{m.as_of} {other.key}: [{f.cls}] {f.detail}: {text}")
    return problems


@pytest.mark.history
def test_fact_check_passes_over_real_weeks_2010_2025(real):
    """About 85 real weeks spread over 2010-2025 (every tenth), plus the hand-picked ones: no flag on a
    crowding sentence, in any of its phrasings, and the gauges take every side over the history."""
    market, s = real
    env = make_environment(None)
    index = market[s.pair.small].frame.index.intersection(market[s.pair.large].frame.index)
    fridays = pd.Series(index, index=index).groupby(index.to_period("W-SUN")).last()
    ends = [d for d in fridays if pd.Timestamp("2010-01-01") <= d <= pd.Timestamp("2025-12-31")]
    sessions = sorted(set(ends[::10]) | {pd.Timestamp(d) for d in WEEKS + ["2023-06-16"]})
    seen, flags = set(), []
    for session in sessions:
        cut = cut_at(market, session)
        m = compute_metrics(cut, s, session)
        _, w, doc = write_words(m, cut, s, env)
        crowd = [r for r in w.rendered if r.sentence.words == "crowding"]
        assert crowd, f"{session.date()}: no crowding sentence"
        seen |= {r.sentence.key for r in crowd}
        flags += [f"{session.date()} [{f.cls}] {f.detail}: {f.sentence}" for f in w.flags if f.section == "risks"]
        flags += _variants_flags(env, s, m, doc, crowd)
    assert not flags, "\n".join(flags)
    assert {"hedge_dear", "hedge_cheap", "hedge_normal", "hedge_normal_stressed", "volume_normal", "cot_low",
            "cot_stale", "crowding_unavailable"} <= seen, seen
    # a surge's reading, whether it quotes the week's move or refers back to the standfirst's (words._repeats)
    assert {k.removesuffix("_told") for k in seen} & {"volume_surge_selling", "volume_surge_buying", "volume_surge_flat"}



def test_yfinance_fetches_the_small_cap_volatility_index(monkeypatch, tmp_path):
    """^RVX is fetched like every optional ticker (yfinance faked at its boundary, frames shaped as 1.7 returns
    them: an index level has Close = Adj Close and zero volume)."""
    import yfinance

    from generator.data.yahoo import Fetcher, YFinanceSource
    from generator.settings import Tickers
    from tests.fake_yahoo import FakeDownload, truth
    from datetime import datetime, timezone

    frames = truth(["IWM", "SPY", "^VIX", "^RVX"])
    rng = np.random.default_rng(3)
    for ticker, base in (("^VIX", 16.0), ("^RVX", 21.0)):
        f = frames[ticker]
        level = base + np.abs(np.cumsum(rng.normal(0, 0.3, len(f)))) % 12
        f[["Open", "High", "Low", "Close", "Adj Close"]] = np.column_stack([level] * 5)
        f["Volume"] = 0.0
    fake = FakeDownload(frames)
    monkeypatch.setattr(yfinance, "download", fake)
    s = _settings()
    s = s.model_copy(update={"tickers": Tickers(volatility="^VIX", small_volatility="^RVX"),
                             "data": s.data.model_copy(update={"cache_dir": str(tmp_path / "cache"),
                                                               "history_start": date(2020, 1, 2)})})
    src = YFinanceSource(s, now=datetime(2025, 10, 31, 21, 0, tzinfo=timezone.utc),
                         fetcher=Fetcher(retries=0, backoff=0, timeout=5, sleep=lambda _: None))
    market = src.load([s.pair.small, s.pair.large], s.optional_tickers(), s.tickers.levels(), [])
    assert "^RVX" in fake.calls[0]["tickers"]
    session = pd.Timestamp("2025-10-31")
    c = crowding_at(market, s, session)
    assert c.hedge_spread == pytest.approx(frames["^RVX"]["Close"].iloc[-1] - frames["^VIX"]["Close"].iloc[-1])
    assert c.volume_ratio == pytest.approx(frames["IWM"]["Volume"].iloc[-5:].mean()
                                           / frames["IWM"]["Volume"].iloc[-55:-5].mean() - 1)


# --- the optional download, the CFTC faked at its boundary ---------------------------------------------------

def _zips_by_year() -> dict[int, bytes]:
    """The real file's rows split into the CFTC's yearly zips (fut_fin_txt_YYYY.zip holding FinFutYY.txt)."""
    import io
    import zipfile

    lines = COT.read_text().splitlines()
    out = {}
    for year in sorted({int(line.split(",")[2][:4]) for line in lines[1:]}):
        rows = [line for line in lines[1:] if line.split(",")[2].startswith(str(year))]
        blob = io.BytesIO()
        with zipfile.ZipFile(blob, "w") as z:
            z.writestr("FinFutYY.txt", "\r\n".join([lines[0], *rows]) + "\r\n")
        out[year] = blob.getvalue()
    return out


def test_cot_download_fills_its_own_cache_and_is_reused(monkeypatch, tmp_path):
    import urllib.error
    from datetime import datetime, timedelta

    from generator.data.model import MarketData

    import generator.data.cot_download as dl
    from generator.data.cot_download import update_cot_cache

    _need(COT)
    zips, calls = _zips_by_year(), []

    def fake_fetch(url, timeout):
        calls.append(url)
        year = int(url.rsplit("_", 1)[1].removesuffix(".zip"))
        if year not in zips:
            raise urllib.error.HTTPError(url, 404, "Not Found", {}, None)
        return zips[year]

    monkeypatch.setattr(dl, "_fetch", fake_fetch)
    s = _settings(cot=True, cot_download=True, cot_cache_dir=str(tmp_path / "cot"))
    market = with_positioning(MarketData("csv", "test data", {}), s)
    years = [int(u.rsplit("_", 1)[1][:4]) for u in calls]
    assert years == list(range(2017, datetime.now().year + 1))
    assert all(u == dl.URL.format(year=y) for u, y in zip(calls, years))
    # a year the fake has no file for (2023) is a note; the rest is read: the same reports as the shared file
    assert [n for n in market.notes if "download failed" in n] == [
        f"positioning: {dl.URL.format(year=2023)}: download failed (HTTP Error 404: Not Found); no copy of 2023"]
    pd.testing.assert_frame_equal(market.cot, read_cot_file(COT), check_freq=False)
    assert sorted(p.name for p in (tmp_path / "cot").iterdir())[:2] == ["FinFut2017.txt", "FinFut2018.txt"]
    # a second load within a day fetches only the year still missing; offline fetches nothing
    calls.clear()
    again = with_positioning(MarketData("csv", "test data", {}), s)
    assert calls == [dl.URL.format(year=2023)] and len(again.cot) == len(market.cot)
    calls.clear()
    with_positioning(MarketData("csv", "test data", {}), s, offline=True)
    assert calls == []
    # two days on, the current year is fetched again (new weekly reports); settled past years are not
    later = datetime.now() + timedelta(days=2)
    update_cot_cache(tmp_path / "cot", 2017, now=later, fetch=fake_fetch)
    assert [int(u.rsplit("_", 1)[1][:4]) for u in calls] == sorted({2023, later.year})


def test_cot_download_that_fails_leaves_the_gauge_unavailable(monkeypatch, tmp_path):
    import urllib.error

    import generator.data.cot_download as dl
    from generator.data.model import MarketData

    def down(url, timeout):
        raise urllib.error.URLError("timed out")

    monkeypatch.setattr(dl, "_fetch", down)
    s = _settings(cot=True, cot_download=True, cot_cache_dir=str(tmp_path / "cot"))
    market = with_positioning(MarketData("csv", "test data", {}), s)
    assert market.cot is None
    assert any("download failed (<urlopen error timed out>)" in n for n in market.notes)
    assert any("no CFTC reports for code 239742 in the cache" in n for n in market.notes)
    sample = with_positioning(load_sample(s), s)
    session = pd.Timestamp("2024-07-12")
    cut = cut_at(sample, session)
    m = compute_metrics(cut, s, session)
    _, w, _ = write_words(m, cut, s, make_environment(None))
    assert "futures positioning (no CFTC reports could be downloaded)" in _crowding(w)["crowding_unavailable"]
    assert not [f for f in w.flags if f.section == "risks"]


def load_sample(s):
    from generator.data import load_prices

    return load_prices(s, source="sample")
