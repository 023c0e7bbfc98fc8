"""`capweekly preview` against its real server: pages, the reload stream, re-rendering on edits, warnings.

Timing is not asserted here (scripts/bench_preview.py measures it); each wait has a generous ceiling.
"""

from __future__ import annotations

import http.client
import re
import json
import threading
import time

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.preview import Preview, note_warnings, serve

import pandas as pd


@pytest.fixture(scope="module")
def running(tmp_path_factory):
    folder = tmp_path_factory.mktemp("writer") / "letter"
    assert CliRunner().invoke(main, ["init", str(folder)]).exit_code == 0
    preview = Preview(folder / "settings.yaml", source="sample")
    urls = []
    thread = threading.Thread(target=serve, args=(preview, "127.0.0.1", 0, urls.append), daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while not urls and time.monotonic() < deadline and thread.is_alive():
        time.sleep(0.1)
    assert urls, "the preview did not start"
    yield folder, preview, int(urls[0].rsplit(":", 1)[1].strip("/"))
    preview.server.shutdown()
    thread.join(timeout=10)
    assert not preview.folder.exists()  # its temporary files are removed


def get(port: int, path: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path)
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, body.decode(errors="replace")


def wait_for_version(port: int, after: int, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = json.loads(get(port, "/status")[1])
        if status["version"] > after:
            return status
        time.sleep(0.05)
    raise AssertionError(f"no re-render after version {after}")


def test_pages_panel_and_reload_script(running):
    folder, preview, port = running
    code, report = get(port, "/")
    assert code == 200 and "SAMPLE DATA" in report and "An example editor" in report
    assert 'id="capweekly-preview"' in report and 'new EventSource("/events")' in report
    assert report.index('id="capweekly-preview"') < report.rindex("</body>")
    code, email = get(port, "/email")
    assert code == 200 and "<table" in email and f"http://127.0.0.1:{port}/issues/2025-10-31/charts/" in email
    chart = re.search(r"/issues/2025-10-31/charts/[a-z_.]+\.png", email).group(0)
    assert get(port, chart)[0] == 200  # the email's charts are served by the preview
    code, text = get(port, "/email.txt")
    assert code == 200 and text.startswith("Subject: [SAMPLE DATA] ")
    assert get(port, "/report.pdf")[0] == 404  # only with --pdf
    assert get(port, "/charts/../settings.yaml")[0] == 404
    assert not (folder / "reports").exists()  # a preview writes no issue


def test_a_note_edit_reaches_an_open_event_stream_and_the_page(running):
    folder, preview, port = running
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/events")
    stream = conn.getresponse()
    assert stream.getheader("Content-Type") == "text/event-stream"
    first = int(stream.fp.readline().decode().removeprefix("data: "))
    stream.fp.readline()
    note = folder / "notes" / "2025-10-31.md"
    note.write_text(note.read_text() + "\nThe editor adds: the quokka paragraph.\n")
    line = stream.fp.readline().decode()
    conn.close()
    assert line.startswith("data: ") and int(line[6:]) > first
    assert "the quokka paragraph" in get(port, "/")[1]


def test_warnings_for_a_holiday_note_and_a_broken_note(running):
    folder, preview, port = running
    before = json.loads(get(port, "/status")[1])["version"]
    # 2025-10-25 is a Saturday: the week's issue is dated Friday 2025-10-24.
    (folder / "notes" / "2025-10-25.md").write_text("A note under the wrong date.\n")
    status = wait_for_version(port, before)
    assert any("2025-10-25.md: matches no issue" in w and "rename it 2025-10-24.md" in w for w in status["warnings"])
    assert "rename it 2025-10-24.md" in get(port, "/")[1]
    note = folder / "notes" / "2025-10-31.md"
    good = note.read_text()
    note.write_text(good + "\n## positionning\nA typo in a section name.\n")
    status = wait_for_version(port, status["version"])
    assert "unknown section 'positionning'" in status["error"]
    page = get(port, "/")[1]
    assert "rebuild failed" in page and "the quokka paragraph" in page  # the last good page, with the error
    note.write_text(good)
    status = wait_for_version(port, status["version"])
    assert status["error"] == ""


def test_a_template_override_with_a_wrong_number_is_flagged_in_the_panel(running):
    from generator.render.environment import builtin_templates_dir

    folder, preview, port = running
    before = json.loads(get(port, "/status")[1])
    assert before["flags"] == []
    words = folder / "templates" / "words"
    words.mkdir(parents=True, exist_ok=True)
    lede = (builtin_templates_dir() / "words" / "lede.html").read_text()
    assert lede.count("{{ f.spread | pp }}") >= 3
    (words / "lede.html").write_text(lede.replace("{{ f.spread | pp }}", "42.0 percentage points"))
    status = wait_for_version(port, before["version"])
    assert any(f["class"] == "number" and f["section"] == "lede" and "42.0 percentage points" in f["sentence"]
               for f in status["flags"]), status["flags"]
    assert "fact-check [number] lede" in get(port, "/")[1]
    (words / "lede.html").unlink()
    status = wait_for_version(port, status["version"])
    assert status["flags"] == []


def test_a_settings_edit_rebuilds_and_names_a_missing_optional_ticker(running):
    folder, preview, port = running
    before = json.loads(get(port, "/status")[1])["version"]
    path = folder / "settings.yaml"
    path.write_text(path.read_text().replace("quality: IJR ", "quality: IJRR"))
    status = wait_for_version(port, before, timeout=120)
    assert any(w.startswith("tickers.quality: IJRR has no data") for w in status["warnings"]), status


def test_good_friday_note_is_named_for_thursday(tmp_path):
    sessions = pd.bdate_range("2021-03-22", "2021-04-09").drop(pd.Timestamp("2021-04-02"))
    for name in ("2021-04-02.md", "2021-04-01.md", "2021-03-26.md", "draft.md", "2031-01-03.md"):
        (tmp_path / name).write_text("x\n")
    warnings = note_warnings(tmp_path, sessions)
    assert len(warnings) == 2
    assert "2021-04-02.md: matches no issue (Friday 2021-04-02 is not the week's last session); the week's issue " \
           "is 2021-04-01: rename it 2021-04-01.md" in warnings[0]
    assert "draft.md: not named YYYY-MM-DD.md" in warnings[1]


def test_build_names_a_note_dated_inside_the_issues_week(tmp_path):
    from datetime import date

    from generator.preview import week_note_warnings

    for name in ("2021-04-02.md", "2021-04-01.md", "2021-03-26.md"):
        (tmp_path / name).write_text("x\n")
    assert week_note_warnings(tmp_path, date(2021, 4, 1)) == [
        f"{tmp_path / '2021-04-02.md'}: matches no issue: this week's issue is dated 2021-04-01, its last session "
        "(rename the note 2021-04-01.md)"]
    assert week_note_warnings(tmp_path, date(2021, 3, 26)) == []
