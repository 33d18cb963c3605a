"""Charts drawn with block characters: stacked columns for nights, one-line strips for sites,
horizontal bars for weeks and payers. Plain Rich Text on an absolute scale (0 to capacity), so
a quiet night looks quiet and snapshots are exact."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text

UP = " ▁▂▃▄▅▆▇█"  # eighths of a cell, bottom up
ACROSS = " ▏▎▍▌▋▊▉█"  # eighths of a cell, left to right


def columns(
    stacks: Sequence[Sequence[float]],
    styles: Sequence[str],
    *,
    top: float,
    height: int,
    width: int = 1,
) -> list[Text]:
    """Stacked columns, one per entry in `stacks` (its segments bottom up, one style each),
    `height` lines tall, the top line standing for `top`. Returns the lines top first."""
    top = top or 1
    step = top / height
    lines = []
    for row in range(height - 1, -1, -1):
        line = Text()
        low = row * step
        for segments in stacks:
            total = sum(segments)
            if total <= low:
                line.append(" " * width)
                continue
            filled = min(1.0, (total - low) / step)
            eighths = max(1, round(filled * 8))
            middle = low + filled * step / 2
            style = styles[-1]
            edge = 0.0
            for value, segment_style in zip(segments, styles, strict=False):
                edge += value
                if middle < edge:
                    style = segment_style
                    break
            line.append(UP[eighths] * width, style=style)
        lines.append(line)
    return lines


def bar(value: float, *, top: float, width: int, style: str) -> Text:
    """A horizontal bar `width` cells long at `top`, in eighths of a cell."""
    if top <= 0 or value <= 0:
        return Text(" " * width)
    eighths = max(1, round(min(value / top, 1.0) * width * 8))
    whole, part = divmod(eighths, 8)
    text = Text("█" * whole + (ACROSS[part] if part else ""), style=style)
    text.append(" " * (width - text.cell_len))
    return text


@dataclass(frozen=True)
class Fit:
    """How a series of nights fits a given width: `per` nights in each column (averaged when
    squeezed), each column `width` cells wide, `count` columns."""

    per: int
    width: int
    count: int

    @property
    def span(self) -> int:
        return self.count * self.width


def fit(nights: int, room: int) -> Fit:
    room = max(room, 1)
    if nights * 2 <= room and nights <= 45:
        return Fit(1, 2, nights)
    if nights <= room:
        return Fit(1, 1, nights)
    per = -(-nights // room)
    return Fit(per, 1, -(-nights // per))


def squeeze(stacks: Sequence[Sequence[float]], per: int) -> list[list[float]]:
    """Average each `per` consecutive stacks, grouped from the end so the last column is the
    latest nights in full."""
    if per <= 1:
        return [list(s) for s in stacks]
    result: list[list[float]] = []
    end = len(stacks)
    while end > 0:
        group = stacks[max(0, end - per) : end]
        result.append([sum(values) / len(group) for values in zip(*group, strict=True)])
        end -= per
    return result[::-1]
