"""Bad input by the hundred, as an attacker or a careless user would give it (issue 16).

Each case is one distinct malformed input. Loaders are tried directly (cheap); a handful of end-to-end CLI cases
prove the same errors reach the user as one line with the input-error exit code (3; 2 for a usage error) and leave every earlier output byte-identical.
A case "holds" when it gives one clear line naming the file, field, line or ticker (or the right HTTP status), and
changes nothing it should not. Property-based fuzzing (hypothesis) of the CSV reader, the settings loader and the
note parser is at the end.
"""

from __future__ import annotations

import hashlib
import os
from secrets import token_urlsafe
import sqlite3
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from generator.data.csv_folder import read_ticker_csv
from generator.errors import EXIT_INPUT, EXIT_USAGE, CapweeklyError, DataError, SettingsError
from generator.notes import NotesError, load_note, parse_note
from generator.publish.subscribers import SubscriberError, SubscriberStore
from generator.settings import load_settings
from tests.conftest import SETTINGS

BASE = yaml.safe_load(SETTINGS.read_text(encoding="utf-8"))


def _one_clear_line(exc: CapweeklyError, *needles: str) -> str:
    text = exc.one_line()
    assert "Traceback" not in text
    for line in text.splitlines():
        assert line.startswith(f"{exc.category}: "), line
        assert len(line) < 400, line
    for needle in needles:
        assert needle in text, (needle, text)
    return text


# --- settings: types, unknown keys, YAML bombs, huge values ------------------------------------------------------

def _set(path: str, value):
    def change(raw):
        node = raw
        *parents, last = path.split(".")
        for key in parents:
            node = node.setdefault(key, {})
        node[last] = value
    return change


def _drop(path: str):
    def change(raw):
        node = raw
        *parents, last = path.split(".")
        for key in parents:
            node = node[key]
        del node[last]
    return change


SETTINGS_CASES = {
    # types
    "title-list": (_set("branding.title", ["a"]), "branding.title"),
    "title-empty": (_set("branding.title", ""), "branding.title"),
    "title-newline": (_set("branding.title", "A\nBcc: x@example.com"), "branding.title"),
    "small-int": (_set("pair.small", 123), "pair.small"),
    "small-bad-chars": (_set("pair.small", "IWM;rm -rf"), "pair.small"),
    "small-equals-large": (_set("pair.small", "spy"), "small and large must be different"),
    "sma-text": (_set("lookbacks.sma_short", "fifty"), "lookbacks.sma_short"),
    "sma-huge": (_set("lookbacks.sma_long", 10 ** 30), "lookbacks.sma_long"),
    "sma-order": (_set("lookbacks.sma_short", 300), "sma_short must be shorter"),
    "momentum-empty": (_set("lookbacks.momentum_weeks", []), "momentum_weeks"),
    "momentum-negative": (_set("lookbacks.momentum_weeks", [-4]), "momentum_weeks"),
    "flat-band-negative": (_set("stance.flat_band", -1), "stance.flat_band"),
    "flat-band-nan": (_set("stance.flat_band", float("nan")), "stance.flat_band"),
    "vix-inf": (_set("risk.vix_stressed", float("inf")), "risk.vix_stressed"),
    "vix-order": (_set("risk.vix_calm", 40), "vix_calm must be below"),
    "bool-as-text": (_set("stance.steady", "maybe"), "stance.steady"),
    "date-invalid": (_set("history.analogue_start", "2021-02-30"), "history.analogue_start"),
    "date-order": (_set("history.analogue_end", "2019-01-01"), "analogue_start must be before"),
    "port-huge": (_set("email.smtp_port", 10 ** 100), "email.smtp_port"),
    "port-zero": (_set("email.smtp_port", 0), "email.smtp_port"),
    "security-bogus": (_set("email.security", "ssl3"), "email.security"),
    "from-header-injection": (_set("email.from_address", "a@example.com\r\nBcc: victim@example.com"),
                              "email.from_address"),
    "list-id-newline": (_set("email.list_id", "x\ny"), "email.list_id"),
    "bounce-address-bad": (_set("email.bounce_address", "bounces@@x"), "email.bounce_address"),
    "base-url-no-scheme": (_set("site.base_url", "example.com"), "site.base_url"),
    "public-url-javascript": (_set("web.public_url", "javascript:alert(1)"), "web.public_url"),
    "proxies-negative": (_set("web.trusted_proxies", -1), "web.trusted_proxies"),
    "rate-zero": (_set("email.rate_per_second", 0), "email.rate_per_second"),
    "source-bogus": (_set("data.source", "ftp"), "data.source"),
    "page-size-bogus": (_set("output.page_size", "A3"), "output.page_size"),
    "image-host-url": (_set("notes.allowed_image_hosts", ["https://img.example.com/"]), "notes.allowed_image_hosts"),
    "image-host-wildcard": (_set("notes.allowed_image_hosts", ["*.example.com"]), "notes.allowed_image_hosts"),
    "universe-bad-ticker": (_set("breadth.universe", ["OK", "bad ticker!"]), "breadth.universe"),
    "universe-missing-file": (_set("breadth.universe", "no/such/file.txt"), "breadth.universe"),
    "sectors-not-list": (_set("tickers.sectors", "XLK"), "tickers.sectors"),
    # unknown keys and missing ones
    "unknown-top": (_set("brandig", {"title": "x"}), "brandig: unknown key"),
    "unknown-nested": (_set("pair.smal", "IWM"), "pair.smal: unknown key"),
    "password-in-settings": (_set("email.password", "hunter2"), "email.password: unknown key"),
    "base-dir-key": (_set("base_dir", "/"), "base_dir: unknown key"),
    "missing-disclosures": (_drop("disclosures"), "disclosures: is required"),
    "missing-author-position": (_drop("disclosures.author_position"), "disclosures.author_position: is required"),
    "section-is-list": (_set("email", ["a"]), "email"),
}

