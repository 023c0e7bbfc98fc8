"""The PDF printer process that `capweekly build` runs beside the build (generator.render.printer)."""

from __future__ import annotations

import multiprocessing
import os
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from generator.errors import RenderError
from generator.pipeline import build_issue
from generator.render.printer import PrinterFailed, pdf_printer


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


@pytest.fixture(scope="module")
def sequential(built_issue) -> Path:
    return built_issue()  # built without the printer, alone in its folder


def test_a_build_with_the_printer_writes_the_same_files(settings, sequential, tmp_path):
    with pdf_printer() as printer:
        built = build_issue(settings, source="sample", out_dir=tmp_path, printer=printer)
    assert "pdf" in built.timings and "charts png" in built.timings  # the printer really did the PDF
    parallel, alone = _files(built.folder), _files(sequential)
    assert parallel.keys() == alone.keys()
    for name in parallel:
        if name != "report.pdf":
            assert parallel[name] == alone[name], name
    assert _pdf_pages(built.folder / "report.pdf") == _pdf_pages(sequential / "report.pdf")
    assert not multiprocessing.active_children()


def test_a_printer_error_fails_the_build_and_keeps_the_previous_issue(settings, sequential, tmp_path,
                                                                       monkeypatch):
    import generator.render.pdf as pdf

    out = tmp_path / "reports"
    good = out / sequential.name
    shutil.copytree(sequential, good)  # the same week, already built
    before = _files(good)

    def broken(html, base_dir, target, *policy):
        raise RenderError("print stylesheet broke", "check report.css")

    monkeypatch.setattr(pdf, "write_pdf", broken)  # before the fork, so the printer has it too
    with pytest.raises(RenderError, match="print stylesheet broke"):
        with pdf_printer() as printer:
            build_issue(settings, source="sample", out_dir=out, printer=printer)
    assert _files(good) == before
    assert sorted(p.name for p in out.iterdir()) == [good.name]  # no staging folder left
    assert not multiprocessing.active_children()


def test_a_printer_that_dies_is_reported_with_its_exit_code(settings, tmp_path, monkeypatch):
    import generator.render.pdf as pdf

    monkeypatch.setattr(pdf, "write_pdf", lambda *args: os._exit(3))
    with pytest.raises(PrinterFailed, match=r"died \(exit code 3\)"):
        with pdf_printer() as printer:
            build_issue(settings, source="sample", out_dir=tmp_path, printer=printer)
    assert list(tmp_path.iterdir()) == []


def test_a_failing_build_stops_the_printer_before_cleaning_up(settings, tmp_path, monkeypatch):
    import generator.pipeline as pipeline

    def broken_email(*args, **kwargs):
        raise RenderError("email template broke")

    monkeypatch.setattr(pipeline, "render_email", broken_email)  # fails after the PDF job was handed over
    with pytest.raises(RenderError, match="email template broke"):
        with pdf_printer() as printer:
            build_issue(settings, source="sample", out_dir=tmp_path, printer=printer)
    assert list(tmp_path.iterdir()) == []
    assert not multiprocessing.active_children()


def test_a_printer_never_given_a_job_just_exits(settings):
    with pdf_printer():
        pass
    assert not multiprocessing.active_children()
