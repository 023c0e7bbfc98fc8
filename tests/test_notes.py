import pytest

from generator.errors import CapweeklyError
from generator.notes import load_note, parse_note
from generator.pipeline import build_issue


def test_headline_lede_and_sections():
    note = parse_note("# Our own headline\n\nOpening words.\n\n## risks\nWatch the *yen*.\n", "n.md")
    assert note.headline == "Our own headline"
    assert note.sections["lede"] == "<p>Opening words.</p>\n"
    assert note.sections["risks"] == "<p>Watch the <em>yen</em>.</p>\n"


def test_raw_html_and_script_links_are_neutralised():
    note = parse_note('<img src=x onerror="alert(1)">\n\n[click](javascript:alert(1))\n', "n.md")
    html = str(note.sections["lede"])
    assert "<img" not in html and "&lt;img" in html
    assert 'href="javascript:' not in html


def test_unknown_section_names_file_and_line():
    with pytest.raises(CapweeklyError, match=r"n.md: line 4: unknown section 'positoning'"):
        parse_note("# H\n\ntext\n## positoning\nx\n", "n.md")


def test_missing_note_is_fine(tmp_path):
    assert load_note(tmp_path, __import__("datetime").date(2024, 7, 12)).sections == {}
    assert load_note(None, __import__("datetime").date(2024, 7, 12)).headline is None


def test_note_reaches_the_report(settings, tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "2025-10-31.md").write_text("# A headline <b>from the editor</b>\n\n## junk\nCredit **matters**.\n")
    built = build_issue(settings.model_copy(update={"notes_dir": str(notes)}), source="sample", out_dir=tmp_path / "o")
    html = (built.folder / "report.html").read_text()
    assert "<h1>A headline &lt;b&gt;from the editor&lt;/b&gt;</h1>" in html
    assert "Credit <strong>matters</strong>." in html
