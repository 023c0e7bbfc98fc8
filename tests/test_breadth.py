"""Breadth: the universe file, the (sessions x members) computation against plain pandas, loading members from
every source (missing and bad members counted, never fatal), and the real single-stock data beside the repo
(../shared/data/breadth: read its PROVENANCE.md; these tests skip when it is absent)."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import generator.metrics.breadth as breadth_module
from generator.commentary.words import write_words
from generator.data import load_prices
from generator.data.cache import PriceCache, checksum, checksum_arrays, decode_arrays, encode_frame
from generator.data.model import MemberPrices, TickerHistory
from generator.data.universe import DEFAULT_FILE, read_holdings, read_universe, yahoo_symbol
from generator.data.validate import member_problems, validate_history
from generator.errors import DataError, SettingsError
from generator.metrics import compute_metrics
from generator.metrics.breadth import breadth_at, breadth_history, closes_matrix, member_history
from generator.metrics.periods import last_on_or_before, weeks_target
from generator.metrics.periods import week_start as monday
from generator.pipeline import build_issue, cut_at, pick_session
from generator.render.environment import make_environment
from generator.settings import load_settings
from tests.conftest import MARKET_DIR, ROOT, SETTINGS, history

BREADTH_DIR = ROOT.parent / "shared" / "data" / "breadth"
PARTIAL = "partial_2024-03"
IJR_2021 = "universe-IJR_SP600-l-vicen_ETF-grouper-2021-03-10.csv"
IWM_2023 = "universe-IWM_R2000-adamjbradley_finance_data-2023-11-22.csv"
IWM_2025 = "universe-IWM_R2000-ebaybasics_SignalCraft-2025-05-13.csv"


@pytest.fixture(scope="session")
def breadth_dir() -> Path:
    if not (BREADTH_DIR / "PROVENANCE.md").is_file():
        pytest.skip(f"real breadth data not found at {BREADTH_DIR} (it ships beside the repo in ../shared, not in it)")
    return BREADTH_DIR


def _settings_file(folder: Path, **breadth) -> Path:
    raw = yaml.safe_load(SETTINGS.read_text(encoding="utf-8"))
    raw["breadth"].update(breadth)
    raw["output"]["dir"] = str(folder / "reports")
    raw["data"]["cache_dir"] = str(folder / "cache")
    path = folder / "settings.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


# --- plain pandas, written independently of generator/metrics/breadth.py ------------------------------------

def _naive(frame: pd.DataFrame, large: pd.Series, year: int) -> dict[str, np.ndarray]:
    """Every count per session the obvious way (rolling windows that need every close)."""
    ref = frame.loc[str(year)]
    high = ref.max().where(ref.notna().sum() >= 50)
    after = (frame.index.year > year)[:, None]
    known_ref = frame.notna() & high.notna() & after
    sma = frame.rolling(200, min_periods=200).mean()
    prior_max = frame.rolling(252, min_periods=252).max().shift(1)
    prior_min = frame.rolling(252, min_periods=252).min().shift(1)
    growth = frame / frame.shift(65)
    large_growth = large / large.shift(65)
    return {
        "with_data": frame.notna().sum(axis=1).to_numpy(),
        "below_reference": (frame.lt(high) & known_ref).sum(axis=1).to_numpy(),
        "reference_known": known_ref.sum(axis=1).to_numpy(),
        "above_200d": ((frame > sma) & sma.notna()).sum(axis=1).to_numpy(),
        "known_200d": sma.notna().sum(axis=1).to_numpy(),
        "at_high": ((frame > prior_max) & prior_max.notna()).to_numpy(),
        "at_low": ((frame < prior_min) & prior_min.notna()).to_numpy(),
        "known_52w": (prior_max.notna() & frame.notna()).sum(axis=1).to_numpy(),
        "beat_large_13w": growth.gt(large_growth, axis=0).sum(axis=1).to_numpy(),
        "known_13w": (growth.notna() & large_growth.notna().to_numpy()[:, None]).sum(axis=1).to_numpy(),
    }


def _synthetic(seed: int = 1, members: int = 48) -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2019-01-01", "2024-12-31")
    x = 20 * np.exp(np.cumsum(rng.normal(0, 0.02, (len(idx), members)), axis=0))
    x[:300, :5] = np.nan                 # listed late
    x[-100:, 5:8] = np.nan               # delisted early
    x[500:503, 9] = np.nan               # a short gap
    x[700:990, 10] = np.nan              # a long one
    for j in range(12, members, 4):      # pinned prices (a pending takeover): closes sit exactly on their average
        x[400:900, j] = x[400, j]
    x[1000:1300, 13] = 12.34
    x = x.astype(np.float32).astype(np.float64)  # the matrix breadth works on is float32
    large = pd.Series(100 * np.exp(np.cumsum(rng.normal(0, 0.01, len(idx)))), index=idx)
    return pd.DataFrame(x, index=idx), large


def test_history_matches_plain_pandas_for_every_session_and_member():
    frame, large = _synthetic()
    got = breadth_history(frame.to_numpy(), frame.index, list(frame.columns), large.to_numpy(), 2021)
    want = _naive(frame, large, 2021)
    for name, expected in want.items():
        assert np.array_equal(getattr(got, name), expected), name
    assert got.known_200d[-1] == got.with_data[-1] == frame.shape[1] - 3  # three delisted before the end
    assert got.known_200d[980] == frame.shape[1] - 1  # the member inside its long gap is not measured
    assert got.share("above_200d", "known_200d").dropna().between(0, 1).all()


def test_float32_sums_are_settled_exactly_near_the_average(monkeypatch):
    """Pinned prices sit on their own 200-day average: float32 sums alone miscount them, the float64 recheck
    does not (the test input is chosen so that it matters)."""
    frame, large = _synthetic(seed=5)
    want = _naive(frame, large, 2021)["above_200d"]
    got = breadth_history(frame.to_numpy(), frame.index, list(frame.columns), large.to_numpy(), 2021)
    assert np.array_equal(got.above_200d, want)
    monkeypatch.setattr(breadth_module, "_SUM_TOLERANCE", 0.0)
    rough = breadth_history(frame.to_numpy(), frame.index, list(frame.columns), large.to_numpy(), 2021)
    assert not np.array_equal(rough.above_200d, want)


def test_a_short_history_has_no_windowed_measures():
    idx = pd.bdate_range("2022-01-03", periods=60)
    x = np.linspace(10, 12, 60)[:, None].repeat(3, axis=1)
    got = breadth_history(x, idx, ["A", "B", "C"], np.linspace(100, 101, 60), 2021)
    assert got.with_data.tolist() == [3] * 60 and not got.known_200d.any() and not got.known_52w.any()
    assert not got.known_13w.any() and not got.at_high.any()


def test_closes_matrix_places_members_and_fills_only_short_gaps_inside_their_history():
    idx = pd.bdate_range("2024-01-01", periods=30)
    days = idx.as_unit("ns").asi8
    a = np.arange(30, dtype=float) + 1
    keep_a = np.r_[0:5, 8:12, 20:25]                  # gaps of 3 and 8 sessions, then delisted after row 24
    b_days = np.r_[days[10:], pd.Timestamp("2024-03-02").value]  # lists late; one bar on a Saturday
    members = MemberPrices.from_arrays({"A": (days[keep_a], a[keep_a]), "B": (b_days, np.arange(21.0) + 100)})
    x = closes_matrix(members, idx)
    assert x.dtype == np.float32 and x.shape == (30, 2)
    col = x[:, 0]
    assert col[5:8].tolist() == [5.0, 5.0, 5.0]       # a gap of three: carried forward
    assert col[12:17].tolist() == [12.0] * 5 and np.isnan(col[17:20]).all()  # of eight: the first five only
    assert np.isnan(col[25:]).all()                    # nothing after its last close
    assert np.isnan(x[:10, 1]).all() and x[10, 1] == 100 and x[-1, 1] == 119  # the Saturday bar is not a session


def test_member_prices_union_cut_and_fingerprint():
    a_days = pd.bdate_range("2024-01-01", periods=10).as_unit("ns").asi8
    b_days = pd.bdate_range("2024-01-03", periods=10).as_unit("ns").asi8
    m = MemberPrices.from_arrays({"A": (a_days, np.arange(10.0)), "B": (b_days[::2], np.arange(5.0))},
                                 missing=("C",))
    assert len(m.index) == 11 and np.isnan(m.closes[0, 1]) and m.closes[2, 1] == 0 and np.isnan(m.closes[3, 1])
    cut = m.upto(pd.Timestamp("2024-01-05"))
    assert list(cut.index.strftime("%d")) == ["01", "02", "03", "04", "05"] and cut.missing == ("C",)
    from generator.data.model import MarketData

    plain = MarketData("csv", "t", {"X": history("X", [1.0, 2.0])})
    other = MarketData("csv", "t", {"X": history("X", [1.0, 2.0])}, members=m)
    assert plain.fingerprint() != other.fingerprint() != MarketData("csv", "t", plain.histories,
                                                                   members=cut).fingerprint()


def _group(values: dict[str, np.ndarray], idx: pd.DatetimeIndex, missing=()) -> MemberPrices:
    days = idx.as_unit("ns").asi8
    return MemberPrices.from_arrays({t: (days[~np.isnan(v)], v[~np.isnan(v)]) for t, v in values.items()},
                                    missing=missing)


def test_shares_are_of_the_members_measured_never_of_the_universe():
    idx = pd.bdate_range("2021-01-04", "2023-06-30")
    n = len(idx)
    rising, falling = np.linspace(10, 30, n), np.linspace(30, 10, n)
    gone = falling.copy()
    gone[-40:] = np.nan                               # delisted before the week: no data this session
    late = rising.copy()
    late[:-150] = np.nan                              # listed in 2023: no 2021 high, no 200-day average
    large = pd.Series(np.linspace(100, 110, n), index=idx)
    session, start = idx[-1], monday(idx[-1].date())
    for missing in ((), tuple(f"X{i}" for i in range(50))):
        group = _group({"UP": rising, "DOWN": falling, "GONE": gone, "LATE": late}, idx, missing)
        got = breadth_at(member_history(group, large, 2021, 2), group, 4 + len(missing), session, start, 2)
        assert (got.with_data, got.missing) == (3, len(missing))
        assert (got.below_reference_high, got.reference_measured, got.share_below) == (1, 2, 0.5)  # UP, DOWN
        assert (got.above_200d, got.measured_200d, got.share_above_200d) == (1, 2, 0.5)
        assert (got.beat_large_13w, got.measured_13w) == (2, 3)  # UP and LATE beat a 10%-a-year index
        assert got.share_beat_large_13w == pytest.approx(2 / 3)


def test_the_weeks_figures_do_not_depend_on_how_much_history_is_computed():
    frame, large = _synthetic(seed=3)
    group = _group({str(c): frame[c].to_numpy() for c in frame.columns}, frame.index)
    for session in (frame.index[-1], frame.index[-300], frame.index[900]):
        spy = large.loc[:session]
        short = member_history(group.upto(session), spy, 2021, 5, weeks=30)
        long = member_history(group.upto(session), spy, 2021, 5, years=5)
        assert len(short.index) < len(long.index)
        start = monday(session.date())
        assert breadth_at(short, group, 48, session, start, 5) == breadth_at(long, group, 48, session, start, 5)


def test_fewer_members_than_min_members_means_no_breadth(settings):
    idx = pd.bdate_range("2021-01-04", "2023-06-30")
    group = _group({"A": np.linspace(10, 30, len(idx)), "B": np.linspace(30, 10, len(idx))}, idx)
    large = pd.Series(np.linspace(100, 110, len(idx)), index=idx)
    assert member_history(group, large, 2021, min_members=3) is None
    h = member_history(group, large, 2021, min_members=2)
    session = idx[-1]
    assert breadth_at(h, group, 2, session, monday(session.date()), min_members=3) is None
    assert breadth_at(h, group, 2, session, monday(session.date()), min_members=2) is not None


# --- the universe file -------------------------------------------------------------------------------------

def test_plain_list_with_comments_as_of_and_dotted_classes(tmp_path):
    path = tmp_path / "u.txt"
    path.write_text("# my universe\n# as of: 2024-03-28\n\nabcb\nMOG.A   # Moog class A\nBRK-B\nABCB\n",
                    encoding="utf-8")
    u = read_universe(path)
    assert (u.tickers, u.as_of, u.kind) == (("ABCB", "MOG-A", "BRK-B"), date(2024, 3, 28), "list")
    assert read_universe(path, {"BRK-B": "BRKB"}).tickers[-1] == "BRKB"  # breadth.symbols applies to lists too


@pytest.mark.parametrize("body, message", [
    ("AAPL\nnot a ticker\n", "line 2: 'NOT A TICKER' is not a ticker"),
    ("# as of: 2024-13-45\nAAPL\n", "line 1: '2024-13-45' is not a date"),
    ("# only comments\n\n", "no tickers found"),
    ("Ticker,Name,Asset Class\n", "no tickers found"),
])
def test_universe_file_errors_name_the_file_and_line(tmp_path, body, message):
    path = tmp_path / "u.txt"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(SettingsError) as err:
        read_universe(path)
    line = err.value.one_line()
    assert message in line and str(path) in line and "\n" not in line


def test_missing_and_binary_universe_files(tmp_path):
    with pytest.raises(SettingsError, match="breadth universe file not found"):
        read_universe(tmp_path / "nope.txt")
    (tmp_path / "bin.txt").write_bytes(b"\xff\xfe\x00A")
    with pytest.raises(SettingsError, match="not UTF-8"):
        read_universe(tmp_path / "bin.txt")


def test_holdings_csv_preamble_equities_only_and_class_shares(tmp_path):
    text = "\n".join([
        "\ufeffiShares Russell 2000 ETF",
        'Fund Holdings as of,"Jan 05, 2024"',
        " ",
        "Ticker,Name,Sector,Asset Class,Weight (%),Exchange",
        '"BRKB","BERKSHIRE HATHAWAY INC CLASS B","Financials","Equity","0.50","New York Stock Exchange Inc."',
        '"GEF","GREIF INC CLASS A","Materials","Equity","0.20","New York Stock Exchange Inc."',
        '"GEFB","GREIF INC CLASS B","Materials","Equity","0.10","New York Stock Exchange Inc."',
        '"CENT","CENTRAL GARDEN & PET","Staples","Equity","0.10","NASDAQ"',
        '"CENTA","CENTRAL GARDEN & PET CLASS A","Staples","Equity","0.10","NASDAQ"',
        '"CVNA","CARVANA CLASS A","Cons","Equity","0.10","New York Stock Exchange Inc."',
        '"XYZB","XYZ HOLDINGS","Cons","Equity","0.10","NASDAQ"',
        '"XTSLA","BLK CSH FND TREASURY SL AGENCY","Cash","Money Market","1.00","-"',
        '"-","ESCROW","Health Care","Equity","0.00","NO MARKET"',
        '"RTYH4","RUSSELL 2000 EMINI","Cash","Futures","0.00","CME"',
        "The content is for information only.",
    ])
    path = tmp_path / "holdings.csv"
    path.write_text(text, encoding="utf-8")
    u = read_universe(path, {"XYZB": "XYZ-B"})
    assert u.kind == "holdings" and u.as_of == date(2024, 1, 5)
    assert u.tickers == ("BRK-B", "GEF", "GEF-B", "CENT", "CENTA", "CVNA", "XYZ-B")
    rows, _ = read_holdings(text, path)
    assert [r.weight for r in rows][:2] == [0.5, 0.2] and rows[2].ticker == "GEFB"
    assert yahoo_symbol("MOGA") == "MOG-A" and yahoo_symbol("abc.d") == "ABC-D"


def test_the_three_shared_holdings_files(breadth_dir):
    sizes = {IJR_2021: (601, None), IWM_2023: (1971, None), IWM_2025: (1933, date(2025, 5, 13))}
    for name, (size, as_of) in sizes.items():
        u = read_universe(breadth_dir / name)
        assert (u.size, u.as_of, u.kind) == (size, as_of, "holdings"), name


def test_mapping_reproduces_universe_match_except_yahoos_real_lgf_symbols(breadth_dir):
    match = pd.read_csv(breadth_dir / "universe_match.csv", keep_default_na=False)
    files = {"IJR2021": IJR_2021, "IWM2023": IWM_2023, "IWM2025": IWM_2025}
    for key, name in files.items():
        path = breadth_dir / name
        rows, _ = read_holdings(path.read_bytes().decode("utf-8-sig"), path)
        ours = {r.ticker: r.symbol for r in rows}
        theirs = dict(zip(*match.loc[match["list"] == key, ["holdings_ticker", "yf_symbol"]].to_numpy().T))
        assert set(ours) == set(theirs), key
        differ = {t: (ours[t], theirs[t]) for t in ours if ours[t] != theirs[t]}
        expected = {"LGFA": ("LGF-A", "LGFA"), "LGFB": ("LGF-B", "LGFB")} if key == "IWM2023" else {}
        assert differ == expected, key
        assert ours.get("MOGA") == "MOG-A"


def test_settings_forms_of_the_universe(tmp_path):
    default = load_settings(_settings_file(tmp_path, universe="default")).universe()
    assert default.size == 600 and default.as_of == date(2025, 5, 13) and default.kind == "list"
    assert default.origin.startswith("default (") and DEFAULT_FILE.parent.parent.name == "data"
    assert DEFAULT_FILE.is_relative_to(ROOT / "generator")  # package data: the wheel ships it with the code
    (tmp_path / "mine.txt").write_text("AIT\nalks\n", encoding="utf-8")
    mine = load_settings(_settings_file(tmp_path, universe="mine.txt", universe_as_of="2024-01-02")).universe()
    assert (mine.tickers, mine.as_of, mine.origin) == (("AIT", "ALKS"), date(2024, 1, 2), "mine.txt")
    inline = load_settings(_settings_file(tmp_path, universe=["AIT", "MOG.A"], symbols={"AIT": "AIT2"})).universe()
    assert (inline.tickers, inline.kind) == (("AIT2", "MOG-A"), "inline")
    (tmp_path / "bad.txt").write_text("AIT\n$$$\n", encoding="utf-8")
    with pytest.raises(SettingsError) as err:
        load_settings(_settings_file(tmp_path, universe="bad.txt"))
    line = next(n for n, text in enumerate((tmp_path / "settings.yaml").read_text().splitlines(), 1)
                if text.startswith("  universe:"))
    assert err.value.one_line() == (f"settings error: {tmp_path / 'settings.yaml'}: line {line}, column 13: breadth.universe: "
                                    f"{tmp_path / 'bad.txt'}: line 2: '$$$' is not a ticker (one Yahoo symbol a "
                                    "line, e.g. MOG-A; '#' starts a comment)")
    with pytest.raises(SettingsError, match="breadth.symbols: Value error|breadth.symbols: not a ticker"):
        load_settings(_settings_file(tmp_path, symbols={"AIT": "no way"}))


def test_default_universe_is_what_make_universe_writes(breadth_dir):
    from scripts.make_universe import universe_text

    assert universe_text(breadth_dir / IWM_2025, 600) == DEFAULT_FILE.read_text(encoding="utf-8")


# --- loading members ---------------------------------------------------------------------------------------

def _pair_folder(folder: Path, sessions: pd.DatetimeIndex) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for t, drift in (("IWM", 0.0002), ("SPY", 0.0003)):
        values = 100 * np.exp(np.arange(len(sessions)) * drift)
        pd.DataFrame({"Date": sessions.strftime("%Y-%m-%d"), "Close": values, "Adj Close": values}).to_csv(
            folder / f"{t}.csv", index=False)


def test_csv_members_missing_or_bad_are_counted_with_one_warning_never_fatal(tmp_path):
    sessions = pd.bdate_range("2021-01-04", "2022-06-30")
    _pair_folder(tmp_path / "data", sessions)
    members = tmp_path / "stocks"
    members.mkdir()
    good = pd.DataFrame({"Date": sessions.strftime("%Y-%m-%d"), "Close": np.linspace(10, 12, len(sessions))})
    good.to_csv(members / "AAA.csv", index=False)
    good.to_csv(members / "BBB.csv", index=False)
    (members / "CCC.csv").write_text("Date,Close\n2021-01-04,10\nnot a date,11\n", encoding="utf-8")
    (members / "DDD.csv").write_text("Date,Close\n2021-01-04,-3\n", encoding="utf-8")
    settings = load_settings(_settings_file(tmp_path, universe=["AAA", "BBB", "CCC", "DDD", "EEE"],
                                            data_dir="stocks", min_members=2))
    market = load_prices(settings, "csv", tmp_path / "data")
    m = market.members
    assert (m.tickers, m.missing, m.rejected) == (("AAA", "BBB"), ("EEE",), ("CCC", "DDD"))
    assert len(market.notes) == 1 and "skipped 2 member file(s)" in market.notes[0] and "CCC.csv" in market.notes[0]
    session = pick_session(market, settings, None)
    metrics = compute_metrics(cut_at(market, session), settings, session)
    assert (metrics.breadth.members, metrics.breadth.with_data, metrics.breadth.missing,
            metrics.breadth.rejected) == (5, 2, 1, 2)
    (tmp_path / "data" / "SPY.csv").unlink()
    with pytest.raises(DataError, match="required ticker SPY"):  # the pair stays fatal
        load_prices(settings, "csv", tmp_path / "data")


def test_members_default_to_the_data_folder_and_a_wrong_member_folder_is_named(tmp_path):
    sessions = pd.bdate_range("2024-01-01", periods=30)
    _pair_folder(tmp_path / "data", sessions)
    pd.DataFrame({"Date": sessions.strftime("%Y-%m-%d"), "Close": 5.0}).to_csv(tmp_path / "data" / "AAA.csv",
                                                                               index=False)
    settings = load_settings(_settings_file(tmp_path, universe=["AAA"]))
    assert load_prices(settings, "csv", tmp_path / "data").members.tickers == ("AAA",)
    wrong = load_settings(_settings_file(tmp_path, universe=["AAA"], data_dir="nowhere"))
    with pytest.raises(DataError, match="nowhere: breadth member folder not found"):
        load_prices(wrong, "csv", tmp_path / "data")


def test_member_checks_agree_with_validate_history():
    idx = pd.bdate_range("2024-01-01", periods=8)
    base = np.array([10, 10.5, 10.2, 10.8, 11, 11.2, 11.1, 11.4])
    cases = {"good": {}, "gap": {"adj_close": 3}, "negative": {"close": 2}, "jump": {"both": 4},
             "split": {"both": 4, "split": 4}}
    for name, change in cases.items():
        frame = pd.DataFrame({"open": base, "high": base * 1.01, "low": base * 0.99, "close": base.copy(),
                              "adj_close": base * 0.98, "volume": 1e5, "split": 0.0}, index=idx)
        if "adj_close" in change:
            frame.iloc[change["adj_close"], 4] = np.nan
        if "close" in change:
            frame.iloc[change["close"], [0, 1, 2, 3]] = -1
        if "both" in change:
            frame.iloc[change["both"]:, [0, 1, 2, 3, 4]] *= 3
        if "split" in change:
            frame.iloc[change["split"], 6] = 3.0
        h = TickerHistory("T", frame.drop(columns="split"), "test")
        want = [p.message for p in validate_history(h, "equity", splits=frame["split"], max_daily_move=0.35)
                if p.severity == "error"]
        days, values = decode_arrays(encode_frame(frame))
        assert member_problems(days, values, 0.35) == want, name
        assert checksum_arrays(days, values) == checksum(frame)
    assert want == [] and "implausible one-day move" in member_problems(
        *decode_arrays(encode_frame(frame.assign(split=0.0))), 0.35)[0]


@pytest.fixture()
def live(settings, tmp_path):
    data = settings.data.model_copy(update={"cache_dir": str(tmp_path / "cache"), "history_start": date(2020, 1, 2),
                                            "source": "yfinance"})
    from generator.settings import Tickers

    return settings.model_copy(update={"data": data, "tickers": Tickers(),
                                       "breadth": settings.breadth.model_copy(update={
                                           "history_start": date(2020, 1, 2), "min_members": 10})})


def test_yfinance_members_download_in_batches_and_never_fail_the_build(monkeypatch, live, tmp_path):
    import yfinance

    from generator.data.yahoo import MEMBER_BATCH, MEMBER_PAUSE_SECONDS, Fetcher, YFinanceSource
    from tests.fake_yahoo import FakeDownload, truth

    members = [f"M{i:03d}" for i in range(230)]
    data = truth(["IWM", "SPY", *members[:228]])
    bad = data["M005"].copy()
    bad.iloc[100:, [0, 1, 3, 4, 5]] *= 4.0               # a 300% jump with no split: rejected
    data["M005"] = bad
    fake = FakeDownload(data)
    monkeypatch.setattr(yfinance, "download", fake)
    sleeps: list[float] = []
    done: list[int] = []
    now = datetime(2025, 10, 31, 21, tzinfo=timezone.utc)
    source = YFinanceSource(live, now=now, fetcher=Fetcher(retries=1, backoff=0, timeout=5, sleep=sleeps.append))
    report = source.update(["IWM", "SPY"], members=members, progress=done.append)
    assert [len(c["tickers"]) for c in fake.calls] == [2, MEMBER_BATCH, MEMBER_BATCH, 30]
    assert sleeps == [MEMBER_PAUSE_SECONDS, MEMBER_PAUSE_SECONDS] and sum(done) == 232
    status = {u.ticker: (u.status, u.member) for u in report}
    assert status["IWM"] == ("new", False) and status["M000"] == ("new", True)
    assert status["M005"] == ("rejected", True) and status["M228"] == status["M229"] == ("failed", True)

    # the build reads members through their compact closes, never a DataFrame per member
    read = []
    original = PriceCache.read
    monkeypatch.setattr(PriceCache, "read", lambda self, t: read.append(t) or original(self, t))
    offline = YFinanceSource(live, offline=True, now=now)
    market = offline.load(["IWM", "SPY"], [], [], members=members)
    assert sorted(read) == ["IWM", "SPY"]
    m = market.members
    assert len(m.tickers) == 227 and set(m.missing) == {"M005", "M228", "M229"} and m.rejected == ()
    assert np.allclose(m.closes[-1, 0], data["M000"]["Adj Close"].iloc[-1], rtol=1e-6)  # float32 store
    session = pick_session(market, live, date(2025, 10, 31))
    assert compute_metrics(cut_at(market, session), live, session).breadth.with_data == 227


def test_damaged_or_outdated_compact_closes_are_not_used(monkeypatch, live):
    import sqlite3

    import yfinance

    from generator.data.yahoo import Fetcher, YFinanceSource, read_members
    from tests.fake_yahoo import FakeDownload, truth

    monkeypatch.setattr(yfinance, "download", FakeDownload(truth(["IWM", "SPY", "AAA", "BBB", "CCC"])))
    now = datetime(2025, 10, 31, 21, tzinfo=timezone.utc)
    source = YFinanceSource(live, now=now, fetcher=Fetcher(retries=0, backoff=0, timeout=5, sleep=lambda s: None))
    source.update(["IWM", "SPY"], members=["AAA", "BBB", "CCC"])
    db = sqlite3.connect(source.cache_path)
    blob = bytearray(db.execute("SELECT data FROM closes WHERE ticker = 'AAA'").fetchone()[0])
    blob[-1] ^= 0xFF
    db.execute("UPDATE closes SET data = ? WHERE ticker = 'AAA'", (bytes(blob),))
    db.execute("UPDATE closes SET frame_checksum = 'old' WHERE ticker = 'BBB'")  # written from an older frame
    db.commit()
    db.close()
    with PriceCache.open(source.cache_path) as cache:
        group = read_members(cache, ["AAA", "BBB", "CCC"], 1.0)
    assert group.tickers == ("BBB", "CCC") and group.rejected == ("AAA",)  # BBB read from its verified frame


def test_update_command_reports_members_apart_and_only_core_failures_fail(monkeypatch, tmp_path):
    import yfinance
    from click.testing import CliRunner

    from generator.cli import main
    from tests.fake_yahoo import FakeDownload, truth

    monkeypatch.setattr(yfinance, "download", FakeDownload(truth(["IWM", "SPY", "AAA"])))
    raw = yaml.safe_load(SETTINGS.read_text())
    raw["tickers"] = {}
    for side in ("small_index", "large_index"):  # the long-history indices are optional tickers too
        raw["pair"].pop(side, None)
    raw["breadth"].update({"universe": ["AAA", "ZZZ"], "history_start": "2020-01-02"})
    raw["data"].update({"cache_dir": str(tmp_path / "cache"), "history_start": "2020-01-02", "backoff_seconds": 0})
    path = tmp_path / "settings.yaml"
    path.write_text(yaml.safe_dump(raw))
    result = CliRunner().invoke(main, ["data", "update", "--settings", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 of 2 members up to date" in result.output and "1 failed (ZZZ)" in result.output
    assert "ZZZ" not in result.output.split("breadth universe")[0]  # not in the core table


# --- the sample --------------------------------------------------------------------------------------------

def test_sample_synthesises_the_whole_default_universe(settings):
    market = load_prices(settings, "sample")
    m = market.members
    assert m.tickers == settings.universe().tickers and m.closes.shape == (len(m.index), 600)
    starts = (~np.isnan(m.closes)).argmax(axis=0)
    assert (starts == 0).mean() > 0.6 and len(set(starts[starts > 0])) > 50  # staggered listings
    assert np.isfinite(m.closes[-1]).all() and (m.closes[~np.isnan(m.closes)] > 0).all()
    again = load_prices(settings, "sample").members
    assert np.array_equal(again.closes, m.closes, equal_nan=True)  # deterministic


# --- the real single-stock data ----------------------------------------------------------------------------

def _expected(folders: list[Path], tickers, session: pd.Timestamp, year: int = 2021) -> dict:
    """One week's figures from the CSV files with plain pandas: nothing from generator/ but the week rules."""
    spy = pd.read_csv(MARKET_DIR / "SPY.csv", index_col="Date", parse_dates=True)["Adj Close"].loc[:session]
    closes = {}
    for t in tickers:
        for folder in folders:
            path = folder / f"{t}.csv"
            if path.is_file():
                raw = pd.read_csv(path, index_col="Date", parse_dates=True)
                closes[t] = raw["Adj Close" if "Adj Close" in raw else "Close"]
                break
    frame = raw_frame = pd.DataFrame(closes).reindex(spy.index)
    inside = frame.notna().cumsum().gt(0) & frame[::-1].notna().cumsum()[::-1].gt(0)
    frame = frame.ffill(limit=5).where(inside)
    start = monday(session.date())
    base = last_on_or_before(frame.index, weeks_target(session.date(), 4))

    ref = raw_frame[raw_frame.index.year == year]
    high = ref.max().where(ref.notna().sum() >= 50)

    def at(row):
        x = frame.loc[row]
        known = x.notna() & high.notna()
        sma = frame.loc[:row].iloc[-200:]
        sma = sma.mean().where(sma.notna().all() & (len(sma) == 200))
        return {"below": int((x < high)[known].sum()), "ref_known": int(known.sum()),
                "above": int((x > sma)[sma.notna()].sum()), "known_200": int(sma.notna().sum())}

    now, then = at(session), at(base)
    prior = frame.rolling(252, min_periods=252)
    week = (frame.index >= pd.Timestamp(start)) & (frame.index <= session)
    highs = (frame > prior.max().shift(1))[week].any()
    lows = (frame < prior.min().shift(1))[week].any()
    growth = frame.loc[session] / frame.shift(65).loc[session]
    large = spy.loc[session] / spy.shift(65).loc[session]
    return {"with_data": int(frame.loc[session].notna().sum()),
            "below_reference_high": now["below"], "reference_measured": now["ref_known"],
            "share_below_4w_ago": then["below"] / then["ref_known"] if then["ref_known"] else None,
            "above_200d": now["above"], "measured_200d": now["known_200"],
            "share_above_200d_4w_ago": then["above"] / then["known_200"],
            "new_highs": int(highs.sum()), "new_lows": int(lows.sum()),
            "measured_52w": int((prior.max().shift(1).loc[session].notna() & frame.loc[session].notna()).sum()),
            "beat_large_13w": int((growth > large).sum()), "measured_13w": int(growth.notna().sum())}


