"""The charts' SVG drawn faster in the PDF: WeasyPrint's SVG painter, for the plain labels and paths matplotlib
writes. Each page prints as before (tests/test_charts.py compares the pages).

Labels. WeasyPrint (70) draws every SVG `<text>` one letter at a time: it lays the whole string out once to measure
it, then each letter again, and paints each letter as its own run. That supports per-letter positions (x/y/dx/dy
lists, `rotate`, `letter-spacing`, `textLength`), which matplotlib's labels never use, and it was three quarters of
the time WeasyPrint spent painting the report's charts (2,186 line layouts for 195 labels). A label with at most one
x, y, dx and dy, no rotation, no letter-spacing and no textLength is drawn here from one layout: one run of glyphs
at the first letter's position, the same bounding box (for `text-anchor`) and the same text cursor afterwards.
Kerning and ligatures are turned off for it, so each glyph keeps the advance it had when laid out alone.

Paths. WeasyPrint parses a path's `d` with regular expressions, number pair by number pair (10,000 points in an
issue's charts). A path made only of absolute M, L, C and z commands with plain numbers, which is what matplotlib
writes, is read here with one split and drawn with the same stream operations and the same vertices (for markers).

Anything else goes to WeasyPrint's own code. `install()` puts the wrappers where WeasyPrint's SVG painter looks
them up (`weasyprint.svg.TAGS`, and the module's `text`, which `draw_node` compares tags against); it checks the
version this follows and leaves any other WeasyPrint alone.
"""

from __future__ import annotations

from math import atan2, inf, pi
from typing import Any

WRITTEN_FOR = "70."  # the WeasyPrint major version whose weasyprint/svg/text.py this follows
_PER_LETTER = ("rotate", "letter-spacing", "textLength", "lengthAdjust")
_PATH_ARGS = {"M": 2, "L": 2, "C": 6, "z": 0}  # the commands matplotlib writes, and their numbers


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


def path_commands(d: str) -> list[tuple[str, tuple[float, ...]]] | None:
    """A path's `d` as absolute M, L, C and z commands, implicit repetitions spelled out (numbers after M's first
    pair are L's); None when it holds anything else (another command, units, commas, numbers run together)."""
    commands: list[tuple[str, tuple[float, ...]]] = []
    letter, numbers = "", []  # type: str, list[float]

    def flush() -> bool:
        size = _PATH_ARGS[letter]
        if size == 0:
            commands.append((letter, ()))
            return not numbers
        if not numbers or len(numbers) % size:
            return False
        for k in range(0, len(numbers), size):
            commands.append(("L" if letter == "M" and k else letter, tuple(numbers[k:k + size])))
        return True

    for token in d.split():
        if token in _PATH_ARGS:
            if letter and not flush():
                return None
            letter, numbers = token, []
            continue
        if not letter:
            return None
        try:
            numbers.append(float(token))
        except ValueError:
            return None
    if letter and not flush():
        return None
    return commands


def _draw_path(svg, node, commands) -> None:
    """WeasyPrint's `path` for M, L, C and z: the same stream operations and vertices, in the same order."""
    stream, vertices = svg.stream, node.vertices
    current = (0.0, 0.0)
    stream.move_to(*current)
    last, first = None, None
    for letter, args in commands:
        if last in (None, "z") and letter != "M":
            vertices.append(current)
            first = current
        if last in (None, "M", "z"):
            first = None
        if letter not in ("M", "z") and first is None:
            first = current
        if letter == "L":
            x, y = args
            angle = atan2(y - current[1], x - current[0])
            vertices.append((pi - angle, angle))
            stream.line_to(x, y)
            current = (x, y)
        elif letter == "C":
            x1, y1, x2, y2, x3, y3 = args
            vertices.append((atan2(y1 - y2, x1 - x2), atan2(y3 - y2, x3 - x2)))
            stream.curve_to(x1, y1, x2, y2, x3, y3)
            current = (x3, y3)
        elif letter == "M":
            if last and last != "z":
                vertices.append(None)
            stream.move_to(*args)
            current = args
        elif first:
            vertices.append(None)
            stream.close()
            current = first
        if letter != "z":
            vertices.append(current)
        last = letter


def install() -> bool:
    """Draw plain SVG labels and paths this way from now on in this process; False (nothing changed) when the
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

    own_path: Any = painter.TAGS["path"]

    def path(svg, node, font_size):
        commands = path_commands(node.get("d", ""))
        if commands is None:
            return own_path(svg, node, font_size)
        return _draw_path(svg, node, commands)

    text.original, path.original = original, own_path  # type: ignore[attr-defined]  # for the tests' comparison
    for tag, draw in list(painter.TAGS.items()):
        if draw is original:
            painter.TAGS[tag] = text
    painter.TAGS["path"] = path
    painter.text = text
    return True
