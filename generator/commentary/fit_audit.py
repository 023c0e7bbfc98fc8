"""Gauges read together (issue 26, items 3 and 4): an interpretive or strength word the week's own gauges contradict.

Subscribers met, in nearly every week they read, a reading that one more gauge of the same week denies: "a week of big
moves" at +1.6%, "heavy trading without a big move" beside the widest small-cap lead since 2010, "small caps suffer
first" in a week they fell less, "not a low reading" for a VIX at the 35th percentile of its year, "a rally this rare"
for a week that ended lower, "the large-cap advance" in a month large caps fell 7%, "the trend favours small caps" on a
0.1% margin, "growth hopes" moving yields in a week yields rose as stocks fell and the VIX climbed, high-yield bonds
"gaining" on Treasuries when only Treasuries moved. Each word below has the condition a reader holds it to, read from
the week's figures (never from the claims the rules declare, so the audit measures the rules instead of repeating
them); `generator.commentary.agreement.audit` runs it as the class "gauge fit", tests/test_history.py over every real
week.

| words (any phrasing)                                  | fits only when                                           |
|-------------------------------------------------------|----------------------------------------------------------|
| "a week of big moves", "moved far", "eventful week"   | a session of BIG_SESSION or a week of BIG_SESSION in either index, a spread of MOVE_SPREAD, or a session or week rare for its history (RARE_MOVES; `eventful`) |
| "without a big move", "rather than rushing for the door" | none of those (`quiet`)                               |
| "suffer first" (stressed markets)                     | small caps behind large caps on the week                 |
| "only N% of trading days"                             | N under 50                                               |
| "not a low reading" / "not a high reading" (VIX)      | the VIX at or above (at or below) the middle of its year |
| "a rally (fall) this rare"                            | the index of the rare fact up (down) RALLY_WEEK on the week |
| "the large-cap advance", "doing the lifting"          | large caps up over thirteen weeks, not down PULLBACK over four |
| "the trend favours small caps"                        | the ratio TREND_MARGIN or more above its 200-day average |
| "growth hopes", "hope for growth"                     | not a week the 10-year rose WEEK_RISE or more while large caps fell and the VIX rose |
| "protection is dear"                                  | the hedge's cost at or above DEAR_RANK of its year       |
| junk bonds gained/lost on Treasuries this week        | the junk leg moved at least ONE_LEG of the Treasury leg, or the words name Treasuries as the mover |
| the 10-year's fall read for small caps and as a growth worry in one issue | never both (one reading per gauge per issue) |
"""

from __future__ import annotations

import re
from typing import Mapping

from generator.commentary.bands import RARE_MOVES, TREND_MARGIN
from generator.commentary.claims import MISSING, lookup
from generator.metrics import paths as mp
from generator.metrics.regime import BIG_SESSION

FIT_CLASSES = ("gauge fit",)

MOVE_SPREAD = 0.02       # a relative week this wide (the regime's rate-move spread) is a big move for the pair
WEEK_RISE = 0.001        # a 10-year up 10 bp on the week ...
DEAR_RANK = 0.8          # "dear" protection: the top fifth of its year (the VIX's STRESSED_RANK)
ONE_LEG = 1 / 3
PULLBACK = -0.01         # a large-cap month this bad is no "advance" (sections/divergence.py keeps its own copy)          # a pair move whose junk leg moved less than a third of the Treasury leg is Treasuries' move

_BIG = re.compile(r"week of big moves|week&rsquo;s big moves|week's big moves|moved far|eventful week|"
                  r"week of big swings|through the week's swings", re.I)
# ("little net change" says only that the index ended near where it began, true in a week of big swings too)
_QUIET = re.compile(r"without a big move|rather than rushing for the door|"
                    r"moved only [\d.]+% on the week", re.I)
