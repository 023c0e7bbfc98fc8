"""The headline's story, as a decision table: each row's declared claims are its conditions.

A row holds (generator/commentary/table.py, whose `Row` and `first` the sections use for their own choices) when
every claim it declares holds on the week's measures (metrics.json's paths and values,
generator/metrics/document.py `measures_view`), so what the headline claims and when it is chosen are written
once. Rows of one group exclude each other: the first that holds is the group's candidate. The candidates of
the event groups compete on news value (generator/metrics/news/): the rarest fact leads. With no event, the
first trend row that holds is the story.

Before the table: a week whose rarest fact reaches back a year or more (generator/metrics/news/ `News.lead`), or a
level at its extreme in our data, is headlined by that fact, its subject and its "since" (sections/story.py
`headline`, templates/words/headline.html `rare`); the table decides the other weeks.

Thresholds are named once, here or in generator/metrics/news/.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

from generator.commentary.claims import (Claim, at_least, at_most, is_, is_not, more_than, negative, positive,
                                         sign_of, within)
from generator.commentary.table import holds
from generator.metrics.news import SINCE_YEARS
from generator.metrics import paths as mp

# A week's small-minus-large spread beyond this is a "big" week.
SURGE = 0.03
# A single session this large for the large-cap index is the week's story (Oct 2008, Mar 2020, Apr 9, 2025).
HUGE_MARKET_DAY = 0.05
# A one-week move in the 10-year yield this large (25 bp) is the week's story (June 2013, April 2025).
YIELD_SHOCK = 0.0025
# In a market sell-off, a gap this large (in the lede and sections) says one side held up better or was hit harder.
CRASH_GAP = 0.015


@dataclass(frozen=True)
class Row:
    story: str                                   # the headline's words key (templates/words/headline.html)
    group: str                                   # rows of a group exclude each other: the first that holds
    claims: Callable[[Any], list[Claim]]         # its conditions, and what naming it claims (given the rules)
    news: str | None = None                      # the news fact that ranks an event row; None for trend rows


def _names(r) -> tuple[str, str, str, str]:
    return f"{r.small}-{r.large}", r.small, r.large, "stance"


def _drop(r) -> Claim:
    return at_most(mp.EVENTS_LARGE_WEEK, r.settings.risk.stress_week_drop, r.large, "week")


def _lean(r, leaning: bool) -> Claim:
    return (is_not if leaning else is_)(mp.STANCE_KEY, "stay_large", "stance", "stance")


def _surge(r) -> list[Claim]:
    pair, small, _, _ = _names(r)
    return [at_least(mp.SPREAD_1W, SURGE, pair, "week"), positive(f"returns.{small}.1w", small, "week")]


def _ten(r) -> str:
    return f"levels.{r.t.long_yield or '^TNX'}.changes.1w"


def _yen(r) -> list[Claim]:
    fx, edge = r.t.fx or "JPY=X", r.settings.risk.yen_from_peak
    # the yen must have strengthened this week too: a rally from the peak that is now fading is old news
    # and the week's move must not rest on a stale quote (events.fx_stale): its fall from the peak may be told
    # lower down, but the headline claims the week
    return [at_most(mp.EVENTS_FX_FROM_PEAK, edge, fx, "peak"), at_most(mp.EVENTS_FX_FROM_PEAK, edge, "yen", "peak", +1),
            negative(mp.RISK_FX_WEEK, fx, "week"), Claim(mp.RISK_FX_WEEK, "<", 0.0, "yen", "week", +1),
            is_(mp.EVENTS_FX_STALE, False, fx, "quote")]


def _band(r) -> float:
    return r.settings.stance.flat_band


def _trend(r, key: str) -> list[Claim]:
    return [is_(mp.STANCE_KEY, key, "stance", "stance"), positive(mp.RATIO_DISTANCE_FROM_SMA_LONG, r.pair, "trend")]


def _crash(r) -> list[Claim]:
    """A sell-off's claims: the large-cap week at or below the stress drop, which the headlines call what "the
    market" or "stocks" did (a negative return)."""
    return [_drop(r), negative(f"returns.{r.large}.1w", r.large, "week")]


def _small_way(r) -> list[Claim]:
    """What small caps did ("slide further", "fall together"): the direction of their week."""
    s1 = r.m.returns[r.small].get("1w")
    if s1 is None:
        return [Claim(f"returns.{r.small}.1w", "!=", None, r.small, "week", 0)]
    way = sign_of(f"returns.{r.small}.1w", s1, r.small, "week")
    return list(way) if isinstance(way, tuple) else [way]


def _from_high(r, key: str, label: str) -> Claim:
    """The index crossed into a correction or a bear market this week, or made its first 52-week high in months:
    the side's direction is the claim's sense."""
    subject = r.large if key.startswith("large") else r.small
    return is_(f"news.items.{key}.label", label, subject, "from high", +1 if label == "high" else -1)


