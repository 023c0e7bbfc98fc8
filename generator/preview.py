"""`capweekly preview`: the issue in a browser, re-rendered as the writer edits.

Like `mkdocs serve`: the week is built once (prices, metrics, charts), then
watchfiles watches the notes folder, the templates (the settings' templates_dir
and the built-in ones) and the settings file. A note or template edit re-renders
only the words and the HTML editions from the figures and charts already made
(about a tenth of a second on the sample); a settings edit rebuilds everything.
The page reloads itself through a small Server-Sent Events script (`/events`),
so no browser extension is needed. Nothing is written to the reports folder:
the preview's files live in a temporary folder removed on exit.

Pages: `/` the report (screen edition) with a panel of warnings, `/email` the
email edition (its charts served from here), `/email.txt` the text edition,
`/report.pdf` with `--pdf` (re-printed on every change), `/status` as JSON.
The panel lists: notes that match no issue (a note named after a holiday or a
weekend: the issue is dated the week's last session), optional tickers missing
from the data, open fact-check flags, and the last rebuild's error if any.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass
from typing import NamedTuple
from datetime import date
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd

from generator.charts import EMAIL_CHARTS, ChartOutput, draw_charts, draw_phone_charts
from generator.charts.style import ChartSpec
from generator.commentary.words import previous_headline, write_words
from generator.data import cut_at, load_prices
from generator.data.model import MarketData
from generator.errors import CapweeklyError
from generator.metrics import WeeklyMetrics, compute_metrics
from generator.metrics.stance import issue_table
from generator.notes import load_note
from generator.pipeline import fetch_policy, pick_session
from generator.render.context import ChartView, build_context, relative_src
from generator.render.email import render_email
from generator.render.environment import builtin_templates_dir, make_environment
from generator.render.html import render_html
from generator.render.pdf import write_pdf
from generator.settings import Settings, load_settings, missing_optional


@dataclass
class Rendered:
    version: int
    report: str
    email: str
    email_text: str
    subject: str
    warnings: list[str]
    flags: list[dict]
    error: str = ""
    render_ms: float = 0.0
    pdf: bool = False


def note_warnings(notes_dir: Path | None, sessions: pd.DatetimeIndex) -> list[str]:
    """Notes whose file name is not the date of an issue: such a note is never shown.

    An issue is dated its week's last session, so a note named after the Friday the market was
    shut (Good Friday) or after a weekend day belongs under that week's last session instead."""
    if notes_dir is None or not notes_dir.is_dir() or not len(sessions):
        return []
    days = pd.DatetimeIndex(sessions).normalize()
    week_ends = set(pd.Series(days, index=days).groupby(days.to_period("W-SUN")).max().dt.date)
    out = []
    for path in sorted(notes_dir.glob("*.md")):
        try:
            day = date.fromisoformat(path.stem)
        except ValueError:
            out.append(f"{path}: not named YYYY-MM-DD.md, so it matches no issue")
            continue
        if day in week_ends:
            continue
        before = days[days <= pd.Timestamp(day)]
        if len(before) and before[-1].to_period("W-SUN") == pd.Timestamp(day).to_period("W-SUN"):
            issue = max(d for d in week_ends if pd.Timestamp(d).to_period("W-SUN") == pd.Timestamp(day).to_period("W-SUN"))
            out.append(f"{path}: matches no issue ({day:%A} {day} is not the week's last session); the week's "
                       f"issue is {issue}: rename it {issue}.md")
        elif day > days[-1].date():
            continue  # a note written ahead for a week the data does not reach yet
        else:
            out.append(f"{path}: matches no issue (no session in the week of {day})")
    return out


def week_note_warnings(notes_dir: Path | None, as_of: date) -> list[str]:
    """For `build`: notes dated inside the issue's week but not its day, which no issue will ever show."""
    if notes_dir is None or not notes_dir.is_dir():
        return []
    week = pd.Timestamp(as_of).to_period("W-SUN")
    out = []
    for path in sorted(notes_dir.glob("*.md")):
        try:
            day = date.fromisoformat(path.stem)
        except ValueError:
            continue
        if day != as_of and pd.Timestamp(day).to_period("W-SUN") == week:
            out.append(f"{path}: matches no issue: this week's issue is dated {as_of}, its last session "
                       f"(rename the note {as_of}.md)")
    return out


