"""What each role may do: the one table of rights (DESIGN.md, "Staff and access").

A right is granted to a role either everywhere or only at the sites the staff member works at
(night staff). The board's key bar and every service check read this table and nothing else.
"""

from __future__ import annotations

from enum import StrEnum

from bedboard.states import StaffRole


class Right(StrEnum):
    SEE_AVAILABILITY = "see_availability"
    BOOK = "book"  # check in, check out, extend, move, confirm a hold, out of service
    HOLD = "hold"
    TURNAWAY = "turnaway"
    REGISTER_GUEST = "register_guest"
    REVEAL = "reveal"  # a guest's name, with a reason
    BILLING = "billing"  # who pays, adjustments, billing exports and lists
    COMMITMENTS = "commitments"
    CORRECT = "correct"
    CLOSE_NIGHT = "close_night"
    EXPORT = "export"
    AUDIT = "audit"  # read the audit log and the disclosure log
    STAFF = "staff"
    INVENTORY = "inventory"
    PAYERS = "payers"
    RATES = "rates"
    BACKUP = "backup"
    RESTORE = "restore"
    FORGET = "forget"


EVERYWHERE = "everywhere"
OWN_SITES = "own_sites"

_NIGHT = {
    Right.SEE_AVAILABILITY: EVERYWHERE,
    Right.BOOK: OWN_SITES,
    Right.HOLD: OWN_SITES,
    Right.TURNAWAY: OWN_SITES,
    Right.REVEAL: OWN_SITES,
}
_OUTREACH = {
    Right.SEE_AVAILABILITY: EVERYWHERE,
    Right.HOLD: EVERYWHERE,
    Right.REGISTER_GUEST: EVERYWHERE,
    Right.TURNAWAY: EVERYWHERE,
}
_COORDINATOR = {
    **{right: EVERYWHERE for right in (*_NIGHT, *_OUTREACH)},
    **{
        right: EVERYWHERE
        for right in (
            Right.BILLING,
            Right.COMMITMENTS,
            Right.CORRECT,
            Right.CLOSE_NIGHT,
            Right.EXPORT,
            Right.AUDIT,
        )
    },
}
_ADMIN = {right: EVERYWHERE for right in Right}

RIGHTS: dict[str, dict[Right, str]] = {
    StaffRole.NIGHT: _NIGHT,
    StaffRole.OUTREACH: _OUTREACH,
    StaffRole.COORDINATOR: _COORDINATOR,
    StaffRole.ADMIN: _ADMIN,
}


def scope(role: str | None, right: Right) -> str | None:
    """EVERYWHERE, OWN_SITES, or None (not allowed). No role (before the first admin): all."""
    if role is None:
        return EVERYWHERE
    return RIGHTS.get(role, {}).get(right)
