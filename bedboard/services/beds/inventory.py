"""Sites and units from the inventory CSV: all rows or none, errors name the line, and
importing the same file again changes nothing (tags are compared as a set, whatever their order).

Tags are a known list (DEFAULT_UNIT_TAGS, or `unit_tags` in config.toml): a mistyped tag
(`Women-Only`, `womenonly`) would be stored and silently never match, so it is refused with
its line. An entry ending in `*` allows every tag that starts so (`language_*`)."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bedboard.config import DEFAULT_UNIT_TAGS
from bedboard.db.models import SITE_KINDS, Site, Unit
from bedboard.errors import BadInput
from bedboard.i18n import _
from bedboard.services.csvio import line_of, read_csv
from bedboard.services.safety import audit
from bedboard.services.staff.access import require
from bedboard.services.staff.rights import Right
from bedboard.services.text import clean_text

INVENTORY_COLUMNS = ("site", "site_kind", "area", "room", "unit", "tags")
INVENTORY_TEXT = {"site": Site.name, "area": Site.area, "room": Unit.room, "unit": Unit.label}
TAG_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_-")


@dataclass(frozen=True)
class InventoryRow:
    line: int
    site: str
    site_kind: str
    area: str
    room: str
    unit: str
    tags: str  # normalised: sorted, ';'-separated


@dataclass(frozen=True)
class ImportResult:
    sites_added: int
    units_added: int
    units_updated: int
    sites_updated: int = 0  # a new area for a site already there

    @property
    def changed(self) -> bool:
        return bool(
            self.sites_added or self.units_added or self.units_updated or self.sites_updated
        )


def tag_known(tag: str, known: Sequence[str]) -> bool:
    return any(
        tag == k or (k.endswith("*") and tag.startswith(k[:-1]) and len(tag) > len(k) - 1)
        for k in known
    )


def normalise_tags(text: str, where: str, known: Sequence[str] | None = DEFAULT_UNIT_TAGS) -> str:
    """Sorted, ';'-separated, each tag once; with `known`, an unknown tag is refused."""
    tags = sorted({t.strip() for t in text.split(";") if t.strip()})
    for tag in tags:
        known_here = known is None or tag_known(tag, known)
        plain = [k for k in known or () if not k.endswith("*")]
        close = (
            []
            if known_here
            else difflib.get_close_matches(tag.lower().replace("-", "_"), plain, n=1)
        )
        if not set(tag) <= TAG_CHARS and not close:
            raise BadInput(
                _("{where}: tag {tag!r} may only use a-z, 0-9, '_' and '-'").format(
                    where=where, tag=tag
                )
            )
        if not known_here:
            hint = _(" (did you mean {tag}?)").format(tag=close[0]) if close else ""
            raise BadInput(
                _(
                    "{where}: unknown tag {tag!r}{hint}; known tags: {known} "
                    "(more can be added as unit_tags in config.toml)"
                ).format(where=where, tag=tag, hint=hint, known=", ".join(known or ()))
            )
    return ";".join(tags)


def same_tags(a: str, b: str) -> bool:
    """Tags as a set: 'women_only;accessible' is 'accessible;women_only'."""
    return set(filter(None, a.split(";"))) == set(filter(None, b.split(";")))


def parse_inventory(
    path: Path | str, known_tags: Sequence[str] = DEFAULT_UNIT_TAGS
) -> list[InventoryRow]:
    rows: list[InventoryRow] = []
    seen: dict[tuple[str, str], int] = {}
    kinds: dict[str, tuple[str, str]] = {}
    for line, r in read_csv(path, INVENTORY_COLUMNS):
        where = line_of(path, line)
        if not r["site"] or not r["unit"]:
            raise BadInput(_("{where}: site and unit must not be empty").format(where=where))
        if "/" in r["unit"]:
            raise BadInput(
                _("{where}: unit label {label!r} must not contain '/'").format(
                    where=where, label=r["unit"]
                )
            )
        if r["site_kind"] not in SITE_KINDS:
            raise BadInput(
                _("{where}: unknown site kind {kind!r} (use {kinds})").format(
                    where=where, kind=r["site_kind"], kinds=" or ".join(SITE_KINDS)
                )
            )
        for field, column in INVENTORY_TEXT.items():
            r[field] = clean_text(r[field], column, f"{where}: {field}")
        key = (r["site"], r["unit"])
        if key in seen:
            raise BadInput(
                _("{where}: unit {site}/{unit} already on line {seen}").format(
                    where=where, site=r["site"], unit=r["unit"], seen=seen[key]
                )
            )
        seen[key] = line
        site_facts = (r["site_kind"], r["area"])
        if kinds.setdefault(r["site"], site_facts) != site_facts:
            raise BadInput(
                _("{where}: site {site!r} has another kind or area above").format(
                    where=where, site=r["site"]
                )
            )
        rows.append(
            InventoryRow(
                line,
                r["site"],
                r["site_kind"],
                r["area"],
                r["room"],
                r["unit"],
                normalise_tags(r["tags"], where, known_tags),
            )
        )
    if not rows:
        raise BadInput(_("{path}: no units in the file").format(path=path))
    return rows


def import_inventory(session: Session, rows: list[InventoryRow], *, actor: str) -> ImportResult:
    require(session, Right.INVENTORY)
    sites = {s.name: s for s in session.scalars(select(Site))}
    units = {(u.site_id, u.label): u for u in session.scalars(select(Unit))}
    sites_added = units_added = units_updated = sites_updated = 0
    for row in rows:
        site = sites.get(row.site)
        if site is None:
            site = Site(name=row.site, kind=row.site_kind, area=row.area)
            session.add(site)
            session.flush()
            sites[row.site] = site
            sites_added += 1
        elif site.kind != row.site_kind:
            raise BadInput(
                _("line {line}: site {site!r} is already a {kind}, not {site_kind}").format(
                    line=row.line, site=row.site, kind=site.kind, site_kind=row.site_kind
                )
            )
        elif site.area != row.area:
            site.area = row.area
            sites_updated += 1
        unit = units.get((site.id, row.unit))
        if unit is None:
            session.add(Unit(site_id=site.id, room=row.room, label=row.unit, tags=row.tags))
            units_added += 1
        elif unit.room != row.room or not same_tags(unit.tags, row.tags):
            unit.room, unit.tags = row.room, row.tags
            units_updated += 1
    session.flush()
    result = ImportResult(sites_added, units_added, units_updated, sites_updated)
    if result.changed:
        audit.record(
            session,
            actor,
            "import_inventory",
            "inventory",
            sites_added=sites_added,
            units_added=units_added,
            units_updated=units_updated,
            sites_updated=sites_updated,
        )
    return result
