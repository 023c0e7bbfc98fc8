"""The static site: publish rules, and the pages in a real headless browser (Debian's chromium)."""

import functools
import http.server
import json
import re
import shutil
import threading
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path
from urllib.parse import urljoin, urlparse
from urllib.request import urlopen

import pytest

from generator.charts.style import shown_type_px
from generator.pipeline import build_issue
from generator.publish.site import PublishError, publish_site
from tests.conftest import ROOT
from tests.s3_server import aws, bucket, bucket_objects, calls, s3_client, s3_endpoint  # noqa: F401 (fixtures)

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
    assert {"index.html", "archive/index.html", "feed.xml", "sitemap.xml", "methodology/index.html", "about/index.html", "404.html"} <= names
    # the methodology page: the rules, the delays and the latest issue's track record, linked from every page
    method = (site / "methodology" / "index.html").read_text()
    record = __import__("json").loads((site / "issues" / "2024-07-05" / "metrics.json").read_text())["track_record"]
    assert "No look-ahead" in method and "one session later" in method and "March 16, 2001" in method
    assert f"{record['all']['calls']:,} weekly calls" in method
    lean = record["all"]["by_stance"]["lean_further"]["13w"]
    assert f"{lean['hits']} of {lean['calls']} ({round(lean['rate'] * 100)}%)" in method
    assert 'href="methodology/index.html"' in (site / "index.html").read_text()
    assert f"<loc>{BASE}methodology/</loc>" in (site / "sitemap.xml").read_text()
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
        assert "price files" in text  # and the data source, in a reader's words
        assert "/work/" not in text and str(ROOT) not in text and "CSV folder" not in text  # never a local path
    assert "SHA-256" not in (site / "index.html").read_text()  # the hash lives on the about page
    assert json.loads((site / "issues/2024-07-05/metrics.json").read_text())["provenance"]["data_sha256"] in \
        (site / "about/index.html").read_text()


def test_feed_is_valid_atom_with_the_whole_issue_and_no_tokens(site):
    feed = ET.fromstring((site / "feed.xml").read_bytes())
    ns = {"a": "http://www.w3.org/2005/Atom"}
    for required in ("a:id", "a:title", "a:updated", "a:author/a:name"):  # RFC 4287 4.1.1
        assert feed.find(required, ns) is not None and (feed.find(required, ns).text or "").strip(), required
    assert feed.find("a:link[@rel='self']", ns).get("href") == f"{BASE}feed.xml"
    entries = feed.findall("a:entry", ns)
    assert len(entries) == 2
    for entry in entries:
        for required in ("a:id", "a:title", "a:updated", "a:link", "a:content"):  # RFC 4287 4.1.2
            assert entry.find(required, ns) is not None, required
        content = entry.find("a:content", ns)
        assert content.get("type") == "html"
        body = content.text
        for heading in ("The gap between small and large", "The sector lens", "The risks", "Disclosures"):
            assert heading in body  # the whole issue, not a teaser
        srcs = re.findall(r'(?:src|href)="([^"]+)"', body)
        assert srcs and all(u.startswith(("https://", "http://", "mailto:")) for u in srcs), srcs[:5]
        assert "unsubscribe" not in body.lower() and "token" not in body.lower()
    assert "unsubscribe.invalid" not in (site / "feed.xml").read_text()


def _meta(html: str) -> dict[str, str]:
    return dict(re.findall(r'<meta (?:property|name)="((?:og|twitter):[^"]+)" content="([^"]*)"', html))


def test_share_cards_and_canonical_links_on_every_page(site):
    from PIL import Image

    for page in ("index.html", "archive/index.html", "about/index.html", "issues/2024-07-05/index.html",
                 "issues/2024-06-28/index.html"):
        html = (site / page).read_text()
        meta = _meta(html)
        for key in ("og:title", "og:description", "og:url", "og:image", "og:type", "twitter:card", "twitter:image"):
            assert meta.get(key), (page, key)
        assert meta["twitter:card"] == "summary_large_image"
        canonical = re.search(r'<link rel="canonical" href="([^"]+)"', html).group(1)
        assert canonical == meta["og:url"] and canonical.startswith(BASE)
        assert meta["og:image"].startswith(BASE)
        image = site / meta["og:image"][len(BASE):]
        assert image.is_file(), (page, meta["og:image"])
        assert Image.open(image).size == (1200, 630)
    issue = _meta((site / "issues/2024-07-05/index.html").read_text())
    assert issue["og:type"] == "article" and issue["og:url"] == f"{BASE}issues/2024-07-05/"
    assert issue["og:image"] == f"{BASE}issues/2024-07-05/charts/social.png"


