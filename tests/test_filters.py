
import pytest

from generator.render.filters import bp, join_and, pct, updown, years, yield_pct


@pytest.mark.parametrize("value, text", [
    (0.0123, "+1.2%"), (-0.0123, "\u22121.2%"), (-0.00004, "0.0%"), (0.00004, "0.0%"), (None, "\u2013"),
])
def test_pct(value, text):
    assert pct(value) == text


def test_other_filters():
    assert pct(0.9333, 0, False) == "93%"
    assert bp(-0.00087) == "\u22129\u00a0bp"
    assert yield_pct(0.04193) == "4.19%"
    assert updown(0.037) == "up 3.7%" and updown(-0.019) == "down 1.9%" and updown(-0.0002) == "little changed"
    assert join_and(["a"]) == "a" and join_and(["a", "b", "c"]) == "a, b and c"
    assert years(13.26) == "more than 13 years" and years(8.9) == "almost 9 years"
