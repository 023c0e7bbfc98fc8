"""Positioning: the stance and its advice, what held it back, what the stance did lately (the record), the
risk of a false move, and the track record."""

from __future__ import annotations

from generator.commentary.argument import case_paragraph
from generator.commentary.claims import (Claim, Fact, Paragraph, Sentence, at_least, at_most, is_, is_not, less_than,
                                         more_than, positive, reads, sign_of)
from generator.commentary.crowding import piling_in
from generator.commentary.rules import SHOWN_ZERO, STRESSED_RANK, YOUNG_WEEKS, _Rules, label, sense
from generator.commentary.table import Row, choose
from generator.commentary.track import track_paragraph
from generator.metrics.regime import SETTLED, TENSE_PERCENTILE, all_but
from generator.metrics.stance import FLAG_TEXT
from generator.metrics import paths as mp


def _stance(key: str) -> Claim:
    return is_(mp.STANCE_KEY, key, "stance", "stance")


def _stress(on: bool) -> Claim:
    return is_(mp.EVENTS_MARKET_STRESS, on, "stance", "stress")


def _changed(direction: str) -> list[Claim]:
    """The stance changed this week, toward small caps ("up") or away ("down")."""
    return [is_(mp.STANCE_RECORD_CHANGED_WEEKS_AGO, 1, "stance", "change"),
            is_(mp.STANCE_RECORD_DIRECTION, direction, "stance", "change", +1 if direction == "up" else -1)]


def _held(weeks: int, path: str = mp.STANCE_RECORD_WEEKS_UNCHANGED) -> Claim:
    return at_least(path, weeks, "stance", "run", 0)


# A lean held longer than the young weeks (rules.YOUNG_WEEKS) has been acted on: the advice is to hold it, not to
# start or add to it again every week.
HELD_WEEKS = YOUNG_WEEKS + 1

# The advice under each stance: what the call tells a reader to do this week. The verb follows the transition, not
# the level: a cut says trim, a turn back says take the weight back, a lean held for weeks says keep it.
ADVICE = (
    Row("advice_stay_large_confirm", lambda pair, vix, rs: [_stance("stay_large"),
                                                             is_(mp.STANCE_HELD_BACK, "confirm", "stance", "stance")]),
    Row("advice_stay_large_back", lambda pair, vix, rs: [_stance("stay_large"), *_changed("down")]),
    Row("advice_stay_large_short_history", lambda pair, vix, rs: [
        _stance("stay_large"), is_(mp.RATIO_DISTANCE_FROM_SMA_LONG, None, pair, "trend")]),
    Row("advice_stay_large_weak", lambda pair, vix, rs: [_stance("stay_large"),
                                                          positive(mp.RATIO_DISTANCE_FROM_SMA_LONG, pair, "trend")]),
    Row("advice_stay_large", lambda pair, vix, rs: [_stance("stay_large"),
                                                     at_most(mp.RATIO_DISTANCE_FROM_SMA_LONG, 0, pair, "trend")]),
    Row("advice_start_lean_stress", lambda pair, vix, rs: [_stance("start_lean"), _stress(True)]),
    Row("advice_start_lean_trimmed", lambda pair, vix, rs: [_stance("start_lean"), *_changed("down")]),
    # a modest lean held for weeks, or left standing by a cut weeks ago: its age on the small-cap side
    Row("advice_start_lean_held", lambda pair, vix, rs: [_stance("start_lean"),
                                                          _held(HELD_WEEKS, mp.STANCE_RECORD_WEEKS_ON_SIDE)]),
    Row("advice_start_lean", lambda pair, vix, rs: [_stance("start_lean")]),
    Row("advice_lean_further_stress", lambda pair, vix, rs: [_stance("lean_further"), _stress(True)]),
    Row("advice_lean_further_held", lambda pair, vix, rs: [_stance("lean_further"), _stress(False),
                                                            _held(HELD_WEEKS)]),
    Row("advice_lean_further_vix", lambda pair, vix, rs: [_stance("lean_further"), _stress(False),
                                                           at_least(mp.RISK_VIX_LEVEL, rs.vix_stressed, vix, "level",
                                                                    +1)]),
    Row("advice_lean_further", lambda pair, vix, rs: [_stance("lean_further"), _stress(False)]),
)