class _Week(NamedTuple):
    """What a build keeps for the next rendering: the figures and charts, which only new prices change."""

    full: MarketData
    cut: MarketData
    metrics: WeeklyMetrics
    before: str | None
    specs: tuple[ChartSpec, ...]
    sessions: pd.DatetimeIndex


class Preview:
    """The state behind the server: the week's figures and charts, and the last rendering."""

    def __init__(self, settings_path: Path, *, as_of: date | None = None, source: str | None = None,
                 data_dir: str | None = None, offline: bool = False, pdf: bool = False,
                 base_url: str = "http://127.0.0.1:8001/") -> None:
        self.settings_path = Path(settings_path)
        self.as_of, self.source, self.data_dir, self.offline = as_of, source, data_dir, offline
        self.pdf = pdf
        self.base_url = base_url
        self.folder = Path(tempfile.mkdtemp(prefix="capweekly-preview-"))
        self.lock = threading.Lock()
        self.building = threading.Lock()
        self.changed = threading.Condition()
        self.current: Rendered | None = None
        self.version = 0
        self.settings: Settings | None = None
        self._week: _Week | None = None
        self.server: ThreadingHTTPServer | None = None  # set by `serve`; its shutdown() from another thread stops it

    # -- building ---------------------------------------------------------------------------
    def build(self) -> None:
        """Everything: settings, prices, the week's figures, charts; then the words and pages."""

        settings = load_settings(self.settings_path)
        market = load_prices(settings, self.source, self.data_dir, offline=self.offline)
        session = pick_session(market, settings, self.as_of)
        full, cut = market, cut_at(market, session)
        calls = issue_table(full, cut, settings, session)
        metrics = compute_metrics(cut, settings, session, calls)
        env = self._env(settings)
        before = previous_headline(full, settings, env, session, calls=calls)
        note = load_note(self._notes(settings), metrics.as_of, settings.notes.allowed_image_hosts)
        commentary, _, _ = write_words(metrics, cut, settings, env, note=note, previous_headline=before)
        charts = self.folder / "charts"
        shutil.rmtree(charts, ignore_errors=True)
        specs = draw_charts(metrics, cut, settings, ChartOutput(charts))
        draw_phone_charts(metrics, cut, settings, charts, EMAIL_CHARTS)  # the email's charts
        sessions = full[settings.pair.small].frame.index
        self.settings = settings
        self._week = _Week(full, cut, metrics, before, specs, sessions)
        self.render()

    def render(self) -> Rendered:
        """The words and the HTML editions again, from the figures and charts already made."""
        from dataclasses import replace


        started = time.perf_counter()
        settings, week = self.settings, self._week
        assert settings is not None and week is not None, "render() follows a build()"
        full, cut, metrics, before, specs, sessions = week
        env = self._env(settings)
        note = load_note(self._notes(settings), metrics.as_of, settings.notes.allowed_image_hosts).inline_images()
        commentary, words, doc = write_words(metrics, cut, settings, env, note=note, previous_headline=before)
        views = {s.id: ChartView(s.id, relative_src(s, self.folder, "png"), s.alt, s.caption) for s in specs}
        screen = build_context(settings, cut, metrics, commentary, words, views, note)
        report = render_html(env, screen, medium="screen")
        subject, email_html, email_text = render_email(env, screen, self.base_url)
        if self.pdf:

            printed = replace(screen, charts={s.id: ChartView(s.id, relative_src(s, self.folder, "svg"), s.alt,
                                                              s.caption) for s in specs})
            write_pdf(render_html(env, printed, medium="print"), self.folder, self.folder / "report.pdf",
                      fetch_policy(settings, self.folder))
        provenance = {"provenance": {"missing": list(cut.missing), "description": cut.description},
                      "as_of": metrics.as_of.isoformat(), "source": cut.source}
        warnings = note_warnings(self._notes(settings), sessions) + missing_optional(settings, provenance)
        flags = [{"class": f.cls, "section": f.section, "detail": f.detail, "sentence": f.sentence}
                 for f in words.open_flags]
        with self.lock:
            self.version += 1
            self.current = Rendered(self.version, report, email_html, email_text, subject, warnings, flags,
                                    render_ms=(time.perf_counter() - started) * 1000, pdf=self.pdf)
        self._announce()
        return self.current

    def failed(self, exc: CapweeklyError) -> None:
        """Keep the last good pages, with the error on top of the panel."""
        with self.lock:
            self.version += 1
            last = self.current or Rendered(0, "<html><body></body></html>", "<html><body></body></html>", "", "",
                                            [], [])
            self.current = replace_rendered(last, version=self.version, error=exc.one_line())
        self._announce()

    def _announce(self) -> None:
        with self.changed:
            self.changed.notify_all()

    @staticmethod
    def _env(settings: Settings):

        return make_environment(settings.resolve(settings.templates_dir) if settings.templates_dir else None)

    @staticmethod
    def _notes(settings: Settings) -> Path | None:
        return settings.resolve(settings.notes_dir) if settings.notes_dir else None

    # -- watching ---------------------------------------------------------------------------
    def watched(self) -> list[Path]:
        """The folders watched recursively: notes and templates (the settings file's folder is watched
        alone, not recursively, so a clone's .venv or a big reports/ folder costs nothing)."""

        paths = [builtin_templates_dir().resolve()]
        s = self.settings
        if s is not None:
            for extra in (self._notes(s), s.resolve(s.templates_dir) if s.templates_dir else None):
                if extra is not None and extra.is_dir():
                    paths.append(extra.resolve())
        # No folder inside another: watchfiles would report the same change twice.
        paths = sorted(set(paths), key=lambda p: len(p.parts))
        return [p for i, p in enumerate(paths) if not any(p.is_relative_to(q) for q in paths[:i])]

    def relevant(self, changed: set[Path]) -> str | None:
        """'all' when the settings changed, 'templates' for a template, 'words' for a note, None otherwise."""
        s = self.settings
        if any(p == self.settings_path.resolve() for p in changed):
            return "all"

        templates = [builtin_templates_dir().resolve()]
        notes: list[Path] = []
        if s is not None:
            templates += [s.resolve(s.templates_dir).resolve()] if s.templates_dir else []
            folder = self._notes(s)
            notes += [folder.resolve()] if folder is not None else []
        kind = None
        for p in changed:
            if p.name.startswith(".") or p.suffix in (".swp", ".tmp") or p.name.endswith("~"):
                continue
            if any(p.is_relative_to(r) for r in templates):
                return "templates"
            if any(p.is_relative_to(r) for r in notes):
                kind = "words"
        return kind

    def watch(self, stop: threading.Event) -> None:
        """Watch until `stop`: the notes and templates recursively, the settings file's folder alone."""
        other = threading.Thread(target=self._watch, args=(stop, [self.settings_path.resolve().parent], False),
                                 name="preview-watch-settings", daemon=True)
        other.start()
        self._watch(stop, self.watched(), True)
        other.join(timeout=5)

    def _watch(self, stop: threading.Event, paths: list[Path], recursive: bool) -> None:
        from watchfiles import watch

        for changes in watch(*paths, stop_event=stop, debounce=200, step=10, rust_timeout=200,
                             yield_on_timeout=False, recursive=recursive):
            kind = self.relevant({Path(p).resolve() for _, p in changes})
            if kind is None:
                continue
            with self.building:  # one rebuild at a time, whichever watcher saw the change
                if kind == "templates" and self.settings is not None:
                    # Jinja re-checks only the file a cached template came from: a new override in
                    # templates/ (or a removed one) needs the cache emptied to be found.
                    cache = self._env(self.settings).cache
                    if cache is not None:
                        cache.clear()
                try:
                    self.build() if kind == "all" or self._week is None else self.render()
                except CapweeklyError as exc:
                    self.failed(exc)

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def replace_rendered(r: Rendered, **changes) -> Rendered:
    from dataclasses import replace

    return replace(r, **changes)


