"""The CFTC Commitments of Traders reader: Traders in Financial Futures (TFF), futures-only, one contract.

The file is the CFTC's own text format (`FinFutYY.txt` inside the yearly `fut_fin_txt_YYYY.zip`, or several
years of its rows under the same 87-column header). It is read with pandas: the one maintained-looking
package, cot-reports, downloads into the working directory with no timeout or error handling and was last
released in 2023, so nothing here depends on it and nothing is downloaded.

Release rule: a report gives positions as of a Tuesday and is released the Friday after (3:30 p.m. Eastern,
before the close). When a US federal holiday falls between that Tuesday and the Friday, the CFTC releases a
business day later for each such holiday (Monday after a Friday holiday, for instance). `release_date` applies
that rule; a report is used only by a week whose last session is on or after its release date.
"""

from __future__ import annotations

import functools
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from generator.errors import DataError

# The CFTC's column names (the header of every FinFutYY.txt since 2006).
COLUMNS = {
    "Report_Date_as_YYYY-MM-DD": "report_date",
    "CFTC_Contract_Market_Code": "code",
    "Market_and_Exchange_Names": "market",
    "Open_Interest_All": "open_interest",
    "Asset_Mgr_Positions_Long_All": "asset_mgr_long",
    "Asset_Mgr_Positions_Short_All": "asset_mgr_short",
    "Lev_Money_Positions_Long_All": "lev_money_long",
    "Lev_Money_Positions_Short_All": "lev_money_short",
}
NUMBERS = ("open_interest", "asset_mgr_long", "asset_mgr_short", "lev_money_long", "lev_money_short")


@functools.lru_cache(maxsize=1)
def _holidays() -> pd.DatetimeIndex:
    from pandas.tseries.holiday import USFederalHolidayCalendar

    return USFederalHolidayCalendar().holidays("2000-01-01", "2100-12-31")


def release_date(report: date) -> date:
    """The day the report for positions as of `report` (a Tuesday) is released: the Friday after, one business
    day later per US federal holiday from the Wednesday to that Friday."""
    holidays = _holidays()
    day = pd.Timestamp(report)
    friday = day + pd.Timedelta(days=(4 - report.weekday()) % 7 or 7)
    delay = int(((holidays > day) & (holidays <= friday)).sum())
    while delay:
        friday += pd.Timedelta(days=1)
        if friday.weekday() < 5 and friday not in holidays:
            delay -= 1
    return friday.date()


def read_cot_file(path: Path, code: str = "239742") -> pd.DataFrame:
    """One contract's reports from a CFTC TFF file: a frame indexed by report date (sorted, unique) with
    open_interest, asset_mgr_long/short, lev_money_long/short and release (the release date). Raises DataError
    naming the file and the problem."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: CFTC file not found", "check positioning.cot_file, or set positioning.cot: false")
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except pd.errors.EmptyDataError:
        raise DataError(f"{path}: empty file", "save the CFTC's FinFutYY.txt with its header line") from None
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise DataError(f"{path}: not a readable CFTC file ({str(exc).splitlines()[0]})") from None
    raw.columns = [str(c).strip() for c in raw.columns]
    absent = [c for c in COLUMNS if c not in raw.columns]
    if absent:
        raise DataError(f"{path}: line 1: no {absent[0]} column (not a CFTC Traders in Financial Futures file)",
                        "use the futures-only TFF text file (FinFutYY.txt) with the CFTC's header")
    lines = np.arange(len(raw)) + 2
    frame = raw[list(COLUMNS)].rename(columns=COLUMNS)
    frame = frame.apply(lambda col: col.str.strip())
    keep = (frame["code"] == code).to_numpy()
    frame, lines = frame[keep], lines[keep]
    if frame.empty:
        raise DataError(f"{path}: no rows with CFTC_Contract_Market_Code {code}",
                        "check positioning.cot_code (239742: CME Russell E-mini)")
    dates = pd.to_datetime(frame["report_date"], format="%Y-%m-%d", errors="coerce")
    if dates.isna().any():
        i = int(np.argmax(dates.isna().to_numpy()))
        raise DataError(f"{path}: line {lines[i]}: unparseable Report_Date_as_YYYY-MM-DD "
                        f"{frame['report_date'].iloc[i]!r}", "dates must be YYYY-MM-DD")
    out = pd.DataFrame(index=pd.DatetimeIndex(dates.to_numpy(), name="report_date"))
    for col in NUMBERS:
        values = pd.to_numeric(frame[col].str.replace(",", ""), errors="coerce")
        bad = values.isna().to_numpy() | (values < 0).to_numpy()
        if bad.any():
            i = int(np.argmax(bad))
            raise DataError(f"{path}: line {lines[i]}: {[k for k, v in COLUMNS.items() if v == col][0]} is not a "
                            f"count ({frame[col].iloc[i]!r})")
        out[col] = values.to_numpy(dtype="float64")
    zero = (out["open_interest"] <= 0).to_numpy()
    if zero.any():
        raise DataError(f"{path}: line {lines[int(np.argmax(zero))]}: Open_Interest_All is zero",
                        "drop the row")
    dup = out.index.duplicated(keep="first")
    if dup.any():
        i = int(np.argmax(dup))
        raise DataError(f"{path}: line {lines[i]}: a second report for {out.index[i].date()}",
                        "keep one row per report date (futures-only and combined files must not be mixed)")
    out = out.sort_index()
    out["release"] = pd.DatetimeIndex([pd.Timestamp(release_date(d.date())) for d in out.index])
    return out
