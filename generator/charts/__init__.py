"""Charts: one function per chart, tidy data + a folder in, a `ChartSpec` out.

Every chart is written twice: SVG (text kept as text, for the PDF) and PNG
(for the web page and email). Output is deterministic: no dates or random ids
in the SVG, so the same data gives the same bytes. A chart whose data is
missing is left out (its section says the data is unavailable).
"""

from __future__ import annotations

from pathlib import Path

from generator.charts.cross import draw_credit_quality, draw_quadrant, draw_rates, draw_risk_panel, draw_sector_bars
from generator.charts.pair import draw_breakouts, draw_period_returns, draw_ratio_history, draw_relative_momentum
from generator.charts.style import ChartSpec
from generator.data.model import MarketData
from generator.metrics import WeeklyMetrics

__all__ = ["ChartSpec", "draw_charts"]


def draw_charts(m: WeeklyMetrics, market: MarketData, settings, ranked_sectors: list[tuple[str, float]],
                folder: Path) -> tuple[ChartSpec, ...]:
    names = (settings.pair.small_name, settings.pair.large_name)
    specs = (
        draw_period_returns(m, names, folder),
        draw_rates(m, folder),
        draw_ratio_history(m, names, folder),
        draw_relative_momentum(m, folder),
        draw_breakouts(m, folder),
        draw_sector_bars(m, ranked_sectors, folder),
        draw_quadrant(m, folder),
        draw_credit_quality(m, market, folder),
        draw_risk_panel(m, settings, folder),
    )
    return tuple(s for s in specs if s is not None)
