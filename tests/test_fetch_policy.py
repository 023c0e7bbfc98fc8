"""The fetch policy: nothing an editor's note or a template points at is fetched unless the user configured it.

Tested with a real HTTP listener on loopback: a refused image must cause a build error *and* no request."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path
from secrets import token_urlsafe

import pytest

from generator.errors import CapweeklyError, RenderError
from generator.notes import NotesError, load_note, parse_note
from generator.pipeline import build_issue
from generator.render.environment import builtin_templates_dir
from generator.render.pdf import FetchPolicy, write_pdf
from tests.loopback import PNG_1PX, Listener


def _note_settings(settings, notes: Path, hosts=()):
    return settings.model_copy(update={"notes_dir": str(notes),
                                       "notes": settings.notes.model_copy(update={"allowed_image_hosts": list(hosts)})})


def test_a_note_image_on_a_loopback_listener_stops_the_build_and_is_never_requested(settings, tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    out = tmp_path / "reports"
    with Listener() as listener:
        (notes / "2025-10-31.md").write_text(f"Opening.\n\n## risks\nSee this:\n![x](http://127.0.0.1:{listener.port}/leak.png)\n")
        with pytest.raises(NotesError) as caught:
            build_issue(_note_settings(settings, notes), source="sample", out_dir=out)
        assert listener.requests == []
    line = caught.value.one_line()
    assert "2025-10-31.md: line 5: image" in line and "notes.allowed_image_hosts" in line
    assert not out.exists() or list(out.iterdir()) == []  # nothing half-written


@pytest.mark.parametrize("src", ["file:///etc/passwd", "/etc/hostname", "../secret.png", "notes/../../secret.png",
                                 "data:image/png;base64,iVBORw0KGgo=", "//127.0.0.1/x.png", "ftp://127.0.0.1/x.png",
                                 "https://evil.example/x.png", "HTTP://127.0.0.1/x.png", "http://[::1]/x.png"])
def test_image_sources_outside_the_policy_are_refused_naming_file_and_line(tmp_path, src):
    (tmp_path / "secret.png").write_bytes(PNG_1PX)
    notes = tmp_path / "notes"
    notes.mkdir()
    text = f"# H\n\npara\n\n![alt]({src})\n"
    # Every one stops the build (issue 25: file: and data: images used to pass as literal Markdown shown to readers).
    with pytest.raises(NotesError) as caught:
        parse_note(text, "n.md", notes)
    assert caught.value.one_line().startswith("notes error: n.md: line 5: image ")


def test_a_file_url_image_stops_the_build_with_the_notes_file_and_line(settings, tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "2025-10-31.md").write_text("Opening.\n\n## risks\nThe machine's name:\n![x](file:///etc/hostname)\n")
    out = tmp_path / "reports"
    with pytest.raises(NotesError) as caught:
        build_issue(_note_settings(settings, notes), source="sample", out_dir=out)
    line = caught.value.one_line()
    assert f"{notes / '2025-10-31.md'}: line 5: image 'file:///etc/hostname' uses file: source" in line, line
    assert not out.exists() or list(out.iterdir()) == []


def test_local_images_are_checked_for_type_size_and_place(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "fake.png").write_text("<svg onload=alert(1)>")
    (notes / "chart.svg").write_text("<svg/>")
    (notes / "ok.png").write_bytes(PNG_1PX)
    (notes / "link.png").symlink_to(tmp_path / "outside.png")
    (tmp_path / "outside.png").write_bytes(PNG_1PX)
    for name, problem in [("fake.png", "not really a PNG"), ("chart.svg", "not a PNG, JPEG"),
                          ("missing.png", "does not exist"), ("link.png", "outside the notes folder")]:
        with pytest.raises(NotesError, match=problem):
            parse_note(f"![a]({name})\n", "n.md", notes)
    note = parse_note("x\n\n## risks\n![a](ok.png) and ![b](./ok.png)\n", "n.md", notes)
    assert len(note.images) == 1 and note.images[0].source == notes / "ok.png"
    shown = str(note.with_images(lambda n: f"notes/{n}").sections["risks"])
    assert shown.count(f'src="notes/{note.images[0].name}"') == 2
    inlined = str(note.inline_images().sections["risks"])  # the preview's form: no issue folder to copy into
    assert inlined.count('src="data:image/png;base64,iVBORw0KGgo') == 2


def test_an_allowed_host_is_used_as_given(tmp_path):
    note = parse_note("![a](https://img.example.com/a.png)\n", "n.md", tmp_path, ["img.example.com"])
    assert 'src="https://img.example.com/a.png"' in note.sections["lede"]


def test_the_pdf_renderer_refuses_templates_that_point_outside_the_policy(tmp_path):
    issue = tmp_path / "issue"
    issue.mkdir()
    (issue / "ok.png").write_bytes(PNG_1PX)
    (tmp_path / "private.png").write_bytes(PNG_1PX)
    policy = FetchPolicy([issue, builtin_templates_dir()])
    with Listener() as listener:
        for src in (f"http://127.0.0.1:{listener.port}/leak.png", "../private.png", f"file://{tmp_path}/private.png",
                    f"http://localhost:{listener.port}/x.png"):
            html = f'<p>x</p><img src="{src}"><style>@import url("http://127.0.0.1:{listener.port}/css");</style>'
            with pytest.raises(RenderError, match="asked to fetch"):
                write_pdf(html, issue, issue / "report.pdf", policy)
            assert not (issue / "report.pdf").exists()
        assert listener.requests == []
        write_pdf('<img src="ok.png">', issue, issue / "report.pdf", policy)  # the issue folder itself is fine
        assert (issue / "report.pdf").read_bytes().startswith(b"%PDF")


def test_an_allowed_host_is_fetched_once_and_redirects_are_not_followed(tmp_path):
    with Listener() as listener:
        policy = FetchPolicy([tmp_path], [f"127.0.0.1:{listener.port}"])
        write_pdf(f'<img src="http://127.0.0.1:{listener.port}/ok.png">', tmp_path, tmp_path / "a.pdf", policy)
        assert listener.requests == ["/ok.png"]
        with pytest.raises(RenderError, match="redirects are not followed"):
            write_pdf(f'<img src="http://127.0.0.1:{listener.port}/redirect">', tmp_path, tmp_path / "b.pdf", policy)
        assert listener.requests == ["/ok.png", "/redirect"]  # the redirect's target was never asked for


def test_a_local_note_image_is_copied_into_the_issue_and_every_edition_uses_the_copy(settings, sample_issue,
                                                                                    monkeypatch):
    """The session's sample issue was built with a note showing notes/my chart.png (tests/conftest.py)."""
    from generator.publish.mail import build_message, load_issue
    from generator.publish.subscribers import Subscriber

    monkeypatch.setenv("CAPWEEKLY_SECRET", token_urlsafe(32))
    s = settings.model_copy(update={"email": settings.email.model_copy(update={"unsubscribe_url": "https://example.com/u"})})

    class built:
        folder = sample_issue

    copies = list((built.folder / "notes").iterdir())
    assert len(copies) == 1 and copies[0].read_bytes() == PNG_1PX
    name = copies[0].name
    assert f'src="notes/{name}"' in (built.folder / "site.html").read_text()
    assert 'src="data:image/png;base64,' in (built.folder / "report.html").read_text()
    # The email shows only the note's headline today; whatever it shows is attached (cid:) or hosted, never fetched
    # from elsewhere by the reader's mail program.
    import re

    html = (built.folder / "email.html").read_text()
    srcs = re.findall(r'src="([^"]*)"', html)
    assert srcs and all(src.startswith("cid:") for src in srcs), srcs
    issue = load_issue(built.folder)
    assert {src[4:] for src in srcs} <= set(issue.images)
    msg = build_message(s, issue, Subscriber(1, "r@example.com", "", "confirmed", "", ""), token_urlsafe(32),
                        now=__import__("datetime").datetime.now())
    parsed = email.message_from_bytes(msg.as_bytes(), policy=email.policy.default)
    cids = {p["Content-ID"] for p in parsed.walk() if p.get_content_maintype() == "image"}
    assert cids == {f"<{src[4:]}>" for src in srcs}
