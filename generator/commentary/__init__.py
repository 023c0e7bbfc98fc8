"""Commentary rules: metrics in, declared sentences out. No I/O, no wording.

Each section is a tuple of paragraphs, each a tuple of `Sentence`s (see
claims.py): which words template says it, the figures it quotes (paths into
metrics.json) and what it claims about them. The words live in
templates/words/, so a writer can reword a sentence without touching code;
what a sentence *claims* is decided here, where the fact-check can verify it
(generator/commentary/factcheck/).

Each section's rules live in their own module (generator/commentary/sections/); the names they share in
rules.py; the decision-table helper in table.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from generator.commentary.claims import Paragraph, Sentence
from generator.commentary.rules import _Rules
from generator.commentary.sections import (divergence, junk, long_view, policy, positioning, rates, risks, sectors,
                                           story)
from generator.metrics import WeeklyMetrics
from generator.settings import Settings

SECTIONS = ("divergence", "rates", "long-view", "sectors", "sectors-map", "policy", "junk", "risks", "positioning")


@dataclass(frozen=True)
class Commentary:
    headline: Sentence
    standfirst: Paragraph
    headings: Mapping[str, Sentence]
    sections: Mapping[str, tuple[Paragraph, ...]]
    brief: Paragraph = ()                          # "The week in brief": three lines for skimmers

    def keys(self, section: str) -> list[str]:
        """The words keys a section uses, in order ("headline" and "lede" included), for tests and tools."""
        if section == "headline":
            return [self.headline.key]
        if section == "lede":
            return [s.key for s in self.standfirst]
        if section == "brief":
            return [s.key for s in self.brief]
        found = [self.headings[section].key] if section in self.headings else []
        return found + [s.key for p in self.sections.get(section, ()) for s in p]


def write_commentary(m: WeeklyMetrics, settings: Settings) -> Commentary:
    r = _Rules(m, settings)
    sector_paragraphs, sector_map = sectors.section(r)
    from generator.commentary.news_lines import brief, section_opening

    sections = {"divergence": divergence.section(r), "rates": rates.section(r), "long-view": long_view.section(r),
                "sectors": sector_paragraphs, "sectors-map": sector_map, "policy": policy.section(r),
                "junk": junk.section(r), "risks": risks.section(r), "positioning": positioning.section(r)}
    # each section opens with what changed this week, when its news is rare and the standfirst has not told it
    for name, paragraphs in sections.items():
        opening = section_opening(r, name)
        if opening is not None:
            sections[name] = ((opening,), *paragraphs)
    return Commentary(
        headline=story.headline(r), standfirst=story.standfirst(r), brief=brief(r, story.call_line(r)),
        headings={"long-view": long_view.heading(r), "policy": policy.heading(r)},
        sections=sections,
    )
