"""Crowding and hedging: declared sentences for the gauges of generator/metrics/crowding.py.

One paragraph, placed inside the risks section by `_risks` (generator/commentary/__init__.py). Its sentences
belong to the risks section (so a note that replaces it covers them) and are worded in
templates/words/crowding.html (Sentence.words).

The paragraph argues from the gauges, not just reads them:

* hedging: a wide RVX premium over the VIX (high in its year) means investors pay up to protect small caps:
  fear that is already hedged, which a contrarian reads as support. A narrow one means small-cap protection
  is cheap: complacency that leaves a crowded trade exposed (unless volatility is high everywhere, when it
  only says small caps are not singled out);
* volume: a surge with a big move is a crowd piling in or heading out; thin volume means little conviction;
* futures positioning: asset managers or leveraged funds at an extreme of their own three years are a crowd
  on one side of the boat;
* a configured gauge without data says so, in one sentence naming every such gauge.

Each direction or extreme word is a Claim over the figure it describes (thresholds below).
"""

from __future__ import annotations

from dataclasses import replace

from generator.commentary.claims import (ALMOST_ALL, SHOWN_ZERO, Claim, Fact, Paragraph, Sentence, at_extreme, at_least,
                                         at_most, is_, less_than, more_than, negative, positive, reads, within)
from generator.commentary.bands import BUSY_RANK, RARE_MOVES, THIN_RANK
from generator.commentary.rules import calm_claims
from generator.metrics.regime import BIG_SESSION, FEAR, RALLY, SETTLED, TENSE_PERCENTILE, all_but
from generator.metrics import paths as mp

SECTION = "crowding"
# The RVX-VIX spread in the top fifth of its year: investors pay up to hedge small caps.
HEDGE_DEAR = 0.8
# In the bottom fifth: small-cap protection is cheap next to large caps' (complacent).
HEDGE_CHEAP = 0.2
# The last five sessions' volume this far above the 50-day average (decimal) is a surge ...
VOLUME_SURGE = 0.5
# ... this far above it, busier than usual ...
VOLUME_BUSY = 0.2
# ... and this far below it, thin trading: "ordinary" is within a fifth of the average either way (reader R1
# read volume 22-27% below average called "ordinary" as wrong, 2002-09-06 and 2007-06-29).
VOLUME_THIN = -0.2
# A small-cap week this large, up or down, is a big move: with a volume surge, a crowd moving.
BIG_MOVE = 0.03
# Net positions in the top (bottom) tenth of the reports of the window are a crowded extreme.
COT_HIGH, COT_LOW = 0.9, 0.1
# A net position smaller than this share of open interest is "roughly flat" (neither long nor short).
COT_FLAT = 0.005

HEDGE, COT_AM, COT_LM = "small-cap hedging", "asset managers", "leveraged funds"


def _say(r, key: str, subjects, facts=(), claims=(), **extra) -> Sentence:
    return r.say("risks", key, subjects, facts, claims, words=SECTION, **extra)


def _rank_high(path: str, p: float, subject: str, topic: str) -> tuple[str, list[Claim]]:
    """How a percentile in the top of its range is said: 'top' (the highest), 'almost' or 'share'."""
    if p >= 1:
        return "top", [at_extreme(at_least(path, 1.0, subject, topic, +1))]   # "the widest", "the heaviest"
    if p >= ALMOST_ALL:
        return "almost", [at_least(path, ALMOST_ALL, subject, topic, +1), less_than(path, 1.0, subject, topic, 0)]
    return "share", [at_least(path, 0.5, subject, topic, +1)]


def _rank_low(path: str, p: float, window: int, subject: str, topic: str) -> tuple[str, list[Claim]]:
    """How a percentile at the bottom is said: 'bottom' (no other value at or below it), 'almost' or 'share'."""
    lowest = 1.0 / window + 1e-9
    if p <= lowest:
        return "bottom", [at_extreme(at_most(path, lowest, subject, topic, -1))]
    if 1 - p >= ALMOST_ALL:
        return "almost", [at_most(path, 1 - ALMOST_ALL, subject, topic, -1), more_than(path, lowest, subject, topic, 0)]
    return "share", [less_than(path, 0.5, subject, topic, -1)]


