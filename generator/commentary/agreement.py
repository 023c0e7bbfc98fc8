"""Do the column's sentences agree with each other and with the week? An audit of one rendered issue against
its metrics, for the four classes of issue 26, written from what a reader sees (the words keys and the text)
and the week's own figures rather than from the claims the rules declare, so that it measures the rules
instead of repeating them (tests/test_history.py runs it over every real week; scripts/factcheck_history.py
counts the weeks each class affects).

* contradictions   short rates called rising (falling) when the bill yield fell (rose) this week or did not move
                   that way over four weeks; a yield's quarter told against a week's move of 10 bp or more the
                   other way with nothing in its paragraph about the week; the case counting a rates vote the
                   rates section reads the other way (zero short rates); "the warning signs are few" beside a
                   crowd piling in; the stance "now" cut back when the cut was weeks ago;
* stale horizon    a gauge's week in the top 5% of its own history and against its thirteen-week reading (a
                   sector against the large-cap index; the 10-year yield), with the section not telling the week
                   before the quarter;
* strength words   a mood word on the VIX that its percentile of the year does not back ("stressed", "high",
                   "elevated", "signals stress" under STRESSED_RANK; "low", "only", "complacent" above CALM_RANK);
                   "not changed much", "going nowhere", "steady", "sideways" for a 10-year that moved 10 bp or more
                   over the quarter; tech "tiring" on a four-week move under TECH_TURN;
* false move       a false-move rating in a week with no rally to be false: the call with large caps and the
                   ratio up less than 0.5% this week and over four weeks.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

CLASSES = ("contradictions", "stale horizon", "strength words", "false move")

# The thresholds the column's words must respect (the rules keep their own copies: the audit reads the words).
STRESSED_RANK, CALM_RANK = 0.8, 0.2
RARE_WEEK = 0.95
WEEK_AGAINST = 0.001          # 10 bp
STILL = 0.001                 # "not changed much" only up to 10 bp over thirteen weeks
TECH_TURN = 0.01
SHOWN_ZERO, SHOWN_ZERO_BP = 0.0005, 0.00005
SECTOR_WEEK_FLOOR = 0.02
RALLY = 0.005                 # a rise smaller than this in a week or four is no rally

_RISING = re.compile(r"rising short rates|short rates (?:are |keep )?rising|still edging up|"
                     r"getting dearer at the short end|short rates keep rising", re.I)
_FALLING = re.compile(r"still edging down", re.I)
_HIGH_VIX = re.compile(r"markets are stressed|stressed markets|volatility is elevated|the VIX is high|VIX is high at|"
                       r"at a level that signals stress|At [\d.]+ the VIX is high", re.I)
_LOW_VIX = re.compile(r"the VIX is low|VIX is low at|the VIX is only|At [\d.]+ the VIX is low|"
                      r"paying for protection|VIX of [\d.]+ is low", re.I)
_STILL_WORDS = re.compile(r"not changed much|much as it was|going nowhere|gone nowhere|held roughly steady|"
                          r"barely moved|goes sideways|gone roughly sideways|roughly unchanged|not moving much|"
                          r"is moving much", re.I)
_TIRING = re.compile(r"\btiring\b", re.I)
_FEW = re.compile(r"warning signs (?:of a false move )?are few|few warning signs|warning signs are few", re.I)
_NOW_CUT = re.compile(r"has (?:now )?been cut back", re.I)


def _by_section(rendered) -> dict[str, list]:
    out: dict[str, list] = {}
    for r in rendered:
        out.setdefault(r.sentence.section, []).append(r)
    return out


def audit(m, rendered, doc: Mapping[str, Any], market=None, settings=None) -> dict[str, list[str]]:
    """The issue-26 defects of one issue: {class: [what is wrong]}. `rendered` as the fact-check reads it
    (generator.commentary.factcheck.Rendered), `doc` the week's metrics.json; `market` (cut at the week) and
    `settings` for the sectors' weekly history."""
    found = {c: [] for c in CLASSES}
    sections = _by_section(rendered)
    t = settings.tickers if settings is not None else None
    found["contradictions"] += _contradictions(m, rendered, sections, doc, t)
    found["strength words"] += _strength(m, rendered, sections, t)
    found["false move"] += _false_move(m, sections)
    found["stale horizon"] += _stale(m, sections, market, settings)
    return found


