"""The fixed scenario behind the golden HTML: the embedded sample at 2024-07-12,
with an editor's note, rendered without chart images (their ids stand in)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from generator.commentary.words import previous_headline, write_words
from generator.data import load_prices
from generator.metrics import compute_metrics
from generator.notes import load_note
from generator.pipeline import cut_at, pick_session
from generator.render.context import ChartView, build_context
from generator.render.environment import make_environment
from generator.render.html import render_html
from generator.settings import load_settings

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "report-2024-07-12.html"
CHART_IDS = ("period_returns", "breadth_history", "rates", "ratio_history", "relative_momentum", "breakouts", "sector_bars",
             "sector_quadrant", "credit_quality", "risk_panel")


def render_scenario() -> str:
    settings = load_settings(HERE.parent / "fixtures" / "settings.yaml")
    market = load_prices(settings, "sample")
    session = pick_session(market, settings, date(2024, 7, 12))
    env = make_environment()
    before = previous_headline(market, settings, env, session)
    market = cut_at(market, session)
    m = compute_metrics(market, settings, session)
    note = load_note(HERE / "notes", m.as_of)
    c, w, _ = write_words(m, market, settings, env, note=note, previous_headline=before)
    charts = {i: ChartView(i, f"charts/{i}.png", f"[alt text of {i}]", f"[caption of {i}]") for i in CHART_IDS}
    return render_html(env, build_context(settings, market, m, c, w, charts, note), medium="screen")
