"""The fact-check: every rendered sentence read against metrics.json.

It runs on the words actually rendered (the same text the report, email and
site show), sentence by sentence, and raises a flag when:

* claim         a claim the sentence declares does not hold for this week's numbers;
* number        a number in the text is not one of the sentence's declared figures (at the precision
                shown), or a figure the sentence quotes is missing;
* direction     a direction word (rose, fell, ahead, behind, above, below...) has no declared claim
                of that sense in its sentence, or its claim is about a figure shown as zero ("gained 0.0%");
* subject       a figure or claim belongs to a subject the sentence is not about;
* contradiction two sentences claim opposite things about the same subject and topic;
* ordinal       an ordinal written in digits is wrong ("2th");
* repeat        a sentence appears twice in the issue, or the headline is last week's headline;
* horizon       two sentences tell one quantity (a subject's returns, a yield, the spread) in different
                directions (up, down, flat) over different periods and a sentence does not name its period
                ("falling" in one paragraph, "high and holding" in the next); or a 52-week figure is called
                "on the year" / "this year" (the year to date), or a year-to-date one "over 52 weeks"; or a
                sentence tells a yield's direction over 4 weeks or more against a week's move of 10 bp or more
                the other way, and nothing in its paragraph tells the week (check_against_week);
* superlative   a superlative ("biggest", "highest", "worst", "widest"...) with no declared claim that the
                figure is the extreme (claims.extreme, claims.at_extreme), or "third straight" / "in a row" with
                no declared count of that size;
* headline      a headline implies a direction for a side it names ("small caps rise much faster than large
                caps": large caps rose) that its declared claims do not cover;
* unit          a change in a share or a percentile (percentage points) printed with "%";
* history       "all-time", "a record", "a new high" without a declared claim that the series' history reaches
                back far enough (claims.history_since).

Contradiction covers both a (subject, topic) said to be up and down, and one quantity (see `quantity`) said
to move in opposite directions over the same period.
* intensity     a strength word ("sharp", "surge", "plunge", "soar", "crash", "collapse", "stress", "panic", "calm",
                "quiet", "slump", "tumble", "spike", "huge", "rout"...) in a sentence whose declared claims do not
                bound the move: no threshold claim (a bound other than zero), no extreme, no event flag
                (events.vix_spike, events.market_stress...) and no declared regime; or whose only thresholds are
                below the strength the word needs on that gauge (INTENSITY_FLOOR: a "sharp" yen week is 2.5%);
* pronoun       a sentence opens with a pronoun ("It", "Its", "They", or "This"/"That" as a pronoun) with no sentence
                before it in its paragraph, after a sentence about another subject, or after a sentence that opens
                with another grammatical subject ("Policy is tightening: ... ." then "It has risen ...");
* regime        an interpretive sentence (one that reads a gauge as a mood or a cause: "investors feel safe",
                "policy is easing", "a crowd piling in") declares the market regimes it fits
                (Sentence.regimes), and this week's regime (metrics.json `regime.key`,
                generator/metrics/regime.py) is not one of them.

The rules are pure; so is this: text and metrics in, flags out. The checks live by kind: base (the
classes, a rendered sentence, the patterns), numbers, sentences (one sentence at a time) and horizons
(quantities across sentences); this module runs them in reading order.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, Iterable, Mapping

from generator.commentary.factcheck.base import (CLASSES, DOWN_WORDS, PRONOUN, UP_WORDS, Flag, Rendered, shown_value,
                                                 plain)
from generator.commentary.factcheck.horizons import (check_against_week, check_horizon_words, check_quantities,
                                                     directions, horizon_of, names_horizon, quantity)
from generator.commentary.factcheck.numbers import check_numbers, check_ordinals, check_zero_moves, is_share_change
from generator.commentary.factcheck.sentences import (check_direction, check_headline, check_history,
                                                      check_intensity, check_pair, check_pronoun, check_regime,
                                                      check_subjects, check_superlatives, headline_sides)

def fact_check(rendered: list[Rendered], doc: Mapping[str, Any], *, names: Iterable[str] = (),
               headline: str | None = None, previous_headline: str | None = None,
               roles: Mapping[str, str] | None = None) -> list[Flag]:
    """Every flag for one issue's rendered commentary, in reading order. `roles` names the column's tickers
    ("small", "large", "pair" = small/large, "spread" = small-large, "short_yield"); without them they are read
    from metrics.json's pair."""
    names = [n for n in names if n]
    roles = dict(roles or {})
    found = doc.get("pair")
    pair: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    if pair.get("small") and pair.get("large"):
        roles.setdefault("small", pair["small"])
        roles.setdefault("large", pair["large"])
    if roles.get("small") and roles.get("large"):
        roles.setdefault("pair", f"{roles['small']}/{roles['large']}")
        roles.setdefault("spread", f"{roles['small']}-{roles['large']}")
    flags: list[Flag] = []

    def flag(cls: str, r: Rendered, detail: str) -> None:
        flags.append(Flag(cls, r.sentence.section, r.text, detail))

    seen: dict[str, Rendered] = {}
    by_topic: dict[tuple[str, str], dict[int, Rendered]] = {}
    previous = None
    for r in rendered:
        for claim in r.sentence.claims:
            if not claim.holds(doc):
                flag("claim", r, f"claims {claim.describe()}; it is {shown_value(doc, claim.path)}")
        units: list[str] = []
        for problem in check_numbers(r, doc, names, units):
            flag("number", r, problem)
        for problem in units:
            flag("unit", r, problem)
        for problem in check_horizon_words(r, doc):
            flag("horizon", r, problem)
        for problem in check_superlatives(r, doc):
            flag("superlative", r, problem)
        for problem in check_history(r):
            flag("history", r, problem)
        if r.sentence.section == "headline":
            for problem in check_headline(r, roles):
                flag("headline", r, problem)
        for problem in check_pair(r, roles):
            flag("subject", r, problem)
        for problem in check_direction(r) + check_zero_moves(r, doc):
            flag("direction", r, problem)
        for problem in check_subjects(r):
            flag("subject", r, problem)
        for problem in check_pronoun(r, previous if previous and previous.sentence.section == r.sentence.section
                                     else None):
            flag("pronoun", r, problem)
        for problem in check_intensity(r):
            flag("intensity", r, problem)
        for problem in check_ordinals(r.text):
            flag("ordinal", r, problem)
        for problem in check_regime(r, doc):
            flag("regime", r, problem)
        if r.text in seen and r.text:
            flag("repeat", r, "the same sentence appears earlier in the issue")
        seen.setdefault(r.text, r)
        for claim in r.sentence.claims:
            if claim.sense:
                senses = by_topic.setdefault((claim.subject, claim.topic), {})
                other = senses.get(-claim.sense)
                if other is not None and other is not r:
                    flag("contradiction", r, f"says {claim.subject} ({claim.topic}) is "
                                             f"{'up/high' if claim.sense > 0 else 'down/low'}, "
                                             f"but an earlier sentence says the opposite: {other.text!r}")
                senses.setdefault(claim.sense, r)
        previous = r
    seen_pairs: set[tuple[str, str]] = set()
    for cls, r, detail in check_quantities(rendered, roles, doc):
        if (r.text, detail) not in seen_pairs:
            seen_pairs.add((r.text, detail))
            flag(cls, r, detail)
    for r, detail in check_against_week(rendered, roles, doc):
        flag("horizon", r, detail)
    if headline and previous_headline and headline == previous_headline:
        flags.append(Flag("repeat", "headline", headline, "the same headline as last week's issue"))
    return flags


