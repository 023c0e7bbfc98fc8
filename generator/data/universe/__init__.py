"""The breadth universe: which small-cap stocks breadth is measured on, read from a file.

`breadth.universe` in settings.yaml is one of

* ``default``: the packaged list, ``generator/data/universe/small_caps.txt`` (the 600 largest Russell 2000
  members by index weight on the date in its header, written by ``scripts/make_universe.py``);
* **a file path** (relative to the settings file), in either of two formats:

  - *a plain list*, one Yahoo symbol a line; ``#`` starts a comment, and a line ``# as of: YYYY-MM-DD``
    records the date the list was true;
  - *an index provider's holdings CSV* (iShares' "Fund Holdings" export and its plain-table variants):
    the preamble is skipped, only rows whose ``Asset Class`` is ``Equity`` are read, the as-of date comes
    from the "Fund Holdings as of" line when there is one, and tickers are mapped to Yahoo symbols;

* **a YAML list** of tickers (the old form; it still works).

Mapping a provider's ticker to Yahoo's: share-class suffixes lose their dot in the provider's file
(``BRK.B`` is written ``BRKB``, ``MOG.A`` ``MOGA``) while Yahoo writes them with a dash (``BRK-B``,
``MOG-A``). Nothing in the row says which tickers those are (``CVNA`` is Carvana's class A and has no
dot), so a ticker is split only when it is a known dotted class share (`CLASS_SHARES` below, the listed
US class shares that have sat in the large- and small-cap indexes), when the file also lists the same
company's other class under the base ticker (``GEF``, "GREIF INC CLASS A", beside ``GEFB``, "GREIF INC
CLASS B") and the exchange is the NYSE (Nasdaq class shares such as ``CENTA`` keep the letter, as on
Yahoo), or when ``breadth.symbols`` in settings.yaml says so (``{XYZB: XYZ-B}``; applied to every
format). Dots become dashes everywhere. Anything that does not look like a ticker (cash lines, "-") is
skipped.

Every problem raises `SettingsError` naming the file (and line) and what to do.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping

from generator.errors import SettingsError

DEFAULT_NAME = "default"
DEFAULT_FILE = Path(__file__).resolve().parent / "small_caps.txt"
TICKER = re.compile(r"^[A-Z][A-Z0-9]{0,5}(?:[.-][A-Z0-9]{1,2})?$")
_AS_OF_LINE = re.compile(r"^\s*#\s*as of:?\s*(\d{4}-\d{2}-\d{2})\s*$", re.I)
_CLASS = re.compile(r"\bCLASS\s+([A-Z])\b")
_HOLDINGS_HEAD = re.compile(r"^\s*\"?ticker\"?\s*,", re.I | re.M)
MAX_BYTES = 20_000_000
HEADER_LINES = 40


@dataclass(frozen=True)
class Universe:
    """The members breadth is measured on, in file order, without duplicates."""

    tickers: tuple[str, ...]
    origin: str            # "default (generator/data/universe/small_caps.txt)", the file as settings name it, or
                           # "settings.yaml (inline list)"
    as_of: date | None     # when the membership was true, if the file (or breadth.universe_as_of) says
    kind: str              # list | holdings | inline

    @property
    def size(self) -> int:
        return len(self.tickers)


# Dotted US class shares as providers write them (dot dropped) -> Yahoo symbol. Facts, not a vendor file.
CLASS_SHARES = {
    "BRKB": "BRK-B", "BRKA": "BRK-A", "BFA": "BF-A", "BFB": "BF-B", "MOGA": "MOG-A", "MOGB": "MOG-B",
    "GEFB": "GEF-B", "CRDA": "CRD-A", "CRDB": "CRD-B", "HEIA": "HEI-A", "LENB": "LEN-B", "LGFA": "LGF-A",
    "LGFB": "LGF-B", "UHALB": "UHAL-B", "CWENA": "CWEN-A", "AKOA": "AKO-A", "AKOB": "AKO-B", "BIOB": "BIO-B",
    "GTNA": "GTN-A", "HVTA": "HVT-A", "MKCV": "MKC-V", "STZB": "STZ-B", "TAPA": "TAP-A", "WSOB": "WSO-B",
    "BHA": "BH-A", "AGMA": "AGM-A", "JWA": "JW-A", "JWB": "JW-B", "EBRB": "EBR-B",
}


def _company(name: str) -> str:
    return " ".join(_CLASS.sub(" ", name.upper()).split())


def yahoo_symbol(ticker: str, name: str = "", siblings: Mapping[str, str] | None = None,
                 overrides: Mapping[str, str] | None = None, exchange: str = "New York Stock Exchange") -> str:
    """A provider's ticker as Yahoo writes it: 'BRKB' -> 'BRK-B'; 'GEFB' ("GREIF INC CLASS B") -> 'GEF-B' when
    `siblings` (ticker -> security name in the same file) has 'GEF' for "GREIF INC CLASS A"."""
    t = ticker.strip().upper()
    if overrides and t in overrides:
        return overrides[t]
    if t in CLASS_SHARES:
        return CLASS_SHARES[t]
    m = _CLASS.search(name.upper())
    base = siblings.get(t[:-1]) if siblings and len(t) >= 3 else None
    nyse = "new york" in exchange.lower()
    if m and nyse and t.endswith(m.group(1)) and base is not None and _company(base) == _company(name):
        return f"{t[:-1]}-{t[-1]}"
    return t.replace(".", "-").replace("/", "-")


@dataclass(frozen=True)
class Holding:
    """One equity row of a holdings file: the provider's ticker and the Yahoo symbol it maps to."""

    ticker: str
    symbol: str
    name: str
    weight: float | None  # index weight in percent, when the file has the column


