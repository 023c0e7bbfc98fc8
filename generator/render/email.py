"""The email edition: table-layout HTML with inlined CSS, and a plain-text part written from the same data.

Rendered once per issue at build time into email.html and email.txt. The
email is the issue, not a teaser: every section's text, its key table and the
charts that matter, drawn for a phone (charts/<id>.phone.png, see
generator.charts.EMAIL_CHARTS), with the editor's note wherever it has one.
The per-reader unsubscribe link is a placeholder that `send` swaps for a
signed URL. Charts are PNG: hosted on the site when site.base_url is set,
otherwise referenced by Content-ID and attached inline by `send`. Never SVG
or data: URIs. A <style> block is kept only for its @media rules (the phone
and dark-mode tweaks); everything else is inlined.
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import replace
from datetime import date
from html.parser import HTMLParser

from jinja2 import Environment
from markupsafe import Markup

from generator.charts import EMAIL_CHARTS
from generator.render.context import ChartView, ReportContext

UNSUBSCRIBE_PLACEHOLDER = "https://unsubscribe.invalid/capweekly-token"
MAX_HTML_BYTES = 95 * 1024  # Gmail clips messages over 102 KB of HTML; this leaves room for the signed links


def chart_cid(chart_id: str, as_of: date) -> str:
    return f"{chart_id}.{as_of.isoformat()}@capweekly"


def note_image_cid(name: str) -> str:
    """Content-ID of an editor's-note image (notes/<name> in the issue) attached inline by `send`."""
    return f"{name}@capweekly-note"


def chart_file(chart_id: str) -> str:
    """The email's picture of a chart, relative to the issue folder."""
    return f"charts/{chart_id}.phone.png"


def email_charts(context: ReportContext, base_url: str | None) -> dict[str, ChartView]:
    out = {}
    for chart_id in EMAIL_CHARTS:
        view = context.charts.get(chart_id)
        if view is None:
            continue
        src = (f"{base_url}issues/{context.as_of.isoformat()}/{chart_file(chart_id)}" if base_url
               else f"cid:{chart_cid(chart_id, context.as_of)}")
        full = f"{base_url}issues/{context.as_of.isoformat()}/charts/{chart_id}.png" if base_url else None
        # A phone picture already; no width/height attributes: mail clients that ignore CSS would draw the chart at
        # its full pixel width.
        out[chart_id] = replace(view, src=src, phone_src=None, full_href=full, size=None)
    return out


class _PlainText(HTMLParser):
    """Note HTML as plain paragraphs: a link keeps its target (`text (https://...)`), an image its
    alternative text and, when it has one a mail reader can open, its address; ordered lists keep
    their numbers."""

    BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.words: list[str] = []
        self.lists: list[int | None] = []  # the next number of each open <ol>, None for <ul>
        self.links: list[tuple[str, int]] = []  # (href, where its text starts in self.words)

    def _end(self) -> None:
        text = " ".join("".join(self.words).split())
        if text:
            self.paragraphs.append(text)
        self.words = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in self.BLOCKS:
            self._end()
        if tag == "ol":
            try:
                self.lists.append(int(a.get("start") or 1))
            except ValueError:
                self.lists.append(1)
        elif tag == "ul":
            self.lists.append(None)
        elif tag == "li":
            number = self.lists[-1] if self.lists else None
            if number is None:
                self.words.append("- ")
            else:
                self.words.append(f"{number}. ")
                self.lists[-1] = number + 1
        elif tag == "a":
            self.links.append((a.get("href") or "", len(self.words)))
        elif tag == "img":
            src = a.get("src") or ""
            where = f" ({src})" if src.startswith(("https://", "http://")) else ""
            self.words.append(f" [image: {a.get('alt') or 'picture'}]{where} ")
        elif tag == "br":
            self.words.append(" ")

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self._end()
        elif tag in ("ol", "ul") and self.lists:
            self.lists.pop()
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            text = " ".join("".join(self.words[start:]).split())
            if href and not href.startswith("#") and href not in (text, f"mailto:{text}"):
                self.words.append(f" ({href})")

    def handle_data(self, data):
        self.words.append(data)

    def close(self) -> None:
        super().close()
        self._end()


def plain_paragraphs(markup: Markup | str) -> list[str]:
    """Safe note HTML as plain paragraphs: one per <p> or list item, entities decoded, link targets and
    image addresses kept, ordered lists numbered."""
    parser = _PlainText()
    parser.feed(str(markup))
    parser.close()
    return parser.paragraphs


def preheader(context: ReportContext) -> str:
    """The line an inbox shows after the subject: the standfirst, unless the editor replaced it."""
    if "lede" in context.w.overridden and "lede" in context.note.sections:
        parts = plain_paragraphs(context.note.sections["lede"])
        text = parts[0] if parts else ""
    else:
        text = " ".join(re.sub(r"<[^>]+>", " ", html_lib.unescape(str(context.w.standfirst))).split())
    return text if len(text) <= 150 else text[:147].rsplit(" ", 1)[0] + "..."


def render_email(env: Environment, context: ReportContext, base_url: str | None) -> tuple[str, str, str]:
    """(subject, html, text) for one issue, with the unsubscribe placeholder in both bodies."""
    import css_inline

    ctx = replace(context, charts=email_charts(context, base_url))
    values = {f: getattr(ctx, f) for f in ctx.__dataclass_fields__}
    issue_url = f"{base_url}issues/{context.as_of.isoformat()}/" if base_url else None
    extra = {"medium": "email", "issue_url": issue_url, "pdf_url": f"{issue_url}report.pdf" if issue_url else None,
             "unsubscribe_url": UNSUBSCRIBE_PLACEHOLDER, "preheader": preheader(context),
             # The sign-up form of `capweekly serve` (GET <public_url>subscribe), where there is one; else the
             # site and its feed: never "subscribe here" to a page that has no way to subscribe.
             "signup_url": context.subscribe_url, "site_home": base_url,
             "note_text": {name: plain_paragraphs(body) for name, body in context.note.sections.items()}}
    html = env.get_template("email.html").render(**values, **extra)
    html = css_inline.CSSInliner(keep_style_tags=False, keep_at_rules=True).inline(html)
    text = env.get_template("email.txt").render(**values, **extra)
    headline = context.note.headline or context.w.headline
    subject = f"{context.title}: {headline}"
    if context.is_sample:
        subject = "[SAMPLE DATA] " + subject
    return subject, html, text
