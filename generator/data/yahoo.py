"""The yfinance source slot.

Live downloads, the local cache, incremental refresh and validation are the
work of the next release (see the project's issue on live market data). The
class exists so the CLI, settings and pipeline already speak its name; until
then it fails with a clear message instead of half-working.
"""

from __future__ import annotations

from typing import Sequence

from generator.data.model import MarketData
from generator.errors import DataError


class YFinanceSource:
    name = "yfinance"

    def load(self, required: Sequence[str], optional: Sequence[str], levels: Sequence[str]) -> MarketData:
        raise DataError("the yfinance source is not available in this version",
                        "use --source csv --data-dir FOLDER with yfinance-format CSV files, or --source sample")
