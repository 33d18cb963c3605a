"""The named states and kinds: what a unit is on a night, where a hold stands, what a site and a
payer are, what an adjustment is, a guest's gender, a staff member's role and why a turnaway
happened. Stored as the plain strings they are equal to (a `StrEnum` member *is* its value),
so the database, the CSV files and older rows need no change; in code they have one spelling.

This module imports nothing from bedboard: the tables, the rules, the CLI and the board all
name states with it.
"""

from __future__ import annotations

from enum import StrEnum


class SiteKind(StrEnum):
    SHELTER = "shelter"
    HOST_FAMILY = "host_family"


class PayerKind(StrEnum):
    POLICE = "police"
    COURT = "court"
    SOCIAL_SERVICES = "social_services"
    MIGRATION_AGENCY = "migration_agency"
    EMBASSY = "embassy"
    NGO = "ngo"
    OWN = "own"
    PROSECUTOR = "prosecutor"
    MUNICIPALITY = "municipality"
    REGION = "region"
    OTHER = "other"


class NightState(StrEnum):
    """A stored bed-night: a unit that is not free on a night has exactly one of these."""

    OCCUPIED = "occupied"
    HELD = "held"
    OUT_OF_SERVICE = "out_of_service"


class UnitStatus(StrEnum):
    """What the board shows for a unit on a night: a stored state, or free (no row)."""

    FREE = "free"
    OCCUPIED = "occupied"
    HELD = "held"
    OUT_OF_SERVICE = "out_of_service"


class HoldStatus(StrEnum):
    ACTIVE = "active"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class AdjustmentKind(StrEnum):
    """What a row of `adjustments` is: a correction by hand, or the two halves of moving a closed
    night to another payer (the old amount back to the old payer, the new payer's rate)."""

    ADJUSTMENT = "adjustment"
    CREDIT = "credit"
    REBILL = "rebill"


class Gender(StrEnum):
    WOMAN = "woman"
    MAN = "man"
    OTHER = "other"


class StaffRole(StrEnum):
    """What a staff member may do (the rights table in services.staff.rights); on PostgreSQL
    also the group role a staff login is a member of."""

    NIGHT = "night"
    OUTREACH = "outreach"
    COORDINATOR = "coordinator"
    ADMIN = "admin"


class TurnawayReason(StrEnum):
    """Why a request for a place could not be met (the `reason` of a turnaway)."""

    NO_FREE_UNIT = "no_free_unit"
    NO_PAYER = "no_payer"
    NOT_ELIGIBLE = "not_eligible"
    NEEDS_NOT_MET = "needs_not_met"
    OTHER = "other"


def values(kind: type[StrEnum]) -> tuple[str, ...]:
    """The stored spellings, in declaration order (for CHECK constraints and help texts)."""
    return tuple(member.value for member in kind)