@pytest.fixture(scope="module")
def real(breadth_dir, market_dir, tmp_path_factory):
    """Settings and market with the S&P 600 members of March 2021 as the universe (its holdings file)."""
    folder = tmp_path_factory.mktemp("real")
    settings = load_settings(_settings_file(folder, universe=str(breadth_dir / IJR_2021),
                                            universe_as_of="2021-03-10", data_dir=str(breadth_dir)))
    return settings, load_prices(settings, "csv", market_dir)


def _week(settings, market, day: date):
    session = pick_session(market, settings, day)
    cut = cut_at(market, session)
    return session, cut, compute_metrics(cut, settings, session)


@pytest.mark.parametrize("day", [date(2022, 6, 17), date(2024, 7, 12), date(2025, 4, 4)])
def test_hand_checked_counts_for_real_weeks(real, breadth_dir, day):
    settings, market = real
    session, _, m = _week(settings, market, day)
    want = _expected([breadth_dir], settings.universe().tickers, session)
    b = m.breadth
    assert (b.members, b.missing) == (601, 601 - 418)
    for key, value in want.items():
        got = getattr(b, key)
        assert got == pytest.approx(value, abs=1e-12), key
    assert b.share_below == b.below_reference_high / b.reference_measured
    assert b.net_new_highs == b.new_highs - b.new_lows


