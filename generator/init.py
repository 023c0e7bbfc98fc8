"""`capweekly init DIR`: a new newsletter folder, like `mkdocs new`.

    DIR/settings.yaml      every key, each with its comment (the packaged example)
    DIR/notes/             editor's notes, one YYYY-MM-DD.md per issue, with an example
    DIR/templates/         empty: a template put here replaces the built-in one of that name
    DIR/settings.schema.json  the settings' JSON schema: editors complete and check settings.yaml
    DIR/.gitignore         output, caches, databases and lock files

The default settings ship inside the package (the wheel force-includes the repo's
settings.yaml as generator/_defaults/settings.yaml); from a clone they are read
from the repo root. Nothing that exists is overwritten: a folder that already
holds a settings.yaml, notes/ or templates/ file of the same name is refused.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

from generator.errors import RefusedError
from generator.settings import absolute_url, settings_schema

PACKAGE = Path(__file__).resolve().parent
# The issue the embedded sample data ends on: the example note belongs to it, so
# `capweekly build --source sample` in a new folder shows a note in place.
SAMPLE_WEEK = "2025-10-31"

GITIGNORE = """\
# capweekly output and local state: never commit them
/reports/
/site/
/cache/
subscribers.sqlite*
*.lock
*.lock.owner
"""

TEMPLATES_README = """\
Templates here are searched before capweekly's built-in ones: a file with the same name
(report.html, email.html, words/lede.html, ...) replaces it, and can extend it with
{% extends "default:report.html" %}. Leave the folder empty to use the built-in design.
"""

EXAMPLE_NOTE = """\
An example editor's note for the sample week ({week}): this paragraph opens the issue,
above the first section. Write one file per issue, named after the week's last session
(notes/YYYY-MM-DD.md), and delete this one when you start writing for real.

## positioning
A paragraph under a `## section` heading is added at the end of that section. Sections:
lede, divergence, rates, long-view, sectors, policy, junk, risks, positioning.
`## replace risks` replaces a section's generated words instead.
"""


def default_settings_text() -> str:
    """The commented example settings, from the installed package or the repo root."""
    for candidate in (PACKAGE / "_defaults" / "settings.yaml", PACKAGE.parent / "settings.yaml"):
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8")
    raise RuntimeError("capweekly's default settings.yaml is missing from the installation")  # a broken install


SIGNUP_HELP = """\
Readers subscribe through `capweekly serve` (sign-up, confirmation, one-click unsubscribe). Once it runs
behind your web server, set web.public_url in settings.yaml (or pass --signup-url to init): the site then
shows a sign-up form on the home page, after every issue and in every page's footer, and the email's
"subscribe here" link goes to it. Until then the site offers its Atom feed, and nothing invites readers
to subscribe where they cannot. site.base_url (--site-url) is where `publish` puts the site."""


def _url_line(text: str, key: str, url: str | None) -> str:
    """Set `key: null` (the first such line) to `url`, keeping its comment."""
    if not url:
        return text

    try:
        url = absolute_url(url)
    except ValueError as exc:
        raise RefusedError(f"{url}: {exc}", "give the full address, e.g. https://example.com/letters/") from None
    old = f"\n  {key}: null"
    at = text.index(old)
    end = text.index("#", at)
    new = f"\n  {key}: {url}"
    return text[:at] + new.ljust(end - at - 1) + " " + text[end:]


def _settings_for_new_folder(site_url: str | None = None, signup_url: str | None = None) -> str:
    text = _url_line(_url_line(default_settings_text(), "base_url", site_url), "public_url", signup_url)
    # The new folder's templates/ is the override folder.
    text = text.replace("\ntemplates_dir: null                     # e.g. templates (relative to this file)",
                        "\ntemplates_dir: templates                # this folder's templates/ (empty: the built-in design)", 1)
    # The feed's permanent id, made once here so a test publish on a local URL and the real site share it.
    text = text.replace("\n  feed_id: null                         #",
                        f"\n  feed_id: {uuid.uuid4().urn}  #", 1)
    # yaml-language-server (VS Code's YAML extension, Neovim, Helix...) reads this line.
    return "# yaml-language-server: $schema=./settings.schema.json\n" + text


def schema_text() -> str:
    import json


    return json.dumps(settings_schema(), indent=2, sort_keys=True) + "\n"


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def new_newsletter(target: Path, site_url: str | None = None, signup_url: str | None = None) -> list[Path]:
    """Create the folder's files; return them. Refuses (RefusedError) to overwrite anything.
    `site_url`, `signup_url`: site.base_url and web.public_url, written into settings.yaml."""
    files = {
        Path("settings.yaml"): _settings_for_new_folder(site_url, signup_url),
        Path("settings.schema.json"): schema_text(),
        Path(".gitignore"): GITIGNORE,
        Path("notes") / f"{SAMPLE_WEEK}.md": EXAMPLE_NOTE.format(week=SAMPLE_WEEK),
        Path("templates") / "README.txt": TEMPLATES_README,
    }
    clashes = [str(target / rel) for rel in files if (target / rel).exists()]
    if clashes:
        raise RefusedError(f"{clashes[0]} already exists; init never overwrites a newsletter",
                           "pick a new folder, or remove the file first")
    if target.exists() and not target.is_dir():
        raise RefusedError(f"{target} exists and is not a folder", "pick a new folder name")
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for rel, text in files.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        # Each file whole or not at all: written beside its place, then renamed.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a settings file is an ordinary file
        os.replace(tmp, path)
        written.append(path)
    return written
