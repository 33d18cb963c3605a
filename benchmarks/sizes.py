"""The sizes the generator builds. `default` is the region of issue 7; `national` ten of them
(issue 16); `small` is a quick run; `tiny` keeps the generator and the runner exercised by the
tests."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Size:
    name: str
    sites: int
    units: int
    host_family_units: int
    history_nights: int  # nights up to and including tonight
    short_history_nights: int  # the same region with a short history (availability baseline)
    future_nights: int = 14  # stays booked ahead of tonight
    open_nights: int = 7  # the most recent nights are not yet closed (posted)
    occupancy: float = 0.8

    @property
    def host_family_sites(self) -> int:
        return max(1, round(self.sites * 0.6)) if self.host_family_units else 0

    @property
    def shelter_sites(self) -> int:
        return self.sites - self.host_family_sites


SIZES = {
    size.name: size
    for size in (
        Size("tiny", sites=4, units=40, host_family_units=8, history_nights=20,
             short_history_nights=5, future_nights=3, open_nights=2),
        Size("small", sites=20, units=300, host_family_units=60, history_nights=60,
             short_history_nights=15),
        Size("default", sites=200, units=5000, host_family_units=1000, history_nights=3 * 365 + 1,
             short_history_nights=91),
        # the country (issue 16): ten regions, 44 million bed-nights, about 8 GB of SQLite
        Size("national", sites=2000, units=50000, host_family_units=10000,
             history_nights=3 * 365 + 1, short_history_nights=91),
    )
}  # fmt: skip