def advice(r: _Rules) -> tuple[str, list[Claim]]:
    """The week's advice (ADVICE): its words key and claims. One choice, read by the advice sentence, the case's
    verdict and the brief's call line, so that every stance word of the issue has the same action."""
    return choose(ADVICE, r.view, r.pair, r.t.volatility or "^VIX", r.settings.risk)


def action(key: str) -> str:
    """The advice's action in one word: "add" (start or add to a lean), "hold" (keep it: held for weeks, or a week
    of stress), "trim" (cut a full lean to a modest one), "back" (move the weight back to large caps), or "stay"
    (with large caps)."""
    key = key.split("__")[0]
    if key in ("advice_start_lean", "advice_lean_further", "advice_lean_further_vix"):
        return "add"
    if key == "advice_start_lean_trimmed":
        return "trim"
    if key == "advice_stay_large_back":
        return "back"
    return "stay" if key.startswith("advice_stay_large") else "hold"


def _flag_claim(flag: str, pair: str, vix: str, rs) -> Claim | None:
    """What each false-move warning (generator.metrics.stance.FLAG_TEXT) says about the numbers."""
    return {
        "averages_not_crossed": Claim(mp.RATIO_SMA_SHORT, "<=", None, pair, "averages", -1, mp.RATIO_SMA_LONG),
        "long_momentum_negative": at_most(mp.RATIO_MOMENTUM_52W, 0, pair, "momentum 52w"),
        "stretched": is_(mp.RISK_STRETCHED, True, pair, "stretch", +1),
        "vix_stressed": at_least(mp.RISK_VIX_LEVEL, rs.vix_stressed, vix, "level", +1),
        "yen_rally": is_(mp.RISK_YEN_RALLY, True, pair, "yen"),
        "recent_failures": at_least(mp.BREAKOUTS_FAILED_COUNT, 2, pair, "breakouts", 0),
    }.get(flag)


def _flags(r: _Rules) -> tuple[list[str], list[Claim]]:
    """The false-move warnings in words, and what they claim. "Volatility is elevated" needs the VIX past the
    rules' line and at STRESSED_RANK of its year or above; past the line alone, the words name the line."""
    s, vix, rs = r.m.stance, r.t.volatility or "^VIX", r.settings.risk
    rank = r.m.risk.vix_percentile_1y
    texts, claims = [], []
    for f in s.risk_flags:
        c = _flag_claim(f, r.pair, vix, rs)
        if c is not None:
            claims.append(c)
        if f == "vix_stressed" and rank is not None:
            high = rank >= STRESSED_RANK
            claims.append(at_least(mp.RISK_VIX_PERCENTILE_1Y, STRESSED_RANK, vix, "rank 1y", +1) if high
                          else less_than(mp.RISK_VIX_PERCENTILE_1Y, STRESSED_RANK, vix, "rank mood", 0))
            texts.append(FLAG_TEXT["vix_stressed" if high else "vix_over_line"])
        else:
            texts.append(FLAG_TEXT[f])
    return texts, claims


def rally_to_test(r: _Rules) -> list[Claim] | None:
    """Is there a small-cap move that could prove false (issue 26, "false move without a rally")? Yes when the
    stance leans toward small caps, or when the ratio rose this week or over the past four weeks by the stance's
    flat band (settings.stance.flat_band, 0.5%) or more; then the claims
    that say so. None when there is no rally: the false-move paragraph is not printed (a warning that a rally
    may be false, in a week the ratio fell over every span and the call is with large caps, says nothing)."""
    m, pair = r.m, r.pair
    band = r.settings.stance.flat_band   # a smaller move is a flat week (the thesis says so), not a rally
    if m.stance.key != "stay_large":
        return [is_not(mp.STANCE_KEY, "stay_large", "stance", "stance")]
    four = m.ratio.momentum.get("4w")
    if four is not None and four >= band:
        return [at_least(mp.RATIO_MOMENTUM_4W, band, pair, "momentum 4w", +1)]
    week = m.spread.get("1w")
    if week is not None and week >= band:
        return [at_least(mp.SPREAD_1W, band, f"{r.small}-{r.large}", "week", +1)]
    return None


