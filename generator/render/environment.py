"""The Jinja environment: user templates first, then the built-in ones.

StrictUndefined turns a misspelt variable into an error instead of blank text;
autoescape is on for every template. A user template can extend the built-in
one it replaces with ``{% extends "default:report.html" %}``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import (BaseLoader, ChoiceLoader, Environment, FileSystemBytecodeCache, FileSystemLoader, PrefixLoader,
                    StrictUndefined, select_autoescape)

from generator import names
from generator.formats import FILTERS


def builtin_templates_dir() -> Path:
    here = Path(__file__).resolve().parent.parent
    packaged = here / "_templates"  # inside an installed wheel
    return packaged if packaged.is_dir() else here.parent / "templates"


def make_environment(user_dir: Path | None = None) -> Environment:
    """One environment per templates folder and process: compiled templates are kept
    (and recompiled when a file changes), so a backfill compiles each template once.
    Compiled code is also kept on disk between runs (Jinja's per-user bytecode cache in
    the temp folder, keyed by each template's source), which spares a single build
    about a quarter of a second of compiling."""
    return _environment(str(Path(user_dir).resolve()) if user_dir else None)


@lru_cache(maxsize=8)
def _environment(user_dir: str | None) -> Environment:
    builtin = FileSystemLoader(str(builtin_templates_dir()))
    loaders: list[BaseLoader] = [FileSystemLoader(str(user_dir))] if user_dir else []
    loaders += [builtin, PrefixLoader({"default": builtin})]
    env = Environment(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=_bytecode_cache(),
    )
    env.filters.update(FILTERS)
    env.filters.update(named=names.named, plain_name=names.plain, name_label=names.label,
                       row_label=names.row_label)  # generator/names.py
    # Imported here, not at the top: `serve` renders its pages with this environment and must not load pandas
    # (which the track record's modules need) to answer a sign-up.
    from generator.commentary.track import EDGE_BAND
    from generator.metrics.track import COIN_WIDTH, Z

    # the track record's confidence thresholds, named once (generator/metrics/track.py and
    # generator/commentary/track.py), for the positioning table's note and the methodology page
    env.globals["track_confidence"] = {"z": Z, "coin_width": COIN_WIDTH, "edge_band": EDGE_BAND}
    from generator.commentary.claims import SHOWN_ZERO

    # a percentage below this prints as 0.0%: the words say "edged above", "fractionally up" (templates/words/)
    env.globals["shown_zero"] = SHOWN_ZERO
    return env


def _bytecode_cache() -> FileSystemBytecodeCache | None:
    try:
        return FileSystemBytecodeCache()  # a private folder per user under the temp dir
    except (OSError, RuntimeError):  # no usable temp folder: compile every time
        return None
