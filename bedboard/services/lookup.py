"""Find sites, units, guests and payers by the names people type."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bedboard.db.models import Guest, Payer, Site, Unit
from bedboard.errors import BadInput, NotFound


def unit_ref(site: Site | str, unit: Unit) -> str:
    return f"{site if isinstance(site, str) else site.name}/{unit.label}"


def find_unit(session: Session, ref: str) -> tuple[Site, Unit]:
    """`SITE/UNIT`, e.g. `Hvilan/12`. Site names may contain '/', so split at the last one."""
    site_name, sep, label = ref.strip().rpartition("/")
    if not sep or not site_name or not label:
        raise BadInput(f"unit {ref!r} should be written SITE/UNIT, like Hvilan/12")
    row = session.execute(
        select(Site, Unit)
        .join(Unit, Unit.site_id == Site.id)
        .where(Site.name == site_name, Unit.label == label)
    ).first()
    if row is None:
        raise NotFound(f"no unit {ref!r}: no site {site_name!r} with a unit {label!r}")
    return row[0], row[1]


def unit_by_id(session: Session, unit_id: int) -> tuple[Site, Unit]:
    row = session.execute(
        select(Site, Unit).join(Unit, Unit.site_id == Site.id).where(Unit.id == unit_id)
    ).one()
    return row[0], row[1]


def find_guest(session: Session, code: str) -> Guest:
    guest = session.scalar(select(Guest).where(Guest.code == code.strip()))
    if guest is None:
        raise NotFound(f"no guest with code {code!r}")
    return guest


def complete_guest_code(session: Session, typed: str) -> str | None:
    """The first known guest code that starts with what was typed (any case)."""
    return session.scalar(
        select(Guest.code)
        .where(Guest.code.istartswith(typed.strip(), autoescape=True))
        .order_by(Guest.code)
        .limit(1)
    )


def clean_code(code: str) -> str:
    code = code.strip()
    if not code or len(code) > 100 or any(not ch.isprintable() for ch in code):
        raise BadInput(f"guest code {code!r} must be 1 to 100 printable characters")
    return code


def clean_text(text: str, what: str, limit: int) -> str:
    """Free text as it is stored: trimmed, and no longer than its column. PostgreSQL refuses a
    longer value and SQLite keeps it, so say so the same way on both, before the database."""
    text = text.strip()
    if len(text) > limit:
        raise BadInput(f"{what} is {len(text)} characters long; at most {limit} are kept")
    return text


def guest_or_new(session: Session, code: str) -> tuple[Guest, bool]:
    code = clean_code(code)
    guest = session.scalar(select(Guest).where(Guest.code == code))
    if guest is not None:
        return guest, False
    guest = Guest(code=code, protected=True, languages="", notes="")
    session.add(guest)
    session.flush()
    return guest, True


def find_payer(session: Session, name: str) -> Payer:
    payer = session.scalar(select(Payer).where(Payer.name == name.strip()))
    if payer is None:
        raise NotFound(f"no payer named {name!r} (see `bedboard payers list`)")
    if not payer.active:
        raise NotFound(f"payer {name!r} is deactivated")
    return payer