def test_issue_numbers_pager_and_archive(site, settings):
    from generator.render.context import issue_number

    numbers = {d: issue_number(date.fromisoformat(d), settings.site.first_issue) for d in ("2024-06-28", "2024-07-05")}
    assert numbers["2024-07-05"] == numbers["2024-06-28"] + 1
    newest = (site / "issues/2024-07-05/index.html").read_text()
    oldest = (site / "issues/2024-06-28/index.html").read_text()
    assert f"No. {numbers['2024-07-05']}" in newest
    assert 'rel="prev" href="../2024-06-28/index.html"' in newest and 'rel="next"' not in newest
    assert 'rel="next" href="../2024-07-05/index.html"' in oldest and 'rel="prev"' not in oldest
    archive = (site / "archive/index.html").read_text()
    assert f"No. {numbers['2024-06-28']}" in archive and 'href="#y2024"' not in archive  # one year: no year bar
    assert archive.count('class="excerpt"') == 2 and archive.count('class="badge ') == 2


def test_signup_forms_where_they_can_work_and_the_feed_where_not(settings, reports, site, tmp_path):
    """web.public_url set: a form in the home hero, after the issue and at the foot of every page, each
    posting to `capweekly serve`. Unset: no form and no invitation to subscribe; the follow box offers the feed."""
    pages = ("index.html", "archive/index.html", "about/index.html", "methodology/index.html",
             "issues/2024-07-05/index.html")
    for page in pages:
        text = (site / page).read_text()
        assert "<form" not in text and "ubscribe" not in text and "feed.xml\">Atom feed</a>" in text, page
    signup = "https://example.com/letters/"
    on = settings.model_copy(update={"web": settings.web.model_copy(update={"public_url": signup})})
    target = tmp_path / "site"
    publish_site(on, reports, target, BASE)
    for page in pages:
        text = (target / page).read_text()
        assert text.count(f'<form method="post" action="{signup}subscribe">') == (2 if page == "index.html" else 1)
        ids = re.findall(r'\bid="([^"]+)"', text)
        assert len(ids) == len(set(ids)), page  # the hero's form and the footer's do not share ids
    home = (target / "index.html").read_text()
    assert home.index("signup-box") < home.index("Recent issues")  # the hero's form, above the list


def test_the_smaller_things(site, settings):
    """Issue 21's list: a <main>, a favicon, the share description from the brief, the stance pill by label,
    runs of the stance history collapsed, the disclosure line once, charts with their size, the postal
    address in every footer and the about text above the data."""
    pages = {p: (site / p).read_text() for p in ("index.html", "archive/index.html", "about/index.html",
                                                 "issues/2024-07-05/index.html", "issues/2024-06-28/index.html")}
    for name, text in pages.items():
        assert text.count("<main>") == 1 and 'rel="icon" type="image/svg+xml"' in text, name
        assert text.count("Full disclosures at the end") <= 1, name
        assert settings.branding.postal_address in text.split('class="sitefooter"')[1], name
    issue = pages["issues/2024-07-05/index.html"]
    card = json.loads((site / "issues/2024-07-05/metrics.json").read_text())
    description = _meta(issue)["og:description"]
    assert description.split(":")[0] in " ".join(re.sub(r"<[^>]+>", "", li) for li in
                                                  re.findall(r'<li>(.*?)</li>', issue.split('class="brief"')[1]))
    for img in re.findall(r"<img [^>]*>", issue):
        assert re.search(r'width="\d+" height="\d+"', img), img
    badges = re.findall(r'class="badge ([a-z-]+)">([^<]+)<', pages["archive/index.html"])
    for cls, label in badges:
        assert cls == ("favours-large" if label == "Stay with large caps" else "favours-small"), (cls, label)
    rows = re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td></tr>",
                      issue.split('class="compact history"')[1].split("</table>")[0])
    # no two neighbouring rows with the same call and risk
    assert rows and all((a[1], a[3]) != (b[1], b[3]) for a, b in zip(rows, rows[1:]))
    history = card["stance"]["history"]
    assert sum(int(m.group(1)) if (m := re.search(r"\((\d+) weeks\)", r[0])) else 1 for r in rows) == len(history)
    about = pages["about/index.html"]
    assert about.index("<strong>Small Caps Weekly</strong> asks one question") < about.index("<table")