def _as_of_cell(cells: list[str]) -> date | None:
    for fmt in ("%B %d, %Y", "%b %d, %Y", "%Y-%m-%d", "%m/%d/%Y"):
        try:
            return datetime.strptime(cells[1].strip().strip('="'), fmt).date()
        except ValueError:
            continue
    return None


def read_holdings(text: str, path: Path,
                  overrides: Mapping[str, str] | None = None) -> tuple[list[Holding], date | None]:
    """The equity rows of a holdings CSV (file order) and its as-of date, if stated."""
    lines = text.splitlines()
    as_of, header = None, None
    for i, line in enumerate(lines[:HEADER_LINES]):
        cells = next(csv.reader([line]), [])
        first = cells[0].strip().lower() if cells else ""
        if first.startswith("fund holdings as of") and len(cells) > 1:
            as_of = _as_of_cell(cells)
        if first == "ticker":
            header = i
            break
    if header is None:
        raise SettingsError(str(path), [f"no 'Ticker' header line in the first {HEADER_LINES} lines (use one "
                                        "ticker a line, or an index provider's holdings CSV)"])
    rows = list(csv.DictReader(io.StringIO("\n".join(lines[header:]))))
    if not rows:
        return [], as_of
    fields = {f.strip().lower(): f for f in (rows[0].keys() if rows else []) if f}
    asset, name, market, weight = (fields.get(k) for k in ("asset class", "name", "exchange", "weight (%)"))

    def cell(row, f):
        return (row.get(f) or "").strip() if f else ""

    equities = [(cell(r, fields["ticker"]).upper(), cell(r, name), cell(r, market), cell(r, weight)) for r in rows
                if not asset or cell(r, asset).lower() == "equity"]
    siblings = {t: n for t, n, _, _ in equities}
    out = []
    for t, n, x, w in equities:
        symbol = yahoo_symbol(t, n, siblings, overrides, x)
        if not TICKER.match(symbol):
            continue
        try:
            size = float(w.replace(",", "")) if w else None
        except ValueError:
            size = None
        out.append(Holding(t, symbol, n, size))
    return out, as_of


