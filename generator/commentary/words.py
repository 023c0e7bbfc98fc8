"""Declared sentences -> the words a reader sees, and the fact-check over exactly those words.

Each sentence is worded by its macro in templates/words/<section>.html, given
its figures as metrics.json holds them (so the text quotes the very numbers
the fact-check reads) and its names. Every edition (report, PDF, site page,
email) places these rendered sentences; none words commentary of its own.
"""

from __future__ import annotations

import collections
import weakref
import zlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Mapping

from markupsafe import Markup

from generator.commentary import SECTIONS, Commentary
from generator.commentary.claims import STANDING, Sentence
from generator.commentary.factcheck import Flag, Rendered, fact_check, plain
from generator.commentary.news_lines import SECTION_NEWS
from generator.commentary.repeats import KEEP_SENTENCES, TOLD, _figure, _points, _repeats
from generator.data import cut_at
from generator.names import named


@dataclass(frozen=True)
class Words:
    headline: str                                  # plain text (also the email subject's headline)
    standfirst: Markup
    headings: Mapping[str, Markup]
    sections: Mapping[str, tuple[Markup, ...]]     # paragraphs per section
    brief: tuple[Markup, ...] = ()                 # "The week in brief": three lines for skimmers
    notes: Mapping[str, tuple[Markup, ...]] = field(default_factory=dict)  # "Data notes" per section
    rendered: tuple[Rendered, ...] = ()
    flags: tuple[Flag, ...] = ()
    overridden: frozenset[str] = field(default_factory=frozenset)

    @property
    def open_flags(self) -> tuple[Flag, ...]:
        return tuple(f for f in self.flags if f.section not in self.overridden)

    def note_text(self, section: str) -> list[str]:
        """A section's data notes as plain text (the text email)."""
        return [plain(p) for p in self.notes.get(section, ())]

    def text(self, section: str) -> list[str]:
        """A section's paragraphs as plain text (the text email)."""
        return [plain(p) for p in self.sections.get(section, ())]


# A sentence's phrasings: the macro `key` and its variants `key__2`, `key__3`, ... in the same words file.
VARIANT = "__"


def week_number(day: date) -> int:
    """Weeks since a fixed Monday: consecutive weeks differ by one, whatever the week's last session."""
    return (day.toordinal() - 1) // 7


def phrasing(key: str, count: int, week: int) -> int:
    """Which of a slot's `count` phrasings the week uses (0 = the macro `key` itself).

    Deterministic (the same week gives the same bytes) and rotating, so no phrasing is used two weeks
    running; each slot starts at its own offset so that an issue's slots do not all change in step."""
    return (week + zlib.crc32(key.encode())) % count if count > 1 else 0




# A words template's module (its macros, bound to the names) is the same every week for the same template and
# names: made once per process, not once per issue (a whole-history run speaks 1,300 weeks). Keyed by the
# compiled template, so a template edited under `preview` (recompiled into a new object) is made afresh.
_MODULES: "weakref.WeakKeyDictionary[Any, dict[tuple, Any]]" = weakref.WeakKeyDictionary()


def _module(template, names: Mapping[str, Any]):
    key = tuple(sorted(names.items()))
    made = _MODULES.setdefault(template, {})
    if key not in made:
        made[key] = template.make_module(dict(names))
    return made[key]


