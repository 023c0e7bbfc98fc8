"""The print PDF, via WeasyPrint, from the print rendering of the report.

Page size, running header, "page N of M", the short disclaimer on every page
and bookmarks come from the print stylesheet (templates/report.css); title,
author and date from the <title> and <meta> tags.

Fetch policy: the renderer reads only files inside the issue folder, the
packaged templates and the user's templates folder (symlinks resolved), plus
`data:` URIs, and images from hosts the user listed in
notes.allowed_image_hosts (http(s), no redirects). Everything else (any other
host, loopback included, `file://` outside those folders, ftp, ...) stops the
build with a RenderError naming the URL: nothing is requested.

Pages flow: sections run on from page to page, tables may split between rows
(their header repeats), a chart never leaves its caption and a heading never
leaves its first paragraph. What a flowing layout cannot do by itself is use
the space left when a chart does not fit at the foot of a page: `fit_pages`
lays the document out, and where a page before the last would end less than
FILL_TARGET full because the next page opens with a chart, it draws that chart
smaller (never below MIN_SCALE of its width) so it fits where the gap was, then
lays out again. Each chart is shrunk at most once, so the loop ends.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Iterable
from urllib.error import HTTPError
from urllib.parse import unquote, urlsplit

from generator.errors import OutputError, RenderError
from generator.render.environment import builtin_templates_dir
from generator.render.svgpaint import install as faster_chart_painting

MAX_REMOTE_BYTES = 5 * 1024 * 1024

FILL_TARGET = 0.8   # a page before the last should be at least this full (of its content height)
MIN_SCALE = 0.75    # a chart is never drawn narrower than this share of the column
MAX_PASSES = 4


class FetchRefused(RenderError):
    """The renderer was asked for a URL outside the fetch policy."""


def _inside(path: Path, roots: Iterable[Path]) -> bool:
    return any(path == root or root in path.parents for root in roots)


class FetchPolicy:
    """Decides whether the renderer may read a URL; `check` returns None or the reason it may not."""

    def __init__(self, roots: Iterable[Path], allowed_hosts: Iterable[str] = ()) -> None:
        self.roots = tuple(Path(r).resolve() for r in roots if r is not None)
        self.hosts = frozenset(h.strip().lower() for h in allowed_hosts if h.strip())

    def check(self, url: str) -> str | None:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "data":
            return None
        if scheme == "file":
            if parts.netloc not in ("", "localhost"):
                return "a file on another host"
            path = Path(unquote(parts.path)).resolve()
            if not _inside(path, self.roots):
                return "a file outside the issue folder and the templates folders"
            return None
        if scheme in ("http", "https"):
            host = (parts.hostname or "").lower()
            netloc = f"{host}:{parts.port}" if parts.port else host
            if host and (host in self.hosts or netloc in self.hosts):
                return None
            return f"host {netloc or '(none)'!r} is not in notes.allowed_image_hosts"
        return f"the {scheme or 'empty'}: scheme is never fetched"


def make_fetcher(policy: FetchPolicy, refused: list[str]):
    """A WeasyPrint URL fetcher that applies `policy`, refusing redirects; refusals are appended to `refused`
    and stop the rendering."""
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    class PolicyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            reason = policy.check(url)
            if reason is not None:
                refused.append(f"{url} ({reason})")
                raise FatalURLFetchingError(f"refused {url}: {reason}")
            remote = urlsplit(url).scheme.lower() in ("http", "https")
            try:
                response = super().fetch(url, headers)
            except HTTPError as exc:  # a 3xx arrives here too: redirects are not followed
                refused.append(f"{url} (answered {exc.code}; redirects are not followed)")
                raise FatalURLFetchingError(f"refused {url}") from None
            except OSError as exc:
                if not remote:
                    raise
                refused.append(f"{url} (could not be fetched: {exc})")
                raise FatalURLFetchingError(f"refused {url}") from None
            if remote:
                if response.status != 200:  # redirects are not followed: a 3xx arrives here
                    refused.append(f"{url} (answered {response.status}; redirects are not followed)")
                    raise FatalURLFetchingError(f"refused {url}")
                body = response.read(MAX_REMOTE_BYTES + 1)
                if len(body) > MAX_REMOTE_BYTES:
                    refused.append(f"{url} (larger than {MAX_REMOTE_BYTES // 1024 // 1024} MB)")
                    raise FatalURLFetchingError(f"refused {url}")
                from weasyprint.urls import URLFetcherResponse

                return URLFetcherResponse(url, body, response.headers, 200)
            return response

    return PolicyFetcher(timeout=10, allow_redirects=False, fail_on_errors=False,
                         allowed_protocols={"file", "data", "http", "https"})


def write_pdf(html: str, base_dir: Path, target: Path, policy: FetchPolicy | None = None) -> None:
    from weasyprint.urls import FatalURLFetchingError

    faster_chart_painting()  # the charts' labels and paths, as matplotlib writes them (generator.render.svgpaint)
    # WeasyPrint logs every unsupported CSS property at WARNING; those are ours to fix
    # at design time, not a reader's business at build time.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    policy = policy or FetchPolicy([base_dir, builtin_templates_dir()])
    refused: list[str] = []
    try:
        document, _ = fit_pages(html, base_dir, make_fetcher(policy, refused))
        # Tagged (PDF/UA-1): a structure tree of headings, paragraphs, lists, tables and figures with their
        # alt text, so a screen reader follows the note in reading order.
        document.write_pdf(target, pdf_variant="pdf/ua-1")
    except FatalURLFetchingError:
        pass
    except OSError as exc:  # writing the file: a full disk or a file size limit
        if refused or getattr(exc, "filename", None) not in (None, str(target)):
            raise

        raise OutputError(f"{target}: cannot write the PDF ({exc.strerror or exc}); the previous issue, if any, "
                          "is unchanged", "free disk space, then build again") from None
    if refused:
        raise FetchRefused(f"the PDF renderer was asked to fetch {refused[0]}; nothing was fetched",
                           "the renderer reads only the issue folder and the templates; put images for a note "
                           "in the notes folder, or list the image's host in notes.allowed_image_hosts")


def _layout(html: str, base_dir: Path, scales: dict[str, float], fetcher=None):
    from weasyprint import HTML

    if scales:
        rules = "".join(f"#{fid} img {{ width: {scale * 100:.1f}%; margin: 0 auto; }}\n"
                        for fid, scale in sorted(scales.items()))
        html = html.replace("</style>", f"@media print {{\n{rules}}}\n</style>", 1)
    if fetcher is None:  # the fetch policy's default: the folder itself and the packaged templates

        fetcher = make_fetcher(FetchPolicy([base_dir, builtin_templates_dir()]), [])
    return HTML(string=html, base_url=str(base_dir), url_fetcher=fetcher).render()


def _boxes(box):
    for child in getattr(box, "children", ()):
        yield child
        yield from _boxes(child)


def _content_bottom(page_box) -> float:
    """Lowest edge of the page's flowed content (lines, images, table rows), margin boxes excluded."""
    from weasyprint.formatting_structure.boxes import LineBox, MarginBox, ReplacedBox

    bottom = page_box.content_box_y()
    for top in page_box.children:
        if isinstance(top, MarginBox):
            continue
        for b in _boxes(top):
            if isinstance(b, (LineBox, ReplacedBox)):
                bottom = max(bottom, b.position_y + b.margin_height())
    return bottom


