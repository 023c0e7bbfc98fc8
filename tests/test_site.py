"""The static site: publish rules, and the pages in a real headless browser (Debian's chromium)."""

import functools
import http.server
import shutil
import threading
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path
from urllib.parse import urljoin, urlparse
from urllib.request import urlopen

import pytest

from generator.pipeline import build_issue
from generator.publish.site import PublishError, publish_site

BASE = "https://example.com/smallcaps/"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def reports(settings, market_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    for day in (date(2024, 6, 28), date(2024, 7, 5)):
        build_issue(settings, source="csv", data_dir=market_dir, as_of=day, out_dir=out)
    build_issue(settings, source="sample", out_dir=out)  # never published
    return out


@pytest.fixture(scope="module")
def site(settings, reports, tmp_path_factory):
    target = tmp_path_factory.mktemp("www") / "site"
    publish_site(settings, reports, target, BASE)
    return target


def test_site_layout_feed_and_sitemap(site):
    names = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    for day in ("2024-06-28", "2024-07-05"):
        for f in ("index.html", "report.pdf", "metrics.json", "charts/ratio_history.png"):
            assert f"issues/{day}/{f}" in names
    assert {"index.html", "archive/index.html", "feed.xml", "sitemap.xml"} <= names
    assert not any(n.startswith("issues/2025-10-31") for n in names)  # sample data is never published
    feed = ET.fromstring((site / "feed.xml").read_bytes())
    ns = {"a": "http://www.w3.org/2005/Atom"}
    ids = [e.find("a:id", ns).text for e in feed.findall("a:entry", ns)]
    assert ids == ["tag:example.com,2024-07-05:issue/2024-07-05", "tag:example.com,2024-06-28:issue/2024-06-28"]
    links = [e.find("a:link", ns).get("href") for e in feed.findall("a:entry", ns)]
    assert links[0] == f"{BASE}issues/2024-07-05/"
    sitemap = (site / "sitemap.xml").read_text()
    assert f"<loc>{BASE}issues/2024-06-28/</loc>" in sitemap
    for page in ("index.html", "archive/index.html", "issues/2024-07-05/index.html"):
        text = (site / page).read_text()
        assert "General commentary, not personalised advice" in text  # the disclaimer on every page
        assert "CSV folder" in text  # and the data source line


def test_publish_is_incremental_atomic_and_idempotent(settings, reports, market_dir, tmp_path):
    target = tmp_path / "site"
    publish_site(settings, reports, target, BASE)
    page = target / "issues" / "2024-06-28" / "index.html"
    inode, mtime = page.stat().st_ino, page.stat().st_mtime_ns
    again = publish_site(settings, reports, target, BASE)
    assert not again.changed and page.stat().st_mtime_ns == mtime  # a no-op
    build_issue(settings, source="csv", data_dir=market_dir, as_of=date(2024, 7, 12), out_dir=reports)
    result = publish_site(settings, reports, target, BASE)
    assert result.added == ("2024-07-12",)
    assert page.stat().st_ino == inode  # the old issue page was linked, not rewritten
    assert "2024-07-12" in (target / "index.html").read_text()
    shutil.rmtree(reports / "2024-07-12")


def test_failed_publish_leaves_the_site_intact(settings, reports, tmp_path, monkeypatch):
    target = tmp_path / "site"
    publish_site(settings, reports, target, BASE)
    before = sorted(p.relative_to(target) for p in target.rglob("*"))
    import generator.publish.site as site_module

    def broken(*args, **kwargs):
        raise OSError("disk full")

    (reports / "2099-01-02").mkdir()  # a new issue to trigger a rebuild
    for f in ("metrics.json", "site.html", "report.pdf"):
        shutil.copy(reports / "2024-07-05" / f, reports / "2099-01-02" / f)
    monkeypatch.setattr(site_module, "_copy_issue", broken)
    try:
        with pytest.raises(site_module.PublishError, match="live site is unchanged"):
            publish_site(settings, reports, target, BASE)
    finally:
        shutil.rmtree(reports / "2099-01-02")
    assert sorted(p.relative_to(target) for p in target.rglob("*")) == before
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".")]


def test_publish_needs_a_url_and_real_data(settings, reports, tmp_path):
    with pytest.raises(PublishError, match="no site URL"):
        publish_site(settings, reports, tmp_path / "s", None)
    only_sample = tmp_path / "r"
    only_sample.mkdir()
    shutil.copytree(reports / "2025-10-31", only_sample / "2025-10-31")
    with pytest.raises(PublishError, match="no publishable issue"):
        publish_site(settings, only_sample, tmp_path / "s", BASE)


# --- in a real browser -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def served(site):
    """The site's parent folder over HTTP on loopback, so the site lives under /site/ (not the root)."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site.parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.RequestHandlerClass.log_message = lambda *a: None
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/site/"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (scripts/test installs Debian's chromium for this test)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


def _resolves(url: str) -> bool:
    parsed = urlparse(url)
    if parsed.scheme == "file":
        return Path(parsed.path).exists()
    with urlopen(url, timeout=10) as response:
        return response.status == 200


@pytest.mark.parametrize("mode", ["http", "file"])
def test_pages_in_chromium(browser, served, site, mode, tmp_path):
    root = served if mode == "http" else site.as_uri() + "/"
    pages = ["index.html", "archive/index.html", "issues/2024-07-05/index.html"]
    for path in pages:
        page = browser.new_page(viewport={"width": 390, "height": 844})
        problems = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        url = urljoin(root, path)
        response = page.goto(url)
        assert response is None or response.ok, url
        targets = page.eval_on_selector_all("a[href], img[src]", "els => els.map(e => e.href || e.src)")
        broken_images = page.eval_on_selector_all("img", "els => els.filter(e => !e.complete || e.naturalWidth === 0).map(e => e.src)")
        assert problems == [], (url, problems)
        assert broken_images == [], url
        local = [t for t in targets if t.startswith(root.split("/site/")[0]) or t.startswith("file:")]
        assert local, url
        for target in local:
            assert _resolves(target.split("#")[0]), (url, target)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{url} scrolls sideways on a phone ({width}px)"
        if mode == "http":
            page.screenshot(path=str(tmp_path / (path.replace("/", "_") + ".png")), full_page=False)
        page.close()
