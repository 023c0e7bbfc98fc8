"""Risks: the week's VIX spike and yen moves, the VIX's level against fixed thresholds and its own year,
the yen's trend, how stretched small caps are, and crowding."""

from __future__ import annotations

from generator.commentary.claims import (Claim, Fact, Paragraph, Sentence, at_extreme, at_least, at_most, is_,
                                         less_than, more_than, positive, sign_of, within)
from generator.commentary.crowding import crowding_paragraph
from generator.commentary.rules import BIG_MARKET_DAY, SHOWN_ZERO, _Rules, sense
from generator.metrics.regime import SETTLED, UNEASY, all_but

# A weekly USD/JPY fall at least this large is "sharp".
SHARP_YEN = -0.025
# USD/JPY this far above its 200-day average is a stretched carry position.
FX_STRETCHED = 0.05
# A VIX percentile this close to the top (or bottom) prints as "100%" (or "0%"): say "almost every day".
ALMOST_ALL = 0.995
# "Nothing alarming" only with the VIX below this percentile of its year and small caps not down this much.
QUIET_RANK, QUIET_DROP = 0.8, 0.04


def section(r: _Rules) -> tuple[Paragraph, ...]:
    m, rs, ev = r.m, r.settings.risk, r.m.events
    risk = m.risk
    vix, fx = r.t.volatility or "^VIX", r.t.fx or "JPY=X"
    say = lambda key, subjects, facts=(), claims=(), **x: r.say("risks", key, subjects, facts, claims, **x)  # noqa
    paragraphs = []
    if risk.vix_level is None and risk.fx_level is None:
        paragraphs.append((say("risks_unavailable", "risks", kind="note"),))
    else:
        from generator.commentary.argument import bridge_risks

        out: list[Sentence] = [bridge_risks(r)]
        vix_fact = Fact("vix", "risk.vix_level", vix, "level")
        yen_peak = ev.fx_from_peak is not None and ev.fx_from_peak <= rs.yen_from_peak
        # What happened inside the week comes first: a Friday close can hide it.
        if ev.vix_spike:
            friday = ev.vix_high_date == m.as_of
            out.append(say("vix_spike_friday" if friday else "vix_spike", vix,
                           (Fact("high", "events.vix_high", vix, "level"),
                            Fact("day", "events.vix_high_date", vix, "date"), vix_fact,
                            Fact("before", "events.vix_previous_close", vix, "level")),
                           [is_("events.vix_spike", True, vix, "spike", +1)]
                           + ([is_("events.vix_high_date", m.as_of.isoformat(), vix, "day")] if friday else
                              [Claim("risk.vix_level", "<", None, vix, "close", 0, "events.vix_high")])))
        if risk.yen_rally:
            sharp = risk.fx_week <= SHARP_YEN
            out.append(say("yen_rally_sharp" if sharp else "yen_rally", (fx, "yen"),
                           (Fact("move", "risk.fx_week", fx, "pct"),),
                           [at_most("risk.fx_week", SHARP_YEN if sharp else rs.yen_rally_week, fx, "week"),
                            at_most("risk.fx_week", rs.yen_rally_week, "yen", "week", +1)]))
        if yen_peak:
            larger = risk.yen_rally and ev.fx_from_peak < risk.fx_week
            fading = risk.fx_week is not None and risk.fx_week > 0
            out.append(say("yen_from_peak_larger" if larger else "yen_from_peak_fading" if fading else "yen_from_peak",
                           (fx, "yen"),
                           (Fact("move", "events.fx_from_peak", fx, "pct"),
                            Fact("day", "events.fx_peak_date", fx, "date"), Fact("peak", "events.fx_peak_4w", fx,
                                                                                 "level")),
                           [at_most("events.fx_from_peak", rs.yen_from_peak, fx, "peak"),
                            at_most("events.fx_from_peak", rs.yen_from_peak, "yen", "peak", +1)]
                           + ([Claim("events.fx_from_peak", "<", None, fx, "peak", 0, "risk.fx_week")] if larger
                              else [])
                           + ([positive("risk.fx_week", fx, "week"), Claim("risk.fx_week", ">", 0.0, "yen", "week",
                                                                            -1)] if fading else [])))
        if risk.yen_rally or yen_peak:
            out.append(say("carry_unwind", "carry trades", optional=2))
        out += _vix_level(r, vix_fact, vix, fx)
        if risk.fx_week is not None and not risk.yen_rally:
            out.append(say("fx_week" if abs(risk.fx_week) >= SHOWN_ZERO else "fx_week_flat", fx,
                           (Fact("move", "risk.fx_week", fx, "pct"),),
                           [sign_of("risk.fx_week", risk.fx_week, fx, "week", SHOWN_ZERO)] if risk.fx_week else [],
                           optional=2))
        if risk.fx_distance_200d is not None:
            d = risk.fx_distance_200d
            named = not out or out[-1].subject != fx
            out.append(say(f"fx_trend{'_stretched' if d > FX_STRETCHED else ''}_{'named' if named else 'it'}", fx,
                           (Fact("distance", "risk.fx_distance_200d", fx, "pct"),
                            Fact("vol", "risk.fx_vol_20d", fx, "pct")),
                           [sign_of("risk.fx_distance_200d", d, fx, "trend", SHOWN_ZERO)] +
                           ([more_than("risk.fx_distance_200d", FX_STRETCHED, fx, "trend")] if d > FX_STRETCHED
                            else []),
                           side=sense(d, SHOWN_ZERO), optional=2))
        paragraphs.append(tuple(out))
    if risk.small_rsi_14 is not None and risk.small_distance_50d is not None:
        small = r.small
        facts = (Fact("distance", "risk.small_distance_50d", small, "pct"),
                 Fact("rsi", "risk.small_rsi_14", small, "level"))
        d = risk.small_distance_50d
        side = sign_of("risk.small_distance_50d", d, small, "short run", SHOWN_ZERO)
        if risk.stretched:
            paragraphs.append((say("stretched", small, facts, [side, is_("risk.stretched", True, small, "stretch",
                                                                         +1)], side=sense(d, SHOWN_ZERO)),))
        elif risk.small_rsi_14 < 100 - rs.rsi_stretched or (d <= -rs.stretch_from_50d and risk.small_rsi_14 < 40):
            # far below the 50-day is not "oversold" once a bounce has lifted the RSI back toward the middle
            paragraphs.append((say("oversold", small, facts, [side, is_("risk.stretched", False, small, "stretch")],
                                   side=sense(d, SHOWN_ZERO)),))
        else:
            paragraphs.append((say("not_stretched", small, facts, [side, is_("risk.stretched", False, small,
                                                                             "stretch")], side=sense(d, SHOWN_ZERO),
                                   optional=2),))
    paragraphs += [p for p in (crowding_paragraph(r),) if p]
    return tuple(paragraphs)


