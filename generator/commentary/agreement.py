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
    found.update(audit_words(m, rendered, settings))
    found.update(audit_ledger(m, rendered, doc, settings))
    found.update(audit_bills(m, rendered, market, settings))
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


# --- issue 26, the subscribers' third reading (session 31: three readers, 21 weeks): sentences that disagree with
# each other or with the gauge, as classes over the whole history.
#
# * ledger           the case for and against small caps against the six tests that make the score: a side's
#                    count word ("a single point", "two things", "none of the six", "three of our six") that is not
#                    the number of tests on that side; a caveat that is not a test (a failed breakout, a stretched
#                    index, the VIX, the yen, credit) inside the case; a neutral test the positioning never names; the
#                    score's gloss calling every test "a point for or against" in a week with a neutral one; a score
#                    whose sign differs from the call without the reason in the same sentence
# * persistence      "remains/still" below (above) the 200-day average the week the ratio crossed it; "already
#                    leaning" the week the call turned toward small caps; the record's comparison words ("beat",
#                    "only matched", "trailed") against the sign of the printed figures
# * strength bands   a strength word past its band (generator/commentary/bands.py): "short of a surge" at a surge;
#                    "busier than usual" or "thin" volume inside the year's middle; a volume reading in a short week
#                    that does not name it; "doing the lifting" on a lag under NARROW_LAG; "not stretched" past the
#                    stretch line either way; "nothing alarming" beside an RSI under LOW_RSI or a deep dip; "a bad week
#                    for stocks" above BAD_WEEK; "parted company" under PARTED; "little changed between the two" the
#                    week the ratio is at a level rare for a year or more
# * titles           a section title whose direction the week's figures contradict ("Rates on the way down" with the
#                    bill up 20 bp or the 10-year up 25 bp this week); a count word's verb that disagrees with it ("one
#                    of our four lookbacks show")

LEDGER_CLASSES = ("ledger", "persistence", "strength bands", "titles")
WORD_CLASSES = WORD_CLASSES + LEDGER_CLASSES
CLASSES = CLASSES + LEDGER_CLASSES

_NUMBER = {"no": 0, "none": 0, "nothing": 0, "one": 1, "single": 1, "two": 2, "three": 3, "four": 4, "five": 5,
           "six": 6}
_CASE_COUNT = re.compile(r"\b(none|one|two|three|four|five|six) of (?:our|the) (?:six|\w+) (?:tests|favour)|"
                         r"rests on (?:a )?(single|two|three|four|five|six) (?:point|things)|"
                         r"\b(one|two|three|four|five|six) (?:things?|points?|tests?) (?:speaks?|argues?|favours?|"
                         r"points?|lean)|\b(single) point|\b(Only one) thing|\b(one) point:|\bnot (one) of the six", re.I)
_CAVEAT = re.compile(r"breakouts have failed|look stretched|signals stress|line our rules treat|yen|carry trades|"
                     r"credit and lower-quality", re.I)
_FOR_OR_AGAINST = re.compile(r"each (?:a point|voting)|for or against|adds a point for small caps or takes one", re.I)
_ZERO_WORD = re.compile(r"\bzero\b|neutral|no clear", re.I)
_VETO = re.compile(r"200-day|second week|unsettled|confirm|history|one rule|held back", re.I)
_REMAINS = re.compile(r"(?:remains|still)\b[^.;:]{0,40}\b(below|above) its 200-day|(?:still) points toward "
                      r"(large|small) caps", re.I)
_ALREADY_LEAN = re.compile(r"already lean", re.I)
_ALREADY_RUNS = re.compile(r"already (?:runs toward|favours) large caps", re.I)
_VS_WORDS = re.compile(r"\b(beaten|beat|only matched|matched|trailed|not beaten|narrowly beat|narrowly trailed)\b",
                       re.I)
_SHORT_OF_SURGE = re.compile(r"short of the surge|not yet a stampede|no sign yet of a crowd", re.I)
_BUSY = re.compile(r"busier than usual|picked up|more activity than usual|drew more trading", re.I)
_THIN = re.compile(r"trading was thin|few investors took part|crowd stayed away|light trading|light volume|"
                   r"few shares changed hands", re.I)
