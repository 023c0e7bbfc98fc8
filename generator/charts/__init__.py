"""Charts: one function per chart, tidy data + a folder in, a `ChartSpec` out.

Every chart is written twice: SVG (text kept as text, for the PDF) and PNG
(for the web page and email). Output is deterministic: no dates or random ids
in the SVG, so the same data gives the same bytes. A chart whose data is
missing is left out (its section says the data is unavailable).
"""

from __future__ import annotations

from generator.charts.cross import draw_credit_quality, draw_quadrant, draw_rates, draw_risk_panel, draw_sector_bars
from generator.charts.pair import draw_breakouts, draw_period_returns, draw_ratio_history, draw_relative_momentum
from generator.charts.style import ChartOutput, ChartSpec
from generator.data.model import MarketData
from generator.metrics import WeeklyMetrics

__all__ = ["ChartOutput", "ChartSpec", "draw_charts"]


def draw_charts(m: WeeklyMetrics, market: MarketData, settings, ranked_sectors: list[tuple[str, float]],
                out: ChartOutput) -> tuple[ChartSpec, ...]:
    names = (settings.pair.small_name, settings.pair.large_name)
    specs = (
        draw_period_returns(m, names, out),
        draw_rates(m, out),
        draw_ratio_history(m, names, out),
        draw_relative_momentum(m, out),
        draw_breakouts(m, out),
        draw_sector_bars(m, ranked_sectors, out),
        draw_quadrant(m, out),
        draw_credit_quality(m, market, out),
        draw_risk_panel(m, settings, out),
    )
    return tuple(s for s in specs if s is not None)