def _contradictions(m, rendered, sections, doc, t) -> list[str]:
    from generator.commentary.factcheck import check_against_week

    out = []
    sy = t.short_yield if t is not None else "^IRX"
    bill = m.levels.get(sy)
    if bill is not None:
        week, month = bill.changes.get("1w"), bill.changes.get("4w")
        for r in rendered:
            if r.sentence.section not in ("junk", "policy", "rates"):
                continue
            if _RISING.search(r.text) and week is not None and month is not None \
                    and (week <= -SHOWN_ZERO_BP or month <= 0):
                out.append(f"short rates rising, but the bill moved {week * 1e4:+.0f} bp this week and "
                           f"{month * 1e4:+.0f} bp over four: {r.text!r}")
            if _FALLING.search(r.text) and week is not None and month is not None \
                    and (week >= SHOWN_ZERO_BP or month >= 0):
                out.append(f"short rates falling, but the bill moved {week * 1e4:+.0f} bp this week and "
                           f"{month * 1e4:+.0f} bp over four: {r.text!r}")
    roles = {"small": m.small, "large": m.large, "short_yield": sy}
    out += [f"a yield's quarter against its week: {detail}: {r.text!r}"
            for r, detail in check_against_week(rendered, roles, doc)]
    zero = m.events.regime is not None and m.events.regime.key in ("zero", "cutting") \
        and m.events.regime.level is not None and m.events.regime.level < 0.005
    for r in sections.get("positioning", ()):
        kinds = {r.sentence.extra.get("a"), r.sentence.extra.get("b")}
        if zero and kinds & {"rates_up_zero", "rates_down_zero"}:
            out.append(f"the case counts a rates vote the rates section reads the other way: {r.text!r}")
    crowd = any(r.sentence.key == "volume_surge_buying" for r in sections.get("risks", ()))
    for r in sections.get("positioning", ()):
        if crowd and _FEW.search(r.text) and not re.search(r"\bbut\b|\bthough\b", r.text):
            out.append(f"'warning signs are few' beside a crowd piling in: {r.text!r}")
        since = m.stance_record.weeks_since_change
        if _NOW_CUT.search(r.text) and since is not None and since >= 2:
            out.append(f"the stance 'has been cut back', but it last changed {since} weeks ago: {r.text!r}")
    return out


def _strength(m, rendered, sections, t) -> list[str]:
    out = []
    pct = m.risk.vix_percentile_1y
    if pct is not None:
        for r in rendered:
            if r.sentence.section in ("headline", "lede", "brief"):
                continue   # another session's sentences
            if _HIGH_VIX.search(r.text) and pct < STRESSED_RANK and "VIX" in r.text + " " + r.sentence.subject \
                    or (_HIGH_VIX.search(r.text) and pct < STRESSED_RANK and "volatility is elevated" in r.text):
                out.append(f"a high-VIX word at the {pct:.0%} percentile: {r.text!r}")
            if _LOW_VIX.search(r.text) and pct > CALM_RANK:
                out.append(f"a low-VIX word at the {pct:.0%} percentile: {r.text!r}")
    ly = t.long_yield if t is not None else "^TNX"
    ten = m.levels.get(ly)
    q = ten.changes.get("13w") if ten is not None else None
    if q is not None and abs(q) > STILL + 1e-12:
        for name in ("rates", "junk"):
            for r in sections.get(name, ()):
                if _STILL_WORDS.search(r.text) and ("10-year" in r.text or "curve" in r.text or
                                                     r.sentence.key.startswith("ten_")):
                    out.append(f"a still-yield word for a {q * 1e4:+.0f} bp quarter: {r.text!r}")
    tech = (t.tech_sector or t.tech) if t is not None else "XLK"
    point = next((p for p in (m.sectors or ()) if p.ticker == tech), None)
    for r in sections.get("sectors", ()):
        if _TIRING.search(r.text) and (point is None or point.momentum is None or point.momentum > -TECH_TURN):
            out.append(f"tech 'tiring' on a {getattr(point, 'momentum', None)} four-week move: {r.text!r}")
    return out


def no_rally(m) -> bool:
    """The call is with large caps and the ratio did not rise by RALLY (a flat week's band) this week or over
    four weeks: no rally to be false."""
    four, week = m.ratio.momentum.get("4w"), m.spread.get("1w")
    return m.stance.key == "stay_large" and (four is None or four < RALLY) and (week is None or week < RALLY)


def _false_move(m, sections) -> list[str]:
    if not no_rally(m):
        return []
    return [f"a false-move rating with no rally to be false: {r.text!r}" for r in sections.get("positioning", ())
            if r.sentence.key.startswith(("risk_", "false_move"))]