def flags_document(flags: list[Flag], overridden: Iterable[str] = ()) -> dict[str, Any]:
    """The fact-check block of metrics.json."""
    overridden = set(overridden)
    items = [{**asdict(f), "overridden": f.section in overridden} for f in flags]
    open_flags = [i for i in items if not i["overridden"]]
    return {"passed": not open_flags, "open": len(open_flags), "overridden": len(items) - len(open_flags),
            "by_class": {c: sum(1 for i in open_flags if i["cls"] == c) for c in CLASSES if
                         any(i["cls"] == c for i in open_flags)},
            "flags": items}


def review_text(words, as_of) -> str:
    """review.txt: what the writer must look at before this issue goes out."""
    flags = list(words.flags)
    lines = [f"Fact-check of the issue for {as_of.isoformat()}: "
             f"{len(words.open_flags)} open flag(s), {len(flags) - len(words.open_flags)} overridden by the editor's note."]
    if not flags:
        lines.append("Every sentence agrees with this week's numbers.")
    for f in flags:
        state = "overridden" if f.section in words.overridden else "OPEN"
        lines += ["", f"[{state}] {f.section} / {f.cls}: {f.detail}", f"    {f.sentence}"]
    if words.open_flags:
        lines += ["", "To publish or send anyway: fix the rule or the words, replace the section in the editor's note",
                  "(## replace <section>), or pass --allow-flagged."]
    return "\n".join(lines) + "\n"


__all__ = ["CLASSES", "DOWN_WORDS", "PRONOUN", "UP_WORDS", "Flag", "Rendered", "check_against_week",
           "check_direction", "check_headline", "check_history", "check_horizon_words", "check_intensity",
           "check_numbers", "check_ordinals", "check_pair", "check_pronoun", "check_quantities", "check_regime",
           "check_subjects", "check_superlatives", "check_zero_moves", "directions", "fact_check", "flags_document",
           "headline_sides", "horizon_of", "is_share_change", "names_horizon", "plain", "quantity", "review_text"]