class _Speaker:
    def __init__(self, env, names: Mapping[str, Any], week: int = 0, rotate: bool = True):
        self.env, self.names, self.week, self.modules = env, names, week, {}
        self.rotate = rotate
        self.variants: dict[tuple[str, str], list[str]] = {}

    def module(self, section: str):
        module = self.modules.get(section)
        if module is None:
            template = self.env.get_template(f"words/{section.replace('-', '_')}.html")
            module = self.modules[section] = _module(template, self.names)
        return module

    def macro(self, section: str, key: str):
        module = self.module(section)
        names = self.variants.get((section, key))
        if names is None:
            if getattr(module, key, None) is None:
                raise KeyError(f"templates/words/{section.replace('-', '_')}.html has no macro {key!r}")
            names, n = [key], 2
            while getattr(module, f"{key}{VARIANT}{n}", None) is not None:
                names.append(f"{key}{VARIANT}{n}")
                n += 1
            self.variants[(section, key)] = names
        if not self.rotate:
            return getattr(module, names[0])
        return getattr(module, names[phrasing(f"{section}/{key}", len(names), self.week)])

    def refers_back(self, s: Sentence, again: set[str], doc: Mapping[str, Any]) -> Sentence | None:
        """The sentence worded to refer back to the facts at paths `again` (told earlier) without their figures,
        when its words file has a `<key>_told` macro that needs none of them; None otherwise."""
        from dataclasses import replace

        from jinja2.exceptions import UndefinedError

        key = s.key.split(VARIANT)[0] + TOLD
        if getattr(self.module(s.words or s.section), key, None) is None:
            return None
        shorter = replace(s, key=key, facts=tuple(f for f in s.facts if f.path not in again))
        words = s.words or s.section
        self.macro(words, key)   # finds the macro's phrasings (self.variants); each is tried
        figures = {f.name: _figure(f.unit, f.value(doc)) for f in shorter.facts}
        try:
            for name in self.variants[(words, key)]:
                getattr(self.module(words), name)(figures, dict(shorter.extra))
        except (UndefinedError, TypeError):
            return None   # a phrasing quotes a figure told before: the sentence gives way instead
        return shorter

    def __call__(self, s: Sentence, doc: Mapping[str, Any]) -> Markup:
        macro = self.macro(s.words or s.section, s.key)
        figures = {f.name: _figure(f.unit, f.value(doc)) for f in s.facts}
        return Markup(" ".join(str(macro(figures, dict(s.extra))).split()))


def _week_of(doc: Mapping[str, Any]) -> int:
    day = doc.get("as_of")
    if isinstance(day, str):
        day = date.fromisoformat(day[:10])
    return week_number(day) if isinstance(day, date) else 0




# The commentary's length (headline, brief, standfirst, headings and sections' prose, in words; data notes aside).
# Space follows news: the week's budget (`word_budget`) grows with its newsworthy facts, and past it sentences
# give way, quiet sections first (those whose news facts are
# ordinary this week, `section_news`), and within a section the least needed first: first the sentences marked
# optional (the highest `optional` first), then in quiet sections the sentences that quote no figure and then
# everything after the opening two sentences, so that a section whose gauges did not move says so briefly and leaves
# its figures to its table and chart; last, in a week busy enough to need it, any section's background and its
# sentences after the third. Every section keeps at least one sentence.
MAX_WORDS = 860
# A week with no newsworthy fact gets QUIET_WORDS; each newsworthy fact (generator/metrics/news/) earns
# WORDS_PER_FACT more, up to MAX_WORDS.
QUIET_WORDS, WORDS_PER_FACT = 600, 60
# A section whose rarest fact this week scores below this is quiet.
QUIET = 0.9
# Sections that always keep their opening sentences whole: the call is the column's point.
KEEP = {"positioning"}
# The prose an issue keeps when standing sentences give way (the column's 500-word floor, with room for the repeats
# the issue still gives up and the glosses placed after trimming).
FLOOR_WORDS = 560


def word_budget(doc: Mapping[str, Any]) -> int:
    """The issue's length in words of prose, earned by the week's news."""
    items = (doc.get("news") or {}).get("items") or {}
    newsworthy = sum(1 for i in items.values() if i.get("newsworthy"))
    return min(MAX_WORDS, QUIET_WORDS + WORDS_PER_FACT * newsworthy)


def section_news(doc: Mapping[str, Any]) -> dict[str, float]:
    """Each section's news this week: the highest score among its facts (0 when none is ranked)."""
    items = (doc.get("news") or {}).get("items") or {}
    return {name: max((items[k]["score"] for k in keys if k in items), default=0.0)
            for name, keys in SECTION_NEWS.items()}


