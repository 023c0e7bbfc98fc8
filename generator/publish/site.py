"""The static site: one page per issue, a home page, an archive by year, an Atom feed and a sitemap.

Incremental and atomic: the new site is assembled in a staging folder beside
the live one (existing issue folders are hard-linked, never rewritten), then
swapped in with two renames; a failure leaves the live site untouched.
Publishing again with nothing new changes nothing. Every link between pages
is relative, so the site works under any base URL and opened as local files;
only the feed and sitemap carry absolute URLs, from site.base_url.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from itertools import groupby
from pathlib import Path
from urllib.parse import urlparse

from generator.errors import CapweeklyError
from generator.render.environment import make_environment

ISSUE_FILES = ("report.pdf", "metrics.json")


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


@dataclass(frozen=True)
class PublishResult:
    added: tuple[str, ...]
    skipped: tuple[str, ...]  # built issues not published (sample data, incomplete)
    changed: bool
    total: int


def read_summary(folder: Path) -> IssueSummary | None:
    try:
        doc = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not all((folder / f).is_file() for f in ("site.html", *ISSUE_FILES)):
        return None
    try:
        return _summary(doc, folder)
    except (KeyError, TypeError, ValueError, AttributeError):  # a damaged metrics.json: not publishable
        return None


def _summary(doc: dict, folder: Path) -> IssueSummary:
    return IssueSummary(date.fromisoformat(doc["as_of"]), doc.get("headline") or f"Week ending {doc['as_of']}",
                        doc["stance"]["label"], doc["stance"].get("risk_level", "n/a"), doc["pair"]["small"],
                        doc["pair"]["large"], doc["spread"].get("1w"), doc["ratio"].get("distance_from_sma_long"),
                        doc["source"], doc.get("provenance", {}).get("description", doc["source"]), folder,
                        open_flags(doc))


def open_flags(doc: dict) -> int:
    """Open fact-check flags of a built issue; issues built before the fact-check existed have none."""
    return int((doc.get("fact_check") or {}).get("open", 0))


def _copy_issue(summary: IssueSummary, target: Path) -> None:
    target.mkdir(parents=True)
    shutil.copyfile(summary.folder / "site.html", target / "index.html")
    for name in ISSUE_FILES:
        shutil.copyfile(summary.folder / name, target / name)
    (target / "charts").mkdir()
    for chart in sorted((summary.folder / "charts").glob("*.png")):
        shutil.copyfile(chart, target / "charts" / chart.name)
    if (summary.folder / "notes").is_dir():  # the editor's note's images (generator.notes)
        shutil.copytree(summary.folder / "notes", target / "notes")


def _link_tree(source: Path, target: Path) -> None:
    """Hard-link an existing issue folder into the staging site: same bytes, no rewrite."""
    for root, _dirs, files in os.walk(source):
        rel = Path(root).relative_to(source)
        (target / rel).mkdir(parents=True, exist_ok=True)
        for name in files:
            try:
                os.link(Path(root) / name, target / rel / name)
            except OSError:
                shutil.copy2(Path(root) / name, target / rel / name)


def _feed(settings, issues: list[IssueSummary], base_url: str) -> bytes:
    from feedgen.feed import FeedGenerator

    host = urlparse(base_url).hostname or "capweekly.invalid"
    fg = FeedGenerator()
    fg.id(f"tag:{host},2024:capweekly-feed")
    fg.title(settings.branding.title)
    fg.subtitle(settings.branding.subtitle or settings.branding.title)
    fg.author({"name": settings.branding.author})
    fg.link(href=base_url, rel="alternate")
    fg.link(href=f"{base_url}feed.xml", rel="self")
    fg.language("en")
    fg.rights(settings.disclosures.copyright.replace("{year}", str(issues[0].as_of.year)))
    stamp = lambda d: datetime.combine(d, time(21, 0), tzinfo=timezone.utc)  # after the US close
    fg.updated(stamp(issues[0].as_of))
    for issue in reversed(issues[: settings.site.feed_entries]):
        entry = fg.add_entry()
        # A tag URI built from the host and the issue date never changes, whatever the site's path becomes.
        entry.id(f"tag:{host},{issue.as_of.isoformat()}:issue/{issue.as_of.isoformat()}")
        entry.title(issue.headline)
        entry.link(href=f"{base_url}issues/{issue.as_of.isoformat()}/", rel="alternate")
        entry.published(stamp(issue.as_of))
        entry.updated(stamp(issue.as_of))
        entry.summary(f"Week ending {issue.as_of.isoformat()}. Stance: {issue.stance}. "
                      f"{settings.disclosures.short_form}")
    return fg.atom_str(pretty=True)


def _sitemap(issues: list[IssueSummary], base_url: str) -> bytes:
    urls = [(base_url, issues[0].as_of), (f"{base_url}archive/", issues[0].as_of)]
    urls += [(f"{base_url}issues/{i.as_of.isoformat()}/", i.as_of) for i in issues]
    body = "".join(f"<url><loc>{u}</loc><lastmod>{d.isoformat()}</lastmod></url>\n" for u, d in urls)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + body + "</urlset>\n").encode()


def _pages(settings, issues: list[IssueSummary], base_url: str) -> dict[str, bytes]:
    env = make_environment(settings.resolve(settings.templates_dir) if settings.templates_dir else None)
    d = settings.disclosures
    common = {"title": settings.branding.title, "subtitle": settings.branding.subtitle, "short_form": d.short_form,
              "subscribe_url": f"{settings.web.public_url}subscribe" if settings.web.public_url else None,
              "data_line": f"Data: {issues[0].data}, to the close of {issues[0].as_of.isoformat()}.",
              "copyright": d.copyright.replace("{year}", str(issues[0].as_of.year))}
    years = [(year, list(items)) for year, items in groupby(issues, key=lambda i: i.as_of.year)]
    return {
        "index.html": env.get_template("site/home.html").render(**common, root="", issues=issues).encode(),
        "archive/index.html": env.get_template("site/archive.html").render(**common, root="../", years=years).encode(),
        "feed.xml": _feed(settings, issues, base_url),
        "sitemap.xml": _sitemap(issues, base_url),
    }


def publish_site(settings, reports_dir: Path, site_dir: Path, base_url: str | None, *,
                 allow_sample: bool = False, allow_flagged: bool = False) -> PublishResult:
    if not base_url:
        raise PublishError("no site URL: the Atom feed and sitemap need absolute links",
                           "set site.base_url in settings.yaml or pass --base-url https://...")
    base_url = base_url if base_url.endswith("/") else base_url + "/"
    from generator.writer import issue_folders

    candidates = issue_folders(reports_dir)  # YYYY-MM-DD folders only
    summaries, skipped = [], []
    for folder in candidates:
        s = read_summary(folder)
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
    present = {p.name for p in existing_issues.iterdir()} if existing_issues.is_dir() else set()
    new = [s for s in issues if s.as_of.isoformat() not in present]
    pages = _pages(settings, issues, base_url)
    unchanged = not new and all((site_dir / name).is_file() and (site_dir / name).read_bytes() == data
                                for name, data in pages.items())
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
            if s.as_of.isoformat() in present:
                _link_tree(existing_issues / s.as_of.isoformat(), target)
            else:
                _copy_issue(s, target)
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
    return PublishResult(tuple(s.as_of.isoformat() for s in new), tuple(skipped), True, len(issues))
