"""The csv source: a folder with one yfinance-format `<TICKER>.csv` per ticker.

Real files vary (see shared PROVENANCE): adjusted-only files have no Close,
some have only Adj Close, index levels and yields only Close. yfinance's own
multi-row header (`Price`/`Ticker`/`Date` lines) is accepted too. Every problem
is reported with the file and the line number a user sees in an editor.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from generator.data.model import MarketData, MemberPrices, TickerHistory
from generator.errors import DataError

_ALIASES = {
    "date": "date", "datetime": "date",
    "open": "open", "high": "high", "low": "low", "close": "close",
    "adjclose": "adj_close", "adj_close": "adj_close", "adjustedclose": "adj_close",
    "volume": "volume",
}
_PRICE_COLUMNS = ("open", "high", "low", "close", "adj_close")
MAX_FILE_BYTES = 64 * 1024 * 1024  # a daily history since 1990 is about 1 MB


def _canonical(name: str) -> str | None:
    key = re.sub(r"[\s._]", "", str(name).strip().lower())
    return _ALIASES.get(key) or _ALIASES.get(str(name).strip().lower())


class CsvFolderSource:
    name = "csv"

    def __init__(self, folder: Path, members_folder: Path | None = None) -> None:
        self.folder = Path(folder)
        self.members_folder = Path(members_folder) if members_folder is not None else self.folder

    def load(self, required: Sequence[str], optional: Sequence[str], levels: Sequence[str],
             members: Sequence[str] = ()) -> MarketData:
        if not self.folder.is_dir():
            raise DataError(f"{self.folder}: data folder not found", "check --data-dir or data.data_dir")
        histories: dict[str, TickerHistory] = {}
        missing: list[str] = []
        for ticker in dict.fromkeys([*required, *optional]):
            path = self.folder / f"{ticker}.csv"
            if not path.is_file():
                if ticker in required:
                    raise DataError(f"{path}: required ticker {ticker} has no file",
                                    f"add {ticker}.csv to the folder or change pair in settings.yaml")
                missing.append(ticker)
                continue
            histories[ticker] = read_ticker_csv(path, ticker, allow_non_positive=ticker in levels)
        group, notes = (read_members(self.members_folder, members) if members else (None, ()))
        return MarketData("csv", f"CSV folder {self.folder}", histories, None, tuple(missing), notes, None, group)


def read_members(folder: Path, members: Sequence[str]) -> tuple[MemberPrices, tuple[str, ...]]:
    """The breadth members' files as one matrix. A missing file is counted as missing; a file that does not
    parse or validate is skipped and counted, with one warning line for all of them. Never fatal."""
    if not folder.is_dir():
        raise DataError(f"{folder}: breadth member folder not found", "check breadth.data_dir in settings.yaml")
    columns: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    missing, rejected, first_problem = [], [], ""
    for ticker in dict.fromkeys(members):
        path = folder / f"{ticker}.csv"
        if not path.is_file():
            missing.append(ticker)
            continue
        try:
            series = read_ticker_csv(path, ticker).total_return
        except DataError as exc:
            rejected.append(ticker)
            first_problem = first_problem or exc.message
            continue
        columns[ticker] = (series.index.as_unit("ns").asi8, series.to_numpy(dtype="float64"))
    notes: tuple[str, ...] = ()
    if rejected:
        more = f" and {len(rejected) - 1} more: {', '.join(rejected[1:9])}{' ...' if len(rejected) > 9 else ''}" \
            if len(rejected) > 1 else ""
        notes = (f"breadth: skipped {len(rejected)} member file(s) that do not parse or validate "
                 f"({first_problem}{more})",)
    return MemberPrices.from_arrays(columns, missing, rejected, f"CSV folder {folder}"), notes


def _fast_read(path: Path, allow_non_positive: bool) -> pd.DataFrame | None:
    """The common case, a clean file, parsed at C speed; None sends it to the careful reader."""
    try:
        raw = pd.read_csv(path)
    except Exception:
        return None
    names = {col: _canonical(col) for col in raw.columns}
    if raw.empty or list(names.values()).count("date") != 1 or not {"close", "adj_close"} & set(names.values()):
        return None
    raw = raw[[c for c, n in names.items() if n]].rename(columns=names)
    values = raw.drop(columns="date")
    if not all(pd.api.types.is_float_dtype(t) or pd.api.types.is_integer_dtype(t) for t in values.dtypes):
        return None
    basis = "adj_close" if "adj_close" in values else "close"
    if values[basis].isna().any():
        return None
    dates = pd.to_datetime(raw["date"].astype(str).str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    if dates.isna().any() or dates.duplicated().any():
        return None
    priced = [c for c in _PRICE_COLUMNS if c in values and not (allow_non_positive and c == "close")]
    if (values[priced] <= 0).any().any() or not np.isfinite(values.to_numpy(dtype="float64")).all():
        return None
    frame = values.astype("float64").set_axis(pd.DatetimeIndex(dates.to_numpy(), name="date"))
    return frame.sort_index() if not frame.index.is_monotonic_increasing else frame


def read_ticker_csv(path: Path, ticker: str, allow_non_positive: bool = False) -> TickerHistory:
    """Read and validate one file; raise DataError naming file, line and problem."""
    try:
        size = Path(path).stat().st_size
    except OSError as exc:
        raise DataError(f"{path}: cannot be read ({exc.strerror})", "check the file and its permissions") from None
    if size > MAX_FILE_BYTES:
        raise DataError(f"{path}: {size // (1024 * 1024)} MB, over the {MAX_FILE_BYTES // (1024 * 1024)} MB limit "
                        "for one ticker's history", "check that it is the right file")
    fast = _fast_read(path, allow_non_positive)
    if fast is not None:
        return TickerHistory(ticker, fast[[c for c in (*_PRICE_COLUMNS, "volume") if c in fast]], str(path))
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, skip_blank_lines=False)
    except pd.errors.EmptyDataError:
        raise DataError(f"{path}: empty file", "re-export the ticker's history") from None
    except (UnicodeDecodeError, pd.errors.ParserError, ValueError) as exc:
        raise DataError(f"{path}: not a readable CSV file ({(str(exc).splitlines() or [type(exc).__name__])[0]})",
                        "save it as UTF-8 CSV with a Date column") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot be read ({exc.strerror})", "check the file and its permissions") from None

    first_data_line = 2  # line 1 is the header
    # yfinance >= 0.2.51 writes a three-line header: Price,..., Ticker,..., Date,,,
    if len(raw.columns) and str(raw.columns[0]).strip().lower() == "price":
        skip = 0
        while skip < len(raw) and raw.iloc[skip, 0].strip().lower() in ("ticker", "date"):
            skip += 1
        raw = raw.iloc[skip:].reset_index(drop=True)
        raw.columns = ["Date", *raw.columns[1:]]
        first_data_line += skip

    names = {col: _canonical(col) for col in raw.columns}
    if "date" not in names.values():
        found = ", ".join(repr(str(c))[1:-1][:40] for c in list(raw.columns)[:10])  # escaped: one line, always
        raise DataError(f"{path}: line 1: no Date column (found: {found or 'nothing'})",
                        "the header must name a Date column")
    raw = raw[[c for c, n in names.items() if n]].rename(columns=names)
    if not {"close", "adj_close"} & set(raw.columns):
        raise DataError(f"{path}: line 1: no Close or Adj Close column", "export prices with yfinance's columns")
    if raw.empty:
        raise DataError(f"{path}: empty file (a header but no rows)", "re-export the ticker's history")

    lines = np.arange(len(raw)) + first_data_line
    text_dates = raw["date"].str.strip().str.slice(0, 10)
    dates = pd.to_datetime(text_dates, format="%Y-%m-%d", errors="coerce")
    bad = dates.isna().to_numpy()
    if bad.any():
        i = int(np.argmax(bad))
        raise DataError(f"{path}: line {lines[i]}: unparseable date {raw['date'].iloc[i]!r}", "dates must be YYYY-MM-DD")
    dup = dates.duplicated(keep="first").to_numpy()
    if dup.any():
        i = int(np.argmax(dup))
        j = int(np.argmax((dates == dates.iloc[i]).to_numpy()))
        raise DataError(f"{path}: line {lines[i]}: duplicate date {text_dates.iloc[i]} (also on line {lines[j]})",
                        "keep one row per session")

    frame = pd.DataFrame(index=pd.DatetimeIndex(dates.to_numpy(), name="date"))
    returns_col = "adj_close" if "adj_close" in raw.columns else "close"
    for col in [c for c in (*_PRICE_COLUMNS, "volume") if c in raw.columns]:
        text = raw[col].str.strip()
        values = pd.to_numeric(text.replace({"": None, "null": None, "NaN": None, "nan": None}), errors="coerce")
        unparsed = (values.isna() & text.ne("") & ~text.str.lower().isin(["null", "nan"])).to_numpy()
        if unparsed.any():
            i = int(np.argmax(unparsed))
            raise DataError(f"{path}: line {lines[i]}: {col} is not a number ({text.iloc[i]!r})")
        infinite = np.isinf(values.to_numpy(dtype="float64"))
        if infinite.any():
            i = int(np.argmax(infinite))
            raise DataError(f"{path}: line {lines[i]}: {col} is not a finite number ({text.iloc[i]!r})",
                            "fix or drop the row")
        if col == returns_col and values.isna().any():
            i = int(np.argmax(values.isna().to_numpy()))
            raise DataError(f"{path}: line {lines[i]}: {col} is empty", "fill or drop the row before building")
        if col in _PRICE_COLUMNS and not (allow_non_positive and col == "close"):
            nonpos = (values <= 0).to_numpy()
            if nonpos.any():
                i = int(np.argmax(nonpos))
                raise DataError(f"{path}: line {lines[i]}: non-positive {col} {values.iloc[i]:g}",
                                "prices must be above zero; fix or drop the row")
        frame[col] = values.to_numpy(dtype="float64")
    if not frame.index.is_monotonic_increasing:
        frame = frame.sort_index()
    return TickerHistory(ticker, frame, str(path))