def _trim(texts: dict[int, str], sentences: list[Sentence], paragraphs: list[int],
          news: Mapping[str, float] | None = None, in_sections: set[int] | None = None,
          budget: int = MAX_WORDS, reserve: int = 0, hard: int | None = None, floor: int = FLOOR_WORDS) -> set[int]:
    """Which sentences (by position) to leave out so the commentary fits the week's budget, `reserve` words of it
    kept for the jargon glosses placed after trimming. A sentence the next one in its paragraph refers back to
    ("It sits 2% above...") stays."""
    from generator.commentary.factcheck import PRONOUN

    news = news or {}
    total = sum(len(t.split()) for i, t in texts.items() if sentences[i].kind == "prose") + reserve
    seen: dict[str, int] = {}
    place: dict[int, int] = {}   # a section sentence's position within its section's prose
    for i, s in enumerate(sentences):
        if s.kind == "prose" and i in (in_sections or ()):
            place[i] = seen.get(s.section, 0)
            # optional sentences do not count: "the opening two" are two that stay when the optional go
            seen[s.section] = place[i] + (0 if s.optional else 1)

    def quiet(s: Sentence) -> bool:
        return news.get(s.section, 0.0) < QUIET

    def rank(i: int):
        s = sentences[i]
        if s.optional:
            return (0, not quiet(s), -s.optional, i)
        # then sentences that quote no figure (background a regular reader knows), then later sentences; quiet
        # sections first, and among them the quietest; the call's section last
        tier = 4 if s.section in KEEP else 1 if quiet(s) else 3
        return (tier, bool(s.facts), news.get(s.section, 0.0), -place.get(i, 0), i)

    def candidate(i: int, s: Sentence) -> bool:
        if s.kind != "prose" or s.answers or s.core or (s.section, s.key.split("_")[0]) in KEEP_SENTENCES:
            return False
        if s.optional:
            return True
        if i not in place:
            return False
        if s.section in KEEP:
            # the case, the verdict, the stance, the advice and this week's change of call always stay, and so does
            # the record's lesson (the sections' core gauges must not push a change of call out)
            return (place[i] >= 4 and s.words != "track"
                    and not s.key.startswith(("case", "verdict", "stance", "advice", "call_failed"))
                    and not (s.key.startswith("changed") and not s.key.startswith("changed_recently")))
        if not s.facts:
            return True
        return place[i] >= (2 if quiet(s) else 3)

    candidates = {i for i, s in enumerate(sentences) if candidate(i, s)}
    left = collections.Counter(sentences[i].section for i in place)
    dropped: set[int] = set()
    for i in sorted(candidates, key=rank):
        if total <= budget:
            # under budget, only a quiet section's standing sentences still give way (they rank first), down to the
            # floor
            if not (sentences[i].optional == STANDING and quiet(sentences[i])):
                break
            if total - len(texts[i].split()) < floor:
                continue
        after = next((j for j in range(i + 1, len(sentences)) if j not in dropped), None)
        if after is not None and paragraphs[after] == paragraphs[i] and (PRONOUN.match(texts[after])
                                                                          or sentences[after].follows):
            continue
        leans = sentences[i].follows or bool(PRONOUN.match(texts[i]))
        if i in place and left[sentences[i].section] <= (2 if leans else 1):
            continue   # every section keeps a sentence (an answer with its question)
        if i in place:
            left[sentences[i].section] -= 1
        dropped.add(i)
        total -= len(texts[i].split())
        # a sentence that answered the one before it goes with it when that one was only its question
        before = next((j for j in range(i - 1, -1, -1) if j not in dropped), None)
        if (sentences[i].follows and before is not None and before in candidates and paragraphs[before] == paragraphs[i]
                and not sentences[before].facts and left[sentences[before].section] > 1):
            left[sentences[before].section] -= 1
            dropped.add(before)
            total -= len(texts[before].split())
    hard = HARD_MAX if hard is None else hard
    if total > hard:
        # a week so busy that even its core gauges pass the column's length: a section's second and later core
        # sentences give way, the last first, so each section still prints its first core gauge
        firsts: dict[str, int] = {}
        for i, s in enumerate(sentences):
            if s.core and i in place and i not in dropped:
                firsts.setdefault(s.section, i)
        spare = [i for i, s in enumerate(sentences)
                 if s.core and i in place and i not in dropped and firsts.get(s.section) != i]
        for i in reversed(spare):
            if total <= hard:
                break
            dropped.add(i)
            total -= len(texts[i].split())
    return dropped



