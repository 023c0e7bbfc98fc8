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

Images: `![alt](chart.png)` names a PNG, JPEG, GIF or WebP file inside the
notes folder; the build copies it into the issue (`notes/<hash>.<ext>`) and
every edition (PDF, report, site, email) shows that copy. A remote image
(`https://host/x.png`) is refused unless its host is listed in
`notes.allowed_image_hosts` (empty by default: a remote image in an email is a
tracking pixel, and in the PDF a request from the build machine). Any other
image source (absolute paths, `..` out of the folder, file:, data:, other
schemes) is an error naming the file and line.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Callable, Iterable, Mapping
from urllib.parse import unquote, urlsplit

from markupsafe import Markup

from generator.errors import CapweeklyError

SECTIONS = ("lede", "divergence", "rates", "long-view", "sectors", "policy", "junk", "risks", "positioning")


MAX_NOTE_BYTES = 256 * 1024
MAX_IMAGE_BYTES = 2 * 1024 * 1024
IMAGE_TYPES = {  # extension -> (MIME subtype, file signatures)
    ".png": ("png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("jpeg", (b"\xff\xd8\xff",)),
    ".gif": ("gif", (b"GIF87a", b"GIF89a")),
    ".webp": ("webp", (b"RIFF",)),
}
# Image sources in rendered note HTML until an edition says where its copy lives (EditorNote.with_images).
IMAGE_PLACEHOLDER = "capweekly-note-image:"


class NotesError(CapweeklyError):
    category = "notes error"


@dataclass(frozen=True)
class NoteImage:
    name: str      # the copy's file name in the notes/ folder: content hash + extension
    source: Path   # the file in the notes folder

    @property
    def subtype(self) -> str:
        return IMAGE_TYPES[Path(self.name).suffix][0]


@dataclass(frozen=True)
class EditorNote:
    headline: str | None = None
    sections: Mapping[str, Markup] = field(default_factory=dict)
    path: str | None = None
    replaces: frozenset[str] = frozenset()   # sections whose generated text the note replaces
    images: tuple[NoteImage, ...] = ()       # local images, copied into the issue by the build

    def with_images(self, src: Callable[[str], str]) -> "EditorNote":
        """The note as one edition shows it: each local image's source is `src(copy name)`."""
        if not self.images:
            return self
        def swap(html: Markup) -> Markup:
            text = str(html)
            for image in self.images:
                text = text.replace(f'src="{IMAGE_PLACEHOLDER}{image.name}"', f'src="{Markup.escape(src(image.name))}"')
            return Markup(text)
        return replace(self, sections={k: swap(v) for k, v in self.sections.items()})

    def inline_images(self) -> "EditorNote":
        """The note with its local images as data: URIs read from the notes folder (for the preview, which
        writes no issue folder)."""
        import base64

        by_name = {i.name: i for i in self.images}
        return self.with_images(lambda name: f"data:image/{by_name[name].subtype};base64,"
                                + base64.b64encode(by_name[name].source.read_bytes()).decode("ascii"))

    def overridden(self) -> frozenset[str]:
        """Commentary sections whose words the editor has taken over (the headline too, if given)."""
        sections = set(self.replaces) | ({"headline"} if self.headline else set())
        if "sectors" in sections:
            sections.add("sectors-map")
        return frozenset(sections)


class _Images:
    """Checks every image of a note against the policy and records the local ones."""

    def __init__(self, path: str, folder: Path | None, allowed_hosts: Iterable[str]) -> None:
        self.path, self.folder = path, folder
        self.hosts = frozenset(h.strip().lower() for h in allowed_hosts if h.strip())
        self.found: dict[str, NoteImage] = {}

    def _error(self, line: int, src: str, problem: str, hint: str) -> NotesError:
        shown = src if len(src) <= 80 else src[:77] + "..."
        return NotesError(f"{self.path}: line {line}: image {shown!r} {problem}", hint)

    def check(self, src: str, line: int) -> str:
        """The src the rendered HTML gets, or NotesError."""
        parts = urlsplit(src)
        if parts.scheme or src.startswith("//"):
            scheme = parts.scheme.lower()
            if scheme in ("http", "https"):
                host = (parts.hostname or "").lower()
                netloc = f"{host}:{parts.port}" if parts.port else host
                if host and (host in self.hosts or netloc in self.hosts):
                    return src
                raise self._error(line, src, f"is on {netloc or 'an unnamed host'!r}, which is not in "
                                  "notes.allowed_image_hosts",
                                  "put the image in the notes folder and name it by its file name, or add the "
                                  "host to notes.allowed_image_hosts in settings.yaml")
            raise self._error(line, src, f"uses {scheme or 'a host-relative'}: source, which is never fetched",
                              "put the image in the notes folder and name it by its file name")
        rel = unquote(parts.path)
        if self.folder is None:
            raise self._error(line, src, "cannot be found: no notes folder", "set notes_dir in settings.yaml")
        if not rel or rel.startswith("/") or "\\" in rel or "\x00" in rel:
            raise self._error(line, src, "is not a file name inside the notes folder",
                              f"copy the image into {self.folder} and name it relative to it")
        root = self.folder.resolve()
        try:
            target = (root / rel).resolve()
        except (OSError, RuntimeError, ValueError):
            target = None
        if target is None or root not in target.parents:
            raise self._error(line, src, "is outside the notes folder",
                              f"copy the image into {self.folder} and name it relative to it")
        kind = IMAGE_TYPES.get(target.suffix.lower())
        if kind is None:
            raise self._error(line, src, "is not a PNG, JPEG, GIF or WebP file",
                              "export the image as PNG or JPEG (SVG is refused: it can carry scripts and links)")
        try:
            if not target.is_file():
                raise self._error(line, src, f"does not exist in {self.folder}", "check the file name")
            size = target.stat().st_size
            if size > MAX_IMAGE_BYTES:
                raise self._error(line, src, f"is {size // 1024} KB, over the {MAX_IMAGE_BYTES // 1024} KB limit",
                                  "make the image smaller")
            data = target.read_bytes()
        except OSError as exc:
            raise self._error(line, src, f"cannot be read ({exc.strerror})", "check the file's permissions") from None
        if not data.startswith(kind[1]) or (target.suffix.lower() == ".webp" and data[8:12] != b"WEBP"):
            raise self._error(line, src, f"is not really a {kind[0].upper()} file (its first bytes do not match)",
                              "export the image again")
        ext = ".jpg" if kind[0] == "jpeg" else target.suffix.lower()
        name = hashlib.sha256(data).hexdigest()[:16] + ext
        self.found.setdefault(name, NoteImage(name, target))
        return IMAGE_PLACEHOLDER + name


def _render(markdown: str, numbers: list[int], images: _Images) -> Markup:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": True})
    # The renderer escapes raw HTML (html=False) and refuses javascript:/vbscript:/file:/data: links.
    lines = markdown.split("\n")
    # It would also leave an image with such a source as literal text (`![x](file:///etc/hostname)` shown to
    # readers): a first pass that accepts every source puts each image before the fetch policy, which stops
    # the build at the note's file and line.
    loose = MarkdownIt("commonmark", {"html": False, "linkify": False})
    loose.validateLink = lambda url: True  # type: ignore[method-assign]  # markdown-it documents this override
    _check_images(loose.parse(markdown), lines, numbers, images)
    tokens = md.parse(markdown)
    _check_images(tokens, lines, numbers, images)
    return Markup(md.renderer.render(tokens, md.options, {}))


def _check_images(tokens, lines: list[str], numbers: list[int], images: _Images) -> None:
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        start, end = token.map or (0, 1)
        for child in token.children:
            if child.type == "image":
                src = str(child.attrGet("src") or "")
                raw = unquote(src)
                at = next((i for i in range(start, end) if raw in lines[i] or src in lines[i]), start)
                child.attrSet("src", images.check(src, numbers[min(at, len(numbers) - 1)]))


def parse_note(text: str, path: str, folder: Path | None = None, allowed_hosts: Iterable[str] = ()) -> EditorNote:
    """Parse a note; `folder` is where its local images live (the notes folder)."""
    images = _Images(path, folder, allowed_hosts)
    lines = text.splitlines()
    headline = None
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start < len(lines) and lines[start].startswith("# "):
        headline = lines[start][2:].strip() or None
        start += 1
    chunks: dict[str, list[str]] = {"lede": []}
    numbers: dict[str, list[int]] = {"lede": []}  # the file's line number of each chunk's lines
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
            numbers.setdefault(current, [])
            if replace:
                replaces.add(name)
        elif line.startswith("# "):
            raise NotesError(f"{path}: line {number}: only the first line may be a '# ' headline",
                             "use '## section' for section notes")
        else:
            chunks[current].append(line)
            numbers[current].append(number)
    sections = {name: _render("\n".join(body), numbers[name], images) for name, body in chunks.items()
                if "\n".join(body).strip()}
    missing = sorted(n for n in replaces if n not in sections)
    if missing:
        raise NotesError(f"{path}: '## replace {missing[0]}' has no text", "write the replacement paragraph under it")
    return EditorNote(headline, sections, path, frozenset(replaces), tuple(images.found.values()))


def load_note(folder: Path | None, as_of: date, allowed_hosts: Iterable[str] = ()) -> EditorNote:
    """The note for an issue, or an empty note when there is none."""
    if folder is None:
        return EditorNote()
    path = folder / f"{as_of.isoformat()}.md"
    if not path.is_file():
        return EditorNote()
    try:
        size = path.stat().st_size
        if size > MAX_NOTE_BYTES:
            raise NotesError(f"{path}: {size // 1024} KB, over the {MAX_NOTE_BYTES // 1024} KB limit for a note",
                             "a note is a few paragraphs; put long text elsewhere")
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[:exc.start].count(b"\n") + 1
        raise NotesError(f"{path}: line {line}: not UTF-8 text", "save the note as UTF-8") from None
    except OSError as exc:
        raise NotesError(f"{path}: cannot be read ({exc.strerror})", "check the file's permissions") from None
    if "\x00" in text:
        raise NotesError(f"{path}: contains NUL characters (not a text file?)", "save the note as plain UTF-8 text")
    return parse_note(text, str(path), folder, allowed_hosts)