_SHORT_WEEK = re.compile(r"holiday|short(?:ened)? week|half-day|early close|Thanksgiving|Christmas", re.I)
_LIFTING = re.compile(r"doing the lifting|advance itself is narrow", re.I)
_NOT_STRETCHED = re.compile(r"not stretched", re.I)
_NOTHING_ALARMING = re.compile(r"nothing alarming|Nothing on the risk gauges is alarming", re.I)
_BAD_WEEK = re.compile(r"bad week for stocks", re.I)
_PARTED = re.compile(r"parted company", re.I)
_LITTLE_CHANGED = re.compile(r"little changed between the two|quiet week for the pair|pair went nowhere|"
                             r"almost level on the week", re.I)
_EASING_TITLE = re.compile(r"on the way down|easing cycle|getting cheaper", re.I)
_TIGHTENING_TITLE = re.compile(r"on the way up|tightening cycle|getting dearer", re.I)
_MIXED_TITLE = re.compile(r"interrupted|a pause in|(?:higher|lower) this week", re.I)
_ONE_OF_PLURAL = re.compile(r"\bone of (?:our|the) \w+ \w+ (show|are|have|were|point)\b", re.I)
BILL_TITLE_WEEK = 0.002      # the bill's week that contradicts a title's direction (20 bp)
TEN_TITLE_WEEK = 0.0025      # ... or the 10-year's (25 bp)
RARE_YEARS = 1.0             # a ratio level rare for this long is not "little changed"


def audit_ledger(m, rendered, doc=None, settings=None) -> dict[str, list[str]]:
    """The four classes of the third reading (LEDGER_CLASSES) for one issue."""
    sections = _by_section(rendered)
    return {"ledger": _ledger(m, sections), "persistence": _persistence(m, rendered, sections, doc),
            "strength bands": _bands(m, rendered, sections, settings), "titles": _titles(m, rendered, settings)}


def _zero_rates(m) -> bool:
    reg = m.events.regime
    return reg is not None and reg.key in ("zero", "cutting") and reg.level is not None and reg.level < 0.005


def _ledger(m, sections) -> list[str]:
    out = []
    s = m.stance
    pos = sections.get("positioning", ())
    sides = {"for": sum(1 for t in s.tests if t.points > 0), "against": sum(1 for t in s.tests if t.points < 0)}
    neutral = [t.name for t in s.tests if not t.points]
    for r in pos:
        key = r.sentence.key.split("__")[0]
        if not key.startswith(("case_for", "case_against")):
            continue
        side = "for" if key.startswith("case_for") else "against"
        n = sides[side]
        if _zero_rates(m) and any(t.name == "rates" and t.points and (t.points > 0) == (side == "for")
                                  for t in s.tests):
            n -= 1   # the rates vote read the other way at zero short rates: told as left out ("beyond ...")
        said = _CASE_COUNT.search(r.text)
        words = [g for g in (said.groups() if said else ()) if g]
        count = _NUMBER.get(words[0].lower().replace("only ", ""), None) if words else None
        if key.endswith("_none") or key.endswith("_none_rates"):
            count = 0
        if count is not None and count != n:
            out.append(f"the case {side} counts {count}, but {n} test(s) are on that side (score {s.score:+d}): "
                       f"{r.text!r}")
        if _CAVEAT.search(r.text) and not key.endswith("_rates"):
            out.append(f"a caveat that is not a scored test in the case {side}: {r.text!r}")
    text = " ".join(r.text for r in pos)
    if neutral and not re.search(r"neutral|neither side|scores? zero", text, re.I):
        out.append(f"neutral test(s) {neutral} not named (score {s.score:+d})")
    for r in pos:
        if r.sentence.key.startswith("gloss_score") and neutral and _FOR_OR_AGAINST.search(r.text) \
                and not _ZERO_WORD.search(r.text):
            out.append(f"every test 'a point for or against' with {len(neutral)} neutral: {r.text!r}")
    against_call = (s.score > 0 and s.key == "stay_large") or (s.score < 0 and s.key != "stay_large")
    if against_call:
        for r in pos:
            if r.sentence.key.split("__")[0].startswith("stance") and not _VETO.search(r.text):
                out.append(f"a score of {s.score:+d} beside '{s.label}' without its reason: {r.text!r}")
    return out