def test_a_build_prints_a_number_only_where_it_is_known(tmp_path):
    """generator.publish.numbers.build_number: nothing published, no number; a week after the newest
    published one, the next; a published week, its own; an older unpublished week, none."""
    from generator.publish.numbers import build_number

    issues = tmp_path / "issues"
    assert build_number(date(2024, 7, 5), None, issues) is None
    for day, number in (("2024-06-28", 1), ("2024-07-05", 2)):
        (issues / day).mkdir(parents=True)
        (issues / day / "published.json").write_text(json.dumps({"digest": "x", "number": number}))
    assert build_number(date(2024, 7, 12), None, issues) == 3
    assert build_number(date(2024, 6, 28), None, issues) == 1
    assert build_number(date(2024, 6, 21), None, issues) is None
    assert build_number(date(2016, 1, 15), date(2016, 1, 8), issues) == 2  # the week-count scheme


def test_numbers_start_at_one_and_a_backfill_never_renumbers(settings, reports, tmp_path):
    """With site.first_issue unset (the shipped default) the first issue published is No. 1; a week
    published later but older than it is a back issue, unnumbered; the number is kept in published.json."""
    unset = settings.model_copy(update={"site": settings.site.model_copy(update={"first_issue": None})})
    only = tmp_path / "reports"
    shutil.copytree(reports / "2024-07-05", only / "2024-07-05")
    target = tmp_path / "site"
    publish_site(unset, only, target, BASE)
    page = lambda day: (target / "issues" / day / "index.html").read_text()  # noqa: E731
    assert '<span class="run-number">No. 1</span>' in page("2024-07-05")
    assert "No. 1" in (target / "index.html").read_text()
    assert json.loads((target / "issues/2024-07-05/published.json").read_text())["number"] == 1
    shutil.copytree(reports / "2024-06-28", only / "2024-06-28")  # a backfilled older week
    publish_site(unset, only, target, BASE)
    assert '<span class="run-number">No. 1</span>' in page("2024-07-05")
    assert 'class="run-number"' not in page("2024-06-28") and "capweekly:number" not in page("2024-06-28")
    archive = (target / "archive/index.html").read_text()
    assert archive.count("No. ") == 1 and "2 issues" in archive
    fresh = tmp_path / "fresh"  # both weeks in a first publish: numbered in date order
    publish_site(unset, only, fresh, BASE)
    numbers = {d: json.loads((fresh / "issues" / d / "published.json").read_text())["number"]
               for d in ("2024-06-28", "2024-07-05")}
    assert numbers == {"2024-06-28": 1, "2024-07-05": 2}


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
    neighbour = (target / "issues" / "2024-07-05" / "index.html").read_text()
    assert 'rel="next" href="../2024-07-12/index.html"' in neighbour  # ...but its new neighbour's was
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