def _hedging(r, c, vix_stressed: float) -> list[Sentence]:
    vix = c.volatility
    spread_side = positive(mp.CROWDING_HEDGE_SPREAD, HEDGE, "spread") if c.hedge_spread > 0 else \
        negative(mp.CROWDING_HEDGE_SPREAD, HEDGE, "spread")
    side = "up" if c.hedge_spread > 0 else "down"
    facts = (Fact("spread", mp.CROWDING_HEDGE_SPREAD, HEDGE, "level", "abs"),
             Fact("rvx", mp.CROWDING_SMALL_VOL_LEVEL, HEDGE, "level"),
             Fact("vix", mp.CROWDING_VIX_LEVEL, HEDGE, "level"),
             Fact("share", mp.CROWDING_HEDGE_PERCENTILE, HEDGE, "pct"),
             Fact("share_lower", mp.CROWDING_HEDGE_PERCENTILE, HEDGE, "pct", "complement"))
    names = {"rvx_ticker": c.small_volatility, "vix_ticker": vix, "side": side}
    p, path = c.hedge_percentile, mp.CROWDING_HEDGE_PERCENTILE
    if p is None:
        return [_say(r, "hedge_unranked", HEDGE, facts[:3], [spread_side], **names)]
    if p >= HEDGE_DEAR:
        rank, claims = _rank_high(path, p, HEDGE, "cost")
        return [_say(r, "hedge_dear", HEDGE, facts, [spread_side, at_least(path, HEDGE_DEAR, HEDGE, "cost", +1),
                                                      *claims], rank=rank, **names)]
    if p <= HEDGE_CHEAP:
        rank, claims = _rank_low(path, p, c.hedge_window, HEDGE, "cost")
        base = [spread_side, at_most(path, HEDGE_CHEAP, HEDGE, "cost", -1), *claims]
        if c.vix_level >= vix_stressed:
            # volatility is high everywhere: a narrow premium is no sign of complacency
            return [_say(r, "hedge_cheap_stressed", HEDGE, facts,
                         base + [at_least(mp.CROWDING_VIX_LEVEL, vix_stressed, HEDGE, "vix", +1)], rank=rank, **names)]
        # "complacency", "investors feel safe": only in a week without fear in it or just behind it (the VIX in
        # the top tenth of its year, a shock, a relief rally); otherwise cheap small-cap protection only says that
        # small caps are not singled out
        # (a squeeze or a rate move can come with a VIX in the top tenth of its year: no "feel safe" beside it)
        pct = r.m.risk.vix_percentile_1y
        # and "feel safe" needs the week calm by every gauge (rules.calm_claims: the VIX at or under its year's
        # median, not up 10% on the week, no bear market)
        calm = calm_claims(r, HEDGE)
        quiet_regime = (r.regime in SETTLED or r.regime is None) and (pct is None or pct < TENSE_PERCENTILE)
        if quiet_regime and calm is None:
            # a settled week by its regime, but not calm by every gauge: cheap protection, with no mood word
            return [_say(r, "hedge_cheap_plain", HEDGE, facts,
                         base + [less_than(mp.CROWDING_VIX_LEVEL, vix_stressed, HEDGE, "vix", 0)], rank=rank, **names)]
        settled = quiet_regime and calm is not None
        calm_vix = ([less_than(mp.RISK_VIX_PERCENTILE_1Y, TENSE_PERCENTILE, HEDGE, "vix rank", 0)] if pct is not None
                    else []) + (calm or [])
        return [_say(r, "hedge_cheap" if settled else "hedge_cheap_uneasy", HEDGE, facts,
                     base + [less_than(mp.CROWDING_VIX_LEVEL, vix_stressed, HEDGE, "vix", 0)]
                     + (calm_vix if settled else []), rank=rank,
                     regimes=SETTLED if settled else all_but("calm", "grind"), **names)]
    above = p >= 0.5
    claims = [spread_side, more_than(path, HEDGE_CHEAP, HEDGE, "cost", 0),
              less_than(path, HEDGE_DEAR, HEDGE, "cost", 0),
              at_least(path, 0.5, HEDGE, "rank", +1) if above else less_than(path, 0.5, HEDGE, "rank", -1)]
    if c.vix_level >= vix_stressed:
        # a crash lifts every hedge: an ordinary small-cap premium then says small caps are not singled out
        return [_say(r, "hedge_normal_stressed", HEDGE, facts,
                     claims + [at_least(mp.CROWDING_VIX_LEVEL, vix_stressed, HEDGE, "vix", +1)],
                     rank="higher" if above else "lower", **names)]
    fear = r.regime in FEAR
    return [_say(r, "hedge_normal_fear" if fear else "hedge_normal", HEDGE, facts,
                 claims + [less_than(mp.CROWDING_VIX_LEVEL, vix_stressed, HEDGE, "vix", 0)],
                 rank="higher" if above else "lower", optional=0 if fear else 1,
                 regimes=FEAR if fear else all_but(*FEAR), **names)]  # "no sign of complacency or panic"


