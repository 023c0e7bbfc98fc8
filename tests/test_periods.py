from datetime import date

import pandas as pd
import pytest

from generator.data.sample import sample_sessions
from generator.errors import DataError
from generator.metrics.periods import period_target, resolve_session, week_start
from generator.metrics.series import period_returns


def test_week_starts_on_monday():
    assert week_start(date(2024, 7, 12)) == date(2024, 7, 8)
    assert week_start(date(2024, 7, 14)) == date(2024, 7, 8)  # Sunday belongs to the same week
    assert week_start(date(2024, 7, 8)) == date(2024, 7, 8)


@pytest.mark.parametrize("period, target", [
    ("1w", date(2024, 1, 7)),     # Sunday ending the previous week
    ("4w", date(2023, 12, 17)),   # end of the week of Dec 11, four weeks before the week of Jan 8
    ("13w", date(2023, 10, 15)),
    ("ytd", date(2023, 12, 31)),
    ("52w", date(2023, 1, 15)),
    ("3y", date(2021, 1, 17)),
])
def test_period_targets_hand_checked(period, target):
    assert period_target(date(2024, 1, 12), period) == target


def test_returns_use_last_session_of_each_base_week():
    # Sessions from Mon 2023-12-04; Christmas and New Year's Day missing as on the exchange.
    idx = pd.bdate_range("2023-12-04", "2024-01-12").difference(pd.to_datetime(["2023-12-25", "2024-01-01"]))
    values = pd.Series(range(100, 100 + len(idx)), index=idx, dtype="float64")
    session = pd.Timestamp("2024-01-12")
    got = period_returns(values, session)
    v = values.to_dict()
    now = v[session]
    assert got["1w"] == pytest.approx(now / v[pd.Timestamp("2024-01-05")] - 1)
    assert got["4w"] == pytest.approx(now / v[pd.Timestamp("2023-12-15")] - 1)
    assert got["ytd"] == pytest.approx(now / v[pd.Timestamp("2023-12-29")] - 1)
    assert got["13w"] is None and got["52w"] is None and got["3y"] is None  # before the data starts


def test_midweek_as_of_compares_with_previous_friday():
    idx = pd.bdate_range("2024-06-24", "2024-07-10")
    values = pd.Series(range(1, len(idx) + 1), index=idx, dtype="float64")
    got = period_returns(values, pd.Timestamp("2024-07-10"))
    assert got["1w"] == pytest.approx(values["2024-07-10"] / values["2024-07-05"] - 1)


def test_good_friday_gives_thursday_issue():
    idx = sample_sessions(date(2021, 3, 1), date(2021, 4, 30))
    assert pd.Timestamp("2021-04-02") not in idx
    assert resolve_session(idx, date(2021, 4, 2), "test") == pd.Timestamp("2021-04-01")
    assert resolve_session(idx, date(2021, 4, 4), "test") == pd.Timestamp("2021-04-01")  # Sunday after


def test_session_resolution_errors():
    idx = pd.bdate_range("2024-01-01", "2024-03-29")
    with pytest.raises(DataError, match="data ends 2024-03-29, before the week of --as-of 2024-04-10"):
        resolve_session(idx, date(2024, 4, 10), "IWM/SPY")
    with pytest.raises(DataError, match="data starts 2024-01-01, after --as-of 2023-12-01"):
        resolve_session(idx, date(2023, 12, 1), "IWM/SPY")
    with pytest.raises(DataError, match="no sessions in common"):
        resolve_session(pd.DatetimeIndex([]), None, "IWM/SPY")
    assert resolve_session(idx, None, "x") == pd.Timestamp("2024-03-29")
    assert resolve_session(idx, date(2024, 3, 31), "x") == pd.Timestamp("2024-03-29")


def _real_closes(market_dir) -> dict[str, pd.Series]:
    closes = {}
    for path in sorted(market_dir.glob("*.csv")):
        frame = pd.read_csv(path, index_col=0, parse_dates=True)
        closes[path.stem] = frame["Adj Close" if "Adj Close" in frame else "Close"]
    return closes


def test_weekly_last_matches_pandas_calendar_weeks(market_dir):
    """The fast week numbering (generator.metrics.indicators.week_numbers) gives exactly pandas' W-SUN weeks,
    over every real series, a random calendar spanning 1969-2030 and a DataFrame."""
    import numpy as np
    from generator.metrics.indicators import weekly_last

    def by_pandas(series):
        weeks = series.index.to_period("W-SUN")
        return series.loc[~pd.Series(weeks, index=series.index).duplicated(keep="last").to_numpy()]

    days = pd.date_range("1969-12-20", "2030-01-10", freq="D")
    random_days = pd.Series(np.arange(len(days)), index=days)[np.random.default_rng(7).random(len(days)) < 0.6]
    for series in [*_real_closes(market_dir).values(), random_days]:
        pd.testing.assert_series_equal(weekly_last(series), by_pandas(series))
    frame = pd.concat(_real_closes(market_dir), axis=1)
    pd.testing.assert_frame_equal(weekly_last(frame), by_pandas(frame))


def test_inner_join_matches_pandas_concat(market_dir):
    """`inner_join` (numpy alignment) equals pd.concat(join="inner").dropna() for every pair of real series,
    with gaps, missing values and an empty side."""
    import itertools

    import numpy as np
    from generator.metrics.series import inner_join

    closes = _real_closes(market_dir)
    holed = closes["SPY"].copy()
    holed.iloc[::17] = np.nan
    closes |= {"holed": holed, "thinned": closes["IWM"].iloc[::3], "empty": closes["SPY"].iloc[:0]}
    for (_, a), (_, b) in itertools.product(closes.items(), repeat=2):
        expected = pd.concat([a, b], axis=1, join="inner").dropna()
        got = inner_join(a, b)
        assert got.index.equals(expected.index)
        assert np.array_equal(got.to_numpy(), expected.to_numpy(dtype=float), equal_nan=True)
