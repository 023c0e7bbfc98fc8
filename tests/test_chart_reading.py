"""Charts a reader can read: legends off the data, quadrant labels that never collide, phone charts' type."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from PIL import Image

from generator.charts.cross import place_labels
from generator.charts.pair import draw_period_returns
from generator.charts.style import PHONE_WIDTH_IN, PNG_DPI, ChartOutput, phone, shown_type_px, style
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
    plt.close(fig)


def test_phone_charts_are_narrow_with_type_for_a_phone(tmp_path):
    with phone():
        spec = draw_period_returns(_week(1.0), NAMES, ChartOutput(tmp_path, suffix=".phone", png_only=True))
    assert spec.png.name == "period_returns.phone.png" and not spec.svg.exists()
    width, _ = Image.open(spec.png).size
    assert width == round(PHONE_WIDTH_IN * PNG_DPI)
    # Shown 343 px wide (a 375 px phone less the page's padding), the smallest type is >= 11 px.
    assert shown_type_px(spec.png, 343) >= 11


@pytest.fixture(scope="module")
def real(settings, market_dir):
    from generator.data import load_prices

    return load_prices(settings, "csv", market_dir)


# Weeks across the real history: the first year of data, the 2008 crash, a calm year, the 2020 crash, the last.
WEEKS = [date(2002, 3, 15), date(2008, 10, 10), date(2013, 6, 21), date(2020, 3, 20), None]


@pytest.mark.parametrize("as_of", WEEKS, ids=[str(w or "latest") for w in WEEKS])
def test_every_chart_has_a_phone_version_readable_at_375_px(settings, real, as_of, tmp_path):
    """Every chart the week has (the page's PNGs), drawn again for a phone: 3.4 in wide, and its smallest type,
    ticks and legends and notes included, 11 px or more shown 343 px wide; the page's charts, read the same way
    at the page's width, are what a phone would otherwise show."""
    from generator.charts import draw_charts, draw_phone_charts
    from generator.commentary.words import write_words
    from generator.metrics import compute_metrics
    from generator.pipeline import cut_at, pick_session
    from generator.render.environment import make_environment

    session = pick_session(real, settings, as_of)
    market = cut_at(real, session)
    m = compute_metrics(market, settings, session)
    commentary, _, _ = write_words(m, market, settings, make_environment(None))
    page = draw_charts(m, market, settings, ChartOutput(tmp_path, png_only=True))
    phones = draw_phone_charts(m, market, settings, tmp_path)
    assert [s.id for s in phones] == [s.id for s in page] and len(page) >= 8
    for spec in phones:
        assert spec.png.name == f"{spec.id}.phone.png" and Image.open(spec.png).width == round(PHONE_WIDTH_IN * PNG_DPI)
        assert shown_type_px(spec.png, 343) >= 11, spec.id
    assert min(shown_type_px(s.png, 343) for s in page) < 8  # what a phone showed before: the page's chart, shrunk