# The column's hard limit (issue 26: 500-900 words of prose), a little under it for the glosses placed after trimming:
# past it, a section's second core gauge gives way too (`_trim`).
HARD_MAX = 800


def speak(env, c: Commentary, doc: Mapping[str, Any], names: Mapping[str, Any], *,
          previous_headline: str | None = None, overridden: frozenset[str] = frozenset(), rotate: bool = True) -> Words:
    """Render every declared sentence, trim the optional ones if the issue runs long, and fact-check the
    result. `rotate` False speaks every slot's first phrasing, whatever the week (settings' output.phrasing)."""
    say = _Speaker(env, names, _week_of(doc), rotate)
    # (paragraph number, place, sentence) in reading order; place is "headline", "standfirst",
    # ("heading", section) or ("section", section)
    slots: list[tuple[int, Any, Sentence]] = [(0, "headline", c.headline)]
    # each line of the brief stands alone (a paragraph of its own)
    slots += [(1 + i, "brief", s) for i, s in enumerate(c.brief)]
    number = 1 + len(c.brief)
    slots += [(number, "standfirst", s) for s in c.standfirst]
    for name in SECTIONS:
        if name in c.headings:
            number += 1
            slots.append((number, ("heading", name), c.headings[name]))
        for paragraph in c.sections.get(name, ()):
            number += 1
            slots += [(number, ("section", name), s) for s in paragraph]
    sentences = [s for _, _, s in slots]
    texts = {i: say(s, doc) for i, s in enumerate(sentences)}
    in_sections = {i for i, (_, place, _) in enumerate(slots) if isinstance(place, tuple) and place[0] == "section"}
    column = {i for i, (_, place, _) in enumerate(slots) if place == "standfirst"} | in_sections
    # the words the repeats will save, estimated on the untrimmed issue, are left to the budget: an issue trimmed to
    # its budget and then cleared of repeats would run short
    plain_texts = {i: plain(t) for i, t in texts.items()}
    saved = sum(len(plain_texts[i].split()) for i in _repeats(plain_texts, sentences, [p for p, _, _ in slots],
                                                             column, set(), say.refers_back, doc, in_sections)[0])
    over = 0
    for _ in range(3):
        words = _speak_trimmed(say, doc, names, slots, sentences, texts, plain_texts, in_sections, column, saved,
                               over, previous_headline, overridden)
        length = prose_length(words)
        if length <= OVER_LIMIT:
            break
        # the repeats saved fewer words than estimated (or a restored repeat came back): the hard limit comes down
        # by the overshoot, rather than print a column past the limit (two sample weeks ran 903-905 words)
        over += length - OVER_LIMIT + 10
    return words


def prose_length(words: Words) -> int:
    """The column's prose in words, as the history's length target counts it (generator/history.py)."""
    return sum(len(r.text.split()) for r in words.rendered if r.sentence.kind == "prose")


# The length past which a trimmed column is trimmed again (issue 26's limit is 900 words of prose).
OVER_LIMIT = 890


