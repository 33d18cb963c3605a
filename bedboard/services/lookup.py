"""Find sites, units, guests and payers by the names people type."""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from bedboard.db.models import Guest, Payer, Site, Unit
from bedboard.errors import BadInput, NotFound, UnknownPayer
from bedboard.i18n import _
from bedboard.services.text import clean_text


def unit_ref(site: Site | str, unit: Unit) -> str:
    return f"{site if isinstance(site, str) else site.name}/{unit.label}"


def find_unit(session: Session, ref: str) -> tuple[Site, Unit]:
    """`SITE/UNIT`, e.g. `Hvilan/12`. Site names may contain '/', so split at the last one."""
    site_name, sep, label = ref.strip().rpartition("/")
    if not sep or not site_name or not label:
        raise BadInput(
            _("unit {ref!r} should be written SITE/UNIT, like Hvilan/12").format(ref=ref)
        )
    row = session.execute(
        select(Site, Unit)
        .join(Unit, Unit.site_id == Site.id)
        .where(Site.name == site_name, Unit.label == label)
    ).first()
    if row is None:
        raise NotFound(
            _("no unit {ref!r}: no site {site_name!r} with a unit {label!r}").format(
                ref=ref, site_name=site_name, label=label
            )
        )
    return row[0], row[1]


def unit_by_id(session: Session, unit_id: int) -> tuple[Site, Unit]:
    row = session.execute(
        select(Site, Unit).join(Unit, Unit.site_id == Site.id).where(Unit.id == unit_id)
    ).one()
    return row[0], row[1]


def site_id_named(session: Session, name: str | None) -> int | None:
    """The id of the site with this name, None when no site is named; NotFound for a name no
    site has."""
    if not name:
        return None
    site_id = session.scalar(select(Site.id).where(Site.name == name.strip()))
    if site_id is None:
        raise NotFound(_("no site named {name!r}").format(name=name))
    return site_id


def find_guest(session: Session, code: str) -> Guest:
    guest = session.scalar(select(Guest).where(Guest.code == code.strip()))
    if guest is None:
        raise NotFound(_("no guest with code {code!r}").format(code=code))
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
    return clean_text(code, Guest.code, "the guest code", required=True)


def guest_or_new(session: Session, code: str) -> tuple[Guest, bool]:
    code = clean_code(code)
    guest = session.scalar(select(Guest).where(Guest.code == code))
    if guest is not None:
        return guest, False
    # Only the code (and empty defaults): on PostgreSQL night staff, who book new arrivals,
    # may insert nothing else into guests (migration 0007), and the ORM would name every column.
    new_id = session.scalar(
        insert(Guest)
        .values(code=code, protected=True, languages="", notes="", needs="")
        .returning(Guest.id)
    )
    guest = session.get(Guest, new_id)
    assert guest is not None
    return guest, True


def find_payer(session: Session, name: str, *, deactivated_too: bool = False) -> Payer:
    """A payer by name; a deactivated one only when asked for (editing it, reading its bills)."""
    payer = session.scalar(select(Payer).where(Payer.name == name.strip()))
    if payer is None:
        raise UnknownPayer(_("no payer named {name!r}").format(name=name))
    if not payer.active and not deactivated_too:
        raise NotFound(_("payer {name!r} is deactivated").format(name=name))
    return payer
