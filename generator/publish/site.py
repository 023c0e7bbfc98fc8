"""The static site: one page per issue, a home page, an archive by year, an about-the-data page, a 404 page,
a full-content Atom feed and a sitemap.

Incremental and atomic: the new site is assembled in a staging folder beside
the live one (existing issue folders are hard-linked, never rewritten), then
swapped in with two renames; a failure leaves the live site untouched.
Publishing again with nothing new changes nothing. Every link between pages
is relative, so the site works under any base URL and opened as local files;
only the feed, the sitemap, canonical links and share-card meta (Open Graph
and Twitter, which must be absolute) carry absolute URLs, from site.base_url.

An issue page is the build's site.html with markers filled in here: the
head's canonical and share-card meta, the previous/next links, the issue
number (generator.publish.numbers) and the sign-up box (a form where
web.public_url is set, else the feed). So an
issue page is rewritten when a neighbour appears (a new week, or a
backfilled one beside it); otherwise it is hard-linked as before.

A rebuilt issue (a typo fixed, a note corrected) is republished whole: each
published issue folder holds `published.json`, the digest of the build files it
came from and its `updated` time. When the build's digest differs, the issue is
copied afresh and its feed entry's `updated` becomes the time of republishing;
its `published` time (the week's close) never changes. An unchanged issue is
left alone, so publishing twice is still a no-op.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timezone
from itertools import groupby
from pathlib import Path
from urllib.parse import urlparse

from generator import names
from generator.errors import CapweeklyError
from generator.publish.numbers import assign, recorded
from generator.render.context import issue_number, reader_source
from generator.render.environment import make_environment
from generator.formats import longdate
from generator.settings import Settings

ISSUE_FILES = ("report.pdf", "metrics.json")
STAMP = "published.json"  # in each published issue folder: the build's digest and the entry's `updated` time


class PublishError(CapweeklyError):
    category = "publish error"


@dataclass(frozen=True)
class IssueSummary:
    as_of: date
    headline: str
    stance: str
    risk_level: str
    small: str
    large: str
    spread_1w: float | None
    distance: float | None
    source: str
    data: str  # where the numbers came from, for the data line on every page
    folder: Path
    open_flags: int = 0  # fact-check flags the editor has not overridden (metrics.json fact_check.open)
    number: int | None = None
    excerpt: str = ""       # the standfirst, shortened (site.json)
    image: str | None = None  # the share card, relative to the issue folder (site.json)
    data_source: str = ""   # the data source in a reader's words

    stance_score: int = 0
    standfirst: str = ""    # in full, for the home page's lead (site.json)
    stance_key: str = ""    # lean_further, start_lean or stay_large
    brief: tuple[str, ...] = ()  # "the week in brief", plain text (site.json): the share cards' description

    @property
    def stance_class(self) -> str:
        """CSS class of the stance badge: the side the call favours, from its label (never the score, which
        moves within one label and would paint the same call two colours)."""
        return {"stay_large": "favours-large", "start_lean": "favours-small",
                "lean_further": "favours-small"}.get(self.stance_key, "neutral")

    @property
    def description(self) -> str:
        """What a share card says of the issue: the week in brief, else the standfirst's opening."""
        text = " ".join(self.brief) or self.excerpt
        return text if len(text) <= 200 else text[:197].rsplit(" ", 1)[0] + "..."


@dataclass(frozen=True)
class PublishResult:
    added: tuple[str, ...]
    skipped: tuple[str, ...]  # built issues not published (sample data, incomplete)
    changed: bool
    total: int
    republished: tuple[str, ...] = ()  # issues whose build changed since they were published


def _content_digest(folder: Path, with_page: bool = True) -> str:
    """What readers read in an issue folder: its page (the build's site.html), metrics.json, charts and note
    images. Left out: the time the data was downloaded, which a re-run of `weekly` changes and nothing
    else (it is blanked in the page and metrics.json), and the PDF, whose compressed bytes carry that time
    too and whose words are the page's."""
    try:
        retrieved = (json.loads((folder / "metrics.json").read_text(encoding="utf-8")).get("provenance") or {}) \
            .get("retrieved_at") or ""
    except (OSError, ValueError, AttributeError):
        retrieved = ""
    files = [folder / "site.html"] if with_page else []
    files += [folder / "metrics.json"]
    files += sorted((folder / "charts").glob("*.png")) if (folder / "charts").is_dir() else []
    files += sorted(p for p in (folder / "notes").rglob("*") if p.is_file()) if (folder / "notes").is_dir() else []
    h = hashlib.sha256()
    for path in files:
        if not path.is_file():
            continue
        data = path.read_bytes()
        if retrieved and path.name in ("site.html", "metrics.json"):
            data = data.replace(str(retrieved).encode(), b"")
        h.update(path.relative_to(folder).as_posix().encode() + b"\0" + hashlib.sha256(data).digest())
    return h.hexdigest()


