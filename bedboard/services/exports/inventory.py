"""The inventory export: the same file `import inventory` reads, so a database's sites and
units can be moved, reviewed in a spreadsheet, and imported again unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bedboard.db.models import Site, Unit
from bedboard.services.beds.inventory import INVENTORY_COLUMNS
from bedboard.services.beds.units import natural_key, split_tags
from bedboard.services.exports.export import Export
from bedboard.services.staff.access import require
from bedboard.services.staff.rights import Right
from bedboard.states import SiteKind


def inventory_export(session: Session) -> Export:
    require(session, Right.EXPORT)
    total = session.scalar(select(func.count()).select_from(Unit)) or 0
    return Export(INVENTORY_COLUMNS, _rows(session), total=total)


def _rows(session: Session) -> Iterator[list[Any]]:
    """Site by site (shelters first, as on the board), units in natural order within one.
    Only one site's units are held in memory at a time."""
    sites = list(session.execute(select(Site.id, Site.name, Site.kind, Site.area)))
    sites.sort(key=lambda s: (s.kind != SiteKind.SHELTER, s.name.lower(), s.name))
    for site_id, name, kind, area in sites:
        units = list(
            session.execute(select(Unit.room, Unit.label, Unit.tags).where(Unit.site_id == site_id))
        )
        units.sort(key=lambda u: (natural_key(u.room), natural_key(u.label)))
        for room, label, tags in units:
            # sorted as import stores them (rows written by other paths may not be)
            yield [name, kind, area, room, label, ";".join(sorted(split_tags(tags)))]