_SUFFER = re.compile(r"suffer first|hurt smaller, more indebted companies first", re.I)
_ONLY = re.compile(r"\bonly (\d+)% of (?:trading )?days", re.I)
_NOT_LOW = re.compile(r"not a low reading|no low reading", re.I)
_NOT_HIGH = re.compile(r"not a high reading|no high reading", re.I)
_RALLY_RARE = re.compile(r"\ba rally this (?:rare|size)", re.I)
_FALL_RARE = re.compile(r"\ba fall (?:this rare|of this size)", re.I)
RALLY_WEEK = 0.01        # "a rally" ("a fall") of the week: the index's week this far its way
_ADVANCE = re.compile(r"large-cap advance|doing the lifting", re.I)
_FAVOURS = re.compile(r"trend favours small caps|small caps have the trend on their side", re.I)
_GROWTH = re.compile(r"growth hopes|hopes? for growth", re.I)
_DEAR = re.compile(r"protection is dear|protection (?:costs|is) (?:more than usual|expensive)", re.I)
_TEN_FOR_SMALL = re.compile(r"10-year yield is lower than thirteen weeks ago|eases some of the pressure", re.I)
_TEN_WORRY = re.compile(r"worry about growth|growth worr|growth scare|weaker growth", re.I)


def _get(doc, path: str) -> float | None:
    value = lookup(doc, path)
    return None if value is MISSING or not isinstance(value, (int, float)) else float(value)


class Week:
    """The week's figures the words are held to, read from metrics.json (`doc`) and the settings' tickers."""

    def __init__(self, doc, settings=None):
        t = settings.tickers if settings is not None else None
        pair = doc.get("pair", {}) if isinstance(doc, Mapping) else {}
        self.small = pair.get("small") or (settings.pair.small if settings is not None else "IWM")
        self.large = pair.get("large") or (settings.pair.large if settings is not None else "SPY")
        ten, vix = (t.long_yield, t.volatility) if t is not None else ("^TNX", "^VIX")
        hy, ust = (t.high_yield, t.treasuries) if t is not None else ("HYG", "IEF")
        self.hy, self.ust = hy or "HYG", ust or "IEF"
        g = lambda path: _get(doc, path)  # noqa: E731
        self.small_1w, self.large_1w = g(f"returns.{self.small}.1w"), g(f"returns.{self.large}.1w")
        self.large_4w, self.large_13w = g(f"returns.{self.large}.4w"), g(f"returns.{self.large}.13w")
        self.spread = g(mp.SPREAD_1W)
        self.worst, self.best = g(mp.REGIME_GAUGES_WORST_SESSION), g(mp.REGIME_GAUGES_BEST_SESSION)
        self.vix_pct = g(mp.RISK_VIX_PERCENTILE_1Y)
        self.distance = g(mp.RATIO_DISTANCE_FROM_SMA_LONG)
        self.ten_1w = g(f"levels.{ten or '^TNX'}.changes.1w")
        self.vix_1w = g(f"levels.{vix or '^VIX'}.changes.1w")
        self.hedge_pct = g(mp.CROWDING_HEDGE_PERCENTILE)
        self.hy_1w, self.ust_1w = g(f"returns.{self.hy}.1w"), g(f"returns.{self.ust}.1w")
        rarest = lookup(doc, mp.NEWS_RAREST)
        self.rarest = rarest if isinstance(rarest, str) else None
        self.rare_move = any(lookup(doc, f"news.items.{k}.newsworthy") is True for k in RARE_MOVES)


def eventful(w: Week) -> bool | None:
    """A week of big moves: a session of BIG_SESSION or more in either index, a week that size, the pair
    MOVE_SPREAD apart, or a session or week rare for its own history (RARE_MOVES). None when the week's returns are
    missing."""
    if w.small_1w is None or w.large_1w is None:
        return None
    big_day = (w.worst is not None and w.worst <= -BIG_SESSION) or (w.best is not None and w.best >= BIG_SESSION)
    return big_day or max(abs(w.small_1w), abs(w.large_1w)) >= BIG_SESSION or \
        (w.spread is not None and abs(w.spread) >= MOVE_SPREAD) or w.rare_move


def audit_fit(doc, rendered, settings=None) -> dict[str, list[str]]:
    """The words of one issue that the week's own gauges contradict (FIT_CLASSES); `doc` is the week's metrics.json."""
    w = Week(doc, settings)
    out: list[str] = []
    for r in rendered:
        if r.sentence.kind != "prose" or r.sentence.key.startswith("gloss_"):
            continue
        out += [f"{why}: {r.text!r}" for why in misfits(w, r.text)]
    out += _one_reading(rendered)
    return {"gauge fit": out}