def against_the_score(r: _Rules) -> tuple[str, list[Claim]]:
    """Why the call's side differs from the score's sign (a positive score with "Stay with large caps", a negative
    one with a lean), told in the stance's own sentence (readers met "+1" beside "Stay with large caps" with the
    reason paragraphs away): "below_trend" (the ratio under its 200-day average: the rules never lean against it),
    "no_trend" (too little history for the average), or the steadying that held the call ("confirm", "stress",
    "confirm_downgrade"). ("", []) when the sign and the call agree."""
    s = r.m.stance
    if not (s.score > 0 and s.key == "stay_large" or s.score < 0 and s.key != "stay_large"):
        return "", []
    sign = [more_than(mp.STANCE_SCORE, 0, "stance", "score", 0) if s.score > 0 else
            less_than(mp.STANCE_SCORE, 0, "stance", "score", 0), is_(mp.STANCE_KEY, s.key, "stance", "stance")]
    dist = r.m.ratio.distance_from_sma_long
    if s.held_back:
        return s.held_back, sign + [is_(mp.STANCE_HELD_BACK, s.held_back, "stance", "stance")]
    if dist is None:
        return "no_trend", sign + [is_(mp.RATIO_DISTANCE_FROM_SMA_LONG, None, r.pair, "trend")]
    return "below_trend", sign + [at_most(mp.RATIO_DISTANCE_FROM_SMA_LONG, 0, r.pair, "trend")]


def section(r: _Rules) -> tuple[Paragraph, ...]:
    m, pair = r.m, r.pair
    s, ev = m.stance, m.events
    say = lambda key, subjects, facts=(), claims=(), **x: r.say("positioning", key, subjects, facts, claims, **x)  # noqa
    reason, why = against_the_score(r)
    first = [say(f"stance{'_against_' + reason if reason else ''}", ("stance", pair) if reason else "stance",
                 (Fact("score", mp.STANCE_SCORE, "stance", "level"), Fact("max", mp.STANCE_MAX_SCORE, "stance", "count")),
                 why, label=s.label)]
    vix = r.t.volatility or "^VIX"
    key, claims = advice(r)
    first.append(say(key, ("stance", pair) if key.startswith("advice_stay_large") else
                     ("stance", vix) if key == "advice_lean_further_vix" else "stance",
                     (Fact("vix", mp.RISK_VIX_LEVEL, vix, "level"),) if key == "advice_lean_further_vix" else (),
                     claims, **({"raw": label(m.stance_history[-1].raw_key)} if key == "advice_stay_large_confirm"
                                else {})))
    if s.held_back in ("stress", "confirm_downgrade"):
        # "we never lean further in" reads oddly when the stance has not leaned at all
        word = "held_stress_start" if s.held_back == "stress" and s.key == "stay_large" else f"held_{s.held_back}"
        first.append(say(word, "stance", (), [is_(mp.STANCE_HELD_BACK, s.held_back, "stance", "stance"),
                                              is_(mp.STANCE_KEY, s.key, "stance", "stance")],
                         raw=label(m.stance_history[-1].raw_key)))
    record = _record(r)
    if record and record[0].key in TRANSITIONS.values():
        first.insert(1, record.pop(0))   # this week's change straight after the stance it changed to
    first += record
    paragraphs = [case_paragraph(r, (key, claims)), tuple(first)]
    second: list[Sentence] = []
    rally = rally_to_test(r)
    flag_texts, flag_claims = _flags(r)
    subjects = ("stance", pair, r.t.volatility or "^VIX", f"{r.small}-{r.large}")
    if rally is None:
        pass   # no rally to be false: no false-move rating (rally_to_test)
    elif s.risk_level == "high":
        second.append(say("risk_high", subjects, (), flag_claims + rally, flags=flag_texts))
    elif s.risk_level == "elevated":
        second.append(say("risk_elevated", subjects, (), flag_claims + rally, flags=flag_texts))
    else:
        # "warning signs of a false move are few": not in a week of fear or just after one, nor beside a VIX in the
        # top tenth of its year (a squeeze or a rate move can have one), nor beside a crowd piling in (risks)
        pct = m.risk.vix_percentile_1y
        few = reads(mp.STANCE_RISK_LEVEL, "false-move warnings", +1, "false move")
        if piling_in(r):
            second.append(say("risk_low_crowded", subjects, (), [is_(mp.STANCE_RISK_LEVEL, "low", "stance", "risk")]
                              + rally))
        elif (r.regime in SETTLED or r.regime is None) and (pct is None or pct < TENSE_PERCENTILE):
            second.append(say("risk_low", subjects, (),
                              [is_(mp.STANCE_RISK_LEVEL, "low", "stance", "risk"), few]
                              + ([less_than(mp.RISK_VIX_PERCENTILE_1Y, TENSE_PERCENTILE, r.t.volatility or "^VIX",
                                            "rank", 0)] if pct is not None else []) + rally, regimes=SETTLED))
        else:
            second.append(say("risk_low_uneasy", subjects, (), [is_(mp.STANCE_RISK_LEVEL, "low", "stance", "risk")]
                              + rally, regimes=all_but("calm", "grind"),
                              mood="rebound" if r.regime == "relief_rally" else "stress"))
    if s.false_move_risk:
        # "It is early" only while the lean is young: its age on the small-cap side, so a cut from "Lean in further"
        # keeps the lean's weeks (readers met "the lean is young" the week a months-old lean was trimmed); an
        # established lean can still be a false move.
        side = m.stance_record.weeks_on_side
        # ("at least" only for a lean older than the record: one older than the history is counted exactly,
        # metrics._full_run)
        young, capped = side <= YOUNG_WEEKS, m.stance_record.side_capped
        second.append(say("false_move" if young else "false_move_established", "stance",
                          (Fact("weeks", mp.STANCE_RECORD_WEEKS_ON_SIDE, "stance", "count"),) if not young else (),
                          [is_not(mp.STANCE_KEY, "stay_large", "stance", "stance"),
                           at_most(mp.STANCE_RECORD_WEEKS_ON_SIDE, YOUNG_WEEKS, "stance", "age", 0) if young
                           else more_than(mp.STANCE_RECORD_WEEKS_ON_SIDE, YOUNG_WEEKS, "stance", "age", 0)]
                          + ([at_least(mp.STANCE_RECORD_WEEKS_ON_SIDE, len(m.stance_history), "stance", "age", 0)]
                             if capped and not young else []), capped=capped))
    paragraphs.append(tuple(second))
    paragraphs += [p for p in (track_paragraph(r),) if p]   # how our call has done (generator/commentary/track.py)
    return tuple(paragraphs)