# A relative week this wide is a big move for the pair even when neither index moved 3% (the regime's rate-move
# spread; readers met "heavy trading without a big move" in the week of the widest small-cap lead since 2010).
MOVE_SPREAD = 0.02


def _eventful(r, subject: str) -> tuple[bool, list[Claim]]:
    """Whether the week had big moves, and the claims that say which way: a big week is a session of BIG_SESSION in
    either index, a week that size, or the pair MOVE_SPREAD apart (the claim of the first that holds: "a week of big
    moves"); a quiet one has none of them (every bound claimed: "without a big move", "little net change"). Read from
    prices, never from the regime alone: readers met "a week of big moves" at +1.6% with no 1.5% session."""
    g = r.m.regime.gauges if r.m.regime is not None else None
    # the regime's copies of the two weeks and the spread: one sentence about volume claims them without taking the
    # indices as its subjects
    weeks = [(mp.REGIME_GAUGES_SMALL_WEEK, g.small_week if g is not None else None, subject),
             (mp.REGIME_GAUGES_LARGE_WEEK, g.large_week if g is not None else None, subject)]
    pair = subject
    spread = g.spread_week if g is not None else None
    big: list[Claim] = []
    if g is not None and g.worst_session is not None and g.worst_session <= -BIG_SESSION:
        big = [at_most(mp.REGIME_GAUGES_WORST_SESSION, -BIG_SESSION, subject, "sessions", 0)]
    elif g is not None and g.best_session is not None and g.best_session >= BIG_SESSION:
        big = [at_least(mp.REGIME_GAUGES_BEST_SESSION, BIG_SESSION, subject, "sessions", 0)]
    for path, week, t in weeks:
        if not big and week is not None and abs(week) >= BIG_SESSION:
            big = [(at_least(path, BIG_SESSION, t, "big week", 0) if week > 0
                    else at_most(path, -BIG_SESSION, t, "big week", 0))]
    if not big and spread is not None and abs(spread) >= MOVE_SPREAD:
        big = [(at_least(mp.REGIME_GAUGES_SPREAD_WEEK, MOVE_SPREAD, pair, "big week", 0) if spread > 0
                else at_most(mp.REGIME_GAUGES_SPREAD_WEEK, -MOVE_SPREAD, pair, "big week", 0))]
    # a session or week rare for its own history is a big move whatever its size: SPY's worst day since 2003 fell
    # 1.9% (reader RA, 2006-05-19: "heavy trading without a big move")
    rare = [(k, f"news.items.{k}.newsworthy") for k in RARE_MOVES if r.m.news is not None and k in r.m.news.items]
    if not big:
        big = [is_(path, True, subject, "big week", 0) for k, path in rare if r.m.news.items[k].newsworthy][:1]
    if big:
        return True, big
    quiet = [is_(path, False, subject, "big week", 0) for _, path in rare] + ([more_than(mp.REGIME_GAUGES_WORST_SESSION, -BIG_SESSION, subject, "sessions", 0)]
             if g is not None and g.worst_session is not None else []) + \
        ([less_than(mp.REGIME_GAUGES_BEST_SESSION, BIG_SESSION, subject, "sessions", 0)]
         if g is not None and g.best_session is not None else []) + \
        [c for path, week, t in weeks if week is not None for c in within(path, BIG_SESSION, t, "big week")] + \
        (list(within(mp.REGIME_GAUGES_SPREAD_WEEK, MOVE_SPREAD, pair, "big week")) if spread is not None else [])
    return False, quiet