def build_digest(build: Path) -> str:
    """What a published issue was made from (stored in its published.json)."""
    return _content_digest(build)


def _stamp(live: Path) -> dict:
    try:
        doc = json.loads((live / STAMP).read_text(encoding="utf-8"))
        return doc if isinstance(doc, dict) else {}
    except (OSError, ValueError):
        return {}


def rebuilt(summary: IssueSummary, live: Path) -> bool:
    """Has the issue been rebuilt with different content since `live` was published?"""
    stamp = _stamp(live)
    if "digest" in stamp:
        return stamp["digest"] != build_digest(summary.folder)
    # Published before the stamp existed: compare what was copied as it is (the page was filled in).
    return _content_digest(live, with_page=False) != _content_digest(summary.folder, with_page=False)


def _updated(live: Path, as_of: date) -> datetime:
    try:
        return datetime.fromisoformat(_stamp(live)["updated"])
    except (KeyError, TypeError, ValueError):
        return _close(as_of)


def _close(day: date) -> datetime:
    return datetime.combine(day, time(21, 0), tzinfo=timezone.utc)  # after the US close


def read_summary(folder: Path, first_issue: date | None = None) -> IssueSummary | None:
    try:
        doc = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not all((folder / f).is_file() for f in ("site.html", *ISSUE_FILES)):
        return None
    try:
        return _summary(doc, folder, first_issue)
    except (KeyError, TypeError, ValueError, AttributeError):  # a damaged metrics.json: not publishable
        return None


