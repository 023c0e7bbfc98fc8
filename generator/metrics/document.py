"""metrics.json: the documented contract other tools and the site read.

The schema is described key by key in docs/metrics-schema.md; a test checks
that every key written here is documented there and the other way round.
Bump SCHEMA_VERSION on any change that renames or removes a key.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from generator import __version__
from generator.data.model import MarketData
from generator.metrics import WeeklyMetrics
from generator.settings import Settings

SCHEMA_VERSION = 3


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "items"):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _universe(universe, market: MarketData) -> dict[str, Any]:
    """Where the breadth universe came from, and how much of it the data has."""
    members = market.members
    if members is None or not len(members.index):
        span = {"with_data": len(members.tickers) if members is not None else 0, "first": None, "last": None}
    else:
        span = {"with_data": len(members.tickers), "first": members.index[0].date(),
                "last": members.index[-1].date()}
    return {"origin": universe.origin, "as_of": universe.as_of, "kind": universe.kind, "size": universe.size, **span}


def _breadth(metrics: WeeklyMetrics, settings: Settings, market: MarketData) -> dict[str, Any] | None:
    if metrics.breadth is None:
        return None
    universe, members = settings.universe(), market.members
    assert members is not None, "breadth is measured on members' prices"
    return {**asdict(metrics.breadth), "reference_year": settings.lookbacks.reference_high_year,
            "universe": {"origin": universe.origin, "as_of": universe.as_of, "size": universe.size,
                         "missing": list(members.missing), "rejected": list(members.rejected)}}


def _track(metrics: WeeklyMetrics) -> dict[str, Any] | None:
    """The stance's track record as known this week (generator/metrics/track.py)."""
    from generator.metrics.track import (COIN_WIDTH, HORIZONS, LATELY_WEEKS, METHOD, RECENT_WEEKS, STATE_BAND,
                                         STATE_HORIZON, WEIGHTS, Z)

    t = metrics.track
    if t is None:
        return None
    return {"method": METHOD, "horizons_weeks": list(HORIZONS), "recent_weeks": RECENT_WEEKS,
            "lately_weeks": LATELY_WEEKS, "confidence": {"z": Z, "coin_width": COIN_WIDTH},
            "small_weight": dict(WEIGHTS), "all": asdict(t.all), "recent": asdict(t.recent),
            "lately": asdict(t.lately),
            "latest": {h: asdict(c) if c is not None else None for h, c in t.latest.items()},
            "state_band": STATE_BAND, "state_horizon_weeks": STATE_HORIZON,
            "by_state": ({state: {k: asdict(h) for k, h in by.items()} for state, by in t.by_state.items()}
                         if t.by_state is not None else None)}


def _news(metrics: WeeklyMetrics) -> dict[str, Any] | None:
    """The week's candidate facts by key, and their ranking (generator/metrics/news/)."""
    from generator.metrics.news import (BEAR, BIG_SESSION, CORRECTION, MULTI_YEAR, NEWSWORTHY, SINCE_YEARS, VIX_JUMP,
                                        YIELD_MOVE, years_rare)

    news = metrics.news
    if news is None:
        return None
    rarest = news.rarest()
    return {"ranked": list(news.ranked), "items": {k: asdict(i) for k, i in news.items.items()},
            "rarest": rarest.key if rarest is not None else None,
            "rarest_years": years_rare(rarest) if rarest is not None else None,
            "bar": {"big_session": BIG_SESSION, "vix_jump": VIX_JUMP, "yield_move": YIELD_MOVE,
                    "since_years": SINCE_YEARS, "newsworthy": NEWSWORTHY, "correction": CORRECTION, "bear": BEAR,
                    "multi_year": MULTI_YEAR}}


def metrics_document(metrics: WeeklyMetrics, market: MarketData, settings: Settings, headline: str = "") -> dict[str, Any]:
    doc = {
        "schema_version": SCHEMA_VERSION,
        "generator": f"capweekly {__version__}",
        "as_of": metrics.as_of,
        "week_start": metrics.week_start,
        "source": market.source,
        "headline": headline,
        "provenance": {
            "description": market.description,
            "retrieved_at": market.retrieved_at,
            "data_sha256": market.fingerprint(),
            "tickers": {t: {"first": h.first, "last": h.last} for t, h in sorted(market.histories.items())},
            "missing": sorted(market.missing),
            "expected_session": market.expected_session,
            "universe": _universe(settings.universe(), market),
        },
        **_measures(metrics, settings),
        "breadth": _breadth(metrics, settings, market),
    }
    return _plain(doc)


def measures_view(metrics: WeeklyMetrics, settings: Settings) -> dict[str, Any]:
    """The week's measures as metrics.json holds them (its paths and values), without the provenance and the
    breadth universe that need the price data: what the commentary's decision tables test their claims on."""
    return _plain({"as_of": metrics.as_of, **_measures(metrics, settings)})


