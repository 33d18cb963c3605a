"""Every unit on the chosen night: state, guest code, night n of the stay, payer, note."""

from __future__ import annotations

import datetime as dt

from bedboard.services.availability import UnitNight
from bedboard.ui.format import unit_cells
from bedboard.ui.widgets.keyed_table import KeyedTable


def unit_key(u: UnitNight) -> str:
    return f"unit:{u.unit_id}"


class UnitTable(KeyedTable):
    COLUMNS = (
        ("unit", "Unit", 24),
        ("state", "State", 8),
        ("guest", "Guest", 8),
        ("nights", "Night", 7),
        ("payer", "Payer", 14),
        ("note", "Note", 40),
    )

    def show(self, units: list[UnitNight], now: dt.datetime) -> int:
        return self.sync([(unit_key(u), unit_cells(u, now)) for u in units])
