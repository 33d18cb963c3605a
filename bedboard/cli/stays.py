"""Stays and holds from the command line: checkin, checkout, extend, move, hold, and more."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click

from bedboard.cli import cli
from bedboard.cli.common import NIGHT, F, act, common_options, open_from_context
from bedboard.errors import RuleViolation
from bedboard.i18n import _
from bedboard.services.beds import holds, stays
from bedboard.services.beds.out_of_service import mark_out_of_service
from bedboard.services.clock import MAX_NIGHTS
from bedboard.services.people.eligibility import NotEligible

# A hold number is a database id: beyond 64 bits it is no hold at all (and SQLite overflows).
HOLD_ID = click.IntRange(1, 2**63 - 1)


# How long a hold lasts: `hold` and `find --hold` take it alike.
hold_minutes_option = click.option(
    "--minutes",
    type=click.IntRange(1, holds.MAX_HOLD_MINUTES),
    default=holds.DEFAULT_HOLD_MINUTES,
    show_default=True,
)


def _nights_option(default: int | None = 1) -> Callable[[F], F]:
    return click.option(
        "--nights",
        type=click.IntRange(1, MAX_NIGHTS),
        default=default,
        show_default=True,
        help=_("How many nights."),
    )


def _guests_option(help: str) -> Callable[[F], F]:
    """--guest, repeated: a guest code for each unit, paired in order."""
    return click.option(
        "--guest", "guest_codes", required=True, multiple=True, metavar="CODE", help=help
    )


@contextmanager
def _override_hint() -> Iterator[None]:
    """The service says a reason can override; here that is an option."""
    try:
        yield
    except NotEligible as exc:
        message = _("{refusal}; to place anyway: --override REASON").format(refusal=exc.refusal)
        raise RuleViolation(message) from None


_OVERRIDE = click.option(
    "--override",
    default="",
    metavar="REASON",
    help=_("Place the guest although their gender or needs contradict the unit (audited)."),
)


@cli.command("checkin")
@click.option(
    "--unit", "units", required=True, multiple=True, metavar="SITE/UNIT", help=_("Like Hvilan/12.")
)
@_guests_option(_("Guest code; a new code creates the guest. Repeat with --unit: paired in order."))
@click.option("--night", type=NIGHT, help=_("First night. Default: the current night."))
@_nights_option()
@click.option("--payer", metavar="NAME", help=_("Who pays these nights."))
@click.option("--reference", default="", metavar="TEXT", help=_("Decision or case number."))
@_OVERRIDE
@common_options
def checkin(
    units: tuple[str, ...],
    guest_codes: tuple[str, ...],
    night: dt.date | None,
    nights: int,
    payer: str | None,
    reference: str,
    override: str,
) -> None:
    """Check guests in, each to a unit (--unit A --guest G --unit B --guest H): all or none."""
    if len(units) != len(guest_codes):
        raise click.UsageError(
            _("give one --guest for each --unit ({units} units, {guests} guests)").format(
                units=len(units), guests=len(guest_codes)
            )
        )
    store = open_from_context()
    first = night or store.tonight()
    with _override_hint():
        booked = act(
            stays.check_in_many,
            store,
            pairs=list(zip(units, guest_codes, strict=True)),
            night=first,
            nights_count=nights,
            payer=payer,
            reference=reference,
            override=override,
        )
    last = first + dt.timedelta(days=nights - 1)
    unbilled = "" if payer else _(" (no payer yet: unbilled)")
    for unit, code, stay in zip(units, guest_codes, booked, strict=True):
        click.echo(
            _("checked in {code} to {unit}, nights {first}..{last}, stay {stay}").format(
                code=code, unit=unit, first=first, last=last, stay=stay.id
            )
            + unbilled
        )


@cli.command("checkout")
@click.option("--guest", "guest_code", required=True, metavar="CODE")
@click.option(
    "--night",
    type=NIGHT,
    help=_("First night not stayed. Default: today's date (a morning check-out)."),
)
@common_options
def checkout(guest_code: str, night: dt.date | None) -> None:
    """Check a guest out: removes their nights from --night on."""
    store = open_from_context()
    first_free = night or dt.date.today()
    with store.write() as session:
        removed = stays.check_out(
            session, guest_code=guest_code, night=first_free, actor=store.actor
        )
        later = stays.later_booking(session, guest_code, first_free)
    click.echo(
        _("checked out {code}: {n} night(s) from {night} on removed").format(
            code=guest_code, n=removed, night=first_free
        )
    )
    _say_kept(later)


def _say_kept(later: stays.LaterBooking | None) -> None:
    """A later booking after a gap was left alone: say so, so nobody thinks it is gone."""
    if later is not None:
        click.echo(
            _("their later booking from the night of {night} in {unit} is kept").format(
                night=later.first_night, unit=later.unit
            )
        )


@cli.command("extend")
@click.option("--guest", "guest_code", required=True, metavar="CODE")
@_nights_option()
@click.option(
    "--night",
    type=NIGHT,
    help=_("A night of the stay to extend. Default: the stay of tonight or last night."),
)
@common_options
def extend(guest_code: str, nights: int, night: dt.date | None) -> None:
    """Add nights after the last night of a guest's stay, same unit and payer."""
    store = open_from_context()
    with store.write() as session:
        done = stays.extend(
            session,
            guest_code=guest_code,
            extra_nights=nights,
            actor=store.actor,
            tonight=store.tonight(),
            night=night,
        )
    click.echo(
        _("extended {code} by {n} night(s) (stay {stay}, {unit}, to the night of {last})").format(
            code=guest_code, n=nights, stay=done.stay.id, unit=done.unit, last=done.last_night
        )
    )
    if done.inactive_payer:
        click.echo(
            _(
                "the new nights are unbilled: payer {payer} is deactivated; set who pays them "
                "with `bedboard pay`"
            ).format(payer=done.inactive_payer)
        )


