"""Editor's notes: an optional Markdown file per issue, `<notes_dir>/<YYYY-MM-DD>.md`.

    # A replacement headline (optional; the first line, a level-1 heading)

    An opening paragraph shown above the first section (optional).

    ## positioning
    A paragraph added at the end of that section. Any Markdown: emphasis, lists, links.

    ## replace risks
    Text that replaces the generated paragraphs of that section: the editor's override of
    a paragraph the fact-check flagged (its flags are then recorded as overridden).

Section names: see SECTIONS. Markdown is rendered with raw HTML disabled, so
`<script>` or any other tag in a note shows as text; links are limited to
safe schemes by the renderer. A note naming an unknown section is an error
(file and line), so a typo is never silently dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Mapping

from markupsafe import Markup

from generator.errors import CapweeklyError

SECTIONS = ("lede", "divergence", "rates", "long-view", "sectors", "policy", "junk", "risks", "positioning")


class NotesError(CapweeklyError):
    category = "notes error"


@dataclass(frozen=True)
class EditorNote:
    headline: str | None = None
    sections: Mapping[str, Markup] = field(default_factory=dict)
    path: str | None = None
    replaces: frozenset[str] = frozenset()   # sections whose generated text the note replaces

    def overridden(self) -> frozenset[str]:
        """Commentary sections whose words the editor has taken over (the headline too, if given)."""
        sections = set(self.replaces) | ({"headline"} if self.headline else set())
        if "sectors" in sections:
            sections.add("sectors-map")
        return frozenset(sections)


def _render(markdown: str) -> Markup:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": True})
    # The renderer escapes raw HTML (html=False) and refuses javascript:/vbscript:/data: links.
    return Markup(md.render(markdown))


def parse_note(text: str, path: str) -> EditorNote:
    lines = text.splitlines()
    headline = None
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start < len(lines) and lines[start].startswith("# "):
        headline = lines[start][2:].strip() or None
        start += 1
    chunks: dict[str, list[str]] = {"lede": []}
    current = "lede"
    replaces = set()
    for number, line in enumerate(lines[start:], start=start + 1):
        if line.startswith("## "):
            name = line[3:].strip().lower()
            replace = name.startswith("replace ")
            if replace:
                name = name[len("replace "):].strip()
            if name not in SECTIONS:
                raise NotesError(f"{path}: line {number}: unknown section {name!r}",
                                 f"use one of: {', '.join(SECTIONS)}")
            current = name
            chunks.setdefault(current, [])
            if replace:
                replaces.add(name)
        elif line.startswith("# "):
            raise NotesError(f"{path}: line {number}: only the first line may be a '# ' headline",
                             "use '## section' for section notes")
        else:
            chunks[current].append(line)
    sections = {name: _render("\n".join(body)) for name, body in chunks.items() if "\n".join(body).strip()}
    missing = sorted(n for n in replaces if n not in sections)
    if missing:
        raise NotesError(f"{path}: '## replace {missing[0]}' has no text", "write the replacement paragraph under it")
    return EditorNote(headline, sections, path, frozenset(replaces))


def load_note(folder: Path | None, as_of: date) -> EditorNote:
    """The note for an issue, or an empty note when there is none."""
    if folder is None:
        return EditorNote()
    path = folder / f"{as_of.isoformat()}.md"
    if not path.is_file():
        return EditorNote()
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise NotesError(f"{path}: not UTF-8 text", "save the note as UTF-8") from None
    return parse_note(text, str(path))