@pytest.mark.parametrize("mode,width", [("http", 375), ("file", 375), ("http", 1280)])
def test_pages_in_chromium(browser, served, site, mode, width, tmp_path):
    root = served if mode == "http" else site.as_uri() + "/"
    pages = ["index.html", "archive/index.html", "about/index.html", "methodology/index.html", "issues/2024-07-05/index.html",
             "issues/2024-06-28/index.html"]
    for path in pages:
        page = browser.new_page(viewport={"width": width, "height": 844})
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
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"{url} scrolls sideways at {width}px ({scroll}px)"
        # axe's landmark rules (landmark-one-main, region): one <main>, and no text outside a landmark
        outside = page.evaluate("""() => {
            const marks = 'header, nav, main, aside, footer, [role=alert], [role=banner], [role=contentinfo]';
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            const out = [];
            for (let n = walker.nextNode(); n; n = walker.nextNode())
                if (n.textContent.trim() && !n.parentElement.closest(marks)) out.push(n.textContent.trim());
            return out; }""")
        assert page.eval_on_selector_all("main", "els => els.length") == 1 and outside == [], (url, outside)
        if path.startswith("issues/"):  # the pager's links are real pages, the contents' anchors real sections
            pager = page.eval_on_selector_all(".pager a", "els => els.map(e => e.href)")
            assert len(pager) == 1 and all(_resolves(u) for u in pager), pager
            anchors = page.eval_on_selector_all(".toc a", "els => els.map(e => e.getAttribute('href'))")
            assert len(anchors) >= 8
            for anchor in anchors:
                assert page.query_selector(anchor) is not None, anchor
        if path.startswith("issues/"):
            _charts_readable(page, site / path.rsplit("/", 1)[0], phone=width == 375)
        if mode == "http":
            page.screenshot(path=str(tmp_path / (path.replace("/", "_") + f"-{width}.png")), full_page=False)
        page.close()


def _charts_readable(page, issue: Path, phone: bool) -> None:
    """Every chart of an issue page, as shown: its smallest type (stored in the PNG when drawn) at the width it
    is shown is 11 px or more. At 375 px the phone version is the picture chosen, and a link opens the full
    size; on a desktop, the page chart."""
    shown = page.eval_on_selector_all(
        "figure img", "els => els.map(e => [e.currentSrc, e.clientWidth, e.closest('figure').querySelector("
                      "'a.full-chart') ? e.closest('figure').querySelector('a.full-chart').href : null])")
    assert len(shown) >= 9, shown
    for src, width, full in shown:
        name = src.rsplit("/", 1)[-1]
        assert name.endswith(".phone.png") == phone, src
        assert shown_type_px(issue / "charts" / name, width) >= 11, (name, width)
        if phone:
            assert full and full.endswith(name.replace(".phone.png", ".png")) and _resolves(full), (name, full)


def test_a_rebuilt_issue_is_republished_with_a_later_updated_time(settings, reports, tmp_path):
    """Issue 25: fix a typo, rebuild, publish: the issue is republished and its feed entry says when."""
    from datetime import datetime, timezone

    own = tmp_path / "reports"
    for day in ("2024-06-28", "2024-07-05"):
        shutil.copytree(reports / day, own / day)
    target = tmp_path / "site"
    publish_site(settings, own, target, BASE)
    assert not publish_site(settings, own, target, BASE).changed  # unchanged: still up to date
    # The rebuild after a typo fix: new words in the page and the PDF (a build is byte-identical otherwise).
    page = own / "2024-06-28" / "site.html"
    html = page.read_text()
    word = re.search(r"<p>([A-Z][a-z]+) ", html).group(1)
    page.write_text(html.replace(f"<p>{word} ", f"<p>{word}, corrected, ", 1))
    (own / "2024-06-28" / "report.pdf").write_bytes((own / "2024-06-28" / "report.pdf").read_bytes() + b"\n% fixed\n")
    fixed_at = datetime(2024, 7, 9, 8, 30, tzinfo=timezone.utc)
    result = publish_site(settings, own, target, BASE, now=fixed_at)
    assert result.changed and result.republished == ("2024-06-28",) and result.added == ()
    assert f"<p>{word}, corrected, " in (target / "issues" / "2024-06-28" / "index.html").read_text()
    assert (target / "issues" / "2024-06-28" / "report.pdf").read_bytes().endswith(b"% fixed\n")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.fromstring((target / "feed.xml").read_bytes())
    entries = {e.find("a:id", ns).text.rsplit("/", 1)[1]: e for e in feed.findall("a:entry", ns)}
    fixed, other = entries["2024-06-28"], entries["2024-07-05"]
    assert fixed.find("a:published", ns).text.startswith("2024-06-28T21:00:00")  # kept
    assert fixed.find("a:updated", ns).text.startswith("2024-07-09T08:30:00")  # when it was corrected
    assert other.find("a:updated", ns).text == other.find("a:published", ns).text
    assert feed.find("a:updated", ns).text.startswith("2024-07-09T08:30:00")
    # Published again with nothing rebuilt: up to date, and the correction time stays.
    again = publish_site(settings, own, target, BASE, now=datetime(2024, 7, 10, tzinfo=timezone.utc))
    assert not again.changed
    feed = ET.fromstring((target / "feed.xml").read_bytes())
    assert feed.find("a:updated", ns).text.startswith("2024-07-09T08:30:00")