def _volume(r, c) -> list[Sentence]:
    small = c.volume_ticker
    subject = f"{small} volume"
    path, rank_path = mp.CROWDING_VOLUME_RATIO, mp.CROWDING_VOLUME_PERCENTILE
    facts = (Fact("ratio", path, subject, "pct", "abs"), Fact("sessions", mp.CROWDING_VOLUME_SESSIONS, subject, "count"),
             Fact("share", rank_path, subject, "pct"), Fact("move", f"returns.{small}.1w", small, "pct", "abs"))
    subjects = (subject, small)
    # Volume is read with the week's other gauges: ordinary or thin trading beside 3% sessions is never "no crowd"
    # or "little conviction", and a surge into a rally after a scare or a short squeeze is not a crowd piling in.
    eventful, quiet_sessions = _eventful(r, subject)
    short = _short_week(r, c, subject)
    reading = _volume_reading(r, c, subject, subjects, facts, eventful, quiet_sessions)
    if short:
        # the reading continues the calendar's sentence: the length budget keeps the two together
        reading = [replace(s, follows=True) for s in reading]
    return short + reading


def _short_week(r, c, subject: str) -> list[Sentence]:
    """A week shortened by a holiday or an early close, named before the volume reading (readers met "few investors
    took part" for Thanksgiving week's half-day Friday): five-session volume then reads the calendar."""
    if c.volume_short_week is None:
        return []
    return [_say(r, "volume_short_week_" + c.volume_short_week.replace("-", "_"), subject, (),
                 [is_(mp.CROWDING_VOLUME_SHORT_WEEK, c.volume_short_week, subject, "calendar")])]


def _volume_reading(r, c, subject, subjects, facts, big, quiet_sessions) -> list[Sentence]:
    small, p, ratio = c.volume_ticker, c.volume_percentile, c.volume_ratio
    # a week of fear or a sharp rally without a big price move is "an uneasy week", never "big moves" nor "no crowd"
    uneasy = not big and r.regime in FEAR + RALLY
    eventful = big or uneasy
    moved = {"uneasy": uneasy, **({"regimes": FEAR + RALLY} if uneasy else {})}
    week = r.m.returns.get(small, {}).get("1w")
    path, rank_path = mp.CROWDING_VOLUME_RATIO, mp.CROWDING_VOLUME_PERCENTILE
    if ratio >= VOLUME_SURGE and week is not None:
        # a surge whatever its rank (bands.py): ranked against the past year when the year is there to rank it
        rank, rank_claims = _rank_high(rank_path, p, subject, "rank") if p is not None else ("none", [])
        surge = [at_least(path, VOLUME_SURGE, subject, "volume", +1), *rank_claims]
        if week <= -BIG_MOVE:
            return [_say(r, "volume_surge_selling", subjects, facts,
                         surge + [at_most(f"returns.{small}.1w", -BIG_MOVE, small, "week", -1)], rank=rank,
                         regimes=all_but("calm", *RALLY))]  # "a crowd heading for the exit", "forced selling"
        if week >= BIG_MOVE:
            up = surge + [at_least(f"returns.{small}.1w", BIG_MOVE, small, "week", +1)]
            if r.regime == "squeeze":
                return [_say(r, "volume_surge_covering", subjects, facts, up, rank=rank, regimes=("squeeze",))]
            if r.regime in FEAR + ("relief_rally",):
                return [_say(r, "volume_surge_rebound", subjects, facts, up, rank=rank,
                             regimes=FEAR + ("relief_rally",))]
            # "investors are piling in ... late buyers make for fragile support": a warning of a false move, which
            # the positioning section must not call "few" (piling_in reads the same condition)
            return [_say(r, "volume_surge_buying", subjects, facts, up + [crowd_warning()], rank=rank,
                         regimes=all_but(*FEAR, *RALLY))]
        flat = surge + [within(f"returns.{small}.1w", BIG_MOVE, small, "week")]
        if eventful:
            return [_say(r, "volume_surge_swings", subjects, facts, flat + quiet_sessions, rank=rank, **moved)]
        return [_say(r, "volume_surge_flat", subjects, facts, flat + quiet_sessions, rank=rank,
                     regimes=all_but(*FEAR, *RALLY))]  # "little net change", "repositioning, not rushing out"
    if ratio <= VOLUME_THIN and (p is None or p <= THIN_RANK) and c.volume_short_week is None:
        # thin only in the bottom of the year's readings, and never in a short week (the calendar, not investors)
        thin = [at_most(path, VOLUME_THIN, subject, "volume", -1),
                is_(mp.CROWDING_VOLUME_SHORT_WEEK, None, subject, "calendar")] + \
            ([at_most(rank_path, THIN_RANK, subject, "rank", -1)] if p is not None else [])
        if eventful:
            return [_say(r, "volume_thin_eventful", subject, facts[:2], thin + quiet_sessions, **moved)]
        return [_say(r, "volume_thin", subject, facts[:2], thin + quiet_sessions,
                     regimes=all_but(*FEAR, *RALLY))]  # "little conviction"
    if ratio >= VOLUME_BUSY and p is not None and p >= BUSY_RANK:
        # "busier than usual" only in the top of the year's readings (readers met it at the year's median)
        busy = [at_least(path, VOLUME_BUSY, subject, "volume", +1), at_least(rank_path, BUSY_RANK, subject, "rank", +1)]
        if eventful:
            return [_say(r, "volume_busy_eventful", subject, facts[:2], busy + quiet_sessions, **moved)]
        return [_say(r, "volume_busy", subject, facts[:2], busy + quiet_sessions,
                     regimes=all_but(*FEAR, *RALLY))]  # "short of a crowd rushing in or out"
    # within the usual range: between the thin and busy lines; or past the busy line in the middle of the year's
    # readings; or past the thin one in the middle of the year, or in a short week
    if VOLUME_THIN < ratio < VOLUME_BUSY:
        band = [more_than(path, VOLUME_THIN, subject, "volume", 0), less_than(path, VOLUME_BUSY, subject, "volume", 0)]
    elif ratio > 0:
        band = [less_than(path, VOLUME_SURGE, subject, "volume", 0)] + \
            ([less_than(rank_path, BUSY_RANK, subject, "rank", 0)] if p is not None else [])
    elif c.volume_short_week is not None:
        band = [is_(mp.CROWDING_VOLUME_SHORT_WEEK, c.volume_short_week, subject, "calendar")]
    else:
        band = [more_than(rank_path, THIN_RANK, subject, "rank", 0)] if p is not None else []
    if abs(ratio) < SHOWN_ZERO:
        side, side_claims = "flat", []
    else:
        side = "up" if ratio > 0 else "down"
        side_claims = [positive(path, subject, "volume") if ratio > 0 else negative(path, subject, "volume")]
    if eventful:
        return [_say(r, "volume_normal_eventful", subject, facts[:2], band + side_claims + quiet_sessions, side=side,
                     **moved)]
    return [_say(r, "volume_normal", subject, facts[:2], band + side_claims + quiet_sessions, side=side, optional=2,
                 regimes=all_but(*FEAR, *RALLY))]  # "no sign of a crowd rushing in or out"


