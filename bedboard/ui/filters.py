"""What the board shows: area, kind of site, needs (tags), language, free only."""

from __future__ import annotations

from dataclasses import dataclass, field

from bedboard.i18n import N_, _
from bedboard.services.beds.availability import UnitNight
from bedboard.states import SiteKind, UnitStatus
from bedboard.words import need_word

KIND_LABELS: dict[str, str] = {  # N_() marked: _() where shown
    SiteKind.SHELTER: N_("shelters"),
    SiteKind.HOST_FAMILY: N_("host families"),
}


@dataclass(frozen=True)
class Filters:
    area: str = ""
    kind: str = ""
    tags: frozenset[str] = field(default_factory=frozenset)
    language: str = ""
    free_only: bool = False

    @property
    def active(self) -> bool:
        return self != Filters()

    def keep(self, u: UnitNight) -> bool:
        if self.free_only and u.status != UnitStatus.FREE:
            return False
        if self.area and u.area.lower() != self.area.lower():
            return False
        if self.kind and u.site_kind != self.kind:
            return False
        if not self.tags <= set(u.tags):
            return False
        return not self.language or f"language_{self.language.lower()}" in u.tags

    def describe(self) -> str:
        parts = []
        if self.free_only:
            parts.append(_("free"))
        if self.kind:
            parts.append(_(KIND_LABELS.get(self.kind, self.kind)))
        if self.area:
            parts.append(self.area)
        parts.extend(need_word(t) for t in sorted(self.tags))
        if self.language:
            parts.append(_("speaks {language}").format(language=self.language))
        return ", ".join(parts)
