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

from generator.commentary.ledger_audit import LEDGER_CLASSES, _by_section, audit_ledger
from generator.metrics import paths as mp

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
    found.update(audit_words(m, rendered, settings))
    found.update(audit_ledger(m, rendered, doc, settings))
    found.update(audit_bills(m, rendered, market, settings))
    found.update(audit_fit(doc, rendered, settings))
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
        out += _week_first(sections.get("junk", ()), mp.NEWS_ITEMS_CREDIT_WEEK, mp.RATIOS_CREDIT_MOMENTUM_13W,
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


# --- issue 26 parts 3 and 4, the readers' second round: sentences that agree with each other and with the week's
# other gauges. Seven classes, each read from the words a reader sees and the week's own figures.
#
# * stance words     a cut's words ("scaled back", "trim") for a change to large caps; the case or any line saying
#                    "lean in further" / "add" while the advice this week is to hold or trim; the lean's age told
#                    (weeks on the small-cap side) beside the call's run (weeks at the label) with the brief's run not
#                    naming which is which; a headline saying an index rose (fell) the week it fell (rose)
# * empty lists      a clause on "the case against" or "the warnings" beside a case against that is empty, or "no
#                    warning" beside a false-move warning the stance raised
# * new high         "since the peak" / "since the high" in a week the ratio closed at its peak
# * labels           "uptrend" with the ratio down over 52 weeks and nothing said of it; "has crossed above" months
#                    after the cross; "doing its part" the week credit fell; "feel safe" / "quiet week on the risk
#                    gauges" with the VIX over its year's median, up 10% on the week or in a bear market;
#                    "unremarkable" for a VIX over its 70th percentile; "poor week" for a relative week under 1%;
#                    "winning week" when small caps fell
# * rates together   falling yields read as relief or easing in a week small caps fell 2% or more (a growth scare);
#                    "easing" of policy in a week of a VIX spike and a falling bill (a flight to safety) or with the
#                    10-year up 25 bp or more over the quarter; "dearer" refinancing with the 10-year down 25 bp or
#                    more over four weeks
# * carry threat     carry-trade threat words ("forced selling", "unwind", "snap back") with the yen's week (a rally)
#                    under the top 5% of its history
# * units            a change in a share of the universe (percentage points) printed as "%"; "all-time" or "record"
#                    on less than RECORD_YEARS of the subject's history

WORD_CLASSES = ("stance words", "empty lists", "new high", "labels", "rates together", "carry threat", "units")
CLASSES = CLASSES + WORD_CLASSES

CROSS_WEEKS = 4          # "has crossed above" only this many weeks after the cross
FEEL_SAFE_RANK = 0.5     # "investors feel safe", "quiet" only with the VIX at or under its year's median
VIX_WEEK_RISE = 0.10     # ... and not up this much on the week
BEAR = -0.20             # ... and no index this far under its 52-week high
UNREMARKABLE_RANK = 0.7  # "unremarkable" only for a VIX at or under its 70th percentile
POOR_WEEK = 0.01         # "a poor week" needs a relative week this bad
SCARE_DROP = -0.02       # small caps down this much beside falling yields: a growth scare, not relief
STEEP = 0.0025           # a 10-year move this large (25 bp) decides the rates reading
CARRY_RARE = 0.95        # carry-trade threat words need the yen's rally this week this rare
RECORD_YEARS_AUDIT = 10

_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")
_CUT_WORDS = re.compile(r"scaled back|cut back|\btrim|pare back|ease back|smaller bet|lighter lean|a notch", re.I)
_ADD_WORDS = re.compile(r"lean in further|add(?:ing)? (?:in steps|gradually|further)|still add\b|adding further",
                        re.I)
_CONDITIONAL = re.compile(r"\b(once|if|until|unless|would need|needs|only when)\b", re.I)
_AGAINST_REF = re.compile(r"case against (?:is why|changes)|the warnings argue|warnings argue|what the case against",
                          re.I)
_NO_WARNING = re.compile(r"no warning", re.I)
_SINCE_PEAK = re.compile(r"since the (?:peak|high)|(?:after|on from) (?:its|the) (?:high|peak)", re.I)
_UPTREND = re.compile(r"\buptrend\b", re.I)
_CROSSED = re.compile(r"has crossed above|crossed above the 200-day", re.I)
_DOING_PART = re.compile(r"doing its part", re.I)
_FEEL_SAFE = re.compile(r"feel(?:s)? safe|quiet week (?:on the risk|for the VIX)|VIX had a quiet", re.I)
_UNREMARKABLE_VIX = re.compile(r"reading is unremarkable", re.I)
_POOR = re.compile(r"\bpoor week\b", re.I)
_WINNING = re.compile(r"winning week", re.I)
_RELIEF = re.compile(r"(?<!rather than )(?<!not )(?<!without )(?<!no )\brelief\b|easing what|easing some of the "
                     r"pressure|taking some of the pressure off|helps? small caps|(?<!not )a tailwind", re.I)
_EASING = re.compile(r"policy is easing|policy easing|policy has been easing|shows policy easing|"
                     r"priced in easier policy", re.I)
_DEARER = re.compile(r"refinancing is getting dearer|dearer refinancing|refinancing dearer|pushing up what less "
                     r"creditworthy", re.I)
_CARRY = re.compile(r"forced selling|force[sd]? (?:it|them|leveraged carry trades)? ?to (?:unwind|sell)|"
                    r"forced to unwind|snap back|carry-trade (?:jitters|worries)|"
                    r"carry trades? (?:on watch|under)", re.I)
_POINTS_AS_PCT = re.compile(r"(?:risen|fallen|rose|fell|up|down|grown|shrunk|gained|lost) (?:by )?[\d.]+% of the "
                            r"(?:universe|index|members|stocks)", re.I)
_RECORD = re.compile(r"all-time|\ba record\b|record high|record low|record close", re.I)


def audit_words(m, rendered, settings=None) -> dict[str, list[str]]:
    """The seven word classes of issue 26's second reading (WORD_CLASSES) for one issue."""
    sections = _by_section(rendered)
    found = {c: [] for c in WORD_CLASSES}
    found["stance words"] = _stance_words(m, rendered, sections)
    found["empty lists"] = _empty_lists(m, sections)
    found["new high"] = _new_high(m, rendered, sections)
    found["labels"] = _labels(m, rendered, sections, settings)
    found["rates together"] = _rates_together(m, rendered, settings)
    found["carry threat"] = _carry(m, rendered)
    found["units"] = _units(m, rendered)
    return found


def _unquoted(text: str) -> str:
    return _QUOTED.sub("", text)


def _advice(sections) -> str:
    return next((r.sentence.key.split("__")[0] for r in sections.get("positioning", ())
                 if r.sentence.key.startswith("advice_")), "")


def adds(advice: str) -> bool:
    """Whether the advice this week is to add to a lean (start it, or add to it): every other advice holds, trims,
    waits or steps back."""
    return advice in ("advice_start_lean", "advice_lean_further", "advice_lean_further_vix")


def _stance_words(m, rendered, sections) -> list[str]:
    out = []
    rec = m.stance_record
    head = sections.get("headline", ())
    if rec.changed_weeks_ago == 1 and rec.changed_to == "stay_large":
        out += [f"a cut's words for a turn to large caps: {r.text!r}" for r in head if _CUT_WORDS.search(r.text)]
    advice = _advice(sections)
    if advice and not adds(advice):
        from generator.metrics.stance import LABELS

        for r in rendered:
            if r.sentence.section in ("positioning", "lede", "brief", "headline"):
                text = _unquoted(r.text)
                for name in LABELS.values():   # the call's name is a name, not this week's action
                    text = text.replace(name, "")
                if _ADD_WORDS.search(text) and not _CONDITIONAL.search(text):
                    out.append(f"adding words beside the advice {advice}: {r.text!r}")
        brief = [r for r in sections.get("brief", ()) if r.sentence.key.split("__")[0] == "call"]
        if m.stance.key == "lean_further" and brief and not re.search(r"\b(hold|trim|keep)", brief[0].text):
            out.append(f"the call's name 'Lean in further' with no word of the advice {advice}: {brief[0].text!r}")
    side, run = rec.weeks_on_side, rec.weeks_unchanged
    aged = {"changed_cut", "false_move_established", "rules_turned"}
    if m.stance.key != "stay_large" and side != run and any(r.sentence.key.split("__")[0] in aged for r in rendered):
        brief = [r for r in sections.get("brief", ()) if r.sentence.key.split("__")[0] == "call"]
        if brief and not re.search(r"toward small caps|on the small-cap side|lean(?:ing|ed)? ", brief[0].text):
            out.append(f"the lean's age ({side} weeks) and the call's run ({run}) told apart without names: "
                       f"{brief[0].text!r}")
    s1, l1 = m.returns.get(m.small, {}).get("1w"), m.returns.get(m.large, {}).get("1w")
    for r in head:
        if s1 is not None and s1 < 0 and re.search(r"small caps (?:rise|rally|climb|gain(?! ground| on))", r.text,
                                                   re.I):
            out.append(f"the headline has small caps rising in a week they fell {s1:+.1%}: {r.text!r}")
        if l1 is not None and l1 < 0 and re.search(r"faster than large caps|large caps (?:rise|rally|gain|race)",
                                                   r.text, re.I):
            out.append(f"the headline has large caps rising in a week they fell {l1:+.1%}: {r.text!r}")
    return out


def _empty_lists(m, sections) -> list[str]:
    out = []
    pos = sections.get("positioning", ())
    empty = [r for r in pos if r.sentence.key.startswith("case_against_none")]
    if empty:
        out += [f"the case against is empty, yet: {r.text!r}" for r in pos if _AGAINST_REF.search(r.text)
                and not r.sentence.key.startswith("case_against_none")]
        if m.stance.risk_flags:
            out += [f"'no warning' beside the warnings {list(m.stance.risk_flags)}: {r.text!r}" for r in empty
                    if _NO_WARNING.search(r.text)]
    return out


def _new_high(m, rendered, sections) -> list[str]:
    dd = m.ratio.drawdown_from_peak
    if dd is None or dd < 0:
        return []
    return [f"'since the peak' in a week the ratio is at its peak: {r.text!r}" for r in rendered
            if (r.sentence.section == "long-view" or "ratio" in r.text) and _SINCE_PEAK.search(r.text)]


def weeks_since_cross(m) -> int | None:
    """Weeks since the ratio's 50-day average last crossed above its 200-day (None when it is not above, or has been
    for all the history we hold)."""
    s, l = m.series.sma_short, m.series.sma_long
    import pandas as pd

    both = pd.concat([s, l], axis=1, join="inner").dropna()
    if both.empty or not both.iloc[-1, 0] > both.iloc[-1, 1]:
        return None
    below = both.index[both.iloc[:, 0] <= both.iloc[:, 1]]
    if len(below) == 0:
        return None
    return int((both.index[-1] - below[-1]).days // 7)


def _labels(m, rendered, sections, settings) -> list[str]:
    out = []
    long_view = sections.get("long-view", ())
    y = m.ratio.momentum.get("52w")
    for r in long_view:
        if _UPTREND.search(r.text) and y is not None and y <= -SHOWN_ZERO and not re.search(r"52 weeks|a year|the year",
                                                                                  r.text):
            out.append(f"'uptrend' with the ratio {y:+.1%} over 52 weeks: {r.text!r}")
        if _CROSSED.search(r.text):
            ago = weeks_since_cross(m)
            if ago is not None and ago > CROSS_WEEKS:
                out.append(f"'has crossed above' {ago} weeks after the cross: {r.text!r}")
    t = settings.tickers if settings is not None else None
    hy = (t.high_yield if t is not None else None) or "HYG"
    hyw = m.returns.get(hy, {}).get("1w")
    for r in sections.get("junk", ()):
        if _DOING_PART.search(r.text) and hyw is not None and hyw < 0:
            out.append(f"'doing its part' the week {hy} fell {hyw:+.1%}: {r.text!r}")
    pct = m.risk.vix_percentile_1y
    vix = m.levels.get((t.volatility if t is not None else None) or "^VIX")
    vw = vix.changes.get("1w") if vix is not None else None
    bear = any(v is not None and v <= BEAR for v in (m.events.small_from_52w_high, m.events.large_from_52w_high))
    uneasy = (pct is not None and pct > FEEL_SAFE_RANK) or (vw is not None and vw > VIX_WEEK_RISE) or bear
    for r in rendered:
        if _FEEL_SAFE.search(r.text) and uneasy:
            out.append(f"a calm word with the VIX at the {pct or 0:.0%} percentile, {vw or 0:+.0%} on the week"
                       f"{', in a bear market' if bear else ''}: {r.text!r}")
        if _UNREMARKABLE_VIX.search(r.text) and pct is not None and pct > UNREMARKABLE_RANK:
            out.append(f"'unremarkable' for a VIX at the {pct:.0%} percentile: {r.text!r}")
    spread = m.spread.get("1w")
    s1 = m.returns.get(m.small, {}).get("1w")
    for r in rendered:
        if _POOR.search(r.text) and spread is not None and spread > -POOR_WEEK:
            out.append(f"'poor week' for a {spread:+.1%} relative week: {r.text!r}")
        if _WINNING.search(r.text) and s1 is not None and s1 < 0:
            out.append(f"'winning week' with small caps {s1:+.1%}: {r.text!r}")
    return out


def _rates_together(m, rendered, settings) -> list[str]:
    out = []
    t = settings.tickers if settings is not None else None
    ten = m.levels.get((t.long_yield if t is not None else None) or "^TNX")
    bill = m.levels.get((t.short_yield if t is not None else None) or "^IRX")
    tw, t4, tq = ((ten.changes.get(k) for k in ("1w", "4w", "13w")) if ten is not None else (None, None, None))
    bw = bill.changes.get("1w") if bill is not None else None
    s1 = m.returns.get(m.small, {}).get("1w")
    for r in rendered:
        if r.sentence.section not in ("rates", "policy", "junk", "lede", "brief", "headline", "positioning"):
            continue
        text = r.text
        if _RELIEF.search(text) and tw is not None and tw < 0 and s1 is not None and s1 <= SCARE_DROP \
                and r.sentence.section in ("rates", "junk", "policy"):
            out.append(f"falling yields read as relief in a {s1:+.1%} week for small caps (a growth scare): "
                       f"{text!r}")
        if _EASING.search(text):
            if m.events.vix_spike and bw is not None and bw < 0:
                out.append(f"'easing' in a VIX spike with the bill {bw * 1e4:+.0f} bp (a flight to safety): "
                           f"{text!r}")
            if tq is not None and tq >= STEEP and "10-year" not in text:
                out.append(f"'easing' with the 10-year {tq * 1e4:+.0f} bp over the quarter: {text!r}")
        if _DEARER.search(text) and t4 is not None and t4 <= -STEEP:
            out.append(f"'dearer' with the 10-year {t4 * 1e4:+.0f} bp over four weeks: {text!r}")
    # the quarter told alone when the four weeks ran the other way, by more (and 10 bp or more): no sentence of the
    # issue gives the four weeks
    ly = (t.long_yield if t is not None else None) or "^TNX"
    if tq is not None and t4 is not None and tq * t4 < 0 and abs(t4) > abs(tq) and abs(t4) >= WEEK_AGAINST:
        paths = [{x.path for x in r.sentence.facts} for r in rendered]
        if not any(f"levels.{ly}.changes.4w" in p for p in paths):
            told = [r for r, p in zip(rendered, paths) if f"levels.{ly}.changes.13w" in p]
            out += [f"the 10-year's quarter ({tq * 1e4:+.0f} bp) told alone against four weeks of {t4 * 1e4:+.0f} bp: "
                    f"{told[0].text!r}"] if told else []
    return out


def yen_threat(m) -> bool:
    """The yen rallied this week by a move in the top (1 - CARRY_RARE) of its own history, on a quote that is not
    stale: carry-trade threat words have a condition."""
    item = m.news.items.get("fx_week") if m.news is not None else None
    return item is not None and item.rarity is not None and item.rarity >= CARRY_RARE and item.label != "stale" \
        and item.value < 0


def _carry(m, rendered) -> list[str]:
    if yen_threat(m):
        return []
    return [f"carry-trade words in a headline of a plain yen week: {r.text!r}" for r in rendered
            if r.sentence.section == "headline" and re.search(r"carry|crowded trades|borrowed-money", r.text, re.I)] + [f"carry-trade threat words in a plain yen week: {r.text!r}" for r in rendered
            if not r.sentence.key.startswith("gloss_") and r.sentence.section != "headline" and _CARRY.search(r.text)
            and re.search(r"carry|yen", r.text)]


def _units(m, rendered) -> list[str]:
    out = [f"percentage points printed as '%': {r.text!r}" for r in rendered if _POINTS_AS_PCT.search(r.text)]
    starts = [d for d in (m.ratio.start, m.events.large_start) if d is not None]
    if starts:
        first = min(starts)
        years = (m.as_of - first).days / 365.25
        if years < RECORD_YEARS_AUDIT:
            out += [f"'record' on {years:.1f} years of history: {r.text!r}" for r in rendered
                    if _RECORD.search(r.text) and "since" not in r.text]
    return out


WORD_CLASSES = WORD_CLASSES + LEDGER_CLASSES
CLASSES = CLASSES + LEDGER_CLASSES


# The short-rate classes read this module's patterns (`_EASING`, `_unquoted`), so they are imported last, once those
# exist.
from generator.commentary.rates_audit import BILL_CLASSES, audit_bills  # noqa: E402

CLASSES = CLASSES + BILL_CLASSES

from generator.commentary.fit_audit import FIT_CLASSES, audit_fit  # noqa: E402

CLASSES = CLASSES + FIT_CLASSES