@cli.command("move")
@click.option("--guest", "guest_code", required=True, metavar="CODE")
@click.option("--to", "to_unit", required=True, metavar="SITE/UNIT")
@click.option("--night", type=NIGHT, help=_("First night in the new unit. Default: current night."))
@_OVERRIDE
@common_options
def move(guest_code: str, to_unit: str, night: dt.date | None, override: str) -> None:
    """Move a guest to another unit from a night on."""
    store = open_from_context()
    first = night or store.tonight()
    with _override_hint(), store.write() as session:
        stay = stays.move(
            session,
            guest_code=guest_code,
            to_unit=to_unit,
            from_night=first,
            override=override,
            actor=store.actor,
        )
        later = stays.later_booking(session, guest_code, stays.last_night_of(session, stay))
    click.echo(
        _("moved {code} to {unit} from {night} on").format(
            code=guest_code, unit=to_unit, night=first
        )
    )
    _say_kept(later)


def hold_line(
    hold_id: int, units: list[str], first: dt.date, count: int, until: dt.datetime
) -> str:
    """`hold #ID ...`: scripts read the id from this start, in every language."""
    local = until.replace(tzinfo=dt.UTC).astimezone()
    return f"hold #{hold_id} " + _(
        "on {units} for {nights} night(s) from {first}, until {until:%H:%M}"
    ).format(units=", ".join(units), nights=count, first=first, until=local)


@cli.command("hold")
@click.option("--unit", "units", required=True, multiple=True, metavar="SITE/UNIT")
@click.option("--night", type=NIGHT, help=_("First night. Default: the current night."))
@_nights_option()
@click.option("--for", "held_for", default="", metavar="TEXT", help=_("Who is on their way."))
@hold_minutes_option
@common_options
def hold(
    units: tuple[str, ...], night: dt.date | None, nights: int, held_for: str, minutes: int
) -> None:
    """Hold units for people on their way: every unit, every night, under one hold."""
    store = open_from_context()
    with store.write() as session:
        row = holds.hold(
            session,
            units=units,
            night=night or store.tonight(),
            nights_count=nights,
            held_for=held_for,
            minutes=minutes,
            actor=store.actor,
        )
        line = hold_line(
            row.id, holds.held_units(session, row.id), row.night, nights, row.expires_at
        )
    click.echo(line)


@cli.command("confirm-hold")
@click.argument("hold_id", type=HOLD_ID)
@_guests_option(_("One for each held unit, in the order the units were held."))
@_nights_option(default=None)
@click.option("--payer", metavar="NAME")
@click.option("--reference", default="", metavar="TEXT")
@_OVERRIDE
@common_options
def confirm_hold(
    hold_id: int,
    guest_codes: tuple[str, ...],
    nights: int | None,
    payer: str | None,
    reference: str,
    override: str,
) -> None:
    """Turn a hold into stays: every held night, each unit for the guest paired with it."""
    with _override_hint():
        booked = act(
            holds.confirm,
            hold_id=hold_id,
            guest_codes=guest_codes,
            nights_count=nights,
            payer=payer,
            reference=reference,
            override=override,
        )
    stays_text = ", ".join(
        _("stay {stay} for {code}").format(stay=stay.id, code=c)
        for stay, c in zip(booked, guest_codes, strict=True)
    )
    click.echo(f"hold #{hold_id} " + _("confirmed: {stays}").format(stays=stays_text))


@cli.command("cancel-hold")
@click.argument("hold_id", type=HOLD_ID)
@common_options
def cancel_hold(hold_id: int) -> None:
    """Cancel a hold; the unit is free again."""
    act(holds.cancel_hold, hold_id=hold_id)
    click.echo(f"hold #{hold_id} " + _("cancelled"))


@cli.command("out-of-service")
@click.option("--unit", required=True, metavar="SITE/UNIT")
@click.option("--from", "first", type=NIGHT, required=True)
@click.option("--to", "last", type=NIGHT, required=True)
@click.option("--reason", required=True)
@common_options
def out_of_service_command(unit: str, first: dt.date, last: dt.date, reason: str) -> None:
    """Mark a unit out of service for a range of nights."""
    count = act(mark_out_of_service, unit=unit, first=first, last=last, reason=reason)
    click.echo(_("{unit} out of service for {n} night(s)").format(unit=unit, n=count))