def _speak_trimmed(say: _Speaker, doc: Mapping[str, Any], names: Mapping[str, Any], slots: list, sentences: list,
                   texts: dict, plain_texts: dict, in_sections: set[int], column: set[int], saved: int, over: int,
                   previous_headline: str | None, overridden: frozenset[str]) -> Words:
    """The issue's words, trimmed to the week's budget (plus the words the repeats are estimated to save) and a hard
    limit `over` words lower than that, cleared of repeats and assembled."""
    dropped = _trim(plain_texts, sentences, [p for p, _, _ in slots], section_news(doc), in_sections,
                    min(MAX_WORDS, word_budget(doc) + saved), hard=HARD_MAX + saved - over,
                    floor=FLOOR_WORDS + saved)
    # the standfirst tells the week's news whatever it repeats; the sections refer back to it
    repeats, back = _repeats(plain_texts, sentences, [p for p, _, _ in slots], column, dropped, say.refers_back, doc,
                             in_sections)
    pointless, reworded = _points(sentences, column, dropped | repeats, say.refers_back, doc)
    repeats |= pointless
    back.update({i: s for i, s in reworded.items() if i not in back})
    told = dict(texts)
    told.update({i: say(s, doc) for i, s in back.items()})
    told_slots = [(p, place, back.get(i, s)) for i, (p, place, s) in enumerate(slots)]
    words = _assemble(told_slots, told, dropped | repeats, say, doc, names, previous_headline, overridden)
    # a repeat whose leaving raises a flag (a thirteen-week move told without the week that ran against it, which
    # the left-out sentence gave) stays in its section, as first written
    flagged = {f.section for f in words.flags} & {sentences[i].section for i in repeats | back.keys()}
    if flagged:
        repeats = {i for i in repeats if sentences[i].section not in flagged}
        told_slots = [(p, place, s if s.section in flagged else back.get(i, s))
                      for i, (p, place, s) in enumerate(slots)]
        told = {i: texts[i] if sentences[i].section in flagged else t for i, t in told.items()}
        words = _assemble(told_slots, told, dropped | repeats, say, doc, names, previous_headline, overridden)
    return words


def _assemble(slots: list, texts: dict, dropped: set[int], say: _Speaker, doc: Mapping[str, Any],
              names: Mapping[str, Any], previous_headline: str | None, overridden: frozenset[str]) -> Words:
    """The issue's words from its rendered sentences less those `dropped`, glossed and fact-checked."""
    kept = [(p, place, s, texts[i]) for i, (p, place, s) in enumerate(slots) if i not in dropped]
    printed = _glossed(_qualified(kept), say, doc, names)
    rendered: list[Rendered] = []
    standfirst: list[Markup] = []
    brief: list[Markup] = []
    notes: dict[str, list[Markup]] = {}
    headings: dict[str, Markup] = {}
    paragraphs: dict[str, dict[int, list[Markup]]] = {name: {} for name in SECTIONS}
    texts = dict(enumerate(text for _, _, _, text in printed))
    for i, (paragraph, place, s, _) in enumerate(printed):
        rendered.append(Rendered(s, plain(texts[i]), paragraph))
        if place == "standfirst":
            standfirst.append(texts[i])
        elif place == "brief":
            brief.append(texts[i])
        elif s.kind == "note" and place != "headline" and place[0] == "section":
            notes.setdefault(place[1], []).append(texts[i])
        elif place != "headline" and place[0] == "heading":
            headings[place[1]] = texts[i]
        elif place != "headline":
            paragraphs[place[1]].setdefault(paragraph, []).append(texts[i])
    sections = {name: tuple(Markup(" ").join(p) for p in by.values()) for name, by in paragraphs.items()}
    headline = texts[0]
    # with every slot on its first phrasing (output.phrasing: first) a story that lasts repeats its headline
    roles = {k: names[k] for k in ("small", "large", "short_yield") if isinstance(names.get(k), str)}
    flags = fact_check(rendered, doc, names=[str(v) for v in names.values() if isinstance(v, str)],
                       headline=plain(headline), previous_headline=previous_headline if say.rotate else None,
                       roles=roles)
    return Words(plain(headline), Markup(" ").join(standfirst), headings, sections, tuple(brief),
                 {k: tuple(v) for k, v in notes.items()}, tuple(rendered), tuple(flags), overridden)


