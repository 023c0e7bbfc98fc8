"""The ledger's agreement classes (issue 26, the subscribers' third reading): the case for and against against the
tests that make the score, persistence and change words, strength words on their bands, and section titles against
the week's direction. `generator.commentary.agreement` runs them with its other classes (`audit`); split from it to
keep each module readable."""

from __future__ import annotations

import re

from generator.settings import Settings


def _by_section(rendered) -> dict[str, list]:
    out: dict[str, list] = {}
    for r in rendered:
        out.setdefault(r.sentence.section, []).append(r)
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


def audit_ledger(m, rendered, doc=None, settings: Settings | None = None) -> dict[str, list[str]]:
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
    left_out = _zero_rates(m) and any(t.name == "rates" and t.points for t in s.tests)
    has_case = any(r.sentence.key.startswith(("case_for", "case_against")) for r in pos)
    if left_out and has_case and not re.search(r"still counts a point (for|against) small caps in the score", text):
        # the ledger leaves the rates vote out; unless the column says the score counts it, for minus against
        # is not the score a reader sees
        out.append(f"the rates vote left out of the ledger but counted in the score ({s.score:+d}), unsaid")
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
        # the pair's ratio only: the sector map's "still above its 200-day" is a sector's own trend against the
        # large-cap index, which the pair's crossing says nothing about
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


def _bands(m, rendered, sections, settings: Settings | None) -> list[str]:
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


def _titles(m, rendered, settings: Settings | None) -> list[str]:
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