def page_fill(page) -> float:
    """How full a laid-out page is: the foot of its content as a share of the content height."""
    box = page._page_box
    return (_content_bottom(box) - box.content_box_y()) / box.height


def _opening_figure(page_box):
    """(figure, heading height): the figure (id fig-...) the page opens with, alone or under its section's heading
    (which moves with it: a heading is never left at a page's foot), and the height that heading takes; None when
    the page opens with anything else."""
    from weasyprint.formatting_structure.boxes import BlockBox, LineBox, MarginBox, ReplacedBox

    heading = 0.0
    for top in page_box.children:
        if isinstance(top, MarginBox):
            continue
        skip: set[int] = set()
        for b in _boxes(top):
            if id(b) in skip:
                continue
            if b.element_tag == "figure":
                fid = b.element.get("id") if b.element is not None else None
                return (b, heading) if fid and re.fullmatch(r"fig-[\w-]+", fid) else None
            if isinstance(b, BlockBox) and b.element_tag == "h2" and not heading:
                heading = b.margin_height()
                skip.update(id(d) for d in _boxes(b))
                continue
            if isinstance(b, (LineBox, ReplacedBox)):
                return None  # text or an image before any figure
    return None


def fit_pages(html: str, base_dir: Path, fetcher=None):
    """(document, scales): the laid-out document and the charts drawn smaller, by figure id."""
    from weasyprint.formatting_structure.boxes import ReplacedBox

    scales: dict[str, float] = {}
    document = _layout(html, base_dir, scales, fetcher)
    for _ in range(MAX_PASSES):
        changed = False
        for page, following in zip(document.pages, document.pages[1:]):
            box = page._page_box
            if page_fill(page) >= FILL_TARGET:
                continue
            opening = _opening_figure(following._page_box)
            if opening is None:
                continue
            figure, heading = opening
            fid = figure.element.get("id")
            image = next((b for b in _boxes(figure) if isinstance(b, ReplacedBox)), None)
            if image is None or image.height <= 0:
                continue
            room = box.content_box_y() + box.height - _content_bottom(box)
            # The caption and the figure's margins stay; only the image shrinks. At the top of a page
            # WeasyPrint drops the figure's top margin, so it is added back in full for mid-page.
            style = figure.style
            fixed = figure.margin_height() - image.height + style["margin_top"].value + 6 + heading
            width = image.width / figure.width if figure.width else 1.0
            scale = width * (room - fixed) / image.height
            if MIN_SCALE <= scale < width:
                scales[fid] = scale
                changed = True
                break  # one change a pass: what follows moves
        if not changed:
            break
        document = _layout(html, base_dir, scales, fetcher)
    return document, scales