# "small caps held up better" or "hits small caps hardest" with the gap the lede calls ahead or behind (the
# flat band): "alike" or "nowhere to hide" beside "small caps finished 1.3% behind" would disagree.
EVENTS = (
    Row("crash_better", "crash", lambda r: _crash(r) + [at_least(mp.SPREAD_1W, _band(r), _names(r)[0], "week")],
        "large_week"),
    Row("crash_worse", "crash", lambda r: _crash(r) + [at_most(mp.SPREAD_1W, -_band(r), _names(r)[0], "week")]
        + _small_way(r), "large_week"),
    Row("crash_even", "crash", lambda r: _crash(r) + [*within(mp.SPREAD_1W, _band(r), _names(r)[0], "week")]
        + _small_way(r), "large_week"),
    Row("market_day_up", "market_day",
        lambda r: [at_least(mp.EVENTS_LARGE_DAY_MOVE, HUGE_MARKET_DAY, r.large, "day")], "large_day"),
    Row("market_day_down", "market_day",
        lambda r: [at_most(mp.EVENTS_LARGE_DAY_MOVE, -HUGE_MARKET_DAY, r.large, "day")], "large_day"),
    # "tests the small-cap case" only when there is a case: the stance leans toward small caps
    Row("vix_spike", "vix", lambda r: [is_(mp.EVENTS_VIX_SPIKE, True, r.t.volatility or "^VIX", "spike", +1),
                                       _lean(r, True)], "vix_jump"),
    Row("vix_spike_large", "vix", lambda r: [is_(mp.EVENTS_VIX_SPIKE, True, r.t.volatility or "^VIX", "spike", +1),
                                             _lean(r, False)], "vix_jump"),
    Row("yen_shock", "yen", _yen, "fx_week"),
    Row("yield_jump", "yield", lambda r: [at_least(_ten(r), YIELD_SHOCK, r.t.long_yield or "^TNX", "1w")],
        "long_yield_week"),
    Row("yield_drop", "yield", lambda r: [at_most(_ten(r), -YIELD_SHOCK, r.t.long_yield or "^TNX", "1w")],
        "long_yield_week"),
    Row("surge_again", "surge", lambda r: _surge(r) + [at_least(mp.EVENTS_PREVIOUS_SPREAD, SURGE, _names(r)[0],
                                                                "last week")], "spread_week"),
    Row("surge_in_trend", "surge", lambda r: _surge(r) + [_lean(r, True), positive(mp.SPREAD_13W, _names(r)[0], "13w")],
        "spread_week"),
    Row("surge_up", "surge", _surge, "spread_week"),
    Row("beat_in_down", "surge", lambda r: [at_least(mp.SPREAD_1W, SURGE, _names(r)[0], "week"),
                                            at_most(f"returns.{r.small}.1w", 0, r.small, "week"),
                                            negative(f"returns.{r.large}.1w", r.large, "week")], "spread_week"),
    Row("lag_in_up", "surge", lambda r: [at_most(mp.SPREAD_1W, -SURGE, _names(r)[0], "week"),
                                         positive(f"returns.{r.small}.1w", r.small, "week"),
                                         positive(f"returns.{r.large}.1w", r.large, "week")], "spread_week"),
    Row("slump_down", "surge", lambda r: [at_most(mp.SPREAD_1W, -SURGE, _names(r)[0], "week"),
                                          at_most(f"returns.{r.small}.1w", 0, r.small, "week")], "spread_week"),
    # an index closing the week in a correction or a bear market for the first time since its 52-week high, or at
    # its first 52-week high in months (generator/metrics/news/ `_from_high`)
    Row("bear_market", "drawdown", lambda r: [_from_high(r, "large_drawdown", "bear")], "large_drawdown"),
    Row("correction", "drawdown", lambda r: [_from_high(r, "large_drawdown", "correction")], "large_drawdown"),
    Row("small_bear_market", "small_drawdown", lambda r: [_from_high(r, "small_drawdown", "bear")], "small_drawdown"),
    Row("small_correction", "small_drawdown", lambda r: [_from_high(r, "small_drawdown", "correction")],
        "small_drawdown"),
    Row("first_high", "high", lambda r: [_from_high(r, "large_high", "high")], "large_high"),
    Row("small_first_high", "small_high", lambda r: [_from_high(r, "small_high", "high")], "small_high"),
    Row("upgrade", "stance", lambda r: [is_(mp.STANCE_RECORD_CHANGED_WEEKS_AGO, 1, "stance", "change"),
                                        is_(mp.STANCE_RECORD_DIRECTION, "up", "stance", "change", +1)],
        "stance_change"),
    # a cut that keeps a lean toward small caps is a trim, not a step "back toward large caps" (reader R4,
    # 2015-06-26: "The stance steps down from small caps" while the call still leaned in)
    Row("downgrade_trim", "stance", lambda r: [is_(mp.STANCE_RECORD_CHANGED_WEEKS_AGO, 1, "stance", "change"),
                                               is_(mp.STANCE_RECORD_DIRECTION, "down", "stance", "change", -1),
                                               is_(mp.STANCE_KEY, "start_lean", "stance", "stance")],
        "stance_change"),
    Row("downgrade", "stance", lambda r: [is_(mp.STANCE_RECORD_CHANGED_WEEKS_AGO, 1, "stance", "change"),
                                          is_(mp.STANCE_RECORD_DIRECTION, "down", "stance", "change", -1)],
        "stance_change"),
)