def _net_claims(path: str, net: float, subject: str) -> tuple[str, list]:
    """'long', 'short' or 'flat' for a net share of open interest, with the claim that word makes."""
    if net >= COT_FLAT:
        return "long", [at_least(path, COT_FLAT, subject, "net", +1)]
    if net <= -COT_FLAT:
        return "short", [at_most(path, -COT_FLAT, subject, "net", -1)]
    return "flat", [within(path, COT_FLAT, subject, "net")]


def _cot(r, c) -> list[Sentence]:
    date_fact = Fact("date", mp.CROWDING_COT_REPORT_DATE, "futures positioning", "date")
    if c.cot_stale:
        return [_say(r, "cot_stale", "futures positioning",
                     (date_fact, Fact("weeks", mp.CROWDING_COT_AGE_WEEKS, "futures positioning", "count")),
                     [is_true(mp.CROWDING_COT_STALE, "futures positioning")])]
    out = []
    sides = ((COT_AM, "asset_mgr"), (COT_LM, "lev_money"))
    readings = {}
    for subject, key in sides:
        share_path, rank_path = f"crowding.{key}_net_share", f"crowding.{key}_percentile"
        facts = (Fact("net", share_path, subject, "pct", "abs"), Fact("share", rank_path, subject, "pct"),
                 Fact("share_lower", rank_path, subject, "pct", "complement"),
                 Fact("date", mp.CROWDING_COT_REPORT_DATE, subject, "date"))
        net, p = getattr(c, f"{key}_net_share"), getattr(c, f"{key}_percentile")
        readings[key] = (facts, net, p)
        if p is None:
            continue
        position, net_claims = _net_claims(share_path, net, subject)
        if p >= COT_HIGH:
            out.append(_say(r, "cot_high", subject, facts,
                            net_claims + [at_least(rank_path, COT_HIGH, subject, "rank", +1)], who=key,
                            position=position))
        elif p <= COT_LOW:
            out.append(_say(r, "cot_low", subject, facts,
                            net_claims + [at_most(rank_path, COT_LOW, subject, "rank", -1)], who=key,
                            position=position))
    if out:
        return out
    (am_facts, am, am_p), (lm_facts, lm, lm_p) = readings["asset_mgr"], readings["lev_money"]
    am_pos, am_claims = _net_claims(mp.CROWDING_ASSET_MGR_NET_SHARE, am, COT_AM)
    lm_pos, lm_claims = _net_claims(mp.CROWDING_LEV_MONEY_NET_SHARE, lm, COT_LM)
    facts = (am_facts[0], Fact("lm_net", mp.CROWDING_LEV_MONEY_NET_SHARE, COT_LM, "pct", "abs"), am_facts[3])
    if am_p is None or lm_p is None:
        return [_say(r, "cot_unranked", (COT_AM, COT_LM), facts, am_claims + lm_claims, am=am_pos, lm=lm_pos)]
    middle = [more_than(mp.CROWDING_ASSET_MGR_PERCENTILE, COT_LOW, COT_AM, "rank", 0),
              less_than(mp.CROWDING_ASSET_MGR_PERCENTILE, COT_HIGH, COT_AM, "rank", 0),
              more_than(mp.CROWDING_LEV_MONEY_PERCENTILE, COT_LOW, COT_LM, "rank", 0),
              less_than(mp.CROWDING_LEV_MONEY_PERCENTILE, COT_HIGH, COT_LM, "rank", 0)]
    return [_say(r, "cot_middle", (COT_AM, COT_LM), facts, am_claims + lm_claims + middle, am=am_pos, lm=lm_pos)]