def _summary(doc: dict, folder: Path, first_issue: date | None) -> IssueSummary:
    try:  # written by builds since share cards; older issues go without excerpt and image
        card = json.loads((folder / "site.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        card = {}
    as_of = date.fromisoformat(doc["as_of"])
    description = doc.get("provenance", {}).get("description", doc["source"])
    image = card.get("image") if card.get("image") and (folder / card["image"]).is_file() else None
    return IssueSummary(as_of, doc.get("headline") or f"Week ending {doc['as_of']}",
                        doc["stance"]["label"], doc["stance"].get("risk_level", "n/a"), doc["pair"]["small"],
                        doc["pair"]["large"], doc["spread"].get("1w"), doc["ratio"].get("distance_from_sma_long"),
                        doc["source"], description, folder, open_flags(doc), issue_number(as_of, first_issue),
                        card.get("excerpt", ""), image, reader_source(doc["source"], description),
                        int(doc["stance"].get("score") or 0), card.get("standfirst", card.get("excerpt", "")),
                        doc["stance"].get("key", ""), tuple(card.get("brief") or ()))


def open_flags(doc: dict) -> int:
    """Open fact-check flags of a built issue; issues built before the fact-check existed have none."""
    return int((doc.get("fact_check") or {}).get("open", 0))


def _write_stamp(target: Path, digest: str, updated: str, number: int | None) -> None:
    doc = {"digest": digest, "updated": updated, **({"number": number} if number else {})}
    (target / STAMP).write_text(json.dumps(doc) + "\n", encoding="utf-8")


def _copy_issue(summary: IssueSummary, target: Path, page: bytes, updated: datetime) -> None:
    target.mkdir(parents=True)
    (target / "index.html").write_bytes(page)
    _write_stamp(target, build_digest(summary.folder), updated.isoformat(timespec="seconds"), summary.number)
    for name in ISSUE_FILES:
        shutil.copyfile(summary.folder / name, target / name)
    (target / "charts").mkdir()
    for chart in sorted((summary.folder / "charts").glob("*.png")):
        shutil.copyfile(chart, target / "charts" / chart.name)
    if (summary.folder / "notes").is_dir():  # the editor's note's images (generator.notes)
        shutil.copytree(summary.folder / "notes", target / "notes")


def link_tree(source: Path, target: Path) -> None:
    """Hard-link an existing issue folder into the staging site: same bytes, no rewrite."""
    for root, _dirs, files in os.walk(source):
        rel = Path(root).relative_to(source)
        (target / rel).mkdir(parents=True, exist_ok=True)
        for name in files:
            try:
                os.link(Path(root) / name, target / rel / name)
            except OSError:
                shutil.copy2(Path(root) / name, target / rel / name)


def _feed(settings: Settings, issues: list[IssueSummary], base_url: str, published: dict[str, bytes],
          updated: dict[str, datetime]) -> bytes:
    from feedgen.feed import FeedGenerator

    fg = FeedGenerator()
    ids = feed_ids(settings, base_url)
    fg.id(ids(None))
    fg.title(settings.branding.title)
    fg.subtitle(settings.branding.subtitle or settings.branding.title)
    fg.author({"name": settings.branding.author})
    fg.link(href=base_url, rel="alternate")
    fg.link(href=f"{base_url}feed.xml", rel="self")
    fg.language("en")
    fg.rights(settings.disclosures.copyright.replace("{year}", str(issues[0].as_of.year)))
    shown = issues[: settings.site.feed_entries]
    fg.updated(max(updated[i.as_of.isoformat()] for i in shown))
    for issue in reversed(shown):
        entry = fg.add_entry()
        entry.id(ids(issue.as_of))
        entry.title(issue.headline)
        entry.link(href=f"{base_url}issues/{issue.as_of.isoformat()}/", rel="alternate")
        entry.published(_close(issue.as_of))
        entry.updated(updated[issue.as_of.isoformat()])  # later than published once the issue was corrected
        entry.summary(f"{'No. ' + str(issue.number) + ', w' if issue.number else 'W'}eek ending "
                      f"{issue.as_of.isoformat()}. Stance: {issue.stance}. {issue.excerpt}".strip())
        entry.content(feed_content(published[issue.as_of.isoformat()].decode("utf-8"),
                                   f"{base_url}issues/{issue.as_of.isoformat()}/"), type="html")
    return fg.atom_str(pretty=True)


def feed_ids(settings: Settings, base_url: str):
    """The feed's id (for None) and each issue's, as a function of the issue's date. With site.feed_id (init
    writes one) they derive from it alone, so a test publish on 127.0.0.1 and the real site give the same ids;
    without it, tag URIs from the host as before, kept so that existing feeds do not show every issue twice."""
    import uuid

    if settings.site.feed_id:
        root = uuid.UUID(settings.site.feed_id.removeprefix("urn:uuid:"))
        return lambda day: root.urn if day is None else uuid.uuid5(root, f"issue/{day.isoformat()}").urn
    host = urlparse(base_url).hostname or "capweekly.invalid"
    return lambda day: (f"tag:{host},2024:capweekly-feed" if day is None
                        else f"tag:{host},{day.isoformat()}:issue/{day.isoformat()}")


def feed_content(page: str, url: str) -> str:
    """The whole issue for feed readers and feed-to-email tools: the published page's article, every link
    made absolute."""
    match = re.search(r"<article>(.*)</article>", page, flags=re.S)
    body = match.group(1) if match else ""
    body = re.sub(r'<nav class="toc".*?</nav>', "", body, flags=re.S)  # in-page links mean nothing in a reader

    def absolute(m: re.Match) -> str:
        attr, target = m.group(1), m.group(2)
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, flags=re.I):
            return m.group(0)
        return f'{attr}="{url}{target}"'

    body = re.sub(r'\b(src|href)="([^"]*)"', absolute, body)
    banner = f'<p><a href="{url}">Read this issue on the web</a> &middot; <a href="{url}report.pdf">PDF</a></p>'
    return banner + body


def _sitemap(issues: list[IssueSummary], base_url: str, updated: dict[str, datetime]) -> bytes:
    urls = [(f"{base_url}{page}", issues[0].as_of) for page in ("", "archive/", "about/", "methodology/")]
    urls += [(f"{base_url}issues/{i.as_of.isoformat()}/", updated[i.as_of.isoformat()].date()) for i in issues]
    body = "".join(f"<url><loc>{u}</loc><lastmod>{d.isoformat()}</lastmod></url>\n" for u, d in urls)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + body + "</urlset>\n").encode()