@pytest.mark.parametrize("width", [375, 1280])
def test_axe_finds_no_violation(browser, site, reports, width):
    """Issue 21: axe-core (its WCAG rules, best practices included) on every page of the site and on the email
    edition, as chromium lays them out at a phone's and a desktop's width."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    pages = [site / p for p in ("index.html", "archive/index.html", "about/index.html", "methodology/index.html",
                                "issues/2024-07-05/index.html", "issues/2024-06-28/index.html")]
    pages.append(reports / "2024-07-05" / "email.html")
    found = {}
    for path in pages:
        page = browser.new_page(viewport={"width": min(width, 600) if path.name == "email.html" else width,
                                          "height": 844})
        page.goto(path.as_uri())
        violations = axe.run(page).response["violations"]
        if violations:
            found[str(path.relative_to(path.parents[2]))] = [
                (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
        page.close()
    assert found == {}


# --- The site on object storage: `publish --to s3://...` against moto's S3 server on loopback -------------------

S3_TYPES = {".html": "text/html; charset=utf-8", ".png": "image/png", ".pdf": "application/pdf",
            ".json": "application/json", ".xml": "application/xml; charset=utf-8"}


def _publish_to(reports_dir: Path, site_dir: Path, to: str, *extra: str):
    from click.testing import CliRunner

    from generator.cli import main
    from tests.conftest import SETTINGS

    return CliRunner().invoke(main, ["publish", "--settings", str(SETTINGS), "--out", str(reports_dir),
                                     "--site-dir", str(site_dir), "--base-url", BASE, "--to", to, *extra])


def _sha(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): _sha(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def _own_reports(reports: Path, tmp_path: Path, *days: str) -> Path:
    own = tmp_path / "reports"
    for day in days:
        shutil.copytree(reports / day, own / day)
    return own


@pytest.mark.parametrize("name, kind, cache", [
    ("index.html", "text/html; charset=utf-8", "public, max-age=60"),
    ("feed.xml", "application/atom+xml; charset=utf-8", "public, max-age=60"),
    ("archive/index.html", "text/html; charset=utf-8", "public, max-age=300"),
    ("issues/2024-07-05/charts/social.png", "image/png", "public, max-age=86400"),
    ("issues/2024-07-05/report.pdf", "application/pdf", "public, max-age=86400"),
    ("assets/logo.svg", "image/svg+xml", "public, max-age=86400"),
    ("assets/site.3f9a1c2e7b.css", "text/css; charset=utf-8", "public, max-age=31536000, immutable"),
    ("assets/serif-5d41402abc4b2a76.woff2", "font/woff2", "public, max-age=31536000, immutable"),
    ("charts/ratio-20240628.png", "image/png", "public, max-age=86400"),  # a date, not a content hash
    ("robots", "application/octet-stream", "public, max-age=86400"),
])
def test_content_type_and_cache_control_by_name(name, kind, cache):
    from generator.publish.s3 import cache_control, content_type

    assert (content_type(name), cache_control(name)) == (kind, cache)


def test_s3_targets():
    from generator.publish.s3 import Target, parse_target

    assert parse_target("s3://my-bucket") == Target("my-bucket", "")
    assert parse_target("s3://my-bucket//news//weekly/") == Target("my-bucket", "news/weekly/")
    assert str(parse_target("s3://my-bucket/news")) == "s3://my-bucket/news/"
    for bad in ("s3://My_Bucket/x", "https://my-bucket/x", "my-bucket/x", "s3://"):
        with pytest.raises(PublishError):
            parse_target(bad)


def test_a_first_publish_uploads_every_file_typed_cached_and_in_order(reports, aws, bucket, calls, tmp_path):
    site = tmp_path / "site"
    result = _publish_to(reports, site, f"s3://{bucket}/www")
    assert result.exit_code == 0, result.output
    files = _tree(site)
    objects = bucket_objects(aws, bucket)
    assert set(objects) == {f"www/{name}" for name in files} | {"www/.capweekly-manifest.json"}
    for name, digest in files.items():
        head = objects[f"www/{name}"]
        expected = "application/atom+xml; charset=utf-8" if name == "feed.xml" else S3_TYPES[Path(name).suffix]
        assert head["ContentType"] == expected, name
        assert head["Metadata"]["sha256"] == digest, name
        age = int(re.search(r"max-age=(\d+)", head["CacheControl"]).group(1))
        if name in ("index.html", "feed.xml", "sitemap.xml"):
            assert age <= 300, name  # the home page, feed and sitemap change every week
        elif name.endswith(".html") or name.endswith("/published.json"):
            assert age <= 3600, name  # a page changes when a neighbour appears, a stamp when it is rebuilt
        else:
            assert age >= 86400, name  # charts, PDFs, metrics: the same until the issue is rebuilt
        assert "immutable" not in head["CacheControl"], name  # no name here carries its content's hash
    puts = [key.removeprefix("www/") for kind, key in calls if kind == "put"]
    assert puts[0] == puts[-1] == ".capweekly-manifest.json"  # the write probe first, the manifest last
    site_puts = puts[1:-1]
    assert sorted(site_puts) == sorted(files)  # each file once
    group = lambda n: (0 if not n.endswith((".html", ".xml")) else 1 if n.startswith("issues/") else  # noqa: E731
                       3 if n == "feed.xml" else 4 if n == "index.html" else 2)
    assert [group(n) for n in site_puts] == sorted(group(n) for n in site_puts)
    assert site_puts[-2:] == ["feed.xml", "index.html"]
    assert f"s3://{bucket}/www/: uploaded {len(files)} file(s)" in result.stdout


def test_an_unchanged_site_uploads_nothing_and_one_changed_issue_only_what_changed(reports, aws, bucket, calls,
                                                                                  tmp_path):
    own = _own_reports(reports, tmp_path, "2024-06-28", "2024-07-05")
    site = tmp_path / "site"
    assert _publish_to(own, site, f"s3://{bucket}/").exit_code == 0
    calls.clear()
    again = _publish_to(own, site, f"s3://{bucket}/")
    assert again.exit_code == 0 and calls == []
    assert f"s3://{bucket}/: up to date ({len(_tree(site))} files); nothing uploaded" in again.stdout
    before = _tree(site)
    page = own / "2024-06-28" / "site.html"  # a typo fixed and the issue rebuilt
    html = page.read_text()
    word = re.search(r"<p>([A-Z][a-z]+) ", html).group(1)
    page.write_text(html.replace(f"<p>{word} ", f"<p>{word}, corrected, ", 1))
    fixed = _publish_to(own, site, f"s3://{bucket}/")
    assert fixed.exit_code == 0, fixed.output
    after = _tree(site)
    changed = {name for name, digest in after.items() if before.get(name) != digest}
    assert "issues/2024-06-28/index.html" in changed and "feed.xml" in changed
    assert not any(n.startswith("issues/2024-07-05/") or n.endswith((".png", ".pdf")) for n in changed)
    puts = [key for kind, key in calls if kind == "put" and key != ".capweekly-manifest.json"]
    assert sorted(puts) == sorted(changed)
    objects = bucket_objects(aws, bucket)
    assert all(objects[name]["Metadata"]["sha256"] == digest for name, digest in after.items())
    # From a machine without the site folder (its numbers and correction times): refused, nothing changed.
    calls.clear()
    elsewhere = tmp_path / "elsewhere"
    line = _one_line_error(_publish_to(own, elsewhere, f"s3://{bucket}/"), 4)
    assert f"s3://{bucket}/ already holds a published site" in line and str(elsewhere) in line
    assert calls == [] and not elsewhere.exists()


def _links(html: str, key: str) -> set[str]:
    """The objects a page links to or loads, as keys: relative links only (absolute ones leave the site)."""
    import posixpath

    folder = posixpath.dirname(key)
    out = set()
    for target in re.findall(r'(?:href|src)="([^"#?]+)', html):
        if re.match(r"^[a-z][a-z0-9+.-]*:|^/", target, flags=re.I):
            continue
        path = posixpath.normpath(posixpath.join(folder, target)) if folder else posixpath.normpath(target)
        out.add(path + "/index.html" if target.endswith("/") or target in (".", "..") else path)
    return {p.removeprefix("./") for p in out}


def test_no_page_links_to_an_object_not_yet_uploaded(reports, aws, bucket, calls, tmp_path):
    """A new week on a published site: at each page's PUT, everything it links to is already in the bucket."""
    own = _own_reports(reports, tmp_path, "2024-06-28")
    site = tmp_path / "site"
    assert _publish_to(own, site, f"s3://{bucket}/").exit_code == 0
    there = {name for name in _tree(site)}
    calls.clear()
    shutil.copytree(reports / "2024-07-05", own / "2024-07-05")
    assert _publish_to(own, site, f"s3://{bucket}/").exit_code == 0
    puts = [key for kind, key in calls if kind == "put" and key != ".capweekly-manifest.json"]
    assert "issues/2024-07-05/index.html" in puts and "issues/2024-06-28/index.html" in puts  # its pager
    checked = 0
    for key in puts:
        there.add(key)
        if key.endswith(".html"):
            missing = _links((site / key).read_text(), key) - there
            assert not missing, (key, missing)
            checked += 1
    assert checked >= 5


