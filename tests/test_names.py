"""Plain names everywhere a reader looks: no raw symbol (^TNX, JPY=X, XLE) reaches the site page, the email or
the PDF (its charts' text included) without the reader's name in front of it (generator/names.py)."""

from __future__ import annotations

import html as html_lib
import re
import shutil
import subprocess
from datetime import date

import pytest

from generator.names import NAMES, SECTORS, label, named, plain, row_label

RAW = ("^TNX", "^IRX", "^VIX", "^RVX", "JPY=X")
# Real weeks with different content: the 2008 crash (a VIX spike), the 2020 crash, a yen rally with no ^RVX data.
WEEKS = (date(2008, 10, 10), date(2020, 3, 20), date(2024, 7, 12))


def reader_text(markup: str) -> str:
    """What a reader sees or hears of an HTML page: its text and its images' alternative text, no markup."""
    markup = re.sub(r"<(style|script|title)\b.*?</\1>", " ", markup, flags=re.S)
    markup = re.sub(r'<img\b[^>]*\balt="([^"]*)"[^>]*>', r" \1 ", markup)
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def unnamed(text: str, symbols=RAW + tuple(sorted(SECTORS))) -> list[str]:
    """Each place a symbol appears without its name just before it, "<name> (SYMBOL" (the name in any case,
    "stocks" allowed after a sector's name)."""
    text = " ".join(text.split())
    found = []
    for symbol in symbols:
        pattern = re.escape(symbol) + (r"(?![A-Za-z])" if symbol[-1].isalpha() else "")
        named_before = re.compile(re.escape(plain(symbol)) + r"( stocks)? \($", re.I)
        for match in re.finditer(pattern, text):
            if not named_before.search(text[max(0, match.start() - 60):match.start()]):
                found.append(text[max(0, match.start() - 50):match.end() + 20])
    return found


def test_every_configured_symbol_has_a_name(settings):
    t = settings.tickers
    symbols = [*t.sectors, t.tech, t.tech_sector, t.equal_weight, t.quality, t.high_yield, t.treasuries,
               t.long_yield, t.short_yield, t.volatility, t.small_volatility, t.fx, settings.pair.small,
               settings.pair.large]
    assert [s for s in symbols if s and s not in NAMES] == []
    assert named("^TNX") == "10-year Treasury yield (^TNX)" and named("XLE") == "energy stocks (XLE)"
    assert named("XLF") == "financials (XLF)" and row_label("JPY=X") == "Dollar-yen (JPY=X)"
    assert label("^VIX") == "The VIX" and named("ZZZ") == "ZZZ"


def test_the_check_catches_a_raw_symbol():
    assert unnamed("the 10-year Treasury yield (^TNX) rose; energy stocks (XLE) fell; Financials (XLF)") == []
    assert len(unnamed("^TNX 4.19% and XLE -2% and the hedging gauge (^RVX against ^VIX)")) == 4


@pytest.fixture(scope="module", params=WEEKS, ids=str)
def issue(request, built_issue, market_dir):
    return built_issue(request.param, source="csv")


def test_site_email_and_pdf_name_every_symbol(issue):
    texts = {"site.html": reader_text((issue / "site.html").read_text()),
             "email.html": reader_text((issue / "email.html").read_text()),
             "email.txt": (issue / "email.txt").read_text()}
    if shutil.which("pdftotext"):
        texts["report.pdf"] = subprocess.run(["pdftotext", str(issue / "report.pdf"), "-"], capture_output=True,
                                             text=True, check=True).stdout
    texts = {name: " ".join(text.split()) for name, text in texts.items()}
    for name, text in texts.items():
        assert unnamed(text) == [], name
    # The tables name what they list: the rates table its yields, the sector table its sectors.
    for name in ("site.html", "email.txt", "report.pdf"):
        assert "10-year Treasury yield (^TNX)" in texts.get(name, "10-year Treasury yield (^TNX)"), name
    assert "Energy (XLE)" in texts["site.html"]
