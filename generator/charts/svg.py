"""Make matplotlib's SVG cheap for WeasyPrint to draw, without changing a pixel.

matplotlib wraps nearly every element in an id-only `<g>` and styles each one
with a `style="..."` attribute plus a `*{...}` rule; WeasyPrint cascades every
node and parses every style attribute with a CSS parser. Here wrapper groups
are dissolved, styles become presentation attributes and the `*` rule becomes
(inherited) attributes on the root, which keeps the cascade order: an element's
own attribute still beats the root default. matplotlib also gives every label a
`rotate(-0 x y)` transform, which does nothing and which WeasyPrint parses and
applies label by label; it is dropped. The PDF pages render identically
(checked by tests/test_charts.py) and take about a tenth less time.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
_G, _DEFS, _STYLE, _METADATA = (f"{{{SVG_NS}}}{tag}" for tag in ("g", "defs", "style", "metadata"))
_UNIVERSAL_RULE = re.compile(r"\s*\*\s*\{([^}]*)\}\s*")
_NO_ROTATION = re.compile(r"rotate\(-?0 [-\d.e]+ [-\d.e]+\)")


def _declarations(text: str) -> list[tuple[str, str]]:
    pairs = []
    for declaration in text.split(";"):
        name, _, value = declaration.partition(":")
        if name.strip():
            pairs.append((name.strip(), value.strip()))
    return pairs


def compact_svg(text: str) -> str:
    root = ET.fromstring(text)
    for defs in root.iter(_DEFS):
        for style in defs.findall(_STYLE):
            rule = _UNIVERSAL_RULE.fullmatch(style.text or "")
            if rule is None:  # a stylesheet we do not understand: leave the file as it is
                return text
            for name, value in _declarations(rule.group(1)):
                root.set(name, value)
            defs.remove(style)
    _flatten(root)
    # ElementTree's prefix registry is global and other libraries change it: set ours each time.
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    return ET.tostring(root, encoding="unicode") + "\n"


def _flatten(element: ET.Element) -> None:
    kept: list[ET.Element] = []
    for child in element:
        if child.tag == _METADATA:
            continue
        _flatten(child)
        style = child.attrib.pop("style", None)
        for name, value in _declarations(style or ""):
            child.set(name, value)
        if _NO_ROTATION.fullmatch(child.get("transform", "")):
            del child.attrib["transform"]
        if child.tag == _G and child.attrib.keys() <= {"id"}:
            kept.extend(child)
        else:
            kept.append(child)
    element[:] = kept
