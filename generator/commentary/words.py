"""Declared sentences -> the words a reader sees, and the fact-check over exactly those words.

Each sentence is worded by its macro in templates/words/<section>.html, given
its figures as metrics.json holds them (so the text quotes the very numbers
the fact-check reads) and its names. Every edition (report, PDF, site page,
email) places these rendered sentences; none words commentary of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Mapping

from markupsafe import Markup

from generator.commentary import SECTIONS, Commentary
from generator.commentary.claims import MISSING, Sentence, home
from generator.commentary.factcheck import Flag, Rendered, fact_check, plain


@dataclass(frozen=True)
class Words:
    headline: str                                  # plain text (also the email subject's headline)
    standfirst: Markup
    headings: Mapping[str, Markup]
    sections: Mapping[str, tuple[Markup, ...]]     # paragraphs per section
    rendered: tuple[Rendered, ...] = ()
    flags: tuple[Flag, ...] = ()
    overridden: frozenset[str] = field(default_factory=frozenset)

    @property
    def open_flags(self) -> tuple[Flag, ...]:
        return tuple(f for f in self.flags if home(f.section) not in self.overridden)

    def text(self, section: str) -> list[str]:
        """A section's paragraphs as plain text (the text email)."""
        return [plain(p) for p in self.sections.get(section, ())]


def _figure(unit: str, value: Any) -> Any:
    if unit == "date" and isinstance(value, str):
        return date.fromisoformat(value[:10])
    return None if value is MISSING else value


class _Speaker:
    def __init__(self, env, names: Mapping[str, Any]):
        self.env, self.names, self.modules = env, names, {}

    def __call__(self, s: Sentence, doc: Mapping[str, Any]) -> Markup:
        module = self.modules.get(s.section)
        if module is None:
            template = self.env.get_template(f"words/{s.section.replace('-', '_')}.html")
            module = self.modules[s.section] = template.make_module(dict(self.names))
        macro = getattr(module, s.key, None)
        if macro is None:
            raise KeyError(f"templates/words/{s.section.replace('-', '_')}.html has no macro {s.key!r}")
        figures = {f.name: _figure(f.unit, f.value(doc)) for f in s.facts}
        return Markup(" ".join(str(macro(figures, dict(s.extra))).split()))


def speak(env, c: Commentary, doc: Mapping[str, Any], names: Mapping[str, Any], *,
          previous_headline: str | None = None, overridden: frozenset[str] = frozenset()) -> Words:
    """Render every declared sentence and fact-check the result."""
    say = _Speaker(env, names)
    rendered: list[Rendered] = []

    def words(paragraph: int, s: Sentence) -> Markup:
        text = say(s, doc)
        rendered.append(Rendered(s, plain(text), paragraph))
        return text

    number = 0
    headline = words(number, c.headline)
    number += 1
    standfirst = Markup(" ").join(words(number, s) for s in c.standfirst)
    headings, sections = {}, {}
    for name in SECTIONS:
        if name in c.headings:
            number += 1
            headings[name] = words(number, c.headings[name])
        paragraphs = []
        for paragraph in c.sections.get(name, ()):
            number += 1
            paragraphs.append(Markup(" ").join(words(number, s) for s in paragraph))
        sections[name] = tuple(paragraphs)
    flags = fact_check(rendered, doc, names=[str(v) for v in names.values() if isinstance(v, str)],
                       headline=plain(headline), previous_headline=previous_headline)
    return Words(plain(headline), standfirst, headings, sections, tuple(rendered), tuple(flags), overridden)


def word_names(settings, m) -> dict[str, Any]:
    """The names every words template may use."""
    return {"small": m.small, "large": m.large, "small_name": settings.pair.small_name,
            "large_name": settings.pair.large_name, "reference_year": settings.lookbacks.reference_high_year}


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
                    overridden=overridden), doc


def previous_headline(market, settings, env, session) -> str | None:
    """The headline of the issue for the week before `session`'s (None when there is no such week)."""
    from generator.commentary import write_commentary
    from generator.metrics import compute_metrics
    from generator.metrics.document import metrics_document
    from generator.metrics.periods import last_on_or_before, week_start

    small, large = settings.pair.small, settings.pair.large
    index = market[small].frame.index.intersection(market[large].frame.index)
    before = last_on_or_before(index, week_start(session.date()) - timedelta(days=1))
    if before is None or index.get_loc(before) < 2:
        return None
    from generator.pipeline import cut_at

    cut = cut_at(market, before)
    m = compute_metrics(cut, settings, before)
    c = write_commentary(m, settings)
    say = _Speaker(env, word_names(settings, m))
    return plain(say(c.headline, metrics_document(m, cut, settings)))
