"""The email edition is the issue, read in a real browser (Debian's chromium) at phone and desktop widths,
and its text part read as a person would."""

import base64
import html as html_lib
import io
import re
import shutil
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

import pytest

from generator.charts import EMAIL_CHARTS
from generator.charts.style import shown_type_px
from generator.pipeline import build_issue
from generator.render.email import MAX_HTML_BYTES

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
HEADINGS = ("The gap between small and large", "The reason: the price of money", "The sector lens",
            "Distressed names and junk", "The risks", "Positioning for long-term investors")
NOTE = """# An editor's headline for the week

First paragraph of the opening note, with *emphasis*.

Second paragraph of the opening note: it must reach every edition.

## rates
A note on rates, first paragraph.

A note on rates, second paragraph that the old email dropped.
"""


@pytest.fixture(scope="module")
def issue(settings, market_dir, tmp_path_factory):
    notes = tmp_path_factory.mktemp("notes")
    (notes / "2024-07-12.md").write_text(NOTE, encoding="utf-8")
    noted = settings.model_copy(update={"notes_dir": str(notes)})
    return build_issue(noted, source="csv", data_dir=market_dir, as_of=date(2024, 7, 12),
                       out_dir=tmp_path_factory.mktemp("reports")).folder


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (scripts/test installs Debian's chromium for this test)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--no-first-run",
                                                             "--disable-background-networking"])
        yield b
        b.close()


def _viewable(folder: Path) -> Path:
    """email.html with its cid: images pointed at the files `send` would attach."""
    html = (folder / "email.html").read_text()
    html = re.sub(r"cid:([a-z_]+)\.\d{4}-\d\d-\d\d@capweekly",
                  lambda m: (folder / "charts" / f"{m.group(1)}.phone.png").as_uri(), html)
    view = folder / "email-view.html"
    view.write_text(html)
    return view


