"""What a reader calls each symbol: one map, below every layer, used by the templates (tables, the text, the
email), the charts' labels and titles, and the test that no raw symbol reaches a reader without its name.

A newsletter says "the 10-year Treasury yield", not ^TNX; the symbol may follow in brackets for a reader who
wants to look it up ("energy stocks (XLE)"). A symbol not listed is shown as it is.
"""

from __future__ import annotations

NAMES = {
    "^TNX": "10-year Treasury yield",
    "^IRX": "13-week Treasury bill yield",
    "^FVX": "5-year Treasury yield",
    "^TYX": "30-year Treasury yield",
    "^VIX": "the VIX",
    "^RVX": "small-cap VIX",
    "JPY=X": "dollar-yen",
    "^RUT": "the Russell 2000 index",
    "^GSPC": "the S&P 500 index",
    "IWM": "the Russell 2000 fund",
    "IJR": "the S&P 600 small-cap fund",
    "SPY": "the S&P 500 fund",
    "RSP": "the equal-weight S&P 500 fund",
    "QQQ": "the Nasdaq-100 fund",
    "HYG": "high-yield bonds",
    "IEF": "7-10 year Treasuries",
    "XLK": "technology",
    "XLI": "industrials",
    "XLY": "consumer discretionary",
    "XLV": "health care",
    "XLF": "financials",
    "XLE": "energy",
    "XLP": "consumer staples",
    "XLU": "utilities",
    "XLB": "materials",
    "XLRE": "real estate",
    "XLC": "communication services",
}

# The Select Sector SPDR funds, the sector a chart's label or a table's row names.
SECTORS = frozenset({"XLK", "XLI", "XLY", "XLV", "XLF", "XLE", "XLP", "XLU", "XLB", "XLRE", "XLC"})


def plain(symbol: str) -> str:
    """The reader's name alone ("10-year Treasury yield"); the symbol itself when it has none."""
    return NAMES.get(symbol, symbol)


def label(symbol: str) -> str:
    """A label that starts with a capital, for a table row or a chart: "Energy", "The VIX", "Dollar-yen"."""
    name = plain(symbol)
    return name[:1].upper() + name[1:]


def named(symbol: str) -> str:
    """The name with the symbol in brackets, "the VIX (^VIX)"; for a sector, "energy stocks (XLE)" (but
    "financials (XLF)"). A symbol with no name is shown alone."""
    if symbol not in NAMES:
        return symbol
    stocks = " stocks" if symbol in SECTORS and not NAMES[symbol].endswith("s") else ""  # not "financials stocks"
    return f"{NAMES[symbol]}{stocks} ({symbol})"


def row_label(symbol: str) -> str:
    """A table row's or a chart's label: the name, capitalised, with the symbol in brackets ("Energy (XLE)",
    "10-year Treasury yield (^TNX)"); a symbol with no name, alone."""
    return f"{label(symbol)} ({symbol})" if symbol in NAMES else symbol


def short(symbol: str) -> str:
    """The shortest name a narrow chart can use: the name without a leading "the"."""
    name = plain(symbol)
    return name[4:] if name.startswith("the ") else name
