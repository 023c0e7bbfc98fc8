"""The forked helper process (generator.parallel) and its use in a parallel build."""

from __future__ import annotations

import multiprocessing
import os
import time

import pytest

from generator.errors import RenderError
from generator.parallel import HelperFailed, helper
from generator.pipeline import build_issue
from generator.render.printer import pdf_printer


def test_steps_report_one_by_one_and_see_the_parents_memory(tmp_path):
    loaded = {"rows": list(range(1000))}  # inherited by the fork, never pickled

    def first():
        return sum(loaded["rows"])

    def second():
        (tmp_path / "done").write_text("yes")
        return "written"

    with helper(first, second) as child:
        assert child.next() == sum(range(1000))
        assert child.next() == "written"
    assert (tmp_path / "done").read_text() == "yes"
    assert not multiprocessing.active_children()


def test_an_expected_error_is_raised_in_the_parent_and_later_steps_do_not_run(tmp_path):
    def broken():
        raise RenderError("chart template missing", "reinstall")

    with pytest.raises(RenderError, match="chart template missing") as caught:
        with helper(broken, lambda: (tmp_path / "late").write_text("x")) as child:
            child.next()
    assert caught.value.hint == "reinstall"
    assert not (tmp_path / "late").exists()


def test_a_bug_comes_back_with_its_traceback():
    def bug():
        return {}["missing"]

    with pytest.raises(HelperFailed, match=r"(?s)KeyError.*missing"):
        with helper(bug) as child:
            child.next()


def test_a_helper_that_dies_is_reported_with_its_exit_code():
    with pytest.raises(HelperFailed, match=r"died \(exit code 7\)"):
        with helper(lambda: os._exit(7)) as child:
            child.next()


def test_leaving_the_block_early_stops_a_running_helper(tmp_path):
    def slow():
        time.sleep(30)
        (tmp_path / "late").write_text("x")

    start = time.monotonic()
    with pytest.raises(ValueError):
        with helper(slow):
            raise ValueError("the parent failed first")
    assert time.monotonic() - start < 10 and not multiprocessing.active_children()
    assert not (tmp_path / "late").exists()


def test_a_chart_failing_in_the_helper_fails_the_build_cleanly(settings, tmp_path, monkeypatch):
    import generator.charts as charts

    def broken(*args, **kwargs):
        raise RenderError("risk panel could not be drawn")

    monkeypatch.setattr(charts, "draw_risk_panel", broken)  # one of the helper's charts
    with pytest.raises(RenderError, match="risk panel could not be drawn"):
        with pdf_printer() as printer:
            build_issue(settings, source="sample", out_dir=tmp_path, printer=printer)
    assert list(tmp_path.iterdir()) == []
    assert not multiprocessing.active_children()
