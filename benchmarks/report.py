"""One row per figure, printed as a Markdown table (the README shows the same table)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    figure: str
    value: str
    baseline: str = ""
    ratio: float | None = None
    budget: str = ""
    ok: bool | None = None  # None: reported, no budget
    note: str = ""

    @property
    def result(self) -> str:
        return {True: "pass", False: "FAIL", None: "-"}[self.ok]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def mb(megabytes: float) -> str:
    return f"{megabytes:,.0f} MB"


def table(rows: list[Row]) -> str:
    header = ("figure", "value", "baseline", "ratio", "budget", "result")
    cells = [
        (r.figure, r.value, r.baseline, "" if r.ratio is None else f"{r.ratio:.2f}x", r.budget,
         r.result)
        for r in rows
    ]  # fmt: skip
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(header)]

    def line(values: tuple[str, ...]) -> str:
        return "| " + " | ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)) + " |"

    out = [line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(c) for c in cells]
    notes = [f"- {r.figure}: {r.note}" for r in rows if r.note]
    return "\n".join(out + (["", *notes] if notes else []))