def _distance_last_week(m) -> float | None:
    """The ratio's distance from its 200-day average at the last session of the week before."""
    import pandas as pd

    ratio, long = m.series.ratio, m.series.sma_long
    both = pd.concat([ratio, long], axis=1, join="inner").dropna()
    if both.empty:
        return None
    monday = pd.Timestamp(m.as_of) - pd.Timedelta(days=pd.Timestamp(m.as_of).weekday())
    before = both[both.index < monday]
    if before.empty:
        return None
    return float(before.iloc[-1, 0] / before.iloc[-1, 1] - 1)


def _persistence(m, rendered, sections, doc) -> list[str]:
    out = []
    last = _distance_last_week(m)
    now = m.ratio.distance_from_sma_long
    for r in rendered:
        # a sector's own ratio "remains above its 200-day" against SPY says nothing of the IWM/SPY ratio's cross
        hit = _REMAINS.search(r.text) if r.sentence.section != "sectors" else None
        if hit and last is not None and now is not None:
            below = (hit.group(1) or "").lower() == "below" or (hit.group(2) or "").lower() == "large"
            if below and last > 0 or not below and last < 0:
                out.append(f"'remains/still' {'below' if below else 'above'} the 200-day the week the ratio crossed "
                           f"(last week {last:+.1%}, now {now:+.1%}): {r.text!r}")
    cross = m.news.items.get("trend_cross") if m.news is not None else None
    if cross is not None and cross.label == "below":
        out += [f"'already runs toward large caps' the week the ratio crossed below its 200-day: {r.text!r}"
                for r in rendered if _ALREADY_RUNS.search(r.text)]
    rec = m.stance_record
    hist = m.stance_history
    prev = hist[-2].key if len(hist) >= 2 else None
    if rec.changed_weeks_ago == 1 and prev == "stay_large":
        out += [f"'already leaning' the week the call turned toward small caps: {r.text!r}" for r in rendered
                if _ALREADY_LEAN.search(r.text)]
    if doc is not None:
        from generator.commentary.claims import lookup

        for r in sections.get("positioning", ()):
            if r.sentence.key.split("__")[0] != "versus":
                continue
            paths = {f.name: f.path for f in r.sentence.facts}
            if "small" not in paths or "large" not in paths:
                continue
            base = paths["small"].rsplit(".", 2)[0]
            shown = {k: round(100 * lookup(doc, p), 1) for k, p in
                     (("small", paths["small"]), ("large", paths["large"]), ("calls", f"{base}.allocation.annualised"))}
            out += _versus_words(r.text, shown)
    return out


def _versus_words(text: str, shown: dict) -> list[str]:
    """The words comparing the calls with holding small (then large) caps, in the order the sentence gives them,
    against the printed annual returns."""
    out = []
    words = [w.lower() for w in _VS_WORDS.findall(text)]
    either = "either side" in text
    sides = ["small", "large"] if not either else ["small", "large"]
    if either and words:
        words = words[:1] * 2
    for side, word in zip(sides, words):
        diff = shown["calls"] - shown[side]
        ok = {"beaten": diff > 0, "beat": diff > 0, "only matched": diff == 0, "matched": diff == 0,
              "trailed": diff < 0, "not beaten": diff <= 0, "narrowly beat": diff > 0, "narrowly trailed": diff < 0}[word]
        if not ok:
            out.append(f"'{word}' {side} caps with the calls at {shown['calls']}% a year against {shown[side]}%: "
                       f"{text!r}")
    return out