RELOAD = """<script>(function(){{var v={version};var s=new EventSource("/events");
s.onmessage=function(e){{if(+e.data!==v){{s.close();location.reload();}}}};}})();</script>"""


def _panel(r: Rendered, page: str) -> str:
    items = []
    if r.error:
        items.append(f'<li style="color:#b00020"><b>rebuild failed:</b> {escape(r.error)}</li>')
    items += [f"<li>{escape(w)}</li>" for w in r.warnings]
    items += [f'<li><b>fact-check [{escape(f["class"])}] {escape(f["section"])}:</b> {escape(f["detail"])}'
              f'<br><i>{escape(f["sentence"])}</i></li>' for f in r.flags]
    links = " | ".join(f'<a href="{href}">{name}</a>' if href != page else f"<b>{name}</b>"
                       for href, name in (("/", "report"), ("/email", "email"), ("/email.txt", "text"))
                       + ((("/report.pdf", "PDF"),) if r.pdf else ()))
    body = f"<ul style='margin:4px 0;padding-left:18px'>{''.join(items)}</ul>" if items else " no warnings"
    return (f'<div id="capweekly-preview" style="position:fixed;right:8px;bottom:8px;max-width:420px;max-height:40vh;'
            f'overflow:auto;z-index:99999;background:#fffbe6;border:1px solid #c9a400;padding:8px;font:13px/1.4 '
            f'sans-serif;color:#222;box-shadow:0 2px 6px rgba(0,0,0,.2)"><b>preview</b> v{r.version} '
            f'({r.render_ms:.0f} ms) {links}<br><b>{len(r.warnings) + len(r.flags) + bool(r.error)} '
            f'warning(s)</b>{body}</div>')