def misfits(w: Week, text: str) -> list[str]:
    """What in one sentence's words the week's figures contradict."""
    out = []
    big, spread, pct = eventful(w), w.spread, w.vix_pct
    if _BIG.search(text) and big is False:
        out.append("big-move words in a week without a 3% session, a 3% week or a 2-point spread")
    if _QUIET.search(text) and big:
        out.append(f"no-big-move words in an eventful week (spread {spread or 0:+.1%})")
    if _SUFFER.search(text) and spread is not None and spread >= 0:
        out.append(f"'suffer first' the week small caps finished {spread:+.1%} against large caps")
    out += [f"'only {n}%' for a majority of days" for n in _ONLY.findall(text) if int(n) >= 50]
    if pct is not None and _NOT_LOW.search(text) and pct < 0.5:
        out.append(f"'not a low reading' for a VIX at the {pct:.0%} percentile of its year")
    if pct is not None and _NOT_HIGH.search(text) and pct > 0.5:
        out.append(f"'not a high reading' for a VIX at the {pct:.0%} percentile of its year")
    # a rally (fall) "this rare" of a session: the index's week must have gone its way (4-week and run facts are
    # told as what they are, and a sector's fall is its own week)
    if w.rarest is not None and w.rarest.endswith(("_day", "_2d")) and (_RALLY_RARE.search(text) or _FALL_RARE.search(text)):
        week = w.large_1w if w.rarest.startswith("large") else w.small_1w
        up = bool(_RALLY_RARE.search(text))
        if week is not None and (week < RALLY_WEEK if up else week > -RALLY_WEEK):
            out.append(f"'a {'rally' if up else 'fall'} this rare' for a week that index ended {week:+.1%}")
    q, month = w.large_13w, w.large_4w
    if _ADVANCE.search(text) and ((q is not None and q <= 0) or (month is not None and month <= PULLBACK)):
        out.append(f"a large-cap advance with large caps {q or 0:+.1%} over thirteen weeks and {month or 0:+.1%} over four")
    if _FAVOURS.search(text) and w.distance is not None and w.distance < TREND_MARGIN:
        out.append(f"'the trend favours small caps' on a {w.distance:+.1%} margin over the 200-day average")
    if _GROWTH.search(text) and "not this week" not in text and w.ten_1w is not None and w.ten_1w >= WEEK_RISE and w.large_1w is not None \
            and w.large_1w < 0 and w.vix_1w is not None and w.vix_1w > 0:
        out.append(f"growth hopes read into a 10-year {w.ten_1w * 1e4:+.0f} bp week with large caps "
                   f"{w.large_1w:+.1%} and the VIX {w.vix_1w:+.0%}")
    if _DEAR.search(text) and w.hedge_pct is not None and w.hedge_pct < DEAR_RANK:
        out.append(f"'protection is dear' with its cost at the {w.hedge_pct:.0%} percentile of its year")
    if _credit_week(w).search(text) and not re.search(r"thirteen weeks", text) and not re.search(r"Treasuries (?:\(\w+\) )?(?:fell|lost|slid|rallied|rose|gained)", text) \
            and w.hy_1w is not None and w.ust_1w is not None and abs(w.hy_1w) < ONE_LEG * abs(w.ust_1w):
        out.append(f"the junk-Treasury week told as junk's move with {w.hy} {w.hy_1w:+.1%} and {w.ust} {w.ust_1w:+.1%}")
    return out


def _credit_week(w: Week) -> re.Pattern:
    """The junk-against-Treasuries week told as junk's move ("HYG gained 3.2% relative to IEF over the week")."""
    hy, ust = re.escape(w.hy), re.escape(w.ust)
    return re.compile(rf"(?:high-yield bonds|junk bonds|{hy})(?: \({hy}\))? (?:have )?(?:gained|lost) [\d.]+% "
                      rf"(?:on|against|relative to) (?:Treasuries|{ust})(?!.{{0,40}}thirteen weeks)", re.I)


def _one_reading(rendered) -> list[str]:
    """The 10-year's fall read for small caps in one sentence and as a worry about growth in another."""
    good = [r for r in rendered if _TEN_FOR_SMALL.search(r.text) and not _TEN_WORRY.search(r.text)]   # unhedged
    bad = [r for r in rendered if _TEN_WORRY.search(r.text) and "10-year" in r.text]
    if good and bad:
        return [f"the 10-year read both ways: {good[0].text!r} / {bad[0].text!r}"]
    return []
