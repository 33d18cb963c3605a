"""The board's clock: real time normally, a fixed moment in tests and snapshots so the current
night, hold countdowns and demo data do not depend on today's date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bedboard.services.clock import utcnow


@dataclass(frozen=True)
class Clock:
    fixed_local: dt.datetime | None = None
    fixed_utc: dt.datetime | None = None

    @classmethod
    def frozen(cls, at: dt.datetime) -> Clock:
        """One fixed moment, used as both local time and UTC (naive)."""
        return cls(fixed_local=at, fixed_utc=at)

    def local(self) -> dt.datetime:
        return self.fixed_local or dt.datetime.now()

    def utc(self) -> dt.datetime:
        return self.fixed_utc or utcnow()

    def local_time_of(self, utc: dt.datetime) -> dt.datetime:
        """A stored (naive UTC) time as the staff's wall clock shows it."""
        if self.fixed_utc is not None:
            return utc + ((self.fixed_local or self.fixed_utc) - self.fixed_utc)
        return utc.replace(tzinfo=dt.UTC).astimezone().replace(tzinfo=None)
