"""The tables. The schema itself comes from the Alembic migrations; these classes must match them
(tests/test_migrations.py compares the two)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bedboard.states import (
    AdjustmentKind,
    Gender,
    HoldStatus,
    NightState,
    PayerKind,
    SiteKind,
    StaffRole,
    values,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SITE_KINDS = values(SiteKind)
PAYER_KINDS = values(PayerKind)
ADJUSTMENT_KINDS = values(AdjustmentKind)
NIGHT_STATES = values(NightState)
HOLD_STATUSES = values(HoldStatus)
GENDERS = values(Gender)
STAFF_ROLES = values(StaffRole)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Site(Base):
    __tablename__ = "sites"
    __table_args__ = (CheckConstraint(_in("kind", SITE_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    area: Mapped[str] = mapped_column(String(200), default="")


class Unit(Base):
    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("site_id", "label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    room: Mapped[str] = mapped_column(String(100), default="")
    label: Mapped[str] = mapped_column(String(100))
    tags: Mapped[str] = mapped_column(String(500), default="")  # ';'-separated, sorted


class Household(Base):
    """A group booked together (a mother and her children). Created on first use of its code."""

    __tablename__ = "households"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Guest(Base):
    __tablename__ = "guests"
    __table_args__ = (
        CheckConstraint("gender IS NULL OR " + _in("gender", GENDERS), name="gender"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(100), unique=True)
    # Deferred: on PostgreSQL no staff login may read name or notes (migration 0007), so a
    # plain select(Guest) must not ask for them.
    name: Mapped[str | None] = mapped_column(String(300), deferred=True)
    protected: Mapped[bool] = mapped_column(default=True)
    birth_year: Mapped[int | None] = mapped_column(Integer)
    languages: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="", deferred=True)
    gender: Mapped[str | None] = mapped_column(String(10))
    needs: Mapped[str] = mapped_column(String(200), default="")  # ';'-separated, sorted
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), index=True)


class AvoidRule(Base):
    """Where a guest must never be offered a place (a site or an area), or another guest to keep
    apart from. Exactly one of the three targets is set."""

    __tablename__ = "avoid_rules"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN site_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN area IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN other_guest_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_target",
        ),
        CheckConstraint("other_guest_id IS NULL OR other_guest_id <> guest_id", name="not_self"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guest_id: Mapped[int] = mapped_column(ForeignKey("guests.id"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"))
    area: Mapped[str | None] = mapped_column(String(200))
    other_guest_id: Mapped[int | None] = mapped_column(ForeignKey("guests.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(100))


class Payer(Base):
    __tablename__ = "payers"
    __table_args__ = (CheckConstraint(_in("kind", PAYER_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    active: Mapped[bool] = mapped_column(default=True)
    org_number: Mapped[str] = mapped_column(String(50), default="")
    address: Mapped[str] = mapped_column(String(500), default="")
    contact: Mapped[str] = mapped_column(String(300), default="")


class Stay(Base):
    __tablename__ = "stays"

    id: Mapped[int] = mapped_column(primary_key=True)
    guest_id: Mapped[int] = mapped_column(ForeignKey("guests.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(100))


class Hold(Base):
    """Units kept for people on their way, for `nights` nights from `night`, until `expires_at`.
    `unit_id` is the first unit; every unit, in the order guests are paired with them, is in
    hold_units."""

    __tablename__ = "holds"
    __table_args__ = (
        CheckConstraint(_in("status", HOLD_STATUSES), name="status"),
        CheckConstraint("nights >= 1", name="nights_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    night: Mapped[dt.date] = mapped_column(Date)
    nights: Mapped[int] = mapped_column(Integer, default=1)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    held_for: Mapped[str] = mapped_column(String(300), default="")
    created_by: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), default=HoldStatus.ACTIVE)


class HoldUnit(Base):
    __tablename__ = "hold_units"
    __table_args__ = (UniqueConstraint("hold_id", "unit_id"),)

    hold_id: Mapped[int] = mapped_column(ForeignKey("holds.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))


class BedNight(Base):
    """One unit on one night: the atom of the system. Free nights have no row."""

    __tablename__ = "bed_nights"
    __table_args__ = (
        UniqueConstraint("unit_id", "night"),
        UniqueConstraint("guest_id", "night"),
        CheckConstraint(_in("state", NIGHT_STATES), name="state"),
        CheckConstraint(
            "(state = 'occupied') = (guest_id IS NOT NULL AND stay_id IS NOT NULL)",
            name="occupied_has_guest",
        ),
        CheckConstraint("(state = 'held') = (hold_id IS NOT NULL)", name="held_has_hold"),
        CheckConstraint("state = 'occupied' OR payer_id IS NULL", name="payer_only_occupied"),
        # Covering the board's stay lookup (a stay's first and last night, its guest).
        Index("ix_bed_nights_night_stay", "night", "stay_id"),
        Index("ix_bed_nights_stay_night", "stay_id", "night", "guest_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    night: Mapped[dt.date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(20))
    stay_id: Mapped[int | None] = mapped_column(ForeignKey("stays.id"))
    guest_id: Mapped[int | None] = mapped_column(ForeignKey("guests.id"))
    hold_id: Mapped[int | None] = mapped_column(ForeignKey("holds.id"))
    payer_id: Mapped[int | None] = mapped_column(ForeignKey("payers.id"))
    payer_reference: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str] = mapped_column(String(300), default="")
    # The commitment that routed this night to its payer; NULL when an explicit `pay` set the
    # payer or nothing covers the night. Set with no payer: the night is beyond the cap.
    commitment_id: Mapped[int | None] = mapped_column(ForeignKey("commitments.id"))
    # Set by night close; a posted row is locked by a trigger on every backend.
    posted_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    rate: Mapped[int | None] = mapped_column(Integer)  # minor units (öre)
    currency: Mapped[str | None] = mapped_column(String(3))


class Rate(Base):
    __tablename__ = "rates"
    __table_args__ = (
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        CheckConstraint("site_kind IS NULL OR " + _in("site_kind", SITE_KINDS), name="site_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    amount: Mapped[int] = mapped_column(Integer)  # minor units
    currency: Mapped[str] = mapped_column(String(3))
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    site_kind: Mapped[str | None] = mapped_column(String(20))
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"))
    payer_id: Mapped[int | None] = mapped_column(ForeignKey("payers.id"))


class Adjustment(Base):
    """A change to a posted night's billing, locked like the night itself (triggers refuse
    UPDATE and DELETE). `payer_id` is who this amount is billed to (NULL: nobody)."""

    __tablename__ = "adjustments"
    __table_args__ = (CheckConstraint(_in("kind", ADJUSTMENT_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bed_night_id: Mapped[int] = mapped_column(ForeignKey("bed_nights.id"), index=True)
    amount: Mapped[int] = mapped_column(Integer)  # minor units, may be negative
    currency: Mapped[str] = mapped_column(String(3))
    reason: Mapped[str] = mapped_column(String(500))
    actor: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    kind: Mapped[str] = mapped_column(String(20), default=AdjustmentKind.ADJUSTMENT)
    payer_id: Mapped[int | None] = mapped_column(ForeignKey("payers.id"))
    payer_reference: Mapped[str] = mapped_column(String(200), default="")


class Commitment(Base):
    """A payer's decision to pay for a guest's (or a household's) nights from a date, with its
    reference and an optional cap. Nights are routed to it unless an explicit `pay` says
    otherwise."""

    __tablename__ = "commitments"
    __table_args__ = (
        CheckConstraint("max_nights IS NULL OR max_nights > 0", name="max_nights_positive"),
        CheckConstraint("max_amount IS NULL OR max_amount > 0", name="max_amount_positive"),
        CheckConstraint("last_night IS NULL OR last_night >= first_night", name="range"),
        CheckConstraint("(guest_id IS NULL) <> (household_id IS NULL)", name="one_party"),
        Index("ix_commitments_guest_id", "guest_id"),
        Index("ix_commitments_household_id", "household_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    payer_id: Mapped[int] = mapped_column(ForeignKey("payers.id"))
    # For one guest, or for every member of a household (its cap counts them all together).
    guest_id: Mapped[int | None] = mapped_column(ForeignKey("guests.id"))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"))
    first_night: Mapped[dt.date] = mapped_column(Date)
    last_night: Mapped[dt.date | None] = mapped_column(Date)
    reference: Mapped[str] = mapped_column(String(200), default="")
    max_nights: Mapped[int | None] = mapped_column(Integer)
    max_amount: Mapped[int | None] = mapped_column(Integer)  # minor units
    signed_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(100))


class CompensationRate(Base):
    """What a host family is paid per night, separate from what payers are billed."""

    __tablename__ = "compensation_rates"
    __table_args__ = (
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        CheckConstraint("site_kind IS NULL OR site_kind = 'host_family'", name="site_kind"),
        CheckConstraint("(site_kind IS NULL) <> (site_id IS NULL)", name="one_scope"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    amount: Mapped[int] = mapped_column(Integer)  # minor units
    currency: Mapped[str] = mapped_column(String(3))
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    site_kind: Mapped[str | None] = mapped_column(String(20))
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"))


class ClosedNight(Base):
    __tablename__ = "closed_nights"

    night: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    closed_at: Mapped[dt.datetime] = mapped_column(DateTime)
    closed_by: Mapped[str] = mapped_column(String(100))


class Turnaway(Base):
    __tablename__ = "turnaways"
    __table_args__ = (CheckConstraint("people >= 1", name="people_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    night: Mapped[dt.date] = mapped_column(Date, index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"))
    reason: Mapped[str] = mapped_column(String(100))
    people: Mapped[int] = mapped_column(Integer, default=1)
    referred_to: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(100))
    needs: Mapped[str] = mapped_column(String(200), default="")  # unmet needs, ';'-separated


class AuditEntry(Base):
    """Append-only (triggers refuse UPDATE and DELETE); each entry hashes the one before it."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(50))
    target: Mapped[str] = mapped_column(String(300), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class Revision(Base):
    """One row; every write bumps it first, which also serialises writers on PostgreSQL."""

    __tablename__ = "revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class RevisionChange(Base):
    """What each write changed that a board's night can show, written by triggers (migration
    0008) so that every writer is noted, whatever its code path. A board that showed revision R
    reads the rows after R instead of the whole night: 'write' marks each revision (so a board
    can tell the notes since R are complete), 'unit' a unit's night that changed (with the
    guest, whose other nights show as "night n of m"), 'all' anything it cannot narrow down
    (inventory, payers, households, a restored backup). Only the last KEEP revisions stay."""

    __tablename__ = "revision_changes"
    __table_args__ = (CheckConstraint(_in("what", ("write", "unit", "all")), name="what"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, index=True)
    what: Mapped[str] = mapped_column(String(5))
    unit_id: Mapped[int | None] = mapped_column(Integer)  # no foreign key: units may go
    night: Mapped[dt.date | None] = mapped_column(Date)
    guest_id: Mapped[int | None] = mapped_column(Integer)


class Staff(Base):
    """A person who may act. The PIN is kept only as a salted scrypt hash; wrong PINs are
    counted here so the backoff holds across processes."""

    __tablename__ = "staff"
    __table_args__ = (CheckConstraint(_in("role", STAFF_ROLES), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20))
    # Deferred: PostgreSQL staff logins other than admins may not read these (migration 0007).
    pin_hash: Mapped[str | None] = mapped_column(String(300), deferred=True)
    active: Mapped[bool] = mapped_column(default=True)
    failed_pins: Mapped[int] = mapped_column(Integer, default=0, deferred=True)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime, deferred=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class StaffSite(Base):
    """The sites a night worker works at (other roles act everywhere)."""

    __tablename__ = "staff_sites"

    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), primary_key=True)


class AuditAnchor(Base):
    """One row, written by a trigger on every audit entry: how many entries there are and the
    newest hash. Entries cut from the end of the log no longer match it."""

    __tablename__ = "audit_anchor"

    id: Mapped[int] = mapped_column(primary_key=True)
    entries: Mapped[int] = mapped_column(Integer, default=0)
    last_id: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))


class RevealConfirmation(Base):
    """On PostgreSQL, a second staff member's confirmation that a protected guest's name may be
    shown to `for_login`, made in their own session; the reveal function uses each one once.
    Written only by the database's functions (migration 0007)."""

    __tablename__ = "reveal_confirmations"

    id: Mapped[int] = mapped_column(primary_key=True)
    guest_id: Mapped[int] = mapped_column(ForeignKey("guests.id"))
    for_login: Mapped[str] = mapped_column(String(63))
    confirmed_by: Mapped[str] = mapped_column(String(63))
    at: Mapped[dt.datetime] = mapped_column(DateTime)
