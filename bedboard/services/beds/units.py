"""How a unit's label sorts ('2' before '10') and how its stored tags split: shared by the
availability, placement and the inventory export."""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=65536)  # rooms and labels repeat across sites: "1", "2", ...
def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """'2' before '10': labels are mostly numbers typed as text."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part.lower())
        for part in re.split(r"(\d+)", text)
        if part
    )


@lru_cache(maxsize=4096)  # a few sets of needs across thousands of units
def split_tags(tags: str) -> tuple[str, ...]:
    return tuple(t for t in tags.split(";") if t)