def test_shares_on_real_data_count_only_members_with_data(real, breadth_dir):
    settings, market = real
    session, _, m = _week(settings, market, date(2016, 1, 8))  # members that listed later have no data yet
    b = m.breadth
    assert b.with_data < 418 and b.measured_200d < b.with_data and b.below_reference_high is None
    assert b.share_above_200d == b.above_200d / b.measured_200d
    assert b.share_beat_large_13w == b.beat_large_13w / b.measured_13w
    want = _expected([breadth_dir], settings.universe().tickers, session)
    assert (b.with_data, b.above_200d, b.measured_200d) == (want["with_data"], want["above_200d"],
                                                             want["measured_200d"])


def test_survivorship_the_same_week_with_and_without_the_delisted_members(real, breadth_dir, tmp_path):
    """The universe is the 601 members of March 2021; 418 are still listed in 2026 (the main files) and 80 more
    were delisted or acquired by then (partial_2024-03, to 2024-03-08). The week of 2024-03-08 both ways."""
    settings, market = real
    both = tmp_path / "both"
    both.mkdir()
    for path in [*breadth_dir.glob("*.csv"), *(breadth_dir / PARTIAL).glob("*.csv")]:
        (both / path.name).symlink_to(path)
    with_gone = load_settings(_settings_file(tmp_path, universe=str(breadth_dir / IJR_2021),
                                             universe_as_of="2021-03-10", data_dir=str(both)))
    day = date(2024, 3, 8)
    _, _, survivors = _week(settings, market, day)
    _, _, everyone = _week(with_gone, load_prices(with_gone, "csv", MARKET_DIR), day)
    s, e = survivors.breadth, everyone.breadth
    assert (s.with_data, e.with_data) == (418, 498)
    want = _expected([breadth_dir, breadth_dir / PARTIAL], with_gone.universe().tickers,
                     pd.Timestamp(day))
    assert (e.below_reference_high, e.above_200d, e.new_highs, e.new_lows) == (
        want["below_reference_high"], want["above_200d"], want["new_highs"], want["new_lows"])
    # the stocks that later left the index were the weaker ones: leaving them out flatters breadth
    assert e.share_below > s.share_below and e.share_above_200d < s.share_above_200d