# With no event, the trend's story: the first row that holds. A lean's week that trailed by the flat band or more
# never gets a headline saying small caps "lead" (the `_dip` rows).
TREND = (
    Row("pending_upgrade", "trend", lambda r: [is_(mp.STANCE_HELD_BACK, "confirm", "stance", "stance")]),
    Row("wavering", "trend", lambda r: [is_(mp.STANCE_HELD_BACK, "confirm_downgrade", "stance", "stance")]),
    Row("small_trend_dip", "trend", lambda r: _trend(r, "lean_further") + [
        at_most(mp.SPREAD_1W, -_band(r), _names(r)[0], "week")]),
    Row("small_trend", "trend", lambda r: _trend(r, "lean_further") + [
        Claim(mp.SPREAD_1W, ">", -_band(r), _names(r)[0], "week", 0)]),
    Row("small_trend", "trend", lambda r: _trend(r, "lean_further") + [is_(mp.SPREAD_1W, None, _names(r)[0], "week")]),
    Row("turning_dip", "trend", lambda r: _trend(r, "start_lean") + [
        at_most(mp.SPREAD_1W, -_band(r), _names(r)[0], "week")]),
    Row("turning", "trend", lambda r: _trend(r, "start_lean") + [
        Claim(mp.SPREAD_1W, ">", -_band(r), _names(r)[0], "week", 0)]),
    Row("turning", "trend", lambda r: _trend(r, "start_lean") + [is_(mp.SPREAD_1W, None, _names(r)[0], "week")]),
    Row("bounce_no_turn", "trend", lambda r: [is_(mp.STANCE_KEY, "stay_large", "stance", "stance"),
                                              at_least(mp.SPREAD_1W, _band(r), _names(r)[0], "week")]),
    Row("large_trend", "trend", lambda r: [is_(mp.STANCE_KEY, "stay_large", "stance", "stance"),
                                           at_most(mp.STANCE_SCORE, -3, "stance", "stance")]),
    Row("mixed", "trend", lambda r: [is_(mp.STANCE_KEY, "stay_large", "stance", "stance"),
                                     more_than(mp.STANCE_SCORE, -3, "stance", "stance", 0)]),
)


def _rare(item: Mapping[str, Any] | None) -> bool:
    """A news fact a year or more rare (generator/metrics/news/ SINCE_YEARS: its "since", or a record)."""
    if not item:
        return False
    return bool(item.get("newsworthy")) and (bool(item.get("record")) or (item.get("since_years") or 0.0) >= SINCE_YEARS)


def candidates(r, view: Mapping[str, Any], rows=EVENTS) -> list[tuple[Row, list[Claim]]]:
    """Each group's first row that holds, with its claims, in table order."""
    out, done = [], set()
    for row in rows:
        if row.group in done:
            continue
        claims = row.claims(r)
        if holds(claims, view):
            done.add(row.group)
            out.append((row, claims))
    return out


def week_story(r, view: Mapping[str, Any]) -> tuple[str, list[Claim]]:
    """The week's dominant story and what naming it claims: the rarest event this week (a sell-off, a huge
    session, a volatility spike, a yen or yield shock, a big relative week, a change of stance), else the
    trend's story."""
    events = candidates(r, view, EVENTS)
    scores = ((view.get("news") or {}).get("items") or {})
    if any(_rare(scores.get(row.news)) for row, _ in events if row.group != "stance"):
        # a change of stance heads the column only in a week with nothing rare: the rarest event leads and the stance
        # line follows in the standfirst (readers: "Stance steps up" over a 10-year move not seen in two years)
        events = [e for e in events if e[0].group != "stance"]
    if events:
        # max() keeps the table's order among equal scores (a sell-off first)
        row, claims = max(events, key=lambda e: (scores.get(e[0].news) or {}).get("score", 0.0))
        return row.story, claims
    trend = candidates(r, view, TREND)
    if not trend:
        raise AssertionError(f"no headline row holds for the week of {view.get('as_of')}")
    row, claims = trend[0]
    return row.story, claims