def crowd_warning() -> Claim:
    """What "investors are piling in" reads for a small-cap rally: a warning sign of a false move. The
    positioning section's "the warning signs are few" reads the opposite; the two never stand in one issue
    (class "contradiction")."""
    return reads(mp.CROWDING_VOLUME_RATIO, "false-move warnings", -1, "false move")


def piling_in(r) -> bool:
    """Does the risks section read this week's volume as a crowd piling in (volume_surge_buying)? One reading
    for the risks and positioning sections."""
    c = r.m.crowding
    if c is None or c.volume_ratio is None:
        return False   # a surge is read whatever its rank (bands.py), so with or without the year to rank it
    week = r.m.returns.get(c.volume_ticker, {}).get("1w")
    return (c.volume_ratio >= VOLUME_SURGE and week is not None and week >= BIG_MOVE
            and r.regime != "squeeze" and r.regime not in FEAR + ("relief_rally",))


def is_true(path: str, subject: str) -> Claim:
    return Claim(path, "==", True, subject, "stale", 0)


def crowding_paragraph(r) -> Paragraph:
    """The crowding paragraph of the risks section (empty when no gauge is configured)."""
    c, settings = r.m.crowding, r.settings
    if c is None:
        return ()
    out: list[Sentence] = []
    missing: list[str] = []
    t = settings.tickers
    # a series the data set never holds is a standing gap, told once on the about page; the note names only a
    # series in the data that has no reading this week
    if c.hedge_spread is not None:
        out += _hedging(r, c, settings.risk.vix_stressed)
    elif t.small_volatility and t.volatility and c.hedge_in_data:
        missing.append("hedging")
    if c.volume_ratio is not None:
        out += _volume(r, c)
    elif c.volume_in_data:
        missing.append("volume")
    if c.cot_configured:
        if c.cot_report_date is not None:
            out += _cot(r, c)
        else:
            missing.append("cot" if c.cot_loaded else "cot_cache" if settings.positioning.cot_download else "cot_file")
    if missing:
        out.append(_say(r, "crowding_unavailable", "crowding gauges", missing=tuple(missing),
                        rvx_ticker=t.small_volatility, vix_ticker=t.volatility, small=r.small, kind="note"))
    return tuple(out)
