"""What changed on one night since a board last read it: only the units whose line may show
differently, read again, instead of the whole night.

Triggers note every write in revision_changes (migration 0008). A board that showed revision R
reads the notes after R: the units written on its night, and the units on its night of every
guest written on any night (a stay's "night n of m" runs across nights and moves). Anything
that cannot be narrowed down, notes that no longer reach back to R, or more units than
MAX_UNITS answer None: the caller reads the whole night, as before. The number of statements
and of rows read depends on what changed, not on how many units there are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bedboard.db.models import BedNight, RevisionChange
from bedboard.db.session import current_revision
from bedboard.services.beds.availability import UnitNight, availability
from bedboard.services.staff.access import require
from bedboard.services.staff.rights import Right

MAX_NOTES = 400  # notes read at most; more and the whole night is read
MAX_UNITS = 100  # units read again at most; more and the whole night is read


@dataclass(frozen=True)
class NightChanges:
    revision: int  # the revision the units were read at (at least)
    units: list[UnitNight]  # the units whose night may have changed, as they are now


def changes_since(
    session: Session, night: dt.date, revision: int, now: dt.datetime | None = None
) -> NightChanges | None:
    """The units on `night` that changed after `revision`, or None when that cannot be told
    (read the whole night)."""
    require(session, Right.SEE_AVAILABILITY)
    newest = current_revision(session)  # first: the units read below are at least this new
    if newest == revision:
        return NightChanges(newest, [])
    notes = session.execute(
        select(RevisionChange.revision, RevisionChange.what, RevisionChange.unit_id,
               RevisionChange.night, RevisionChange.guest_id)
        .where(RevisionChange.revision > revision)
        .order_by(RevisionChange.id)
        .limit(MAX_NOTES + 1)
    ).all()  # fmt: skip
    if len(notes) > MAX_NOTES or not notes or notes[0][0] != revision + 1:
        return None  # too many, or the notes no longer reach back (pruned, or a jump)
    units: set[int] = set()
    guests: set[int] = set()
    for _rev, what, unit_id, on, guest_id in notes:
        if what == "all":
            return None
        if what != "unit":
            continue
        if on == night and unit_id is not None:
            units.add(unit_id)
        if guest_id is not None:
            guests.add(guest_id)
    if guests:
        # Through the unique (guest_id, night) index: one row per guest at most.
        units.update(
            session.scalars(
                select(BedNight.unit_id).where(
                    BedNight.night == night, BedNight.guest_id.in_(guests)
                )
            )
        )
    if len(units) > MAX_UNITS:
        return None
    if not units:
        return NightChanges(newest, [])
    return NightChanges(newest, availability(session, night, now=now, unit_ids=units))
