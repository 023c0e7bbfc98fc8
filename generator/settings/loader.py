"""`load_settings`: the only place YAML is read.

Every problem in a file is reported at once with its line, column and key, e.g.
``settings.yaml: line 14, column 10: pair.small: ...``.

Any key can be overridden from the environment: ``CAPWEEKLY__PAIR__SMALL=IJR``
(prefix ``CAPWEEKLY__``, sections joined by ``__``, case-insensitive; the value
is read as YAML, so ``CAPWEEKLY__TICKERS__SECTORS='[XLK, XLF]'`` is a list and
``null`` clears a key). A bad override is reported under the variable's name.
The CLI also reads the file's path from ``CAPWEEKLY_SETTINGS``.
Secrets never live in settings; later stages read them from the environment.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Mapping

import yaml
from pydantic import ValidationError

from generator.errors import SettingsError
from generator.settings.model import Settings, key_path

def _describe(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    if kind == "missing":
        return "is required but missing"
    if kind == "extra_forbidden":
        return "unknown key (check the spelling against settings.yaml's comments)"
    msg = error["msg"]
    return msg.removeprefix("Value error, ")


MAX_SETTINGS_BYTES = 256 * 1024
MAX_SETTINGS_VALUES = 20_000


class _TooBig(Exception):
    pass


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice in one mapping (YAML would keep the last, silently)."""

    def construct_mapping(self, node, deep=False):
        seen = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise yaml.constructor.ConstructorError(None, None, "a mapping key must be a plain value",
                                                        key_node.start_mark) from None
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} appears twice (also on line {seen[key] + 1})", key_node.start_mark)
            seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep)


def _check_size(raw) -> None:
    """Count values as pydantic would see them (aliases expanded); a 'billion laughs' stops here, fast."""
    count, stack = 0, [raw]
    while stack:
        item = stack.pop()
        count += 1
        if count > MAX_SETTINGS_VALUES:
            raise _TooBig
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


ENV_PREFIX = "CAPWEEKLY__"


def _mark(node) -> str:
    return f"line {node.start_mark.line + 1}, column {node.start_mark.column + 1}: "


def _position(root, loc: tuple, key: bool = False) -> str:
    """'line L, column C: ' of the YAML node at `loc` (its key when `key`), or of its nearest parent."""
    node, found = root, root
    for i, part in enumerate(loc):
        nxt = None
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.value == part:
                    nxt = k if key and i == len(loc) - 1 else v
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            nxt = node.value[part]
        if nxt is None:
            break
        node = found = nxt
    return _mark(found) if found is not None else ""


def env_overrides(environ=None) -> dict[tuple[str, ...], tuple[str, object]]:
    """CAPWEEKLY__SECTION__KEY=value variables: key path -> (variable name, value read as YAML)."""
    environ = os.environ if environ is None else environ
    out = {}
    for name, text in sorted(environ.items()):
        if not name.upper().startswith(ENV_PREFIX) or name.upper() == ENV_PREFIX:
            continue
        path = tuple(part.lower() for part in name[len(ENV_PREFIX):].split("__"))
        try:
            value = yaml.safe_load(text) if text.strip() else None
        except yaml.YAMLError:
            value = text  # not YAML: the text itself
        out[path] = (name, value)
    return out


def _apply(raw: dict, overrides) -> list[str]:
    problems = []
    for path, (name, value) in overrides.items():
        if not all(path):
            problems.append(f"{name} (environment): empty section name (use CAPWEEKLY__SECTION__KEY)")
            continue
        node = raw
        for part in path[:-1]:
            node = node.setdefault(part, {}) if isinstance(node, dict) else None
            if not isinstance(node, dict):
                break
        if not isinstance(node, dict):
            problems.append(f"{name} (environment): {'.'.join(path[:-1])} is not a section")
            continue
        node[path[-1]] = value
    return problems


def load_settings(path: str | Path, environ=None) -> Settings:
    """Read and validate a settings file, with CAPWEEKLY__... overrides from `environ` (default
    os.environ); raise SettingsError listing every problem with its line and column."""
    path = Path(path)
    shown = str(path)
    try:
        if path.is_file() and path.stat().st_size > MAX_SETTINGS_BYTES:
            raise SettingsError(shown, [f"{path.stat().st_size // 1024} KB; a settings file is a few KB "
                                        f"(limit {MAX_SETTINGS_BYTES // 1024} KB)"])
        text = path.read_text(encoding="utf-8")
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        raw = yaml.load(text, Loader=_StrictLoader)  # safe_load's constructors, duplicate keys refused
        _check_size(raw)
    except FileNotFoundError:
        raise SettingsError(shown, ["file not found (run `capweekly init` to start a newsletter here, "
                                    "pass --settings PATH or set CAPWEEKLY_SETTINGS)"]) from None
    except IsADirectoryError:
        raise SettingsError(shown, ["is a folder, not a settings file (pass --settings FOLDER/settings.yaml)"]) \
            from None
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[:exc.start].count(b"\n") + 1
        raise SettingsError(shown, [f"line {line}: not UTF-8 text (save the settings file as UTF-8)"]) from None
    except OSError as exc:
        raise SettingsError(shown, [f"cannot be read ({exc.strerror})"]) from None
    except _TooBig:
        raise SettingsError(shown, [f"expands to more than {MAX_SETTINGS_VALUES} values (YAML aliases nested "
                                    "too deep?); write the values out"]) from None
    except RecursionError:
        raise SettingsError(shown, ["nested too deeply to read"]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise SettingsError(shown, [f"{at}not valid YAML ({getattr(exc, 'problem', exc)})"]) from None
    if not isinstance(raw, dict):
        raise SettingsError(shown, ["must be a mapping of sections (branding, pair, disclosures, ...)"])
    if "base_dir" in raw:
        raise SettingsError(shown, [f"{_position(root, ('base_dir',), key=True)}base_dir: unknown key "
                                    "(paths resolve against the settings file's folder)"])
    overrides = env_overrides(environ)
    problems = _apply(raw, overrides)
    if problems:
        raise SettingsError(shown, problems)

    def where(loc: tuple, key: bool = False) -> str:
        """The environment variable that set `loc`, or its line and column in the file."""
        for p, (name, _) in overrides.items():
            if loc and (loc[:len(p)] == p or p[:len(loc)] == loc):
                return f"{name} (environment): "
        return _position(root, loc, key) if root is not None else ""

    try:
        settings = Settings.model_validate({**raw, "base_dir": path.resolve().parent})
    except ValidationError as exc:
        problems = []
        for e in exc.errors():
            loc = tuple(part for part in e["loc"] if part != "function-after")
            problems.append(f"{where(loc, e['type'] == 'extra_forbidden')}{key_path(loc)}: {_describe(e)}")
        raise SettingsError(shown, problems) from None
    clashes = [f"{where(key)}{key_path(key)}: {problem}" for key, problem in settings.pair_clashes()]
    if clashes:
        raise SettingsError(shown, clashes)
    try:
        settings.universe()  # a universe file that cannot be read is a settings problem, found now
    except SettingsError as exc:
        at = _position(root, ("breadth", "universe")) if root is not None else ""
        raise SettingsError(shown, [f"{at}breadth.universe: {exc.path}: {p}" for p in exc.problems]) from None
    return settings
