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
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Iterable
from urllib.error import HTTPError
from urllib.parse import unquote, urlsplit

from generator.errors import RenderError

MAX_REMOTE_BYTES = 5 * 1024 * 1024


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
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    from generator.render.environment import builtin_templates_dir

    # WeasyPrint logs every unsupported CSS property at WARNING; those are ours to fix
    # at design time, not a reader's business at build time.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    policy = policy or FetchPolicy([base_dir, builtin_templates_dir()])
    refused: list[str] = []
    try:
        HTML(string=html, base_url=str(base_dir), url_fetcher=make_fetcher(policy, refused)).write_pdf(target)
    except FatalURLFetchingError:
        pass
    except OSError as exc:  # writing the file: a full disk or a file size limit
        if refused or getattr(exc, "filename", None) not in (None, str(target)):
            raise
        from generator.errors import OutputError

        raise OutputError(f"{target}: cannot write the PDF ({exc.strerror or exc}); the previous issue, if any, "
                          "is unchanged", "free disk space, then build again") from None
    if refused:
        raise FetchRefused(f"the PDF renderer was asked to fetch {refused[0]}; nothing was fetched",
                           "the renderer reads only the issue folder and the templates; put images for a note "
                           "in the notes folder, or list the image's host in notes.allowed_image_hosts")


def warm_up() -> None:
    """Import WeasyPrint and lay out a line in the report's fonts, so the first real
    document does not pay for font discovery."""
    from weasyprint import HTML

    HTML(string='<p style="font-family: \'DejaVu Serif\'">a <b>b</b> <span style="font-family: '
                '\'DejaVu Sans\'">c</span></p>').render()