def _meta(env, settings: Settings, *, url: str, og_title: str, description: str, image: str | None, image_alt: str,
          og_type: str = "website", published: str | None = None) -> str:
    return env.get_template("site/_meta.html").render(
        title=settings.branding.title, url=url, og_title=og_title, description=description, image=image,
        image_alt=image_alt, og_type=og_type, published=published)


def _card(issue: IssueSummary, base_url: str) -> str | None:
    return f"{base_url}issues/{issue.as_of.isoformat()}/{issue.image}" if issue.image else None


def _card_alt(issue: IssueSummary) -> str:
    return f"{issue.headline}. Stance: {issue.stance}. The {issue.small}/{issue.large} ratio over the last year."


def issue_page(env, settings: Settings, issue: IssueSummary, older: IssueSummary | None, newer: IssueSummary | None,
               base_url: str) -> bytes:
    """The published issue page: the built site.html with its share-card meta and previous/next links."""
    url = f"{base_url}issues/{issue.as_of.isoformat()}/"
    meta = _meta(env, settings, url=url, og_title=issue.headline, og_type="article",
                 description=issue.description or f"{settings.branding.title}, week ending {issue.as_of.isoformat()}.",
                 image=_card(issue, base_url), image_alt=_card_alt(issue),
                 published=f"{issue.as_of.isoformat()}T21:00:00Z")
    pager = env.get_template("site/_pager.html").render(older=older, newer=newer)
    number = f'<span class="run-number">No. {issue.number}</span> &middot; ' if issue.number else ""
    signup = env.get_template("site/_signup.html").render(title=settings.branding.title, root="../../",
                                                          subscribe_url=_subscribe_url(settings))
    page = (issue.folder / "site.html").read_text(encoding="utf-8")
    return page.replace("<!--capweekly:meta-->", meta, 1).replace("<!--capweekly:pager-->", pager, 1) \
        .replace("<!--capweekly:number-->", number, 1).replace("<!--capweekly:signup-->", signup, 1).encode()


def _subscribe_url(settings: Settings) -> str | None:
    """Where the sign-up forms post: `capweekly serve`'s /subscribe, when its public URL is set."""
    return f"{settings.web.public_url}subscribe" if settings.web.public_url else None


PAGER = re.compile(rb'<nav class="pager".*?</nav>\n?', flags=re.S)


def repager(env, page: bytes, older: IssueSummary | None, newer: IssueSummary | None) -> bytes:
    """A published issue page with its previous/next links brought up to date (pages from before the pager
    existed are left as they are)."""
    pager = env.get_template("site/_pager.html").render(older=older, newer=newer).encode()
    return PAGER.sub(lambda _: pager, page, count=1)


def series_spans(provenance: dict) -> list[tuple[str, date | None, date | None]]:
    """(symbol, first session, last session) of each series the latest issue used, by the reader's name."""
    def day(value) -> date | None:
        try:
            return date.fromisoformat(str(value)) if value else None
        except ValueError:
            return None

    spans = provenance.get("tickers") or {}
    return sorted(((t, day(s.get("first")), day(s.get("last"))) for t, s in spans.items() if isinstance(s, dict)),
                  key=lambda row: names.label(row[0]).removeprefix("The ").lower())