TEXT_SIZES = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!node.textContent.trim() || !el.getClientRects().length) continue;  // hidden: the preheader
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.opacity === '0') continue;
    out.push([parseFloat(style.fontSize), node.textContent.trim().slice(0, 40)]);
  }
  return out;
}"""


@pytest.mark.parametrize("width", [375, 600])
def test_email_in_chromium(browser, issue, width):
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto(_viewable(issue).as_uri())
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "the email scrolls sideways"
    headings = page.eval_on_selector_all("h1, h2", "els => els.map(e => e.textContent.trim())")
    for heading in HEADINGS:
        assert any(h.startswith(heading) for h in headings), (heading, headings)
    # Every section heading of the web page (the written ones too: the long view's, policy's), bar the disclosures,
    # which the email gives as a paragraph.
    site_page = (issue / "site.html").read_text()
    web = [html_lib.unescape(re.sub(r"<[^>]+>", "", h).strip())
           for h in re.findall(r"<h2[^>]*>(.*?)</h2>", site_page)]
    web = [h for h in web if h != "Disclosures"]
    assert len(web) == 8 and all(h in headings for h in web), (web, headings)
    if width == 375:
        small = [(size, text) for size, text in page.evaluate(TEXT_SIZES) if size < 11]
        assert not small, f"text under 11 px at 375 px: {small[:5]}"
        # The charts are pictures: their smallest type (stored in each PNG when drawn), as shown.
        images = page.eval_on_selector_all("figure img", "els => els.map(e => [e.currentSrc, e.clientWidth])")
        assert len(images) == len(EMAIL_CHARTS)
        for src, shown in images:
            assert shown_type_px(Path(urlparse(src).path), shown) >= 11, src
    broken = page.eval_on_selector_all("img", "els => els.filter(e => !e.complete || !e.naturalWidth).length")
    assert broken == 0
    page.screenshot(path=str(issue / f"email-{width}.png"), full_page=True)
    page.close()


def test_report_html_serves_the_phone_charts_at_375_px(browser, issue):
    """report.html is self-contained: its <picture>s carry the phone versions as data, chosen at 375 px."""
    page = browser.new_page(viewport={"width": 375, "height": 800})
    page.goto((issue / "report.html").as_uri())
    shown = page.eval_on_selector_all("figure img", "els => els.map(e => [e.currentSrc, e.clientWidth])")
    assert len(shown) >= 9
    for src, width in shown:
        png = io.BytesIO(base64.b64decode(src.split(",", 1)[1]))
        assert shown_type_px(png, width) >= 11, src[:60]
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.close()


def test_email_holds_the_whole_issue_and_the_whole_note(issue):
    html = (issue / "email.html").read_text()
    text = (issue / "email.txt").read_text()
    assert len(html.encode()) < MAX_HTML_BYTES < 102 * 1024
    for part in ("First paragraph of the opening note", "Second paragraph of the opening note",
                 "A note on rates, first paragraph", "second paragraph that the old email dropped"):
        assert part in html and part in text, part
    assert "An editor's headline for the week" in html and "An editor's headline for the week" in text
    assert "No. " in html and "No. " in text  # the issue number
    assert "Forward this" in html and "Forward this" in text
    # web.public_url unset: no "subscribe here" to a page without a form (the sign-up link needs `serve`)
    assert "subscribe here" not in html and "Subscribe:" not in text
    assert "/work/" not in html and "/work/" not in text and "CSV folder" not in text  # no local path
    assert re.search(r'class="preheader"[^>]*>[^<]{40,}', html)  # the inbox preview: the standfirst
    for heading in HEADINGS:
        assert heading.upper() in text
    # Read as a person would: paragraphs wrapped, no markup, no template residue.
    assert "<" not in text.replace("<=", "") and "{{" not in text and "&amp;" not in text
    assert max(len(line) for line in text.splitlines() if "http" not in line) <= 100


def test_read_on_the_web_whenever_the_site_is_known(settings, tmp_path):
    hosted = settings.model_copy(update={"site": settings.site.model_copy(update={"base_url": "https://ex.com/n/"})})
    folder = build_issue(hosted, source="sample", out_dir=tmp_path).folder
    html, text = (folder / "email.html").read_text(), (folder / "email.txt").read_text()
    assert 'href="https://ex.com/n/issues/2025-10-31/"' in html and ">Read on the web<" in html
    assert "Read on the web: https://ex.com/n/issues/2025-10-31/" in text
    assert 'src="https://ex.com/n/issues/2025-10-31/charts/ratio_history.phone.png"' in html
    assert re.search(r'href="https://ex\.com/n/issues/2025-10-31/charts/ratio_history\.png"[^>]*>Full-size chart<', html)
    assert "SAMPLE DATA" in html and "SAMPLE DATA" in text


@pytest.mark.parametrize("public_url", ["https://example.com/letters/", None])
def test_forwarded_readers_are_sent_where_they_can_subscribe(settings, market_dir, tmp_path, public_url):
    """'Subscribe here' goes to `capweekly serve`'s sign-up form; without one, the email points to the site
    and its feed instead of inviting a subscription that leads nowhere."""
    site = "https://example.com/sc/"
    own = settings.model_copy(update={"site": settings.site.model_copy(update={"base_url": site}),
                                      "web": settings.web.model_copy(update={"public_url": public_url})})
    folder = build_issue(own, source="csv", data_dir=market_dir, as_of=date(2024, 7, 12), out_dir=tmp_path).folder
    html, text = (folder / "email.html").read_text(), (folder / "email.txt").read_text()
    if public_url:  # the PDF links to the web edition when site.base_url is known (once is enough)
        import pypdf

        pdf = "".join(p.extract_text() for p in pypdf.PdfReader(folder / "report.pdf").pages[:1])
        assert f"Web edition: {site}issues/2024-07-12/" in pdf
        assert re.search(rf'<a href="{public_url}subscribe"[^>]*>subscribe here</a>', html)
        assert f"Subscribe: {public_url}subscribe" in text
    else:
        assert "subscribe here" not in html and "Subscribe:" not in text
        assert re.search(rf'every issue is at <a href="{site}"', html) and f"{site}feed.xml" in text
