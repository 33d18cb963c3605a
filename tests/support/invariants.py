"""DESIGN.md's invariants, checked with plain SQL on any backend, and a guest's nights as a
comparable picture. Used by the soak, crash, backup and stateful tests."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import Connection, text

GuestNights = dict[str, dict[dt.date, str]]  # guest code -> night -> "Site/unit"


def as_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def violations(conn: Connection) -> list[str]:
    """Every broken invariant, as readable lines; empty when all hold."""
    problems: list[str] = []
    for row in conn.execute(
        text(
            "SELECT unit_id, night, count(*) FROM bed_nights GROUP BY unit_id, night "
            "HAVING count(*) > 1"
        )
    ):
        problems.append(f"unit {row[0]} has {row[2]} bed-nights on {row[1]}")
    for row in conn.execute(
        text(
            "SELECT guest_id, night, count(*) FROM bed_nights WHERE guest_id IS NOT NULL "
            "GROUP BY guest_id, night HAVING count(*) > 1"
        )
    ):
        problems.append(f"guest {row[0]} is in {row[2]} units on {row[1]}")
    stays: dict[int, list[tuple[dt.date, int, int]]] = defaultdict(list)
    for stay_id, night, unit_id, guest_id in conn.execute(
        text("SELECT stay_id, night, unit_id, guest_id FROM bed_nights WHERE stay_id IS NOT NULL")
    ):
        stays[stay_id].append((as_date(night), unit_id, guest_id))
    owners: dict[int, int] = dict(conn.execute(text("SELECT id, guest_id FROM stays")).all())
    for stay_id, rows in stays.items():
        rows.sort()
        first, last = rows[0][0], rows[-1][0]
        if (last - first).days + 1 != len(rows):
            problems.append(f"stay {stay_id} has a gap: {len(rows)} nights from {first} to {last}")
        if len({unit for _, unit, _ in rows}) != 1:
            problems.append(f"stay {stay_id} spans several units")
        if {guest for _, _, guest in rows} != {owners.get(stay_id)}:
            problems.append(f"stay {stay_id} has nights of another guest")
    for row in conn.execute(
        text(
            "SELECT id FROM stays WHERE id NOT IN (SELECT stay_id FROM bed_nights "
            "WHERE stay_id IS NOT NULL)"
        )
    ):
        problems.append(f"stay {row[0]} has no nights")
    unposted = conn.execute(
        text(
            "SELECT count(*) FROM bed_nights b JOIN closed_nights c ON c.night = b.night "
            "WHERE b.posted_at IS NULL"
        )
    ).scalar_one()
    if unposted:
        problems.append(f"{unposted} bed-night(s) on closed nights are not posted")
    stray = conn.execute(
        text(
            "SELECT count(*) FROM bed_nights WHERE posted_at IS NOT NULL "
            "AND night NOT IN (SELECT night FROM closed_nights)"
        )
    ).scalar_one()
    if stray:
        problems.append(f"{stray} posted bed-night(s) on nights that are not closed")
    for row in conn.execute(
        text(
            "SELECT id FROM bed_nights WHERE (state = 'occupied') <> "
            "(guest_id IS NOT NULL AND stay_id IS NOT NULL)"
        )
    ):
        problems.append(f"bed-night {row[0]} is occupied without a guest and stay (or the reverse)")
    return problems


def guest_nights(conn: Connection, code_prefix: str = "") -> GuestNights:
    """Every occupied night of the guests whose code starts with `code_prefix`."""
    picture: GuestNights = defaultdict(dict)
    rows = conn.execute(
        text(
            "SELECT g.code, b.night, s.name, u.label FROM bed_nights b "
            "JOIN guests g ON g.id = b.guest_id JOIN units u ON u.id = b.unit_id "
            "JOIN sites s ON s.id = u.site_id WHERE g.code LIKE :prefix"
        ),
        {"prefix": code_prefix + "%"},
    )
    for code, night, site, label in rows:
        picture[code][as_date(night)] = f"{site}/{label}"
    return {code: nights for code, nights in picture.items() if nights}


def posted_rows(conn: Connection) -> dict[int, tuple[object, ...]]:
    """Posted bed-nights as they are now: a snapshot to compare with later."""
    return {
        row[0]: tuple(row[1:])
        for row in conn.execute(
            text(
                "SELECT id, unit_id, night, state, stay_id, guest_id, payer_id, payer_reference, "
                "posted_at, rate, currency FROM bed_nights WHERE posted_at IS NOT NULL"
            )
        )
    }