def _inject(html: str, r: Rendered, page: str) -> str:
    extra = _panel(r, page) + RELOAD.format(version=r.version)
    at = html.rfind("</body>")
    return html[:at] + extra + html[at:] if at >= 0 else html + extra


def make_server(preview: Preview, host: str, port: int) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # the terminal is for warnings, not a request log
            pass

        def _send(self, body: bytes, kind: str, status: int = 200) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            r = preview.current
            if path == "/events":
                return self._events()
            if r is None:
                return self._send(b"building...", "text/plain; charset=utf-8", 503)
            if path == "/":
                return self._send(_inject(r.report, r, "/").encode(), "text/html; charset=utf-8")
            if path == "/email":
                return self._send(_inject(r.email, r, "/email").encode(), "text/html; charset=utf-8")
            if path == "/email.txt":
                return self._send(f"Subject: {r.subject}\n\n{r.email_text}".encode(), "text/plain; charset=utf-8")
            if path == "/status":
                doc = {"version": r.version, "render_ms": round(r.render_ms, 1), "warnings": r.warnings,
                       "flags": r.flags, "error": r.error, "subject": r.subject}
                return self._send(json.dumps(doc).encode(), "application/json")
            if path == "/report.pdf" and r.pdf and (preview.folder / "report.pdf").is_file():
                return self._send((preview.folder / "report.pdf").read_bytes(), "application/pdf")
            if "/charts/" in path:
                name = path.rsplit("/", 1)[-1]
                file = preview.folder / "charts" / name
                if name.endswith((".png", ".svg")) and "/" not in name and file.is_file():
                    kind = "image/png" if name.endswith(".png") else "image/svg+xml"
                    return self._send(file.read_bytes(), kind)
            self._send(b"not found", "text/plain; charset=utf-8", 404)

        def _events(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            seen = -1
            try:
                while not stopping.is_set():
                    with preview.changed:
                        if preview.version == seen:
                            preview.changed.wait(timeout=15)
                    version = preview.version
                    if version != seen:
                        self.wfile.write(f"data: {version}\n\n".encode())
                        seen = version
                    else:
                        self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pass
            self.close_connection = True

    stopping = threading.Event()
    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    server.stopping = stopping  # type: ignore[attr-defined]
    return server


def serve(preview: Preview, host: str, port: int, ready=lambda url: None) -> None:
    """Build once, then serve and watch until interrupted (Ctrl-C)."""
    server = make_server(preview, host, port)
    preview.server = server
    shown = f"[{host}]" if ":" in host else host
    preview.base_url = f"http://{shown}:{server.server_address[1]}/"  # the email edition's chart links
    stop = threading.Event()
    try:
        preview.build()
        watcher = threading.Thread(target=preview.watch, args=(stop,), name="preview-watch", daemon=True)
        watcher.start()
        ready(preview.base_url)
        server.serve_forever(poll_interval=0.2)
    finally:
        stop.set()
        server.stopping.set()  # type: ignore[attr-defined]
        with preview.changed:
            preview.changed.notify_all()
        server.server_close()
        preview.close()
