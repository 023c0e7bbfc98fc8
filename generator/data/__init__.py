"""Price sources behind one small interface, chosen by name.

    load_prices(settings, source="csv", data_dir=...) -> MarketData

Each source returns the same tidy `MarketData`; nothing downstream knows where
prices came from except through `MarketData.source` (shown in every output).
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, Sequence

from generator.data.cot import read_cot_file
from generator.data.cot_download import read_cot_cache, update_cot_cache
from generator.data.csv_folder import CsvFolderSource
from generator.data.model import MarketData, TickerHistory, cut_at
from generator.data.sample import SampleSource
from generator.data.yahoo import YFinanceSource
from generator.errors import DataError

__all__ = ["MarketData", "TickerHistory", "cut_at", "PriceSource", "load_prices", "make_source"]


class PriceSource(Protocol):
    name: str

    def load(self, required: Sequence[str], optional: Sequence[str], levels: Sequence[str],
             members: Sequence[str] = ()) -> MarketData:
        """Load `required` (fail hard when absent) and whatever of `optional` exists.

        `levels` are tickers quoted as levels that may be zero or negative (yields). `members` (the breadth
        universe) come back as one `MemberPrices` matrix in `MarketData.members`; a member the source lacks or
        cannot read is counted there, never fatal.
        """
        ...


def make_source(name: str, data_dir: str | Path | None, settings=None, offline: bool = False) -> PriceSource:
    if name == "sample":

        return SampleSource()
    if name == "csv":
        if not data_dir:
            raise DataError("the csv source needs a folder", "pass --data-dir DIR or set data.data_dir in settings.yaml")

        members = settings.resolve(settings.breadth.data_dir) if settings is not None and settings.breadth.data_dir \
            else None
        return CsvFolderSource(Path(data_dir), members)
    if name == "yfinance":

        return YFinanceSource(settings, offline=offline)
    raise DataError(f"unknown data source {name!r}", "use sample, csv or yfinance")


def load_prices(settings, source: str | None = None, data_dir: str | Path | None = None,
                offline: bool = False) -> MarketData:
    """Load the pair (required) and every optional ticker the settings name."""
    name = source or settings.data.source
    folder = data_dir if data_dir is not None else (
        settings.resolve(settings.data.data_dir) if settings.data.data_dir else None)
    chosen = make_source(name, folder, settings, offline)
    market = chosen.load(
        required=[settings.pair.small, settings.pair.large],
        optional=settings.optional_tickers(),
        levels=settings.tickers.levels(),
        members=settings.member_tickers(),
    )
    return with_positioning(market, settings, offline=offline)


def with_positioning(market: MarketData, settings, offline: bool = False) -> MarketData:
    """The market with the CFTC reports `positioning.cot_file` names, or the downloaded ones
    (`positioning.cot_download`); unchanged when `positioning.cot` is off. A configured file that is absent, or a
    download that fails, is a note, not an error: the gauge says it is unavailable; a file that is there but not
    a CFTC file is an error naming it."""
    p = settings.positioning
    if not p.cot:
        return market
    import dataclasses


    if p.cot_download:

        folder = settings.resolve(p.cot_cache_dir)
        notes = update_cot_cache(folder, p.cot_first_year, offline=offline)
        cot = read_cot_cache(folder, p.cot_code) if folder.is_dir() else None
        if cot is None:
            notes += (f"positioning: {folder}: no CFTC reports for code {p.cot_code} in the cache; the futures "
                      f"positioning gauge is shown as unavailable",)
        return dataclasses.replace(market, notes=market.notes + notes, cot=cot)
    path = settings.resolve(p.cot_file)
    if not path.is_file():
        return dataclasses.replace(market, notes=market.notes + (
            f"positioning: {path}: CFTC file not found; the futures positioning gauge is shown as unavailable",))
    return dataclasses.replace(market, cot=read_cot_file(path, p.cot_code))