def test_delete_only_when_asked_only_under_the_prefix_and_after_the_uploads(reports, aws, bucket, calls, tmp_path):
    client = s3_client(aws)
    for key in ("www/old-issue/index.html", "www-old/index.html", "other/index.html"):
        client.put_object(Bucket=bucket, Key=key, Body=b"<p>old</p>")
    site = tmp_path / "site"
    dry = _publish_to(reports, site, f"s3://{bucket}/www", "--delete", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert f"would delete www/old-issue/index.html" in dry.stdout and "would upload new www/index.html" in dry.stdout
    assert "www-old/" not in dry.stdout and "other/" not in dry.stdout
    assert calls == [] and not site.exists()  # a dry run changes neither the bucket nor the site folder
    kept = _publish_to(reports, site, f"s3://{bucket}/www")
    assert kept.exit_code == 0 and "www/old-issue/index.html" in bucket_objects(aws, bucket)
    assert "1 object(s) under the prefix are not in the site and were kept" in kept.stderr
    calls.clear()
    deleted = _publish_to(reports, site, f"s3://{bucket}/www", "--delete")
    assert deleted.exit_code == 0, deleted.output
    assert calls == [("put", "www/.capweekly-manifest.json"), ("delete", "www/old-issue/index.html")]
    objects = bucket_objects(aws, bucket)
    assert "www/old-issue/index.html" not in objects
    assert {"www-old/index.html", "other/index.html", "www/index.html"} <= set(objects)


def test_a_browser_gets_the_types_and_cache_headers(reports, aws, bucket, tmp_path):
    """The raw HTTP a browser (or a CDN in front of the bucket) gets from the store."""
    import http.client

    site = tmp_path / "site"
    assert _publish_to(reports, site, f"s3://{bucket}/www").exit_code == 0
    s3_client(aws).put_bucket_policy(Bucket=bucket, Policy=json.dumps({  # a public site's bucket (README)
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                                                "Resource": f"arn:aws:s3:::{bucket}/www/*"}]}))
    host, port = urlparse(aws).hostname, urlparse(aws).port
    for name, kind in (("index.html", b"text/html; charset=utf-8"), ("feed.xml", b"application/atom+xml; charset=utf-8"),
                       ("issues/2024-07-05/charts/social.png", b"image/png")):
        connection = http.client.HTTPConnection(host, port, timeout=10)
        connection.request("GET", f"/{bucket}/www/{name}")
        response = connection.getresponse()
        body = response.read()
        raw = {k.lower().encode(): v.encode("latin-1") for k, v in response.getheaders()}
        connection.close()
        assert response.status == 200 and body == (site / name).read_bytes()
        assert raw[b"content-type"] == kind, name
        assert raw[b"cache-control"].startswith(b"public, max-age="), name