def _stale(m, sections, market, settings) -> list[str]:
    out = []
    # the 10-year: a week in the top 5% of its history, against the quarter, must come before the quarter
    item = m.news.items.get("long_yield_week") if m.news is not None else None
    ly = settings.tickers.long_yield if settings is not None else "^TNX"
    ten = m.levels.get(ly)
    q = ten.changes.get("13w") if ten is not None else None
    if item is not None and item.rarity is not None and item.rarity >= RARE_WEEK and q is not None \
            and q * item.value < 0 and abs(item.value) >= WEEK_AGAINST:
        out += _week_first(sections.get("rates", ()), f"levels.{ly}.changes.1w", f"levels.{ly}.changes.13w",
                           "long_yield_week", f"the 10-year's week ({item.value * 1e4:+.0f} bp, rarer than "
                                              f"{item.rarity:.0%})")
    # credit: HYG against IEF
    item = m.news.items.get("credit_week") if m.news is not None else None
    credit = m.ratios.get("credit")
    cq = credit.momentum.get("13w") if credit is not None else None
    if item is not None and item.rarity is not None and item.rarity >= RARE_WEEK and cq is not None \
            and cq * item.value < 0:
        out += _week_first(sections.get("junk", ()), "news.items.credit_week", "ratios.credit.momentum.13w",
                           "credit_week", f"credit's week ({item.value:+.1%}, rarer than {item.rarity:.0%})")
    # the sectors, each against the large-cap index
    if market is not None and settings is not None:
        from generator.metrics.rarity import relative_week_rarity

        session = None
        for t in settings.tickers.sectors:
            if t not in market or m.large not in market:
                continue
            rel = m.relative_to_large.get(t, {})
            week, quarter = rel.get("1w"), rel.get("13w")
            if week is None or quarter is None or week * quarter >= 0 or abs(week) < SECTOR_WEEK_FLOOR:
                continue
            session = session or _session(market, m)
            rarity = relative_week_rarity(market[t].total_return, market[m.large].total_return, session)
            if rarity is None or rarity < RARE_WEEK:
                continue
            told = [r for r in sections.get("sectors", ()) if t in r.text and re.search(r"\bweek\b", r.text)
                    and not re.search(r"four weeks|thirteen weeks|13 weeks|52 weeks", r.text.split(t, 1)[1][:60])]
            # the reading the section leads with: a sentence that gives the sector's thirteen-week standing, or
            # the week's rarest sector move (which a thirteen-week section would otherwise never reach)
            read = any(f"relative_to_large.{t}.13w" in {x.path for x in r.sentence.facts}
                       for r in sections.get("sectors", ()))
            if not told and (read or t == _rarest(m, market, settings, session)):
                out.append(f"{t}'s week against {m.large} ({week:+.1%}, rarer than {rarity:.0%}) runs against its "
                           f"quarter ({quarter:+.1%}) and the sectors section does not tell it")
    return out


def _rarest(m, market, settings, session):
    """The sector with the rarest week against the large-cap index (2 points or more, against its quarter), if
    RARE_WEEK rare."""
    from generator.metrics.rarity import relative_week_rarity

    best = None
    for t in settings.tickers.sectors:
        week, quarter = m.relative_to_large.get(t, {}).get("1w"), m.relative_to_large.get(t, {}).get("13w")
        if t not in market or week is None or quarter is None or abs(week) < SECTOR_WEEK_FLOOR or week * quarter >= 0:
            continue
        rarity = relative_week_rarity(market[t].total_return, market[m.large].total_return, session)
        if rarity is not None and rarity >= RARE_WEEK and (best is None or (rarity, abs(week)) > best[:2]):
            best = (rarity, abs(week), t)
    return best[2] if best else None


def _session(market, m):
    import pandas as pd

    return pd.Timestamp(m.as_of)


def _week_first(rendered, week_path: str, quarter_path: str, news_key: str, what: str) -> list[str]:
    """The week must be told (a figure of it, or the section's news line) at or before the first sentence that
    tells the quarter."""
    for r in rendered:
        paths = {x.path for x in (*r.sentence.facts, *r.sentence.claims)}
        if week_path in paths or news_key in r.sentence.key or any(news_key in p for p in paths) \
                or r.sentence.extra.get("key") == news_key:
            return []
        if quarter_path in paths:
            return [f"{what} runs against the quarter, which the section tells first: {r.text!r}"]
    return []