def _measures(metrics: WeeklyMetrics, settings: Settings) -> dict[str, Any]:
    lb = settings.lookbacks
    r = metrics.ratio
    stance = metrics.stance
    return {
        "pair": {"small": metrics.small, "large": metrics.large,
                 "small_name": settings.pair.small_name, "large_name": settings.pair.large_name},
        "returns": metrics.returns,
        "return_bases": metrics.return_bases,
        "spread": metrics.spread,
        "ratio": {
            "value": r.value,
            f"sma{lb.sma_short}": r.sma_short,
            f"sma{lb.sma_long}": r.sma_long,
            "sma_short": r.sma_short,
            "sma_long": r.sma_long,
            "sma_windows": {"short": lb.sma_short, "long": lb.sma_long},
            "distance_from_sma_long": r.distance_from_sma_long,
            "peak_date": r.peak_date,
            "peak_value": r.peak_value,
            "drawdown_from_peak": r.drawdown_from_peak,
            "years_since_peak": r.years_since_peak,
            "recent_high": r.recent_high, "recent_high_date": r.recent_high_date,
            "recent_high_to_peak": r.recent_high_to_peak,
            "start": r.start,
            "momentum": r.momentum,
            "momentum_up": sum(1 for v in r.momentum.values() if v is not None and v > 0),
            "momentum_known": sum(1 for v in r.momentum.values() if v is not None),
        },
        "reference_high": asdict(metrics.reference_high) if metrics.reference_high else None,
        "stance": {
            "key": stance.key, "label": stance.label, "score": stance.score,
            "max_score": stance.max_score, "false_move_risk": stance.false_move_risk,
            "risk_level": stance.risk_level, "risk_flags": list(stance.risk_flags),
            "tests": [asdict(t) for t in stance.tests],
            # the ledger the positioning prints: tests for, against and neutral (for - against = score)
            "ledger": {"for": sum(1 for t in stance.tests if t.points > 0),
                       "against": sum(1 for t in stance.tests if t.points < 0),
                       "neutral": sum(1 for t in stance.tests if not t.points)},
            "history": [asdict(w) for w in metrics.stance_history],
            "raw_key": metrics.stance_history[-1].raw_key,
            "held_back": stance.held_back,
            "record": asdict(metrics.stance_record),
        },
        "events": asdict(metrics.events),
        "news": _news(metrics),
        "regime": ({"key": metrics.regime.key, "decided_by": list(metrics.regime.decided_by),
                    "gauges": asdict(metrics.regime.gauges)} if metrics.regime else None),
        "rate_sensitivity": asdict(metrics.rate_sensitivity) if metrics.rate_sensitivity else None,
        "sectors": {p.ticker: {"trend": p.trend, "momentum": p.momentum, "quadrant": p.quadrant,
                               "tail": [{"date": d, "trend": t, "momentum": m} for d, t, m in p.tail]}
                    for p in metrics.sectors},
        "leadership": {lead.ticker: lead.momentum for lead in metrics.leadership},
        # the VIX's fixed lines (settings.risk), so a sentence that reads the VIX against one prints the line itself
        "risk": {**asdict(metrics.risk), "vix_calm_line": settings.risk.vix_calm,
                 "vix_warning_line": settings.risk.vix_stressed},
        "crowding": asdict(metrics.crowding) if metrics.crowding else None,
        "breakouts": {
            "since": metrics.breakouts.since, "limit_weeks": metrics.breakouts.limit_weeks,
            "failed_count": len(metrics.breakouts.failed),
            "sustained_count": len(metrics.breakouts.sustained),
            "episodes": len(metrics.breakouts.failed) + len(metrics.breakouts.sustained),
            "failed": [asdict(b) for b in metrics.breakouts.failed],
            "sustained": [asdict(b) for b in metrics.breakouts.sustained],
            "current": asdict(metrics.breakouts.current) if metrics.breakouts.current else None,
            "above_since_peak": metrics.breakouts.above_since_peak,
        },
        "analogue": asdict(metrics.analogue) if metrics.analogue else None,
        "track_record": _track(metrics),
        "relative_to_large": metrics.relative_to_large,
        "sector_week_rarity": metrics.sector_week_rarity or {},
        "levels": {t: {"value": lv.value, "changes": lv.changes, "absolute_changes": lv.absolute}
                   for t, lv in metrics.levels.items()},
        "ratios": {k: {"numerator": v.numerator, "denominator": v.denominator, "value": v.value,
                       "momentum": v.momentum} for k, v in metrics.ratios.items()},
    }


def dump_metrics(doc: dict[str, Any]) -> str:
    # Sorted keys and a fixed float repr keep the file byte-for-byte reproducible.
    return json.dumps(doc, indent=2, sort_keys=True, allow_nan=False) + "\n"
