import pandas as pd
import pytest

from generator.data import load_prices
from generator.data.csv_folder import CsvFolderSource, read_ticker_csv
from generator.errors import DataError
from tests.conftest import write_csv

GOOD = "Date,Open,High,Low,Close,Adj Close,Volume\n" \
       "2024-07-08,10,11,9,10.5,10.4,100\n2024-07-09,10.5,11,10,10.8,10.7,100\n2024-07-10,10.8,11,10,11.0,10.9,100\n"


@pytest.mark.parametrize("body, message", [
    ("", "empty file"),
    ("Date,Close\n", "empty file (a header but no rows)"),
    ("Date,Close\n2024-07-08,10\n2024-13-01,11\n", "line 3: unparseable date '2024-13-01'"),
    ("Date,Close\n2024-07-08,10\n2024-07-09,11\n2024-07-08,12\n", "line 4: duplicate date 2024-07-08 (also on line 2)"),
    ("Date,Close\n2024-07-08,10\n2024-07-09,0\n", "line 3: non-positive close 0"),
    ("Date,Adj Close\n2024-07-08,10\n2024-07-09,-1.5\n", "line 3: non-positive adj_close -1.5"),
    ("Date,Close\n2024-07-08,10\n2024-07-09,abc\n", "line 3: close is not a number ('abc')"),
    ("Date,Close\n2024-07-08,10\n2024-07-09,\n", "line 3: close is empty"),
    ("Day,Close\n2024-07-08,10\n", "line 1: no Date column"),
    ("Date,Volume\n2024-07-08,10\n", "line 1: no Close or Adj Close column"),
])
def test_bad_files_name_file_line_and_problem(tmp_path, body, message):
    path = write_csv(tmp_path, "IWM", body)
    with pytest.raises(DataError) as err:
        read_ticker_csv(path, "IWM")
    assert str(path) in err.value.one_line()
    assert message in err.value.one_line()
    assert "\n" not in err.value.one_line()


def test_yields_may_be_zero_or_negative(tmp_path):
    path = write_csv(tmp_path, "^IRX", "Date,Close\n2020-03-19,-0.03\n2020-03-20,0.0\n2020-03-23,0.02\n")
    h = read_ticker_csv(path, "^IRX", allow_non_positive=True)
    assert h.quoted.tolist() == [-0.03, 0.0, 0.02]


def test_column_variants(tmp_path):
    adjusted_only = read_ticker_csv(write_csv(tmp_path, "RSP", "Date,Open,High,Low,Adj Close,Volume\n"
                                                             "2024-07-08,1,2,1,1.5,10\n"), "RSP")
    assert adjusted_only.total_return.iloc[0] == 1.5 and adjusted_only.quoted.iloc[0] == 1.5
    close_only = read_ticker_csv(write_csv(tmp_path, "^VIX", "Date,Close\n2024-07-08,12.5\n"), "^VIX")
    assert close_only.total_return.iloc[0] == 12.5
    both = read_ticker_csv(write_csv(tmp_path, "IWM", GOOD), "IWM")
    assert both.total_return.iloc[-1] == 10.9  # returns use the adjusted close
    assert both.quoted.iloc[-1] == 11.0  # the quoted price is the close


def test_yfinance_multi_row_header_and_timestamps(tmp_path):
    text = ("Price,Adj Close,Close,High,Low,Open,Volume\n"
            "Ticker,IWM,IWM,IWM,IWM,IWM,IWM\n"
            "Date,,,,,,\n"
            "2024-07-08 00:00:00-04:00,10.4,10.5,11,9,10,100\n"
            "2024-07-09 00:00:00-04:00,10.7,10.8,11,10,10.5,100\n"
            "2024-07-10 00:00:00-04:00,bad,11.0,11,10,10.8,100\n")
    with pytest.raises(DataError, match="line 6: adj_close is not a number"):
        read_ticker_csv(write_csv(tmp_path, "IWM", text), "IWM")
    h = read_ticker_csv(write_csv(tmp_path, "IWM", text.replace("bad", "10.9")), "IWM")
    assert list(h.frame.index) == list(pd.to_datetime(["2024-07-08", "2024-07-09", "2024-07-10"]))
    assert h.total_return.tolist() == [10.4, 10.7, 10.9]


def test_missing_required_ticker_fails_and_optional_is_reported(tmp_path):
    write_csv(tmp_path, "IWM", GOOD)
    with pytest.raises(DataError, match=r"SPY.csv: required ticker SPY has no file"):
        CsvFolderSource(tmp_path).load(["IWM", "SPY"], [], [])
    write_csv(tmp_path, "SPY", GOOD)
    data = CsvFolderSource(tmp_path).load(["IWM", "SPY"], ["XLK"], [])
    assert data.missing == ("XLK",) and set(data.histories) == {"IWM", "SPY"}


def test_unsorted_rows_are_sorted(tmp_path):
    h = read_ticker_csv(write_csv(tmp_path, "SPY", "Date,Close\n2024-07-09,2\n2024-07-08,1\n"), "SPY")
    assert h.quoted.tolist() == [1.0, 2.0]


def test_csv_source_needs_a_folder(settings, tmp_path):
    with pytest.raises(DataError, match="needs a folder"):
        load_prices(settings, "csv", None)
    with pytest.raises(DataError, match="data folder not found"):
        load_prices(settings, "csv", tmp_path / "nowhere")


def test_real_files_all_load(market_dir, settings):
    data = load_prices(settings, "csv", market_dir)
    # every configured ticker is there but ^RVX, which ships in ../shared/data/positioning (tests/test_crowding.py)
    assert data.missing == (settings.tickers.small_volatility,)
    assert data.members.tickers == () and set(data.members.missing) == set(settings.member_tickers())  # no stocks
    assert data["IWM"].quoted.loc["2021-11-08"] == pytest.approx(242.56, abs=0.005)
    assert data["^IRX"].quoted.min() < 0  # published negative bill yields in March 2020 are kept


def test_fast_and_careful_readers_agree(market_dir, settings, monkeypatch):
    import generator.data.csv_folder as csv_folder

    fast = load_prices(settings, "csv", market_dir)
    monkeypatch.setattr(csv_folder, "_fast_read", lambda path, allow: None)
    careful = load_prices(settings, "csv", market_dir)
    assert fast.fingerprint() == careful.fingerprint()
    for ticker in fast.histories:
        pd.testing.assert_frame_equal(fast[ticker].frame, careful[ticker].frame, check_freq=False)