def test_fewer_real_members_than_min_members_is_unavailable_with_its_sentence(real):
    settings, market = real
    strict = settings.model_copy(update={"breadth": settings.breadth.model_copy(update={"min_members": 419})})
    session, cut, m = _week(strict, market, date(2024, 7, 12))
    assert m.breadth is None and m.signals.breadth is None  # 418 members have data, fewer than 419
    _, words, doc = write_words(m, cut, strict, make_environment())
    text = " ".join(words.text("divergence") + words.note_text("divergence"))  # the caveat is a data note
    # 418 members had prices the week before too: a standing gap, said on the about page and to the writer (coverage),
    # not in every issue's notes
    assert doc["breadth"] is None and "single-stock prices" not in " ".join(words.note_text("divergence"))
    assert "small caps in our universe" not in text and not words.flags
    stance = {t.name: t for t in m.stance.tests}["breadth"]
    assert stance.value is None and stance.points == 0


def test_a_real_week_prints_breadth_figures_and_the_chart(real, market_dir, tmp_path, breadth_dir, no_length_budget):
    settings, _ = real
    built = build_issue(settings, source="csv", data_dir=market_dir, as_of=date(2024, 7, 12), out_dir=tmp_path)
    doc = json.loads((built.folder / "metrics.json").read_text())
    b = doc["breadth"]
    want = _expected([breadth_dir], settings.universe().tickers, pd.Timestamp("2024-07-12"))
    assert {k: b[k] for k in ("with_data", "below_reference_high", "above_200d", "new_highs", "new_lows")} == \
        {k: want[k] for k in ("with_data", "below_reference_high", "above_200d", "new_highs", "new_lows")}
    assert doc["provenance"]["universe"] == {"origin": str(breadth_dir / IJR_2021), "as_of": "2021-03-10",
                                             "kind": "holdings", "size": 601, "with_data": 418,
                                             "first": "2015-01-02", "last": "2024-07-12"}
    assert b["universe"]["as_of"] == "2021-03-10" and len(b["universe"]["missing"]) == b["missing"] == 183
    html = (built.folder / "report.html").read_text()
    assert f"cover {b['with_data']} of the 601 small caps in our universe, those with a price this week" in html
    # a 2024 issue on a 2021 list: the bias is members lost since and joiners missing, not stocks that left before
    assert "the index's membership as of March 10, 2021, so members delisted or taken over since are no longer" in html
    assert "are no longer counted and later additions are missing (survivorship)" in html
    assert f"{b['below_reference_high']} of the {b['reference_measured']} that traded through 2021" in html
    assert "charts/breadth_history" not in html and 'alt="Line chart of breadth' in html  # screen: embedded PNG
    for kind in ("svg", "png"):
        assert (built.folder / "charts" / f"breadth_history.{kind}").stat().st_size > 5000
    tests = {t["name"]: t for t in doc["stance"]["tests"]}
    assert tests["breadth"]["value"] == pytest.approx(b["share_above_200d_change_4w"])
    assert tests["breadth"]["points"] == (1 if b["share_above_200d_change_4w"] > 0 else -1)
    assert doc["fact_check"]["passed"], doc["fact_check"]["flags"]


@pytest.mark.history
def test_fact_check_passes_every_week_2016_to_2025_with_real_breadth(real, no_length_budget):
    from generator.history import history_report, run_history

    settings, market = real
    from tests.conftest import rotating

    # every phrasing the weeks pick, as published
    weeks = run_history(market, rotating(settings), date(2016, 1, 1), date(2025, 12, 31), jobs=2)
    assert len(weeks) > 500
    flagged = [w for w in weeks if w.flags]
    assert not flagged, history_report(weeks, show=5)
    before = [w for w in weeks if "divergence/breadth_measured" in w.keys]        # weeks before the list's date
    since = [w for w in weeks if "divergence/breadth_measured_since" in w.keys]   # weeks after it
    assert len(before) + len(since) == len(weeks) and before and since
    assert all(w.session < date(2021, 3, 10) for w in before) and all(w.session >= date(2021, 3, 10) for w in since)
    assert sum(any(k.startswith("divergence/breadth_ref_") for k in w.keys) for w in weeks) > 180  # 2022 on