def _plain(text: str, path: Path, overrides: Mapping[str, str]) -> tuple[list[str], date | None]:
    tickers, as_of = [], None
    for number, line in enumerate(text.splitlines(), 1):
        m = _AS_OF_LINE.match(line)
        if m:
            try:
                as_of = date.fromisoformat(m.group(1))
            except ValueError:
                raise SettingsError(str(path), [f"line {number}: {m.group(1)!r} is not a date (write "
                                                "'# as of: YYYY-MM-DD')"]) from None
            continue
        symbol = line.split("#", 1)[0].strip().upper()
        if not symbol:
            continue
        symbol = overrides.get(symbol, symbol.replace(".", "-"))
        if not TICKER.match(symbol):
            raise SettingsError(str(path), [f"line {number}: {symbol[:40]!r} is not a ticker (one Yahoo symbol "
                                            "a line, e.g. MOG-A; '#' starts a comment)"])
        tickers.append(symbol)
    return tickers, as_of


def read_universe(path: Path, overrides: Mapping[str, str] | None = None, *, origin: str | None = None,
                  as_of: date | None = None) -> Universe:
    """The members listed in a universe file (plain list or holdings CSV), in file order, without duplicates.
    `as_of` is used when the file states no date."""
    path = Path(path)
    shown = origin or str(path)
    if not path.is_file():
        raise SettingsError(str(path), ["breadth universe file not found (check breadth.universe in settings.yaml: "
                                        "'default', a file of tickers, or a list)"])
    if path.stat().st_size > MAX_BYTES:
        raise SettingsError(str(path), [f"breadth universe file is over {MAX_BYTES // 1_000_000} MB (a universe is "
                                        "a list of tickers)"])
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SettingsError(str(path), ["not UTF-8 text (save the universe file as UTF-8)"]) from None
    overrides = {k.upper(): v.upper() for k, v in (overrides or {}).items()}
    if _HOLDINGS_HEAD.search("\n".join(text.splitlines()[:HEADER_LINES])):
        kind = "holdings"
        holdings, stated = read_holdings(text, path, overrides)
        tickers = [h.symbol for h in holdings]
    else:
        kind = "list"
        tickers, stated = _plain(text, path, overrides)
    if not tickers:
        raise SettingsError(str(path), ["no tickers found (one ticker a line, or a holdings CSV with equity rows)"])
    return Universe(tuple(dict.fromkeys(tickers)), shown, stated or as_of, kind)


@lru_cache(maxsize=16)
def _cached(path: Path, stamp: tuple[int, int], overrides: tuple[tuple[str, str], ...], origin: str,
            as_of: date | None) -> Universe:
    return read_universe(path, dict(overrides), origin=origin, as_of=as_of)


def resolve_universe(spec: str | Iterable[str], base_dir: Path, overrides: Mapping[str, str] | None = None,
                     as_of: date | None = None) -> Universe:
    """`breadth.universe` as settings hold it -> the Universe. A file is read once per change (cached)."""
    overrides = {k.upper(): v.upper() for k, v in (overrides or {}).items()}
    if not isinstance(spec, str):
        tickers = [overrides.get(t.upper(), t.upper().replace(".", "-")) for t in spec]
        return Universe(tuple(dict.fromkeys(tickers)), "settings.yaml (inline list)", as_of, "inline")
    if spec.strip().lower() == DEFAULT_NAME:
        path, origin = DEFAULT_FILE, "default (generator/data/universe/small_caps.txt)"
    else:
        p = Path(spec).expanduser()
        path, origin = (p if p.is_absolute() else base_dir / p), spec
    try:
        st = path.stat()
        stamp = (st.st_mtime_ns, st.st_size)
    except OSError:
        stamp = (0, 0)  # read_universe reports the missing file
    return _cached(path, stamp, tuple(sorted(overrides.items())), origin, as_of)