def _bands(m, rendered, sections, settings) -> list[str]:
    from generator.commentary.bands import BAD_WEEK, BUSY_RANK, LOW_RSI, NARROW_LAG, PARTED, THIN_RANK, short_week
    from generator.commentary.crowding import VOLUME_SURGE

    out = []
    c = m.crowding
    risks = sections.get("risks", ())
    if c is not None and c.volume_ratio is not None:
        p = c.volume_percentile
        short = short_week(m.as_of, {d.date() for d in m.series.ratio.index[-10:]})
        for r in risks:
            if not r.sentence.key.startswith("volume_"):
                continue
            if _SHORT_OF_SURGE.search(r.text) and c.volume_ratio >= VOLUME_SURGE:
                out.append(f"'short of a surge' at {c.volume_ratio:+.0%}: {r.text!r}")
            if _BUSY.search(r.text) and (p is None or p < BUSY_RANK) and c.volume_ratio < VOLUME_SURGE:
                out.append(f"'busier than usual' at the year's {p if p is not None else float('nan'):.0%}: {r.text!r}")
            if _THIN.search(r.text) and p is not None and p > THIN_RANK:
                out.append(f"thin-volume words at the year's {p:.0%}: {r.text!r}")
            if short and not _SHORT_WEEK.search(" ".join(x.text for x in risks[:risks.index(r) + 1])):
                out.append(f"a volume reading in a {short} week that does not name it: {r.text!r}")
    narrow = m.ratios.get("narrowness")
    lag = narrow.momentum.get("13w") if narrow is not None else None
    for r in rendered:
        if _LIFTING.search(r.text) and (lag is None or lag > -NARROW_LAG):
            out.append(f"'doing the lifting' on a {lag if lag is not None else float('nan'):+.1%} lag: {r.text!r}")
    dist, rsi = m.risk.small_distance_50d, m.risk.small_rsi_14
    line = settings.risk.stretch_from_50d if settings is not None else 0.08
    for r in rendered:
        if _NOT_STRETCHED.search(r.text) and dist is not None and abs(dist) >= line:
            out.append(f"'not stretched' {dist:+.1%} from the 50-day: {r.text!r}")
        if _NOTHING_ALARMING.search(r.text) and ((rsi is not None and rsi < LOW_RSI) or
                                                  (dist is not None and dist <= -line)):
            out.append(f"'nothing alarming' with the RSI at {rsi} and {dist:+.1%} from the 50-day: {r.text!r}")
    large = m.returns.get(m.large, {}).get("1w")
    spread = m.spread.get("1w")
    item = m.news.items.get("ratio_level") if m.news is not None else None
    for r in rendered:
        if _BAD_WEEK.search(r.text) and large is not None and large > BAD_WEEK:
            out.append(f"'a bad week for stocks' at {large:+.1%}: {r.text!r}")
        if _PARTED.search(r.text) and spread is not None and abs(spread) < PARTED:
            out.append(f"'parted company' on {spread:+.1%}: {r.text!r}")
        if _LITTLE_CHANGED.search(r.text) and item is not None and (item.since_years or 0) >= RARE_YEARS:
            out.append(f"'little changed' the week the ratio is at its {item.label} since {item.since}: {r.text!r}")
    return out


def _titles(m, rendered, settings) -> list[str]:
    out = []
    t = settings.tickers if settings is not None else None
    ten = m.levels.get((t.long_yield if t is not None else None) or "^TNX")
    bill = m.levels.get((t.short_yield if t is not None else None) or "^IRX")
    tw = ten.changes.get("1w") if ten is not None else None
    bw = bill.changes.get("1w") if bill is not None else None
    for r in rendered:
        if not r.sentence.key.startswith("heading"):
            continue
        up = (bw is not None and bw >= BILL_TITLE_WEEK) or (tw is not None and tw >= TEN_TITLE_WEEK)
        down = (bw is not None and bw <= -BILL_TITLE_WEEK) or (tw is not None and tw <= -TEN_TITLE_WEEK)
        if _MIXED_TITLE.search(r.text):
            continue   # the title names the week against the cycle
        if _EASING_TITLE.search(r.text) and up:
            out.append(f"a falling-rates title with the bill {bw * 1e4 if bw else 0:+.0f} bp and the 10-year "
                       f"{tw * 1e4 if tw else 0:+.0f} bp this week: {r.text!r}")
        if _TIGHTENING_TITLE.search(r.text) and down:
            out.append(f"a rising-rates title with the bill {bw * 1e4 if bw else 0:+.0f} bp and the 10-year "
                       f"{tw * 1e4 if tw else 0:+.0f} bp this week: {r.text!r}")
    out += [f"'one of ... {hit.group(1)}': {r.text!r}" for r in rendered for hit in (_ONE_OF_PLURAL.search(r.text),)
            if hit]
    return out


