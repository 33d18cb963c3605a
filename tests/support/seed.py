"""Small inventories for the reliability tests, written through the import service so the
audit log and revision behave as in real use, and a model of a guest's nights."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from bedboard.db.models import Guest, Payer, Rate
from bedboard.services.beds.inventory import InventoryRow, import_inventory
from tests.support.invariants import GuestNights

BASE_NIGHT = dt.date(2030, 1, 1)


def seed(
    session: Session, sites: int = 2, units: int = 6, guests: dict[str, str] | None = None
) -> list[str]:
    """`sites` shelters of `units` beds each; returns the unit refs. `guests` maps code to
    name for guests created up front (protected, with birth year and notes)."""
    rows = [
        InventoryRow(line, f"Site{s}", "shelter", "Stockholm", "1", str(u), "")
        for line, (s, u) in enumerate(
            ((s, u) for s in range(1, sites + 1) for u in range(1, units + 1)), start=2
        )
    ]
    import_inventory(session, rows, actor="seed")
    session.add(Payer(name="Polisen", kind="police"))
    session.add(
        Rate(
            amount=45000,
            currency="SEK",
            valid_from=BASE_NIGHT - dt.timedelta(days=400),
            site_kind="shelter",
        )
    )
    for code, name in (guests or {}).items():
        session.add(
            Guest(code=code, name=name, protected=True, birth_year=1999, notes="n", languages="ru")
        )
    session.flush()
    return [f"Site{s}/{u}" for s in range(1, sites + 1) for u in range(1, units + 1)]


class StayModel:
    """What a guest's nights must be after acknowledged operations, mirroring the services."""

    def __init__(self) -> None:
        self.nights: GuestNights = {}

    def check_in(self, code: str, unit: str, first: dt.date, count: int) -> None:
        mine = self.nights.setdefault(code, {})
        for i in range(count):
            mine[first + dt.timedelta(days=i)] = unit

    def visit_from(self, code: str, night: dt.date) -> list[dt.date]:
        """The guest's consecutive nights from `night` on (up to the first gap): what check-out
        and move act on; a later booking after a gap is left alone."""
        mine = self.nights.get(code, {})
        run = []
        while night in mine:
            run.append(night)
            night += dt.timedelta(days=1)
        return run

    def check_out(self, code: str, night: dt.date) -> None:
        mine = self.nights.get(code, {})
        for n in self.visit_from(code, night):
            del mine[n]
        self._tidy(code)

    def extend(self, code: str, count: int) -> None:
        mine = self.nights[code]
        last = max(mine)
        for i in range(1, count + 1):
            mine[last + dt.timedelta(days=i)] = mine[last]

    def move(self, code: str, to_unit: str, from_night: dt.date) -> None:
        mine = self.nights.get(code, {})
        for n in self.visit_from(code, from_night):
            mine[n] = to_unit

    def _tidy(self, code: str) -> None:
        if not self.nights.get(code):
            self.nights.pop(code, None)

    def picture(self) -> GuestNights:
        return {c: dict(n) for c, n in self.nights.items() if n}
