"""SVG labels laid out as whole strings in the PDF: WeasyPrint's SVG text drawing, for labels that need no more.

WeasyPrint (70) draws every SVG `<text>` one letter at a time: it lays the whole string out once to measure it,
then each letter again, and paints each letter as its own run. That supports per-letter positions (x/y/dx/dy
lists, `rotate`, `letter-spacing`, `textLength`), which matplotlib's labels never use, and it was three quarters
of the time WeasyPrint spent painting the report's charts (2,186 line layouts for 195 labels).

`install()` wraps WeasyPrint's `text` so that a label with at most one x, y, dx and dy, no rotation, no
letter-spacing and no textLength is drawn from the single layout WeasyPrint already made: one run of glyphs at the
first letter's position, the same bounding box (for `text-anchor`) and the same text cursor afterwards. Kerning
and ligatures are turned off for it, so each glyph keeps the advance it had when laid out alone and the page is
the same, pixel for pixel (tests/test_charts.py compares the pages). Any other label goes to WeasyPrint's own
code. The wrapper replaces the function where WeasyPrint's SVG painter looks it up (`weasyprint.svg.TAGS` and the
module's `text`, which `draw_node` compares tags against); it checks the version it was written against and
leaves any other WeasyPrint alone.
"""

from __future__ import annotations

from math import inf
from typing import Any

WRITTEN_FOR = "70."  # the WeasyPrint major version whose weasyprint/svg/text.py this follows
_PER_LETTER = ("rotate", "letter-spacing", "textLength", "lengthAdjust")


def _single(node, name: str) -> bool:
    from weasyprint.svg.utils import normalize

    value = node.attrib.get(name)
    return value is None or len(normalize(value).strip().split(" ")) == 1


def whole_string(node) -> bool:
    """True when the label can be drawn as one run: no per-letter position, rotation or spacing."""
    return (bool(node.text) and not any(name in node.attrib for name in _PER_LETTER)
            and all(_single(node, name) for name in ("x", "y", "dx", "dy")))


def _style(svg, node, font_size):
    """WeasyPrint's style for an SVG label (as in its `text`), kerning and ligatures off (see the module)."""
    from weasyprint.css.properties import INITIAL_VALUES
    from weasyprint.svg.text import Style

    style = Style()
    style.update(INITIAL_VALUES)
    style.font_config = svg.font_config
    style["font_family"] = [font.strip("\"'") for font in node.get("font-family", "sans-serif").split(",")]
    style["font_style"] = node.get("font-style", "normal")
    style["font_size"] = font_size
    if node.get("direction") in ("ltr", "rtl"):
        style["direction"] = node.get("direction")
    weight = node.get("font-weight", 400)
    weight = {"normal": 400, "bold": 700}.get(weight, weight)
    try:
        style["font_weight"] = int(weight)
    except ValueError:
        style["font_weight"] = 400
    style["font_kerning"] = "none"
    style["font_variant_ligatures"] = "none"
    return style


def _y_align(node, font_size: float, height: float) -> float:
    """The vertical shift WeasyPrint applies for display-anchor / dominant-baseline (its own approximation)."""
    ascent, descent = font_size * .8, font_size * .2
    anchor = node.get("display-anchor")
    baseline = node.get("dominant-baseline", node.get("alignment-baseline"))
    if anchor == "middle":
        return -height / 2
    if anchor == "top":
        return 0
    if anchor == "bottom":
        return -height
    if baseline in ("central", "middle"):
        return (ascent + descent) / 2 - descent
    if baseline in ("text-before-edge", "before_edge", "top", "hanging", "text-top"):
        return ascent
    if baseline in ("text-after-edge", "after_edge", "bottom", "text-bottom"):
        return -descent
    return 0


def _draw_whole(svg, node, font_size) -> None:
    from weasyprint.draw.text import draw_emojis, draw_first_line
    from weasyprint.matrix import Matrix
    from weasyprint.svg.bounding_box import extend_bounding_box
    from weasyprint.svg.text import TextBox
    from weasyprint.svg.utils import size
    from weasyprint.text.line_break import split_first_line

    style = _style(svg, node, font_size)
    layout, _, _, width, height, baseline = split_first_line(node.text, style, svg.context, inf, 0)
    x, y, dx, dy = (size(node.attrib[name], font_size, extent) if name in node.attrib else None
                    for name, extent in (("x", svg.inner_width), ("y", svg.inner_height),
                                         ("dx", svg.inner_width), ("dy", svg.inner_height)))
    # The cursor as WeasyPrint moves it for the first letter; the others follow it in one run.
    if x:
        svg.cursor_d_position[0] = 0
    if y:
        svg.cursor_d_position[1] = 0
    svg.cursor_d_position[0] += dx or 0
    svg.cursor_d_position[1] += dy or 0
    x = svg.cursor_position[0] if x is None else x
    y = svg.cursor_position[1] if y is None else y
    svg.cursor_position = x + width, y
    x_position = x + svg.cursor_d_position[0]
    y_position = y + svg.cursor_d_position[1] + _y_align(node, font_size, height)
    node.text_bounding_box = extend_bounding_box(
        node.text_bounding_box,
        ((x_position, y_position - baseline), (x_position + width, y_position - baseline + height)))

    svg.stream.push_state()
    fill, stroke = svg.set_graphical_state(node, font_size)
    svg.stream.begin_text()
    layout.reactivate(style)
    svg.fill_stroke(fill, stroke, text=True)
    text_box = TextBox(layout, style)
    text_box.baseline = baseline
    emojis = draw_first_line(svg.stream, text_box, "none", "none", Matrix(a=1, d=-1, e=x_position, f=y_position))
    svg.stream.end_text()
    svg.stream.pop_state()
    draw_emojis(svg.stream, style, x, y, emojis)


def install() -> bool:
    """Draw plain SVG labels as whole strings from now on in this process; False (nothing changed) when the
    installed WeasyPrint is not the version this follows. Calling it again changes nothing."""
    import weasyprint
    import weasyprint.svg as painter

    original: Any = painter.text
    if hasattr(original, "original"):
        return True
    if not weasyprint.__version__.startswith(WRITTEN_FOR):
        return False

    def text(svg, node, font_size):
        if whole_string(node):
            return _draw_whole(svg, node, font_size)
        return original(svg, node, font_size)

    text.original = original  # type: ignore[attr-defined]  # WeasyPrint's own, for the tests' comparison
    for tag, draw in list(painter.TAGS.items()):
        if draw is original:
            painter.TAGS[tag] = text
    painter.text = text
    return True