# --- issue 26, item 3 ("gauges read together"): short rates read against the week's other gauges ----------------
# * bill floor        tightening or easing read into a bill yield under BILL_FLOOR (0.25%): at the zero floor a few
#                     basis points are noise (2009-03-13: 0.01% to 0.19% read as "policy has begun to tighten")
# * bill flight       a bill fall of BILL_FLIGHT (30 bp) or more in a week the VIX rose, or of fear, read as easing or
#                     an end to tightening (2023-03-17, the SVB week: -51 bp read as "pricing an end to the tightening")
# * horizons          a yield's longer horizon (four, thirteen or twenty-six weeks) told against a larger opposite move
#                     of WEEK_AGAINST (10 bp) or more this week, with the week named neither in it nor before it in
#                     its section (2025-04-11:
#                     "down 28 bp over thirteen weeks, which eases some of the pressure" with the 10-year +51 bp)
# * short-rate bands  "short rates are high" or "held at a high level" for a bill yield under the top HIGH_BAND of
#                     its closes over the ten years to the issue, not a fixed level (2001-11-09: "short rates are high" at 2.72%)
BILL_CLASSES = ("bill floor", "bill flight", "horizons", "short-rate bands")
CLASSES = CLASSES + BILL_CLASSES

BILL_FLOOR = 0.0025      # a bill yield under this is at the zero floor
BILL_FLIGHT = -0.003     # a bill week this low beside a rising VIX (or fear) is a flight into bills
HIGH_BAND = 0.7          # "high" short rates: the bill yield at or above 70% of its closes over BAND_YEARS
BAND_YEARS = 10

_END_TIGHT = re.compile(r"(?<!than )(?<!than about )(?<!not )an end to (?:the )?tightening|expect the tightening to end|"
                        r"tightening (?:has )?peaked|tightening near its end|turn in the rate cycle", re.I)
_POLICY_MOVE = re.compile(r"begun to tighten|policy is tightening|(?<!not )policy (?:is |has been )?easing|"
                          r"shows policy easing|priced in (?:easier|tighter) policy|first move away from free money|"
                          r"lifting off the floor|easy money is no longer|lift-off|" + _END_TIGHT.pattern, re.I)
_HIGH_SHORT = re.compile(r"short rates (?:are |stay |remain )?high|short rates high|held at a high level|"
                         r"high short rates", re.I)
_HORIZON = {"4w": re.compile(r"four weeks|on the month|a month ago", re.I),
            "13w": re.compile(r"thirteen weeks|on the quarter|a quarter ago", re.I),
            "26w": re.compile(r"twenty-six weeks|half-year|six months", re.I)}
_THIS_WEEK = re.compile(r"this week|on the week|the week's|in the week|week alone", re.I)
_RATE_SECTIONS = ("rates", "policy", "junk", "lede", "brief", "headline", "positioning")


def audit_bills(m, rendered, market=None, settings=None) -> dict[str, list[str]]:
    """The four classes of short rates read together (BILL_CLASSES) for one issue."""
    t = settings.tickers if settings is not None else None
    sy = (t.short_yield if t is not None else None) or "^IRX"
    ly = (t.long_yield if t is not None else None) or "^TNX"
    rates = [r for r in rendered if r.sentence.section in _RATE_SECTIONS]
    return {"bill floor": _bill_floor(m, rates, sy), "bill flight": _bill_flight(m, rates, sy),
            "horizons": _horizons(m, rates, (sy, ly)), "short-rate bands": _short_bands(m, rates, sy, market)}