def _record(r: _Rules) -> list[Sentence]:
    """What the stance did lately: this week's change, a change in the last four weeks and how the ratio
    has moved since, or a call toward small caps that failed; nothing for a stance that has simply held."""
    m = r.m
    rec, weeks = m.stance_record, m.stance_history
    say = lambda key, facts=(), claims=(), **x: r.say("positioning", key, ("stance", r.pair), facts, claims, **x)  # noqa
    if len(weeks) < 2:
        return []
    ago = Fact("weeks", mp.STANCE_RECORD_WEEKS_SINCE_CHANGE, "stance", "count")
    since = Fact("since", mp.STANCE_RECORD_RATIO_SINCE_CHANGE, r.pair, "pct")
    failed_call = None
    if (rec.upgrade_weeks_ago is not None and rec.ratio_since_upgrade is not None
            and rec.ratio_since_upgrade <= -SHOWN_ZERO and rec.weeks_since_upgrade):
        facts = (Fact("weeks", mp.STANCE_RECORD_WEEKS_SINCE_UPGRADE, "stance", "count"),
                 Fact("since", mp.STANCE_RECORD_RATIO_SINCE_UPGRADE, r.pair, "pct"))
        claims = [at_most(mp.STANCE_RECORD_RATIO_SINCE_UPGRADE, -SHOWN_ZERO, r.pair, "since upgrade"),
                  is_not(mp.STANCE_RECORD_UPGRADE_TO, None, "stance", "upgrade", +1),
                  is_(mp.STANCE_RECORD_WEEKS_SINCE_UPGRADE, rec.weeks_since_upgrade, "stance", "upgrade age")]
        if rec.upgrade_undone:
            # when the stance came down is told as the stance history has it: "this week", "last week", "N weeks
            # ago" (the brief's "for the 9th week running" beside "has now been cut back" read as two histories)
            cut = rec.direction == "down" and rec.weeks_since_change is not None
            failed_call = say("call_failed", facts + ((Fact("cut", mp.STANCE_RECORD_WEEKS_SINCE_CHANGE, "stance",
                                                            "count"),) if cut else ()),
                              claims + [is_(mp.STANCE_RECORD_UPGRADE_UNDONE, True, "stance", "call")]
                              + ([is_(mp.STANCE_RECORD_DIRECTION, "down", "stance", "change", -1),
                                  is_(mp.STANCE_RECORD_WEEKS_SINCE_CHANGE, rec.weeks_since_change, "stance",
                                      "change age")] if cut else []),
                              to=label(rec.upgrade_to), cut=cut)
        else:
            failed_call = say("call_struggling", facts, claims + [is_(mp.STANCE_RECORD_UPGRADE_UNDONE, False, "stance",
                                                                      "call")], to=label(rec.upgrade_to))
    if rec.changed_weeks_ago == 1:
        change = _change_sentence(r, say)
        # a downgrade that undoes a call toward small caps owns it in the same breath
        return [change] + ([failed_call] if rec.direction == "down" and failed_call is not None else [])
    if rec.changed_weeks_ago is not None and rec.changed_weeks_ago <= 5 and rec.ratio_since_change is not None:
        v = rec.ratio_since_change
        claims = [is_(mp.STANCE_RECORD_WEEKS_SINCE_CHANGE, rec.weeks_since_change, "stance", "change age"),
                  is_(mp.STANCE_RECORD_CHANGED_WEEKS_AGO, rec.changed_weeks_ago, "stance", "change"),
                  is_(mp.STANCE_RECORD_DIRECTION, rec.direction, "stance", "change", +1 if rec.direction == "up" else -1),
                  sign_of(mp.STANCE_RECORD_RATIO_SINCE_CHANGE, v, r.pair, "since change", SHOWN_ZERO)]
        recent = [say(f"changed_recently_{rec.direction}_{sense(v, SHOWN_ZERO)}", (ago, since), claims,
                    to=label(rec.changed_to), previous=label(rec.changed_from))]
        # a step back that undid a call toward small caps still owns that call
        return recent + ([failed_call] if rec.direction == "down" and failed_call is not None else [])
    if failed_call is not None:
        return [failed_call]
    # an unchanged stance is not restated here: the brief's call line gives its run, and the lede where the rules
    # stand (readers met the same stance told three times in one issue)
    return []