def _pages(settings: Settings, issues: list[IssueSummary], base_url: str, published: dict[str, bytes],
           updated: dict[str, datetime]) -> dict[str, bytes]:
    env = make_environment(settings.resolve(settings.templates_dir) if settings.templates_dir else None)
    d = settings.disclosures
    latest = issues[0]
    title = settings.branding.title
    description = settings.branding.subtitle or f"{title}: small caps against large caps, every week."
    common = {"title": title, "subtitle": settings.branding.subtitle, "short_form": d.short_form,
              "publisher": settings.branding.publisher, "postal_address": settings.branding.postal_address,
              "subscribe_url": _subscribe_url(settings),
              "data_line": f"Data: {latest.data_source}, to the close of {longdate(latest.as_of)}.",
              "copyright": d.copyright.replace("{year}", str(latest.as_of.year)),
              "image": _card(latest, base_url), "image_alt": _card_alt(latest), "og_type": "website",
              "published": None, "description": description}
    years = [(year, list(items)) for year, items in groupby(issues, key=lambda i: i.as_of.year)]
    try:
        doc = json.loads((latest.folder / "metrics.json").read_text(encoding="utf-8"))
        provenance = doc.get("provenance", {})
    except (OSError, ValueError):
        doc, provenance = {}, {}
    tickers = series_spans(provenance)
    site_path = urlparse(base_url).path or "/"
    page = lambda name, **kw: env.get_template(name).render(**{**common, **kw}).encode()
    return {
        **_methodology(env, settings, common, latest, base_url),
        "index.html": page("site/home.html", root="", issues=issues, url=base_url, og_title=title),
        "archive/index.html": page("site/archive.html", root="../", years=years, issues_count=len(issues),
                                   url=f"{base_url}archive/", og_title=f"{title}: archive"),
        "about/index.html": page("site/about.html", root="../", latest=latest, tickers=tickers,
                                 about=about_html(settings.branding.about),
                                 latest_sha=provenance.get("data_sha256", "n/a"), gaps=standing_gaps(doc, settings),
                                 url=f"{base_url}about/",
                                 og_title=f"{title}: about the data"),
        # Served for any missing path, so its links are absolute paths on the site's host.
        "404.html": page("site/404.html", root=site_path, url=f"{base_url}404.html", og_title=title),
        "feed.xml": _feed(settings, issues, base_url, published, updated),
        "sitemap.xml": _sitemap(issues, base_url, updated),
    }


def standing_gaps(doc: dict, settings: Settings) -> dict[str, str]:
    """The readings the data set cannot support at all (as of the latest issue), stated once on the about page
    rather than in every issue's Data notes: {gap: the ticker or list it needs}. The issue's Data notes name a
    series only in a week it goes missing."""
    c, t = doc.get("crowding") or {}, settings.tickers
    gaps = {}
    if t.small_volatility and c and not c.get("hedge_in_data", True):
        gaps["hedging"] = t.small_volatility
    if c and not c.get("volume_in_data", True):
        gaps["volume"] = settings.pair.small
    if doc and doc.get("breadth") is None:
        gaps["breadth"] = "single-stock prices"
    return gaps


def about_html(text: str):
    """branding.about as HTML: CommonMark, raw HTML shown as text, unsafe links refused (as in notes)."""
    from markdown_it import MarkdownIt
    from markupsafe import Markup

    return Markup(MarkdownIt("commonmark", {"html": False, "typographer": True}).render(text)) if text.strip() else ""


def _methodology(env, settings: Settings, common: dict, latest: IssueSummary, base_url: str) -> dict[str, bytes]:
    """methodology/index.html: how the stance's track record is kept, with the latest issue's figures
    (metrics.json track_record; the method alone for an issue built before it existed)."""
    doc = json.loads((latest.folder / "metrics.json").read_text(encoding="utf-8"))  # read_summary read it
    t = doc.get("track_record")
    if t:
        day = lambda v: date.fromisoformat(v) if v else None  # noqa: E731
        t = {**t, **{scope: {**t[scope], "start": day(t[scope]["start"]), "since": day(t[scope]["since"])}
                     for scope in ("all", "recent")}}
    rules = {"rate_band": settings.stance.rate_band, "stress_drop": settings.risk.stress_week_drop}
    page = env.get_template("site/methodology.html").render(
        **{**common, "url": f"{base_url}methodology/", "og_title": f"{settings.branding.title}: how our call has done"},
        root="../", t=t, rules=rules, pair=doc["pair"], as_of=latest.as_of)
    return {"methodology/index.html": page.encode()}