def _bill_floor(m, rates, sy: str) -> list[str]:
    bill = m.levels.get(sy)
    if bill is None or bill.value >= BILL_FLOOR:
        return []
    return [f"a policy move read into a bill yield of {bill.value:.2%} (the zero floor): {r.text!r}" for r in rates
            if _POLICY_MOVE.search(_unquoted(r.text))]


def bill_flight(m, sy: str = "^IRX") -> bool:
    """The bill fell BILL_FLIGHT or more this week while the VIX rose or fear drove the week: a flight into bills."""
    from generator.metrics.regime import FEAR

    bill = m.levels.get(sy)
    week = bill.changes.get("1w") if bill is not None else None
    if week is None or week > BILL_FLIGHT:
        return False
    reg = m.regime
    vix = reg.gauges.vix_change if reg is not None else None
    return (reg is not None and reg.key in FEAR) or (vix is not None and vix > 0)


def _bill_flight(m, rates, sy: str) -> list[str]:
    if not bill_flight(m, sy):
        return []
    week = m.levels[sy].changes["1w"]
    return [f"a {week * 1e4:+.0f} bp bill week with the VIX up (a flight into bills) read as policy: {r.text!r}"
            for r in rates if _EASING.search(_unquoted(r.text)) or _END_TIGHT.search(_unquoted(r.text))]


def _horizons(m, rates, tickers) -> list[str]:
    """A sentence that tells a yield's longer horizon against a larger opposite week of WEEK_AGAINST or more: the week
    must be named in it or before it in its section (both horizons, the week first)."""
    out = []
    for ticker in tickers:
        level = m.levels.get(ticker)
        week = level.changes.get("1w") if level is not None else None
        if week is None or abs(week) < WEEK_AGAINST:
            continue
        against = [h for h in _HORIZON if (level.changes.get(h) or 0) * week < 0 and abs(level.changes[h]) < abs(week)]
        paths = {f"levels.{ticker}.changes.{h}" for h in against}
        if ticker.endswith("IRX"):
            paths |= {mp.EVENTS_REGIME_CHANGE_13W} if "13w" in against else set()
            paths |= {mp.EVENTS_REGIME_CHANGE_26W} if "26w" in against else set()
        named: set[str] = set()
        for r in rates:
            text = _unquoted(r.text)
            if _THIS_WEEK.search(text) and any(x.path == f"levels.{ticker}.changes.1w" or "yield_week" in x.path
                                               for x in (*r.sentence.facts, *r.sentence.claims)):
                named.add(r.sentence.section)
            told = {x.path for x in r.sentence.facts} & paths
            if told and any(_HORIZON[h].search(text) for h in against) and r.sentence.section not in named:
                out.append(f"{ticker}'s longer horizon told against its week of {week * 1e4:+.0f} bp: {r.text!r}")
    return out


def _short_bands(m, rates, sy: str, market) -> list[str]:
    rank = bill_rank(m, sy, market)
    if rank is None or rank >= HIGH_BAND:
        return []
    return [f"'high' short rates with the bill at the {rank:.0%} point of its history: {r.text!r}" for r in rates
            if _HIGH_SHORT.search(_unquoted(r.text))]


def bill_rank(m, sy: str, market) -> float | None:
    """The share of the bill yield's closes over the BAND_YEARS years to the issue's session at or below its last
    close there (0-1), or None."""
    if market is None or sy not in market:
        return None
    import pandas as pd

    quoted = market[sy].quoted
    end = pd.Timestamp(m.as_of)
    quoted = quoted[(quoted.index <= end) & (quoted.index >= end - pd.DateOffset(years=BAND_YEARS))].dropna()
    if quoted.empty:
        return None
    return float((quoted <= quoted.iloc[-1]).mean())
