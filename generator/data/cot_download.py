"""Downloading the CFTC's yearly Traders in Financial Futures files into a cache of their own.

Only when `positioning.cot_download` is on. The CFTC publishes one zip per year, `fut_fin_txt_YYYY.zip`, holding
`FinFutYY.txt` (futures-only, the 87-column header generator/data/cot.py reads). Each year is kept as
`<cot_cache_dir>/FinFutYYYY.txt`, written atomically. A past year is downloaded once (again once after the year
has closed, when the copy predates its last reports); the current year again when the copy is over a day old.
Offline, or when a download fails, the cache is used as it is; a failure is a note, never the end of the build.

Standard library only (urllib): no package of the CFTC's files is maintained well enough to depend on (see
generator/data/cot.py).
"""

from __future__ import annotations

import io
import os
import time
import urllib.error
import urllib.request
import zipfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable

import pandas as pd

from generator.data.cot import read_cot_file
from generator.errors import DataError

URL = "https://www.cftc.gov/files/dea/history/fut_fin_txt_{year}.zip"
TIMEOUT = 30.0
# The current year's copy is refreshed once it is this old (the CFTC adds a report every week).
REFRESH = timedelta(days=1)
# A past year's copy made before this long after the year's end may miss its last reports: fetched once more.
SETTLED = timedelta(days=14)


def _fetch(url: str, timeout: float) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": "capweekly"})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - a fixed https URL
        return response.read()


def _text_of(blob: bytes, url: str) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(blob)) as z:
            names = [n for n in z.namelist() if n.lower().endswith(".txt")]
            if len(names) != 1:
                raise DataError(f"{url}: expected one .txt file in the zip, found {len(names)}")
            return z.read(names[0])
    except zipfile.BadZipFile:
        raise DataError(f"{url}: not a zip file (the CFTC may have moved it)") from None


def _wanted(path: Path, year: int, now: datetime) -> bool:
    if not path.is_file():
        return True
    made = datetime.fromtimestamp(path.stat().st_mtime)
    if now - made < REFRESH:
        return False
    if year >= now.year:
        return True
    return made < datetime(year + 1, 1, 1) + SETTLED


def update_cot_cache(folder: Path, first_year: int, now: datetime | None = None, offline: bool = False,
                     fetch: Callable[[str, float], bytes] | None = None) -> tuple[str, ...]:
    """Bring the cache up to date; returns notes (downloads that failed). Never raises for the network."""
    now = now or datetime.now()
    fetch = fetch or _fetch
    folder.mkdir(parents=True, exist_ok=True)
    notes = []
    for year in range(first_year, now.year + 1):
        path = folder / f"FinFut{year}.txt"
        if offline or not _wanted(path, year, now):
            continue
        url = URL.format(year=year)
        try:
            text = _text_of(fetch(url, TIMEOUT), url)
        except (urllib.error.URLError, TimeoutError, OSError, DataError) as exc:
            notes.append(f"positioning: {url}: download failed ({getattr(exc, 'message', None) or exc}); "
                         f"{'using the cached copy' if path.is_file() else 'no copy of ' + str(year)}")
            continue
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_bytes(text)
        os.replace(tmp, path)
        os.utime(path, (time.time(), now.timestamp()))
    return tuple(notes)


def read_cot_cache(folder: Path, code: str) -> pd.DataFrame | None:
    """Every cached year's reports of one contract, as one frame (None when the cache has none)."""
    frames = []
    for path in sorted(folder.glob("FinFut[0-9][0-9][0-9][0-9].txt")):
        try:
            frames.append(read_cot_file(path, code))
        except DataError as exc:
            if "no rows with CFTC_Contract_Market_Code" in exc.message:
                continue  # a year before the contract traded
            raise
    if not frames:
        return None
    out = pd.concat(frames).sort_index()
    return out[~out.index.duplicated(keep="last")]