def _vix_level(r: _Rules, vix_fact: Fact, vix: str, fx: str) -> list[Sentence]:
    """The VIX's level, read against fixed thresholds and against its own past year; when the two
    readings disagree, one sentence says both, so no two sentences contradict each other."""
    m, rs, ev = r.m, r.settings.risk, r.m.events
    risk = m.risk
    say = lambda key, subjects, facts=(), claims=(), **x: r.say("risks", key, subjects, facts, claims, **x)  # noqa
    if risk.vix_level is None:
        return []
    p = risk.vix_percentile_1y
    rank = (Fact("share", "risk.vix_percentile_1y", vix, "pct"),
            Fact("share_lower", "risk.vix_percentile_1y", vix, "pct", "complement"), vix_fact)
    high_rank = lambda topic: at_least("risk.vix_percentile_1y", 0.5, vix, topic, +1)  # noqa: E731
    low_rank = lambda topic: less_than("risk.vix_percentile_1y", 0.5, vix, topic, -1)  # noqa: E731
    if risk.vix_level >= rs.vix_stressed:
        level = at_least("risk.vix_level", rs.vix_stressed, vix, "level", +1)
        if p is not None and p < 0.5:
            return [say("vix_stressed_but_lower", vix, rank, [level, low_rank("rank 1y")])]
        out = [say("vix_stressed", vix, (vix_fact,), [level])]
        if p is not None and p >= 1:
            out.append(say("vix_rank_top_that", vix, rank, [at_extreme(at_least("risk.vix_percentile_1y", 1, vix,
                                                                                "level"))]))
        elif p is not None and p >= ALMOST_ALL:
            # "higher than on 100% of days" would be false: a higher close exists, the share just rounds up
            out.append(say("vix_rank_almost_top_that", vix, rank, [at_least("risk.vix_percentile_1y", ALMOST_ALL, vix,
                                                                            "level"),
                                                                   less_than("risk.vix_percentile_1y", 1, vix,
                                                                             "rank top", 0)]))
        elif p is not None:
            out.append(say("vix_rank_higher_that", vix, rank, [high_rank("level")]))
        return out
    if risk.vix_level < rs.vix_calm:
        level = less_than("risk.vix_level", rs.vix_calm, vix, "level", -1)
        if p is not None and p >= 0.5:
            return [say("vix_calm_but_higher", vix, rank, [level, high_rank("rank 1y")])]
        if r.regime in SETTLED or r.regime is None:
            out = [say("vix_complacent", vix, (vix_fact,), [level], regimes=SETTLED)]  # "calm can be a risk"
        else:
            # a low VIX in a week of fear or just after a scare is not complacency: calm can end fast
            out = [say("vix_low_uneasy", vix, (vix_fact,), [level], regimes=all_but(*SETTLED),
                       when="this week" if r.regime in UNEASY else "recent weeks")]
        if p is not None and p <= 1 - ALMOST_ALL:
            out.append(say("vix_rank_almost_bottom_that", vix, rank, [at_most("risk.vix_percentile_1y",
                                                                              1 - ALMOST_ALL, vix, "level")]))
        elif p is not None:
            out.append(say("vix_rank_lower_that", vix, rank, [low_rank("level")]))
        return out
    out = []
    small_week = m.returns[r.small].get("1w")
    # "Nothing alarming" needs every gauge quiet: no spike, no yen move, a VIX not high for its year, no
    # market-wide stress and no small-cap rout (the week of SVB's failure had a VIX under 25).
    quiet = not ev.vix_spike and (ev.vix_high is None or ev.vix_high < rs.vix_stressed) and not risk.yen_rally \
        and (ev.fx_from_peak is None or ev.fx_from_peak > rs.yen_from_peak) and not ev.market_stress \
        and (p is None or p < QUIET_RANK) and (small_week is None or small_week > -QUIET_DROP) \
        and (ev.large_day_move is None or abs(ev.large_day_move) < BIG_MARKET_DAY)
    if quiet and r.regime not in UNEASY:
        out.append(say("nothing_alarming", ("risks", vix, fx, r.small, r.large), (), [
            is_("events.vix_spike", False, vix, "spike"), is_("risk.yen_rally", False, fx, "week"),
            is_("events.market_stress", False, "risks", "stress")] +
            ([less_than("risk.vix_percentile_1y", QUIET_RANK, vix, "rank", 0)] if p is not None else []) +
            ([more_than(f"returns.{r.small}.1w", -QUIET_DROP, r.small, "rout", 0)] if small_week is not None else []) +
            (list(within("events.large_day_move", BIG_MARKET_DAY, r.large, "big day")) if ev.large_day_move is not None
             else []) +
            ([Claim("events.fx_from_peak", ">", rs.yen_from_peak, fx, "peak", 0)] if ev.fx_from_peak is not None
             else []) +
            ([Claim("events.vix_high", "<", rs.vix_stressed, vix, "level", 0)] if ev.vix_high is not None else []),
            regimes=all_but(*UNEASY)))
    if p is not None and ALMOST_ALL <= p < 1:
        out.append(say("vix_rank_almost_top_named", vix, rank, [at_least("risk.vix_percentile_1y", ALMOST_ALL, vix,
                                                                         "level"),
                                                                less_than("risk.vix_percentile_1y", 1, vix, "rank top",
                                                                          0)]))
    elif p is not None and p >= 1:
        out.append(say("vix_rank_top_named", vix, rank, [at_extreme(at_least("risk.vix_percentile_1y", 1, vix,
                                                                             "level"))]))
    elif p is not None and p <= 1 - ALMOST_ALL:
        out.append(say("vix_rank_almost_bottom_named", vix, rank, [at_most("risk.vix_percentile_1y", 1 - ALMOST_ALL,
                                                                           vix, "level")]))
    elif p is not None:
        out.append(say(f"vix_rank_{'higher' if p >= 0.5 else 'lower'}_named", vix, rank,
                       [high_rank("level") if p >= 0.5 else low_rank("level")]))
    else:
        out.append(say("vix_level_named", vix, (vix_fact,)))
    return out