def _qualified(printed: list) -> list:
    """The printed rows (paragraph, place, sentence, text) less the data notes that qualify a subject
    (`Sentence.qualifies`) no printed prose sentence of their section is about: a caveat on breadth counts beside no
    breadth count reads as an orphan (readers met it in weeks whose breadth sentences the budget had left out)."""
    about = {(s.section, subject) for _, _, s, _ in printed if s.kind == "prose" for subject in s.subjects}
    return [row for row in printed if row[2].qualifies is None or (row[2].section, row[2].qualifies) in about]


def _glossed(printed: list, say, doc: Mapping[str, Any], names: Mapping[str, Any]) -> list:
    """The printed sentences (paragraph, place, sentence, text) with each jargon term's gloss, a note, after its
    first use in a section's prose (generator/commentary/glossary.py)."""
    from generator.commentary.glossary import place

    plain_texts = [plain(t) for _, _, _, t in printed]
    # a term is explained in the notes of the section that first uses it (the standfirst and brief summarize)
    prose = [where not in ("headline", "standfirst", "brief") and where[0] == "section" and s.kind == "prose"
             for _, where, s, _ in printed]
    sections = [s.section for _, _, s, _ in printed]
    after: dict[int, list] = {}
    for i, g in place(plain_texts, sections, [p for p, _, _, _ in printed], prose, names):
        after.setdefault(i, []).append(g)
    out = []
    for i, row in enumerate(printed):
        out.append(row)
        for g in after.get(i, ()):
            out.append((row[0], row[1], g, say(g, doc)))
    return out


def word_names(settings, m) -> dict[str, Any]:
    """The names every words template may use."""
    return {"small": m.small, "large": m.large, "small_name": settings.pair.small_name,
            "large_name": settings.pair.large_name, "reference_year": settings.lookbacks.reference_high_year,
            "short_yield": settings.tickers.short_yield or "",
            # the tech index by name ("the Nasdaq-100 fund (QQQ)"): its digits are no figure (metrics/news/cross.py)
            "tech_name": named(settings.tickers.tech) if settings.tickers.tech else ""}


def write_words(m, market, settings, env, *, note=None, previous_headline: str | None = None):
    """The commentary path: declared sentences, metrics.json's numbers, rendered words and their fact-check.

    Returns (commentary, words, doc); `doc` is metrics.json without its headline and fact_check blocks,
    which the caller adds once the editor's note is applied."""
    from generator.commentary import write_commentary
    from generator.metrics.document import metrics_document

    c = write_commentary(m, settings)
    doc = metrics_document(m, market, settings)
    overridden = note.overridden() if note is not None else frozenset()
    return c, speak(env, c, doc, word_names(settings, m), previous_headline=previous_headline,
                    overridden=overridden,
                    rotate=settings.output.phrasing == "rotate"), doc


def previous_headline(market, settings, env, session, *, published=None, calls=None) -> str | None:
    """The headline of the issue for the week before `session`'s (None when there is no such week).
    `published(day)` gives the headline an issue of that week already printed (the build reads it from that
    issue's metrics.json), which is taken instead of computing that week's metrics and words again; `calls`: the
    stance table the caller computed (generator/metrics/stance.py)."""
    from generator.commentary import write_commentary
    from generator.metrics import compute_metrics
    from generator.metrics.document import metrics_document
    from generator.metrics.periods import last_on_or_before, week_start

    if settings.output.phrasing == "first":
        return None  # every week speaks its slots' first phrasing: a story that lasts repeats its headline
    small, large = settings.pair.small, settings.pair.large
    index = market[small].frame.index.intersection(market[large].frame.index)
    before = last_on_or_before(index, week_start(session.date()) - timedelta(days=1))
    if before is None or index.get_loc(before) < 2:
        return None

    told = published(before.date()) if published is not None else None
    if told:
        return told
    cut = cut_at(market, before)
    m = compute_metrics(cut, settings, before, calls)
    c = write_commentary(m, settings)
    doc = metrics_document(m, cut, settings)
    say = _Speaker(env, word_names(settings, m), _week_of(doc))
    return plain(say(c.headline, doc))
