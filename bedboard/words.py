"""The stored codes as words for the reader, in the current language: a payer's kind `police`
reads "polis" in Swedish and "police" in English, a site kind `host_family` "jourhem" and
"host family", a turnaway reason `no_free_unit` "ingen ledig plats". The codes themselves stay
what the database holds, the CSV files carry and the options take; only what a person reads
changes. The board and the CLI take their words from here, so both say the same.

Labels are N_() marked and translated when shown (`word()`), so a change of language reaches
them. Like states.py this sits under every layer: it imports only the states and i18n.
"""

from __future__ import annotations

from enum import StrEnum

from bedboard import states
from bedboard.i18n import N_, _

WORDS: dict[type[StrEnum], dict[str, str]] = {
    states.SiteKind: {
        states.SiteKind.SHELTER: N_("shelter"),
        states.SiteKind.HOST_FAMILY: N_("host family"),
    },
    states.PayerKind: {
        states.PayerKind.POLICE: N_("police"),
        states.PayerKind.COURT: N_("court"),
        states.PayerKind.SOCIAL_SERVICES: N_("social services"),
        states.PayerKind.MIGRATION_AGENCY: N_("migration agency"),
        states.PayerKind.EMBASSY: N_("embassy"),
        states.PayerKind.NGO: N_("voluntary organisation"),
        states.PayerKind.OWN: N_("own budget"),
        states.PayerKind.PROSECUTOR: N_("prosecutor"),
        states.PayerKind.MUNICIPALITY: N_("municipality"),
        states.PayerKind.REGION: N_("region"),
        states.PayerKind.OTHER: N_("other"),
    },
    states.NightState: {
        states.NightState.OCCUPIED: N_("occupied"),
        states.NightState.HELD: N_("held"),
        states.NightState.OUT_OF_SERVICE: N_("out of service"),
    },
    states.HoldStatus: {
        states.HoldStatus.ACTIVE: N_("active"),
        states.HoldStatus.CONFIRMED: N_("confirmed"),
        states.HoldStatus.CANCELLED: N_("cancelled"),
        states.HoldStatus.EXPIRED: N_("expired"),
    },
    states.AdjustmentKind: {
        states.AdjustmentKind.ADJUSTMENT: N_("adjustment"),
        states.AdjustmentKind.CREDIT: N_("credit"),
        states.AdjustmentKind.REBILL: N_("rebill"),
    },
    states.Gender: {
        states.Gender.WOMAN: N_("woman"),
        states.Gender.MAN: N_("man"),
        states.Gender.OTHER: N_("other"),
    },
    states.StaffRole: {
        states.StaffRole.NIGHT: N_("night staff"),
        states.StaffRole.OUTREACH: N_("outreach worker"),
        states.StaffRole.COORDINATOR: N_("coordinator"),
        states.StaffRole.ADMIN: N_("administrator"),
    },
    states.TurnawayReason: {
        states.TurnawayReason.NO_FREE_UNIT: N_("no free place"),
        states.TurnawayReason.NO_PAYER: N_("nobody would pay"),
        states.TurnawayReason.NOT_ELIGIBLE: N_("not eligible"),
        states.TurnawayReason.NEEDS_NOT_MET: N_("needs could not be met"),
        states.TurnawayReason.OTHER: N_("other"),
    },
}
# A unit's and a person's needs (tags); `language_xx` reads "speaks xx".
NEEDS: dict[str, str] = {
    "women_only": N_("women only"),
    "children_ok": N_("children"),  # a unit's tag
    "children": N_("children"),  # a guest's need
    "accessible": N_("accessible"),
}


def word(kind: type[StrEnum], value: str | None) -> str:
    """The code `value` of `kind` as the reader's word; an unknown code as itself."""
    if value is None:
        return ""
    label = WORDS[kind].get(value)
    return _(label) if label else value


def need_word(tag: str) -> str:
    label = NEEDS.get(tag)
    if label:
        return _(label)
    if tag.startswith("language_"):
        return _("speaks {language}").format(language=tag.removeprefix("language_"))
    return tag.replace("_", " ")


def needs_text(tags: tuple[str, ...] | list[str]) -> str:
    return ", ".join(need_word(t) for t in tags)


def applies_to(site: str | None, site_kind: str | None) -> str:
    """What a rate is for: 'site Hvilan' or 'site kind host family' ('boendetyp jourhem')."""
    if site:
        return _("site {site}").format(site=site)
    return _("site kind {kind}").format(kind=word(states.SiteKind, site_kind))


def codes_with_words(kind: type[StrEnum]) -> str:
    """For --help, where the code is what one types: 'police (polis), court (domstol), ...'
    ('police, court, social_services (social services), ...' in English)."""
    shown = ((member.value, word(kind, member.value)) for member in kind)
    return ", ".join(code if said == code else f"{code} ({said})" for code, said in shown)