def _one_line_error(result, code: int) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.exit_code == code and len(lines) == 1, (result.exit_code, result.output)
    return lines[0]


def test_errors_name_the_target_and_what_to_do_and_publish_nothing(reports, aws, bucket, calls, monkeypatch,
                                                                   tmp_path):
    site = tmp_path / "site"
    line = _one_line_error(_publish_to(reports, site, "s3://no-such-bucket/www"), 3)
    assert "s3://no-such-bucket/www/" in line and "no bucket named no-such-bucket" in line and "create it" in line
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    line = _one_line_error(_publish_to(reports, site, f"s3://{bucket}/www"), 3)
    assert f"s3://{bucket}/www/" in line and "no credentials" in line and "AWS_ACCESS_KEY_ID" in line
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{closed}")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    line = _one_line_error(_publish_to(reports, site, f"s3://{bucket}/www"), 5)
    assert f"s3://{bucket}/www/ (endpoint http://127.0.0.1:{closed})" in line and "cannot reach" in line
    assert "AWS_ENDPOINT_URL" in line
    monkeypatch.setenv("AWS_ENDPOINT_URL", "minio.internal:9000")  # the scheme forgotten
    line = _one_line_error(_publish_to(reports, site, f"s3://{bucket}/www"), 3)
    assert f"s3://{bucket}/www/: Invalid endpoint" in line and "set AWS_ENDPOINT_URL" in line
    assert calls == [] and not site.exists()  # stopped before the site folder or the bucket changed
    assert bucket_objects(aws, bucket) == {}
    line = _one_line_error(_publish_to(reports, site, "/var/www/site"), 3)
    assert "/var/www/site: not an S3 target" in line
    from click.testing import CliRunner

    from generator.cli import main

    assert CliRunner().invoke(main, ["publish", "--delete"]).exit_code == 2  # --delete goes with --to


