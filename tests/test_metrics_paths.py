"""Issue 24, typed contracts: the paths into metrics.json that rules read are named once, in
generator/metrics/paths.py, and each is a key that docs/metrics-schema.md documents (the schema's own test checks
the document against real files). A rule that spells a documented path out again as a string fails here, so a
renamed key is one edit and a misspelt one fails at import."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

from generator.metrics import paths

ROOT = Path(__file__).resolve().parent.parent


def _segment(seg: str) -> str:
    if seg.startswith("<"):
        return r"[^.]+"
    if seg.endswith("[]"):
        return re.escape(seg[:-2]) + r"\.-?[0-9]+"
    return re.escape(seg).replace(re.escape("<N>"), "[0-9]+")


def _documented() -> list[re.Pattern]:
    """Each documented key and each of its prefixes (an object a rule may read whole), as a pattern."""
    keys = re.findall(r"^\| `([^`]+)` \|", (ROOT / "docs" / "metrics-schema.md").read_text(), re.M)
    out = []
    for key in keys:
        segs = key.split(".")
        out += [re.compile(r"\.".join(_segment(s) for s in segs[:n])) for n in range(1, len(segs) + 1)]
    return out


DOCUMENTED = _documented()


def documented(path: str) -> bool:
    return any(p.fullmatch(path) for p in DOCUMENTED)


def constants() -> dict[str, str]:
    return {k: v for k, v in vars(paths).items() if k.isupper() and isinstance(v, str)}


def test_every_named_path_is_a_documented_key():
    assert constants(), "generator/metrics/paths.py names no path"
    assert not [f"{k} = {v!r}" for k, v in constants().items() if not documented(v)]


def test_names_are_unique_and_say_their_path():
    values = list(constants().values())
    assert len(values) == len(set(values))
    for name, value in constants().items():
        assert name == re.sub(r"[^A-Z0-9]+", "_", value.replace(".-", ".back").upper()).strip("_"), name


def _code_strings(text: str):
    """(line, literal) of each string in code: not a docstring (a statement of its own), not a comment."""
    prev, depth = None, 0
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type == tokenize.OP and tok.string in "([{":
            depth += 1
        elif tok.type == tokenize.OP and tok.string in ")]}":
            depth -= 1
        statement = depth == 0 and prev in (None, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.NL)
        if tok.type == tokenize.STRING and not statement:
            yield tok.start[0], tok.string
        if tok.type != tokenize.COMMENT:
            prev = tok.type


def test_no_rule_spells_a_documented_path_out():
    literal = re.compile(r'f?"([a-z_][a-z0-9_]*(?:\.[A-Za-z0-9_\-]+)+)"')
    found = []
    for path in sorted((ROOT / "generator").rglob("*.py")):
        if path.name == "paths.py" or "settings" in path.relative_to(ROOT).parts:
            continue
        for line, text in _code_strings(path.read_text()):
            m = literal.fullmatch(text)
            if m and "." in m.group(1) and not m.group(1).endswith((".json", ".yaml", ".pdf", ".html", ".png")) \
                    and documented(m.group(1)):
                found.append(f"{path.relative_to(ROOT)}:{line}: {text} (use generator.metrics.paths)")
    assert not found, "\n".join(found)


def test_the_check_sees_a_spelt_out_path(tmp_path):
    """The scan above is not vacuous: a claim written with a free string is found."""
    src = 'def rule(m):\n    """Reads "spread.1w"."""\n    return at_least(\n        "spread.1w", 0.01)\n'
    assert [t for _, t in _code_strings(src)] == ['"spread.1w"']
    assert documented("spread.1w") and documented("stance.history.-2.key") and not documented("spread.2d.x")