# This week's change, told from (last week's stance, this week's, weeks on the current side): a step within the
# lean is an addition or a cut (a cut keeps the lean's age), a change of side is a turn, two steps at once a leap
# or a reversal (readers met "scaled back" for a two-notch flip and "one week old" for a months-old lean).
TRANSITIONS = {("stay_large", "start_lean"): "changed_turn_up", ("start_lean", "lean_further"): "changed_add",
               ("stay_large", "lean_further"): "changed_leap", ("lean_further", "start_lean"): "changed_cut",
               ("start_lean", "stay_large"): "changed_turn_down", ("lean_further", "stay_large"): "changed_reversed"}


def transition_key(before: str, after: str) -> str:
    """The words key for a change from `before` to `after` (TRANSITIONS)."""
    return TRANSITIONS[(before, after)]


def _change_sentence(r: _Rules, say) -> Sentence:
    """This week's change of stance (TRANSITIONS), with the lean's age when a cut leaves it standing."""
    rec = r.m.stance_record
    key = transition_key(rec.changed_from, rec.changed_to)
    claims = [is_(mp.STANCE_RECORD_CHANGED_WEEKS_AGO, 1, "stance", "change"),
              is_(mp.STANCE_RECORD_CHANGED_FROM, rec.changed_from, "stance", "change"),
              is_(mp.STANCE_RECORD_CHANGED_TO, rec.changed_to, "stance", "change"),
              is_(mp.STANCE_RECORD_NOTCHES, rec.notches, "stance", "change", 1 if rec.notches > 0 else -1)]
    facts, capped = (), rec.side_capped   # the lean may be older than the record (metrics._full_run)
    if key == "changed_cut":
        facts = (Fact("side", mp.STANCE_RECORD_WEEKS_ON_SIDE, "stance", "count"),)
        claims.append(is_(mp.STANCE_RECORD_WEEKS_ON_SIDE, rec.weeks_on_side, "stance", "lean age"))
    return say(key, facts, claims, previous=label(rec.changed_from), capped=capped)
