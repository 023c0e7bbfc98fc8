"""Charts: one function per chart, tidy data + a folder in, a `ChartSpec` out.

Every chart is written twice: SVG (text kept as text, for the PDF) and PNG
(for the web page and email). Output is deterministic: no dates or random ids
in the SVG, so the same data gives the same bytes. A chart whose data is
missing is left out (its section says the data is unavailable).
"""

from __future__ import annotations

from typing import Callable, Collection

from generator.charts.breadth import draw_breadth_history
from generator.charts.cross import draw_credit_quality, draw_quadrant, draw_rates, draw_risk_panel, draw_sector_bars
from generator.charts.pair import draw_breakouts, draw_period_returns, draw_ratio_history, draw_relative_momentum
from generator.charts.style import ChartOutput, ChartSpec, phone
from generator.charts.track import draw_track_record
from generator.data.model import MarketData
from generator.metrics import WeeklyMetrics
from generator.settings import Settings

__all__ = ["CHARTS", "EMAIL_CHARTS", "ChartOutput", "ChartSpec", "draw_charts", "draw_phone_charts"]


CHARTS = ("period_returns", "breadth_history", "rates", "ratio_history", "relative_momentum", "breakouts", "sector_bars",
          "sector_quadrant", "credit_quality", "risk_panel", "track_record")


def draw_charts(m: WeeklyMetrics, market: MarketData, settings: Settings, out: ChartOutput,
                which: Collection[str] = CHARTS) -> tuple[ChartSpec, ...]:
    """Draw the charts named in `which` (all by default), in CHARTS order."""
    names = (settings.pair.small_name, settings.pair.large_name)
    drawers: dict[str, Callable[[], ChartSpec | None]] = {
        "period_returns": lambda: draw_period_returns(m, names, out),
        "breadth_history": lambda: draw_breadth_history(m, market, settings, out),
        "rates": lambda: draw_rates(m, out),
        "ratio_history": lambda: draw_ratio_history(m, names, out),
        "relative_momentum": lambda: draw_relative_momentum(m, out),
        "breakouts": lambda: draw_breakouts(m, out),
        "sector_bars": lambda: draw_sector_bars(m, out),
        "sector_quadrant": lambda: draw_quadrant(m, out),
        "credit_quality": lambda: draw_credit_quality(m, market, out),
        "risk_panel": lambda: draw_risk_panel(m, settings, out),
        "track_record": lambda: draw_track_record(m, names, out),
    }
    specs = (drawers[name]() for name in CHARTS if name in which)
    return tuple(spec for spec in specs if spec is not None)


# The charts the email sends (drawn for a phone); the site and the HTML report have a phone version of every chart.
EMAIL_CHARTS = ("period_returns", "ratio_history")


def draw_phone_charts(m: WeeklyMetrics, market: MarketData, settings: Settings, folder,
                      which: Collection[str] = CHARTS) -> tuple[ChartSpec, ...]:
    """The charts again for a phone (narrower, larger type): <id>.phone.png beside the page's, no SVG (print never
    shows them). A phone reader gets every chart this way: the site and the report in a <picture>, the email
    the EMAIL_CHARTS."""
    with phone():
        return draw_charts(m, market, settings, ChartOutput(folder, suffix=".phone", png_only=True), which)
