"""Decision tables: a choice between sentence keys whose conditions are the claims the chosen sentence declares.

A row holds when every claim it declares holds on the week's measures (metrics.json's paths and values,
`_Rules.view`), so what a sentence claims and when it is chosen are written once. Rows are tried in order: the
first that holds is the choice. A condition that is not a claim on the week's measures (is a series there at
all, which regime the week reads as) stays a plain `if` around the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

from generator.commentary.claims import Claim


@dataclass(frozen=True)
class Row:
    key: str                                   # the words key (or the part of it) the row chooses
    claims: Callable[..., list]                # its conditions, and what choosing it claims (Claims or within pairs)


def flat(claims: Iterable) -> list[Claim]:
    """Claims with `within` pairs (tuples) spread out, as a sentence declares them."""
    out: list[Claim] = []
    for c in claims:
        out.extend(c if isinstance(c, tuple) else (c,))
    return out


def holds(claims: Iterable, view: Mapping[str, Any]) -> bool:
    return all(c.holds(view) for c in flat(claims))


def first(rows: Iterable[Row], view: Mapping[str, Any], *args) -> tuple[str, list] | None:
    """The first row whose claims (given `args`) all hold on `view`: its key and its claims; None if none holds."""
    for row in rows:
        claims = row.claims(*args)
        if holds(claims, view):
            return row.key, claims
    return None


def choose(rows: Iterable[Row], view: Mapping[str, Any], *args) -> tuple[str, list]:
    """As `first`, for a table whose rows cover every case: no row holding is a bug in the table."""
    found = first(rows, view, *args)
    if found is None:
        raise AssertionError(f"no row of {[row.key for row in rows]} holds for the week of {view.get('as_of')}")
    return found
