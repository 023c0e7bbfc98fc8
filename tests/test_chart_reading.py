"""Charts a reader can read: legends off the data, quadrant labels that never collide, phone charts' type."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from PIL import Image

from generator.charts.cross import SECTOR_NAMES, place_labels
from generator.charts.pair import draw_period_returns
from generator.charts.style import PHONE_FONT_PT, PHONE_WIDTH_IN, PNG_DPI, ChartOutput, phone, style
from generator.metrics import PERIODS

NAMES = ("the Russell 2000 (IWM)", "the S&P 500 (SPY)")


def _week(sign: float) -> SimpleNamespace:
    small = {p: sign * (0.05 + 0.04 * i) for i, p in enumerate(PERIODS)}
    large = {p: sign * (0.08 + 0.05 * i) for i, p in enumerate(PERIODS)}
    return SimpleNamespace(small="IWM", large="SPY", as_of=date(2008, 10, 10), returns={"IWM": small, "SPY": large})


@pytest.mark.parametrize("sign", [-1.0, 1.0], ids=["all-negative", "all-positive"])
def test_the_period_returns_legend_never_covers_a_bar(sign, tmp_path, monkeypatch):
    import matplotlib.pyplot as plt

    figures = []
    monkeypatch.setattr("generator.charts.pair.save", lambda fig, out, name: (figures.append(fig), (None, None))[1])
    draw_period_returns(_week(sign), NAMES, ChartOutput(tmp_path))
    fig = figures[0]
    renderer = fig.canvas.get_renderer()
    legend = fig.legends[0].get_window_extent(renderer)
    bars = [patch.get_window_extent(renderer) for patch in fig.axes[0].patches]
    assert len(bars) == 2 * len(PERIODS)
    assert not any(legend.overlaps(bar) for bar in bars)
    assert not legend.overlaps(fig.axes[0].get_window_extent(renderer))  # under the plot, not in it
    plt.close(fig)


def test_quadrant_labels_do_not_collide_even_when_points_crowd():
    import matplotlib.pyplot as plt

    points = [(-5.6, -0.7, "XLI Industrials"), (-6.8, -1.4, "XLV Health care"), (-6.2, -1.0, "XLF Financials"),
              (-9.9, 0.1, "XLE Energy"), (-4.2, 3.9, "XLY Consumer disc."), (3.4, -0.6, "XLK Technology")]
    with plt.rc_context(style()):
        fig, ax = plt.subplots(figsize=(6.8, 3.9))
        ax.set_xlim(-15, 15)
        ax.set_ylim(-12, 12)
        ax.scatter([x for x, _, _ in points], [y for _, y, _ in points])
        texts = place_labels(ax, points)
        renderer = fig.canvas.get_renderer()
        boxes = [t.get_window_extent(renderer) for t in texts]
    assert [t.get_text() for t in texts] == [label for _, _, label in points]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.overlaps(b), (a, b)
    assert SECTOR_NAMES["XLK"] == "Technology"
    plt.close(fig)


def test_phone_charts_are_narrow_with_type_for_a_phone(tmp_path):
    with phone():
        spec = draw_period_returns(_week(1.0), NAMES, ChartOutput(tmp_path, suffix=".phone", png_only=True))
    assert spec.png.name == "period_returns.phone.png" and not spec.svg.exists()
    width, _ = Image.open(spec.png).size
    assert width == round(PHONE_WIDTH_IN * PNG_DPI)
    # Shown 343 px wide (a 375 px phone less the email's padding), the smallest type ('small') is >= 11 px.
    assert PHONE_FONT_PT * 0.833 / 72 * PNG_DPI * 343 / width >= 11