# What warm_up prints: a heading, text in both faces, a table and an SVG chart with a clipped path and a label,
# so the first use of each of those code paths (font lookups, C type parsing, the SVG painter, tagging,
# font subsetting) is paid while the build is still computing, not on the PDF.
_WARM_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="20pt" height="10pt" viewBox="0 0 20 10">'
             '<defs><clipPath id="c"><rect x="0" y="0" width="20" height="10"/></clipPath></defs>'
             '<path d="M 0 0 L 10 10 z" fill="#fff" stroke="#000" stroke-width="0.6" clip-path="url(#c)"/>'
             '<text x="1" y="8" font-size="8px" font-family="\'DejaVu Sans\'" text-anchor="middle">a</text></svg>')
_WARM_HTML = ('<html><head><title>t</title></head><body><h1>a</h1>'
              '<p style="font-family: \'DejaVu Serif\'">a <b>b</b> <i>c</i> <span style="font-family: '
              '\'DejaVu Sans\'">d</span></p><table><tr><th>a</th><td>1</td></tr></table>'
              '<figure><img alt="a" src="data:image/svg+xml;base64,{svg}"></figure></body></html>')


def warm_up() -> None:
    """Import WeasyPrint and print a small document in the report's fonts, with an SVG chart, tagged like the
    report, so the issue's PDF does not pay for font discovery and first uses (about 50-100 ms of it)."""
    import base64
    import io

    from weasyprint import HTML

    faster_chart_painting()
    svg = base64.b64encode(_WARM_SVG.encode()).decode("ascii")
    HTML(string=_WARM_HTML.format(svg=svg)).render().write_pdf(io.BytesIO(), pdf_variant="pdf/ua-1")
