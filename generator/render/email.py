"""The email edition: table-layout HTML with inlined CSS, and a plain-text part written from the same data.

Rendered once per issue at build time into email.html and email.txt. The
per-reader unsubscribe link is a placeholder that `send` swaps for a signed
URL. Charts are PNG: hosted on the site when site.base_url is set, otherwise
referenced by Content-ID and attached inline by `send`. Never SVG or data: URIs.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from jinja2 import Environment

from generator.render.context import ChartView, ReportContext

UNSUBSCRIBE_PLACEHOLDER = "https://unsubscribe.invalid/capweekly-token"
EMAIL_CHARTS = ("period_returns", "ratio_history")
MAX_HTML_BYTES = 95 * 1024  # Gmail clips larger messages


def chart_cid(chart_id: str, as_of: date) -> str:
    return f"{chart_id}.{as_of.isoformat()}@capweekly"


def note_image_cid(name: str) -> str:
    """Content-ID of an editor's-note image (notes/<name> in the issue) attached inline by `send`."""
    return f"{name}@capweekly-note"


def email_charts(context: ReportContext, base_url: str | None) -> dict[str, ChartView]:
    out = {}
    for chart_id in EMAIL_CHARTS:
        view = context.charts.get(chart_id)
        if view is None:
            continue
        src = (f"{base_url}issues/{context.as_of.isoformat()}/charts/{chart_id}.png" if base_url
               else f"cid:{chart_cid(chart_id, context.as_of)}")
        out[chart_id] = replace(view, src=src)
    return out


def render_email(env: Environment, context: ReportContext, base_url: str | None) -> tuple[str, str, str]:
    """(subject, html, text) for one issue, with the unsubscribe placeholder in both bodies."""
    import css_inline

    ctx = replace(context, charts=email_charts(context, base_url))
    values = {f: getattr(ctx, f) for f in ctx.__dataclass_fields__}
    issue_url = f"{base_url}issues/{context.as_of.isoformat()}/" if base_url else None
    extra = {"medium": "email", "issue_url": issue_url, "pdf_url": f"{issue_url}report.pdf" if issue_url else None,
             "unsubscribe_url": UNSUBSCRIBE_PLACEHOLDER}
    html = env.get_template("email.html").render(**values, **extra)
    html = css_inline.CSSInliner(keep_style_tags=False).inline(html)
    text = env.get_template("email.txt").render(**values, **extra)
    headline = context.note.headline or context.w.headline
    subject = f"{context.title}: {headline}"
    if context.is_sample:
        subject = "[SAMPLE DATA] " + subject
    return subject, html, text