def test_read_only_credentials_stop_before_the_first_file(reports, aws, bucket, tmp_path, monkeypatch):
    """With access control on (moto's IAM), keys that may list and read but not write: access denied at the
    write probe, nothing in the bucket; unknown keys: the credentials are refused."""
    import urllib.request

    import boto3

    iam = boto3.client("iam", endpoint_url=aws, aws_access_key_id="testing", aws_secret_access_key="testing",
                       region_name="us-east-1")
    iam.create_user(UserName="reader")
    iam.put_user_policy(UserName="reader", PolicyName="read", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetObject"], "Resource": "*"}]}))
    key = iam.create_access_key(UserName="reader")["AccessKey"]
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
    auth = lambda count: urllib.request.urlopen(urllib.request.Request(  # noqa: E731
        f"{aws}/moto-api/reset-auth", data=count, method="POST", headers={"Content-Type": "text/plain"}),
        timeout=10).read()
    auth(b"0")  # every request from here on is checked
    try:
        site = tmp_path / "site"
        line = _one_line_error(_publish_to(reports, site, f"s3://{bucket}/www"), 3)
        assert f"s3://{bucket}/www/" in line and "access denied" in line and "s3:PutObject" in line
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAUNKNOWNKEY000000")
        line = _one_line_error(_publish_to(reports, site, f"s3://{bucket}/www"), 3)
        assert "refused the credentials" in line and "AWS_SECRET_ACCESS_KEY" in line
    finally:
        auth(b"inf")
    assert bucket_objects(aws, bucket) == {}