def publish_site(settings: Settings, reports_dir: Path, site_dir: Path, base_url: str | None, *,
                 allow_sample: bool = False, allow_flagged: bool = False,
                 now: datetime | None = None) -> PublishResult:
    if not base_url:
        raise PublishError("no site URL: the Atom feed and sitemap need absolute links",
                           "set site.base_url in settings.yaml or pass --base-url https://...")
    base_url = base_url if base_url.endswith("/") else base_url + "/"
    from generator.writer import issue_folders

    candidates = issue_folders(reports_dir)  # YYYY-MM-DD folders only
    summaries, skipped = [], []
    for folder in candidates:
        s = read_summary(folder, settings.site.first_issue)
        if s is None or (s.source == "sample" and not allow_sample) or (s.open_flags and not allow_flagged):
            skipped.append(folder.name)
            continue
        summaries.append(s)
    if not summaries:
        raise PublishError(f"{reports_dir}: no publishable issue (sample-data, incomplete or fact-check-flagged "
                           "issues are not published)",
                           "build an issue from real data; for a flagged one read its review.txt, then fix it, "
                           "override it in the editor's note, or pass --allow-flagged")
    issues = sorted(summaries, key=lambda s: s.as_of, reverse=True)
    existing_issues = site_dir / "issues"
    known = recorded(existing_issues)
    if settings.site.first_issue is None:  # numbered as published (generator.publish.numbers)
        numbers = assign(known, [s.as_of for s in issues])
        issues = [replace(s, number=numbers.get(s.as_of)) for s in issues]
    present = {p.name for p in existing_issues.iterdir()} if existing_issues.is_dir() else set()
    new = [s for s in issues if s.as_of.isoformat() not in present]
    changed = [s for s in issues if s.as_of.isoformat() in present and rebuilt(s, existing_issues / s.as_of.isoformat())]
    fresh = {s.as_of.isoformat() for s in new + changed}
    # Published before numbers were recorded: their published.json gets the number now, once.
    restamp = {s.as_of.isoformat() for s in issues if s.number and s.as_of.isoformat() not in fresh
               and s.as_of.isoformat() in present and known.get(s.as_of) != s.number}
    revised_at = (now or datetime.now(timezone.utc)).replace(microsecond=0)
    revised = {s.as_of.isoformat() for s in changed}
    updated = {day: revised_at if day in revised else _close(s.as_of) if day not in present
               else _updated(existing_issues / day, s.as_of) for s in issues for day in [s.as_of.isoformat()]}
    env = make_environment(settings.resolve(settings.templates_dir) if settings.templates_dir else None)
    issue_pages, rewritten, published = {}, set(), {}
    for i, s in enumerate(issues):
        day = s.as_of.isoformat()
        older, newer = issues[i + 1] if i + 1 < len(issues) else None, issues[i - 1] if i else None
        if day in fresh:
            issue_pages[day] = published[day] = issue_page(env, settings, s, older, newer, base_url)
            continue
        # An unchanged published page keeps its bytes; only its pager follows the site.
        live = (existing_issues / day / "index.html").read_bytes()
        data = repager(env, live, older, newer)
        if data != live:
            issue_pages[day] = data
            rewritten.add(day)
        published[day] = data
    pages = _pages(settings, issues, base_url, published, updated)
    unchanged = not fresh and not rewritten and not restamp and all(
        (site_dir / name).is_file() and (site_dir / name).read_bytes() == data for name, data in pages.items())
    from generator.writer import remove_abandoned

    if site_dir.parent.is_dir():
        remove_abandoned(site_dir.parent, site_dir.name)  # what a killed publish left (its process is gone)
    if unchanged:
        return PublishResult((), tuple(skipped), False, len(issues))

    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.staging-{os.getpid()}-", dir=site_dir.parent))
    try:
        staging.chmod(0o755)
        for s in issues:
            target = staging / "issues" / s.as_of.isoformat()
            day = s.as_of.isoformat()
            if day in fresh:
                _copy_issue(s, target, issue_pages[day], updated[day])
            else:
                link_tree(existing_issues / day, target)
                if day in rewritten:  # a new neighbour: a fresh file, never a write through the shared link
                    (target / "index.html").unlink()
                    (target / "index.html").write_bytes(issue_pages[day])
                if day in restamp:
                    stamp = _stamp(existing_issues / day)
                    (target / STAMP).unlink(missing_ok=True)
                    _write_stamp(target, stamp.get("digest") or build_digest(s.folder),
                                 stamp.get("updated") or _close(s.as_of).isoformat(), s.number)
        for name, data in pages.items():
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            (staging / name).write_bytes(data)
    except OSError as exc:  # a full disk or a file size limit: the live site is untouched
        shutil.rmtree(staging, ignore_errors=True)
        raise PublishError(f"{site_dir}: cannot write the new site ({exc.strerror or exc}); the live site is "
                           "unchanged", "free disk space, then publish again") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    from generator.writer import swap_in

    swap_in(staging, site_dir)  # one atomic exchange where the system can: a kill leaves the old site or the new
    return PublishResult(tuple(s.as_of.isoformat() for s in new), tuple(skipped), True, len(issues),
                         tuple(s.as_of.isoformat() for s in changed))