SETTINGS_TEXTS = {
    "not-a-mapping": (b"- a\n- b\n", "must be a mapping"),
    "scalar": (b"just text\n", "must be a mapping"),
    "empty-file": (b"", "must be a mapping"),
    "tabs": (b"branding:\n\ttitle: x\n", "not valid YAML"),
    "unclosed-quote": (b'branding:\n  title: "x\n', "not valid YAML"),
    "duplicate-key": (b"pair:\n  small: IWM\n  small: SPY\n", "appears twice"),
    "billion-laughs": (("a: &a [" + ",".join(['"lol"'] * 9) + "]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8))).encode(),
        "expands to more than"),
    "python-tag": (b"branding: !!python/object/apply:os.system ['echo pwned']\n", "not valid YAML"),
    "invalid-utf8": (b"branding:\n  title: caf\xe9\n", "line 2: not UTF-8"),
    "utf16": ("branding:\n  title: x\n".encode("utf-16"), "not UTF-8"),
    "huge-file": (b"# " + b"x" * (300 * 1024) + b"\n", "a settings file is a few KB"),
    "huge-title": (None, "a settings file is a few KB"),  # built below: a valid-size file cannot carry a 300 KB title
    "binary": (bytes(range(256)) * 4, "not"),
    "deep-nesting": (b"a: " + b"[" * 5000 + b"]" * 5000 + b"\n", ""),
}


@pytest.mark.parametrize("case", sorted(SETTINGS_CASES))
def test_settings_field_errors(tmp_path, case):
    change, needle = SETTINGS_CASES[case]
    raw = yaml.safe_load(SETTINGS.read_text(encoding="utf-8"))
    change(raw)
    path = tmp_path / "settings.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        load_settings(path)
    _one_clear_line(caught.value, str(path), needle)


@pytest.mark.parametrize("case", sorted(SETTINGS_TEXTS))
def test_settings_file_errors(tmp_path, case):
    data, needle = SETTINGS_TEXTS[case]
    path = tmp_path / "settings.yaml"
    if data is None:
        raw = dict(BASE, branding={**BASE["branding"], "title": "x" * 300_000})
        data = yaml.safe_dump(raw).encode()
    path.write_bytes(data)
    with pytest.raises(SettingsError) as caught:
        load_settings(path)
    _one_clear_line(caught.value, str(path), needle)


def test_settings_path_is_a_folder_or_missing(tmp_path):
    for path, needle in [(tmp_path, "is a folder"), (tmp_path / "nope.yaml", "file not found")]:
        with pytest.raises(SettingsError) as caught:
            load_settings(path)
        _one_clear_line(caught.value, needle)


# --- price CSV files: encodings, BOM, CRLF, duplicates, NaN, text, empty, directory, oversize --------------------

GOOD = "Date,Open,High,Low,Close,Adj Close,Volume\n2024-01-02,10,11,9,10.5,10.4,100\n2024-01-03,10.5,11,10,10.8,10.7,120\n"
HEADER = "Date,Open,High,Low,Close,Adj Close,Volume\n"

CSV_BAD = {
    "empty": (b"", "empty file"),
    "header-only": (HEADER.encode(), "a header but no rows"),
    "no-date-column": (b"Day,Close\n2024-01-02,10\n", "no Date column"),
    "no-close-column": (b"Date,Volume\n2024-01-02,10\n", "no Close or Adj Close"),
    "duplicate-date": ((GOOD + "2024-01-03,10.5,11,10,10.8,10.7,120\n").encode(), "line 4: duplicate date 2024-01-03"),
    "nan-close": ((HEADER + "2024-01-02,10,11,9,10.5,,100\n").encode(), "line 2: adj_close is empty"),
    "text-price": ((HEADER + "2024-01-02,10,11,9,ten,10.4,100\n").encode(), "line 2: close is not a number"),
    "inf-price": ((HEADER + "2024-01-02,10,11,9,10.5,inf,100\n").encode(), "line 2: adj_close is not a finite"),
    "negative-price": ((HEADER + "2024-01-02,10,11,9,-10.5,10.4,100\n").encode(), "line 2: non-positive close"),
    "zero-price": ((HEADER + "2024-01-02,10,11,9,10.5,0,100\n").encode(), "line 2: non-positive adj_close"),
    "bad-date": ((HEADER + "02/01/2024,10,11,9,10.5,10.4,100\n").encode(), "line 2: unparseable date"),
    "impossible-date": ((HEADER + "2024-02-30,10,11,9,10.5,10.4,100\n").encode(), "line 2: unparseable date"),
    "latin1": ((HEADER + "2024-01-02,10,11,9,10.5,10.4,100 caf\xe9\n").encode("latin-1"), "ticker.csv"),
    "utf16": (GOOD.encode("utf-16"), "ticker.csv"),
    "binary": (bytes(range(256)) * 8, "ticker.csv"),
    "nul-bytes": ((HEADER + "2024-01-02,10,11,9,10.5,\x0010.4,100\n").encode(), "ticker.csv"),
    "unclosed-quote": ((HEADER + '2024-01-02,"10,11,9,10.5,10.4,100\n').encode(), "ticker.csv"),
    "html-instead": (b"<html><body>404 Not Found</body></html>\n", "ticker.csv"),
    "json-instead": (b'{"error": "rate limited"}\n', "ticker.csv"),
    "formula": ((HEADER + "2024-01-02,10,11,9,=1+1,10.4,100\n").encode(), "line 2: close is not a number"),
    "huge-number-text": ((HEADER + "2024-01-02,10,11,9,1e999,10.4,100\n").encode(), "not a finite"),
}
CSV_GOOD = {
    "bom": ("\ufeff" + GOOD).encode("utf-8"),
    "crlf": GOOD.replace("\n", "\r\n").encode(),
    "unsorted": (HEADER + "2024-01-03,10.5,11,10,10.8,10.7,120\n2024-01-02,10,11,9,10.5,10.4,100\n").encode(),
    "spaces": (HEADER + " 2024-01-02 , 10 , 11 , 9 , 10.5 , 10.4 , 100 \n2024-01-03,10.5,11,10,10.8,10.7,120\n").encode(),
}


@pytest.mark.parametrize("case", sorted(CSV_BAD))
def test_bad_price_csv(tmp_path, case):
    data, needle = CSV_BAD[case]
    path = tmp_path / "ticker.csv"
    path.write_bytes(data)
    with pytest.raises(DataError) as caught:
        read_ticker_csv(path, "TICK")
    _one_clear_line(caught.value, str(path), needle)


@pytest.mark.parametrize("case", sorted(CSV_GOOD))
def test_harmless_variants_of_a_price_csv_read_the_same(tmp_path, case):
    (tmp_path / "a.csv").write_bytes(GOOD.encode())
    (tmp_path / "b.csv").write_bytes(CSV_GOOD[case])
    a, b = read_ticker_csv(tmp_path / "a.csv", "T").frame, read_ticker_csv(tmp_path / "b.csv", "T").frame
    assert a.equals(b), (a, b)


def test_a_price_file_that_is_a_folder_a_dangling_link_or_oversize(settings, tmp_path):
    from generator.data import load_prices

    for name, make, needle in [
        ("dir", lambda p: p.mkdir(), "required ticker IWM has no file"),
        ("link", lambda p: p.symlink_to(tmp_path / "nowhere.csv"), "required ticker IWM has no file"),
        ("huge", lambda p: os.truncate(p.write_bytes(b"") or p, 65 * 1024 * 1024), "over the 64 MB limit"),
    ]:
        folder = tmp_path / name
        folder.mkdir()
        (folder / "SPY.csv").write_text(GOOD)
        make(folder / "IWM.csv")
        with pytest.raises(DataError) as caught:
            load_prices(settings, "csv", folder)
        _one_clear_line(caught.value, "IWM.csv", needle)


# --- editor's notes: Jinja, HTML, scripts, links, images, invalid UTF-8, huge -------------------------------------

NOTE_NEUTRALISED = {  # shown as text or made harmless; never executed, never fetched
    "jinja-expression": ("{{ 7*7 }} and {{ config }}", ["{{ 7*7 }}"], ["49"]),
    "jinja-statement": ("{% include '/etc/passwd' %}", ["{% include"], ["root:"]),
    "jinja-in-headline": ("# {{ settings.email }}\n\nx", [], []),
    "script-tag": ("<script>alert(1)</script>", ["&lt;script&gt;"], ["<script"]),
    "img-onerror": ('<img src=x onerror="alert(1)">', ["&lt;img"], ["<img"]),
    "iframe": ('<iframe src="https://evil.example"></iframe>', ["&lt;iframe"], ["<iframe"]),
    "style-tag": ("<style>body{display:none}</style>", ["&lt;style&gt;"], ["<style"]),
    "javascript-link": ("[x](javascript:alert(1))", [], ['href="javascript:']),
    "javascript-link-case": ("[x](JaVaScRiPt:alert(1))", [], ['href="javascript:', 'href="JaVaScRiPt:']),
    "javascript-entity": ("[x](&#106;avascript:alert(1))", [], ['href="javascript:']),
    "vbscript-link": ("[x](vbscript:msgbox(1))", [], ['href="vbscript:']),
    "data-link": ("[x](data:text/html;base64,PHNjcmlwdD4=)", [], ['href="data:']),
    "file-link": ("[x](file:///etc/passwd)", [], ['href="file:']),
    "attribute-breakout": ('[x](https://ok.example/"onmouseover="alert(1))', [], ['"onmouseover="']),
    "autolink-html": ("<javascript:alert(1)>", [], ['href="javascript:']),
    "html-entity-script": ("&lt;script&gt; &#60;script&#62;", [], ["<script"]),
    "bidi-override": ("\u202egnp.exe", [], []),
    "deep-blockquote": ("> " * 2000 + "deep", [], []),
    "deep-list": ("".join("  " * i + "- x\n" for i in range(300)), [], []),
    "long-line": ("word " * 20000, [], []),
}

NOTE_REFUSED = {
    "unknown-section": ("## positoning\nx\n", "line 1: unknown section 'positoning'"),
    "second-headline": ("# One\n\n# Two\n", "line 3: only the first line"),
    "empty-replace": ("## replace risks\n\n", "'## replace risks' has no text"),
    "image-loopback": ("![x](http://127.0.0.1:8080/leak.png)\n", "line 1: image"),
    "image-metadata-ip": ("![x](http://169.254.169.254/latest/meta-data/)\n", "not in notes.allowed_image_hosts"),
    "image-file-scheme-relative": ("![x](../../../etc/passwd.png)\n", "outside the notes folder"),
    "image-absolute": ("![x](/etc/hostname.png)\n", "not a file name inside the notes folder"),
    "image-svg": ("![x](chart.svg)\n", "not a PNG, JPEG"),
    "image-reference-style": ("![x][r]\n\n[r]: http://10.0.0.1/x.png\n", "not in notes.allowed_image_hosts"),
    "image-in-link": ("[![x](http://evil.example/p.gif)](https://ok.example)\n", "not in notes.allowed_image_hosts"),
    "image-protocol-relative": ("![x](//evil.example/p.gif)\n", "host-relative"),
    "image-data-uri": ("![x](data:image/png;base64,iVBORw0KGgo=)\n", "data: source"),
    "image-in-later-section": ("ok\n\n## risks\ntext\n\n![x](http://evil.example/p.gif)\n", "line 6: image"),
}


@pytest.mark.parametrize("case", sorted(NOTE_NEUTRALISED))
def test_notes_render_hostile_text_harmlessly(tmp_path, case):
    text, present, absent = NOTE_NEUTRALISED[case]
    note = parse_note(text, "n.md", tmp_path)
    html = "".join(str(v) for v in note.sections.values()) + (note.headline or "")
    for needle in present:
        assert needle.replace("'", "&#x27;") in html or needle in html, (needle, html[:300])
    for needle in absent:
        assert needle not in html, (needle, html[:300])
    assert "<script" not in html and "onerror=" not in html.replace("onerror=&quot;", "")


def test_jinja_in_a_note_reaches_the_report_as_text():
    from generator.render.environment import builtin_templates_dir, make_environment

    env = make_environment(None)
    note = parse_note("# {{ 6*7 }} headline\n\n## risks\n{{ 6*7 }} {% raw %}x{% endraw %}\n", "n.md")
    # The report's own macro (sections/_macros.html) places a note's section exactly like this.
    macro = (builtin_templates_dir() / "sections" / "_macros.html").read_text()
    assert "{{ note.sections[name] }}" in macro
    html = env.from_string("<h1>{{ note.headline }}</h1>{% set name = 'risks' %}{{ note.sections[name] }}").render(
        note=note)
    assert "{{ 6*7 }} headline" in html and "{{ 6*7 }} {% raw %}x{% endraw %}" in html and "42" not in html


@pytest.mark.parametrize("case", sorted(NOTE_REFUSED))
def test_notes_refuse_what_would_fetch_or_be_lost(tmp_path, case):
    text, needle = NOTE_REFUSED[case]
    (tmp_path / "chart.svg").write_text("<svg/>")
    with pytest.raises(NotesError) as caught:
        parse_note(text, "n.md", tmp_path)
    _one_clear_line(caught.value, "n.md", needle)


@pytest.mark.parametrize("case,data,needle", [
    ("invalid-utf8", b"ok\n\xff\xfe broken\n", "line 2: not UTF-8"),
    ("utf16", "hello".encode("utf-16"), "not UTF-8"),
    ("nul", b"hello\x00world\n", "NUL characters"),
    ("huge", b"x" * (300 * 1024), "over the 256 KB limit"),
])
def test_note_files_that_cannot_be_a_note(tmp_path, case, data, needle):
    from datetime import date

    (tmp_path / "2024-07-12.md").write_bytes(data)
    with pytest.raises(NotesError) as caught:
        load_note(tmp_path, date(2024, 7, 12))
    _one_clear_line(caught.value, "2024-07-12.md", needle)


# --- subscriber CSVs: header injection, IDN, duplicates by case, 100k rows ----------------------------------------

def _db_dump(store: SubscriberStore) -> list:
    return [store.db.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in ("subscribers", "events")]


SUB_BAD = {
    "header-injection-address": ("email\n\"a@example.com\r\nBcc: victim@example.com\"\n", "line 2"),
    "header-injection-name": ("email,name\nb@example.com,\"Bob\r\nBcc: victim@example.com\"\n", "line 2"),
    "display-name": ("email\nBob <bob@example.com>\n", "line 2: invalid address"),
    "duplicate-by-case": ("email\nAnn@Example.com\nann@example.com\n", "line 3: duplicate address"),
    "non-ascii-local-part": ("email\njosé@example.com\n", "line 2: invalid address"),
    "no-email-column": ("mail,name\na@example.com,A\n", "line 1: no 'email' column"),
    "semicolons": ("email;name\na@example.com;A\n", "line 1: no 'email' column"),
    "empty": ("", "line 1: no 'email' column"),
    "too-long": ("email\n" + "a" * 300 + "@example.com\n", "line 2: invalid address"),
    "bogus-status": ("email,status\na@example.com,vip\n", "line 2: unknown status 'vip'"),
    "extra-fields": ("email,name\na@example.com,A,extra\n", "line 2: more fields than the header"),
    "nul": ("email\na@exa\x00mple.com\n", "NUL character"),
    "no-domain": ("email\nroot@localhost\n", "line 2: invalid address"),
    "bad-line-at-the-end": (None, "line 10002: invalid address"),
}


@pytest.mark.parametrize("case", sorted(SUB_BAD))
def test_bad_subscriber_csv_imports_nothing(tmp_path, case):
    text, needle = SUB_BAD[case]
    if text is None:  # 10k good rows and one bad one: nothing imported, the line named
        text = "email\n" + "".join(f"r{i}@example.com\n" for i in range(10_000)) + "not-an-address\n"
    path = tmp_path / "list.csv"
    path.write_bytes(text.encode("utf-8"))
    with SubscriberStore(tmp_path / "subs.sqlite") as store:
        store.add("keep@example.com")
        before = _db_dump(store)
        with pytest.raises(SubscriberError) as caught:
            store.import_csv(path)
        _one_clear_line(caught.value, str(path), needle)
        assert _db_dump(store) == before


def test_subscriber_csv_variants_that_are_fine(tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes("\ufeffEmail,Name\r\nann@bücher.example,Ann\r\n\r\nBOB@EXAMPLE.COM,Bob\r\n".encode("utf-8"))
    with SubscriberStore(tmp_path / "subs.sqlite") as store:
        assert store.import_csv(path) == (2, 0)
        assert sorted(s.email for s in store.list()) == ["BOB@example.com", "ann@xn--bcher-kva.example"]


def test_subscriber_csv_that_is_not_utf8_or_not_a_file(tmp_path):
    with SubscriberStore(tmp_path / "subs.sqlite") as store:
        (tmp_path / "latin1.csv").write_bytes("email,name\na@example.com,Jos\xe9\n".encode("latin-1"))
        (tmp_path / "dir.csv").mkdir()
        for name in ("latin1.csv", "dir.csv", "missing.csv"):
            with pytest.raises(SubscriberError) as caught:
                store.import_csv(tmp_path / name)
            _one_clear_line(caught.value, name, "cannot read")


def test_100k_subscribers_import_in_one_transaction(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("email,name\n" + "".join(f"reader{i}@example.com,R{i}\n" for i in range(100_000)))
    with SubscriberStore(tmp_path / "subs.sqlite") as store:
        assert store.import_csv(path) == (100_000, 0)
        assert store.db.execute("SELECT COUNT(*) FROM consents").fetchone() == (100_000,)


def test_subscribers_add_and_import_agree_on_who_left(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("email\nleft@example.com\nbounced@example.com\n")
    with SubscriberStore(tmp_path / "subs.sqlite") as store:
        store.add("left@example.com", status="unsubscribed")
        store.add("bounced@example.com", status="bounced")
        for address in ("left@example.com", "LEFT@example.com", "bounced@example.com"):
            with pytest.raises(SubscriberError) as caught:
                store.add(address)
            _one_clear_line(caught.value, "not re-subscribed")
        assert store.import_csv(path) == (0, 0) and store.kept_suppressed == 2
        assert {s.status for s in store.list()} == {"unsubscribed", "bounced"}
        sid = store.add("left@example.com", consent="reader emailed us on 2026-11-30 asking to rejoin")
        assert store.by_id(sid).status == "confirmed"
        assert store.consents(sid)[-1][3] == "reader emailed us on 2026-11-30 asking to rejoin"


# --- HTTP requests to `serve`: tokens, bodies, content types, methods, X-Forwarded-For -----------------------------

WEB_SECRET = token_urlsafe(32)


@pytest.fixture()
def web(settings, tmp_path):
    from generator.web import create_app

    db = tmp_path / "subs.sqlite"
    s = settings.model_copy(update={
        "email": settings.email.model_copy(update={"database": str(db)}),
        "web": settings.web.model_copy(update={"signups_per_hour": 5, "trusted_proxies": 0})})
    app = create_app(s, secret=WEB_SECRET)
    store = SubscriberStore(db)
    yield app.test_client(), store, Queued(store), s
    store.close()


class Queued:
    """The confirmation emails the app queued (it sends none itself), compared like a list of addresses."""

    def __init__(self, store):
        self.store = store

    def _rows(self):
        return [r[0] for r in self.store.db.execute("SELECT s.email FROM confirmations c JOIN subscribers s "
                                                     "ON s.id = c.subscriber_id ORDER BY c.id")]

    def __eq__(self, other):
        return self._rows() == other

    def __len__(self):
        return len(self._rows())


def _confirm_token(store, address, secret=WEB_SECRET, **kw):
    from generator.publish.tokens import make_confirm_token

    sub = store.by_id(store.sign_up(address).id)
    return make_confirm_token(secret, sub.id, sub.email, sub.nonce), sub


def test_http_forged_tampered_and_cross_purpose_tokens(web):
    from generator.publish.tokens import make_token

    client, store, _, _ = web
    token, sub = _confirm_token(store, "a@example.com")
    unsub = make_token(WEB_SECRET, "unsubscribe", sub.id, sub.email)
    other_secret = make_token("another-secret-0123456789", "unsubscribe", sub.id, sub.email)
    cases = [
        ("GET", f"/confirm?token={token[:-2]}xx", 400),          # tampered signature
        ("GET", "/confirm?token=", 400),                          # empty
        ("GET", "/confirm?token=" + "A" * 3000, 400),             # huge
        ("GET", "/confirm?token=%00%ff", 400),                    # junk bytes
        ("GET", f"/confirm?token={unsub}", 400),                  # unsubscribe token used to confirm
        ("POST", f"/unsubscribe?token={token}", 400),             # confirm token used to unsubscribe
        ("GET", f"/unsubscribe?token={other_secret}", 400),       # signed with another secret
        ("POST", f"/unsubscribe?token={make_token(WEB_SECRET, 'unsubscribe', sub.id, 'x@example.com')}", 400),
        ("POST", f"/unsubscribe?token={make_token(WEB_SECRET, 'unsubscribe', 999, sub.email)}", 400),
    ]
    for method, url, status in cases:
        response = client.open(url, method=method, data={"List-Unsubscribe": "One-Click"})
        assert response.status_code == status, (method, url[:60], response.status_code)
    assert store.by_id(sub.id).status == "pending"  # nothing changed


def test_http_expired_and_replayed_confirmation(web, monkeypatch):
    import itsdangerous.timed

    client, store, _, s = web
    real = itsdangerous.timed.time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real() - (s.web.confirm_hours + 1) * 3600)
    old_token, sub = _confirm_token(store, "late@example.com")
    monkeypatch.setattr(itsdangerous.timed.time, "time", real)
    response = client.get(f"/confirm?token={old_token}")
    assert response.status_code == 400 and b"expired" in response.data
    assert store.by_id(sub.id).status == "pending"
    token, sub = _confirm_token(store, "now@example.com")
    assert client.get(f"/confirm?token={token}").status_code == 200
    assert client.get(f"/confirm?token={token}").status_code == 200  # replay: "already subscribed", no change
    from generator.publish.confirmations import send_due

    newer, _ = _confirm_token(store, "again@example.com")
    superseded, sub2 = newer, store.get("again@example.com")
    store.sign_up("again@example.com")  # the email is still queued: it will carry the one link
    assert store.get("again@example.com").nonce == sub2.nonce
    send_due(store, s, WEB_SECRET, mailer=lambda *a: None)               # ... until it has gone out
    _confirm_token(store, "again@example.com")  # a second sign-up after it: the first link no longer works
    assert client.get(f"/confirm?token={superseded}").status_code == 400
    assert store.get("again@example.com").status == "pending"


@pytest.mark.parametrize("method,url,kwargs,status", [
    ("POST", "/subscribe", {"data": {"email": "x" * 5000 + "@example.com"}}, 413),
    ("POST", "/subscribe", {"data": "x" * 10000, "content_type": "application/x-www-form-urlencoded"}, 413),
    ("POST", "/subscribe", {"json": {"email": "json@example.com"}}, 400),
    ("POST", "/subscribe", {"data": "email=text@example.com", "content_type": "text/plain"}, 400),
    ("POST", "/subscribe", {"data": {"email": "a@example.com\r\nBcc: b@example.com"}}, 400),
    ("POST", "/subscribe", {"data": {"email": "<script>@example.com"}}, 400),
    ("POST", "/subscribe", {"data": {}}, 400),
    ("PUT", "/subscribe", {"data": {"email": "put@example.com"}}, 405),
    ("DELETE", "/unsubscribe", {}, 405),
    ("POST", "/confirm", {"data": {"token": "x"}}, 405),
    ("PATCH", "/", {}, 405),
    ("GET", "/admin", {}, 404),
    ("GET", "/../../etc/passwd", {}, 404),
    ("GET", "/unsubscribe", {}, 400),
    ("TRACE", "/subscribe", {}, 405),
])
def test_http_bodies_content_types_and_methods(web, method, url, kwargs, status):
    client, store, sent, _ = web
    response = client.open(url, method=method, **kwargs)
    assert response.status_code == status
    assert store.list() == [] and sent == []
    if response.mimetype == "text/html":
        csp = response.headers.get("Content-Security-Policy", "")
        assert "frame-ancestors 'none'" in csp and response.headers["X-Frame-Options"] == "DENY"


def test_http_x_forwarded_for_is_ignored_without_a_trusted_proxy(web):
    client, store, sent, _ = web
    codes = [client.post("/subscribe", data={"email": f"r{i}@example.com"},
                         headers={"X-Forwarded-For": f"203.0.113.{i}", "X-Real-IP": f"198.51.100.{i}"}).status_code
             for i in range(7)]
    assert codes == [200] * 5 + [429] * 2
    assert len(sent) == 5
    assert {c[2] for s in store.list() for c in store.consents(s.id)} == {"127.0.0.1"}  # the real peer, recorded


def test_http_a_forged_host_cannot_aim_the_confirmation_link(web):
    client, store, sent, _ = web
    response = client.post("/subscribe", data={"email": "h@example.com"}, headers={"Host": "evil.example"})
    assert response.status_code == 400 and sent == [] and store.list() == []


def test_http_rate_limit_is_shared_by_workers_and_survives_a_restart(web, settings):
    from generator.web import create_app

    client, store, sent, s = web
    for i in range(3):
        assert client.post("/subscribe", data={"email": f"w{i}@example.com"}).status_code == 200
    # A second worker (another app on the same database), and the same after a "restart".
    for _ in range(2):
        other = create_app(s, secret=WEB_SECRET).test_client()
        codes = [other.post("/subscribe", data={"email": f"o{i}@example.com"}).status_code for i in range(2)]
    assert codes == [429, 429]


def test_http_honeypot_and_oversized_address(web):
    client, store, sent, _ = web
    assert client.post("/subscribe", data={"email": "bot@example.com", "website": "x"}).status_code == 200
    assert client.post("/subscribe", data={"email": "a" * 250 + "@example.com"}).status_code == 400
    assert store.list() == [] and sent == []


# --- end to end: the CLI gives one line, exit 2, and leaves earlier outputs byte-identical -----------------------

def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(sample_issue, tmp_path_factory):
    """The session's sample issue, copied into a reports folder of its own: (settings file, reports folder)."""
    import shutil

    root = tmp_path_factory.mktemp("e2e")
    raw = yaml.safe_load(SETTINGS.read_text(encoding="utf-8"))
    raw["output"] = {**raw.get("output", {}), "dir": str(root / "reports")}
    raw["notes_dir"] = str(root / "notes")
    raw["email"] = {**(raw.get("email") or {}), "database": str(root / "subs.sqlite"), "security": "none",
                    "smtp_host": "127.0.0.1", "smtp_port": 1, "unsubscribe_url": "https://example.com/u"}
    (root / "notes").mkdir()
    path = root / "settings.yaml"
    path.write_text(yaml.safe_dump(raw))
    shutil.copytree(sample_issue, root / "reports" / sample_issue.name)
    return path, root / "reports"


def _cli(*args, env=None):
    from click.testing import CliRunner

    from generator.cli import main

    return CliRunner().invoke(main, list(args), env=env)


def test_e2e_bad_inputs_exit_2_with_one_line_and_leave_the_issue_alone(built, tmp_path):
    path, reports = built
    before = _tree(reports)
    notes = path.parent / "notes"
    bad_settings = tmp_path / "bad.yaml"
    bad_settings.write_text(path.read_text().replace("small: IWM", "small: IWM\n  smal: x"))
    data = tmp_path / "data"
    data.mkdir()
    (data / "IWM.csv").write_text(HEADER + "2024-01-02,10,11,9,ten,10.4,100\n")
    (data / "SPY.csv").write_text(GOOD)
    cases = [
        (["build", "--settings", str(bad_settings), "--source", "sample"], "pair.smal: unknown key", EXIT_INPUT),
        (["build", "--settings", str(path), "--source", "csv", "--data-dir", str(data)], "line 2: close is not",
         EXIT_INPUT),
        (["build", "--settings", str(path), "--source", "sample", "--as-of", "2025-13-01"], "is not a date",
         EXIT_USAGE),
    ]
    for args, needle, code in cases:
        result = _cli(*args)
        assert result.exit_code == code, (args, result.output)
        assert needle in result.output and len(result.output.strip().splitlines()) <= 4, result.output  # click usage
    (notes / f"{sorted(reports.iterdir())[-1].name}.md").write_text("ok\n\n![x](http://127.0.0.1:9/leak.png)\n")
    try:
        result = _cli("build", "--settings", str(path), "--source", "sample")
    finally:
        for f in notes.iterdir():
            f.unlink()
    assert result.exit_code == EXIT_INPUT and "line 3: image 'http://127.0.0.1:9/leak.png'" in result.output, \
        result.output
    assert _tree(reports) == before


def test_e2e_damaged_metrics_and_stray_folders_are_never_sent(built, tmp_path, monkeypatch):
    from tests.smtp_server import SmtpServer

    path, reports = built
    latest = sorted(reports.iterdir())[-1]
    monkeypatch.setenv("CAPWEEKLY_SECRET", WEB_SECRET)
    with SmtpServer() as server:
        text = path.read_text().replace("smtp_port: 1", f"smtp_port: {server.port}")
        local = tmp_path / "settings.yaml"
        local.write_text(text)
        with SubscriberStore(Path(yaml.safe_load(text)["email"]["database"])) as store:
            store.add("reader@example.com")
        stray = reports / "zz-backup"
        stray.mkdir()
        (stray / "metrics.json").write_text("{}")
        saved = (latest / "metrics.json").read_bytes()
        try:
            for damage, needle in [(b"{not json", "metrics.json: damaged"), (b'{"as_of": 5}', "damaged"),
                                   (b'{"as_of": "2024-13-99", "source": "csv"}', "damaged"),
                                   (b"\xff\xfe", "damaged"), (b"[]", "damaged")]:
                (latest / "metrics.json").write_bytes(damage)
                result = _cli("send", "--settings", str(local), "--allow-sample-data", "--allow-stale-data")
                assert result.exit_code == EXIT_INPUT and needle in result.output and latest.name in result.output, \
                    result.output
                assert "Traceback" not in result.output
        finally:
            (latest / "metrics.json").write_bytes(saved)
        # The stray folder is not "the latest issue" (the sample build is only with --allow-sample-data: issue 25).
        result = _cli("send", "--settings", str(local), "--dry-run", "--allow-sample-data")
        stray_chosen = "zz-backup" in result.output
        import shutil

        shutil.rmtree(stray)
        shutil.rmtree(latest / "outbox", ignore_errors=True)
        assert result.exit_code == 0 and not stray_chosen, result.output
        assert server.handler.messages == []


def test_e2e_subscribers_add_refuses_to_resubscribe(built, tmp_path):
    path, _ = built
    assert _cli("subscribers", "add", "gone@example.com", "--status", "unsubscribed", "--settings", str(path)).exit_code == 0
    result = _cli("subscribers", "add", "gone@example.com", "--settings", str(path))
    assert result.exit_code == EXIT_INPUT and "not re-subscribed" in result.output
    assert len(result.output.strip().splitlines()) == 1


# --- property-based fuzzing: the reader, the loader and the parser never crash -----------------------------------

FUZZ = hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(st.binary(max_size=400) | st.text(alphabet=st.sampled_from("0123456789-.,\n\r\"eEnaif DateCloseAdj"),
                                          max_size=400).map(lambda t: ("Date,Close\n" + t).encode()))
def test_fuzz_the_price_csv_reader(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "T.csv"
    path.write_bytes(data)
    try:
        history = read_ticker_csv(path, "T")
    except DataError as exc:
        _one_clear_line(exc, str(path))
        return
    import numpy as np

    basis = history.frame["adj_close" if "adj_close" in history.frame else "close"].to_numpy()
    assert np.isfinite(basis).all() and (basis > 0).all() and history.frame.index.is_monotonic_increasing
    assert not history.frame.index.duplicated().any()


YAML_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30),
                         st.lists(st.text(max_size=5), max_size=3))


@FUZZ
@given(st.sampled_from(sorted(f"{section}.{key}" for section, body in BASE.items() if isinstance(body, dict)
                              for key in body)), YAML_SCALARS)
def test_fuzz_the_settings_loader_with_wrong_values(tmp_path_factory, where, value):
    raw = yaml.safe_load(SETTINGS.read_text(encoding="utf-8"))
    _set(where, value)(raw)
    path = tmp_path_factory.mktemp("fuzz") / "settings.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    try:
        load_settings(path)
    except SettingsError as exc:
        _one_clear_line(exc, str(path))


@FUZZ
@given(st.binary(max_size=300))
def test_fuzz_the_settings_loader_with_bytes(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "settings.yaml"
    path.write_bytes(data)
    try:
        load_settings(path)
    except SettingsError as exc:
        _one_clear_line(exc, str(path))


NOTE_ALPHABET = st.sampled_from(["#", "## ", "## risks\n", "## replace junk\n", "![a](", "](", ")", "[", "]", "<",
                                 ">", "script", "{{", "}}", "{%", "\n", "\n\n", " ", "http://127.0.0.1/x.png", "x.png",
                                 "../", "`", "*", "_", "&#", "javascript:", "\x00", "\u202e", "é"])


@FUZZ
@given(st.lists(NOTE_ALPHABET, max_size=60).map("".join))
def test_fuzz_the_note_parser(tmp_path_factory, text):
    folder = tmp_path_factory.mktemp("notes")
    try:
        note = parse_note(text, "n.md", folder)
    except NotesError as exc:
        _one_clear_line(exc, "n.md")
        return
    html = "".join(str(v) for v in note.sections.values())
    assert "<script" not in html and 'src="http' not in html and 'href="javascript:' not in html.lower()
